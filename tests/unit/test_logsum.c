/* test_logsum.c - the log summariser and the rate limiter: per-window budgets, summary lines, counts. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "logsum.h"
#include "ratelim.h"

#define S 1000000ull

static void ratelim_allows_limit_per_window(void **state)
{
	struct ratelim r;
	unsigned ok = 0;

	(void)state;
	ratelim_init(&r, 3, S);
	for (int i = 0; i < 10; i++)
		ok += ratelim_allow(&r, 5 * S + (uint64_t)i * 1000);
	assert_int_equal(ok, 3);
	assert_int_equal(r.denied, 7);
	assert_true(ratelim_allow(&r, 6 * S));	/* next window */
	assert_true(ratelim_allow(&r, 6 * S + 500000));
	assert_true(ratelim_allow(&r, 6 * S + 999999));
	assert_false(ratelim_allow(&r, 6 * S + 999999));
	assert_true(ratelim_allow(&r, 9 * S + 3));	/* windows stay aligned to 5 s */
	assert_int_equal(r.start, 9 * S);
}

static void ratelim_zero_is_unlimited(void **state)
{
	struct ratelim r;

	(void)state;
	ratelim_init(&r, 0, S);
	for (int i = 0; i < 100000; i++)
		assert_true(ratelim_allow(&r, 7));
	assert_int_equal(r.denied, 0);
}

/* Closes the memory stream so that its buffer holds everything written. */
static void captured(FILE *f)
{
	fclose(f);
}

static void logsum_prints_budget_then_one_summary(void **state)
{
	struct logsum ls;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned printed = 0;
	int bad, rst;

	(void)state;
	logsum_init(&ls, 5, S);
	bad = logsum_cat(&ls, "bad-checksum");
	rst = logsum_cat(&ls, "no-connection");
	assert_int_equal(bad, 0);
	assert_int_equal(rst, 1);
	for (int i = 0; i < 1000; i++)
		printed += logsum_note(&ls, bad, 10 * S + (uint64_t)i * 100, f);	/* 0.1 s */
	assert_int_equal(printed, 5);
	assert_true(logsum_note(&ls, rst, 10 * S + 200000, f));	/* own budget */
	fflush(f);
	assert_int_equal(len, 0);	/* nothing until the window ends */
	logsum_tick(&ls, 11 * S + 1, f);
	captured(f);
	assert_string_equal(buf, "logsum: 995 more bad-checksum segments in the last 1.0 s "
				 "(1000 in all)\n");
	assert_int_equal(logsum_total(&ls, bad), 1000);
	assert_int_equal(logsum_total(&ls, rst), 1);
	free(buf);
}

static void logsum_new_window_new_budget_and_end(void **state)
{
	struct logsum ls;
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	unsigned printed = 0;
	int c;

	(void)state;
	logsum_init(&ls, 2, S);
	c = logsum_cat(&ls, "challenge-ack");
	for (int i = 0; i < 4; i++)
		printed += logsum_note(&ls, c, S + (uint64_t)i, f);
	for (int i = 0; i < 3; i++)	/* the next window: the summary is written first */
		printed += logsum_note(&ls, c, 2 * S + 500000 + (uint64_t)i, f);
	assert_int_equal(printed, 4);
	logsum_end(&ls, 2 * S + 750000, f);
	captured(f);
	assert_string_equal(buf,
		"logsum: 2 more challenge-ack segments in the last 1.0 s (4 in all)\n"
		"logsum: 1 more challenge-ack segments in the last 0.8 s (7 in all)\n");
	free(buf);
}

static void logsum_bad_ids_and_full_table(void **state)
{
	struct logsum ls;

	(void)state;
	logsum_init(&ls, 1, 0);
	assert_int_equal(ls.window_us, S);
	for (int i = 0; i < LOGSUM_MAX_CAT; i++)
		assert_int_equal(logsum_cat(&ls, "x"), i);
	assert_int_equal(logsum_cat(&ls, "one too many"), -1);
	assert_false(logsum_note(&ls, -1, 0, NULL));
	assert_false(logsum_note(&ls, LOGSUM_MAX_CAT, 0, NULL));
	assert_int_equal(logsum_total(&ls, 99), 0);
	assert_true(logsum_note(&ls, 0, 0, NULL));	/* NULL file: count only */
	assert_false(logsum_note(&ls, 0, 1, NULL));
	logsum_end(&ls, 2, NULL);
	assert_int_equal(logsum_total(&ls, 0), 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ratelim_allows_limit_per_window),
		cmocka_unit_test(ratelim_zero_is_unlimited),
		cmocka_unit_test(logsum_prints_budget_then_one_summary),
		cmocka_unit_test(logsum_new_window_new_budget_and_end),
		cmocka_unit_test(logsum_bad_ids_and_full_table),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
