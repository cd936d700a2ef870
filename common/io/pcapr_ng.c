/* pcapr_ng.c - the pcapng format, block by block: SHB, IDB (link type, snaplen, if_tsresol, if_tsoffset), EPB, SPB, PB. */
#include "pcapr_int.h"

#include <stdlib.h>
#include <string.h>

/*
 * Read here rather than by libpcap: libpcap 1.10 refuses a file whose interfaces differ
 * in link type or snaplen (see pcapr.c), so every block is parsed by hand following
 * draft-ietf-opsawg-pcapng (§4: block layout; §4.1 SHB; §4.2 IDB; §4.3 EPB; §4.4 SPB;
 * Appendix A: the obsolete Packet Block). Each Section Header Block sets the byte order
 * (its byte-order magic) and starts a new list of interfaces. Blocks of any other type
 * (name resolution, statistics, decryption secrets, custom) are skipped whole, as the
 * format intends.
 */

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 0x00000001u
#define BT_PB 0x00000002u
#define BT_SPB 0x00000003u
#define BT_EPB 0x00000006u
#define BOM 0x1a2b3c4du
#define OPT_TSRESOL 9
#define OPT_TSOFFSET 14

static uint32_t raw_le32(const uint8_t *b)
{
	return (uint32_t)b[3] << 24 | (uint32_t)b[2] << 16 | (uint32_t)b[1] << 8 | b[0];
}

static uint32_t get32(const struct pcapr *r, const uint8_t *b)
{
	uint32_t v = raw_le32(b);
	return r->swap ? __builtin_bswap32(v) : v;
}

static uint16_t get16(const struct pcapr *r, const uint8_t *b)
{
	return r->swap ? (uint16_t)(b[0] << 8 | b[1]) : (uint16_t)(b[1] << 8 | b[0]);
}

static uint64_t get64(const struct pcapr *r, const uint8_t *b)
{
	uint64_t lo = get32(r, b), hi = get32(r, b + 4);
	return r->swap ? lo << 32 | hi : hi << 32 | lo;
}

static int bad(const struct pcapr *r, uint64_t at, const char *what, struct err *e)
{
	return err_set(e, "malformed pcapng block at byte offset %llu (after record %llu): %s",
		       (unsigned long long)at, (unsigned long long)r->frame, what);
}

/* §4.1: byte-order magic, version 1.x, section length (unused: blocks are walked). */
static int shb(struct pcapr *r, const uint8_t *b, size_t n, uint64_t at, struct err *e)
{
	if (n < 16)
		return bad(r, at, "section header shorter than 16 bytes", e);
	if (get16(r, b + 4) != 1)
		return bad(r, at, "section header version is not 1.x", e);
	r->nifs = 0;	/* interface ids count from 0 again in each section */
	return 0;
}

/* if_tsresol (§4.2): bit 7 clear: 10^-v s; set: 2^-(v & 0x7f) s. Default 10^-6. */
static int tsresol(struct pcapr_if *f, uint8_t v)
{
	f->tspow2 = (v & 0x80) != 0;
	f->tsres = v & 0x7f;
	return f->tspow2 ? f->tsres <= 63 : f->tsres <= 19;
}

/* The options of an IDB: code, length, value padded to 4 bytes; opt_endofopt = 0. */
static int idb_options(struct pcapr *r, struct pcapr_if *f, const uint8_t *o, size_t n,
		       uint64_t at, struct err *e)
{
	while (n >= 4) {
		uint16_t code = get16(r, o), len = get16(r, o + 2);
		size_t pad = ((size_t)len + 3) & ~(size_t)3;

		if (code == 0)
			break;
		if (4 + pad > n)
			return bad(r, at, "an interface option runs past its block", e);
		if (code == OPT_TSRESOL && len >= 1 && !tsresol(f, o[4]))
			return bad(r, at, "if_tsresol finer than 10^-19 s or 2^-63 s", e);
		if (code == OPT_TSOFFSET && len >= 8)
			f->tsoffset = (int64_t)get64(r, o + 4);
		o += 4 + pad;
		n -= 4 + pad;
	}
	return 0;
}

static int idb(struct pcapr *r, const uint8_t *b, size_t n, uint64_t at, struct err *e)
{
	struct pcapr_if f = { 0 };

	if (n < 8)
		return bad(r, at, "interface description shorter than 8 bytes", e);
	f.linktype = get16(r, b);
	f.snaplen = get32(r, b + 4);
	f.tsres = 6;
	if (idb_options(r, &f, b + 8, n - 8, at, e) < 0)
		return -1;
	if (r->nifs == r->capifs) {
		size_t cap = r->capifs ? r->capifs * 2 : 4;
		struct pcapr_if *v = realloc(r->ifs, cap * sizeof(*v));
		if (!v)
			return err_set(e, "out of memory (pcapng interfaces)");
		r->ifs = v;
		r->capifs = cap;
	}
	r->ifs[r->nifs++] = f;
	if (r->first_linktype < 0)
		r->first_linktype = f.linktype;
	return 0;
}

static int iface(const struct pcapr *r, uint32_t id, uint64_t at, struct err *e)
{
	if (id < r->nifs)
		return 0;
	char why[96];
	snprintf(why, sizeof(why), "packet on interface %u, but the section describes %zu", id,
		 r->nifs);
	return bad(r, at, why, e);
}

/* A packet of interface id stamped with the 64-bit count hi:lo, cap bytes at d. */
static void packet(const struct pcapr *r, uint32_t id, uint64_t count, const uint8_t *d,
		   uint32_t cap, uint32_t wire, struct pcapr_raw *raw)
{
	const struct pcapr_if *f = &r->ifs[id];

	raw->ts = tstamp_from_units(count, f->tsres, f->tspow2);
	raw->ts.sec += f->tsoffset;
	raw->caplen = cap;
	raw->wirelen = wire < cap ? cap : wire;
	raw->data = d;
	raw->linktype = f->linktype;
	raw->iface = id;
}

