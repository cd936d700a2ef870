/* live_note.h - the notes the stages put on the log: "#1  0.300000   impair ...", and the relative bases of a segment. */
#ifndef SYNLAB_LIVE_NOTE_H
#define SYNLAB_LIVE_NOTE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "impair.h"
#include "live_pipe.h"

/* A free-form note of connection c (NULL: #0) at wall time now. */
void live_note_at(struct live_pipe *pp, struct live_conn *c, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* One line saying what the rule (or the step prompt, when v->rule is 0) did to segment p,
 * and for drop, delay, dup, reorder and corrupt the log's impairment record. `what`
 * overrides the verdict text when not NULL (e.g. "released after 300ms"). */
void live_note_verdict(struct live_pipe *pp, struct live_conn *c, const struct live_pkt *p,
		       const struct impair_verdict *v, const char *what, uint64_t now);

/* Where prompts and their feedback go: the log when it is text on the user's screen,
 * else stderr (a JSON log stays JSON; a --log FILE is not where a typing user looks). */
FILE *live_note_prompt_file(const struct live_pipe *pp, bool tty);

/* Relative bases the log uses for s (out: ISS/IRS, in: IRS/ISS; 0 on SYNs). */
void live_note_bases(const struct live_conn *c, const struct seg *s, bool out, uint32_t *sb,
		     uint32_t *ab);

/* s as tcpdump-style text with those bases ("S. seq 0 ack 1 win 65535"). */
void live_note_seg(const struct live_conn *c, const struct seg *s, bool out, char *buf,
		   size_t cap);

#endif
