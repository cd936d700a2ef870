/* test_tcb_syn_sent.c - SYN-SENT: RFC 9293 §3.10.7.3, simultaneous open, both SYN backoff schedules. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

#define SYNACK(...) SEG(.flags = SEG_SYN | SEG_ACK, .seq = REMOTE_SEQ, .ack = LOCAL_SEQ + 1, \
			__VA_ARGS__)

TEST(syn_sent_open_sends_bare_syn)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* the builder checked <SEQ=ISS><CTL=SYN>; nothing else may go out */
	tick(&t, T0 + SEC(1) - 1);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_synack_establishes_and_acks)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SYNACK(), T0 + MS(3));
	/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> */
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state_change(&t, TCB_SYN_SENT, TCB_ESTABLISHED);
	assert_int_equal(tcb_irs(t.tcb), REMOTE_SEQ);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_sent_synack_ack_at_iss_reset)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* SEG.ACK =< ISS: <SEQ=SEG.ACK><CTL=RST> */
	send_seg(&t, SYNACK(.ack = LOCAL_SEQ), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ));
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_synack_ack_beyond_snd_nxt_reset)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SYNACK(.ack = LOCAL_SEQ + 2), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 2));
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_bare_ack_unacceptable_reset)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 50), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = LOCAL_SEQ + 50));
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_bare_ack_acceptable_dropped)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* fifth: neither SYN nor RST -> drop */
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_rst_ack_acceptable_resets)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_RST | SEG_ACK, .seq = 0, .ack = LOCAL_SEQ + 1), T0);
	expect_no_reply(&t);
	expect_state_change(&t, TCB_SYN_SENT, TCB_CLOSED);
	expect_event(&t, TCB_EV_RESET);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_sent_rst_without_ack_dropped)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* RFC 5961 §3 / RFC 9293: in SYN-SENT a RST is acceptable only if it ACKs the SYN */
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	expect_no_event(&t, TCB_EV_RESET);
	tt_free(&t);
}

TEST(syn_sent_rst_unacceptable_ack_dropped)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* unacceptable ACK, but a RST is never answered with a RST */
	send_seg(&t, SEG(.flags = SEG_RST | SEG_ACK, .seq = 0, .ack = LOCAL_SEQ + 5), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_fin_dropped)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_FIN, .seq = REMOTE_SEQ + 1, .ack = 0), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

TEST(syn_sent_syn_simultaneous_open_synack)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* SYN without ACK: enter SYN-RECEIVED, <SEQ=ISS><ACK=RCV.NXT><CTL=SYN,ACK> */
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + MS(2));
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1));
	expect_state_change(&t, TCB_SYN_SENT, TCB_SYN_RECEIVED);
	assert_int_equal(tcb_irs(t.tcb), REMOTE_SEQ);
	tt_free(&t);
}

TEST(syn_sent_simultaneous_open_ack_establishes)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = LOCAL_SEQ + 1), T0 + MS(1));
	expect_no_reply(&t);
	expect_state_change(&t, TCB_SYN_RECEIVED, TCB_ESTABLISHED);
	tt_free(&t);
}

/* Two real TCBs, both opening actively at once (RFC 9293 §3.5 Figure 7). */
TEST(syn_sent_simultaneous_open_pair_both_established)
{
	struct tt a, b;
	struct err e;

	tt_new(&a, TT_CLIENT, NULL);
	tt_new(&b, TT_SERVER, NULL);
	tcb_out_reset(&a.out);
	tcb_out_reset(&b.out);
	assert_int_equal(tcb_open_active(a.tcb, T0, &a.out, &e), 0);
	assert_int_equal(tcb_open_active(b.tcb, T0, &b.out, &e), 0);
	assert_int_equal(tt_pump(&a, &b, T0), 0);
	assert_int_equal(tcb_state(a.tcb), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(b.tcb), TCB_ESTABLISHED);
	assert_int_equal(tcb_irs(a.tcb), SERVER_ISS);
	assert_int_equal(tcb_irs(b.tcb), CLIENT_ISS);
	tt_free(&a);
	tt_free(&b);
}

