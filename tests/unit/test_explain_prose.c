/* test_explain_prose.c - message tables and the prose renderer: golden English/Chinese text and arithmetic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain_present.h"
#include "helper_explain_recs.h"
#include "helper_golden.h"

#define MAXRECS 64

static const char *const lang_tag[EXPLAIN_LANG_COUNT] = { "en", "zh" };

/* All records of a scenario, one line each ("frame 3 segment: ..."). */
static void render_scenario(enum helper_scenario sc, enum explain_lang lang, struct helper_buf *out)
{
	static const char *const kinds[] = { "segment", "event", "impair", "summary" };
	struct explain_rec r[MAXRECS];
	struct explain_prose_ctx c;
	char buf[EXPLAIN_PROSE_MAX], line[64];
	size_t n = helper_scenario(sc, r, MAXRECS);

	explain_prose_ctx_init(&c);
	for (size_t i = 0; i < n; i++) {
		int k = explain_prose_ctx(&c, &r[i], lang, buf, sizeof(buf));
		assert_true(k > 0);
		snprintf(line, sizeof(line), "frame %llu %s: ", (unsigned long long)r[i].frame,
			 kinds[r[i].kind]);
		helper_buf_add(out, line, strlen(line));
		helper_buf_add(out, buf, strlen(buf));
		helper_buf_add(out, "\n", 1);
	}
}

static void golden_prose_all_scenarios(void **state)
{
	(void)state;
	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++) {
		for (int l = 0; l < EXPLAIN_LANG_COUNT; l++) {
			struct helper_buf b = { 0 };
			char name[96];

			render_scenario((enum helper_scenario)sc, (enum explain_lang)l, &b);
			snprintf(name, sizeof(name), "prose_%s_%s.txt", helper_scenario_name[sc],
				 lang_tag[l]);
			assert_int_equal(helper_golden(name, b.p, b.len), 0);
			/* every placeholder was filled */
			assert_null(strchr(b.p, '{'));
			helper_buf_free(&b);
		}
	}
}

static void prose_of(enum helper_scenario sc, size_t idx, enum explain_lang lang, bool ctx,
		     char *buf, size_t cap)
{
	struct explain_rec r[MAXRECS];
	struct explain_prose_ctx c;
	size_t n = helper_scenario(sc, r, MAXRECS);

	assert_true(idx < n);
	explain_prose_ctx_init(&c);
	for (size_t i = 0; i <= idx; i++)
		explain_prose_ctx(ctx ? &c : NULL, &r[i], lang, buf, cap);
}

static void synack_arithmetic_en_zh(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	prose_of(HELPER_HANDSHAKE, 1, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ack 1 = the client's ISN 3851210777 + 1 (raw 3851210778)"));
	assert_non_null(strstr(buf, "so the server now expects byte 1"));
	assert_non_null(strstr(buf, "Client: SYN-SENT → ESTABLISHED ("));
	prose_of(HELPER_HANDSHAKE, 1, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "第二次握手：服务端"));
	assert_non_null(strstr(buf, "ack = 客户端的 ISN 3851210777 + 1 = 3851210778"));
	assert_non_null(strstr(buf, "客户端：SYN_SENT → ESTABLISHED（"));
	/* seed 004's slip: seq 1 is the next byte, not "one packet was sent" */
	prose_of(HELPER_HANDSHAKE, 2, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "the next byte it will send is byte 1"));
}

static void fin_after_echo_quotes_the_stream(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	/* records: SYN, SYN+ACK, ACK, data, ACK, data, ACK, FIN (index 7) */
	prose_of(HELPER_ECHO_CLOSE4, 7, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "seq 15: the client sent bytes 1..14 ('Just a test.\\r\\n'), "
				    "so its FIN takes sequence number 15"));
	prose_of(HELPER_ECHO_CLOSE4, 7, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "第一次挥手"));
	assert_non_null(strstr(buf, "所以它的 FIN 占用序号 15"));
	/* without the context the quote is simply left out */
	prose_of(HELPER_ECHO_CLOSE4, 7, EXPLAIN_LANG_EN, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, "seq 15: the client sent bytes 1..14, so its FIN"));
	/* the ACK of that FIN: 15 + 1 */
	prose_of(HELPER_ECHO_CLOSE4, 8, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "ack 16 = 15 + 1"));
	assert_non_null(strstr(buf, "Close 2/4"));
}

/* A payload the snaplen cut (#13): only the captured bytes are quoted, the sentence says
 * how many were not captured, and the stream is not quoted later as if it were whole. */
