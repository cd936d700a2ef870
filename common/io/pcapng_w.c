/* pcapng_w.c - writes pcapng files whose packets carry comments (see pcapng_w.h for why). */
#include "pcapng_w.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define BT_SHB 0x0A0D0D0Au
#define BT_IDB 0x00000001u
#define BT_EPB 0x00000006u
#define OPT_END 0
#define OPT_COMMENT 1
#define OPT_SHB_USERAPPL 4
#define OPT_IF_TSRESOL 9
#define MAX_COMMENT 65000	/* an option length is 16 bits */
#define MAX_PACKET 262144

struct pcapngw {
	FILE *f;
	bool own;		/* opened by us: close it */
	bool failed;
};

/* A block being assembled in memory, then written with one fwrite. */
struct blk {
	uint8_t *p;
	size_t len, cap;
	bool oom;
};

static void put(struct blk *b, const void *src, size_t n)
{
	if (b->oom || n == 0)	/* n == 0: src may be NULL (empty payload), memcpy forbids it */
		return;
	if (b->len + n > b->cap) {
		size_t cap = (b->len + n) * 2 + 64;
		uint8_t *np = realloc(b->p, cap);
		if (!np) {
			b->oom = true;
			return;
		}
		b->p = np;
		b->cap = cap;
	}
	memcpy(b->p + b->len, src, n);
	b->len += n;
}

static void put32(struct blk *b, uint32_t v) { put(b, &v, 4); }
static void put16(struct blk *b, uint16_t v) { put(b, &v, 2); }

static void pad4(struct blk *b)
{
	static const uint8_t zero[4];

	put(b, zero, (4 - b->len % 4) % 4);
}

static void option(struct blk *b, uint16_t code, const void *val, size_t len)
{
	put16(b, code);
	put16(b, (uint16_t)len);
	put(b, val, len);
	pad4(b);
}

static void begin(struct blk *b, uint32_t type)
{
	put32(b, type);
	put32(b, 0);	/* total length, patched by finish */
}

/* Appends the trailing length and patches the leading one; writes the block. */
static int finish(struct pcapngw *w, struct blk *b, struct err *e)
{
	uint32_t total = (uint32_t)b->len + 4;
	int rc = 0;

	put32(b, total);
	if (b->oom)
		rc = err_set(e, "pcapng: out of memory");
	else {
		memcpy(b->p + 4, &total, 4);
		if (fwrite(b->p, 1, b->len, w->f) != b->len)
			rc = err_set(e, "pcapng: write failed: %s", strerror(errno));
	}
	free(b->p);
	if (rc)
		w->failed = true;
	return rc;
}

static int write_shb(struct pcapngw *w, const char *app, struct err *e)
{
	struct blk b = { 0 };

	begin(&b, BT_SHB);
	put32(&b, 0x1A2B3C4Du);	/* byte-order magic */
	put16(&b, 1);		/* major */
	put16(&b, 0);		/* minor */
	put32(&b, 0xFFFFFFFFu);	/* section length: not given (-1) */
	put32(&b, 0xFFFFFFFFu);
	if (app && app[0])
		option(&b, OPT_SHB_USERAPPL, app, strnlen(app, 256));
	option(&b, OPT_END, NULL, 0);
	return finish(w, &b, e);
}

static int write_idb(struct pcapngw *w, struct err *e)
{
	struct blk b = { 0 };
	uint8_t tsresol = 9;	/* 10^-9 s */

	begin(&b, BT_IDB);
	put16(&b, PCAPNGW_LINKTYPE_RAW);
	put16(&b, 0);		/* reserved */
	put32(&b, 0);		/* snaplen: no limit */
	option(&b, OPT_IF_TSRESOL, &tsresol, 1);
	option(&b, OPT_END, NULL, 0);
	return finish(w, &b, e);
}

struct pcapngw *pcapngw_open_stream(FILE *f, const char *app, struct err *e)
{
	struct pcapngw *w;

	if (!f) {
		err_set(e, "pcapng: no stream");
		return NULL;
	}
	w = calloc(1, sizeof(*w));
	if (!w) {
		err_set(e, "pcapng: out of memory");
		return NULL;
	}
	w->f = f;
	if (write_shb(w, app, e) < 0 || write_idb(w, e) < 0) {
		free(w);
		return NULL;
	}
	return w;
}

struct pcapngw *pcapngw_open(const char *path, const char *app, struct err *e)
{
	FILE *f = path ? fopen(path, "wb") : NULL;
	struct pcapngw *w;

	if (!f) {
		err_set(e, "pcapng: cannot create %s: %s", path ? path : "(null)", strerror(errno));
		return NULL;
	}
	w = pcapngw_open_stream(f, app, e);
	if (!w) {
		fclose(f);
		return NULL;
	}
	w->own = true;
	return w;
}

int pcapngw_packet(struct pcapngw *w, uint64_t ts_ns, const uint8_t *pkt, size_t len,
		   const char *comment, struct err *e)
{
	return pcapngw_packet_cut(w, ts_ns, pkt, len, len, comment, e);
}

int pcapngw_packet_cut(struct pcapngw *w, uint64_t ts_ns, const uint8_t *pkt, size_t len,
		       size_t orig_len, const char *comment, struct err *e)
{
	struct blk b = { 0 };
	size_t clen = comment ? strnlen(comment, MAX_COMMENT + 1) : 0;

	if (!w || (!pkt && len))
		return err_set(e, "pcapng: no writer or packet");
	if (len > MAX_PACKET || clen > MAX_COMMENT || orig_len < len || orig_len > UINT32_MAX)
		return err_set(e, "pcapng: packet (%zu of %zu bytes) or comment too long", len,
			       orig_len);
	begin(&b, BT_EPB);
	put32(&b, 0);				/* interface 0 */
	put32(&b, (uint32_t)(ts_ns >> 32));	/* timestamp, high word first */
	put32(&b, (uint32_t)ts_ns);
	put32(&b, (uint32_t)len);		/* captured */
	put32(&b, (uint32_t)orig_len);		/* original: a reader sees what was cut */
	put(&b, pkt, len);
	pad4(&b);
	if (clen) {
		option(&b, OPT_COMMENT, comment, clen);
		option(&b, OPT_END, NULL, 0);
	}
	return finish(w, &b, e);
}

int pcapngw_flush(struct pcapngw *w, struct err *e)
{
	if (!w)
		return err_set(e, "pcapng: no writer");
	if (fflush(w->f) != 0 || ferror(w->f)) {
		w->failed = true;
		return err_set(e, "pcapng: write failed: %s", strerror(errno));
	}
	return 0;
}

int pcapngw_close(struct pcapngw *w, struct err *e)
{
	int rc = 0;

	if (!w)
		return err_set(e, "pcapng: no writer");
	if (fflush(w->f) != 0 || ferror(w->f))
		rc = err_set(e, "pcapng: write failed: %s", strerror(errno));
	if (w->own && fclose(w->f) != 0 && rc == 0)
		rc = err_set(e, "pcapng: close failed: %s", strerror(errno));
	if (w->failed && rc == 0)
		rc = err_set(e, "pcapng: an earlier write failed");
	free(w);
	return rc;
}
