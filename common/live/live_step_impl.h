/* live_step_impl.h - the step stage's inside, shared by its queues (live_step.c) and its commands (live_step_cmd.c). */
#ifndef SYNLAB_LIVE_STEP_IMPL_H
#define SYNLAB_LIVE_STEP_IMPL_H

#include "live_step.h"

/* One queued segment. */
struct step_node {
	struct live_kept k;
	uint8_t *edit_buf;		/* `edit payload` bytes, or NULL */
	uint64_t release_at;		/* `delay MS`: goes on at this wall time */
	struct step_node *next;
};

/* One connection (4-tuple) with a decision pending: its stopped segment first, then
 * whatever it sent or received since. */
struct step_hold {
	struct tcb_addr key;
	struct live_conn *c;		/* referenced; NULL: no connection (yet) */
	struct step_node *head, *tail;
	struct seg before;		/* the head as it stopped: edits are told against it */
	uint64_t since;			/* wall us it stopped */
	struct step_hold *next;		/* oldest first */
};

struct live_step {
	struct live_stage st;
	struct live_step_cfg cfg;
	struct step_hold *holds;
	struct step_node *delayed;	/* `delay MS` segments, in no order */
	unsigned unheld;		/* holds ended so far (a decision shows the next one) */
	bool quit;
};

void live_step_node_free(struct step_node *n);
/* Passes p on in its direction. */
int live_step_pass(struct live_step *x, struct live_pkt *p, struct err *e);
/* After a decision on h's head (removed by the caller): what queued behind it goes on
 * in order until one stops again; h is freed when nothing is left. */
int live_step_drain(struct live_step *x, struct step_hold *h, uint64_t now, struct err *e);
/* The prompt of h's pending decision. */
void live_step_show(struct live_step *x, struct step_hold *h, uint64_t now);
FILE *live_step_file(const struct live_step *x);

#endif
