/* tcb_board.c - the RFC 6675 scoreboard read from the retransmission queue: IsLost(), SetPipe() and the candidates of NextSeg(), in one pass. */
#include "tcb_impl.h"

/*
 * The queue's entries are the segments as sent; tcb_sack.c marks an entry `sacked` when
 * a SACK block covers it. RFC 6675 §3 counts octets; here a segment is the unit, and a
 * segment is lost, SACKed or resent as a whole (the sender never splits one).
 * Floor 4: reads the ring directly (no call sideways into tcb_rtx.c).
 */

#define TCB_BOARD_DUPTHRESH 3	/* RFC 6675 §2 DupThresh */

static const struct tcb_rtx_ent *board_at(const struct tcb *t, unsigned i)
{
	return &t->rtx[(t->rtx_head + i) & (t->rtx_cap - 1)];
}

/* RFC 6675 §4 IsLost(SeqNum): "DupThresh discontiguous SACKed sequences have arrived
 * above 'SeqNum' or more than (DupThresh - 1) * SMSS bytes with sequence numbers greater
 * than 'SeqNum' have been SACKed". After an RTO every un-SACKed segment below the
 * recovery point counts as lost as well (RFC 6675 §5.1: the sender fills in the sequence
 * space the SACK information reports missing; Linux marks them lost in tcp_enter_loss). */
static bool board_lost(const struct tcb *t, const struct tcb_rtx_ent *r, uint32_t segs,
		       uint32_t bytes)
{
	if (segs >= TCB_BOARD_DUPTHRESH ||
	    bytes > (TCB_BOARD_DUPTHRESH - 1) * (uint32_t)tcb_eff_mss(t))
		return true;
	return t->cc.phase == TCB_CC_RTO_RECOVERY && seq_lt(r->seq, t->cc.recover);
}

/* A resend is lost too when data first sent after it has been SACKed: sent later on
 * the same path, it would have arrived later (no reordering assumed). RFC 6675 has no
 * such rule (its HighRxt never goes back: a lost resend waits for the RTO); it is Linux's
 * lost-retransmit detection (tcp_mark_lost_retrans before RACK), by sequence number, and
 * what RFC 8985 §6 does by time. top: the end of the highest SACKed segment. */
static bool board_resend_lost(const struct tcb_rtx_ent *r, bool above_sack, uint32_t top)
{
	return r->rtx > 0 && above_sack && seq_gt(top, r->rtx_nxt);
}

/* One pass from the highest segment down, so that "SACKed above" is known at each. */
void tcb_board_scan(const struct tcb *t, struct tcb_board *b)
{
	uint32_t segs = 0, bytes = 0, top = 0;
	bool above_sack = false;

	*b = (struct tcb_board){ .lost = -1, .rule3 = -1, .rescue = -1 };
	for (unsigned k = t->rtx_n; k-- > 0;) {
		const struct tcb_rtx_ent *r = board_at(t, k);
		uint32_t len = tcb_rtx_seqlen(r);
		bool lost, again = false, resent = seq_lt(r->seq, t->cc.high_rxt);

		if (r->sacked) {
			if (!above_sack)
				top = r->seq + len;
			segs++;
			bytes += len;
			above_sack = true;
			continue;
		}
		lost = board_lost(t, r, segs, bytes);
		if (resent && board_resend_lost(r, above_sack, top)) {
			resent = false;	/* no longer in the network: may go again */
			lost = again = true;
		}
		/* SetPipe (§4): (a) not lost: still in the network; (b) S1 <= HighRxt: its
		 * retransmission is (an octet resent without being lost counts twice) */
		b->pipe += (lost ? 0 : len) + (resent ? len : 0);
		if (b->rescue < 0)
			b->rescue = (int)k;	/* the highest un-SACKed segment */
		if (k == 0) {
			b->head_lost = lost;
			b->head_sacked_above = segs;
		}
		if (resent)	/* NextSeg (1.a): above HighRxt */
			continue;
		if (above_sack)	/* (1.b) below the highest SACKed octet: rule 3 */
			b->rule3 = (int)k;
		if (lost) {	/* (1.c), which implies (1.b) but after an RTO */
			b->lost = (int)k;
			b->lost_sacked_above = segs;
			b->lost_again_nxt = again ? r->rtx_nxt : 0;
		}
	}
}

bool tcb_board_on(const struct tcb *t)
{
	return t->opt.sack_ok &&
	       (t->cc.phase == TCB_CC_SACK_RECOVERY || t->cc.phase == TCB_CC_RTO_RECOVERY);
}

uint32_t tcb_board_room(const struct tcb *t)
{
	struct tcb_board b;

	tcb_board_scan(t, &b);
	return t->cc.cwnd > b.pipe ? t->cc.cwnd - b.pipe : 0;
}
