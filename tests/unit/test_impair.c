/* test_impair.c - impairment decisions: seeded patterns, matching, actions, the hold queue. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "impair.h"

#define T0 1000000000ull	/* an arbitrary start time, us */

/* Each test gets a fresh engine in *state (heap: it is ~13 KiB). */
static int setup(void **state)
{
	struct impair *im = malloc(sizeof(*im));

	if (!im)
		return -1;
	impair_init(im, 42);
	*state = im;
	return 0;
}

static int teardown(void **state)
{
	free(*state);
	return 0;
}

static void add(struct impair *im, const char *text)
{
	struct err e = { "" };

	if (impair_add(im, text, &e) < 0)
		fail_msg("%s", e.msg);
}

/* A segment from local port 40000 to remote port 8080 (out) - for `in` the caller's
 * view is reversed, so port filters see sport as the remote port. */
static struct seg mkseg(uint8_t flags, uint32_t len)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.flags = flags;
	s.len = len;
	s.sport = 40000;
	s.dport = 8080;
	return s;
}

static enum impair_action act(struct impair *im, enum impair_dir dir, uint8_t flags,
			      enum tcb_state st, struct impair_verdict *v)
{
	struct seg s = mkseg(flags, 0);
	struct impair_verdict local;

	v = v ? v : &local;
	assert_int_equal(impair_decide(im, dir, &s, st, 1, T0, v), 0);
	return v->action;
}

/* The drop pattern of "loss 20% seed=7" over 50 segments. Expected indices come from an
 * independent Python implementation of splitmix64 + xoshiro256** + Lemire's bounded draw
 * (draw in [0, 1000000), dropped when < 200000), not from this code. */
static void loss_20_seed_7_exact_pattern(void **state)
{
	static const int want[] = { 6, 7, 9, 18, 19, 20, 25, 26, 28, 30, 31, 43, 45 };
	struct impair *im = *state;
	struct impair_verdict v;
	int got[50], n = 0;

	add(im, "loss 20% seed=7");
	for (int i = 0; i < 50; i++) {
		if (act(im, i % 2 ? IMPAIR_IN : IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, &v) ==
		    IMPAIR_DROP)
			got[n++] = i;
		assert_true(v.drew);
		assert_int_equal(v.ppm, 200000);
		if (i == 0)	/* the oracle's first draw: 700576 >= 200000, delivered */
			assert_int_equal(v.draw, 700576);
	}
	assert_int_equal(n, sizeof(want) / sizeof(want[0]));
	assert_memory_equal(got, want, sizeof(want));
	assert_int_equal(im->slot[0].matches, 50);
	assert_int_equal(im->slot[0].fired, 13);
}

/* Property: the rate converges to the percentage (20% +- 1.5% over 10,000). */
static void loss_rate_within_tolerance(void **state)
{
	struct impair *im = *state;
	int dropped = 0;

	add(im, "loss 20% seed=7");
	for (int i = 0; i < 10000; i++)
		dropped += act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL) == IMPAIR_DROP;
	assert_in_range(dropped, 1850, 2150);
	assert_int_equal(dropped, 2013);	/* the Python oracle's count */
}

static void loss_rate_other_seeds(void **state)
{
	struct impair *im = *state;

	for (uint64_t seed = 1; seed <= 5; seed++) {
		char rule[64];
		int dropped = 0;

		impair_init(im, 0);
		snprintf(rule, sizeof(rule), "loss 20%% seed=%llu", (unsigned long long)seed);
		add(im, rule);
		for (int i = 0; i < 10000; i++)
			dropped += act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL) == IMPAIR_DROP;
		assert_in_range(dropped, 1850, 2150);
	}
}

static void percent_extremes(void **state)
{
	struct impair *im = *state;
	int a = 0, b = 0;

	add(im, "loss 0% out");
	add(im, "loss 100% in");
	for (int i = 0; i < 1000; i++) {
		a += act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL) == IMPAIR_DROP;
		b += act(im, IMPAIR_IN, SEG_ACK, TCB_ESTABLISHED, NULL) == IMPAIR_DROP;
	}
	assert_int_equal(a, 0);
	assert_int_equal(b, 1000);
}

/* Without seed= the seed comes from the caller's entropy, is printable, and pasting the
 * printed rule back repeats the run exactly. */
