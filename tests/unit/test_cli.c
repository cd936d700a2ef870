/* test_cli.c - command-line value parsing: ADDR:PORT, numbers, durations, engine options, escapes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "cli.h"

static void addrport_valid_parses_host_order(void **state)
{
	uint32_t a;
	uint16_t p;
	struct err e;

	(void)state;
	assert_int_equal(cli_parse_addrport("198.18.0.2:8080", &a, &p, &e), 0);
	assert_int_equal(a, 0xC6120002u);
	assert_int_equal(p, 8080);
}

static void expect_addrport_error(const char *in, const char *substr)
{
	uint32_t a;
	uint16_t p;
	struct err e = { "" };

	assert_int_equal(cli_parse_addrport(in, &a, &p, &e), -1);
	if (!strstr(e.msg, substr))
		fail_msg("'%s': message '%s' lacks '%s'", in, e.msg, substr);
}

static void addrport_malformed_rejected(void **state)
{
	(void)state;
	expect_addrport_error("198.18.0.2", "not ADDR:PORT");
	expect_addrport_error(":80", "not ADDR:PORT");
	expect_addrport_error("198.18.0.256:80", "not an IPv4 address");
	expect_addrport_error("example:80", "not an IPv4 address");
	expect_addrport_error("198.18.0.2:", "not a number");
	expect_addrport_error("198.18.0.2:http", "not a number");
	expect_addrport_error("198.18.0.2:-1", "not a number");
}

static void addrport_port_zero_and_too_big_rejected(void **state)
{
	(void)state;
	expect_addrport_error("198.18.0.2:0", "out of range");
	expect_addrport_error("198.18.0.2:65536", "out of range");
}

static void ipport_v4_and_v6_parse(void **state)
{
	static const uint8_t want[16] = { 0xfd, 0x00, 0x53, 0x59, [15] = 2 };
	struct cli_ip ip;
	uint16_t p;
	struct err e = { "" };
	char buf[64];

	(void)state;
	assert_int_equal(cli_parse_ipport("198.18.0.2:8080", false, &ip, &p, &e), 0);
	assert_false(ip.v6);
	assert_int_equal(ip.a4, 0xC6120002u);
	assert_int_equal(p, 8080);
	assert_int_equal(cli_parse_ipport("[fd00:5359::2]:8080", false, &ip, &p, &e), 0);
	assert_true(ip.v6);
	assert_memory_equal(ip.a6, want, 16);
	assert_int_equal(p, 8080);
	assert_string_equal(cli_ipport_str(&ip, p, buf, sizeof(buf)), "[fd00:5359::2]:8080");
	/* --listen's bare form, when the port cannot be read as a ninth group */
	assert_int_equal(cli_parse_ipport("fd00:5359:0:0:0:0:0:2:80", true, &ip, &p, &e), 0);
	assert_true(ip.v6);
	assert_memory_equal(ip.a6, want, 16);
	assert_int_equal(p, 80);
	assert_int_equal(cli_parse_ipport("[::ffff:198.18.0.2]:1", false, &ip, &p, &e), 0);
	assert_true(ip.v6);
	assert_int_equal(ip.a6[10], 0xff);
}

static void expect_ipport_error(const char *in, bool bare, const char *substr)
{
	struct cli_ip ip;
	uint16_t p;
	struct err e = { "" };

	assert_int_equal(cli_parse_ipport(in, bare, &ip, &p, &e), -1);
	if (!strstr(e.msg, substr))
		fail_msg("'%s': message '%s' lacks '%s'", in, e.msg, substr);
}

static void ipport_bad_input_rejected_with_reason(void **state)
{
	(void)state;
	expect_ipport_error("[fd00::2]", false, "a ':' and the port must follow");
	expect_ipport_error("[fd00::2]8080", false, "a ':' and the port must follow");
	expect_ipport_error("[fd00::2:8080", false, "not [ADDR]:PORT");
	expect_ipport_error("[]:80", false, "not [ADDR]:PORT");
	expect_ipport_error("[198.18.0.2]:80", false, "not an IPv6 address");
	expect_ipport_error("[fe80::1%eth0]:80", false, "zone ids");
	expect_ipport_error("[fd00::g]:80", false, "not an IPv6 address");
	expect_ipport_error("[fd00::2]:0", false, "out of range");
	expect_ipport_error("[fd00::2]:65536", false, "out of range");
	expect_ipport_error("[fd00::2]:x", false, "not a number");
	expect_ipport_error("fd00::2:8080", false, "goes in brackets");
	expect_ipport_error("fd00::2:8080", true, "ambiguous");
	expect_ipport_error("fd00::2", true, "has no port");
	expect_ipport_error("fd00::2", false, "goes in brackets");
	expect_ipport_error("198.18.0.2:80:90", true, "not ADDR:PORT or [ADDR]:PORT");
	expect_ipport_error("198.18.0.2", false, "not ADDR:PORT");
}

