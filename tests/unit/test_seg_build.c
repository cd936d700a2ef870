/* test_seg_build.c - seg_build: kernel round trips, Linux option layout, limits, checksums checked by tshark. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "seg.h"
#include "../vectors/kernel_handshake.h"

static struct seg base_seg(void)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = 0xc6120001u;	/* 198.18.0.1 */
	s.daddr = 0xc6120002u;	/* 198.18.0.2 */
	s.sport = 40000;
	s.dport = 8080;
	s.seq = 1000;
	s.ack = 5000;
	s.flags = SEG_ACK;
	s.win = 502;
	return s;
}

static void build_ok(const struct seg *s, uint8_t *out, size_t *n)
{
	struct err e = { "" };

	if (seg_build(s, out, SEG_IP_MAX, n, &e) < 0)
		fail_msg("seg_build: %s", e.msg);
}

/* parse -> build gives back the kernel's bytes exactly, checksums included. */
static void build_kernel_vectors_round_trip_byte_identical(void **state)
{
	static uint8_t out[SEG_IP_MAX];
	struct seg s;
	struct err e = { "" };
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < KERNEL_NPKTS; i++) {
		assert_int_equal(seg_parse(kernel_pkts[i].bytes, kernel_pkts[i].len, &s, &e), 0);
		build_ok(&s, out, &n);
		assert_int_equal(n, kernel_pkts[i].len);
		assert_memory_equal(out, kernel_pkts[i].bytes, n);
	}
}

/* With raw_len cleared, the decoded fields are re-encoded in Linux's layout: the result
 * must equal what the kernel itself sent (SYN: mss,sackOK,TS,nop,wscale; data: nop,nop,TS). */
static void build_decoded_options_match_kernel_layout(void **state)
{
	static uint8_t out[SEG_IP_MAX];
	struct seg s;
	struct err e = { "" };
	size_t n;
	int i;

	(void)state;
	for (i = 0; i < KERNEL_NPKTS; i++) {
		assert_int_equal(seg_parse(kernel_pkts[i].bytes, kernel_pkts[i].len, &s, &e), 0);
		s.opts.raw_len = 0;
		build_ok(&s, out, &n);
		assert_int_equal(n, kernel_pkts[i].len);
		assert_memory_equal(out, kernel_pkts[i].bytes, n);
	}
}

static void build_ttl_zero_means_64(void **state)
{
	uint8_t out[64];
	struct seg s = base_seg(), p;
	struct err e = { "" };
	size_t n;

	(void)state;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(n, 40);
	assert_int_equal(out[8], 64);
	s.ttl = 7;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(seg_parse(out, n, &p, &e), 0);
	assert_int_equal(p.ttl, 7);
}

static void build_sack_perm_without_ts_uses_nops(void **state)
{
	static const uint8_t want[] = {
		0x02, 0x04, 0x05, 0xb4,	/* MSS 1460 */
		0x01, 0x01, 0x04, 0x02,	/* NOP NOP SACK-permitted */
		0x01, 0x03, 0x03, 0x07,	/* NOP wscale 7 */
	};
	uint8_t out[128];
	struct seg s = base_seg();
	size_t n;

	(void)state;
	s.flags = SEG_SYN;
	s.opts.has_mss = true; s.opts.mss = 1460;
	s.opts.sack_perm = true;
	s.opts.has_wscale = true; s.opts.wscale = 7;
	build_ok(&s, out, &n);
	assert_int_equal(n, 40 + sizeof(want));
	assert_int_equal(out[32] >> 4, 8);
	assert_memory_equal(out + 40, want, sizeof(want));
}

static void build_sack_blocks_follow_two_nops(void **state)
{
	static const uint8_t want[] = {
		0x01, 0x01, 0x08, 0x0a, 0, 0, 0, 9, 0, 0, 0, 8,	/* NOP NOP TS val 9 ecr 8 */
		0x01, 0x01, 0x05, 0x12,				/* NOP NOP SACK len 18 */
		0, 0, 0x13, 0x88, 0, 0, 0x17, 0x70,		/* {5000:6000} */
		0, 0, 0x1b, 0x58, 0, 0, 0x1f, 0x40,		/* {7000:8000} */
	};
	uint8_t out[128];
	struct seg s = base_seg(), p;
	struct err e = { "" };
	size_t n;

	(void)state;
	s.opts.has_ts = true; s.opts.tsval = 9; s.opts.tsecr = 8;
	s.opts.nsack = 2;
	s.opts.sack[0] = (struct seg_sack){ 5000, 6000 };
	s.opts.sack[1] = (struct seg_sack){ 7000, 8000 };
	build_ok(&s, out, &n);
	assert_int_equal(n, 40 + sizeof(want));
	assert_memory_equal(out + 40, want, sizeof(want));
	assert_int_equal(seg_parse(out, n, &p, &e), 0);
	assert_int_equal(p.opts.nsack, 2);
	assert_int_equal(p.opts.sack[1].right, 8000);
}

