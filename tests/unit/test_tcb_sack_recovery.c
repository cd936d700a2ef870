/* test_tcb_sack_recovery.c - SACK-based loss recovery (RFC 6675): IsLost, pipe, NextSeg() rules 1-4, the recovery point, the RTO's filling in of holes (§5.1), and the tail loss probe (RFC 8985 §7), ACK by ACK with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbcc.h"

static const struct tcb_event *rtx_ev(const struct net *n, enum tcb_why why, unsigned seg)
{
	const struct tcb_event *ev = tn_find(n->oc, TCB_EV_RETRANSMIT, why);

	assert_non_null(ev);
	assert_int_equal(ev->n[0], CC_SEQ(seg));
	assert_int_equal(ev->n[1], CC_MSS);
	return ev;
}

/* Segment 0 of ten lost and the first two ACKs after it too: the one that arrives SACKs
 * segments 1-3. A single duplicate ACK, but IsLost(HighACK + 1) holds (3 segments SACKed
 * above): recovery begins at once, ssthresh = cwnd = FlightSize / 2, segment 0 resent.
 * pipe then is segment 0's resend + segments 4-9 = 7 x 1460 > cwnd: nothing else goes. */
static void islost_starts_recovery_before_three_dupacks(void **state)
{
	static const unsigned b[][2] = { { 1, 4 } };
	struct net *n = cc_sack_sender(100000);
	const struct tcb_event *ev;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 1, b, n->now + 10 * MS);
	assert_int_equal(cc_vars(n).dupacks, 1);
	ev = cc_ev(n->oc, TCB_WHY_CC_SACK_LOSS);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 14600);
	assert_int_equal(ev->n[1], 7300);
	assert_int_equal(ev->n[2], UINT32_MAX);
	assert_int_equal(ev->n[3], 7300);
	assert_int_equal(ev->count, 3);
	ev = rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 0);
	assert_int_equal(ev->n[2], 3);	/* SACKed above it */
	assert_int_equal(ev->n[3], 6 * CC_MSS);	/* pipe before: segments 4-9 */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(cc_vars(n).cc_phase, 3);
	assert_int_equal(cc_vars(n).recover, CC_SEQ(10));
	tn_free(n);
}

/* Two duplicates SACK one segment each (no recovery yet: Limited Transmit sends one new
 * segment for each); the third starts it (DupThresh), with the fast retransmit's text. */
static void third_dupack_starts_sack_recovery(void **state)
{
	static const unsigned b1[][2] = { { 1, 2 } }, b2[][2] = { { 1, 3 } },
			      b3[][2] = { { 1, 4 } };
	struct net *n = cc_sack_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 1, b1, t);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));
	cc_sack_ack(n, CC_SEQ(0), 1, b2, t);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(11));
	assert_int_equal(cc_vars(n).cc_phase, 0);
	cc_sack_ack(n, CC_SEQ(0), 1, b3, t);
	ev = cc_ev(n->oc, TCB_WHY_CC_SACK_DUPACKS);
	assert_non_null(ev);
	assert_int_equal(ev->count, 3);
	assert_int_equal(ev->n[1], 6 * CC_MSS);	/* 12 segments in flight / 2 */
	ev = rtx_ev(n, TCB_WHY_FAST_RETRANSMIT, 0);
	assert_int_equal(ev->n[3], 3);
	assert_int_equal(cc_vars(n).recover, CC_SEQ(12));
	tn_free(n);
}

/* Segments 0 and 2 lost. The first ACK SACKs 1 and 3-5: both holes are lost (4 and 3
 * SACKed above), 0 is resent; pipe = 0's resend + 6..9 = 5 x 1460 = cwnd. When 6 is
 * SACKed pipe drops a segment and 2 goes (rule 1, before new data): no partial ACK and
 * no timer needed for the second hole. When 7 is SACKed, new data (rule 2). */
static void second_hole_resent_on_a_sack(void **state)
{
	static const unsigned b1[][2] = { { 3, 6 }, { 1, 2 } }, b2[][2] = { { 3, 7 }, { 1, 2 } },
			      b3[][2] = { { 3, 8 }, { 1, 2 } };
	struct net *n = cc_sack_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 2, b1, t);
	rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 0);
	assert_int_equal(n->oc->nseg, 1);
	cc_sack_ack(n, CC_SEQ(0), 2, b2, t + 1 * MS);
	ev = rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 2);
	assert_int_equal(ev->n[2], 4);	/* 3, 4, 5, 6 */
	assert_int_equal(ev->n[3], 4 * CC_MSS);	/* 0's resend, 7, 8, 9 */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(2));
	cc_sack_ack(n, CC_SEQ(0), 2, b3, t + 2 * MS);
	assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 0);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));
	assert_int_equal(cc_vars(n).cwnd, 7300);	/* no inflation: pipe does that work */
	/* the cumulative ACK of everything up to the recovery point ends it */
	cc_ack(n, CC_SEQ(11), t + 20 * MS);
	ev = cc_ev(n->oc, TCB_WHY_CC_SACK_EXIT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 7300);
	assert_int_equal(ev->n[1], 7300);
	assert_int_equal(cc_vars(n).cc_phase, 0);
	tn_free(n);
}

