/* test_tcb_established.c - ESTABLISHED: data in and out, RFC 5961 checks, windows, RFC 6298 timer. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

static void established_rto_1s(struct tt *t)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	tt_reach(t, TCB_ESTABLISHED, &p);
}

TEST(established_idle_has_no_deadline)
{
	struct tt t;

	tcb_in_established(&t);
	expect_deadline(&t, TCB_NEVER);
	tick(&t, T0 + SEC(3600));
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_data_in_order_acked_and_readable)
{
	struct tt t;
	char buf[16];

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_ACK | SEG_PSH, DATA("hello")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 6));
	expect_event(&t, TCB_EV_DATA_IN);
	assert_int_equal(tcb_readable(t.tcb), 5);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 5);
	assert_string_equal(buf, "hello");
	tt_free(&t);
}

TEST(established_send_emits_data_segment)
{
	struct tt t;

	tcb_in_established(&t);
	assert_int_equal(send_data(&t, "hello", T0 + MS(1)), 5);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 5));
	assert_memory_equal(t.out.seg[0].payload, "hello", 5);
	assert_true(tcb_deadline(t.tcb) != TCB_NEVER);
	tt_free(&t);
}

TEST(established_ack_of_all_data_stops_timer)
{
	struct tt t;

	tcb_in_established(&t);
	send_data(&t, "hello", T0);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 6), T0 + MS(20));
	expect_no_reply(&t);
	expect_event(&t, TCB_EV_ACKED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(established_partial_ack_restarts_timer)
{
	struct tt t;

	established_rto_1s(&t);
	send_data(&t, "0123456789", T0);
	expect_deadline(&t, T0 + SEC(1));
	/* RFC 6298 §5.3: an ACK of new data restarts the timer; the 50 ms sample gives
	 * an RTO of 150 ms, raised to rto_min = 1 s */
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 6), T0 + MS(50));
	expect_no_reply(&t);
	expect_deadline(&t, T0 + MS(50) + SEC(1));
	tt_free(&t);
}

TEST(established_old_ack_ignored)
{
	struct tt t;

	tcb_in_established(&t);
	send_data(&t, "hello", T0);
	/* SEG.ACK < SND.UNA: duplicate, ignored (RFC 9293 §3.10.7.4 fifth) */
	send_seg(&t, SEG(.ack = LOCAL_SEQ), T0 + MS(1));
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	expect_no_event(&t, TCB_EV_ACKED);
	tt_free(&t);
}

TEST(established_rst_exact_resets)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state_change(&t, TCB_ESTABLISHED, TCB_CLOSED);
	expect_event(&t, TCB_EV_RESET);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(established_rst_ack_exact_resets)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_RST | SEG_ACK, .seq = REMOTE_SEQ + 1), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(established_rst_in_window_challenged)
{
	struct tt t;

	tcb_in_established(&t);
	/* RFC 5961 §3.2: <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 101, .ack = 0), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_event(&t, TCB_EV_CHALLENGE_ACK);
	expect_no_event(&t, TCB_EV_RESET);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_rst_at_last_window_byte_challenged)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1 + 65534, .ack = 0), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_rst_just_past_window_dropped)
{
	struct tt t;

	tcb_in_established(&t);
	/* RCV.WND = 65535: RCV.NXT + RCV.WND is outside */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1 + 65535, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_rst_out_of_window_dropped)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1 + FAR, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_rst_old_seq_dropped)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_syn_in_window_challenged)
{
	struct tt t;

	tcb_in_established(&t);
	/* RFC 5961 §4.2: any SYN -> challenge ACK, connection kept */
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ + 11, .ack = 0), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_event(&t, TCB_EV_CHALLENGE_ACK);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_syn_old_isn_acked)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + SEC(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_challenge_acks_rate_limited)
{
	struct tt t;
	struct tcb_params p;
	const struct tcb_event *ev;

	tt_params(&p, TT_SERVER);
	p.challenge_ack_limit = 2;
	p.invalid_ratelimit_us = 0;	/* the per-second limit alone */
	tt_reach(&t, TCB_ESTABLISHED, &p);
	for (int i = 0; i < 2; i++) {
		send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 50, .ack = 0), T0 + US(i));
		expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	}
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 50, .ack = 0), T0 + US(2));
	expect_no_reply(&t);
	ev = expect_event(&t, TCB_EV_CHALLENGE_ACK);
	assert_true(ev->limited);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 50, .ack = 0), T0 + MS(1500));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_ack_for_unsent_data_acked_and_dropped)
{
	struct tt t;

	tcb_in_established(&t);
	/* SEG.ACK > SND.NXT: send an ACK, drop (RFC 9293 §3.10.7.4 fifth) */
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 100), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_ack_for_unsent_data_payload_not_delivered)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 100, DATA("evil")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

