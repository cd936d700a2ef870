/* test_tcb_reply.c - the per-connection rate limit of the ACKs answering segments not accepted (RFC 5961 §7, Linux tcp_invalid_ratelimit), on the fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

#define LIMIT_US MS(500)	/* tcb_params_default's invalid_ratelimit_us */

/* Replies and suppression events of a burst of n segments made by mk, spaced gap us. */
struct burst {
	unsigned replies, suppressed;
	uint32_t last_n3;
};

static struct burst run_burst(struct tt *t, struct seg s, unsigned n, uint64_t gap,
			      enum tcb_why answered_why)
{
	struct burst b = { 0, 0, 0 };

	for (unsigned i = 0; i < n; i++) {
		const struct tcb_event *ev;

		send_seg(t, s, T0 + MS(1) + i * gap);
		assert_true(t->out.nseg <= 1);
		assert_int_equal(t->out.nev, 1);
		ev = &t->out.ev[0];
		assert_int_equal(ev->kind, TCB_EV_SEG_DROPPED);
		if (t->out.nseg == 1) {
			/* <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (RFC 9293 §3.10.7.4) */
			assert_int_equal(t->out.seg[0].flags, SEG_ACK);
			assert_int_equal(t->out.seg[0].seq, t->liss + 1);
			assert_int_equal(t->out.seg[0].ack, t->riss + 1);
			assert_int_equal(ev->why, answered_why);
			b.replies++;
			continue;
		}
		assert_int_equal(ev->why, TCB_WHY_REPLY_RATE_LIMITED);
		assert_int_equal(ev->n[0], answered_why);
		assert_true(ev->n[1] < LIMIT_US);
		assert_int_equal(ev->n[2], LIMIT_US);
		assert_int_equal(ev->n[3], b.last_n3 + 1);	/* the TCB's running count */
		b.last_n3 = ev->n[3];
		b.suppressed++;
	}
	return b;
}

static uint32_t replies_limited(const struct tt *t)
{
	struct tcb_vars v;

	tcb_get_vars(t->tcb, &v);
	return v.replies_limited;
}

TEST(reply_default_interval_is_500ms)
{
	struct tcb_params p;

	tcb_params_default(&p);
	assert_int_equal(p.invalid_ratelimit_us, LIMIT_US);
}

/* The burst: 100 ACKs of unsent data within one second (10 ms apart) get the
 * answers at +0 and +500 ms only; the other 98 are suppressed, each one an event. */
TEST(reply_burst_of_unacceptable_acks_limited)
{
	struct tt t;
	struct burst b;

	tcb_in_established(&t);
	b = run_burst(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), 100, MS(10), TCB_WHY_ACK_UNSENT);
	assert_true(b.replies >= 2 && b.replies <= 3);
	assert_int_equal(b.replies, 2);	/* at +0 and +500 ms (the last one is at +990) */
	assert_true(b.suppressed >= 97);
	assert_int_equal(b.replies + b.suppressed, 100);
	assert_int_equal(replies_limited(&t), b.suppressed);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

/* Exactly the interval apart, every one is answered (Linux: elapsed < limit suppresses). */
TEST(reply_every_500ms_all_answered)
{
	struct tt t;
	struct burst b;

	tcb_in_established(&t);
	b = run_burst(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), 20, LIMIT_US, TCB_WHY_ACK_UNSENT);
	assert_int_equal(b.replies, 20);
	assert_int_equal(b.suppressed, 0);
	assert_int_equal(replies_limited(&t), 0);
	tt_free(&t);
}

/* 1 us short of the interval is still too soon. */
TEST(reply_one_us_short_suppressed)
{
	struct tt t;

	tcb_in_established(&t);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), T0 + MS(1));
	expect_reply(&t, RPL());
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), T0 + MS(1) + LIMIT_US - 1);
	expect_no_reply(&t);
	assert_int_equal(expect_event(&t, TCB_EV_SEG_DROPPED)->n[1], LIMIT_US - 1);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), T0 + MS(1) + LIMIT_US);
	expect_reply(&t, RPL());
	tt_free(&t);
}

/* An old pure ACK (out of the window) is limited like an unacceptable ACK ... */
TEST(reply_out_of_window_acks_limited)
{
	struct tt t;
	struct burst b;

	tcb_in_established(&t);
	b = run_burst(&t, SEG(.seq = REMOTE_SEQ + 1 - FAR), 100, MS(10),
		      TCB_WHY_SEQ_UNACCEPTABLE);
	assert_int_equal(b.replies, 2);
	assert_int_equal(b.suppressed, 98);
	tt_free(&t);
}

