/* pcapr_link.c - link-layer decoding to IPv4: Ethernet (+802.1Q), Linux cooked v1/v2, raw IP, loopback. */
#include "pcapr.h"

#include <pcap/pcap.h>

#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100
#define AF_INET_BSD 2	/* AF_INET in DLT_NULL / DLT_LOOP headers (all BSDs and Linux) */

static unsigned be16(const uint8_t *p) { return (unsigned)p[0] << 8 | p[1]; }

/* Trims to the IPv4 total length (Ethernet pads short frames) and checks it was captured. */
static enum pcapr_skip ipv4_at(const uint8_t *d, size_t caplen, size_t wirelen, size_t off,
			       const uint8_t **ip, size_t *iplen)
{
	if (caplen < off + 20 || wirelen < off + 20)
		return caplen < wirelen ? PCAPR_SNAPPED : PCAPR_SHORT;
	if ((d[off] >> 4) != 4)
		return PCAPR_NOT_IPV4;
	size_t tot = be16(d + off + 2);
	if (tot < 20 || off + tot > wirelen)
		return PCAPR_SHORT;
	if (off + tot > caplen)
		return PCAPR_SNAPPED;
	*ip = d + off;
	*iplen = tot;
	return PCAPR_OK;
}

static enum pcapr_skip ether(const uint8_t *d, size_t caplen, size_t wirelen,
			     const uint8_t **ip, size_t *iplen)
{
	size_t off = 14;

	if (caplen < 14)
		return PCAPR_SHORT;
	unsigned type = be16(d + 12);
	if (type == ETHERTYPE_VLAN) {	/* one 802.1Q tag: TCI, then the real type */
		if (caplen < 18)
			return PCAPR_SHORT;
		type = be16(d + 16);
		off = 18;
	}
	if (type != ETHERTYPE_IPV4)
		return PCAPR_NOT_IPV4;
	return ipv4_at(d, caplen, wirelen, off, ip, iplen);
}

/* DLT_NULL stores the family in host order of the capturing machine: accept both. */
static enum pcapr_skip loopback(int dlt, const uint8_t *d, size_t caplen, size_t wirelen,
				const uint8_t **ip, size_t *iplen)
{
	if (caplen < 4)
		return PCAPR_SHORT;
	uint32_t be = (uint32_t)d[0] << 24 | (uint32_t)d[1] << 16 | (uint32_t)d[2] << 8 | d[3];
	uint32_t le = (uint32_t)d[3] << 24 | (uint32_t)d[2] << 16 | (uint32_t)d[1] << 8 | d[0];
	if (be != AF_INET_BSD && (dlt == DLT_LOOP || le != AF_INET_BSD))
		return PCAPR_NOT_IPV4;
	return ipv4_at(d, caplen, wirelen, 4, ip, iplen);
}

enum pcapr_skip pcapr_link_ipv4(int dlt, const uint8_t *d, size_t caplen, size_t wirelen,
				const uint8_t **ip, size_t *iplen)
{
	switch (dlt) {
	case DLT_EN10MB:
		return ether(d, caplen, wirelen, ip, iplen);
	case DLT_LINUX_SLL:	/* 16-byte header, protocol at 14 */
		if (caplen < 16)
			return PCAPR_SHORT;
		if (be16(d + 14) != ETHERTYPE_IPV4)
			return PCAPR_NOT_IPV4;
		return ipv4_at(d, caplen, wirelen, 16, ip, iplen);
	case DLT_LINUX_SLL2:	/* 20-byte header, protocol at 0 */
		if (caplen < 20)
			return PCAPR_SHORT;
		if (be16(d) != ETHERTYPE_IPV4)
			return PCAPR_NOT_IPV4;
		return ipv4_at(d, caplen, wirelen, 20, ip, iplen);
	case DLT_RAW:
	case DLT_IPV4:
		return ipv4_at(d, caplen, wirelen, 0, ip, iplen);
	case DLT_NULL:
	case DLT_LOOP:
		return loopback(dlt, d, caplen, wirelen, ip, iplen);
	default:
		return PCAPR_NOT_IPV4;
	}
}

int pcapr_dlt_supported(int dlt)
{
	return dlt == DLT_EN10MB || dlt == DLT_LINUX_SLL || dlt == DLT_LINUX_SLL2 ||
	       dlt == DLT_RAW || dlt == DLT_IPV4 || dlt == DLT_NULL || dlt == DLT_LOOP;
}