/* A partial ACK below the recovery point keeps the recovery (no exit, no deflation). */
static void partial_ack_keeps_recovery(void **state)
{
	static const unsigned b1[][2] = { { 3, 6 }, { 1, 2 } }, b2[][2] = { { 3, 10 } };
	struct net *n = cc_sack_sender(100000);
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 2, b1, t);
	cc_sack_ack(n, CC_SEQ(2), 1, b2, t + 20 * MS);	/* 0 arrived, 2 still missing */
	assert_null(cc_ev(n->oc, TCB_WHY_CC_SACK_EXIT));
	assert_int_equal(cc_vars(n).cc_phase, 3);
	assert_int_equal(cc_vars(n).cwnd, 7300);
	rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 2);
	tn_free(n);
}

/* Ten segments and nothing more to send; 0 and the last, 9, lost. 9 is above every
 * SACK, so it never IsLost: after the partial ACK of 0's resend, with nothing lost, no
 * new data and nothing below a SACK left (rules 1-3), the rescue retransmission sends 9
 * (rule 4), once: the tail does not wait for the timer. */
static void rescue_retransmits_the_tail_once(void **state)
{
	static const unsigned b1[][2] = { { 1, 4 } }, b2[][2] = { { 1, 9 } };
	struct net *n = cc_sack_sender(10 * CC_MSS);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 1, b1, t);
	rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 0);
	cc_sack_ack(n, CC_SEQ(0), 1, b2, t + 1 * MS);	/* room, but HighACK <= RescueRxt */
	assert_int_equal(n->oc->nseg, 0);
	cc_ack(n, CC_SEQ(9), t + 20 * MS);	/* the resend of 0 arrived */
	ev = rtx_ev(n, TCB_WHY_SACK_RESCUE_RTX, 9);
	assert_int_equal(ev->n[2], CC_MSS);	/* pipe: 9 itself */
	assert_int_equal(ev->n[3], CC_SEQ(10));
	assert_int_equal(n->oc->nseg, 1);
	cc_ack(n, CC_SEQ(9), t + 21 * MS);	/* a duplicate: no second rescue */
	assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 0);
	cc_ack(n, CC_SEQ(10), t + 40 * MS);
	assert_non_null(cc_ev(n->oc, TCB_WHY_CC_SACK_EXIT));
	tn_free(n);
}

/* Rule 3: nothing IsLost (one segment SACKed above the hole) yet the third duplicate ACK
 * started the recovery and no new data may go: the un-SACKed segment below the SACK that
 * was not resent yet goes. Five segments, 1 and 3 lost, 4 SACKed. */
static void rule3_resends_below_a_sack(void **state)
{
	static const unsigned b[][2] = { { 2, 3 }, { 4, 5 } };
	struct net *n = cc_sack_sender(5 * CC_MSS);
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_ack(n, CC_SEQ(1), t);	/* 0 arrived */
	for (int k = 0; k < 3; k++)
		cc_sack_ack(n, CC_SEQ(1), 2, b, t + (uint64_t)(k + 1) * MS);
	/* entered on the third (or Early Retransmit's fewer): 1 resent first */
	assert_int_equal(cc_vars(n).cc_phase, 3);
	assert_int_equal(cc_vars(n).cwnd, 2 * CC_MSS);	/* max(FlightSize / 2, 2 SMSS) */
	assert_non_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT));
	/* pipe: 1 resent (1460) + 3 (1460) = cwnd: after 1's resend is acked, room */
	cc_sack_ack(n, CC_SEQ(3), 1, b + 1, t + 30 * MS);
	rtx_ev(n, TCB_WHY_SACK_RULE3_RTX, 3);
	tn_free(n);
}

/* After an RTO with SACK, every un-SACKed segment below the recovery point is lost
 * (§5.1): 0, 2 and 4 of ten lost, every ACK too (and the tail loss probe's answer), the
 * timer resends 0; the ACK of 0 and 1
 * SACKs 3 and 5-9, cwnd grows to 2 SMSS and pipe is 0: 2 and 4 go on that one ACK. */
