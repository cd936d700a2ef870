/* tcb_input.c - SEGMENT ARRIVES (RFC 9293 §3.10.7): CLOSED, LISTEN, SYN-SENT, then the checks
 * every synchronized state shares, in the RFC's order (sequence, RST, SYN, ACK, text, FIN). */
#include "tcb_impl.h"

#include <string.h>

/* §3.10.7.1: no ACK -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; ACK -> <SEQ=SEG.ACK><CTL=RST>. */
bool tcb_closed_reply(const struct seg *s, struct seg *rst)
{
	if (!s || !rst || (s->flags & SEG_RST))
		return false;
	memset(rst, 0, sizeof(*rst));
	tcb_seg_swap_addrs(s, rst);
	rst->sport = s->dport;
	rst->dport = s->sport;
	rst->df = true;
	if (s->flags & SEG_ACK) {
		rst->seq = s->ack;
		rst->flags = SEG_RST;
	} else {
		rst->seq = 0;
		rst->ack = s->seq + seg_seqlen(s);
		rst->flags = SEG_RST | SEG_ACK;
	}
	return true;
}

static void tcb_input_closed(struct tcb *t, const struct seg *s, uint64_t now,
			     struct tcb_out *o)
{
	struct seg rst;

	tcb_drop(t, o, TCB_WHY_CLOSED_NO_TCB, now, s->seq, s->ack, seg_seqlen(s), 0);
	if (!tcb_closed_reply(s, &rst))
		return;
	tcb_ev_n(tcb_ev(t, o, TCB_EV_RST_SENT, TCB_WHY_CLOSED_NO_TCB, now), rst.seq, rst.ack,
		 0, 0);
	tcb_emit(t, o, &rst, now);
}

/* The peer's SYN fixes IRS and RCV.NXT, opens our receive window and decides the
 * options (RFC 7323 §2.2, §3.2, RFC 2018 §2). */
static void tcb_take_syn(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	tcb_opts_take_syn(t, s, now, o);
	t->irs = s->seq;
	t->rcv_nxt = s->seq + 1;
	t->rcv_adv = t->rcv_nxt + tcb_p_rcv_buf(t);
	tcb_open_windows(t, s);
}

/* Text or FIN on a SYN without an ACK of ours (LISTEN, simultaneous open) is not kept:
 * see tcb.h "Defaults and simplifications". */
static void tcb_syn_data_ignored(const struct tcb *t, const struct seg *s, uint64_t now,
				 struct tcb_out *o)
{
	if (s->len > 0 || (s->flags & SEG_FIN))
		tcb_drop(t, o, TCB_WHY_SYN_DATA_IGNORED, now, s->seq, s->len, 0, 0);
}

/* §3.10.7.2 LISTEN: RST ignored, ACK -> RST, SYN -> SYN+ACK and SYN-RECEIVED. */
static void tcb_input_listen(struct tcb *t, const struct seg *s, uint64_t now,
			     struct tcb_out *o)
{
	if (s->flags & SEG_RST) {
		tcb_drop(t, o, TCB_WHY_LISTEN_RST, now, s->seq, 0, 0, 0);
	} else if (s->flags & SEG_ACK) {
		tcb_drop(t, o, TCB_WHY_LISTEN_ACK, now, s->ack, 0, 0, 0);
		tcb_send_rst(t, s->ack, TCB_WHY_LISTEN_ACK, now, o);
	} else if (s->flags & SEG_SYN) {
		t->iss = tcb_choose_iss(t, now);
		t->snd_una = t->iss;
		t->snd_nxt = t->iss;
		t->sndq_seq = t->iss + 1;
		rto_init(&t->rto, tcb_p_rto_init(t), tcb_p_rto_min(t), tcb_p_rto_max(t));
		tcb_take_syn(t, s, now, o);
		tcb_syn_data_ignored(t, s, now, o);
		t->snd_wl2 = t->iss;
		tcb_ev_n(tcb_set_state(t, TCB_SYN_RECEIVED, TCB_WHY_LISTEN_SYN, now, o), t->irs,
			 t->iss, 0, 0);
		tcb_send_syn(t, now, o);
	} else {
		tcb_drop(t, o, TCB_WHY_LISTEN_OTHER, now, s->seq, 0, 0, 0);
	}
}

