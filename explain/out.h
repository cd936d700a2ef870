/* out.h - synlab-explain's outputs: text with prose, -q lines, JSON, ladders, HTML, pcapng (through explain_out.c). */
#ifndef SYNLAB_EXPLAIN_PROG_OUT_H
#define SYNLAB_EXPLAIN_PROG_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "opts.h"

struct xout;

/* The IP datagram of the segment being fed (for -w), set before each tracker call. */
struct xout_pkt {
	uint64_t frame;
	uint64_t ts_ns;		/* absolute, for the pcapng timestamp */
	const uint8_t *ip;
	size_t iplen;		/* bytes captured */
	size_t ipwire;		/* the datagram's length on the wire (>= iplen) */
};

/* Opens the -w file (if any). NULL with e set on failure. */
struct xout *xout_new(const struct xopts *o, struct err *e);
void xout_set_pkt(struct xout *x, const struct xout_pkt *p);
/* One record the filters let through. Returns 0, or -1 with e (write error). */
int xout_record(struct xout *x, const struct explain_rec *r, struct err *e);
/* A frame that gave no TCP segment to explain: a "skipped" record with its reason in
 * text, -q and --json (not with --summary or a connection filter: the totals say it). */
struct xout_skip {
	uint64_t frame;
	struct tstamp t;	/* since the first frame */
	const char *reason;
};
int xout_skip(struct xout *x, const struct xout_skip *k, struct err *e);

/* What the file held besides explained segments, printed at the end in every format
 * when any frame was skipped or any payload was cut. */
struct xout_totals {
	uint64_t frames, segments;
	uint64_t not_ip, short_or_cut, not_tcp;	/* skipped frames, by reason */
	uint64_t cut_segments, cut_bytes;	/* segments whose payload the snaplen cut */
};
int xout_totals(struct xout *x, const struct xout_totals *t, struct err *e);

/* Ladders, the HTML page (which says what t counts as skipped or cut), closing the
 * pcapng. Returns 0, or -1 with e. */
int xout_finish(struct xout *x, const struct xout_totals *t, struct err *e);
void xout_free(struct xout *x);

#endif
