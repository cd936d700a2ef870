/* test_tui_duo.c - the view of a program running both ends, without a terminal: both ends' records joined per segment (tui_pair), the decision panel, '?' help, the preview builder's independence. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain_build.h"
#include "explain_present.h"
#include "helper_explain_recs.h"
#include "tui_model.h"
#include "tui_pair.h"

#define MAXRECS 64
#define MAXLINES 60

/* What one end's log would give for segment record r: its own state known, the peer's
 * not, its own frame numbers. */
static struct explain_rec end_view(const struct explain_rec *r, enum explain_who end,
				   uint64_t frame)
{
	struct explain_rec x = *r;

	x.frame = frame;
	x.conn = 1;
	x.ep[!end].known = false;
	return x;
}

static size_t handshake(struct explain_rec *r)
{
	return helper_scenario(HELPER_HANDSHAKE, r, MAXRECS);
}

/* The client's and the server's records of each segment come out as one, the client's
 * frame numbers with both endpoints' states, in the order the segments were first put. */
static void pair_joins_both_ends(void **state)
{
	struct explain_rec r[MAXRECS], out;
	struct tui_pair p;

	(void)state;
	assert_true(handshake(r) >= 4);
	tui_pair_init(&p, 1000);
	/* SYN: the client logs it sent, then the server logs it received (its frame 7) */
	struct explain_rec c0 = end_view(&r[0], EXPLAIN_CLIENT, 1);
	struct explain_rec s0 = end_view(&r[0], EXPLAIN_SERVER, 7);
	tui_pair_put(&p, EXPLAIN_CLIENT, &c0, true, 0);
	assert_int_equal(tui_pair_take(&p, 10, false, &out), 0);	/* waits for the server's */
	tui_pair_put(&p, EXPLAIN_SERVER, &s0, true, 10);
	assert_int_equal(tui_pair_take(&p, 10, false, &out), 1);
	assert_int_equal(out.frame, 1);
	assert_true(out.ep[EXPLAIN_CLIENT].known && out.ep[EXPLAIN_SERVER].known);
	assert_int_equal(out.ep[EXPLAIN_SERVER].after, r[0].ep[EXPLAIN_SERVER].after);
	assert_int_equal(out.ep[EXPLAIN_CLIENT].after, r[0].ep[EXPLAIN_CLIENT].after);
	/* SYN+ACK: the server's record first (it sent it), the client's arrives after; the
	 * client's frame number wins, the server's state stays */
	struct explain_rec s1 = end_view(&r[1], EXPLAIN_SERVER, 8);
	struct explain_rec c1 = end_view(&r[1], EXPLAIN_CLIENT, 2);
	tui_pair_put(&p, EXPLAIN_SERVER, &s1, true, 20);
	tui_pair_put(&p, EXPLAIN_CLIENT, &c1, true, 21);
	assert_int_equal(tui_pair_take(&p, 21, false, &out), 1);
	assert_int_equal(out.frame, 2);
	assert_true(out.ep[EXPLAIN_SERVER].known);
	assert_int_equal(out.ep[EXPLAIN_SERVER].before, r[1].ep[EXPLAIN_SERVER].before);
	assert_int_equal(tui_pair_take(&p, 21, true, &out), 0);
	assert_int_equal(tui_pair_waiting(&p), 0);
}

/* A segment only one end logged (dropped, lost) goes out alone after max_wait or at a
 * flush, and what came after it waits behind it: the order never changes. */
static void pair_alone_and_order(void **state)
{
	struct explain_rec r[MAXRECS], out;
	struct tui_pair p;

	(void)state;
	handshake(r);
	tui_pair_init(&p, 1000);
	struct explain_rec c0 = end_view(&r[0], EXPLAIN_CLIENT, 1);
	struct explain_rec s1 = end_view(&r[1], EXPLAIN_SERVER, 1);
	struct explain_rec c1 = end_view(&r[1], EXPLAIN_CLIENT, 2);
	tui_pair_put(&p, EXPLAIN_CLIENT, &c0, true, 100);	/* never reaches the server */
	tui_pair_put(&p, EXPLAIN_SERVER, &s1, true, 200);
	tui_pair_put(&p, EXPLAIN_CLIENT, &c1, true, 201);	/* whole, but behind c0 */
	assert_int_equal(tui_pair_take(&p, 1099, false, &out), 0);
	assert_int_equal(tui_pair_take(&p, 1100, false, &out), 1);
	assert_int_equal(out.seg.flags, r[0].seg.flags);
	assert_false(out.ep[EXPLAIN_SERVER].known);	/* nothing is guessed */
	assert_int_equal(tui_pair_take(&p, 1100, false, &out), 1);
	assert_int_equal(out.seg.flags, r[1].seg.flags);
	assert_true(out.ep[EXPLAIN_SERVER].known && out.ep[EXPLAIN_CLIENT].known);
	/* force: a half that still waits goes out at once */
	tui_pair_put(&p, EXPLAIN_SERVER, &s1, true, 5000);
	assert_int_equal(tui_pair_take(&p, 5001, false, &out), 0);
	assert_int_equal(tui_pair_take(&p, 5001, true, &out), 1);
	assert_int_equal(p.lost, 0);
}

