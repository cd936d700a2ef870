/* test_explain_out.c - the one dispatcher (explain_out.c) and the text renderer's words: one prose generator for every output. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <jansson.h>

#include "explain_json.h"
#include "explain_out.h"
#include "explain_present.h"
#include "helper_explain_recs.h"

#define MAXRECS 64

static size_t scenario(enum helper_scenario sc, struct explain_rec *r)
{
	size_t n = helper_scenario(sc, r, MAXRECS);

	assert_true(n > 0 && n < MAXRECS);
	return n;
}

/* explain_text_why is the prose generator's text, in both languages, for every record
 * of every scenario: the text renderer has no sentences of its own. */
static void text_why_is_the_prose(void **state)
{
	struct explain_rec r[MAXRECS];
	char a[EXPLAIN_PROSE_MAX], b[EXPLAIN_PROSE_MAX];

	(void)state;
	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++) {
		size_t n = scenario((enum helper_scenario)sc, r);

		for (size_t i = 0; i < n; i++)
			for (int l = 0; l < EXPLAIN_LANG_COUNT; l++) {
				assert_true(explain_text_why(&r[i], (enum explain_lang)l, a,
							     sizeof(a)) > 0);
				explain_prose(&r[i], (enum explain_lang)l, b, sizeof(b));
				assert_string_equal(a, b);
			}
	}
}

/* explain_text_render in Chinese: state names and sides from the zh table, the
 * handshake sentence from it too; no English sentence of its own. */
static void text_render_uses_the_tables(void **state)
{
	struct explain_rec r[MAXRECS];
	char *buf = NULL, want[EXPLAIN_PROSE_MAX];
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	(void)state;
	scenario(HELPER_HANDSHAKE, r);
	assert_non_null(f);
	assert_int_equal(explain_text_render(&r[0], EXPLAIN_LANG_ZH, f), 0);
	fclose(f);
	explain_prose(&r[0], EXPLAIN_LANG_ZH, want, sizeof(want));
	assert_non_null(strstr(buf, want));
	assert_non_null(strstr(buf, explain_msg(EXPLAIN_LANG_ZH, EXPLAIN_M_CLIENT)));
	assert_null(strstr(buf, "The client asks"));	/* the old private sentence */
	assert_null(strstr(buf, "client:"));
	free(buf);
}

/* The JSON "explain" of a segment given no text is that same prose. */
static void json_without_text_carries_the_prose(void **state)
{
	struct explain_rec r[MAXRECS];
	char want[EXPLAIN_PROSE_MAX];
	size_t n = scenario(HELPER_ECHO_CLOSE4, r);

	(void)state;
	for (size_t i = 0; i < n; i++) {
		json_t *o;

		if (r[i].kind != EXPLAIN_REC_SEGMENT)
			continue;
		o = explain_json_rec(&r[i], EXPLAIN_LANG_EN, NULL);
		assert_non_null(o);
		explain_prose(&r[i], EXPLAIN_LANG_EN, want, sizeof(want));
		assert_string_equal(json_string_value(json_object_get(o, "explain")), want);
		json_decref(o);
	}
}

/* ---- the dispatcher ---- */

struct caught {
	size_t n;
	char prose[MAXRECS][EXPLAIN_PROSE_MAX];
	enum explain_kind kind[MAXRECS];
	bool closed;
};

static int catch_put(void *ctx, const struct explain_rec *r, const char *prose, struct err *e)
{
	struct caught *c = ctx;

	(void)e;
	assert_true(c->n < MAXRECS);
	c->kind[c->n] = r->kind;
	snprintf(c->prose[c->n++], EXPLAIN_PROSE_MAX, "%s", prose);
	return 0;
}

static int catch_close(void *ctx, struct err *e)
{
	(void)e;
	((struct caught *)ctx)->closed = true;
	return 0;
}

/* Every record of sc through a dispatcher in mode m with indent ind; the stream's text
 * is returned (free it). show[i] false hides record i from the text. */
static char *run(enum helper_scenario sc, enum explain_out_mode m, const char *ind,
		 struct caught *sink, const bool *hide)
{
	struct explain_rec r[MAXRECS];
	struct explain_out_conn c;
	char *buf = NULL;
	size_t len = 0, n = scenario(sc, r);
	FILE *f = open_memstream(&buf, &len);
	struct explain_out_opts o = { .mode = m, .lang = EXPLAIN_LANG_EN, .f = f,
				      .indent = ind };
	struct explain_out *x;
	struct err e;

	assert_non_null(f);
	if (sink)
		o.sink = (struct explain_out_sink){ catch_put, NULL, catch_close, sink };
	x = explain_out_new(&o, &e);
	assert_non_null(x);
	explain_out_conn_init(&c, r[0].conn);
	for (size_t i = 0; i < n; i++)
		assert_int_equal(explain_out_put(x, &c, &r[i], !(hide && hide[i]), NULL, &e), 0);
	explain_out_conn_end(x, &c);
	assert_int_equal(explain_out_finish(x, &e), 0);
	explain_out_free(x);
	fclose(f);
	return buf;
}

static size_t count(const char *s, const char *what)
{
	size_t k = 0;

	for (const char *p = s; (p = strstr(p, what)) != NULL; p += strlen(what))
		k++;
	return k;
}

/* The indent is a parameter: the same records give the same text but for the indent of
 * each explanation line (synlab-explain 4 spaces, the live log 6). */
