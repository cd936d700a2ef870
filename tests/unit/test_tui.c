/* test_tui.c - the full-screen view without a terminal: rows and arrows, the explanation, states and timers, keys, wrapping, every width. */
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
#include "tui_model.h"

#define MAXRECS 64
#define MAXLINES 80

struct fix {
	struct tui_model m;
	struct explain_rec r[MAXRECS];
	size_t n;
	struct tui_line out[MAXLINES];
};

static struct fix *fix_new(enum helper_scenario sc, enum explain_lang lang, unsigned keys,
			   bool utf8)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct tui_opts o = { .lang = lang, .title = "test", .keys = keys };
	struct err e;

	assert_non_null(f);
	assert_int_equal(tui_model_init(&f->m, &o, utf8, &e), 0);
	f->n = helper_scenario(sc, f->r, MAXRECS);
	return f;
}

static void add_all(struct fix *f)
{
	struct err e;

	for (size_t i = 0; i < f->n; i++)
		assert_int_equal(tui_model_add(&f->m, &f->r[i], &e), 0);
}

static void fix_free(struct fix *f)
{
	tui_model_free(&f->m);
	free(f);
}

/* The screen line holding needle, or -1. */
static int line_of(const struct fix *f, int lines, const char *needle)
{
	for (int i = 0; i < lines; i++)
		if (strstr(f->out[i].text, needle))
			return i;
	return -1;
}

/* Three arrows in order, each pointing the way its segment went, and the states beside
 * the lifelines where they changed. */
static void handshake_arrows(void **state)
{
	struct fix *f = fix_new(HELPER_HANDSHAKE, EXPLAIN_LANG_EN, 0, true);
	int a, b, c;

	(void)state;
	add_all(f);
	tui_lay_screen(&f->m, 120, 40, f->out);
	a = line_of(f, 40, "──SYN seq=0 len=0─");
	b = line_of(f, 40, "│<─SYN+ACK seq=0 ack=1 len=0─");
	c = line_of(f, 40, "──ACK seq=1 ack=1 len=0─");
	assert_true(a > 4 && b == a + 1 && c == b + 1);
	assert_non_null(strstr(f->out[a].text, "─>│ SYN-RECEIVED"));
	assert_non_null(strstr(f->out[a].text, "SYN-SENT │──SYN"));
	assert_non_null(strstr(f->out[b].text, "ESTABLISHED │<─SYN+ACK"));
	assert_non_null(strstr(f->out[c].text, "─>│ ESTABLISHED"));
	/* the summary is the last row and selected (the view follows the newest row) */
	assert_int_equal(f->m.sel, tui_model_nrows(&f->m) - 1);
	assert_int_equal(f->out[c + 1].attr, TUI_A_SEL);
	assert_non_null(strstr(f->out[c + 1].text, "== connection summary"));
	fix_free(f);
}

/* Joins the explanation area (below the second separator, above the status line). */
static void expl_text(const struct fix *f, int lines, char *buf, size_t cap)
{
	int sep = -1;
	size_t len = 0;

	for (int i = 5; i < lines; i++)
		if (f->out[i].attr == TUI_A_DIM && strstr(f->out[i].text, "────"))
			sep = i;
	assert_true(sep > 0);
	buf[0] = '\0';
	for (int i = sep + 1; i < lines - 1; i++) {
		if (f->out[i].attr == TUI_A_HEAD || !f->out[i].text[0])
			continue;
		len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? " " : "",
					f->out[i].text + 1);
	}
}

/* The explanation of the selected row is the logger's prose, with its memory of earlier
 * segments: the FIN of the echo refers back to the bytes the client sent. */
static void explanation_is_the_prose(void **state)
{
	struct fix *f = fix_new(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, 0, true);
	struct explain_prose_ctx pc;
	char want[EXPLAIN_PROSE_MAX], got[8192];
	size_t fin = 0;

	(void)state;
	add_all(f);
	explain_prose_ctx_init(&pc);
	for (size_t i = 0; i < f->n; i++) {
		explain_prose_ctx(&pc, &f->r[i], EXPLAIN_LANG_EN, want, sizeof(want));
		if (f->r[i].kind == EXPLAIN_REC_SEGMENT && (f->r[i].seg.flags & SEG_FIN)) {
			fin = i;
			break;
		}
	}
	assert_true(fin > 0);
	f->m.sel = fin;
	f->m.follow = false;
	tui_lay_screen(&f->m, 120, 40, f->out);
	expl_text(f, 40, got, sizeof(got));
	assert_string_equal(got, want);
	assert_non_null(strstr(got, "the client sent bytes 1..14"));
	/* its first line is the -q line of that segment */
	assert_true(line_of(f, 40, "client → server FIN+ACK seq=15") > 0);
	fix_free(f);
}

