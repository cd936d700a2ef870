/* pcapr_link.c - the IPv4 datagram of a frame read from a file, trimmed to its total length. */
#include "pcapr.h"

#include "bytes.h"
#include "link.h"

/* Trims to the IPv4 total length (Ethernet pads short frames) and checks it was captured. */
static enum pcapr_skip ipv4_at(const uint8_t *d, size_t caplen, size_t wirelen, size_t off,
			       const uint8_t **ip, size_t *iplen)
{
	if (caplen < off + 20 || wirelen < off + 20)
		return caplen < wirelen ? PCAPR_SNAPPED : PCAPR_SHORT;
	if ((d[off] >> 4) != 4)
		return PCAPR_NOT_IPV4;
	size_t tot = bytes_get16(d + off + 2);
	if (tot < 20 || off + tot > wirelen)
		return PCAPR_SHORT;
	if (off + tot > caplen)
		return PCAPR_SNAPPED;
	*ip = d + off;
	*iplen = tot;
	return PCAPR_OK;
}

enum pcapr_skip pcapr_link_ipv4(int dlt, const uint8_t *d, size_t caplen, size_t wirelen,
				const uint8_t **ip, size_t *iplen)
{
	size_t off;
	unsigned found;

	switch (link_ipv4_offset(dlt, d, caplen, &off, &found)) {
	case LINK_OK:
		return ipv4_at(d, caplen, wirelen, off, ip, iplen);
	case LINK_SHORT:
		return PCAPR_SHORT;
	default:
		return PCAPR_NOT_IPV4;
	}
}

int pcapr_dlt_supported(int dlt)
{
	return link_supported(dlt);
}
