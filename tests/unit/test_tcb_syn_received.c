/* test_tcb_syn_received.c - SYN-RECEIVED: RFC 9293 §3.10.7.4 checks, RFC 5961 RSTs, SYN+ACK backoff. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

#define SYNACK_RPL RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1)

TEST(syn_received_ack_establishes)
{
	struct tt t;

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1), T0 + MS(1));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_SYN_RECEIVED, TCB_ESTABLISHED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_received_ack_with_data_establishes_and_acks)
{
	struct tt t;
	char buf[16];

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1, DATA("hello")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 6));
	expect_state(&t, TCB_ESTABLISHED);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 5);
	assert_string_equal(buf, "hello");
	tt_free(&t);
}

TEST(syn_received_dup_syn_resends_synack)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* LAB-NOTES (Linux): a repeated SYN gets an immediate SYN+ACK */
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + MS(300));
	expect_reply(&t, SYNACK_RPL);
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_rst_exact_returns_to_listen)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* §3.10.7.4 second: passive OPEN -> back to LISTEN */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state_change(&t, TCB_SYN_RECEIVED, TCB_LISTEN);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_received_listen_again_after_rst_accepts_new_syn)
{
	struct tt t;

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1, .ack = 0), T0);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = 77777, .ack = 0), T0 + SEC(1));
	assert_int_equal(t.out.nseg, 1);
	assert_int_equal(t.out.seg[0].flags & ~SEG_PSH, SEG_SYN | SEG_ACK);
	assert_int_equal(t.out.seg[0].ack, 77778);
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_rst_exact_after_simultaneous_open_closes)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_state(&t, TCB_SYN_RECEIVED);
	/* active OPEN: "connection refused", CLOSED */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1, .ack = 0), T0 + MS(1));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_SYN_RECEIVED, TCB_CLOSED);
	tt_free(&t);
}

TEST(syn_received_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* RFC 5961 §3.2: in window but not RCV.NXT -> challenge ACK */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 100, .ack = 0), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_event(&t, TCB_EV_CHALLENGE_ACK);
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1 + FAR, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_rst_before_window_dropped)
{
	struct tt t;

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_ack_beyond_snd_nxt_reset)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* fifth: unacceptable ACK -> <SEQ=SEG.ACK><CTL=RST>, state kept */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 5), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 5));
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_ack_of_iss_reset)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* SND.UNA < SEG.ACK fails for SEG.ACK = ISS */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ));
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_bad_seq_acked)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* first: unacceptable -> <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>, drop */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1 + FAR, .ack = LOCAL_SEQ + 1), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_SYN_RECEIVED);
	tt_free(&t);
}

TEST(syn_received_segment_without_ack_dropped)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* fifth: "if the ACK bit is off, drop the segment and return" */
	send_seg(&t, SEG(.flags = SEG_PSH, .seq = REMOTE_SEQ + 1, .ack = 0, DATA("x")), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_RECEIVED);
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

TEST(syn_received_fin_ack_to_close_wait)
{
	struct tt t;

	tcb_in_syn_received(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 2));
	expect_state(&t, TCB_CLOSE_WAIT);
	assert_true(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

/* LAB-NOTES: tcp_synack_retries 5, resent at +1, +3, +7, +15, +31 s, dropped at +63 s. */
TEST(syn_received_synack_schedule_default)
{
	static const uint64_t at[] = { SEC(1), SEC(3), SEC(7), SEC(15), SEC(31) };
	struct tt t;

	tcb_in_syn_received(&t);
	expect_schedule(&t, SYNACK_RPL, at, 5, SEC(63));
	tt_free(&t);
}

TEST(syn_received_synack_schedule_time_scale_hundredth)
{
	static const uint64_t at[] = { MS(10), MS(30), MS(70), MS(150), MS(310) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.time_scale = 0.01;
	tt_reach(&t, TCB_SYN_RECEIVED, &p);
	expect_schedule(&t, SYNACK_RPL, at, 5, MS(630));
	tt_free(&t);
}

TEST(syn_received_synack_two_retries_give_up_at_7s)
{
	static const uint64_t at[] = { SEC(1), SEC(3) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.synack_retries = 2;
	tt_reach(&t, TCB_SYN_RECEIVED, &p);
	expect_schedule(&t, SYNACK_RPL, at, 2, SEC(7));
	tt_free(&t);
}

TEST(syn_received_ack_after_retransmit_establishes)
{
	struct tt t;

	tcb_in_syn_received(&t);
	tick(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(3));
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1), T0 + SEC(3) + MS(1));
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_received_close_sends_fin_to_fin_wait_1)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* RFC 9293 §3.10.4 SYN-RECEIVED, nothing queued: send FIN, FIN-WAIT-1 */
	assert_int_equal(close_conn(&t, T0 + MS(1)), 0);
	expect_reply(&t, RPL(.flags = SEG_FIN | SEG_ACK, .seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state_change(&t, TCB_SYN_RECEIVED, TCB_FIN_WAIT_1);
	tt_free(&t);
}

TEST(syn_received_abort_sends_rst)
{
	struct tt t;

	tcb_in_syn_received(&t);
	/* RFC 9293 §3.10.5: <SEQ=SND.NXT><CTL=RST> */
	abort_conn(&t, T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 1));
	expect_state(&t, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(syn_received_ack_establishes),
		T(syn_received_ack_with_data_establishes_and_acks),
		T(syn_received_dup_syn_resends_synack),
		T(syn_received_rst_exact_returns_to_listen),
		T(syn_received_listen_again_after_rst_accepts_new_syn),
		T(syn_received_rst_exact_after_simultaneous_open_closes),
		T(syn_received_rst_in_window_challenged),
		T(syn_received_rst_out_of_window_dropped),
		T(syn_received_rst_before_window_dropped),
		T(syn_received_ack_beyond_snd_nxt_reset),
		T(syn_received_ack_of_iss_reset),
		T(syn_received_bad_seq_acked),
		T(syn_received_segment_without_ack_dropped),
		T(syn_received_fin_ack_to_close_wait),
		T(syn_received_synack_schedule_default),
		T(syn_received_synack_schedule_time_scale_hundredth),
		T(syn_received_synack_two_retries_give_up_at_7s),
		T(syn_received_ack_after_retransmit_establishes),
		T(syn_received_close_sends_fin_to_fin_wait_1),
		T(syn_received_abort_sends_rst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
