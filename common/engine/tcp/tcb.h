/* tcb.h - the pure RFC 9293 TCP state machine: one connection's TCB, its events and API. */
#ifndef SYNLAB_TCB_H
#define SYNLAB_TCB_H

/*
 * Purity: nothing here does I/O, reads a clock or keeps globals. Every call takes the
 * current time `now` (microseconds on any monotonic clock) and fills a struct tcb_out
 * with the segments to send and the events that explain what happened. The caller asks
 * tcb_deadline() when to call tcb_tick() next.
 *
 * Calls APPEND to the tcb_out they are given; the caller resets it (tcb_out_reset) when
 * it has sent the segments and logged the events.
 *
 * Three-segment close and other piggybacking (RFC 9293 §3.10.4, §3.10.7.4 "eighth"):
 * whenever a call emits a pure ACK (no data, no SYN/FIN) it remembers it in the tcb_out
 * (ack_owner, ack_idx). If a later call on the SAME TCB with the SAME, not yet reset
 * tcb_out emits a segment carrying the same ACK (data, or a FIN from tcb_close), that
 * segment REPLACES the pending pure ACK in place instead of being appended, and a
 * TCB_EV_ACK_MERGED event (why TCB_WHY_ACK_PIGGYBACKED) is recorded. So a program that
 * wants the three-segment close does
 *     tcb_input(t, fin_segment, now, &o);     // CLOSE-WAIT, o holds the ACK of the FIN
 *     tcb_close(t, now, &o, &e);               // that ACK becomes FIN+ACK: LAST-ACK
 * and sends o; calling tcb_close after sending (with a reset tcb_out) gives the classic
 * four-segment close. The same works for tcb_send (data piggybacks the ACK).
 *
 * Defaults and simplifications (documented, deliberate):
 *  - Delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2) is off unless dack_us > 0: by default
 *    every in-order data segment is ACKed at once, deterministic for a lab (the seeds'
 *    exchange and every demo's segment list). With dack_us > 0 an in-order segment's ACK
 *    waits until a second full-sized segment has arrived or dack_us has passed; a segment
 *    out of order, or one that fills (part of) a hole, is ACKed at once (tcb_dack.c).
 *  - TCP options (tcb_opts.c, tcb_sack.c): our SYN offers window scale, SACK-permitted and
 *    timestamps unless turned off (no_wscale, no_timestamps, no_sack); a SYN+ACK offers
 *    only what the peer's SYN offered. Each is in force only when both SYNs carried it
 *    (RFC 7323 §2.2, §3.2; RFC 2018 §2). Our shift is the smallest that lets the 16-bit
 *    field hold rcv_buf (0 for the default 65535: offered, but windows are unchanged).
 *    TSval is `now` in milliseconds plus a per-connection offset (a keyed hash of the
 *    4-tuple, RFC 7323 §5.4, like Linux); a segment without TSopt after timestamps were
 *    agreed is accepted, as Linux does (RFC 7323 §3.2 says SHOULD drop). An RTT sample
 *    comes from the retransmission queue (us precision) when the acknowledged segment
 *    was sent once, and from TSecr (1 ms ticks, 0 counted as 1 as in Linux) when it
 *    was resent: the echo says which transmission is acknowledged, so Karn's rule is
 *    not needed then (RFC 7323 §4.1, Linux tcp_ack_update_rtt).
 *  - SACK (RFC 2018): the receiver's ACKs carry up to 4 blocks (3 with timestamps), the
 *    block of the latest out-of-order segment first, then the most recently reported
 *    (§4). The sender marks queued segments wholly covered by a block; loss recovery
 *    never resends a marked one (tcb_cc.c resends the first unacknowledged segment not
 *    SACKed). SACK marks are kept across an RTO (RFC 6675 §5.1 and Errata 1610 allow
 *    it; Linux does) unless the head segment itself is SACKed when the timer fires: the
 *    receiver reneged, and every mark is forgotten (Linux's tcp_check_sack_reneging).
 *    The loss signal stays NewReno's (no RFC 6675 pipe or IsLost()): SACK chooses which
 *    segment is resent, not when.
 *  - Congestion control (tcb_cc.c): slow start and congestion avoidance (RFC 5681 §3.1,
 *    byte counting), IW = init_cwnd segments (10, RFC 6928; 1 when the SYN or SYN+ACK
 *    was retransmitted), fast retransmit on the third duplicate ACK and NewReno recovery
 *    (RFC 5681 §3.2, RFC 6582). After an RTO only the first unacknowledged segment is
 *    resent (cwnd = 1 SMSS); each later ACK that does not reach the recovery point resends
 *    the one segment it shows missing (RFC 6582 §4), skipping SACKed ones, never the
 *    whole window. What is sent is limited by min(cwnd, SND.WND); the first two duplicate
 *    ACKs each let one new segment out (Limited Transmit, RFC 3042), cwnd unchanged; with
 *    fewer than four segments in flight and nothing more allowed out, fewer duplicates
 *    (segments in flight - 1) trigger the fast retransmit (Early Retransmit, RFC 5827). A
 *    duplicate ACK's window is compared scaled (RFC 5681 §2, RFC 7323 §2.3). cwnd is not
 *    reduced after an idle period (RFC 5681 §4.1 not implemented).
 *  - Zero-window probes are Linux style: <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK>, no data,
 *    which the peer must answer with an ACK carrying its window (RFC 9293 §3.10.7.4).
 *  - Text (and a FIN) on a SYN+ACK that acks our SYN in SYN-SENT is processed as RFC 9293
 *    §3.10.7.3 says ("continue processing at the sixth step"): it becomes readable and
 *    the ACK we send covers it (ACK = IRS + 1 + text length, + 1 for a FIN).
 *  - Text or a FIN on a SYN without an ACK of ours (LISTEN §3.10.7.2, simultaneous open
 *    §3.10.7.3) is NOT queued for after the handshake as the RFC allows: it is ignored
 *    (TCB_WHY_SYN_DATA_IGNORED), our SYN+ACK acks only the SYN and the peer resends the
 *    text once ESTABLISHED, as Linux does without TCP Fast Open.
 *  - Answers to segments we do not accept are rate limited per connection (RFC 5961 §7,
 *    Linux's tcp_invalid_ratelimit): the ACK answering an unacceptable sequence number
 *    (§3.10.7.4 first check), an ACK of something not yet sent (§3.10.7.4 fifth,
 *    <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>) and every challenge ACK (RFC 5961 §3.2, §4,
 *    §5.2) go out at most once per invalid_ratelimit_us; a suppressed one is recorded as
 *    TCB_EV_SEG_DROPPED, why TCB_WHY_REPLY_RATE_LIMITED, and counted (tcb_vars
 *    replies_limited). Without it, two stacks that each find the other's ACK
 *    unacceptable answer each other at wire speed. As in Linux (tcp_oow_rate_limited), an
 *    out-of-window segment carrying text or a FIN and no SYN is always answered: it is
 *    not part of an ACK loop, and its ACK may be what the sender is waiting for.
 *    Challenge ACKs are further limited to challenge_ack_limit per second. Both limits
 *    count `now` as it is (not scaled by time_scale).
 *  - Linux behaviours kept: a repeated SYN in SYN-RECEIVED is answered at once with the
 *    SYN+ACK (TCB_EV_RETRANSMIT, count 0, timer schedule unchanged); in a simultaneous
 *    open the peer's SYN+ACK (seq = RCV.NXT-1, ack = SND.NXT) completes the handshake in
 *    SYN-RECEIVED instead of being dropped as RFC 9293's sequence test would.
 *  - An out-of-window SYN on a synchronized connection gets the RFC 5961 §4 challenge ACK
 *    (rate limited) like an in-window one, as Linux does.
 *  - RFC 6298 §5.7: when the SYN timed out, RTO is at least 3 x rto_init once established.
 *  - The urgent pointer is ignored (RFC 9293 §3.10.7.4 sixth step not implemented).
 *  - A FIN that arrives out of order is remembered and takes effect when the gap fills;
 *    like out-of-order text it is answered at once with a duplicate ACK
 *    <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK> (RFC 5681 §4.2, RFC 1122 §4.2.2.21).
 *  - The out-of-order queue holds at most RCVQ_OOO_MAX (8) separate ranges; a segment
 *    needing a ninth is dropped (TCB_WHY_OOO_FULL) and ACKed so the peer resends it.
 *
 * Retransmission schedules (all intervals multiplied by time_scale):
 *  - SYN, TCB_SYN_DOUBLING (Linux < 6.5): intervals rto_init x 1, 2, 4, 8, 16, 32; with
 *    syn_retries 6 the SYN goes out at 0, 1, 3, 7, 15, 31, 63 s and the attempt gives up
 *    when the last interval (64 s) ends: at 127 s.
 *  - SYN, TCB_SYN_LINEAR (Linux >= 6.5, tcp_syn_linear_timeouts): the wait after the
 *    original SYN and after each of the first syn_linear_timeouts retransmissions is
 *    rto_init, then it doubles: intervals 1, 1, 1, 1, 1, 2, 4, 8 ... With syn_retries 6
 *    and 4 linear timeouts the SYN goes out at 0, 1, 2, 3, 4, 5, 7 s and the attempt
 *    gives up at 11 s (LAB-NOTES' list 1, 2, 3, 4, 5, 7, 11, 19, 35, 67 s continues it
 *    for more retries).
 *  - SYN+ACK (synack_retries 5): out at 0, +1, +3, +7, +15, +31 s, dropped at +63 s.
 *  - Data and FIN: the RFC 6298 RTO, doubled per timeout up to rto_max; give up when the
 *    timer fires after data_retries retransmissions.
 *  Give-up always happens when the timer fires after the last allowed retransmission.
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

/* "SYN-SENT", as RFC 9293 spells it; "?" for an out-of-range value. */
const char *tcb_state_name(enum tcb_state s);

