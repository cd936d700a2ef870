/* test_tcb_dack.c - delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): every second full-sized segment or after dack_us, at once out of order and when a hole fills, carried by data we send; with a fake clock. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbnet.h"

#define SEG_BYTES 1460u
#define CSEQ(k) (C_ISS + 1 + (k) * SEG_BYTES)

static uint8_t payload[SEG_BYTES];

/* The server delays its ACKs by 200 ms (scaled by time_scale). */
static struct net *dack_net(double scale)
{
	struct tcb_params pc, ps;
	struct net *n;

	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.dack_us = 200 * MS;
	ps.time_scale = scale;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	return n;
}

/* The client's segment k (full-sized) arrives at the server at now; n->os is reset first. */
static void data_in(struct net *n, unsigned k, uint64_t now)
{
	struct seg s = tn_seg(&tn_ca, CSEQ(k), S_ISS + 1, SEG_ACK);

	s.payload = payload;
	s.len = SEG_BYTES;
	tcb_out_reset(n->os);
	tcb_input(n->s, &s, now, n->os);
}

static void assert_pure_ack(const struct net *n, uint32_t ack)
{
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_ACK);
	assert_int_equal(n->os->seg[0].len, 0);
	assert_int_equal(n->os->seg[0].ack, ack);
}

/* One segment: no ACK, the timer runs 200 ms from its arrival; a second one: ACK at once. */
static void second_full_segment_acked_at_once(void **state)
{
	struct net *n = dack_net(1.0);
	uint64_t t = n->now;

	(void)state;
	data_in(n, 0, t);
	assert_int_equal(n->os->nseg, 0);
	assert_non_null(tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_ACK_DELAYED));
	assert_null(tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_IN_ORDER));
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), t + 200 * MS);
	data_in(n, 1, t + 5 * MS);
	assert_pure_ack(n, CSEQ(2));
	assert_non_null(tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_IN_ORDER));
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), TCB_NEVER);
	/* the count starts again: the third segment waits */
	data_in(n, 2, t + 10 * MS);
	assert_int_equal(n->os->nseg, 0);
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), t + 210 * MS);
	tn_free(n);
}

/* Alone, a segment is ACKed when the 200 ms are over, not a microsecond earlier. */
static void lone_segment_acked_by_timer(void **state)
{
	struct net *n = dack_net(1.0);
	const struct tcb_event *ev;
	uint64_t t = n->now;

	(void)state;
	data_in(n, 0, t);
	tcb_out_reset(n->os);
	tcb_tick(n->s, t + 200 * MS - 1, n->os);
	assert_int_equal(n->os->nseg, 0);
	tcb_tick(n->s, t + 200 * MS, n->os);
	assert_pure_ack(n, CSEQ(1));
	ev = tn_find(n->os, TCB_EV_TIMER, TCB_WHY_DACK_TIMEOUT);
	assert_non_null(ev);
	assert_int_equal(ev->timer, TCB_TIMER_DACK);
	assert_int_equal(ev->after_us, 200 * MS);
	assert_int_equal(ev->n[0], CSEQ(1));
	assert_int_equal(ev->n[1], SEG_BYTES);
	assert_int_equal(tcb_deadline(n->s), TCB_NEVER);
	tn_free(n);
}

static void timer_is_scaled(void **state)
{
	struct net *n = dack_net(0.1);

	(void)state;
	data_in(n, 0, n->now);
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), n->now + 20 * MS);
	tn_free(n);
}

/* Out of order: a duplicate ACK at once; the segment that fills the hole: ACK at once. */
static void out_of_order_and_hole_filling_acked_at_once(void **state)
{
	struct net *n = dack_net(1.0);
	uint64_t t = n->now;

	(void)state;
	data_in(n, 1, t);	/* segment 0 missing */
	assert_pure_ack(n, CSEQ(0));
	assert_non_null(tn_find(n->os, TCB_EV_OOO_QUEUED, TCB_WHY_DATA_OUT_OF_ORDER));
	data_in(n, 0, t + 1 * MS);	/* fills it: RCV.NXT jumps over both */
	assert_pure_ack(n, CSEQ(2));
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), TCB_NEVER);
	/* a segment arriving while a later hole remains is ACKed at once too */
	data_in(n, 3, t + 2 * MS);	/* 2 missing */
	data_in(n, 5, t + 3 * MS);	/* 2 and 4 missing */
	data_in(n, 2, t + 4 * MS);	/* fills the first hole; 4 still missing */
	assert_pure_ack(n, CSEQ(4));
	tn_free(n);
}

/* Data the server sends carries the ACK: the delay ends, no pure ACK follows. */
static void reply_carries_the_ack(void **state)
{
	struct net *n = dack_net(1.0);
	uint64_t t = n->now;

	(void)state;
	data_in(n, 0, t);
	assert_int_equal(n->os->nseg, 0);
	tcb_send(n->s, "reply", 5, t + 1 * MS, n->os, NULL);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].len, 5);
	assert_int_equal(n->os->seg[0].ack, CSEQ(1));
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_DACK), TCB_NEVER);
	tn_free(n);
}

/* Full-sized is the largest segment seen: with 1448-byte segments (timestamps on the
 * wire) the second one is still ACKed at once. */
static void full_sized_is_the_largest_seen(void **state)
{
	struct net *n = dack_net(1.0);
	struct seg s = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);

	(void)state;
	s.payload = payload;
	s.len = 1448;
	tcb_input(n->s, &s, n->now, n->os);
	assert_int_equal(n->os->nseg, 0);
	s.seq += 1448;
	tcb_input(n->s, &s, n->now, n->os);
	assert_pure_ack(n, C_ISS + 1 + 2 * 1448);
	tn_free(n);
}

/* dack_us 0 (the default): every segment ACKed at once, as before. */
static void off_by_default(void **state)
{
	struct net *n = tn_default();
	struct seg s = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK);

	(void)state;
	tn_handshake(n);
	s.payload = payload;
	s.len = SEG_BYTES;
	tcb_input(n->s, &s, n->now, n->os);
	assert_pure_ack(n, CSEQ(1));
	assert_non_null(tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_IN_ORDER));
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(second_full_segment_acked_at_once),
		cmocka_unit_test(lone_segment_acked_by_timer),
		cmocka_unit_test(timer_is_scaled),
		cmocka_unit_test(out_of_order_and_hole_filling_acked_at_once),
		cmocka_unit_test(reply_carries_the_ack),
		cmocka_unit_test(full_sized_is_the_largest_seen),
		cmocka_unit_test(off_by_default),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