TEST(established_bad_seq_beyond_window_acked)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1 + FAR, DATA("x")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	assert_int_equal(tcb_readable(t.tcb), 0);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_duplicate_data_reacked_not_redelivered)
{
	struct tt t;
	char buf[16];

	tcb_in_established(&t);
	send_seg(&t, SEG(DATA("hello")), T0);
	send_seg(&t, SEG(DATA("hello")), T0 + MS(200));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 6));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(201)), 5);
	assert_string_equal(buf, "hello");
	tt_free(&t);
}

TEST(established_out_of_order_queued_then_delivered)
{
	struct tt t;
	char buf[32];

	tcb_in_established(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 6, DATA("world")), T0);
	/* the gap is reported with a duplicate ACK of RCV.NXT */
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_event(&t, TCB_EV_OOO_QUEUED);
	assert_int_equal(tcb_readable(t.tcb), 0);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, DATA("hello")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 11));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 10);
	assert_string_equal(buf, "helloworld");
	tt_free(&t);
}

TEST(established_partial_overlap_trimmed)
{
	struct tt t;
	char buf[32];

	tcb_in_established(&t);
	send_seg(&t, SEG(DATA("abcde")), T0);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 4, DATA("defgh")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 9));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 8);
	assert_string_equal(buf, "abcdefgh");
	tt_free(&t);
}

TEST(established_data_and_fin_to_close_wait)
{
	struct tt t;
	char buf[16];

	tcb_in_established(&t);
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, DATA("bye")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 5));
	expect_state_change(&t, TCB_ESTABLISHED, TCB_CLOSE_WAIT);
	assert_true(tcb_peer_closed(t.tcb));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 3);
	assert_string_equal(buf, "bye");
	tt_free(&t);
}

TEST(established_rto_doubles)
{
	struct tt t;

	established_rto_1s(&t);
	send_data(&t, "hello", T0);
	expect_deadline(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 5));
	expect_retransmit(&t, 1, SEC(1));
	/* RFC 6298 §5.5: RTO <- RTO * 2 */
	expect_deadline(&t, T0 + SEC(3));
	tick(&t, T0 + SEC(3) - 1);
	expect_no_reply(&t);
	tick(&t, T0 + SEC(3));
	expect_retransmit(&t, 2, SEC(2));
	expect_deadline(&t, T0 + SEC(7));
	tick(&t, T0 + SEC(7));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 5));
	expect_retransmit(&t, 3, SEC(4));
	expect_deadline(&t, T0 + SEC(15));
	tt_free(&t);
}

TEST(established_rto_clamped_to_max)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	p.rto_max_us = SEC(4);
	tt_reach(&t, TCB_ESTABLISHED, &p);
	send_data(&t, "hello", T0);
	tick(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(3));
	tick(&t, T0 + SEC(7));
	expect_retransmit(&t, 3, SEC(4));
	/* 8 s would exceed rto_max: stays 4 s (RFC 6298 §2.5) */
	expect_deadline(&t, T0 + SEC(11));
	tick(&t, T0 + SEC(11));
	expect_retransmit(&t, 4, SEC(4));
	expect_deadline(&t, T0 + SEC(15));
	tt_free(&t);
}

TEST(established_rto_min_200ms_after_fast_sample)
{
	struct tt t;

	tcb_in_established(&t);
	send_data(&t, "a", T0 + SEC(1));
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 2), T0 + SEC(1) + MS(10));
	/* R = 10 ms gives RTO = 30 ms; Linux's TCP_RTO_MIN clamps it to 200 ms */
	send_data(&t, "b", T0 + SEC(2));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 2, .ack = REMOTE_SEQ + 1, .len = 1));
	expect_deadline(&t, T0 + SEC(2) + MS(200));
	tt_free(&t);
}

