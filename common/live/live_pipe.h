/* live_pipe.h - the live runtime as a pipeline: stages a segment passes in one direction (wire, capture, impair, step, TCB) and back. */
#ifndef SYNLAB_LIVE_PIPE_H
#define SYNLAB_LIVE_PIPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "live_conn.h"
#include "seg.h"
#include "tcb.h"
#include "wire.h"

struct live_log;

/* Toward the TCB (received) or toward the wire (sent). */
enum live_dir { LIVE_IN, LIVE_OUT };

/* One segment on its way through the stages. Its memory belongs to whoever passes it
 * on; a stage that keeps it (a delay, a pending step decision) copies it (live_pkt_keep). */
struct live_pkt {
	enum live_dir dir;
	struct live_conn *c;	/* out: its owner; in: NULL (a stage looks it up) */
	struct seg s;		/* the segment (in: parsed from w.ip) */
	struct wire_pkt w;	/* in: as received (kind, ip, ip_len, why) */
	const uint8_t *bytes;	/* out: the datagram the wire stage sent (for the capture) */
	size_t len;
	const char *tail;	/* out: a note under its log line, or NULL */
	bool corrupt;		/* out: the wire stage damages its checksum */
	bool copy;		/* out: a second copy made by --impair dup, not a TCB send */
	uint16_t rtx_why;	/* out: a resend: the TCB's reason (enum tcb_why), else 0 */
	bool urgent;		/* out: the user's abort: the step stage lets it pass */
	bool stable;		/* in: its bytes stay valid until the wire is read again */
	uint64_t frame;		/* in: its frame on the log and -w, and when it arrived (the */
	uint64_t arrived;	/*     capture stage sets them); out: 0 until it is sent */
	uint64_t now;		/* wall us it entered the current stage */
	/* The step prompt's marks, for its record (live_log_mark): */
	bool edited;		/* changed at the prompt; made = its numbers before */
	struct seg made;	/* (payload not kept: only its numbers are used) */
	uint64_t held_us;	/* held this long at the prompt, 0 none */
};

/* A stage's own copy of a segment. */
struct live_kept {
	struct live_pkt p;
	uint8_t *buf;		/* out: the payload; in: the datagram */
	char tail[96];
};

/* The operations of one stage (like a netdev: each wraps the next one). A stage passes a
 * segment on with live_pipe_up / live_pipe_down, holds it, or drops it; it never calls
 * the event loop: what it holds comes out at its tick, which the loop calls once its
 * deadline passes. */
struct live_stage;
struct live_stage_ops {
	const char *name;
	int (*in)(struct live_stage *st, struct live_pkt *p, struct err *e);	/* received */
	int (*out)(struct live_stage *st, struct live_pkt *p, struct err *e);	/* to send */
	uint64_t (*deadline)(const struct live_stage *st);	/* wall us; NULL: none */
	int (*tick)(struct live_stage *st, uint64_t now, struct err *e);
	void (*free)(struct live_stage *st);
};

struct live_pipe;
struct live_stage {
	const struct live_stage_ops *ops;
	struct live_pipe *pp;
	struct live_stage *up, *down;	/* neighbours toward the TCB / the wire */
};

/* What every stage may read: the log, the names, the clock's origin, the lookup. */
struct live_pipe {
	struct live_stage *top, *bottom;
	struct live_log *g;
	const char *local_name, *peer_name;	/* "client" / "server" */
	uint64_t t0;			/* wall us at start */
	const struct tcb_params *params;	/* the TCBs' parameters (kept, not copied): the one
					 * home of --time-scale, which also scales
					 * impairment delays; NULL: scale 1 */
	/* The connection a segment belongs to (received: s as it arrived), NULL: none; st
	 * gets the state impairment rules see (LISTEN for a server's new SYN). */
	struct live_conn *(*lookup)(void *ctx, const struct seg *s, enum tcb_state *st);
	void *lookup_ctx;
	unsigned resumed;		/* connections whose clock resumed (live.c re-arms) */
	struct live_conn *conns;	/* --step / --manual: open connections, oldest first */
	struct live_conn *newest;	/* the newest open connection, or NULL */
};

/* --time-scale, read from the TCBs' parameters (1.0 without them). */
static inline double live_pipe_scale(const struct live_pipe *pp)
{
	return tcb_params_time_scale(pp->params);
}

/* A hold the user gave (a rule's delay, the prompt's `delay MS`) in wall time: run at
 * --time-scale like every timer. */
static inline uint64_t live_pipe_scaled_us(const struct live_pipe *pp, uint64_t us)
{
	double k = live_pipe_scale(pp);

	return k == 1.0 ? us : (uint64_t)((double)us * k);
}

/* Adds st on top of the stages already there (the first one added is the wire). */
void live_pipe_push(struct live_pipe *pp, struct live_stage *st, const struct live_stage_ops *ops);
/* Passes p to the next stage toward the TCB / the wire (0 when there is none). */
int live_pipe_up(struct live_stage *from, struct live_pkt *p, struct err *e);
int live_pipe_down(struct live_stage *from, struct live_pkt *p, struct err *e);
/* p enters stage `at` going down (hand-made segments enter above the capture). */
int live_pipe_inject(struct live_stage *at, struct live_pkt *p, struct err *e);
/* A segment to send enters at the top; a received one at the bottom. */
int live_pipe_send(struct live_pipe *pp, struct live_pkt *p, struct err *e);
int live_pipe_recv(struct live_pipe *pp, struct live_pkt *p, struct err *e);
/* The earliest deadline of any stage (TCB_NEVER none); every stage's tick at now. */
uint64_t live_pipe_deadline(const struct live_pipe *pp);
int live_pipe_tick(struct live_pipe *pp, uint64_t now, struct err *e);
void live_pipe_free(struct live_pipe *pp);

/* The connection and state of p (its owner; received: the lookup's answer). */
struct live_conn *live_pipe_conn(const struct live_pipe *pp, const struct live_pkt *p,
				 enum tcb_state *st);

/* Copies p (and the bytes it points to) into k; k->p.c is referenced. -1 out of memory. */
int live_pkt_keep(struct live_kept *k, const struct live_pkt *p, struct err *e);
void live_pkt_forget(struct live_kept *k);

#endif
