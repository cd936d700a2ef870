/* explain_track.h - follows every TCP connection in a capture and emits explain_rec records. */
#ifndef SYNLAB_EXPLAIN_TRACK_H
#define SYNLAB_EXPLAIN_TRACK_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "seg.h"

/* Limits that keep memory proportional to the open connections, not to the file. */
struct explain_track_opts {
	size_t max_conns;	/* table size; the least recently active is evicted beyond */
	uint64_t linger_us;	/* a closed connection is kept this long for late segments */
	uint64_t idle_us;	/* an open connection silent this long is dropped; 0 never */
};

/* 65536 connections, linger 240 s (2 x MSL of RFC 9293 §3.4.2), idle 0: an open
 * connection is only evicted when the table is full (tshark never splits a connection
 * in two, and a keep-alive connection may rightly be quiet for 2 hours, or a capture's
 * clock jump hours ahead). */
void explain_track_opts_default(struct explain_track_opts *o);

struct explain_track;

/* Records go to sink(ctx, rec): a SEGMENT record per segment, and a SUMMARY record when a
 * connection leaves the table: closed (both ends CLOSED or TIME-WAIT once what was
 * captured has arrived) and quiet for linger_us, silent for idle_us, evicted, replaced by
 * a new one on the same ports, or at explain_track_finish. So the summary comes after
 * every frame of its connection and counts them all. */
struct explain_track *explain_track_new(const struct explain_track_opts *o, explain_sink_fn sink,
					void *ctx, struct err *e);

/* One segment; t_us since the capture's first frame, frames in capture order (t_us may
 * step back a little: intervals then count as 0, never as a huge idle time).
 * Returns 0, or -1 (allocation failure or the sink's error). */
int explain_track_segment(struct explain_track *t, uint64_t frame, uint64_t t_us,
			  const struct seg *s, struct err *e);

/* The same with the exact time since the first frame (kept in the record's ts; t_us is
 * its microseconds, 0 when negative). */
int explain_track_segment_at(struct explain_track *t, uint64_t frame, const struct tstamp *ts,
			     const struct seg *s, struct err *e);

/* Summaries of every connection not yet summarised (end of input). */
int explain_track_finish(struct explain_track *t, struct err *e);

size_t explain_track_nopen(const struct explain_track *t);	/* connections held */
uint32_t explain_track_nconns(const struct explain_track *t);	/* connections seen */

void explain_track_free(struct explain_track *t);

#endif
