/* test_seg_parse.c - seg_parse / seg_opts_parse on kernel captures, hand-made and malformed segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "seg.h"
#include "../vectors/kernel_handshake.h"

/* A hand-made SYN, 198.18.0.1:40000 > 198.18.0.2:8080, seq 1000, mss 1460.
 * Checksums computed independently (Python) when the test was written. */
static const uint8_t syn_mss[] = {
	/* IPv4 header: v4 IHL 5, tos 0, total 44, id 1, DF, ttl 64, TCP, csum 0xaea3 */
	0x45, 0x00, 0x00, 0x2c, 0x00, 0x01, 0x40, 0x00, 0x40, 0x06, 0xae, 0xa3,
	0xc6, 0x12, 0x00, 0x01, /* 198.18.0.1 */
	0xc6, 0x12, 0x00, 0x02, /* 198.18.0.2 */
	/* TCP header: 40000 > 8080, seq 1000, ack 0, doff 6, SYN, win 64240, csum 0x5155 */
	0x9c, 0x40, 0x1f, 0x90, 0x00, 0x00, 0x03, 0xe8, 0x00, 0x00, 0x00, 0x00,
	0x60, 0x02, 0xfa, 0xf0, 0x51, 0x55, 0x00, 0x00,
	/* TCP options: MSS 1460 */
	0x02, 0x04, 0x05, 0xb4,
};

/* Writes a 20-byte IPv4 header and a TCP header with the given options (checksums left 0:
 * these segments test rejection, not checksums). Returns the total length. */
static size_t mk_seg(uint8_t *b, const uint8_t *opts, size_t optlen, size_t paylen)
{
	size_t tot = 20 + 20 + optlen + paylen;

	memset(b, 0, tot);
	b[0] = 0x45; b[2] = (uint8_t)(tot >> 8); b[3] = (uint8_t)tot;
	b[8] = 64; b[9] = 6;
	b[12] = 198; b[13] = 18; b[15] = 1; b[16] = 198; b[17] = 18; b[19] = 2;
	b[20] = 0x9c; b[21] = 0x40; b[22] = 0x1f; b[23] = 0x90;
	b[32] = (uint8_t)(((20 + optlen) / 4) << 4); b[33] = 0x10;
	if (optlen)
		memcpy(b + 40, opts, optlen);
	return tot;
}

/* Expects rejection with a message containing want. */
static void expect_reject(const uint8_t *b, size_t len, const char *want)
{
	struct seg s;
	struct err e = { "" };

	assert_int_equal(seg_parse(b, len, &s, &e), -1);
	if (!strstr(e.msg, want))
		fail_msg("message \"%s\" lacks \"%s\"", e.msg, want);
}

/* Expects the options (padded to a multiple of 4 with EOL) to be rejected. */
static void expect_opts_reject(const uint8_t *opts, size_t optlen, const char *want)
{
	uint8_t b[80];
	size_t padded = (optlen + 3) & ~(size_t)3;
	uint8_t o[40] = { 0 };

	memcpy(o, opts, optlen);
	expect_reject(b, mk_seg(b, o, padded, 0), want);
}

static void parse_handmade_syn_fields(void **state)
{
	struct seg s;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_parse(syn_mss, sizeof(syn_mss), &s, &e), 0);
	assert_int_equal(s.saddr, 0xc6120001u);
	assert_int_equal(s.daddr, 0xc6120002u);
	assert_int_equal(s.ttl, 64);
	assert_int_equal(s.ip_id, 1);
	assert_true(s.df);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.dport, 8080);
	assert_int_equal(s.seq, 1000);
	assert_int_equal(s.flags, SEG_SYN);
	assert_int_equal(s.win, 64240);
	assert_true(s.opts.has_mss);
	assert_int_equal(s.opts.mss, 1460);
	assert_false(s.opts.has_ts);
	assert_int_equal(s.len, 0);
	assert_true(s.ip_csum_ok);
	assert_true(s.tcp_csum_ok);
	assert_int_equal(s.ip_csum, 0xaea3);
	assert_int_equal(s.tcp_csum, 0x5155);
}