/* SND.UNA < SEG.ACK =< SND.NXT: drop what is acknowledged, sample the RTT (Karn),
 * congestion control (tcb_cc.c: cwnd grows, or recovery resends one segment), restart
 * the timer (RFC 6298 §5.3; RFC 6582 §3.2 step 5: not on a later partial ACK). */
static void tcb_ack_new(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	uint32_t old = t->snd_una, n = 0, what = 0, flight = t->snd_nxt - t->snd_una;
	enum tcb_why rtt_why = TCB_WHY_ACK_NEW;
	bool restart = true;
	uint64_t rtt;

	if (t->snd_una == t->iss)
		what |= 1;
	if (t->fin_sent && seq_gt(s->ack, t->fin_seq))
		what |= 2;
	if (seq_gt(s->ack, t->sndq_seq)) {
		n = s->ack - t->sndq_seq;
		n = n > t->sndq.len ? t->sndq.len : n;
		sndq_consume(&t->sndq, n);
		t->sndq_seq += n;
	}
	t->snd_una = s->ack;
	tcb_rtx_ack(t, s->ack, now, &rtt);
	/* RFC 7323 §4.1: where Karn forbids a sample, TSecr says which send is acked */
	if (rtt == TCB_NEVER && (rtt = tcb_opts_ts_rtt(t, s, now)) != TCB_NEVER)
		rtt_why = TCB_WHY_TS_RTTM;
	tcb_ev_n(tcb_ev(t, o, TCB_EV_ACKED, TCB_WHY_ACK_NEW, now), s->ack, old, n, what);
	if (rtt != TCB_NEVER) {
		struct tcb_event *ev;

		rto_sample(&t->rto, rtt);
		ev = tcb_ev(t, o, TCB_EV_RTT, rtt_why, now);
		tcb_ev_n(ev, (uint32_t)rtt, (uint32_t)t->rto.srtt, (uint32_t)t->rto.rttvar,
			 rtt_why == TCB_WHY_TS_RTTM ? s->opts.tsecr : 0);
		ev->rto_us = t->rto.rto;
	}
	if ((what & 1) && t->syn_timed_out)	/* RFC 6298 §5.7 */
		rto_syn_fallback(&t->rto, 3 * tcb_p_rto_init(t));
	if (what & 1)
		tcb_cc_init(t);
	else
		restart = tcb_cc_on_ack(t, s->ack, s->ack - old, flight, now, o);
	t->rtx_count = 0;
	t->probes = 0;
	if (restart)
		tcb_timer_stop(t, TCB_TIMER_RTX);
	tcb_rtx_timer_update(t, now);
}

/* §3.10.7.4 fifth: take SND.WND when the segment is newer (SND.WL1 / SND.WL2 rule). */
static void tcb_window_update(struct tcb *t, const struct seg *s, uint64_t now,
			      struct tcb_out *o)
{
	uint32_t wnd = tcb_opts_seg_wnd(t, s);	/* RFC 7323 §2.3: SEG.WND << shift */

	if (!(seq_lt(t->snd_wl1, s->seq) ||
	      (t->snd_wl1 == s->seq && seq_leq(t->snd_wl2, s->ack))))
		return;
	tcb_opts_note_wnd(t, s, now, o);
	if (t->snd_wnd != wnd)
		tcb_ev_n(tcb_ev(t, o, TCB_EV_WINDOW, TCB_WHY_WINDOW_UPDATE, now), t->snd_wnd,
			 wnd, s->seq, s->ack);
	t->snd_wnd = wnd;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	if (wnd > t->max_snd_wnd)
		t->max_snd_wnd = wnd;
}

static void tcb_input_text_fin(struct tcb *t, const struct seg *s, uint64_t now,
			       struct tcb_out *o);

/* §3.10.7.3 fourth, SYN+ACK: "If there are other controls or text in the segment, then
 * continue processing at the sixth step" - the text after the SYN (seq IRS+1 on) is
 * accepted and a FIN taken, and the ACK sent covers them. */
