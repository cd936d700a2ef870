/* tcb.h - the pure RFC 9293 TCP state machine: one connection's TCB, its events and API. */
#ifndef SYNLAB_TCB_H
#define SYNLAB_TCB_H

/*
 * Purity: nothing here does I/O, reads a clock or keeps globals. Every call takes the
 * current time `now` (microseconds on any monotonic clock) and fills a struct tcb_out
 * with the segments to send and the events that explain what happened. The caller asks
 * tcb_deadline() when to call tcb_tick() next.
 *
 * DRAFT API (skeleton commit): the implementer of the state machine owns this file and
 * may add fields, event kinds and reasons; function signatures below are what the wire
 * layer and the programs are written against.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "seg.h"

#define TCB_NEVER UINT64_MAX	/* "no deadline" */

/* RFC 9293 §3.3.2: the eleven states. */
enum tcb_state {
	TCB_CLOSED,
	TCB_LISTEN,
	TCB_SYN_SENT,
	TCB_SYN_RECEIVED,
	TCB_ESTABLISHED,
	TCB_FIN_WAIT_1,
	TCB_FIN_WAIT_2,
	TCB_CLOSE_WAIT,
	TCB_CLOSING,
	TCB_LAST_ACK,
	TCB_TIME_WAIT,
	TCB_NSTATES
};

/* "SYN-SENT", as RFC 9293 spells it. */
const char *tcb_state_name(enum tcb_state s);

/* SYN retransmission schedules (LAB-NOTES: Linux >= 6.5 is linear first, then doubling). */
enum tcb_syn_schedule {
	TCB_SYN_DOUBLING,	/* 1, 2, 4, 8 ... x rto_init: classic RFC 6298 §5.5 */
	TCB_SYN_LINEAR,		/* syn_linear_timeouts intervals of rto_init, then doubling */
};

/* Every parameter settable per endpoint. tcb_params_default() gives Linux's defaults. */
struct tcb_params {
	/* ---- retransmission (RFC 6298) ---- */
	uint64_t rto_init_us;	/* initial RTO, us (1 s) */
	uint64_t rto_min_us;	/* us (200 ms, Linux TCP_RTO_MIN) */
	uint64_t rto_max_us;	/* us (120 s, Linux TCP_RTO_MAX) */
	int syn_retries;	/* SYN retransmissions before giving up (6) */
	enum tcb_syn_schedule syn_schedule;	/* (TCB_SYN_LINEAR) */
	int syn_linear_timeouts;	/* linear retries before doubling (4) */
	int synack_retries;	/* SYN+ACK retransmissions (5): +1 +3 +7 +15 +31, drop +63 s */
	int data_retries;	/* data/FIN retransmissions before giving up (15) */
	/* ---- timers ---- */
	uint64_t msl_us;	/* MSL, us; TIME-WAIT lasts 2 x MSL (30 s -> 60 s as Linux) */
	uint64_t fin_wait_2_us;	/* FIN-WAIT-2 timeout after our side closed, us (60 s) */
	double time_scale;	/* multiplies every timer above (1.0; 0.01 = 100x faster) */
	/* ---- windows and sizes ---- */
	uint16_t mss;		/* MSS we announce and the most we send, bytes (1460) */
	uint32_t rcv_buf;	/* receive buffer = largest window we offer, bytes (65535) */
	uint32_t snd_buf;	/* send buffer, bytes (262144) */
	/* ---- ISN (RFC 6528) ---- */
	bool isn_fixed;		/* use isn below instead of the keyed hash */
	uint32_t isn;
	uint8_t isn_secret[16];	/* key of the RFC 6528 hash F() */
	/* ---- RFC 5961 / RFC 1337 ---- */
	uint32_t challenge_ack_limit;	/* challenge ACKs per second (1000) */
	bool rfc1337;		/* ignore RST in TIME-WAIT (off, as Linux) */
};

void tcb_params_default(struct tcb_params *p);

/* Which timer. */
enum tcb_timer {
	TCB_TIMER_NONE,
	TCB_TIMER_RTX,		/* retransmission (SYN, SYN+ACK, data, FIN) */
	TCB_TIMER_TIME_WAIT,	/* 2 x MSL */
	TCB_TIMER_FIN_WAIT_2,
	TCB_TIMER_PERSIST,	/* zero-window probe */
};

