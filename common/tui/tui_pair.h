/* tui_pair.h - one record per segment for the view when one process runs both ends: each end's log records of the same segment joined, in order. */
#ifndef SYNLAB_TUI_PAIR_H
#define SYNLAB_TUI_PAIR_H

/*
 * A program that runs the client and the server (synlab-duo) logs every segment twice:
 * the sender's record and, once it arrived, the receiver's. The view wants one arrow per
 * segment with both endpoints' states (tui.h). tui_pair joins them:
 *
 *   - the two SEGMENT records of one segment (same direction, flags, raw seq and ack,
 *     length) become one: the client's record (its frame numbers are those of a -w
 *     capture made at the client end) with the server's state around the segment
 *     (ep[EXPLAIN_SERVER]) taken from the server's record, so both ep[] are known;
 *   - a segment only one end logged (dropped before the wire, lost, or not yet arrived)
 *     keeps its one record once max_wait_us has passed since it was put, or at a flush;
 *   - IMPAIR records, shown EVENT records and the client's SUMMARY pass as they are; the
 *     server's SUMMARY and records of no connection (conn 0) are left out;
 *   - the order is the order the first record of each segment was put: a record waits
 *     behind an older segment that still waits for its other half.
 *
 * Pure: no clock of its own (times are passed in), no I/O.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "explain.h"
#include "explain_present.h"

#define TUI_PAIR_MAX 64		/* records waiting at once; beyond, the oldest is lost
				 * (counted): take after every put */

struct tui_pair_ent {
	struct explain_rec r;
	bool have[2];		/* which ends' records are in it (EXPLAIN_CLIENT/SERVER) */
	bool whole;		/* nothing more to wait for */
	uint64_t put_us;
	uint8_t pay[EXPLAIN_STREAM_HEAD];	/* the first payload bytes (quoted by the prose) */
};

struct tui_pair {
	uint64_t max_wait_us;
	struct tui_pair_ent q[TUI_PAIR_MAX];
	size_t head, n;
	uint32_t conn;		/* the number all records given out carry */
	size_t lost;		/* records pushed out unseen (never with regular takes) */
	uint8_t out_pay[EXPLAIN_STREAM_HEAD];
};

void tui_pair_init(struct tui_pair *p, uint64_t max_wait_us);
/* A record of the log of end `from` (shown: the log shows it in its text, false for a
 * STATE event a segment's record already tells), at time now_us. Payload bytes are not
 * kept beyond the first EXPLAIN_STREAM_HEAD bytes (what the prose quotes). */
void tui_pair_put(struct tui_pair *p, enum explain_who from, const struct explain_rec *r,
		  bool shown, uint64_t now_us);
/* The next record for the view: 1 with *out, 0 when none is ready. force: do not wait
 * for missing halves (the end of a run). out's payload (up to EXPLAIN_STREAM_HEAD bytes)
 * stays valid until the next take. */
int tui_pair_take(struct tui_pair *p, uint64_t now_us, bool force, struct explain_rec *out);
/* Records waiting. */
size_t tui_pair_waiting(const struct tui_pair *p);

#endif
