/* helper_tcb.h - fixtures for the TCB scenario tests: template segments, state builders, reply and event checks. */
#ifndef SYNLAB_HELPER_TCB_H
#define SYNLAB_HELPER_TCB_H

/*
 * smoltcp-style scenario tests (src/socket/tcp.rs). Every test holds one fixture named
 * `t`: the TCB under test ("local") and a scripted peer ("remote"). SEG(...) is the
 * peer's template segment and RPL(...) the template of the reply we expect; a test
 * states only the fields that differ, with designated initializers written after the
 * template's, e.g.
 *	send_seg(&t, SEG(.flags = SEG_RST, .seq = REMOTE_SEQ + 10), T0);
 *	expect_reply(&t, RPL(.seq = LOCAL_SEQ + 1, .ack = REMOTE_SEQ + 1));
 * A later initializer of the same field overriding the template's is what C11 §6.7.9
 * p19 defines; GCC's -Woverride-init (in -Wextra) warns about exactly that idiom, so it
 * is switched off for the files that include this header.
 */
#pragma GCC diagnostic ignored "-Woverride-init"

#include <stdbool.h>
#include <stdint.h>

#include "tcb.h"

/* The lab's two ends (198.18.0.0/24 benchmark range). */
#define CLIENT_ADDR 0xC6120001u	/* 198.18.0.1 */
#define SERVER_ADDR 0xC6120002u	/* 198.18.0.2 */
#define CLIENT_PORT 40000
#define SERVER_PORT 8080
#define CLIENT_ISS 1000u
#define SERVER_ISS 5000u

#define T0 1000000000ull	/* fake clock at the start of every fixture, us */
#define US(x) ((uint64_t)(x))
#define MS(x) ((uint64_t)(x) * 1000ull)
#define SEC(x) ((uint64_t)(x) * 1000000ull)

#define PEER_WIN 65535	/* window the scripted peer offers */
#define FAR 100000u	/* sequence offset beyond any window the TCB offers (max 65535) */

/* Which end the TCB under test is. */
enum tt_side { TT_SERVER, TT_CLIENT };

struct tt {
	struct tcb *tcb;
	struct tcb_params p;
	struct tcb_addr a;	/* local = the TCB under test */
	struct tcb_out out;	/* what the last call produced */
	uint32_t liss, riss;	/* ISS of the local TCB and of the scripted peer */
	uint64_t now;		/* time of the last call */
};

#define LOCAL_SEQ (t.liss)
#define REMOTE_SEQ (t.riss)

/* Payload literal for SEG: .payload and .len of a string without its NUL. */
#define DATA(s) .payload = (const uint8_t *)(s), .len = (uint32_t)(sizeof(s) - 1)

/* The peer's template: an in-order ACK of our SYN, first byte after the peer's SYN. */
#define SEG(...) ((struct seg){ .flags = SEG_ACK, .seq = REMOTE_SEQ + 1, \
				.ack = LOCAL_SEQ + 1, .win = PEER_WIN, __VA_ARGS__ })

/* An expected reply. win < 0: any window. */
struct tt_exp {
	uint8_t flags;	/* compared exactly, except PSH (advisory, RFC 9293 §3.9.1.2) */
	uint32_t seq;
	uint32_t ack;	/* compared only when the expected flags hold ACK */
	uint32_t len;
	long win;
};

#define RPL(...) ((struct tt_exp){ .flags = SEG_ACK, .seq = LOCAL_SEQ + 1, \
				   .ack = REMOTE_SEQ + 1, .len = 0, .win = -1, __VA_ARGS__ })

/* ---- fixtures: reach a state through the public API only ---- */
void tt_params(struct tcb_params *p, enum tt_side side);	/* Linux defaults + fixed ISS */
void tt_params_rto_1s(struct tcb_params *p);	/* rto_min = rto_init = 1 s: RTO is 1 s */
/* CLOSED on `side`; p NULL: tt_params(side); a given p keeps its isn. */
void tt_new(struct tt *t, enum tt_side side, const struct tcb_params *p);
/* Walks to s at T0: SYN-SENT is the client; every other state is reached from LISTEN
 * on the server (passive open), then the close sequences of RFC 9293 §3.6. */
