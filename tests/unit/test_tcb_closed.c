/* test_tcb_closed.c - CLOSED: RFC 9293 §3.10.7.1 replies, OPEN/SEND/CLOSE calls, RFC 6528 ISN. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* Runs tcb_closed_reply on s sent by the peer; returns whether a RST came back. */
static bool closed_reply(struct tt *t, struct seg s, struct seg *rst)
{
	struct seg in = tt_addressed(t, s);

	memset(rst, 0xa5, sizeof *rst);
	return tcb_closed_reply(&in, rst);
}

TEST(closed_new_tcb_is_closed_without_deadline)
{
	struct tt t;

	tcb_in_closed(&t);
	expect_state(&t, TCB_CLOSED);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(closed_reply_syn_gets_rst_ack_seq_zero)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	/* §3.10.7.1: ACK off -> <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK> */
	assert_true(closed_reply(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), &r));
	assert_int_equal(r.flags & ~SEG_PSH, SEG_RST | SEG_ACK);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, REMOTE_SEQ + 1);
	assert_int_equal(r.len, 0);
	tt_free(&t);
}

TEST(closed_reply_ack_gets_rst_at_seg_ack)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	/* §3.10.7.1: ACK on -> <SEQ=SEG.ACK><CTL=RST>, no ACK bit */
	assert_true(closed_reply(&t, SEG(.flags = SEG_ACK, .seq = 3333, .ack = 7777), &r));
	assert_int_equal(r.flags, SEG_RST);
	assert_int_equal(r.seq, 7777);
	tt_free(&t);
}

TEST(closed_reply_synack_gets_rst_at_seg_ack)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_true(closed_reply(&t, SEG(.flags = SEG_SYN | SEG_ACK, .seq = 9, .ack = 4242), &r));
	assert_int_equal(r.flags, SEG_RST);
	assert_int_equal(r.seq, 4242);
	tt_free(&t);
}

TEST(closed_reply_rst_gets_nothing)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_false(closed_reply(&t, SEG(.flags = SEG_RST, .seq = 10, .ack = 0), &r));
	assert_false(closed_reply(&t, SEG(.flags = SEG_RST | SEG_ACK, .seq = 10, .ack = 5), &r));
	tt_free(&t);
}

TEST(closed_reply_data_acks_its_length)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_true(closed_reply(&t, SEG(.flags = SEG_PSH, .seq = 100, DATA("0123456789")), &r));
	assert_int_equal(r.flags & ~SEG_PSH, SEG_RST | SEG_ACK);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, 110);
	tt_free(&t);
}

TEST(closed_reply_syn_fin_and_data_all_count)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	/* SEG.LEN counts SYN and FIN (RFC 9293 §3.4) */
	assert_true(closed_reply(&t, SEG(.flags = SEG_SYN | SEG_FIN, .seq = 100, DATA("abc")), &r));
	assert_int_equal(r.ack, 105);
	assert_true(closed_reply(&t, SEG(.flags = SEG_FIN, .seq = 200), &r));
	assert_int_equal(r.ack, 201);
	tt_free(&t);
}

TEST(closed_reply_ack_number_wraps)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_true(closed_reply(&t, SEG(.flags = SEG_SYN, .seq = 0xffffffffu, .ack = 0), &r));
	assert_int_equal(r.ack, 0);
	tt_free(&t);
}

TEST(closed_reply_swaps_addresses_and_ports)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_true(closed_reply(&t, SEG(.flags = SEG_SYN, .seq = 1, .ack = 0), &r));
	assert_int_equal(r.saddr, SERVER_ADDR);
	assert_int_equal(r.daddr, CLIENT_ADDR);
	assert_int_equal(r.sport, SERVER_PORT);
	assert_int_equal(r.dport, CLIENT_PORT);
	assert_int_equal(r.len, 0);
	tt_free(&t);
}

TEST(closed_reply_data_with_ack_uses_seg_ack)
{
	struct tt t;
	struct seg r;

	tcb_in_closed(&t);
	assert_true(closed_reply(&t, SEG(.seq = 50, .ack = 777, DATA("xyz")), &r));
	assert_int_equal(r.flags, SEG_RST);
	assert_int_equal(r.seq, 777);
	assert_int_equal(r.len, 0);
	tt_free(&t);
}

