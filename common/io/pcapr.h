/* pcapr.h - reads pcap and pcapng files (libpcap) and hands out the IPv4 bytes of each frame. */
#ifndef SYNLAB_PCAPR_H
#define SYNLAB_PCAPR_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

struct pcapr;	/* opaque; pcapr_open / pcapr_close */

/* Why a frame gave no IPv4 bytes (PCAPR_OK when it did). */
enum pcapr_skip {
	PCAPR_OK,
	PCAPR_NOT_IPV4,		/* ARP, IPv6, other link protocol */
	PCAPR_SHORT,		/* frame shorter than its link or IPv4 header */
	PCAPR_SNAPPED,		/* captured length below the IPv4 total length */
	PCAPR_NSKIP
};

/* One frame. data/ip point into libpcap's buffer: valid until the next pcapr_next. */
struct pcapr_pkt {
	uint64_t frame;		/* 1-based, counts every frame (as tshark's frame.number) */
	uint64_t ts_us;		/* capture timestamp, microseconds since the epoch */
	uint32_t caplen, wirelen;	/* bytes captured / bytes on the wire */
	const uint8_t *data;	/* the whole frame */
	enum pcapr_skip skip;
	const uint8_t *ip;	/* IPv4 header onwards, trimmed to the IPv4 total length */
	size_t iplen;
};

/* Opens a pcap or pcapng file. Refuses, with a one-line reason: missing or unreadable
 * file, empty file, text, random bytes (no pcap/pcapng magic), and a link type other than
 * Ethernet (incl. one 802.1Q tag), Linux cooked v1/v2, raw IPv4, BSD loopback. */
struct pcapr *pcapr_open(const char *path, struct err *e);

/* Next frame: 1 and *p filled, 0 at a clean end of file, -1 on a read error (e says
 * where: a file cut inside record N at byte offset B). */
int pcapr_next(struct pcapr *r, struct pcapr_pkt *p, struct err *e);

/* Link type name as libpcap spells it ("EN10MB"). */
const char *pcapr_linktype(const struct pcapr *r);

/* Frames skipped so far for reason s. */
uint64_t pcapr_skipped(const struct pcapr *r, enum pcapr_skip s);

void pcapr_close(struct pcapr *r);

/* Decodes one frame of link type dlt into its IPv4 bytes (exposed for unit tests).
 * Returns PCAPR_OK and sets *ip / *iplen, or the reason it is skipped. */
enum pcapr_skip pcapr_link_ipv4(int dlt, const uint8_t *d, size_t caplen, size_t wirelen,
				const uint8_t **ip, size_t *iplen);

/* Whether dlt is one pcapr decodes. */
int pcapr_dlt_supported(int dlt);

#endif
