/* link.c - finds the IP datagram inside a captured frame, per pcap link type (VLAN tags walked). */
#include "link.h"

#include "bytes.h"

#define ETH_HDR 14
#define VLAN_TAG 4
#define SLL_HDR 16
#define SLL2_HDR 20
#define NULL_HDR 4
#define ETHERTYPE_IPV4 0x0800
#define ETHERTYPE_IPV6 0x86dd
#define ETHERTYPE_MIN 0x0600	/* below: an IEEE 802.3 length field, not a type */
#define DLT_RAW_LINUX 12	/* libpcap's DLT_RAW on most systems */
#define DLT_RAW_OPENBSD 14

static enum link_status shortf(struct link_info *li, size_t need)
{
	li->found = (unsigned)need;
	return LINK_SHORT;
}

/* IEEE 802.1Q (0x8100), 802.1ad S-tag (0x88a8) and the pre-standard QinQ 0x9100. */
static int is_vlan(unsigned t)
{
	return t == 0x8100 || t == 0x88a8 || t == 0x9100;
}

/* The payload of type t starts at next; each VLAN tag there (TCI, then the next type)
 * is walked, any number of them. */
static enum link_status typed(const uint8_t *f, size_t caplen, unsigned t, size_t next,
			      struct link_info *li)
{
	while (is_vlan(t)) {
		if (caplen < next + VLAN_TAG)
			return shortf(li, next + VLAN_TAG);
		t = bytes_get16(f + next + 2);
		next += VLAN_TAG;
		li->vlans++;
	}
	li->off = next;
	li->found = t;
	li->kind = t < ETHERTYPE_MIN ? LINK_FOUND_LENGTH : LINK_FOUND_ETHERTYPE;
	if (t == ETHERTYPE_IPV4 || t == ETHERTYPE_IPV6) {
		li->ipv = t == ETHERTYPE_IPV4 ? 4 : 6;
		return LINK_OK;
	}
	return LINK_NOT_IP;
}

/* BSD AF_INET6 differs per system: Linux 10, NetBSD/OpenBSD 24, FreeBSD 28, Darwin 30. */
static int family_ipv(uint32_t af)
{
	if (af == 2)
		return 4;
	return af == 10 || af == 24 || af == 28 || af == 30 ? 6 : 0;
}

/* DLT_NULL holds the family in the capturing host's byte order: accept both orders;
 * DLT_LOOP holds it in network order. */
static enum link_status loopback(int lt, const uint8_t *f, size_t caplen, struct link_info *li)
{
	if (caplen < NULL_HDR)
		return shortf(li, NULL_HDR);
	uint32_t be = bytes_get32(f);
	uint32_t le = (uint32_t)f[3] << 24 | (uint32_t)f[2] << 16 | (uint32_t)f[1] << 8 | f[0];
	int v = family_ipv(be);

	if (!v && lt == LINK_T_NULL)
		v = family_ipv(le);
	li->off = NULL_HDR;
	li->kind = LINK_FOUND_FAMILY;
	li->found = be;
	if (!v)
		return LINK_NOT_IP;
	li->ipv = v;
	return LINK_OK;
}

/* Raw IP; want is 4 or 6 for LINKTYPE_IPV4 / IPV6, 0 for either. */
static enum link_status raw(const uint8_t *f, size_t caplen, int want, struct link_info *li)
{
	if (caplen < 1)
		return shortf(li, 1);
	unsigned v = f[0] >> 4;

	li->off = 0;
	li->kind = LINK_FOUND_VERSION;
	li->found = v;
	if ((v != 4 && v != 6) || (want && (int)v != want))
		return LINK_NOT_IP;
	li->ipv = (int)v;
	return LINK_OK;
}

enum link_status link_ip_offset(int lt, const uint8_t *f, size_t caplen, struct link_info *li)
{
	*li = (struct link_info){ 0 };
	switch (lt) {
	case LINK_T_ETHERNET:
		if (caplen < ETH_HDR)
			return shortf(li, ETH_HDR);
		return typed(f, caplen, bytes_get16(f + 12), ETH_HDR, li);
	case LINK_T_LINUX_SLL:	/* protocol at 14 (tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html) */
		if (caplen < SLL_HDR)
			return shortf(li, SLL_HDR);
		return typed(f, caplen, bytes_get16(f + 14), SLL_HDR, li);
	case LINK_T_LINUX_SLL2:	/* protocol first, payload after the 20-byte header */
		if (caplen < SLL2_HDR)
			return shortf(li, SLL2_HDR);
		return typed(f, caplen, bytes_get16(f), SLL2_HDR, li);
	case LINK_T_RAW:
	case DLT_RAW_LINUX:
	case DLT_RAW_OPENBSD:
		return raw(f, caplen, 0, li);
	case LINK_T_IPV4:
		return raw(f, caplen, 4, li);
	case LINK_T_IPV6:
		return raw(f, caplen, 6, li);
	case LINK_T_NULL:
	case LINK_T_LOOP:
		return loopback(lt, f, caplen, li);
	default:
		li->found = (unsigned)lt;
		return LINK_UNSUPPORTED;
	}
}

enum link_status link_ipv4_offset(int lt, const uint8_t *f, size_t caplen, size_t *off,
				  unsigned *found)
{
	struct link_info li;
	enum link_status st = link_ip_offset(lt, f, caplen, &li);

	*off = li.off;
	*found = li.found;
	return st == LINK_OK && li.ipv != 4 ? LINK_NOT_IPV4 : st;
}

int link_supported(int lt)
{
	return link_label(lt) != NULL;
}

const char *link_label(int lt)
{
	switch (lt) {
	case LINK_T_ETHERNET: return "Ethernet";
	case LINK_T_LINUX_SLL: return "Linux cooked";
	case LINK_T_LINUX_SLL2: return "Linux cooked v2";
	case LINK_T_NULL:
	case LINK_T_LOOP: return "loopback";
	case LINK_T_RAW:
	case DLT_RAW_LINUX:
	case DLT_RAW_OPENBSD: return "raw IP";
	case LINK_T_IPV4: return "raw IPv4";
	case LINK_T_IPV6: return "raw IPv6";
	default: return NULL;
	}
}

const char *link_ethertype_name(unsigned type)
{
	switch (type) {
	case 0x0806: return "ARP";
	case 0x8035: return "RARP";
	case 0x809b: return "AppleTalk";
	case 0x8137: return "IPX";
	case 0x8847: case 0x8848: return "MPLS";
	case 0x8863: case 0x8864: return "PPPoE";
	case 0x888e: return "EAPOL";
	case 0x88cc: return "LLDP";
	case 0x88e5: return "MACsec";
	case 0x88f7: return "PTP";
	case 0x8906: return "FCoE";
	case 0x9000: return "loopback test";
	default: return NULL;
	}
}
