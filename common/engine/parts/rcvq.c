/* rcvq.c - receive buffer with out-of-order reassembly (see rcvq.h). */
#include "rcvq.h"

#include <stdlib.h>
#include <string.h>

void rcvq_init(struct rcvq *q, uint32_t cap)
{
	memset(q, 0, sizeof(*q));
	q->cap = cap;
}

void rcvq_free(struct rcvq *q)
{
	free(q->buf);
	free(q->ooo);
	rcvq_init(q, q->cap);
}

/* Copies n bytes to `off` bytes after the first readable byte, wrapping around the ring. */
static void rcvq_put(struct rcvq *q, uint32_t off, const uint8_t *p, uint32_t n)
{
	uint32_t at = (uint32_t)(((uint64_t)q->head + off) % q->cap);
	uint32_t first = q->cap - at < n ? q->cap - at : n;

	memcpy(q->buf + at, p, first);
	memcpy(q->buf, p + first, n - first);
}

/* Joins queued ranges that now start at or before nxt; returns the new RCV.NXT. */
static uint32_t rcvq_merge(struct rcvq *q, uint32_t rcv_nxt, uint32_t nxt)
{
	while (q->nooo > 0 && q->ooo[0].lo - rcv_nxt <= nxt - rcv_nxt) {
		if (q->ooo[0].hi - rcv_nxt > nxt - rcv_nxt)
			nxt = q->ooo[0].hi;
		memmove(&q->ooo[0], &q->ooo[1], (q->nooo - 1) * sizeof(q->ooo[0]));
		q->nooo--;
	}
	return nxt;
}

/* The largest age among the queued ranges (0 when none): no counter of its own, so
 * the queue costs a connection no more bytes. */
static uint32_t rcvq_newest_age(const struct rcvq *q)
{
	uint32_t a = 0;

	for (unsigned k = 0; k < q->nooo; k++)
		if (k == 0 || (int32_t)(q->ooo[k].age - a) > 0)
			a = q->ooo[k].age;
	return a;
}

/* Adds [lo, hi) to the sorted range list, merging neighbours; -1 when no slot is free. */
static int rcvq_add_range(struct rcvq *q, uint32_t base, uint32_t lo, uint32_t hi)
{
	unsigned i = 0, j;
	uint32_t age;

	while (i < q->nooo && q->ooo[i].hi - base < lo - base)
		i++;
	j = i;
	while (j < q->nooo && q->ooo[j].lo - base <= hi - base) {
		if (q->ooo[j].lo - base < lo - base)
			lo = q->ooo[j].lo;
		if (q->ooo[j].hi - base > hi - base)
			hi = q->ooo[j].hi;
		j++;
	}
	if (i == j && q->nooo == RCVQ_OOO_MAX)
		return -1;
	if (!q->ooo && !(q->ooo = malloc(RCVQ_OOO_MAX * sizeof(*q->ooo))))
		return -1;
	/* ranges i..j-1 collapse into one at i, the newest of all */
	age = rcvq_newest_age(q) + 1;
	memmove(&q->ooo[i + 1], &q->ooo[j], (q->nooo - j) * sizeof(q->ooo[0]));
	q->nooo = q->nooo - (j - i) + 1;
	q->ooo[i].lo = lo;
	q->ooo[i].hi = hi;
	q->ooo[i].age = age;
	return 0;
}

int rcvq_insert(struct rcvq *q, uint32_t rcv_nxt, uint32_t seq, const uint8_t *p, uint32_t len,
		uint32_t *advanced)
{
	uint32_t off = seq - rcv_nxt;

	*advanced = 0;
	if (len == 0 || q->cap == 0 || (uint64_t)off + len > (uint64_t)q->cap - q->ready)
		return len == 0 ? 0 : -1;
	if (!q->buf && !(q->buf = malloc(q->cap)))
		return -1;
	if (off > 0 && rcvq_add_range(q, rcv_nxt, seq, seq + len) < 0)
		return -1;
	rcvq_put(q, q->ready + off, p, len);
	if (off == 0) {
		*advanced = rcvq_merge(q, rcv_nxt, seq + len) - rcv_nxt;
		q->ready += *advanced;
	}
	return 0;
}

size_t rcvq_read(struct rcvq *q, void *buf, size_t cap)
{
	uint32_t n = cap < q->ready ? (uint32_t)cap : q->ready;
	uint32_t first = q->cap - q->head < n ? q->cap - q->head : n;

	if (n == 0)
		return 0;
	memcpy(buf, q->buf + q->head, first);
	memcpy((uint8_t *)buf + first, q->buf, n - first);
	q->head = (uint32_t)(((uint64_t)q->head + n) % q->cap);
	q->ready -= n;
	return n;
}

uint32_t rcvq_ooo_bytes(const struct rcvq *q)
{
	uint32_t sum = 0;

	for (unsigned i = 0; i < q->nooo; i++)
		sum += q->ooo[i].hi - q->ooo[i].lo;
	return sum;
}
