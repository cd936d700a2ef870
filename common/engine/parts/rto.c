/* rto.c - RFC 6298 retransmission timeout estimator. */
#include "rto.h"

static uint64_t rto_clamp(const struct rto *r, uint64_t v)
{
	if (v < r->min)
		return r->min;
	if (v > r->max)
		return r->max;
	return v;
}

void rto_init(struct rto *r, uint64_t init, uint64_t min, uint64_t max)
{
	r->srtt = 0;
	r->rttvar = 0;
	r->min = min;
	r->max = max < min ? min : max;
	r->has_sample = false;
	r->backoffs = 0;
	r->rto = rto_clamp(r, init);
}

void rto_sample(struct rto *r, uint64_t rtt)
{
	uint64_t k_var;

	if (!r->has_sample) {
		/* §2.2: SRTT <- R, RTTVAR <- R/2 */
		r->srtt = rtt;
		r->rttvar = rtt / 2;
		r->has_sample = true;
	} else {
		/* §2.3: RTTVAR <- 3/4 RTTVAR + 1/4 |SRTT - R'|, then SRTT <- 7/8 SRTT + 1/8 R' */
		uint64_t diff = r->srtt > rtt ? r->srtt - rtt : rtt - r->srtt;

		r->rttvar = (3 * r->rttvar + diff) / 4;
		r->srtt = (7 * r->srtt + rtt) / 8;
	}
	/* RTO <- SRTT + max(G, K*RTTVAR), G = 1 us (our clock's granularity) */
	k_var = 4 * r->rttvar;
	r->rto = rto_clamp(r, r->srtt + (k_var > 1 ? k_var : 1));
	r->backoffs = 0;
}

void rto_backoff(struct rto *r)
{
	r->rto = rto_clamp(r, r->rto > r->max / 2 ? r->max : 2 * r->rto);
	r->backoffs++;
}

void rto_floor(struct rto *r, uint64_t floor)
{
	if (r->rto < floor)
		r->rto = rto_clamp(r, floor);
}

void rto_syn_fallback(struct rto *r, uint64_t v)
{
	if (r->has_sample) {
		rto_floor(r, v);
		return;
	}
	r->rto = rto_clamp(r, v);	/* down from a backed-off 8 s too: a fresh start */
	r->backoffs = 0;
}
