/* live_pipe.c - the chain of stages: passing a segment to the next one, deadlines, ticks, copies of held segments. */
#include "live_pipe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void live_pipe_push(struct live_pipe *pp, struct live_stage *st, const struct live_stage_ops *ops)
{
	st->ops = ops;
	st->pp = pp;
	st->up = NULL;
	st->down = pp->top;
	if (pp->top)
		pp->top->up = st;
	else
		pp->bottom = st;
	pp->top = st;
}

int live_pipe_up(struct live_stage *from, struct live_pkt *p, struct err *e)
{
	struct live_stage *n = from->up;

	return n && n->ops->in ? n->ops->in(n, p, e) : 0;
}

int live_pipe_down(struct live_stage *from, struct live_pkt *p, struct err *e)
{
	struct live_stage *n = from->down;

	return n && n->ops->out ? n->ops->out(n, p, e) : 0;
}

int live_pipe_inject(struct live_stage *at, struct live_pkt *p, struct err *e)
{
	p->dir = LIVE_OUT;
	return at->ops->out ? at->ops->out(at, p, e) : 0;
}

int live_pipe_send(struct live_pipe *pp, struct live_pkt *p, struct err *e)
{
	p->dir = LIVE_OUT;
	return pp->top && pp->top->ops->out ? pp->top->ops->out(pp->top, p, e) : 0;
}

int live_pipe_recv(struct live_pipe *pp, struct live_pkt *p, struct err *e)
{
	p->dir = LIVE_IN;
	/* the bottom stage is the wire itself: a received segment starts above it */
	return pp->bottom ? live_pipe_up(pp->bottom, p, e) : 0;
}

uint64_t live_pipe_deadline(const struct live_pipe *pp)
{
	uint64_t d = TCB_NEVER;

	for (const struct live_stage *st = pp->bottom; st; st = st->up) {
		uint64_t x = st->ops->deadline ? st->ops->deadline(st) : TCB_NEVER;

		d = x < d ? x : d;
	}
	return d;
}

int live_pipe_tick(struct live_pipe *pp, uint64_t now, struct err *e)
{
	for (struct live_stage *st = pp->bottom; st; st = st->up)
		if (st->ops->tick && st->ops->tick(st, now, e) < 0)
			return -1;
	return 0;
}

void live_pipe_free(struct live_pipe *pp)
{
	struct live_stage *st = pp->top;

	while (st) {
		struct live_stage *down = st->down;

		if (st->ops->free)
			st->ops->free(st);
		st = down;
	}
	pp->top = pp->bottom = NULL;
}

struct live_conn *live_pipe_conn(const struct live_pipe *pp, const struct live_pkt *p,
				 enum tcb_state *st)
{
	struct live_conn *c = p->c;

	if (!c && pp->lookup && p->dir == LIVE_IN)
		return pp->lookup(pp->lookup_ctx, &p->s, st);
	*st = c && c->tcb ? tcb_state(c->tcb) : TCB_CLOSED;
	return c;
}

int live_pkt_keep(struct live_kept *k, const struct live_pkt *p, struct err *e)
{
	size_t n = p->dir == LIVE_IN ? p->w.ip_len : p->s.len;

	memset(k, 0, sizeof(*k));
	if (!(k->buf = malloc(n ? n : 1)))
		return err_set(e, "out of memory for a held segment");
	k->p = *p;
	if (p->dir == LIVE_IN) {
		if (n)
			memcpy(k->buf, p->w.ip, n);
		k->p.w.ip = k->buf;
		if (p->s.len && p->s.payload)	/* the payload lies inside the datagram */
			k->p.s.payload = k->buf + (p->s.payload - p->w.ip);
	} else {
		if (n)	/* an empty segment's payload may be NULL: memcpy forbids it */
			memcpy(k->buf, p->s.payload, n);
		k->p.s.payload = k->buf;
	}
	if (p->tail) {
		snprintf(k->tail, sizeof(k->tail), "%s", p->tail);
		k->p.tail = k->tail;
	}
	k->p.bytes = NULL;
	k->p.len = 0;
	k->p.stable = false;
	live_conn_ref(k->p.c);
	return 0;
}

void live_pkt_forget(struct live_kept *k)
{
	free(k->buf);
	k->buf = NULL;
	live_conn_unref(k->p.c);
	k->p.c = NULL;
}
