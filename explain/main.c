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
	uint64_t t0_us;
	uint64_t not_tcp;	/* IPv4 but not a parseable TCP segment */
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

/* One frame into the tracker; frames that are not IPv4+TCP are counted and skipped. */
static int feed(struct run *run, struct explain_track *t, const struct pcapr_pkt *p,
		struct err *e)
{
	struct seg s;
	struct err pe;

	if (p->frame == 1)
		run->t0_us = p->ts_us;
	if (p->skip != PCAPR_OK)
		return 0;
	if (seg_parse(p->ip, p->iplen, &s, &pe) < 0) {
		run->not_tcp++;
		return 0;
	}
	uint64_t rel = p->ts_us >= run->t0_us ? p->ts_us - run->t0_us : 0;
	struct xout_pkt xp = { p->frame, p->ts_us * 1000, p->ip, p->iplen };

	xout_set_pkt(run->out, &xp);
	return explain_track_segment(t, p->frame, rel, &s, e);
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

static void report_skipped(const struct run *run, const struct pcapr *r)
{
	uint64_t other = pcapr_skipped(r, PCAPR_NOT_IPV4);
	uint64_t bad = pcapr_skipped(r, PCAPR_SHORT) + pcapr_skipped(r, PCAPR_SNAPPED);

	if (other + bad + run->not_tcp && !run->o.json)
		fprintf(stderr, "synlab-explain: skipped %llu non-IPv4, %llu short or snapped, "
			"%llu non-TCP frames\n", (unsigned long long)other,
			(unsigned long long)bad, (unsigned long long)run->not_tcp);
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
	if (rc == 0 && n > 0 && xout_finish(run->out, &e) < 0) {
		rd = e;
		rc = -1;
	}
	report_skipped(run, r);
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
	 * buffered: setvbuf is only called when stdout is not one). */
	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, NULL, _IOFBF, 1u << 20);
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
