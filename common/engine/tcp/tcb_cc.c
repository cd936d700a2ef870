/* tcb_cc.c - congestion control and loss recovery: slow start, congestion avoidance, the RTO's response, fast retransmit and NewReno (RFC 5681, RFC 6582, RFC 6928). */
#include "tcb_impl.h"

/*
 * One function changes cwnd and ssthresh (tcb_cc_set) and each change is a TCB_EV_CWND
 * with its reason. Which segment to resend is chosen in one place (tcb_cc_next_hole): the
 * first unacknowledged segment the peer has not reported by SACK (tcb_sack.c's
 * scoreboard; without SACK that is the first unacknowledged one, all NewReno can know).
 * This is the scoreboard's use from RFC 6675 NextSeg() rule 1 without its IsLost() test:
 * the loss signal is still NewReno's (duplicate ACKs, partial ACKs, the RTO), and one
 * segment goes per signal.
 */

#define TCB_CC_DUPTHRESH 3		/* RFC 5681 §3.2: the third duplicate ACK */
#define TCB_CC_IW_DEFAULT 10		/* RFC 6928 (Linux's TCP_INIT_CWND) */
#define TCB_CC_CWND_MAX (1u << 30)	/* far above any window we can be offered */

static uint32_t tcb_cc_smss(const struct tcb *t)
{
	return tcb_eff_mss(t);
}

