/* seg_print.c - tcpdump-style one-line text for a segment: flags, seq/ack, window, options. */
#include "seg.h"

#include "bytes.h"

#include <stdarg.h>
#include <stdio.h>

/* An snprintf-like appender: keeps counting past the end so the caller learns the full
 * length, never writes past cap, and always leaves buf NUL-terminated when cap > 0. */
struct out {
	char *buf;
	size_t cap;
	size_t n;
};

static void out_printf(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static void out_printf(struct out *o, const char *fmt, ...)
{
	va_list ap;
	int r;

	va_start(ap, fmt);
	r = vsnprintf(o->n < o->cap ? o->buf + o->n : NULL, o->n < o->cap ? o->cap - o->n : 0,
		      fmt, ap);
	va_end(ap);
	if (r > 0)
		o->n += (size_t)r;
}

/* tcpdump's tcp_flag_values table order (print-tcp.c): F S R P . U E W, verified against
 * tcpdump 4.99.3 in tests/unit/test_seg_print.c. */
const char *seg_flags_str(uint8_t flags, char *buf)
{
	static const char letters[] = "FSRP.UEW";
	int i, n = 0;

	for (i = 0; i < 8; i++)
		if (flags & (1u << i))
			buf[n++] = letters[i];
	if (n == 0)
		n = snprintf(buf, 12, "none");
	buf[n] = '\0';
	return buf;
}

/* One option of length olen (already bounds-checked) in tcpdump's spelling. SACK edges
 * are printed relative to ack_base, as tcpdump does. */
static void opt_print(struct out *o, const uint8_t *q, uint8_t olen, uint32_t ack_base)
{
	int i;

	switch (q[0]) {
	case SEG_OPT_MSS: out_printf(o, "mss %u", (unsigned)(q[2] << 8 | q[3])); return;
	case SEG_OPT_WSCALE: out_printf(o, "wscale %u", q[2]); return;
	case SEG_OPT_SACK_PERM: out_printf(o, "sackOK"); return;
	case SEG_OPT_TS: out_printf(o, "TS val %u ecr %u", bytes_get32(q + 2), bytes_get32(q + 6)); return;
	case SEG_OPT_SACK:
		out_printf(o, "sack %u ", (olen - 2) / 8);
		for (i = 2; i + 8 <= olen; i += 8)
			out_printf(o, "{%u:%u}", bytes_get32(q + i) - ack_base, bytes_get32(q + i + 4) - ack_base);
		return;
	default:
		/* tcpdump decodes a few more kinds (md5, mptcp, tfo, uto, ...); synlab prints
		 * every kind it does not decode the way tcpdump prints unknown ones. */
		out_printf(o, "unknown-%u", q[0]);
		if (olen > 2)
			out_printf(o, " 0x");
		for (i = 2; i < olen; i++)
			out_printf(o, "%02x", q[i]);
	}
}

/* Does this option fit as tcpdump would decode it? (mirrors seg_opts_parse's checks for
 * callers that filled raw[] by hand) */
static int opt_len_ok(const uint8_t *p, size_t len, size_t off)
{
	return off + 1 < len && p[off + 1] >= 2 && off + p[off + 1] <= len;
}

/* ", options [a,b,...]" over the wire bytes; stops after EOL like tcpdump. */
static void opts_print(struct out *o, const uint8_t *p, size_t len, uint32_t ack_base)
{
	size_t off = 0;

	if (len == 0)
		return;
	out_printf(o, ", options [");
	while (off < len) {
		if (off > 0)
			out_printf(o, ",");
		if (p[off] == SEG_OPT_EOL || p[off] == SEG_OPT_NOP) {
			out_printf(o, p[off] == SEG_OPT_EOL ? "eol" : "nop");
			if (p[off++] == SEG_OPT_EOL)
				break;
			continue;
		}
		if (!opt_len_ok(p, len, off)) {
			out_printf(o, "bad opt");
			break;
		}
		opt_print(o, p + off, p[off + 1], ack_base);
		off += p[off + 1];
	}
	out_printf(o, "]");
}

/* tcpdump prints seq only for data or SYN/FIN/RST, ack only with ACK, urg only with URG
 * (print-tcp.c, non-verbose). */
int seg_format(const struct seg *s, uint32_t seq_base, uint32_t ack_base, char *buf,
	       size_t cap)
{
	struct out o = { buf, cap, 0 };
	uint8_t opts[SEG_OPT_SPACE];
	size_t optlen = 0;
	char fl[12];
	uint32_t seq = s->seq - seq_base;

	if (cap > 0)
		buf[0] = '\0';
	out_printf(&o, "Flags [%s]", seg_flags_str(s->flags, fl));
	if (s->len > 0)
		out_printf(&o, ", seq %u:%u", seq, seq + s->len);
	else if (s->flags & (SEG_SYN | SEG_FIN | SEG_RST))
		out_printf(&o, ", seq %u", seq);
	if (s->flags & SEG_ACK)
		out_printf(&o, ", ack %u", s->ack - ack_base);
	out_printf(&o, ", win %u", s->win);
	if (s->flags & SEG_URG)
		out_printf(&o, ", urg %u", s->urp);
	if (seg_opts_encode(&s->opts, opts, &optlen, NULL) == 0)
		opts_print(&o, opts, optlen, ack_base);
	else
		out_printf(&o, ", options [too long]");
	out_printf(&o, ", length %u", s->len);
	return (int)o.n;
}

int seg_format_addrs(const struct seg *s, char *buf, size_t cap)
{
	char a[SEG_ADDR_STR], b[SEG_ADDR_STR];

	return snprintf(buf, cap, "%s.%u > %s.%u", seg_addr_str(s, true, a, sizeof(a)), s->sport,
			seg_addr_str(s, false, b, sizeof(b)), s->dport);
}