static void rto_fills_holes_by_pipe(void **state)
{
	static const unsigned b[][2] = { { 5, 10 }, { 3, 4 } };
	struct net *n = cc_sack_sender(10 * CC_MSS);
	const struct tcb_event *ev;
	uint64_t t;

	(void)state;
	tcb_out_reset(n->oc);
	tcb_tick(n->c, tcb_deadline(n->c), n->oc);	/* the tail loss probe first: 9 */
	rtx_ev(n, TCB_WHY_TLP_RTX, 9);
	tcb_out_reset(n->oc);
	t = tcb_deadline(n->c);
	tcb_tick(n->c, t, n->oc);
	assert_non_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO));
	assert_int_equal(cc_vars(n).cc_phase, 2);
	cc_sack_ack(n, CC_SEQ(2), 2, b, t + 10 * MS);
	assert_int_equal(cc_vars(n).cwnd, 2 * CC_MSS);
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(2));
	assert_int_equal(n->oc->seg[1].seq, CC_SEQ(4));
	ev = rtx_ev(n, TCB_WHY_SACK_RTO_FILL, 2);
	assert_int_equal(ev->n[2], CC_SEQ(2));
	assert_int_equal(ev->n[3], CC_SEQ(10));
	assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 2);
	/* a later ACK below the recovery point does not resend them again */
	cc_sack_ack(n, CC_SEQ(2), 2, b, t + 11 * MS);
	assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 0);
	cc_ack(n, CC_SEQ(10), t + 30 * MS);
	assert_int_equal(cc_vars(n).cc_phase, 0);
	tn_free(n);
}

/* RFC 6675 §2: an ACK that SACKs new data is a duplicate even when it carries data (a
 * peer that sends too). Three segments, 0 lost, nothing more to send; two data segments
 * of the peer ACK 0 and SACK 1, then 1-2: Early Retransmit's threshold (RFC 5827: one
 * fewer than the three in flight) is met on the second, 0 is resent. */
static void data_acks_with_new_sacks_count_as_duplicates(void **state)
{
	static const uint8_t text[100];
	struct net *n = cc_sack_sender(3 * CC_MSS);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	for (unsigned k = 0; k < 2; k++) {
		struct seg s = tn_seg(&tn_sa, S_ISS + 1 + k * sizeof(text), CC_SEQ(0), SEG_ACK);

		s.payload = text;
		s.len = sizeof(text);
		s.opts.nsack = 1;
		s.opts.sack[0].left = CC_SEQ(1);
		s.opts.sack[0].right = CC_SEQ(2 + k);
		tcb_out_reset(n->oc);
		tcb_input(n->c, &s, t + k * MS, n->oc);
		assert_int_equal(cc_vars(n).dupacks, k + 1);
	}
	ev = cc_ev(n->oc, TCB_WHY_CC_SACK_DUPACKS);
	assert_non_null(ev);
	assert_int_equal(ev->count, 2);
	rtx_ev(n, TCB_WHY_FAST_RETRANSMIT, 0);
	tn_free(n);
}

/* Segment 0 lost, and its resend too. New data goes after the resend as SACKs lower
 * pipe; once a segment first sent after the resend (10) is SACKed, the resend must have
 * been lost as well: 0 goes a third time, without waiting for the RTO. A SACK of data
 * sent before the resend (9) proves nothing. */
static void lost_resend_detected_by_later_sack(void **state)
{
	static const unsigned b1[][2] = { { 1, 4 } }, b2[][2] = { { 1, 7 } },
			      b3[][2] = { { 1, 8 } }, b4[][2] = { { 1, 10 } },
			      b5[][2] = { { 1, 11 } };
	struct net *n = cc_sack_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	cc_sack_ack(n, CC_SEQ(0), 1, b1, t);
	rtx_ev(n, TCB_WHY_SACK_LOST_RTX, 0);
	cc_sack_ack(n, CC_SEQ(0), 1, b2, t + 1 * MS);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));	/* new data after the resend */
	cc_sack_ack(n, CC_SEQ(0), 1, b3, t + 2 * MS);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(11));
	cc_sack_ack(n, CC_SEQ(0), 1, b4, t + 3 * MS);	/* up to 9: sent before it */
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_SACK_RTX_LOST_AGAIN));
	cc_sack_ack(n, CC_SEQ(0), 1, b5, t + 4 * MS);	/* 10: sent after it */
	ev = rtx_ev(n, TCB_WHY_SACK_RTX_LOST_AGAIN, 0);
	assert_int_equal(ev->n[2], CC_SEQ(10));
	assert_int_equal(ev->count, 2);	/* the third transmission */
	cc_sack_ack(n, CC_SEQ(0), 1, b5, t + 5 * MS);	/* not again for the same SACK */
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_SACK_RTX_LOST_AGAIN));
	tn_free(n);
}

