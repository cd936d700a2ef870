/* live_log_queue.h - the live log's queue: a step's records, notes and -w packets wait here until its segments are sent. */
#ifndef SYNLAB_LIVE_LOG_QUEUE_H
#define SYNLAB_LIVE_LOG_QUEUE_H

/*
 * A live program explains a step (a segment received, a timer) with several records,
 * and rendering them (prose, JSON, a write per line) costs more than the step itself.
 * While the log defers (live.c: from the start of a step until its segments are on the
 * wire), live_log_out.c copies what it is given in here instead, in order, and renders
 * the items itself once the step's segments are sent. The queue only keeps copies: it
 * calls nothing of the log (calls between the two files go one way).
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "explain.h"

struct live_log_conn;

enum live_log_item_kind {
	LIVE_LOG_ITEM_PUT,	/* a record (live_log_put) */
	LIVE_LOG_ITEM_NOTE,	/* a line that is no record (live_log_note) */
	LIVE_LOG_ITEM_CAPTURE,	/* a packet for -w (live_log_capture) */
};

struct live_log_item {
	enum live_log_item_kind kind;
	FILE *f;			/* the log's stream when queued (the server mutes it) */
	struct live_log_conn *x;
	struct explain_rec r;		/* r.seg.payload points into buf */
	bool show, has_note;
	uint64_t mono_us;
	uint8_t *buf;			/* packet bytes, or payload bytes then the note, or
					 * the note's text */
	size_t len, note_off, cap;	/* reused from step to step */
};

struct live_log_q {
	struct live_log_item *it;
	size_t n, cap;
};

/* Each copies what it is given into a new item and returns true; false when out of
 * memory (the caller then renders at once: the order may slip, nothing is lost). */
bool live_log_q_put(struct live_log_q *q, FILE *f, struct live_log_conn *x,
		    const struct explain_rec *r, bool show, const char *note);
bool live_log_q_note(struct live_log_q *q, FILE *f, const char *text);
/* (the packet's frame number is kept in the item's r.frame) */
bool live_log_q_capture(struct live_log_q *q, FILE *f, uint64_t frame, uint64_t mono_us,
			const uint8_t *ip, size_t len);

/* Item i (i < q->n), its record's payload and note pointing into its buffer. */
struct live_log_item *live_log_q_item(struct live_log_q *q, size_t i);
/* The note of a PUT item, or NULL. */
const char *live_log_q_note_of(const struct live_log_item *it);

/* Forgets the items (their buffers stay for the next step). */
void live_log_q_clear(struct live_log_q *q);
void live_log_q_free(struct live_log_q *q);

#endif
