/* live_log.c - the live programs' explaining log: a record for every segment, event and connection. */
#include "live.h"

#include <stdlib.h>
#include <string.h>

/* The connection's part of the log, made at its first record. NULL when out of memory
 * (its records are then written without connection state). */
static struct live_log_conn *conn_log(struct live *l, struct live_conn *c)
{
	if (!c || c->x || c->released)
		return c ? c->x : NULL;
	if (!(c->x = malloc(sizeof(*c->x))))
		return NULL;
	live_log_conn_init(c->x, c->id, l->g.local);
	return c->x;
}

void live_log_packet(struct live *l, uint64_t now, const uint8_t *ip, size_t len)
{
	l->frame++;
	live_log_capture(&l->g, now, ip, len);
}

/* One segment (sent: out) of connection c, or of none (c NULL, or no memory). */
static void log_segment(struct live *l, struct live_conn *c, struct live_rec_seg *in,
			const char *note)
{
	struct live_log_conn *x = conn_log(l, c);
	struct explain_rec r;
	struct err e;

	in->frame = l->frame;
	if (!x || !c->tcb) {
		live_rec_stray(l->g.local, in, &r);
	} else if (live_rec_segment(&x->rec, c->tcb, in, &r, &e) < 0) {
		live_log_note(&l->g, "synlab: %s", e.msg);
		live_rec_stray(l->g.local, in, &r);
		r.conn = c->id;
	}
	live_log_put(&l->g, x, &r, true, note);
}

void live_log_in(struct live *l, struct live_conn *c, const struct seg *s,
		 enum tcb_state before, enum tcb_state after)
{
	struct live_rec_seg in = { s, false, 0, live_elapsed(l, l->g.last_pkt_us), before, after };

	log_segment(l, c, &in, NULL);
}

void live_log_seg(struct live *l, struct live_conn *c, const struct seg *s, uint64_t now,
		  const char *note)
{
	struct live_rec_seg in = { s, true, 0, live_elapsed(l, now), TCB_CLOSED, TCB_CLOSED };

	log_segment(l, c, &in, note);
}

/* Events the explanation of every segment already tells (ACKs, RTT, window, data). */
static bool routine(enum tcb_ev_kind k)
{
	return k == TCB_EV_ACKED || k == TCB_EV_RTT || k == TCB_EV_WINDOW ||
	       k == TCB_EV_DATA_IN || k == TCB_EV_ACK_MERGED || k == TCB_EV_ACK_SENT;
}

void live_log_events(struct live *l, struct live_conn *c, const struct tcb_out *o)
{
	struct live_log_conn *x = conn_log(l, c);
	struct explain_rec r;
	bool covers, covered;

	if (!x)
		return;
	covers = live_rec_covers(&x->rec, o);
	for (unsigned i = 0; i < o->nev; i++) {
		live_rec_event(&x->rec, &o->ev[i], covers, l->frame, live_elapsed(l, o->ev[i].now),
			       &r, &covered);
		live_log_put(&l->g, x, &r, !covered && !routine(o->ev[i].kind), NULL);
	}
	if (o->ev_overflow)
		live_log_note(&l->g, "#%u   (more events than one step could hold)", c->id);
}

void live_log_impair(struct live *l, struct live_conn *c, const struct seg *s, bool out,
		     const struct explain_impair *imp, uint64_t now)
{
	struct live_rec_seg in = { s, out, l->frame, live_elapsed(l, now), TCB_CLOSED, TCB_CLOSED };
	struct live_log_conn *x = conn_log(l, c);
	struct explain_rec r;

	if (x && c->tcb) {
		live_rec_impair(&x->rec, c->tcb, &in, imp, &r);
	} else {
		live_rec_stray(l->g.local, &in, &r);
		r.kind = EXPLAIN_REC_IMPAIR;
		r.impair = *imp;
	}
	live_log_put(&l->g, x, &r, true, NULL);
}

void live_log_conn_end(struct live *l, struct live_conn *c)
{
	struct live_log_conn *x = c->x;
	struct explain_rec r;

	if (!x)
		return;
	live_rec_summary(&x->rec, &c->addr, live_elapsed(l, evloop_now_us()), &r);
	live_log_put(&l->g, x, &r, true, NULL);
	live_log_conn_done(&l->g, x);
	free(x);
	c->x = NULL;
}
