/* link.h - pcap link-layer headers: where the IP datagram (IPv4 or IPv6) starts in a captured frame. */
#ifndef SYNLAB_LINK_H
#define SYNLAB_LINK_H

#include <stddef.h>
#include <stdint.h>

/* LINKTYPE_ values as pcap and pcapng files store them (tcpdump.org/linktypes.html);
 * where libpcap's DLT_ value differs (DLT_RAW is 12 or 14) both are accepted. */
enum {
	LINK_T_NULL = 0,	/* BSD loopback, family in host byte order */
	LINK_T_ETHERNET = 1,
	LINK_T_RAW = 101,	/* raw IPv4 or IPv6, version from the first nibble */
	LINK_T_LOOP = 108,	/* OpenBSD loopback, family in network order */
	LINK_T_LINUX_SLL = 113,
	LINK_T_IPV4 = 228,
	LINK_T_IPV6 = 229,
	LINK_T_LINUX_SLL2 = 276,
};

enum link_status {
	LINK_OK,
	LINK_SHORT,		/* the frame ends inside the link header */
	LINK_NOT_IP,		/* the frame carries another protocol: *found says which */
	LINK_UNSUPPORTED,	/* a link type we do not decode */
};
#define LINK_NOT_IPV4 LINK_NOT_IP	/* link_ipv4_offset's name for it */

/* How a frame was found to carry something other than IP (for LINK_NOT_IP). */
enum link_found_kind {
	LINK_FOUND_ETHERTYPE,	/* *found is an ethertype (Ethernet, SLL, SLL2) */
	LINK_FOUND_LENGTH,	/* an 802.3 length field (LLC frame), not an ethertype */
	LINK_FOUND_FAMILY,	/* a loopback address family */
	LINK_FOUND_VERSION,	/* raw IP: the version nibble */
};

struct link_info {
	size_t off;		/* LINK_OK: offset of the IP header */
	int ipv;		/* LINK_OK: 4 or 6 */
	unsigned found;		/* LINK_NOT_IP: ethertype / family / version (see kind);
				 * LINK_SHORT: header bytes needed; LINK_UNSUPPORTED: the type */
	enum link_found_kind kind;
	unsigned vlans;		/* 802.1Q / 802.1ad / 0x9100 tags walked */
};

/* Ethernet with any number of 802.1Q (0x8100), 802.1ad (0x88a8) and 0x9100 tags, Linux
 * cooked v1/v2 (tags after them too), raw IP (LINKTYPE_RAW / DLT_RAW 12 or 14, IPV4,
 * IPV6), BSD loopback (DLT_NULL in either byte order, DLT_LOOP; AF_INET 2, AF_INET6 10,
 * 24, 28 or 30): fills li. */
enum link_status link_ip_offset(int lt, const uint8_t *f, size_t caplen, struct link_info *li);

/* The same, for the IPv4-only live programs: IPv6 is LINK_NOT_IPV4 with *found the
 * ethertype 0x86dd, family or version 6. */
enum link_status link_ipv4_offset(int lt, const uint8_t *f, size_t caplen, size_t *off,
				  unsigned *found);

/* Whether link_ip_offset decodes lt. */
int link_supported(int lt);

/* "Ethernet", "Linux cooked v2", "raw IP", "loopback"; NULL for a type not decoded. */
const char *link_label(int lt);

/* "ARP", "LLDP" ... for an ethertype a skip reason should name; NULL when unknown. */
const char *link_ethertype_name(unsigned type);

#endif
