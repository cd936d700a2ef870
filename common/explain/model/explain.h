/* explain.h - the explanation record model shared by synlab-explain and the live client/server. */
#ifndef SYNLAB_EXPLAIN_H
#define SYNLAB_EXPLAIN_H

/*
 * One struct explain_rec per thing worth explaining. Producers fill records, renderers
 * (text, ladder, HTML, pcapng comments, JSON) only read them. Nothing here does I/O.
 *
 * WHO FILLS WHAT
 *
 * Both producers build their SEGMENT and SUMMARY records with explain_build.c (one
 * builder, so the same segment gives the same record live and offline).
 *
 *   Offline (synlab-explain, common/explain/model/explain_track.c + explain_analysis.c):
 *     - EXPLAIN_REC_SEGMENT for every TCP segment read from a capture: frame, t_us, conn,
 *       dir, seg, seq/ack (relative and raw), win/win_scaled, BOTH endpoints' inferred
 *       states before/after (ep[EXPLAIN_CLIENT] and ep[EXPLAIN_SERVER], known = true
 *       once the tracker has seen enough), analysis (tshark's tcp.analysis.* labels),
 *       why (the explanation inputs). ev / impair are unused (kind tells).
 *     - EXPLAIN_REC_SUMMARY once per connection when it ends (or at end of file).
 *     - EXPLAIN_REC_EVENT is not produced offline (no TCB runs); the tracker's inferred
 *       state changes are carried in ep[].before/after of the segment record instead.
 *
 *   Live (synlab-client / synlab-server, one side of the connection):
 *     - EXPLAIN_REC_SEGMENT for every segment sent or received: frame = running count
 *       of segments of this program (1-based), t_us since the program's start,
 *       dir from the point of view of the connection (client->server or back), seg,
 *       seq/ack: relative to the TCB's ISS/IRS (tcb_iss/tcb_irs), ep[local] known with
 *       before/after taken from tcb_state() around tcb_input()/the send;
 *       ep[peer].known = false (a live program cannot see the peer's state).
 *       analysis may stay 0, or be computed by feeding the same segments through
 *       explain_analysis_* (it only needs the segments, in capture order).
 *     - EXPLAIN_REC_EVENT for every struct tcb_event in a tcb_out (copy it into ev,
 *       set who = the local endpoint). The TCB's own reasons (tcb_why) are the
 *       explanation; why.rule is left EXPLAIN_WHY_NONE.
 *     - EXPLAIN_REC_IMPAIR when the impairment engine dropped / delayed / duplicated a
 *       segment (fill seg with the affected segment and impair.*).
 *     - EXPLAIN_REC_SUMMARY at the end, with what the program knows (NaN-free: fields
 *       it does not know stay 0 and their has_* flag false).
 *
 *   Renderers (common/explain/render/: text, prose, ladder, HTML, JSON) must only read the
 *   record and must handle ep[].known == false and every kind.
 *
 * Lifetime: seg.payload points into the producer's buffer and is valid only during
 * the callback that receives the record; copy what you keep.
 */

#include <stdbool.h>
#include <stdint.h>

#include "seg.h"
#include "tcb.h"
#include "tstamp.h"

/* Which kind of record. */
enum explain_kind {
	EXPLAIN_REC_SEGMENT,	/* a TCP segment seen on the wire (or sent / received live) */
	EXPLAIN_REC_EVENT,	/* a TCB event (live programs only) */
	EXPLAIN_REC_IMPAIR,	/* the impairment engine acted on a segment (live only) */
	EXPLAIN_REC_SUMMARY,	/* one connection's summary */
};

/* The two endpoints. The client is the side that sent the first SYN (without ACK).
 * Capture starting mid-connection (no SYN seen): the sender of a SYN+ACK is the
 * server; otherwise the side whose port is higher is the client (ephemeral ports are
 * high), ties broken by the lower IPv4 address being the client. */
enum explain_who {
	EXPLAIN_CLIENT = 0,
	EXPLAIN_SERVER = 1,
};

enum explain_dir {
	EXPLAIN_C2S = 0,	/* client -> server */
	EXPLAIN_S2C = 1,	/* server -> client */
};

/* tshark's tcp.analysis.* labels, one bit each. explain_flag_name() gives the field
 * name after "tcp.analysis." ("retransmission", ...). As in tshark, a fast or spurious
 * retransmission is also a retransmission (tshark adds the expert info
 * tcp.analysis.retransmission to both); EXPLAIN_AF_RETRANSMISSION is set on them too. */
