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

/* The explanation sentence of a record (no newline) into buf; returns its length
 * (like snprintf). The JSON "explain" field and the text output share it. */
int explain_text_why(const struct explain_rec *r, enum explain_lang lang, char *buf,
		     size_t cap);

/* Writes the record as text: for a segment, the tcpdump-style line, each endpoint's
 * state change, and the explanation; for a summary, a few lines. Returns 0 or -1 (I/O). */
int explain_text_render(const struct explain_rec *r, enum explain_lang lang, FILE *out);

#endif