static void seed_from_entropy_is_printable_and_repeatable(void **state)
{
	struct impair *im = *state, *again = malloc(sizeof(*again));
	struct impair_verdict v1, v2;

	assert_non_null(again);
	assert_int_equal(impair_seed(im), 275413);	/* splitmix64(42) % 1000000, oracle */
	add(im, "loss 20%");
	add(im, "dup 5% out");
	add(im, "drop SYN");	/* no randomness: no seed shown */
	assert_string_equal(impair_rule_text(im, 1), "loss 20% seed=275413");
	assert_string_equal(impair_rule_text(im, 2), "dup out 5% seed=275414");
	assert_string_equal(impair_rule_text(im, 3), "drop SYN");
	impair_init(again, 999);
	add(again, impair_rule_text(im, 1));
	add(again, impair_rule_text(im, 2));
	for (int i = 0; i < 300; i++) {
		act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, &v1);
		act(again, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, &v2);
		assert_int_equal(v1.action, v2.action);
		assert_int_equal(v1.draw, v2.draw);
	}
	free(again);
}

static void set_seed_reseeds_only_unseeded_rules(void **state)
{
	struct impair *im = *state;
	char got[11];

	add(im, "loss 20%");
	add(im, "loss 30% in seed=9");
	impair_set_seed(im, 7);
	assert_int_equal(impair_seed(im), 7);
	assert_string_equal(impair_rule_text(im, 1), "loss 20% seed=7");
	assert_string_equal(impair_rule_text(im, 2), "loss in 30% seed=9");
	/* rule 1 now draws the oracle's seed-7 sequence: drops at 6, 7, 9 */
	for (int i = 0; i < 10; i++)
		got[i] = act(im, IMPAIR_OUT, SEG_ACK, 0, NULL) == IMPAIR_DROP ? 'x' : '.';
	got[10] = '\0';
	assert_string_equal(got, "......xx.x");
}

static void direction_filter(void **state)
{
	struct impair *im = *state;

	add(im, "drop out ACK");
	assert_int_equal(act(im, IMPAIR_IN, SEG_ACK, TCB_ESTABLISHED, NULL), IMPAIR_DELIVER);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL), IMPAIR_DROP);
	impair_init(im, 0);
	add(im, "drop ACK");	/* both directions */
	assert_int_equal(act(im, IMPAIR_IN, SEG_ACK, TCB_ESTABLISHED, NULL), IMPAIR_DROP);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL), IMPAIR_DROP);
}

static void flags_exact_and_has(void **state)
{
	struct impair *im = *state;

	add(im, "drop FIN+ACK");
	add(im, "dup has=FIN");
	add(im, "corrupt S.");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_FIN | SEG_ACK, 0, NULL), IMPAIR_DROP);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_FIN | SEG_PSH | SEG_ACK, 0, NULL), IMPAIR_DUP);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_FIN, 0, NULL), IMPAIR_DUP);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, NULL), IMPAIR_DELIVER);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN | SEG_ACK, 0, NULL), IMPAIR_CORRUPT);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN, 0, NULL), IMPAIR_DELIVER);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN | SEG_ACK | SEG_ECE, 0, NULL),
			 IMPAIR_DELIVER);	/* exact means exact */
}

static void data_filter(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct seg s = mkseg(SEG_PSH | SEG_ACK, 0);

	add(im, "drop data");
	assert_int_equal(impair_decide(im, IMPAIR_OUT, &s, TCB_ESTABLISHED, 1, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_DELIVER);
	s.len = 1;
	assert_int_equal(impair_decide(im, IMPAIR_OUT, &s, TCB_ESTABLISHED, 1, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_DROP);
}

/* The brief's example: only the first ACK sent in TIME-WAIT is lost; ACKs in other
 * states do not count as matches. */
static void state_filter_and_nth(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	char line[200];

	add(im, "drop out ACK state=TIME-WAIT nth=1");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, &v), IMPAIR_DELIVER);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_FIN_WAIT_2, &v), IMPAIR_DELIVER);
	assert_int_equal(im->slot[0].matches, 0);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_TIME_WAIT, &v), IMPAIR_DROP);
	assert_int_equal(v.rule, 1);
	assert_int_equal(v.match, 1);
	assert_false(v.drew);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "dropped by rule 1 'drop out ACK state=TIME-WAIT nth=1' "
			    "(match #1)");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_TIME_WAIT, &v), IMPAIR_DELIVER);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "delivered (no rule fired)");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, TCB_NSTATES, &v), IMPAIR_DELIVER);
}

