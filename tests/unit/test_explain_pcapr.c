/* test_explain_pcapr.c - the capture reader: link types, frame counting, refusal of bad files. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "pcapr.h"

#define VEC "tests/vectors/explain/"

/* Every frame of a vector: how many there are and how many gave IPv4. */
static int count(const char *path, uint64_t *frames, uint64_t *ipv4, struct err *e)
{
	struct pcapr *r = pcapr_open(path, e);
	struct pcapr_pkt p;
	int rc;

	if (!r)
		return -2;
	*frames = *ipv4 = 0;
	while ((rc = pcapr_next(r, &p, e)) == 1) {
		(*frames)++;
		assert_int_equal(p.frame, *frames);
		*ipv4 += p.skip == PCAPR_OK;
		assert_true(p.skip == PCAPR_OK || p.why[0]);
		if (p.skip == PCAPR_OK)
			assert_int_equal(p.ip[0] >> 4, 4);
	}
	pcapr_close(r);
	return rc;
}

static void every_link_type_yields_the_ten_segments(void **state)
{
	const char *v[] = {"eth_echo.pcap", "eth_echo.pcapng", "null_echo.pcap", "loop_echo.pcap",
			   "raw_echo.pcap", "vlan_echo.pcap"};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[256];
		uint64_t n, ip;
		struct err e = {""};
		snprintf(path, sizeof(path), VEC "%s", v[i]);
		assert_int_equal(count(path, &n, &ip, &e), 0);
		assert_int_equal(n, 10);
		assert_int_equal(ip, 10);
	}
}

static void refuses_bad_files_with_a_reason(void **state)
{
	struct { const char *f, *why; } v[] = {
		{"empty.pcap", "empty file"}, {"text.pcap", "text file"},
		{"random.pcap", "not a pcap"}, {"unknown_link.pcap", "unsupported link type"},
		{"no_such_file.pcap", "No such file"},
	};
	(void)state;
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		char path[256];
		struct err e = {""};
		snprintf(path, sizeof(path), VEC "%s", v[i].f);
		assert_null(pcapr_open(path, &e));
		assert_non_null(strstr(e.msg, v[i].why));
	}
}

static void cut_file_reports_record_and_offset(void **state)
{
	uint64_t n, ip;
	struct err e = {""};

	(void)state;
	assert_int_equal(count(VEC "cut_echo.pcap", &n, &ip, &e), -1);
	assert_int_equal(n, 9);
	assert_non_null(strstr(e.msg, "cut inside record 10"));
	assert_non_null(strstr(e.msg, "byte offset"));
}

static enum pcapr_skip dec(int lt, const uint8_t *f, size_t cap, size_t wire,
			   struct pcapr_pkt *p)
{
	memset(p, 0, sizeof(*p));
	return pcapr_link_ip(lt, f, cap, wire, p);
}

static void link_decoder_checks_lengths(void **state)
{
	uint8_t f[64] = {0};
	struct pcapr_pkt p;

	(void)state;
	f[12] = 0x08; /* Ethernet type IPv4, but no IPv4 header follows */
	assert_int_equal(dec(DLT_EN10MB, f, 14, 14, &p), PCAPR_SHORT);
	f[12] = 0x08; f[13] = 0x06; /* ARP: skipped, and said so */
	assert_int_equal(dec(DLT_EN10MB, f, 64, 64, &p), PCAPR_NOT_IP);
	assert_non_null(strstr(p.why, "ARP (ethertype 0x0806)"));
	memset(f, 0, sizeof(f));
	f[0] = 0x45; f[3] = 40; /* 40-byte IPv4 datagram in 30 captured bytes */
	assert_int_equal(dec(DLT_RAW, f, 30, 40, &p), PCAPR_OK);
	assert_int_equal(p.iplen, 30);	/* the snaplen cut the payload: seg_parse_cap decides */
	assert_int_equal(p.ipwire, 40);
	assert_int_equal(dec(DLT_RAW, f, 60, 60, &p), PCAPR_OK);
	assert_int_equal(p.iplen, 40); /* trailing padding trimmed */
	assert_int_equal(dec(DLT_RAW, f, 60, 30, &p), PCAPR_SHORT); /* longer than the frame */
	assert_int_equal(dec(DLT_RAW, f, 12, 40, &p), PCAPR_SNAPPED); /* header cut */
	assert_int_equal(dec(DLT_LINUX_SLL2, f, 10, 10, &p), PCAPR_SHORT);
}

/* 802.1ad outer tag, 802.1Q inner tag, then IPv6: two tags walked, any depth. */
static void qinq_and_ipv6(void **state)
{
	uint8_t f[80] = {0};
	struct pcapr_pkt p;

	(void)state;
	f[12] = 0x88; f[13] = 0xa8; f[16] = 0x81; f[17] = 0x00; f[20] = 0x86; f[21] = 0xdd;
	f[22] = 0x60; f[27] = 20; /* IPv6, payload length 20 */
	assert_int_equal(dec(DLT_EN10MB, f, 82 - 20, 82, &p), PCAPR_OK);
	assert_int_equal(p.vlans, 2);
	assert_int_equal(p.ipv, 6);
	assert_true(p.ip == f + 22);
	assert_int_equal(p.ipwire, 60);
	assert_int_equal(p.iplen, 40);
	f[20] = 0x91; f[21] = 0x00; f[24] = 0x86; f[25] = 0xdd; /* a third tag (0x9100) */
	memmove(f + 26, f + 22, 40);
	assert_int_equal(dec(DLT_EN10MB, f, 80, 86, &p), PCAPR_OK);
	assert_int_equal(p.vlans, 3);
	/* Loopback: AF_INET6 as FreeBSD (28) writes it, in little-endian host order. */
	uint8_t l[44] = {28, 0, 0, 0, 0x60};
	assert_int_equal(dec(DLT_NULL, l, 44, 44, &p), PCAPR_OK);
	assert_int_equal(p.ipv, 6);
	/* Raw IPv6 link type and raw IPv4 link type refuse the other version. */
	assert_int_equal(dec(229, l + 4, 40, 40, &p), PCAPR_OK);
	assert_int_equal(dec(228, l + 4, 40, 40, &p), PCAPR_NOT_IP);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_link_type_yields_the_ten_segments),
		cmocka_unit_test(refuses_bad_files_with_a_reason),
		cmocka_unit_test(cut_file_reports_record_and_offset),
		cmocka_unit_test(link_decoder_checks_lengths),
		cmocka_unit_test(qinq_and_ipv6),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
