/* pcapr.h - reads pcap and pcapng files (its own reader) and hands out the IP bytes of each frame. */
#ifndef SYNLAB_PCAPR_H
#define SYNLAB_PCAPR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "tstamp.h"

struct pcapr;	/* opaque; pcapr_open / pcapr_close */

/* Why a frame gave no IP bytes (PCAPR_OK when it did); pcapr_pkt.why says it in words. */
enum pcapr_skip {
	PCAPR_OK,
	PCAPR_NOT_IP,		/* ARP, LLDP, another link protocol or link type */
	PCAPR_SHORT,		/* the frame ends inside its link or IP header, or its IP
				 * length does not fit the frame on the wire */
	PCAPR_SNAPPED,		/* the capture (snaplen) cut the link or IP header */
	PCAPR_NSKIP
};
#define PCAPR_NOT_IPV4 PCAPR_NOT_IP	/* the old name */

#define PCAPR_WHY 128

/* One frame. data/ip point into the reader's buffer: valid until the next pcapr_next. */
struct pcapr_pkt {
	uint64_t frame;		/* 1-based, counts every packet record (tshark's frame.number) */
	struct tstamp ts;	/* capture time, exact, at the file's (interface's) resolution */
	uint64_t ts_us;		/* the same in microseconds since the epoch (rounded down) */
	uint32_t caplen, wirelen;	/* bytes captured / bytes on the wire */
	const uint8_t *data;	/* the whole frame */
	int linktype;		/* LINKTYPE_ of this frame (pcapng: of its interface) */
	uint32_t iface;		/* pcapng interface id; 0 for pcap */
	enum pcapr_skip skip;
	char why[PCAPR_WHY];	/* skip != PCAPR_OK: one line, e.g. "ARP (ethertype 0x0806)" */
	const uint8_t *ip;	/* IPv4 or IPv6 header onwards: the captured bytes of the
				 * datagram (Ethernet padding trimmed) */
	size_t iplen;		/* bytes at ip (less than ipwire when the snaplen cut it) */
	size_t ipwire;		/* the datagram's length on the wire (its IP header's) */
	int ipv;		/* 4 or 6 */
	unsigned vlans;		/* VLAN tags walked */
};

/* Opens a pcap (microsecond or nanosecond magic, either byte order) or pcapng file (any
 * number of sections and interfaces, each with its own link type, snaplen and
 * if_tsresol). Refuses, with a one-line reason: missing or unreadable file, directory,
 * empty file, text, random bytes (no pcap/pcapng magic), a bad file header, and a pcap
 * whose link type is not decoded (Ethernet, Linux cooked v1/v2, raw IP, loopback). A
 * pcapng interface of another link type does not stop the file: its frames are
 * skipped with that reason. */
struct pcapr *pcapr_open(const char *path, struct err *e);

/* Next frame: 1 and *p filled, 0 at a clean end of file, -1 on a read error (e says
 * where: a file cut inside record N at byte offset B, a malformed block). */
int pcapr_next(struct pcapr *r, struct pcapr_pkt *p, struct err *e);

/* The first interface's link type as libpcap spells it ("EN10MB"). */
const char *pcapr_linktype(const struct pcapr *r);

/* Frames skipped so far for reason s. */
uint64_t pcapr_skipped(const struct pcapr *r, enum pcapr_skip s);

void pcapr_close(struct pcapr *r);

/* Decodes one frame of link type lt into its IP bytes (exposed for unit tests): fills
 * p->ip, iplen, ipwire, ipv, vlans, or p->why; returns the skip reason. */
enum pcapr_skip pcapr_link_ip(int lt, const uint8_t *d, size_t caplen, size_t wirelen,
			      struct pcapr_pkt *p);

/* Whether lt is one pcapr decodes. */
int pcapr_dlt_supported(int lt);

#endif
