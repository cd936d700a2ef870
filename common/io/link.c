/* link.c - finds the IPv4 datagram inside a captured frame, per pcap link type. */
#include "link.h"

#include <pcap/pcap.h>

#include "bytes.h"

#define ETH_HDR 14
#define VLAN_TAG 4
#define SLL_HDR 16
#define SLL2_HDR 20
#define NULL_HDR 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define AF_INET_BSD 2	/* AF_INET in DLT_NULL / DLT_LOOP headers (all BSDs and Linux) */

/* The header is hlen bytes and its ethertype is at type_at. */
static enum link_status typed(const uint8_t *f, size_t caplen, size_t hlen, size_t type_at,
			      size_t *off, unsigned *found)
{
	if (caplen < hlen) {
		*found = (unsigned)hlen;
		return LINK_SHORT;
	}
	*found = bytes_get16(f + type_at);
	*off = hlen;
	return *found == ETHERTYPE_IPV4 ? LINK_OK : LINK_NOT_IPV4;
}

static enum link_status ether(const uint8_t *f, size_t caplen, size_t *off, unsigned *found)
{
	if (caplen >= ETH_HDR && bytes_get16(f + 12) == ETHERTYPE_VLAN)
		return typed(f, caplen, ETH_HDR + VLAN_TAG, ETH_HDR + 2, off, found);
	return typed(f, caplen, ETH_HDR, 12, off, found);
}

/* DLT_NULL holds the family in the capturing host's byte order: accept both orders;
 * DLT_LOOP holds it in network order. */
static enum link_status loopback(int dlt, const uint8_t *f, size_t caplen, size_t *off,
				 unsigned *found)
{
	uint32_t be, le;

	if (caplen < NULL_HDR) {
		*found = NULL_HDR;
		return LINK_SHORT;
	}
	be = bytes_get32(f);
	le = (uint32_t)f[3] << 24 | (uint32_t)f[2] << 16 | (uint32_t)f[1] << 8 | f[0];
	*found = be;
	*off = NULL_HDR;
	if (be == AF_INET_BSD || (dlt == DLT_NULL && le == AF_INET_BSD))
		return LINK_OK;
	return LINK_NOT_IPV4;
}

static enum link_status raw(const uint8_t *f, size_t caplen, size_t *off, unsigned *found)
{
	if (caplen < 1) {
		*found = 1;
		return LINK_SHORT;
	}
	*found = f[0] >> 4;
	*off = 0;
	return *found == 4 ? LINK_OK : LINK_NOT_IPV4;
}

enum link_status link_ipv4_offset(int dlt, const uint8_t *f, size_t caplen, size_t *off,
				  unsigned *found)
{
	switch (dlt) {
	case DLT_EN10MB:
		return ether(f, caplen, off, found);
	case DLT_LINUX_SLL:
		return typed(f, caplen, SLL_HDR, 14, off, found);
	case DLT_LINUX_SLL2:
		return typed(f, caplen, SLL2_HDR, 0, off, found);
	case DLT_RAW:
	case DLT_IPV4:
		return raw(f, caplen, off, found);
	case DLT_NULL:
	case DLT_LOOP:
		return loopback(dlt, f, caplen, off, found);
	default:
		*found = (unsigned)dlt;
		return LINK_UNSUPPORTED;
	}
}

int link_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_NULL || dlt == DLT_LOOP;
}
