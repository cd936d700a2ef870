/* test_tcb_last_ack.c - LAST-ACK: our FIN after the peer's; the ACK of it closes, the FIN backs off. */
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
#define FIN_RPL RPL(.flags = SEG_FIN | SEG_ACK, .seq = UNA, .ack = RCV)

static void last_ack_rto_1s(struct tt *t, int data_retries)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	if (data_retries)
		p.data_retries = data_retries;
	tt_reach(t, TCB_LAST_ACK, &p);
}

TEST(last_ack_ack_of_fin_closes)
{
	struct tt t;

	tcb_in_last_ack(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + MS(4));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_LAST_ACK, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(last_ack_ack_short_of_fin_stays)
{
	struct tt t;

	tcb_in_last_ack(&t);
	send_seg(&t, SEG(.seq = RCV, .ack = UNA), T0 + MS(4));
	expect_no_reply(&t);
	expect_state(&t, TCB_LAST_ACK);
	tt_free(&t);
}

TEST(last_ack_peer_fin_retransmitted_reacked)
{
	struct tt t;

	tcb_in_last_ack(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = UNA), T0 + MS(4));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_state(&t, TCB_LAST_ACK);
	tt_free(&t);
}

TEST(last_ack_fin_retransmitted_with_backoff)
{
	struct tt t;

	last_ack_rto_1s(&t, 0);
	/* LAB-NOTES: FIN in LAST-ACK resent on the normal RTO with backoff */
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
	tt_free(&t);
}

TEST(last_ack_ack_after_retransmit_closes)
{
	struct tt t;

	last_ack_rto_1s(&t, 0);
	tick(&t, T0 + SEC(1));
	send_seg(&t, SEG(.seq = RCV, .ack = NXT), T0 + SEC(1) + MS(5));
	expect_state(&t, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(last_ack_gives_up_after_retries)
{
	static const uint64_t at[] = { SEC(1), SEC(3), SEC(7) };
	struct tt t;

	last_ack_rto_1s(&t, 3);
	expect_schedule(&t, FIN_RPL, at, 3, SEC(15));
	tt_free(&t);
}

TEST(last_ack_rst_exact_closes)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(last_ack_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(last_ack_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(last_ack_syn_challenged)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(last_ack_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(last_ack_bad_seq_acked)
{
	struct tt t;

	tcb_in_last_ack(&t);
	sync_bad_seq(&t, UNA, NXT, RCV);
	tt_free(&t);
}

TEST(last_ack_send_rejected)
{
	struct tt t;

	tcb_in_last_ack(&t);
	assert_int_equal(send_data(&t, "late", T0 + MS(1)), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(last_ack_close_rejected)
{
	struct tt t;

	tcb_in_last_ack(&t);
	expect_close_rejected(&t);
	tt_free(&t);
}

TEST(last_ack_abort_sends_nothing)
{
	struct tt t;

	tcb_in_last_ack(&t);
	expect_abort_silent(&t);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(last_ack_ack_of_fin_closes),
		T(last_ack_ack_short_of_fin_stays),
		T(last_ack_peer_fin_retransmitted_reacked),
		T(last_ack_fin_retransmitted_with_backoff),
		T(last_ack_ack_after_retransmit_closes),
		T(last_ack_gives_up_after_retries),
		T(last_ack_rst_exact_closes),
		T(last_ack_rst_in_window_challenged),
		T(last_ack_rst_out_of_window_dropped),
		T(last_ack_syn_challenged),
		T(last_ack_ack_unsent_acked_and_dropped),
		T(last_ack_bad_seq_acked),
		T(last_ack_send_rejected),
		T(last_ack_close_rejected),
		T(last_ack_abort_sends_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