TEST(established_rto_min_param_respected)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rto_min_us = MS(300);
	tt_reach(&t, TCB_ESTABLISHED, &p);
	send_data(&t, "a", T0 + SEC(1));
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 2), T0 + SEC(1) + MS(10));
	send_data(&t, "b", T0 + SEC(2));
	expect_deadline(&t, T0 + SEC(2) + MS(300));
	tt_free(&t);
}

TEST(established_data_gives_up_after_retries)
{
	static const uint64_t at[] = { SEC(1), SEC(3), SEC(7) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	tt_params_rto_1s(&p);
	p.data_retries = 3;
	tt_reach(&t, TCB_ESTABLISHED, &p);
	send_data(&t, "hello", T0);
	expect_schedule(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 5), at, 3,
			SEC(15));
	tt_free(&t);
}

TEST(established_send_respects_peer_window)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 3), T0);
	send_data(&t, "hello", T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 3));
	tt_free(&t);
}

TEST(established_zero_window_holds_data_and_arms_persist)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 0), T0);
	expect_no_reply(&t);
	assert_int_equal(send_data(&t, "hello", T0 + MS(1)), 5);
	expect_no_reply(&t);
	/* RFC 9293 §3.8.6.1: the sender must probe a zero window */
	assert_true(tcb_deadline(t.tcb) != TCB_NEVER);
	tt_free(&t);
}

TEST(established_zero_window_probed_on_persist_timer)
{
	struct tt t;
	const struct seg *s;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 0), T0);
	send_data(&t, "hello", T0 + MS(1));
	tick(&t, tcb_deadline(t.tcb));
	assert_int_equal(t.out.nseg, 1);
	s = &t.out.seg[0];
	/* RFC 9293 §3.8.6.1: one octet of new data, or Linux's zero-length probe at
	 * SND.UNA - 1; either makes the peer answer with its window */
	assert_true((s->len == 1 && s->seq == LOCAL_SEQ + 1) ||
		    (s->len == 0 && s->seq == LOCAL_SEQ));
	assert_true(s->flags & SEG_ACK);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_window_update_releases_data)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 0), T0);
	send_data(&t, "hello", T0 + MS(1));
	send_seg(&t, SEG(.win = 100), T0 + MS(50));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 5));
	tt_free(&t);
}

TEST(established_default_send_mss_536)
{
	struct tt t;
	char big[601];

	tcb_in_established(&t);
	memset(big, 'x', 600);
	big[600] = '\0';
	/* RFC 9293 §3.7.1: no MSS option received -> send MSS 536 */
	assert_int_equal(send_data(&t, big, T0 + MS(1)), 600);
	expect_seg(&t, 0, 2, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 536));
	expect_seg(&t, 1, 2, RPL(.seq = LOCAL_SEQ + 537, .ack = REMOTE_SEQ + 1, .len = 64));
	tt_free(&t);
}

static void established_small_rcv_buf(struct tt *t)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rcv_buf = 10;
	tt_reach(t, TCB_ESTABLISHED, &p);
}

TEST(established_rcv_window_fills_to_zero)
{
	struct tt t;

	established_small_rcv_buf(&t);
	send_seg(&t, SEG(DATA("0123456789")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 11, .win = 0));
	tt_free(&t);
}

TEST(established_zero_rcv_window_rejects_data)
{
	struct tt t;

	established_small_rcv_buf(&t);
	send_seg(&t, SEG(DATA("0123456789")), T0);
	/* RCV.WND = 0, SEG.LEN > 0: not acceptable -> ACK, drop */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 11, DATA("A")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 11, .win = 0));
	assert_int_equal(tcb_readable(t.tcb), 10);
	tt_free(&t);
}

TEST(established_zero_rcv_window_still_takes_acks)
{
	struct tt t;

	established_small_rcv_buf(&t);
	send_seg(&t, SEG(DATA("0123456789")), T0);
	send_data(&t, "abc", T0 + MS(1));
	/* RFC 9293 §3.10.7.4: with RCV.WND = 0 valid ACKs must still be processed */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 11, .ack = LOCAL_SEQ + 4), T0 + MS(2));
	expect_no_reply(&t);
	expect_event(&t, TCB_EV_ACKED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(established_read_reopens_window)
{
	struct tt t;
	char buf[16];

	established_small_rcv_buf(&t);
	send_seg(&t, SEG(DATA("0123456789")), T0);
	read_all(&t, buf, sizeof buf, T0 + MS(1));
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 11, DATA("A")), T0 + MS(2));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 12, .win = 9));
	tt_free(&t);
}