/* A dropped segment: its arrow ends in a cross before the lifeline, marked [dropped];
 * the retransmission is drawn dashed and labelled. */
static void drop_and_retransmission(void **state)
{
	struct fix *f = fix_new(HELPER_LIVE_DROP, EXPLAIN_LANG_EN, TUI_KEY_DROP, true);
	int d, r;

	(void)state;
	add_all(f);
	tui_lay_screen(&f->m, 120, 40, f->out);
	d = line_of(f, 40, "[dropped]");
	assert_true(d > 0);
	assert_non_null(strstr(f->out[d].text, "│    ✗─SYN+ACK seq=0 ack=1 len=0"));
	assert_int_equal(f->out[d].attr, TUI_A_DROP);
	r = line_of(f, 40, "[retransmission]");
	assert_true(r > d);
	assert_non_null(strstr(f->out[r].text, "<╌SYN+ACK seq=0 ack=1 len=0╌"));
	assert_int_equal(f->out[r].attr, TUI_A_RTX);
	/* the timer and retransmission events are notes between the lifelines */
	assert_true(line_of(f, 40, "│ * ") > d);
	/* the dropped row's explanation includes the impairment's sentence, once */
	const struct tui_row_x *x = tui_model_x(&f->m, 1);
	assert_non_null(x);
	assert_non_null(strstr(x->prose, "drop:s2c:1"));
	assert_null(strstr(strstr(x->prose, "drop:s2c:1") + 1, "drop:s2c:1"));

	fix_free(f);
}

/* While the last arrow is the impaired one, another connection's impairment record must
 * neither add a row nor a sentence. */
static void other_connection_ignored(void **state)
{
	struct fix *f = fix_new(HELPER_LIVE_DROP, EXPLAIN_LANG_EN, 0, true);
	struct explain_rec o;
	struct err e;
	size_t len;

	(void)state;
	for (size_t i = 0; i < 3; i++)	/* SYN, SYN+ACK, its drop */
		assert_int_equal(tui_model_add(&f->m, &f->r[i], &e), 0);
	assert_int_equal(f->r[2].kind, EXPLAIN_REC_IMPAIR);
	assert_int_equal(tui_model_nrows(&f->m), 2);
	len = strlen(tui_model_x(&f->m, 1)->prose);
	for (size_t i = 0; i < f->n; i++) {
		o = f->r[i];
		o.conn = f->r[i].conn + 1;
		assert_int_equal(tui_model_add(&f->m, &o, &e), 0);
	}
	assert_int_equal(tui_model_nrows(&f->m), 2);
	assert_int_equal(strlen(tui_model_x(&f->m, 1)->prose), len);
	fix_free(f);
}

static void states_and_timers(void **state)
{
	struct fix *f = fix_new(HELPER_HANDSHAKE, EXPLAIN_LANG_EN, 0, true);
	struct tui_timer tm[2] = { { "retransmission", 1800000 }, { "2MSL", 900000 } };

	(void)state;
	tui_model_set_state(&f->m, EXPLAIN_CLIENT, true, TCB_SYN_SENT);
	tui_model_set_state(&f->m, EXPLAIN_SERVER, false, TCB_CLOSED);
	tui_model_set_timers(&f->m, EXPLAIN_CLIENT, tm, 2);
	f->m.now_us = 1000000;
	tui_lay_screen(&f->m, 120, 40, f->out);
	assert_non_null(strstr(f->out[2].text, "state: SYN-SENT"));
	assert_non_null(strstr(f->out[2].text, "state: ?"));
	assert_non_null(strstr(f->out[3].text, "timers: retransmission 800.000 ms, 2MSL due"));
	assert_non_null(strstr(f->out[3].text, "timers: none pending"));
	/* the client is on the left half, the server on the right */
	assert_true(strstr(f->out[3].text, "none pending") > strstr(f->out[3].text, "2MSL"));
	/* nothing added yet: the explanation says how to start */
	assert_true(line_of(f, 40, "No segment yet") > 0);
	f->m.timers_unknown = true;
	tui_lay_screen(&f->m, 120, 40, f->out);
	assert_non_null(strstr(f->out[3].text, "timers: not known from a capture"));
	fix_free(f);
}

static void chinese(void **state)
{
	struct fix *f = fix_new(HELPER_HANDSHAKE, EXPLAIN_LANG_ZH, 0, true);

	(void)state;
	add_all(f);
	tui_model_set_state(&f->m, EXPLAIN_CLIENT, true, TCB_ESTABLISHED);
	f->m.sel = 0;
	f->m.follow = false;
	tui_lay_screen(&f->m, 120, 40, f->out);
	assert_non_null(strstr(f->out[1].text, "客户端"));
	assert_non_null(strstr(f->out[2].text, "状态：ESTABLISHED"));
	assert_true(line_of(f, 40, "第一次握手") > 0);
	assert_true(line_of(f, 40, "SYN_SENT │──SYN seq=0") > 0);
	fix_free(f);
}