static void duration_units_convert_to_us(void **state)
{
	uint64_t us;
	struct err e;

	(void)state;
	assert_int_equal(cli_parse_duration("200ms", &us, &e), 0);
	assert_int_equal(us, 200000);
	assert_int_equal(cli_parse_duration("1.5s", &us, &e), 0);
	assert_int_equal(us, 1500000);
	assert_int_equal(cli_parse_duration("800us", &us, &e), 0);
	assert_int_equal(us, 800);
	assert_int_equal(cli_parse_duration("40", &us, &e), 0);
	assert_int_equal(us, 40000);
}

static void duration_garbage_rejected(void **state)
{
	uint64_t us;
	struct err e;

	(void)state;
	assert_int_equal(cli_parse_duration("fast", &us, &e), -1);
	assert_int_equal(cli_parse_duration("10min", &us, &e), -1);
	assert_int_equal(cli_parse_duration("-1s", &us, &e), -1);
	assert_int_equal(cli_parse_duration("", &us, &e), -1);
	assert_non_null(strstr(e.msg, "not a duration"));
}

static void engine_option_sets_each_field(void **state)
{
	struct tcb_params p;
	struct err e;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(cli_engine_option("rto-init", "250ms", &p, &e), 1);
	assert_int_equal(p.rto_init_us, 250000);
	assert_int_equal(cli_engine_option("synack-retries", "3", &p, &e), 1);
	assert_int_equal(p.synack_retries, 3);
	assert_int_equal(cli_engine_option("msl", "1s", &p, &e), 1);
	assert_int_equal(p.msl_us, 1000000);
	assert_int_equal(cli_engine_option("time-scale", "0.01", &p, &e), 1);
	assert_true(p.time_scale > 0.0099 && p.time_scale < 0.0101);
	assert_int_equal(cli_engine_option("isn", "3851210777", &p, &e), 1);
	assert_true(p.isn_fixed);
	assert_int_equal(p.isn, 3851210777u);
	assert_int_equal(cli_engine_option("mss", "536", &p, &e), 1);
	assert_int_equal(p.mss, 536);
	assert_int_equal(cli_engine_option("window", "1000", &p, &e), 1);
	assert_int_equal(p.rcv_buf, 1000);
	assert_int_equal(cli_engine_option("syn-schedule", "doubling", &p, &e), 1);
	assert_int_equal(p.syn_schedule, TCB_SYN_DOUBLING);
	assert_int_equal(cli_engine_option("rfc1337", NULL, &p, &e), 1);
	assert_true(p.rfc1337);
	assert_int_equal(cli_engine_option("invalid-ratelimit", "250ms", &p, &e), 1);
	assert_int_equal(p.invalid_ratelimit_us, 250000);
	assert_int_equal(cli_engine_option("invalid-ratelimit", "0", &p, &e), 1);
	assert_int_equal(p.invalid_ratelimit_us, 0);
}

static void engine_option_bad_value_names_option(void **state)
{
	struct tcb_params p;
	struct err e;

	(void)state;
	memset(&p, 0, sizeof(p));
	assert_int_equal(cli_engine_option("synack-retries", "many", &p, &e), -1);
	assert_non_null(strstr(e.msg, "--synack-retries"));
	assert_int_equal(cli_engine_option("isn", "4294967296", &p, &e), -1);
	assert_int_equal(cli_engine_option("mss", "0", &p, &e), -1);
	assert_int_equal(cli_engine_option("time-scale", "0", &p, &e), -1);
	assert_int_equal(cli_engine_option("syn-schedule", "random", &p, &e), -1);
	assert_int_equal(cli_engine_option("no-such-thing", "1", &p, &e), 0);
}

static void unescape_c_escapes(void **state)
{
	uint8_t buf[32];
	struct err e;

	(void)state;
	assert_int_equal(cli_unescape("Just a test.\\r\\n", buf, sizeof(buf), &e), 14);
	assert_memory_equal(buf, "Just a test.\r\n", 14);
	assert_int_equal(cli_unescape("\\x41\\0\\\\", buf, sizeof(buf), &e), 3);
	assert_memory_equal(buf, "A\0\\", 3);
	assert_int_equal(cli_unescape("bad\\q", buf, sizeof(buf), &e), -1);
	assert_int_equal(cli_unescape("trailing\\", buf, sizeof(buf), &e), -1);
	assert_int_equal(cli_unescape("\\x4", buf, sizeof(buf), &e), -1);
	assert_int_equal(cli_unescape("toolong", buf, 3, &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(addrport_valid_parses_host_order),
		cmocka_unit_test(addrport_malformed_rejected),
		cmocka_unit_test(addrport_port_zero_and_too_big_rejected),
		cmocka_unit_test(ipport_v4_and_v6_parse),
		cmocka_unit_test(ipport_bad_input_rejected_with_reason),
		cmocka_unit_test(duration_units_convert_to_us),
		cmocka_unit_test(duration_garbage_rejected),
		cmocka_unit_test(engine_option_sets_each_field),
		cmocka_unit_test(engine_option_bad_value_names_option),
		cmocka_unit_test(unescape_c_escapes),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
