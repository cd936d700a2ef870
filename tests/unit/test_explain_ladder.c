/* test_explain_ladder.c - the text ladder (golden files, UTF-8 and ASCII) and the terminal helpers. */
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

static struct explain_ladder *ladder_of(enum helper_scenario sc)
{
	struct explain_rec r[MAXRECS];
	struct err e;
	size_t n = helper_scenario(sc, r, MAXRECS);
	struct explain_ladder *l = explain_ladder_new(0, &e);

	assert_non_null(l);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(explain_ladder_sink(l, &r[i], &e), 0);
	return l;
}

static void render(const struct explain_ladder *l, const struct explain_ladder_opts *o,
		   char **text, size_t *len)
{
	struct err e;
	FILE *f = open_memstream(text, len);

	assert_non_null(f);
	assert_int_equal(explain_ladder_render(l, o, f, &e), 0);
	assert_int_equal(fclose(f), 0);
}

static void golden_ladders(void **state)
{
	static const char *const tag[] = { "en", "zh" };
	struct explain_ladder_opts o = { 0 };

	(void)state;
	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++) {
		struct explain_ladder *l = ladder_of((enum helper_scenario)sc);

		for (int v = 0; v < 4; v++) {	/* en utf8, zh utf8, en ascii, en/zh prose */
			char name[96], *text = NULL;
			size_t len = 0;

			o.lang = v == 1 ? EXPLAIN_LANG_ZH : EXPLAIN_LANG_EN;
			o.ascii = v == 2;
			o.prose = v == 3;
			if (v == 3)
				o.lang = sc % 2 ? EXPLAIN_LANG_ZH : EXPLAIN_LANG_EN;
			render(l, &o, &text, &len);
			snprintf(name, sizeof(name), "ladder_%s_%s%s.txt", helper_scenario_name[sc],
				 tag[o.lang], v == 2 ? "_ascii" : v == 3 ? "_prose" : "");
			assert_int_equal(helper_golden(name, text, len), 0);
			if (o.ascii)	/* the fallback has no box drawing at all */
				for (size_t i = 0; i < len; i++)
					assert_true(strncmp(text + i, "│", 3) && strncmp(text + i, "─", 3));
			free(text);
		}
		explain_ladder_free(l);
	}
}

static void drop_is_marked_and_arrows_point_right_way(void **state)
{
	struct explain_ladder *l = ladder_of(HELPER_LIVE_DROP);
	struct explain_ladder_opts o = { .lang = EXPLAIN_LANG_EN };
	char *text = NULL;
	size_t len = 0;

	(void)state;
	/* the IMPAIR record merged into the SYN+ACK's arrow: 4 arrows, 2 events, summary */
	assert_int_equal(explain_ladder_nrows(l), 7);
	assert_true(explain_ladder_row(l, 1)->impaired);
	render(l, &o, &text, &len);
	assert_non_null(strstr(text, "│    ✗─SYN+ACK seq=0 ack=1 len=0"));
	assert_non_null(strstr(text, "[dropped]"));
	assert_non_null(strstr(text, "│──SYN seq=0 len=0"));
	assert_non_null(strstr(text, "[TCP Retransmission]"));
	free(text);
	explain_ladder_free(l);
}

static void other_connections_are_ignored(void **state)
{
	struct explain_rec r[MAXRECS];
	struct err e;
	size_t n = helper_scenario(HELPER_HANDSHAKE, r, MAXRECS);
	struct explain_ladder *l = explain_ladder_new(2, &e);

	(void)state;
	for (size_t i = 0; i < n; i++)
		assert_int_equal(explain_ladder_add(l, &r[i], &e), 0);
	assert_int_equal(explain_ladder_nrows(l), 0);
	assert_int_equal(explain_ladder_add(l, NULL, &e), -1);
	assert_int_equal(explain_ladder_render(l, NULL, stdout, &e), -1);
	explain_ladder_free(l);
}

static void locale_and_colour_policy(void **state)
{
	FILE *f = tmpfile();

	(void)state;
	assert_true(explain_utf8_locale_of(NULL, NULL, "zh_CN.UTF-8"));
	assert_true(explain_utf8_locale_of("", "en_US.utf8", "C"));
	assert_false(explain_utf8_locale_of("C", "en_US.UTF-8", "en_US.UTF-8"));
	assert_false(explain_utf8_locale_of(NULL, NULL, NULL));
	assert_false(explain_colour_enabled(f));	/* not a terminal */
	setenv("NO_COLOR", "1", 1);
	assert_false(explain_colour_enabled(stdout));
	unsetenv("NO_COLOR");
	fclose(f);
}

static void quiet_lines(void **state)
{
	struct explain_rec r[MAXRECS];
	char buf[512];

	(void)state;
	helper_scenario(HELPER_LIVE_DROP, r, MAXRECS);
	assert_true(explain_quiet_line(&r[0], EXPLAIN_LANG_EN, false, buf, sizeof(buf)) > 0);
	assert_string_equal(buf, "   1 0.000000 client → server SYN seq=0 win=64240 len=0 "
				 "[server LISTEN → SYN-RECEIVED]");
	explain_quiet_line(&r[2], EXPLAIN_LANG_ZH, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, "服务端 → 客户端 SYN+ACK seq=0 ack=1 win=64240 len=0 [已丢弃]"));
	explain_quiet_line(&r[5], EXPLAIN_LANG_EN, true, buf, sizeof(buf));
	assert_true(strncmp(buf, "\033[35m", 5) == 0);	/* retransmission: magenta */
	assert_non_null(strstr(buf, "[TCP Retransmission]\033[0m"));
	assert_int_equal(explain_quiet_line(&r[0], EXPLAIN_LANG_EN, false, buf, 10), -1);
}

/* The -q line's window is in bytes (the field times 2^scale), as tshark's Win=; a field
 * whose scale the capture never showed says so (#13: "one-liners show unscaled windows"). */
static void quiet_line_window_scaled(void **state)
{
	struct explain_rec r[MAXRECS];
	char buf[512];

	(void)state;
	helper_scenario(HELPER_LIVE_DROP, r, MAXRECS);
	r[0].seg.flags = SEG_ACK;
	r[0].win = 63;
	r[0].win_scaled = 63 << 7;
	explain_quiet_line(&r[0], EXPLAIN_LANG_EN, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, " ACK seq=0 ack="));
	assert_non_null(strstr(buf, " win=8064 len="));
	r[0].win_scaled = -1;	/* mid-stream: no SYN, no scale */
	explain_quiet_line(&r[0], EXPLAIN_LANG_EN, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, " win=63 (scale unknown) len="));
	explain_quiet_line(&r[0], EXPLAIN_LANG_ZH, false, buf, sizeof(buf));
	assert_non_null(strstr(buf, " win=63（缩放未知） len="));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(golden_ladders),
		cmocka_unit_test(drop_is_marked_and_arrows_point_right_way),
		cmocka_unit_test(other_connections_are_ignored),
		cmocka_unit_test(locale_and_colour_policy),
		cmocka_unit_test(quiet_lines),
		cmocka_unit_test(quiet_line_window_scaled),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
