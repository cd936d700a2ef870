/* live.h - the live programs' runtime: wire, capture file, timers and log around their TCBs. */
#ifndef SYNLAB_LIVE_H
#define SYNLAB_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "impair.h"
#include "live_log.h"
#include "live_opts.h"
#include "tcb.h"
#include "wire.h"

/* The runtime (opaque: live_impl.h) and its connections (opaque to programs: accessors
 * below). */
struct live;
struct live_conn;
struct live_step_view;

struct live_cfg {
	const char *local_name;	/* "client" or "server": names the log's directions */
	const char *peer_name;
	const char *device;	/* -i DEV, or NULL */
	uint32_t local;		/* our address, host order */
	bool v6;		/* IPv6: local6 (and peer6) instead of local (and peer) */
	uint8_t local6[16];	/* network order, as struct seg holds them */
	uint8_t peer6[16];	/* host mode: the peer; all zero: any */
	uint16_t port;		/* our port: the capture filter */
	const struct live_out_opts *out;	/* the log and -w (NULL: text on stderr) */
	bool claim;		/* a server: claim local:port, refuse a second one (live_link.c) */
	/* ---- impairment, step and manual modes (live_impair.c, live_step*.c, live_manual.c) */
	const struct tcb_params *params;	/* the TCBs' parameters (kept, not copied):
					 * the log reads --time-scale from them to add
					 * protocol time, and impairment delays are
					 * scaled alike; NULL: scale 1 */
	struct impair *impair;	/* rules for every segment in and out; NULL or empty: none */
	unsigned step;		/* IMPAIR_OUT / IMPAIR_IN bits: stop before those segments */
	bool step_clock_run;	/* --step-clock run: protocol time runs during a decision */
	uint64_t busy_poll_us;	/* --busy-poll: evloop_busy_poll's window, 0 off */
	/* A full-screen front end for the step prompt (live_step.h: struct live_step_view
	 * has the connection, its state and timers, the segment); NULL: the line prompt. */
	void (*step_show)(void *ctx, const struct live_step_view *v);
	void *step_show_ctx;
	bool manual;		/* read --manual commands from stdin */
	/* ---- host mode (live_host.c): no lab, the program filters its kernel's RSTs itself */
	bool host_mode;		/* --host-mode */
	uint32_t peer;		/* the peer's address and port, host order; 0: any (server) */
	uint16_t peer_port;
	bool no_stdin;		/* the program reads stdin itself (live_command) */
	uint64_t t0;		/* the log's time 0 (wall us; 0: now): another runtime's, to
				 * put both ends of a program on one timeline */
	/* The connection an arriving segment belongs to (NULL: none) and the state the
	 * impairment rules see for it (LISTEN for a server's new SYN, else CLOSED). */
	struct live_conn *(*lookup)(void *ctx, const struct seg *s, enum tcb_state *st);
	void *lookup_ctx;
	/* Every record the log renders, in the log's order, after the log has it (a front end
	 * that draws them itself: synlab-duo --tui). r is valid during the call only;
	 * shown: the text log shows it (false: a STATE event a segment's record tells). */
	void (*rec_tap)(void *ctx, const struct explain_rec *r, bool shown);
	void *rec_tap_ctx;
};

enum live_ev_kind {
	LIVE_PKT,	/* a segment arrived: pkt */
	LIVE_TIMER,	/* a connection's deadline passed: conn */
	LIVE_SIGNAL,	/* SIGINT or SIGTERM: signo */
	LIVE_QUIT,	/* `q` at a step prompt or `quit` in --manual: the user stops */
	LIVE_WAKE,	/* the program's wakeup (live_set_wake) passed, nothing else happened */
};

struct live_ev {
	enum live_ev_kind kind;
	struct wire_pkt pkt;	/* valid until the next live_next */
	struct live_conn *conn;	/* TIMER: whose; PKT: the lookup's answer (or NULL) */
	int signo;
	uint64_t now;		/* the protocol time of conn (wall time when none): pass it
				 * to the TCB. Step mode pauses a connection's clock while a
				 * decision about it waits (live_step.h) */
};

