/* explain_build.h - the one builder of explain records: a segment of one connection into a struct explain_rec. */
#ifndef SYNLAB_EXPLAIN_BUILD_H
#define SYNLAB_EXPLAIN_BUILD_H

/*
 * Both producers of explain records go through here, so that a segment explained live
 * and the same segment explained offline from a capture are the same record:
 *
 *   synlab-explain (explain_track.c)  one struct explain_build per tracked connection;
 *                                     relative numbers from Wireshark's bases (the ISNs
 *                                     as the analysis saw them).
 *   the live programs (live_rec.c)    one per connection of the program; relative
 *                                     numbers from the TCB's ISS / IRS; the local
 *                                     endpoint's states from the TCB overwrite ep[].
 *
 * For each segment the builder runs tshark's analysis (explain_analysis), the relative
 * arithmetic, the inferred states and the explaining rule (explain_infer), and keeps the
 * connection's summary counters; explain_build_summary turns them into the summary.
 * Nothing here does I/O.
 */

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "explain_analysis.h"
#include "explain_infer.h"
#include "seg.h"

#define EXPLAIN_MAX_HOLDS 16	/* step-prompt holds remembered per connection (the latest) */

/* A segment held at a step prompt: the hold ended at end_us and lasted dur_us. */
struct explain_hold {
	uint64_t end_us, dur_us;
};

/* A received segment analysed on arrival, whose record is built later (explain_early.c). */
struct explain_early {
	uint64_t frame;
	uint32_t prev_ack;		/* the sender's ACK field before this segment */
	uint32_t analysis;		/* explain_rec.analysis */
	struct explain_why_in why;	/* what the analysis set of explain_rec.why */
};
/* Kept per connection at most; beyond, a held segment is analysed when it is recorded,
 * as before (a flood queued behind one decision). */
#define EXPLAIN_MAX_EARLY 1024u

/* One connection's record state. The retransmission list lives out of line (NULL until
 * the first retransmission): most connections never need it, and the offline tracker
 * holds tens of thousands of connections. */
struct explain_build {
	uint32_t conn;			/* 1-based connection number in records */
	bool started;			/* inf initialised by the first segment */
	bool have_syn, have_synack;	/* most recent SYN, and a SYN+ACK after it */
	bool has_handshake;		/* SYN, SYN+ACK and the handshake ACK seen */
	uint32_t nrtx;
	uint64_t first_frame, last_frame;
	uint64_t nsegs[2], bytes[2];	/* per enum explain_dir */
	uint64_t syn_us, hs_rtt_us, hs_syn_synack_us, hs_held_us;
	struct explain_rtx_note *rtx;	/* EXPLAIN_MAX_RTX entries once allocated */
	struct explain_hold *holds;	/* EXPLAIN_MAX_HOLDS step-prompt holds, once one is seen */
	uint32_t nholds;
	uint64_t unsent_frame[2];	/* per sender: its last ACK of unsent data, 0 none */
	uint64_t tw_fin_frame[2];	/* per receiver: a FIN resent to it in TIME-WAIT */
	struct explain_early *early;	/* analysed on arrival, not yet recorded; NULL none */
	uint32_t nearly, early_cap;
	struct explain_analysis an;
	struct explain_infer inf;
};

void explain_build_init(struct explain_build *b, uint32_t conn);
void explain_build_free(struct explain_build *b);
/* dst becomes an independent copy of src (its lists duplicated): a scratch builder that
 * can be advanced and freed without touching src (a preview of the next segment).
 * -1 with e on allocation failure (dst then holds nothing to free). */
int explain_build_clone(struct explain_build *dst, const struct explain_build *src,
			struct err *e);
/* A closed connection keeps its state for late segments, not its spare lists. */
void explain_build_trim(struct explain_build *b);

/* Where a segment's relative numbers count from. */
struct explain_bases {
	uint32_t seq;		/* the sender's ISN */
	uint32_t ack;		/* the receiver's ISN */
	bool ack_known;		/* false: the ACK field stays raw (receiver's ISN not known) */
};

/* One segment of the connection. */
struct explain_seg_in {
	const struct seg *s;
	enum explain_who from;		/* its sender */
	uint64_t frame, t_us;
	/* NULL: Wireshark's bases (tcp.seq, tcp.ack), each side's base_seq once the
	 * analysis has seen this segment. */
	const struct explain_bases *bases;
	bool reused_ports;		/* a new SYN on the ports of an earlier connection */
	/* Live only. made: the segment as the TCB made it, when the step prompt edited it
	 * (s is what went on the wire); resend detection follows the TCB's numbers, so an
	 * edit does not turn later segments into "retransmissions". NULL: not edited. */
	const struct seg *made;
	uint64_t held_us;		/* held at a step prompt this long (explain_rec.held_us) */
	uint64_t hold_end_us;		/* when the hold ended, on t_us's clock */
	/* Live only: a send of this program's own TCB. Never called a copy of the segment
	 * before it: the TCB made each one (a resend may repeat an earlier send's bytes
	 * exactly: the same IP ID 0, timestamp and checksum within one millisecond). */
	bool sent;
};

/* Fills r (a SEGMENT record, zeroed first) for in->s and advances the connection: the
 * analysis labels, relative numbers, what the ACK newly acknowledges, both endpoints'
 * inferred states and the rule that explains it, the summary counters. -1 with e on
 * allocation failure. */
int explain_build_segment(struct explain_build *b, const struct explain_seg_in *in,
			  struct explain_rec *r, struct err *e);

/* Live only: segment s, received from `from` in frame at t_us, is analysed now, in the
 * wire's order, because the TCB takes it (and explain_build_segment records it) later:
 * it waits behind a step decision. That record then takes what was decided here
 * (tshark's labels, resend numbering, duplicate ACKs) instead of analysing it among the
 * segments sent meanwhile. -1 with e on allocation failure. */
int explain_build_arrived(struct explain_build *b, enum explain_who from, const struct seg *s,
			  uint64_t frame, uint64_t t_us, struct err *e);
/* The analysis of frame made by explain_build_arrived, into r (.analysis, .why) and
 * *prev_ack (the sender's ACK field before it); forgotten then. false: none kept. */
bool explain_build_take_early(struct explain_build *b, uint64_t frame, uint32_t *prev_ack,
			      struct explain_rec *r);

/* Only the numbers of r (seq/ack relative and raw, len, window, seq_next) for segment s
 * sent by `from`, without advancing anything (an impairment note of a segment). */
void explain_build_numbers(const struct explain_build *b, enum explain_who from,
			   const struct seg *s, const struct explain_bases *bases,
			   struct explain_rec *r);

/* The connection's SUMMARY record as its segments tell it (r zeroed first): counters,
 * handshake timing, retransmissions, who closed first and how, and for both endpoints
 * the inferred final state once what was captured has arrived (explain_infer_summary:
 * sum.final; ep[] known only for an end that sent a segment) and which one is in
 * TIME-WAIT. A producer that knows an endpoint better (live: its own TCB) overwrites
 * those. The addresses (seg) are the caller's to fill. */
void explain_build_summary(const struct explain_build *b, uint64_t t_us, struct explain_rec *r);

/* r zeroed, with its kind, frame, time and connection number. */
void explain_build_head(struct explain_rec *r, enum explain_kind k, uint64_t frame,
			uint64_t t_us, uint32_t conn);

#endif