static void tcb_synack_text(struct tcb *t, const struct seg *s, uint64_t now,
			    struct tcb_out *o)
{
	struct seg rest = *s;

	if (s->len > 0 ? !s->payload : !(s->flags & SEG_FIN)) {
		tcb_send_ack(t, now, o);	/* nothing to take: the plain ACK of the SYN */
		return;
	}
	rest.seq = s->seq + 1;
	rest.flags &= (uint8_t)~SEG_SYN;
	tcb_input_text_fin(t, &rest, now, o);	/* ACKs the text and the FIN */
}

/* §3.10.7.3 fourth: a SYN in SYN-SENT, with our SYN acked (ESTABLISHED) or not
 * (simultaneous open, §3.5 figure 8: SYN-RECEIVED, SYN+ACK with our ISS again). */
static void tcb_syn_sent_syn(struct tcb *t, const struct seg *s, bool has_ack, uint64_t now,
			     struct tcb_out *o)
{
	struct tcb_rtx_ent *r;

	tcb_take_syn(t, s, now, o);
	if (has_ack) {
		tcb_ack_new(t, s, now, o);
		tcb_ev_n(tcb_set_state(t, TCB_ESTABLISHED, TCB_WHY_SYN_SENT_SYNACK, now, o),
			 s->ack, t->iss, t->irs, 0);
		tcb_synack_text(t, s, now, o);
		tcb_output(t, now, o);
		return;
	}
	tcb_syn_data_ignored(t, s, now, o);
	tcb_ev_n(tcb_set_state(t, TCB_SYN_RECEIVED, TCB_WHY_SYN_SENT_SYN, now, o), t->irs,
		 t->iss, 0, 0);
	r = tcb_rtx_first(t);
	if (r) {
		r->rtx++;	/* Karn: the SYN now has two transmissions */
		r->last_at = now;
		tcb_rtx_send(t, r, now, o);
	}
}

/* §3.10.7.3 SYN-SENT. */
static void tcb_input_syn_sent(struct tcb *t, const struct seg *s, uint64_t now,
			       struct tcb_out *o)
{
	bool has_ack = s->flags & SEG_ACK;

	if (has_ack && (seq_leq(s->ack, t->iss) || seq_gt(s->ack, t->snd_nxt))) {
		tcb_drop(t, o, TCB_WHY_SYN_SENT_BAD_ACK, now, s->ack, t->iss, t->snd_nxt, 0);
		if (!(s->flags & SEG_RST))
			tcb_send_rst(t, s->ack, TCB_WHY_SYN_SENT_BAD_ACK, now, o);
		return;
	}
	if (s->flags & SEG_RST) {
		if (!has_ack) {
			tcb_drop(t, o, TCB_WHY_SYN_SENT_RST_NO_ACK, now, s->seq, s->ack, t->iss,
				 0);
			return;
		}
		tcb_ev_n(tcb_ev(t, o, TCB_EV_RESET, TCB_WHY_SYN_SENT_RST, now), s->ack, t->iss, 0,
			 0);
		tcb_ev_n(tcb_set_state(t, TCB_CLOSED, TCB_WHY_SYN_SENT_RST, now, o), s->ack,
			 t->iss, 0, 0);
		return;
	}
	if (!(s->flags & SEG_SYN)) {
		tcb_drop(t, o, TCB_WHY_SYN_SENT_NO_SYN, now, s->seq, 0, 0, 0);
		return;
	}
	tcb_syn_sent_syn(t, s, has_ack, now, o);
}

/* Before the common checks: the two repeats answered at once (Linux behaviour). Returns
 * true when the segment was consumed. */
static bool tcb_input_repeat(struct tcb *t, const struct seg *s, uint64_t now,
			     struct tcb_out *o)
{
	uint8_t f = s->flags & (SEG_SYN | SEG_ACK | SEG_RST | SEG_FIN);
	struct tcb_event *ev;