/* Left out: the server's summary (one summary: the client's), STATE events a segment
 * already tells, segments of no connection. Numbered as the first record's connection. */
static void pair_filters(void **state)
{
	struct explain_rec r[MAXRECS], out, ev = { 0 };
	size_t n;
	struct tui_pair p;

	(void)state;
	n = handshake(r);
	assert_int_equal(r[n - 1].kind, EXPLAIN_REC_SUMMARY);
	tui_pair_init(&p, 1000);
	struct explain_rec stray = r[0];
	stray.conn = 0;
	tui_pair_put(&p, EXPLAIN_CLIENT, &stray, true, 0);
	assert_int_equal(tui_pair_waiting(&p), 0);
	ev.kind = EXPLAIN_REC_EVENT;
	ev.conn = 3;
	ev.ev.kind = TCB_EV_STATE;
	tui_pair_put(&p, EXPLAIN_SERVER, &ev, false, 0);
	assert_int_equal(tui_pair_waiting(&p), 0);
	tui_pair_put(&p, EXPLAIN_SERVER, &ev, true, 0);		/* a shown one passes */
	tui_pair_put(&p, EXPLAIN_SERVER, &r[n - 1], true, 0);
	assert_int_equal(tui_pair_waiting(&p), 1);
	tui_pair_put(&p, EXPLAIN_CLIENT, &r[n - 1], true, 0);
	assert_int_equal(tui_pair_take(&p, 0, false, &out), 1);
	assert_int_equal(out.kind, EXPLAIN_REC_EVENT);
	assert_int_equal(out.conn, 3);
	assert_int_equal(tui_pair_take(&p, 0, false, &out), 1);
	assert_int_equal(out.kind, EXPLAIN_REC_SUMMARY);
	assert_int_equal(out.conn, 3);		/* the first record's number */
	assert_int_equal(tui_pair_take(&p, 0, false, &out), 0);
}

/* The payload the prose quotes is copied: the sender's buffer may be gone by the take. */
static void pair_keeps_payload(void **state)
{
	struct explain_rec r[MAXRECS], out;
	struct tui_pair p;
	uint8_t buf[16];
	size_t n, i;

	(void)state;
	n = helper_scenario(HELPER_ECHO_CLOSE4, r, MAXRECS);
	for (i = 0; i < n && !(r[i].kind == EXPLAIN_REC_SEGMENT && r[i].len); i++)
		;
	assert_true(i < n);
	memcpy(buf, r[i].seg.payload, 14);
	struct explain_rec c = end_view(&r[i], EXPLAIN_CLIENT, 4);
	c.seg.payload = buf;
	tui_pair_init(&p, 1000);
	tui_pair_put(&p, EXPLAIN_CLIENT, &c, true, 0);
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(tui_pair_take(&p, 0, true, &out), 1);
	assert_non_null(out.seg.payload);
	assert_memory_equal(out.seg.payload, "Just a test.\r\n", 14);
}

/* ---- the decision panel ---- */

struct fix {
	struct tui_model m;
	struct explain_rec r[MAXRECS];
	size_t n;
	struct tui_line out[MAXLINES];
};

static struct fix *fix_new(enum helper_scenario sc, unsigned keys)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct tui_opts o = { .lang = EXPLAIN_LANG_EN, .title = "duo", .keys = keys };
	struct err e;

	assert_non_null(f);
	assert_int_equal(tui_model_init(&f->m, &o, true, &e), 0);
	f->n = helper_scenario(sc, f->r, MAXRECS);
	return f;
}