/* Values from tcpdump's reading of the same packets (kernel_handshake.txt). */
static void parse_kernel_syn_options(void **state)
{
	struct seg s;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_parse(kernel_pkt0, sizeof(kernel_pkt0), &s, &e), 0);
	assert_int_equal(s.sport, 48402);
	assert_int_equal(s.dport, 18080);
	assert_int_equal(s.seq, 760153279u);
	assert_int_equal(s.flags, SEG_SYN);
	assert_int_equal(s.win, 64240);
	assert_true(s.opts.has_mss && s.opts.mss == 1460);
	assert_true(s.opts.sack_perm);
	assert_true(s.opts.has_ts);
	assert_int_equal(s.opts.tsval, 2704170333u);
	assert_int_equal(s.opts.tsecr, 0);
	assert_true(s.opts.has_wscale && s.opts.wscale == 10);
	assert_int_equal(s.opts.nunknown, 0);
	assert_int_equal(s.opts.raw_len, 20);
}

static void parse_kernel_data_payload(void **state)
{
	struct seg s;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_parse(kernel_pkt3, sizeof(kernel_pkt3), &s, &e), 0);
	assert_int_equal(s.flags, SEG_PSH | SEG_ACK);
	assert_int_equal(s.len, 14);
	assert_memory_equal(s.payload, "hello, synlab!", 14);
	assert_ptr_equal(s.payload, kernel_pkt3 + sizeof(kernel_pkt3) - 14);
	assert_int_equal(s.seq, 760153280u);
	assert_int_equal(s.ack, 1612604930u);
}

static void parse_kernel_vectors_checksums_verify(void **state)
{
	struct seg s;
	struct err e = { "" };
	int i;

	(void)state;
	for (i = 0; i < KERNEL_NPKTS; i++) {
		assert_int_equal(seg_parse(kernel_pkts[i].bytes, kernel_pkts[i].len, &s, &e), 0);
		assert_true(s.ip_csum_ok);
		assert_true(s.tcp_csum_ok);
	}
}

/* The C arrays must be the IP packets of the pcap (catches a stale kernel_handshake.h). */
static void parse_kernel_arrays_match_pcap(void **state)
{
	char ebuf[PCAP_ERRBUF_SIZE];
	struct pcap_pkthdr *h;
	const u_char *d;
	pcap_t *p = pcap_open_offline("tests/vectors/kernel_handshake.pcap", ebuf);
	int n = 0;

	(void)state;
	if (!p)
		fail_msg("%s (tests run from the repository top)", ebuf);
	while (pcap_next_ex(p, &h, &d) == 1) {
		assert_true(n < KERNEL_NPKTS);
		assert_true(h->caplen >= 14 + kernel_pkts[n].len);
		assert_memory_equal(d + 14, kernel_pkts[n].bytes, kernel_pkts[n].len);
		n++;
	}
	pcap_close(p);
	assert_int_equal(n, KERNEL_NPKTS);
}

static void parse_corrupted_payload_byte_fails_tcp_checksum(void **state)
{
	uint8_t b[sizeof(kernel_pkt3)];
	struct seg s;
	struct err e = { "" };

	(void)state;
	memcpy(b, kernel_pkt3, sizeof(b));
	b[sizeof(b) - 3] ^= 0x20;
	assert_int_equal(seg_parse(b, sizeof(b), &s, &e), 0);
	assert_true(s.ip_csum_ok);
	assert_false(s.tcp_csum_ok);
}

static void parse_corrupted_ip_id_fails_ip_checksum(void **state)
{
	uint8_t b[sizeof(kernel_pkt0)];
	struct seg s;
	struct err e = { "" };

	(void)state;
	memcpy(b, kernel_pkt0, sizeof(b));
	b[5] ^= 0x01;	/* IP id: not in the TCP pseudo-header */
	assert_int_equal(seg_parse(b, sizeof(b), &s, &e), 0);
	assert_false(s.ip_csum_ok);
	assert_true(s.tcp_csum_ok);
}

/* A buffer longer than the IP total length (Ethernet padding) parses; the padding is not
 * payload and does not enter the TCP checksum. */
static void parse_ethernet_padding_ignored(void **state)
{
	uint8_t b[sizeof(kernel_pkt2) + 6];
	struct seg s;
	struct err e = { "" };

	(void)state;
	memcpy(b, kernel_pkt2, sizeof(kernel_pkt2));
	memset(b + sizeof(kernel_pkt2), 0xee, 6);
	assert_int_equal(seg_parse(b, sizeof(b), &s, &e), 0);
	assert_int_equal(s.len, 0);
	assert_true(s.tcp_csum_ok);
}

