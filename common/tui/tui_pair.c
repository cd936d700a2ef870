/* tui_pair.c - joins the client's and the server's records of each segment into one, in order, for the view (tui_pair.h). */
#include "tui_pair.h"

#include <string.h>

void tui_pair_init(struct tui_pair *p, uint64_t max_wait_us)
{
	memset(p, 0, sizeof(*p));
	p->max_wait_us = max_wait_us;
}

static struct tui_pair_ent *ent(struct tui_pair *p, size_t i)
{
	return &p->q[(p->head + i) % TUI_PAIR_MAX];
}

/* The same segment: both ends see the same header fields (raw numbers, flags, length). */
static bool same_seg(const struct explain_rec *a, const struct explain_rec *b)
{
	return a->dir == b->dir && a->seg.flags == b->seg.flags && a->seq_raw == b->seq_raw &&
	       a->ack_raw == b->ack_raw && a->len == b->len;
}

/* The waiting segment whose other half r is: the oldest one lacking from's record. */
static struct tui_pair_ent *partner(struct tui_pair *p, enum explain_who from,
				    const struct explain_rec *r)
{
	for (size_t i = 0; i < p->n; i++) {
		struct tui_pair_ent *x = ent(p, i);

		if (x->r.kind == EXPLAIN_REC_SEGMENT && !x->whole && !x->have[from] &&
		    same_seg(&x->r, r))
			return x;
	}
	return NULL;
}

/* r into x (its payload's first bytes copied). */
static void keep(struct tui_pair_ent *x, const struct explain_rec *r)
{
	size_t n = r->seg.payload ? r->seg.len : 0;

	x->r = *r;
	if (n > sizeof(x->pay))
		n = sizeof(x->pay);
	if (n)
		memcpy(x->pay, r->seg.payload, n);
	x->r.seg.payload = NULL;	/* pointed to at the take (the entry may move) */
}

/* The client's record is the base; the server's knows the server's states. */
static void join(struct tui_pair_ent *x, enum explain_who from, const struct explain_rec *r)
{
	if (from == EXPLAIN_CLIENT) {
		struct explain_ep srv = x->r.ep[EXPLAIN_SERVER];

		keep(x, r);
		x->r.ep[EXPLAIN_SERVER] = srv;
	} else {
		x->r.ep[EXPLAIN_SERVER] = r->ep[EXPLAIN_SERVER];
	}
	x->have[from] = true;
	x->whole = true;
}

static bool wanted(enum explain_who from, const struct explain_rec *r, bool shown)
{
	if (!r->conn)
		return false;	/* a stray segment (no connection) is no arrow of this one */
	if (r->kind == EXPLAIN_REC_SUMMARY)
		return from == EXPLAIN_CLIENT;	/* one summary: the client's */
	if (r->kind == EXPLAIN_REC_EVENT)
		return shown;
	return true;
}

void tui_pair_put(struct tui_pair *p, enum explain_who from, const struct explain_rec *r,
		  bool shown, uint64_t now_us)
{
	struct tui_pair_ent *x;

	if (!wanted(from, r, shown))
		return;
	if (!p->conn)
		p->conn = r->conn;
	if (r->kind == EXPLAIN_REC_SEGMENT && (x = partner(p, from, r))) {
		join(x, from, r);
	} else {
		if (p->n == TUI_PAIR_MAX) {	/* full: the caller did not take */
			p->head = (p->head + 1) % TUI_PAIR_MAX;
			p->n--;
			p->lost++;
		}
		x = ent(p, p->n++);
		memset(x, 0, sizeof(*x));
		keep(x, r);
		x->have[from] = true;
		x->whole = r->kind != EXPLAIN_REC_SEGMENT;
		x->put_us = now_us;
	}
	x->r.conn = p->conn;	/* both ends number their connection themselves */
}

int tui_pair_take(struct tui_pair *p, uint64_t now_us, bool force, struct explain_rec *out)
{
	struct tui_pair_ent *x;

	if (!p->n)
		return 0;
	x = ent(p, 0);
	if (!x->whole && !force && now_us - x->put_us < p->max_wait_us)
		return 0;
	*out = x->r;
	memcpy(p->out_pay, x->pay, sizeof(p->out_pay));
	out->seg.payload = out->seg.len ? p->out_pay : NULL;
	p->head = (p->head + 1) % TUI_PAIR_MAX;
	p->n--;
	return 1;
}

size_t tui_pair_waiting(const struct tui_pair *p)
{
	return p->n;
}
