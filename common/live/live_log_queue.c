/* live_log_queue.c - the live log's queue: a step's records wait here until its segments are sent. */
#include "live_log.h"

#include <stdlib.h>
#include <string.h>

/*
 * A live program explains a step (a segment received, a timer) with several records,
 * and rendering them (prose, JSON, a write per line) costs more than the step itself.
 * While g->defer is set (live.c: from the start of a step until its segments are on the
 * wire) records, notes and -w packets are copied here instead, in order, and
 * live_log_flush renders them exactly as they would have been rendered at once.
 */

enum item_kind { ITEM_PUT, ITEM_NOTE, ITEM_CAPTURE };

struct live_log_item {
	enum item_kind kind;
	FILE *f;			/* g->f when queued (the server mutes it under floods) */
	struct live_log_conn *x;
	struct explain_rec r;
	bool show, has_note;
	uint64_t mono_us;
	uint8_t *buf;			/* packet bytes, or payload bytes, then the note */
	size_t len, note_off, cap;	/* reused from step to step */
};

/* The next free item with room for n bytes; NULL when out of memory (the caller then
 * renders at once: the order may slip, nothing is lost). */
static struct live_log_item *take(struct live_log *g, enum item_kind k, size_t n)
{
	struct live_log_item *it;

	if (g->nq == g->capq) {
		size_t cap = g->capq ? g->capq * 2 : 16;
		struct live_log_item *q = realloc(g->q, cap * sizeof(*q));

		if (!q)
			return NULL;
		memset(q + g->capq, 0, (cap - g->capq) * sizeof(*q));
		g->q = q;
		g->capq = cap;
	}
	it = &g->q[g->nq];
	if (n > it->cap) {
		uint8_t *b = realloc(it->buf, n);

		if (!b)
			return NULL;
		it->buf = b;
		it->cap = n;
	}
	it->kind = k;
	it->f = g->f;
	it->len = it->note_off = 0;
	g->nq++;
	return it;
}

bool live_log_q_put(struct live_log *g, struct live_log_conn *x, const struct explain_rec *r,
		    bool show, const char *note)
{
	size_t plen = r->seg.payload ? r->seg.len : 0, nlen = note ? strlen(note) + 1 : 0;
	struct live_log_item *it;

	if (!g->defer || !(it = take(g, ITEM_PUT, plen + nlen)))
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

bool live_log_q_note(struct live_log *g, FILE *f, const char *fmt, va_list ap)
{
	struct live_log_item *it;
	va_list cp;
	int n;

	if (!g->defer)
		return false;
	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0 || !(it = take(g, ITEM_NOTE, (size_t)n + 1)))
		return false;
	it->f = f;
	vsnprintf((char *)it->buf, (size_t)n + 1, fmt, ap);
	return true;
}

bool live_log_q_capture(struct live_log *g, uint64_t mono_us, const uint8_t *ip, size_t len)
{
	struct live_log_item *it;

	if (!g->defer || !(it = take(g, ITEM_CAPTURE, len)))
		return false;
	memcpy(it->buf, ip, len);
	it->len = len;
	it->mono_us = mono_us;
	return true;
}

static void replay(struct live_log *g, struct live_log_item *it)
{
	FILE *f = g->f;

	g->f = it->f;
	if (it->kind == ITEM_CAPTURE) {
		live_log_capture(g, it->mono_us, it->buf, it->len);
	} else if (it->kind == ITEM_NOTE) {
		fputs((const char *)it->buf, it->f);
		fputc('\n', it->f);
	} else {
		if (it->r.seg.payload)
			it->r.seg.payload = it->buf;
		live_log_put(g, it->x, &it->r, it->show,
			     it->has_note ? (const char *)it->buf + it->note_off : NULL);
	}
	g->f = f;
}

void live_log_flush(struct live_log *g)
{
	g->defer = false;
	if (!g->nq)
		return;
	g->replaying = true;	/* no fflush per record: live_log_idle writes */
	for (size_t i = 0; i < g->nq; i++)
		replay(g, &g->q[i]);
	g->replaying = false;
	g->nq = 0;
}

void live_log_idle(struct live_log *g)
{
	if (g->f)
		fflush(g->f);
	fflush(stderr);		/* notes of --json, and the programs' own messages */
}

void live_log_q_free(struct live_log *g)
{
	for (size_t i = 0; i < g->capq; i++)
		free(g->q[i].buf);
	free(g->q);
	g->q = NULL;
	g->nq = g->capq = 0;
}
