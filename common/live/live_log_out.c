/* live_log_out.c - where the live programs' records go: text / -q / JSON log, ladder, HTML, pcap or pcapng. */
#include "live_log.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain_json.h"
#include "pcapng_w.h"

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

static int open_capture(struct live_log *g, const char *path, struct err *e)
{
	if (!path)
		return 0;
	if (!live_opts_is_pcapng(path)) {
		if (pcapw_open(&g->pw, path, e) < 0)
			return err_wrap(e, "-w");
		g->has_pcap = true;
		return 0;
	}
	g->real_minus_mono_ns = clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC);
	if (!(g->ng = pcapngw_open(path, "synlab", e)))
		return err_wrap(e, "-w");
	return 0;
}

static int open_log(struct live_log *g, const char *path, struct err *e)
{
	if (!path) {
		g->f = stderr;
	} else if (strcmp(path, "-") == 0) {
		g->f = stdout;
	} else if (!(g->f = fopen(path, "w"))) {
		return err_set(e, "--log: %s: %s", path, strerror(errno));
	} else {
		g->own_f = true;
	}
	g->colour = g->o.mode != LIVE_LOG_JSON && explain_colour_enabled(g->f);
	/* stderr is unbuffered (a write per fprintf): buffered, the log costs one write
	 * per wake-up (live_log_idle, before every wait) instead of one per line. */
	setvbuf(g->f, NULL, _IOFBF, 1 << 16);
	if (g->f != stderr)
		setvbuf(stderr, NULL, _IOFBF, 1 << 16);
	return 0;
}

int live_log_open(struct live_log *g, const struct live_out_opts *o, enum explain_who local,
		  struct err *e)
{
	memset(g, 0, sizeof(*g));
	if (o)
		g->o = *o;
	else
		live_opts_default(&g->o);
	g->local = local;
	if (open_log(g, g->o.log_path, e) < 0)
		return -1;
	if (open_capture(g, g->o.pcap_path, e) < 0) {
		if (g->own_f)
			fclose(g->f);
		return -1;
	}
	return 0;
}

/* ---- the capture file ---- */

static void capture_failed(struct live_log *g, struct err *e)
{
	/* Not fatal: the connection goes on; the file keeps every whole segment before the
	 * failure (pcapw cuts a torn record), and the program exits 1 (capture_lost). */
	live_log_note(g, "synlab: -w capture file: %s; capture stopped, the file keeps the "
		      "segments before this one", e->msg);
	g->capture_lost = true;
	if (g->has_pcap)
		pcapw_close(&g->pw, NULL);
	if (g->ng)
		pcapngw_close(g->ng, NULL);
	g->has_pcap = false;
	g->ng = NULL;
	g->has_pend = false;
}

static void flush_pending(struct live_log *g, const char *comment)
{
	struct err e;
	uint64_t ns = g->pend_us * 1000;

	if (!g->has_pend || !g->ng)
		return;
	g->has_pend = false;
	if (pcapngw_packet(g->ng, ns + (uint64_t)g->real_minus_mono_ns, g->pend, g->pend_len,
			   comment, &e) < 0)
		capture_failed(g, &e);
}

void live_log_capture(struct live_log *g, uint64_t mono_us, const uint8_t *ip, size_t len)
{
	struct err e;

	g->last_pkt_us = mono_us;
	if ((!g->has_pcap && !g->ng) || live_log_q_capture(g, mono_us, ip, len))
		return;
	if (g->has_pcap && pcapw_write(&g->pw, mono_us, ip, len, &e) < 0)
		capture_failed(g, &e);
	if (!g->ng)
		return;
	flush_pending(g, NULL);
	if (len > sizeof(g->pend))
		len = sizeof(g->pend);
	memcpy(g->pend, ip, len);
	g->pend_len = len;
	g->pend_us = mono_us;
	g->has_pend = true;
	g->pend_frame = g->replaying ? 0 : g->frame;	/* (replayed: records follow in order) */
}

/* Writes the pending packet with its segment's comment: the same prose the text log
 * prints and --json carries as "explain", so the outputs never disagree. */
static void comment_of(struct live_log *g, const char *prose)
{
	flush_pending(g, prose);
}

/* ---- the log ---- */

void live_log_note(struct live_log *g, const char *fmt, ...)
{
	FILE *f = g->o.mode == LIVE_LOG_JSON ? stderr : g->f;
	va_list ap;

	if (!f)
		return;
	va_start(ap, fmt);
	if (!live_log_q_note(g, f, fmt, ap)) {
		vfprintf(f, fmt, ap);
		fputc('\n', f);
		fflush(f);
	}
	va_end(ap);
}

static void put_text(struct live_log *g, const struct explain_rec *r, const char *prose,
		     const char *note)
{
	char line[1024];
	const char *dim = g->colour ? "\033[2m" : "", *end = g->colour ? explain_colour_reset() : "";

	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR) {
		explain_quiet_line(r, g->o.lang, g->colour, line, sizeof(line));
		fprintf(g->f, "%s\n      %s\n", line, prose);
	} else if (r->kind == EXPLAIN_REC_SUMMARY) {
		fprintf(g->f, "%s== %s%s\n", dim, prose, end);
	} else {
		fprintf(g->f, "%s      * %s%s\n", dim, prose, end);
	}
	if (note)
		fprintf(g->f, "      %s\n", note);
}

