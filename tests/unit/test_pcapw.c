/* test_pcapw.c - pcap writer: round trip read back by libpcap, nanosecond timestamps, write errors. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>
#include <pcap/pcap.h>

#include "evloop.h"
#include "pcapw.h"

static const uint8_t pkt1[] = { 0x45, 0, 0, 20, 0, 1, 0x40, 0, 64, 6, 0, 0,
				198, 18, 0, 1, 198, 18, 0, 2 };
static const uint8_t pkt2[] = { 0x45, 0, 0, 24, 0, 2, 0, 0, 64, 6, 0, 0,
				198, 18, 0, 2, 198, 18, 0, 1, 0xde, 0xad, 0xbe, 0xef };

static void read_one(pcap_t *p, const uint8_t *want, size_t len, uint64_t *ts_ns)
{
	struct pcap_pkthdr *h;
	const u_char *d;

	assert_int_equal(pcap_next_ex(p, &h, &d), 1);
	assert_int_equal(h->caplen, len);
	assert_int_equal(h->len, len);
	assert_memory_equal(d, want, len);
	*ts_ns = (uint64_t)h->ts.tv_sec * 1000000000u + (uint64_t)h->ts.tv_usec;
}

static void round_trip_keeps_bytes_and_intervals(void **state)
{
	char path[] = "/tmp/synlab-pcapw-XXXXXX";
	char eb[PCAP_ERRBUF_SIZE];
	struct pcapw pw;
	struct err e;
	uint64_t t0 = evloop_now_us(), a, b;
	struct timespec real;
	int fd = mkstemp(path);

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(pcapw_open(&pw, path, &e), 0);
	assert_int_equal(pcapw_write(&pw, t0, pkt1, sizeof(pkt1), &e), 0);
	assert_int_equal(pcapw_write(&pw, t0 + 1500, pkt2, sizeof(pkt2), &e), 0);
	assert_int_equal(pcapw_close(&pw, &e), 0);
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_NANO, eb);
	assert_non_null(p);
	assert_int_equal(pcap_datalink(p), DLT_RAW);
	read_one(p, pkt1, sizeof(pkt1), &a);
	read_one(p, pkt2, sizeof(pkt2), &b);
	assert_int_equal(b - a, 1500000);	/* exactly the monotonic interval */
	clock_gettime(CLOCK_REALTIME, &real);
	assert_true(llabs((long long)real.tv_sec - (long long)(a / 1000000000u)) <= 5);
	pcap_close(p);
	unlink(path);
}

static void bad_path_is_an_error(void **state)
{
	struct pcapw pw;
	struct err e = { "" };

	(void)state;
	assert_int_equal(pcapw_open(&pw, "/nonexistent-synlab-dir/x.pcap", &e), -1);
	assert_non_null(strstr(e.msg, "/nonexistent-synlab-dir/x.pcap"));
	assert_int_equal(pcapw_close(&pw, &e), 0);	/* harmless after a failed open */
}

/* /dev/full accepts open() and fails every write with ENOSPC: like a full disk. */
static void full_disk_is_reported(void **state)
{
	struct pcapw pw;
	struct err e = { "" };
	int rc;

	(void)state;
	if (access("/dev/full", W_OK) != 0)
		skip();
	rc = pcapw_open(&pw, "/dev/full", &e);	/* the header is flushed at open */
	assert_int_equal(rc, -1);
	assert_non_null(strstr(e.msg, "space"));
	assert_non_null(strstr(e.msg, "/dev/full"));
	pcapw_close(&pw, NULL);
}

/* A file size limit (RLIMIT_FSIZE, writes past it fail with EFBIG) stops the file in the
 * middle of a record: the writer reports it and, closed, keeps only whole records. */
static void failed_write_keeps_whole_records(void **state)
{
	char path[] = "/tmp/test_pcapw_cut_XXXXXX";
	struct rlimit old, lim;
	struct pcapw pw;
	struct err e = { "" };
	char eb[PCAP_ERRBUF_SIZE];
	int fd = mkstemp(path), n = 0, rc = 0;
	struct stat st;

	(void)state;
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(getrlimit(RLIMIT_FSIZE, &old), 0);
	lim = old;
	lim.rlim_cur = 24 + 3 * (16 + sizeof(pkt2)) + 10;	/* header, 3 records, a piece */
	signal(SIGXFSZ, SIG_IGN);
	assert_int_equal(pcapw_open(&pw, path, &e), 0);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &lim), 0);
	while (n < 10 && (rc = pcapw_write(&pw, evloop_now_us(), pkt2, sizeof(pkt2), &e)) == 0)
		n++;
	assert_int_equal(rc, -1);
	assert_int_equal(n, 3);
	assert_int_equal(pcapw_close(&pw, &e), -1);
	assert_int_equal(setrlimit(RLIMIT_FSIZE, &old), 0);
	signal(SIGXFSZ, SIG_DFL);
	assert_int_equal(stat(path, &st), 0);
	assert_int_equal(st.st_size, 24 + 3 * (16 + sizeof(pkt2)));	/* the piece is gone */
	pcap_t *p = pcap_open_offline(path, eb);
	struct pcap_pkthdr *h;
	const u_char *d;

	assert_non_null(p);
	for (int i = 0; i < 3; i++)
		assert_int_equal(pcap_next_ex(p, &h, &d), 1);
	assert_int_equal(pcap_next_ex(p, &h, &d), PCAP_ERROR_BREAK);	/* clean end */
	pcap_close(p);
	unlink(path);
}

static void write_without_open_fails(void **state)
{
	struct pcapw pw;
	struct err e;

	(void)state;
	memset(&pw, 0, sizeof(pw));
	assert_int_equal(pcapw_write(&pw, 0, pkt1, sizeof(pkt1), &e), -1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_keeps_bytes_and_intervals),
		cmocka_unit_test(bad_path_is_an_error),
		cmocka_unit_test(full_disk_is_reported),
		cmocka_unit_test(failed_write_keeps_whole_records),
		cmocka_unit_test(write_without_open_fails),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
