/* test_tcb_newreno.c - fast retransmit and NewReno recovery (RFC 5681 §3.2, RFC 6582): duplicate ACKs, partial and full ACKs, the recovery point, segment by segment with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbcc.h"

static void assert_cwnd(const struct net *n, enum tcb_why why, uint32_t c0, uint32_t c1,
			uint32_t s0, uint32_t s1)
{
	const struct tcb_event *ev = cc_ev(n->oc, why);

	assert_non_null(ev);
	assert_int_equal(ev->n[0], c0);
	assert_int_equal(ev->n[1], c1);
	assert_int_equal(ev->n[2], s0);
	assert_int_equal(ev->n[3], s1);
}

/* Duplicate ACKs 1..k of SEG.ACK ack at now. */
static void dupacks(struct net *n, uint32_t ack, unsigned k, uint64_t now)
{
	for (unsigned i = 0; i < k; i++)
		cc_ack(n, ack, now);
}

/* Segment 0 of ten lost: the first two duplicates each let one new segment out (Limited
 * Transmit, RFC 3042), cwnd unchanged; the third resends segment 0 at once (no timer),
 * ssthresh = 12 segments in flight / 2, cwnd = ssthresh + 3 SMSS; each further duplicate
 * inflates cwnd by one SMSS and lets new data out once cwnd exceeds what is in flight;
 * the full ACK ends recovery at min(ssthresh, FlightSize + SMSS). */
static void third_dupack_fast_retransmit_and_full_ack(void **state)
{
	struct net *n = cc_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;

	(void)state;
	for (unsigned k = 1; k <= 2; k++) {	/* two are not enough to resend */
		cc_ack(n, CC_SEQ(0), t);
		assert_int_equal(n->oc->nseg, 1);
		assert_int_equal(n->oc->seg[0].seq, CC_SEQ(9 + k));
		assert_int_equal(cc_count(n->oc, TCB_EV_CWND), 0);
		assert_int_equal(cc_count(n->oc, TCB_EV_RETRANSMIT), 0);
		assert_int_equal(cc_vars(n).dupacks, k);
		assert_int_equal(cc_vars(n).cwnd, 14600);
	}
	cc_ack(n, CC_SEQ(0), t);
	assert_cwnd(n, TCB_WHY_CC_THIRD_DUPACK, 14600, 13140, UINT32_MAX, 8760);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], CC_SEQ(0));
	assert_int_equal(ev->n[1], CC_MSS);
	assert_int_equal(ev->n[3], 3);
	assert_int_equal(ev->rto_us, 0);	/* not a timeout: no "next try doubles" */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(0));
	assert_int_equal(cc_vars(n).recover, CC_SEQ(12));
	/* 4th to 6th: cwnd 14600 .. 17520 = flight: nothing new yet */
	for (uint32_t c = 14600; c <= 17520; c += CC_MSS) {
		cc_ack(n, CC_SEQ(0), t);
		assert_cwnd(n, TCB_WHY_CC_DUPACK_INFLATE, c - CC_MSS, c, 8760, 8760);
		assert_int_equal(n->oc->nseg, 0);
	}
	/* 7th, 8th: one new segment each */
	for (unsigned k = 12; k <= 13; k++) {
		cc_ack(n, CC_SEQ(0), t);
		assert_int_equal(n->oc->nseg, 1);
		assert_int_equal(n->oc->seg[0].seq, CC_SEQ(k));
		assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT));
	}
	assert_int_equal(cc_vars(n).cwnd, 20440);
	/* the full ACK: everything up to the recovery point */
	cc_ack(n, CC_SEQ(12), t + 1 * MS);
	assert_cwnd(n, TCB_WHY_CC_RECOVERY_EXIT, 20440, 4380, 8760, 8760);
	assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));	/* Karn */
	assert_int_equal(n->oc->nseg, 1);	/* 4380 - 2920 in flight */
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(14));
	assert_int_equal(cc_vars(n).cc_phase, 0);
	tn_free(n);
}

/* The first new segment after a recovery is lost: duplicate ACKs exactly at the recovery
 * point start the next recovery (RFC 6582 §3.2 step 1's "more than recover" guard is not
 * applied, see tcb_cc.c); the next recovery point is SND.NXT then. */