	if (t->state == TCB_TIME_WAIT && (f & SEG_FIN) && !(f & (SEG_SYN | SEG_RST)) &&
	    s->seq + seg_seqlen(s) == t->rcv_nxt) {
		ev = tcb_ev(t, o, TCB_EV_TW_RESTART, TCB_WHY_FIN_IN_TIME_WAIT, now);
		tcb_ev_n(ev, s->seq, t->rcv_nxt, (uint32_t)tcb_time_wait_len(t), 0);
		ev->timer = TCB_TIMER_TIME_WAIT;
		ev->after_us = now - t->tmr[TCB_TIMER_TIME_WAIT].set_at;
		tcb_send_ack(t, now, o);
		tcb_timer_arm(t, TCB_TIMER_TIME_WAIT, tcb_time_wait_len(t), now);
		return true;
	}
	if (t->state == TCB_SYN_RECEIVED && f == SEG_SYN && s->seq == t->irs && tcb_rtx_first(t) &&
	    (tcb_rtx_first(t)->flags & SEG_SYN)) {
		struct tcb_rtx_ent *r = tcb_rtx_first(t);

		ev = tcb_ev(t, o, TCB_EV_RETRANSMIT, TCB_WHY_SYN_RCVD_SYN_REPEAT, now);
		tcb_ev_n(ev, s->seq, t->irs, 0, 0);
		ev->after_us = now - r->last_at;
		ev->rto_us = t->rto.rto;
		r->rtx++;	/* Karn */
		r->last_at = now;
		tcb_rtx_send(t, r, now, o);
		return true;
	}
	return false;
}

/* §3.10.7.4 first check, with RFC 5961 §4 for SYNs. Returns false when dropped. */
static bool tcb_check_seq(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	uint32_t len = seg_seqlen(s), wnd = tcb_rcv_wnd(t);

	if (seq_acceptable(s->seq, len, t->rcv_nxt, wnd))
		return true;
	if (s->flags & SEG_RST) {
		tcb_drop(t, o, TCB_WHY_RST_OUT_OF_WINDOW, now, s->seq, len, t->rcv_nxt, wnd);
	} else if (s->flags & SEG_SYN) {
		tcb_challenge_ack(t, TCB_WHY_SYN_IN_SYNC, now, o, s->seq, t->rcv_nxt, 0);
	} else {
		tcb_reply_ack(t, s, TCB_WHY_SEQ_UNACCEPTABLE, now, o, s->seq, len, t->rcv_nxt,
			      wnd);
	}
	return false;
}

/* §3.10.7.4 second check with RFC 5961 §3.2: only an exact RST resets. */
static void tcb_check_rst(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	enum tcb_why why = TCB_WHY_RST_RESET;
	enum tcb_state to = TCB_CLOSED;

	if (s->seq != t->rcv_nxt) {
		tcb_challenge_ack(t, TCB_WHY_RST_IN_WINDOW, now, o, s->seq, t->rcv_nxt,
				  tcb_rcv_wnd(t));
		return;
	}
	if (t->state == TCB_TIME_WAIT && t->p->rfc1337) {
		tcb_drop(t, o, TCB_WHY_RST_RFC1337, now, s->seq, 0, 0, 0);
		return;
	}
	if (t->state == TCB_SYN_RECEIVED && t->passive) {
		why = TCB_WHY_RST_SYN_RCVD_PASSIVE;
		to = TCB_LISTEN;
	} else if (t->state == TCB_TIME_WAIT) {
		why = TCB_WHY_RST_TIME_WAIT;
	} else {
		tcb_ev_n(tcb_ev(t, o, TCB_EV_RESET, why, now), s->seq, t->rcv_nxt, 0, 0);
	}
	tcb_ev_n(tcb_set_state(t, to, why, now, o), s->seq, t->rcv_nxt, 0, 0);
}

