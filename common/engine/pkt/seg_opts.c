/* seg_opts.c - TCP options: parse wire bytes into struct seg_opts, encode it back (Linux order). */
#include "seg.h"

#include <string.h>

#include "bytes.h"


/* Fixed lengths: RFC 9293 §3.2 (MSS 4), RFC 7323 §2.2 and §3.2 (WS 3, TS 10),
 * RFC 2018 §2 (SACK-permitted 2). 0 means "not a fixed-length kind". */
static int opt_fixed_len(uint8_t kind)
{
	switch (kind) {
	case SEG_OPT_MSS: return 4;
	case SEG_OPT_WSCALE: return 3;
	case SEG_OPT_SACK_PERM: return 2;
	case SEG_OPT_TS: return 10;
	default: return 0;
	}
}

static const char *opt_name(uint8_t kind)
{
	switch (kind) {
	case SEG_OPT_MSS: return "MSS";
	case SEG_OPT_WSCALE: return "window scale";
	case SEG_OPT_SACK_PERM: return "SACK-permitted";
	case SEG_OPT_TS: return "timestamps";
	default: return "?";
	}
}

/* Checks the length byte of the option of `kind` at offset off (RFC 9293 §3.2: kinds other
 * than EOL and NOP carry a length that counts the kind and length octets). */
static int opt_check_len(const uint8_t *p, size_t len, size_t off, struct err *e)
{
	uint8_t kind = p[off], olen;
	int fixed = opt_fixed_len(kind);

	if (off + 1 >= len)
		return err_set(e, "option kind %u at offset %zu has no length byte (past the "
			       "header end)", kind, off);
	olen = p[off + 1];
	if (olen < 2)
		return err_set(e, "option kind %u at offset %zu has length %u (must be >= 2)",
			       kind, off, olen);
	if (off + olen > len)
		return err_set(e, "option kind %u at offset %zu, length %u, runs past the "
			       "header end (%zu option bytes)", kind, off, olen, len);
	if (fixed && olen != fixed)
		return err_set(e, "%s option has length %u, must be %d", opt_name(kind), olen,
			       fixed);
	/* RFC 2018 §3: a SACK option with n blocks is 8n+2 bytes long, n >= 1. */
	if (kind == SEG_OPT_SACK && (olen < 10 || (olen - 2) % 8 != 0))
		return err_set(e, "SACK option has length %u, must be 2+8n with n >= 1", olen);
	return 0;
}

/* Stores one well-formed option (kind, length and bounds already checked). */
static void opt_store(const uint8_t *q, uint8_t olen, struct seg_opts *o)
{
	int i;

	switch (q[0]) {
	case SEG_OPT_MSS: o->has_mss = true; o->mss = bytes_get16(q + 2); break;
	case SEG_OPT_WSCALE: o->has_wscale = true; o->wscale = q[2]; break;
	case SEG_OPT_SACK_PERM: o->sack_perm = true; break;
	case SEG_OPT_TS:
		o->has_ts = true;
		o->tsval = bytes_get32(q + 2);
		o->tsecr = bytes_get32(q + 6);
		break;
	case SEG_OPT_SACK:
		o->nsack = (uint8_t)((olen - 2) / 8);
		for (i = 0; i < o->nsack; i++) {
			o->sack[i].left = bytes_get32(q + 2 + 8 * i);
			o->sack[i].right = bytes_get32(q + 6 + 8 * i);
		}
		break;
	default: o->nunknown++; break;
	}
}

/* Walks the option list; stops at EOL (RFC 9293 §3.2: the bytes after EOL are padding). */
int seg_opts_parse(const uint8_t *p, size_t len, struct seg_opts *o, struct err *e)
{
	size_t off = 0;

	memset(o, 0, sizeof(*o));
	if (len > SEG_OPT_SPACE)
		return err_set(e, "%zu option bytes, at most %d fit in a TCP header", len,
			       SEG_OPT_SPACE);
	if (len > 0)
		memcpy(o->raw, p, len);
	o->raw_len = (uint8_t)len;
	while (off < len && p[off] != SEG_OPT_EOL) {
		if (p[off] == SEG_OPT_NOP) {
			off++;
			continue;
		}
		if (opt_check_len(p, len, off, e) < 0)
			return -1;
		opt_store(p + off, p[off + 1], o);
		off += p[off + 1];
	}
	return 0;
}