static void fix_free(struct fix *f)
{
	tui_model_free(&f->m);
	free(f);
}

static int line_of(const struct fix *f, int lines, const char *needle)
{
	for (int i = 0; i < lines; i++)
		if (strstr(f->out[i].text, needle))
			return i;
	return -1;
}

/* The explanation area's lines joined (from the line after the last rule). */
static void expl_text(const struct fix *f, int lines, char *buf, size_t cap)
{
	int sep = -1;
	size_t len = 0;

	for (int i = 5; i < lines; i++)
		if (f->out[i].attr == TUI_A_DIM && strstr(f->out[i].text, "────"))
			sep = i;
	assert_true(sep > 0);
	buf[0] = '\0';
	for (int i = sep + 1; i < lines - 1; i++)
		if (f->out[i].attr != TUI_A_HEAD && f->out[i].text[0])
			len += (size_t)snprintf(buf + len, cap - len, "%s%s", len ? " " : "",
						f->out[i].text + 1);
}

/* Before the SYN+ACK passes: under the ladder who holds it, its line without frame or
 * time, seq and ack relative and raw, its length; its explanation is the one its row gets
 * once it passed, worded with the rows before it (the SYN), and adding it later words the
 * row alike: the preview changed no memory of the model. */
static void pending_panel(void **state)
{
	struct fix *f = fix_new(HELPER_HANDSHAKE, TUI_KEY_DROP);
	char nums[128], got[8192], want[EXPLAIN_PROSE_MAX];
	struct explain_prose_ctx pc;
	struct err e;
	int a;

	(void)state;
	assert_int_equal(tui_model_add(&f->m, &f->r[0], &e), 0);
	assert_int_equal(tui_model_set_pending(&f->m, &f->r[1], "server sends", &e), 0);
	tui_lay_screen(&f->m, 120, 40, f->out);
	a = line_of(f, 40, "▶ waiting for you: server sends  server → client SYN+ACK seq=0 ack=1 ");
	assert_true(a > 5);
	assert_int_equal(f->out[a].attr, TUI_A_SEL);
	snprintf(nums, sizeof(nums), "  seq 0 (raw %u)  ack 1 (raw %u)  len 0  win %u",
		 HELPER_SERVER_ISN, HELPER_CLIENT_ISN + 1, f->r[1].win);
	assert_string_equal(f->out[a + 1].text, nums);
	/* the ladder still has one arrow: the pending segment is no row yet */
	assert_int_equal(tui_model_nrows(&f->m), 1);
	explain_prose_ctx_init(&pc);
	explain_prose_ctx(&pc, &f->r[0], EXPLAIN_LANG_EN, want, sizeof(want));
	explain_prose_ctx(&pc, &f->r[1], EXPLAIN_LANG_EN, want, sizeof(want));
	expl_text(f, 40, got, sizeof(got));
	assert_string_equal(f->m.pend_prose, want);
	assert_non_null(strstr(got, "Handshake 2/3"));
	/* scrolled back: the selected row's explanation, the panel stays */
	tui_model_select(&f->m, -1);
	assert_int_equal(f->m.sel, 0);
	f->m.follow = false;
	tui_lay_screen(&f->m, 120, 40, f->out);
	expl_text(f, 40, got, sizeof(got));
	assert_non_null(strstr(got, "Handshake 1/3"));
	assert_true(line_of(f, 40, "▶ waiting for you") > 0);
	/* it passed: no panel; its row's prose is the preview's */
	assert_int_equal(tui_model_set_pending(&f->m, NULL, NULL, &e), 0);
	tui_model_select_end(&f->m, true);
	assert_int_equal(tui_model_add(&f->m, &f->r[1], &e), 0);
	tui_lay_screen(&f->m, 120, 40, f->out);
	assert_int_equal(line_of(f, 40, "waiting for you"), -1);
	assert_string_equal(tui_model_x(&f->m, 1)->prose, want);
	fix_free(f);
}