/* RFC 8985 §7: no ACK for the PTO (2 x SRTT, before the RTO) with more data queued than
 * cwnd lets out: the probe is one new segment beyond cwnd, cwnd stays, the timer then
 * runs as the RTO; when that fires too, it is the RTO's resend of the head. */
static void tlp_probe_sends_new_data_then_rto(void **state)
{
	struct net *n = cc_sack_sender(20 * CC_MSS);
	const struct tcb_event *ev;
	struct tcb_vars v = cc_vars(n);
	uint64_t pto = tcb_deadline(n->c);

	(void)state;
	assert_true(pto < n->now + v.rto_us);	/* the PTO comes first */
	/* 2 x SRTT, at least 10 ms (the handshake's SRTT here is 0) */
	assert_int_equal(pto - n->now, 2 * v.srtt_us > 10 * MS ? 2 * v.srtt_us : 10 * MS);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, pto, n->oc);
	ev = tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TLP_PTO);
	assert_non_null(ev);
	assert_int_equal(ev->n[1], CC_SEQ(0));
	assert_int_equal(ev->n[2], CC_SEQ(10));
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));	/* new data */
	assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 0);
	assert_int_equal(cc_count(n->oc, TCB_EV_CWND), 0);
	assert_int_equal(tcb_deadline(n->c), pto + v.rto_us);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, pto + v.rto_us, n->oc);
	assert_non_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO));
	assert_null(tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TLP_PTO));
	tn_free(n);
}

/* Nothing new to send and the last segment, 9, lost (its ACK would have been the only
 * sign): the probe resends 9, the ACK of everything follows, no RTO. */
static void tlp_probe_resends_the_lost_tail(void **state)
{
	struct net *n = cc_sack_sender(10 * CC_MSS);
	uint64_t t = n->now + 10 * MS;
	uint32_t cwnd;

	(void)state;
	cc_ack(n, CC_SEQ(9), t);	/* 0-8 arrived */
	cwnd = cc_vars(n).cwnd;
	tcb_out_reset(n->oc);
	t = tcb_deadline(n->c);
	/* one segment in flight: PTO = 2 x SRTT + WCDelAckT (200 ms), but no later than the
	 * RTO (200 ms here): the probe goes then instead of the RTO's loss response */
	assert_int_equal(t - (n->now + 10 * MS), cc_vars(n).rto_us);
	assert_true(2 * cc_vars(n).srtt_us + 200 * MS > cc_vars(n).rto_us);
	tcb_tick(n->c, t, n->oc);
	assert_non_null(tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TLP_PTO));
	rtx_ev(n, TCB_WHY_TLP_RTX, 9);
	assert_int_equal(n->oc->nseg, 1);
	cc_ack(n, CC_SEQ(10), t + 10 * MS);
	assert_int_equal(tcb_deadline(n->c), TCB_NEVER);
	assert_int_equal(cc_vars(n).cwnd, cwnd);	/* no loss response for a probe */
	tn_free(n);
}

/* Without SACK there is no probe (RFC 8985 needs it): the timer is the RTO. */
static void no_tlp_without_sack(void **state)
{
	static uint8_t data[10 * CC_MSS];
	struct tcb_params pc, ps;
	struct net *n;

	(void)state;
	cc_params(&pc, &ps);	/* no SACK offered */
	pc.no_tlp = false;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(tcb_deadline(n->c), n->now + cc_vars(n).rto_us);
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(islost_starts_recovery_before_three_dupacks),
		cmocka_unit_test(third_dupack_starts_sack_recovery),
		cmocka_unit_test(second_hole_resent_on_a_sack),
		cmocka_unit_test(partial_ack_keeps_recovery),
		cmocka_unit_test(rescue_retransmits_the_tail_once),
		cmocka_unit_test(rule3_resends_below_a_sack),
		cmocka_unit_test(rto_fills_holes_by_pipe),
		cmocka_unit_test(data_acks_with_new_sacks_count_as_duplicates),
		cmocka_unit_test(lost_resend_detected_by_later_sack),
		cmocka_unit_test(tlp_probe_sends_new_data_then_rto),
		cmocka_unit_test(tlp_probe_resends_the_lost_tail),
		cmocka_unit_test(no_tlp_without_sack),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
