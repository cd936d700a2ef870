/* test_explain_output.c - the pcapng writer (read back by libpcap, write errors) and the HTML page's structure. */
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

#include "explain_present.h"
#include "helper_explain_out.h"
#include "pcapng_w.h"

#define MAXRECS 64

static void pcapng_read_back_by_libpcap(void **state)
{
	char path[] = "/tmp/synlab-pcapngw-XXXXXX";
	char errbuf[PCAP_ERRBUF_SIZE];
	struct explain_rec r[MAXRECS];
	struct pcap_pkthdr *h;
	const u_char *data;
	uint8_t want[2048];
	struct err e;
	size_t n = helper_scenario(HELPER_ECHO_CLOSE4, r, MAXRECS), k = 0;
	int fd = mkstemp(path);
	pcap_t *p;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(helper_write_pcapng(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, path, NULL, &e), 11);
	p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, errbuf);
	assert_non_null(p);
	assert_string_equal(pcap_datalink_val_to_name(pcap_datalink(p)), "RAW");
	for (size_t i = 0; i < n; i++) {
		if (r[i].kind != EXPLAIN_REC_SEGMENT)
			continue;
		assert_int_equal(pcap_next_ex(p, &h, &data), 1);
		size_t len = helper_packet(&r[i], want, sizeof(want));
		assert_int_equal(h->caplen, len);
		assert_memory_equal(data, want, len);
		assert_int_equal((uint64_t)h->ts.tv_sec * 1000000000ull + (uint64_t)h->ts.tv_usec,
				 HELPER_EPOCH_NS + r[i].t_us * 1000);
		k++;
	}
	assert_int_equal(k, 11);
	assert_int_equal(pcap_next_ex(p, &h, &data), PCAP_ERROR_BREAK);	/* no more */
	pcap_close(p);
	unlink(path);
}

static void pcapng_errors_are_reported(void **state)
{
	struct err e = { "" };
	struct pcapngw *w;
	static uint8_t big[4096];

	(void)state;
	assert_null(pcapngw_open("/nonexistent-dir/x.pcapng", NULL, &e));
	assert_non_null(strstr(e.msg, "No such file or directory"));
	assert_int_equal(pcapngw_packet(NULL, 0, big, 10, NULL, &e), -1);
	w = pcapngw_open("/dev/full", "t", &e);
	if (w) {	/* the headers fit in stdio's buffer: the failure shows later */
		int rc = 0;
		for (int i = 0; i < 64 && rc == 0; i++)
			rc = pcapngw_packet(w, 0, big, sizeof(big), "c", &e);
		rc = pcapngw_close(w, &e) < 0 || rc < 0 ? -1 : 0;
		assert_int_equal(rc, -1);
	}
	assert_non_null(strstr(e.msg, "No space left on device"));
}

static size_t count(const char *s, const char *needle)
{
	size_t n = 0;

	for (const char *p = strstr(s, needle); p; p = strstr(p + 1, needle))
		n++;
	return n;
}

static char *html_of(enum helper_scenario sc, enum explain_lang lang, const char *hostile)
{
	struct explain_rec r[MAXRECS];
	size_t n = helper_scenario(sc, r, MAXRECS), len = 0;
	struct err e;
	struct explain_ladder *l = explain_ladder_new(0, &e);
	char *text = NULL;
	FILE *f = open_memstream(&text, &len);

	for (size_t i = 0; i < n; i++) {
		if (hostile && r[i].len) {
			r[i].seg.payload = (const uint8_t *)hostile;
			r[i].seg.len = r[i].len = (uint32_t)strlen(hostile);
		}
		assert_int_equal(explain_ladder_add(l, &r[i], &e), 0);
	}
	assert_int_equal(explain_html_write(l, lang, NULL, f, &e), 0);
	fclose(f);
	explain_ladder_free(l);
	return text;
}

static void html_is_balanced_and_self_contained(void **state)
{
	(void)state;
	for (int sc = 0; sc < HELPER_NSCENARIOS; sc++) {
		for (int lang = 0; lang < EXPLAIN_LANG_COUNT; lang++) {
			char *h = html_of((enum helper_scenario)sc, (enum explain_lang)lang, NULL);

			assert_int_equal(count(h, "<g ") + count(h, "<g>"), count(h, "</g>"));
			assert_int_equal(count(h, "<text "), count(h, "</text>"));
			assert_int_equal(count(h, "<title>"), count(h, "</title>"));
			assert_int_equal(count(h, "<svg "), 1);
			assert_int_equal(count(h, "</svg>"), 1);
			assert_null(strstr(h, "http://"));
			assert_null(strstr(h, "https://"));
			assert_null(strstr(h, " src="));
			assert_null(strstr(h, "href="));
			assert_null(strstr(h, "@import"));
			assert_true(count(h, "<g class=\"seg ") >= 3);
			assert_non_null(strstr(h, "</html>\n"));
			free(h);
		}
	}
}

static void html_explanations_present_and_escaped(void **state)
{
	char *h;

	(void)state;
	h = html_of(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, NULL);
	assert_non_null(strstr(h, "<title>Handshake 2/3: the server answers with SYN+ACK"));
	assert_non_null(strstr(h, "ack 1 = the client&#39;s ISN 3851210777 + 1"));
	assert_non_null(strstr(h, "seq 15: the client sent bytes 1..14 (&#39;Just a test.\\r\\n&#39;)"));
	assert_non_null(strstr(h, ">ESTABLISHED</text>"));
	assert_non_null(strstr(h, ">TIME-WAIT</text>"));
	free(h);
	h = html_of(HELPER_ECHO_CLOSE4, EXPLAIN_LANG_EN, "<script>x</script>&");
	assert_null(strstr(h, "<script>x"));
	assert_non_null(strstr(h, "&lt;script&gt;x&lt;/script&gt;&amp;"));
	free(h);
	h = html_of(HELPER_LIVE_DROP, EXPLAIN_LANG_ZH, NULL);
	assert_non_null(strstr(h, "class=\"seg k-syn drop\""));
	assert_non_null(strstr(h, "✗ 被损伤引擎丢弃"));
	assert_non_null(strstr(h, "<html lang=\"zh-CN\">"));
	free(h);
}

static void html_save_errors(void **state)
{
	struct err e = { "" };
	struct explain_ladder *l = explain_ladder_new(0, &e);

	(void)state;
	assert_int_equal(explain_html_save(l, EXPLAIN_LANG_EN, NULL, "/nonexistent-dir/x.html", &e), -1);
	assert_non_null(strstr(e.msg, "No such file"));
	assert_int_equal(explain_html_save(l, EXPLAIN_LANG_EN, NULL, "/dev/full", &e), -1);
	assert_non_null(strstr(e.msg, "No space left"));
	explain_ladder_free(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pcapng_read_back_by_libpcap),
		cmocka_unit_test(pcapng_errors_are_reported),
		cmocka_unit_test(html_is_balanced_and_self_contained),
		cmocka_unit_test(html_explanations_present_and_escaped),
		cmocka_unit_test(html_save_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