static void loss_right_after_recovery_recovers_again(void **state)
{
	struct net *n = cc_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS;
	uint32_t nxt;

	(void)state;
	dupacks(n, CC_SEQ(0), 3, t);
	assert_int_equal(cc_vars(n).recover, CC_SEQ(12));
	cc_ack(n, CC_SEQ(12), t + 1 * MS);	/* full ACK */
	assert_int_equal(cc_vars(n).cc_phase, 0);
	dupacks(n, CC_SEQ(12), 2, t + 2 * MS);	/* segment 12 lost */
	nxt = cc_vars(n).snd_nxt;
	cc_ack(n, CC_SEQ(12), t + 2 * MS);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], CC_SEQ(12));
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(12));
	assert_non_null(cc_ev(n->oc, TCB_WHY_CC_THIRD_DUPACK));
	assert_int_equal(cc_vars(n).recover, nxt);
	assert_int_equal(cc_vars(n).cc_phase, 1);
	tn_free(n);
}

/* Segments 0, 4 and 6 lost. Partial ACKs resend 4, then 6, deflating cwnd; only the
 * first restarts the retransmission timer (RFC 6582 §3.2 step 5); the full ACK exits. */
static void partial_acks_resend_each_hole(void **state)
{
	struct net *n = cc_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now + 10 * MS, rtx_at;

	(void)state;
	dupacks(n, CC_SEQ(0), 7, t);	/* 1, 2, 3, 5, 7, 8, 9 arrived */
	assert_int_equal(cc_vars(n).cwnd, 18980);	/* 10 .. 12 went out meanwhile */
	assert_int_equal(cc_vars(n).recover, CC_SEQ(12));
	/* the resent segment 0 arrives: the receiver now misses 4 */
	cc_ack(n, CC_SEQ(4), t + 10 * MS);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_PARTIAL_ACK_RTX);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], CC_SEQ(4));
	assert_int_equal(ev->n[2], CC_SEQ(4));
	assert_int_equal(ev->n[3], CC_SEQ(12));
	assert_cwnd(n, TCB_WHY_CC_PARTIAL_ACK, 18980, 18980 - 5840 + 1460, 8760, 8760);
	assert_int_equal(n->oc->nseg, 2);	/* the hole, then one new segment */
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(4));
	assert_int_equal(n->oc->seg[1].seq, CC_SEQ(13));
	rtx_at = tcb_timer_at(n->c, TCB_TIMER_RTX);
	assert_int_equal(rtx_at, t + 10 * MS + 200 * MS);
	/* the second partial ACK: 6 is missing too; the timer keeps running */
	cc_ack(n, CC_SEQ(6), t + 15 * MS);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_PARTIAL_ACK_RTX);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], CC_SEQ(6));
	assert_cwnd(n, TCB_WHY_CC_PARTIAL_ACK, 14600, 14600 - 2920 + 1460, 8760, 8760);
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(6));
	assert_int_equal(n->oc->seg[1].seq, CC_SEQ(14));
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_RTX), rtx_at);
	/* everything arrived */
	cc_ack(n, CC_SEQ(15), t + 20 * MS);
	assert_cwnd(n, TCB_WHY_CC_RECOVERY_EXIT, 13140, 2920, 8760, 8760);
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_PARTIAL_ACK_RTX));
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(15));
	tn_free(n);
}

/* Early Retransmit (RFC 5827): three segments in flight, nothing more to send: the second
 * duplicate is the signal; two in flight: the first. */
static void early_retransmit_with_few_segments(void **state)
{
	for (uint32_t segs = 2; segs <= 3; segs++) {
		struct net *n = cc_sender(segs * CC_MSS);
		const struct tcb_event *ev;

		assert_int_equal(n->oc->nseg, segs);
		for (uint32_t d = 1; d < segs - 1; d++) {
			cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
			assert_int_equal(n->oc->nseg, 0);
			assert_int_equal(cc_count(n->oc, TCB_EV_CWND), 0);
		}
		cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
		assert_cwnd(n, TCB_WHY_CC_EARLY_RETRANSMIT, 14600, 2920 + 3 * CC_MSS, UINT32_MAX,
			    2920);
		ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT);
		assert_non_null(ev);
		assert_int_equal(ev->n[3], segs - 1);
		assert_int_equal(n->oc->nseg, 1);
		assert_int_equal(n->oc->seg[0].seq, CC_SEQ(0));
		tn_free(n);
	}
	(void)state;
}