TEST(syn_sent_handshake_pair_established)
{
	struct tt c, s;
	struct err e;

	tt_new(&c, TT_CLIENT, NULL);
	tt_new(&s, TT_SERVER, NULL);
	tcb_out_reset(&s.out);
	assert_int_equal(tcb_open_passive(s.tcb, T0, &s.out, &e), 0);
	tcb_out_reset(&c.out);
	assert_int_equal(tcb_open_active(c.tcb, T0, &c.out, &e), 0);
	assert_int_equal(tt_pump(&c, &s, T0), 0);
	assert_int_equal(tcb_state(c.tcb), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(s.tcb), TCB_ESTABLISHED);
	assert_int_equal(tcb_deadline(c.tcb), TCB_NEVER);
	assert_int_equal(tcb_deadline(s.tcb), TCB_NEVER);
	tt_free(&c);
	tt_free(&s);
}

TEST(syn_sent_first_retransmit_exactly_after_1s)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	expect_deadline(&t, T0 + SEC(1));
	tick(&t, T0 + SEC(1));
	expect_reply(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ));
	expect_retransmit(&t, 1, SEC(1));
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

/* LAB-NOTES, Linux >= 6.5: retransmissions at 1, 2, 3, 4, 5, 7, 11, 19 ... s. The RTO is
 * doubled after retransmission k only when k > tcp_syn_linear_timeouts (4), so the first
 * 4 + 1 intervals are 1 s, then 2, 4 ...; with tcp_syn_retries = 6 the 6th
 * retransmission is at 7 s and the connect gives up one RTO (4 s) later, at 11 s. */
TEST(syn_sent_linear_schedule_default)
{
	static const uint64_t at[] = { SEC(1), SEC(2), SEC(3), SEC(4), SEC(5), SEC(7) };
	struct tt t;

	tcb_in_syn_sent(&t);
	assert_int_equal(t.p.syn_schedule, TCB_SYN_LINEAR);
	expect_schedule(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ), at, 6, SEC(11));
	tt_free(&t);
}

TEST(syn_sent_linear_schedule_two_linear_timeouts)
{
	static const uint64_t at[] = { SEC(1), SEC(2), SEC(3), SEC(5), SEC(9) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_CLIENT);
	p.syn_schedule = TCB_SYN_LINEAR;
	p.syn_linear_timeouts = 2;
	p.syn_retries = 5;
	tt_reach(&t, TCB_SYN_SENT, &p);
	expect_schedule(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ), at, 5, SEC(17));
	tt_free(&t);
}

/* Older kernels, RFC 6298 §5.5: intervals 1, 2, 4, 8, 16, 32; give up 64 s after the 6th. */
TEST(syn_sent_doubling_schedule)
{
	static const uint64_t at[] = { SEC(1), SEC(3), SEC(7), SEC(15), SEC(31), SEC(63) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_CLIENT);
	p.syn_schedule = TCB_SYN_DOUBLING;
	tt_reach(&t, TCB_SYN_SENT, &p);
	expect_schedule(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ), at, 6, SEC(127));
	tt_free(&t);
}

TEST(syn_sent_doubling_two_retries_give_up_at_7s)
{
	static const uint64_t at[] = { SEC(1), SEC(3) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_CLIENT);
	p.syn_schedule = TCB_SYN_DOUBLING;
	p.syn_retries = 2;
	tt_reach(&t, TCB_SYN_SENT, &p);
	expect_schedule(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ), at, 2, SEC(7));
	tt_free(&t);
}

TEST(syn_sent_doubling_time_scale_hundredth)
{
	static const uint64_t at[] = { MS(10), MS(30), MS(70), MS(150), MS(310), MS(630) };
	struct tt t;
	struct tcb_params p;

	tt_params(&p, TT_CLIENT);
	p.syn_schedule = TCB_SYN_DOUBLING;
	p.time_scale = 0.01;
	tt_reach(&t, TCB_SYN_SENT, &p);
	expect_schedule(&t, RPL(.flags = SEG_SYN, .seq = LOCAL_SEQ), at, 6, MS(1270));
	tt_free(&t);
}

