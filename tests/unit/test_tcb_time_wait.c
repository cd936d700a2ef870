/* test_tcb_time_wait.c - TIME-WAIT: 2 MSL to the microsecond, FIN re-ACK and restart, RFC 1337. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* After the builder (entered at T0 from FIN-WAIT-2): SND.NXT = L+2, RCV.NXT = R+2. */
#define NXT (LOCAL_SEQ + 2)
#define RCV (REMOTE_SEQ + 2)
#define PEER_FIN SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = NXT)

TEST(time_wait_deadline_is_2msl)
{
	struct tt t;

	tcb_in_time_wait(&t);
	/* Linux TCP_TIMEWAIT_LEN: msl 30 s, 2 x MSL = 60 s */
	expect_deadline(&t, T0 + SEC(60));
	tt_free(&t);
}

TEST(time_wait_closes_exactly_at_deadline)
{
	struct tt t;

	tcb_in_time_wait(&t);
	tick(&t, T0 + SEC(60) - 1);
	expect_state(&t, TCB_TIME_WAIT);
	expect_no_reply(&t);
	tick(&t, T0 + SEC(60));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_TIME_WAIT, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(time_wait_fin_retransmit_reacks)
{
	struct tt t;

	tcb_in_time_wait(&t);
	send_seg(&t, PEER_FIN, T0 + SEC(10));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_event(&t, TCB_EV_TW_RESTART);
	expect_state(&t, TCB_TIME_WAIT);
	tt_free(&t);
}

TEST(time_wait_fin_retransmit_restarts_timer)
{
	struct tt t;

	tcb_in_time_wait(&t);
	send_seg(&t, PEER_FIN, T0 + SEC(10));
	/* RFC 9293 §3.10.7.4: restart the 2 MSL timeout: 10 s + 60 s */
	expect_deadline(&t, T0 + SEC(70));
	tick(&t, T0 + SEC(60));
	expect_state(&t, TCB_TIME_WAIT);
	tick(&t, T0 + SEC(70) - 1);
	expect_state(&t, TCB_TIME_WAIT);
	tick(&t, T0 + SEC(70));
	expect_state_change(&t, TCB_TIME_WAIT, TCB_CLOSED);
	tt_free(&t);
}

TEST(time_wait_second_fin_retransmit_restarts_again)
{
	struct tt t;

	tcb_in_time_wait(&t);
	send_seg(&t, PEER_FIN, T0 + SEC(10));
	send_seg(&t, PEER_FIN, T0 + SEC(30) + 7);
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_deadline(&t, T0 + SEC(90) + 7);
	tt_free(&t);
}

TEST(time_wait_msl_param)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.msl_us = SEC(120);	/* RFC 9293's MSL: 2 minutes -> 4 minutes */
	tt_reach(&t, TCB_TIME_WAIT, &p);
	expect_deadline(&t, T0 + SEC(240));
	tt_free(&t);
}

TEST(time_wait_time_scale_hundredth)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.time_scale = 0.01;
	tt_reach(&t, TCB_TIME_WAIT, &p);
	expect_deadline(&t, T0 + MS(600));
	send_seg(&t, PEER_FIN, T0 + MS(100));
	expect_deadline(&t, T0 + MS(700));
	tick(&t, T0 + MS(700) - 1);
	expect_state(&t, TCB_TIME_WAIT);
	tick(&t, T0 + MS(700));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(time_wait_via_closing_keeps_2msl_from_entry)
{
	struct tt t;

	tcb_in_closing(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + SEC(2));
	expect_state(&t, TCB_TIME_WAIT);
	expect_deadline(&t, T0 + SEC(62));
	tt_free(&t);
}

TEST(time_wait_rst_exact_closes)
{
	struct tt t;

	tcb_in_time_wait(&t);
	/* rfc1337 off (Linux default): the RST ends TIME-WAIT */
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(time_wait_rst_ignored_with_rfc1337)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rfc1337 = true;
	tt_reach(&t, TCB_TIME_WAIT, &p);
	/* RFC 1337 TIME-WAIT assassination protection: ignore RSTs */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = RCV, .ack = 0), T0 + SEC(1));
	expect_no_reply(&t);
	expect_state(&t, TCB_TIME_WAIT);
	expect_deadline(&t, T0 + SEC(60));
	tt_free(&t);
}

TEST(time_wait_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_time_wait(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(time_wait_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_time_wait(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(time_wait_old_syn_acked)
{
	struct tt t;

	tcb_in_time_wait(&t);
	/* a duplicate of the peer's original SYN: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + SEC(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_state(&t, TCB_TIME_WAIT);
	tt_free(&t);
}

TEST(time_wait_syn_in_window_challenged)
{
	struct tt t;

	tcb_in_time_wait(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(time_wait_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_time_wait(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(time_wait_bad_seq_acked)
{
	struct tt t;

	tcb_in_time_wait(&t);
	sync_bad_seq(&t, NXT, NXT, RCV);
	tt_free(&t);
}

TEST(time_wait_send_rejected)
{
	struct tt t;

	tcb_in_time_wait(&t);
	assert_int_equal(send_data(&t, "late", T0 + MS(1)), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(time_wait_close_rejected)
{
	struct tt t;

	tcb_in_time_wait(&t);
	expect_close_rejected(&t);
	tt_free(&t);
}

TEST(time_wait_abort_sends_nothing)
{
	struct tt t;

	tcb_in_time_wait(&t);
	expect_abort_silent(&t);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(time_wait_deadline_is_2msl),
		T(time_wait_closes_exactly_at_deadline),
		T(time_wait_fin_retransmit_reacks),
		T(time_wait_fin_retransmit_restarts_timer),
		T(time_wait_second_fin_retransmit_restarts_again),
		T(time_wait_msl_param),
		T(time_wait_time_scale_hundredth),
		T(time_wait_via_closing_keeps_2msl_from_entry),
		T(time_wait_rst_exact_closes),
		T(time_wait_rst_ignored_with_rfc1337),
		T(time_wait_rst_in_window_challenged),
		T(time_wait_rst_out_of_window_dropped),
		T(time_wait_old_syn_acked),
		T(time_wait_syn_in_window_challenged),
		T(time_wait_ack_unsent_acked_and_dropped),
		T(time_wait_bad_seq_acked),
		T(time_wait_send_rejected),
		T(time_wait_close_rejected),
		T(time_wait_abort_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