static void cut_payload_quotes_only_what_was_captured(void **state)
{
	struct explain_rec r[MAXRECS];
	struct explain_prose_ctx c;
	char buf[EXPLAIN_PROSE_MAX];
	size_t n = helper_scenario(HELPER_ECHO_CLOSE4, r, MAXRECS);

	(void)state;
	assert_true(n > 7);
	assert_int_equal(r[3].len, 14);
	r[3].seg.cut = 10;	/* "Just" kept of "Just a test.\r\n" */
	explain_prose_ctx_init(&c);
	for (size_t i = 0; i <= 7; i++) {
		explain_prose_ctx(&c, &r[i], EXPLAIN_LANG_EN, buf, sizeof(buf));
		if (i == 3) {
			assert_non_null(strstr(buf, "('Just...')"));
			assert_null(strstr(buf, "Just a"));
			assert_non_null(strstr(buf, "The capture kept only 4 payload bytes: the "
						    "segment carries 14 bytes, 10 not captured"));
		}
	}
	assert_non_null(strstr(buf, "seq 15: the client sent bytes 1..14, so its FIN"));
	r[3].seg.len = 4 + 10;	/* a viewer's copy keeps len - cut bytes: same words */
	explain_prose(&r[3], EXPLAIN_LANG_ZH, buf, sizeof(buf));
	assert_non_null(strstr(buf, "抓包只保存了前 4 字节载荷：这个段有 14 字节，10 字节未被保存"));
}

/* Escapes are never cut in half (a lone "\\" would read as another byte). */
static void escapes_cut_whole(void **state)
{
	char buf[16];

	(void)state;
	explain_escape_bytes((const uint8_t *)"\x01\x02\x03\x04", 4, 32, buf, sizeof(buf));
	assert_string_equal(buf, "\\x01\\x02\\x03...");
}

/* A retransmitted FIN says both what it retransmits and which bytes came before it: the
 * two sentences' numbers must not overwrite each other. */
static void retransmitted_fin_keeps_its_byte_range(void **state)
{
	struct explain_rec r[MAXRECS];
	struct explain_prose_ctx c;
	char buf[EXPLAIN_PROSE_MAX];
	size_t n = helper_scenario(HELPER_ECHO_CLOSE4, r, MAXRECS);

	(void)state;
	assert_true(n > 8);
	explain_prose_ctx_init(&c);
	for (size_t i = 0; i <= 7; i++)
		explain_prose_ctx(&c, &r[i], EXPLAIN_LANG_EN, buf, sizeof(buf));
	r[8] = r[7];
	r[8].frame = r[7].frame + 1;
	r[8].analysis |= EXPLAIN_AF_RETRANSMISSION;
	r[8].why.rtx_count = 1;
	r[8].why.rtx_of_frame = r[7].frame;
	r[8].why.rtx_after_us = 200000;
	explain_prose_ctx(&c, &r[8], EXPLAIN_LANG_EN, buf, sizeof(buf));
	assert_non_null(strstr(buf, "retransmission #1, 200.000 ms after the original"));
	assert_non_null(strstr(buf, "the client sent bytes 1..14 ('Just a test.\\r\\n')"));
}

static void close_variants_and_summaries(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	prose_of(HELPER_CLOSE3, 4, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Close 2/3"));
	prose_of(HELPER_CLOSE3, 5, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "第三次挥手"));
	prose_of(HELPER_CLOSE3, 6, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "三次挥手：FIN、FIN+ACK、ACK"));
	prose_of(HELPER_ECHO_CLOSE4, 11, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "四次挥手：FIN、ACK、FIN、ACK"));
	assert_non_null(strstr(buf, "客户端最后进入 TIME_WAIT"));
	prose_of(HELPER_SERVER_FIRST, 7, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "The server closed first"));
	assert_non_null(strstr(buf, "The server ends in TIME-WAIT"));
	/* no context: the close step cannot be numbered */
	prose_of(HELPER_ECHO_CLOSE4, 10, EXPLAIN_LANG_EN, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, "Last ACK of the close"));
}

static void retransmission_and_impairment(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];

	(void)state;
	prose_of(HELPER_LIVE_DROP, 2, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_true(strncmp(buf, "✗ Dropped by the impairment engine", 36) == 0);
	prose_of(HELPER_LIVE_DROP, 5, EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "SYN+ACK retransmission #1, 1.000 s after the original"));
	prose_of(HELPER_LIVE_DROP, 3, EXPLAIN_LANG_ZH, true, buf, sizeof(buf));
	assert_non_null(strstr(buf, "重传定时器在 1.000 秒后超时"));
	assert_non_null(strstr(buf, "下一次要等 2.000 秒"));
}

/* A delay at --time-scale holds the wall time the log's clock shows; the rule's own
 * value is said beside it, never in its place (#12: "held back 2.000 s" was false). */
