/* tcb_impl.h - the TCB's inside: struct tcb and the functions the tcb*.c files share. */
#ifndef SYNLAB_TCB_IMPL_H
#define SYNLAB_TCB_IMPL_H

#include <stddef.h>
#include <string.h>

#include "rcvq.h"
#include "rto.h"
#include "seq.h"
#include "sndq.h"
#include "tcb.h"
#include "tcb_cc.h"

#define TCB_RTXQ_MAX 128	/* segments in flight at once (a 65535 window / 536 < 128);
				 * fits struct tcb's uint16_t ring indexes */
#define TCB_DEFAULT_MSS 536	/* RFC 9293 §3.7.1: peer MSS when its SYN has no option */
#define TCB_DEFAULT_MSS6 1220	/* the same over IPv6: 1280 - 60 (RFC 9293 §3.7.1) */
#define TCB_IP6_EXTRA 20	/* an IPv6 header is 20 bytes longer than IPv4's (RFC 8200 §3) */
#define TCB_CHACK_WINDOW_US 1000000	/* RFC 5961 §7 rate-limit interval, us */
#define TCB_TS_OPT_LEN 12	/* NOP NOP + the 10-byte timestamps option (RFC 7323 §3.2) */
#define TCB_WS_MAX 14	/* RFC 7323 §2.3: a larger shift is used as 14 */

/* One transmitted segment awaiting acknowledgment (RFC 9293 §3.8.1). */
struct tcb_rtx_ent {
	uint32_t seq;		/* first sequence number (the SYN's, or the first byte's) */
	uint32_t len;		/* payload bytes */
	uint8_t flags;		/* SEG_SYN / SEG_FIN / SEG_PSH it carries */
	int rtx;		/* retransmissions so far; Karn: no RTT sample when > 0 */
	bool sacked;		/* wholly inside a SACK block of the peer (tcb_sack.c) */
	uint32_t rtx_nxt;	/* SND.NXT at its latest resend: a SACK of data from
				 * there on shows that resend lost too (tcb_board.c) */
	uint64_t first_at;	/* first transmission, us */
	uint64_t last_at;	/* latest transmission, us */
};

/* A timer: fires at `at` (TCB_NEVER = stopped); `set_at` is when it was armed. */
struct tcb_tmr {
	uint64_t at;		/* us */
	uint64_t set_at;	/* us */
};

/* TCP options of one connection (tcb_opts.c, tcb_sack.c): what was agreed and the state
 * timestamps keep (RFC 7323 §2-§5). 16 bytes: every connection carries them
 * (bench/README.md, bytes per connection), so the TSval offset is recomputed rather
 * than stored, TS.Recent's age is kept in seconds, and the recency SACK needs lives in
 * the out-of-order queue (struct rcvq_range, allocated only when one is held). */
struct tcb_optst {
	uint32_t ts_recent;		/* TS.Recent (§4.3) */
	uint32_t ts_recent_s;		/* when TS.Recent was set, s of `now` (PAWS §5.5) */
	uint32_t last_ack_sent;		/* Last.ACK.sent (§4.3) */
	uint8_t snd_shift;		/* Snd.Wind.Shift: the peer's windows << this */
	uint8_t rcv_shift;		/* Rcv.Wind.Shift: our windows >> this */
	bool ws_ok : 1, ts_ok : 1, sack_ok : 1;	/* agreed: both SYNs carried it */
	bool ts_recent_valid : 1;
	bool ws_told : 1;		/* the first scaled window was explained */
};

/* Fields are grouped by meaning but ordered so the compiler adds no padding (the size
 * of struct tcb is the size of every connection: bench/README.md, bytes per connection). */
struct tcb {
	/* ---- identity ---- */
	enum tcb_state state;		/* change only through tcb_set_state(); first, so a
					 * compact TIME-WAIT record (tcb_tw.c) has its mark here
					 * and an IPv4 4-tuple after it, not the 48-byte one */
	struct tcb_addr a;		/* 4-tuple, host byte order */
	const struct tcb_params *p;	/* the caller's block (tcb_new), shared by its TCBs and
					 * NOT scaled: read times and sizes through the tcb_p_*
					 * accessors below, which apply time_scale and the clamps */