/* No line is wider than the screen, at any size, in either language, any selection. */
static void every_width_fits(void **state)
{
	(void)state;
	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++) {
		for (int lang = 0; lang < 2; lang++) {
			struct fix *f = fix_new((enum helper_scenario)sc, (enum explain_lang)lang,
						~0u, true);

			add_all(f);
			for (int cols = 20; cols <= 200; cols += 7) {
				for (int lines = 6; lines <= MAXLINES; lines += 13) {
					f->m.sel = (size_t)(cols % (int)tui_model_nrows(&f->m));
					f->m.follow = false;
					tui_lay_screen(&f->m, cols, lines, f->out);
					for (int i = 0; i < lines; i++)
						assert_true(explain_disp_width(f->out[i].text) <=
							    (size_t)cols);
				}
			}
			fix_free(f);
		}
	}
}

/* A long explanation on a small screen: marked as cut, and '[' / ']' scroll through it
 * without going past either end; another row starts from its top. */
static void explanation_scrolls(void **state)
{
	struct fix *f = fix_new(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, 0, true);
	struct tui_cmd c;
	int last_text = -1;

	(void)state;
	add_all(f);
	tui_model_select_end(&f->m, false);
	tui_lay_screen(&f->m, 60, 16, f->out);
	assert_true(f->m.ecut);
	for (int i = 0; i < 15; i++)
		if (f->out[i].text[0] && f->out[i].attr != TUI_A_DIM)
			last_text = i;
	assert_non_null(strstr(f->out[last_text].text, " …"));
	assert_non_null(strstr(f->out[15].text, "[ ]: more text"));
	for (int i = 0; i < 200; i++)
		assert_int_equal(tui_model_key(&f->m, ']', &c), 0);
	tui_lay_screen(&f->m, 60, 16, f->out);
	assert_true(f->m.etop > 0 && f->m.etop < 200);
	assert_null(strstr(f->out[last_text].text, " …"));
	size_t top = f->m.etop;
	tui_model_key(&f->m, '[', &c);
	tui_lay_screen(&f->m, 60, 16, f->out);
	assert_int_equal(f->m.etop, top - 1);
	tui_model_key(&f->m, TUI_K_DOWN, &c);
	tui_lay_screen(&f->m, 60, 16, f->out);
	assert_int_equal(f->m.etop, 0);
	fix_free(f);
}

static void too_small_and_ascii(void **state)
{
	struct fix *f = fix_new(HELPER_LIVE_DROP, EXPLAIN_LANG_EN, 0, false);

	(void)state;
	add_all(f);
	tui_lay_screen(&f->m, 40, 10, f->out);
	assert_string_equal(f->out[0].text, "too small: 60x14 needed");
	tui_lay_screen(&f->m, 100, 30, f->out);
	for (int i = 0; i < 30; i++)
		for (const char *p = f->out[i].text; *p; p++)
			assert_true((unsigned char)*p < 0x80);
	assert_true(line_of(f, 30, "|    X-SYN+ACK seq=0 ack=1 len=0") > 0);
	fix_free(f);
}