/* SYN retransmission schedules (see the schedule notes above). */
enum tcb_syn_schedule {
	TCB_SYN_DOUBLING,	/* 1, 2, 4, 8 ... x rto_init: classic RFC 6298 §5.5 */
	TCB_SYN_LINEAR,		/* syn_linear_timeouts + 1 intervals of rto_init, then doubling */
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
	int data_retries;	/* data/FIN retransmissions (and unanswered zero-window
				 * probes) before giving up (15, Linux tcp_retries2) */
	/* ---- timers ---- */
	uint64_t msl_us;	/* MSL, us; TIME-WAIT lasts 2 x MSL (30 s -> 60 s as Linux) */
	uint64_t fin_wait_2_us;	/* FIN-WAIT-2 timeout after our side closed, us (60 s) */
	double time_scale;	/* multiplies every timer above (1.0; 0.01 = 100x faster);
				 * <= 0 is treated as 1.0 (tcb_params_time_scale). The one
				 * home of the time scale: a program's runtime (live.h)
				 * reads it from the tcb_params it is given */
	/* ---- windows and sizes ---- */
	uint16_t mss;		/* MSS we announce and the most we send, bytes (1460) */
	uint32_t rcv_buf;	/* receive buffer = largest window we offer, bytes (65535;
				 * clamped to 1..65535 << 14, and to 65535 with no_wscale) */
	uint32_t snd_buf;	/* send buffer, bytes (262144) */
	/* ---- ISN (RFC 6528) ---- */
	bool isn_fixed;		/* use isn below instead of the keyed hash */
	uint32_t isn;
	uint8_t isn_secret[16];	/* key of the RFC 6528 hash F() (all zero by default:
				 * programs should fill it from randombytes_buf) */
	/* ---- RFC 5961 / RFC 1337 ---- */
	uint32_t challenge_ack_limit;	/* challenge ACKs per second (1000) */
	uint64_t invalid_ratelimit_us;	/* at most one ACK per this interval answers the
					 * segments we do not accept (see the top), us
					 * (500 ms, Linux tcp_invalid_ratelimit; 0 = off) */
	bool rfc1337;		/* ignore RST in TIME-WAIT (off, as Linux) */
	/* ---- congestion control and delayed ACK (tcb_cc.c, tcb_dack.c) ---- */
	uint32_t init_cwnd;	/* initial window, segments (10, RFC 6928 and Linux; 0 = 10) */
	uint64_t dack_us;	/* delayed-ACK time, us (0 = ACK every segment at once, the
				 * default; 200000 is RFC 5681 §4.2's and Linux's bound) */
	/* ---- TCP options (RFC 7323, RFC 2018): offered unless turned off ---- */
	bool no_wscale;		/* offer no window scale option (--no-wscale) */
	bool no_timestamps;	/* offer no timestamps, so no RTTM or PAWS (--no-timestamps) */
	bool no_sack;		/* offer no SACK-permitted, send no SACK blocks (--no-sack) */
	bool no_tlp;		/* no tail loss probe (RFC 8985 §7; only with SACK anyway):
				 * the unit tests of RTO schedules set it */
};

