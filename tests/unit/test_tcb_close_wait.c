/* test_tcb_close_wait.c - CLOSE-WAIT: the peer's FIN received; our side keeps sending, then closes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* After the builder: SND.UNA = SND.NXT = L+1, RCV.NXT = R+2 (FIN consumed). */
#define NXT (LOCAL_SEQ + 1)
#define RCV (REMOTE_SEQ + 2)

TEST(close_wait_fin_acked_and_reported)
{
	struct tt t;
	char buf[8];

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK), T0 + MS(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_state_change(&t, TCB_ESTABLISHED, TCB_CLOSE_WAIT);
	assert_true(tcb_peer_closed(t.tcb));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 0);
	tt_free(&t);
}

TEST(close_wait_keeps_sending_data)
{
	struct tt t;

	tcb_in_close_wait(&t);
	/* half-close: the side that got the FIN still sends */
	assert_int_equal(send_data(&t, "reply", T0 + MS(1)), 5);
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV, .len = 5));
	assert_memory_equal(t.out.seg[0].payload, "reply", 5);
	send_seg(&t, SEG(.seq = RCV, .ack = NXT + 5), T0 + MS(2));
	expect_no_reply(&t);
	expect_event(&t, TCB_EV_ACKED);
	expect_deadline(&t, TCB_NEVER);
	expect_state(&t, TCB_CLOSE_WAIT);
	tt_free(&t);
}

TEST(close_wait_data_retransmitted_on_rto)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	tt_reach(&t, TCB_CLOSE_WAIT, &p);
	send_data(&t, "reply", T0);
	expect_deadline(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(1));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV, .len = 5));
	expect_retransmit(&t, 1, SEC(1));
	expect_deadline(&t, T0 + SEC(3));
	tt_free(&t);
}

TEST(close_wait_close_sends_fin_to_last_ack)
{
	struct tt t;

	tcb_in_close_wait(&t);
	assert_int_equal(close_conn(&t, T0 + MS(1)), 0);
	expect_reply(&t, RPL(.flags = SEG_FIN | SEG_ACK, .seq = NXT, .ack = RCV));
	expect_state_change(&t, TCB_CLOSE_WAIT, TCB_LAST_ACK);
	tt_free(&t);
}

TEST(close_wait_close_after_data_fin_follows_data)
{
	struct tt t;
	const struct seg *fin = NULL;

	tcb_in_close_wait(&t);
	send_data(&t, "abc", T0);
	close_conn(&t, T0);
	for (unsigned i = 0; i < t.out.nseg; i++)
		if (t.out.seg[i].flags & SEG_FIN)
			fin = &t.out.seg[i];
	assert_non_null(fin);
	/* the FIN takes the sequence number after the data (RFC 9293 §3.4) */
	assert_int_equal(fin->seq + fin->len, NXT + 3);
	expect_state(&t, TCB_LAST_ACK);
	tt_free(&t);
}

TEST(close_wait_fin_retransmitted_reacked)
{
	struct tt t;

	tcb_in_close_wait(&t);
	/* our ACK was lost: the duplicate FIN (old seq) gets <SEQ=SND.NXT><ACK=RCV.NXT> */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = NXT),
		 T0 + MS(200));
	expect_reply(&t, RPL(.seq = NXT, .ack = RCV));
	expect_state(&t, TCB_CLOSE_WAIT);
	tt_free(&t);
}

TEST(close_wait_rst_exact_closes)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_rst_exact(&t, RCV);
	tt_free(&t);
}

TEST(close_wait_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_rst_in_window(&t, NXT, RCV);
	tt_free(&t);
}

TEST(close_wait_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_rst_out_of_window(&t, RCV);
	tt_free(&t);
}

TEST(close_wait_syn_challenged)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_syn(&t, NXT, RCV);
	tt_free(&t);
}

TEST(close_wait_ack_unsent_acked_and_dropped)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_ack_unsent(&t, NXT, RCV);
	tt_free(&t);
}

TEST(close_wait_bad_seq_acked)
{
	struct tt t;

	tcb_in_close_wait(&t);
	sync_bad_seq(&t, NXT, NXT, RCV);
	tt_free(&t);
}

TEST(close_wait_has_no_timer)
{
	struct tt t;

	tcb_in_close_wait(&t);
	/* RFC 9293 defines no CLOSE-WAIT timeout: it waits for our CLOSE */
	expect_deadline(&t, TCB_NEVER);
	tick(&t, T0 + SEC(600));
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSE_WAIT);
	tt_free(&t);
}

TEST(close_wait_abort_sends_rst)
{
	struct tt t;

	tcb_in_close_wait(&t);
	abort_conn(&t, T0 + MS(1));
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = NXT));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(close_wait_fin_acked_and_reported),
		T(close_wait_keeps_sending_data),
		T(close_wait_data_retransmitted_on_rto),
		T(close_wait_close_sends_fin_to_last_ack),
		T(close_wait_close_after_data_fin_follows_data),
		T(close_wait_fin_retransmitted_reacked),
		T(close_wait_rst_exact_closes),
		T(close_wait_rst_in_window_challenged),
		T(close_wait_rst_out_of_window_dropped),
		T(close_wait_syn_challenged),
		T(close_wait_ack_unsent_acked_and_dropped),
		T(close_wait_bad_seq_acked),
		T(close_wait_has_no_timer),
		T(close_wait_abort_sends_rst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
