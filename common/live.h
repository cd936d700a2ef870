/* live.h - the live programs' runtime: wire, capture file, timers and log around their TCBs. */
#ifndef SYNLAB_LIVE_H
#define SYNLAB_LIVE_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"
#include "evloop.h"
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
	bool watch_stdin;	/* report stdin readability (step mode) */
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
};

enum live_ev_kind {
	LIVE_PKT,	/* a segment arrived: pkt */
	LIVE_TIMER,	/* a connection's deadline passed: conn */
	LIVE_SIGNAL,	/* SIGINT or SIGTERM: signo */
	LIVE_STDIN,	/* stdin is readable */
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
int live_link_check(const struct live *l, struct err *e);

/* The source address the kernel would use to reach dst (a routing lookup). */
int live_route_src(uint32_t dst, uint32_t *src, struct err *e);

#endif
