/* conntab.c - a chained hash table of connections keyed by 4-tuple (see conntab.h). */
#include "conntab.h"

#include <stdlib.h>

#define CONNTAB_MIN 64

/* A 64-bit mix (splitmix64 finaliser) of the 4-tuple and the table's seed. */
static size_t key_hash(const struct conntab *t, const struct tcb_addr *k)
{
	uint64_t x = t->seed;

	x ^= ((uint64_t)k->laddr << 32) | k->raddr;
	x ^= ((uint64_t)k->lport << 16 | k->rport) * 0x9E3779B97F4A7C15ull;
	x ^= x >> 30;
	x *= 0xBF58476D1CE4E5B9ull;
	x ^= x >> 27;
	x *= 0x94D049BB133111EBull;
	x ^= x >> 31;
	return (size_t)(x & (t->nbucket - 1));
}

static int key_eq(const struct tcb_addr *a, const struct tcb_addr *b)
{
	return a->laddr == b->laddr && a->raddr == b->raddr && a->lport == b->lport &&
	       a->rport == b->rport;
}

int conntab_init(struct conntab *t, size_t hint, uint64_t seed, struct err *e)
{
	size_t n = CONNTAB_MIN;

	while (n < hint)
		n <<= 1;
	t->bucket = calloc(n, sizeof(*t->bucket));
	if (!t->bucket)
		return err_set(e, "connection table: out of memory for %zu buckets", n);
	t->nbucket = n;
	t->count = 0;
	t->seed = seed;
	return 0;
}

void conntab_free(struct conntab *t)
{
	for (size_t i = 0; i < t->nbucket; i++) {
		struct conntab_entry *x = t->bucket[i], *next;

		for (; x; x = next) {
			next = x->next;
			free(x);
		}
	}
	free(t->bucket);
	t->bucket = NULL;
	t->nbucket = t->count = 0;
}

static struct conntab_entry **find(const struct conntab *t, const struct tcb_addr *k)
{
	struct conntab_entry **pp = &t->bucket[key_hash(t, k)];

	while (*pp && !key_eq(&(*pp)->key, k))
		pp = &(*pp)->next;
	return pp;
}

void *conntab_get(const struct conntab *t, const struct tcb_addr *k)
{
	struct conntab_entry *x = *find(t, k);

	return x ? x->val : NULL;
}

/* Doubles the bucket array when the load passes 1; keeps the old one on failure. */
static void grow(struct conntab *t)
{
	size_t n = t->nbucket * 2;
	struct conntab_entry **nb = calloc(n, sizeof(*nb));
	struct conntab_entry **old = t->bucket;
	size_t oldn = t->nbucket;

	if (!nb)
		return;
	t->bucket = nb;
	t->nbucket = n;
	for (size_t i = 0; i < oldn; i++) {
		struct conntab_entry *x = old[i], *next;

		for (; x; x = next) {
			size_t h = key_hash(t, &x->key);

			next = x->next;
			x->next = nb[h];
			nb[h] = x;
		}
	}
	free(old);
}

int conntab_put(struct conntab *t, const struct tcb_addr *k, void *val, struct err *e)
{
	struct conntab_entry **pp = find(t, k);
	struct conntab_entry *x;

	if (*pp)
		return err_set(e, "connection table: 4-tuple already present");
	x = malloc(sizeof(*x));
	if (!x)
		return err_set(e, "connection table: out of memory");
	x->key = *k;
	x->val = val;
	x->next = NULL;
	*pp = x;
	if (++t->count > t->nbucket)
		grow(t);
	return 0;
}

void *conntab_del(struct conntab *t, const struct tcb_addr *k)
{
	struct conntab_entry **pp = find(t, k);
	struct conntab_entry *x = *pp;
	void *val;

	if (!x)
		return NULL;
	*pp = x->next;
	val = x->val;
	free(x);
	t->count--;
	return val;
}

void conntab_each(const struct conntab *t, void (*fn)(const struct tcb_addr *, void *, void *),
		  void *arg)
{
	for (size_t i = 0; i < t->nbucket; i++)
		for (struct conntab_entry *x = t->bucket[i]; x; x = x->next)
			fn(&x->key, x->val, arg);
}