static void parse_ip_options_skipped(void **state)
{
	uint8_t b[80];
	size_t n = mk_seg(b, NULL, 0, 0);
	struct seg s;
	struct err e = { "" };

	(void)state;
	/* Shift TCP right by 4 bytes and insert one IP option word (NOP NOP NOP EOL). */
	memmove(b + 24, b + 20, n - 20);
	memcpy(b + 20, "\x01\x01\x01\x00", 4);
	b[0] = 0x46;
	b[3] = (uint8_t)(n + 4);
	assert_int_equal(seg_parse(b, n + 4, &s, &e), 0);
	assert_int_equal(s.sport, 40000);
	assert_int_equal(s.flags, SEG_ACK);
}

static void parse_truncated_buffer_rejected(void **state)
{
	(void)state;
	expect_reject(syn_mss, 19, "truncated");
	expect_reject(syn_mss, 0, "truncated");
}

/* Version 6 is read as an IPv6 header (seg_v6.c): these IPv4 bytes then say next header
 * 64 (the IPv4 fragment field's high byte), not TCP. Version 5 is neither. */
static void parse_version_6_read_as_ipv6(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[0] = 0x65;
	expect_reject(b, sizeof(b), "IPv6 protocol 64");
	b[0] = 0x55;
	expect_reject(b, sizeof(b), "version 5");
}

static void parse_ihl_below_5_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[0] = 0x44;
	expect_reject(b, sizeof(b), "IHL 16");
}

static void parse_ihl_past_end_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[0] = 0x4f;	/* 60-byte header in a 44-byte buffer */
	expect_reject(b, sizeof(b), "IHL 60 bytes runs past the end");
}

static void parse_total_length_below_header_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[3] = 19;
	expect_reject(b, sizeof(b), "total length 19 is shorter than the header");
}

static void parse_total_length_past_buffer_rejected(void **state)
{
	(void)state;
	expect_reject(syn_mss, sizeof(syn_mss) - 1, "total length 44 exceeds the 43 bytes");
}

static void parse_protocol_udp_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[9] = 17;
	expect_reject(b, sizeof(b), "protocol 17 is not TCP");
}

static void parse_fragment_mf_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[6] = 0x20;	/* MF, offset 0 */
	expect_reject(b, sizeof(b), "fragment (MF 1, offset 0)");
}

static void parse_fragment_offset_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[6] = 0x40; b[7] = 0x03;	/* DF, offset 3 * 8 */
	expect_reject(b, sizeof(b), "fragment (MF 0, offset 24)");
}

static void parse_truncated_tcp_header_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[3] = 39;	/* 19 TCP bytes */
	expect_reject(b, sizeof(b), "truncated TCP header: 19 bytes");
}

static void parse_data_offset_below_5_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[32] = 0x40;
	expect_reject(b, sizeof(b), "data offset 16 bytes is below the minimum");
}

static void parse_truncated_data_offset_rejected(void **state)
{
	uint8_t b[sizeof(syn_mss)];

	(void)state;
	memcpy(b, syn_mss, sizeof(b));
	b[32] = 0x70;	/* 28-byte header, 24 TCP bytes present */
	expect_reject(b, sizeof(b), "data offset 28 bytes runs past the end");
}

static void opts_length_0_rejected(void **state)
{
	(void)state;
	expect_opts_reject((const uint8_t *)"\x01\x1e\x00\x00", 4, "has length 0");
}

static void opts_length_1_rejected(void **state)
{
	(void)state;
	expect_opts_reject((const uint8_t *)"\x02\x01\x05\xb4", 4, "has length 1");
}

static void opts_past_header_end_rejected(void **state)
{
	(void)state;
	/* MSS, then an unknown kind 30 claiming 8 bytes with only 4 left */
	expect_opts_reject((const uint8_t *)"\x02\x04\x05\xb4\x1e\x08\x00\x00", 8,
			   "length 8, runs past the header end");
}

static void opts_kind_without_length_byte_rejected(void **state)
{
	(void)state;
	expect_opts_reject((const uint8_t *)"\x01\x01\x01\x03", 4, "has no length byte");
}

