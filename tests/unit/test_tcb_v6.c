/* test_tcb_v6.c - the TCB over IPv6: segments carry the family and 128-bit addresses, replies swap them, a handshake between two TCBs, cookies keyed on them. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(v6_handshake_between_two_tcbs),
		cmocka_unit_test(v6_default_peer_mss_1220),
		cmocka_unit_test(v6_closed_reply_swaps_addresses),
		cmocka_unit_test(v6_syncookie_keyed_on_full_address),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