static void state_list(void **state)
{
	struct impair *im = *state;

	add(im, "drop state=SYN_SENT,syn-received");
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN, TCB_SYN_SENT, NULL), IMPAIR_DROP);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN, TCB_SYN_RECEIVED, NULL), IMPAIR_DROP);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN, TCB_LISTEN, NULL), IMPAIR_DELIVER);
}

static void pattern(struct impair *im, const char *rule, int n, const char *want)
{
	char got[32];

	impair_init(im, 0);
	add(im, rule);
	for (int i = 0; i < n; i++)
		got[i] = act(im, IMPAIR_OUT, SEG_ACK, 0, NULL) == IMPAIR_DROP ? 'x' : '.';
	got[n] = '\0';
	assert_string_equal(got, want);
}

static void nth_and_ranges(void **state)
{
	struct impair *im = *state;

	pattern(im, "drop nth=1", 5, "x....");
	pattern(im, "drop nth=3", 5, "..x..");
	pattern(im, "drop nth=2-4", 6, ".xxx..");
	pattern(im, "drop first=3", 6, "xxx...");
	pattern(im, "drop nth=4-", 7, "...xxxx");
	pattern(im, "drop", 3, "xxx");
}

/* First rule that fires wins; a later rule's nth counts only what it was shown. */
static void first_firing_rule_wins(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;

	add(im, "drop SYN nth=2");
	add(im, "delay SYN 5ms");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_SYN, 0, &v), IMPAIR_DELAY);
	assert_int_equal(v.rule, 2);
	assert_int_equal(v.match, 1);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_SYN, 0, &v), IMPAIR_DROP);
	assert_int_equal(v.rule, 1);
	assert_int_equal(v.match, 2);
	assert_int_equal(act(im, IMPAIR_OUT, SEG_SYN, 0, &v), IMPAIR_DELAY);
	assert_int_equal(v.match, 2);	/* rule 2 never saw the dropped SYN */
	assert_string_equal(v.rule_text, "delay SYN 5ms");
	assert_int_equal(im->slot[0].matches, 3);
	assert_int_equal(im->slot[1].matches, 2);
}

static void conn_and_port(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct seg s = mkseg(SEG_ACK, 0);

	add(im, "drop conn=2");
	add(im, "dup port=8080");
	assert_int_equal(impair_decide(im, IMPAIR_IN, &s, 0, 2, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_DROP);
	assert_int_equal(impair_decide(im, IMPAIR_IN, &s, 0, 0, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_DELIVER);	/* in: remote port is sport 40000 */
	assert_int_equal(impair_decide(im, IMPAIR_OUT, &s, 0, 1, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_DUP);		/* out: remote port is dport 8080 */
}

static void every_action_and_its_log_line(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	char line[256];

	add(im, "drop in RST");
	add(im, "delay in SYN+ACK 300ms");
	add(im, "dup out FIN+ACK");
	add(im, "reorder out PSH+ACK");
	add(im, "corrupt out SYN");
	assert_int_equal(act(im, IMPAIR_IN, SEG_RST, 0, &v), IMPAIR_DROP);
	assert_int_equal(act(im, IMPAIR_IN, SEG_SYN | SEG_ACK, 0, &v), IMPAIR_DELAY);
	assert_int_equal(v.until, T0 + 300000);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "delayed 300ms by rule 2 'delay in SYN+ACK 300ms' (match #1)");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_FIN | SEG_ACK, 0, &v), IMPAIR_DUP);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "duplicated by rule 3 'dup out FIN+ACK' (match #1)");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_PSH | SEG_ACK, 0, &v), IMPAIR_REORDER);
	assert_int_equal(v.until, T0 + IMPAIR_REORDER_HOLD_US);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "held back to reorder by rule 4 'reorder out PSH+ACK' (match #1)");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_SYN, 0, &v), IMPAIR_CORRUPT);
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "corrupted by rule 5 'corrupt out SYN' (match #1)");
}

static void random_verdict_log_line(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	char line[256];

	add(im, "loss 20% seed=7");
	for (int i = 0; i < 7; i++)	/* the oracle: index 6 is the first drop */
		act(im, IMPAIR_OUT, SEG_ACK, 0, &v);
	assert_int_equal(v.action, IMPAIR_DROP);
	assert_true(v.draw < 200000);
	assert_int_equal(v.draw, 60752);		/* the oracle's 7th draw */
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "dropped by rule 1 'loss 20% seed=7' (match #7, draw 6.0752% "
			    "< 20%)");
}

