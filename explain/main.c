/* main.c - synlab-explain: reads a capture and explains every TCP segment (text or JSON Lines). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "explain_track.h"
#include "opts.h"
#include "out.h"
#include "pcapr.h"
#include "seg.h"
#include "tui_run.h"

#define SYNLAB_EXPLAIN_VERSION "0.1"

struct run {
	struct xopts o;
	struct tstamp t0;	/* the first frame's time: every record's time counts from it */
	struct xout_totals tot;
	uint64_t shown;
	struct xout *out;
};

static int sink(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct run *run = ctx;

	if (!xopts_wanted(&run->o, r))
		return 0;
	run->shown++;
	return xout_record(run->out, r, e);
}

/* A frame with no segment to explain: counted by reason and shown, never dropped silently. */
static int skip(struct run *run, const struct pcapr_pkt *p, enum pcapr_skip why,
		const char *reason, struct err *e)
{
	struct xout_skip k = { p->frame, tstamp_sub(p->ts, run->t0), reason };
	/* an IP datagram (UDP, ICMP, a later fragment, a cut TCP header) can go into the -w
	 * file with its reason as the comment; other link protocols have no IP bytes */
	struct xout_pkt xp = { p->frame, tstamp_ns(p->ts), p->skip == PCAPR_OK ? p->ip : NULL,
			       p->skip == PCAPR_OK ? p->iplen : 0, p->ipwire };

	xout_set_pkt(run->out, &xp);
	if (why == PCAPR_NOT_IP)
		run->tot.not_ip++;
	else if (why == PCAPR_OK)
		run->tot.not_tcp++;
	else
		run->tot.short_or_cut++;
	return xout_skip(run->out, &k, e);
}

/* One frame into the tracker: IPv4 or IPv6 TCP, whole or with its payload cut by the
 * snaplen; anything else is a skipped record with its reason. */
static int feed(struct run *run, struct explain_track *t, const struct pcapr_pkt *p,
		struct err *e)
{
	struct seg s;
	struct err pe = {""};

	if (p->frame == 1)
		run->t0 = p->ts;
	run->tot.frames++;
	if (p->skip != PCAPR_OK)
		return skip(run, p, p->skip, p->why, e);
	if (seg_parse_cap(p->ip, p->iplen, &s, &pe) < 0) {
		/* a header cut by the capture or too short is not "not TCP" */
		bool cut = strstr(pe.msg, "truncated") != NULL;
		return skip(run, p, cut ? PCAPR_SNAPPED : PCAPR_OK, pe.msg, e);
	}
	run->tot.segments++;
	if (s.cut) {
		run->tot.cut_segments++;
		run->tot.cut_bytes += s.cut;
	}
	struct tstamp rel = tstamp_sub(p->ts, run->t0);
	struct xout_pkt xp = { p->frame, tstamp_ns(p->ts), p->ip, p->iplen, p->ipwire };

	xout_set_pkt(run->out, &xp);
	return explain_track_segment_at(t, p->frame, &rel, &s, e);
}

/* Reads every frame. Returns 0, or -1 with e set (read error: a cut file, or the sink). */
static int read_all(struct run *run, struct pcapr *r, struct explain_track *t, uint64_t *n,
		    struct err *e)
{
	struct pcapr_pkt p;
	int rc;

	while ((rc = pcapr_next(r, &p, e)) == 1) {
		(*n)++;
		if (feed(run, t, &p, e) < 0)
			return -1;
	}
	return rc;
}

static int run_file(struct run *run)
{
	struct err e = {""}, rd = {""};
	uint64_t n = 0;
	struct pcapr *r = pcapr_open(run->o.file, &e);

	if (!r) {
		fprintf(stderr, "synlab-explain: %s\n", e.msg);
		return 1;
	}
	if (!(run->out = xout_new(&run->o, &e))) {
		pcapr_close(r);
		fprintf(stderr, "synlab-explain: %s\n", e.msg);
		return 1;
	}
	struct explain_track *t = explain_track_new(NULL, sink, run, &e);
	if (!t) {
		pcapr_close(r);
		xout_free(run->out);
		fprintf(stderr, "synlab-explain: %s\n", e.msg);
		return 1;
	}
	int rc = read_all(run, r, t, &n, &rd);
	/* Explain what was read even when the file is cut, then say where. */
	if (explain_track_finish(t, &e) < 0 && rc == 0) {
		rd = e;
		rc = -1;
	}
	if (rc == 0 && n > 0 && xout_finish(run->out, &run->tot, &e) < 0) {
		rd = e;
		rc = -1;
	}
	if (xout_totals(run->out, &run->tot, &e) < 0 && rc == 0) {
		rd = e;
		rc = -1;
	}
	xout_free(run->out);
	explain_track_free(t);
	pcapr_close(r);
	fflush(stdout);
	if (rc < 0)
		fprintf(stderr, "synlab-explain: %s: %s\n", run->o.file, rd.msg);
	else if (n == 0)
		fprintf(stderr, "synlab-explain: %s: no packets (a capture header only)\n",
			run->o.file);
	return rc < 0 || n == 0;
}

int main(int argc, char **argv)
{
	struct run run;
	char msg[256];

	memset(&run, 0, sizeof(run));
	if (xopts_parse(argc, argv, &run.o, msg, sizeof(msg)) < 0) {
		fprintf(stderr, "synlab-explain: %s\n", msg);
		return 2;
	}
	/* Output is one or two lines per segment: a 1 MiB buffer instead of stdio's
	 * st_blksize (4 KiB) makes ~250x fewer write(2) calls (a terminal stays line
	 * buffered: setvbuf is only called when stdout is not one). The buffer must be
	 * ours: given NULL, glibc ignores the size and allocates st_blksize anyway. */
	static char outbuf[1u << 20];

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));
	if (run.o.help) {
		xopts_usage(stdout);
		return 0;
	}
	if (run.o.version) {
		printf("synlab-explain %s\n", SYNLAB_EXPLAIN_VERSION);
		return 0;
	}
	return run.o.tui ? xtui_run(&run.o) : run_file(&run);
}