TEST(established_abort_sends_rst)
{
	struct tt t;

	tcb_in_established(&t);
	abort_conn(&t, T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 1));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(established_pair_data_both_ways)
{
	struct tt c, s;
	struct err e;
	char buf[32];

	tt_new(&c, TT_CLIENT, NULL);
	tt_new(&s, TT_SERVER, NULL);
	tcb_out_reset(&s.out);
	tcb_open_passive(s.tcb, T0, &s.out, &e);
	tcb_out_reset(&c.out);
	tcb_open_active(c.tcb, T0, &c.out, &e);
	tt_pump(&c, &s, T0);
	send_data(&c, "ping", T0 + MS(1));
	tcb_out_reset(&s.out);
	assert_int_equal(tt_pump(&c, &s, T0 + MS(1)), 0);
	send_data(&s, "pong!", T0 + MS(2));
	tcb_out_reset(&c.out);
	assert_int_equal(tt_pump(&s, &c, T0 + MS(2)), 0);
	assert_int_equal(read_all(&s, buf, sizeof buf, T0 + MS(3)), 4);
	assert_string_equal(buf, "ping");
	assert_int_equal(read_all(&c, buf, sizeof buf, T0 + MS(3)), 5);
	assert_string_equal(buf, "pong!");
	assert_int_equal(tcb_deadline(c.tcb), TCB_NEVER);
	assert_int_equal(tcb_deadline(s.tcb), TCB_NEVER);
	tt_free(&c);
	tt_free(&s);
}

TEST(established_rto_resends_first_unacked_byte)
{
	struct tt t;

	established_rto_1s(&t);
	send_data(&t, "0123456789", T0);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 6), T0 + MS(50));
	tick(&t, T0 + MS(50) + SEC(1));
	/* RFC 6298 §5.4: retransmit the earliest segment not yet acknowledged */
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 6, .ack = REMOTE_SEQ + 1, .len = 5));
	assert_memory_equal(t.out.seg[0].payload, "56789", 5);
	tt_free(&t);
}

TEST(established_three_segments_reordered_reassembled)
{
	struct tt t;
	char buf[16];

	tcb_in_established(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 7, DATA("ghi")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 4, DATA("def")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, DATA("abc")), T0 + MS(2));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 10));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(3)), 9);
	assert_string_equal(buf, "abcdefghi");
	tt_free(&t);
}

TEST(established_ack_too_old_acked_and_dropped)
{
	struct tt t;

	tcb_in_established(&t);
	/* RFC 5961 §5.2: SEG.ACK < SND.UNA - MAX.SND.WND (65535): discard, send an ACK */
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 - 70000, DATA("evil")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	assert_int_equal(tcb_readable(t.tcb), 0);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_send_limited_by_snd_buf)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.snd_buf = 4;
	tt_reach(&t, TCB_ESTABLISHED, &p);
	assert_int_equal(send_data(&t, "hello", T0), 4);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 4));
	tt_free(&t);
}

TEST(established_partial_read_keeps_rest)
{
	struct tt t;
	char buf[3];

	tcb_in_established(&t);
	send_seg(&t, SEG(DATA("hello")), T0);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 2);
	assert_string_equal(buf, "he");
	assert_int_equal(tcb_readable(t.tcb), 3);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 2);
	assert_string_equal(buf, "ll");
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 1);
	assert_string_equal(buf, "o");
	tt_free(&t);
}

