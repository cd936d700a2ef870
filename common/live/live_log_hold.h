/* live_log_hold.h - pcapng -w: the packets that wait for their records' prose (their frame comments), in wire order. */
#ifndef SYNLAB_LIVE_LOG_HOLD_H
#define SYNLAB_LIVE_LOG_HOLD_H

/*
 * A pcapng frame is written once, with its comment: the prose of its segment's record.
 * That record usually follows its packet at once, but not always: a segment a delay
 * rule or a step decision held is explained when it is released, after packets that
 * arrived later. So packets wait here in the order they crossed the wire; a record gives
 * the comment of its own frame (found by number), and every packet at the front that has
 * its comment is handed out to be written. A packet whose record never comes is written
 * bare once LIVE_LOG_HOLD packets wait behind it, or at the end: the file keeps wire
 * order and every comment that came in time. This file only keeps copies; the log
 * (live_log_out.c) writes what it hands out.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define LIVE_LOG_HOLD 16	/* packets waiting at most (a held segment's record later
				 * than 16 packets gets none) */

struct live_log_held {
	uint8_t *pkt;		/* IP datagram (malloc'ed, cap bytes, reused) */
	size_t len, cap;
	uint64_t mono_us, frame;
	char *comment;		/* malloc'ed, NULL: its record has not come */
};

struct live_log_hold {
	struct live_log_held h[LIVE_LOG_HOLD];
	size_t head, n;
};

/* Keeps a copy of packet frame: 0, or -1 when the hold is full (pop one with any first)
 * or out of memory (nothing kept: the caller writes the packet bare at once). */
int live_log_hold_push(struct live_log_hold *q, uint64_t frame, uint64_t mono_us,
		       const uint8_t *ip, size_t len);
/* The comment of frame: false when no held packet is that frame (written already, or
 * never captured), or it has one already, or out of memory. */
bool live_log_hold_comment(struct live_log_hold *q, uint64_t frame, const char *prose);
/* The oldest packet, if it has its comment (or all: any): true and *out, which is the
 * caller's until the next call. */
bool live_log_hold_pop(struct live_log_hold *q, bool any, struct live_log_held *out);
/* Frees the copies (after popping what should be written), and out's. */
void live_log_hold_free(struct live_log_hold *q, struct live_log_held *out);

#endif
