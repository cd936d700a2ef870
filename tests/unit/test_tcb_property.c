/* test_tcb_property.c - seeded random segments, ticks and user calls in every state: no crash,
 * invariants hold (SND.UNA =< SND.NXT, queues consistent, output within [ISS, SND.NXT]). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbnet.h"
#include "seq.h"

#define SEEDS 150
#define STEPS 80

static uint64_t rnd(uint64_t *x)
{
	/* xorshift64*: a reproducible stream per seed */
	*x ^= *x >> 12;
	*x ^= *x << 25;
	*x ^= *x >> 27;
	return *x * 0x2545f4914f6cdd1dull;
}

static uint32_t pick(uint64_t *x, uint32_t n) { return (uint32_t)(rnd(x) % n); }

/* A sequence number near one of the connection's own. */
static uint32_t near(uint64_t *x, uint32_t a, uint32_t b)
{
	static const int32_t d[] = {-70000, -1500, -2, -1, 0, 0, 0, 1, 2, 100, 1460, 65535, 70000};
	uint32_t base = pick(x, 2) ? a : b;

	if (pick(x, 10) == 0)
		return (uint32_t)rnd(x);
	return base + (uint32_t)d[pick(x, sizeof(d) / sizeof(d[0]))] + pick(x, 3);
}

static struct seg random_seg(uint64_t *x, struct tcb *t)
{
	static const uint8_t payload[2000];
	struct tcb_vars v;
	struct seg s;
	const struct tcb_addr a_ = tcb_addr(t), *a = &a_;
	struct tcb_addr peer = { .laddr = a->raddr, .raddr = a->laddr, .lport = a->rport, .rport = a->lport };

	tcb_get_vars(t, &v);
	s = tn_seg(&peer, near(x, v.rcv_nxt, v.irs), near(x, v.snd_una, v.snd_nxt),
		   (uint8_t)(rnd(x) & (SEG_FIN | SEG_SYN | SEG_RST | SEG_PSH | SEG_ACK)));
	if (pick(x, 3))
		s.flags |= SEG_ACK;
	if (pick(x, 4) == 0)
		s.flags &= (uint8_t)~(SEG_SYN | SEG_RST);
	s.win = pick(x, 5) == 0 ? 0 : (uint16_t)rnd(x);
	s.len = pick(x, 2) ? 0 : pick(x, sizeof(payload) + 1);
	s.payload = s.len ? payload : NULL;
	s.opts.has_mss = pick(x, 2);
	s.opts.mss = (uint16_t)pick(x, 2000);
	return s;
}

/* The state events of one call chain, end in the current state, and every segment the TCB
 * emitted stays inside what it has sent. */
static void check_out(struct tcb *t, const struct tcb_out *o, enum tcb_state before)
{
	const struct tcb_addr a_ = tcb_addr(t), *a = &a_;
	enum tcb_state cur = before;
	struct tcb_vars v;

	tcb_get_vars(t, &v);
	for (unsigned i = 0; i < o->nev; i++) {
		const struct tcb_event *ev = &o->ev[i];

		assert_true(ev->why < TCB_WHY_COUNT);
		if (ev->kind != TCB_EV_STATE)
			continue;
		assert_int_equal(ev->from, cur);
		cur = ev->to;
	}
	if (!o->ev_overflow)
		assert_int_equal(cur, tcb_state(t));
	for (unsigned i = 0; i < o->nseg; i++) {
		const struct seg *s = &o->seg[i];

		assert_true(s->len == 0 || s->payload != NULL);
		if (s->flags & SEG_RST)
			continue;	/* RSTs echo the peer's numbers (<SEQ=SEG.ACK>) */
		assert_int_equal(s->saddr, a->laddr);
		assert_int_equal(s->dport, a->rport);
		assert_true(s->len <= 1460);
		if (tcb_state(t) == TCB_CLOSED || tcb_state(t) == TCB_LISTEN)
			continue;	/* numbers reset with the TCB */
		assert_true(seq_geq(s->seq, v.iss));
		assert_true(seq_leq(s->seq + seg_seqlen(s), v.snd_nxt));
	}
}

static void check_vars(const struct tcb *t)
{
	struct tcb_vars v;

	tcb_get_vars(t, &v);
	assert_true((unsigned)tcb_state(t) < TCB_NSTATES);
	if (tcb_state(t) == TCB_CLOSED || tcb_state(t) == TCB_LISTEN)
		return;
	assert_true(seq_leq(v.snd_una, v.snd_nxt));
	assert_true(seq_leq(v.iss, v.snd_una));
	assert_true(v.snd_unsent <= v.snd_queued);
	assert_true(v.snd_queued <= 262144);
	assert_true((uint64_t)v.rcv_ready + v.rcv_ooo <= 65535);
	assert_true(v.rcv_wnd <= 65535 - v.rcv_ready || v.rcv_wnd == 0);
	assert_true(v.rtx_inflight <= 128);
	assert_true(v.eff_mss >= 1 && v.eff_mss <= 1460);
}

/* Drives one side of a fresh pair into `target`; returns the TCB under test. */
static struct tcb *drive(struct net *n, enum tcb_state target, struct tcb_out **o)
{
	static const char data[2000];
	struct tcb_out *tmp;

