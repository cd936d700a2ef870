/* test_isn.c - RFC 6528 ISN: 4 us clock M, keyed F per 4-tuple, the fixed override. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "tcb.h"

static const struct tcb_addr A = { .laddr = 0xc6120001u, .raddr = 0xc6120002u, .lport = 40000, .rport = 8080 };
static const uint8_t KEY[16] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16};

static void isn_clock_advances_one_per_4us(void **state)
{
	uint32_t base = tcb_isn(KEY, &A, 1000000);

	(void)state;
	assert_int_equal(tcb_isn(KEY, &A, 1000003), base);	/* same 4 us tick */
	assert_int_equal(tcb_isn(KEY, &A, 1000004), base + 1);
	assert_int_equal(tcb_isn(KEY, &A, 1000000 + 4000000), base + 1000000);
}

static void isn_differs_per_4tuple_and_key(void **state)
{
	struct tcb_addr b = A, c = A;
	uint8_t key2[16];

	(void)state;
	b.lport = 40001;
	c.raddr = 0xc6120003u;
	memcpy(key2, KEY, sizeof(key2));
	key2[0] ^= 0x80;
	assert_int_not_equal(tcb_isn(KEY, &A, 0), tcb_isn(KEY, &b, 0));
	assert_int_not_equal(tcb_isn(KEY, &A, 0), tcb_isn(KEY, &c, 0));
	assert_int_not_equal(tcb_isn(KEY, &A, 0), tcb_isn(key2, &A, 0));
	/* F is deterministic for one key and tuple */
	assert_int_equal(tcb_isn(KEY, &A, 0), tcb_isn(KEY, &A, 0));
}

static void isn_fixed_override_used_by_open(void **state)
{
	struct tcb_params p;
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *t;

	(void)state;
	tcb_params_default(&p);
	p.isn_fixed = true;
	p.isn = 0xfffffff0u;
	t = tcb_new(&p, &A, NULL);
	assert_non_null(t);
	assert_int_equal(tcb_open_active(t, 123456, o, NULL), 0);
	assert_int_equal(tcb_iss(t), 0xfffffff0u);
	assert_int_equal(o->seg[0].seq, 0xfffffff0u);
	tcb_free(t);
	free(o);
}

static void isn_keyed_used_when_not_fixed(void **state)
{
	struct tcb_params p;
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *t;

	(void)state;
	tcb_params_default(&p);
	memcpy(p.isn_secret, KEY, sizeof(KEY));
	t = tcb_new(&p, &A, NULL);
	assert_non_null(t);
	assert_int_equal(tcb_open_active(t, 4000, o, NULL), 0);
	assert_int_equal(tcb_iss(t), tcb_isn(KEY, &A, 4000));
	tcb_free(t);
	free(o);
}

/* RFC 6528 §3 over the 128-bit IPv6 addresses: a change in the upper 96 bits of either
 * address (invisible to a hash of only the low 32 bits) changes F; the 4 us clock M
 * still ticks. */
static void isn_v6_uses_all_128_bits(void **state)
{
	struct tcb_addr a = { .lport = 40000, .rport = 8080, .v6 = true }, b, c;

	(void)state;
	a.laddr6[0] = 0xfd;
	a.laddr6[15] = 1;
	a.raddr6[0] = 0xfd;
	a.raddr6[15] = 2;
	b = a;
	c = a;
	b.laddr6[3] ^= 1;
	c.raddr6[8] ^= 0x40;
	assert_int_not_equal(tcb_isn(KEY, &a, 0), tcb_isn(KEY, &b, 0));
	assert_int_not_equal(tcb_isn(KEY, &a, 0), tcb_isn(KEY, &c, 0));
	assert_int_equal(tcb_isn(KEY, &a, 4000), tcb_isn(KEY, &a, 0) + 1000);
	assert_int_equal(tcb_isn(KEY, &a, 0), tcb_isn(KEY, &a, 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(isn_clock_advances_one_per_4us),
		cmocka_unit_test(isn_differs_per_4tuple_and_key),
		cmocka_unit_test(isn_v6_uses_all_128_bits),
		cmocka_unit_test(isn_fixed_override_used_by_open),
		cmocka_unit_test(isn_keyed_used_when_not_fixed),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
