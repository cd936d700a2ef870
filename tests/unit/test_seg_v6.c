/* test_seg_v6.c - IPv6 seg_build/seg_parse against vectors whose checksums tshark verified (RFC 8200 §8.1). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "seg.h"

/*
 * The vectors were made by a separate Python script (its own RFC 1071 sum over the
 * RFC 8200 §8.1 pseudo-header: source, destination, 32-bit upper-layer length, 24 zero
 * bits, next header 6) and written to a pcap that `tshark -o tcp.check_checksum:TRUE`
 * reported as tcp.checksum.status 1 (good) for both: SYN 0x3aaa, data 0x0824.
 */
static const uint8_t v6_syn[] = {	/* fd00:5359::1.40000 > fd00:5359::2.8080 S, mss 1440 */
	0x60,0x00,0x00,0x00,0x00,0x18,0x06,0x40,0xfd,0x00,0x53,0x59,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0xfd,0x00,0x53,0x59,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x02,0x9c,0x40,0x1f,0x90,0x00,0x00,0x03,0xe8,
	0x00,0x00,0x00,0x00,0x60,0x02,0xfd,0x20,0x3a,0xaa,0x00,0x00,0x02,0x04,0x05,0xa0,
};
static const uint8_t v6_data[] = {	/* fd00:5359::2.8080 > ::1.40000 P., "Server: abc" (odd) */
	0x60,0x00,0x00,0x00,0x00,0x1f,0x06,0x40,0xfd,0x00,0x53,0x59,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x02,0xfd,0x00,0x53,0x59,0x00,0x00,0x00,0x00,
	0x00,0x00,0x00,0x00,0x00,0x00,0x00,0x01,0x1f,0x90,0x9c,0x40,0x00,0x00,0x1b,0x58,
	0x00,0x00,0x03,0xf7,0x50,0x18,0x01,0xf6,0x08,0x24,0x00,0x00,0x53,0x65,0x72,0x76,
	0x65,0x72,0x3a,0x20,0x61,0x62,0x63,
};

static void addr6(uint8_t a[16], uint8_t last)
{
	static const uint8_t pfx[4] = { 0xfd, 0x00, 0x53, 0x59 };

	memset(a, 0, 16);
	memcpy(a, pfx, 4);
	a[15] = last;
}

static struct seg syn_seg(void)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.ipv = 6;
	addr6(s.saddr6, 1);
	addr6(s.daddr6, 2);
	s.sport = 40000;
	s.dport = 8080;
	s.seq = 1000;
	s.flags = SEG_SYN;
	s.win = 64800;
	s.opts.has_mss = true;
	s.opts.mss = 1440;
	return s;
}

static void build_v6_syn_matches_vector(void **state)
{
	uint8_t out[256];
	struct seg s = syn_seg();
	struct err e = { "" };
	size_t n = 0;

	(void)state;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(n, sizeof(v6_syn));
	assert_memory_equal(out, v6_syn, n);
}

static void build_v6_odd_payload_matches_vector(void **state)
{
	static const char text[] = "Server: abc";
	uint8_t out[256];
	struct seg s;
	struct err e = { "" };
	size_t n = 0;

	(void)state;
	memset(&s, 0, sizeof(s));
	s.ipv = 6;
	addr6(s.saddr6, 2);
	addr6(s.daddr6, 1);
	s.sport = 8080;
	s.dport = 40000;
	s.seq = 7000;
	s.ack = 1015;
	s.flags = SEG_PSH | SEG_ACK;
	s.win = 502;
	s.payload = (const uint8_t *)text;
	s.len = (uint32_t)strlen(text);
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(n, sizeof(v6_data));
	assert_memory_equal(out, v6_data, n);
}

static void parse_v6_vectors_checksums_good(void **state)
{
	struct seg s;
	struct err e = { "" };
	uint8_t a[16];

	(void)state;
	assert_int_equal(seg_parse(v6_syn, sizeof(v6_syn), &s, &e), 0);
	assert_int_equal(s.ipv, 6);
	addr6(a, 1);
	assert_memory_equal(s.saddr6, a, 16);
	assert_true(s.tcp_csum_ok);
	assert_true(s.opts.has_mss);
	assert_int_equal(s.opts.mss, 1440);
	assert_int_equal(s.flags, SEG_SYN);
	assert_int_equal(seg_parse(v6_data, sizeof(v6_data), &s, &e), 0);
	assert_true(s.tcp_csum_ok);
	assert_int_equal(s.len, 11);
	assert_int_equal(s.ack, 1015);
	assert_memory_equal(s.payload, "Server: abc", 11);
}

/* One flipped address bit must break the checksum: the pseudo-header covers addresses. */
static void parse_v6_changed_address_fails_checksum(void **state)
{
	uint8_t b[sizeof(v6_data)];
	struct seg s;
	struct err e = { "" };

	(void)state;
	memcpy(b, v6_data, sizeof(b));
	b[23] ^= 0x04;	/* source fd00:5359::2 -> ::6 */
	assert_int_equal(seg_parse(b, sizeof(b), &s, &e), 0);
	assert_false(s.tcp_csum_ok);
}

static void parse_v6_truncated_refused(void **state)
{
	struct seg s;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_parse(v6_data, sizeof(v6_data) - 3, &s, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(seg_parse(v6_syn, 30, &s, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
}

static void build_v6_parse_round_trip(void **state)
{
	uint8_t out[256];
	struct seg s = syn_seg(), p;
	struct err e = { "" };
	size_t n = 0;

	(void)state;
	s.ttl = 7;
	s.tos = 0x28;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(seg_parse(out, n, &p, &e), 0);
	assert_int_equal(p.ttl, 7);
	assert_int_equal(p.tos, 0x28);
	assert_memory_equal(p.daddr6, s.daddr6, 16);
	assert_int_equal(p.seq, 1000);
	assert_true(p.tcp_csum_ok);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_v6_syn_matches_vector),
		cmocka_unit_test(build_v6_odd_payload_matches_vector),
		cmocka_unit_test(parse_v6_vectors_checksums_good),
		cmocka_unit_test(parse_v6_changed_address_fails_checksum),
		cmocka_unit_test(parse_v6_truncated_refused),
		cmocka_unit_test(build_v6_parse_round_trip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
