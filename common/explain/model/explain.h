/* explain.h - the explanation record model shared by synlab-explain and the live client/server. */
#ifndef SYNLAB_EXPLAIN_H
#define SYNLAB_EXPLAIN_H

/*
 * One struct explain_rec per thing worth explaining. Producers fill records, renderers
 * (text, ladder, HTML, pcapng comments, JSON) only read them. Nothing here does I/O.
 *
 * WHO FILLS WHAT
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

/* "SYN-SENT" etc. as RFC 9293 spells them (same text as tcb_state_name, without
 * linking the state machine). */
const char *explain_state_name(enum tcb_state s);

/* One endpoint's state around this record. */
struct explain_ep {
	bool known;			/* false: this producer cannot tell (peer, live) */
	enum tcb_state before;		/* state before the segment / event */
	enum tcb_state after;		/* state after it */
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
};

#define EXPLAIN_MAX_RTX 16	/* retransmissions remembered in a summary */

/* One retransmission as a summary lists it. */
struct explain_rtx_note {
	uint64_t frame;		/* the retransmission */
	uint64_t of_frame;	/* the original */
	uint64_t after_us;	/* interval since the previous send of this seq */
	int dir;		/* enum explain_dir */
	uint32_t seq;		/* relative */
};

/* Per-connection summary. */
struct explain_summary {
	uint64_t first_frame, last_frame;
	uint64_t nsegs[2];		/* segments per direction (EXPLAIN_C2S / S2C) */
	uint64_t bytes[2];		/* payload bytes per direction, retransmissions included */
	bool has_handshake;		/* SYN, SYN+ACK and ACK all seen */
	uint64_t hs_rtt_us;		/* SYN -> handshake ACK (the client's view) */
	uint64_t hs_syn_synack_us;	/* SYN -> SYN+ACK (wire between capture point & server) */
	bool closed;			/* both FINs seen and acknowledged, or a RST */
	bool reset;			/* ended by a RST */
	int closer;			/* enum explain_who of the first FIN / RST; -1 none */
	int close_segments;		/* 3 (FIN, FIN+ACK, ACK) or 4; 0 when not closed by FINs */
	int time_wait;			/* enum explain_who ending in TIME-WAIT; -1 none */
	enum tcb_state final[2];	/* each endpoint's last inferred state */
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

	/* ---- EVENT ---- */
	struct tcb_event ev;

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