enum explain_flag {
	EXPLAIN_AF_RETRANSMISSION = 1u << 0,
	EXPLAIN_AF_FAST_RETRANSMISSION = 1u << 1,
	EXPLAIN_AF_SPURIOUS_RETRANSMISSION = 1u << 2,
	EXPLAIN_AF_OUT_OF_ORDER = 1u << 3,
	EXPLAIN_AF_LOST_SEGMENT = 1u << 4,	/* "previous segment not captured" */
	EXPLAIN_AF_ACK_LOST_SEGMENT = 1u << 5,	/* "ACKed unseen segment" */
	EXPLAIN_AF_DUPLICATE_ACK = 1u << 6,
	EXPLAIN_AF_ZERO_WINDOW = 1u << 7,
	EXPLAIN_AF_ZERO_WINDOW_PROBE = 1u << 8,
	EXPLAIN_AF_ZERO_WINDOW_PROBE_ACK = 1u << 9,
	EXPLAIN_AF_WINDOW_FULL = 1u << 10,
	EXPLAIN_AF_WINDOW_UPDATE = 1u << 11,
	EXPLAIN_AF_KEEP_ALIVE = 1u << 12,
	EXPLAIN_AF_KEEP_ALIVE_ACK = 1u << 13,
	EXPLAIN_AF_REUSED_PORTS = 1u << 14,
};
#define EXPLAIN_AF_COUNT 15

/* "retransmission" for EXPLAIN_AF_RETRANSMISSION; NULL for a value that is not one bit. */
const char *explain_flag_name(uint32_t bit);

/* "SYN-SENT" etc.: tcb_state_name()'s text, "INVALID" for an out-of-range value. */
const char *explain_state_name(enum tcb_state s);

#define EXPLAIN_MAX_VIA 3	/* states one record can pass through between before and after */

/* One endpoint's state around this record. Offline, an endpoint may pass through more
 * than one transition on one record (its segment shows it received a FIN and it sends
 * its own FIN: ESTABLISHED -> CLOSE-WAIT -> LAST-ACK): the states in between are via[]. */
struct explain_ep {
	bool known;			/* false: this producer cannot tell (peer, live) */
	enum tcb_state before;		/* state before the segment / event */
	enum tcb_state after;		/* state after it */
	uint8_t nvia;			/* states in via[] (0: before -> after directly) */
	enum tcb_state via[EXPLAIN_MAX_VIA];	/* before -> via[0] -> ... -> after */
};

/* The rule that explains a segment (the explanation inputs). Stable identifiers;
 * explain_why_name() gives "handshake_syn" etc. for JSON and tables. */
enum explain_why {
	EXPLAIN_WHY_NONE,
	EXPLAIN_WHY_SYN,		/* 1st handshake segment: client opens (§3.5) */
	EXPLAIN_WHY_SYN_ACK,		/* 2nd: server's SYN + ACK of the client's ISN+1 */
	EXPLAIN_WHY_HANDSHAKE_ACK,	/* 3rd: client ACKs the server's ISN+1 */
	EXPLAIN_WHY_DATA,		/* carries new payload */
	EXPLAIN_WHY_ACK,		/* pure ACK of received data */
	EXPLAIN_WHY_FIN,		/* first FIN of the connection: active close (§3.6) */
	EXPLAIN_WHY_FIN_REPLY,		/* the other side's FIN: passive close */
	EXPLAIN_WHY_FIN_ACK,		/* the last ACK, of the second FIN */
	EXPLAIN_WHY_RST,		/* reset (§3.5.2) */
	EXPLAIN_WHY_SIMULTANEOUS,	/* simultaneous open or close */
	EXPLAIN_WHY_OTHER,
	EXPLAIN_WHY_COUNT
};
const char *explain_why_name(enum explain_why w);

/* Inputs for the sentence that explains a segment record. All sequence numbers in
 * here are relative (Wireshark-style, see explain_rec.seq). */
struct explain_why_in {
	enum explain_why rule;
	uint32_t seq_next;		/* seq + len (+1 SYN, +1 FIN): what the peer will ACK */
	uint32_t bytes_acked;		/* bytes (SYN/FIN count 1) this ACK newly acknowledges */
	uint64_t acks_frame;		/* frame whose data this ACK fully acknowledges, 0 none */
	uint64_t ack_rtt_us;		/* time since that frame (tcp.analysis.ack_rtt) */
	uint64_t rtx_of_frame;		/* retransmission: frame first sending this seq */
	uint64_t rtx_after_us;		/* retransmission: time since the previous send */
	uint32_t rtx_count;		/* retransmission: 1 = first resend of this seq */
	uint32_t dupack_num;		/* duplicate ACK: #n (tcp.analysis.duplicate_ack_num) */
	uint64_t dupack_of_frame;	/* duplicate ACK: the original ACK's frame */