/* What kind of thing happened. */
enum tcb_ev_kind {
	TCB_EV_STATE,		/* state changed: from -> to, why */
	TCB_EV_SEG_DROPPED,	/* an arriving segment was ignored: why, numbers compared */
	TCB_EV_CHALLENGE_ACK,	/* RFC 5961 challenge ACK sent (or rate-limited: limited) */
	TCB_EV_RST_SENT,	/* we answered with RST: why */
	TCB_EV_TIMER,		/* a timer fired: timer, after_us */
	TCB_EV_RETRANSMIT,	/* a segment resent: count, interval_us, next rto_us */
	TCB_EV_GAVE_UP,		/* retries exhausted: the connection is dropped */
	TCB_EV_TW_RESTART,	/* TIME-WAIT restarted by a retransmitted FIN */
	TCB_EV_ACKED,		/* n bytes (or SYN/FIN) newly acknowledged; rtt sample */
	TCB_EV_DATA_IN,		/* n bytes made readable in order */
	TCB_EV_OOO_QUEUED,	/* out-of-order segment held for later */
	TCB_EV_RESET,		/* connection reset by the peer's RST */
};

/* Why: the rule that decided. tcb_why_name() gives a stable identifier such as
 * "syn_acked", tcb_why_rfc() the section, e.g. "RFC 9293 §3.10.7.3". */
enum tcb_why {
	TCB_WHY_NONE,
	TCB_WHY_USER_OPEN_ACTIVE,	/* OPEN call, active: SYN sent */
	TCB_WHY_USER_OPEN_PASSIVE,	/* OPEN call, passive */
	/* the implementer extends this list */
	TCB_WHY_COUNT
};
const char *tcb_why_name(enum tcb_why w);
const char *tcb_why_rfc(enum tcb_why w);

/* One structured event; carries what the explaining logger needs. */
struct tcb_event {
	enum tcb_ev_kind kind;
	enum tcb_why why;
	enum tcb_state from, to;	/* for TCB_EV_STATE (also the state at the time) */
	enum tcb_timer timer;		/* for TIMER / RETRANSMIT / GAVE_UP */
	uint32_t n[4];			/* numbers compared, meaning given by `why` */
	int count;			/* retransmission number (1-based) */
	uint64_t after_us;		/* timer: how long it ran; rtx: since previous send */
	uint64_t rto_us;		/* the next RTO after backoff */
	bool limited;			/* challenge ACK suppressed by the rate limit */
};

#define TCB_OUT_SEGS 64
#define TCB_OUT_EVENTS 32

/* What one call produced. Segment payloads point into the TCB's send queue and stay
 * valid until the next call on the same TCB. */
struct tcb_out {
	struct seg seg[TCB_OUT_SEGS];
	unsigned nseg;
	struct tcb_event ev[TCB_OUT_EVENTS];
	unsigned nev;
	bool ev_overflow;	/* more events happened than fit */
};

void tcb_out_reset(struct tcb_out *o);

/* The connection's identity, host byte order. */
struct tcb_addr {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
};

struct tcb;	/* defined in tcb_impl.h; allocate with tcb_new() */

/* Allocates a CLOSED TCB. `now` feeds the RFC 6528 4 us clock of the ISN. */
struct tcb *tcb_new(const struct tcb_params *p, const struct tcb_addr *a, struct err *e);
void tcb_free(struct tcb *t);

/* ---- user calls (RFC 9293 §3.10.1 - §3.10.6) ---- */
int tcb_open_active(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
int tcb_open_passive(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
/* Queues up to len bytes; returns bytes accepted (may be less than len), or -1. */
long tcb_send(struct tcb *t, const void *buf, size_t len, uint64_t now, struct tcb_out *o,
	      struct err *e);
/* Copies up to cap readable bytes; returns the count (0 when none), may send a
 * window update. */
size_t tcb_receive(struct tcb *t, void *buf, size_t cap, uint64_t now, struct tcb_out *o);
int tcb_close(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
void tcb_abort(struct tcb *t, uint64_t now, struct tcb_out *o);

/* ---- SEGMENT ARRIVES (RFC 9293 §3.10.7) ---- */
void tcb_input(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);

/* ---- timeouts (RFC 9293 §3.10.8) ---- */
void tcb_tick(struct tcb *t, uint64_t now, struct tcb_out *o);
uint64_t tcb_deadline(const struct tcb *t);	/* TCB_NEVER when no timer runs */

/* ---- queries ---- */
enum tcb_state tcb_state(const struct tcb *t);
size_t tcb_readable(const struct tcb *t);	/* bytes ready for tcb_receive */
bool tcb_peer_closed(const struct tcb *t);	/* peer's FIN received and in order */
uint32_t tcb_iss(const struct tcb *t);
uint32_t tcb_irs(const struct tcb *t);

/* RFC 9293 §3.10.7.1: the reply (a RST, or nothing) to segment s arriving for no
 * connection (CLOSED). Returns true and fills rst when one must be sent. */
bool tcb_closed_reply(const struct seg *s, struct seg *rst);

/* RFC 6528 ISN: M (4 us ticks of now) + F(4-tuple, secret). */
uint32_t tcb_isn(const uint8_t secret[16], const struct tcb_addr *a, uint64_t now);

#endif
