/* live.h - the live programs' runtime: wire, capture file, timers and log around their TCBs. */
#ifndef SYNLAB_LIVE_H
#define SYNLAB_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "evloop.h"
#include "hostfw.h"
#include "impair.h"
#include "live_log.h"
#include "live_opts.h"
#include "tcb.h"
#include "timerq.h"
#include "wire.h"

/* One connection as the runtime sees it; programs hang their own data on `user`. */
struct live_conn {
	struct tcb *tcb;
	struct tcb_addr addr;	/* host order; l = this program */
	unsigned id;		/* 1-based, in order of creation */
	uint32_t gen;		/* timer generation: entries of older ones are stale */
	uint64_t armed;		/* deadline queued for this conn, us; TCB_NEVER none */
	uint64_t app_deadline;	/* the program's own timer (e.g. close delay), us */
	void *user;
	unsigned queued;	/* timer-queue entries naming this conn */
	bool released;		/* the program is done with it: free once queued is 0 */
	struct live_log_conn *x;	/* the log's state of this connection (live_log.c) */
};

struct live_cfg {
	const char *local_name;	/* "client" or "server": names the log's directions */
	const char *peer_name;
	const char *device;	/* -i DEV, or NULL */
	uint32_t local;		/* our address, host order */
	uint16_t port;		/* our port: the capture filter */
	const struct live_out_opts *out;	/* the log and -w (NULL: text on stderr) */
	bool watch_stdin;	/* report stdin readability (unused by the programs now) */
	/* ---- impairment, step and manual modes (live_impair.c, live_step.c, live_manual.c) */
	const struct tcb_params *params;	/* the TCBs' parameters (kept, not copied):
					 * the log reads --time-scale from them to add
					 * protocol time; NULL: scale 1 */
	struct impair *impair;	/* rules for every segment in and out; NULL or empty: none */
	unsigned step;		/* IMPAIR_OUT / IMPAIR_IN bits: stop before those segments */
	bool manual;		/* read --manual commands from stdin */
	/* ---- host mode (live_host.c): no lab, the program filters its kernel's RSTs itself */
	bool host_mode;		/* --host-mode */
	uint32_t peer;		/* the peer's address and port, host order; 0: any (server) */
	uint16_t peer_port;
	/* The connection an arriving segment belongs to (NULL: none) and the state the
	 * impairment rules see for it (LISTEN for a server's new SYN, else CLOSED). */
	struct live_conn *(*lookup)(void *ctx, const struct seg *s, enum tcb_state *st);
	void *lookup_ctx;
};

struct live_stats {
	uint64_t sent, received, bad_csum, unparsed, rst_sent;
};

struct live {
	struct wire w;
	struct live_log g;		/* the explaining log and the capture file */
	struct evloop ev;
	int wire_idx, stdin_idx;	/* evloop indexes */
	struct timerq tq;
	uint64_t t0;			/* start, monotonic us */
	const char *local_name, *peer_name;
	uint64_t frame;			/* packets sent and received so far (-w frames) */
	unsigned nconn;			/* connections created so far */
	struct live_stats st;
	uint8_t txbuf[SEG_IP_MAX];	/* the last segment sent, as bytes */
	const struct tcb_params *params;	/* from live_cfg (time_scale's one home) */
	struct live_conn *last;		/* the newest connection not yet released */
	uint64_t no_carrier_since;	/* monotonic us the link was first seen without
					 * carrier, 0 while it has one (live_link_check) */
	struct live_x *x;		/* impairment/step/manual state; NULL when unused */
	struct live_conn *(*lookup)(void *ctx, const struct seg *s, enum tcb_state *st);
	void *lookup_ctx;		/* from live_cfg */
	struct hostfw fw;		/* host mode's nft table (fw.nft NULL: not in host mode) */
	uint64_t wake_at;		/* the program's own wakeup, monotonic us (e.g. the
					 * server's --stats): live_next returns LIVE_WAKE once
					 * it passes and clears it; 0: none */
};