	/* Causes, decided from the record only (explain_analysis.c, explain_infer.c). */
	uint8_t rtx_cause;		/* enum explain_rtx_cause, for a retransmission */
	uint8_t rtx_orig_flags;		/* SEG_SYN / SEG_FIN of the first send of this seq */
	uint64_t rtx_prev_gap_us;	/* the interval before the previous send, 0 none */
	uint64_t rtx_prev_frame;	/* the previous send (the latest copy) */
	uint64_t dup_of_frame;		/* identical copy (IP ID, checksum, numbers) of it */
	uint64_t dup_after_us;		/* ... this long after it */
	bool dup_no_id;			/* ... with IP ID 0 or over IPv6 (no IP ID): the same
					 * bytes do not prove a copy; a resend at once looks so */
	uint32_t acks_sends;		/* times the acknowledged segment was sent (>1: Karn) */
	bool ack_base_unknown;		/* the first ACK of a capture begun mid-stream */
	bool zero_window_probe;		/* keep-alive form sent into the receiver's zero window */
	uint8_t drop;			/* enum explain_drop: the receiver must drop this segment */
	uint8_t rst;			/* enum explain_rst: what the RST's receiver does with it */
	uint8_t rst_form;		/* 1: SEQ = the sender's SND.NXT, an ABORT (§3.10.5);
					 * 2: another seq, not its own abort (made by hand) */
	uint64_t challenge_of_frame;	/* this ACK answers that frame's RST / SYN (RFC 5961) */
	uint64_t reack_of_frame;	/* this duplicate ACK answers that frame, whose sequence
					 * numbers were all acknowledged already (§3.10.7.4) */
	uint16_t tcb_rtx_why;		/* live: a resend, and its sender's TCB said why
					 * (enum tcb_why of its RETRANSMIT event); 0 unknown */

	/* Segments made or edited by hand (explain_build.c decides these from the record). */
	uint32_t seq_ahead;		/* no sequence space, and its seq runs this far ahead
					 * of everything its sender sent (SND.NXT): made by hand */
	bool not_resent;		/* tshark's retransmission label only follows such a
					 * seq: no earlier segment used this seq, no resend */
	uint32_t ack_unsent;		/* its ACK runs this far beyond everything the receiver
					 * was seen sending: data never sent (§3.10.7.4) */
	uint64_t unsent_of_frame;	/* this ACK answers that frame's ACK of unsent data */
	uint64_t acked_ahead_frame;	/* first send of numbers that frame's ACK of unsent
					 * data already covered: no resend, not received */
	bool acks_syn;			/* not a SYN, its first ACK: it acknowledges the peer's
					 * SYN (completes the handshake when the client's, §3.5) */
	uint8_t tw_reack;		/* 1: a FIN resent to an end in TIME-WAIT that ACKed it;
					 * 2: that end's ACK of it again (restarts 2MSL) */
	uint64_t tw_fin_frame;		/* tw_reack 2: the resent FIN's frame */
	uint64_t ack_rtt_held_us;	/* of ack_rtt_us, time segments spent held at a step
					 * prompt (live: from explain_rec.held_us) */
};

/* Why the same sequence numbers were sent again (explain_analysis.c decides it from the
 * intervals and the duplicate ACKs the capture shows). */
enum explain_rtx_cause {
	EXPLAIN_RTX_UNKNOWN,	/* too soon for a timer, no 3 duplicate ACKs: not visible */
	EXPLAIN_RTX_TIMER,	/* >= 200 ms (the minimum RTO) and consistent with backoff */
	EXPLAIN_RTX_FAST,	/* after >= 3 duplicate ACKs (RFC 5681 §3.2) */
	EXPLAIN_RTX_DUPLICATE,	/* an identical copy within 1 ms: captured or duplicated twice */
	EXPLAIN_RTX_REUSE,	/* not a copy: another control flag on the same number */
	EXPLAIN_RTX_SAME_BYTES,	/* identical within 1 ms, but IP ID 0 (or IPv6: none): a copy
				 * or the same segment sent again, the bytes cannot tell */
};

/* "unknown", "timer", "fast", "duplicate", "reuse", "same_bytes" (JSON). */
const char *explain_rtx_cause_name(uint8_t c);

