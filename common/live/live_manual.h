/* live_manual.h - --manual: a small command language on stdin that sends hand-made segments into a running connection. */
#ifndef SYNLAB_LIVE_MANUAL_H
#define SYNLAB_LIVE_MANUAL_H

#include <stdbool.h>
#include <stdint.h>

#include "live_pipe.h"

struct live_manual;

/* Sends what a TCB made (its events logged, its timer armed): live_emit. */
typedef int (*live_manual_emit_fn)(void *ctx, struct live_conn *c, const struct tcb_out *o,
				   struct err *e);

/* Hand-made segments enter the pipeline at `at` going down (the capture stage: they
 * pass no rule and no prompt, and are recorded as they cross the wire). `send` with
 * data and nothing but flags ACK/PSH goes through the TCB's send path instead (counted
 * in SND.NXT, retransmitted by it), sent with emit(ctx, ...). */
struct live_manual *live_manual_new(struct live_pipe *pp, struct live_stage *at,
				    live_manual_emit_fn emit, void *ctx, struct err *e);
void live_manual_free(struct live_manual *m);
/* A command line: send FLAGS [seq=V] [ack=V] [win=N] [data=STR], wait STATE [DUR],
 * sleep DUR, quit; "conn=N" first (or as a word of send) picks the connection, else
 * the newest. Commands after a wait/sleep queue until it is over. */
int live_manual_line(struct live_manual *m, const char *line, uint64_t now, struct err *e);
/* Runs queued commands whose wait is over. */
int live_manual_run(struct live_manual *m, uint64_t now, struct err *e);
/* When a pending wait/sleep ends at the latest (wall us; TCB_NEVER none). */
uint64_t live_manual_deadline(const struct live_manual *m);
bool live_manual_quit(const struct live_manual *m);

#endif