/* §3.10.7.4 fifth, SYN-RECEIVED: the ACK of our SYN+ACK completes the handshake. */
static bool tcb_check_ack_syn_rcvd(struct tcb *t, const struct seg *s, uint64_t now,
				   struct tcb_out *o)
{
	if (!seq_lt(t->snd_una, s->ack) || seq_gt(s->ack, t->snd_nxt)) {
		tcb_drop(t, o, TCB_WHY_SYN_RCVD_BAD_ACK, now, s->ack, t->snd_una, t->snd_nxt, 0);
		tcb_send_rst(t, s->ack, TCB_WHY_SYN_RCVD_BAD_ACK, now, o);
		return false;
	}
	tcb_opts_note_wnd(t, s, now, o);
	t->snd_wnd = tcb_opts_seg_wnd(t, s);	/* RFC 7323 §2.3: scaled from here on */
	t->max_snd_wnd = t->snd_wnd > t->max_snd_wnd ? t->snd_wnd : t->max_snd_wnd;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
	tcb_ack_new(t, s, now, o);
	tcb_ev_n(tcb_set_state(t, TCB_ESTABLISHED, TCB_WHY_SYN_RCVD_ACK, now, o), s->ack,
		 t->iss, 0, 0);
	if (t->close_pending)	/* CLOSE in SYN-RECEIVED with data queued (§3.10.4) */
		tcb_ev_n(tcb_set_state(t, TCB_FIN_WAIT_1, TCB_WHY_USER_CLOSE, now, o),
			 t->sndq_seq + t->sndq.len, 0, 0, 0);
	return true;
}

/* Our FIN acknowledged: FIN-WAIT-1 -> FIN-WAIT-2, CLOSING -> TIME-WAIT, LAST-ACK -> CLOSED. */
static void tcb_check_fin_acked(struct tcb *t, const struct seg *s, uint64_t now,
				struct tcb_out *o)
{
	enum tcb_state to;

	if (!t->fin_sent || !seq_gt(t->snd_una, t->fin_seq))
		return;
	if (t->state == TCB_FIN_WAIT_1)
		to = TCB_FIN_WAIT_2;
	else if (t->state == TCB_CLOSING)
		to = TCB_TIME_WAIT;
	else if (t->state == TCB_LAST_ACK)
		to = TCB_CLOSED;
	else
		return;
	tcb_ev_n(tcb_set_state(t, to, TCB_WHY_FIN_ACKED, now, o), s->ack, t->fin_seq, 0, 0);
}

/* §3.10.7.4 fifth, synchronized states, with RFC 5961 §5. Returns false when dropped. */
static bool tcb_check_ack(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	uint32_t sacked;

	if (!(s->flags & SEG_ACK)) {
		tcb_drop(t, o, TCB_WHY_NO_ACK, now, s->seq, 0, 0, 0);
		return false;
	}
	if (t->state == TCB_SYN_RECEIVED)
		return tcb_check_ack_syn_rcvd(t, s, now, o);
	if (seq_lt(s->ack, t->snd_una - t->max_snd_wnd)) {
		tcb_challenge_ack(t, TCB_WHY_ACK_TOO_OLD, now, o, s->ack, t->snd_una,
				  t->max_snd_wnd);
		return false;
	}
	if (seq_gt(s->ack, t->snd_nxt)) {
		tcb_reply_ack(t, s, TCB_WHY_ACK_UNSENT, now, o, s->ack, t->snd_nxt, 0, 0);
		return false;
	}
	sacked = tcb_sack_input(t, s, now, o);	/* RFC 2018: the scoreboard, first */
	if (seq_lt(t->snd_una, s->ack))
		tcb_ack_new(t, s, now, o);
	else	/* before the window update: a duplicate ACK repeats the window */
		tcb_cc_on_old_ack(t, s, sacked, now, o);
	tcb_window_update(t, s, now, o);
	tcb_check_fin_acked(t, s, now, o);
	return t->state != TCB_CLOSED;
}

/* A FIN beyond RCV.NXT: remembered and processed when the gap before it fills. */
static void tcb_hold_fin(struct tcb *t, uint32_t fin_seq)
{
	t->ooo_fin = true;
	t->ooo_fin_seq = fin_seq;
}

/* §3.10.7.4 seventh: text into the receive queue, in order or held out of order. The
 * segment is trimmed to [RCV.NXT, right edge). Clears *fin when the FIN lies past it. */
static void tcb_take_text(struct tcb *t, const struct seg *s, bool *fin, uint64_t now,
			  struct tcb_out *o)
{
	uint32_t seq = s->seq, len = s->len, adv = 0;
	const uint8_t *p = s->payload;
	bool had_hole = t->rcvq.nooo > 0;

