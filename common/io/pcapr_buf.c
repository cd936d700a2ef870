/* pcapr_buf.c - the record reader's bytes: exact reads, its growing buffer, the "file cut" error (used by pcapr_pcap.c and pcapr_ng.c). */
#include "pcapr_int.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* Why apart from pcapr.c: pcapr.c picks the format part and calls it; the parts call
 * these, so they sit below both and nothing calls back up. */

int pcapr_reserve(struct pcapr *r, size_t n, struct err *e)
{
	if (n <= r->bufcap)
		return 0;
	size_t cap = r->bufcap ? r->bufcap : 4096;
	while (cap < n)
		cap *= 2;
	uint8_t *b = realloc(r->buf, cap);
	if (!b)
		return err_set(e, "out of memory (a %zu-byte record)", n);
	r->buf = b;
	r->bufcap = cap;
	return 0;
}

int pcapr_cut(struct pcapr *r, uint64_t off, size_t need, struct err *e)
{
	return err_set(e, "file cut inside record %llu (at byte offset %llu): it needs %zu "
		       "bytes, the file ends first", (unsigned long long)r->frame + 1,
		       (unsigned long long)off, need);
}

int pcapr_read(struct pcapr *r, void *dst, size_t n, const char *what, struct err *e)
{
	size_t got = fread(dst, 1, n, r->f);

	r->off += got;
	if (got == n)
		return 0;
	if (ferror(r->f))
		return err_set(e, "read error in %s at byte offset %llu: %s", what,
			       (unsigned long long)r->off, strerror(errno));
	return pcapr_cut(r, r->off - got, n, e);
}
