/* test_seq.c - modular sequence comparisons and RFC 9293 §3.10.7.4 acceptability. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "seq.h"

static void seq_lt_wraps_around_2_32(void **state)
{
	(void)state;
	assert_true(seq_lt(0xfffffff0u, 0x10u));
	assert_false(seq_lt(0x10u, 0xfffffff0u));
	assert_true(seq_gt(0x10u, 0xfffffff0u));
	assert_true(seq_leq(5, 5));
	assert_false(seq_lt(5, 5));
	assert_true(seq_geq(0, 0xffffffffu));
}

static void seq_in_window_wraps(void **state)
{
	(void)state;
	assert_true(seq_in(0xfffffffeu, 0xfffffff0u, 0x10u));
	assert_true(seq_in(0x5u, 0xfffffff0u, 0x10u));
	assert_false(seq_in(0x10u, 0xfffffff0u, 0x10u));
	assert_false(seq_in(7, 7, 7));
	assert_true(seq_in_incl(0x10u, 0xfffffff0u, 0x10u));
}

static void seq_acceptable_four_cases(void **state)
{
	(void)state;
	/* len 0, wnd 0: only seq == rcv_nxt */
	assert_true(seq_acceptable(100, 0, 100, 0));
	assert_false(seq_acceptable(101, 0, 100, 0));
	/* len 0, wnd > 0: rcv_nxt <= seq < rcv_nxt + wnd */
	assert_true(seq_acceptable(199, 0, 100, 100));
	assert_false(seq_acceptable(200, 0, 100, 100));
	assert_false(seq_acceptable(99, 0, 100, 100));
	/* len > 0, wnd 0: never */
	assert_false(seq_acceptable(100, 10, 100, 0));
	/* len > 0, wnd > 0: first or last byte in the window */
	assert_true(seq_acceptable(90, 11, 100, 100));
	assert_false(seq_acceptable(90, 10, 100, 100));
	assert_true(seq_acceptable(199, 50, 100, 100));
	assert_false(seq_acceptable(200, 5, 100, 100));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(seq_lt_wraps_around_2_32),
		cmocka_unit_test(seq_in_window_wraps),
		cmocka_unit_test(seq_acceptable_four_cases),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