	/* ---- send sequence space (RFC 9293 §3.3.1) ---- */
	uint32_t iss;			/* initial send sequence number */
	uint32_t snd_una;		/* oldest unacknowledged seq */
	uint32_t snd_nxt;		/* next seq to send */
	uint32_t snd_wnd;		/* peer's window, bytes */
	uint32_t snd_wl1;		/* SEG.SEQ of the last window update */
	uint32_t snd_wl2;		/* SEG.ACK of the last window update */
	uint32_t max_snd_wnd;		/* largest window the peer offered, bytes (RFC 5961 §5) */
	uint32_t fin_seq;		/* seq of our FIN */
	uint16_t peer_mss;		/* MSS the peer announced (536 if none), bytes */
	bool close_pending;		/* CLOSE called: FIN goes after the queued data */
	bool fin_sent;			/* our FIN occupies seq fin_seq */

	/* ---- receive sequence space ---- */
	bool fin_rcvd;			/* peer's FIN reached in order */
	bool ooo_fin;			/* a FIN arrived out of order at ooo_fin_seq */
	bool passive;			/* opened passively: RST in SYN-RECEIVED -> LISTEN */
	bool syn_timed_out;		/* RFC 6298 §5.7: RTO >= 3 s once established */
	uint32_t irs;			/* initial receive sequence number */
	uint32_t rcv_nxt;		/* next seq expected */
	uint32_t rcv_adv;		/* right edge of the window we announced (seq) */
	uint32_t ooo_fin_seq;

	/* ---- buffers ---- */
	struct sndq sndq;		/* bytes from sndq_seq on (unacked + unsent) */
	struct rcvq rcvq;		/* readable bytes + out-of-order queue */
	struct tcb_rtx_ent *rtx;	/* ring: retransmission queue; allocated when a
					 * segment is in flight, freed when all is acked
					 * (an idle or TIME-WAIT TCB holds none) */
	uint16_t rtx_cap;		/* ring size: 0 or a power of two <= TCB_RTXQ_MAX */
	uint16_t rtx_head, rtx_n;	/* ring index of the oldest entry; entries */

	uint32_t sndq_seq;		/* seq of the first byte in sndq */

	/* ---- timers (RFC 6298, §3.10.8) ---- */
	int rtx_count;			/* consecutive RTO expiries of the head segment */
	struct rto rto;			/* estimator, us */
	struct tcb_tmr tmr[TCB_NTIMERS];	/* indexed by enum tcb_timer */
	int probes;			/* zero-window probes without an answer */
	uint32_t chack_count;		/* challenge ACKs sent in chack_start's window */
	uint32_t replies_limited;	/* answers suppressed (tcb_reply.c) */
	uint64_t persist_iv;		/* current probe interval, us */

	/* ---- RFC 5961 §7 rate limits of our answers (tcb_reply.c) ---- */
	uint64_t chack_start;		/* start of the current one-second window, us */
	uint64_t reply_at;		/* the last answer to a segment not accepted, us;
					 * TCB_NEVER before the first */

	/* ---- congestion control, loss recovery, delayed ACK (tcb_cc.h) ---- */
	struct tcb_cc cc;
	struct tcb_dack dack;
	/* ---- TCP options (tcb_opts.c, tcb_sack.c) ---- */
	struct tcb_optst opt;
};

/* ---- parameters: time_scale and clamps applied on use (tcb.h, struct tcb_params) ---- */

static inline uint64_t tcb_p_time(const struct tcb *t, uint64_t us)
{
	double v = (double)us * tcb_params_time_scale(t->p);

	return v >= 1.8e19 ? UINT64_MAX / 4 : (uint64_t)v;
}
static inline uint64_t tcb_p_rto_init(const struct tcb *t) { return tcb_p_time(t, t->p->rto_init_us); }
static inline uint64_t tcb_p_rto_min(const struct tcb *t) { return tcb_p_time(t, t->p->rto_min_us); }
static inline uint64_t tcb_p_rto_max(const struct tcb *t) { return tcb_p_time(t, t->p->rto_max_us); }
static inline uint64_t tcb_p_msl(const struct tcb *t) { return tcb_p_time(t, t->p->msl_us); }
static inline uint64_t tcb_p_fin_wait_2(const struct tcb *t)
{
	return tcb_p_time(t, t->p->fin_wait_2_us);
}
/* 1..65535 << 14 (RFC 7323 §2.3: shift at most 14), 1..65535 with no_wscale (tcb.h) */
static inline uint32_t tcb_p_rcv_buf(const struct tcb *t)
{
	uint32_t b = t->p->rcv_buf, max = t->p->no_wscale ? 65535 : 65535u << 14;

	return b == 0 ? 65535 : b > max ? max : b;
}
/* The peer's MSS when its SYN has none (RFC 9293 §3.7.1: 536 for IPv4, 1220 for IPv6). */
static inline uint16_t tcb_default_mss(bool v6)
{
	return v6 ? TCB_DEFAULT_MSS6 : TCB_DEFAULT_MSS;
}
/* The MSS we announce and send. --mss is counted for IPv4 (1460 = a 1500-byte MTU - 40);
 * over IPv6 the same MTU holds 20 bytes less (RFC 8200 §8.3: MSS = MTU - 60), so a
 * segment of the announced size still fits the link. */