	if (seq_lt(seq, t->rcv_nxt)) {
		uint32_t skip = t->rcv_nxt - seq;

		p += skip;
		len -= skip;
		seq = t->rcv_nxt;
	}
	if (seq_gt(seq + len, t->rcv_adv)) {
		len = t->rcv_adv - seq;
		*fin = false;
	}
	if (len == 0 || !p)
		return;
	if (rcvq_insert(&t->rcvq, t->rcv_nxt, seq, p, len, &adv) < 0) {
		tcb_drop(t, o, TCB_WHY_OOO_FULL, now, seq, len, t->rcv_nxt, 0);
		*fin = false;
	} else if (adv == 0) {
		tcb_ev_n(tcb_ev(t, o, TCB_EV_OOO_QUEUED, TCB_WHY_DATA_OUT_OF_ORDER, now), seq, len,
			 t->rcv_nxt, 0);
		if (*fin)
			tcb_hold_fin(t, seq + len);
		*fin = false;
	} else {
		t->rcv_nxt += adv;
		/* delayed unless it filled (part of) a hole or one remains (RFC 5681 §4.2) */
		if (tcb_dack_data(t, adv, had_hole || t->rcvq.nooo > 0, now, o))
			tcb_ev_n(tcb_ev(t, o, TCB_EV_DATA_IN, TCB_WHY_DATA_IN_ORDER, now), seq,
				 adv, t->rcv_nxt, t->rcvq.ready);
		else
			tcb_ev_n(tcb_ev(t, o, TCB_EV_DATA_IN, TCB_WHY_DATA_ACK_DELAYED, now), seq,
				 adv, t->rcv_nxt, t->dack.bytes);
		return;
	}
	tcb_send_ack(t, now, o);	/* out of order or not stored: ACKed at once */
}

/* §3.10.7.4 eighth: the peer's FIN, in order. */
static void tcb_take_fin(struct tcb *t, uint32_t fin_seq, uint64_t now, struct tcb_out *o)
{
	enum tcb_state to = TCB_CLOSE_WAIT;
	enum tcb_why why = TCB_WHY_FIN_RECEIVED;

	t->rcv_nxt = fin_seq + 1;
	t->rcv_adv = seq_gt(t->rcv_nxt, t->rcv_adv) ? t->rcv_nxt : t->rcv_adv;
	t->fin_rcvd = true;
	t->ooo_fin = false;
	if (t->state == TCB_FIN_WAIT_1 && !(t->fin_sent && seq_gt(t->snd_una, t->fin_seq))) {
		to = TCB_CLOSING;
		why = TCB_WHY_FIN_SIMULTANEOUS;
	} else if (t->state == TCB_FIN_WAIT_1 || t->state == TCB_FIN_WAIT_2) {
		to = TCB_TIME_WAIT;
		why = TCB_WHY_FIN_AFTER_OUR_FIN;
	}
	tcb_ev_n(tcb_set_state(t, to, why, now, o), fin_seq, t->rcv_nxt, 0, 0);
	tcb_send_ack(t, now, o);
}

/* A FIN without text beyond RCV.NXT: held like out-of-order text, and like it answered
 * at once with a duplicate ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (RFC 5681 §4.2,
 * RFC 1122 §4.2.2.21). Out-of-order text with a FIN is ACKed by tcb_take_text. */
static void tcb_fin_out_of_order(struct tcb *t, uint32_t fin_seq, uint64_t now,
				 struct tcb_out *o)
{
	tcb_hold_fin(t, fin_seq);
	tcb_ev_n(tcb_ev(t, o, TCB_EV_OOO_QUEUED, TCB_WHY_FIN_OUT_OF_ORDER, now), fin_seq,
		 t->rcv_nxt, 0, 0);
	tcb_send_ack(t, now, o);
}

/* §3.10.7.4 eighth, after the text: fin says whether the segment's FIN still counts. */
static void tcb_input_fin(struct tcb *t, const struct seg *s, bool fin, uint64_t now,
			  struct tcb_out *o)
{
	uint32_t fin_seq = s->seq + s->len;