TEST(established_close_with_unsent_data_fin_follows_it)
{
	struct tt t;
	const struct seg *last;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 0), T0);
	send_data(&t, "hello", T0);
	/* RFC 9293 §3.10.4: FIN-WAIT-1 at once, the FIN queued behind the data */
	assert_int_equal(close_conn(&t, T0 + MS(1)), 0);
	expect_state(&t, TCB_FIN_WAIT_1);
	for (unsigned i = 0; i < t.out.nseg; i++)
		assert_false(t.out.seg[i].flags & SEG_FIN);
	send_seg(&t, SEG(.win = 1000), T0 + MS(2));
	assert_true(t.out.nseg >= 1);
	assert_int_equal(t.out.seg[0].seq, LOCAL_SEQ + 1);
	assert_int_equal(t.out.seg[0].len, 5);
	last = &t.out.seg[t.out.nseg - 1];
	assert_true(last->flags & SEG_FIN);
	assert_int_equal(last->seq + last->len, LOCAL_SEQ + 6);
	tt_free(&t);
}

TEST(established_duplicate_synack_reacked)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_SYN | SEG_ACK, .seq = REMOTE_SEQ), T0);
	expect_state(&t, TCB_ESTABLISHED);
	/* our ACK was lost, the server resends its SYN+ACK: old sequence -> ACK again */
	send_seg(&t, SEG(.flags = SEG_SYN | SEG_ACK, .seq = REMOTE_SEQ), T0 + SEC(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

TEST(established_local_sequence_wraps)
{
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.isn = 0xffffffffu;
	tt_reach(&t, TCB_ESTABLISHED, &p);
	send_data(&t, "hello", T0 + MS(1));
	expect_reply(&t, RPL(.seq = 0, .ack = REMOTE_SEQ + 1, .len = 5));
	send_seg(&t, SEG(.ack = 5), T0 + MS(2));
	expect_no_reply(&t);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(established_remote_sequence_wraps)
{
	struct tt t;
	char buf[16];

	tt_reach_isn(&t, TCB_ESTABLISHED, NULL, 0xfffffffdu);
	/* bytes 0xfffffffe .. 0x00000002 */
	send_seg(&t, SEG(DATA("hello")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = 3));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 5);
	assert_string_equal(buf, "hello");
	tt_free(&t);
}

TEST(established_stale_segment_does_not_move_window)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 1000, DATA("abc")), T0);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 4, .win = 2000, DATA("def")), T0 + MS(1));
	/* overlapping resend, SEG.SEQ < SND.WL1: its window (0) must not be taken
	 * (RFC 9293 §3.10.7.4 fifth, the SND.WL1/SND.WL2 rule) */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .win = 0, DATA("abcdefg")), T0 + MS(2));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 8));
	send_data(&t, "hello", T0 + MS(3));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 8, .len = 5));
	tt_free(&t);
}

TEST(established_zero_window_probes_back_off)
{
	struct tt t;
	uint64_t sent = T0 + MS(1), d1, d2;

	tcb_in_established(&t);
	send_seg(&t, SEG(.win = 0), T0);
	send_data(&t, "hello", sent);
	d1 = tcb_deadline(t.tcb);
	assert_true(d1 != TCB_NEVER && d1 > sent);
	tick(&t, d1);
	assert_int_equal(t.out.nseg, 1);
	d2 = tcb_deadline(t.tcb);
	/* RFC 9293 §3.8.6.1: the probe interval SHOULD increase exponentially */
	assert_int_equal(d2 - d1, 2 * (d1 - sent));
	tt_free(&t);
}

static void established_rcv_buf_10(struct tt *t)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rcv_buf = 10;
	tt_reach(t, TCB_ESTABLISHED, &p);
}

TEST(established_segment_past_window_trimmed)
{
	struct tt t;
	char buf[32];

	established_rcv_buf_10(&t);
	/* RCV.WND = 10: bytes beyond RCV.NXT + RCV.WND are cut off (§3.10.7.4) */
	send_seg(&t, SEG(DATA("0123456789ABCDE")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 11, .win = 0));
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 10);
	assert_string_equal(buf, "0123456789");
	tt_free(&t);
}