/* Opens the wire, the capture, the log and the pipeline; NULL with e on failure. */
struct live *live_open(const struct live_cfg *cfg, struct err *e);
/* Closes everything; 1 when an output (--html, -w, --log) could not be written at
 * exit, else 0. */
int live_close(struct live *l);

/* Microseconds since live_open at wall time now; the wall time of the start. */
uint64_t live_elapsed(const struct live *l, uint64_t now);
uint64_t live_start(const struct live *l);
/* The protocol time of c now (wall time for NULL). */
uint64_t live_now(const struct live *l, const struct live_conn *c);

/* Waits for the next packet, due timer or signal; stdin commands are handled meanwhile. */
int live_next(struct live *l, struct live_ev *ev, struct err *e);
/* live_next without waiting: 1 with an event, 0 when none is due yet, -1 on error. A
 * program that runs several runtimes waits itself, on live_wait_info's descriptor (the
 * capture) until its deadline (wall us), then polls each again. */
int live_poll(struct live *l, struct live_ev *ev, struct err *e);
int live_wait_info(const struct live *l, uint64_t *deadline);

/* The oldest step decision waiting, for a front end; false when none (or no --step). */
bool live_step_current_of(const struct live *l, struct live_step_view *v);

/* Stops (hold) or restarts c's protocol clock, as a step decision does for its own
 * connection: a program running both ends stops the other end too while one decides. */
void live_clock_hold(struct live *l, struct live_conn *c, bool hold);

/* Stepping ends: what waits passes, nothing stops any more (`c` for all, end of input). */
int live_step_finish(struct live *l, struct err *e);

/* One command line as if typed at the prompt (a front end that reads keys itself):
 * step commands, list, --manual's commands. */
int live_command(struct live *l, const char *line, struct err *e);
/* live_next also returns LIVE_WAKE once wall time `at` passes (0: none). */
void live_set_wake(struct live *l, uint64_t at);

/* A new connection with its timer state cleared (tcb and user set by the caller). */
struct live_conn *live_conn_new(struct live *l, const struct tcb_addr *a, struct err *e);
/* The program is done with c (it freed c's tcb and user): the runtime frees c once no
 * queued timer or held segment names it. */
void live_conn_release(struct live *l, struct live_conn *c);

/* ---- a connection's fields (live_conn.c) ---- */
struct tcb *live_conn_tcb(const struct live_conn *c);
void live_conn_set_tcb(struct live_conn *c, struct tcb *t);
void *live_conn_user(const struct live_conn *c);
void live_conn_set_user(struct live_conn *c, void *user);
const struct tcb_addr *live_conn_addr(const struct live_conn *c);
unsigned live_conn_id(const struct live_conn *c);
bool live_conn_released(const struct live_conn *c);
/* The program's own timer of c, in c's protocol time (TCB_NEVER: none). */
uint64_t live_conn_deadline(const struct live_conn *c);
void live_conn_set_deadline(struct live_conn *c, uint64_t at);

/* Queues c's next deadline (the earlier of the TCB's and the program's). */
int live_arm(struct live *l, struct live_conn *c, struct err *e);

/* Logs o's events, sends o's segments through the pipeline (they are logged as they
 * cross the wire), then re-arms c's timer. */
int live_emit(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e);
/* live_emit for the user's abort (a second Ctrl-C): its segments (the RST) pass a
 * pending step decision instead of queueing behind it, so what the log claims is sent
 * is sent before the program exits. */
int live_emit_abort(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e);
/* Sends one segment that no TCB owns (a RST for a closed port) and logs it. */
int live_send_raw(struct live *l, const struct seg *s, const char *why, struct err *e);

/* The record of a received segment for c (NULL: none), with c's states around
 * tcb_input. */
void live_log_received(struct live *l, struct live_conn *c, const struct seg *s,
		       enum tcb_state before, enum tcb_state after);
