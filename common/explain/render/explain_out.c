/* explain_out.c - the one dispatcher of explain records: text, -q, JSON Lines, ladders, HTML pages, a comment sink. */
#include "explain_out.h"

#include <stdlib.h>
#include <string.h>

#include "explain_json.h"

struct explain_out {
	struct explain_out_opts o;
	FILE *f;
	uint32_t first_conn;		/* the first connection given (one HTML page) */
	bool sink_closed;
	struct explain_ladder **kept;	/* ladders of ended connections, in that order */
	char *page_note;		/* explain_out_page_note, for every HTML page */
	size_t nkept, capkept;
};

struct explain_out *explain_out_new(const struct explain_out_opts *o, struct err *e)
{
	struct explain_out *x = calloc(1, sizeof(*x));

	if (!x) {
		err_set(e, "out of memory");
		return NULL;
	}
	x->o = *o;
	x->f = o->f;
	if (!x->o.indent)
		x->o.indent = "";
	return x;
}

void explain_out_conn_init(struct explain_out_conn *c, uint32_t conn)
{
	memset(c, 0, sizeof(*c));
	c->conn = conn;
	explain_prose_ctx_init(&c->pctx);
}

void explain_out_set_stream(struct explain_out *o, FILE *f)
{
	o->f = f;
}

/* ---- the stream ---- */

/* Whether any output reads r's prose: -q prints none, --summary only a summary's (a
 * summary's sentences need no context), but the sink and later text sentences, through
 * the context, may need a segment's. Skipping it is most of -q's speed. */
static bool wants_prose(const struct explain_out *o, const struct explain_rec *r, bool show)
{
	if (o->o.mode == EXPLAIN_OUT_JSON || o->o.sink.put)
		return true;
	if (o->o.mode == EXPLAIN_OUT_SUMMARY)
		return r->kind == EXPLAIN_REC_SUMMARY;
	return o->o.mode == EXPLAIN_OUT_TEXT && (show || r->kind == EXPLAIN_REC_SEGMENT);
}

static bool is_segment_line(const struct explain_rec *r)
{
	return r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR;
}

/* fputs, not fprintf("%s\n%s%s\n"): no format parsing per record (synlab-explain
 * writes hundreds of thousands of them a second). */
static void put_quiet(const struct explain_out *o, const struct explain_rec *r)
{
	char line[1024];

	explain_quiet_line(r, o->o.lang, o->o.colour, line, sizeof(line));
	fputs(line, o->f);
	putc('\n', o->f);
}

/* Text: a segment's -q line, then its explanation indented; a summary "== ..." and an
 * event "* ..." dimmed; then the note, if any, indented. */
static void put_text(const struct explain_out *o, const struct explain_rec *r, const char *prose,
		     const char *note)
{
	const char *dim = o->o.colour ? explain_colour_of(r) : "";
	const char *end = o->o.colour ? explain_colour_reset() : "";

	if (is_segment_line(r)) {
		put_quiet(o, r);
		fputs(o->o.indent, o->f);
		fputs(prose, o->f);
		putc('\n', o->f);
	} else {
		fputs(dim, o->f);
		if (r->kind == EXPLAIN_REC_EVENT) {
			fputs(o->o.indent, o->f);
			fputs("* ", o->f);
		} else {
			fputs("== ", o->f);
		}
		fputs(prose, o->f);
		fputs(end, o->f);
		putc('\n', o->f);
	}
	if (note) {
		fputs(o->o.indent, o->f);
		fputs(note, o->f);
		putc('\n', o->f);
	}
}

static void put_stream(const struct explain_out *o, const struct explain_rec *r,
		       const char *prose, bool show, const char *note)
{
	if (!o->f)
		return;
	switch (o->o.mode) {
	case EXPLAIN_OUT_JSON:
		explain_json_write(r, o->o.lang, prose, o->f);
		break;
	case EXPLAIN_OUT_QUIET:
		if (is_segment_line(r))
			put_quiet(o, r);
		break;
	case EXPLAIN_OUT_SUMMARY:
		if (r->kind == EXPLAIN_REC_SUMMARY)
			put_text(o, r, prose, NULL);
		break;
	case EXPLAIN_OUT_TEXT:
		if (show)
			put_text(o, r, prose, note);
		break;
	}
}

void explain_out_note(struct explain_out *o, const char *text)
{
	if (!o->f)
		return;
	if (o->o.mode == EXPLAIN_OUT_JSON) {
		explain_json_note(text, o->f);
		return;
	}
	fputs(text, o->f);
	putc('\n', o->f);
}

bool explain_out_stream_failed(const struct explain_out *o)
{
	return o->f && ferror(o->f);
}

int explain_out_flush(struct explain_out *o, struct err *e)
{
	if (o->f)
		fflush(o->f);
	if (o->o.sink.flush && !o->sink_closed)
		return o->o.sink.flush(o->o.sink.ctx, e);
	return 0;
}

/* ---- ladders ---- */