static void put_log(struct live_log *g, const struct explain_rec *r, const char *prose,
		    bool show, const char *note)
{
	char line[1024];

	if (!g->f)
		return;
	if (g->o.mode == LIVE_LOG_JSON) {
		explain_json_write(r, g->o.lang, prose, g->f);
	} else if (g->o.mode == LIVE_LOG_QUIET) {
		if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR) {
			explain_quiet_line(r, g->o.lang, g->colour, line, sizeof(line));
			fprintf(g->f, "%s\n", line);
		}
	} else if (show) {
		put_text(g, r, prose, note);
	}
	if (!g->replaying)	/* live_log_flush flushes once per step */
		fflush(g->f);
}

/* Whether r's prose is read by any output: -q prints none (but a pcapng comment and
 * the text of later segments, through the context, may need it). */
static bool wants_prose(const struct live_log *g, const struct explain_rec *r, bool show)
{
	if (g->o.mode == LIVE_LOG_JSON || g->ng)
		return true;
	return g->o.mode == LIVE_LOG_TEXT && (show || r->kind == EXPLAIN_REC_SEGMENT);
}

void live_log_put(struct live_log *g, struct live_log_conn *x, const struct explain_rec *r,
		  bool show, const char *note)
{
	char prose[EXPLAIN_PROSE_MAX] = "";
	struct err e;

	if (live_log_q_put(g, x, r, show, note))
		return;
	/* Once per record: the prose context follows every record, as synlab-explain's. */
	if (wants_prose(g, r, show))
		explain_prose_ctx(x ? &x->pctx : NULL, r, g->o.lang, prose, sizeof(prose));
	/* a segment a delay held has an older frame: its prose is no comment of this one */
	if (r->kind == EXPLAIN_REC_SEGMENT && g->has_pend &&
	    (!g->pend_frame || r->frame == g->pend_frame))
		comment_of(g, prose);
	put_log(g, r, prose, show, note);
	/* The diagram draws what the text shows: a STATE event a segment already carries
	 * would put the state on a row of its own, before that segment's arrow. */
	if (x && x->ladder && show && explain_ladder_add(x->ladder, r, &e) < 0) {
		live_log_note(g, "synlab: %s (no diagram for connection %u)", e.msg, r->conn);
		explain_ladder_free(x->ladder);
		x->ladder = NULL;
	}
}

/* ---- ladders and HTML pages at exit ---- */

void live_log_keep_ladder(struct live_log *g, struct live_log_conn *x)
{
	struct explain_ladder **n;

	if (!x->ladder)
		return;
	if (g->ndone == g->capdone) {
		size_t cap = g->capdone ? g->capdone * 2 : 8;

		if (!(n = realloc(g->done, cap * sizeof(*n)))) {
			explain_ladder_free(x->ladder);
			x->ladder = NULL;
			return;
		}
		g->done = n;
		g->capdone = cap;
	}
	g->done[g->ndone++] = x->ladder;
	x->ladder = NULL;
}

/* FILE for the first connection, FILE with "-N" before the extension for the N-th. */
static void html_path(const char *path, size_t i, char *buf, size_t cap)
{
	const char *dot = strrchr(path, '.'), *slash = strrchr(path, '/');

	if (i == 0)
		snprintf(buf, cap, "%s", path);
	else if (dot && (!slash || dot > slash))
		snprintf(buf, cap, "%.*s-%zu%s", (int)(dot - path), path, i + 1, dot);
	else
		snprintf(buf, cap, "%s-%zu", path, i + 1);
}

static int draw_all(struct live_log *g, struct err *e)
{
	struct explain_ladder_opts lo = { g->o.lang, !explain_utf8_locale() && g->o.lang ==
					  EXPLAIN_LANG_EN, g->colour, false };
	char path[4096];
	int rc = 0;

	for (size_t i = 0; i < g->ndone; i++) {
		if (g->o.ladder && g->f && explain_ladder_render(g->done[i], &lo, g->f, e) < 0)
			rc = -1;
		html_path(g->o.html_path ? g->o.html_path : "", i, path, sizeof(path));
		if (g->o.html_path && explain_html_save(g->done[i], g->o.lang, path, e) < 0)
			rc = -1;
		explain_ladder_free(g->done[i]);
	}
	free(g->done);
	g->done = NULL;
	g->ndone = g->capdone = 0;
	return rc;
}

int live_log_close(struct live_log *g, struct err *e)
{
	struct err ignored;
	int rc;

	if (!e)
		e = &ignored;
	live_log_flush(g);
	live_log_q_free(g);
	rc = draw_all(g, e);

	flush_pending(g, NULL);
	if (g->has_pcap && pcapw_close(&g->pw, rc < 0 ? NULL : e) < 0)
		rc = -1;
	if (g->ng && pcapngw_close(g->ng, rc < 0 ? NULL : e) < 0)
		rc = -1;
	g->has_pcap = false;
	g->ng = NULL;
	if (g->f)
		fflush(g->f);
	if (g->own_f && fclose(g->f) != 0 && rc == 0)
		rc = err_set(e, "--log: %s", strerror(errno));
	g->f = NULL;
	return rc;
}
