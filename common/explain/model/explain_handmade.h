/* explain_handmade.h - what the builder notes of segments made, edited or held by hand (step prompt, --manual). */
#ifndef SYNLAB_EXPLAIN_HANDMADE_H
#define SYNLAB_EXPLAIN_HANDMADE_H

/*
 * Internal to explain_build.c. A hand-made segment breaks the readings that assume the
 * sender's TCB made it: a pure ACK whose seq runs ahead of everything sent is no sign of
 * a lost segment, the FIN after it no resend; an ACK beyond what the receiver sent
 * acknowledges nothing received. Time spent at a step prompt is in the wire times, so an
 * interval across it is no round-trip time. All decided from the builder's own state.
 */

#include <stdint.h>

#include "err.h"
#include "explain_build.h"

/* Remembers that a segment was held held_us at a step prompt until end_us (0: not held). */
int explain_handmade_hold(struct explain_build *b, uint64_t end_us, uint64_t held_us,
			  struct err *e);

/* Time within [from_us, to_us] that segments spent held at a step prompt. */
uint64_t explain_handmade_held(const struct explain_build *b, uint64_t from_us, uint64_t to_us);

/* r of an edited segment (in->made set): the TCB's own numbers, relative like r's. */
void explain_handmade_edited(const struct explain_build *b, const struct explain_seg_in *in,
			     struct explain_rec *r);

/* Before the inference takes s (r's numbers and analysis filled): seq_ahead, not_resent,
 * ack_unsent / unsent_of_frame, acks_syn, tw_reack, ack_rtt_held_us. */
void explain_handmade_before(struct explain_build *b, enum explain_who from,
			     const struct seg *s, struct explain_rec *r);

/* After the inference: undoes its readings that a hand-made ACK misled (a first send
 * taken for an old duplicate). */
void explain_handmade_after(struct explain_rec *r);

#endif
