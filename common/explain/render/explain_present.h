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
/* Text a user wrote (an impairment rule): well-formed UTF-8 kept as it is ("100ms±20ms"),
 * controls, quotes, backslashes and bytes that are no character escaped as
 * explain_escape_bytes does. Returns buf. */
const char *explain_escape_text(const char *s, size_t n, char *buf, size_t cap);
/* State name as learners know it in lang; "?" for an out-of-range value. */
const char *explain_state_label(enum explain_lang lang, enum tcb_state s);
/* "client" / "服务端" ...; cap selects the sentence-start form. */
const char *explain_side_name(enum explain_lang lang, enum explain_who who, bool cap);

/* Terminal columns of UTF-8 text: CJK and full-width forms count 2. Hand-written rather
 * than wcwidth(3) so that output does not depend on the process locale (golden tests). */
size_t explain_disp_width(const char *s);
int explain_cp_width(uint32_t c);
/* Decodes one UTF-8 character at p into *cp (U+FFFD for a bad byte); returns the next. */
const char *explain_utf8_next(const char *p, uint32_t *cp);

/* Short note of an IMPAIR record: "dropped", "delayed 200.000 ms" ... Returns buf. */
const char *explain_impair_note(enum explain_lang lang, const struct explain_rec *r, char *buf,
				size_t cap);

/* ---- prose (explain_prose.c) ---- */

#define EXPLAIN_PROSE_MAX 2048	/* bytes: enough for any one record's explanation */
#define EXPLAIN_STREAM_HEAD 32	/* bytes of each direction's stream kept for quoting */

/* Payload bytes of r that are really at r->seg.payload: seg.h's len - cut (a snaplen cut
 * keeps only the first ones), never more than the record's len. Readers of the payload
 * take this, not seg.len, so nothing past the captured bytes is read or quoted. */
static inline uint32_t explain_payload_kept(const struct explain_rec *r)
{
	uint32_t kept = r->seg.len > r->seg.cut ? r->seg.len - r->seg.cut : 0;

	return r->seg.payload ? (kept < r->len ? kept : r->len) : 0;
}

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

/* Writes the ladder's records as one self-contained page (no external resources);
 * note (NULL: none): what the page must say about the file beyond this connection
 * (frames skipped, payloads cut), a paragraph per line, under its own heading. */
int explain_html_write(const struct explain_ladder *l, enum explain_lang lang, const char *note,
		       FILE *f, struct err *e);
/* The same into a new file at path. */
int explain_html_save(const struct explain_ladder *l, enum explain_lang lang, const char *note,
		      const char *path, struct err *e);

/* ---- what the ladder and the HTML page share (explain_ladder.c) ---- */

/* One row of the diagram, in record order. */
struct explain_row {
	struct explain_rec rec;		/* seg.payload points at `payload` below */
	uint8_t payload[EXPLAIN_STREAM_HEAD];
	bool impaired;			/* dropped / delayed ... by the impairment engine */
	enum explain_impair_act act;
	uint64_t delay_us;
	uint64_t rule_us;	/* explain_impair's: before --time-scale, 0 the same */
	char impair_rule[64];
};

size_t explain_ladder_nrows(const struct explain_ladder *l);
const struct explain_row *explain_ladder_row(const struct explain_ladder *l, size_t i);
/* "198.18.0.1:40000" of a side, from the first segment; "?" when none was seen. */
const char *explain_ladder_addr(const struct explain_ladder *l, enum explain_who who,
				char *buf, size_t cap);
uint32_t explain_ladder_conn(const struct explain_ladder *l);
/* Arrow label: "SYN+ACK seq=0 ack=1 len=0". */
const char *explain_row_label(const struct explain_row *row, char *buf, size_t cap);
/* The impairment of an impaired row as an EXPLAIN_REC_IMPAIR record. */
void explain_row_impair_rec(const struct explain_row *row, struct explain_rec *out);
/* A row's explanation: its record's prose (through c, which may be NULL), followed by
 * the impairment's when the row is impaired. */
void explain_row_prose(const struct explain_row *row, struct explain_prose_ctx *c,
		       enum explain_lang lang, char *buf, size_t cap);
/* Is the row drawn as an arrow (segment or impairment), a state change, a note, or
 * not at all? */
enum explain_row_shape {
	EXPLAIN_ROW_ARROW,
	EXPLAIN_ROW_STATE,	/* EVENT TCB_EV_STATE */
	EXPLAIN_ROW_NOTE,	/* other events worth showing (timers, retransmissions ...) */
	EXPLAIN_ROW_SUMMARY,
	EXPLAIN_ROW_HIDDEN,	/* TCB_EV_ACKED, TCB_EV_DATA_IN: too frequent to draw */
};
enum explain_row_shape explain_row_shape(const struct explain_row *row);

#endif