/* Segments the receiver must drop (RFC 9293 §3.10.7.4), from what it has shown. */
enum explain_drop {
	EXPLAIN_DROP_NONE,
	EXPLAIN_DROP_NO_ACK,	/* fifth check: no ACK bit after the SYN exchange */
	EXPLAIN_DROP_OLD,	/* first check: every number already acknowledged by the receiver */
};

/* What the receiver of a RST does with it, by its state (RFC 9293 §3.10.7.x, RFC 5961). */
enum explain_rst {
	EXPLAIN_RST_NONE,
	EXPLAIN_RST_CLOSED_IGNORE,	/* §3.10.7.1: no connection, a RST is discarded */
	EXPLAIN_RST_LISTEN_IGNORE,	/* §3.10.7.2 */
	EXPLAIN_RST_SYN_SENT_ACCEPT,	/* §3.10.7.3: its ACK acknowledges our SYN: refused */
	EXPLAIN_RST_SYN_SENT_DROP,	/* §3.10.7.3: no acceptable ACK: dropped */
	EXPLAIN_RST_ACCEPT,		/* §3.10.7.4 / RFC 5961 §3.2: seq exactly RCV.NXT */
	EXPLAIN_RST_CHALLENGE,		/* in the window but not exact: challenge ACK */
	EXPLAIN_RST_OUT_OF_WINDOW,	/* outside the window: dropped */
	EXPLAIN_RST_TIME_WAIT,		/* TIME-WAIT: ends it (RFC 1337 protection off) */
};

/* Impairment engine note (live only). */
enum explain_impair_act {
	EXPLAIN_IMP_DROP,
	EXPLAIN_IMP_DELAY,
	EXPLAIN_IMP_DUPLICATE,
	EXPLAIN_IMP_REORDER,
	EXPLAIN_IMP_CORRUPT,
};
struct explain_impair {
	enum explain_impair_act act;
	uint64_t delay_us;		/* for DELAY / REORDER */
	char rule[64];			/* the rule that matched, as the user wrote it */
	/* delay_us is the wall time the segment is held. At --time-scale other than 1 that
	 * is the rule's (or prompt's) time scaled like every timer: rule_us is the value
	 * before scaling (0: no scaling, rule_us is delay_us), so the text can say both. */
	uint64_t rule_us;
};

/* How the wait before a timer retransmission's next try (tcb_event.rto_us) follows from
 * the schedule the TCB runs with (tcb.h, "Retransmission schedules"). Live records fill
 * it from the TCB's parameters; anything else leaves it UNKNOWN, and the prose then makes
 * no claim about the schedule. */
enum explain_backoff {
	EXPLAIN_BACKOFF_UNKNOWN,
	EXPLAIN_BACKOFF_DOUBLES,	/* RFC 6298 §5.5: twice the last wait */
	EXPLAIN_BACKOFF_LINEAR,		/* a SYN in its linear phase: the same wait again */
	EXPLAIN_BACKOFF_MAX,		/* doubling reached rto_max and stays there */
};

#define EXPLAIN_MAX_RTX 16	/* retransmissions remembered in a summary */

/* One retransmission as a summary lists it. */
struct explain_rtx_note {
	uint64_t frame;		/* the retransmission */
	uint64_t of_frame;	/* the original */
	uint64_t after_us;	/* interval since the previous send of this seq */
	int dir;		/* enum explain_dir */
	uint32_t seq;		/* relative */
	uint8_t cause;		/* enum explain_rtx_cause */
};

/* Per-connection summary. */
struct explain_summary {
	uint64_t first_frame, last_frame;
	uint64_t nsegs[2];		/* segments per direction (EXPLAIN_C2S / S2C) */
	uint64_t bytes[2];		/* payload bytes per direction, retransmissions included */
	bool has_handshake;		/* SYN, SYN+ACK and ACK all seen */
	uint64_t hs_rtt_us;		/* SYN -> handshake ACK (the client's view) */
	uint64_t hs_syn_synack_us;	/* SYN -> SYN+ACK (wire between capture point & server) */
	uint64_t hs_held_us;		/* of hs_rtt_us, time held at a step prompt (live) */
	bool closed;			/* both FINs seen and acknowledged, or a RST */
	bool reset;			/* ended by a RST */
	int closer;			/* who sent the RST when reset, else the first FIN; -1 none */
	int close_segments;		/* 3 (FIN, FIN+ACK, ACK) or 4; 0 when not closed by FINs */
	bool sim_close;			/* the FINs crossed: neither side had the other's */
	int time_wait;			/* enum explain_who ending in TIME-WAIT; -1 none */
	bool time_wait_cut;		/* live: it left TIME-WAIT before 2MSL had passed */
	enum tcb_state final[2];	/* each endpoint's last inferred state */
	bool final_unknown[2];		/* that endpoint never sent a segment: state not shown */
	uint32_t nrtx;			/* retransmissions (any kind) */
	struct explain_rtx_note rtx[EXPLAIN_MAX_RTX];	/* the first EXPLAIN_MAX_RTX of them */
};