/* Keys: scrolling never reaches the caller; step keys do when offered, else a message. */
static void keys(void **state)
{
	struct fix *f = fix_new(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, TUI_KEY_EDIT, true);
	struct tui_cmd c;
	size_t last;

	(void)state;
	add_all(f);
	last = tui_model_nrows(&f->m) - 1;
	tui_lay_screen(&f->m, 120, 20, f->out);	/* sets the page size */
	assert_int_equal(tui_model_key(&f->m, TUI_K_UP, &c), 0);
	assert_int_equal(f->m.sel, last - 1);
	assert_false(f->m.follow);
	assert_int_equal(tui_model_key(&f->m, TUI_K_HOME, &c), 0);
	assert_int_equal(f->m.sel, 0);
	tui_lay_screen(&f->m, 120, 20, f->out);
	assert_int_equal(f->m.top, 0);
	assert_true(line_of(f, 20, "scrolled back, End: newest  row 1/") == 0);
	assert_int_equal(tui_model_key(&f->m, TUI_K_PGDN, &c), 0);
	assert_int_equal(f->m.sel, f->m.page - 1);
	assert_int_equal(tui_model_key(&f->m, TUI_K_END, &c), 0);
	assert_true(f->m.sel == last && f->m.follow);
	/* d is not offered here: no command, a message instead */
	assert_int_equal(tui_model_key(&f->m, 'd', &c), 0);
	assert_string_equal(f->m.status, "that key is not offered here");
	/* e opens the prompt; typed text, a backspace, Enter hands the line over */
	assert_int_equal(tui_model_key(&f->m, 'e', &c), 0);
	assert_int_equal(f->m.prompt, TUI_CMD_EDIT);
	for (const char *p = "seq 55"; *p; p++)
		assert_int_equal(tui_model_key(&f->m, *p, &c), 0);
	assert_int_equal(tui_model_key(&f->m, TUI_K_BACKSPACE, &c), 0);
	assert_int_equal(tui_model_key(&f->m, 'q', &c), 0);	/* typed, not quit */
	tui_lay_screen(&f->m, 120, 20, f->out);
	assert_non_null(strstr(f->out[19].text, "payload V (Enter: apply, Esc: cancel): seq 5q_"));
	assert_int_equal(tui_model_key(&f->m, TUI_K_ENTER, &c), 1);
	assert_int_equal(c.kind, TUI_CMD_EDIT);
	assert_string_equal(c.text, "seq 5q");
	assert_int_equal(f->m.prompt, 0);
	/* Esc cancels, an empty line is no command */
	tui_model_key(&f->m, 'e', &c);
	tui_model_key(&f->m, 'x', &c);
	assert_int_equal(tui_model_key(&f->m, TUI_K_ESC, &c), 0);
	assert_int_equal(f->m.prompt, 0);
	tui_model_key(&f->m, 'e', &c);
	assert_int_equal(tui_model_key(&f->m, TUI_K_ENTER, &c), 0);
	/* Enter after scrolling back: next, and the view follows the newest row again */
	tui_model_key(&f->m, TUI_K_HOME, &c);
	assert_int_equal(tui_model_key(&f->m, ' ', &c), 1);
	assert_int_equal(c.kind, TUI_CMD_NEXT);
	assert_true(f->m.follow && f->m.sel == last);
	/* any step follows again: c (offered now) after scrolling back */
	f->m.keys |= TUI_KEY_CONTINUE;
	tui_model_key(&f->m, TUI_K_PGUP, &c);
	assert_false(f->m.follow);
	assert_int_equal(tui_model_key(&f->m, 'c', &c), 1);
	assert_int_equal(c.kind, TUI_CMD_CONTINUE);
	assert_true(f->m.follow && f->m.sel == last);
	assert_int_equal(tui_model_key(&f->m, 'q', &c), 1);
	assert_int_equal(c.kind, TUI_CMD_QUIT);
	fix_free(f);
}

struct coll {
	char lines[32][256];
	size_t n;
};

static bool collect(void *ctx, const char *s, size_t n)
{
	struct coll *c = ctx;

	snprintf(c->lines[c->n++], sizeof(c->lines[0]), "%.*s", (int)n, s);
	return c->n < 32;
}

static void wrap_and_fit(void **state)
{
	struct coll c = { .n = 0 };
	char buf[64];
	const char *en = "seq 15: the client sent bytes 1..14, so its FIN takes number 15";

	(void)state;
	assert_int_equal(tui_wrap(en, 20, collect, &c), 4);
	for (size_t i = 0; i < c.n; i++)
		assert_true(strlen(c.lines[i]) <= 20 && c.lines[i][0] != ' ');
	assert_string_equal(c.lines[0], "seq 15: the client");
	assert_string_equal(c.lines[2], "its FIN takes number");
	assert_string_equal(c.lines[3], "15");
	/* Chinese breaks between characters; each is two columns */
	c.n = 0;
	assert_int_equal(tui_wrap("第一次握手：客户端发送报文", 10, collect, &c), 3);
	assert_string_equal(c.lines[0], "第一次握手");
	assert_string_equal(c.lines[1], "：客户端发");
	/* a word longer than the line is cut, not lost */
	c.n = 0;
	assert_int_equal(tui_wrap("abcdefghij", 4, collect, &c), 3);
	assert_string_equal(c.lines[2], "ij");
	assert_int_equal(tui_fit("客户端", 5, true, buf, sizeof(buf)), 5);
	assert_string_equal(buf, "客户 ");
	assert_int_equal(tui_fit("a\tb", 9, false, buf, sizeof(buf)), 3);
	assert_string_equal(buf, "a b");
	tui_ascii_fold("a → b §3.5 “x”", buf, sizeof(buf));
	assert_string_equal(buf, "a -> b S3.5 \"x\"");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(handshake_arrows),
		cmocka_unit_test(explanation_is_the_prose),
		cmocka_unit_test(drop_and_retransmission),
		cmocka_unit_test(other_connection_ignored),
		cmocka_unit_test(states_and_timers),
		cmocka_unit_test(chinese),
		cmocka_unit_test(every_width_fits),
		cmocka_unit_test(explanation_scrolls),
		cmocka_unit_test(too_small_and_ascii),
		cmocka_unit_test(keys),
		cmocka_unit_test(wrap_and_fit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
