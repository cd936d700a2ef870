/* explain_text.h - plain-text rendering of explain records (one tcpdump-style line + why). */
#ifndef SYNLAB_EXPLAIN_TEXT_H
#define SYNLAB_EXPLAIN_TEXT_H

#include <stddef.h>
#include <stdio.h>

#include "explain.h"

enum explain_lang {
	EXPLAIN_LANG_EN,
	EXPLAIN_LANG_ZH,
};

/* Parses "en" / "zh"; -1 for anything else. */
int explain_lang_parse(const char *s);

/* The explanation of a record (no newline) into buf: explain_prose() without a
 * connection context, from the same message tables. Returns the length written (cut at
 * a character boundary when cap is short). */
int explain_text_why(const struct explain_rec *r, enum explain_lang lang, char *buf,
		     size_t cap);

/* Writes the record as text: for a segment (or an impairment), the tcpdump-style line
 * and each endpoint's state change; then, for every kind, the explanation. Returns 0 or
 * -1 (I/O). */
int explain_text_render(const struct explain_rec *r, enum explain_lang lang, FILE *out);

#endif
