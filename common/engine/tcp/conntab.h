/* conntab.h - a table of connections keyed by their 4-tuple, growing as it fills. */
#ifndef SYNLAB_CONNTAB_H
#define SYNLAB_CONNTAB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tcb.h"

/* One entry: the key and the caller's value (typically a struct holding a TCB). */
struct conntab_entry {
	struct tcb_addr key;		/* local/remote address and port, host order */
	void *val;
	struct conntab_entry *next;	/* chain in the bucket */
};

struct conntab {
	struct conntab_entry **bucket;
	size_t nbucket;		/* power of two */
	size_t count;		/* entries stored */
	uint64_t seed;		/* hash key, so peers cannot aim at one bucket */
};

int conntab_init(struct conntab *t, size_t hint, uint64_t seed, struct err *e);
void conntab_free(struct conntab *t);	/* frees the entries, not the values */

void *conntab_get(const struct conntab *t, const struct tcb_addr *k);
/* Adds k -> val; error when k is present or memory runs out. */
int conntab_put(struct conntab *t, const struct tcb_addr *k, void *val, struct err *e);
/* Removes k; returns its value or NULL. */
void *conntab_del(struct conntab *t, const struct tcb_addr *k);

/* Calls fn for every entry; fn may not modify the table. */
void conntab_each(const struct conntab *t, void (*fn)(const struct tcb_addr *, void *, void *),
		  void *arg);

#endif
