/* explain_analysis.h - tshark's tcp.analysis.* labels for one connection, computed as packet-tcp.c does. */
#ifndef SYNLAB_EXPLAIN_ANALYSIS_H
#define SYNLAB_EXPLAIN_ANALYSIS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "seg.h"

/* Wireshark keeps at most this many unacknowledged segments per direction
 * (TCP_MAX_UNACKED_SEGMENTS); we bound memory the same way. */
#define EXPLAIN_MAX_UNACKED 1000

struct explain_unacked {
	uint64_t frame;
	uint64_t t_us;
	uint64_t first_frame, first_us;	/* the first send of this seq (a resend keeps it) */
	uint64_t gap_us;	/* since the previous send of this seq; 0 for the first */
	uint32_t seq, nextseq;	/* absolute */
	uint16_t sends;		/* sends of this seq so far, this one included */
	uint8_t flags;		/* its SEG_SYN / SEG_FIN */
	bool acked;		/* the other side has acknowledged it: kept (the latest
				 * EXPLAIN_KEEP_ACKED) so that a resend of it is counted */
};

/* Acknowledged segments a direction's list keeps: a resend of one (its ACK was lost, or
 * it answers a repeated SYN) is numbered from its sends, not as a first resend. */
#define EXPLAIN_KEEP_ACKED 2

/* The last segment a direction sent, to recognise an identical copy of it (the same
 * packet captured twice, or duplicated on the way). */
struct explain_last {
	uint64_t frame, t_us;
	uint32_t seq, ack, len;
	uint16_t ip_id, csum, win;
	uint8_t flags;
	bool set;
};

/* One direction's analysis state (Wireshark's tcp_flow_t, the fields the labels use).
 * Sequence numbers are absolute, as packet-tcp.c keeps them; 0 means "not seen". */
struct explain_flow {
	uint32_t base_seq;	/* ISN (or seq - 1 when the SYN was not captured) */
	uint32_t nextseq;	/* highest seq + len (+SYN/FIN) sent */
	uint64_t nextseq_us;
	uint64_t nextseq_frame;
	uint8_t nextseq_flags;	/* SEG_SYN / SEG_FIN of that segment */
	uint32_t maxseqtobeacked;
	uint32_t lastack;	/* last ACK field this side sent */
	uint64_t lastack_us;
	uint64_t lastnondupack;	/* frame of the last ACK that was not a duplicate */
	int dupacknum;
	uint32_t window;	/* last raw window field this side sent */
	int win_scale;		/* -1 unknown, -2 no scaling, else the shift */
	uint32_t lastsegmentflags;	/* EXPLAIN_AF_* of this side's previous segment */
	bool base_set;
	bool window_from_syn;	/* that window came in a SYN (never scaled) */
	uint64_t old_frame;	/* its latest segment, if it held only numbers the other
				 * side had acknowledged and was not answered yet; 0 none */
	uint16_t nual, cap;	/* <= EXPLAIN_MAX_UNACKED (fields ordered to avoid padding) */
	struct explain_unacked *ual;	/* oldest first; NULL until the first one */
	struct explain_last last;
};

/* A copy within this long of an identical segment (same IP ID and TCP checksum, same
 * numbers) is one packet seen twice: no retransmission timer is this fast (Linux's
 * minimum RTO is 200 ms) and a fast retransmit follows duplicate ACKs. */
#define EXPLAIN_DUP_WINDOW_US 1000u
/* Linux's TCP_RTO_MIN: a resend sooner than this was not the retransmission timer. */
#define EXPLAIN_RTO_MIN_US 200000u

struct explain_analysis {
	struct explain_flow fl[2];	/* indexed by the sender's enum explain_who */
	uint64_t mru_syn_us;		/* time of the most recent SYN (no ACK) */
	bool have_mru_syn;
	uint64_t first_rtt_us;		/* SYN -> first pure ACK (ts_first_rtt) */
	bool have_first_rtt;
};

void explain_analysis_init(struct explain_analysis *a);
void explain_analysis_free(struct explain_analysis *a);
/* Frees the unacknowledged-segment lists that hold no unacknowledged segment (a closed
 * connection keeps its analysis state for late segments, not the list's spare capacity). */
void explain_analysis_trim(struct explain_analysis *a);

/* Analyses segment s sent by `from` at frame / t_us. Sets r->analysis and the
 * retransmission (origin, interval, cause), duplicate-copy, duplicate-ACK and acks-frame
 * (first transmission, how often it was sent) inputs of r->why. sent: the live program's
 * own TCB sent it, so it is no copy of the segment before it even with the same bytes.
 * Returns 0, or -1 on allocation failure. */
int explain_analysis_segment(struct explain_analysis *a, enum explain_who from,
			     const struct seg *s, uint64_t frame, uint64_t t_us, bool sent,
			     struct explain_rec *r, struct err *e);

#endif
