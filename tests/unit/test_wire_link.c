/* test_wire_link.c - wire_link_offset: where the IPv4 header starts for each supported pcap link type. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "wire.h"

/* A frame buffer: link header bytes given, then an IPv4 first byte 0x45 and padding. */
static size_t frame(uint8_t *f, const uint8_t *hdr, size_t hlen)
{
	memset(f, 0, 80);
	memcpy(f, hdr, hlen);
	f[hlen] = 0x45;
	return hlen + 40;
}

static int offset_of(int dlt, const uint8_t *hdr, size_t hlen, size_t *off)
{
	uint8_t f[80];
	struct err e;

	return wire_link_offset(dlt, f, frame(f, hdr, hlen), off, &e);
}

static void ethernet_and_vlan(void **state)
{
	static const uint8_t eth[14] = { [12] = 0x08, [13] = 0x00 };
	static const uint8_t vlan[18] = { [12] = 0x81, [13] = 0x00, [16] = 0x08, [17] = 0x00 };
	static const uint8_t ip6[14] = { [12] = 0x86, [13] = 0xdd };
	size_t off = 99;

	(void)state;
	assert_int_equal(offset_of(DLT_EN10MB, eth, sizeof(eth), &off), 0);
	assert_int_equal(off, 14);
	assert_int_equal(offset_of(DLT_EN10MB, vlan, sizeof(vlan), &off), 0);
	assert_int_equal(off, 18);
	assert_int_equal(offset_of(DLT_EN10MB, ip6, sizeof(ip6), &off), -1);
}

static void linux_cooked_v1_and_v2(void **state)
{
	static const uint8_t sll[16] = { [14] = 0x08, [15] = 0x00 };
	static const uint8_t sll2[20] = { [0] = 0x08, [1] = 0x00 };
	static const uint8_t sll_arp[16] = { [14] = 0x08, [15] = 0x06 };
	size_t off = 99;

	(void)state;
	assert_int_equal(offset_of(DLT_LINUX_SLL, sll, sizeof(sll), &off), 0);
	assert_int_equal(off, 16);
	assert_int_equal(offset_of(DLT_LINUX_SLL2, sll2, sizeof(sll2), &off), 0);
	assert_int_equal(off, 20);
	assert_int_equal(offset_of(DLT_LINUX_SLL, sll_arp, sizeof(sll_arp), &off), -1);
}

static void raw_null_and_loop(void **state)
{
	uint32_t fam = AF_INET;
	uint8_t null_hdr[4];
	static const uint8_t loop_hdr[4] = { 0, 0, 0, AF_INET };
	static const uint8_t v6[1] = { 0x60 };
	size_t off = 99;
	struct err e;

	(void)state;
	memcpy(null_hdr, &fam, sizeof(fam));	/* DLT_NULL: host byte order */
	assert_int_equal(offset_of(DLT_RAW, v6, 0, &off), 0);	/* no link header */
	assert_int_equal(off, 0);
	assert_int_equal(offset_of(DLT_NULL, null_hdr, 4, &off), 0);
	assert_int_equal(off, 4);
	assert_int_equal(offset_of(DLT_LOOP, loop_hdr, 4, &off), 0);
	assert_int_equal(off, 4);
	assert_int_equal(wire_link_offset(DLT_RAW, v6, 1, &off, &e), -1);
}

static void truncated_and_unknown_rejected(void **state)
{
	static const uint8_t eth[13] = { 0 };
	static const uint8_t vlan[16] = { [12] = 0x81, [13] = 0x00 };
	size_t off;
	struct err e = { "" };

	(void)state;
	assert_int_equal(wire_link_offset(DLT_EN10MB, eth, sizeof(eth), &off, &e), -1);
	assert_non_null(strstr(e.msg, "truncated"));
	assert_int_equal(wire_link_offset(DLT_EN10MB, vlan, sizeof(vlan), &off, &e), -1);
	assert_int_equal(wire_link_offset(DLT_LINUX_SLL2, eth, sizeof(eth), &off, &e), -1);
	assert_int_equal(wire_link_offset(DLT_RAW, eth, 0, &off, &e), -1);
	assert_int_equal(wire_link_offset(DLT_IEEE802_11, eth, sizeof(eth), &off, &e), -1);
	assert_non_null(strstr(e.msg, "unsupported link type"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ethernet_and_vlan),
		cmocka_unit_test(linux_cooked_v1_and_v2),
		cmocka_unit_test(raw_null_and_loop),
		cmocka_unit_test(truncated_and_unknown_rejected),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
