/* test_rto.c - RFC 6298 estimator: first and later samples, clamps, backoff, §5.7 floor. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "rto.h"

#define MS 1000ull
#define S 1000000ull

static void init_rto_is_initial_value(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	assert_int_equal(r.rto, 1 * S);
	assert_false(r.has_sample);
}

static void first_sample_sets_srtt_and_half_rttvar(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 1, 120 * S);
	rto_sample(&r, 100 * MS);
	/* §2.2: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4*RTTVAR = 100 + 200 ms */
	assert_int_equal(r.srtt, 100 * MS);
	assert_int_equal(r.rttvar, 50 * MS);
	assert_int_equal(r.rto, 300 * MS);
}

static void later_sample_smooths_with_alpha_beta(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 1, 120 * S);
	rto_sample(&r, 100 * MS);
	rto_sample(&r, 180 * MS);
	/* §2.3: RTTVAR = 3/4*50 + 1/4*|100-180| = 37.5 + 20 = 57.5 ms;
	 * SRTT = 7/8*100 + 1/8*180 = 110 ms; RTO = 110 + 230 = 340 ms */
	assert_int_equal(r.rttvar, 57500);
	assert_int_equal(r.srtt, 110 * MS);
	assert_int_equal(r.rto, 340 * MS);
}

static void small_rtt_clamped_to_min(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	rto_sample(&r, 100);	/* 0.1 ms on loopback */
	assert_int_equal(r.rto, 200 * MS);
}

static void backoff_doubles_until_max(void **state)
{
	struct rto r;
	uint64_t want[] = {2 * S, 4 * S, 8 * S, 16 * S, 32 * S, 64 * S, 120 * S, 120 * S};

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	for (unsigned i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		rto_backoff(&r);
		assert_int_equal(r.rto, want[i]);
	}
	assert_int_equal(r.backoffs, 8);
}

static void sample_after_backoff_collapses_rto(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	rto_backoff(&r);
	rto_backoff(&r);
	assert_int_equal(r.rto, 4 * S);
	rto_sample(&r, 100 * MS);	/* §5.7 note: a new sample recomputes RTO */
	assert_int_equal(r.rto, 300 * MS);
	assert_int_equal(r.backoffs, 0);
}

static void large_sample_clamped_to_max(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	rto_sample(&r, 100 * S);
	assert_int_equal(r.rto, 120 * S);
}

static void floor_raises_only_smaller_rto(void **state)
{
	struct rto r;

	(void)state;
	rto_init(&r, 1 * S, 200 * MS, 120 * S);
	rto_floor(&r, 3 * S);
	assert_int_equal(r.rto, 3 * S);
	rto_backoff(&r);
	rto_floor(&r, 3 * S);
	assert_int_equal(r.rto, 6 * S);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(init_rto_is_initial_value),
		cmocka_unit_test(first_sample_sets_srtt_and_half_rttvar),
		cmocka_unit_test(later_sample_smooths_with_alpha_beta),
		cmocka_unit_test(small_rtt_clamped_to_min),
		cmocka_unit_test(backoff_doubles_until_max),
		cmocka_unit_test(sample_after_backoff_collapses_rto),
		cmocka_unit_test(large_sample_clamped_to_max),
		cmocka_unit_test(floor_raises_only_smaller_rto),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
