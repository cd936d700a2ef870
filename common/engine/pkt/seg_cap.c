/* seg_cap.c - parses TCP over IPv4 or IPv6 as a capture holds it: extension headers, fragments, payload cut by the snaplen. */
#include "seg.h"

#include <string.h>

#include "bytes.h"
#include "seg_int.h"

#define IP4_HDR 20	/* RFC 791 §3.1 */
#define IP6_HDR 40	/* RFC 8200 §3 */
#define TCP_HDR 20	/* RFC 9293 §3.1 */
#define PROTO_TCP 6
#define MAX_EXT 16	/* extension headers walked before giving up (a loop in a bad frame) */

/* IANA protocol numbers worth naming in a skip reason. */
static const char *proto_name(unsigned p)
{
	switch (p) {
	case 6: return "TCP";
	case 0: return "hop-by-hop options";
	case 43: return "routing";
	case 44: return "fragment";
	case 51: return "AH";
	case 60: return "destination options";
	case 135: return "mobility";
	case 1: return "ICMP";
	case 2: return "IGMP";
	case 4: return "IPv4 in IP";
	case 17: return "UDP";
	case 41: return "IPv6 in IP";
	case 47: return "GRE";
	case 50: return "ESP";
	case 58: return "ICMPv6";
	case 59: return "no next header";
	case 103: return "PIM";
	case 112: return "VRRP";
	case 132: return "SCTP";
	default: return "other";
	}
}

static int not_tcp(unsigned p, int v, struct err *e)
{
	return err_set(e, "IPv%d protocol %u (%s) is not TCP", v, p, proto_name(p));
}

/* Of n captured option bytes, how many end on an option boundary (RFC 9293 §3.2: EOL and
 * NOP are one byte, every other kind carries its length): the options the snaplen left
 * whole. */
static size_t whole_options(const uint8_t *p, size_t n)
{
	size_t i = 0;

	while (i < n && p[i] != SEG_OPT_EOL) {
		if (p[i] == SEG_OPT_NOP) {
			i++;
			continue;
		}
		if (i + 1 >= n || p[i + 1] < 2 || i + p[i + 1] > n)
			break;
		i += p[i + 1];
	}
	return i;
}

/* The TCP header and payload: t has avail captured bytes of a wire-byte segment. The
 * fixed header must be captured; options cut by the snaplen are kept as far as they are
 * whole (s->opts_cut counts the rest), and the payload may be cut (s->cut). */
static int tcp_cap(const uint8_t *t, size_t avail, size_t wire, struct seg *s, struct err *e)
{
	if (wire < TCP_HDR)
		return err_set(e, "TCP header of %zu bytes in the datagram, needs 20", wire);
	if (avail < TCP_HDR)
		return err_set(e, "truncated TCP header: %zu of 20 bytes captured", avail);
	size_t doff = (size_t)(t[12] >> 4) * 4;
	if (doff < TCP_HDR)
		return err_set(e, "TCP data offset %zu bytes is below the minimum 20", doff);
	if (doff > wire)
		return err_set(e, "TCP data offset %zu bytes runs past the end of the %zu-byte "
			       "segment", doff, wire);
	seg_tcp_store(t, s);
	size_t have = doff <= avail ? doff - TCP_HDR : whole_options(t + TCP_HDR, avail - TCP_HDR);
	if (seg_opts_parse(t + TCP_HDR, have, &s->opts, e) < 0)
		return err_wrap(e, "TCP options");
	s->opts_cut = (uint8_t)(doff - TCP_HDR - have);
	s->payload = t + (doff < avail ? doff : avail);
	s->len = (uint32_t)(wire - doff);
	s->cut = (uint32_t)(doff < avail ? wire - avail : wire - doff);
	/* A cut payload or one fragment of a datagram cannot be checksummed. */
	if (s->cut || s->opts_cut || s->frag)
		s->tcp_csum_ok = false;
	else if (s->ipv == 6)
		s->tcp_csum_ok = seg_csum_tcp6(s->saddr6, s->daddr6, t, wire) == 0;
	else
		s->tcp_csum_ok = seg_csum_tcp(s->saddr, s->daddr, t, wire) == 0;
	return 0;
}

static int ip4_cap(const uint8_t *b, size_t cap, struct seg *s, struct err *e)
{
	if (cap < IP4_HDR)
		return err_set(e, "truncated IPv4 header: %zu of 20 bytes captured", cap);
	size_t ihl = (size_t)(b[0] & 0x0f) * 4, tot = bytes_get16(b + 2);
	if (ihl < IP4_HDR)
		return err_set(e, "IHL %zu bytes is below the minimum 20", ihl);
	if (ihl > cap)
		return err_set(e, "truncated IPv4 header: options cut (%zu of %zu bytes "
			       "captured)", cap, ihl);
	if (tot < ihl)
		return err_set(e, "IP total length %zu is shorter than the header (%zu)", tot, ihl);
	uint16_t frag = bytes_get16(b + 6);
	/* RFC 791 §3.2: only the fragment at offset 0 starts with the TCP header. */
	if (frag & 0x1fff)
		return err_set(e, "IPv4 fragment at offset %u (id %u, MF %u) of a %s (%u) "
			       "datagram: not the first fragment, no %s header in it",
			       (frag & 0x1fff) * 8u, bytes_get16(b + 4), !!(frag & 0x2000),
			       proto_name(b[9]), b[9], proto_name(b[9]));
	if (b[9] != PROTO_TCP)
		return not_tcp(b[9], 4, e);
	seg_ip4_store(b, ihl, s);
	if (frag & 0x2000) {
		s->frag = true;
		s->frag_id = s->ip_id;
	}
	size_t lim = tot < cap ? tot : cap;
	return tcp_cap(b + ihl, lim - ihl, tot - ihl, s, e);
}

