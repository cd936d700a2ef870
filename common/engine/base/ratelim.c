/* ratelim.c - a fixed-window rate limiter (RST replies, per-second log budgets). */
#include "ratelim.h"

#include <string.h>

void ratelim_init(struct ratelim *r, uint32_t limit, uint64_t window_us)
{
	memset(r, 0, sizeof(*r));
	r->limit = limit;
	r->window_us = window_us ? window_us : 1;
}

bool ratelim_allow(struct ratelim *r, uint64_t now)
{
	if (!r->started || now < r->start || now - r->start >= r->window_us) {
		/* a new window; keep alignment so bursts cannot straddle two budgets freely */
		if (r->started && now >= r->start)
			r->start += (now - r->start) / r->window_us * r->window_us;
		else
			r->start = now;
		r->started = true;
		r->used = 0;
	}
	if (r->limit && r->used >= r->limit) {
		r->denied++;
		return false;
	}
	r->used++;
	return true;
}
