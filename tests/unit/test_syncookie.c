/* test_syncookie.c - SYN cookies (RFC 4987 §3.6): make/check, time window, forgery, MSS table, a TCB born ESTABLISHED. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "syncookie.h"
#include "tcb.h"

static const struct tcb_addr A = { .laddr = 0xc6120002u, .raddr = 0xc6130101u, .lport = 8080, .rport = 40000 };	/* server side */
static const uint8_t KEY[16] = {9, 8, 7, 6, 5, 4, 3, 2, 1, 0, 11, 12, 13, 14, 15, 16};
#define T 1000000000000ull	/* some time, us */
#define IRS 0x12345678u

static void cookie_valid_within_window(void **state)
{
	uint32_t c = syncookie_make(KEY, &A, IRS, 1460, T);
	uint16_t mss = 0;

	(void)state;
	assert_true(syncookie_check(KEY, &A, IRS, c, T, &mss));
	assert_int_equal(mss, 1460);
	assert_true(syncookie_check(KEY, &A, IRS, c, T + 1000000, NULL));
	/* valid for the rest of this period and the whole next one */
	assert_true(syncookie_check(KEY, &A, IRS, c,
				    (T / SYNCOOKIE_PERIOD_US + 2) * SYNCOOKIE_PERIOD_US - 1, NULL));
	/* the layout: t mod 32 on top */
	assert_int_equal(c >> 27, (T / SYNCOOKIE_PERIOD_US) & 31);
}

static void stale_cookie_rejected(void **state)
{
	uint32_t c = syncookie_make(KEY, &A, IRS, 1460, T);
	uint64_t stale = (T / SYNCOOKIE_PERIOD_US + 2) * SYNCOOKIE_PERIOD_US;

	(void)state;
	assert_false(syncookie_check(KEY, &A, IRS, c, stale, NULL));
	/* 32 periods later the 5-bit counter wraps: still rejected (the MAC has t) */
	assert_false(syncookie_check(KEY, &A, IRS, c, T + 32 * SYNCOOKIE_PERIOD_US, NULL));
	/* from the future (clock went back) */
	assert_false(syncookie_check(KEY, &A, IRS, c, T - SYNCOOKIE_PERIOD_US * 2, NULL));
}

static void forged_cookie_rejected(void **state)
{
	uint32_t c = syncookie_make(KEY, &A, IRS, 1460, T);
	struct tcb_addr b = A;
	uint8_t key2[16];
	unsigned accepted = 0;

	(void)state;
	for (int bit = 0; bit < 32; bit++)
		assert_false(syncookie_check(KEY, &A, IRS, c ^ (1u << bit), T, NULL));
	b.rport++;
	assert_false(syncookie_check(KEY, &b, IRS, c, T, NULL));
	b = A;
	b.raddr ^= 1;
	assert_false(syncookie_check(KEY, &b, IRS, c, T, NULL));
	assert_false(syncookie_check(KEY, &A, IRS + 1, c, T, NULL));	/* another SYN */
	memcpy(key2, KEY, sizeof(key2));
	key2[15] ^= 1;
	assert_false(syncookie_check(key2, &A, IRS, c, T, NULL));
	/* blind guesses: 2^24 to one; 20000 tries should all fail */
	for (uint32_t g = 0; g < 20000; g++)
		accepted += syncookie_check(KEY, &A, IRS, g * 214748u, T, NULL);
	assert_int_equal(accepted, 0);
}

static void mss_encoded_to_table(void **state)
{
	static const uint16_t in[] = {0, 100, 536, 1199, 1200, 1459, 1460, 1500, 9000, 65535};
	static const uint16_t want[] = {536, 536, 536, 536, 1200, 1440, 1460, 1460, 8960, 8960};

	(void)state;
	for (size_t i = 0; i < sizeof(in) / sizeof(in[0]); i++) {
		uint16_t mss = 0;
		uint32_t c = syncookie_make(KEY, &A, IRS, in[i], T);

		assert_true(syncookie_check(KEY, &A, IRS, c, T, &mss));
		assert_int_equal(mss, want[i]);
	}
}

static const struct tcb_event *find(const struct tcb_out *o, enum tcb_why why)
{
	for (unsigned i = 0; i < o->nev; i++)
		if (o->ev[i].why == why)
			return &o->ev[i];
	return NULL;
}

