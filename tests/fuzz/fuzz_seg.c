/* fuzz_seg.c - fuzz target: seg_parse, seg_format and seg_build must round-trip any datagram. */
#include <string.h>

#include "fuzz.h"
#include "seg.h"

/* Every formatter on a parsed segment; a short buffer must truncate, never overflow. */
static void format_all(const struct seg *s)
{
	char line[512], small[7], flags[12];
	int n = seg_format(s, s->seq, s->ack, line, sizeof(line));

	FUZZ_CHECK(n >= 0);
	FUZZ_CHECK((size_t)n >= sizeof(line) || strlen(line) == (size_t)n);
	FUZZ_CHECK(seg_format(s, 0, 0, small, sizeof(small)) == seg_format(s, 0, 0, line,
									     sizeof(line)));
	FUZZ_CHECK(strlen(small) < sizeof(small));
	FUZZ_CHECK(seg_format_addrs(s, line, sizeof(line)) >= 0);
	FUZZ_CHECK(strlen(seg_flags_str(s->flags, flags)) < sizeof(flags));
}

/* What seg_build must preserve of a parsed segment. */
static void same_seg(const struct seg *a, const struct seg *b)
{
	FUZZ_CHECK(a->saddr == b->saddr && a->daddr == b->daddr);
	FUZZ_CHECK(a->tos == b->tos && a->ip_id == b->ip_id && a->df == b->df);
	FUZZ_CHECK(b->ttl == (a->ttl ? a->ttl : 64));
	FUZZ_CHECK(a->sport == b->sport && a->dport == b->dport);
	FUZZ_CHECK(a->seq == b->seq && a->ack == b->ack && a->flags == b->flags);
	FUZZ_CHECK(a->win == b->win && a->urp == b->urp);
	FUZZ_CHECK(a->len == b->len && memcmp(a->payload, b->payload, a->len) == 0);
	FUZZ_CHECK(a->opts.raw_len == b->opts.raw_len);
	FUZZ_CHECK(memcmp(a->opts.raw, b->opts.raw, a->opts.raw_len) == 0);
	FUZZ_CHECK(a->opts.has_mss == b->opts.has_mss && a->opts.mss == b->opts.mss);
	FUZZ_CHECK(a->opts.nsack == b->opts.nsack && a->opts.has_ts == b->opts.has_ts);
	FUZZ_CHECK(b->ip_csum_ok && b->tcp_csum_ok);
}

/* Decoded options re-encoded from the fields (raw_len 0) must parse to the same fields. */
static void opts_round_trip(const struct seg_opts *o)
{
	struct seg_opts d = *o, back;
	uint8_t buf[SEG_OPT_SPACE];
	size_t n = 0;
	struct err e;

	d.raw_len = 0;
	if (seg_opts_encode(&d, buf, &n, &e) < 0)
		return;
	FUZZ_CHECK(n <= SEG_OPT_SPACE && n % 4 == 0);
	FUZZ_CHECK(seg_opts_parse(buf, n, &back, &e) == 0);
	FUZZ_CHECK(back.has_mss == o->has_mss && (!o->has_mss || back.mss == o->mss));
	FUZZ_CHECK(back.has_wscale == o->has_wscale && back.sack_perm == o->sack_perm);
	FUZZ_CHECK(back.nsack == o->nsack && back.has_ts == o->has_ts);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static uint8_t out[SEG_IP_MAX];
	struct seg s, back;
	struct seg_opts o;
	struct err e;
	size_t n = 0;

	if (seg_opts_parse(data, size < SEG_OPT_SPACE ? size : SEG_OPT_SPACE, &o, &e) == 0)
		opts_round_trip(&o);
	if (seg_parse(data, size, &s, &e) < 0) {
		FUZZ_CHECK(memchr(e.msg, '\0', sizeof(e.msg)) != NULL);
		return 0;
	}
	format_all(&s);
	opts_round_trip(&s.opts);
	FUZZ_CHECK(seg_build(&s, out, sizeof(out), &n, &e) == 0);
	FUZZ_CHECK(seg_parse(out, n, &back, &e) == 0);
	same_seg(&s, &back);
	return 0;
}
