/* test_explain_jw.c - the direct JSON writer against jansson: strings, numbers, every record kind. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <jansson.h>

#include "explain_json.h"
#include "explain_jw.h"
#include "helper_explain_recs.h"

#define MAXRECS 64

/* A small deterministic PRNG (xorshift64*): the same cases on every run. */
static uint64_t rnd(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 2685821657736338717ull;
}

/* What jansson writes for the string s[0..n), with the newline the writer ends on, or
 * NULL when jansson refuses the text. The caller frees it. */
static char *jansson_line(const char *s, size_t n)
{
	json_t *j = json_stringn(s, n);
	char *d, *line;

	if (!j)
		return NULL;
	d = json_dumps(j, JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
	json_decref(j);
	assert_non_null(d);
	line = malloc(strlen(d) + 2);
	assert_non_null(line);
	sprintf(line, "%s\n", d);
	free(d);
	return line;
}

/* What the writer makes of the string, or NULL when it refuses it. */
static char *jw_line(const char *s, size_t n)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct explain_jw w;
	bool ok;

	assert_non_null(f);
	explain_jw_init(&w, f);
	ok = explain_jw_strn(&w, s, n);
	assert_int_equal(explain_jw_end(&w), 0);
	fclose(f);
	if (ok)
		return buf;
	assert_string_equal(buf, "\n");	/* a refused string writes nothing */
	free(buf);
	return NULL;
}

static void same_string(const char *s, size_t n)
{
	char *want = jansson_line(s, n), *got = jw_line(s, n);

	assert_int_equal(want != NULL, got != NULL);
	assert_int_equal(explain_jw_utf8_ok(s, n), want != NULL);
	if (want)
		assert_string_equal(got, want);
	free(want);
	free(got);
}

/* One random byte, weighted towards the ones the rules are about. */
static char pick(uint64_t *seed)
{
	static const char special[] = "\"\\/\b\f\n\r\t\x01\x1f\x7f";
	static const char *const utf8[] = { "\xc2\xa7", "\xe4\xb8\xad", "\xf0\x9f\x98\x80",
					    "\xe2\x80\xa8", "\xef\xbf\xbd" };
	uint64_t r = rnd(seed);

	switch (r % 6) {
	case 0: return special[(r >> 8) % (sizeof(special) - 1)];
	case 1: return (char)(r >> 8);				/* any byte at all */
	case 2: return utf8[(r >> 8) % 5][(r >> 16) % 2];	/* part of a character */
	default: return (char)(' ' + (r >> 8) % 95);		/* printable ASCII */
	}
}

/* Random strings: the escapes and the UTF-8 rule, byte for byte as jansson. */
static void random_strings_as_jansson(void **state)
{
	uint64_t seed = 0x5eed5eedull;
	char s[64];

	(void)state;
	for (int i = 0; i < 20000; i++) {
		size_t n = rnd(&seed) % sizeof(s);

		for (size_t k = 0; k < n; k++)
			s[k] = pick(&seed);
		same_string(s, n);
	}
}

/* Each kind of bad UTF-8, a character of each length, every control, and a string that
 * crosses the writer's buffer several times. */
static void named_strings_as_jansson(void **state)
{
	static const char *const cases[] = {
		"", "plain", "RFC 9293 \xc2\xa7" "3.4.1", "\xe6\x8f\xa1\xe6\x89\x8b", "\xf0\x9f\x98\x80",
		"\xc0\xaf", "\xc1\xbf", "\xe0\x80\xaf", "\xed\xa0\x80", "\xf0\x8f\xbf\xbf",
		"\xf4\x90\x80\x80", "\xf5\x80\x80\x80", "\xff", "\x80", "\xe4\xb8", "tail \xe4",
		"quote \" back \\ slash /", "\x7f del",
	};
	char ctl[32], big[10000];

	(void)state;
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++)
		same_string(cases[i], strlen(cases[i]));
	for (int c = 0; c < 32; c++)
		ctl[c] = (char)c;
	same_string(ctl, sizeof(ctl));	/* with a NUL in it, as json_stringn takes it */
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = "ab\"\n\xe4\xb8\xad"[i % 7];
	same_string(big, sizeof(big) - 1);	/* ends inside no character: 9999 = 7 * 1428 + 3 */
}

