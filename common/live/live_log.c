/* live_log.c - the live programs' explaining log: a record for every segment, event and connection. */
#include "live_conn.h"
#include "live_log.h"

#include <stdlib.h>
#include <string.h>

/* The connection's part of the log, made at its first record. NULL when out of memory
 * (its records are then written without connection state). */
static struct live_log_conn *conn_log(struct live_log *g, struct live_conn *c)
{
	if (!c || c->x || c->released)
		return c ? c->x : NULL;
	if (!(c->x = malloc(sizeof(*c->x))))
		return NULL;
	live_log_conn_init(c->x, c->id, g->local);
	return c->x;
}

void live_log_packet(struct live_log *g, uint64_t now, const uint8_t *ip, size_t len)
{
	g->frame++;
	live_log_capture(g, g->frame, now, ip, len);
}

/* One segment (sent: out) of connection c, or of none (c NULL, or no memory). */
static void log_segment(struct live_log *g, struct live_conn *c, struct live_rec_seg *in,
			const char *note)
{
	struct live_log_conn *x = conn_log(g, c);
	struct explain_rec r;
	struct err e;

	if (!in->frame)
		in->frame = g->frame;
	if (!x || !c->tcb) {
		live_rec_stray(g->local, in, &r);
	} else if (live_rec_segment(&x->rec, c->tcb, in, &r, &e) < 0) {
		live_log_note(g, "synlab: %s", e.msg);
		live_rec_stray(g->local, in, &r);
		r.conn = c->id;
	}
	live_log_put(g, x, &r, true, note);
}

void live_log_in(struct live_log *g, struct live_conn *c, const struct seg *s, uint64_t frame,
		 uint64_t mono_us, enum tcb_state before, enum tcb_state after)
{
	struct live_rec_seg in = { s, false, frame,
				   live_log_elapsed(g, mono_us ? mono_us : g->last_pkt_us), before,
				   after, false, 0 };

	log_segment(g, c, &in, NULL);
}

void live_log_arrived(struct live_log *g, struct live_conn *c, const struct seg *s,
		      uint64_t frame, uint64_t mono_us)
{
	struct live_log_conn *x = c && c->tcb ? conn_log(g, c) : NULL;
	struct err e;

	if (x && live_rec_arrived(&x->rec, s, frame, live_log_elapsed(g, mono_us), &e) < 0)
		live_log_note(g, "synlab: %s", e.msg);
}

void live_log_mark(struct live_log *g, struct live_conn *c, const struct seg *made,
		   uint64_t held_us)
{
	struct live_log_conn *x = c && c->tcb ? conn_log(g, c) : NULL;

	if (x)
		live_rec_mark(&x->rec, made, held_us);
}

void live_log_seg(struct live_log *g, struct live_conn *c, const struct seg *s, uint64_t now,
		  bool copy, unsigned rtx_why, const char *note)
{
	struct live_rec_seg in = { s, true, 0, live_log_elapsed(g, now), TCB_CLOSED,
				   TCB_CLOSED, copy, (uint16_t)rtx_why };

	log_segment(g, c, &in, note);
}

/* Events the explanation of every segment already tells (ACKs, RTT, window, data). */
static bool routine(enum tcb_ev_kind k)
{
	return k == TCB_EV_ACKED || k == TCB_EV_RTT || k == TCB_EV_WINDOW ||
	       k == TCB_EV_DATA_IN || k == TCB_EV_ACK_MERGED || k == TCB_EV_ACK_SENT;
}

void live_log_events(struct live_log *g, struct live_conn *c, const struct tcb_out *o,
		     unsigned held_out)
{
	struct live_log_conn *x = conn_log(g, c);
	struct explain_rec r;
	bool covers, covered;

	if (!x)
		return;
	covers = live_rec_covers(&x->rec, o);
	for (unsigned i = 0; i < o->nev; i++) {
		live_rec_event(&x->rec, c->tcb, &o->ev[i], covers, g->frame,
			       live_log_elapsed(g, live_conn_wall(c, o->ev[i].now)), &r, &covered);
		if (r.kind == EXPLAIN_REC_EVENT && r.ev.kind == TCB_EV_RETRANSMIT)
			r.held_out = held_out;
		live_log_put(g, x, &r, !covered && !routine(o->ev[i].kind), NULL);
	}
	if (o->ev_overflow)
		live_log_note(g, "#%u   (more events than one step could hold)", c->id);
}

void live_log_impair(struct live_log *g, struct live_conn *c, const struct seg *s, bool out,
		     const struct explain_impair *imp, uint64_t frame, uint64_t now)
{
	struct live_rec_seg in = { s, out, frame, live_log_elapsed(g, now), TCB_CLOSED, TCB_CLOSED,
				   false, 0 };
	struct live_log_conn *x = conn_log(g, c);
	struct explain_rec r;

	if (x && c->tcb) {
		live_rec_impair(&x->rec, c->tcb, &in, imp, &r);
	} else {
		live_rec_stray(g->local, &in, &r);
		r.kind = EXPLAIN_REC_IMPAIR;
		r.impair = *imp;
	}
	live_log_put(g, x, &r, true, NULL);
}

int live_log_preview(struct live_log *g, struct live_conn *c, const struct seg *s, bool out,
		     uint64_t now, struct explain_rec *r, struct err *e)
{
	struct live_log_conn *x = conn_log(g, c);
	enum tcb_state st = c && c->tcb ? tcb_state(c->tcb) : TCB_CLOSED;
	/* the frame it would be: the next one this program puts on the wire */
	struct live_rec_seg in = { s, out, g->frame + 1, live_log_elapsed(g, now), st, st, false, 0 };

	if (!x || !c->tcb) {
		live_rec_stray(g->local, &in, r);
		return 0;
	}
	return live_rec_preview(&x->rec, c->tcb, &in, r, e);
}

void live_log_conn_end(struct live_log *g, struct live_conn *c, uint64_t now)
{
	struct live_log_conn *x = c->x;
	struct explain_rec r;

	if (!x)
		return;
	live_rec_summary(&x->rec, &c->addr, live_log_elapsed(g, now), &r);
	live_log_put(g, x, &r, true, NULL);
	live_log_conn_done(g, x);
	free(x);
	c->x = NULL;
}
