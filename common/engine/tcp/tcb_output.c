/* tcb_output.c - building the segments a TCB sends: ACK, RST, SYN, data and FIN. */
#include "tcb_impl.h"

#include <string.h>

uint16_t tcb_eff_mss(const struct tcb *t)
{
	/* RFC 9293 §3.7.1 without IP or TCP options: min(peer's MSS, ours). */
	return t->peer_mss < tcb_p_mss(t) ? t->peer_mss : tcb_p_mss(t);
}

uint32_t tcb_rcv_wnd(const struct tcb *t)
{
	uint32_t w;

	if (t->state <= TCB_SYN_SENT)	/* no RCV.NXT yet: offer the whole buffer */
		return tcb_p_rcv_buf(t);
	if (seq_lt(t->rcv_adv, t->rcv_nxt))
		return 0;
	w = t->rcv_adv - t->rcv_nxt;
	return w > 65535 ? 65535 : w;
}

/* A complete segment of this connection: addresses, ports, ACK = RCV.NXT, our window. */
void tcb_seg_init(const struct tcb *t, struct seg *s, uint32_t seq, uint8_t flags)
{
	memset(s, 0, sizeof(*s));
	s->saddr = t->a.laddr;
	s->daddr = t->a.raddr;
	s->sport = t->a.lport;
	s->dport = t->a.rport;
	s->ttl = 0;	/* 64 */
	s->df = true;
	s->seq = seq;
	s->flags = flags;
	if (flags & SEG_ACK)
		s->ack = t->rcv_nxt;
	s->win = (flags & SEG_RST) ? 0 : (uint16_t)tcb_rcv_wnd(t);
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

void tcb_emit(struct tcb *t, struct tcb_out *o, const struct seg *s, uint64_t now)
{
	struct seg *prev = (s->flags & SEG_ACK) ? tcb_pending_ack(t, o) : NULL;

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

/* RFC 5961 §3.2, §4, §5 challenge ACK, at most challenge_ack_limit per second (§7). */
void tcb_challenge_ack(struct tcb *t, enum tcb_why why, uint64_t now, struct tcb_out *o,
		       uint32_t n0, uint32_t n1, uint32_t n2)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_CHALLENGE_ACK, why, now);

	tcb_ev_n(ev, n0, n1, n2, 0);
	if (now - t->chack_start >= TCB_CHACK_WINDOW_US || now < t->chack_start) {
		t->chack_start = now;
		t->chack_count = 0;
	}
	if (t->chack_count >= t->p->challenge_ack_limit) {
		ev->limited = true;
		return;
	}
	t->chack_count++;
	tcb_send_ack(t, now, o);
}

/* The segment for a retransmission-queue entry, first send or resend alike. */
static void tcb_rtx_build(const struct tcb *t, const struct tcb_rtx_ent *r, struct seg *s)
{
	uint8_t flags = r->flags;

	if (t->state != TCB_SYN_SENT)
		flags |= SEG_ACK;
	tcb_seg_init(t, s, r->seq, flags);
	if (flags & SEG_SYN) {	/* RFC 9293 §3.7.1: MSS only on SYNs */
		s->opts.has_mss = true;
		s->opts.mss = tcb_p_mss(t);
	}
	if (r->len > 0) {
		s->payload = sndq_at(&t->sndq, r->seq - t->sndq_seq);
		s->len = s->payload ? r->len : 0;
	}
}

void tcb_rtx_send(struct tcb *t, const struct tcb_rtx_ent *r, uint64_t now,
		  struct tcb_out *o)
{
	struct seg s;

	tcb_rtx_build(t, r, &s);
	tcb_emit(t, o, &s, now);
}

/* SYN (SYN-SENT) or SYN+ACK (SYN-RECEIVED) at ISS, queued for retransmission. */
void tcb_send_syn(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_rtx_ent *r = tcb_rtx_first(t);

	if (!r || !(r->flags & SEG_SYN)) {
		r = tcb_rtx_push(t, t->iss, 0, SEG_SYN, now);
		t->snd_nxt = t->iss + 1;
	}
	if (!r)
		return;
	tcb_rtx_send(t, r, now, o);
	tcb_rtx_timer_update(t, now);
}

/* Bytes the peer's window still allows (RFC 9293 §3.8.6: SND.UNA + SND.WND - SND.NXT). */
static uint32_t tcb_usable_window(const struct tcb *t)
{
	uint32_t right = t->snd_una + t->snd_wnd;

	return seq_gt(right, t->snd_nxt) ? right - t->snd_nxt : 0;
}

static bool tcb_may_send_data(const struct tcb *t)
{
	return t->state == TCB_ESTABLISHED || t->state == TCB_CLOSE_WAIT ||
	       t->state == TCB_FIN_WAIT_1 || t->state == TCB_LAST_ACK;
}

/* Sends one new segment of up to `room` bytes (FIN after the last byte when closing).
 * Returns false when nothing (more) can go. */
static bool tcb_output_one(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	uint32_t unsent = t->sndq.len - (t->snd_nxt - t->sndq_seq);
	uint32_t avail = tcb_usable_window(t), n = unsent;
	uint8_t flags = 0;
	struct tcb_rtx_ent *r;

	if (t->fin_sent || o->nseg >= TCB_OUT_SEGS || t->rtx_n >= TCB_RTXQ_MAX)
		return false;
	if (n > tcb_eff_mss(t))
		n = tcb_eff_mss(t);
	if (n > avail)
		n = avail;
	if (unsent > 0 && n == 0)
		return false;	/* zero window: the persist timer probes */
	/* Sender SWS avoidance (§3.8.6.2.1): a short segment only when it empties the queue,
	 * fills half the largest window seen, or nothing is in flight. */
	if (n < unsent && n < tcb_eff_mss(t) && n < t->max_snd_wnd / 2 && t->rtx_n > 0)
		return false;
	if (n == unsent && n > 0)
		flags |= SEG_PSH;	/* the last segment of what the user sent */
	if (n == unsent && t->close_pending)
		flags |= SEG_FIN;
	if (n == 0 && !(flags & SEG_FIN))
		return false;
	r = tcb_rtx_push(t, t->snd_nxt, n, flags, now);
	if (!r)
		return false;
	t->snd_nxt += n;
	if (flags & SEG_FIN) {
		t->fin_sent = true;
		t->fin_seq = t->snd_nxt;
		t->snd_nxt++;
	}
	tcb_rtx_send(t, r, now, o);
	return true;
}

/* Sends what the window allows; arms the retransmission or persist timer. */
void tcb_output(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	if (!tcb_may_send_data(t))
		return;
	while (tcb_output_one(t, now, o))
		;
	tcb_rtx_timer_update(t, now);
	tcb_persist_update(t, now);
}