/* The record. Which groups are meaningful depends on kind (marked). */
struct explain_rec {
	enum explain_kind kind;
	uint64_t frame;			/* 1-based frame number in the capture (all kinds) */
	uint64_t t_us;			/* microseconds since the first frame / program start */
	struct tstamp ts;		/* offline: the exact time since the first frame at the
					 * file's resolution (may be negative when the clock
					 * stepped back); ts.digits 0 = not set: use t_us */
	uint32_t conn;			/* 1-based connection number (tcp.stream + 1) */
	enum explain_dir dir;		/* SEGMENT, IMPAIR */
	enum explain_who who;		/* EVENT: whose TCB; SEGMENT: the sender */

	/* ---- SEGMENT / IMPAIR ---- */
	struct seg seg;			/* the segment as parsed; seg.seq/ack are absolute */
	uint32_t seq;			/* relative to the sender's ISN (SYN = 0, data from 1) */
	uint32_t ack;			/* relative to the receiver's ISN; 0 without ACK */
	uint32_t seq_raw, ack_raw;	/* = seg.seq / seg.ack (tcp.seq_raw, tcp.ack_raw) */
	uint32_t len;			/* payload bytes (tcp.len) */
	uint32_t win;			/* raw window field (tcp.window_size_value) */
	int64_t win_scaled;		/* window in bytes (tcp.window_size); -1 unknown scale */
	struct explain_ep ep[2];	/* indexed by enum explain_who */
	uint32_t analysis;		/* EXPLAIN_AF_* bits */
	struct explain_why_in why;	/* explanation inputs */
	bool new_conn;			/* first record of a connection (SYN or mid-stream) */
	/* Live only, filled by the live runtime (0 / false elsewhere: nothing is said). */
	uint64_t held_us;		/* held this long at a step prompt before it was sent
					 * or given to the TCB: its wire times include that */
	bool edited;			/* changed at the step prompt after the TCB made it */
	uint32_t made_seq, made_ack;	/* edited: the TCB's own numbers (relative) */

	/* ---- EVENT ---- */
	struct tcb_event ev;
	enum explain_backoff backoff;	/* RETRANSMIT by the timer (live) */
	uint32_t linear_retries;	/* LINEAR: how many retries the linear phase lasts */
	uint64_t in_state_us;		/* STATE out of TIME-WAIT (live): time spent in it */
	uint32_t held_out;		/* RETRANSMIT (live): this side's segments still held
					 * at the step prompt, not yet on the wire */
	uint64_t prev_held_us;		/* RETRANSMIT (live): the copy before it waited this
					 * long at the step prompt, 0 none (--step-clock run) */
	uint64_t prev_wire_us;		/* ... and reached the wire this long before the event */

	/* ---- IMPAIR ---- */
	struct explain_impair impair;

	/* ---- SUMMARY ---- */
	struct explain_summary sum;
};

/* The retransmission note of segment record r (its frame, origin, interval, direction). */
static inline struct explain_rtx_note explain_rtx_note_of(const struct explain_rec *r)
{
	struct explain_rtx_note n = { 0 };

	n.frame = r->frame;
	n.of_frame = r->why.rtx_of_frame;
	n.after_us = r->why.rtx_after_us;
	n.dir = r->dir;
	n.seq = r->seq;
	n.cause = !r->why.dup_of_frame ? r->why.rtx_cause
		  : r->why.dup_no_id   ? EXPLAIN_RTX_SAME_BYTES : EXPLAIN_RTX_DUPLICATE;
	return n;
}

/* The callback through which producers hand records to a renderer / writer. Returns 0,
 * or -1 with e filled to stop the producer. */
typedef int (*explain_sink_fn)(void *ctx, const struct explain_rec *r, struct err *e);

/* Time from `then` to `now`, 0 when the capture steps back: frames stamped on several
 * CPUs can be out of order by a microsecond or so (seen on a veth), so a plain unsigned
 * difference would wrap to ~584,000 years. Use it for every interval that is shown or
 * that decides something about the connection's life (idle, linger). */
static inline uint64_t explain_since_us(uint64_t now, uint64_t then)
{
	return now > then ? now - then : 0;
}

#endif