void tcb_params_default(struct tcb_params *p);

/* The time scale in force: p->time_scale, or 1.0 when p is NULL or it is <= 0. */
static inline double tcb_params_time_scale(const struct tcb_params *p)
{
	return p && p->time_scale > 0 ? p->time_scale : 1.0;
}

/* Which timer. */
enum tcb_timer {
	TCB_TIMER_NONE,
	TCB_TIMER_RTX,		/* retransmission (SYN, SYN+ACK, data, FIN) */
	TCB_TIMER_TIME_WAIT,	/* 2 x MSL */
	TCB_TIMER_FIN_WAIT_2,
	TCB_TIMER_PERSIST,	/* zero-window probe */
	TCB_TIMER_DACK,		/* delayed ACK (dack_us) */
	TCB_NTIMERS
};

/* "rtx", "time-wait", "fin-wait-2", "persist", "delayed-ack" ("none" for NONE). */
const char *tcb_timer_name(enum tcb_timer k);

/* What kind of thing happened. */
enum tcb_ev_kind {
	TCB_EV_STATE,		/* state changed: from -> to, why */
	TCB_EV_SEG_DROPPED,	/* an arriving segment was ignored: why, numbers compared */
	TCB_EV_CHALLENGE_ACK,	/* RFC 5961 challenge ACK sent (or rate-limited: limited) */
	TCB_EV_RST_SENT,	/* we answered with RST: why */
	TCB_EV_TIMER,		/* a timer fired: timer, after_us (how long it ran) */
	TCB_EV_RETRANSMIT,	/* a segment resent: count, interval_us, next rto_us;
				 * n[0] = its seq, n[1] = its seq length */
	TCB_EV_GAVE_UP,		/* retries exhausted: the connection is dropped */
	TCB_EV_TW_RESTART,	/* TIME-WAIT restarted by a retransmitted FIN */
	TCB_EV_ACKED,		/* n bytes (or SYN/FIN) newly acknowledged; rtt sample */
	TCB_EV_DATA_IN,		/* n bytes made readable in order */
	TCB_EV_OOO_QUEUED,	/* out-of-order segment held for later */
	TCB_EV_RESET,		/* connection reset by the peer's RST */
	TCB_EV_ACK_SENT,	/* an ACK was sent for a reason worth telling (why) */
	TCB_EV_ACK_MERGED,	/* a pending pure ACK in the tcb_out was upgraded (see top) */
	TCB_EV_WINDOW,		/* peer's window changed: n[0] old, n[1] new (bytes) */
	TCB_EV_RTT,		/* RTT sample: n[0] sample us, n[1] SRTT us, n[2] RTTVAR us,
				 * rto_us the new RTO */
	TCB_EV_CWND,		/* congestion window or ssthresh changed: n[0] old cwnd,
				 * n[1] new cwnd, n[2] old ssthresh, n[3] new ssthresh (bytes;
				 * UINT32_MAX = no ssthresh yet) */
	TCB_EV_OPTION,		/* a TCP option agreed, refused or used (tcb_opts.c, tcb_sack.c) */
	TCB_NEV_KINDS
};

/* "state", "seg-dropped", ... */
const char *tcb_ev_kind_name(enum tcb_ev_kind k);

/*
 * Why: the rule that decided. tcb_why_name() gives a stable snake_case identifier such as
 * "syn_sent_synack", tcb_why_rfc() the section, e.g. "RFC 9293 §3.10.7.3".
 * The comment after each value says what n[0..3] of its event hold (all sequence numbers
 * absolute; a logger subtracts ISS/IRS for relative numbers).
 */