static uint32_t tcb_cc_max(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* The one change of cwnd / ssthresh. force: record the event even when the numbers stay
 * (a recovery that ends at the same cwnd is still worth a line). */
static void tcb_cc_set(struct tcb *t, uint32_t cwnd, uint32_t ssthresh, enum tcb_why why,
		       bool force, uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;

	if (cwnd > TCB_CC_CWND_MAX)
		cwnd = TCB_CC_CWND_MAX;
	if (!force && cwnd == c->cwnd && ssthresh == c->ssthresh)
		return;
	tcb_ev_n(tcb_ev(t, o, TCB_EV_CWND, why, now), c->cwnd, cwnd, c->ssthresh, ssthresh);
	c->cwnd = cwnd;
	c->ssthresh = ssthresh;
}

/* RFC 5681 §3.1 eq. 4 / §3.2 step 2: half the data in flight, at least 2 SMSS. */
static uint32_t tcb_cc_half_flight(const struct tcb *t)
{
	return tcb_cc_max((t->snd_nxt - t->snd_una) / 2, 2 * tcb_cc_smss(t));
}

/* The segment loss recovery resends next: the first one not SACKed (RFC 2018 §8: the
 * peer holds those; RFC 6675 §4 NextSeg() picks the first un-SACKed sequence number).
 * NULL when every segment in flight is SACKed. */
static struct tcb_rtx_ent *tcb_cc_next_hole(struct tcb *t)
{
	struct tcb_rtx_ent *r;

	for (unsigned i = 0; (r = tcb_rtx_get(t, i)) != NULL; i++)
		if (!r->sacked)
			return r;
	return NULL;
}

void tcb_cc_init(struct tcb *t)
{
	uint32_t iw = t->p->init_cwnd ? t->p->init_cwnd : TCB_CC_IW_DEFAULT;

	/* RFC 5681 §3.1, RFC 6928 §2: after a lost SYN or SYN+ACK the IW is one segment */
	if (t->syn_timed_out)
		iw = 1;
	t->cc = (struct tcb_cc){ 0 };
	t->cc.cwnd = iw > TCB_CC_CWND_MAX / tcb_cc_smss(t) ? TCB_CC_CWND_MAX
							  : iw * tcb_cc_smss(t);
	t->cc.ssthresh = UINT32_MAX;	/* "arbitrarily high" (RFC 5681 §3.1) */
	t->cc.recover = t->iss;		/* RFC 6582 §3: initially the ISS */
}

/* RFC 5681 §3.1: slow start below ssthresh (eq. 2, + min(acked, SMSS) per ACK), else
 * congestion avoidance by byte counting (+ SMSS each time a cwnd's worth is acked).
 * Only while cwnd limits the sender (less than one SMSS of it was left unused), as Linux
 * does (tcp_is_cwnd_limited): a window the sender never fills proves nothing. */
static void tcb_cc_grow(struct tcb *t, uint32_t acked, uint32_t flight, uint64_t now,
			struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	uint32_t smss = tcb_cc_smss(t);

	if (flight + smss <= c->cwnd)
		return;
	if (c->cwnd < c->ssthresh) {
		tcb_cc_set(t, c->cwnd + (acked < smss ? acked : smss), c->ssthresh,
			   TCB_WHY_CC_SLOW_START, false, now, o);
		return;
	}
	c->acked_acc += acked;
	if (c->acked_acc < c->cwnd)
		return;
	c->acked_acc -= c->cwnd;
	tcb_cc_set(t, c->cwnd + smss, c->ssthresh, TCB_WHY_CC_AVOIDANCE, false, now, o);
}

/* RFC 6582 §3.2 steps 5 and 6, an ACK of new data in fast recovery. Returns whether the
 * retransmission timer restarts: on the first partial ACK only (step 5). */
static bool tcb_cc_recovery_ack(struct tcb *t, uint32_t ack, uint32_t acked, uint64_t now,
				struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	uint32_t smss = tcb_cc_smss(t), w;
	struct tcb_rtx_ent *r;
	bool first;

	if (seq_geq(ack, c->recover)) {	/* full ACK: all data up to recover */
		w = tcb_cc_max(t->snd_nxt - ack, smss) + smss;
		c->phase = TCB_CC_OPEN;
		c->acked_acc = 0;
		tcb_cc_set(t, w < c->ssthresh ? w : c->ssthresh, c->ssthresh,
			   TCB_WHY_CC_RECOVERY_EXIT, true, now, o);
		return true;
	}
	/* partial ACK: the first unacknowledged segment (not SACKed) is lost too */
	if ((r = tcb_cc_next_hole(t)) != NULL)
		tcb_rtx_resend(t, r, TCB_WHY_PARTIAL_ACK_RTX, ack, c->recover, now, o);
	w = c->cwnd > acked ? c->cwnd - acked : 0;	/* deflate by what left the network */
	if (acked >= smss)
		w += smss;	/* ... and add back one SMSS */
	tcb_cc_set(t, tcb_cc_max(w, smss), c->ssthresh, TCB_WHY_CC_PARTIAL_ACK, true, now, o);
	first = !c->partial_seen;
	c->partial_seen = true;
	return first;
}

/* RFC 6582 §4 after an RTO: until SND.UNA reaches recover, each ACK that advances shows
 * where the receiver's next hole is; that one segment is resent. */
static void tcb_cc_rto_ack(struct tcb *t, uint32_t ack, uint64_t now, struct tcb_out *o)
{
	struct tcb_rtx_ent *r;
	struct tcb_event *ev;

	if (seq_geq(ack, t->cc.recover)) {
		t->cc.phase = TCB_CC_OPEN;
		return;
	}
	if ((r = tcb_cc_next_hole(t)) == NULL)
		return;
	/* the timer restarts with this ACK: the next try, if needed, is one RTO away */
	ev = tcb_rtx_resend(t, r, TCB_WHY_RTX_AFTER_RTO, ack, t->cc.recover, now, o);
	ev->rto_us = t->rto.rto;
}

bool tcb_cc_on_ack(struct tcb *t, uint32_t ack, uint32_t acked, uint32_t flight,
		   uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;

	c->dupacks = 0;
	if (!c->cwnd)
		return true;
	if (c->phase == TCB_CC_FAST_RECOVERY)
		return tcb_cc_recovery_ack(t, ack, acked, now, o);
	if (c->phase == TCB_CC_RTO_RECOVERY)
		tcb_cc_rto_ack(t, ack, now, o);
	tcb_cc_grow(t, acked, flight, now, o);
	return true;
}

/* RFC 5681 §2 DUPLICATE ACKNOWLEDGMENT: data outstanding, no data and no SYN/FIN on the
 * segment, SEG.ACK = SND.UNA, the same window as last taken. SND.WND holds the window in
 * bytes, so the field is scaled first (RFC 7323 §2.3): compared raw, no ACK would count
 * as a duplicate once window scaling is on. */
static bool tcb_cc_is_dupack(const struct tcb *t, const struct seg *s)
{
	return t->cc.cwnd && t->snd_nxt != t->snd_una && s->ack == t->snd_una && s->len == 0 &&
	       !(s->flags & (SEG_SYN | SEG_FIN)) && tcb_opts_seg_wnd(t, s) == t->snd_wnd;
}

/* RFC 6582 §3.2 step 1 starts a recovery only when the duplicate ACKs cover MORE than
 * recover, so that ACKs caused by needless go-back-N retransmissions after a timeout
 * start none, and allows heuristics to start one anyway (§4). Deliberately not applied
 * here: this sender never makes those retransmissions (it resends only what an ACK shows
 * missing), and with the guard the common loss right after a recovery, of the first new
 * segment (duplicate ACKs exactly AT recover), would wait for the timer. */
static bool tcb_cc_may_recover(const struct tcb *t, uint32_t ack)
{
	return seq_geq(ack, t->cc.recover);
}

/* RFC 5827 §3.1 (byte-based): the duplicate ACKs that signal a loss: 3, or one fewer than
 * the segments in flight when those are fewer than four and no new segment may go out.
 * RFC 5827 counts only the peer's window and an empty queue as "may not"; here cwnd also
 * counts, once Limited Transmit has used its two segments. */
static uint32_t tcb_cc_dupthresh(const struct tcb *t)
{
	uint32_t smss = tcb_cc_smss(t), flight = t->snd_nxt - t->snd_una;
	uint32_t oseg = (flight + smss - 1) / smss;
	uint32_t unsent = t->sndq.len - (t->snd_nxt - t->sndq_seq);
	uint32_t right = t->snd_una + tcb_send_window(t, (uint16_t)smss);
	uint32_t room = seq_gt(right, t->snd_nxt) ? right - t->snd_nxt : 0;
	bool stuck = unsent == 0 || room < (unsent < smss ? unsent : smss);

	return oseg >= 2 && oseg < 4 && stuck ? oseg - 1 : TCB_CC_DUPTHRESH;
}

/* RFC 5681 §3.2 steps 2-4, RFC 6582 §3.2 step 2: fast retransmit. */
static void tcb_cc_fast_retransmit(struct tcb *t, const struct seg *s, enum tcb_why why,
				   uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	uint32_t ssthresh = tcb_cc_half_flight(t);
	struct tcb_rtx_ent *r;

	c->phase = TCB_CC_FAST_RECOVERY;
	c->recover = t->snd_nxt;
	c->partial_seen = false;
	tcb_cc_set(t, ssthresh + 3 * tcb_cc_smss(t), ssthresh, why, true, now, o);
	if ((r = tcb_cc_next_hole(t)) != NULL)
		tcb_rtx_resend(t, r, TCB_WHY_FAST_RETRANSMIT, s->ack, c->dupacks, now, o);
}

void tcb_cc_on_old_ack(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;

	if (!tcb_cc_is_dupack(t, s))
		return;
	c->dupacks++;
	if (c->phase == TCB_CC_FAST_RECOVERY) {	/* step 4: one more segment left */
		tcb_cc_set(t, c->cwnd + tcb_cc_smss(t), c->ssthresh, TCB_WHY_CC_DUPACK_INFLATE,
			   false, now, o);
		return;
	}
	if (c->phase != TCB_CC_OPEN || !tcb_cc_may_recover(t, s->ack))
		return;
	if (c->dupacks == TCB_CC_DUPTHRESH)
		tcb_cc_fast_retransmit(t, s, TCB_WHY_CC_THIRD_DUPACK, now, o);
	else if (c->dupacks < TCB_CC_DUPTHRESH && c->dupacks >= tcb_cc_dupthresh(t))
		tcb_cc_fast_retransmit(t, s, TCB_WHY_CC_EARLY_RETRANSMIT, now, o);
}

/* RFC 5681 §3.1: ssthresh per eq. 4 unless this segment was already resent by the timer
 * (then it is kept), cwnd = the loss window, 1 SMSS; RFC 6582 §4: recover = SND.NXT. */
void tcb_cc_on_rto(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	uint32_t ssthresh = t->rtx_count <= 1 ? tcb_cc_half_flight(t) : c->ssthresh;

	if (!c->cwnd)
		return;
	c->phase = TCB_CC_RTO_RECOVERY;
	c->recover = t->snd_nxt;
	c->dupacks = 0;
	c->acked_acc = 0;
	tcb_cc_set(t, tcb_cc_smss(t), ssthresh, TCB_WHY_CC_RTO, t->rtx_count <= 1, now, o);
}