static void integers_as_jansson(void **state)
{
	static const int64_t v[] = { 0, 1, -1, 9, 10, 4294967295ll, INT64_MAX, INT64_MIN };

	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char *buf = NULL, *d;
		size_t len = 0;
		FILE *f = open_memstream(&buf, &len);
		struct explain_jw w;
		json_t *j = json_integer(v[i]);

		explain_jw_init(&w, f);
		explain_jw_int(&w, v[i]);
		assert_int_equal(explain_jw_end(&w), 0);
		fclose(f);
		d = json_dumps(j, JSON_ENCODE_ANY);
		buf[strlen(buf) - 1] = '\0';
		assert_string_equal(buf, d);
		free(buf);
		free(d);
		json_decref(j);
	}
}

/* The record through both writers: the direct one must be jansson's line. */
static void same_record(const struct explain_rec *r, const char *text)
{
	char *a = NULL, *b = NULL;
	size_t la = 0, lb = 0;
	FILE *fa = open_memstream(&a, &la), *fb = open_memstream(&b, &lb);
	json_t *o = explain_json_rec(r, EXPLAIN_LANG_EN, text);

	assert_non_null(o);
	assert_int_equal(explain_json_fast_write(r, EXPLAIN_LANG_EN, text, fa), 0);
	assert_int_equal(explain_json_write_obj(o, fb), 0);
	json_decref(o);
	fclose(fa);
	fclose(fb);
	assert_string_equal(a, b);
	free(a);
	free(b);
}

static size_t all_scenarios(struct explain_rec *r, size_t cap)
{
	size_t n = 0;

	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++)
		n += helper_scenario((enum helper_scenario)sc, r + n, cap - n);
	return n;
}

/* Every segment and summary of the scenarios, with their own prose and with a text that
 * needs escaping. */
static void scenario_records_as_jansson(void **state)
{
	struct explain_rec r[MAXRECS * HELPER_NSCENARIOS];
	size_t n = all_scenarios(r, sizeof(r) / sizeof(r[0])), seen = 0;

	(void)state;
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind != EXPLAIN_REC_SEGMENT && r[i].kind != EXPLAIN_REC_SUMMARY)
			continue;
		same_record(&r[i], NULL);
		same_record(&r[i], "\"quoted\"\tand \xe4\xb8\xad\xe6\x96\x87 \\ \x01");
		same_record(&r[i], "not UTF-8: \xff\xfe");	/* both escape it the same way */
		seen++;
	}
	assert_true(seen >= 10);
}

/* Shakes every member the writer prints: null and present, empty and full arrays,
 * negative times, nanosecond times, the crossing-FIN summary. */
