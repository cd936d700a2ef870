/* test_conntab.c - the 4-tuple connection table: put, get, delete, growth, iteration. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include "conntab.h"

static struct tcb_addr key(uint32_t i)
{
	struct tcb_addr k = { .laddr = 0xC6120002u, .raddr = 0xC6120001u + (i >> 16),
			      .lport = 8080, .rport = (uint16_t)(i & 0xffff) };
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
	assert_true(t.cap >= n + n / 3);	/* at most 3/4 full */
	assert_int_equal(t.count, n);
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

/* Random puts and deletes against a plain array (the oracle): after each operation the
 * table answers every key of the space as the array says, which exercises the backward
 * shift of deletion over long runs, wrap-around included (a small table kept full). */
static void conntab_random_ops_match_oracle(void **state)
{
	enum { SPACE = 3000, OPS = 60000 };
	static uintptr_t want[SPACE];
	struct conntab t;
	struct err e;
	uint64_t x = 0x9E3779B97F4A7C15ull;
	size_t live = 0;

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 99, &e), 0);
	for (int op = 0; op < OPS; op++) {
		uint32_t i;
		struct tcb_addr k;

		x ^= x << 13, x ^= x >> 7, x ^= x << 17;	/* xorshift64 */
		i = (uint32_t)(x % SPACE);
		k = key(i);
		if (want[i]) {
			assert_ptr_equal(conntab_del(&t, &k), (void *)want[i]);
			want[i] = 0;
			live--;
		} else {
			want[i] = (uintptr_t)op + 1;
			assert_int_equal(conntab_put(&t, &k, (void *)want[i], &e), 0);
			live++;
		}
		assert_int_equal(t.count, live);
		if (op % 997 == 0 || op > OPS - 50)
			for (uint32_t j = 0; j < SPACE; j++) {
				struct tcb_addr kj = key(j);

				assert_ptr_equal(conntab_get(&t, &kj), (void *)want[j]);
			}
	}
	conntab_free(&t);
}

/* A NULL value would read as a free slot: refused. */
static void conntab_null_value_refused(void **state)
{
	struct conntab t;
	struct err e;
	struct tcb_addr k = key(1);

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 1, &e), 0);
	assert_int_equal(conntab_put(&t, &k, NULL, &e), -1);
	assert_int_equal(t.count, 0);
	conntab_free(&t);
}

/* IPv6 keys: the 128-bit addresses and the family take part in lookup; an IPv4 key with
 * the same ports is another connection. */
static void conntab_v6_keys_distinct(void **state)
{
	struct conntab t;
	struct err e = { "" };
	struct tcb_addr a = { .lport = 8080, .rport = 40000, .v6 = true }, b, v4 = { .lport = 8080,
		.rport = 40000 };
	int va, vb, vc;

	(void)state;
	a.laddr6[0] = b.laddr6[0] = 0xfd;
	a.laddr6[15] = 2;
	b = a;
	b.raddr6[4] = 9;	/* differs only in the upper 96 bits */
	assert_int_equal(conntab_init(&t, 0, 7, &e), 0);
	assert_int_equal(conntab_put(&t, &a, &va, &e), 0);
	assert_int_equal(conntab_put(&t, &b, &vb, &e), 0);
	assert_int_equal(conntab_put(&t, &v4, &vc, &e), 0);
	assert_ptr_equal(conntab_get(&t, &a), &va);
	assert_ptr_equal(conntab_get(&t, &b), &vb);
	assert_ptr_equal(conntab_get(&t, &v4), &vc);
	assert_int_equal(conntab_put(&t, &b, &va, &e), -1);
	assert_ptr_equal(conntab_del(&t, &a), &va);
	assert_null(conntab_get(&t, &a));
	assert_ptr_equal(conntab_get(&t, &b), &vb);
	conntab_free(&t);
}

/* The 64-byte cache lines (from the array's start) of slot i's first and last byte. */
static size_t slot_first_line(size_t i) { return i * sizeof(struct conntab_slot) / 64; }
static size_t slot_last_line(size_t i) { return ((i + 1) * sizeof(struct conntab_slot) - 1) / 64; }

/* One entry: found in its home slot, and as many cache lines as its slot's bytes span
 * (the array starts on a line; derived from the slot size, whatever the key holds). */
static void conntab_stats_of_one_entry(void **state)
{
	struct conntab t;
	struct conntab_stats st;
	struct err e;
	struct tcb_addr k = key(7);
	int v = 1;
	size_t i = 0;

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 9, &e), 0);
	assert_int_equal((uintptr_t)t.slot % 64, 0);
	assert_int_equal(conntab_put(&t, &k, &v, &e), 0);
	while (!t.slot[i].val)
		i++;
	conntab_stats(&t, &st);
	assert_true(st.probes == 1.0 && st.max_probes == 1);
	assert_true(st.lines == (double)(slot_last_line(i) - slot_first_line(i) + 1));
	assert_true(st.load == 1.0 / 64);
	conntab_free(&t);
}

/* Many entries: at least one slot and line each, at most what the longest run spans. */
static void conntab_stats_bounds(void **state)
{
	struct conntab t;
	struct conntab_stats st;
	struct err e;
	static int v;

	(void)state;
	assert_int_equal(conntab_init(&t, 0, 9, &e), 0);
	for (uint32_t i = 0; i < 50000; i++) {
		struct tcb_addr k = key(i);

		assert_int_equal(conntab_put(&t, &k, &v, &e), 0);
	}
	conntab_stats(&t, &st);
	assert_true(st.probes >= 1.0 && st.probes <= (double)st.max_probes);
	assert_true(st.lines >= 1.0 && st.lines <= st.probes * (double)sizeof(struct conntab_slot) / 64 + 2);
	assert_true(st.load > 0.375 && st.load <= 0.75);
	conntab_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(conntab_put_get_del_roundtrip),
		cmocka_unit_test(conntab_grows_and_keeps_every_entry),
		cmocka_unit_test(conntab_keys_differ_in_every_field),
		cmocka_unit_test(conntab_random_ops_match_oracle),
		cmocka_unit_test(conntab_null_value_refused),
		cmocka_unit_test(conntab_v6_keys_distinct),
		cmocka_unit_test(conntab_stats_of_one_entry),
		cmocka_unit_test(conntab_stats_bounds),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