static void scaled_delay_says_both_clocks(void **state)
{
	struct explain_rec r[MAXRECS];
	char buf[EXPLAIN_PROSE_MAX];
	size_t n = helper_scenario(HELPER_LIVE_DROP, r, MAXRECS);

	(void)state;
	assert_true(n > 2 && r[2].kind == EXPLAIN_REC_IMPAIR);
	r[2].impair.act = EXPLAIN_IMP_DELAY;
	r[2].impair.delay_us = 100000;
	r[2].impair.rule_us = 2000000;
	explain_prose_ctx(NULL, &r[2], EXPLAIN_LANG_EN, buf, sizeof(buf));
	assert_non_null(strstr(buf, "is held back 100.000 ms."));
	assert_non_null(strstr(buf, "The rule's 2.000 s runs at --time-scale 0.05, like every timer"));
	assert_null(strstr(buf, "held back 2.000 s"));
	explain_prose_ctx(NULL, &r[2], EXPLAIN_LANG_ZH, buf, sizeof(buf));
	assert_non_null(strstr(buf, "规则写的 2.000 秒 和所有定时器一样按 --time-scale 0.05 运行"));
	r[2].impair.rule_us = 0;	/* scale 1: one clock, one number */
	explain_prose_ctx(NULL, &r[2], EXPLAIN_LANG_EN, buf, sizeof(buf));
	assert_non_null(strstr(buf, "is held back 100.000 ms."));
	assert_null(strstr(buf, "--time-scale"));
}

static void every_event_kind_and_why_has_prose(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];
	struct explain_rec r;

	(void)state;
	for (int l = 0; l < EXPLAIN_LANG_COUNT; l++) {
		for (int k = TCB_EV_STATE; k < TCB_NEV_KINDS; k++) {
			for (int w = 0; w < TCB_WHY_COUNT; w++) {
				memset(&r, 0, sizeof(r));
				r.kind = EXPLAIN_REC_EVENT;
				r.who = EXPLAIN_SERVER;
				r.ev.kind = (enum tcb_ev_kind)k;
				r.ev.why = (enum tcb_why)w;
				r.ev.timer = TCB_TIMER_RTX;
				r.ev.rto_us = 4000000;
				assert_true(explain_prose(&r, (enum explain_lang)l, buf, sizeof(buf)) > 10);
				assert_null(strchr(buf, '{'));
			}
		}
	}
}

static bool utf8_valid(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		int n = *p < 0x80 ? 0 : (*p & 0xE0) == 0xC0 ? 1 : (*p & 0xF0) == 0xE0 ? 2 : 3;
		for (int i = 1; i <= n; i++)
			if ((p[i] & 0xC0) != 0x80)
				return false;
		p += n + 1;
	}
	return true;
}

static void short_buffer_cuts_on_a_character(void **state)
{
	struct explain_rec r[MAXRECS];
	char buf[64];

	(void)state;
	helper_scenario(HELPER_HANDSHAKE, r, MAXRECS);
	for (size_t cap = 1; cap < sizeof(buf); cap++) {
		memset(buf, 'x', sizeof(buf));
		assert_int_equal(explain_prose(&r[1], EXPLAIN_LANG_ZH, buf, cap), -1);
		assert_true(strlen(buf) < cap);
		assert_true(utf8_valid(buf));
	}
	assert_int_equal(explain_prose(NULL, EXPLAIN_LANG_EN, buf, sizeof(buf)), -1);
}

/* Garbage in a bool is undefined behaviour the test itself would create (UBSan reports the
 * load): give every bool of the record a valid value derived from the fill. */
static void valid_bools(struct explain_rec *r, int fill)
{
	bool b = fill & 1;
	struct seg_opts *o = &r->seg.opts;

	o->has_mss = o->has_wscale = o->sack_perm = o->has_ts = b;
	r->seg.df = r->seg.ip_csum_ok = r->seg.tcp_csum_ok = r->seg.frag = b;
	r->ep[0].known = r->ep[1].known = r->new_conn = r->ev.limited = b;
	r->sum.has_handshake = r->sum.closed = r->sum.reset = b;
	r->sum.sim_close = r->sum.time_wait_cut = b;
	r->sum.final_unknown[0] = r->sum.final_unknown[1] = b;
	r->why.ack_base_unknown = r->why.zero_window_probe = r->why.dup_no_id = b;
	r->edited = r->why.not_resent = r->why.acks_syn = b;
}

