/* helper_explain_recs.h - synthetic explain records of whole connections, and their packet bytes, for tests. */
#ifndef SYNLAB_HELPER_EXPLAIN_RECS_H
#define SYNLAB_HELPER_EXPLAIN_RECS_H

#include <stddef.h>
#include <stdint.h>

#include "explain.h"

#define HELPER_CLIENT_ISN 3851210777u
#define HELPER_SERVER_ISN 1737444621u

/* The scenarios. Each fills out[] (at most cap records) in capture order and returns the
 * count; payloads point at string literals. The connection's records end with its
 * EXPLAIN_REC_SUMMARY. */
enum helper_scenario {
	HELPER_HANDSHAKE,	/* SYN, SYN+ACK, ACK */
	HELPER_ECHO_CLOSE4,	/* seed 003: "Just a test.\r\n", "Server: ...", four-segment close */
	HELPER_CLOSE3,		/* client FIN, server FIN+ACK (piggybacked), client ACK */
	HELPER_SERVER_FIRST,	/* seed 001: the server sends the first FIN */
	HELPER_LIVE_DROP,	/* live server: its SYN+ACK dropped, timer, retransmission #1 */
	HELPER_NSCENARIOS
};

extern const char *const helper_scenario_name[HELPER_NSCENARIOS];

size_t helper_scenario(enum helper_scenario sc, struct explain_rec *out, size_t cap);

/* IPv4+TCP bytes of a SEGMENT / IMPAIR record (from r->seg), with correct checksums.
 * Test-only: the codec (seg_build) lives on another branch; tshark checks these sums. */
size_t helper_packet(const struct explain_rec *r, uint8_t *buf, size_t cap);

#endif
