/* test_tcb_queues.c - the TCB's send buffer and receive buffer with out-of-order reassembly. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "rcvq.h"
#include "sndq.h"

static void rcvq_in_order_insert_is_readable(void **state)
{
	struct rcvq q;
	uint32_t adv;
	char buf[8];

	(void)state;
	rcvq_init(&q, 16);
	assert_int_equal(rcvq_insert(&q, 100, 100, (const uint8_t *)"abcd", 4, &adv), 0);
	assert_int_equal(adv, 4);
	assert_int_equal(rcvq_read(&q, buf, 3), 3);
	assert_memory_equal(buf, "abc", 3);
	assert_int_equal(q.ready, 1);
	rcvq_free(&q);
}

static void rcvq_out_of_order_ranges_merge_when_gap_fills(void **state)
{
	struct rcvq q;
	uint32_t adv;
	char buf[16];

	(void)state;
	rcvq_init(&q, 16);
	assert_int_equal(rcvq_insert(&q, 0, 6, (const uint8_t *)"gh", 2, &adv), 0);
	assert_int_equal(adv, 0);
	assert_int_equal(rcvq_insert(&q, 0, 3, (const uint8_t *)"def", 3, &adv), 0);
	assert_int_equal(q.nooo, 1);	/* 3..6 and 6..8 touch: one range */
	assert_int_equal(rcvq_ooo_bytes(&q), 5);
	assert_int_equal(rcvq_insert(&q, 0, 4, (const uint8_t *)"ef", 2, &adv), 0);	/* dup */
	assert_int_equal(rcvq_ooo_bytes(&q), 5);
	assert_int_equal(rcvq_insert(&q, 0, 0, (const uint8_t *)"abc", 3, &adv), 0);
	assert_int_equal(adv, 8);
	assert_int_equal(q.nooo, 0);
	assert_int_equal(rcvq_read(&q, buf, sizeof(buf)), 8);
	assert_memory_equal(buf, "abcdefgh", 8);
	rcvq_free(&q);
}

static void rcvq_ring_wraps_around(void **state)
{
	struct rcvq q;
	uint32_t adv, nxt = 0xfffffffcu;
	char buf[8];

	(void)state;
	rcvq_init(&q, 8);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(rcvq_insert(&q, nxt, nxt, (const uint8_t *)"12345", 5, &adv), 0);
		nxt += adv;
		assert_int_equal(rcvq_read(&q, buf, sizeof(buf)), 5);
		assert_memory_equal(buf, "12345", 5);
	}
	/* more than the free space is refused */
	assert_int_equal(rcvq_insert(&q, nxt, nxt, (const uint8_t *)"123456789", 9, &adv), -1);
	rcvq_free(&q);
}

static void rcvq_ooo_queue_is_bounded(void **state)
{
	struct rcvq q;
	uint32_t adv;

	(void)state;
	rcvq_init(&q, 100);
	for (uint32_t i = 0; i < RCVQ_OOO_MAX; i++)
		assert_int_equal(rcvq_insert(&q, 0, 2 + 3 * i, (const uint8_t *)"x", 1, &adv), 0);
	assert_int_equal(rcvq_insert(&q, 0, 90, (const uint8_t *)"x", 1, &adv), -1);
	/* joining an existing range still works */
	assert_int_equal(rcvq_insert(&q, 0, 3, (const uint8_t *)"x", 1, &adv), 0);
	rcvq_free(&q);
}

static void sndq_append_consume_keeps_bytes(void **state)
{
	struct sndq q;

	(void)state;
	sndq_init(&q, 10);
	assert_int_equal(sndq_append(&q, "abcdef", 6), 6);
	assert_int_equal(sndq_append(&q, "ghijkl", 6), 4);	/* only 4 fit */
	sndq_consume(&q, 3);
	assert_int_equal(q.len, 7);
	assert_memory_equal(sndq_at(&q, 0), "defghij", 7);
	assert_null(sndq_at(&q, 7));
	sndq_consume(&q, 100);
	assert_int_equal(q.len, 0);
	sndq_free(&q);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rcvq_in_order_insert_is_readable),
		cmocka_unit_test(rcvq_out_of_order_ranges_merge_when_gap_fills),
		cmocka_unit_test(rcvq_ring_wraps_around),
		cmocka_unit_test(rcvq_ooo_queue_is_bounded),
		cmocka_unit_test(sndq_append_consume_keeps_bytes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
