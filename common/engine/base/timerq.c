/* timerq.c - binary min-heap of deadlines (see timerq.h). */
#include "timerq.h"

#include <stdlib.h>

void timerq_init(struct timerq *q)
{
	q->heap = NULL;
	q->len = q->cap = 0;
}

void timerq_free(struct timerq *q)
{
	free(q->heap);
	timerq_init(q);
}

static void swap(struct timerq_entry *a, struct timerq_entry *b)
{
	struct timerq_entry t = *a;

	*a = *b;
	*b = t;
}

static void sift_up(struct timerq *q, size_t i)
{
	while (i > 0 && q->heap[(i - 1) / 2].when > q->heap[i].when) {
		swap(&q->heap[(i - 1) / 2], &q->heap[i]);
		i = (i - 1) / 2;
	}
}

static void sift_down(struct timerq *q, size_t i)
{
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;

		if (l < q->len && q->heap[l].when < q->heap[m].when)
			m = l;
		if (r < q->len && q->heap[r].when < q->heap[m].when)
			m = r;
		if (m == i)
			return;
		swap(&q->heap[m], &q->heap[i]);
		i = m;
	}
}

int timerq_push(struct timerq *q, uint64_t when, void *owner, uint32_t gen, struct err *e)
{
	if (q->len == q->cap) {
		size_t ncap = q->cap ? q->cap * 2 : 64;
		struct timerq_entry *h = realloc(q->heap, ncap * sizeof(*h));

		if (!h)
			return err_set(e, "timer queue: out of memory for %zu timers", ncap);
		q->heap = h;
		q->cap = ncap;
	}
	q->heap[q->len] = (struct timerq_entry){ when, owner, gen };
	sift_up(q, q->len++);
	return 0;
}

uint64_t timerq_next(const struct timerq *q)
{
	return q->len ? q->heap[0].when : UINT64_MAX;
}

int timerq_pop_due(struct timerq *q, uint64_t now, struct timerq_entry *out)
{
	if (!q->len || q->heap[0].when > now)
		return 0;
	*out = q->heap[0];
	q->heap[0] = q->heap[--q->len];
	sift_down(q, 0);
	return 1;
}
