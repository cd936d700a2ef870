/* test_tcb_fin_wait_1.c - FIN-WAIT-1: our FIN out, unacknowledged; simultaneous close, FIN backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* In FIN-WAIT-1 after the builder: SND.UNA = L+1, SND.NXT = L+2 (FIN), RCV.NXT = R+1. */
#define UNA (LOCAL_SEQ + 1)
#define NXT (LOCAL_SEQ + 2)
#define RCV (REMOTE_SEQ + 1)
#define FIN_RPL RPL(.flags = SEG_FIN | SEG_ACK, .seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1)

static void fin_wait_1_rto_1s(struct tt *t, int data_retries)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	if (data_retries)
		p.data_retries = data_retries;
	tt_reach(t, TCB_FIN_WAIT_1, &p);
}

TEST(fin_wait_1_close_emits_state_event)
{
	struct tt t;

	tcb_in_established(&t);
	assert_int_equal(close_conn(&t, T0 + MS(1)), 0);
	expect_reply(&t, FIN_RPL);
	expect_state_change(&t, TCB_ESTABLISHED, TCB_FIN_WAIT_1);
	assert_true(tcb_deadline(t.tcb) != TCB_NEVER);
	tt_free(&t);
}

TEST(fin_wait_1_ack_of_fin_to_fin_wait_2)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + MS(10));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_FIN_WAIT_1, TCB_FIN_WAIT_2);
	tt_free(&t);
}

TEST(fin_wait_1_ack_short_of_fin_stays)
{
	struct tt t;

	tcb_in_established(&t);
	send_data(&t, "hello", T0);
	close_conn(&t, T0);
	expect_reply(&t, RPL(.flags = SEG_FIN | SEG_ACK, .seq = LOCAL_SEQ + 6, .ack = RCV));
	/* the data is acknowledged, the FIN (L+6) is not */
	send_seg(&t, SEG(.seq = RCV, .ack = LOCAL_SEQ + 6), T0 + MS(10));
	expect_no_reply(&t);
	expect_state(&t, TCB_FIN_WAIT_1);
	send_seg(&t, SEG(.seq = RCV, .ack = LOCAL_SEQ + 7), T0 + MS(11));
	expect_state(&t, TCB_FIN_WAIT_2);
	tt_free(&t);
}

TEST(fin_wait_1_fin_to_closing)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	/* simultaneous close: the peer's FIN does not ACK ours */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV, .ack = UNA), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 2));
	expect_state_change(&t, TCB_FIN_WAIT_1, TCB_CLOSING);
	assert_true(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

TEST(fin_wait_1_fin_ack_to_time_wait)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV, .ack = NXT), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 2));
	expect_state(&t, TCB_TIME_WAIT);
	/* 2 x MSL = 60 s from now */
	expect_deadline(&t, T0 + MS(1) + SEC(60));
	tt_free(&t);
}

/* Two real TCBs closing at once (RFC 9293 §3.6 Figure 13). */
TEST(fin_wait_1_pair_simultaneous_close_both_time_wait)
{
	struct tt c, s;
	struct err e;

	tt_new(&c, TT_CLIENT, NULL);
	tt_new(&s, TT_SERVER, NULL);
	tcb_out_reset(&s.out);
	tcb_open_passive(s.tcb, T0, &s.out, &e);
	tcb_out_reset(&c.out);
	tcb_open_active(c.tcb, T0, &c.out, &e);
	tt_pump(&c, &s, T0);
	assert_int_equal(tcb_state(s.tcb), TCB_ESTABLISHED);
	/* both FINs are on the wire before either arrives: c.out and s.out hold them */
	close_conn(&c, T0 + MS(1));
	close_conn(&s, T0 + MS(1));
	assert_int_equal(tt_pump(&c, &s, T0 + MS(2)), 0);
	assert_int_equal(tcb_state(c.tcb), TCB_TIME_WAIT);
	assert_int_equal(tcb_state(s.tcb), TCB_TIME_WAIT);
	tt_free(&c);
	tt_free(&s);
}

TEST(fin_wait_1_data_received_and_acked)
{
	struct tt t;
	char buf[16];

	tcb_in_fin_wait_1(&t);
	/* half-close: we closed, the peer still sends */
	send_seg(&t, SEG(.seq = RCV, .ack = UNA, DATA("more")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = REMOTE_SEQ + 5));
	expect_state(&t, TCB_FIN_WAIT_1);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 4);
	assert_string_equal(buf, "more");
	tt_free(&t);
}