static inline uint16_t tcb_mss_for(const struct tcb_params *p, bool v6)
{
	if (!p->mss)
		return tcb_default_mss(v6);
	return v6 && p->mss > TCB_IP6_EXTRA ? (uint16_t)(p->mss - TCB_IP6_EXTRA) : p->mss;
}
static inline uint16_t tcb_p_mss(const struct tcb *t)
{
	return tcb_mss_for(t->p, t->a.v6);
}
static inline int tcb_p_nonneg(int n) { return n < 0 ? 0 : n; }


/*
 * The functions the tcb*.c files share, by floor: a file calls only into the floors
 * below its own (and into rto, sndq, rcvq, isn, names), never sideways or up.
 *   1  tcb.c          events of a tcb_out, dropped segments, the effective MSS
 *   2  tcb_stamp.c    options and window field of every segment we send
 *   3  tcb_emit.c     the segments we send: header, ACK, window, into a tcb_out
 *   4  tcb_timer.c    timers as data;  tcb_rtx.c  retransmission queue;
 *      tcb_board.c    the RFC 6675 scoreboard: IsLost, pipe, NextSeg's candidates;
 *      tcb_reply.c    rate-limited answers to segments not accepted
 *   5  tcb_output.c   SYN, data and FIN;  tcb_state.c  the one state change;
 *      tcb_cc.c       congestion control and loss recovery;  tcb_dack.c  delayed ACK;
 *      tcb_opts.c     options received: what the SYNs agree, PAWS, RTTM;
 *      tcb_sack.c     the sender's SACK scoreboard
 *   6  tcb_input.c, tcb_user.c, tcb_timeout.c  the three ways in (segment, user, time);
 *      tcb_life.c     tcb_new / tcb_free, queries
 *   7  tcb_cookie.c   a TCB born ESTABLISHED from a SYN cookie;
 *      tcb_tw.c       compact TIME-WAIT records: the entry points of floors 6-7 hand a
 *                     record to it and run on the full TCB it rebuilds
 */

/* What the sender may keep in flight: min(cwnd, SND.WND) (RFC 5681 §3.1), plus one SMSS
 * for each of the first two duplicate ACKs (Limited Transmit, RFC 3042 §2: new data,
 * cwnd unchanged); the peer's window alone before congestion control starts (cwnd 0). */
static inline uint32_t tcb_send_window(const struct tcb *t, uint16_t smss)
{
	uint32_t c = t->cc.cwnd;

	if (c && t->cc.phase == TCB_CC_OPEN && t->cc.dupacks <= 2)
		c += t->cc.dupacks * smss;
	return c && c < t->snd_wnd ? c : t->snd_wnd;
}

/* ---- 1. tcb.c: events of the tcb_out ---- */
struct tcb_event *tcb_ev(const struct tcb *t, struct tcb_out *o, enum tcb_ev_kind k,
			 enum tcb_why why, uint64_t now);
void tcb_ev_n(struct tcb_event *ev, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3);
void tcb_drop(const struct tcb *t, struct tcb_out *o, enum tcb_why why, uint64_t now,
	      uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3);
uint16_t tcb_eff_mss(const struct tcb *t);

/* ---- 2. tcb_stamp.c: options and window field of the segments we send ---- */
/* Options of a segment we send (called by tcb_emit): SYN offers, TSopt, SACK blocks. */
void tcb_opts_stamp(struct tcb *t, struct seg *s, uint64_t now);
/* Our window in the 16-bit field: >> Rcv.Wind.Shift, never on a SYN. */
uint16_t tcb_opts_win_field(const struct tcb *t, uint32_t wnd, uint8_t flags);
/* The largest window the field can say: 65535 << Rcv.Wind.Shift. */
uint32_t tcb_opts_max_wnd(const struct tcb *t);
/* The smallest shift that lets the field say our whole buffer (RFC 7323 §2.3). */
uint8_t tcb_opts_our_shift(const struct tcb *t);
/* Our timestamp clock at now (RFC 7323 §5.4). */
uint32_t tcb_opts_tsval(const struct tcb *t, uint64_t now);
/* SEG.WND in bytes: the field << Snd.Wind.Shift, never for a SYN (RFC 7323 §2.3). */
uint32_t tcb_opts_seg_wnd(const struct tcb *t, const struct seg *s);
/* Receiver: the blocks of an ACK we send (RFC 2018, most recent first, §4). */
void tcb_sack_blocks(struct tcb *t, struct seg_opts *so, uint32_t len);