static void opts_wrong_fixed_lengths_rejected(void **state)
{
	(void)state;
	expect_opts_reject((const uint8_t *)"\x02\x03\x05\x01", 4, "MSS option has length 3");
	expect_opts_reject((const uint8_t *)"\x03\x04\x07\x01", 4,
			   "window scale option has length 4");
	expect_opts_reject((const uint8_t *)"\x04\x03\x00\x01", 4,
			   "SACK-permitted option has length 3");
	expect_opts_reject((const uint8_t *)"\x08\x0c\x00\x00\x00\x01\x00\x00\x00\x02\x00\x00",
			   12, "timestamps option has length 12");
}

static void opts_sack_length_not_2_plus_8n_rejected(void **state)
{
	(void)state;
	expect_opts_reject((const uint8_t *)"\x01\x01\x05\x06\x00\x00\x00\x01", 8,
			   "SACK option has length 6");
	expect_opts_reject((const uint8_t *)"\x01\x01\x05\x02", 4, "SACK option has length 2");
}

static void opts_sack_blocks_decoded(void **state)
{
	static const uint8_t o[] = {
		0x01, 0x01, 0x05, 0x12,			/* NOP NOP SACK len 18 */
		0x00, 0x00, 0x10, 0x00, 0x00, 0x00, 0x20, 0x00,	/* {4096:8192} */
		0xff, 0xff, 0xff, 0xf0, 0x00, 0x00, 0x00, 0x10,	/* wraps: {2^32-16:16} */
	};
	struct seg_opts so;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_opts_parse(o, sizeof(o), &so, &e), 0);
	assert_int_equal(so.nsack, 2);
	assert_int_equal(so.sack[0].left, 4096);
	assert_int_equal(so.sack[0].right, 8192);
	assert_int_equal(so.sack[1].left, 0xfffffff0u);
	assert_int_equal(so.sack[1].right, 16);
}

static void opts_unknown_kept_and_counted(void **state)
{
	static const uint8_t o[] = {
		0x63, 0x04, 0xab, 0xcd,		/* kind 99, 2 data bytes */
		0xfd, 0x02,			/* kind 253, no data */
		0x03, 0x03, 0x07,		/* wscale 7 */
		0x00,				/* EOL */
	};
	struct seg_opts so;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_opts_parse(o, sizeof(o), &so, &e), 0);
	assert_int_equal(so.nunknown, 2);
	assert_true(so.has_wscale && so.wscale == 7);
	assert_int_equal(so.raw_len, sizeof(o));
	assert_memory_equal(so.raw, o, sizeof(o));
}

/* RFC 9293 §3.2: bytes after EOL are padding, not options (garbage there is ignored). */
static void opts_eol_stops_parsing(void **state)
{
	static const uint8_t o[] = { 0x02, 0x04, 0x05, 0xb4, 0x00, 0x02, 0x00, 0x99 };
	struct seg_opts so;
	struct err e = { "" };

	(void)state;
	assert_int_equal(seg_opts_parse(o, sizeof(o), &so, &e), 0);
	assert_true(so.has_mss);
	assert_int_equal(so.nunknown, 0);
}

/* Property: what parses yields in-bounds payload and survives build -> parse with the same
 * decoded fields; what does not parse carries a reason. */
static void check_one(const uint8_t *b, size_t len)
{
	struct seg s, s2;
	struct err e = { "" };
	uint8_t out[SEG_IP_MAX];
	size_t n;

	if (seg_parse(b, len, &s, &e) < 0) {
		assert_true(e.msg[0] != '\0');
		return;
	}
	assert_true(s.payload >= b && s.payload + s.len <= b + len);
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(seg_parse(out, n, &s2, &e), 0);
	assert_true(s2.ip_csum_ok && s2.tcp_csum_ok);
	assert_int_equal(s2.seq, s.seq);
	assert_int_equal(s2.flags, s.flags);
	assert_int_equal(s2.len, s.len);
	assert_memory_equal(s2.payload, s.payload, s.len);
	assert_int_equal(s2.opts.nunknown, s.opts.nunknown);
	assert_int_equal(s2.opts.nsack, s.opts.nsack);
	assert_int_equal(s2.opts.tsval, s.opts.tsval);
}

