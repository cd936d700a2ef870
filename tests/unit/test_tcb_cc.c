/* test_tcb_cc.c - slow start, congestion avoidance, the RTO's response and Karn (RFC 5681 §3.1, RFC 6298, RFC 6928): cwnd, ssthresh and every segment sent, with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbcc.h"

static void assert_cwnd_ev(const struct tcb_event *ev, uint32_t c0, uint32_t c1, uint32_t s0,
			   uint32_t s1)
{
	assert_non_null(ev);
	assert_int_equal(ev->n[0], c0);
	assert_int_equal(ev->n[1], c1);
	assert_int_equal(ev->n[2], s0);
	assert_int_equal(ev->n[3], s1);
}

/* RFC 6928: ten segments before any ACK, no ssthresh yet. */
static void initial_window_is_ten_segments(void **state)
{
	struct net *n = cc_sender(100000);

	(void)state;
	assert_int_equal(n->oc->nseg, 10);
	for (unsigned k = 0; k < 10; k++) {
		assert_int_equal(n->oc->seg[k].seq, CC_SEQ(k));
		assert_int_equal(n->oc->seg[k].len, CC_MSS);
	}
	assert_int_equal(cc_vars(n).cwnd, 10 * CC_MSS);
	assert_int_equal(cc_vars(n).ssthresh, UINT32_MAX);
	assert_int_equal(cc_count(n->oc, TCB_EV_CWND), 0);
	tn_free(n);
}

static void init_cwnd_parameter(void **state)
{
	struct tcb_params pc, ps;
	static uint8_t data[10000];
	struct net *n;

	(void)state;
	cc_params(&pc, &ps);
	pc.init_cwnd = 2;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(cc_vars(n).cwnd, 2 * CC_MSS);
	tn_free(n);
}

/* RFC 5681 §3.1 / RFC 6928 §2: the SYN was retransmitted, so the IW is one segment.
 * Every option on here (tn_default): with timestamps agreed the segment, and so SMSS,
 * is 1460 - 12 = 1448 bytes (RFC 6691, RFC 5681 §2 SMSS). */
static void lost_syn_gives_one_segment_iw(void **state)
{
	struct net *n = tn_default();
	static uint8_t data[10000];

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_out_reset(n->oc);	/* the SYN is lost */
	tcb_tick(n->c, n->now + 1 * S, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	tn_xfer(n->oc, n->s, n->os, n->now + 1 * S);
	tn_xfer(n->os, n->c, n->oc, n->now + 1 * S);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	tcb_out_reset(n->oc);
	tcb_send(n->c, data, sizeof(data), n->now + 1 * S, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].len, CC_MSS - 12);
	assert_int_equal(cc_vars(n).cwnd, CC_MSS - 12);
	tn_free(n);
}

/* eq. 2: + min(acked, SMSS) per ACK, and what the larger cwnd lets out. */
static void slow_start_adds_at_most_one_smss_per_ack(void **state)
{
	struct net *n = cc_sender(100000);
	uint64_t t = n->now;

	(void)state;
	cc_ack(n, CC_SEQ(1), t + 10 * MS);	/* one segment acked */
	assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_SLOW_START), 14600, 16060, UINT32_MAX,
		       UINT32_MAX);
	assert_int_equal(n->oc->nseg, 2);	/* 16060 - 13140 in flight: two more */
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));
	assert_int_equal(n->oc->seg[1].seq, CC_SEQ(11));
	cc_ack(n, CC_SEQ(3), t + 11 * MS);	/* two segments acked: still one SMSS */
	assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_SLOW_START), 16060, 17520, UINT32_MAX,
		       UINT32_MAX);
	assert_int_equal(n->oc->nseg, 3);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(12));
	assert_int_equal(n->oc->seg[2].seq, CC_SEQ(14));
	tn_free(n);
}

