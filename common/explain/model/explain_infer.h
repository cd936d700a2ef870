/* explain_infer.h - infers both endpoints' RFC 9293 states from the segments a capture shows. */
#ifndef SYNLAB_EXPLAIN_INFER_H
#define SYNLAB_EXPLAIN_INFER_H

#include <stdbool.h>
#include <stdint.h>

#include "explain.h"
#include "seg.h"
#include "tcb.h"

/* What the capture has shown of one connection's endpoints. Relative numbers. */
struct explain_infer {
	enum tcb_state st[2];		/* indexed by enum explain_who */
	bool syn_sent[2];
	bool fin_sent[2];
	uint32_t fin_end[2];		/* relative seq after the FIN */
	bool fin_acked[2];
	int first_fin;			/* who sent the first FIN, -1 none */
	bool ack_between_fins;		/* first FIN acked by a segment before the 2nd FIN */
	bool reset;
	int reset_by;
};

/* Starting states for a connection whose first captured segment is s from `from`:
 * SYN -> client CLOSED, server LISTEN; SYN+ACK -> client SYN-SENT, server SYN-RECEIVED
 * (the SYN was not captured); anything else -> both ESTABLISHED (mid-connection). */
void explain_infer_init(struct explain_infer *in, const struct seg *s);

/* Applies segment s sent by `from` (seq/ack relative) to both endpoints, RFC 9293
 * §3.10.7: first the sender's transition on sending, then the receiver's on arrival.
 * Fills r->ep[] and r->why.rule. */
void explain_infer_segment(struct explain_infer *in, enum explain_who from,
			   const struct seg *s, uint32_t rseq, uint32_t rack,
			   struct explain_rec *r);

#endif
