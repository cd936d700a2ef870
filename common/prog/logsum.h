/* logsum.h - a rate-limited log summariser: a few lines per second per category, then counts. */
#ifndef SYNLAB_LOGSUM_H
#define SYNLAB_LOGSUM_H

/*
 * Under a flood (bad checksums, segments for no connection, challenge ACKs ...) printing
 * one log line per segment would drown the log and slow the program. A logsum keeps one
 * counter per category. In each window (1 s by default) the first `per_window` events of
 * a category may be printed individually (logsum_note returns true); the rest are only
 * counted, and when the window has ended one summary line per category is written:
 *
 *     logsum: 4711 more bad-checksum segments in the last 1.0 s (5000 in all)
 *
 * Usage:
 *     struct logsum ls;
 *     logsum_init(&ls, 10, 1000000);
 *     int bad = logsum_cat(&ls, "bad-checksum");
 *     ...
 *     if (logsum_note(&ls, bad, now, log))
 *             fprintf(log, "...the one line for this segment...\n");
 *     ...
 *     logsum_tick(&ls, now, log);      // now and then: writes summaries of ended windows
 *     logsum_end(&ls, now, log);       // at exit: writes what is still pending
 *
 * Pure apart from writing to the FILE it is given (NULL: count only, write nothing).
 * Time is passed in (us, any monotonic clock). No allocation, no globals.
 */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#define LOGSUM_MAX_CAT 12

struct logsum_cat {
	const char *name;	/* a string literal, e.g. "bad-checksum" */
	uint64_t total;		/* events since logsum_init */
	uint64_t printed;	/* of which logsum_note said "print it" */
	uint32_t in_window;	/* events in the current window */
	uint32_t held;		/* events in the current window not printed individually */
};

struct logsum {
	unsigned per_window;	/* individual lines per category per window */
	uint64_t window_us;
	uint64_t start;		/* current window's start, us */
	bool started;
	unsigned ncat;
	struct logsum_cat cat[LOGSUM_MAX_CAT];
};

/* per_window 0 prints nothing individually (summaries only); window_us 0 means 1 s. */
void logsum_init(struct logsum *ls, unsigned per_window, uint64_t window_us);
/* Adds a category; returns its id, or -1 when LOGSUM_MAX_CAT are in use. */
int logsum_cat(struct logsum *ls, const char *name);
/* Counts one event of category id at now; true when the caller should print its own
 * line for it. Writes summaries of an ended window to f first. A bad id returns false. */
bool logsum_note(struct logsum *ls, int id, uint64_t now, FILE *f);
/* Writes the summaries of the window if it has ended by now. */
void logsum_tick(struct logsum *ls, uint64_t now, FILE *f);
/* Writes the summaries of the current window whether or not it has ended. */
void logsum_end(struct logsum *ls, uint64_t now, FILE *f);
/* Events of category id since logsum_init (0 for a bad id). */
uint64_t logsum_total(const struct logsum *ls, int id);

#endif
