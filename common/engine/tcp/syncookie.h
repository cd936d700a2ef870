/* syncookie.h - SYN cookies (RFC 4987 §3.6): a stateless SYN+ACK ISN that encodes a MAC, a time counter and the MSS. */
#ifndef SYNLAB_SYNCOOKIE_H
#define SYNLAB_SYNCOOKIE_H

/*
 * When the half-open backlog is full a server may answer a SYN without keeping any state:
 * the ISN of its SYN+ACK is a "cookie" laid out as RFC 4987 §3.6 describes (after
 * D. J. Bernstein's original):
 *
 *     bits 31..27  t mod 32, t = now / SYNCOOKIE_PERIOD_US (a 64 s counter)
 *     bits 26..24  index of the MSS in syncookie_mss_table (the largest entry <= the
 *                  peer's MSS)
 *     bits 23..0   MAC = SipHash-2-4(secret; local addr, local port, remote addr,
 *                  remote port, the peer's ISN, t, MSS index), low 24 bits
 *
 * The peer's ACK then carries ACK = cookie + 1 and SEQ = its ISN + 1, so the server
 * recomputes the MAC and, when it matches for the current or the previous counter value
 * (the cookie is valid 64..128 s, like Linux's two-minute window), creates the connection
 * directly in ESTABLISHED (tcb_accept_cookie). What the cookie cannot carry is lost, as
 * with Linux without timestamps: window scaling, SACK-permitted (synlab ignores both).
 *
 * Pure: the secret and the time are passed in. Forging a cookie takes 2^24 guesses per
 * try on average.
 */

#include <stdbool.h>
#include <stdint.h>

#include "tcb.h"

#define SYNCOOKIE_PERIOD_US 64000000ull	/* one counter step: 64 s */
#define SYNCOOKIE_NMSS 8

/* MSS values a cookie can carry, ascending (index = 3-bit field). */
extern const uint16_t syncookie_mss_table[SYNCOOKIE_NMSS];

/* The ISN for a SYN from a->raddr:rport whose seq is irs and MSS option mss (0: none,
 * i.e. 536) at time now (us). */
uint32_t syncookie_make(const uint8_t secret[16], const struct tcb_addr *a, uint32_t irs,
			uint16_t mss, uint64_t now);

/* Checks the cookie iss (= SEG.ACK - 1) of an ACK with irs = SEG.SEQ - 1 at time now.
 * True when it is genuine and not stale; *mss gets the encoded MSS. */
bool syncookie_check(const uint8_t secret[16], const struct tcb_addr *a, uint32_t irs,
		     uint32_t iss, uint64_t now, uint16_t *mss);

#endif
