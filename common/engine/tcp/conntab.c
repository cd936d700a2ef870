/* conntab.c - an open-addressing hash table of connections keyed by 4-tuple (see conntab.h). */
#include "conntab.h"

#include <stdlib.h>
#include <string.h>

#define CONNTAB_MIN 64
#define CONNTAB_LINE 64	/* cache line, bytes */

/* A 64-bit mix (splitmix64 finaliser) of the 4-tuple and the table's seed. */
static size_t key_hash(const struct conntab *t, const struct tcb_addr *k)
{
	uint64_t x = t->seed;

	x ^= ((uint64_t)k->laddr << 32) | k->raddr;
	x ^= ((uint64_t)k->lport << 16 | k->rport) * 0x9E3779B97F4A7C15ull;
	if (k->v6)	/* IPv6: fold in the 128-bit addresses, 8 bytes at a time */
		for (int i = 0; i < 16; i += 8) {
			uint64_t l, r;

			memcpy(&l, k->laddr6 + i, 8);
			memcpy(&r, k->raddr6 + i, 8);
			x ^= (l ^ (r * 0x9E3779B97F4A7C15ull)) + (x << 6);
		}
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return (size_t)(x & (t->cap - 1));
}

static int key_eq(const struct tcb_addr *a, const struct tcb_addr *b)
{
	return tcb_addr_eq(a, b);
}

/* The table stays at most 3/4 full: linear probing's runs stay short. */
static size_t cap_for(size_t entries)
{
	size_t n = CONNTAB_MIN;

	while (entries > n / 4 * 3)
		n <<= 1;
	return n;
}

/* A zeroed slot array starting on a cache line, so a slot's lines do not depend on
 * where malloc put the array (n * 24 is a multiple of 64 for every n >= 8). */
static struct conntab_slot *slots_alloc(size_t n)
{
	struct conntab_slot *s = aligned_alloc(CONNTAB_LINE, n * sizeof(*s));

	if (s)
		memset(s, 0, n * sizeof(*s));
	return s;
}

int conntab_init(struct conntab *t, size_t hint, uint64_t seed, struct err *e)
{
	size_t n = cap_for(hint);

	t->slot = slots_alloc(n);
	if (!t->slot)
		return err_set(e, "connection table: out of memory for %zu slots", n);
	t->cap = n;
	t->count = 0;
	t->seed = seed;
	return 0;
}

void conntab_free(struct conntab *t)
{
	free(t->slot);
	t->slot = NULL;
	t->cap = t->count = 0;
}

/* The slot holding k, or the free slot that ends k's run. */
static size_t find(const struct conntab *t, const struct tcb_addr *k)
{
	size_t i = key_hash(t, k);

	while (t->slot[i].val && !key_eq(&t->slot[i].key, k))
		i = (i + 1) & (t->cap - 1);
	return i;
}

void *conntab_get(const struct conntab *t, const struct tcb_addr *k)
{
	return t->slot[find(t, k)].val;
}

void conntab_prefetch(const struct conntab *t, const struct tcb_addr *k)
{
	__builtin_prefetch(&t->slot[key_hash(t, k)]);
}

/* Doubles the slot array; keeps the old one (still correct, only fuller) on failure. */
static void grow(struct conntab *t)
{
	struct conntab old = *t;

	t->slot = slots_alloc(old.cap * 2);
	if (!t->slot) {
		*t = old;
		return;
	}
	t->cap = old.cap * 2;
	for (size_t i = 0; i < old.cap; i++)
		if (old.slot[i].val)
			t->slot[find(t, &old.slot[i].key)] = old.slot[i];
	free(old.slot);
}

int conntab_put(struct conntab *t, const struct tcb_addr *k, void *val, struct err *e)
{
	size_t i;

	if (!val)
		return err_set(e, "connection table: no value");
	if (t->count + 1 > t->cap / 4 * 3)
		grow(t);
	if (t->count + 1 >= t->cap)	/* grow failed and one free slot must remain */
		return err_set(e, "connection table: out of memory");
	i = find(t, k);
	if (t->slot[i].val)
		return err_set(e, "connection table: 4-tuple already present");
	t->slot[i].key = *k;
	t->slot[i].val = val;
	t->count++;
	return 0;
}

/* Whether home slot h lies cyclically in (hole, j]: then the entry at j may stay. */
static int stays(size_t hole, size_t h, size_t j)
{
	return hole < j ? hole < h && h <= j : hole < h || h <= j;
}

void *conntab_del(struct conntab *t, const struct tcb_addr *k)
{
	size_t hole = find(t, k), j = hole;
	void *val = t->slot[hole].val;

	if (!val)
		return NULL;
	/* Backward shift (Knuth 6.4 algorithm R): move up every later entry of the run
	 * whose home slot is not after the hole, so no lookup stops early at it. */
	for (;;) {
		j = (j + 1) & (t->cap - 1);
		if (!t->slot[j].val)
			break;
		if (stays(hole, key_hash(t, &t->slot[j].key), j))
			continue;
		t->slot[hole] = t->slot[j];
		hole = j;
	}
	t->slot[hole].val = NULL;
	t->count--;
	return val;
}

void conntab_stats(const struct conntab *t, struct conntab_stats *s)
{
	double probes = 0, lines = 0;

	memset(s, 0, sizeof(*s));
	for (size_t j = 0; j < t->cap; j++) {
		size_t h, n;
		uintptr_t first, last;

		if (!t->slot[j].val)
			continue;
		h = key_hash(t, &t->slot[j].key);
		n = ((j - h) & (t->cap - 1)) + 1;	/* slots h .. j, cyclically */
		probes += (double)n;
		s->max_probes = n > s->max_probes ? n : s->max_probes;
		first = (uintptr_t)&t->slot[h] / CONNTAB_LINE;
		last = ((uintptr_t)(&t->slot[j] + 1) - 1) / CONNTAB_LINE;
		/* a run that wraps spans the lines to the array's end and from its start */
		lines += j >= h ? (double)(last - first + 1)
				: (double)(((uintptr_t)(t->slot + t->cap) - 1) / CONNTAB_LINE -
					   first + 1 + last - (uintptr_t)t->slot / CONNTAB_LINE + 1);
	}
	if (t->count) {
		s->probes = probes / (double)t->count;
		s->lines = lines / (double)t->count;
	}
	s->load = (double)t->count / (double)t->cap;
}

void conntab_each(const struct conntab *t, void (*fn)(const struct tcb_addr *, void *, void *),
		  void *arg)
{
	for (size_t i = 0; i < t->cap; i++)
		if (t->slot[i].val)
			fn(&t->slot[i].key, t->slot[i].val, arg);
}
