/* tcb_impl.h - the TCB's inside: struct tcb and the functions the tcb*.c files share. */
#ifndef SYNLAB_TCB_IMPL_H
#define SYNLAB_TCB_IMPL_H

#include "rcvq.h"
#include "rto.h"
#include "seq.h"
#include "sndq.h"
#include "tcb.h"

#define TCB_RTXQ_MAX 128	/* segments in flight at once (a 65535 window / 536 < 128) */
#define TCB_DEFAULT_MSS 536	/* RFC 9293 §3.7.1: peer MSS when its SYN has no option */
#define TCB_CHACK_WINDOW_US 1000000	/* RFC 5961 §7 rate-limit interval, us */

/* One transmitted segment awaiting acknowledgment (RFC 9293 §3.8.1). */
struct tcb_rtx_ent {
	uint32_t seq;		/* first sequence number (the SYN's, or the first byte's) */
	uint32_t len;		/* payload bytes */
	uint8_t flags;		/* SEG_SYN / SEG_FIN / SEG_PSH it carries */
	int rtx;		/* retransmissions so far; Karn: no RTT sample when > 0 */
	bool lost;		/* sent before the last RTO: resend as the window allows */
	uint64_t first_at;	/* first transmission, us */
	uint64_t last_at;	/* latest transmission, us */
};

/* A timer: fires at `at` (TCB_NEVER = stopped); `set_at` is when it was armed. */
struct tcb_tmr {
	uint64_t at;		/* us */
	uint64_t set_at;	/* us */
};

struct tcb {
	/* ---- identity ---- */
	struct tcb_addr a;		/* 4-tuple, host byte order */
	struct tcb_params p;		/* times already multiplied by time_scale, us */
	enum tcb_state state;		/* change only through tcb_set_state() */
	bool passive;			/* opened passively: RST in SYN-RECEIVED -> LISTEN */

	/* ---- send sequence space (RFC 9293 §3.3.1) ---- */
	uint32_t iss;			/* initial send sequence number */
	uint32_t snd_una;		/* oldest unacknowledged seq */
	uint32_t snd_nxt;		/* next seq to send */
	uint32_t snd_wnd;		/* peer's window, bytes */
	uint32_t snd_wl1;		/* SEG.SEQ of the last window update */
	uint32_t snd_wl2;		/* SEG.ACK of the last window update */
	uint32_t max_snd_wnd;		/* largest window the peer offered, bytes (RFC 5961 §5) */
	uint16_t peer_mss;		/* MSS the peer announced (536 if none), bytes */
	bool close_pending;		/* CLOSE called: FIN goes after the queued data */
	bool fin_sent;			/* our FIN occupies seq fin_seq */
	uint32_t fin_seq;		/* seq of our FIN */

	/* ---- receive sequence space ---- */
	uint32_t irs;			/* initial receive sequence number */
	uint32_t rcv_nxt;		/* next seq expected */
	uint32_t rcv_adv;		/* right edge of the window we announced (seq) */
	bool fin_rcvd;			/* peer's FIN reached in order */
	bool ooo_fin;			/* a FIN arrived out of order at ooo_fin_seq */
	uint32_t ooo_fin_seq;

	/* ---- buffers ---- */
	struct sndq sndq;		/* bytes from sndq_seq on (unacked + unsent) */
	uint32_t sndq_seq;		/* seq of the first byte in sndq */
	struct rcvq rcvq;		/* readable bytes + out-of-order queue */
	struct tcb_rtx_ent *rtx;	/* ring: retransmission queue; allocated when a
					 * segment is in flight, freed when all is acked
					 * (an idle or TIME-WAIT TCB holds none) */
	unsigned rtx_cap;		/* ring size: 0 or a power of two <= TCB_RTXQ_MAX */
	unsigned rtx_head, rtx_n;	/* ring index of the oldest entry; entries */

	/* ---- timers (RFC 6298, §3.10.8) ---- */
	struct rto rto;			/* estimator, us */
	struct tcb_tmr tmr[TCB_NTIMERS];	/* indexed by enum tcb_timer */
	int rtx_count;			/* consecutive RTO expiries of the head segment */
	bool syn_timed_out;		/* RFC 6298 §5.7: RTO >= 3 s once established */
	int probes;			/* zero-window probes without an answer */
	uint64_t persist_iv;		/* current probe interval, us */

	/* ---- RFC 5961 §7 challenge-ACK rate limit ---- */
	uint64_t chack_start;		/* start of the current one-second window, us */
	uint32_t chack_count;		/* challenge ACKs sent in it */
};

/* ---- tcb.c: events and the one state change ---- */
struct tcb_event *tcb_ev(const struct tcb *t, struct tcb_out *o, enum tcb_ev_kind k,
			 enum tcb_why why, uint64_t now);
void tcb_ev_n(struct tcb_event *ev, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3);
struct tcb_event *tcb_set_state(struct tcb *t, enum tcb_state to, enum tcb_why why,
				uint64_t now, struct tcb_out *o);
bool tcb_rcv_edge_update(struct tcb *t);
void tcb_reset_conn(struct tcb *t);
void tcb_drop(const struct tcb *t, struct tcb_out *o, enum tcb_why why, uint64_t now,
	      uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3);
uint32_t tcb_choose_iss(const struct tcb *t, uint64_t now);
void tcb_open_windows(struct tcb *t, const struct seg *s);

/* ---- tcb_output.c: building segments ---- */
uint16_t tcb_eff_mss(const struct tcb *t);
uint32_t tcb_rcv_wnd(const struct tcb *t);
void tcb_seg_init(const struct tcb *t, struct seg *s, uint32_t seq, uint8_t flags);
void tcb_emit(struct tcb *t, struct tcb_out *o, const struct seg *s, uint64_t now);
void tcb_send_ack(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_send_rst(struct tcb *t, uint32_t seq, enum tcb_why why, uint64_t now,
		  struct tcb_out *o);
void tcb_challenge_ack(struct tcb *t, enum tcb_why why, uint64_t now, struct tcb_out *o,
		       uint32_t n0, uint32_t n1, uint32_t n2);
void tcb_send_syn(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_output(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_rtx_send(struct tcb *t, const struct tcb_rtx_ent *r, uint64_t now,
		  struct tcb_out *o);

/* ---- tcb_rtx.c: retransmission queue ---- */
struct tcb_rtx_ent *tcb_rtx_push(struct tcb *t, uint32_t seq, uint32_t len, uint8_t flags,
				 uint64_t now);
struct tcb_rtx_ent *tcb_rtx_first(struct tcb *t);
struct tcb_rtx_ent *tcb_rtx_get(struct tcb *t, unsigned i);
/* Removes what SEG.ACK covers; sets *rtt (TCB_NEVER when Karn forbids a sample). */
void tcb_rtx_ack(struct tcb *t, uint32_t ack, uint64_t now, uint64_t *rtt);
void tcb_rtx_mark_lost(struct tcb *t);
void tcb_rtx_resend_lost(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_rtx_clear(struct tcb *t);

/* ---- tcb_timer.c ---- */
void tcb_timer_arm(struct tcb *t, enum tcb_timer k, uint64_t delay, uint64_t now);
void tcb_timer_stop(struct tcb *t, enum tcb_timer k);
void tcb_timers_stop_all(struct tcb *t);
void tcb_rtx_timer_update(struct tcb *t, uint64_t now);
void tcb_persist_update(struct tcb *t, uint64_t now);
uint64_t tcb_time_wait_len(const struct tcb *t);

#endif
