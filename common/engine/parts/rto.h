/* rto.h - RFC 6298 retransmission timeout estimator (SRTT, RTTVAR, RTO, backoff). */
#ifndef SYNLAB_RTO_H
#define SYNLAB_RTO_H

#include <stdbool.h>
#include <stdint.h>

/* All times in microseconds. */
struct rto {
	uint64_t srtt;		/* smoothed RTT, us (valid when has_sample) */
	uint64_t rttvar;	/* RTT variation, us */
	uint64_t rto;		/* current timeout including backoff, us */
	uint64_t min, max;	/* clamps, us */
	bool has_sample;	/* a first measurement was taken (RFC 6298 §2.2) */
	unsigned backoffs;	/* doublings since the last sample */
};

/* RFC 6298 §2.1: RTO = init until the first measurement. */
void rto_init(struct rto *r, uint64_t init, uint64_t min, uint64_t max);
/* RFC 6298 §2.2 / §2.3 with K = 4, G = 1 us; result clamped to [min, max] (§2.4, §2.5).
 * Callers apply Karn's rule: never pass samples from retransmitted segments. */
void rto_sample(struct rto *r, uint64_t rtt);
/* RFC 6298 §5.5: RTO = min(2 x RTO, max). */
void rto_backoff(struct rto *r);
/* RFC 6298 §5.7: after a SYN timed out, at least 3 s (scaled) once data flows. */
void rto_floor(struct rto *r, uint64_t floor);
/* RFC 6298 §5.7 when the handshake gave no RTT sample (Karn): RTO "MUST be
 * re-initialized to 3 seconds" (v), the SYN's backoff forgotten (Linux: TCP_TIMEOUT_FALLBACK
 * in tcp_init_transfer); with a sample it is rto_floor. */
void rto_syn_fallback(struct rto *r, uint64_t v);

#endif
