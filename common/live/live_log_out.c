/* live_log_out.c - where the live programs' records go: the shared dispatcher (text / -q / JSON, ladder, HTML), pcap or pcapng. */
#include "live_log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "pcapng_w.h"

static int64_t clock_ns(clockid_t c)
{
	struct timespec ts;

	clock_gettime(c, &ts);
	return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
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
	live_log_hold_free(&g->hold, &g->held);
}

static void write_ng(struct live_log *g, uint64_t mono_us, const uint8_t *ip, size_t len,
		     const char *comment)
{
	struct err e;
	uint64_t ns = mono_us * 1000 + (uint64_t)g->real_minus_mono_ns;

	/* Flushed per packet, as pcapw does: a SIGKILLed run leaves a readable file with
	 * every segment explained so far (those still held wait for their records). */
	if (pcapngw_packet(g->ng, ns, ip, len, comment, &e) < 0 || pcapngw_flush(g->ng, &e) < 0)
		capture_failed(g, &e);
}

/* Writes the held packets at the front that have their comments (any: all of them). */
static void drain_held(struct live_log *g, bool any)
{
	while (g->ng && live_log_hold_pop(&g->hold, any, &g->held))
		write_ng(g, g->held.mono_us, g->held.pkt, g->held.len, g->held.comment);
}

static void capture_now(struct live_log *g, uint64_t frame, uint64_t mono_us,
			const uint8_t *ip, size_t len)
{
	struct err e;

	if (g->has_pcap && pcapw_write(&g->pw, mono_us, ip, len, &e) < 0)
		capture_failed(g, &e);
	if (!g->ng)
		return;
	if (g->hold.n == LIVE_LOG_HOLD && live_log_hold_pop(&g->hold, true, &g->held))
		write_ng(g, g->held.mono_us, g->held.pkt, g->held.len, NULL);	/* no record came */
	if (g->ng && live_log_hold_push(&g->hold, frame, mono_us, ip, len) < 0)
		write_ng(g, mono_us, ip, len, NULL);	/* out of memory: bare, in order */
}

void live_log_capture(struct live_log *g, uint64_t frame, uint64_t mono_us, const uint8_t *ip,
		      size_t len)
{
	g->last_pkt_us = mono_us;
	if (!g->has_pcap && !g->ng)
		return;
	if (g->defer && live_log_q_capture(&g->q, g->f, frame, mono_us, ip, len))
		return;
	capture_now(g, frame, mono_us, ip, len);
}

/* The pcapng sink of the dispatcher: a held packet gets its segment record's comment,
 * the same prose the text log prints and --json carries as "explain", so the outputs
 * never disagree. A received segment an impairment rule dropped gets no segment record:
 * the drop's prose is its comment. Records are matched to packets by frame number only
 * (a record of a frame no longer held comments nothing). */
static int pcapng_put(void *ctx, const struct explain_rec *r, const char *prose, struct err *e)
{
	struct live_log *g = ctx;
	bool mine = r->kind == EXPLAIN_REC_SEGMENT ||
		    (r->kind == EXPLAIN_REC_IMPAIR && r->impair.act == EXPLAIN_IMP_DROP);

	(void)e;	/* a failed write stops the capture with a note, not the program */
	if (mine && r->frame && live_log_hold_comment(&g->hold, r->frame, prose))
		drain_held(g, false);
	return 0;
}

static int pcapng_close(void *ctx, struct err *e)
{
	struct live_log *g = ctx;
	struct pcapngw *w;

	drain_held(g, true);
	live_log_hold_free(&g->hold, &g->held);
	w = g->ng;
	g->ng = NULL;
	return w ? pcapngw_close(w, e) : 0;
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
	if (!(g->ng = pcapngw_open(path, "synlab", e)) || pcapngw_flush(g->ng, e) < 0)
		return err_wrap(e, "-w");	/* the headers on disk now: a kill leaves a file */
	return 0;
}

/* ---- the log ---- */

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

/* --html pages are written at exit: a path that cannot be written is said now, before
 * any traffic, not after the whole run. Opening it for writing (created if missing, then
 * removed again; never truncated) asks the kernel itself, as root too (a missing folder,
 * a read-only file system, a folder given as FILE). Pages of later connections go next
 * to it (FILE-2.html ...). */