/* ... but an out-of-window segment with text is always answered (Linux
 * tcp_oow_rate_limited): a retransmission whose ACK was lost needs that ACK. */
TEST(reply_out_of_window_data_always_answered)
{
	struct tt t;
	struct burst b;

	tcb_in_established(&t);
	b = run_burst(&t, SEG(.seq = REMOTE_SEQ + 1 - 100, DATA("old")), 50, MS(1),
		      TCB_WHY_SEQ_UNACCEPTABLE);
	assert_int_equal(b.replies, 50);
	assert_int_equal(b.suppressed, 0);
	/* the exempt answers did not start an interval: a pure ACK right after is answered */
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), T0 + MS(60));
	expect_reply(&t, RPL());
	tt_free(&t);
}

/* Data acknowledging what was never sent is limited (no exemption: only the sequence
 * check exempts text, as Linux's challenge path does not). */
TEST(reply_data_with_unsent_ack_limited)
{
	struct tt t;
	struct burst b;

	tcb_in_established(&t);
	b = run_burst(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000, DATA("hi")), 10, MS(1),
		      TCB_WHY_ACK_UNSENT);
	assert_int_equal(b.replies, 1);
	assert_int_equal(b.suppressed, 9);
	tt_free(&t);
}

/* One interval for every kind: challenge ACKs share it with the other answers. */
TEST(reply_challenge_acks_share_the_interval)
{
	struct tt t;
	const struct tcb_event *ev;

	tcb_in_established(&t);
	send_seg(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), T0 + MS(1));
	expect_reply(&t, RPL());
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 50, .ack = 0), T0 + MS(100));
	expect_no_reply(&t);
	expect_no_event(&t, TCB_EV_CHALLENGE_ACK);
	ev = expect_event(&t, TCB_EV_SEG_DROPPED);
	assert_int_equal(ev->why, TCB_WHY_REPLY_RATE_LIMITED);
	assert_int_equal(ev->n[0], TCB_WHY_RST_IN_WINDOW);
	assert_int_equal(ev->n[1], MS(99));
	send_seg(&t, SEG(.flags = SEG_SYN, .seq = REMOTE_SEQ, .ack = 0), T0 + MS(200));
	expect_no_reply(&t);
	assert_int_equal(expect_event(&t, TCB_EV_SEG_DROPPED)->n[0], TCB_WHY_SYN_IN_SYNC);
	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 50, .ack = 0), T0 + MS(501));
	expect_reply(&t, RPL());
	assert_false(expect_event(&t, TCB_EV_CHALLENGE_ACK)->limited);
	assert_int_equal(replies_limited(&t), 2);
	expect_state(&t, TCB_ESTABLISHED);
	tt_free(&t);
}

/* invalid_ratelimit_us 0 switches it off: all 100 are answered. */
TEST(reply_limit_zero_is_off)
{
	struct tt t;
	struct tcb_params p;
	struct burst b;

	tt_params(&p, TT_SERVER);
	p.invalid_ratelimit_us = 0;
	tt_reach(&t, TCB_ESTABLISHED, &p);
	b = run_burst(&t, SEG(.ack = LOCAL_SEQ + 1 + 5000), 100, MS(10), TCB_WHY_ACK_UNSENT);
	assert_int_equal(b.replies, 100);
	assert_int_equal(replies_limited(&t), 0);
	tt_free(&t);
}

/* TIME-WAIT answers old segments the same way, limited too. */
TEST(reply_time_wait_limited)
{
	struct tt t;

	tcb_in_time_wait(&t);
	send_seg(&t, SEG(.seq = REMOTE_SEQ - FAR), T0 + MS(1));
	assert_int_equal(t.out.nseg, 1);
	send_seg(&t, SEG(.seq = REMOTE_SEQ - FAR), T0 + MS(2));
	expect_no_reply(&t);
	assert_int_equal(expect_event(&t, TCB_EV_SEG_DROPPED)->why, TCB_WHY_REPLY_RATE_LIMITED);
	expect_state(&t, TCB_TIME_WAIT);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(reply_default_interval_is_500ms),
		T(reply_burst_of_unacceptable_acks_limited),
		T(reply_every_500ms_all_answered),
		T(reply_one_us_short_suppressed),
		T(reply_out_of_window_acks_limited),
		T(reply_out_of_window_data_always_answered),
		T(reply_data_with_unsent_ack_limited),
		T(reply_challenge_acks_share_the_interval),
		T(reply_limit_zero_is_off),
		T(reply_time_wait_limited),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
