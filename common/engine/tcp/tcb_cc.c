/* tcb_cc.c - congestion control and loss recovery: slow start, congestion avoidance, the RTO's response, fast retransmit, NewReno and SACK-based recovery (RFC 5681, RFC 6582, RFC 6675, RFC 6928). */
#include "tcb_impl.h"

/*
 * One function changes cwnd and ssthresh (tcb_cc_set) and each change is a TCB_EV_CWND
 * with its reason. Without SACK the loss signal is NewReno's (duplicate ACKs, partial
 * ACKs, the RTO) and one segment goes per signal: the first unacknowledged one
 * (tcb_cc_next_hole). With SACK agreed, RFC 6675: the scoreboard (tcb_sack.c marks,
 * tcb_board.c reads IsLost(), pipe and NextSeg()'s candidates) starts a recovery as soon
 * as the first hole IsLost() or on the third duplicate ACK, and during it, and after an
 * RTO, what goes out is bounded by cwnd - pipe, not by SND.NXT - SND.UNA: lost segments
 * first (rule 1, here), new data (rule 2, tcb_output.c), then rules 3 and 4
 * (tcb_cc_after_output).
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
static struct tcb_event *tcb_cc_set(struct tcb *t, uint32_t cwnd, uint32_t ssthresh,
				     enum tcb_why why, bool force, uint64_t now,
				     struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	struct tcb_event *ev;

	if (cwnd > TCB_CC_CWND_MAX)
		cwnd = TCB_CC_CWND_MAX;
	if (!force && cwnd == c->cwnd && ssthresh == c->ssthresh)
		return NULL;
	ev = tcb_ev(t, o, TCB_EV_CWND, why, now);
	tcb_ev_n(ev, c->cwnd, cwnd, c->ssthresh, ssthresh);
	c->cwnd = cwnd;
	c->ssthresh = ssthresh;
	return ev;
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

/* ---- SACK-based loss recovery (RFC 6675) ---- */

static bool tcb_cc_sack(const struct tcb *t)
{
	return t->opt.sack_ok;
}

/* Resends entry i of the queue as NextSeg() chose it, HighRxt moving up with it (§5 step
 * C.2) unless it is the rescue (rule 4: "HighRxt MUST NOT be updated"). */
static struct tcb_rtx_ent *tcb_cc_sack_resend(struct tcb *t, int i, enum tcb_why why,
					      uint32_t n2, uint32_t n3, uint64_t now,
					      struct tcb_out *o)
{
	struct tcb_rtx_ent *r = tcb_rtx_get(t, (unsigned)i);

	tcb_rtx_resend(t, r, why, n2, n3, now, o);
	if (why != TCB_WHY_SACK_RESCUE_RTX)
		t->cc.high_rxt = r->seq + tcb_rtx_seqlen(r);
	return r;
}

/* §5 step C with NextSeg() rule 1 (and, after an RTO, §5.1's filling in of what the
 * receiver misses): while cwnd - pipe >= 1 SMSS, the lowest lost segment not yet resent,
 * or resent and lost again (tcb_board.c). Rule 2, new data, is tcb_output's, which the
 * caller runs next. */
static void tcb_cc_sack_fill(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	uint32_t smss = tcb_cc_smss(t);
	struct tcb_board b;

	while (o->nseg < TCB_OUT_SEGS) {
		tcb_board_scan(t, &b);
		if (b.lost < 0 || t->cc.cwnd < b.pipe + smss)
			return;
		if (b.lost_again_nxt)	/* HighRxt stays: it is below */
			tcb_rtx_resend(t, tcb_rtx_get(t, (unsigned)b.lost),
				       TCB_WHY_SACK_RTX_LOST_AGAIN, b.lost_again_nxt, b.pipe, now,
				       o);
		else if (t->cc.phase == TCB_CC_RTO_RECOVERY)
			tcb_cc_sack_resend(t, b.lost, TCB_WHY_SACK_RTO_FILL, t->snd_una,
					   t->cc.recover, now, o);
		else
			tcb_cc_sack_resend(t, b.lost, TCB_WHY_SACK_LOST_RTX, b.lost_sacked_above,
					   b.pipe, now, o);
	}
}

