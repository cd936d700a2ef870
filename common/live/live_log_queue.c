/* live_log_queue.c - the live log's queue: copies of a step's records, notes and -w packets, in order. */
#include "live_log_queue.h"

#include <stdlib.h>
#include <string.h>

/* The next free item with room for n bytes; NULL when out of memory. */
static struct live_log_item *take(struct live_log_q *q, enum live_log_item_kind k, FILE *f,
				  size_t n)
{
	struct live_log_item *it;

	if (q->n == q->cap) {
		size_t cap = q->cap ? q->cap * 2 : 16;
		struct live_log_item *a = realloc(q->it, cap * sizeof(*a));

		if (!a)
			return NULL;
		memset(a + q->cap, 0, (cap - q->cap) * sizeof(*a));
		q->it = a;
		q->cap = cap;
	}
	it = &q->it[q->n];
	if (n > it->cap) {
		uint8_t *b = realloc(it->buf, n);

		if (!b)
			return NULL;
		it->buf = b;
		it->cap = n;
	}
	it->kind = k;
	it->f = f;
	it->len = it->note_off = 0;
	q->n++;
	return it;
}

bool live_log_q_put(struct live_log_q *q, FILE *f, struct live_log_conn *x,
		    const struct explain_rec *r, bool show, const char *note)
{
	size_t plen = r->seg.payload ? r->seg.len : 0, nlen = note ? strlen(note) + 1 : 0;
	struct live_log_item *it = take(q, LIVE_LOG_ITEM_PUT, f, plen + nlen);

	if (!it)
		return false;
	it->x = x;
	it->r = *r;
	it->show = show;
	it->has_note = note != NULL;
	if (plen)	/* the payload lives in a buffer the next send overwrites */
		memcpy(it->buf, r->seg.payload, plen);
	it->note_off = plen;
	if (note)
		memcpy(it->buf + plen, note, nlen);
	return true;
}

bool live_log_q_note(struct live_log_q *q, FILE *f, const char *text)
{
	size_t n = strlen(text) + 1;
	struct live_log_item *it = take(q, LIVE_LOG_ITEM_NOTE, f, n);

	if (!it)
		return false;
	memcpy(it->buf, text, n);
	return true;
}

bool live_log_q_capture(struct live_log_q *q, FILE *f, uint64_t frame, uint64_t mono_us,
			const uint8_t *ip, size_t len)
{
	struct live_log_item *it = take(q, LIVE_LOG_ITEM_CAPTURE, f, len);

	if (!it)
		return false;
	memcpy(it->buf, ip, len);
	it->len = len;
	it->mono_us = mono_us;
	it->r.frame = frame;
	return true;
}

struct live_log_item *live_log_q_item(struct live_log_q *q, size_t i)
{
	struct live_log_item *it = &q->it[i];

	if (it->kind == LIVE_LOG_ITEM_PUT && it->r.seg.payload)
		it->r.seg.payload = it->buf;
	return it;
}

const char *live_log_q_note_of(const struct live_log_item *it)
{
	return it->kind == LIVE_LOG_ITEM_PUT && it->has_note ? (const char *)it->buf + it->note_off
							     : NULL;
}

void live_log_q_clear(struct live_log_q *q)
{
	q->n = 0;
}

void live_log_q_free(struct live_log_q *q)
{
	for (size_t i = 0; i < q->cap; i++)
		free(q->it[i].buf);
	free(q->it);
	q->it = NULL;
	q->n = q->cap = 0;
}