TEST(syn_sent_synack_after_retransmit_establishes)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	tick(&t, T0 + SEC(1));
	send_seg(&t, SYNACK(), T0 + SEC(1) + MS(20));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_ESTABLISHED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_sent_close_goes_closed_silently)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* RFC 9293 §3.10.4 SYN-SENT: delete the TCB */
	assert_int_equal(close_conn(&t, T0), 0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(syn_sent_abort_sends_no_rst)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* RFC 9293 §3.10.5 SYN-SENT: no RST, enter CLOSED */
	abort_conn(&t, T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(syn_sent_second_open_fails)
{
	struct tt t;
	struct err e;

	tcb_in_syn_sent(&t);
	tcb_out_reset(&t.out);
	/* RFC 9293 §3.10.1: "error: connection already exists" */
	assert_int_equal(tcb_open_active(t.tcb, T0, &t.out, &e), -1);
	expect_no_reply(&t);
	expect_state(&t, TCB_SYN_SENT);
	tt_free(&t);
}

/* The data queued by SEND in SYN-SENT (§3.10.2) goes out once ESTABLISHED. */
TEST(syn_sent_send_queued_until_established)
{
	struct tt t;
	const struct seg *d = NULL;

	tcb_in_syn_sent(&t);
	assert_int_equal(send_data(&t, "hello", T0), 5);
	expect_no_reply(&t);
	send_seg(&t, SYNACK(), T0 + MS(1));
	for (unsigned i = 0; i < t.out.nseg; i++)
		if (t.out.seg[i].len)
			d = &t.out.seg[i];
	assert_non_null(d);
	assert_int_equal(d->seq, LOCAL_SEQ + 1);
	assert_int_equal(d->len, 5);
	assert_memory_equal(d->payload, "hello", 5);
	assert_int_equal(t.out.seg[t.out.nseg - 1].ack, REMOTE_SEQ + 1);
	tt_free(&t);
}

TEST(syn_sent_synack_window_limits_first_send)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* SND.WND = SEG.WND from the SYN+ACK */
	send_seg(&t, SYNACK(.win = 10), T0);
	send_data(&t, "0123456789abcdef", T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 10));
	tt_free(&t);
}

TEST(syn_sent_synack_mss_limits_segments)
{
	struct tt t;
	char buf[251];

	tcb_in_syn_sent(&t);
	/* RFC 9293 §3.7.1: never send more than the peer's MSS */
	send_seg(&t, SYNACK(.opts = { .has_mss = true, .mss = 100 }), T0);
	memset(buf, 'm', 250);
	buf[250] = '\0';
	assert_int_equal(send_data(&t, buf, T0 + MS(1)), 250);
	expect_seg(&t, 0, 3, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1, .len = 100));
	expect_seg(&t, 1, 3, RPL(.seq = LOCAL_SEQ + 101, .ack = REMOTE_SEQ + 1, .len = 100));
	expect_seg(&t, 2, 3, RPL(.seq = LOCAL_SEQ + 201, .ack = REMOTE_SEQ + 1, .len = 50));
	tt_free(&t);
}

TEST(syn_sent_synack_with_data_delivered)
{
	struct tt t;
	char buf[8];

	tcb_in_syn_sent(&t);
	/* RFC 9293 §3.10.7.3: "If there are other controls or text in the segment,
	 * then continue processing at the sixth step" - the text is accepted */
	send_seg(&t, SYNACK(DATA("hi")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 3));
	expect_state(&t, TCB_ESTABLISHED);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(2)), 2);
	assert_string_equal(buf, "hi");
	tt_free(&t);
}

TEST(syn_sent_synack_data_event_and_window)
{
	struct tt t;
	const struct tcb_event *ev;

	tcb_in_syn_sent(&t);
	send_seg(&t, SYNACK(DATA("hello")), T0);
	ev = expect_event(&t, TCB_EV_DATA_IN);
	assert_int_equal(ev->why, TCB_WHY_DATA_IN_ORDER);
	assert_int_equal(ev->n[0], REMOTE_SEQ + 1);	/* text starts after the SYN */
	assert_int_equal(ev->n[1], 5);
	assert_int_equal(ev->n[2], REMOTE_SEQ + 6);
	/* the text occupies the receive buffer until read: the ACK's window says so */
	expect_reply(&t, RPL(.ack = REMOTE_SEQ + 6, .win = 65535 - 5));
	expect_no_event(&t, TCB_EV_SEG_DROPPED);
	tt_free(&t);
}

