/* test_live_log_hold.c - pcapng -w's hold: packets leave in wire order, each with the prose of its own frame's record, however late it comes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "live_log_hold.h"

static void push(struct live_log_hold *q, uint64_t frame)
{
	uint8_t pkt[3] = { (uint8_t)frame, 0xab, 0xcd };

	assert_int_equal(live_log_hold_push(q, frame, frame * 10, pkt, sizeof(pkt)), 0);
}

/* pops one with its comment (any: also without) and checks frame and comment */
static void pop_is(struct live_log_hold *q, struct live_log_held *out, bool any, uint64_t frame,
		   const char *comment)
{
	assert_true(live_log_hold_pop(q, any, out));
	assert_int_equal(out->frame, frame);
	assert_int_equal(out->mono_us, frame * 10);
	assert_int_equal(out->len, 3);
	assert_int_equal(out->pkt[0], (uint8_t)frame);
	if (comment)
		assert_string_equal(out->comment, comment);
	else
		assert_null(out->comment);
}

static void test_record_in_order(void **state)
{
	struct live_log_hold q = { 0 };
	struct live_log_held out = { 0 };

	(void)state;
	push(&q, 1);
	assert_false(live_log_hold_pop(&q, false, &out));	/* no prose yet: it waits */
	assert_true(live_log_hold_comment(&q, 1, "SYN"));
	pop_is(&q, &out, false, 1, "SYN");
	assert_false(live_log_hold_pop(&q, true, &out));
	live_log_hold_free(&q, &out);
}

/* Frame 2 was held (a delay, a step decision): 3 and 4 are explained first and wait
 * behind it; its record comes last, and all three leave in wire order with their own. */
static void test_late_record_keeps_order_and_prose(void **state)
{
	struct live_log_hold q = { 0 };
	struct live_log_held out = { 0 };

	(void)state;
	push(&q, 2);
	push(&q, 3);
	push(&q, 4);
	assert_true(live_log_hold_comment(&q, 3, "three"));
	assert_true(live_log_hold_comment(&q, 4, "four"));
	assert_false(live_log_hold_pop(&q, false, &out));
	assert_true(live_log_hold_comment(&q, 2, "two"));
	pop_is(&q, &out, false, 2, "two");
	pop_is(&q, &out, false, 3, "three");
	pop_is(&q, &out, false, 4, "four");
	live_log_hold_free(&q, &out);
}

/* A frame has one prose (the first record's: a duplicate's second comments nothing); a
 * frame not held (written already, never captured) takes none. */
static void test_one_prose_per_frame(void **state)
{
	struct live_log_hold q = { 0 };
	struct live_log_held out = { 0 };

	(void)state;
	push(&q, 7);
	assert_true(live_log_hold_comment(&q, 7, "first"));
	assert_false(live_log_hold_comment(&q, 7, "second"));
	assert_false(live_log_hold_comment(&q, 6, "not held"));
	pop_is(&q, &out, false, 7, "first");
	assert_false(live_log_hold_comment(&q, 7, "gone"));
	live_log_hold_free(&q, &out);
}

/* Full: push refuses; the caller pops the oldest bare (its record never came) and the
 * ring goes on, reusing its buffers, in order. */
static void test_full_hold(void **state)
{
	struct live_log_hold q = { 0 };
	struct live_log_held out = { 0 };
	uint8_t pkt[3] = { 0 };

	(void)state;
	for (uint64_t f = 1; f <= LIVE_LOG_HOLD; f++)
		push(&q, f);
	assert_int_equal(live_log_hold_push(&q, 99, 990, pkt, sizeof(pkt)), -1);
	pop_is(&q, &out, true, 1, NULL);
	push(&q, LIVE_LOG_HOLD + 1);
	for (uint64_t f = 2; f <= LIVE_LOG_HOLD + 1; f++)
		assert_true(live_log_hold_comment(&q, f, "x"));
	for (uint64_t f = 2; f <= LIVE_LOG_HOLD + 1; f++)
		pop_is(&q, &out, false, f, "x");
	assert_int_equal(q.n, 0);
	live_log_hold_free(&q, &out);
}

/* The end: what still waits leaves bare with any, and free frees what never left. */
static void test_end_writes_rest(void **state)
{
	struct live_log_hold q = { 0 };
	struct live_log_held out = { 0 };

	(void)state;
	push(&q, 1);
	push(&q, 2);
	assert_true(live_log_hold_comment(&q, 2, "two"));
	pop_is(&q, &out, true, 1, NULL);
	pop_is(&q, &out, true, 2, "two");
	push(&q, 3);
	assert_true(live_log_hold_comment(&q, 3, "left behind"));
	live_log_hold_free(&q, &out);	/* (sanitized pass: nothing leaks) */
	assert_int_equal(q.n, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_record_in_order),
		cmocka_unit_test(test_late_record_keeps_order_and_prose),
		cmocka_unit_test(test_one_prose_per_frame),
		cmocka_unit_test(test_full_hold),
		cmocka_unit_test(test_end_writes_rest),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
