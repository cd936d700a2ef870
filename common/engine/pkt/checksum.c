/* checksum.c - RFC 1071 Internet checksum for IPv4 headers and TCP with its pseudo-header. */
#include "seg.h"

/* Hand-written rather than taken from libnet: libnet_in_cksum() works on its own packet
 * context and headers, while the parser must checksum bytes as they arrived. */

/* Adds 16-bit big-endian words of p to sum (RFC 1071 §4.1); an odd last byte is padded
 * with a zero byte on the right. */
static uint32_t csum_add(uint32_t sum, const uint8_t *p, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < len; i += 2)
		sum += (uint32_t)p[i] << 8 | p[i + 1];
	if (len & 1)
		sum += (uint32_t)p[len - 1] << 8;
	return sum;
}

/* Folds the carries back in (end-around carry) and complements. */
static uint16_t csum_fold(uint64_t sum)
{
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

/* Over the header as given; a header with a correct checksum field yields 0. */
uint16_t seg_csum_ip(const uint8_t *iphdr, size_t hlen)
{
	return csum_fold(csum_add(0, iphdr, hlen));
}

/* RFC 9293 §3.1: the checksum covers a 96-bit pseudo-header (source, destination, zero,
 * protocol 6, TCP length) and the TCP header and data. Yields 0 over a correct segment. */
uint16_t seg_csum_tcp(uint32_t saddr, uint32_t daddr, const uint8_t *tcp, size_t len)
{
	uint64_t sum = 0;

	sum += (saddr >> 16) + (saddr & 0xffff);
	sum += (daddr >> 16) + (daddr & 0xffff);
	sum += 6;
	sum += len & 0xffff;
	sum += len >> 16;
	/* csum_add on chunks keeps its 32-bit accumulator far from overflow. */
	while (len > 0) {
		size_t n = len > 32768 ? 32768 : len;

		sum += csum_add(0, tcp, n);
		tcp += n;
		len -= n;
	}
	return csum_fold(sum);
}

/* RFC 8200 §8.1: the IPv6 pseudo-header is source, destination (128 bits each), the
 * 32-bit upper-layer length, 24 zero bits and next header 6. */
uint16_t seg_csum_tcp6(const uint8_t saddr[16], const uint8_t daddr[16], const uint8_t *tcp,
		       size_t len)
{
	uint64_t sum = csum_add(0, saddr, 16) + (uint64_t)csum_add(0, daddr, 16);

	sum += 6;
	sum += len & 0xffff;
	sum += len >> 16;
	while (len > 0) {
		size_t n = len > 32768 ? 32768 : len;

		sum += csum_add(0, tcp, n);
		tcp += n;
		len -= n;
	}
	return csum_fold(sum);
}