/* §5 step 4: RecoveryPoint = HighData (4.1), ssthresh = cwnd = FlightSize / 2 (4.2, at
 * least 2 SMSS, RFC 5681 eq. 4), the first segment presumed dropped resent with HighRxt
 * and RescueRxt at its end (4.3), then step C (4.4, 4.5). `count`: the duplicate ACKs, or
 * the segments SACKed above the first hole. */
static void tcb_cc_sack_enter(struct tcb *t, uint32_t ack, enum tcb_why why, uint32_t count,
			      uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	uint32_t ssthresh = tcb_cc_half_flight(t);
	struct tcb_event *ev;
	struct tcb_board b;

	c->phase = TCB_CC_SACK_RECOVERY;
	c->recover = t->snd_nxt;
	c->high_rxt = c->rescue_rxt = t->snd_una;
	tcb_board_scan(t, &b);
	ev = tcb_cc_set(t, ssthresh, ssthresh, why, true, now, o);
	ev->count = (int)count;
	if (t->rtx_n && !tcb_rtx_get(t, 0)->sacked) {
		struct tcb_rtx_ent *r = tcb_rtx_get(t, 0);

		if (why == TCB_WHY_CC_SACK_DUPACKS)
			tcb_rtx_resend(t, r, TCB_WHY_FAST_RETRANSMIT, ack, count, now, o);
		else
			tcb_rtx_resend(t, r, TCB_WHY_SACK_LOST_RTX, b.head_sacked_above, b.pipe,
				       now, o);
		c->high_rxt = c->rescue_rxt = r->seq + tcb_rtx_seqlen(r);
	}
	tcb_cc_sack_fill(t, now, o);
}

/* §5: "If DupAcks >= DupThresh" (step 1; fewer with RFC 5827's Early Retransmit) "or
 * IsLost (HighACK + 1)" (step 2), and not before SND.UNA reaches the last recovery point
 * (§5.1, RFC 6582 §3.2 step 1's guard as tcb_cc_may_recover keeps it). */
static void tcb_cc_sack_check(struct tcb *t, uint32_t ack, bool dup, uint64_t now,
			      struct tcb_out *o)
{
	struct tcb_board b;

	if (t->cc.phase != TCB_CC_OPEN || !tcb_cc_may_recover(t, ack) || !t->rtx_n)
		return;
	if (dup && (t->cc.dupacks == TCB_CC_DUPTHRESH ||
		    (t->cc.dupacks < TCB_CC_DUPTHRESH && t->cc.dupacks >= tcb_cc_dupthresh(t)))) {
		tcb_cc_sack_enter(t, ack, TCB_WHY_CC_SACK_DUPACKS, t->cc.dupacks, now, o);
		return;
	}
	tcb_board_scan(t, &b);
	if (b.head_lost)
		tcb_cc_sack_enter(t, ack, TCB_WHY_CC_SACK_LOSS, b.head_sacked_above, now, o);
}

/* An ACK of new data with SACK: §5 step A ends the recovery at RecoveryPoint ("the loss
 * recovery phase MUST be terminated"; cwnd stays ssthresh), else B and C: the
 * scoreboard is already updated (tcb_sack_input), segments go while cwnd - pipe allows.
 * After an RTO the same, until SND.UNA reaches its recovery point (§5.1). Outside a
 * recovery, this ACK may itself start one (its SACK blocks show the first hole lost). */
static void tcb_cc_sack_ack(struct tcb *t, uint32_t ack, uint32_t acked, uint32_t flight,
			    uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;

	if (c->phase == TCB_CC_SACK_RECOVERY && seq_geq(ack, c->recover)) {
		c->phase = TCB_CC_OPEN;
		c->acked_acc = 0;
		tcb_cc_set(t, c->cwnd, c->ssthresh, TCB_WHY_CC_SACK_EXIT, true, now, o);
		tcb_cc_sack_check(t, ack, false, now, o);
		return;
	}
	if (c->phase == TCB_CC_SACK_RECOVERY) {
		tcb_cc_sack_fill(t, now, o);
		return;
	}
	if (c->phase == TCB_CC_RTO_RECOVERY && seq_geq(ack, c->recover))
		c->phase = TCB_CC_OPEN;
	tcb_cc_grow(t, acked, flight, now, o);
	if (c->phase == TCB_CC_RTO_RECOVERY)
		tcb_cc_sack_fill(t, now, o);
	else
		tcb_cc_sack_check(t, ack, false, now, o);
}

