/* fuzz_pcap.c - fuzz target: a pcap/pcapng file through pcapr, seg_parse, the explain tracker
 * and every renderer synlab-explain uses (text, JSON, prose, -q line, ladder, HTML). */
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "explain_json.h"
#include "explain_present.h"
#include "explain_text.h"
#include "explain_track.h"
#include "fuzz.h"
#include "pcapr.h"

struct fz {
	FILE *out;			/* /dev/null: rendering must work, the text is not kept */
	struct explain_ladder *lad;
	struct explain_prose_ctx prose;
	uint64_t recs;
};

static int sink(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct fz *f = ctx;
	char buf[4096];
	enum explain_lang lang = (f->recs++ & 1) ? EXPLAIN_LANG_ZH : EXPLAIN_LANG_EN;

	FUZZ_CHECK(explain_text_render(r, lang, f->out) == 0);
	explain_prose_ctx(&f->prose, r, lang, buf, sizeof(buf));
	FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	FUZZ_CHECK(explain_json_write(r, lang, buf, f->out) == 0);
	FUZZ_CHECK(explain_json_write(r, lang, NULL, f->out) == 0);
	explain_quiet_line(r, lang, true, buf, sizeof(buf));
	FUZZ_CHECK(memchr(buf, '\0', sizeof(buf)) != NULL);
	return explain_ladder_add(f->lad, r, e);
}

static void render_ladder(struct fz *f)
{
	struct explain_ladder_opts o = { EXPLAIN_LANG_EN, false, true, true };
	struct err e;

	FUZZ_CHECK(explain_ladder_render(f->lad, &o, f->out, &e) == 0);
	o.lang = EXPLAIN_LANG_ZH;
	o.ascii = true;
	FUZZ_CHECK(explain_ladder_render(f->lad, &o, f->out, &e) == 0);
	FUZZ_CHECK(explain_html_write(f->lad, EXPLAIN_LANG_EN, NULL, f->out, &e) == 0);
}

/* synlab-explain's read loop (explain/main.c: read_all + feed). */
static void run(struct pcapr *r, struct explain_track *t)
{
	struct pcapr_pkt p;
	struct seg s;
	struct err e;
	uint64_t t0 = 0;

	while (pcapr_next(r, &p, &e) == 1) {
		/* the IPv4 bytes handed out lie inside the captured frame */
		FUZZ_CHECK(p.skip != PCAPR_OK ||
			   (p.ip >= p.data && p.ip + p.iplen <= p.data + p.caplen));
		if (p.frame == 1)
			t0 = p.ts_us;
		if (p.skip != PCAPR_OK || seg_parse_cap(p.ip, p.iplen, &s, &e) < 0)
			continue;
		FUZZ_CHECK(explain_track_segment(t, p.frame, p.ts_us >= t0 ? p.ts_us - t0 : 0,
						 &s, &e) == 0);
	}
	FUZZ_CHECK(explain_track_finish(t, &e) == 0);
	FUZZ_CHECK(explain_track_nopen(t) <= 8);
	(void)pcapr_linktype(r);
	for (int k = 0; k < PCAPR_NSKIP; k++)
		(void)pcapr_skipped(r, (enum pcapr_skip)k);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static FILE *devnull;
	struct explain_track_opts to;
	struct fz f = { 0 };
	struct err e;
	char path[64];
	int fd = memfd_create("fuzz_pcap", MFD_CLOEXEC);

	if (!devnull)
		devnull = fopen("/dev/null", "w");
	if (fd < 0 || !devnull || write(fd, data, size) != (ssize_t)size)
		abort();	/* the harness itself failed */
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	struct pcapr *r = pcapr_open(path, &e);

	if (r) {
		explain_track_opts_default(&to);
		to.max_conns = 8;	/* small: eviction paths run too */
		f.out = devnull;
		explain_prose_ctx_init(&f.prose);
		f.lad = explain_ladder_new(0, &e);
		struct explain_track *t = explain_track_new(&to, sink, &f, &e);

		FUZZ_CHECK(f.lad && t);
		run(r, t);
		render_ladder(&f);
		explain_track_free(t);
		explain_ladder_free(f.lad);
		pcapr_close(r);
	}
	close(fd);
	return 0;
}