/* ASCII terminal: the panel's mark folds to '>'; a small screen still shows it. */
static void pending_small_ascii(void **state)
{
	struct fix *f = calloc(1, sizeof(*f));
	struct tui_opts o = { .lang = EXPLAIN_LANG_EN, .title = "duo", .keys = 0 };
	struct err e;

	(void)state;
	assert_non_null(f);
	assert_int_equal(tui_model_init(&f->m, &o, false, &e), 0);
	f->n = helper_scenario(HELPER_HANDSHAKE, f->r, MAXRECS);
	assert_int_equal(tui_model_set_pending(&f->m, &f->r[0], "client sends", &e), 0);
	tui_lay_screen(&f->m, TUI_MIN_COLS, TUI_MIN_LINES, f->out);
	assert_true(line_of(f, TUI_MIN_LINES, "> waiting for you: client sends") > 3);
	for (int i = 0; i < TUI_MIN_LINES; i++)
		assert_true(explain_disp_width(f->out[i].text) <= TUI_MIN_COLS);
	fix_free(f);
}

/* '?' shows the keys offered (and only those) in the explanation area; '?' or Esc closes
 * it; any other key closes it and does what it does; 's' sends like Enter. */
static void help_and_keys(void **state)
{
	struct fix *f = fix_new(HELPER_HANDSHAKE, TUI_KEY_DROP | TUI_KEY_CONTINUE);
	struct tui_cmd c;
	char got[8192];

	(void)state;
	assert_int_equal(tui_model_key(&f->m, '?', &c), 0);
	assert_true(f->m.help);
	tui_lay_screen(&f->m, 120, 40, f->out);
	expl_text(f, 40, got, sizeof(got));
	assert_true(line_of(f, 40, "Keys (any key closes this help):") > 0);
	assert_non_null(strstr(got, "d: drop it"));
	assert_non_null(strstr(got, "c: stop stepping"));
	assert_null(strstr(got, "e: edit it"));		/* not offered */
	assert_true(line_of(f, 40, "?: help") == 39);	/* the status line says how */
	assert_int_equal(tui_model_key(&f->m, '?', &c), 0);
	assert_false(f->m.help);
	tui_model_key(&f->m, '?', &c);
	assert_int_equal(tui_model_key(&f->m, TUI_K_ESC, &c), 0);
	assert_false(f->m.help);
	tui_model_key(&f->m, '?', &c);
	assert_int_equal(tui_model_key(&f->m, 'd', &c), 1);
	assert_int_equal(c.kind, TUI_CMD_DROP);
	assert_false(f->m.help);
	assert_int_equal(tui_model_key(&f->m, 's', &c), 1);
	assert_int_equal(c.kind, TUI_CMD_NEXT);
	fix_free(f);
}

/* ---- the preview's builder ---- */

/* A clone advanced by a segment leaves the original as it was: the original, advanced by
 * the same segment afterwards, gives the same record (a retransmission, which grows the
 * clone's lists, included). */
static void clone_is_independent(void **state)
{
	struct explain_rec r[MAXRECS], a, b;
	struct explain_build orig, cl;
	struct err e;
	size_t n;

	(void)state;
	n = helper_scenario(HELPER_ECHO_CLOSE4, r, MAXRECS);
	explain_build_init(&orig, 1);
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind != EXPLAIN_REC_SEGMENT)
			continue;
		struct explain_seg_in in = { &r[i].seg, r[i].who, r[i].frame, r[i].t_us, NULL,
					     false, NULL, 0, 0, false };

		assert_int_equal(explain_build_clone(&cl, &orig, &e), 0);
		assert_int_equal(explain_build_segment(&cl, &in, &a, &e), 0);
		/* the same segment again on the clone: a retransmission of it */
		struct explain_rec again;
		in.frame++;
		assert_int_equal(explain_build_segment(&cl, &in, &again, &e), 0);
		in.frame--;
		explain_build_free(&cl);
		assert_int_equal(explain_build_segment(&orig, &in, &b, &e), 0);
		assert_int_equal(a.seq, b.seq);
		assert_int_equal(a.ack, b.ack);
		assert_int_equal(a.analysis, b.analysis);
		assert_int_equal(a.why.rule, b.why.rule);
		assert_int_equal(a.why.acks_frame, b.why.acks_frame);
		assert_int_equal(a.ep[0].after, b.ep[0].after);
		assert_int_equal(a.ep[1].after, b.ep[1].after);
	}
	assert_int_equal(orig.nrtx, 0);
	explain_build_free(&orig);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pair_joins_both_ends),
		cmocka_unit_test(pair_alone_and_order),
		cmocka_unit_test(pair_filters),
		cmocka_unit_test(pair_keeps_payload),
		cmocka_unit_test(pending_panel),
		cmocka_unit_test(pending_small_ascii),
		cmocka_unit_test(help_and_keys),
		cmocka_unit_test(clone_is_independent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
