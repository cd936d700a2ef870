/* tcb.c - the TCB's ground floor: events and segments appended to a tcb_out, the segment header, window and MSS of this connection. */
#include "tcb_impl.h"

#include <string.h>

/*
 * Every other tcb_*.c file builds on this one and it calls none of them: the files of
 * the state machine call each other one way only, downwards (README.md of this folder
 * lists the floors).
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

uint32_t tcb_rcv_wnd(const struct tcb *t)
{
	uint32_t w;

	if (t->state <= TCB_SYN_SENT)	/* no RCV.NXT yet: offer the whole buffer */
		return tcb_p_rcv_buf(t);
	if (seq_lt(t->rcv_adv, t->rcv_nxt))
		return 0;
	w = t->rcv_adv - t->rcv_nxt;
	return w > tcb_opts_max_wnd(t) ? tcb_opts_max_wnd(t) : w;
}

/* Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): move the right edge only by at least
 * min(rcv_buf / 2, eff.mss). Returns true when it moved. */
bool tcb_rcv_edge_update(struct tcb *t)
{
	uint32_t edge = t->rcv_nxt + (tcb_p_rcv_buf(t) - t->rcvq.ready);
	uint32_t step = tcb_p_rcv_buf(t) / 2 < tcb_eff_mss(t) ? tcb_p_rcv_buf(t) / 2 : tcb_eff_mss(t);

	if (!seq_gt(edge, t->rcv_adv))
		return false;
	if (edge - t->rcv_adv < step)
		return false;
	t->rcv_adv = edge;
	return true;
}

/* A complete segment of this connection: addresses, ports, ACK = RCV.NXT, our window. */
void tcb_seg_init(const struct tcb *t, struct seg *s, uint32_t seq, uint8_t flags)
{
	memset(s, 0, sizeof(*s));
	tcb_addr_to_seg(&t->a, s);
	s->sport = t->a.lport;
	s->dport = t->a.rport;
	s->ttl = 0;	/* 64 */
	s->df = true;
	s->seq = seq;
	s->flags = flags;
	if (flags & SEG_ACK)
		s->ack = t->rcv_nxt;
	s->win = (flags & SEG_RST) ? 0 : tcb_opts_win_field(t, tcb_rcv_wnd(t), flags);
}

static bool tcb_pure_ack(const struct seg *s)
{
	return s->flags == SEG_ACK && s->len == 0;
}

/* Whether the pending pure ACK of this TCB is the last segment of o (see tcb.h). */
static struct seg *tcb_pending_ack(const struct tcb *t, struct tcb_out *o)
{
	if (o->ack_owner != t || o->nseg == 0 || o->ack_idx != o->nseg - 1)
		return NULL;
	return tcb_pure_ack(&o->seg[o->ack_idx]) ? &o->seg[o->ack_idx] : NULL;
}

void tcb_emit(struct tcb *t, struct tcb_out *o, const struct seg *in, uint64_t now)
{
	struct seg c = *in, *s = &c;
	struct seg *prev = (s->flags & SEG_ACK) ? tcb_pending_ack(t, o) : NULL;

	if ((s->flags & (SEG_ACK | SEG_RST)) == SEG_ACK) {	/* it acks RCV.NXT: no delay left */
		t->dack.bytes = 0;
		t->tmr[TCB_TIMER_DACK].at = TCB_NEVER;
	}
	tcb_opts_stamp(t, s, now);	/* RFC 7323, RFC 2018: TSopt, SACK blocks, SYN offers */

	if (prev && tcb_pure_ack(s)) {	/* the same ACK again: one is enough */
		*prev = *s;
		return;
	}
	if (prev) {	/* RFC 9293 §3.10.4: the FIN (or data) carries the pending ACK */
		*prev = *s;
		o->ack_owner = NULL;
		tcb_ev_n(tcb_ev(t, o, TCB_EV_ACK_MERGED, TCB_WHY_ACK_PIGGYBACKED, now),
			 s->flags, s->seq, 0, 0);
		return;
	}
	if (o->nseg >= TCB_OUT_SEGS) {	/* lost like a dropped packet; timers recover */
		o->seg_overflow = true;
		return;
	}
	o->seg[o->nseg] = *s;
	if (tcb_pure_ack(s)) {
		o->ack_owner = t;
		o->ack_idx = o->nseg;
	}
	o->nseg++;
}

/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (RFC 9293 §3.10.7.4). */
void tcb_send_ack(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct seg s;

	tcb_seg_init(t, &s, t->snd_nxt, SEG_ACK);
	tcb_emit(t, o, &s, now);
}

void tcb_send_rst(struct tcb *t, uint32_t seq, enum tcb_why why, uint64_t now,
		  struct tcb_out *o)
{
	struct seg s;

	tcb_seg_init(t, &s, seq, SEG_RST);
	tcb_ev_n(tcb_ev(t, o, TCB_EV_RST_SENT, why, now), seq, 0, 0, 0);
	tcb_emit(t, o, &s, now);
}
