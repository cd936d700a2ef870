/* wire_link.c - link-layer header stripping for captured frames (pcap link types -> IPv4 offset). */
#include "wire.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <pcap/pcap.h>
#include <string.h>
#include <sys/socket.h>

#define ETH_HLEN_ 14
#define VLAN_TAG_LEN 4
#define SLL_HLEN 16
#define SLL2_HLEN 20
#define NULL_HLEN 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_VLAN 0x8100

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static int need(size_t caplen, size_t n, const char *what, struct err *e)
{
	if (caplen < n)
		return err_set(e, "%s frame truncated: %zu bytes, header needs %zu", what, caplen, n);
	return 0;
}

static int ethertype_ok(uint16_t type, const char *what, struct err *e)
{
	if (type != ETHERTYPE_IPV4)
		return err_set(e, "%s frame carries ethertype 0x%04x, not IPv4", what, type);
	return 0;
}

static int eth_offset(const uint8_t *f, size_t caplen, size_t *off, struct err *e)
{
	size_t hl = ETH_HLEN_;

	if (need(caplen, hl, "Ethernet", e) < 0)
		return -1;
	if (be16(f + 12) == ETHERTYPE_VLAN) {
		hl += VLAN_TAG_LEN;
		if (need(caplen, hl, "802.1Q", e) < 0)
			return -1;
	}
	*off = hl;
	return ethertype_ok(be16(f + hl - 2), "Ethernet", e);
}

/* DLT_NULL holds the address family in host byte order, DLT_LOOP in network order. */
static int null_offset(int dlt, const uint8_t *f, size_t caplen, size_t *off, struct err *e)
{
	uint32_t fam;

	if (need(caplen, NULL_HLEN, "loopback", e) < 0)
		return -1;
	if (dlt == DLT_LOOP) {
		fam = (uint32_t)f[0] << 24 | (uint32_t)f[1] << 16 | (uint32_t)f[2] << 8 | f[3];
	} else {
		memcpy(&fam, f, sizeof(fam));
	}
	if (fam != AF_INET)
		return err_set(e, "loopback frame carries address family %u, not IPv4", fam);
	*off = NULL_HLEN;
	return 0;
}

static int raw_offset(const uint8_t *f, size_t caplen, size_t *off, struct err *e)
{
	if (need(caplen, 1, "raw IP", e) < 0)
		return -1;
	if (f[0] >> 4 != 4)
		return err_set(e, "raw IP packet has version %u, not 4", f[0] >> 4);
	*off = 0;
	return 0;
}

int wire_link_offset(int dlt, const uint8_t *frame, size_t caplen, size_t *off,
		     struct err *e)
{
	switch (dlt) {
	case DLT_EN10MB:
		return eth_offset(frame, caplen, off, e);
	case DLT_LINUX_SLL:
		if (need(caplen, SLL_HLEN, "Linux cooked", e) < 0)
			return -1;
		*off = SLL_HLEN;
		return ethertype_ok(be16(frame + 14), "Linux cooked", e);
	case DLT_LINUX_SLL2:
		if (need(caplen, SLL2_HLEN, "Linux cooked v2", e) < 0)
			return -1;
		*off = SLL2_HLEN;
		return ethertype_ok(be16(frame), "Linux cooked v2", e);
	case DLT_RAW:
	case DLT_IPV4:
		return raw_offset(frame, caplen, off, e);
	case DLT_NULL:
	case DLT_LOOP:
		return null_offset(dlt, frame, caplen, off, e);
	default:
		return err_set(e, "unsupported link type %d (%s)", dlt,
			       pcap_datalink_val_to_name(dlt) ? pcap_datalink_val_to_name(dlt)
							      : "unknown");
	}
}