TEST(syn_sent_synack_with_fin_to_close_wait)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	/* §3.10.7.3 "continue processing at the sixth step": the eighth takes the FIN */
	send_seg(&t, SYNACK(.flags = SEG_SYN | SEG_ACK | SEG_FIN), T0);
	expect_reply(&t, RPL(.ack = REMOTE_SEQ + 2));
	expect_state(&t, TCB_CLOSE_WAIT);
	assert_true(tcb_peer_closed(t.tcb));
	tt_free(&t);
}

TEST(syn_sent_synack_with_data_and_fin)
{
	struct tt t;
	char buf[8];

	tcb_in_syn_sent(&t);
	send_seg(&t, SYNACK(.flags = SEG_SYN | SEG_ACK | SEG_FIN, DATA("bye")), T0);
	expect_reply(&t, RPL(.ack = REMOTE_SEQ + 5));
	expect_state_change(&t, TCB_ESTABLISHED, TCB_CLOSE_WAIT);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0 + MS(1)), 3);
	assert_string_equal(buf, "bye");
	tt_free(&t);
}

/* Data queued by SEND in SYN-SENT carries the ACK of the SYN+ACK's text (§3.10.7.4). */
TEST(syn_sent_synack_data_acked_by_queued_data)
{
	struct tt t;

	tcb_in_syn_sent(&t);
	assert_int_equal(send_data(&t, "ping", T0), 4);
	send_seg(&t, SYNACK(DATA("hi")), T0 + MS(1));
	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 3, .len = 4));
	tt_free(&t);
}

/* Simultaneous open: text on a SYN without an ACK is not kept (tcb.h, simplifications). */
TEST(syn_sent_simultaneous_syn_data_ignored)
{
	struct tt t;
	const struct tcb_event *ev;

	tcb_in_syn_sent(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0, DATA("early")), T0);
	expect_reply(&t, RPL(.flags = SEG_SYN | SEG_ACK, .seq = LOCAL_SEQ, .ack = REMOTE_SEQ + 1));
	ev = expect_event(&t, TCB_EV_SEG_DROPPED);
	assert_int_equal(ev->why, TCB_WHY_SYN_DATA_IGNORED);
	assert_int_equal(ev->n[1], 5);
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(syn_sent_open_sends_bare_syn),
		T(syn_sent_synack_establishes_and_acks),
		T(syn_sent_synack_ack_at_iss_reset),
		T(syn_sent_synack_ack_beyond_snd_nxt_reset),
		T(syn_sent_bare_ack_unacceptable_reset),
		T(syn_sent_bare_ack_acceptable_dropped),
		T(syn_sent_rst_ack_acceptable_resets),
		T(syn_sent_rst_without_ack_dropped),
		T(syn_sent_rst_unacceptable_ack_dropped),
		T(syn_sent_fin_dropped),
		T(syn_sent_syn_simultaneous_open_synack),
		T(syn_sent_simultaneous_open_ack_establishes),
		T(syn_sent_simultaneous_open_pair_both_established),
		T(syn_sent_handshake_pair_established),
		T(syn_sent_first_retransmit_exactly_after_1s),
		T(syn_sent_linear_schedule_default),
		T(syn_sent_linear_schedule_two_linear_timeouts),
		T(syn_sent_doubling_schedule),
		T(syn_sent_doubling_two_retries_give_up_at_7s),
		T(syn_sent_doubling_time_scale_hundredth),
		T(syn_sent_synack_after_retransmit_establishes),
		T(syn_sent_close_goes_closed_silently),
		T(syn_sent_abort_sends_no_rst),
		T(syn_sent_second_open_fails),
		T(syn_sent_send_queued_until_established),
		T(syn_sent_synack_window_limits_first_send),
		T(syn_sent_synack_mss_limits_segments),
		T(syn_sent_synack_with_data_delivered),
		T(syn_sent_synack_data_event_and_window),
		T(syn_sent_synack_with_fin_to_close_wait),
		T(syn_sent_synack_with_data_and_fin),
		T(syn_sent_synack_data_acked_by_queued_data),
		T(syn_sent_simultaneous_syn_data_ignored),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
