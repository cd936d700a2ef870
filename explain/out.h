/* out.h - synlab-explain's outputs: text with prose, -q lines, JSON, ladders, HTML, pcapng (through explain_out.c). */
#ifndef SYNLAB_EXPLAIN_PROG_OUT_H
#define SYNLAB_EXPLAIN_PROG_OUT_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "explain.h"
#include "opts.h"

struct xout;

/* The IPv4 datagram of the segment being fed (for -w), set before each tracker call. */
struct xout_pkt {
	uint64_t frame;
	uint64_t ts_ns;		/* absolute, for the pcapng timestamp */
	const uint8_t *ip;
	size_t iplen;
};

/* Opens the -w file (if any). NULL with e set on failure. */
struct xout *xout_new(const struct xopts *o, struct err *e);
void xout_set_pkt(struct xout *x, const struct xout_pkt *p);
/* One record the filters let through. Returns 0, or -1 with e (write error). */
int xout_record(struct xout *x, const struct explain_rec *r, struct err *e);
/* Ladders, the HTML page, closing the pcapng. Returns 0, or -1 with e. */
int xout_finish(struct xout *x, struct err *e);
void xout_free(struct xout *x);

#endif
