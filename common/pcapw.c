/* pcapw.c - nanosecond DLT_RAW pcap writer for what a synlab program sends and receives. */
#include "pcapw.h"

#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#define PCAPW_SNAPLEN 65535

static int64_t pcapw_clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
	return 0;
}

static int pcapw_flush(struct pcapw *pw, struct err *e)
{
	errno = 0;
	if (pcap_dump_flush(pw->dump) < 0 || ferror(pcap_dump_file(pw->dump)))
		return err_set(e, "writing pcap: %s", errno ? strerror(errno) : "I/O error");
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
	return pcapw_flush(pw, e);
}

int pcapw_close(struct pcapw *pw, struct err *e)
{
	int rc = 0;

	if (pw->dump) {
		rc = pcapw_flush(pw, e);
		pcap_dump_close(pw->dump);
	}
	if (pw->dead)
		pcap_close(pw->dead);
	pw->dump = NULL;
	pw->dead = NULL;
	return rc;
}