enum tcb_why {
	TCB_WHY_NONE,
	/* ---- user calls (§3.10.1 - §3.10.5) ---- */
	TCB_WHY_USER_OPEN_ACTIVE,	/* OPEN, active: SYN sent. n0 ISS */
	TCB_WHY_USER_OPEN_PASSIVE,	/* OPEN, passive: LISTEN */
	TCB_WHY_USER_CLOSE,		/* CLOSE: FIN queued or TCB deleted. n0 FIN seq */
	TCB_WHY_USER_ABORT,		/* ABORT: RST sent (if synchronized), CLOSED. n0 SND.NXT */
	/* ---- segment arrives, CLOSED / LISTEN (§3.10.7.1, §3.10.7.2) ---- */
	TCB_WHY_CLOSED_NO_TCB,		/* segment for no connection: RST (unless RST).
					 * n0 SEG.SEQ, n1 SEG.ACK, n2 SEG.LEN */
	TCB_WHY_LISTEN_RST,		/* RST in LISTEN ignored. n0 SEG.SEQ */
	TCB_WHY_LISTEN_ACK,		/* ACK in LISTEN: <SEQ=SEG.ACK><CTL=RST>. n0 SEG.ACK */
	TCB_WHY_LISTEN_SYN,		/* SYN in LISTEN: SYN+ACK, SYN-RECEIVED. n0 IRS, n1 ISS */
	TCB_WHY_LISTEN_OTHER,		/* neither RST, ACK nor SYN: dropped. n0 SEG.SEQ */
	TCB_WHY_SYN_DATA_IGNORED,	/* text/FIN on a SYN without an ACK of ours (LISTEN,
					 * simultaneous open) ignored. n0 SEG.SEQ, n1 SEG.LEN */
	/* ---- SYN-SENT (§3.10.7.3) ---- */
	TCB_WHY_SYN_SENT_BAD_ACK,	/* ACK =< ISS or > SND.NXT: RST (unless RST).
					 * n0 SEG.ACK, n1 ISS, n2 SND.NXT */
	TCB_WHY_SYN_SENT_RST_NO_ACK,	/* RST without an acceptable ACK: dropped.
					 * n0 SEG.SEQ, n1 SEG.ACK, n2 ISS */
	TCB_WHY_SYN_SENT_RST,		/* RST acking our SYN: connection refused.
					 * n0 SEG.ACK, n1 ISS */
	TCB_WHY_SYN_SENT_SYNACK,	/* SYN+ACK acks our SYN: ESTABLISHED, ACK sent.
					 * n0 SEG.ACK, n1 ISS, n2 IRS (SEG.SEQ) */
	TCB_WHY_SYN_SENT_SYN,		/* SYN without ACK, simultaneous open: SYN-RECEIVED,
					 * SYN+ACK sent. n0 IRS, n1 ISS */
	TCB_WHY_SYN_SENT_NO_SYN,	/* neither SYN nor RST: dropped. n0 SEG.SEQ */
	/* ---- synchronized states: sequence and RST checks (§3.10.7.4, RFC 5961) ---- */
	TCB_WHY_SYN_RCVD_SYN_REPEAT,	/* peer's SYN again in SYN-RECEIVED: SYN+ACK resent at
					 * once. n0 SEG.SEQ, n1 IRS */
	TCB_WHY_SEQ_UNACCEPTABLE,	/* fails the acceptability test: ACK sent.
					 * n0 SEG.SEQ, n1 SEG.LEN (seq space), n2 RCV.NXT,
					 * n3 RCV.WND */
	TCB_WHY_RST_OUT_OF_WINDOW,	/* unacceptable RST: dropped silently. n as above */
	TCB_WHY_RST_IN_WINDOW,		/* RST in window, not at RCV.NXT: challenge ACK
					 * (RFC 5961 §3.2). n0 SEG.SEQ, n1 RCV.NXT, n2 RCV.WND */
	TCB_WHY_RST_RESET,		/* RST exactly at RCV.NXT: connection reset, CLOSED.
					 * n0 SEG.SEQ, n1 RCV.NXT */
	TCB_WHY_RST_SYN_RCVD_PASSIVE,	/* RST in SYN-RECEIVED after a passive OPEN: back to
					 * LISTEN. n0 SEG.SEQ, n1 RCV.NXT */
	TCB_WHY_RST_TIME_WAIT,		/* RST ends TIME-WAIT (RFC 1337 protection off).
					 * n0 SEG.SEQ, n1 RCV.NXT */
	TCB_WHY_RST_RFC1337,		/* RST ignored in TIME-WAIT (RFC 1337). n0 SEG.SEQ */
	TCB_WHY_SYN_IN_SYNC,		/* SYN on a synchronized connection: challenge ACK
					 * (RFC 5961 §4). n0 SEG.SEQ, n1 RCV.NXT */
	/* ---- ACK field (§3.10.7.4 fifth, RFC 5961 §5) ---- */
	TCB_WHY_NO_ACK,			/* ACK bit off: dropped. n0 SEG.SEQ */
	TCB_WHY_SYN_RCVD_ACK,		/* ACK of our SYN(+ACK): ESTABLISHED.
					 * n0 SEG.ACK, n1 ISS */
	TCB_WHY_SYN_RCVD_BAD_ACK,	/* unacceptable ACK in SYN-RECEIVED: <SEQ=SEG.ACK>
					 * <CTL=RST>. n0 SEG.ACK, n1 SND.UNA, n2 SND.NXT */
	TCB_WHY_ACK_TOO_OLD,		/* SEG.ACK < SND.UNA - MAX.SND.WND: challenge ACK
					 * (RFC 5961 §5.2). n0 SEG.ACK, n1 SND.UNA, n2 MAX.SND.WND */
	TCB_WHY_ACK_UNSENT,		/* SEG.ACK > SND.NXT: ACK sent, dropped.
					 * n0 SEG.ACK, n1 SND.NXT */
	TCB_WHY_ACK_NEW,		/* SND.UNA < SEG.ACK =< SND.NXT: bytes acknowledged.
					 * n0 SEG.ACK, n1 old SND.UNA, n2 data bytes acked,
					 * n3 1 if it acked our SYN, 2 our FIN, 3 both */
	TCB_WHY_WINDOW_UPDATE,		/* SND.WND taken from the segment (WL1/WL2 rule).
					 * n0 old SND.WND, n1 new SND.WND, n2 SEG.SEQ, n3 SEG.ACK */
	TCB_WHY_FIN_ACKED,		/* our FIN acknowledged: FIN-WAIT-1 -> FIN-WAIT-2,
					 * CLOSING -> TIME-WAIT, LAST-ACK -> CLOSED.
					 * n0 SEG.ACK, n1 our FIN seq */
	/* ---- segment text and FIN (§3.10.7.4 seventh, eighth) ---- */
	TCB_WHY_DATA_IN_ORDER,		/* text at RCV.NXT accepted, ACK sent.
					 * n0 SEG.SEQ, n1 bytes accepted, n2 new RCV.NXT,
					 * n3 bytes now readable */
	TCB_WHY_DATA_OUT_OF_ORDER,	/* text past RCV.NXT queued, duplicate ACK sent.
					 * n0 SEG.SEQ, n1 SEG.LEN, n2 RCV.NXT */
	TCB_WHY_FIN_OUT_OF_ORDER,	/* FIN (no text) past RCV.NXT held until the gap fills,
					 * duplicate ACK sent at once (RFC 5681 §4.2,
					 * RFC 1122 §4.2.2.21). n0 FIN seq, n1 RCV.NXT */
	TCB_WHY_OOO_FULL,		/* out-of-order queue full: text dropped.
					 * n0 SEG.SEQ, n1 SEG.LEN, n2 RCV.NXT */
	TCB_WHY_DATA_AFTER_FIN,		/* text after the peer's FIN ignored. n0 SEG.SEQ,
					 * n1 SEG.LEN, n2 RCV.NXT */
	TCB_WHY_FIN_RECEIVED,		/* peer's FIN in order: ACKed, -> CLOSE-WAIT.
					 * n0 FIN seq, n1 new RCV.NXT */
	TCB_WHY_FIN_SIMULTANEOUS,	/* FIN in FIN-WAIT-1, ours unacked: -> CLOSING.
					 * n0 FIN seq, n1 new RCV.NXT */
	TCB_WHY_FIN_AFTER_OUR_FIN,	/* FIN in FIN-WAIT-2 (or FIN-WAIT-1 with ours acked):
					 * -> TIME-WAIT. n0 FIN seq, n1 new RCV.NXT */
	TCB_WHY_FIN_IN_TIME_WAIT,	/* retransmitted FIN in TIME-WAIT: ACKed again, timer
					 * restarted. n0 SEG.SEQ, n1 RCV.NXT, n2 2MSL us */
	TCB_WHY_FIN_REPEAT,		/* retransmitted FIN in CLOSE-WAIT/CLOSING/LAST-ACK:
					 * ACKed again. n0 SEG.SEQ, n1 RCV.NXT */
	TCB_WHY_ACK_PIGGYBACKED,	/* pending pure ACK upgraded: n0 new flags, n1 seq */
	TCB_WHY_WINDOW_OPENED,		/* receive window update after a read: n0 old window,
					 * n1 new window (bytes) */
	/* ---- timeouts (§3.10.8, RFC 6298) ---- */
	TCB_WHY_RTO,			/* retransmission timeout: segment resent.
					 * n0 seq, n1 seq length, n2 SND.UNA, n3 SND.NXT */
	TCB_WHY_RTX_AFTER_RTO,		/* after an RTO, an ACK below the recovery point shows
					 * the next missing segment: it alone is resent
					 * (RFC 6582 §4). n0 seq, n1 seq length, n2 SEG.ACK,
					 * n3 recovery point (SND.NXT at the RTO) */
	TCB_WHY_SYN_GAVE_UP,		/* syn_retries exhausted. n0 retries, n1 ISS */
	TCB_WHY_SYNACK_GAVE_UP,		/* synack_retries exhausted. n0 retries, n1 ISS */
	TCB_WHY_DATA_GAVE_UP,		/* data_retries exhausted (data, FIN or probes).
					 * n0 retries, n1 SND.UNA, n2 SND.NXT */
	TCB_WHY_PERSIST_PROBE,		/* zero window: probe sent. n0 SND.UNA, n1 probes,
					 * n2 bytes waiting */
	TCB_WHY_TIME_WAIT_EXPIRED,	/* 2 x MSL over: CLOSED. n0 2MSL us (low 32 bits) */
	TCB_WHY_FIN_WAIT_2_TIMEOUT,	/* FIN-WAIT-2 too long: CLOSED */
	/* ---- SYN cookies (RFC 4987 §3.6, tcb_cookie.c) ---- */
	TCB_WHY_SYN_COOKIE,		/* ACK carried a valid SYN cookie: the connection is
					 * created directly in ESTABLISHED, no half-open state
					 * was kept. n0 ISS (the cookie), n1 IRS, n2 MSS */
	/* ---- rate limit of our answers (RFC 5961 §7, Linux tcp_invalid_ratelimit) ---- */
	TCB_WHY_REPLY_RATE_LIMITED,	/* a segment not accepted is not answered either:
					 * the ACK it would get (n0: the tcb_why of that
					 * answer) comes too soon after the last one.
					 * n1 us since the last answer, n2 the interval us,
					 * n3 answers suppressed so far on this connection */
	/* ---- delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2; tcb_dack.c) ---- */
	TCB_WHY_DATA_ACK_DELAYED,	/* text at RCV.NXT accepted, its ACK delayed.
					 * n0 SEG.SEQ, n1 bytes accepted, n2 new RCV.NXT,
					 * n3 bytes not yet ACKed */
	TCB_WHY_DACK_TIMEOUT,		/* the delayed-ACK time passed: ACK sent.
					 * n0 RCV.NXT, n1 bytes it acknowledges, n2 dack us */
	/* ---- congestion control (RFC 5681, RFC 6582; tcb_cc.c), TCB_EV_CWND unless said;
	 * n as TCB_EV_CWND ---- */
	TCB_WHY_CC_SLOW_START,		/* cwnd < ssthresh: + min(acked, SMSS) per ACK */
	TCB_WHY_CC_AVOIDANCE,		/* cwnd >= ssthresh: + SMSS per cwnd bytes acked */
	TCB_WHY_CC_RTO,			/* RTO: ssthresh = max(FlightSize / 2, 2 SMSS) (kept
					 * on a repeated timeout), cwnd = 1 SMSS */
	TCB_WHY_CC_THIRD_DUPACK,	/* third duplicate ACK: ssthresh = max(FlightSize / 2,
					 * 2 SMSS), cwnd = ssthresh + 3 SMSS */
	TCB_WHY_CC_DUPACK_INFLATE,	/* another duplicate ACK in fast recovery: + SMSS */
	TCB_WHY_CC_EARLY_RETRANSMIT,	/* as THIRD_DUPACK, after fewer duplicates: too few
					 * segments in flight for three (RFC 5827) */
	TCB_WHY_CC_PARTIAL_ACK,		/* partial ACK in fast recovery: cwnd - acked (+ SMSS
					 * when acked >= SMSS) */
	TCB_WHY_CC_RECOVERY_EXIT,	/* full ACK: recovery over, cwnd = min(ssthresh,
					 * max(FlightSize, SMSS) + SMSS) */
	TCB_WHY_FAST_RETRANSMIT,	/* TCB_EV_RETRANSMIT on the third duplicate ACK.
					 * n0 seq, n1 seq length, n2 SEG.ACK, n3 duplicates */
	TCB_WHY_PARTIAL_ACK_RTX,	/* TCB_EV_RETRANSMIT on a partial ACK in fast recovery:
					 * the next missing segment. n0 seq, n1 seq length,
					 * n2 SEG.ACK, n3 recovery point */
	/* ---- TCP options (RFC 7323, RFC 2018; tcb_opts.c, tcb_sack.c) ---- */
	TCB_WHY_WSCALE_ON,		/* both SYNs carried window scale. n0 the peer's shift
					 * (its windows << n0), n1 ours (our windows >> n1) */
	TCB_WHY_WSCALE_OFF_LOCAL,	/* turned off here (--no-wscale). n0 1 when the peer's
					 * SYN carried it */
	TCB_WHY_WSCALE_OFF_PEER,	/* we offered it, the peer's SYN did not carry it */
	TCB_WHY_WSCALE_APPLIED,		/* the first scaled window taken: n0 the field, n1 the
					 * shift, n2 the window in bytes (n0 << n1) */
	TCB_WHY_TS_ON,			/* both SYNs carried timestamps. n0 the peer's TSval,
					 * n1 our TSval (TS.Recent = n0) */
	TCB_WHY_TS_OFF_LOCAL,		/* turned off here. n0 as WSCALE_OFF_LOCAL */
	TCB_WHY_TS_OFF_PEER,		/* we offered them, the peer did not */
	TCB_WHY_TS_RTTM,		/* TCB_EV_RTT from TSecr of a resent segment: n as RTT,
					 * n3 the TSecr */
	TCB_WHY_PAWS_REJECT,		/* SEG.TSval < TS.Recent: an old duplicate, dropped,
					 * ACK sent. n0 SEG.TSval, n1 TS.Recent, n2 SEG.SEQ,
					 * n3 SEG.LEN (seq space) */
	TCB_WHY_SACK_ON,		/* both SYNs carried SACK-permitted */
	TCB_WHY_SACK_OFF_LOCAL,		/* turned off here. n0 as WSCALE_OFF_LOCAL */
	TCB_WHY_SACK_OFF_PEER,		/* we offered it, the peer did not */
	TCB_WHY_SACK_MARKED,		/* a SACK block covers queued segments: not resent.
					 * n0 left edge, n1 right edge, n2 bytes newly marked,
					 * n3 SND.UNA */
	TCB_WHY_SACK_KEPT,		/* RTO: SACKed segments stay out of the resends. n0 segments,
					 * n1 bytes, n2 SND.UNA */
	TCB_WHY_SACK_RENEGED,		/* RTO with the head SACKed: the receiver dropped what it
					 * reported, marks cleared. n0 head seq, n1 marks cleared */
	/* ---- SACK-based loss recovery (RFC 6675; tcb_cc.c, tcb_board.c) ---- */
	TCB_WHY_CC_SACK_LOSS,		/* TCB_EV_CWND: IsLost(SND.UNA), `count` segments
					 * SACKed above it: recovery, ssthresh = cwnd =
					 * max(FlightSize / 2, 2 SMSS) (§5 step 4.2) */
	TCB_WHY_CC_SACK_DUPACKS,	/* TCB_EV_CWND: as SACK_LOSS, on the `count`th
					 * duplicate ACK (DupThresh, or fewer: RFC 5827) */
	TCB_WHY_CC_SACK_EXIT,		/* TCB_EV_CWND: SND.UNA reached RecoveryPoint: SACK
					 * recovery over, cwnd stays ssthresh (§5 step A) */
	TCB_WHY_SACK_LOST_RTX,		/* TCB_EV_RETRANSMIT, NextSeg() rule 1: IsLost.
					 * n0 seq, n1 seq length, n2 segments SACKed above,
					 * n3 pipe before it */
	TCB_WHY_SACK_RULE3_RTX,		/* TCB_EV_RETRANSMIT, rule 3: nothing lost, no new
					 * data may go; the first un-SACKed segment below a
					 * SACK not yet resent. n0, n1 as above, n2 pipe,
					 * n3 cwnd */
	TCB_WHY_SACK_RESCUE_RTX,	/* TCB_EV_RETRANSMIT, rule 4: the rescue: the highest
					 * un-SACKed segment, once a recovery. n0, n1 as above,
					 * n2 pipe, n3 RecoveryPoint */
	TCB_WHY_SACK_RTO_FILL,		/* TCB_EV_RETRANSMIT after an RTO: an un-SACKed
					 * segment below the recovery point, resent while cwnd
					 * - pipe allows (§5.1). n0, n1 as above, n2 SND.UNA,
					 * n3 recovery point */
	TCB_WHY_SACK_RTX_LOST_AGAIN,	/* TCB_EV_RETRANSMIT: a resent segment is lost again:
					 * data first sent after that resend is SACKed (Linux's
					 * lost-retransmit detection). n0 seq, n1 seq length,
					 * n2 SND.NXT at that resend, n3 pipe */
	TCB_WHY_TLP_PTO,		/* TCB_EV_TIMER (the retransmission timer's slot run as
					 * the PTO, RFC 8985 §7): a tail loss probe. n0 SRTT
					 * us, n1 SND.UNA, n2 SND.NXT; rto_us the RTO next */
	TCB_WHY_TLP_RTX,		/* TCB_EV_RETRANSMIT: the probe resends the highest
					 * segment not SACKed (no new data may go). n0 seq,
					 * n1 seq length, n2 SND.UNA, n3 SND.NXT */
	TCB_WHY_COUNT
};
const char *tcb_why_name(enum tcb_why w);
const char *tcb_why_rfc(enum tcb_why w);