/* Jitter: exact values for seed 3 from the Python oracle (uniform in [-5000, 5000] us),
 * and bounds over many draws. */
static void delay_jitter_exact_and_bounded(void **state)
{
	static const uint64_t want[] = { 11907, 11406, 7182, 10340, 9246, 8995 };
	struct impair *im = *state;
	struct impair_verdict v;
	uint64_t lo = UINT64_MAX, hi = 0;
	char line[256];

	add(im, "delay 10ms±5ms seed=3");
	for (int i = 0; i < 6; i++) {
		assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, &v), IMPAIR_DELAY);
		assert_int_equal(v.delay_us, want[i]);
		assert_int_equal(v.until, T0 + want[i]);
		assert_int_equal(v.jitter_us, (int64_t)want[i] - 10000);
	}
	impair_verdict_format(&v, line, sizeof(line));
	assert_string_equal(line, "delayed 8.995ms by rule 1 'delay 10ms±5ms seed=3' (match #6, "
			    "jitter -1.005ms)");
	for (int i = 0; i < 5000; i++) {
		act(im, IMPAIR_OUT, SEG_ACK, 0, &v);
		lo = v.delay_us < lo ? v.delay_us : lo;
		hi = v.delay_us > hi ? v.delay_us : hi;
	}
	assert_in_range(lo, 5000, 5100);
	assert_in_range(hi, 14900, 15000);
}

/* A random delay draws the percentage first, then the jitter only when it fires
 * (oracle: seed 11 fires at 0, 1, 2, 6 with jitters -4128, -562, -1933, -4366 us). */
static void random_delay_with_jitter(void **state)
{
	static const int64_t jit[8] = { -4128, -562, -1933, 0, 0, 0, -4366, 0 };
	struct impair *im = *state;
	struct impair_verdict v;

	add(im, "delay 10ms±5ms 30% seed=11");
	for (int i = 0; i < 8; i++) {
		enum impair_action a = act(im, IMPAIR_OUT, SEG_ACK, 0, &v);

		assert_int_equal(a, (i < 3 || i == 6) ? IMPAIR_DELAY : IMPAIR_DELIVER);
		assert_int_equal(v.jitter_us, jit[i]);
	}
}

/* Reorder: A is held, B passes, then A comes out; a segment in the other direction
 * does not release it. */
static void reorder_hold_and_release_order(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct impair_held h;
	struct err e;
	struct seg s = mkseg(SEG_PSH | SEG_ACK, 100);

	add(im, "reorder out data nth=1");
	assert_int_equal(impair_decide(im, IMPAIR_OUT, &s, TCB_ESTABLISHED, 1, T0, &v), 0);
	assert_int_equal(v.action, IMPAIR_REORDER);
	assert_int_equal(impair_hold(im, &v, 'A', &e), 0);
	assert_int_equal(impair_deadline(im), T0 + IMPAIR_REORDER_HOLD_US);
	assert_false(impair_due(im, T0 + 10, &h));
	/* a segment coming in does not pass A */
	assert_int_equal(impair_decide(im, IMPAIR_IN, &s, TCB_ESTABLISHED, 1, T0 + 10, &v), 0);
	assert_int_equal(v.action, IMPAIR_DELIVER);
	assert_false(impair_due(im, T0 + 10, &h));
	/* B goes out: A is due right now, after B */
	assert_int_equal(impair_decide(im, IMPAIR_OUT, &s, TCB_ESTABLISHED, 1, T0 + 20, &v), 0);
	assert_int_equal(v.action, IMPAIR_DELIVER);
	assert_int_equal(impair_deadline(im), T0 + 20);
	assert_true(impair_due(im, T0 + 20, &h));
	assert_int_equal(h.token, 'A');
	assert_int_equal(h.action, IMPAIR_REORDER);
	assert_true(h.released);
	assert_false(h.timed_out);
	assert_int_equal(h.rule, 1);
	assert_int_equal(h.held_at, T0);
	assert_false(impair_due(im, T0 + 20, &h));
	assert_int_equal(impair_deadline(im), IMPAIR_NEVER);
	assert_int_equal(impair_pending(im), 0);
}

/* Two held in a row come out in the order they were held; a dropped segment does not
 * count as passing. */