void tt_reach(struct tt *t, enum tcb_state s, const struct tcb_params *p);
/* tt_reach with the scripted peer's ISS given (sequence wrap-around tests). */
void tt_reach_isn(struct tt *t, enum tcb_state s, const struct tcb_params *p,
		  uint32_t peer_iss);
void tt_free(struct tt *t);

#define tcb_in_closed(t) tt_new((t), TT_SERVER, NULL)
#define tcb_in_listen(t) tt_reach((t), TCB_LISTEN, NULL)
#define tcb_in_syn_sent(t) tt_reach((t), TCB_SYN_SENT, NULL)
#define tcb_in_syn_received(t) tt_reach((t), TCB_SYN_RECEIVED, NULL)
#define tcb_in_established(t) tt_reach((t), TCB_ESTABLISHED, NULL)
#define tcb_in_fin_wait_1(t) tt_reach((t), TCB_FIN_WAIT_1, NULL)
#define tcb_in_fin_wait_2(t) tt_reach((t), TCB_FIN_WAIT_2, NULL)
#define tcb_in_close_wait(t) tt_reach((t), TCB_CLOSE_WAIT, NULL)
#define tcb_in_closing(t) tt_reach((t), TCB_CLOSING, NULL)
#define tcb_in_last_ack(t) tt_reach((t), TCB_LAST_ACK, NULL)
#define tcb_in_time_wait(t) tt_reach((t), TCB_TIME_WAIT, NULL)

/* ---- driving: each resets t->out, then calls the API at fake time now ---- */
void tt_send_seg(struct tt *t, struct seg s, uint64_t now);	/* fills addresses/ports */
struct seg tt_addressed(const struct tt *t, struct seg s);	/* s from the peer to t */
void tt_tick(struct tt *t, uint64_t now);
long tt_send_data(struct tt *t, const char *data, uint64_t now);	/* tcb_send strlen */
int tt_close_conn(struct tt *t, uint64_t now);
void tt_abort_conn(struct tt *t, uint64_t now);
/* Reads everything readable into buf (NUL-terminated); returns the count. */
size_t tt_read_all(struct tt *t, char *buf, size_t cap, uint64_t now);

/* The scenario vocabulary of the tests. */
#define send_seg tt_send_seg
#define tick tt_tick
#define send_data tt_send_data
#define close_conn tt_close_conn
#define abort_conn tt_abort_conn
#define read_all tt_read_all

/* ---- checks (macros so that failures name the test's line) ---- */
void tt_expect_reply(struct tt *t, unsigned i, unsigned n, struct tt_exp e, const char *f,
		     int l);
void tt_expect_no_reply(struct tt *t, const char *f, int l);
const struct tcb_event *tt_expect_event(struct tt *t, enum tcb_ev_kind k, const char *f,
					int l);
void tt_expect_no_event(struct tt *t, enum tcb_ev_kind k, const char *f, int l);
void tt_expect_state_change(struct tt *t, enum tcb_state from, enum tcb_state to,
			    const char *f, int l);
void tt_expect_state(struct tt *t, enum tcb_state s, const char *f, int l);
void tt_expect_retransmit(struct tt *t, int count, uint64_t after_us, const char *f, int l);
void tt_expect_deadline(struct tt *t, uint64_t at, const char *f, int l);
/* The event of kind k in t->out, or NULL. */
const struct tcb_event *tt_event(const struct tt *t, enum tcb_ev_kind k);

/* Exactly one segment was sent and it matches e. */
#define expect_reply(t, e) tt_expect_reply((t), 0, 1, (e), __FILE__, __LINE__)
/* Exactly n segments were sent and segment i matches e. */
#define expect_seg(t, i, n, e) tt_expect_reply((t), (i), (n), (e), __FILE__, __LINE__)
#define expect_no_reply(t) tt_expect_no_reply((t), __FILE__, __LINE__)
#define expect_event(t, k) tt_expect_event((t), (k), __FILE__, __LINE__)
#define expect_no_event(t, k) tt_expect_no_event((t), (k), __FILE__, __LINE__)
#define expect_state_change(t, a, b) tt_expect_state_change((t), (a), (b), __FILE__, __LINE__)
#define expect_state(t, s) tt_expect_state((t), (s), __FILE__, __LINE__)
#define expect_retransmit(t, c, us) tt_expect_retransmit((t), (c), (us), __FILE__, __LINE__)
#define expect_deadline(t, at) tt_expect_deadline((t), (at), __FILE__, __LINE__)