static bool is_ext(unsigned nh)
{
	return nh == 0 || nh == 43 || nh == 44 || nh == 51 || nh == 60 || nh == 135 ||
	       nh == 139 || nh == 140;
}

/* Length of extension header nh at h (RFC 8200 §4.3-4.6: units of 8 bytes; AH, RFC 4302
 * §2.2: units of 4 bytes); nh is one is_ext accepts. */
static size_t ext_len(unsigned nh, const uint8_t *h)
{
	switch (nh) {
	case 0: case 43: case 60: case 135: case 139: case 140:
		return ((size_t)h[1] + 1) * 8;
	case 44:
		return 8;
	case 51:
		return ((size_t)h[1] + 2) * 4;
	default:
		return 8;
	}
}

/* RFC 8200 §4.5: the Fragment header. 0 to go on (s->frag set for a first fragment). */
static int ip6_frag(const uint8_t *h, struct seg *s, struct err *e)
{
	uint16_t fo = bytes_get16(h + 2);
	uint32_t id = bytes_get32(h + 4);

	if (fo & 0xfff8)
		return err_set(e, "IPv6 fragment at offset %u (id %u, M %u) of a %s (%u) datagram: "
			       "not the first fragment, no %s header in it", fo & 0xfff8u, id,
			       fo & 1u, proto_name(h[0]), h[0], proto_name(h[0]));
	if (fo & 1) {	/* offset 0 without M is an atomic fragment: the whole datagram */
		s->frag = true;
		s->frag_id = id;
	}
	return 0;
}

/* Walks the extension headers from *off; leaves *off at the TCP header. */
static int ip6_walk(const uint8_t *b, size_t lim, size_t tot, size_t *off, struct seg *s,
		    struct err *e)
{
	unsigned nh = b[6];

	for (int i = 0; i < MAX_EXT; i++) {
		if (!is_ext(nh))
			break;
		if (*off + 8 > tot)
			return err_set(e, "IPv6 %s header runs past the %zu-byte datagram",
				       proto_name(nh), tot);
		if (*off + 8 > lim)
			return err_set(e, "truncated IPv6 %s header: %zu of 8 bytes captured",
				       proto_name(nh), lim - *off);
		size_t hl = ext_len(nh, b + *off);
		if (*off + hl > tot)
			return err_set(e, "IPv6 %s header (%zu bytes) runs past the %zu-byte "
				       "datagram", proto_name(nh), hl, tot);
		if (*off + hl > lim)
			return err_set(e, "truncated IPv6 %s header: %zu of %zu bytes captured",
				       proto_name(nh), lim - *off, hl);
		if (nh == 44 && ip6_frag(b + *off, s, e) < 0)
			return -1;
		nh = b[*off];
		*off += hl;
	}
	if (nh == PROTO_TCP)
		return 0;
	if (is_ext(nh))
		return err_set(e, "more than %d IPv6 extension headers", MAX_EXT);
	return not_tcp(nh, 6, e);
}

static int ip6_cap(const uint8_t *b, size_t cap, struct seg *s, struct err *e)
{
	if (cap < IP6_HDR)
		return err_set(e, "truncated IPv6 header: %zu of 40 bytes captured", cap);
	size_t plen = bytes_get16(b + 4), tot = IP6_HDR + plen, off = IP6_HDR;
	if (plen == 0 && b[6] == 0)
		return err_set(e, "IPv6 jumbogram (payload length 0, RFC 2675) not supported");
	s->ipv = 6;
	s->tos = (uint8_t)(bytes_get32(b) >> 20);
	s->ttl = b[7];
	memcpy(s->saddr6, b + 8, 16);
	memcpy(s->daddr6, b + 24, 16);
	s->ip_csum_ok = true;	/* IPv6 has no header checksum */
	size_t lim = tot < cap ? tot : cap;
	if (ip6_walk(b, lim, tot, &off, s, e) < 0)
		return -1;
	return tcp_cap(b + off, lim - off, tot - off, s, e);
}

int seg_parse_cap(const uint8_t *buf, size_t cap, struct seg *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	if (!buf || cap == 0)
		return err_set(e, "truncated: no IP header captured");
	switch (buf[0] >> 4) {
	case 4:
		return ip4_cap(buf, cap, s, e);
	case 6:
		return ip6_cap(buf, cap, s, e);
	default:
		return err_set(e, "IP version %u, neither 4 nor 6", buf[0] >> 4);
	}
}