static void reorder_two_held_then_one_passes(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct impair_held h;
	struct err e;

	add(im, "reorder out nth=1-2");
	add(im, "drop out nth=1");
	for (uint64_t tok = 1; tok <= 2; tok++) {
		assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, &v), IMPAIR_REORDER);
		assert_int_equal(impair_hold(im, &v, tok, &e), 0);
	}
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, &v), IMPAIR_DROP);
	assert_false(impair_due(im, T0, &h));
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, &v), IMPAIR_DELIVER);
	assert_true(impair_due(im, T0, &h));
	assert_int_equal(h.token, 1);
	assert_true(impair_due(im, T0, &h));
	assert_int_equal(h.token, 2);
	assert_false(impair_due(im, T0, &h));
}

/* With nothing following, the held segment leaves at its max hold. */
static void reorder_max_hold(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct impair_held h;
	struct err e;

	add(im, "reorder out 200ms");
	assert_int_equal(act(im, IMPAIR_OUT, SEG_ACK, 0, &v), IMPAIR_REORDER);
	assert_int_equal(impair_hold(im, &v, 7, &e), 0);
	assert_int_equal(impair_deadline(im), T0 + 200000);
	assert_false(impair_due(im, T0 + 199999, &h));
	assert_true(impair_due(im, T0 + 200000, &h));
	assert_int_equal(h.token, 7);
	assert_true(h.timed_out);
	assert_false(h.released);
}

/* Delays leave in order of due time; a delayed segment leaving releases a reorder
 * hold of its direction right after it. */
static void delay_queue_and_reorder_behind_delay(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct impair_held h;
	struct err e;
	struct seg s = mkseg(SEG_ACK, 0);

	add(im, "delay out SYN 30ms");
	add(im, "delay out FIN 10ms");
	add(im, "reorder out RST");
	s.flags = SEG_SYN;
	impair_decide(im, IMPAIR_OUT, &s, 0, 1, T0, &v);
	assert_int_equal(impair_hold(im, &v, 1, &e), 0);
	s.flags = SEG_FIN;
	impair_decide(im, IMPAIR_OUT, &s, 0, 1, T0 + 1000, &v);
	assert_int_equal(impair_hold(im, &v, 2, &e), 0);
	s.flags = SEG_RST;
	impair_decide(im, IMPAIR_OUT, &s, 0, 1, T0 + 2000, &v);
	assert_int_equal(v.action, IMPAIR_REORDER);
	assert_int_equal(impair_hold(im, &v, 3, &e), 0);
	assert_int_equal(impair_pending(im), 3);
	assert_int_equal(impair_deadline(im), T0 + 11000);
	assert_false(impair_due(im, T0 + 10999, &h));
	assert_true(impair_due(im, T0 + 11000, &h));
	assert_int_equal(h.token, 2);		/* FIN, due +11 ms */
	assert_int_equal(impair_deadline(im), T0 + 11000);
	assert_true(impair_due(im, T0 + 11000, &h));
	assert_int_equal(h.token, 3);		/* the RST, right behind the FIN */
	assert_true(h.released);
	assert_int_equal(impair_deadline(im), T0 + 30000);
	assert_true(impair_due(im, T0 + 40000, &h));
	assert_int_equal(h.token, 1);
	assert_int_equal(h.due, T0 + 30000);
}

static void hold_rejects_bad_use(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct err e = { "" };

	add(im, "drop SYN");
	add(im, "delay ACK 1ms");
	act(im, IMPAIR_OUT, SEG_SYN, 0, &v);
	assert_int_equal(impair_hold(im, &v, 1, &e), -1);
	assert_string_equal(e.msg, "impair: only delayed or reordered segments are held");
	act(im, IMPAIR_OUT, SEG_ACK, 0, &v);
	for (int i = 0; i < IMPAIR_HOLD_MAX; i++)
		assert_int_equal(impair_hold(im, &v, (uint64_t)i, &e), 0);
	assert_int_equal(impair_hold(im, &v, 99, &e), -1);
	assert_string_equal(e.msg, "impair: 64 segments already held");
}

static void decide_rejects_bad_arguments(void **state)
{
	struct impair *im = *state;
	struct impair_verdict v;
	struct seg s = mkseg(SEG_SYN, 0);

	add(im, "drop");
	assert_int_equal(impair_decide(im, IMPAIR_BOTH, &s, 0, 1, T0, &v), -1);
	assert_int_equal(v.action, IMPAIR_DELIVER);
	assert_int_equal(impair_decide(im, IMPAIR_OUT, NULL, 0, 1, T0, &v), -1);
	assert_int_equal(v.action, IMPAIR_DELIVER);
	assert_int_equal(im->slot[0].matches, 0);
}

