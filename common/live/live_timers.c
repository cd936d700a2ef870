/* live_timers.c - the connections' deadlines on the wall clock: queued, re-queued when a paused clock resumes, popped when due. */
#include "live_impl.h"

/* Forgets every queued deadline; a connection the program released while entries still
 * named it is freed with its last entry (else it would leak at exit). */
void live_timers_drop(struct live *l)
{
	for (size_t i = 0; i < l->tq.len; i++)
		live_conn_unref(l->tq.heap[i].owner);
	l->tq.len = 0;
}

/* A paused connection queues nothing: its clock stands still, so its deadline has no
 * wall time yet; it is queued again when the clock resumes (rearm). */
int live_arm(struct live *l, struct live_conn *c, struct err *e)
{
	uint64_t d = tcb_deadline(c->tcb);

	if (c->app_deadline < d)
		d = c->app_deadline;
	d = live_conn_paused(c) ? TCB_NEVER : live_conn_wall(c, d);
	if (d == c->armed && !c->rearm)
		return 0;
	c->rearm = false;
	c->armed = d;
	c->gen++;
	if (d == TCB_NEVER)
		return 0;
	if (timerq_push(&l->tq, d, c, c->gen, e) < 0)
		return -1;
	live_conn_ref(c);
	return 0;
}

/* Connections whose clock resumed at a step decision get their deadline queued again. */
int live_timers_rearm(struct live *l, struct err *e)
{
	if (!l->pp.resumed)
		return 0;
	l->pp.resumed = 0;
	for (struct live_conn *c = l->pp.conns; c; c = c->ix->next)
		if (c->rearm && c->tcb && live_arm(l, c, e) < 0)
			return -1;
	return 0;
}

/* Pops due timer entries; returns the first live connection whose deadline passed. */
struct live_conn *live_timers_due(struct live *l, uint64_t now)
{
	struct timerq_entry x;

	while (timerq_pop_due(&l->tq, now, &x)) {
		struct live_conn *c = x.owner;
		bool stale = c->released || x.gen != c->gen;

		live_conn_unref(c);
		if (stale)
			continue;
		c->armed = TCB_NEVER;
		if (live_conn_paused(c))
			continue;	/* re-queued when its clock resumes */
		return c;
	}
	return NULL;
}

void live_clock_hold(struct live *l, struct live_conn *c, bool hold)
{
	uint64_t now = evloop_now_us();

	if (!c || !c->ix)
		return;
	if (hold) {
		live_conn_pause(c, now);
	} else if (live_conn_paused(c)) {
		live_conn_resume(c, now);
		l->pp.resumed++;	/* its deadline is queued again at the next poll */
	}
}