TEST(closed_input_syn_answered_with_rst_ack)
{
	struct tt t;

	tcb_in_closed(&t);
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0);
	expect_reply(&t, RPL(.flags = SEG_RST | SEG_ACK, .seq = 0, .ack = REMOTE_SEQ + 1));
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(closed_input_ack_answered_with_rst)
{
	struct tt t;

	tcb_in_closed(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ + 1, .ack = 31337), T0);
	expect_reply(&t, RPL(.flags = SEG_RST, .seq = 31337));
	tt_free(&t);
}

TEST(closed_input_rst_ignored)
{
	struct tt t;

	tcb_in_closed(&t);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 1), T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(closed_open_active_sends_syn_to_syn_sent)
{
	struct tt t;
	struct err e;

	tt_new(&t, TT_CLIENT, NULL);
	tcb_out_reset(&t.out);
	assert_int_equal(tcb_open_active(t.tcb, T0, &t.out, &e), 0);
	expect_reply(&t, RPL(.flags = SEG_SYN, .seq = CLIENT_ISS));
	expect_state_change(&t, TCB_CLOSED, TCB_SYN_SENT);
	assert_int_equal(tcb_iss(t.tcb), CLIENT_ISS);
	/* RFC 6298 §2.1: initial RTO 1 s */
	expect_deadline(&t, T0 + SEC(1));
	tt_free(&t);
}

TEST(closed_open_active_syn_announces_mss)
{
	struct tt t;
	struct tcb_params p;
	struct err e;

	tt_params(&p, TT_CLIENT);
	p.mss = 1200;
	tt_new(&t, TT_CLIENT, &p);
	tcb_out_reset(&t.out);
	assert_int_equal(tcb_open_active(t.tcb, T0, &t.out, &e), 0);
	assert_int_equal(t.out.nseg, 1);
	/* RFC 9293 §3.7.1: the MSS option in the SYN tells the receive MSS */
	assert_true(t.out.seg[0].opts.has_mss);
	assert_int_equal(t.out.seg[0].opts.mss, 1200);
	tt_free(&t);
}

TEST(closed_open_passive_to_listen_silently)
{
	struct tt t;
	struct err e;

	tcb_in_closed(&t);
	tcb_out_reset(&t.out);
	assert_int_equal(tcb_open_passive(t.tcb, T0, &t.out, &e), 0);
	expect_no_reply(&t);
	expect_state_change(&t, TCB_CLOSED, TCB_LISTEN);
	expect_deadline(&t, TCB_NEVER);
	tt_free(&t);
}

TEST(closed_send_fails)
{
	struct tt t;

	tcb_in_closed(&t);
	/* RFC 9293 §3.10.2 CLOSED: "error: connection does not exist" */
	assert_int_equal(send_data(&t, "hello", T0), -1);
	expect_no_reply(&t);
	tt_free(&t);
}

