/* live_log_hold.c - pcapng -w: the packets that wait for their records' prose (their frame comments), in wire order. */
#include "live_log_hold.h"

#include <stdlib.h>
#include <string.h>

static struct live_log_held *at(struct live_log_hold *q, size_t i)
{
	return &q->h[(q->head + i) % LIVE_LOG_HOLD];
}

/* The popped entry: its buffers move to *out, the slot keeps a spare one for reuse. The
 * caller's previous *out is freed by the next pop into the same out (see swap_out). */
static void swap_out(struct live_log_held *slot, struct live_log_held *out)
{
	struct live_log_held t = *out;

	*out = *slot;
	free(t.comment);
	*slot = (struct live_log_held){ .pkt = t.pkt, .cap = t.cap };
}

bool live_log_hold_pop(struct live_log_hold *q, bool any, struct live_log_held *out)
{
	struct live_log_held *s;

	if (!q->n)
		return false;
	s = at(q, 0);
	if (!any && !s->comment)
		return false;
	swap_out(s, out);
	q->head = (q->head + 1) % LIVE_LOG_HOLD;
	q->n--;
	return true;
}

int live_log_hold_push(struct live_log_hold *q, uint64_t frame, uint64_t mono_us,
		       const uint8_t *ip, size_t len)
{
	struct live_log_held *s;

	if (q->n == LIVE_LOG_HOLD)
		return -1;
	s = at(q, q->n);
	if (s->cap < len) {
		uint8_t *p = realloc(s->pkt, len ? len : 1);

		if (!p)
			return -1;
		s->pkt = p;
		s->cap = len;
	}
	memcpy(s->pkt, ip, len);
	s->len = len;
	s->mono_us = mono_us;
	s->frame = frame;
	s->comment = NULL;
	q->n++;
	return 0;
}

bool live_log_hold_comment(struct live_log_hold *q, uint64_t frame, const char *prose)
{
	for (size_t i = 0; i < q->n; i++) {
		struct live_log_held *s = at(q, i);

		if (s->frame != frame)
			continue;
		if (s->comment)
			return false;	/* a frame has one record's prose: the first */
		s->comment = strdup(prose ? prose : "");
		return s->comment != NULL;
	}
	return false;
}

void live_log_hold_free(struct live_log_hold *q, struct live_log_held *out)
{
	free(out->pkt);
	free(out->comment);
	*out = (struct live_log_held){ 0 };
	for (size_t i = 0; i < LIVE_LOG_HOLD; i++) {
		free(q->h[i].pkt);
		free(q->h[i].comment);
	}
	memset(q, 0, sizeof(*q));
}
