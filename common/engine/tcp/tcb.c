/* tcb.c - the TCB's ground floor: events appended to a tcb_out, dropped segments, and the connection's effective MSS. */
#include "tcb_impl.h"

#include <string.h>

/*
 * Every other tcb_*.c file builds on this one and it calls none of them: the files of
 * the state machine call each other one way only, downwards (README.md of this folder
 * lists the floors; tcb_stamp.c and tcb_emit.c, the segments we send, are the next).
 */

void tcb_out_reset(struct tcb_out *o)
{
	o->nseg = 0;
	o->nev = 0;
	o->ev_overflow = false;
	o->seg_overflow = false;
	o->ack_owner = NULL;
	o->ack_idx = 0;
}

struct tcb_event *tcb_ev(const struct tcb *t, struct tcb_out *o, enum tcb_ev_kind k,
			 enum tcb_why why, uint64_t now)
{
	struct tcb_event *ev;

	if (o->nev < TCB_OUT_EVENTS) {
		ev = &o->ev[o->nev++];
	} else {
		o->ev_overflow = true;
		ev = &o->ev_spill;
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	ev->why = why;
	ev->from = t->state;
	ev->to = t->state;
	ev->now = now;
	return ev;
}

void tcb_ev_n(struct tcb_event *ev, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3)
{
	ev->n[0] = n0;
	ev->n[1] = n1;
	ev->n[2] = n2;
	ev->n[3] = n3;
}

void tcb_drop(const struct tcb *t, struct tcb_out *o, enum tcb_why why, uint64_t now,
	      uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3)
{
	tcb_ev_n(tcb_ev(t, o, TCB_EV_SEG_DROPPED, why, now), n0, n1, n2, n3);
}

uint16_t tcb_eff_mss(const struct tcb *t)
{
	/* RFC 9293 §3.7.1: min(peer's MSS, ours), less the options every segment carries
	 * (RFC 6691: the MSS counts no TCP options; a timestamp takes 12 bytes, as in
	 * Linux's tcp_current_mss). */
	uint16_t m = t->peer_mss < tcb_p_mss(t) ? t->peer_mss : tcb_p_mss(t);

	return t->opt.ts_ok && m > 64 ? (uint16_t)(m - TCB_TS_OPT_LEN) : m;
}
