/* live_rec.h - explain records of a live program's segments and events, one connection at a time. */
#ifndef SYNLAB_LIVE_REC_H
#define SYNLAB_LIVE_REC_H

/*
 * Fills struct explain_rec (explain.h, "WHO FILLS WHAT", live part) from what a live
 * program knows: its own TCB (states, ISS / IRS) and the segments it sends and receives.
 * The records are built by explain_build.c, the builder synlab-explain's tracker uses
 * too, so that live and offline records agree; only the numbering bases (the TCB's
 * ISS / IRS) and the local endpoint's states (the TCB's own) come from here. The peer's
 * state is never guessed into a record (ep[peer].known = false).
 */

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "explain_build.h"
#include "tcb.h"

/* One connection's record state. */
#define LIVE_REC_SENT 8	/* more than a window of held segments a user steps through */

struct live_rec_conn {
	enum explain_who local;		/* this program's side */
	struct explain_build b;		/* records, analysis, inferred states, summary */
	enum tcb_state cur;		/* local state as the records have shown it */
	bool rx_covers;			/* state events of the next tcb_out are the ones
					 * the last received segment's record showed */
	bool saw_time_wait;		/* local state was TIME-WAIT at some point */
	uint64_t tw_since_us;		/* when it entered TIME-WAIT (record time) */
	bool tw_cut;			/* it left TIME-WAIT before the 2MSL timer fired */
	bool irs_known;
	uint32_t irs;
	const struct seg *next_made;	/* live_rec_mark, for the next segment only */
	uint64_t next_held_us;
	/* The latest sends of this side's sequence numbers (a ring): a resend's event says
	 * whether the copy before it waited at the step prompt, and when it reached the wire. */
	struct live_rec_sent {
		uint32_t seq;
		uint64_t held_us, wire_us;	/* wire_us 0: the slot names no copy on the wire */
		bool newer;	/* a resend of seq was made since: that copy is the previous one */
	} sent[LIVE_REC_SENT];
	unsigned sent_next;
};

void live_rec_init(struct live_rec_conn *x, uint32_t id, enum explain_who local,
		   enum tcb_state initial);
void live_rec_free(struct live_rec_conn *x);

/* A segment sent (out) or received on the connection whose TCB is t. For a received one,
 * before/after are the states around tcb_input; for a sent one they are derived (the
 * state change a SYN, FIN or RST carries). Fills r; -1 with e on allocation failure. */
struct live_rec_seg {
	const struct seg *s;
	bool out;
	uint64_t frame, t_us;
	enum tcb_state before, after;	/* received segments only */
	bool copy;			/* out: a copy made on the way (--impair dup), no send */
	uint16_t rtx_why;		/* out: a resend, the TCB's reason (enum tcb_why); 0 */
};
int live_rec_segment(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     struct explain_rec *r, struct err *e);

/* Segment s arrived in frame at t_us but reaches the TCB (and live_rec_segment) later:
 * it waits behind a step decision. Analysed now, in the wire's order
 * (explain_build_arrived). -1 with e on allocation failure. */
int live_rec_arrived(struct live_rec_conn *x, const struct seg *s, uint64_t frame, uint64_t t_us,
		     struct err *e);

/* Marks the next segment live_rec_segment records (then forgotten): made = the segment
 * as the TCB made it when the step prompt edited it (NULL: not edited; it must stay valid
 * until that call), held_us = how long it was held at a step prompt before it was sent or
 * given to the TCB (0: not held). The record then says so (explain_rec.edited, made_seq /
 * made_ack, held_us): resends are detected on the TCB's numbers, and an interval across
 * the hold is not called a round-trip time. The live runtime calls it; without it
 * nothing is said. */
void live_rec_mark(struct live_rec_conn *x, const struct seg *made, uint64_t held_us);

/* The record segment in->s would get if it were logged now, without advancing x (a step
 * front end shows the segment waiting for a decision with its explanation): a scratch
 * copy of x's builder is advanced instead. -1 with e on allocation failure. */
int live_rec_preview(const struct live_rec_conn *x, const struct tcb *t,
		     const struct live_rec_seg *in, struct explain_rec *r, struct err *e);

/* A segment no connection owns (a RST answering a stray segment, or the stray one). */
void live_rec_stray(enum explain_who local, const struct live_rec_seg *in, struct explain_rec *r);

/* An impairment of a segment (sent: in->out) of the connection, with its numbers. */
void live_rec_impair(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     const struct explain_impair *imp, struct explain_rec *r);

/* Whether the STATE events of tcb_out o are shown by segment records: the received
 * segment just recorded (its states were taken around tcb_input), or a SYN / FIN / RST
 * among o's segments. Call once per tcb_out, before its events. */
bool live_rec_covers(struct live_rec_conn *x, const struct tcb_out *o);

/* An event of a tcb_out of TCB t; covers is live_rec_covers() of that tcb_out. *covered
 * tells that r is a STATE event a segment record shows: renderers that print segments
 * may skip it; JSON and the ladder get every record. A timer retransmission's record
 * says how its next wait follows from t's schedule (r->backoff); leaving TIME-WAIT says
 * how long it lasted (r->in_state_us). */
void live_rec_event(struct live_rec_conn *x, const struct tcb *t, const struct tcb_event *v,
		    bool covers, uint64_t frame, uint64_t t_us, struct explain_rec *r,
		    bool *covered);

/* The connection's summary. */
void live_rec_summary(const struct live_rec_conn *x, const struct tcb_addr *a, uint64_t t_us,
		      struct explain_rec *r);

#endif