TEST(established_fin_past_window_not_processed)
{
	struct tt t;

	established_rcv_buf_10(&t);
	/* the FIN sits after byte 15, outside the window: trimmed with the bytes */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, DATA("0123456789ABCDE")), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 11, .win = 0));
	expect_state(&t, TCB_ESTABLISHED);
	assert_false(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

TEST(established_retransmit_count_restarts_after_ack)
{
	struct tt t;

	established_rto_1s(&t);
	send_data(&t, "one", T0);
	tick(&t, T0 + SEC(1));
	expect_retransmit(&t, 1, SEC(1));
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 4), T0 + SEC(1) + MS(10));
	expect_deadline(&t, TCB_NEVER);
	send_data(&t, "two", T0 + SEC(5));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 4, .ack = REMOTE_SEQ + 1, .len = 3));
	tick(&t, tcb_deadline(t.tcb));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 4, .ack = REMOTE_SEQ + 1, .len = 3));
	assert_int_equal(expect_event(&t, TCB_EV_RETRANSMIT)->count, 1);
	tt_free(&t);
}

TEST(established_fin_after_gap_dup_acked_then_applied)
{
	struct tt t;
	const struct tcb_event *ev;

	tcb_in_established(&t);
	/* out of order: an immediate duplicate ACK (RFC 5681 §4.2, RFC 1122 §4.2.2.21) */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 4), T0);
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	ev = expect_event(&t, TCB_EV_OOO_QUEUED);
	assert_int_equal(ev->why, TCB_WHY_FIN_OUT_OF_ORDER);
	assert_int_equal(ev->n[0], REMOTE_SEQ + 4);
	assert_int_equal(ev->n[1], REMOTE_SEQ + 1);
	expect_state(&t, TCB_ESTABLISHED);
	assert_false(tcb_peer_closed(t.tcb));
	/* the retransmitted FIN is still out of order: another duplicate ACK */
	send_seg(&t, SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 4), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	send_seg(&t, SEG(DATA("abc")), T0 + MS(2));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 5));
	expect_state_change(&t, TCB_ESTABLISHED, TCB_CLOSE_WAIT);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(established_idle_has_no_deadline),
		T(established_data_in_order_acked_and_readable),
		T(established_send_emits_data_segment),
		T(established_ack_of_all_data_stops_timer),
		T(established_partial_ack_restarts_timer),
		T(established_old_ack_ignored),
		T(established_rst_exact_resets),
		T(established_rst_ack_exact_resets),
		T(established_rst_in_window_challenged),
		T(established_rst_at_last_window_byte_challenged),
		T(established_rst_just_past_window_dropped),
		T(established_rst_out_of_window_dropped),
		T(established_rst_old_seq_dropped),
		T(established_syn_in_window_challenged),
		T(established_syn_old_isn_acked),
		T(established_challenge_acks_rate_limited),
		T(established_ack_for_unsent_data_acked_and_dropped),
		T(established_ack_for_unsent_data_payload_not_delivered),
		T(established_bad_seq_beyond_window_acked),
		T(established_duplicate_data_reacked_not_redelivered),
		T(established_out_of_order_queued_then_delivered),
		T(established_fin_after_gap_dup_acked_then_applied),
		T(established_partial_overlap_trimmed),
		T(established_data_and_fin_to_close_wait),
		T(established_rto_doubles),
		T(established_rto_clamped_to_max),
		T(established_rto_min_200ms_after_fast_sample),
		T(established_rto_min_param_respected),
		T(established_data_gives_up_after_retries),
		T(established_send_respects_peer_window),
		T(established_zero_window_holds_data_and_arms_persist),
		T(established_zero_window_probed_on_persist_timer),
		T(established_window_update_releases_data),
		T(established_default_send_mss_536),
		T(established_rcv_window_fills_to_zero),
		T(established_zero_rcv_window_rejects_data),
		T(established_zero_rcv_window_still_takes_acks),
		T(established_read_reopens_window),
		T(established_abort_sends_rst),
		T(established_pair_data_both_ways),
		T(established_rto_resends_first_unacked_byte),
		T(established_three_segments_reordered_reassembled),
		T(established_ack_too_old_acked_and_dropped),
		T(established_send_limited_by_snd_buf),
		T(established_partial_read_keeps_rest),
		T(established_close_with_unsent_data_fin_follows_it),
		T(established_duplicate_synack_reacked),
		T(established_local_sequence_wraps),
		T(established_remote_sequence_wraps),
		T(established_stale_segment_does_not_move_window),
		T(established_zero_window_probes_back_off),
		T(established_segment_past_window_trimmed),
		T(established_fin_past_window_not_processed),
		T(established_retransmit_count_restarts_after_ack),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