/* A retransmission schedule, microsecond-exact on the fake clock: for each k the timer
 * is due at T0 + at[k], a tick 1 us before sends nothing, the tick at it resends e
 * (RETRANSMIT count k+1, after_us = at[k] - at[k-1]); then at T0 + give_up the TCB
 * gives up (GAVE_UP) and is CLOSED, not 1 us before. */
void tt_expect_schedule(struct tt *t, struct tt_exp e, const uint64_t *at, int n,
			uint64_t give_up, const char *f, int l);
#define expect_schedule(t, e, at, n, give_up) \
	tt_expect_schedule((t), (e), (at), (n), (give_up), __FILE__, __LINE__)

/* ---- checks shared by the synchronized states (RFC 9293 §3.10.7.4, RFC 5961) ----
 * una/nxt: the TCB's SND.UNA and SND.NXT, rcv: its RCV.NXT. Each feeds one segment at
 * now and checks the reply; all but the exact RST leave the state unchanged. */
void tt_sync_rst_exact(struct tt *t, uint32_t rcv, uint64_t now, const char *f, int l);
void tt_sync_rst_in_window(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now,
			   const char *f, int l);
void tt_sync_rst_out_of_window(struct tt *t, uint32_t rcv, uint64_t now, const char *f,
			       int l);
void tt_sync_syn(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now, const char *f,
		 int l);
void tt_sync_ack_unsent(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now,
			const char *f, int l);
void tt_sync_bad_seq(struct tt *t, uint32_t una, uint32_t nxt, uint32_t rcv, uint64_t now,
		     const char *f, int l);
/* RST at RCV.NXT: no reply, CLOSED. */
#define sync_rst_exact(t, rcv) tt_sync_rst_exact((t), (rcv), T0 + MS(1), __FILE__, __LINE__)
/* RST at RCV.NXT + 100: challenge ACK <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
#define sync_rst_in_window(t, nxt, rcv) \
	tt_sync_rst_in_window((t), (nxt), (rcv), T0 + MS(1), __FILE__, __LINE__)
/* RST at RCV.NXT + FAR and at RCV.NXT - 1: dropped silently. */
#define sync_rst_out_of_window(t, rcv) \
	tt_sync_rst_out_of_window((t), (rcv), T0 + MS(1), __FILE__, __LINE__)
/* SYN at RCV.NXT + 10: challenge ACK (RFC 5961 §4.2). */
#define sync_syn(t, nxt, rcv) tt_sync_syn((t), (nxt), (rcv), T0 + MS(1), __FILE__, __LINE__)
/* ACK of SND.NXT + 10 (never sent): ACK, drop. */
#define sync_ack_unsent(t, nxt, rcv) \
	tt_sync_ack_unsent((t), (nxt), (rcv), T0 + MS(1), __FILE__, __LINE__)
/* Segment at RCV.NXT + FAR: ACK, drop. */
#define sync_bad_seq(t, una, nxt, rcv) \
	tt_sync_bad_seq((t), (una), (nxt), (rcv), T0 + MS(1), __FILE__, __LINE__)

/* ---- checks shared by the closing states (CLOSING, LAST-ACK, TIME-WAIT) ---- */
/* RFC 9293 §3.10.4: CLOSE answers "error: connection closing"; nothing sent, state kept. */
void tt_closing_close_rejected(struct tt *t, uint64_t now, const char *f, int l);
/* RFC 9293 §3.10.5: ABORT responds ok and deletes the TCB: CLOSED, no RST, no timer. */
void tt_closing_abort_silent(struct tt *t, uint64_t now, const char *f, int l);
#define expect_close_rejected(t) \
	tt_closing_close_rejected((t), T0 + MS(1), __FILE__, __LINE__)
#define expect_abort_silent(t) tt_closing_abort_silent((t), T0 + MS(1), __FILE__, __LINE__)

/* One scenario test. */
#define TEST(name) static void name(void **unused_state __attribute__((unused)))
#define T(name) cmocka_unit_test(name)

/* ---- two real TCBs wired back to back (client <-> server) ---- */
/* Delivers a's pending output to b and b's to a until both are quiet (at most 16
 * rounds). Returns the number of RSTs exchanged. */
int tt_pump(struct tt *a, struct tt *b, uint64_t now);

#endif
