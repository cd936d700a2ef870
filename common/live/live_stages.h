/* live_stages.h - the stages of the live pipeline, from the wire up: wire, capture, impair, step, deliver. */
#ifndef SYNLAB_LIVE_STAGES_H
#define SYNLAB_LIVE_STAGES_H

#include "impair.h"
#include "live_pipe.h"

/* ---- wire (live_wire.c): the raw socket and the capture; the bottom stage ---- */
struct live_wire_stats {
	uint64_t sent, received, bad_csum, unparsed, rst_sent;
};
struct live_wire {
	struct live_stage st;
	struct wire w;
	uint8_t txbuf[SEG_IP_MAX];	/* the last segment sent, as bytes */
	struct live_wire_stats n;
};
void live_wire_push(struct live_pipe *pp, struct live_wire *ws);
/* Takes one received packet, if any, and passes it up: 1 taken, 0 none, -1 error. */
int live_wire_poll(struct live_wire *ws, struct err *e);

/* ---- capture (live_capture.c): every packet that crosses the wire becomes a frame of
 * the log and of -w; a sent segment also gets its record ---- */
struct live_capture {
	struct live_stage st;
};
void live_capture_push(struct live_pipe *pp, struct live_capture *cs);

/* ---- impair (live_impair.c): the rules, in both directions; holds delayed segments ---- */
struct live_impair;
/* NULL (e clear) when there are no rules: no stage is needed. */
struct live_impair *live_impair_push(struct live_pipe *pp, struct impair *im, struct err *e);

/* ---- deliver (live_deliver.c): the top; received segments wait here for the program ---- */
struct live_deliver;
struct live_deliver *live_deliver_push(struct live_pipe *pp, struct err *e);
/* The oldest delivered segment, valid until the next call; false when none. */
bool live_deliver_take(struct live_deliver *d, struct live_pkt *p);
bool live_deliver_pending(const struct live_deliver *d);

#endif