/* ---- corrupt: bytes built by hand, checksums verified by this file's own RFC 1071 ---- */

static uint32_t sum16(uint32_t sum, const uint8_t *p, size_t len)
{
	for (size_t i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

static uint16_t fold(uint32_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)sum;
}

/* One's complement sum over pseudo-header + TCP; 0xffff means the checksum verifies. */
static uint16_t tcp_sum(const uint8_t *pkt, size_t len)
{
	uint8_t pseudo[12];

	memcpy(pseudo, pkt + 12, 8);
	pseudo[8] = 0;
	pseudo[9] = 6;
	pseudo[10] = (uint8_t)((len - 20) >> 8);
	pseudo[11] = (uint8_t)(len - 20);
	return fold(sum16(sum16(0, pseudo, 12), pkt + 20, len - 20));
}

/* 198.18.0.1:40000 -> 198.18.0.2:8080, SYN, 2 payload bytes p0 p1. */
static size_t build_pkt(uint8_t *pkt, uint8_t p0, uint8_t p1)
{
	static const uint8_t hdr[40] = {
		0x45, 0, 0, 42, 0x12, 0x34, 0x40, 0, 64, 6, 0, 0, 198, 18, 0, 1, 198, 18, 0, 2,
		0x9c, 0x40, 0x1f, 0x90, 0, 0, 0x10, 0, 0, 0, 0, 0, 0x50, 0x02, 0xfa, 0xf0,
		0, 0, 0, 0,
	};
	uint16_t c;

	memcpy(pkt, hdr, 40);
	pkt[40] = p0;
	pkt[41] = p1;
	c = (uint16_t)~fold(sum16(0, pkt, 20));
	pkt[10] = (uint8_t)(c >> 8);
	pkt[11] = (uint8_t)c;
	c = (uint16_t)~tcp_sum(pkt, 42);
	pkt[36] = (uint8_t)(c >> 8);
	pkt[37] = (uint8_t)c;
	return 42;
}

static void corrupt_bytes_breaks_only_tcp_checksum(void **state)
{
	uint8_t pkt[42], orig[42];
	size_t len = build_pkt(pkt, 'h', 'i');

	(void)state;
	assert_int_equal(tcp_sum(pkt, len), 0xffff);
	assert_int_equal(fold(sum16(0, pkt, 20)), 0xffff);
	memcpy(orig, pkt, len);
	assert_int_equal(impair_corrupt_bytes(pkt, len), 0);
	assert_int_not_equal(tcp_sum(pkt, len), 0xffff);
	assert_int_equal(fold(sum16(0, pkt, 20)), 0xffff);	/* IPv4 header untouched */
	assert_memory_equal(pkt, orig, 36);
	assert_memory_equal(pkt + 38, orig + 38, 4);
}

/* The trap: a correct checksum of 0x0000 flipped to 0xffff would still verify (one's
 * complement has two zeros). Find payload bytes giving 0x0000 and check detection. */
static void corrupt_bytes_detected_even_when_checksum_is_zero(void **state)
{
	uint8_t pkt[42];
	size_t len = 0;
	int found = 0;

	(void)state;
	for (int w = 0; w < 65536 && !found; w++) {
		len = build_pkt(pkt, (uint8_t)(w >> 8), (uint8_t)w);
		found = pkt[36] == 0 && pkt[37] == 0;
	}
	assert_true(found);
	assert_int_equal(tcp_sum(pkt, len), 0xffff);
	assert_int_equal(impair_corrupt_bytes(pkt, len), 0);
	assert_int_not_equal(tcp_sum(pkt, len), 0xffff);
	assert_int_not_equal(tcp_sum(pkt, len), 0x0000);
}

static void corrupt_bytes_rejects_non_tcp(void **state)
{
	uint8_t pkt[42];
	size_t len = build_pkt(pkt, 0, 0);

	(void)state;
	assert_int_equal(impair_corrupt_bytes(pkt, 37), -1);	/* checksum field cut */
	assert_int_equal(impair_corrupt_bytes(pkt, 0), -1);
	assert_int_equal(impair_corrupt_bytes(NULL, len), -1);
	pkt[3] = 30;						/* IPv4 total length too small */
	assert_int_equal(impair_corrupt_bytes(pkt, len), -1);
	build_pkt(pkt, 0, 0);
	pkt[9] = 17;						/* UDP */
	assert_int_equal(impair_corrupt_bytes(pkt, len), -1);
	build_pkt(pkt, 0, 0);
	pkt[0] = 0x65;						/* IPv6 version */
	assert_int_equal(impair_corrupt_bytes(pkt, len), -1);
	build_pkt(pkt, 0, 0);
	pkt[0] = 0x4f;						/* IHL 60 > length */
	assert_int_equal(impair_corrupt_bytes(pkt, len), -1);
	build_pkt(pkt, 0, 0);
	pkt[7] = 1;						/* fragment offset 8 */
	assert_int_equal(impair_corrupt_bytes(pkt, len), -1);
}

/* Through the real codec: seg_build gives valid bytes, impair_corrupt_bytes makes
 * seg_parse report a bad TCP checksum and a good IPv4 one. */
static void corrupt_bytes_seen_by_seg_parse(void **state)
{
	static const uint8_t data[] = "hello";
	struct seg s = mkseg(SEG_PSH | SEG_ACK, 5), back;
	uint8_t buf[128];
	size_t len;
	struct err e = { "" };

	(void)state;
	s.saddr = 0xc6120001;	/* 198.18.0.1 */
	s.daddr = 0xc6120002;
	s.seq = 1000;
	s.ack = 2000;
	s.win = 64240;
	s.payload = data;
	assert_int_equal(seg_build(&s, buf, sizeof(buf), &len, &e), 0);
	assert_int_equal(seg_parse(buf, len, &back, &e), 0);
	assert_true(back.tcp_csum_ok);
	assert_int_equal(impair_corrupt_bytes(buf, len), 0);
	assert_int_equal(seg_parse(buf, len, &back, &e), 0);
	assert_false(back.tcp_csum_ok);
	assert_true(back.ip_csum_ok);
	assert_int_equal(back.seq, 1000);
	assert_int_equal(back.len, 5);
}

/* Published test vectors: splitmix64 from 1234567 and xoshiro256** from {1,2,3,4}. */
static void prng_reference_vectors(void **state)
{
	static const uint64_t sm[] = { 6457827717110365317ull, 3203168211198807973ull,
				       9817491932198370423ull, 4593380528125082431ull,
				       16408922859458223821ull };
	static const uint64_t xo[] = { 11520ull, 0ull, 1509978240ull, 1215971899390074240ull };
	struct prng p = { { 1, 2, 3, 4 } };
	uint64_t x = 1234567;

	(void)state;
	for (int i = 0; i < 5; i++)
		assert_int_equal(prng_splitmix64(&x), sm[i]);
	for (int i = 0; i < 4; i++)
		assert_int_equal(prng_next(&p), xo[i]);
	prng_seed(&p, 7);
	assert_int_equal(prng_below(&p, 1000000), 700576);	/* Python oracle */
	assert_int_equal(prng_below(&p, 1), 0);
}

/* ---- the printed seed repeats the run (impair_seed_note) ---- */

/* The drop pattern (bit i = segment i dropped) of 64 ACKs through a fresh engine made
 * from `entropy`, the rules `rules` and, when set_seed, impair_set_seed(seed). */
static uint64_t drop_pattern(const char *rules, uint64_t entropy, bool set_seed,
			     uint64_t seed)
{
	struct impair *im = malloc(sizeof(*im));
	uint64_t bits = 0;

	assert_non_null(im);
	impair_init(im, entropy);
	add(im, rules);
	if (set_seed)
		impair_set_seed(im, seed);
	for (int i = 0; i < 64; i++)
		if (act(im, IMPAIR_OUT, SEG_ACK, TCB_ESTABLISHED, NULL) == IMPAIR_DROP)
			bits |= 1ull << i;
	free(im);
	return bits;
}

/* The number after "seed " in a note. */
static uint64_t note_seed(const char *note)
{
	const char *p = strstr(note, "seed ");

	assert_non_null(p);
	return strtoull(p + 5, NULL, 10);
}

/* A rule's own seed= is the seed printed, not the engine's, and it is the one that
 * repeats the run: a fresh engine with other entropy and the printed seed drops the
 * same segments. */
static void seed_note_own_seed_is_printed(void **state)
{
	struct impair *im = *state;
	char note[256];
	uint64_t run;

	add(im, "loss 20% seed=7");
	assert_true(impair_seed(im) != 7);	/* the engine seed differs (entropy 42) */
	assert_true(impair_seed_note(im, note, sizeof(note)) > 0);
	assert_string_equal(note, "seed 7 (rule 1's own seed); the rules as printed repeat "
			    "this run");
	run = drop_pattern("loss 20% seed=7", 42, false, 0);
	assert_true(run != 0);
	assert_int_equal(drop_pattern("loss 20% seed=7", 99, true, 123), run);
	{
		char again[64];

		snprintf(again, sizeof(again), "loss 20%% seed=%llu",
			 (unsigned long long)note_seed(note));
		assert_int_equal(drop_pattern(again, 1234, false, 0), run);
	}
}

/* Without seed= the engine seed is printed and --impair-seed with it repeats the run. */
static void seed_note_engine_seed_repeats(void **state)
{
	struct impair *im = *state;
	char note[256], want[128];
	uint64_t run;

	add(im, "loss 20%");
	assert_true(impair_seed_note(im, note, sizeof(note)) > 0);
	snprintf(want, sizeof(want), "seed %llu (repeat this run with --impair-seed %llu)",
		 (unsigned long long)impair_seed(im), (unsigned long long)impair_seed(im));
	assert_string_equal(note, want);
	run = drop_pattern("loss 20%", 42, false, 0);
	assert_int_equal(drop_pattern("loss 20%", 7777, true, note_seed(note)), run);
	assert_true(drop_pattern("loss 20%", 7777, false, 0) != run);	/* the seed matters */
}

/* Both kinds: the engine seed first, then each rule that keeps its own; a jitter is
 * random too; no random rule, no note. */
static void seed_note_mixed_jitter_and_none(void **state)
{
	struct impair *im = *state;
	struct impair *plain = malloc(sizeof(*plain));
	char note[256], want[160];

	add(im, "drop out SYN; loss 10%; dup 5% seed=9; delay 10ms±5ms seed=3");
	assert_true(impair_seed_note(im, note, sizeof(note)) > 0);
	snprintf(want, sizeof(want), "seed %llu (repeat this run with --impair-seed %llu; "
		 "rule 3 keeps its own seed=9; rule 4 keeps its own seed=3)",
		 (unsigned long long)impair_seed(im), (unsigned long long)impair_seed(im));
	assert_string_equal(note, want);
	assert_non_null(plain);
	impair_init(plain, 5);
	add(plain, "delay in SYN+ACK 300ms±20ms seed=11; drop out FIN");
	assert_true(impair_seed_note(plain, note, sizeof(note)) > 0);
	assert_string_equal(note, "seed 11 (rule 1's own seed); the rules as printed repeat "
			    "this run");
	impair_init(plain, 5);
	add(plain, "drop out SYN; delay 300ms");
	assert_int_equal(impair_seed_note(plain, note, sizeof(note)), 0);
	assert_string_equal(note, "");
	free(plain);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)
		T(loss_20_seed_7_exact_pattern),
		T(seed_note_own_seed_is_printed),
		T(seed_note_engine_seed_repeats),
		T(seed_note_mixed_jitter_and_none),
		T(loss_rate_within_tolerance),
		T(loss_rate_other_seeds),
		T(percent_extremes),
		T(seed_from_entropy_is_printable_and_repeatable),
		T(set_seed_reseeds_only_unseeded_rules),
		T(direction_filter),
		T(flags_exact_and_has),
		T(data_filter),
		T(state_filter_and_nth),
		T(state_list),
		T(nth_and_ranges),
		T(first_firing_rule_wins),
		T(conn_and_port),
		T(every_action_and_its_log_line),
		T(random_verdict_log_line),
		T(delay_jitter_exact_and_bounded),
		T(random_delay_with_jitter),
		T(reorder_hold_and_release_order),
		T(reorder_two_held_then_one_passes),
		T(reorder_max_hold),
		T(delay_queue_and_reorder_behind_delay),
		T(hold_rejects_bad_use),
		T(decide_rejects_bad_arguments),
		T(corrupt_bytes_breaks_only_tcp_checksum),
		T(corrupt_bytes_detected_even_when_checksum_is_zero),
		T(corrupt_bytes_rejects_non_tcp),
		T(corrupt_bytes_seen_by_seg_parse),
		T(prng_reference_vectors),
#undef T
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