enum live_ev_kind {
	LIVE_PKT,	/* a segment arrived: pkt */
	LIVE_TIMER,	/* a connection's deadline passed: conn */
	LIVE_SIGNAL,	/* SIGINT or SIGTERM: signo */
	LIVE_STDIN,	/* stdin is readable (only with watch_stdin) */
	LIVE_QUIT,	/* `q` at a step prompt or `quit` in --manual: the user stops */
	LIVE_WAKE,	/* wake_at passed (nothing else happened) */
};

struct live_ev {
	enum live_ev_kind kind;
	struct wire_pkt pkt;
	struct live_conn *conn;
	int signo;
	uint64_t now;		/* monotonic us when the event was taken */
};

int live_open(struct live *l, const struct live_cfg *cfg, struct err *e);
void live_close(struct live *l);

/* Host mode (live_host.c): sweeps tables killed runs left, installs this program's RST
 * filter for its 4-tuple, and says when checksum offload will spoil captures; close
 * removes the filter. Both are no-ops without cfg->host_mode. */
int live_host_open(struct live *l, const struct live_cfg *cfg, struct err *e);
void live_host_close(struct live *l);

/* Microseconds since live_open. */
uint64_t live_elapsed(const struct live *l, uint64_t now);

/* Waits for the next packet, due timer or signal. */
int live_next(struct live *l, struct live_ev *ev, struct err *e);

/* A new connection with its timer state cleared (tcb and user set by the caller). */
struct live_conn *live_conn_new(struct live *l, const struct tcb_addr *a, struct err *e);
/* The program is done with c (it freed c->tcb and c->user): the runtime frees c once
 * no queued timer names it. */
void live_conn_release(struct live *l, struct live_conn *c);

/* Queues c's next deadline (the earlier of the TCB's and c->app_deadline). */
int live_arm(struct live *l, struct live_conn *c, struct err *e);

/* ---- the explaining log (live_log.c; outputs in live_log.h) ---- */

/* A packet sent or received: counts the frame, writes it to -w. */
void live_log_packet(struct live *l, uint64_t now, const uint8_t *ip, size_t len);
/* A segment received for c (NULL: for no connection), with c's states around tcb_input. */
void live_log_in(struct live *l, struct live_conn *c, const struct seg *s,
		 enum tcb_state before, enum tcb_state after);
/* A segment sent for c (NULL: no TCB owns it); note: an extra line in text mode. */
void live_log_seg(struct live *l, struct live_conn *c, const struct seg *s, uint64_t now,
		  const char *note);
/* Every event of o (call before its segments are sent). */
void live_log_events(struct live *l, struct live_conn *c, const struct tcb_out *o);
/* The impairment engine acted on segment s (sent: out) of c. */
void live_log_impair(struct live *l, struct live_conn *c, const struct seg *s, bool out,
		     const struct explain_impair *imp, uint64_t now);
/* c is finished: its summary; called by live_conn_release. */
void live_log_conn_end(struct live *l, struct live_conn *c);

/* Logs o's events, sends and logs o's segments, then re-arms c's timer. */
int live_emit(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e);

/* Sends one segment that no TCB owns (a RST for a closed port) and logs it. */
int live_send_raw(struct live *l, const struct seg *s, const char *why, struct err *e);

/* -1 with "interface DEV went down" when the capture device is down or gone (live_link.c). */
int live_link_check(struct live *l, uint64_t now, struct err *e);
/* ---- impairment, step and manual modes (live_impair.c and friends) ----
 *
 * Outgoing segments (live_emit, live_send_raw) pass the step prompt (--step out), then
 * the impairment rules (direction out), then reach the wire; incoming ones pass the
 * rules (direction in), then the step prompt (--step in), then the program.
 *
 * The -w capture holds what really crossed the wire at the time it crossed: an outgoing
 * segment when it is sent (a dropped one never is; a delayed one at its release; a
 * duplicated one twice; a corrupted one with its damaged checksum); an incoming segment
 * when it is received, before the rules (a segment dropped or delayed on arrival was
 * received, so it is in the capture at its arrival time). */

