/* live_conn.h - one connection as the runtime sees it, and its protocol clock (paused while a step decision about it waits). */
#ifndef SYNLAB_LIVE_CONN_H
#define SYNLAB_LIVE_CONN_H

#include <stdbool.h>
#include <stdint.h>

#include "tcb.h"

struct live_log_conn;
struct live_conn_ix;

/* Programs see this type only through the accessors of live.h. */
struct live_conn {
	struct tcb *tcb;
	struct tcb_addr addr;	/* host order; l = this program */
	unsigned id;		/* 1-based, in order of creation */
	uint32_t gen;		/* timer generation: entries of older ones are stale */
	uint64_t armed;		/* wall deadline queued for this conn, us; TCB_NEVER none */
	uint64_t app_deadline;	/* the program's own timer (e.g. close delay), protocol us */
	void *user;
	unsigned queued;	/* timer entries and held segments naming this conn */
	bool released;		/* the program is done with it: free once queued is 0 */
	bool rearm;		/* its clock resumed: the queued deadline is stale */
	struct live_log_conn *x;	/* the log's state of this connection (live_log.c) */
	struct live_conn_ix *ix;	/* --step / --manual only (else NULL): below */
};

/* What the interactive modes keep per connection (allocated only in those modes, so a
 * server under load pays one pointer per connection). */
struct live_conn_ix {
	struct live_conn *prev, *next;	/* the runtime's list of open connections (list, conn=N) */
	uint64_t paused_at;	/* wall us its clock stopped at; 0 while it runs */
	uint64_t paused_us;	/* wall us it has been stopped in all */
	bool free_run;		/* `conn=N c`: its segments no longer stop */
	/* step `edit payload` of a data segment: the edited bytes at seq, so that its
	 * retransmissions carry them too (same length only: the TCB counted that many) */
	uint32_t edit_seq;
	uint32_t edit_len;
	uint8_t *edit_bytes;
};

/* The connection's protocol time at wall time `wall`: wall minus the time its clock was
 * paused (frozen at the pause while paused). Without ix: wall. */
uint64_t live_conn_clock(const struct live_conn *c, uint64_t wall);
/* The wall time at which protocol time `proto` of c comes (TCB_NEVER stays). */
uint64_t live_conn_wall(const struct live_conn *c, uint64_t proto);
bool live_conn_paused(const struct live_conn *c);
void live_conn_pause(struct live_conn *c, uint64_t wall);
/* Ends a pause; sets c->rearm (the caller re-queues the deadline). */
void live_conn_resume(struct live_conn *c, uint64_t wall);

/* A segment or timer entry names c (keeps it allocated) / no longer does: the last
 * reference of a released connection frees it. */
void live_conn_ref(struct live_conn *c);
void live_conn_unref(struct live_conn *c);
/* Frees c and its interactive state (not its tcb, user or log state). */
void live_conn_free(struct live_conn *c);

#endif
