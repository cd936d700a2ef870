/* wire.h - the wire layer: send segments through a libnet raw socket, receive them with libpcap. */
#ifndef SYNLAB_WIRE_H
#define SYNLAB_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "seg.h"

#define WIRE_MARK 0x5359	/* SO_MARK the lab's nft rule exempts ("SY"), see scripts/lab */
#define WIRE_IFNAMSIZ 16

struct libnet_context;		/* libnet_t */
struct pcap;			/* pcap_t */

struct wire_cfg {
	const char *device;	/* NULL: the interface that owns `local` (getifaddrs) */
	uint32_t local;		/* our IPv4 address, host byte order; required unless v6 */
	uint16_t port;		/* receive only segments to this port; 0: any port */
	uint32_t mark;		/* SO_MARK on the raw socket; 0: none (LAB-NOTES trap 2) */
	bool v6;		/* IPv6: local6 is our address (network order), local unused */
	uint8_t local6[16];
};

/* Counters; every captured packet lands in exactly one rx_* counter. */
struct wire_stats {
	uint64_t tx;		/* segments sent */
	uint64_t rx_ok;		/* parsed, both checksums good */
	uint64_t rx_bad_csum;	/* parsed, IP or TCP checksum wrong (still delivered) */
	uint64_t rx_unparsed;	/* link layer, IP or TCP could not be decoded */
	uint64_t rx_foreign;	/* parsed but not addressed to local address/port */
};

struct wire {
	struct libnet_context *ln;
	struct pcap *pc;
	int dlt;		/* pcap link type of the device */
	int fd;			/* pcap_get_selectable_fd(): poll it for readability */
	bool nano;		/* pcap timestamps are nanoseconds (else microseconds) */
	char device[WIRE_IFNAMSIZ];
	uint32_t local;
	bool v6;		/* the wire's family: only segments of it are ours */
	uint8_t local6[16];
	uint16_t port;
	uint16_t next_ip_id;	/* for segments with ip_id 0 and DF clear, see wire_send */
	uint8_t *rxbuf;		/* SEG_IP_MAX bytes: the last received datagram */
	struct wire_stats stats;
};

/* One received packet. On WIRE_PKT_UNPARSED only `why`, `ip`, `ip_len` and `ts_real_ns`
 * are meaningful. `ip` and seg.payload point into w->rxbuf: valid until the next
 * wire_recv on the same wire. */
enum wire_pkt_kind {
	WIRE_PKT_OK,
	WIRE_PKT_BAD_CSUM,	/* seg is filled; check seg.ip_csum_ok / seg.tcp_csum_ok */
	WIRE_PKT_UNPARSED,	/* why says what was wrong */
};

struct wire_pkt {
	enum wire_pkt_kind kind;
	struct seg seg;
	const uint8_t *ip;	/* the IP datagram as captured (link header stripped) */
	size_t ip_len;
	uint64_t ts_real_ns;	/* capture time, CLOCK_REALTIME nanoseconds */
	char why[160];
};

/* Opens the raw sender (libnet LIBNET_RAW4, or LIBNET_RAW6 for cfg->v6; bound to the
 * device, SO_MARK set) and the pcap receiver (immediate mode, inbound only, BPF "tcp and
 * dst host A [and dst port P]", "ip6 and tcp ..." for IPv6, non-blocking). Fails with a
 * clear message without CAP_NET_RAW or when no interface owns cfg->local (local6). On
 * failure nothing stays open. */
int wire_open(struct wire *w, const struct wire_cfg *cfg, struct err *e);
void wire_close(struct wire *w);

/* Encodes s with seg_build (our checksums) into buf (cap >= 60 + payload; SEG_IP_MAX is
 * always enough) and writes exactly those bytes. *out_len gets the length, so the
 * caller can log or pcapw_write what went out. A zero saddr becomes the local address;
 * ip_id 0 with DF clear is replaced by a per-wire counter (the kernel would otherwise
 * pick one, and buf would differ from the wire). */
int wire_send(struct wire *w, const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len,
	      struct err *e);

/* wire_send in two halves: encode exactly the bytes wire_send would write (so a caller
 * can alter them, e.g. impair_corrupt_bytes), then write bytes as they are. */
int wire_encode(struct wire *w, const struct seg *s, uint8_t *buf, size_t cap,
		size_t *out_len, struct err *e);
int wire_send_bytes(struct wire *w, const uint8_t *buf, size_t len, struct err *e);

/* Reads one pending packet without blocking. Returns 1 with *p filled, 0 when nothing
 * is pending (segments for other addresses/ports are counted and skipped), -1 on a
 * capture error. Packets with bad checksums or that fail to parse are returned (kind),
 * never dropped silently. */
int wire_recv(struct wire *w, struct wire_pkt *p, struct err *e);

/* Offset of the IPv4 header in a captured frame of link type dlt (DLT_EN10MB with or
 * without one 802.1Q tag, DLT_LINUX_SLL, DLT_LINUX_SLL2, DLT_RAW, DLT_IPV4, DLT_NULL,
 * DLT_LOOP). Fails if the frame is too short or does not carry IPv4. */
int wire_link_offset(int dlt, const uint8_t *frame, size_t caplen, size_t *off,
		     struct err *e);

/* The interface that owns IPv4 address addr (host order); copies its name to name. */
int wire_find_device(uint32_t addr, char name[WIRE_IFNAMSIZ], struct err *e);
/* The same for IPv6 address addr (16 bytes, network order). */
int wire_find_device6(const uint8_t addr[16], char name[WIRE_IFNAMSIZ], struct err *e);

#endif