static void build_options_over_40_bytes_rejected(void **state)
{
	uint8_t out[128];
	struct seg s = base_seg();
	struct err e = { "" };
	size_t n;

	(void)state;
	s.opts.has_ts = true;	/* 12 bytes */
	s.opts.nsack = 4;	/* 4 + 32 bytes: 48 in all */
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), -1);
	assert_non_null(strstr(e.msg, "exceed the 40 bytes"));
	s.opts.nsack = 3;	/* 12 + 28 = 40: fits */
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), 0);
	assert_int_equal(n, 80);
	s.opts.nsack = 5;
	s.opts.has_ts = false;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), -1);
}

static void build_buffer_too_small_rejected(void **state)
{
	uint8_t out[64];
	struct seg s = base_seg();
	struct err e = { "" };
	size_t n = 0;

	(void)state;
	s.payload = (const uint8_t *)"0123456789";
	s.len = 10;
	assert_int_equal(seg_build(&s, out, 49, &n, &e), -1);
	assert_non_null(strstr(e.msg, "buffer too small: segment needs 50 bytes, have 49"));
	assert_int_equal(seg_build(&s, out, 50, &n, &e), 0);
	assert_int_equal(n, 50);
}

static void build_oversized_payload_rejected(void **state)
{
	static uint8_t out[SEG_IP_MAX];
	struct seg s = base_seg();
	struct err e = { "" };
	size_t n;

	(void)state;
	s.payload = out;
	s.len = SEG_IP_MAX - 39;
	assert_int_equal(seg_build(&s, out, sizeof(out), &n, &e), -1);
	assert_non_null(strstr(e.msg, "exceeds the IPv4 maximum"));
}

static void build_raw_options_padded_with_eol(void **state)
{
	uint8_t out[128];
	struct seg s = base_seg(), p;
	struct err e = { "" };
	size_t n;

	(void)state;
	memcpy(s.opts.raw, "\x03\x03\x05", 3);	/* wscale 5, 3 bytes */
	s.opts.raw_len = 3;
	build_ok(&s, out, &n);
	assert_int_equal(n, 44);
	assert_memory_equal(out + 40, "\x03\x03\x05\x00", 4);
	assert_int_equal(seg_parse(out, n, &p, &e), 0);
	assert_true(p.opts.has_wscale && p.opts.wscale == 5);
	assert_int_equal(p.opts.raw_len, 4);
}

/* Writes built segments to a raw-IP pcap and asks tshark to verify both checksums. */
static void build_checksums_verified_by_tshark(void **state)
{
	static const uint8_t odd[] = "odd-length payload!";	/* 19 bytes + NUL: 20 */
	char path[] = "/tmp/synlab-build-XXXXXX";
	char cmd[256], line[64];
	uint8_t out[256];
	struct seg s = base_seg();
	struct pcap_pkthdr h = { { 0, 0 }, 0, 0 };
	int fd = mkstemp(path), lines = 0;
	pcap_t *dead = pcap_open_dead(DLT_RAW, 65535);
	pcap_dumper_t *d;
	size_t n, k;
	FILE *f;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	d = pcap_dump_open(dead, path);
	assert_non_null(d);
	for (k = 0; k < 8; k++) {	/* payload lengths 0..19, odd ones included */
		s.payload = odd;
		s.len = (uint32_t)(k * 19 / 7);
		s.seq = 0xfffffff0u + (uint32_t)k;
		s.opts.has_ts = k & 1; s.opts.tsval = 0xdeadbeef;
		build_ok(&s, out, &n);
		h.caplen = h.len = (bpf_u_int32)n;
		pcap_dump((u_char *)d, &h, out);
	}
	pcap_dump_close(d);
	pcap_close(dead);
	snprintf(cmd, sizeof(cmd), "tshark -r %s -o ip.check_checksum:TRUE "
		 "-o tcp.check_checksum:TRUE -T fields -e ip.checksum.status "
		 "-e tcp.checksum.status 2>/dev/null", path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fgets(line, sizeof(line), f)) {
		assert_string_equal(line, "1\t1\n");	/* 1: Good */
		lines++;
	}
	pclose(f);
	unlink(path);
	assert_int_equal(lines, 8);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(build_kernel_vectors_round_trip_byte_identical),
		cmocka_unit_test(build_decoded_options_match_kernel_layout),
		cmocka_unit_test(build_ttl_zero_means_64),
		cmocka_unit_test(build_sack_perm_without_ts_uses_nops),
		cmocka_unit_test(build_sack_blocks_follow_two_nops),
		cmocka_unit_test(build_options_over_40_bytes_rejected),
		cmocka_unit_test(build_buffer_too_small_rejected),
		cmocka_unit_test(build_oversized_payload_rejected),
		cmocka_unit_test(build_raw_options_padded_with_eol),
		cmocka_unit_test(build_checksums_verified_by_tshark),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
