/* pcapr_pcap.c - the classic pcap format: file header (us/ns magic, both byte orders) and packet records. */
#include "pcapr_int.h"

#include <string.h>

#define MAGIC_US 0xa1b2c3d4u
#define MAGIC_NS 0xa1b23c4du
#define REC_HDR 16
#define LT_MASK 0x03ffffffu	/* the link type; the bits above carry FCS information */

static uint32_t get32(const struct pcapr *r, const uint8_t *b)
{
	uint32_t le = (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];

	return r->swap ? __builtin_bswap32(le) : le;
}

/* The 24-byte header of tcpdump.org/manpages/pcap-savefile.5: magic, version 2.4,
 * thiszone, sigfigs (both unused, as libpcap does), snaplen, link type. Multi-byte
 * fields are in the writer's byte order: the magic tells which ("swap" = big-endian). */
int pcapr_pcap_header(struct pcapr *r, const uint8_t h[24], struct err *e)
{
	uint32_t m = (uint32_t)h[3] << 24 | (uint32_t)h[2] << 16 | (uint32_t)h[1] << 8 | h[0];

	r->swap = m != MAGIC_US && m != MAGIC_NS;
	m = get32(r, h);
	r->tsdigits = m == MAGIC_NS ? 9 : 6;
	unsigned major = r->swap ? (unsigned)(h[4] << 8 | h[5]) : (unsigned)(h[5] << 8 | h[4]);
	if (major != 2)
		return err_set(e, "pcap version %u, only version 2 exists", major);
	r->linktype = (int)(get32(r, h + 20) & LT_MASK);
	return 0;
}

/* Seconds + microseconds or nanoseconds; a fraction of a whole second or more (a damaged
 * or odd writer) is carried into the seconds rather than lost. */
static struct tstamp stamp(const struct pcapr *r, uint32_t sec, uint32_t frac)
{
	uint64_t per = r->tsdigits == 9 ? 1000000000u : 1000000u;
	struct tstamp t;

	t.sec = (int64_t)sec + frac / per;
	t.as = (frac % per) * (TSTAMP_AS / per);
	t.digits = (uint8_t)r->tsdigits;
	return t;
}

int pcapr_pcap_next(struct pcapr *r, struct pcapr_raw *raw, struct err *e)
{
	uint8_t h[REC_HDR];
	uint64_t at = r->off;
	size_t n = fread(h, 1, REC_HDR, r->f);

	r->off += n;
	if (n == 0 && !ferror(r->f))
		return 0;
	if (n < REC_HDR)
		return ferror(r->f) ? pcapr_read(r, h, REC_HDR, "a record header", e)
				    : pcapr_cut(r, at, REC_HDR, e);
	uint32_t caplen = get32(r, h + 8), wirelen = get32(r, h + 12);
	if (caplen > PCAPR_MAX_RECORD)
		return err_set(e, "record %llu (at byte offset %llu): captured length %u is "
			       "impossible (a damaged file)", (unsigned long long)r->frame + 1,
			       (unsigned long long)at, caplen);
	if (r->fsize && r->off + caplen > r->fsize)
		return pcapr_cut(r, at, REC_HDR + (size_t)caplen, e);
	if (pcapr_reserve(r, caplen ? caplen : 1, e) < 0 ||
	    pcapr_read(r, r->buf, caplen, "a record", e) < 0)
		return -1;
	raw->ts = stamp(r, get32(r, h), get32(r, h + 4));
	raw->caplen = caplen;
	raw->wirelen = wirelen < caplen ? caplen : wirelen;	/* a writer's slip: never less */
	raw->data = r->buf;
	raw->linktype = r->linktype;
	raw->iface = 0;
	return 1;
}