/* The hook the explaining logger turns into an impairment record: one line saying what
 * the rule (or the step prompt, when v->rule is 0) did to segment s. `what` overrides
 * the verdict text when not NULL (e.g. "released after 300ms"). */
void live_note_impair(struct live *l, struct live_conn *c, const struct seg *s,
		      const struct impair_verdict *v, const char *what, uint64_t now);

/* A free-form note on the log ("#1  0.300000   step: ..."). */
void live_note(struct live *l, struct live_conn *c, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* Pure formatting helper for the logger: an elapsed wall time, and when scale != 1 the
 * protocol time it stands for: "+0.040 s wall = 4.000 s protocol at scale 0.01";
 * "+0.040 s" at scale 1. Returns the length like snprintf. */
int live_time_format(uint64_t wall_us, double scale, char *buf, size_t cap);

/* Options shared by both programs (live_opts.c). */
struct live_impair_opts {
	struct impair im;	/* --impair, --impair-file, --impair-seed */
	unsigned step;		/* --step [in|out|both] */
	bool manual;		/* --manual */
};
enum {
	LIVE_O_IMPAIR = 1900, LIVE_O_IMPAIR_FILE, LIVE_O_IMPAIR_SEED, LIVE_O_STEP,
	LIVE_O_MANUAL,
};
#define LIVE_IMPAIR_LONGOPTS                                                              \
	{ "impair", 1, NULL, LIVE_O_IMPAIR }, { "impair-file", 1, NULL, LIVE_O_IMPAIR_FILE }, \
	{ "impair-seed", 1, NULL, LIVE_O_IMPAIR_SEED }, { "step", 2, NULL, LIVE_O_STEP },    \
	{ "manual", 0, NULL, LIVE_O_MANUAL }
#define LIVE_IMPAIR_HELP                                                                    \
	"Impairment, stepping and hand-made segments:\n"                                    \
	"  --impair RULE         impair segments, e.g. 'drop in SYN+ACK', 'loss 20%',\n"      \
	"                        'delay out FIN+ACK 300ms', 'dup data', 'corrupt nth=2',\n"  \
	"                        'drop out ACK state=TIME-WAIT nth=1' (repeatable; the\n"   \
	"                        grammar: common/engine/impair/impair.h); 'in' = received,\n" \
	"                        'out' = sent by this program\n"                             \
	"  --impair-file FILE    rules, one a line ('#' comments)\n"                         \
	"  --impair-seed N       seed of the random rules (printed at start)\n"             \
	"  --step [in|out|both]  stop before each segment sent (out, the default) and/or\n"  \
	"                        received; commands: Enter send, d drop, delay MS,\n"         \
	"                        edit seq|ack|flags|win|payload VALUE, c continue, q quit\n"  \
	"  --manual              read commands from stdin and send hand-made segments:\n"    \
	"                        send FLAGS [seq=V] [ack=V] [win=N] [data=STR] into the\n"  \
	"                        newest connection\n"   \
	"                        (FLAGS S, S., ., P., F., R, R. or SYN+ACK...; V is +N/-N\n"  \
	"                        from what the TCB would use, N relative to ISS/IRS as\n"    \
	"                        the log shows, or raw:N), wait STATE, sleep DUR, quit\n\n"
void live_impair_opts_init(struct live_impair_opts *o);
/* --impair-file FILE: reads at most 64 KiB and adds its rules (impair_add_lines). */
int live_impair_file(struct impair *im, const char *path, struct err *e);
/* Rewrites "--step in" (separate word) to "--step=in" so getopt's optional argument
 * works either way; returns the new argc. */
int live_impair_fix_argv(int argc, char **argv);
/* Applies option c; 1 when it was one of LIVE_O_*, 0 when not, -1 with e on a bad value. */
int live_impair_opts_apply(struct live_impair_opts *o, int c, const char *arg, struct err *e);
/* Fills the impairment/step/manual fields of cfg from o. */
void live_impair_opts_cfg(struct live_impair_opts *o, struct live_cfg *cfg);

/* The source address the kernel would use to reach dst (a routing lookup). */
int live_route_src(uint32_t dst, uint32_t *src, struct err *e);

#endif
