/* explain_early.c - a live segment analysed when it arrives, its record built when the TCB takes it later (held behind a step decision). */
#include "explain_build.h"

#include <stdlib.h>
#include <string.h>

/*
 * Why: tshark's analysis (explain_analysis.c) is a function of the wire's order. A live
 * program that holds a received segment at a step prompt gives it to its TCB, and so
 * records it, after segments it sent meanwhile: analysed then, a SYN the client resent
 * three times while the server's SYN+ACK waited at the prompt would be counted against
 * a SYN the SYN+ACK had already acknowledged ("SYN retransmission #1" three times, the
 * first send misnamed). So the held segment is analysed at once, in the wire's order,
 * and what the analysis decided waits here, by frame, for the record.
 */

int explain_build_arrived(struct explain_build *b, enum explain_who from, const struct seg *s,
			  uint64_t frame, uint64_t t_us, struct err *e)
{
	struct explain_rec r;
	struct explain_early *x;

	if (b->nearly == EXPLAIN_MAX_EARLY)
		return 0;
	if (b->nearly == b->early_cap) {
		uint32_t cap = b->early_cap ? 2 * b->early_cap : 8;
		void *p = realloc(b->early, cap * sizeof(*b->early));

		if (!p)
			return err_set(e, "out of memory (segments analysed on arrival)");
		b->early = p;
		b->early_cap = cap;
	}
	x = &b->early[b->nearly];
	memset(&r, 0, sizeof(r));	/* the analysis writes only .analysis and .why */
	x->frame = frame;
	x->prev_ack = b->an.fl[from].lastack;
	if (explain_analysis_segment(&b->an, from, s, frame, t_us, false, &r, e) < 0)
		return -1;
	x->analysis = r.analysis;
	x->why = r.why;
	b->nearly++;
	return 0;
}

bool explain_build_take_early(struct explain_build *b, uint64_t frame, uint32_t *prev_ack,
			      struct explain_rec *r)
{
	for (uint32_t i = 0; i < b->nearly; i++) {
		struct explain_early *x = &b->early[i];

		if (x->frame != frame)
			continue;
		*prev_ack = x->prev_ack;
		r->analysis = x->analysis;
		r->why = x->why;
		b->nearly--;
		memmove(x, x + 1, (b->nearly - i) * sizeof(*x));
		return true;
	}
	return false;
}
