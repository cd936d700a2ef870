/* live_conn.c - a connection's protocol clock, its lifetime while segments or timers still name it, and the fields a program may use. */
#include "live_conn.h"

#include <stdlib.h>

#include "live.h"

uint64_t live_conn_clock(const struct live_conn *c, uint64_t wall)
{
	const struct live_conn_ix *ix = c ? c->ix : NULL;

	if (!ix)
		return wall;
	if (ix->paused_at)	/* frozen: time stands still for this connection */
		wall = ix->paused_at;
	return wall - ix->paused_us;
}

uint64_t live_conn_wall(const struct live_conn *c, uint64_t proto)
{
	if (!c || !c->ix || proto == TCB_NEVER)
		return proto;
	return proto + c->ix->paused_us;
}

bool live_conn_paused(const struct live_conn *c)
{
	return c && c->ix && c->ix->paused_at;
}

void live_conn_pause(struct live_conn *c, uint64_t wall)
{
	if (c && c->ix && !c->ix->paused_at)
		c->ix->paused_at = wall ? wall : 1;
}

void live_conn_resume(struct live_conn *c, uint64_t wall)
{
	if (!c || !c->ix || !c->ix->paused_at)
		return;
	c->ix->paused_us += wall > c->ix->paused_at ? wall - c->ix->paused_at : 0;
	c->ix->paused_at = 0;
	c->rearm = true;
}

void live_conn_ref(struct live_conn *c)
{
	if (c)
		c->queued++;
}

void live_conn_unref(struct live_conn *c)
{
	if (c && --c->queued == 0 && c->released)
		live_conn_free(c);
}

void live_conn_free(struct live_conn *c)
{
	if (c->ix)
		free(c->ix->edit_bytes);
	free(c->ix);
	free(c);
}

/* ---- what a program may read and set (live.h) ---- */

struct tcb *live_conn_tcb(const struct live_conn *c)
{
	return c->tcb;
}

void live_conn_set_tcb(struct live_conn *c, struct tcb *t)
{
	c->tcb = t;
}

void *live_conn_user(const struct live_conn *c)
{
	return c->user;
}

void live_conn_set_user(struct live_conn *c, void *user)
{
	c->user = user;
}

const struct tcb_addr *live_conn_addr(const struct live_conn *c)
{
	return &c->addr;
}

unsigned live_conn_id(const struct live_conn *c)
{
	return c->id;
}

bool live_conn_released(const struct live_conn *c)
{
	return c->released;
}

uint64_t live_conn_deadline(const struct live_conn *c)
{
	return c->app_deadline;
}

void live_conn_set_deadline(struct live_conn *c, uint64_t at)
{
	c->app_deadline = at;
}