/* The record segment s of c would get if it crossed the wire now (sent: out), without
 * advancing c's records: a front end shows a segment waiting for a decision with the
 * explanation it will have. c NULL: a stray segment's record. -1 with e (no memory). */
int live_preview(struct live *l, struct live_conn *c, const struct seg *s, bool out,
		 struct explain_rec *r, struct err *e);
/* The program's log (notes, flushing, its file and mode). */
struct live_log *live_log_of(struct live *l);
/* A free-form note on the log ("#1  0.300000   step: ..."). */
void live_note(struct live *l, struct live_conn *c, uint64_t now, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* -1 with "interface DEV went down" when the capture device is down or gone (live_link.c). */
int live_link_check(struct live *l, uint64_t now, struct err *e);

/* Pure formatting helper for the logger: an elapsed wall time, and when scale != 1 the
 * protocol time it stands for: "+0.040 s wall = 4.000 s protocol at scale 0.01";
 * "+0.040 s" at scale 1. Returns the length like snprintf. */
int live_time_format(uint64_t wall_us, double scale, char *buf, size_t cap);

/* Options shared by both programs (live_opts.c). */
struct live_impair_opts {
	struct impair im;	/* --impair, --impair-file, --impair-seed */
	unsigned step;		/* --step [in|out|both] */
	bool manual;		/* --manual */
	bool step_clock_run;	/* --step-clock run */
	uint64_t busy_poll_us;	/* --busy-poll DUR, 0 off */
};
enum {
	LIVE_O_IMPAIR = 1900, LIVE_O_IMPAIR_FILE, LIVE_O_IMPAIR_SEED, LIVE_O_STEP,
	LIVE_O_MANUAL, LIVE_O_STEP_CLOCK, LIVE_O_BUSY_POLL,
};
#define LIVE_IMPAIR_LONGOPTS                                                              \
	{ "impair", 1, NULL, LIVE_O_IMPAIR }, { "impair-file", 1, NULL, LIVE_O_IMPAIR_FILE }, \
	{ "impair-seed", 1, NULL, LIVE_O_IMPAIR_SEED }, { "step", 2, NULL, LIVE_O_STEP },    \
	{ "manual", 0, NULL, LIVE_O_MANUAL }, { "step-clock", 1, NULL, LIVE_O_STEP_CLOCK }, \
	{ "busy-poll", 1, NULL, LIVE_O_BUSY_POLL }
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
	"                        received; commands: Enter/send, d drop, delay MS,\n"       \
	"                        edit seq|ack|flags|win|payload VALUE (several, then\n"     \
	"                        send; ';' joins commands), c continue, q quit, list;\n"    \
	"                        conn=N or conn=ADDR:PORT first: another connection\n"      \
	"  --step-clock pause|run  while a decision waits, the connection's protocol\n"     \
	"                        clock stands still (pause, the default) or runs\n"        \
	"  --manual              read commands from stdin and send hand-made segments:\n"    \
	"                        [conn=N|ADDR:PORT] send FLAGS [seq=V] [ack=V] [win=N]\n"  \
	"                        [data=STR] (the newest connection unless conn= says)\n"   \
	"                        (FLAGS S, S., ., P., F., R, R. or SYN+ACK...; V is +N/-N\n"  \
	"                        from what the TCB would use, N relative to ISS/IRS as\n"    \
	"                        the log shows, or raw:N), wait STATE, sleep DUR, quit;\n" \
	"                        `send P. data=STR` alone goes through the TCB (counted,\n" \
	"                        retransmitted); with seq=/ack=/win= it is outside it\n"    \
	"  --busy-poll DUR       after each event, poll for up to DUR without sleeping\n"   \
	"                        before blocking: a core spins, the wake-up of a sleeping\n" \
	"                        process (tens of us) is saved [0: off]\n\n"
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
/* The same for IPv6 (16 bytes each, network order). */
int live_route_src6(const uint8_t dst[16], uint8_t src[16], struct err *e);

#endif
