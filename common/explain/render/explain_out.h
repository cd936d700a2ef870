/* explain_out.h - the one dispatcher of explain records to their outputs: text, -q, JSON Lines, ladder, HTML, a comment sink. */
#ifndef SYNLAB_EXPLAIN_OUT_H
#define SYNLAB_EXPLAIN_OUT_H

/*
 * synlab-explain (explain/out.c) and the live programs' log (common/live/live_log_out.c)
 * hand every record to explain_out_put, which writes the explanation once and gives the
 * same words to every output:
 *
 *   the stream   text (the -q line, then the explanation indented), -q lines only,
 *                --summary (summaries only) or JSON Lines (explain_json.c);
 *   the ladder   one diagram per connection, drawn at explain_out_finish (--ladder),
 *                and the HTML page(s) of it (--html);
 *   a sink       a writer that takes each record with its explanation: the pcapng files
 *                whose packet comments are the explanations. The pcapng writer does file
 *                I/O (common/io), which this layer may not call, so the program wires it
 *                in through struct explain_out_sink.
 *
 * What differs between the programs is a parameter (struct explain_out_opts): the indent
 * of an explanation, whether a blank line precedes a ladder, how ladders are drawn, one
 * HTML page per connection or one for the first connection.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "explain.h"
#include "explain_present.h"

enum explain_out_mode {
	EXPLAIN_OUT_TEXT,	/* the -q line as a header, then the explanation */
	EXPLAIN_OUT_QUIET,	/* -q: one line per segment (and impairment) */
	EXPLAIN_OUT_SUMMARY,	/* --summary: connection summaries only */
	EXPLAIN_OUT_JSON,	/* --json: every record, one JSON object a line */
};

/* A writer fed every record with its explanation (prose). put() decides which kinds it
 * takes (pcapng: segments). -1 with e from any of them is passed on to the caller. */
struct explain_out_sink {
	int (*put)(void *ctx, const struct explain_rec *r, const char *prose, struct err *e);
	int (*flush)(void *ctx, struct err *e);		/* may be NULL */
	int (*close)(void *ctx, struct err *e);		/* explain_out_finish; may be NULL */
	void *ctx;
};

struct explain_out_opts {
	enum explain_out_mode mode;
	enum explain_lang lang;
	FILE *f;			/* the stream; NULL writes nothing there */
	bool colour;			/* ANSI colours on the stream */
	const char *indent;		/* before an explanation or a note line */
	bool ladder;			/* every connection's ladder, to f at the end */
	bool ladder_gap;		/* a blank line before each ladder */
	struct explain_ladder_opts lad;	/* how the ladders are drawn */
	const char *html_path;		/* --html FILE, or NULL */
	/* true: a page per connection (FILE, then FILE-2.html ... in the order the
	 * connections ended); false: one page, of the first connection given */
	bool html_each;
	struct explain_out_sink sink;	/* put == NULL: none */
};

/* What the dispatcher keeps of one connection (the caller holds it, hung on its own
 * connection state): the prose context, so that later sentences can refer back, and the
 * connection's ladder while it is drawn. Zero it with explain_out_conn_init. */
struct explain_out_conn {
	uint32_t conn;			/* its number in records (and in the ladder's title) */
	struct explain_prose_ctx pctx;
	struct explain_ladder *ladder;
	bool ladder_tried;		/* a ladder was wanted and made (or failed) */
};

struct explain_out;

/* What every HTML page says about the file beyond its connection (frames skipped,
 * payloads cut: text, a paragraph per line), kept until explain_out_finish writes the
 * pages. -1 with e when out of memory. */
int explain_out_page_note(struct explain_out *o, const char *text, struct err *e);
struct explain_out *explain_out_new(const struct explain_out_opts *o, struct err *e);
void explain_out_conn_init(struct explain_out_conn *c, uint32_t conn);

/* The stream records go to from now on (the live server mutes its log under floods). */
void explain_out_set_stream(struct explain_out *o, FILE *f);

/* One record of connection c (NULL: no connection state, e.g. a stray segment).
 * show = false: the text stream and the ladder skip r (a STATE event that a segment's
 * explanation already tells); -q, JSON and the sink still get it. note: one more line
 * under r in text mode (NULL none). Every output is tried; -1 with e (the first failure:
 * the sink, or a ladder, which is then dropped: "(no diagram for connection N)"). A
 * failed write on the stream is not reported here: see explain_out_stream_failed. */
int explain_out_put(struct explain_out *o, struct explain_out_conn *c,
		    const struct explain_rec *r, bool show, const char *note, struct err *e);

/* A line that is no record ("HTTP response head: ...", an impairment's verdict): as it
 * is on the text and -q streams, {"type":"note","text":...} in JSON Lines, so that the
 * stream stays one JSON object a line. */
void explain_out_note(struct explain_out *o, const char *text);

/* Whether a write on the stream has failed (ferror). */
bool explain_out_stream_failed(const struct explain_out *o);

/* Flushes the stream and the sink. -1 with e when the sink's flush failed. */
int explain_out_flush(struct explain_out *o, struct err *e);

/* Connection c is over: its ladder is kept for explain_out_finish. */
void explain_out_conn_end(struct explain_out *o, struct explain_out_conn *c);

/* Draws the kept ladders to the stream, writes the HTML page(s), closes the sink. Every
 * step is tried; -1 with e for a failure (with one page for the first connection, also
 * when there was no connection to draw). */
int explain_out_finish(struct explain_out *o, struct err *e);

/* Frees everything (ladders not kept are the caller's to end first). */
void explain_out_free(struct explain_out *o);

#endif