TEST(closed_close_fails)
{
	struct tt t;

	tcb_in_closed(&t);
	assert_int_equal(close_conn(&t, T0), -1);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(closed_abort_sends_nothing)
{
	struct tt t;

	tcb_in_closed(&t);
	abort_conn(&t, T0);
	expect_no_reply(&t);
	expect_state(&t, TCB_CLOSED);
	tt_free(&t);
}

TEST(closed_receive_returns_nothing)
{
	struct tt t;
	char buf[16];

	tcb_in_closed(&t);
	assert_int_equal(read_all(&t, buf, sizeof buf, T0), 0);
	assert_int_equal(tcb_readable(t.tcb), 0);
	tt_free(&t);
}

TEST(closed_isn_hashed_from_tuple_and_clock)
{
	struct tt t;
	struct tcb_params p;
	struct tcb_addr a;
	struct err e;

	tt_params(&p, TT_CLIENT);
	p.isn_fixed = false;
	memset(p.isn_secret, 0x5a, sizeof p.isn_secret);
	t.tcb = NULL;
	a = (struct tcb_addr){ .laddr = CLIENT_ADDR, .raddr = SERVER_ADDR, .lport = CLIENT_PORT, .rport = SERVER_PORT };
	t.tcb = tcb_new(&p, &a, &e);
	assert_non_null(t.tcb);
	tcb_out_reset(&t.out);
	assert_int_equal(tcb_open_active(t.tcb, T0 + 40, &t.out, &e), 0);
	/* RFC 6528: ISN = M + F(4-tuple, secret), taken when the SYN is sent */
	assert_int_equal(tcb_iss(t.tcb), tcb_isn(p.isn_secret, &a, T0 + 40));
	assert_int_equal(t.out.seg[0].seq, tcb_iss(t.tcb));
	tcb_free(t.tcb);
}

TEST(closed_isn_clock_ticks_every_4us)
{
	uint8_t k[16] = { 1, 2, 3 };
	struct tcb_addr a = { .laddr = CLIENT_ADDR, .raddr = SERVER_ADDR, .lport = CLIENT_PORT, .rport = SERVER_PORT };
	uint32_t i0 = tcb_isn(k, &a, T0);

	/* RFC 9293 §3.4.1: M is a timer that ticks every 4 microseconds */
	assert_int_equal(tcb_isn(k, &a, T0 + 3), i0);
	assert_int_equal(tcb_isn(k, &a, T0 + 4), i0 + 1);
	assert_int_equal(tcb_isn(k, &a, T0 + 4000000), i0 + 1000000);
}

TEST(closed_isn_depends_on_tuple_and_secret)
{
	uint8_t k[16] = { 1, 2, 3 }, k2[16] = { 1, 2, 4 };
	struct tcb_addr a = { .laddr = CLIENT_ADDR, .raddr = SERVER_ADDR, .lport = CLIENT_PORT, .rport = SERVER_PORT };
	struct tcb_addr b = { .laddr = CLIENT_ADDR, .raddr = SERVER_ADDR, .lport = CLIENT_PORT + 1, .rport = SERVER_PORT };

	assert_int_equal(tcb_isn(k, &a, T0), tcb_isn(k, &a, T0));
	assert_int_not_equal(tcb_isn(k, &a, T0), tcb_isn(k, &b, T0));
	assert_int_not_equal(tcb_isn(k, &a, T0), tcb_isn(k2, &a, T0));
}

TEST(closed_state_names_spelled_as_rfc)
{
	assert_string_equal(tcb_state_name(TCB_CLOSED), "CLOSED");
	assert_string_equal(tcb_state_name(TCB_SYN_SENT), "SYN-SENT");
	assert_string_equal(tcb_state_name(TCB_SYN_RECEIVED), "SYN-RECEIVED");
	assert_string_equal(tcb_state_name(TCB_FIN_WAIT_2), "FIN-WAIT-2");
	assert_string_equal(tcb_state_name(TCB_CLOSE_WAIT), "CLOSE-WAIT");
	assert_string_equal(tcb_state_name(TCB_TIME_WAIT), "TIME-WAIT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(closed_new_tcb_is_closed_without_deadline),
		T(closed_reply_syn_gets_rst_ack_seq_zero),
		T(closed_reply_ack_gets_rst_at_seg_ack),
		T(closed_reply_synack_gets_rst_at_seg_ack),
		T(closed_reply_rst_gets_nothing),
		T(closed_reply_data_acks_its_length),
		T(closed_reply_syn_fin_and_data_all_count),
		T(closed_reply_ack_number_wraps),
		T(closed_reply_swaps_addresses_and_ports),
		T(closed_reply_data_with_ack_uses_seg_ack),
		T(closed_input_syn_answered_with_rst_ack),
		T(closed_input_ack_answered_with_rst),
		T(closed_input_rst_ignored),
		T(closed_open_active_sends_syn_to_syn_sent),
		T(closed_open_active_syn_announces_mss),
		T(closed_open_passive_to_listen_silently),
		T(closed_send_fails),
		T(closed_close_fails),
		T(closed_abort_sends_nothing),
		T(closed_receive_returns_nothing),
		T(closed_isn_hashed_from_tuple_and_clock),
		T(closed_isn_clock_ticks_every_4us),
		T(closed_isn_depends_on_tuple_and_secret),
		T(closed_state_names_spelled_as_rfc),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