/* One structured event; carries what the explaining logger needs. */
struct tcb_event {
	enum tcb_ev_kind kind;
	enum tcb_why why;
	enum tcb_state from, to;	/* for TCB_EV_STATE; otherwise both = the state when
					 * the event was recorded */
	enum tcb_timer timer;		/* for TIMER / RETRANSMIT / GAVE_UP */
	uint32_t n[4];			/* numbers compared, meaning given by `why` */
	int count;			/* retransmission number (1-based; 0 = resent at once
					 * in answer to a repeated SYN, not by a timer) */
	uint64_t after_us;		/* timer: how long it ran; rtx: since previous send */
	uint64_t rto_us;		/* the next RTO after backoff */
	bool limited;			/* challenge ACK suppressed by the per-second limit
					 * (challenge_ack_limit) */
	uint64_t now;			/* when it happened, us */
};

#define TCB_OUT_SEGS 64
#define TCB_OUT_EVENTS 32

/* What one call produced. Segment payloads point into the TCB's send queue and stay
 * valid until the next tcb_input, tcb_tick or tcb_free on the same TCB. */
struct tcb_out {
	struct seg seg[TCB_OUT_SEGS];
	unsigned nseg;
	struct tcb_event ev[TCB_OUT_EVENTS];
	unsigned nev;
	bool ev_overflow;	/* more events happened than fit (the rest were lost) */
	struct tcb_event ev_spill;	/* scratch the overflowing events are written to */
	bool seg_overflow;	/* more segments than fit: the rest wait for the next call */
	/* ---- pending pure ACK for piggybacking (see top); managed by the TCB ---- */
	const struct tcb *ack_owner;	/* TCB that emitted seg[ack_idx] as a pure ACK */
	unsigned ack_idx;
};

