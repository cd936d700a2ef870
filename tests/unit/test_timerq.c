/* test_timerq.c - the deadline min-heap: ordering, due-only popping, empty queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <cmocka.h>

#include "timerq.h"

static void timerq_empty_has_no_deadline(void **state)
{
	struct timerq q;
	struct timerq_entry x;

	(void)state;
	timerq_init(&q);
	assert_true(timerq_next(&q) == UINT64_MAX);
	assert_int_equal(timerq_pop_due(&q, UINT64_MAX, &x), 0);
	timerq_free(&q);
}

static void timerq_pops_only_due_entries_in_order(void **state)
{
	struct timerq q;
	struct timerq_entry x;
	struct err e;
	int a, b, c;

	(void)state;
	timerq_init(&q);
	assert_int_equal(timerq_push(&q, 300, &c, 3, &e), 0);
	assert_int_equal(timerq_push(&q, 100, &a, 1, &e), 0);
	assert_int_equal(timerq_push(&q, 200, &b, 2, &e), 0);
	assert_int_equal(timerq_next(&q), 100);
	assert_int_equal(timerq_pop_due(&q, 99, &x), 0);
	assert_int_equal(timerq_pop_due(&q, 250, &x), 1);
	assert_ptr_equal(x.owner, &a);
	assert_int_equal(x.gen, 1);
	assert_int_equal(timerq_pop_due(&q, 250, &x), 1);
	assert_ptr_equal(x.owner, &b);
	assert_int_equal(timerq_pop_due(&q, 250, &x), 0);
	assert_int_equal(timerq_next(&q), 300);
	timerq_free(&q);
}

static void timerq_random_pushes_pop_sorted(void **state)
{
	struct timerq q;
	struct timerq_entry x;
	struct err e;
	uint64_t prev = 0;
	size_t n = 0;

	(void)state;
	timerq_init(&q);
	srand(12345);
	for (int i = 0; i < 10000; i++)
		assert_int_equal(timerq_push(&q, (uint64_t)rand() % 1000000, NULL, 0, &e), 0);
	while (timerq_pop_due(&q, UINT64_MAX - 1, &x)) {
		assert_true(x.when >= prev);
		prev = x.when;
		n++;
	}
	assert_int_equal(n, 10000);
	timerq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timerq_empty_has_no_deadline),
		cmocka_unit_test(timerq_pops_only_due_entries_in_order),
		cmocka_unit_test(timerq_random_pushes_pop_sorted),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