	*o = n->oc;
	switch (target) {
	case TCB_CLOSED:
		return n->c;
	case TCB_LISTEN:
		tcb_open_passive(n->s, n->now, n->os, NULL);
		*o = n->os;
		return n->s;
	case TCB_SYN_SENT:
		tcb_open_active(n->c, n->now, n->oc, NULL);
		return n->c;
	case TCB_SYN_RECEIVED:
		tcb_open_passive(n->s, n->now, n->os, NULL);
		tcb_open_active(n->c, n->now, n->oc, NULL);
		tn_xfer(n->oc, n->s, n->os, n->now);
		*o = n->os;
		return n->s;
	default:
		break;
	}
	tn_handshake(n);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	tcb_send(n->s, data, 700, n->now, n->os, NULL);
	tn_xfer(n->os, n->c, n->oc, n->now);
	if (target == TCB_ESTABLISHED)
		return n->c;
	tcb_close(n->c, n->now, n->oc, NULL);
	if (target == TCB_FIN_WAIT_1)
		return n->c;
	if (target == TCB_CLOSING) {
		tcb_close(n->s, n->now, n->os, NULL);
		tmp = calloc(1, sizeof(*tmp));
		for (unsigned i = 0; i < n->os->nseg; i++)
			tcb_input(n->c, &n->os->seg[i], n->now, tmp);
		tcb_out_reset(n->os);
		free(tmp);
		return n->c;
	}
	tn_xfer(n->oc, n->s, n->os, n->now);
	if (target == TCB_CLOSE_WAIT) {
		*o = n->os;
		return n->s;
	}
	tn_xfer(n->os, n->c, n->oc, n->now);
	if (target == TCB_FIN_WAIT_2)
		return n->c;
	tcb_close(n->s, n->now, n->os, NULL);
	if (target == TCB_LAST_ACK) {
		*o = n->os;
		return n->s;
	}
	tn_xfer(n->os, n->c, n->oc, n->now);
	return n->c;	/* TIME-WAIT */
}

/* How often each rule decided something, over a whole run_state(). */
struct seen {
	unsigned why[TCB_WHY_COUNT];
};

static void step(uint64_t *x, struct tcb *t, struct tcb_out *o, uint64_t *now, struct seen *sn)
{
	static const char data[3000];
	char buf[4096];
	enum tcb_state before = tcb_state(t);
	uint32_t r = pick(x, 100);
	struct seg s;

	tcb_out_reset(o);
	*now += pick(x, 4) == 0 ? pick(x, 3000000) : pick(x, 2000);
	if (r < 70) {
		s = random_seg(x, t);
		tcb_input(t, &s, *now, o);
	} else if (r < 85) {
		if (tcb_deadline(t) <= *now || pick(x, 2))
			*now = tcb_deadline(t) == TCB_NEVER ? *now : tcb_deadline(t);
		tcb_tick(t, *now, o);
		assert_true(tcb_deadline(t) > *now);	/* every due timer was handled */
	} else if (r < 92) {
		tcb_send(t, data, pick(x, sizeof(data)), *now, o, NULL);
	} else if (r < 97) {
		tcb_receive(t, buf, pick(x, sizeof(buf)), *now, o);
	} else if (r < 99) {
		tcb_close(t, *now, o, NULL);
	} else {
		tcb_abort(t, *now, o);
	}
	check_out(t, o, before);
	check_vars(t);
	for (unsigned i = 0; i < o->nev; i++)
		sn->why[o->ev[i].why]++;
}

static void run_state(enum tcb_state target, unsigned min_rules)
{
	struct seen sn;
	unsigned rules = 0;

	memset(&sn, 0, sizeof(sn));
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct net *n = tn_default();
		uint64_t x = seed * 0x9e3779b97f4a7c15ull + (uint64_t)target;
		struct tcb_out *o;
		struct tcb *t = drive(n, target, &o);
		uint64_t now = n->now;

		assert_int_equal(tcb_state(t), target);
		for (int i = 0; i < STEPS; i++)
			step(&x, t, o, &now, &sn);
		tn_free(n);
	}
	/* the generator must reach many rules, or the invariants prove little */
	for (int w = 1; w < TCB_WHY_COUNT; w++)
		rules += sn.why[w] > 0;
	print_message("%s: %u rules reached\n", tcb_state_name(target), rules);
	assert_true(rules >= min_rules);
}

static void closed_random_segments_keep_invariants(void **s) { (void)s; run_state(TCB_CLOSED, 1); }
static void listen_random_segments_keep_invariants(void **s) { (void)s; run_state(TCB_LISTEN, 8); }
static void syn_sent_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_SYN_SENT, 12);
}
static void syn_received_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_SYN_RECEIVED, 20);
}
static void established_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_ESTABLISHED, 20);
}
static void fin_wait_1_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_FIN_WAIT_1, 20);
}
static void fin_wait_2_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_FIN_WAIT_2, 12);
}
static void close_wait_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_CLOSE_WAIT, 12);
}
static void closing_random_segments_keep_invariants(void **s) { (void)s; run_state(TCB_CLOSING, 12); }
static void last_ack_random_segments_keep_invariants(void **s) { (void)s; run_state(TCB_LAST_ACK, 12); }
static void time_wait_random_segments_keep_invariants(void **s)
{
	(void)s;
	run_state(TCB_TIME_WAIT, 12);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(closed_random_segments_keep_invariants),
		cmocka_unit_test(listen_random_segments_keep_invariants),
		cmocka_unit_test(syn_sent_random_segments_keep_invariants),
		cmocka_unit_test(syn_received_random_segments_keep_invariants),
		cmocka_unit_test(established_random_segments_keep_invariants),
		cmocka_unit_test(fin_wait_1_random_segments_keep_invariants),
		cmocka_unit_test(fin_wait_2_random_segments_keep_invariants),
		cmocka_unit_test(close_wait_random_segments_keep_invariants),
		cmocka_unit_test(closing_random_segments_keep_invariants),
		cmocka_unit_test(last_ack_random_segments_keep_invariants),
		cmocka_unit_test(time_wait_random_segments_keep_invariants),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