void tcb_out_reset(struct tcb_out *o);

/* The connection's identity, host byte order. IPv6 (v6 true): laddr/raddr stay 0 and
 * the 128-bit addresses are in laddr6/raddr6, network byte order as in struct seg. */
struct tcb_addr {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	bool v6;
	uint8_t laddr6[16], raddr6[16];
};

/* The 4-tuple of s as its receiver sees it (inbound: local = destination) or as its
 * sender does; either family. */
struct tcb_addr tcb_addr_of_seg(const struct seg *s, bool inbound);
/* Whether s travels from a's remote end to its local end (same family, addresses, ports). */
bool tcb_addr_inbound(const struct tcb_addr *a, const struct seg *s);
/* Same 4-tuple and family. */
bool tcb_addr_eq(const struct tcb_addr *a, const struct tcb_addr *b);
/* Sets s's family and addresses from a, local -> remote. */
void tcb_addr_to_seg(const struct tcb_addr *a, struct seg *s);
/* Sets rep's family and addresses to answer s (source and destination swapped). */
void tcb_seg_swap_addrs(const struct seg *s, struct seg *rep);

struct tcb;	/* defined in tcb_impl.h; allocate with tcb_new() */

/* Allocates a CLOSED TCB (buffers are allocated lazily). The ISN is chosen when the TCB
 * sends its SYN (open_active) or SYN+ACK (a SYN in LISTEN), from that call's `now`.
 * p is NOT copied: the TCB keeps the pointer, so one block serves every TCB of a program
 * (120 bytes less per connection). The caller owns p, must keep it alive and unchanged
 * until the last TCB made from it is freed (a program's options struct; in a test, a
 * variable of the scope that frees the TCB). time_scale and the clamps are applied each
 * time a value is used. Same for tcb_accept_cookie(). */
