/* impair_queue.c - segments held by delay and reorder verdicts, and when each is due. */
#include "impair.h"

#include <string.h>

int impair_hold(struct impair *im, const struct impair_verdict *v, uint64_t token,
		struct err *e)
{
	struct impair_held *h;

	if (v->action != IMPAIR_DELAY && v->action != IMPAIR_REORDER)
		return err_set(e, "impair: only delayed or reordered segments are held");
	if (im->nhold >= IMPAIR_HOLD_MAX)
		return err_set(e, "impair: %d segments already held", IMPAIR_HOLD_MAX);
	h = &im->hold[im->nhold++];
	memset(h, 0, sizeof(*h));
	h->token = token;
	h->dir = v->dir;
	h->action = v->action;
	h->rule = v->rule;
	h->held_at = v->at;
	h->due = v->until;
	h->order = ++im->order;
	return 0;
}

void impair_release(struct impair *im, enum impair_dir dir, uint64_t now)
{
	for (unsigned i = 0; i < im->nhold; i++) {
		struct impair_held *h = &im->hold[i];

		if (h->action != IMPAIR_REORDER || h->dir != dir || h->released || h->due <= now)
			continue;	/* a reorder hold whose max hold ran out stays timed out */
		h->released = true;
		h->due = now;
		h->order = ++im->order;
	}
}

/* Index of the held segment that comes out first, or -1 when none is held. */
static int first_held(const struct impair *im)
{
	int best = -1;

	for (unsigned i = 0; i < im->nhold; i++) {
		const struct impair_held *h = &im->hold[i], *b = best < 0 ? NULL : &im->hold[best];

		if (!b || h->due < b->due || (h->due == b->due && h->order < b->order))
			best = (int)i;
	}
	return best;
}

bool impair_due(struct impair *im, uint64_t now, struct impair_held *out)
{
	int i = first_held(im);

	if (i < 0 || im->hold[i].due > now)
		return false;
	*out = im->hold[i];
	im->hold[i] = im->hold[--im->nhold];
	if (out->action == IMPAIR_REORDER && !out->released)
		out->timed_out = true;
	/* It passes now: reorder holds of its direction come out right after it. */
	impair_release(im, out->dir, out->due);
	return true;
}

uint64_t impair_deadline(const struct impair *im)
{
	int i = first_held(im);

	return i < 0 ? IMPAIR_NEVER : im->hold[i].due;
}

unsigned impair_pending(const struct impair *im)
{
	return im->nhold;
}
