/* test_tcb_v6.c - the TCB over IPv6: segments carry the family and 128-bit addresses, replies swap them, a handshake between two TCBs, cookies keyed on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <malloc.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "syncookie.h"
#include "tcb.h"

static const uint8_t KEY[16] = { 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 1, 2, 3, 4, 5, 6 };

static struct tcb_addr v6_addr(bool client)
{
	struct tcb_addr a = { .lport = client ? 40000 : 8080, .rport = client ? 8080 : 40000,
			      .v6 = true };
	static const uint8_t pfx[4] = { 0xfd, 0x00, 0x53, 0x59 };

	memcpy(a.laddr6, pfx, 4);
	memcpy(a.raddr6, pfx, 4);
	a.laddr6[15] = client ? 1 : 2;
	a.raddr6[15] = client ? 2 : 1;
	return a;
}

/* The client's SYN, the server's SYN+ACK, the client's ACK: each segment is IPv6 with
 * the right addresses, and each side reaches ESTABLISHED. */
static void v6_handshake_between_two_tcbs(void **state)
{
	struct tcb_params p;
	struct tcb_addr ca = v6_addr(true), sa = v6_addr(false), got;
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *c, *s;
	struct seg syn, synack;

	(void)state;
	tcb_params_default(&p);
	memcpy(p.isn_secret, KEY, sizeof(KEY));
	c = tcb_new(&p, &ca, NULL);
	s = tcb_new(&p, &sa, NULL);
	assert_non_null(c);
	assert_non_null(s);
	assert_int_equal(tcb_open_passive(s, 0, o, NULL), 0);
	tcb_out_reset(o);
	assert_int_equal(tcb_open_active(c, 1000, o, NULL), 0);
	assert_int_equal(o->nseg, 1);
	syn = o->seg[0];
	assert_int_equal(syn.ipv, 6);
	/* --mss 1460 (the default) is counted for IPv4: 20 less over IPv6 (RFC 8200 §8.3) */
	assert_true(syn.opts.has_mss);
	assert_int_equal(syn.opts.mss, 1440);
	assert_memory_equal(syn.saddr6, ca.laddr6, 16);
	assert_memory_equal(syn.daddr6, ca.raddr6, 16);
	assert_int_equal(syn.saddr, 0);
	got = tcb_addr_of_seg(&syn, true);
	assert_true(tcb_addr_eq(&got, &sa));
	assert_true(tcb_addr_inbound(&sa, &syn));
	assert_false(tcb_addr_inbound(&ca, &syn));
	tcb_out_reset(o);
	tcb_input(s, &syn, 2000, o);
	assert_int_equal(tcb_state(s), TCB_SYN_RECEIVED);
	assert_int_equal(o->nseg, 1);
	synack = o->seg[0];
	assert_int_equal(synack.ipv, 6);
	assert_memory_equal(synack.saddr6, sa.laddr6, 16);
	assert_memory_equal(synack.daddr6, sa.raddr6, 16);
	/* RFC 6528 over the IPv6 4-tuple: the server's ISN is F(its 4-tuple) + M */
	assert_int_equal(tcb_iss(s), tcb_isn(KEY, &sa, 2000));
	tcb_out_reset(o);
	tcb_input(c, &synack, 3000, o);
	assert_int_equal(tcb_state(c), TCB_ESTABLISHED);
	assert_int_equal(o->nseg, 1);
	assert_int_equal(o->seg[0].ipv, 6);
	tcb_input(s, &o->seg[0], 4000, o);
	assert_int_equal(tcb_state(s), TCB_ESTABLISHED);
	tcb_free(c);
	tcb_free(s);
	free(o);
}

/* RFC 9293 §3.7.1: a SYN without an MSS option means 1220 over IPv6 (536 over IPv4). */
static void v6_default_peer_mss_1220(void **state)
{
	struct tcb_params p;
	struct tcb_addr sa = v6_addr(false), ca = v6_addr(true);
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *s;
	struct tcb_vars v;
	struct seg syn;

	(void)state;
	tcb_params_default(&p);
	s = tcb_new(&p, &sa, NULL);
	assert_non_null(s);
	assert_int_equal(tcb_open_passive(s, 0, o, NULL), 0);
	memset(&syn, 0, sizeof(syn));
	tcb_addr_to_seg(&ca, &syn);
	syn.sport = ca.lport;
	syn.dport = ca.rport;
	syn.seq = 5;
	syn.flags = SEG_SYN;
	syn.win = 65535;
	tcb_out_reset(o);
	tcb_input(s, &syn, 10, o);
	tcb_get_vars(s, &v);
	assert_int_equal(v.eff_mss, 1220);
	assert_int_equal(o->seg[0].opts.mss, 1440);
	tcb_free(s);
	free(o);
}

/* RFC 9293 §3.10.7.1's RST for a segment to no connection goes back over IPv6. */
static void v6_closed_reply_swaps_addresses(void **state)
{
	struct tcb_addr ca = v6_addr(true);
	struct seg s, rst;

	(void)state;
	memset(&s, 0, sizeof(s));
	tcb_addr_to_seg(&ca, &s);
	s.sport = ca.lport;
	s.dport = ca.rport;
	s.seq = 77;
	s.flags = SEG_SYN;
	assert_true(tcb_closed_reply(&s, &rst));
	assert_int_equal(rst.ipv, 6);
	assert_memory_equal(rst.saddr6, ca.raddr6, 16);
	assert_memory_equal(rst.daddr6, ca.laddr6, 16);
	assert_int_equal(rst.ack, 78);
	assert_int_equal(rst.flags, SEG_RST | SEG_ACK);
}