/* A client TCB against the stateless server: SYN, cookie SYN+ACK, ACK, data both ways. */
static void cookie_handshake_to_established(void **state)
{
	struct tcb_addr ca = { .laddr = A.raddr, .raddr = A.laddr, .lport = A.rport, .rport = A.lport };
	struct tcb_params p;
	struct tcb_out oc, os;
	struct tcb *cl, *sv;
	struct seg synack;
	struct err e;
	uint32_t iss;
	uint16_t mss;
	uint8_t buf[64];
	const struct tcb_event *ev;

	(void)state;
	tcb_params_default(&p);
	p.mss = 1400;
	cl = tcb_new(&p, &ca, &e);
	tcb_out_reset(&oc);
	assert_int_equal(tcb_open_active(cl, T, &oc, &e), 0);
	assert_int_equal(oc.nseg, 1);
	iss = syncookie_make(KEY, &A, oc.seg[0].seq, oc.seg[0].opts.mss, T);
	tcb_cookie_synack(&p, &oc.seg[0], iss, &synack);
	assert_int_equal(synack.flags, SEG_SYN | SEG_ACK);
	assert_int_equal(synack.ack, oc.seg[0].seq + 1);
	assert_int_equal(synack.sport, 8080);
	assert_true(synack.opts.has_mss);

	tcb_out_reset(&oc);
	tcb_input(cl, &synack, T + 100, &oc);
	assert_int_equal(tcb_state(cl), TCB_ESTABLISHED);
	assert_int_equal(oc.nseg, 1);	/* the ACK */
	assert_true(syncookie_check(KEY, &A, oc.seg[0].seq - 1, oc.seg[0].ack - 1, T + 200, &mss));
	assert_int_equal(mss, 1400);

	tcb_out_reset(&os);
	sv = tcb_accept_cookie(&p, &A, oc.seg[0].ack - 1, oc.seg[0].seq - 1, mss, T + 200, &os, &e);
	assert_non_null(sv);
	assert_int_equal(tcb_state(sv), TCB_ESTABLISHED);
	ev = find(&os, TCB_WHY_SYN_COOKIE);
	assert_non_null(ev);
	assert_int_equal(ev->kind, TCB_EV_STATE);
	assert_int_equal(ev->from, TCB_LISTEN);
	assert_int_equal(ev->to, TCB_ESTABLISHED);
	assert_int_equal(ev->n[0], iss);
	assert_int_equal(ev->n[2], 1400);
	assert_string_equal(tcb_why_rfc(TCB_WHY_SYN_COOKIE), "RFC 4987 §3.6");
	tcb_input(sv, &oc.seg[0], T + 200, &os);	/* the ACK: takes the window */
	assert_int_equal(os.nseg, 0);

	/* data client -> server and back */
	tcb_out_reset(&oc);
	assert_int_equal(tcb_send(cl, "ping", 4, T + 300, &oc, &e), 4);
	assert_int_equal(oc.nseg, 1);
	tcb_out_reset(&os);
	tcb_input(sv, &oc.seg[0], T + 400, &os);
	assert_int_equal(tcb_receive(sv, buf, sizeof(buf), T + 400, &os), 4);
	assert_memory_equal(buf, "ping", 4);
	assert_int_equal(tcb_send(sv, "pong", 4, T + 400, &os, &e), 4);
	tcb_out_reset(&oc);
	for (unsigned i = 0; i < os.nseg; i++)
		tcb_input(cl, &os.seg[i], T + 500, &oc);
	assert_int_equal(tcb_receive(cl, buf, sizeof(buf), T + 500, &oc), 4);
	assert_memory_equal(buf, "pong", 4);
	{
		struct tcb_vars v;

		tcb_get_vars(sv, &v);
		assert_int_equal(v.snd_una, iss + 1);
		assert_int_equal(v.snd_nxt, iss + 5);
		assert_int_equal(v.snd_wnd, 65535);
		assert_int_equal(v.eff_mss, 1400);
	}
	tcb_free(cl);
	tcb_free(sv);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cookie_valid_within_window),
		cmocka_unit_test(stale_cookie_rejected),
		cmocka_unit_test(forged_cookie_rejected),
		cmocka_unit_test(mss_encoded_to_table),
		cmocka_unit_test(cookie_handshake_to_established),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
