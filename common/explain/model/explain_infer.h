/* explain_infer.h - infers both endpoints' RFC 9293 states from the segments a capture shows. */
#ifndef SYNLAB_EXPLAIN_INFER_H
#define SYNLAB_EXPLAIN_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include "explain.h"
#include "seg.h"
#include "tcb.h"

/*
 * THE VANTAGE POINT. A capture shows when a segment passed the capture point, not when
 * the far end received it: two FINs can cross, a RST can be refused. So an endpoint's
 * state moves
 *   - on its own segments (it sends SYN, FIN or RST: §3.10.1, §3.10.4, §3.10.5), and
 *   - when its own segments show what it received: its ACK field covers the other
 *     side's SYN / FIN, or a segment whose ACK covered its own SYN / FIN (every segment
 *     carries the cumulative ACK, so a later one stands for the earlier ones), or it
 *     sends something it could only send in a later state (no SYN after SYN-RECEIVED).
 * What an endpoint never shows (the final ACK reaching LAST-ACK, an accepted RST) is
 * applied when the connection ends (explain_infer_summary), as the RFC would process it.
 */

/* What the capture shows of one endpoint; all numbers relative (the ISN is 0). */
struct explain_side {
	enum tcb_state st;
	bool known;		/* a segment of its own has shown its state */
	bool syn_sent, syn_acked, fin_sent, fin_acked;
	bool syn_seen;		/* the capture has its SYN (its relative numbers are exact) */
	bool fin_rcvd;		/* it has shown it processed the other side's FIN */
	bool have_ack;		/* it has sent an ACK field (shown_ack valid) */
	uint32_t fin_seq;	/* its FIN's sequence number */
	uint32_t snd_nxt;	/* highest seq + seqlen it sent */
	uint32_t snd_nxt_before;	/* snd_nxt before its latest segment */
	uint32_t shown_ack;	/* highest ACK field it sent */
	int64_t win;		/* its last window in bytes, -1 unknown */
	/* the other side's segments this one has not shown it received */
	bool syn_in, syncover_in, fincover_in, fin_in, rst_in;
	bool rst_out;		/* it sent a RST in ABORT form: closed unless it sends again */
	uint32_t syncover_seq;	/* the other side's snd_nxt before the first segment whose
				 * ACK covered our SYN: an ACK beyond it shows that arrived */
	uint32_t fincover_seq;	/* ... our FIN */
	bool syncover_pure, fincover_pure;	/* that segment was a pure ACK (no answer due) */
	uint64_t syncover_frame;
	uint32_t rst_seq;
	uint8_t rst_verdict;	/* enum explain_rst */
	uint64_t rst_frame, syn_frame;
};

struct explain_infer {
	struct explain_side sd[2];	/* indexed by enum explain_who */
	int first_fin;			/* who sent the first FIN, -1 none */
	int close_kind;			/* 3, 4, or 2 = crossed FINs; 0 unknown */
	bool acked_first_fin;		/* the first FIN was ACKed before the second FIN */
	bool reset;
	int reset_by;
};

/* Starting states for a connection whose first captured segment is s:
 * SYN -> client CLOSED (its SYN makes it SYN-SENT), server LISTEN not yet shown;
 * SYN+ACK -> client SYN-SENT, server LISTEN with the client's SYN taken as received;
 * anything else -> both ESTABLISHED (capture begun mid-connection). */
void explain_infer_init(struct explain_infer *in, const struct seg *s);

/* Applies segment s sent by `from` (seq/ack relative; r->win_scaled filled). Fills r->ep[],
 * r->why.rule, .bytes_acked, .ack_base_unknown, .drop, .rst, .challenge_of_frame,
 * .zero_window_probe. */
void explain_infer_segment(struct explain_infer *in, enum explain_who from,
			   const struct seg *s, uint32_t rseq, uint32_t rack,
			   struct explain_rec *r);

/* The states once everything captured has arrived (what no later segment can show is
 * processed as the RFC says): for "has the connection closed" and the summary. */
void explain_infer_presumed(const struct explain_infer *in, enum tcb_state st[2]);

/* The summary fields the inference decides: closer, reset, closed, close_segments,
 * sim_close, time_wait, final[], final_unknown[]. */
void explain_infer_summary(const struct explain_infer *in, struct explain_summary *m);

#endif
