/* live_conn_api.c - what a program may read and set of a connection (the struct itself is the runtime's). */
#include "live.h"
#include "live_conn.h"

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