static void garbage_records_do_not_crash(void **state)
{
	char buf[EXPLAIN_PROSE_MAX];
	struct explain_rec r;

	(void)state;
	for (int fill = 0; fill < 256; fill += 51) {
		for (int kind = 0; kind < 4; kind++) {
			memset(&r, fill, sizeof(r));
			r.kind = (enum explain_kind)kind;
			r.seg.payload = NULL;
			valid_bools(&r, fill);
			r.impair.rule[sizeof(r.impair.rule) - 1] = (char)fill;	/* unterminated */
			explain_prose(&r, EXPLAIN_LANG_EN, buf, sizeof(buf));
			explain_prose(&r, EXPLAIN_LANG_ZH, buf, sizeof(buf));
			assert_true(strlen(buf) < sizeof(buf));
		}
	}
}

static int cmp_name(const void *a, const void *b)
{
	return strcmp((const char *)a, (const char *)b);
}

/* The placeholders "{x}" of a template, sorted and joined, for comparison. Grammar-only
 * slots ("{pl_...}": an English plural ending) exist in one language only. */
static void slots(const char *t, char *out, size_t cap)
{
	char names[32][32];
	int n = 0;

	for (const char *p = strchr(t, '{'); p && n < 32; p = strchr(p + 1, '{')) {
		const char *e = strchr(p, '}');
		if (!e || e - p > 30)
			break;
		if (strncmp(p + 1, "pl_", 3) != 0)
			snprintf(names[n++], sizeof(names[0]), "%.*s", (int)(e - p - 1), p + 1);
	}
	qsort(names, (size_t)n, sizeof(names[0]), cmp_name);
	out[0] = '\0';
	for (int i = 0; i < n; i++)
		if (i == 0 || strcmp(names[i], names[i - 1]))
			snprintf(out + strlen(out), cap - strlen(out), "%s,", names[i]);
}

static void tables_complete_and_consistent(void **state)
{
	char a[512], b[512];

	(void)state;
	for (int id = 0; id < EXPLAIN_M_COUNT; id++) {
		assert_non_null(explain_msg_en[id]);
		assert_non_null(explain_msg_zh[id]);
		if (id != EXPLAIN_M_SEP)
			assert_true(explain_msg_zh[id][0] != '\0');
		assert_true(explain_msg_en[id][0] != '\0');
		slots(explain_msg_en[id], a, sizeof(a));
		slots(explain_msg_zh[id], b, sizeof(b));
		if (strcmp(a, b) != 0)
			fail_msg("message %d: en slots {%s} zh slots {%s}", id, a, b);
	}
	assert_string_equal(explain_msg(EXPLAIN_LANG_EN, EXPLAIN_M_COUNT), "");
	assert_string_equal(explain_state_label(EXPLAIN_LANG_ZH, TCB_SYN_RECEIVED), "SYN_RCVD");
	assert_string_equal(explain_state_label(EXPLAIN_LANG_EN, TCB_TIME_WAIT), "TIME-WAIT");
	assert_string_equal(explain_state_label(EXPLAIN_LANG_EN, (enum tcb_state)99), "?");
}

static void templates_and_formats(void **state)
{
	struct explain_vars v = { 0 };
	char buf[64];
	struct explain_sb sb;

	(void)state;
	explain_var(&v, "a", "%d", 42);
	explain_sb_init(&sb, buf, sizeof(buf));
	explain_sb_tmpl(&sb, "x{a}y{b}{", &v);
	assert_string_equal(buf, "x42y{b}{");
	assert_string_equal(explain_dur(EXPLAIN_LANG_EN, 4000000, buf, sizeof(buf)), "4.000 s");
	assert_string_equal(explain_dur(EXPLAIN_LANG_ZH, 50, buf, sizeof(buf)), "0.050 毫秒");
	assert_string_equal(explain_flags_label(SEG_FIN | SEG_PSH | SEG_ACK, buf, sizeof(buf)),
			    "FIN+PSH+ACK");
	assert_string_equal(explain_escape_bytes((const uint8_t *)"a<\x01\r\n", 5, 4, buf,
						 sizeof(buf)), "a<\\x01\\r...");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(tables_complete_and_consistent),
		cmocka_unit_test(templates_and_formats),
		cmocka_unit_test(golden_prose_all_scenarios),
		cmocka_unit_test(synack_arithmetic_en_zh),
		cmocka_unit_test(fin_after_echo_quotes_the_stream),
		cmocka_unit_test(cut_payload_quotes_only_what_was_captured),
		cmocka_unit_test(escapes_cut_whole),
		cmocka_unit_test(retransmitted_fin_keeps_its_byte_range),
		cmocka_unit_test(close_variants_and_summaries),
		cmocka_unit_test(retransmission_and_impairment),
		cmocka_unit_test(scaled_delay_says_both_clocks),
		cmocka_unit_test(every_event_kind_and_why_has_prose),
		cmocka_unit_test(short_buffer_cuts_on_a_character),
		cmocka_unit_test(garbage_records_do_not_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