static void indent_is_the_only_difference(void **state)
{
	char *four = run(HELPER_LIVE_DROP, EXPLAIN_OUT_TEXT, "    ", NULL, NULL);
	char *six = run(HELPER_LIVE_DROP, EXPLAIN_OUT_TEXT, "      ", NULL, NULL);
	char *p = four, *q = six;

	(void)state;
	assert_true(count(four, "\n    ") > 3);
	while (*p || *q) {
		if (p[0] == '\n' && p[1] == ' ' && q[0] == '\n' && !strncmp(q + 1, "      ", 6) &&
		    !strncmp(p + 1, "    ", 4) && p[5] != ' ') {
			p += 5;
			q += 7;
			continue;
		}
		assert_int_equal(*p, *q);
		p++;
		q++;
	}
	free(four);
	free(six);
}

/* The sink gets every record with the prose the text prints; -q prints one line per
 * segment or impairment and nothing else; --summary only the summary; a hidden record
 * is not in the text but still reaches the sink. */
static void modes_and_sink(void **state)
{
	struct explain_rec r[MAXRECS];
	size_t n = scenario(HELPER_LIVE_DROP, r), lines = 0;
	static struct caught sink;
	bool hide[MAXRECS] = { false };
	char *text, *quiet, *sum;

	(void)state;
	memset(&sink, 0, sizeof(sink));
	text = run(HELPER_LIVE_DROP, EXPLAIN_OUT_TEXT, "      ", &sink, NULL);
	assert_int_equal(sink.n, n);
	assert_true(sink.closed);
	for (size_t i = 0; i < n; i++) {
		assert_true(sink.prose[i][0] != '\0');
		assert_non_null(strstr(text, sink.prose[i]));
		lines += r[i].kind == EXPLAIN_REC_SEGMENT || r[i].kind == EXPLAIN_REC_IMPAIR;
	}
	quiet = run(HELPER_LIVE_DROP, EXPLAIN_OUT_QUIET, "      ", NULL, NULL);
	assert_int_equal(count(quiet, "\n"), lines);
	assert_null(strstr(quiet, sink.prose[0]));
	sum = run(HELPER_LIVE_DROP, EXPLAIN_OUT_SUMMARY, "      ", NULL, NULL);
	assert_int_equal(count(sum, "\n"), 1);
	assert_int_equal(strncmp(sum, "== ", 3), 0);
	free(text);
	hide[0] = true;
	memset(&sink, 0, sizeof(sink));
	text = run(HELPER_LIVE_DROP, EXPLAIN_OUT_TEXT, "      ", &sink, hide);
	assert_int_equal(sink.n, n);
	assert_null(strstr(text, sink.prose[0]));
	free(text);
	free(quiet);
	free(sum);
}

/* JSON Lines: every line one object, notes included as {"type":"note"}. */
static void json_lines_with_notes(void **state)
{
	struct explain_rec r[MAXRECS];
	size_t n = scenario(HELPER_ECHO_CLOSE4, r), len = 0, nlines = 0;
	char *buf = NULL, *line, *save;
	FILE *f = open_memstream(&buf, &len);
	struct explain_out_opts o = { .mode = EXPLAIN_OUT_JSON, .f = f };
	struct explain_out *x;
	struct err e;
	bool saw_note = false;

	(void)state;
	x = explain_out_new(&o, &e);
	assert_non_null(x);
	explain_out_note(x, "impair: rule 1 'drop out nth=2'");
	for (size_t i = 0; i < n; i++)
		assert_int_equal(explain_out_put(x, NULL, &r[i], true, "a note line", &e), 0);
	explain_out_note(x, "bad \xff byte");
	explain_out_free(x);
	fclose(f);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		json_error_t je;
		json_t *j = json_loads(line, 0, &je);

		assert_non_null(j);
		saw_note |= !strcmp(json_string_value(json_object_get(j, "type")), "note");
		json_decref(j);
		nlines++;
	}
	assert_true(saw_note);
	assert_int_equal(nlines, n + 2);
	free(buf);
}

/* --html: one page per connection (FILE, FILE-2.html) or the first connection's only,
 * and an error when there was none to draw. */
static void html_pages(void **state)
{
	struct explain_rec r[MAXRECS];
	char dir[] = "/tmp/synlab-xout.XXXXXX", path[256], p2[256];
	size_t n = scenario(HELPER_ECHO_CLOSE4, r);
	struct explain_out_conn c[2];
	struct err e;

	(void)state;
	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/x.html", dir);
	snprintf(p2, sizeof(p2), "%s/x-2.html", dir);
	for (int each = 0; each < 2; each++) {
		struct explain_out_opts o = { .html_path = path, .html_each = each };
		struct explain_out *x = explain_out_new(&o, &e);

		assert_non_null(x);
		for (int k = 0; k < 2; k++) {
			explain_out_conn_init(&c[k], (uint32_t)k + 1);
			for (size_t i = 0; i < n; i++) {
				r[i].conn = (uint32_t)k + 1;
				assert_int_equal(explain_out_put(x, &c[k], &r[i], true, NULL, &e), 0);
			}
			explain_out_conn_end(x, &c[k]);
		}
		assert_int_equal(explain_out_finish(x, &e), 0);
		explain_out_free(x);
		assert_int_equal(access(path, F_OK), 0);
		assert_int_equal(access(p2, F_OK) == 0, each);
		unlink(path);
		unlink(p2);
	}
	struct explain_out_opts o = { .html_path = path };
	struct explain_out *x = explain_out_new(&o, &e);

	assert_int_equal(explain_out_finish(x, &e), -1);
	assert_non_null(strstr(e.msg, "no connection to draw"));
	explain_out_free(x);
	rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(text_why_is_the_prose),
		cmocka_unit_test(text_render_uses_the_tables),
		cmocka_unit_test(json_without_text_carries_the_prose),
		cmocka_unit_test(indent_is_the_only_difference),
		cmocka_unit_test(modes_and_sink),
		cmocka_unit_test(json_lines_with_notes),
		cmocka_unit_test(html_pages),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