/* A cookie made for one IPv6 4-tuple is not valid for another that differs only in the
 * upper 96 bits of the peer's address. */
static void v6_syncookie_keyed_on_full_address(void **state)
{
	struct tcb_addr a = v6_addr(false), b = a;
	uint32_t ck;
	uint16_t mss = 0;

	(void)state;
	b.raddr6[2] ^= 0x10;
	ck = syncookie_make(KEY, &a, 1000, 1460, 5000000);
	assert_true(syncookie_check(KEY, &a, 1000, ck, 5000000, &mss));
	assert_int_equal(mss, 1460);
	assert_false(syncookie_check(KEY, &b, 1000, ck, 5000000, &mss));
}

/* Hands every segment a call left in o to the other end (after copying them out). */
static void v6_deliver(struct tcb_out *o, struct tcb *to, uint64_t now)
{
	size_t n = o->nseg;
	struct seg *q = calloc(n ? n : 1, sizeof(*q));

	assert_non_null(q);
	memcpy(q, o->seg, n * sizeof(*q));
	tcb_out_reset(o);
	for (size_t i = 0; i < n; i++)
		tcb_input(to, &q[i], now, o);
	free(q);
}

/* Handshake, then the client closes first (RFC 9293 §3.6): the client ends in
 * TIME-WAIT; returns tcb_compact's result for it. */
static struct tcb *v6_close_to_time_wait(const struct tcb_params *p, struct tcb_addr ca,
					 struct tcb_addr sa, struct tcb **cp)
{
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *c = tcb_new(p, &ca, NULL), *s = tcb_new(p, &sa, NULL), *r;

	assert_non_null(o);
	assert_int_equal(tcb_open_passive(s, 0, o, NULL), 0);
	tcb_out_reset(o);
	assert_int_equal(tcb_open_active(c, 1000, o, NULL), 0);
	v6_deliver(o, s, 2000);		/* SYN -> SYN+ACK */
	v6_deliver(o, c, 3000);		/* SYN+ACK -> ACK */
	v6_deliver(o, s, 4000);
	assert_int_equal(tcb_state(s), TCB_ESTABLISHED);
	assert_int_equal(tcb_close(c, 5000, o, NULL), 0);
	v6_deliver(o, s, 6000);		/* FIN -> ACK: FIN-WAIT-2 / CLOSE-WAIT */
	v6_deliver(o, c, 7000);
	assert_int_equal(tcb_close(s, 8000, o, NULL), 0);
	v6_deliver(o, c, 9000);		/* the server's FIN: TIME-WAIT */
	assert_int_equal(tcb_state(c), TCB_TIME_WAIT);
	*cp = c;
	r = tcb_compact(c);
	tcb_free(s);
	free(o);
	return r;
}

/* Compact TIME-WAIT records hold the IPv4 4-tuple only (tcb_tw.c): an IPv6 TCB stays
 * full-size in TIME-WAIT and keeps its 128-bit addresses; the same close over IPv4 is
 * compacted (so the first half can fail), and its 4-tuple read back from the record. */
static void v6_time_wait_stays_full_size(void **state)
{
	struct tcb_params p;
	struct tcb_addr ca = v6_addr(true), sa = v6_addr(false), got;
	struct tcb_addr c4 = { .laddr = 0xc6120102, .raddr = 0xc6120101, .lport = 40000,
			       .rport = 8080 };
	struct tcb_addr s4 = { .laddr = c4.raddr, .raddr = c4.laddr, .lport = c4.rport,
			       .rport = c4.lport };
	struct tcb *c, *r;

	(void)state;
	assert_true(tcb_tw_size() <= 128);
	tcb_params_default(&p);
	memcpy(p.isn_secret, KEY, sizeof(KEY));
	r = v6_close_to_time_wait(&p, ca, sa, &c);
	assert_ptr_equal(r, c);
	assert_true(malloc_usable_size(r) > 136);	/* not shrunk (test_tcb_tw: <= 136) */
	assert_int_equal(tcb_state(r), TCB_TIME_WAIT);
	got = tcb_addr(r);
	assert_true(tcb_addr_eq(&got, &ca));
	tcb_free(r);
	/* over IPv4 with timestamps, window scaling and SACK agreed (the default): the record
	 * keeps neither TS.Recent, the shifts nor the agreed options, so the TCB stays
	 * full-size too */
	r = v6_close_to_time_wait(&p, c4, s4, &c);
	assert_int_equal(tcb_state(r), TCB_TIME_WAIT);
	assert_true(malloc_usable_size(r) > 136);
	tcb_free(r);
	/* without them it is shrunk to the record */
	p.no_timestamps = p.no_wscale = p.no_sack = true;
	r = v6_close_to_time_wait(&p, c4, s4, &c);
	assert_int_equal(tcb_state(r), TCB_TIME_WAIT);
	assert_true(malloc_usable_size(r) <= 136);	/* shrunk to the record */
	got = tcb_addr(r);
	assert_memory_equal(&got, &c4, sizeof(got));
	tcb_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v6_handshake_between_two_tcbs),
		cmocka_unit_test(v6_default_peer_mss_1220),
		cmocka_unit_test(v6_closed_reply_swaps_addresses),
		cmocka_unit_test(v6_syncookie_keyed_on_full_address),
		cmocka_unit_test(v6_time_wait_stays_full_size),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
