/* seg_addr.c - a segment's addresses as text (dotted quad, RFC 5952 IPv6) and as one 16-byte key for both families. */
#include "seg.h"

#include <stdio.h>
#include <string.h>

#include "bytes.h"

/* RFC 5952 §4.2: the longest run of two or more zero groups becomes "::" (the first such
 * run on a tie); §4.3: lower-case hex without leading zeros. Written here rather than
 * calling inet_ntop so the engine needs nothing from the socket headers. */
static void fmt6(const uint8_t a[16], char *buf, size_t cap)
{
	int best = -1, bestlen = 1, run = 0;
	size_t n = 0;

	for (int i = 0; i < 8; i++) {
		run = bytes_get16(a + 2 * i) == 0 ? run + 1 : 0;
		if (run > bestlen) {
			bestlen = run;
			best = i - run + 1;
		}
	}
	buf[0] = '\0';
	if (best == 0 && bestlen == 5 && bytes_get16(a + 10) == 0xffff) {
		/* §5: an IPv4-mapped address keeps its dotted quad (::ffff:198.18.0.1). */
		snprintf(buf, cap, "::ffff:%u.%u.%u.%u", a[12], a[13], a[14], a[15]);
		return;
	}
	for (int i = 0; i < 8 && n < cap; i++) {
		if (i == best) {
			n += (size_t)snprintf(buf + n, cap - n, "::");
			i += bestlen - 1;
			continue;
		}
		n += (size_t)snprintf(buf + n, cap - n, "%s%x", n && buf[n - 1] != ':' ? ":" : "",
				      bytes_get16(a + 2 * i));
	}
}

const char *seg_addr_str(const struct seg *s, bool src, char *buf, size_t cap)
{
	uint32_t a = src ? s->saddr : s->daddr;

	if (cap == 0)
		return buf;
	if (s->ipv == 6)
		fmt6(src ? s->saddr6 : s->daddr6, buf, cap);
	else
		snprintf(buf, cap, "%u.%u.%u.%u", a >> 24, a >> 16 & 0xff, a >> 8 & 0xff, a & 0xff);
	return buf;
}

void seg_addr_key(const struct seg *s, bool src, uint8_t out[16])
{
	if (s->ipv == 6) {
		memcpy(out, src ? s->saddr6 : s->daddr6, 16);
		return;
	}
	memset(out, 0, 10);
	out[10] = out[11] = 0xff;
	bytes_put32(out + 12, src ? s->saddr : s->daddr);
}