	if (t->fin_rcvd) {
		if (fin) {
			tcb_drop(t, o, TCB_WHY_FIN_REPEAT, now, s->seq, t->rcv_nxt, 0, 0);
			tcb_send_ack(t, now, o);
		}
		return;
	}
	if (fin && fin_seq == t->rcv_nxt)
		tcb_take_fin(t, fin_seq, now, o);
	else if (fin && s->len == 0 && seq_gt(fin_seq, t->rcv_nxt))
		tcb_fin_out_of_order(t, fin_seq, now, o);
	if (!t->fin_rcvd && t->ooo_fin && t->ooo_fin_seq == t->rcv_nxt)
		tcb_take_fin(t, t->ooo_fin_seq, now, o);
}

/* Text and FIN after the control checks passed. */
static void tcb_input_text_fin(struct tcb *t, const struct seg *s, uint64_t now,
			       struct tcb_out *o)
{
	bool fin = s->flags & SEG_FIN;
	bool open_rx = t->state == TCB_ESTABLISHED || t->state == TCB_FIN_WAIT_1 ||
		       t->state == TCB_FIN_WAIT_2;

	if (s->len > 0 && !open_rx) {
		tcb_drop(t, o, TCB_WHY_DATA_AFTER_FIN, now, s->seq, s->len, t->rcv_nxt, 0);
		tcb_send_ack(t, now, o);
		return;
	}
	if (s->len > 0)
		tcb_take_text(t, s, &fin, now, o);
	tcb_input_fin(t, s, fin, now, o);
}

/* Simultaneous open, SYN-RECEIVED: the peer's SYN+ACK repeats its SYN (seq = RCV.NXT - 1)
 * and acks ours exactly. RFC 9293 would drop it and rely on the ACKs that answer; like
 * Linux we take it as the ACK that completes the handshake. */
static bool tcb_simultaneous_synack(const struct tcb *t, const struct seg *s)
{
	return t->state == TCB_SYN_RECEIVED && !t->passive &&
	       (s->flags & (SEG_SYN | SEG_ACK | SEG_RST | SEG_FIN)) == (SEG_SYN | SEG_ACK) &&
	       s->len == 0 && s->seq + 1 == t->rcv_nxt && s->ack == t->snd_nxt;
}

static void tcb_input_sync(struct tcb *t, const struct seg *s, uint64_t now,
			   struct tcb_out *o)
{
	if (tcb_simultaneous_synack(t, s)) {
		if (tcb_check_ack(t, s, now, o))
			tcb_output(t, now, o);
		return;
	}
	if (!tcb_opts_paws(t, s, now, o))	/* RFC 7323 §5.3 R1, before the seq check */
		return;
	if (tcb_input_repeat(t, s, now, o) || !tcb_check_seq(t, s, now, o))
		return;
	tcb_opts_ts_recent(t, s, now);
	if (s->flags & SEG_RST) {
		tcb_check_rst(t, s, now, o);
		return;
	}
	if (s->flags & SEG_SYN) {	/* RFC 5961 §4 */
		tcb_challenge_ack(t, TCB_WHY_SYN_IN_SYNC, now, o, s->seq, t->rcv_nxt, 0);
		return;
	}
	if (!tcb_check_ack(t, s, now, o))
		return;
	/* sixth (URG) is not implemented: the urgent pointer is ignored. */
	tcb_input_text_fin(t, s, now, o);
	tcb_output(t, now, o);
	tcb_cc_after_output(t, now, o);	/* RFC 6675 NextSeg() rules 3, 4 after rule 2 */
}

void tcb_input(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	if (!t || !s || !o)
		return;
	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;

		tcb_input(tcb_tw_begin(t, &x, o), s, now, o);
		tcb_tw_end(t, &x, o);
		return;
	}
	switch (t->state) {
	case TCB_CLOSED:
		tcb_input_closed(t, s, now, o);
		break;
	case TCB_LISTEN:
		tcb_input_listen(t, s, now, o);
		break;
	case TCB_SYN_SENT:
		tcb_input_syn_sent(t, s, now, o);
		break;
	default:
		tcb_input_sync(t, s, now, o);
		break;
	}
}
