/* seg_v6.c - builds and parses whole IPv6+TCP datagrams (the live programs' IPv6 path). */
#include "seg.h"

#include <string.h>

#include "bytes.h"
#include "seg_int.h"

#define IP6_HDR 40	/* bytes: IPv6 fixed header (RFC 8200 §3) */
#define TCP_HDR 20	/* bytes: TCP header without options (RFC 9293 §3.1) */
#define NH_TCP 6

/* RFC 8200 §3: version 6, traffic class, flow label 0 (RFC 6437 lets a source leave it
 * zero), payload length, next header TCP (we send no extension headers), hop limit. */
static void ip6_write(const struct seg *s, uint8_t *b, size_t plen)
{
	bytes_put32(b, 6u << 28 | (uint32_t)s->tos << 20);
	bytes_put16(b + 4, (uint16_t)plen);
	b[6] = NH_TCP;
	b[7] = s->ttl ? s->ttl : 64;
	memcpy(b + 8, s->saddr6, 16);
	memcpy(b + 24, s->daddr6, 16);
}

int seg_build6(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e)
{
	uint8_t opts[SEG_OPT_SPACE];
	size_t optlen, tlen, tot;
	uint8_t *t = buf + IP6_HDR;

	if (seg_opts_encode(&s->opts, opts, &optlen, e) < 0)
		return -1;
	if (s->len > 0 && !s->payload)
		return err_set(e, "payload length %u but no payload pointer", s->len);
	tlen = TCP_HDR + optlen + (size_t)s->len;
	tot = IP6_HDR + tlen;
	if (tot > SEG_IP_MAX)
		return err_set(e, "segment of %zu bytes exceeds the maximum %d", tot, SEG_IP_MAX);
	if (tot > cap)
		return err_set(e, "buffer too small: segment needs %zu bytes, have %zu", tot,
			       cap);
	ip6_write(s, buf, tlen);
	bytes_put16(t, s->sport);
	bytes_put16(t + 2, s->dport);
	bytes_put32(t + 4, s->seq);
	bytes_put32(t + 8, s->ack);
	t[12] = (uint8_t)(((TCP_HDR + optlen) / 4) << 4);
	t[13] = s->flags;
	bytes_put16(t + 14, s->win);
	bytes_put16(t + 16, 0);
	bytes_put16(t + 18, s->urp);
	memcpy(t + TCP_HDR, opts, optlen);
	if (s->len > 0)
		memcpy(t + TCP_HDR + optlen, s->payload, s->len);
	/* RFC 8200 §8.1: the checksum covers the IPv6 pseudo-header, unlike IPv4 optional. */
	bytes_put16(t + 16, seg_csum_tcp6(s->saddr6, s->daddr6, t, tlen));
	*out_len = tot;
	return 0;
}

int seg_parse6(const uint8_t *buf, size_t len, struct seg *s, struct err *e)
{
	if (seg_parse_cap(buf, len, s, e) < 0)
		return -1;
	/* A whole datagram was handed over: bytes missing from it mean it was truncated. */
	if (s->cut || s->opts_cut)
		return err_set(e, "truncated: the IPv6 datagram says %u more bytes than the %zu "
			       "given", s->cut + s->opts_cut, len);
	return 0;
}
