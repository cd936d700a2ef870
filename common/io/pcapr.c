/* pcapr.c - opens pcap/pcapng files, refuses bad input with clear reasons, yields frames with their IP bytes. */
#include "pcapr_int.h"

#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "link.h"

/*
 * Why not libpcap: libpcap 1.10 reads a pcapng only when every interface has the link
 * type and snaplen of the first ("an interface has a type N different from the type of
 * the first interface" / "... snapshot length"), which is what `dumpcap -i a -i b` and
 * mergecap write; and it hands nanosecond or finer pcapng stamps over rounded to its
 * precision. So both formats are read here, record by record (pcapr_pcap.c, pcapr_ng.c).
 */

#define PCAP_MAGIC_US 0xa1b2c3d4u
#define PCAP_MAGIC_NS 0xa1b23c4du
#define PCAPNG_SHB 0x0a0d0d0au

static uint32_t le32(const uint8_t *b)
{
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static int known_magic(const uint8_t m[4])
{
	uint32_t v = le32(m), s = __builtin_bswap32(v);

	return v == PCAPNG_SHB || v == PCAP_MAGIC_US || v == PCAP_MAGIC_NS || s == PCAP_MAGIC_US ||
	       s == PCAP_MAGIC_NS;
}

static int looks_text(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!isprint(b[i]) && !isspace(b[i]))
			return 0;
	return n > 0;
}

/* Clear words for the cases a reader's own messages make cryptic: sniff first. */
static int sniff(const char *path, const uint8_t *b, size_t n, struct err *e)
{
	if (n == 0)
		return err_set(e, "%s: empty file (0 bytes), not a capture", path);
	if (n >= 4 && known_magic(b))
		return 0;
	if (looks_text(b, n))
		return err_set(e, "%s: a text file, not a pcap or pcapng capture", path);
	return err_set(e, "%s: not a pcap or pcapng file (first bytes %02x %02x %02x %02x)",
		       path, b[0], n > 1 ? b[1] : 0, n > 2 ? b[2] : 0, n > 3 ? b[3] : 0);
}

static int open_file(struct pcapr *r, const char *path, struct err *e)
{
	struct stat st;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
		return err_set(e, "%s: is a directory", path);
	if (!(r->f = fopen(path, "rb")))
		return err_set(e, "%s: %s", path, strerror(errno));
	if (fstat(fileno(r->f), &st) == 0 && S_ISREG(st.st_mode))
		r->fsize = (uint64_t)st.st_size;
	return 0;
}

/* The file header: pcap's 24 bytes, or the first pcapng block (read by pcapr_ng_next). */
static int start(struct pcapr *r, const char *path, struct err *e)
{
	uint8_t h[24];
	size_t n = fread(h, 1, sizeof(h), r->f);

	if (sniff(path, h, n, e) < 0)
		return -1;
	r->first_linktype = -1;
	if (le32(h) == PCAPNG_SHB) {
		r->ng = true;
		return fseek(r->f, 0, SEEK_SET) == 0 ? 0 : err_set(e, "%s: %s", path,
								  strerror(errno));
	}
	if (n < sizeof(h))
		return err_set(e, "%s: pcap file header cut: %zu of 24 bytes", path, n);
	r->off = sizeof(h);
	if (pcapr_pcap_header(r, h, e) < 0)
		return err_wrap(e, "%s", path);
	if (!link_supported(r->linktype)) {
		const char *nm = pcap_datalink_val_to_name(r->linktype);
		return err_set(e, "%s: unsupported link type %s (%d); synlab-explain reads "
			       "Ethernet, Linux cooked (SLL, SLL2), raw IP and loopback captures",
			       path, nm ? nm : "unknown", r->linktype);
	}
	return 0;
}

struct pcapr *pcapr_open(const char *path, struct err *e)
{
	struct pcapr *r = calloc(1, sizeof(*r));

	if (!r) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (open_file(r, path, e) < 0 || start(r, path, e) < 0) {
		pcapr_close(r);
		return NULL;
	}
	return r;
}

int pcapr_next(struct pcapr *r, struct pcapr_pkt *p, struct err *e)
{
	struct pcapr_raw raw;
	int rc = r->ng ? pcapr_ng_next(r, &raw, e) : pcapr_pcap_next(r, &raw, e);

	if (rc != 1)
		return rc;
	memset(p, 0, sizeof(*p));
	p->frame = ++r->frame;
	p->ts = raw.ts;
	p->ts_us = tstamp_us(raw.ts);
	p->caplen = raw.caplen;
	p->wirelen = raw.wirelen;
	p->data = raw.data;
	p->linktype = raw.linktype;
	p->iface = raw.iface;
	p->skip = pcapr_link_ip(raw.linktype, raw.data, raw.caplen, raw.wirelen, p);
	r->skipped[p->skip]++;
	return 1;
}

const char *pcapr_linktype(const struct pcapr *r)
{
	int lt = r->ng ? r->first_linktype : r->linktype;
	const char *n = lt == LINK_T_RAW ? "RAW" : pcap_datalink_val_to_name(lt);

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
	if (r->f)
		fclose(r->f);
	free(r->buf);
	free(r->ifs);
	free(r);
}
