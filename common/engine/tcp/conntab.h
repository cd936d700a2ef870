/* conntab.h - a table of connections keyed by their 4-tuple, growing as it fills. */
#ifndef SYNLAB_CONNTAB_H
#define SYNLAB_CONNTAB_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tcb.h"

/*
 * Memory layout (bench/README.md, "connection table"): one array of 56-byte slots
 * {4-tuple 48 B (struct tcb_addr: IPv4 and IPv6 addresses, ports, v6 flag), value 8 B},
 * starting on a cache line, open addressing with linear probing. The key and the value
 * sit in the slot itself, so a lookup reads the home slot and the few after it, instead
 * of a bucket pointer and then a separately allocated entry (two dependent misses); the
 * cache lines per lookup are measured by conntab_stats (bench_scale rows "probes",
 * "lines"). Before IPv6 the slot was 24 bytes (a 12-byte key) and measured 1.4 - 1.6
 * lines per lookup; 32-byte slots then measured 1.2 - 1.4 for a third more memory and no
 * time we could tell from noise. A separate key+tag array would make a lookup two lines
 * (keys, then the value). The hash is the splitmix64 finaliser of the 4-tuple and a
 * per-table seed (an attacker cannot aim at one run).
 * The table grows (doubles) past 3/4 full, so it is 3/8 - 3/4 full; deletion shifts the
 * following entries back, so there are no tombstones. What a lookup costs beyond that is
 * the miss on the value the caller then reads (bench_scale: conntab_prefetch +
 * tcb_prefetch over a burst overlap those misses).
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

/* How the entries lie: what a successful lookup of each entry touches, averaged over
 * all entries (bench/bench_scale.c prints it per table size). */
struct conntab_stats {
	double probes;		/* slots compared per lookup (1 = found in its home slot) */
	double lines;		/* distinct 64-byte cache lines those slots span */
	size_t max_probes;	/* longest lookup */
	double load;		/* count / cap */
};
void conntab_stats(const struct conntab *t, struct conntab_stats *s);

/* Calls fn for every entry; fn may not modify the table. */
void conntab_each(const struct conntab *t, void (*fn)(const struct tcb_addr *, void *, void *),
		  void *arg);

#endif
