/* test_tcb_fin_wait_2.c - FIN-WAIT-2: our FIN acknowledged; half-close reception, FIN-WAIT-2 timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* After the builder: SND.UNA = SND.NXT = L+2, RCV.NXT = R+1. */
#define NXT (LOCAL_SEQ + 2)
#define RCV (REMOTE_SEQ + 1)

TEST(fin_wait_2_fin_to_time_wait_acked)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV, .ack = NXT), T0 + SEC(2));
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 2));
	expect_state_change(&t, TCB_FIN_WAIT_2, TCB_TIME_WAIT);
	expect_deadline(&t, T0 + SEC(2) + SEC(60));
	tt_free(&t);
}

TEST(fin_wait_2_data_received_and_acked)
{
	struct tt t;
	char buf[16];

	tcb_in_fin_wait_2(&t);
	/* half-close: the peer keeps sending after our FIN */
	send_seg(&t, SEG(.seq = RCV, .ack = NXT, DATA("tail")), T0 + MS(5));
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 5));
	expect_event(&t, TCB_EV_DATA_IN);
	expect_state(&t, TCB_FIN_WAIT_2);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(6)), 4);
	assert_string_equal(buf, "tail");
	tt_free(&t);
}

TEST(fin_wait_2_data_with_fin_delivered_then_time_wait)
{
	struct tt t;
	char buf[16];

	tcb_in_fin_wait_2(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV, .ack = NXT, DATA("end")), T0);
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 5));
	expect_state(&t, TCB_TIME_WAIT);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 3);
	assert_string_equal(buf, "end");
	tt_free(&t);
}

TEST(fin_wait_2_fin_after_gap_not_processed)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	/* FIN beyond RCV.NXT (bytes R+1..R+5 missing): not yet in sequence, so the
	 * eighth step (FIN) must not run (RFC 9293 §3.10.7.4) */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV + 5, .ack = NXT), T0);
	expect_state(&t, TCB_FIN_WAIT_2);
	assert_false(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

TEST(fin_wait_2_fin_after_gap_dup_acked)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	/* an out-of-order segment (the FIN takes a sequence number) gets an immediate
	 * duplicate ACK: RFC 5681 §4.2, RFC 1122 §4.2.2.21 */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV + 5, .ack = NXT), T0);
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	tt_free(&t);
}

TEST(fin_wait_2_held_fin_applied_when_gap_fills)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV + 5, .ack = NXT), T0);
	/* segments past RCV.NXT may be held (§3.10.7.4); tcb.h says the FIN is */
	send_seg(&t, SEG(.seq = RCV, .ack = NXT, DATA("12345")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV + 6));
	expect_state(&t, TCB_TIME_WAIT);
	assert_true(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

TEST(fin_wait_2_rst_exact_closes)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_syn_challenged)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_bad_seq_acked)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	sync_bad_seq(&t, NXT, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_2_timer_closes_exactly_at_60s)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	/* entered (and closed by us) at T0; fin_wait_2_us = 60 s */
	expect_deadline(&t, T0 + SEC(60));
	tick(&t, T0 + SEC(60) - 1);
	expect_state(&t, TCB_FIN_WAIT_2);
	tick(&t, T0 + SEC(60));
	expect_state_change(&t, TCB_FIN_WAIT_2, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(fin_wait_2_timer_param_and_time_scale)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.fin_wait_2_us = SEC(10);
	p.time_scale = 0.01;
	tt_reach(&t, TCB_FIN_WAIT_2, &p);
	expect_deadline(&t, T0 + MS(100));
	tick(&t, T0 + MS(100) - 1);
	expect_state(&t, TCB_FIN_WAIT_2);
	tick(&t, T0 + MS(100));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(fin_wait_2_timer_sends_no_retransmission)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	for (uint64_t s = 1; s < 60; s *= 2) {
		tick(&t, T0 + SEC(s));
		expect_no_reply(&t);
		expect_no_event(&t, TCB_EV_RETRANSMIT);
	}
	tt_free(&t);
}

TEST(fin_wait_2_send_rejected)
{
	struct tt t;

	tcb_in_fin_wait_2(&t);
	assert_int_equal(send_data(&t, "late", T0 + MS(1)), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fin_wait_2_fin_to_time_wait_acked),
		T(fin_wait_2_data_received_and_acked),
		T(fin_wait_2_data_with_fin_delivered_then_time_wait),
		T(fin_wait_2_fin_after_gap_not_processed),
		T(fin_wait_2_fin_after_gap_dup_acked),
		T(fin_wait_2_held_fin_applied_when_gap_fills),
		T(fin_wait_2_rst_exact_closes),
		T(fin_wait_2_rst_in_window_challenged),
		T(fin_wait_2_rst_out_of_window_dropped),
		T(fin_wait_2_syn_challenged),
		T(fin_wait_2_ack_unsent_acked_and_dropped),
		T(fin_wait_2_bad_seq_acked),
		T(fin_wait_2_timer_closes_exactly_at_60s),
		T(fin_wait_2_timer_param_and_time_scale),
		T(fin_wait_2_timer_sends_no_retransmission),
		T(fin_wait_2_send_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
