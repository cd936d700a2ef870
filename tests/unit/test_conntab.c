/* test_conntab.c - the 4-tuple connection table: put, get, delete, growth, iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conntab.h"

static struct tcb_addr key(uint32_t i)
{
	struct tcb_addr k = { 0xC6120002u, 0xC6120001u + (i >> 16), 8080,
			      (uint16_t)(i & 0xffff) };
	return k;
}

static void conntab_put_get_del_roundtrip(void **state)
{
	struct conntab t;
	struct err e;
	int a = 1, b = 2;
	struct tcb_addr k1 = key(40000), k2 = key(40001);

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 42, &e), 0);
	assert_int_equal(conntab_put(&t, &k1, &a, &e), 0);
	assert_int_equal(conntab_put(&t, &k2, &b, &e), 0);
	assert_ptr_equal(conntab_get(&t, &k1), &a);
	assert_ptr_equal(conntab_get(&t, &k2), &b);
	assert_int_equal(conntab_put(&t, &k1, &b, &e), -1);
	assert_ptr_equal(conntab_del(&t, &k1), &a);
	assert_null(conntab_get(&t, &k1));
	assert_null(conntab_del(&t, &k1));
	assert_int_equal(t.count, 1);
	conntab_free(&t);
}

static void count_cb(const struct tcb_addr *k, void *v, void *arg)
{
	(void)k;
	*(size_t *)arg += (size_t)(uintptr_t)v;
}

static void conntab_grows_and_keeps_every_entry(void **state)
{
	struct conntab t;
	struct err e;
	size_t sum = 0;
	const uint32_t n = 100000;

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 7, &e), 0);
	for (uint32_t i = 1; i <= n; i++) {
		struct tcb_addr k = key(i);
		assert_int_equal(conntab_put(&t, &k, (void *)(uintptr_t)i, &e), 0);
	}
	assert_true(t.nbucket >= n);
	for (uint32_t i = 1; i <= n; i += 997) {
		struct tcb_addr k = key(i);
		assert_ptr_equal(conntab_get(&t, &k), (void *)(uintptr_t)i);
	}
	conntab_each(&t, count_cb, &sum);
	assert_int_equal(sum, (size_t)n * (n + 1) / 2);
	conntab_free(&t);
}

static void conntab_keys_differ_in_every_field(void **state)
{
	struct conntab t;
	struct err e;
	struct tcb_addr k = key(5), k2;
	int v;

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 1, &e), 0);
	assert_int_equal(conntab_put(&t, &k, &v, &e), 0);
	k2 = k; k2.laddr++;
	assert_null(conntab_get(&t, &k2));
	k2 = k; k2.raddr++;
	assert_null(conntab_get(&t, &k2));
	k2 = k; k2.lport++;
	assert_null(conntab_get(&t, &k2));
	k2 = k; k2.rport++;
	assert_null(conntab_get(&t, &k2));
	conntab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conntab_put_get_del_roundtrip),
		cmocka_unit_test(conntab_grows_and_keeps_every_entry),
		cmocka_unit_test(conntab_keys_differ_in_every_field),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