TEST(fin_wait_1_send_rejected)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	/* RFC 9293 §3.10.2: "error: connection closing" */
	assert_int_equal(send_data(&t, "late", T0 + MS(1)), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(fin_wait_1_rst_exact_closes)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_syn_challenged)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_bad_seq_acked)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	sync_bad_seq(&t, UNA, NXT, RCV);
	tt_free(&t);
}

TEST(fin_wait_1_fin_retransmitted_with_backoff)
{
	struct tt t;

	fin_wait_1_rto_1s(&t, 0);
	expect_deadline(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(1) - 1);
	expect_no_reply(&t);
	tick(&t, T0 + SEC(1));
	expect_reply(&t, FIN_RPL);
	expect_retransmit(&t, 1, SEC(1));
	expect_deadline(&t, T0 + SEC(3));
	tick(&t, T0 + SEC(3));
	expect_reply(&t, FIN_RPL);
	expect_retransmit(&t, 2, SEC(2));
	expect_deadline(&t, T0 + SEC(7));
	expect_state(&t, TCB_FIN_WAIT_1);
	tt_free(&t);
}

TEST(fin_wait_1_fin_gives_up_after_retries)
{
	static const uint64_t at[] = { SEC(1), SEC(3) };
	struct tt t;

	fin_wait_1_rto_1s(&t, 2);
	expect_schedule(&t, FIN_RPL, at, 2, SEC(7));
	tt_free(&t);
}

TEST(fin_wait_1_ack_of_fin_stops_retransmission)
{
	struct tt t;

	fin_wait_1_rto_1s(&t, 0);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + MS(500));
	/* FIN-WAIT-2 may run its own timer (60 s), but the FIN is not resent */
	tick(&t, T0 + SEC(1));
	expect_no_reply(&t);
	tick(&t, T0 + SEC(3));
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(fin_wait_1_abort_sends_rst)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	abort_conn(&t, T0 + MS(1));
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = NXT));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(fin_wait_1_second_close_sends_no_fin)
{
	struct tt t;

	tcb_in_fin_wait_1(&t);
	/* RFC 9293 §3.10.4: an error, or ok "as long as a second FIN is not emitted" */
	close_conn(&t, T0 + MS(1));
	expect_no_reply(&t);
	expect_state(&t, TCB_FIN_WAIT_1);
	tt_free(&t);
}

TEST(fin_wait_1_fin_after_gap_dup_acked)
{
	struct tt t;
	const struct tcb_event *ev;

	tcb_in_fin_wait_1(&t);
	/* RFC 5681 §4.2, RFC 1122 §4.2.2.21: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> at once */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = RCV + 3, .ack = UNA), T0);
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	ev = expect_event(&t, TCB_EV_OOO_QUEUED);
	assert_int_equal(ev->why, TCB_WHY_FIN_OUT_OF_ORDER);
	expect_state(&t, TCB_FIN_WAIT_1);
	/* the gap fills while our FIN is unacked: simultaneous close, CLOSING */
	send_seg(&t, SEG(.seq = RCV, .ack = UNA, DATA("xyz")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV + 4));
	expect_state_change(&t, TCB_FIN_WAIT_1, TCB_CLOSING);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(fin_wait_1_close_emits_state_event),
		T(fin_wait_1_ack_of_fin_to_fin_wait_2),
		T(fin_wait_1_ack_short_of_fin_stays),
		T(fin_wait_1_fin_to_closing),
		T(fin_wait_1_fin_after_gap_dup_acked),
		T(fin_wait_1_fin_ack_to_time_wait),
		T(fin_wait_1_pair_simultaneous_close_both_time_wait),
		T(fin_wait_1_data_received_and_acked),
		T(fin_wait_1_send_rejected),
		T(fin_wait_1_rst_exact_closes),
		T(fin_wait_1_rst_in_window_challenged),
		T(fin_wait_1_rst_out_of_window_dropped),
		T(fin_wait_1_syn_challenged),
		T(fin_wait_1_ack_unsent_acked_and_dropped),
		T(fin_wait_1_bad_seq_acked),
		T(fin_wait_1_fin_retransmitted_with_backoff),
		T(fin_wait_1_fin_gives_up_after_retries),
		T(fin_wait_1_ack_of_fin_stops_retransmission),
		T(fin_wait_1_abort_sends_rst),
		T(fin_wait_1_second_close_sends_no_fin),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