/* §4.3 EPB: interface, timestamp (high, low), captured and original length, data. */
static int epb(struct pcapr *r, const uint8_t *b, size_t n, uint64_t at, struct pcapr_raw *raw,
	       struct err *e)
{
	if (n < 20)
		return bad(r, at, "enhanced packet block shorter than 20 bytes", e);
	uint32_t id = get32(r, b), cap = get32(r, b + 12);
	if (iface(r, id, at, e) < 0)
		return -1;
	if (cap > n - 20)
		return bad(r, at, "captured length runs past the block", e);
	uint64_t count = (uint64_t)get32(r, b + 4) << 32 | get32(r, b + 8);
	packet(r, id, count, b + 20, cap, get32(r, b + 16), raw);
	return 1;
}

/* Appendix A, the obsolete Packet Block: 16-bit interface and drop count. */
static int pb(struct pcapr *r, const uint8_t *b, size_t n, uint64_t at, struct pcapr_raw *raw,
	      struct err *e)
{
	if (n < 20)
		return bad(r, at, "packet block shorter than 20 bytes", e);
	uint32_t id = get16(r, b), cap = get32(r, b + 12);
	if (iface(r, id, at, e) < 0)
		return -1;
	if (cap > n - 20)
		return bad(r, at, "captured length runs past the block", e);
	uint64_t count = (uint64_t)get32(r, b + 4) << 32 | get32(r, b + 8);
	packet(r, id, count, b + 20, cap, get32(r, b + 16), raw);
	return 1;
}

/* §4.4 SPB: interface 0, no timestamp; captured = min(original, snaplen, block). */
static int spb(struct pcapr *r, const uint8_t *b, size_t n, uint64_t at, struct pcapr_raw *raw,
	       struct err *e)
{
	if (n < 4)
		return bad(r, at, "simple packet block shorter than 4 bytes", e);
	if (iface(r, 0, at, e) < 0)
		return -1;
	uint32_t wire = get32(r, b), cap = wire;
	if (r->ifs[0].snaplen && cap > r->ifs[0].snaplen)
		cap = r->ifs[0].snaplen;
	if (cap > n - 4)
		cap = (uint32_t)(n - 4);
	packet(r, 0, 0, b + 4, cap, wire, raw);
	return 1;
}

/* The type and length of the block at r->off; for an SHB its byte-order magic first
 * sets r->swap. 0 at a clean end of file, 1, or -1. */
static int block_head(struct pcapr *r, uint32_t *type, uint32_t *len, uint8_t h[12],
		      struct err *e)
{
	uint64_t at = r->off;
	size_t n = fread(h, 1, 8, r->f);

	r->off += n;
	if (n == 0 && !ferror(r->f))
		return 0;
	if (n < 8)
		return ferror(r->f) ? pcapr_read(r, h, 8, "a block header", e)
				    : pcapr_cut(r, at, 8, e);
	*type = raw_le32(h);	/* BT_SHB reads the same in both orders */
	if (*type == BT_SHB) {
		if (pcapr_read(r, h + 8, 4, "a section header", e) < 0)
			return -1;
		if (raw_le32(h + 8) != BOM && __builtin_bswap32(raw_le32(h + 8)) != BOM)
			return bad(r, at, "section header without the byte-order magic", e);
		r->swap = raw_le32(h + 8) != BOM;
	} else {
		*type = get32(r, h);
	}
	*len = get32(r, h + 4);
	if (*len < 12 || *len % 4 || *len > PCAPR_MAX_RECORD)
		return bad(r, at, "block length is not a multiple of 4 between 12 and 64 MiB", e);
	return 1;
}

/* Reads one whole block into r->buf (body at r->buf, *n bytes). */
static int block(struct pcapr *r, uint32_t *type, size_t *n, uint64_t *at, struct err *e)
{
	uint8_t h[12];
	uint32_t len = 0;

	*at = r->off;
	int rc = block_head(r, type, &len, h, e);
	if (rc <= 0)
		return rc;
	size_t got = *type == BT_SHB ? 12 : 8, rest = len - got;
	if (r->fsize && r->off + rest > r->fsize)
		return pcapr_cut(r, *at, len, e);
	if (pcapr_reserve(r, rest + 4, e) < 0)
		return -1;
	if (*type == BT_SHB)
		memcpy(r->buf, h + 8, 4);	/* the body starts with the magic */
	uint8_t *body = r->buf + (*type == BT_SHB ? 4 : 0);
	if (pcapr_read(r, body, rest, "a block", e) < 0)
		return -1;
	if (get32(r, body + rest - 4) != len)
		return bad(r, *at, "trailing block length differs from the leading one", e);
	*n = len - 12;
	return 1;
}

int pcapr_ng_next(struct pcapr *r, struct pcapr_raw *raw, struct err *e)
{
	for (;;) {
		uint32_t type = 0;
		size_t n = 0;
		uint64_t at;
		int rc = block(r, &type, &n, &at, e);

		if (rc <= 0)
			return rc;
		const uint8_t *b = r->buf;
		switch (type) {
		case BT_SHB:
			rc = shb(r, b, n, at, e);
			break;
		case BT_IDB:
			rc = idb(r, b, n, at, e);
			break;
		case BT_EPB:
			return epb(r, b, n, at, raw, e);
		case BT_SPB:
			return spb(r, b, n, at, raw, e);
		case BT_PB:
			return pb(r, b, n, at, raw, e);
		default:
			rc = 0;	/* NRB, ISB, DSB, custom, ...: nothing for us */
		}
		if (rc < 0)
			return -1;
	}
}
