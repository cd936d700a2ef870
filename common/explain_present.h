/* explain_present.h - renderers of explain records: prose, ladder, HTML page, terminal helpers. */
#ifndef SYNLAB_EXPLAIN_PRESENT_H
#define SYNLAB_EXPLAIN_PRESENT_H

/*
 * Everything here only READS struct explain_rec (explain.h); the words come from the
 * message tables (explain_msg.h). Prose is one line (sentences separated by spaces in
 * English, run together in Chinese), so it also fits a pcapng comment and an HTML title.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "explain.h"
#include "explain_msg.h"

/* ---- small formatting helpers (explain_fmt.c) ---- */

/* "SYN", "SYN+ACK", "FIN+PSH+ACK", "RST+ACK", "none". Returns buf. */
const char *explain_flags_label(uint8_t flags, char *buf, size_t cap);
/* "4.000 s" / "0.050 ms" (or "4.000 秒" / "0.050 毫秒"). Returns buf. */
const char *explain_dur(enum explain_lang lang, uint64_t us, char *buf, size_t cap);
/* Payload bytes as C-escaped text: printable ASCII kept, \r \n \t \\ \' \" and \xNN
 * escapes, at most max_bytes bytes then "...". Returns buf. */
const char *explain_escape_bytes(const uint8_t *p, size_t n, size_t max_bytes, char *buf,
				 size_t cap);
/* State name as learners know it in lang; "?" for an out-of-range value. */
const char *explain_state_name(enum explain_lang lang, enum tcb_state s);
/* "client" / "服务端" ...; cap selects the sentence-start form. */
const char *explain_side_name(enum explain_lang lang, enum explain_who who, bool cap);

/* ---- prose (explain_prose.c) ---- */

#define EXPLAIN_PROSE_MAX 2048	/* bytes: enough for any one record's explanation */
#define EXPLAIN_STREAM_HEAD 32	/* bytes of each direction's stream kept for quoting */

/* Optional memory across the records of ONE connection, so that later sentences can
 * refer back ("the client sent bytes 1..14 ('Just a test.\r\n')", "close 3/3"). Feed
 * every record of the connection in order. Plain data, no allocation. */
struct explain_prose_ctx {
	uint8_t head[2][EXPLAIN_STREAM_HEAD];	/* first payload bytes per direction */
	uint32_t nhead[2];			/* bytes stored (relative seq 1..nhead) */
	bool fin_seen[2];			/* per direction */
	uint32_t fin_seq[2];			/* relative seq of that FIN */
	bool close_piggyback;			/* second FIN also ACKed the first */
};

void explain_prose_ctx_init(struct explain_prose_ctx *c);

/* The plain-language explanation of r, with the arithmetic, in lang. Always
 * NUL-terminates (when cap > 0); cuts at a character boundary when cap is short.
 * Returns the length written, or -1 when r is NULL or the text was cut. */
int explain_prose(const struct explain_rec *r, enum explain_lang lang, char *buf, size_t cap);
/* The same, using and updating c (which may be NULL). */
int explain_prose_ctx(struct explain_prose_ctx *c, const struct explain_rec *r,
		      enum explain_lang lang, char *buf, size_t cap);

/* ---- terminal helpers (explain_term.c) ---- */

/* Colour only on a terminal and only when NO_COLOR is unset or empty (no-color.org). */
bool explain_colour_enabled(FILE *f);
/* true when the locale (LC_ALL, else LC_CTYPE, else LANG, as POSIX orders them) names
 * UTF-8. Pure variant for tests; NULL or "" means unset. */
bool explain_utf8_locale_of(const char *lc_all, const char *lc_ctype, const char *lang);
bool explain_utf8_locale(void);
/* ANSI SGR start sequence for a record's kind / flags / impairment ("" for none), and the
 * reset. */
const char *explain_colour_of(const struct explain_rec *r);
const char *explain_colour_reset(void);
/* `-q`: one line per record, no trailing newline, e.g.
 *   "   1 0.000000 client → server SYN seq=0 win=64240 len=0 [client CLOSED → SYN-SENT]"
 * Colour codes only when colour is true. Returns the length, or -1 if cut. */
int explain_quiet_line(const struct explain_rec *r, enum explain_lang lang, bool colour,
		       char *buf, size_t cap);

/* ---- ladder diagram (explain_ladder.c) ---- */

struct explain_ladder;

struct explain_ladder_opts {
	enum explain_lang lang;
	bool ascii;		/* ASCII art instead of UTF-8 box drawing */
	bool colour;		/* ANSI colours (see explain_colour_enabled) */
	bool prose;		/* the explanation under each arrow */
};

/* A collector for the records of connection `conn` (0: the first one added). Records
 * of other connections are ignored by explain_ladder_add. */
struct explain_ladder *explain_ladder_new(uint32_t conn, struct err *e);
void explain_ladder_free(struct explain_ladder *l);
/* Copies what it needs from r (payload bytes too). */
int explain_ladder_add(struct explain_ladder *l, const struct explain_rec *r, struct err *e);
/* explain_sink_fn adapter: ctx is a struct explain_ladder *. */
int explain_ladder_sink(void *ctx, const struct explain_rec *r, struct err *e);
int explain_ladder_render(const struct explain_ladder *l, const struct explain_ladder_opts *o,
			  FILE *f, struct err *e);

/* ---- one HTML page with an inline SVG ladder (explain_html.c) ---- */

/* Writes the ladder's records as one self-contained page (no external resources). */
int explain_html_write(const struct explain_ladder *l, enum explain_lang lang, FILE *f,
		       struct err *e);
/* The same into a new file at path. */
int explain_html_save(const struct explain_ladder *l, enum explain_lang lang, const char *path,
		      struct err *e);

/* ---- what the ladder and the HTML page share (explain_ladder.c) ---- */

/* One row of the diagram, in record order. */
struct explain_row {
	struct explain_rec rec;		/* seg.payload points at `payload` below */
	uint8_t payload[EXPLAIN_STREAM_HEAD];
	bool impaired;			/* a SEGMENT row later marked by an IMPAIR record */
	enum explain_impair_act act;
	uint64_t delay_us;
};

size_t explain_ladder_nrows(const struct explain_ladder *l);
const struct explain_row *explain_ladder_row(const struct explain_ladder *l, size_t i);
/* "198.18.0.1:40000" of a side, from the first segment; "?" when none was seen. */
const char *explain_ladder_addr(const struct explain_ladder *l, enum explain_who who,
				char *buf, size_t cap);
uint32_t explain_ladder_conn(const struct explain_ladder *l);
/* Arrow label: "SYN+ACK seq=0 ack=1 len=0". */
const char *explain_row_label(const struct explain_row *row, char *buf, size_t cap);

#endif