/* With data waiting, Limited Transmit keeps segments flowing: no early retransmit. */
static void no_early_retransmit_while_data_can_go(void **state)
{
	struct tcb_params pc, ps;
	static uint8_t data[20000];
	struct net *n;

	(void)state;
	cc_params(&pc, &ps);
	pc.init_cwnd = 3;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 3);
	cc_ack(n, CC_SEQ(0), n->now + 10 * MS);	/* Limited Transmit: segment 3 */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(3));
	cc_ack(n, CC_SEQ(0), n->now + 10 * MS);	/* and 4 */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(4));
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT));
	cc_ack(n, CC_SEQ(0), n->now + 10 * MS);
	assert_non_null(cc_ev(n->oc, TCB_WHY_CC_THIRD_DUPACK));
	tn_free(n);
}

/* After an RTO, duplicate ACKs below the recovery point are no new loss signal. */
static void dupacks_after_rto_ignored(void **state)
{
	struct net *n = cc_sender(100000);

	(void)state;
	tcb_out_reset(n->oc);
	tcb_tick(n->c, tcb_deadline(n->c), n->oc);
	assert_int_equal(n->oc->nseg, 1);
	dupacks(n, CC_SEQ(0), 4, n->now + 300 * MS);
	assert_int_equal(n->oc->nseg, 0);
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT));
	assert_int_equal(cc_vars(n).cwnd, CC_MSS);
	tn_free(n);
}

/* RFC 5681 §2: a window update or a segment carrying data is not a duplicate ACK. */
static void window_change_or_data_is_not_a_dupack(void **state)
{
	struct net *n = cc_sender(100000);
	struct seg s = tn_seg(&tn_sa, S_ISS + 1, CC_SEQ(0), SEG_ACK);
	static const uint8_t b[10] = "0123456789";

	(void)state;
	cc_ack(n, CC_SEQ(0), n->now);
	assert_int_equal(cc_vars(n).dupacks, 1);
	s.win = 60000;	/* a smaller window: an update */
	tcb_input(n->c, &s, n->now, n->oc);
	assert_int_equal(cc_vars(n).dupacks, 1);
	s.win = 60000;
	s.payload = b;
	s.len = sizeof(b);
	tcb_input(n->c, &s, n->now, n->oc);
	assert_int_equal(cc_vars(n).dupacks, 1);
	tn_free(n);
}

/* Every option on (timestamps: SMSS 1448) and a server buffer of 1 MB, so the server
 * scales its windows (RFC 7323 §2.3). SND.WND is in bytes, the duplicate ACKs' field is
 * 65535 units: compared scaled, the same window; the third resends the hole. With SACK
 * agreed the recovery it starts is RFC 6675's (ACKs without SACK blocks here). */
static void with_options_scaled_dupacks_fast_retransmit(void **state)
{
	const uint32_t smss = CC_MSS - 12;
	struct tcb_params pc, ps;
	static uint8_t data[100000];
	const struct tcb_event *ev;
	struct tcb_vars v;
	struct net *n;

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.rcv_buf = 1u << 20;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_get_vars(n->c, &v);
	assert_true(v.ws_ok && v.ts_ok && v.sack_ok);
	assert_int_equal(v.snd_shift, 5);	/* the smallest with 65535 << s >= 1 MB */
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 10);
	cc_ack(n, C_ISS + 1 + smss, n->now + 10 * MS);	/* segment 0; the window scaled */
	assert_int_equal(cc_vars(n).snd_wnd, 65535u << 5);
	dupacks(n, C_ISS + 1 + smss, 2, n->now + 11 * MS);	/* segment 1 lost */
	assert_int_equal(cc_vars(n).dupacks, 2);
	cc_ack(n, C_ISS + 1 + smss, n->now + 11 * MS);
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_FAST_RETRANSMIT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 1 + smss);
	assert_int_equal(ev->n[1], smss);
	assert_non_null(cc_ev(n->oc, TCB_WHY_CC_SACK_DUPACKS));
	assert_int_equal(cc_vars(n).cc_phase, 3);
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(third_dupack_fast_retransmit_and_full_ack),
		cmocka_unit_test(loss_right_after_recovery_recovers_again),
		cmocka_unit_test(partial_acks_resend_each_hole),
		cmocka_unit_test(early_retransmit_with_few_segments),
		cmocka_unit_test(no_early_retransmit_while_data_can_go),
		cmocka_unit_test(dupacks_after_rto_ignored),
		cmocka_unit_test(window_change_or_data_is_not_a_dupack),
		cmocka_unit_test(with_options_scaled_dupacks_fast_retransmit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
