/* tcb_cc.h - congestion control, loss recovery and delayed ACK: the TCB's state for them and the hooks the state machine calls (tcb_cc.c, tcb_dack.c). */
#ifndef SYNLAB_TCB_CC_H
#define SYNLAB_TCB_CC_H

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"

struct tcb;
struct tcb_out;

/* Where the sender is in loss recovery. */
enum tcb_cc_phase {
	TCB_CC_OPEN,		/* no loss being repaired */
	TCB_CC_FAST_RECOVERY,	/* after the third duplicate ACK (RFC 5681 §3.2, RFC 6582) */
	TCB_CC_RTO_RECOVERY,	/* after an RTO, until SND.UNA reaches recover (RFC 6582 §4,
				 * RFC 6675 §5.1) */
	TCB_CC_SACK_RECOVERY,	/* SACK-based loss recovery (RFC 6675 §5), until SND.UNA
				 * reaches recover (RecoveryPoint) */
};

/* Tail loss probe (RFC 8985 §7), with SACK only: the retransmission timer's slot runs
 * the probe timeout (PTO) first (tcb_timer.c arms it, tcb_timeout.c fires it). */
enum tcb_tlp {
	TCB_TLP_NONE,		/* the retransmission timer, if running, is the RTO */
	TCB_TLP_ARMED,		/* it runs as the PTO */
	TCB_TLP_OUT,		/* a probe went; no other until an ACK of new data */
};

/* RFC 5681 §3.1 / RFC 6582 state, bytes and absolute sequence numbers. */
struct tcb_cc {
	uint32_t cwnd;		/* congestion window, bytes; 0 until the connection is open */
	uint32_t ssthresh;	/* slow-start threshold; UINT32_MAX = "arbitrarily high" */
	uint32_t recover;	/* RFC 6582 "recover" + 1: SND.NXT when recovery began */
	uint32_t acked_acc;	/* congestion avoidance: bytes acked since cwnd last grew */
	uint32_t dupacks;	/* duplicate ACKs in a row (RFC 5681 §2) */
	uint32_t high_rxt;	/* RFC 6675 HighRxt + 1: end of the highest resent segment */
	uint32_t rescue_rxt;	/* RFC 6675 RescueRxt + 1 */
	uint8_t phase;		/* enum tcb_cc_phase */
	uint8_t tlp;		/* enum tcb_tlp: the retransmission timer runs as the PTO */
	bool partial_seen;	/* a partial ACK already restarted the timer (RFC 6582 §3.2) */
};

/* Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2). */
struct tcb_dack {
	uint32_t bytes;		/* in-order bytes received since our last ACK */
	uint32_t rcv_mss;	/* largest segment received: "full-sized" */
};

/* ---- floor 5, tcb_cc.c (calls tcb.c, tcb_stamp.c, tcb_rtx.c and tcb_board.c) ---- */
/* The connection is synchronized: IW (RFC 6928, or 1 SMSS after a lost SYN). */
void tcb_cc_init(struct tcb *t);
/* New data acknowledged: acked bytes (sequence numbers), flight = SND.NXT - SND.UNA before
 * the ACK. Grows cwnd, or handles a partial / full ACK in recovery (may resend one
 * segment). Returns false when the retransmission timer must NOT be restarted (a later
 * partial ACK, RFC 6582 §3.2 step 5). */
bool tcb_cc_on_ack(struct tcb *t, uint32_t ack, uint32_t acked, uint32_t flight,
		   uint64_t now, struct tcb_out *o);
/* A segment that acks nothing new: counts it when it is a duplicate ACK (RFC 5681 §2;
 * with SACK also one whose blocks SACKed `sacked` new bytes, RFC 6675 §2) and acts on
 * the third (fast retransmit) and later ones (window inflation, or RFC 6675's step C).
 * Call before the window update (the rule compares the window with the one last taken). */
void tcb_cc_on_old_ack(struct tcb *t, const struct seg *s, uint32_t sacked, uint64_t now,
		       struct tcb_out *o);
/* The retransmission timer fired for data (RFC 5681 §3.1 eq. 4, RFC 6582 §4). */
void tcb_cc_on_rto(struct tcb *t, uint64_t now, struct tcb_out *o);
/* After new data went out (tcb_output), SACK recovery: NextSeg() rules 3 and 4 when
 * cwnd still has room and rule 2 (new data) found none (RFC 6675 §4). */
void tcb_cc_after_output(struct tcb *t, uint64_t now, struct tcb_out *o);

/* ---- floor 5, tcb_dack.c (calls tcb.c, tcb_emit.c and tcb_timer.c) ---- */
/* In-order text was taken: ACK now or later. hole says the segment arrived with (or
 * left) bytes held out of order: it is ACKed at once. Returns true when the ACK went out. */
bool tcb_dack_data(struct tcb *t, uint32_t len, bool hole, uint64_t now, struct tcb_out *o);
/* The delayed-ACK timer fired. */
void tcb_dack_fire(struct tcb *t, uint64_t now, struct tcb_out *o);

#endif
