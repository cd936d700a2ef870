/* timerq.h - a min-heap of deadlines (us) for many connections, with lazy cancellation. */
#ifndef SYNLAB_TIMERQ_H
#define SYNLAB_TIMERQ_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* An entry names its owner and the owner's timer generation when it was armed; the
 * caller treats a popped entry whose generation is stale as cancelled (no search or
 * removal inside the heap: re-arming just pushes a new entry). */
struct timerq_entry {
	uint64_t when;		/* deadline, us */
	void *owner;
	uint32_t gen;		/* owner's generation when armed */
};

struct timerq {
	struct timerq_entry *heap;
	size_t len;		/* entries in use */
	size_t cap;		/* entries allocated */
};

void timerq_init(struct timerq *q);
void timerq_free(struct timerq *q);
int timerq_push(struct timerq *q, uint64_t when, void *owner, uint32_t gen, struct err *e);
/* The earliest deadline, or UINT64_MAX when empty. */
uint64_t timerq_next(const struct timerq *q);
/* Pops the earliest entry if it is due (when <= now); returns 1 when one was popped. */
int timerq_pop_due(struct timerq *q, uint64_t now, struct timerq_entry *out);

#endif
