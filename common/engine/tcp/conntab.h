/* conntab.h - a table of connections keyed by their 4-tuple, growing as it fills. */
#ifndef SYNLAB_CONNTAB_H
#define SYNLAB_CONNTAB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tcb.h"

/*
 * Open addressing with linear probing: the key and the value sit in the slot itself, so
 * a lookup reads one slot (usually one cache line) instead of a bucket pointer and then
 * a separately allocated entry - at a million connections each of those was a cache
 * miss (bench/bench_scale.c). The table grows (doubles) past 3/4 full; deletion shifts
 * the following entries back, so there are no tombstones.
 */
struct conntab_slot {
	struct tcb_addr key;		/* local/remote address and port, host order */
	void *val;			/* NULL: the slot is free */
};

struct conntab {
	struct conntab_slot *slot;
	size_t cap;		/* slots, a power of two */
	size_t count;		/* entries stored */
	uint64_t seed;		/* hash key, so peers cannot aim at one run of slots */
};

int conntab_init(struct conntab *t, size_t hint, uint64_t seed, struct err *e);
void conntab_free(struct conntab *t);	/* frees the table, not the values */

void *conntab_get(const struct conntab *t, const struct tcb_addr *k);
/* Starts loading the slot where k's lookup begins (a hint, no effect on the table), so
 * that a caller holding a burst of segments can overlap their cache misses: prefetch
 * every key first, then conntab_get each (bench/bench_scale.c run_batched). */
void conntab_prefetch(const struct conntab *t, const struct tcb_addr *k);
/* Adds k -> val (val not NULL); error when k is present or memory runs out. */
int conntab_put(struct conntab *t, const struct tcb_addr *k, void *val, struct err *e);
/* Removes k; returns its value or NULL. */
void *conntab_del(struct conntab *t, const struct tcb_addr *k);

/* Calls fn for every entry; fn may not modify the table. */
void conntab_each(const struct conntab *t, void (*fn)(const struct tcb_addr *, void *, void *),
		  void *arg);

#endif