/* ---- 3. tcb_emit.c: the segments we send ---- */
uint32_t tcb_rcv_wnd(const struct tcb *t);
bool tcb_rcv_edge_update(struct tcb *t);
void tcb_seg_init(const struct tcb *t, struct seg *s, uint32_t seq, uint8_t flags);
void tcb_emit(struct tcb *t, struct tcb_out *o, const struct seg *s, uint64_t now);
void tcb_send_ack(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_send_rst(struct tcb *t, uint32_t seq, enum tcb_why why, uint64_t now,
		  struct tcb_out *o);

/* ---- 4. tcb_timer.c: timers as data ---- */
void tcb_timer_arm(struct tcb *t, enum tcb_timer k, uint64_t delay, uint64_t now);
void tcb_timer_stop(struct tcb *t, enum tcb_timer k);
void tcb_timers_stop_all(struct tcb *t);
void tcb_rtx_timer_update(struct tcb *t, uint64_t now);
void tcb_persist_update(struct tcb *t, uint64_t now);
uint64_t tcb_time_wait_len(const struct tcb *t);

/* ---- 4. tcb_rtx.c: retransmission queue ---- */
struct tcb_rtx_ent *tcb_rtx_push(struct tcb *t, uint32_t seq, uint32_t len, uint8_t flags,
				 uint64_t now);
struct tcb_rtx_ent *tcb_rtx_first(struct tcb *t);
struct tcb_rtx_ent *tcb_rtx_get(struct tcb *t, unsigned i);
/* Sends (first time or again) the segment of an entry. */
void tcb_rtx_send(struct tcb *t, const struct tcb_rtx_ent *r, uint64_t now,
		  struct tcb_out *o);
/* Removes what SEG.ACK covers; sets *rtt (TCB_NEVER when Karn forbids a sample). */
void tcb_rtx_ack(struct tcb *t, uint32_t ack, uint64_t now, uint64_t *rtt);
/* Resends entry r (one more transmission: Karn, last_at) with a TCB_EV_RETRANSMIT event
 * why, n0 its seq, n1 its seq length, n2 and n3 given; returns the event. */
struct tcb_event *tcb_rtx_resend(struct tcb *t, struct tcb_rtx_ent *r, enum tcb_why why,
				 uint32_t n2, uint32_t n3, uint64_t now, struct tcb_out *o);
uint32_t tcb_rtx_seqlen(const struct tcb_rtx_ent *r);
void tcb_rtx_clear(struct tcb *t);

/* ---- 4. tcb_board.c: the RFC 6675 scoreboard (SACK marks by tcb_sack.c) ---- */
/* One pass over the retransmission queue; indexes are tcb_rtx_get's, -1 = none. */
struct tcb_board {
	uint32_t pipe;			/* SetPipe() (§4), sequence numbers */
	int lost;			/* NextSeg() rule 1: the first un-SACKed segment above
					 * HighRxt that IsLost() (after an RTO: below recover),
					 * or below it whose resend is lost too */
	int rule3;			/* rule 3: the first un-SACKed one above HighRxt below
					 * the highest SACKed segment */
	int rescue;			/* rule 4: the highest un-SACKed segment */
	uint32_t lost_sacked_above;	/* SACKed segments above `lost` */
	uint32_t lost_again_nxt;	/* `lost` was resent and lost again: the SND.NXT
					 * of that resend (data from there on is SACKed);
					 * else 0 */
	uint32_t head_sacked_above;	/* ... above the first unacknowledged segment */
	bool head_lost;			/* IsLost(HighACK + 1) */
};
void tcb_board_scan(const struct tcb *t, struct tcb_board *b);
/* The sender counts pipe, not FlightSize, against cwnd: SACK and in recovery. */
bool tcb_board_on(const struct tcb *t);
/* cwnd - pipe, 0 when pipe fills cwnd. */
uint32_t tcb_board_room(const struct tcb *t);

/* ---- 4. tcb_reply.c: answers to segments not accepted ---- */
/* Drops s (event why with n0..n3) and answers <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>,
 * unless the rate limit suppresses the answer. */
void tcb_reply_ack(struct tcb *t, const struct seg *s, enum tcb_why why, uint64_t now,
		   struct tcb_out *o, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3);
void tcb_challenge_ack(struct tcb *t, enum tcb_why why, uint64_t now, struct tcb_out *o,
		       uint32_t n0, uint32_t n1, uint32_t n2);

/* ---- 5. tcb_output.c: what the TCB sends on its own ---- */
void tcb_send_syn(struct tcb *t, uint64_t now, struct tcb_out *o);
void tcb_output(struct tcb *t, uint64_t now, struct tcb_out *o);
/* RFC 8985 §7.3: one new segment as a tail loss probe, "regardless of" cwnd (the peer's
 * window still bounds it); false when there is none to send. */
bool tcb_output_probe(struct tcb *t, uint64_t now, struct tcb_out *o);

/* ---- 7. tcb_tw.c: compact TIME-WAIT records (tcb_compact, tcb.h) ----
 * The one call upward: each public entry point's first lines (floor 6) hand a record
 * to tcb_tw_begin, run themselves on the full TCB it rebuilds, and store it back with
 * tcb_tw_end; tcb_tw.c calls nothing of floor 6, so no circle. Queries that only read
 * may skip tcb_tw_end (nothing to store). */
#define TCB_TW_MARK ((enum tcb_state)0x7477)	/* "tw": never a real state */
/* A compact record, not a full TCB: its state field holds TCB_TW_MARK (read as bytes:
 * the object may be a struct tcb_tw, not a struct tcb). */
static inline bool tcb_tw_is(const struct tcb *t)
{
	enum tcb_state s;

	memcpy(&s, (const char *)t + offsetof(struct tcb, state), sizeof(s));
	return s == TCB_TW_MARK;
}
struct tcb *tcb_tw_begin(const struct tcb *t, struct tcb *tmp, struct tcb_out *o);
void tcb_tw_end(struct tcb *t, struct tcb *tmp, struct tcb_out *o);
enum tcb_state tcb_tw_state(const struct tcb *t);
uint64_t tcb_tw_deadline(const struct tcb *t);
struct tcb_addr tcb_tw_addr(const struct tcb *t);
/* t itself, or (a record) the full TCB rebuilt in tmp, for reading */
const struct tcb *tcb_full(const struct tcb *t, struct tcb *tmp);

/* ---- 5. tcb_state.c: the one state change, connection set-up ---- */
struct tcb_event *tcb_set_state(struct tcb *t, enum tcb_state to, enum tcb_why why,
				uint64_t now, struct tcb_out *o);
void tcb_reset_conn(struct tcb *t);
uint32_t tcb_choose_iss(const struct tcb *t, uint64_t now);
void tcb_open_windows(struct tcb *t, const struct seg *s);

/* ---- 5. tcb_opts.c: options received: window scale, timestamps, PAWS (RFC 7323) ---- */
/* The peer's SYN (LISTEN, SYN-SENT): what is agreed, TS.Recent; explains it. */
void tcb_opts_take_syn(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);
/* Explains the first window that scaling changes (once per connection). */
void tcb_opts_note_wnd(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);
/* RFC 7323 §5.3 R1 PAWS: false when the segment was dropped (and answered). */
bool tcb_opts_paws(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);
/* RFC 7323 §4.3: TS.Recent from a segment that passed the sequence check. */
void tcb_opts_ts_recent(struct tcb *t, const struct seg *s, uint64_t now);
/* RTTM (RFC 7323 §4.1): a sample in us from the TSecr of an ACK of new data, or
 * TCB_NEVER when the segment has none. */
uint64_t tcb_opts_ts_rtt(const struct tcb *t, const struct seg *s, uint64_t now);

/* ---- 5. tcb_sack.c: the sender's SACK scoreboard (RFC 2018) ---- */
/* Sender: marks queued segments the peer's SACK blocks cover; explains new marks.
 * Returns the bytes newly marked. */
uint32_t tcb_sack_input(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o);
/* Sender, RTO: reneging check and the explanation of SACKed segments kept. */
void tcb_sack_on_rto(struct tcb *t, uint64_t now, struct tcb_out *o);
uint32_t tcb_sack_bytes(const struct tcb *t);

#endif
