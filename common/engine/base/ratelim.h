/* ratelim.h - a fixed-window rate limiter: at most N events per window (e.g. RSTs per second). */
#ifndef SYNLAB_RATELIM_H
#define SYNLAB_RATELIM_H

#include <stdbool.h>
#include <stdint.h>

/* Pure: the caller passes the time. A limit of 0 means "no limit". */
struct ratelim {
	uint32_t limit;		/* events allowed per window; 0 = unlimited */
	uint64_t window_us;	/* window length, us (1 s for "per second") */
	uint64_t start;		/* start of the current window, us */
	uint32_t used;		/* events allowed in the current window */
	uint64_t denied;	/* events refused since ratelim_init */
	bool started;
};

void ratelim_init(struct ratelim *r, uint32_t limit, uint64_t window_us);
/* True when one more event may happen at `now` (and counts it); false when the window's
 * budget is spent (counted in denied). Windows are aligned to the first event. */
bool ratelim_allow(struct ratelim *r, uint64_t now);

#endif