static int check_html(const char *path, struct err *e)
{
	int fd;

	if (!path)
		return 0;
	if ((fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644)) >= 0) {
		close(fd);
		unlink(path);
		return 0;
	}
	if (errno == EEXIST && (fd = open(path, O_WRONLY | O_CLOEXEC)) >= 0) {
		close(fd);
		return 0;
	}
	return err_set(e, "--html: %s: %s", path, strerror(errno));
}

static enum explain_out_mode mode_of(enum live_log_mode m)
{
	return m == LIVE_LOG_JSON ? EXPLAIN_OUT_JSON
	       : m == LIVE_LOG_QUIET ? EXPLAIN_OUT_QUIET : EXPLAIN_OUT_TEXT;
}

/* The live programs' style: the explanation under its line indented by six spaces (the
 * width of "#1   " and the frame column), ladders without prose, drawn in ASCII only when
 * the locale is not UTF-8 and the language allows it, one HTML page per connection. */
static int open_out(struct live_log *g, struct err *e)
{
	struct explain_out_opts oo = {
		.mode = mode_of(g->o.mode), .lang = g->o.lang, .f = g->f, .colour = g->colour,
		.indent = "      ", .ladder = g->o.ladder, .ladder_gap = false,
		.lad = { g->o.lang, !explain_utf8_locale() && g->o.lang == EXPLAIN_LANG_EN,
			 g->colour, false },
		.html_path = g->o.html_path, .html_each = true,
	};

	if (g->ng)
		oo.sink = (struct explain_out_sink){ pcapng_put, NULL, pcapng_close, g };
	g->out = explain_out_new(&oo, e);
	return g->out ? 0 : -1;
}

static void close_files(struct live_log *g)
{
	if (g->has_pcap)
		pcapw_close(&g->pw, NULL);
	if (g->ng)
		pcapngw_close(g->ng, NULL);
	g->has_pcap = false;
	g->ng = NULL;
	if (g->own_f)
		fclose(g->f);
	g->f = NULL;
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
	if (check_html(g->o.html_path, e) < 0 || open_log(g, g->o.log_path, e) < 0)
		return -1;
	if (open_capture(g, g->o.pcap_path, e) < 0 || open_out(g, e) < 0) {
		close_files(g);
		return -1;
	}
	return 0;
}

/* A note's text, formatted once: in buf when it fits, else in *heap (freed by the
 * caller). NULL when out of memory. */
static const char *format_note(char *buf, size_t cap, char **heap, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	*heap = NULL;
	va_copy(cp, ap);
	n = vsnprintf(buf, cap, fmt, cp);
	va_end(cp);
	if (n < 0)
		return NULL;
	if ((size_t)n < cap)
		return buf;
	if (!(*heap = malloc((size_t)n + 1)))
		return NULL;
	vsnprintf(*heap, (size_t)n + 1, fmt, ap);
	return *heap;
}

/* ---- the step prompt among the log's lines ---- */

#define LIVE_PROMPT_TEXT "step> "

void live_log_prompt_drawn(struct live_log *g, FILE *f)
{
	g->prompt_f = f;
	g->owed_f = NULL;
}

void live_log_prompt_break(struct live_log *g, FILE *f)
{
	if (!g->prompt_f || g->prompt_f != f)
		return;
	fputc('\n', f);	/* the prompt keeps its line, the next text gets its own */
	g->owed_f = f;
	g->prompt_f = NULL;
}

void live_log_prompt_taken(struct live_log *g)
{
	g->prompt_f = NULL;
	g->owed_f = NULL;
}

static void prompt_redraw(struct live_log *g)
{
	FILE *f = g->owed_f;

	if (!f)
		return;
	fputs(LIVE_PROMPT_TEXT, f);
	fflush(f);
	live_log_prompt_drawn(g, f);
}

static void note_now(struct live_log *g, const char *text)
{
	live_log_prompt_break(g, g->f);
	explain_out_set_stream(g->out, g->f);
	explain_out_note(g->out, text);
	if (!g->replaying)	/* live_log_flush flushes once per step */
		fflush(g->f);
}

