/* live_deliver.c - the top stage: received segments that passed every stage wait here, in order, for the program. */
#include "live_stages.h"

#include <stdlib.h>
#include <string.h>

struct live_node {
	struct live_kept k;
	struct live_node *next;
};

struct live_deliver {
	struct live_stage st;
	struct live_node *head, *tail;	/* copies, oldest first */
	struct live_pkt borrowed;	/* the common case: straight from the wire, no copy */
	bool has_borrowed;
	struct live_node *cur;		/* handed to the program until the next take */
};

/* Copies a borrowed segment before anything else is queued (its bytes are still the
 * wire's: nothing read the wire since). */
static int materialize(struct live_deliver *d, struct err *e)
{
	struct live_node *n;

	if (!d->has_borrowed)
		return 0;
	if (!(n = calloc(1, sizeof(*n))) || live_pkt_keep(&n->k, &d->borrowed, e) < 0) {
		free(n);
		return err_set(e, "out of memory for a received segment");
	}
	d->has_borrowed = false;
	n->next = d->head;	/* it came first */
	d->head = n;
	if (!d->tail)
		d->tail = n;
	return 0;
}

static int del_in(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct live_deliver *d = (struct live_deliver *)st;
	struct live_node *n;

	if (!d->head && !d->has_borrowed && p->stable) {
		d->borrowed = *p;
		d->has_borrowed = true;
		return 0;
	}
	if (materialize(d, e) < 0)
		return -1;
	if (!(n = calloc(1, sizeof(*n))) || live_pkt_keep(&n->k, p, e) < 0) {
		free(n);
		return err_set(e, "out of memory for a received segment");
	}
	if (d->tail)
		d->tail->next = n;
	else
		d->head = n;
	d->tail = n;
	return 0;
}

static int del_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	return live_pipe_down(st, p, e);
}

static void drop_cur(struct live_deliver *d)
{
	if (d->cur) {
		live_pkt_forget(&d->cur->k);
		free(d->cur);
		d->cur = NULL;
	}
}

bool live_deliver_take(struct live_deliver *d, struct live_pkt *p)
{
	drop_cur(d);
	if (d->has_borrowed) {
		*p = d->borrowed;
		d->has_borrowed = false;
		return true;
	}
	if (!d->head)
		return false;
	d->cur = d->head;
	d->head = d->head->next;
	if (!d->head)
		d->tail = NULL;
	*p = d->cur->k.p;
	p->tail = NULL;
	return true;
}

bool live_deliver_pending(const struct live_deliver *d)
{
	return d->has_borrowed || d->head;
}

static void del_free(struct live_stage *st)
{
	struct live_deliver *d = (struct live_deliver *)st;

	drop_cur(d);
	while (d->head) {
		struct live_node *n = d->head;

		d->head = n->next;
		live_pkt_forget(&n->k);
		free(n);
	}
	free(d);
}

static const struct live_stage_ops deliver_ops = {
	.name = "deliver", .in = del_in, .out = del_out, .free = del_free,
};

struct live_deliver *live_deliver_push(struct live_pipe *pp, struct err *e)
{
	struct live_deliver *d = calloc(1, sizeof(*d));

	if (!d) {
		err_set(e, "out of memory for the delivery queue");
		return NULL;
	}
	live_pipe_push(pp, &d->st, &deliver_ops);
	return d;
}