/* Appends n bytes; fails (returns -1) when they would not fit in SEG_OPT_SPACE. */
static int opt_put(uint8_t *out, size_t *pos, const uint8_t *bytes, size_t n)
{
	if (*pos + n > SEG_OPT_SPACE)
		return -1;
	memcpy(out + *pos, bytes, n);
	*pos += n;
	return 0;
}

/* MSS and SACK-permitted/timestamps as Linux's tcp_options_write() lays them out:
 * SACK-permitted shares a word with the timestamp, or takes two NOPs before it. */
static int opts_encode_syn_part(const struct seg_opts *o, uint8_t *out, size_t *pos)
{
	uint8_t b[12];

	if (o->has_mss) {
		b[0] = SEG_OPT_MSS; b[1] = 4; bytes_put16(b + 2, o->mss);
		if (opt_put(out, pos, b, 4) < 0)
			return -1;
	}
	if (o->has_ts) {
		b[0] = o->sack_perm ? SEG_OPT_SACK_PERM : SEG_OPT_NOP;
		b[1] = o->sack_perm ? 2 : SEG_OPT_NOP;
		b[2] = SEG_OPT_TS; b[3] = 10;
		bytes_put32(b + 4, o->tsval);
		bytes_put32(b + 8, o->tsecr);
		return opt_put(out, pos, b, 12);
	}
	if (o->sack_perm) {
		b[0] = SEG_OPT_NOP; b[1] = SEG_OPT_NOP; b[2] = SEG_OPT_SACK_PERM; b[3] = 2;
		return opt_put(out, pos, b, 4);
	}
	return 0;
}

/* Window scale (NOP first) and SACK blocks (two NOPs first), Linux's order. */
static int opts_encode_ws_sack(const struct seg_opts *o, uint8_t *out, size_t *pos)
{
	uint8_t b[4 + 8 * SEG_MAX_SACK];
	int i, n = o->nsack > SEG_MAX_SACK ? SEG_MAX_SACK : o->nsack;

	if (o->has_wscale) {
		b[0] = SEG_OPT_NOP; b[1] = SEG_OPT_WSCALE; b[2] = 3; b[3] = o->wscale;
		if (opt_put(out, pos, b, 4) < 0)
			return -1;
	}
	if (o->nsack == 0)
		return 0;
	if (o->nsack > SEG_MAX_SACK)
		return -1;
	b[0] = SEG_OPT_NOP; b[1] = SEG_OPT_NOP; b[2] = SEG_OPT_SACK; b[3] = (uint8_t)(2 + 8 * n);
	for (i = 0; i < n; i++) {
		bytes_put32(b + 4 + 8 * i, o->sack[i].left);
		bytes_put32(b + 8 + 8 * i, o->sack[i].right);
	}
	return opt_put(out, pos, b, 4 + 8 * (size_t)n);
}

/* raw[] verbatim when raw_len > 0 (padded with zero bytes, i.e. EOL, to a multiple of 4),
 * else the decoded fields in Linux's order. out holds SEG_OPT_SPACE bytes. */
int seg_opts_encode(const struct seg_opts *o, uint8_t *out, size_t *out_len, struct err *e)
{
	size_t pos = 0;

	if (o->raw_len > 0) {
		if (o->raw_len > SEG_OPT_SPACE)
			return err_set(e, "raw options are %u bytes, at most %d fit",
				       o->raw_len, SEG_OPT_SPACE);
		memcpy(out, o->raw, o->raw_len);
		pos = o->raw_len;
		while (pos % 4)
			out[pos++] = SEG_OPT_EOL;
	} else if (opts_encode_syn_part(o, out, &pos) < 0 ||
		   opts_encode_ws_sack(o, out, &pos) < 0) {
		return err_set(e, "options exceed the %d bytes a TCP header can hold (or more "
			       "than %d SACK blocks)", SEG_OPT_SPACE, SEG_MAX_SACK);
	}
	*out_len = pos;
	return 0;
}
