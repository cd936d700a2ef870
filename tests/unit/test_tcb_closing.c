/* test_tcb_closing.c - CLOSING: both FINs crossed (simultaneous close), waiting for the ACK of ours. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* After the builder: SND.UNA = L+1, SND.NXT = L+2 (FIN unacked), RCV.NXT = R+2. */
#define UNA (LOCAL_SEQ + 1)
#define NXT (LOCAL_SEQ + 2)
#define RCV (REMOTE_SEQ + 2)

TEST(closing_ack_of_fin_to_time_wait)
{
	struct tt t;

	tcb_in_closing(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + MS(3));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_CLOSING, TCB_TIME_WAIT);
	expect_deadline(&t, T0 + MS(3) + SEC(60));
	tt_free(&t);
}

TEST(closing_ack_short_of_fin_stays)
{
	struct tt t;

	tcb_in_closing(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = UNA), T0 + MS(3));
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSING);
	tt_free(&t);
}

TEST(closing_fin_retransmitted_reacked)
{
	struct tt t;

	tcb_in_closing(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = UNA), T0 + MS(3));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_state(&t, TCB_CLOSING);
	tt_free(&t);
}

TEST(closing_our_fin_retransmitted_on_rto)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	tt_reach(&t, TCB_CLOSING, &p);
	expect_deadline(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(1));
	/* the retransmitted FIN now also acknowledges the peer's FIN */
	expect_reply(&t, RPL(.flags = SEG_FIN | SEG_ACK, .seq = UNA, .ack = RCV));
	expect_retransmit(&t, 1, SEC(1));
	expect_deadline(&t, T0 + SEC(3));
	expect_state(&t, TCB_CLOSING);
	tt_free(&t);
}

TEST(closing_rst_exact_closes)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(closing_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(closing_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(closing_syn_challenged)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(closing_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(closing_bad_seq_acked)
{
	struct tt t;

	tcb_in_closing(&t);
	sync_bad_seq(&t, UNA, NXT, RCV);
	tt_free(&t);
}

TEST(closing_send_rejected)
{
	struct tt t;

	tcb_in_closing(&t);
	assert_int_equal(send_data(&t, "late", T0 + MS(1)), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(closing_close_rejected)
{
	struct tt t;

	tcb_in_closing(&t);
	expect_close_rejected(&t);
	tt_free(&t);
}

TEST(closing_abort_sends_nothing)
{
	struct tt t;

	tcb_in_closing(&t);
	expect_abort_silent(&t);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(closing_ack_of_fin_to_time_wait),
		T(closing_ack_short_of_fin_stays),
		T(closing_fin_retransmitted_reacked),
		T(closing_our_fin_retransmitted_on_rto),
		T(closing_rst_exact_closes),
		T(closing_rst_in_window_challenged),
		T(closing_rst_out_of_window_dropped),
		T(closing_syn_challenged),
		T(closing_ack_unsent_acked_and_dropped),
		T(closing_bad_seq_acked),
		T(closing_send_rejected),
		T(closing_close_rejected),
		T(closing_abort_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
