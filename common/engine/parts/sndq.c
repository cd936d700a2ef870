/* sndq.c - the send buffer (see sndq.h). */
#include "sndq.h"

#include <stdlib.h>
#include <string.h>

void sndq_init(struct sndq *q, uint32_t cap)
{
	q->buf = NULL;
	q->cap = cap;
	q->off = 0;
	q->len = 0;
}

void sndq_free(struct sndq *q)
{
	free(q->buf);
	q->buf = NULL;
	q->off = 0;
	q->len = 0;
}

long sndq_append(struct sndq *q, const void *p, size_t n)
{
	if (n > sndq_space(q))
		n = sndq_space(q);
	if (n == 0)
		return 0;
	if (!q->buf) {
		q->buf = malloc(q->cap);
		if (!q->buf)
			return -1;
	}
	memcpy(q->buf + q->off + q->len, p, n);
	q->len += (uint32_t)n;
	return (long)n;
}

void sndq_consume(struct sndq *q, uint32_t n)
{
	if (n > q->len)
		n = q->len;
	q->off += n;
	q->len -= n;
	/* Compact here, never in append: only ACK processing may move payloads. */
	if (q->len == 0) {
		q->off = 0;
	} else if (q->off >= q->cap / 2 || q->len <= 4096) {
		memmove(q->buf, q->buf + q->off, q->len);
		q->off = 0;
	}
}

const uint8_t *sndq_at(const struct sndq *q, uint32_t i)
{
	if (!q->buf || i >= q->len)
		return NULL;
	return q->buf + q->off + i;
}
