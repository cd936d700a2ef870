/* test_app.c - the echo, discard and http applications and the HTTP response splitter. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "app.h"

static void echo_prefixes_each_chunk(void **state)
{
	struct app a;
	uint8_t out[64];
	const uint8_t *r;
	size_t n;

	(void)state;
	app_init(&a, APP_ECHO);
	n = app_input(&a, (const uint8_t *)"Just a test.\r\n", 14, out, sizeof(out), &r);
	assert_int_equal(n, 22);
	assert_memory_equal(r, "Server: Just a test.\r\n", 22);
	assert_false(a.done);
}

static void mirror_returns_the_same_bytes(void **state)
{
	struct app a;
	uint8_t in[300], out[64];
	const uint8_t *r;

	(void)state;
	for (size_t i = 0; i < sizeof(in); i++)
		in[i] = (uint8_t)(i * 7 + 1);
	app_init(&a, APP_MIRROR);
	assert_int_equal(app_input(&a, in, 40, out, sizeof(out), &r), 40);
	assert_memory_equal(r, in, 40);
	/* never more than cap, never a prefix */
	assert_int_equal(app_input(&a, in, sizeof(in), out, sizeof(out), &r), sizeof(out));
	assert_memory_equal(r, in, sizeof(out));
	assert_false(a.done);
}

static void kind_names_round_trip(void **state)
{
	enum app_kind k;
	struct err e = { "" };

	(void)state;
	assert_int_equal(app_parse_kind("mirror", &k, &e), 0);
	assert_int_equal(k, APP_MIRROR);
	assert_string_equal(app_kind_name(APP_MIRROR), "mirror");
	assert_string_equal(app_kind_name((enum app_kind)99), "?");
	assert_int_equal(app_parse_kind("Mirror", &k, &e), -1);
	assert_non_null(strstr(e.msg, "mirror"));
}

static void discard_answers_nothing(void **state)
{
	struct app a;
	uint8_t out[64];
	const uint8_t *r;

	(void)state;
	app_init(&a, APP_DISCARD);
	assert_int_equal(app_input(&a, (const uint8_t *)"abc", 3, out, sizeof(out), &r), 0);
}

static void http_answers_after_blank_line_split_across_chunks(void **state)
{
	struct app a;
	uint8_t out[2048];
	const uint8_t *r;
	size_t n;

	(void)state;
	app_init(&a, APP_HTTP);
	n = app_input(&a, (const uint8_t *)"GET / HTTP/1.1\r\nHost: x\r\n", 25, out,
		      sizeof(out), &r);
	assert_int_equal(n, 0);
	assert_false(a.done);
	n = app_input(&a, (const uint8_t *)"\r\n", 2, out, sizeof(out), &r);
	assert_true(n > 100);
	assert_true(a.done);
	assert_memory_equal(r, "HTTP/1.0 200 OK\r\n", 17);
	assert_non_null(strstr((const char *)r, "Content-Length: "));
	assert_int_equal(app_input(&a, (const uint8_t *)"\r\n", 2, out, sizeof(out), &r), 0);
	app_free(&a);	/* the request head is allocated at the first byte */
}

static void http_oversized_head_gets_400(void **state)
{
	struct app a;
	static uint8_t junk[APP_HTTP_REQ_MAX + 10];
	uint8_t out[2048];
	const uint8_t *r;
	size_t n;

	(void)state;
	memset(junk, 'A', sizeof(junk));
	app_init(&a, APP_HTTP);
	n = app_input(&a, junk, sizeof(junk), out, sizeof(out), &r);
	assert_true(n > 0);
	assert_memory_equal(r, "HTTP/1.0 400", 12);
	app_free(&a);
}

static void http_resp_split_head_and_body_bytewise(void **state)
{
	const char *resp = "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello";
	struct app_http_resp r;
	char body[16] = "";
	size_t blen = 0;

	(void)state;
	memset(&r, 0, sizeof(r));
	for (size_t i = 0; resp[i]; i++) {
		const uint8_t *b;
		size_t n;

		app_http_resp_feed(&r, (const uint8_t *)resp + i, 1, &b, &n);
		memcpy(body + blen, b, n);
		blen += n;
	}
	assert_true(r.in_body);
	assert_int_equal(r.status, 200);
	assert_int_equal(blen, 5);
	assert_memory_equal(body, "hello", 5);
	assert_string_equal(r.head, "HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\n");
}

static void http_resp_cr_inside_terminator_restarts_match(void **state)
{
	const char *resp = "HTTP/1.1 404 Not Found\r\n\r\r\n\r\nbody";
	struct app_http_resp r;
	const uint8_t *b;
	size_t n;

	(void)state;
	memset(&r, 0, sizeof(r));
	app_http_resp_feed(&r, (const uint8_t *)resp, strlen(resp), &b, &n);
	assert_int_equal(r.status, 404);
	assert_int_equal(n, 4);
	assert_memory_equal(b, "body", 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_prefixes_each_chunk),
		cmocka_unit_test(discard_answers_nothing),
		cmocka_unit_test(mirror_returns_the_same_bytes),
		cmocka_unit_test(kind_names_round_trip),
		cmocka_unit_test(http_answers_after_blank_line_split_across_chunks),
		cmocka_unit_test(http_oversized_head_gets_400),
		cmocka_unit_test(http_resp_split_head_and_body_bytewise),
		cmocka_unit_test(http_resp_cr_inside_terminator_restarts_match),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