static void mutate(struct explain_rec *r, uint64_t *seed)
{
	struct explain_summary *m = &r->sum;

	r->frame = rnd(seed) >> (rnd(seed) % 64);
	r->conn = (uint32_t)rnd(seed);
	r->t_us = rnd(seed) >> 20;
	r->ts.digits = (uint8_t)(rnd(seed) % 3 ? 0 : 9);
	r->ts.sec = (int64_t)(rnd(seed) % 2000) - 1000;
	r->ts.as = rnd(seed) % TSTAMP_AS;
	r->seq = (uint32_t)rnd(seed);
	r->ack = (uint32_t)rnd(seed);
	r->win_scaled = rnd(seed) % 4 ? (int64_t)(rnd(seed) >> 34) : -1;
	r->seg.cut = rnd(seed) % 3 ? 0 : (uint32_t)rnd(seed) % 1500;
	r->seg.frag = rnd(seed) % 5 == 0;
	r->analysis = (uint32_t)rnd(seed) & ((1u << EXPLAIN_AF_COUNT) - 1);
	for (int e = 0; e < 2; e++) {
		r->ep[e].known = rnd(seed) % 4 != 0;
		r->ep[e].nvia = (uint8_t)(rnd(seed) % (EXPLAIN_MAX_VIA + 1));
		for (int v = 0; v < EXPLAIN_MAX_VIA; v++)
			r->ep[e].via[v] = (enum tcb_state)(rnd(seed) % TCB_NSTATES);
		m->final[e] = (enum tcb_state)(rnd(seed) % TCB_NSTATES);
		m->final_unknown[e] = rnd(seed) % 3 == 0;
		m->nsegs[e] = rnd(seed) >> 40;
		m->bytes[e] = rnd(seed) >> 30;
	}
	m->has_handshake = rnd(seed) % 2;
	m->hs_rtt_us = rnd(seed) >> 40;
	m->closed = rnd(seed) % 2;
	m->reset = rnd(seed) % 2;
	m->sim_close = rnd(seed) % 2;
	m->time_wait_cut = rnd(seed) % 2;
	m->closer = (int)(rnd(seed) % 3) - 1;
	m->time_wait = (int)(rnd(seed) % 3) - 1;
	m->close_segments = (int)(rnd(seed) % 5);
	m->nrtx = (uint32_t)(rnd(seed) % (EXPLAIN_MAX_RTX + 4));
	for (int k = 0; k < EXPLAIN_MAX_RTX; k++) {
		m->rtx[k].frame = rnd(seed) >> 30;
		m->rtx[k].of_frame = rnd(seed) >> 30;
		m->rtx[k].after_us = rnd(seed) >> 28;
		m->rtx[k].dir = (int)(rnd(seed) % 2);
		m->rtx[k].seq = (uint32_t)rnd(seed);
		m->rtx[k].cause = (uint8_t)(rnd(seed) % 8);	/* past the names too */
	}
}

static void random_records_as_jansson(void **state)
{
	struct explain_rec base[MAXRECS * HELPER_NSCENARIOS];
	size_t n = all_scenarios(base, sizeof(base) / sizeof(base[0]));
	uint64_t seed = 42;

	(void)state;
	for (int i = 0; i < 4000; i++) {
		struct explain_rec r = base[rnd(&seed) % n];

		r.kind = rnd(&seed) % 2 ? EXPLAIN_REC_SEGMENT : EXPLAIN_REC_SUMMARY;
		mutate(&r, &seed);
		same_record(&r, "Handshake 1/3: RFC 9293 \xc2\xa7" "3.4.1 \"x\"");
	}
}

/* Exact times at their edges: negative, a whole second, every resolution. */
static void exact_times_as_jansson(void **state)
{
	static const struct tstamp ts[] = {
		{ 0, 0, 6 }, { -1, 0, 9 }, { -1, 1, 18 }, { -5, 0, 6 }, { 0, TSTAMP_AS - 1, 18 },
		{ INT64_MAX / 2, 123456789000000000ull, 9 }, { 42, 500000000000000000ull, 1 },
		{ -42, 999999999999999999ull, 3 },
	};
	struct explain_rec r[MAXRECS];
	size_t n = helper_scenario(HELPER_HANDSHAKE, r, MAXRECS);

	(void)state;
	assert_true(n > 0 && r[0].kind == EXPLAIN_REC_SEGMENT);
	for (size_t i = 0; i < sizeof(ts) / sizeof(ts[0]); i++) {
		r[0].ts = ts[i];
		same_record(&r[0], "x");
	}
	r[0].ts.digits = 0;	/* then the microseconds */
	r[0].t_us = UINT64_MAX;
	same_record(&r[0], "x");
}

/* A write that fails is reported, not lost. */
static void full_disk_is_an_error(void **state)
{
	struct explain_rec r[MAXRECS];
	size_t n = helper_scenario(HELPER_HANDSHAKE, r, MAXRECS);
	FILE *f = fopen("/dev/full", "w");

	(void)state;
	assert_true(n > 0);
	assert_non_null(f);
	setvbuf(f, NULL, _IONBF, 0);
	assert_int_equal(explain_json_fast_write(&r[0], EXPLAIN_LANG_EN, "x", f), -1);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_strings_as_jansson),
		cmocka_unit_test(named_strings_as_jansson),
		cmocka_unit_test(integers_as_jansson),
		cmocka_unit_test(scenario_records_as_jansson),
		cmocka_unit_test(random_records_as_jansson),
		cmocka_unit_test(exact_times_as_jansson),
		cmocka_unit_test(full_disk_is_an_error),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
