/* tcb_emit.c - the segments a TCB sends: header, ACK field and window of this connection, options stamped, appended to a tcb_out. */
#include "tcb_impl.h"

#include <string.h>

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
