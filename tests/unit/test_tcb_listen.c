/* test_tcb_listen.c - LISTEN: RFC 9293 §3.10.7.2 (RST ignored, ACK reset, SYN answered with SYN+ACK). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

TEST(listen_open_passive_emits_state_event)
{
	struct tt t;
	struct err e;

	tcb_in_closed(&t);
	tcb_out_reset(&t.out);
	assert_int_equal(tcb_open_passive(t.tcb, T0, &t.out, &e), 0);
	expect_state_change(&t, TCB_CLOSED, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_syn_answered_with_synack_to_syn_received)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + MS(5));
	/* <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1));
	expect_state_change(&t, TCB_LISTEN, TCB_SYN_RECEIVED);
	assert_int_equal(tcb_irs(t.tcb), REMOTE_SEQ);
	assert_int_equal(tcb_iss(t.tcb), LOCAL_SEQ);
	tt_free(&t);
}

TEST(listen_synack_offers_rcv_buf_window)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rcv_buf = 1000;
	tt_reach(&t, TCB_LISTEN, &p);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1,
			     .win = 1000));
	tt_free(&t);
}

TEST(listen_synack_announces_mss)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0);
	assert_int_equal(t.out.nseg, 1);
	assert_true(t.out.seg[0].opts.has_mss);
	assert_int_equal(t.out.seg[0].opts.mss, 1460);
	tt_free(&t);
}

TEST(listen_syn_starts_synack_timer_at_1s)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + MS(7));
	expect_deadline(&t, T0 + MS(7) + SEC(1));
	tt_free(&t);
}

TEST(listen_syn_with_data_acks_only_the_syn)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0, DATA("early")), T0);
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1));
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

TEST(listen_syn_seq_wraps)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = 0xffffffffu, .ack = 0), T0);
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = 0));
	assert_int_equal(tcb_irs(t.tcb), 0xffffffffu);
	tt_free(&t);
}

TEST(listen_ack_answered_with_rst)
{
	struct tt t;

	tcb_in_listen(&t);
	/* "any acknowledgment is bad": <SEQ=SEG.ACK><CTL=RST> */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 77), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 77));
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_synack_answered_with_rst)
{
	struct tt t;

	tcb_in_listen(&t);
	/* the ACK check comes before the SYN check */
	send_seg(&t, SEG(.flags = SEG_SYN | SEG_ACK, .seq = REMOTE_SEQ, .ack = 4242), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = 4242));
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_rst_ignored)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_rst_ack_ignored)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_RST | SEG_ACK, .seq = REMOTE_SEQ, .ack = LOCAL_SEQ + 9), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_syn_rst_ignored)
{
	struct tt t;

	tcb_in_listen(&t);
	/* the RST check comes first */
	send_seg(&t, SEG(.flags = SEG_SYN | SEG_RST, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_fin_dropped)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_FIN, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_bare_data_dropped)
{
	struct tt t;

	tcb_in_listen(&t);
	send_seg(&t, SEG(.flags = SEG_PSH, .seq = REMOTE_SEQ, .ack = 0, DATA("hi")), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

TEST(listen_has_no_deadline)
{
	struct tt t;

	tcb_in_listen(&t);
	expect_deadline(&t, TCB_NEVER);
	tick(&t, T0 + SEC(1000));
	expect_no_reply(&t);
	expect_state(&t, TCB_LISTEN);
	tt_free(&t);
}

TEST(listen_close_goes_closed)
{
	struct tt t;

	tcb_in_listen(&t);
	/* RFC 9293 §3.10.4 LISTEN: delete TCB, enter CLOSED */
	assert_int_equal(close_conn(&t, T0), 0);
	expect_no_reply(&t);
	expect_state_change(&t, TCB_LISTEN, TCB_CLOSED);
	tt_free(&t);
}

TEST(listen_abort_goes_closed_silently)
{
	struct tt t;

	tcb_in_listen(&t);
	abort_conn(&t, T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(listen_open_passive_emits_state_event),
		T(listen_syn_answered_with_synack_to_syn_received),
		T(listen_synack_offers_rcv_buf_window),
		T(listen_synack_announces_mss),
		T(listen_syn_starts_synack_timer_at_1s),
		T(listen_syn_with_data_acks_only_the_syn),
		T(listen_syn_seq_wraps),
		T(listen_ack_answered_with_rst),
		T(listen_synack_answered_with_rst),
		T(listen_rst_ignored),
		T(listen_rst_ack_ignored),
		T(listen_syn_rst_ignored),
		T(listen_fin_dropped),
		T(listen_bare_data_dropped),
		T(listen_has_no_deadline),
		T(listen_close_goes_closed),
		T(listen_abort_goes_closed_silently),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
