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

static void link_decoder_checks_lengths(void **state)
{
	uint8_t f[64] = {0};
	const uint8_t *ip;
	size_t len;

	(void)state;
	f[12] = 0x08; /* Ethernet type IPv4, but no IPv4 header follows */
	assert_int_equal(pcapr_link_ipv4(DLT_EN10MB, f, 14, 14, &ip, &len), PCAPR_SHORT);
	f[12] = 0x86; f[13] = 0xdd; /* IPv6 */
	assert_int_equal(pcapr_link_ipv4(DLT_EN10MB, f, 64, 64, &ip, &len), PCAPR_NOT_IPV4);
	memset(f, 0, sizeof(f));
	f[0] = 0x45; f[3] = 40; /* 40-byte IPv4 datagram in 30 captured bytes */
	assert_int_equal(pcapr_link_ipv4(DLT_RAW, f, 30, 40, &ip, &len), PCAPR_SNAPPED);
	assert_int_equal(pcapr_link_ipv4(DLT_RAW, f, 60, 60, &ip, &len), PCAPR_OK);
	assert_int_equal(len, 40); /* trailing padding trimmed */
	assert_int_equal(pcapr_link_ipv4(DLT_LINUX_SLL2, f, 10, 10, &ip, &len), PCAPR_SHORT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_link_type_yields_the_ten_segments),
		cmocka_unit_test(refuses_bad_files_with_a_reason),
		cmocka_unit_test(cut_file_reports_record_and_offset),
		cmocka_unit_test(link_decoder_checks_lengths),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
