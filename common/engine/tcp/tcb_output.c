/* tcb_output.c - what a TCB sends on its own: its SYN (or SYN+ACK), then data and FIN as the peer's window allows. */
#include "tcb_impl.h"

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

/* Bytes the windows still allow (RFC 9293 §3.8.6: SND.UNA + SND.WND - SND.NXT, with
 * min(cwnd, SND.WND) for SND.WND, RFC 5681 §3.1, and Limited Transmit). In a SACK
 * recovery cwnd bounds pipe, not the data in flight (RFC 6675 §5 step C, NextSeg()
 * rule 2: new data "if the receiver's advertised window allows"). */
static uint32_t tcb_usable_window(const struct tcb *t)
{
	uint32_t right = t->snd_una + tcb_send_window(t, tcb_eff_mss(t));
	uint32_t rwnd = t->snd_una + t->snd_wnd, room;

	if (tcb_board_on(t)) {
		room = seq_gt(rwnd, t->snd_nxt) ? rwnd - t->snd_nxt : 0;
		return room < tcb_board_room(t) ? room : tcb_board_room(t);
	}
	return seq_gt(right, t->snd_nxt) ? right - t->snd_nxt : 0;
}

static bool tcb_may_send_data(const struct tcb *t)
{
	return t->state == TCB_ESTABLISHED || t->state == TCB_CLOSE_WAIT ||
	       t->state == TCB_FIN_WAIT_1 || t->state == TCB_LAST_ACK;
}

/* Sends one new segment of up to `room` bytes (FIN after the last byte when closing);
 * probe: the peer's window alone bounds it (RFC 8985 §7.3). Returns false when nothing
 * (more) can go. */
static bool tcb_output_one(struct tcb *t, bool probe, uint64_t now, struct tcb_out *o)
{
	uint32_t unsent = t->sndq.len - (t->snd_nxt - t->sndq_seq), rwnd = t->snd_una + t->snd_wnd;
	uint32_t avail = !probe ? tcb_usable_window(t)
		       : seq_gt(rwnd, t->snd_nxt) ? rwnd - t->snd_nxt : 0;
	uint32_t n = unsent;
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

bool tcb_output_probe(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	return tcb_may_send_data(t) && tcb_output_one(t, true, now, o);
}

/* Sends what the window allows; arms the retransmission or persist timer. */
void tcb_output(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	if (!tcb_may_send_data(t))
		return;
	while (tcb_output_one(t, false, now, o))
		;
	tcb_rtx_timer_update(t, now);
	tcb_persist_update(t, now);
}