static bool wants_ladder(const struct explain_out *o, uint32_t conn)
{
	if (o->o.ladder)
		return true;
	return o->o.html_path && (o->o.html_each || conn == o->first_conn);
}

/* The diagram draws what the text shows: a STATE event a segment already carries would
 * put the state on a row of its own, before that segment's arrow. */
static int add_to_ladder(struct explain_out *o, struct explain_out_conn *c,
			 const struct explain_rec *r, struct err *e)
{
	if (!c->ladder_tried && wants_ladder(o, c->conn)) {
		c->ladder_tried = true;
		if (!(c->ladder = explain_ladder_new(c->conn, e)))
			return -1;
	}
	if (!c->ladder || explain_ladder_add(c->ladder, r, e) == 0)
		return 0;
	explain_ladder_free(c->ladder);
	c->ladder = NULL;
	return -1;
}

int explain_out_put(struct explain_out *o, struct explain_out_conn *c,
		    const struct explain_rec *r, bool show, const char *note, struct err *e)
{
	char prose[EXPLAIN_PROSE_MAX] = "";
	struct err se;
	int rc = 0;

	if (!o->first_conn)
		o->first_conn = r->conn;
	/* Once per record: the prose context follows every record the prose is made for. */
	if (wants_prose(o, r, show))
		explain_prose_ctx(c ? &c->pctx : NULL, r, o->o.lang, prose, sizeof(prose));
	if (o->o.sink.put && !o->sink_closed && o->o.sink.put(o->o.sink.ctx, r, prose, &se) < 0) {
		if (e)
			*e = se;
		rc = -1;
	}
	put_stream(o, r, prose, show, note);
	if (c && show && add_to_ladder(o, c, r, &se) < 0 && rc == 0) {
		err_set(e, "%s (no diagram for connection %u)", se.msg, r->conn);
		rc = -1;
	}
	return rc;
}

void explain_out_conn_end(struct explain_out *o, struct explain_out_conn *c)
{
	struct explain_ladder **n;

	if (!c->ladder)
		return;
	if (o->nkept == o->capkept) {
		size_t cap = o->capkept ? o->capkept * 2 : 8;

		if (!(n = realloc(o->kept, cap * sizeof(*n)))) {
			explain_ladder_free(c->ladder);
			c->ladder = NULL;
			return;
		}
		o->kept = n;
		o->capkept = cap;
	}
	o->kept[o->nkept++] = c->ladder;
	c->ladder = NULL;
}

/* ---- the end ---- */

/* FILE for the first page, FILE with "-N" before the extension for the N-th. */
static void page_path(const char *path, size_t i, char *buf, size_t cap)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (i == 0)
		snprintf(buf, cap, "%s", path);
	else if (dot && (!slash || dot > slash))
		snprintf(buf, cap, "%.*s-%zu%s", (int)(dot - path), path, i + 1, dot);
	else
		snprintf(buf, cap, "%s-%zu", path, i + 1);
}

static int draw_ladders(struct explain_out *o, struct err *e)
{
	int rc = 0;

	for (size_t i = 0; o->o.ladder && o->f && i < o->nkept; i++) {
		if (o->o.ladder_gap)
			putc('\n', o->f);
		if (explain_ladder_render(o->kept[i], &o->o.lad, o->f, e) < 0)
			rc = -1;
	}
	return rc;
}

static int write_pages(struct explain_out *o, struct err *e)
{
	char path[4096];
	size_t page = 0;
	int rc = 0;

	if (!o->o.html_path)
		return 0;
	for (size_t i = 0; i < o->nkept; i++) {
		if (!o->o.html_each && explain_ladder_conn(o->kept[i]) != o->first_conn)
			continue;
		page_path(o->o.html_path, page++, path, sizeof(path));
		if (explain_html_save(o->kept[i], o->o.lang, o->page_note, path, e) < 0)
			rc = -1;
		if (!o->o.html_each)
			break;
	}
	if (!o->o.html_each && page == 0)
		return err_set(e, "--html: no connection to draw");
	return rc;
}

static int close_sink(struct explain_out *o, struct err *e)
{
	if (o->sink_closed)
		return 0;
	o->sink_closed = true;
	return o->o.sink.close ? o->o.sink.close(o->o.sink.ctx, e) : 0;
}

int explain_out_finish(struct explain_out *o, struct err *e)
{
	struct err pe, se;
	int rc = draw_ladders(o, e);

	if (write_pages(o, rc < 0 ? &pe : e) < 0)
		rc = -1;
	if (close_sink(o, rc < 0 ? &se : e) < 0)
		rc = -1;
	return rc;
}

void explain_out_free(struct explain_out *o)
{
	if (!o)
		return;
	close_sink(o, NULL);
	for (size_t i = 0; i < o->nkept; i++)
		explain_ladder_free(o->kept[i]);
	free(o->kept);
	free(o->page_note);
	free(o);
}

int explain_out_page_note(struct explain_out *o, const char *text, struct err *e)
{
	char *n = strdup(text);

	if (!n)
		return err_set(e, "out of memory");
	free(o->page_note);
	o->page_note = n;
	return 0;
}