static void parse_random_bytes_never_crash(void **state)
{
	uint8_t b[128];
	unsigned seed = 12345;
	int i, j, parsed = 0;

	(void)state;
	srand(seed);
	for (i = 0; i < 20000; i++) {
		size_t len = (size_t)rand() % sizeof(b);

		for (j = 0; j < (int)len; j++)
			b[j] = (uint8_t)rand();
		if (len >= 20 && i % 2) {	/* make the IP header plausible half the time */
			b[0] = 0x45; b[2] = 0; b[3] = (uint8_t)len; b[6] &= 0x40; b[7] = 0;
			b[9] = 6;
		}
		/* Copy to an exact-size heap block so ASan sees any overread. */
		uint8_t *h = malloc(len ? len : 1);

		assert_non_null(h);
		memcpy(h, b, len);
		parsed += seg_parse(h, len, &(struct seg){ 0 }, NULL) == 0;
		check_one(h, len);
		free(h);
	}
	assert_true(parsed > 100);	/* the plausible half must reach the TCP parser */
}

static void parse_mutated_kernel_vectors_never_crash(void **state)
{
	uint8_t b[128];
	int i, k, parsed = 0;

	(void)state;
	srand(4242);
	for (i = 0; i < 20000; i++) {
		const uint8_t *src = kernel_pkts[i % KERNEL_NPKTS].bytes;
		size_t len = kernel_pkts[i % KERNEL_NPKTS].len;
		int nmut = 1 + rand() % 4;

		memcpy(b, src, len);
		for (k = 0; k < nmut; k++)
			b[(size_t)rand() % len] ^= (uint8_t)(1u << (rand() % 8));
		if (rand() % 4 == 0)
			len = (size_t)rand() % len;	/* truncate */
		uint8_t *h = malloc(len ? len : 1);

		assert_non_null(h);
		memcpy(h, b, len);
		parsed += seg_parse(h, len, &(struct seg){ 0 }, NULL) == 0;
		check_one(h, len);
		free(h);
	}
	assert_true(parsed > 1000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_handmade_syn_fields),
		cmocka_unit_test(parse_kernel_syn_options),
		cmocka_unit_test(parse_kernel_data_payload),
		cmocka_unit_test(parse_kernel_vectors_checksums_verify),
		cmocka_unit_test(parse_kernel_arrays_match_pcap),
		cmocka_unit_test(parse_corrupted_payload_byte_fails_tcp_checksum),
		cmocka_unit_test(parse_corrupted_ip_id_fails_ip_checksum),
		cmocka_unit_test(parse_ethernet_padding_ignored),
		cmocka_unit_test(parse_ip_options_skipped),
		cmocka_unit_test(parse_truncated_buffer_rejected),
		cmocka_unit_test(parse_version_6_read_as_ipv6),
		cmocka_unit_test(parse_ihl_below_5_rejected),
		cmocka_unit_test(parse_ihl_past_end_rejected),
		cmocka_unit_test(parse_total_length_below_header_rejected),
		cmocka_unit_test(parse_total_length_past_buffer_rejected),
		cmocka_unit_test(parse_protocol_udp_rejected),
		cmocka_unit_test(parse_fragment_mf_rejected),
		cmocka_unit_test(parse_fragment_offset_rejected),
		cmocka_unit_test(parse_truncated_tcp_header_rejected),
		cmocka_unit_test(parse_data_offset_below_5_rejected),
		cmocka_unit_test(parse_truncated_data_offset_rejected),
		cmocka_unit_test(opts_length_0_rejected),
		cmocka_unit_test(opts_length_1_rejected),
		cmocka_unit_test(opts_past_header_end_rejected),
		cmocka_unit_test(opts_kind_without_length_byte_rejected),
		cmocka_unit_test(opts_wrong_fixed_lengths_rejected),
		cmocka_unit_test(opts_sack_length_not_2_plus_8n_rejected),
		cmocka_unit_test(opts_sack_blocks_decoded),
		cmocka_unit_test(opts_unknown_kept_and_counted),
		cmocka_unit_test(opts_eol_stops_parsing),
		cmocka_unit_test(parse_random_bytes_never_crash),
		cmocka_unit_test(parse_mutated_kernel_vectors_never_crash),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
