/* explain_json.h - explain records as JSON Lines objects (jansson). */
#ifndef SYNLAB_EXPLAIN_JSON_H
#define SYNLAB_EXPLAIN_JSON_H

#include <jansson.h>
#include <stdio.h>

#include "explain.h"
#include "explain_text.h"

/* A new JSON object for r (caller json_decref()s it), or NULL on allocation failure.
 * Segment: frame, t, conn, src, dst, sport, dport, flags (tcpdump letters), seq, ack,
 * seq_raw, ack_raw, len, win, win_scaled, client/server {before, after}, analysis
 * (tshark names), rule, explain. Summary: type "summary" with the handshake RTT, who
 * closed, close_segments, time_wait, retransmissions. A segment's "explain" is `text`
 * (the prose the caller also prints, so every output says the same), or, when text is
 * NULL, explain_text_why() (the same prose without a connection context). */
json_t *explain_json_rec(const struct explain_rec *r, enum explain_lang lang, const char *text);

/* A line of the live log that is no record, {"type":"note","text":TEXT}, so that the
 * log stays JSON Lines. Returns 0 or -1. */
int explain_json_note(const char *text, FILE *out);

/* Writes r as one line (segments and summaries by explain_json_fast_write, the others
 * through explain_json_rec). Returns 0 or -1. */
int explain_json_write(const struct explain_rec *r, enum explain_lang lang, const char *text,
		       FILE *out);

/* A time as an exact decimal for an object passed to explain_json_write_obj. */
json_t *explain_json_time(struct tstamp t);

/* Writes o as one line (times exact). Returns 0 or -1; o stays the caller's. */
int explain_json_write_obj(json_t *o, FILE *out);

/* Segment and summary records written directly, byte for byte what explain_json_rec
 * and explain_json_write_obj give (explain_json_fast.c). Returns 0 or -1. */
int explain_json_fast_write(const struct explain_rec *r, enum explain_lang lang,
			    const char *text, FILE *out);

#endif
