/* pcapw.c - nanosecond DLT_RAW pcap writer for what a synlab program sends and receives. */
#include "pcapw.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define PCAPW_SNAPLEN 65535

static int64_t pcapw_clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int pcapw_flush(struct pcapw *pw, struct err *e)
{
	errno = 0;
	if (pcap_dump_flush(pw->dump) < 0 || ferror(pcap_dump_file(pw->dump)))
		return err_set(e, "writing pcap: %s", errno ? strerror(errno) : "I/O error");
	pw->good = pcap_dump_ftell(pw->dump);
	return 0;
}

int pcapw_open(struct pcapw *pw, const char *path, struct err *e)
{
	memset(pw, 0, sizeof(*pw));
	pw->dead = pcap_open_dead_with_tstamp_precision(DLT_RAW, PCAPW_SNAPLEN,
							PCAP_TSTAMP_PRECISION_NANO);
	if (!pw->dead)
		return err_set(e, "pcap_open_dead: out of memory");
	pw->dump = pcap_dump_open(pw->dead, path);
	if (!pw->dump) {
		err_set(e, "cannot write %.80s: %.160s", path, pcap_geterr(pw->dead));
		pcap_close(pw->dead);
		pw->dead = NULL;
		return -1;
	}
	pw->real_minus_mono_ns = pcapw_clock_ns(CLOCK_REALTIME) - pcapw_clock_ns(CLOCK_MONOTONIC);
	if (pcapw_flush(pw, e) < 0) {	/* the header: a full disk shows up now */
		err_wrap(e, "%.80s", path);
		pcapw_close(pw, NULL);
		return -1;
	}
	return 0;
}

int pcapw_write(struct pcapw *pw, uint64_t mono_us, const uint8_t *ip, size_t len,
		struct err *e)
{
	struct pcap_pkthdr h;
	int64_t t = (int64_t)mono_us * 1000 + pw->real_minus_mono_ns;

	if (!pw->dump)
		return err_set(e, "pcapw_write: file not open");
	if (len > PCAPW_SNAPLEN)
		return err_set(e, "pcapw_write: %zu bytes exceed the snap length", len);
	memset(&h, 0, sizeof(h));
	h.ts.tv_sec = (time_t)(t / 1000000000);
	h.ts.tv_usec = (suseconds_t)(t % 1000000000);	/* nanoseconds in a nano file */
	h.caplen = h.len = (bpf_u_int32)len;
	pcap_dump((u_char *)pw->dump, &h, ip);
	if (pcapw_flush(pw, e) < 0) {
		pw->failed = true;	/* pcapw_close cuts the partial record off */
		return -1;
	}
	return 0;
}

/* Cuts the file back to its last complete record, so readers see no torn record. Best
 * effort: /dev/full and pipes cannot be truncated, and there is nothing better to do. */
static void pcapw_cut(int fd, long good)
{
	if (fd < 0 || good <= 0 || ftruncate(fd, good) < 0)
		return;
}

int pcapw_close(struct pcapw *pw, struct err *e)
{
	int rc = 0;

	if (pw->dump) {
		/* A descriptor of our own: fclose may still write part of a failed tail. */
		int fd = dup(fileno(pcap_dump_file(pw->dump)));

		rc = pw->failed ? err_set(e, "writing pcap failed earlier") : pcapw_flush(pw, e);
		pcap_dump_close(pw->dump);
		if (rc < 0)
			pcapw_cut(fd, pw->good);
		if (fd >= 0)
			close(fd);
	}
	if (pw->dead)
		pcap_close(pw->dead);
	pw->dump = NULL;
	pw->dead = NULL;
	return rc;
}