struct tcb *tcb_new(const struct tcb_params *p, const struct tcb_addr *a, struct err *e);
void tcb_free(struct tcb *t);
/* Compact TIME-WAIT (like Linux's inet_timewait_sock): when t is an IPv4 connection in
 * TIME-WAIT with nothing left in its queues, returns a record of at most 128 bytes
 * (tcb_tw_size) that replaces it and frees t; otherwise (or when memory runs out) returns t unchanged. The
 * caller replaces its pointer with the result. Every call of this header works on a
 * record and behaves exactly as on the full TCB (a retransmitted FIN is ACKed and the
 * 2MSL timer restarted, a RST or SYN handled alike, the same events and reasons; see
 * tcb_tw.c), except tcb_open_active / tcb_open_passive, which refuse: a record is not
 * reopened, the caller makes a new TCB. An IPv6 TCB stays full-size (the record holds
 * an IPv4 4-tuple only; tcb_tw.c). */
struct tcb *tcb_compact(struct tcb *t);
size_t tcb_tw_size(void);	/* bytes of a TIME-WAIT record */

/* ---- user calls (RFC 9293 §3.10.1 - §3.10.6) ---- */
int tcb_open_active(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
int tcb_open_passive(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
/* Queues up to len bytes; returns bytes accepted (may be less than len), or -1.
 * Allowed in SYN-SENT, SYN-RECEIVED (data goes out once ESTABLISHED), ESTABLISHED and
 * CLOSE-WAIT. */
long tcb_send(struct tcb *t, const void *buf, size_t len, uint64_t now, struct tcb_out *o,
	      struct err *e);
/* Copies up to cap readable bytes; returns the count (0 when none), may send a
 * window update. */
size_t tcb_receive(struct tcb *t, void *buf, size_t cap, uint64_t now, struct tcb_out *o);
/* CLOSE: -1 with "connection does not exist" in CLOSED; "connection closing" when the
 * FIN was already queued (FIN-WAIT-*, CLOSING, LAST-ACK, TIME-WAIT). */
int tcb_close(struct tcb *t, uint64_t now, struct tcb_out *o, struct err *e);
void tcb_abort(struct tcb *t, uint64_t now, struct tcb_out *o);

/* ---- SEGMENT ARRIVES (RFC 9293 §3.10.7) ---- */
/* The caller has already matched the 4-tuple and checked the checksum. */
void tcb_input(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);
/* A hint: starts loading the TCB's cache lines (no effect on its state), so a caller
 * with a burst of segments can overlap the misses of several TCBs before tcb_input. */
void tcb_prefetch(const struct tcb *t);

/* ---- timeouts (RFC 9293 §3.10.8) ---- */
void tcb_tick(struct tcb *t, uint64_t now, struct tcb_out *o);
uint64_t tcb_deadline(const struct tcb *t);	/* TCB_NEVER when no timer runs */
/* When timer k fires next, TCB_NEVER when it is not running. */
uint64_t tcb_timer_at(const struct tcb *t, enum tcb_timer k);

/* ---- queries ---- */
enum tcb_state tcb_state(const struct tcb *t);
size_t tcb_readable(const struct tcb *t);	/* bytes ready for tcb_receive */
size_t tcb_send_room(const struct tcb *t);	/* bytes tcb_send would accept now */
bool tcb_peer_closed(const struct tcb *t);	/* peer's FIN received and in order */
uint32_t tcb_iss(const struct tcb *t);
uint32_t tcb_irs(const struct tcb *t);
/* The 4-tuple, by value: a compact TIME-WAIT record holds it in its IPv4 form only
 * (tcb_tw.c), so there may be no struct tcb_addr to point to. */
struct tcb_addr tcb_addr(const struct tcb *t);
/* The parameters the TCB runs with (the caller's block, unscaled), so that a logger can
 * say which schedule is in force. */
const struct tcb_params *tcb_params_of(const struct tcb *t);

/* RFC 9293 §3.3.1 variables, a snapshot for loggers and tests. */
struct tcb_vars {
	uint32_t iss, snd_una, snd_nxt, snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;
	uint32_t irs, rcv_nxt, rcv_wnd;
	uint16_t eff_mss;	/* bytes we put in one segment */
	uint32_t snd_queued;	/* bytes in the send queue not yet acknowledged */
	uint32_t snd_unsent;	/* of which never sent */
	uint32_t rcv_ready;	/* bytes readable */
	uint32_t rcv_ooo;	/* bytes held out of order */
	uint32_t rtx_inflight;	/* retransmission queue entries */
	uint64_t srtt_us, rttvar_us, rto_us;
	int rtx_count;		/* consecutive timeouts of the current head */
	uint32_t replies_limited;	/* answers suppressed by a rate limit so far */
	uint32_t cwnd, ssthresh;	/* congestion window, slow-start threshold, bytes */
	uint32_t dupacks;		/* duplicate ACKs in a row */
	uint32_t recover;		/* RFC 6582 recovery point (SND.NXT when it began) */
	int cc_phase;			/* 0 open, 1 fast recovery, 2 after an RTO, 3 SACK recovery */
	uint32_t dack_bytes;		/* bytes received and not yet ACKed */
	/* ---- TCP options in force (RFC 7323, RFC 2018) ---- */
	bool ws_ok, ts_ok, sack_ok;	/* agreed by both SYNs */
	uint8_t snd_shift, rcv_shift;	/* Snd.Wind.Shift (the peer's), Rcv.Wind.Shift (ours) */
	uint32_t ts_recent;		/* TS.Recent (RFC 7323 §4.3) */
	uint32_t sacked_bytes;		/* bytes in flight the peer reported by SACK */
};
void tcb_get_vars(const struct tcb *t, struct tcb_vars *v);

/* RFC 9293 §3.10.7.1: the reply (a RST, or nothing) to segment s arriving for no
 * connection (CLOSED). Returns true and fills rst when one must be sent:
 * no ACK bit: <SEQ=0><ACK=SEG.SEQ+SEG.LEN><CTL=RST,ACK>; ACK bit: <SEQ=SEG.ACK><CTL=RST>. */
bool tcb_closed_reply(const struct seg *s, struct seg *rst);

/* ---- SYN cookies (RFC 4987 §3.6; the cookie itself: syncookie.h) ---- */
/* A TCB created directly in ESTABLISHED from the ACK of a cookie SYN+ACK: ISS = the
 * cookie (SND.UNA = SND.NXT = ISS+1), IRS (RCV.NXT = IRS+1), the peer's MSS as decoded
 * from the cookie. Records a TCB_EV_STATE LISTEN -> ESTABLISHED, why TCB_WHY_SYN_COOKIE.
 * The send window is still 0: pass the ACK segment to tcb_input next, which takes its
 * window (SND.WL1 = IRS, so the update rule applies) and any text it carries. */
struct tcb *tcb_accept_cookie(const struct tcb_params *p, const struct tcb_addr *a,
			      uint32_t iss, uint32_t irs, uint16_t mss, uint64_t now,
			      struct tcb_out *o, struct err *e);
/* The stateless SYN+ACK answering syn with ISN iss: <SEQ=ISS><ACK=SYN.SEQ+1>
 * <CTL=SYN,ACK>, our MSS option and window (as a TCB in LISTEN would send). */
void tcb_cookie_synack(const struct tcb_params *p, const struct seg *syn, uint32_t iss,
		       struct seg *synack);

/* RFC 6528 ISN: M (4 us ticks of now) + F(4-tuple, secret), F = SipHash-2-4. */
uint32_t tcb_isn(const uint8_t secret[16], const struct tcb_addr *a, uint64_t now);

#endif
