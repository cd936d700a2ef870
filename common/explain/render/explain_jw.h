/* explain_jw.h - a direct JSON Lines writer: the --json hot path, escaping as jansson does. */
#ifndef SYNLAB_EXPLAIN_JW_H
#define SYNLAB_EXPLAIN_JW_H

/*
 * Why by hand: building a jansson tree per segment (an allocation per value, a hash per
 * key, then json_dumps) made `synlab-explain --json` 5-6x slower than the full text
 * (issue #16 point 2). Records that come by the million (segments, summaries) are written
 * with this instead; the rare ones (events, impairments, notes) keep jansson. The output
 * is byte for byte what json_dumps(JSON_COMPACT | JSON_PRESERVE_ORDER) gives for the same
 * object: tests/unit/test_explain_jw.c compares both on every record kind and on random
 * strings (the escaping and the UTF-8 check).
 *
 * Usage: explain_jw_init, then open/key/values/close in order, then explain_jw_end, which
 * ends the line and writes it. Commas come by themselves: a value, an open or a key after
 * a value gets one. Errors (a full FILE) are sticky and reported by explain_jw_end.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct explain_jw {
	FILE *out;
	size_t n;		/* bytes waiting in buf */
	bool comma;		/* the last thing written was a value: the next needs ',' */
	bool err;
	char buf[16384];	/* room for a prose of EXPLAIN_PROSE_MAX escaped */
};

void explain_jw_init(struct explain_jw *w, FILE *out);
/* '{' or '[' (c), and the matching '}' or ']'. */
void explain_jw_open(struct explain_jw *w, char c);
void explain_jw_close(struct explain_jw *w, char c);
/* An object key: a name of ours, plain ASCII that needs no escaping (a string literal
 * for explain_jw_key: its length is known when compiling). */
void explain_jw_keyn(struct explain_jw *w, const char *k, size_t n);
#define explain_jw_key(w, k) explain_jw_keyn((w), "" k, sizeof("" k) - 1)	/* literals only */
/* A string value, escaped as jansson does (", \, controls; UTF-8 as it is). Text that
 * is not well-formed UTF-8 is refused (false, nothing written), as json_stringn does. */
bool explain_jw_strn(struct explain_jw *w, const char *s, size_t n);
bool explain_jw_str(struct explain_jw *w, const char *s);
void explain_jw_int(struct explain_jw *w, int64_t v);
void explain_jw_null(struct explain_jw *w);
void explain_jw_bool(struct explain_jw *w, bool v);
/* A number already written as text (an exact decimal time): copied as it is. */
void explain_jw_raw(struct explain_jw *w, const char *s);
void explain_jw_rawn(struct explain_jw *w, const char *s, size_t n);
/* Ends the line and writes it. Returns 0, or -1 when any write failed. */
int explain_jw_end(struct explain_jw *w);

/* Whether s[0..n) is well-formed UTF-8 by jansson's rule (no overlong forms, no
 * surrogates, nothing above U+10FFFF). */
bool explain_jw_utf8_ok(const char *s, size_t n);

#endif