/* An ACK that acks nothing new, with SACK: it may start a recovery (§5 steps 1, 2);
 * within one (or after an RTO), what it SACKed lowers pipe: step C again. No window
 * inflation: pipe does its work (§5). */
static void tcb_cc_sack_old_ack(struct tcb *t, const struct seg *s, bool dup, uint64_t now,
				struct tcb_out *o)
{
	if (t->cc.phase == TCB_CC_OPEN)
		tcb_cc_sack_check(t, s->ack, dup, now, o);
	else
		tcb_cc_sack_fill(t, now, o);
}

/* §4 NextSeg() rules 3 and 4, when rules 1 and 2 found nothing more and cwnd - pipe
 * still has 1 SMSS (tcb_output ran rule 2 just before). */
void tcb_cc_after_output(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	uint32_t smss = tcb_cc_smss(t);
	struct tcb_board b;

	if (!tcb_cc_sack(t) || t->cc.phase != TCB_CC_SACK_RECOVERY)
		return;
	while (o->nseg < TCB_OUT_SEGS) {
		tcb_board_scan(t, &b);
		if (t->cc.cwnd < b.pipe + smss || b.lost >= 0)
			return;
		if (b.rule3 >= 0) {
			tcb_cc_sack_resend(t, b.rule3, TCB_WHY_SACK_RULE3_RTX, b.pipe, t->cc.cwnd,
					   now, o);
			continue;
		}
		/* rule 4: "If HighACK is greater than RescueRxt", one segment that includes
		 * the highest outstanding unSACKed sequence number; RescueRxt =
		 * RecoveryPoint */
		if (b.rescue < 0 || !seq_gt(t->snd_una, t->cc.rescue_rxt))
			return;
		t->cc.rescue_rxt = t->cc.recover;
		tcb_cc_sack_resend(t, b.rescue, TCB_WHY_SACK_RESCUE_RTX, b.pipe, t->cc.recover,
				   now, o);
		return;
	}
}

bool tcb_cc_on_ack(struct tcb *t, uint32_t ack, uint32_t acked, uint32_t flight,
		   uint64_t now, struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;

	c->dupacks = 0;
	c->tlp = TCB_TLP_NONE;	/* RFC 8985 §7: the probe (if one) is answered */
	if (!c->cwnd)
		return true;
	if (tcb_cc_sack(t)) {	/* RFC 6298 §5.3: the timer restarts on every new ACK */
		tcb_cc_sack_ack(t, ack, acked, flight, now, o);
		return true;
	}
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

void tcb_cc_on_old_ack(struct tcb *t, const struct seg *s, uint32_t sacked, uint64_t now,
		       struct tcb_out *o)
{
	struct tcb_cc *c = &t->cc;
	/* RFC 6675 §2: "Alternatively, a 'duplicate acknowledgment' is an ACK segment that
	 * arrives carrying a SACK block that identifies previously unacknowledged and
	 * un-SACKed octets between HighACK and HighData" - also when it carries data, as
	 * the ACKs of a peer that sends too do */
	bool dup = tcb_cc_is_dupack(t, s) ||
		   (tcb_cc_sack(t) && sacked > 0 && c->cwnd && t->snd_nxt != t->snd_una);

	if (dup)
		c->dupacks++;
	if (tcb_cc_sack(t) && c->cwnd && t->snd_nxt != t->snd_una) {
		tcb_cc_sack_old_ack(t, s, dup, now, o);
		return;
	}
	if (!dup)
		return;
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
	c->recover = t->snd_nxt;	/* RFC 6675 §5.1: RecoveryPoint = HighData */
	/* the timer resends the head (tcb_timeout.c): HighRxt is its end, so the filling in
	 * of holes after it (tcb_cc_sack_fill) starts above it */
	c->high_rxt = t->rtx_n ? t->snd_una + tcb_rtx_seqlen(tcb_rtx_get(t, 0)) : t->snd_una;
	c->dupacks = 0;
	c->acked_acc = 0;
	tcb_cc_set(t, tcb_cc_smss(t), ssthresh, TCB_WHY_CC_RTO, t->rtx_count <= 1, now, o);
}
