/* live_impl.h - the inside of struct live: the pipeline of stages, the event loop, the timers (not for programs). */
#ifndef SYNLAB_LIVE_IMPL_H
#define SYNLAB_LIVE_IMPL_H

#include "evloop.h"
#include "hostfw.h"
#include "live.h"
#include "live_conn.h"
#include "live_list.h"
#include "live_log.h"
#include "live_manual.h"
#include "live_pipe.h"
#include "live_prompt.h"
#include "live_stages.h"
#include "live_step.h"
#include "timerq.h"

struct live {
	/* wire -> capture -> [impair] -> [step] -> deliver, and back down */
	struct live_pipe pp;
	struct live_wire wire;
	struct live_capture cap;
	struct live_impair *imp;	/* NULL: no rules */
	struct live_step *step;		/* NULL: no --step */
	struct live_deliver *del;
	struct live_manual *man;	/* NULL: no --manual */
	struct live_prompt pr;		/* stdin, with --step or --manual */
	struct live_log g;		/* the explaining log and the capture file */
	struct evloop ev;
	int wire_idx, stdin_idx;	/* evloop indexes */
	int claim_fd;			/* the server's claim on its ADDR:PORT, or -1 */
	int ctl_fd;			/* a socket of the wire's namespace for ioctls, or -1 */
	struct timerq tq;		/* connections' deadlines, wall us */
	unsigned nconn;			/* connections created so far */
	bool watched;			/* impair, step or manual: nothing is deferred */
	bool interactive;		/* step or manual: connections get their ix */
	uint64_t no_carrier_since;	/* wall us the link was first seen without carrier,
					 * 0 while it has one (live_link_check) */
	uint64_t wake_at;		/* live_set_wake; 0: none */
	struct live_pkt cur;		/* the segment live_next handed out */
	struct hostfw fw;		/* host mode's nft table (fw.nft NULL: not in host mode) */
};

/* ---- live_host.c ---- */
/* Host mode: sweeps tables killed runs left, installs this program's RST filter for its
 * 4-tuple, and says when checksum offload will spoil captures; close removes the filter.
 * Both are no-ops without cfg->host_mode. */
int live_host_open(struct live *l, const struct live_cfg *cfg, struct err *e);
void live_host_close(struct live *l);

/* ---- live_timers.c ---- */
/* Forgets every queued deadline (a released connection goes with its last entry). */
void live_timers_drop(struct live *l);
/* Connections whose clock resumed at a step decision get their deadline queued again. */
int live_timers_rearm(struct live *l, struct err *e);
/* The first connection whose deadline passed at now (stale entries skipped), or NULL. */
struct live_conn *live_timers_due(struct live *l, uint64_t now);

/* ---- live_input.c ---- */
/* Every whole line of stdin that may be taken now (a step line waits for a decision);
 * at the end of input the step prompt lets everything pass. */
int live_input_take(struct live *l, uint64_t now, struct err *e);

#endif
