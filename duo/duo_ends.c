/* duo_ends.c - synlab-duo's two applications: the client end sends --data and closes once the echo is back; the server end echoes and closes after the client's FIN. */
#include "duo.h"

#include <stdio.h>
#include <string.h>

#include "app.h"

static bool ours(const struct duo_end *d, const struct seg *s)
{
	return tcb_addr_inbound(&d->a, s);
}

struct live_conn *duo_end_lookup(void *ctx, const struct seg *s, enum tcb_state *st)
{
	struct duo_end *d = ctx;

	if (!d->c || !live_conn_tcb(d->c) || !ours(d, s)) {
		*st = !d->is_client && (s->flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN
			      ? TCB_LISTEN : TCB_CLOSED;
		return NULL;
	}
	*st = tcb_state(live_conn_tcb(d->c));
	return d->c;
}

static void scan(struct duo_end *d, const struct tcb_out *o)
{
	for (unsigned i = 0; i < o->nev; i++) {
		d->failed |= o->ev[i].kind == TCB_EV_RESET || o->ev[i].kind == TCB_EV_GAVE_UP;
		d->opened |= o->ev[i].kind == TCB_EV_STATE && o->ev[i].to == TCB_ESTABLISHED;
	}
}

static int emit(struct duo_end *d, struct tcb_out *o, struct err *e)
{
	scan(d, o);
	return live_emit(d->l, d->c, o, e);
}

/* Reads what arrived: the client prints it, the server echoes it ("Server: ..."). */
static int serve(struct duo_end *d, uint64_t now, struct tcb_out *o, struct err *e)
{
	struct tcb *t = live_conn_tcb(d->c);
	uint8_t in[DUO_DATA_MAX];
	size_t n;

	while (tcb_readable(t) && (n = tcb_receive(t, in, sizeof(in), now, o))) {
		d->got += n;
		if (d->is_client && d->o->tui) {	/* the terminal is the view's: at the end */
			size_t k = n < sizeof(d->rx) - d->rxn ? n : sizeof(d->rx) - d->rxn;

			memcpy(d->rx + d->rxn, in, k);
			d->rxn += k;
		} else if (d->is_client) {
			fwrite(in, 1, n, stdout);
			fflush(stdout);
		} else if (!d->closing) {
			int k = snprintf((char *)d->echo, sizeof(d->echo), "Server: %.*s", (int)n,
					 (const char *)in);

			if (k > 0 && tcb_send(t, d->echo, (size_t)k < sizeof(d->echo) ? (size_t)k
							 : sizeof(d->echo) - 1, now, o, e) < 0)
				return -1;
		}
	}
	return 0;
}

/* After every step: send, read, close when the application is done. */
static int advance(struct duo_end *d, uint64_t now, struct tcb_out *o, struct err *e)
{
	struct tcb *t = live_conn_tcb(d->c);
	enum tcb_state s = tcb_state(t);
	long n;

	if (d->is_client && (s == TCB_ESTABLISHED || s == TCB_CLOSE_WAIT) &&
	    d->sent < d->o->data_len) {
		if ((n = tcb_send(t, d->o->data + d->sent, d->o->data_len - d->sent, now, o, e)) < 0)
			return -1;
		d->sent += (size_t)n;
	}
	if (serve(d, now, o, e) < 0)
		return -1;
	if (d->closing || (s != TCB_ESTABLISHED && s != TCB_CLOSE_WAIT))
		return 0;
	/* the client closes once its echo is back, the server after the client's FIN */
	if ((d->is_client && d->sent == d->o->data_len && d->got >= d->o->data_len + 8) ||
	    (!d->is_client && tcb_peer_closed(t) && !tcb_readable(t))) {
		d->closing = true;
		return tcb_close(t, now, o, e);
	}
	return 0;
}

int duo_end_start(struct duo_end *d, struct err *e)
{
	struct tcb_out o;
	struct tcb *t;

	if (!d->is_client)
		return 0;	/* the server end waits for the SYN (LISTEN) */
	if (!(d->c = live_conn_new(d->l, &d->a, e)) || !(t = tcb_new(d->params, &d->a, e)))
		return -1;
	live_conn_set_tcb(d->c, t);
	tcb_out_reset(&o);
	if (tcb_open_active(t, live_now(d->l, d->c), &o, e) < 0)
		return -1;
	return emit(d, &o, e);
}

/* The server end's connection, made by the SYN (RFC 9293 §3.10.7.2). */
static int accept_syn(struct duo_end *d, const struct seg *s, uint64_t now, struct err *e)
{
	struct tcb_out o;
	struct tcb *t;

	d->a = tcb_addr_of_seg(s, true);
	if (!(d->c = live_conn_new(d->l, &d->a, e)) || !(t = tcb_new(d->params, &d->a, e)))
		return -1;
	live_conn_set_tcb(d->c, t);
	tcb_out_reset(&o);
	return tcb_open_passive(t, now, &o, e);
}

static int on_segment(struct duo_end *d, const struct live_ev *ev, struct err *e)
{
	const struct seg *s = &ev->pkt.seg;
	struct tcb_out o;
	enum tcb_state before;
	struct seg rst;

	if (ev->pkt.kind != WIRE_PKT_OK)
		return 0;
	if (!d->c && !d->is_client && !d->done &&
	    (s->flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN && accept_syn(d, s, ev->now, e) < 0)
		return -1;
	if (!d->c || !ours(d, s)) {	/* RFC 9293 §3.10.7.1: no such connection */
		live_log_received(d->l, NULL, s, TCB_CLOSED, TCB_CLOSED);
		return tcb_closed_reply(s, &rst) ? live_send_raw(d->l, &rst, "(no such "
			"connection: RST, RFC 9293 §3.10.7.1)", e) : 0;
	}
	tcb_out_reset(&o);
	before = tcb_state(live_conn_tcb(d->c));
	tcb_input(live_conn_tcb(d->c), s, ev->now, &o);
	live_log_received(d->l, d->c, s, before, tcb_state(live_conn_tcb(d->c)));
	/* the handshake's third segment is a pure ACK of its own, as synlab-client sends
	 * it; the data follows in the next segment (issue #12, item 6). Later answers may
	 * carry the application's bytes or FIN, as before. */
	if (before == TCB_SYN_SENT && tcb_state(live_conn_tcb(d->c)) == TCB_ESTABLISHED) {
		if (emit(d, &o, e) < 0)
			return -1;
		tcb_out_reset(&o);
	}
	if (advance(d, ev->now, &o, e) < 0)
		return -1;
	return emit(d, &o, e);
}

static int on_timer(struct duo_end *d, uint64_t now, struct err *e)
{
	struct tcb_out o;

	tcb_out_reset(&o);
	tcb_tick(live_conn_tcb(d->c), now, &o);
	if (advance(d, now, &o, e) < 0)
		return -1;
	return emit(d, &o, e);
}

/* The end's connection reached CLOSED: it is done. */
static void finish(struct duo_end *d)
{
	if (!d->c || tcb_state(live_conn_tcb(d->c)) != TCB_CLOSED)
		return;
	d->done = true;
	duo_end_free(d);
}

int duo_end_event(struct duo_end *d, const struct live_ev *ev, struct err *e)
{
	int r = 0;

	if (ev->kind == LIVE_PKT)
		r = on_segment(d, ev, e);
	else if (ev->kind == LIVE_TIMER && d->c && ev->conn == d->c)
		r = on_timer(d, ev->now, e);
	finish(d);
	return r;
}

void duo_end_free(struct duo_end *d)
{
	if (!d->c)
		return;
	tcb_free(live_conn_tcb(d->c));
	live_conn_release(d->l, d->c);
	d->c = NULL;
}

/* `c` for both ends: each stops stepping and runs on (main.c's prompt, duo_tui.c's key). */
int duo_finish_both(struct duo *u, struct err *e)
{
	return live_step_finish(u->end[0].l, e) < 0 ? -1 : live_step_finish(u->end[1].l, e);
}
