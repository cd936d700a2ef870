/* pcapr_int.h - the capture reader's state shared by its pcap and pcapng parts; not part of the API. */
#ifndef SYNLAB_PCAPR_INT_H
#define SYNLAB_PCAPR_INT_H

#include <stdio.h>

#include "pcapr.h"

#define PCAPR_MAX_RECORD (64u << 20)	/* bytes: a larger record is a damaged file */

/* One pcapng interface (Interface Description Block). */
struct pcapr_if {
	int linktype;
	uint32_t snaplen;	/* 0 = none */
	unsigned tsres;		/* exponent: one unit is 10^-tsres or 2^-tsres seconds */
	int tspow2;
	int64_t tsoffset;	/* if_tsoffset: seconds added to every stamp */
};

struct pcapr {
	FILE *f;
	bool ng;		/* pcapng, else pcap */
	bool swap;		/* the file's byte order differs from the reader's (pcap) or
				 * the section is big-endian (pcapng: see get32) */
	uint64_t off;		/* byte offset of the next record / block */
	uint64_t fsize;		/* 0 when unknown (not a regular file) */
	uint64_t frame;		/* packet records handed out */
	uint64_t skipped[PCAPR_NSKIP];
	uint8_t *buf;		/* the current record */
	size_t bufcap;
	/* pcap */
	int linktype;
	unsigned tsdigits;	/* 6 (microsecond magic) or 9 (nanosecond) */
	/* pcapng: interfaces of the current section */
	struct pcapr_if *ifs;
	size_t nifs, capifs;
	int first_linktype;	/* -1 until an interface is seen */
};

/* A frame as a format part found it. */
struct pcapr_raw {
	struct tstamp ts;
	uint32_t caplen, wirelen;
	const uint8_t *data;
	int linktype;
	uint32_t iface;
};

/* Reads exactly n bytes at the current position into dst. 0, or -1 with e: "cut"
 * (what says which record) or a read error. */
int pcapr_read(struct pcapr *r, void *dst, size_t n, const char *what, struct err *e);

/* Grows r->buf to n bytes. 0, or -1 with e. */
int pcapr_reserve(struct pcapr *r, size_t n, struct err *e);

/* The "file cut inside record N" error for a record starting at byte off needing n bytes. */
int pcapr_cut(struct pcapr *r, uint64_t off, size_t need, struct err *e);

int pcapr_pcap_header(struct pcapr *r, const uint8_t h[24], struct err *e);
int pcapr_pcap_next(struct pcapr *r, struct pcapr_raw *raw, struct err *e);
int pcapr_ng_next(struct pcapr *r, struct pcapr_raw *raw, struct err *e);

#endif