/* A window the sender never fills proves nothing: no growth. */
static void no_growth_when_not_cwnd_limited(void **state)
{
	struct net *n = cc_sender(1000);

	(void)state;
	assert_int_equal(n->oc->nseg, 1);
	cc_ack(n, C_ISS + 1 + 1000, n->now + 10 * MS);
	assert_int_equal(cc_count(n->oc, TCB_EV_CWND), 0);
	assert_int_equal(cc_vars(n).cwnd, 14600);
	tn_free(n);
}

/* eq. 4: ssthresh = max(FlightSize / 2, 2 SMSS), cwnd = 1 SMSS, ONE segment resent; a
 * second timeout of the same segment keeps ssthresh; later ACKs below the recovery point
 * bring back one segment each; then slow start and congestion avoidance by byte counting. */
static void rto_one_segment_then_slow_start_and_avoidance(void **state)
{
	struct net *n = cc_sender(100000);
	const struct tcb_event *ev;
	uint64_t t = n->now, d;
	static const uint32_t want[] = { 5840, 7300, 7300, 7300, 7300, 7300, 8760 };

	(void)state;
	tcb_out_reset(n->oc);	/* all ten lost */
	d = tcb_deadline(n->c);
	assert_int_equal(d, t + 200 * MS);	/* RTT 0 in the handshake: RTO = rto_min */
	tcb_tick(n->c, d, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(0));
	assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_RTO), 14600, 1460, UINT32_MAX, 7300);
	tcb_out_reset(n->oc);
	d = tcb_deadline(n->c);
	assert_int_equal(d, t + 600 * MS);	/* backed off: 400 ms */
	tcb_tick(n->c, d, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(0));
	assert_null(cc_ev(n->oc, TCB_WHY_CC_RTO));	/* cwnd and ssthresh stay */
	assert_int_equal(cc_vars(n).ssthresh, 7300);
	assert_int_equal(cc_vars(n).cwnd, 1460);
	/* the receiver holds 1..9: it acks the first segment only */
	cc_ack(n, CC_SEQ(1), t + 610 * MS);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(1));
	ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO);
	assert_non_null(ev);
	assert_int_equal(ev->n[3], CC_SEQ(10));
	assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));	/* Karn */
	assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_SLOW_START), 1460, 2920, 7300, 7300);
	/* now it has everything: the recovery point is reached, new data follows */
	cc_ack(n, CC_SEQ(10), t + 620 * MS);
	assert_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO));
	assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));	/* Karn */
	assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_SLOW_START), 2920, 4380, 7300, 7300);
	assert_int_equal(n->oc->nseg, 3);
	assert_int_equal(n->oc->seg[0].seq, CC_SEQ(10));
	/* one segment acked at a time: slow start to ssthresh, then + SMSS per cwnd acked */
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		uint32_t before = cc_vars(n).cwnd;

		cc_ack(n, CC_SEQ(11 + i), t + (630 + i) * MS);
		assert_int_equal(cc_vars(n).cwnd, want[i]);
		assert_int_equal(cc_count(n->oc, TCB_EV_CWND), want[i] != before);
		if (want[i] != before && before >= 7300)
			assert_cwnd_ev(cc_ev(n->oc, TCB_WHY_CC_AVOIDANCE), before, want[i], 7300,
				       7300);
		/* the sender refills to cwnd: it stays the limit */
		assert_int_equal(cc_vars(n).snd_nxt - cc_vars(n).snd_una, want[i]);
	}
	/* a fresh segment sent once gives an RTT sample again */
	cc_ack(n, CC_SEQ(18), t + 700 * MS);
	assert_non_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(initial_window_is_ten_segments),
		cmocka_unit_test(init_cwnd_parameter),
		cmocka_unit_test(lost_syn_gives_one_segment_iw),
		cmocka_unit_test(slow_start_adds_at_most_one_smss_per_ack),
		cmocka_unit_test(no_growth_when_not_cwnd_limited),
		cmocka_unit_test(rto_one_segment_then_slow_start_and_avoidance),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
