/* pcapr.c - opens pcap/pcapng files with libpcap, refuses bad input with clear reasons, yields frames. */
#include "pcapr.h"

#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

struct pcapr {
	pcap_t *p;
	int dlt;
	uint64_t frame;
	uint64_t skipped[PCAPR_NSKIP];
};

/* Magic numbers: pcap (us and ns, both byte orders) and the pcapng Section Header Block. */
static int known_magic(const uint8_t m[4])
{
	static const uint8_t magics[][4] = {
		{0xd4, 0xc3, 0xb2, 0xa1}, {0xa1, 0xb2, 0xc3, 0xd4},
		{0x4d, 0x3c, 0xb2, 0xa1}, {0xa1, 0xb2, 0x3c, 0x4d},
		{0x0a, 0x0d, 0x0d, 0x0a},
	};
	for (size_t i = 0; i < sizeof(magics) / sizeof(magics[0]); i++)
		if (memcmp(m, magics[i], 4) == 0)
			return 1;
	return 0;
}

static int looks_text(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isprint(b[i]) && !isspace(b[i]))
			return 0;
	return n > 0;
}

/* Libpcap's own messages for these cases are cryptic ("unknown file format"): sniff first. */
static int sniff(const char *path, struct err *e)
{
	uint8_t b[64];
	struct stat st;
	FILE *f = fopen(path, "rb");

	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno));
	size_t n = fread(b, 1, sizeof(b), f);
	fclose(f);
	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(e, "%s: is a directory", path);
	if (n == 0)
		return err_set(e, "%s: empty file (0 bytes), not a capture", path);
	if (n >= 4 && known_magic(b))
		return 0;
	if (looks_text(b, n))
		return err_set(e, "%s: a text file, not a pcap or pcapng capture", path);
	return err_set(e, "%s: not a pcap or pcapng file (first bytes %02x %02x %02x %02x)",
		       path, b[0], n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0);
}

struct pcapr *pcapr_open(const char *path, struct err *e)
{
	char ebuf[PCAP_ERRBUF_SIZE] = "";

	if (sniff(path, e) < 0)
		return NULL;
	pcap_t *p = pcap_open_offline_with_tstamp_precision(path, PCAP_TSTAMP_PRECISION_MICRO,
							    ebuf);
	if (!p) {
		err_set(e, "%s: %s", path, ebuf);
		return NULL;
	}
	int dlt = pcap_datalink(p);
	if (!pcapr_dlt_supported(dlt)) {
		const char *n = pcap_datalink_val_to_name(dlt);
		err_set(e, "%s: unsupported link type %s (%d); synlab-explain reads Ethernet, "
			"Linux cooked (SLL, SLL2), raw IP and loopback captures",
			path, n ? n : "unknown", dlt);
		pcap_close(p);
		return NULL;
	}
	struct pcapr *r = calloc(1, sizeof(*r));
	if (!r) {
		pcap_close(p);
		err_set(e, "out of memory");
		return NULL;
	}
	r->p = p;
	r->dlt = dlt;
	return r;
}

/* Libpcap reports a record cut short as "truncated dump file; tried to read ..." (pcap)
 * or "truncated pcapng dump file" (pcapng). */
static int read_error(struct pcapr *r, struct err *e)
{
	const char *msg = pcap_geterr(r->p);
	FILE *f = pcap_file(r->p);
	long off = f ? ftell(f) : -1;

	if (strstr(msg, "truncated"))
		return err_set(e, "file cut inside record %llu (at byte offset %ld): %s",
			       (unsigned long long)r->frame + 1, off, msg);
	return err_set(e, "read error at record %llu: %s", (unsigned long long)r->frame + 1,
		       msg);
}

int pcapr_next(struct pcapr *r, struct pcapr_pkt *p, struct err *e)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int rc = pcap_next_ex(r->p, &h, &d);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1)
		return read_error(r, e);
	memset(p, 0, sizeof(*p));
	p->frame = ++r->frame;
	p->ts_us = (uint64_t)h->ts.tv_sec * 1000000u + (uint64_t)h->ts.tv_usec;
	p->caplen = h->caplen;
	p->wirelen = h->len;
	p->data = d;
	p->skip = pcapr_link_ipv4(r->dlt, d, h->caplen, h->len, &p->ip, &p->iplen);
	r->skipped[p->skip]++;
	return 1;
}

const char *pcapr_linktype(const struct pcapr *r)
{
	const char *n = pcap_datalink_val_to_name(r->dlt);
	return n ? n : "unknown";
}

uint64_t pcapr_skipped(const struct pcapr *r, enum pcapr_skip s)
{
	return (unsigned)s < PCAPR_NSKIP && s != PCAPR_OK ? r->skipped[s] : 0;
}

void pcapr_close(struct pcapr *r)
{
	if (!r)
		return;
	pcap_close(r->p);
	free(r);
}
