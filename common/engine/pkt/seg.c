/* seg.c - the IPv4 codec: IPv4+TCP bytes into struct seg and back, with checksums (seg_ip.c picks IPv4 or IPv6). */
#include "seg.h"

#include <string.h>

#include "bytes.h"
#include "seg_int.h"

#define IP_HDR 20	/* bytes: IPv4 header without options (RFC 791 §3.1) */
#define TCP_HDR 20	/* bytes: TCP header without options (RFC 9293 §3.1) */
#define IPPROTO_TCP_NUM 6


/* RFC 791 §3.1 checks; sets *ihl and *tot (bytes) on success. */
static int ip_check(const uint8_t *b, size_t len, size_t *ihl, size_t *tot, struct err *e)
{
	uint16_t frag;

	if (len < IP_HDR)
		return err_set(e, "truncated: %zu bytes, an IPv4 header needs 20", len);
	if (b[0] >> 4 != 4)
		return err_set(e, "IP version %u, not 4", b[0] >> 4);
	*ihl = (size_t)(b[0] & 0x0f) * 4;
	if (*ihl < IP_HDR)
		return err_set(e, "IHL %zu bytes is below the minimum 20", *ihl);
	if (*ihl > len)
		return err_set(e, "IHL %zu bytes runs past the end of the %zu-byte buffer",
			       *ihl, len);
	*tot = bytes_get16(b + 2);
	if (*tot < *ihl)
		return err_set(e, "IP total length %zu is shorter than the header (%zu)", *tot,
			       *ihl);
	if (*tot > len)
		return err_set(e, "IP total length %zu exceeds the %zu bytes received", *tot, len);
	if (b[9] != IPPROTO_TCP_NUM)
		return err_set(e, "IP protocol %u is not TCP (6)", b[9]);
	frag = bytes_get16(b + 6);
	if (frag & 0x2000 || frag & 0x1fff)
		return err_set(e, "IP fragment (MF %u, offset %u) not supported",
			       !!(frag & 0x2000), (frag & 0x1fff) * 8);
	return 0;
}

void seg_ip4_store(const uint8_t *b, size_t ihl, struct seg *s)
{
	s->tos = b[1];
	s->ip_id = bytes_get16(b + 4);
	s->df = (b[6] & 0x40) != 0;
	s->ipv = 4;
	s->ttl = b[8];
	s->ip_csum = bytes_get16(b + 10);
	s->saddr = bytes_get32(b + 12);
	s->daddr = bytes_get32(b + 16);
	s->ip_csum_ok = seg_csum_ip(b, ihl) == 0;
}

/* RFC 9293 §3.1 fixed header fields; t holds tlen >= 20 bytes. */
void seg_tcp_store(const uint8_t *t, struct seg *s)
{
	s->sport = bytes_get16(t);
	s->dport = bytes_get16(t + 2);
	s->seq = bytes_get32(t + 4);
	s->ack = bytes_get32(t + 8);
	s->flags = t[13];
	s->win = bytes_get16(t + 14);
	s->tcp_csum = bytes_get16(t + 16);
	s->urp = bytes_get16(t + 18);
}

static int tcp_parse(const uint8_t *t, size_t tlen, struct seg *s, struct err *e)
{
	size_t doff;

	if (tlen < TCP_HDR)
		return err_set(e, "truncated TCP header: %zu bytes, needs 20", tlen);
	doff = (size_t)(t[12] >> 4) * 4;
	if (doff < TCP_HDR)
		return err_set(e, "TCP data offset %zu bytes is below the minimum 20", doff);
	if (doff > tlen)
		return err_set(e, "TCP data offset %zu bytes runs past the end of the "
			       "%zu-byte segment", doff, tlen);
	seg_tcp_store(t, s);
	if (seg_opts_parse(t + TCP_HDR, doff - TCP_HDR, &s->opts, e) < 0)
		return err_wrap(e, "TCP options");
	s->payload = t + doff;
	s->len = (uint32_t)(tlen - doff);
	s->tcp_csum_ok = seg_csum_tcp(s->saddr, s->daddr, t, tlen) == 0;
	return 0;
}

int seg_parse4(const uint8_t *buf, size_t len, struct seg *s, struct err *e)
{
	size_t ihl = 0, tot = 0;

	if (ip_check(buf, len, &ihl, &tot, e) < 0)
		return -1;
	/* Bytes past the total length (Ethernet padding) are not part of the datagram. */
	seg_ip4_store(buf, ihl, s);
	return tcp_parse(buf + ihl, tot - ihl, s, e);
}

/* RFC 791 §3.1 header without options; the checksum is filled last. */
static void ip_write(const struct seg *s, uint8_t *b, size_t tot)
{
	b[0] = 0x45;
	b[1] = s->tos;
	bytes_put16(b + 2, (uint16_t)tot);
	bytes_put16(b + 4, s->ip_id);
	bytes_put16(b + 6, s->df ? 0x4000 : 0);
	b[8] = s->ttl ? s->ttl : 64;
	b[9] = IPPROTO_TCP_NUM;
	bytes_put16(b + 10, 0);
	bytes_put32(b + 12, s->saddr);
	bytes_put32(b + 16, s->daddr);
	bytes_put16(b + 10, seg_csum_ip(b, IP_HDR));
}

static void tcp_write(const struct seg *s, uint8_t *t, size_t optlen)
{
	bytes_put16(t, s->sport);
	bytes_put16(t + 2, s->dport);
	bytes_put32(t + 4, s->seq);
	bytes_put32(t + 8, s->ack);
	t[12] = (uint8_t)(((TCP_HDR + optlen) / 4) << 4);
	t[13] = s->flags;
	bytes_put16(t + 14, s->win);
	bytes_put16(t + 16, 0);
	bytes_put16(t + 18, s->urp);
}

int seg_build4(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e)
{
	uint8_t opts[SEG_OPT_SPACE];
	size_t optlen, tlen, tot;

	if (seg_opts_encode(&s->opts, opts, &optlen, e) < 0)
		return -1;
	if (s->len > 0 && !s->payload)
		return err_set(e, "payload length %u but no payload pointer", s->len);
	tlen = TCP_HDR + optlen + (size_t)s->len;
	tot = IP_HDR + tlen;
	if (tot > SEG_IP_MAX)
		return err_set(e, "segment of %zu bytes exceeds the IPv4 maximum %d", tot,
			       SEG_IP_MAX);
	if (tot > cap)
		return err_set(e, "buffer too small: segment needs %zu bytes, have %zu", tot,
			       cap);
	ip_write(s, buf, tot);
	tcp_write(s, buf + IP_HDR, optlen);
	memcpy(buf + IP_HDR + TCP_HDR, opts, optlen);
	if (s->len > 0)
		memcpy(buf + IP_HDR + TCP_HDR + optlen, s->payload, s->len);
	bytes_put16(buf + IP_HDR + 16, seg_csum_tcp(s->saddr, s->daddr, buf + IP_HDR, tlen));
	*out_len = tot;
	return 0;
}