void live_log_note(struct live_log *g, const char *fmt, ...)
{
	char buf[512], *heap;
	const char *text;
	va_list ap;

	if (!g->f || !g->out)
		return;
	va_start(ap, fmt);
	text = format_note(buf, sizeof(buf), &heap, fmt, ap);
	va_end(ap);
	/* With --json the log is JSON Lines: the dispatcher makes the note a record. */
	if (text && !(g->defer && live_log_q_note(&g->q, g->f, text)))
		note_now(g, text);
	free(heap);
}

static void put_now(struct live_log *g, struct live_log_conn *x, const struct explain_rec *r,
		    bool show, const char *note)
{
	struct err e;

	if (show)
		live_log_prompt_break(g, g->f);
	explain_out_set_stream(g->out, g->f);
	if (explain_out_put(g->out, x ? &x->oc : NULL, r, show, note, &e) < 0)
		live_log_note(g, "synlab: %s", e.msg);
	if (g->tap)
		g->tap(g->tap_ctx, r, show);
	if (g->f && !g->replaying)	/* live_log_flush flushes once per step */
		fflush(g->f);
}

void live_log_put(struct live_log *g, struct live_log_conn *x, const struct explain_rec *r,
		  bool show, const char *note)
{
	if (g->defer && live_log_q_put(&g->q, g->f, x, r, show, note))
		return;
	put_now(g, x, r, show, note);
}

/* ---- the queue: rendered once the step's segments are on the wire ---- */

static void replay(struct live_log *g, struct live_log_item *it)
{
	FILE *f = g->f;

	g->f = it->f;
	if (it->kind == LIVE_LOG_ITEM_CAPTURE)
		live_log_capture(g, it->r.frame, it->mono_us, it->buf, it->len);
	else if (it->kind == LIVE_LOG_ITEM_NOTE)
		note_now(g, (const char *)it->buf);
	else
		put_now(g, it->x, &it->r, it->show, live_log_q_note_of(it));
	g->f = f;
}

void live_log_flush(struct live_log *g)
{
	g->defer = false;
	if (!g->q.n)
		return;
	g->replaying = true;	/* no fflush per record: live_log_idle writes */
	for (size_t i = 0; i < g->q.n; i++)
		replay(g, live_log_q_item(&g->q, i));
	g->replaying = false;
	live_log_q_clear(&g->q);
}

void live_log_idle(struct live_log *g)
{
	if (g->f)
		fflush(g->f);
	prompt_redraw(g);
	fflush(stderr);		/* the programs' own messages */
}

/* ---- connections ---- */

void live_log_conn_init(struct live_log_conn *x, uint32_t id, enum explain_who local)
{
	live_rec_init(&x->rec, id, local, TCB_CLOSED);
	explain_out_conn_init(&x->oc, id);
}

void live_log_conn_done(struct live_log *g, struct live_log_conn *x)
{
	if (g->out)
		explain_out_conn_end(g->out, &x->oc);	/* its ladder is drawn at exit */
	explain_ladder_free(x->oc.ladder);		/* NULL unless the log is closed */
	x->oc.ladder = NULL;
	live_rec_free(&x->rec);
}

/* ---- the end ---- */

int live_log_close(struct live_log *g, struct err *e)
{
	struct err ignored;
	int rc = 0;

	if (!e)
		e = &ignored;
	if (g->out) {
		live_log_flush(g);
		explain_out_set_stream(g->out, g->f);
		rc = explain_out_finish(g->out, e);	/* ladders, HTML pages, pcapng */
		explain_out_free(g->out);
		g->out = NULL;
	}
	live_log_q_free(&g->q);
	if (g->has_pcap && pcapw_close(&g->pw, rc < 0 ? NULL : e) < 0)
		rc = -1;
	g->has_pcap = false;
	if (g->f)
		fflush(g->f);
	if (g->own_f && fclose(g->f) != 0 && rc == 0)
		rc = err_set(e, "--log: %s", strerror(errno));
	g->own_f = false;
	g->f = NULL;
	g->close_failed |= rc < 0;
	return rc;
}
