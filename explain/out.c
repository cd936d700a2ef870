/* out.c - synlab-explain's outputs: the records go to the shared dispatcher (explain_out.c), the -w pcapng file is its sink. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_json.h"
#include "explain_out.h"
#include "pcapng_w.h"
#include "pcapr.h"

struct xout {
	const struct xopts *o;
	struct explain_out *out;
	struct explain_out_conn *c;	/* indexed by conn - 1 (the tracker numbers densely) */
	size_t nc;
	struct pcapngw *w;		/* -w */
	struct xout_pkt pkt;		/* the datagram of the segment being explained */
};

/* -w: the segment's own IPv4 bytes with its explanation as the comment. */
static int pcapng_put(void *ctx, const struct explain_rec *r, const char *prose, struct err *e)
{
	struct xout *x = ctx;

	if (r->kind != EXPLAIN_REC_SEGMENT)
		return 0;
	if (r->frame != x->pkt.frame || !x->pkt.ip)
		return err_set(e, "frame %llu: no packet bytes for the pcapng output",
			       (unsigned long long)r->frame);
	/* a payload the snaplen cut stays cut, with its length on the wire */
	return pcapngw_packet_cut(x->w, x->pkt.ts_ns, x->pkt.ip, x->pkt.iplen,
				  x->pkt.ipwire > x->pkt.iplen ? x->pkt.ipwire : x->pkt.iplen,
				  prose, e);
}

static int pcapng_close(void *ctx, struct err *e)
{
	struct xout *x = ctx;
	struct pcapngw *w = x->w;

	x->w = NULL;
	return w ? pcapngw_close(w, e) : 0;
}

static enum explain_out_mode mode_of(const struct xopts *o)
{
	if (o->json)
		return EXPLAIN_OUT_JSON;
	if (o->quiet)
		return EXPLAIN_OUT_QUIET;
	return o->summary ? EXPLAIN_OUT_SUMMARY : EXPLAIN_OUT_TEXT;
}

/* synlab-explain's style: the explanation under its line indented by four spaces, a
 * blank line before each ladder, the explanation under each arrow, one HTML page (the
 * first connection shown). */
static void out_opts(struct xout *x, const struct xopts *o, struct explain_out_opts *oo)
{
	bool colour = explain_colour_enabled(stdout);

	memset(oo, 0, sizeof(*oo));
	oo->mode = mode_of(o);
	oo->lang = o->lang;
	oo->f = stdout;
	oo->colour = colour;
	oo->indent = "    ";
	oo->ladder = o->ladder;
	oo->ladder_gap = true;
	oo->lad = (struct explain_ladder_opts){ o->lang, o->ascii || !explain_utf8_locale(),
						colour, true };
	oo->html_path = o->html;
	if (x->w)
		oo->sink = (struct explain_out_sink){ pcapng_put, NULL, pcapng_close, x };
}

struct xout *xout_new(const struct xopts *o, struct err *e)
{
	struct explain_out_opts oo;
	struct xout *x = calloc(1, sizeof(*x));

	if (!x) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (o->pcapng && !(x->w = pcapngw_open(o->pcapng, "synlab-explain", e))) {
		free(x);
		return NULL;
	}
	x->o = o;
	out_opts(x, o, &oo);
	if (!(x->out = explain_out_new(&oo, e))) {
		xout_free(x);
		return NULL;
	}
	return x;
}

void xout_set_pkt(struct xout *x, const struct xout_pkt *p)
{
	x->pkt = *p;
}

/* The state of connection conn, created on first use; NULL without memory. */
static struct explain_out_conn *conn_of(struct xout *x, uint32_t conn, struct err *e)
{
	if (conn == 0) {
		err_set(e, "record without a connection number");
		return NULL;
	}
	if (conn > x->nc) {
		size_t n = conn + 16;
		struct explain_out_conn *c = realloc(x->c, n * sizeof(*c));

		if (!c) {
			err_set(e, "out of memory");
			return NULL;
		}
		for (size_t i = x->nc; i < n; i++)
			explain_out_conn_init(&c[i], (uint32_t)i + 1);
		x->c = c;
		x->nc = n;
	}
	return &x->c[conn - 1];
}

int xout_record(struct xout *x, const struct explain_rec *r, struct err *e)
{
	struct explain_out_conn *c = conn_of(x, r->conn, e);

	if (!c || explain_out_put(x->out, c, r, true, NULL, e) < 0)
		return -1;
	if (explain_out_stream_failed(x->out))
		return err_set(e, "writing output failed");
	return 0;
}

static bool filtered(const struct xopts *o)
{
	return o->max_conns || o->has_host || o->port >= 0 || o->conn_only;
}

static const char *skip_words(const struct xopts *o)
{
	return o->lang == EXPLAIN_LANG_ZH ? "跳过（没有可解释的 TCP 段）"
					  : "skipped (no TCP segment to explain)";
}

/* -w: a skipped IP datagram is copied too, its reason as the comment. */
static int skip_to_pcapng(struct xout *x, const struct xout_skip *k, struct err *e)
{
	char comment[PCAPR_WHY + 64];

	if (!x->w || x->pkt.frame != k->frame || !x->pkt.ip || !x->pkt.iplen)
		return 0;
	snprintf(comment, sizeof(comment), "%s: %s", skip_words(x->o), k->reason);
	return pcapngw_packet_cut(x->w, x->pkt.ts_ns, x->pkt.ip, x->pkt.iplen,
				  x->pkt.ipwire > x->pkt.iplen ? x->pkt.ipwire : x->pkt.iplen,
				  comment, e);
}

int xout_skip(struct xout *x, const struct xout_skip *k, struct err *e)
{
	char t[48];

	if (filtered(x->o))
		return 0;
	if (skip_to_pcapng(x, k, e) < 0)
		return -1;
	if (x->o->summary)
		return 0;
	tstamp_fmt(k->t, t, sizeof(t));
	if (x->o->json) {
		json_t *o = json_pack("{s:s, s:I, s:o, s:s}", "type", "skipped", "frame",
				      (json_int_t)k->frame, "t", explain_json_time(k->t), "reason",
				      k->reason);
		int rc = explain_json_write_obj(o, stdout);
		json_decref(o);
		if (rc < 0)
			return err_set(e, "writing output failed");
		return 0;
	}
	printf("%4llu %s %s: %s\n", (unsigned long long)k->frame, t, skip_words(x->o), k->reason);
	return ferror(stdout) ? err_set(e, "writing output failed") : 0;
}

/* The totals in words, a line each (none: ""); page: for an HTML page, which lists no
 * skipped frame itself (the text and --json outputs do). */
static void totals_words(const struct xout *x, const struct xout_totals *t, bool page,
			 char *buf, size_t cap)
{
	bool zh = x->o->lang == EXPLAIN_LANG_ZH;
	uint64_t sk = t->not_ip + t->short_or_cut + t->not_tcp;
	const char *lead = page ? "" : "== ";
	int n = 0;

	buf[0] = 0;
	if (sk)
		n = snprintf(buf, cap, zh ? "%s跳过 %llu/%llu 帧（没有可解释的 TCP 段）：%llu 不是 IP，"
			     "%llu 帧太短或头部被截断，%llu 不是 TCP；%s\n" : "%sSkipped %llu of "
			     "%llu frames (no TCP segment to explain): %llu not IP, %llu too short or "
			     "cut inside a header, %llu not TCP (or a bad TCP header); %s\n",
			     lead, (unsigned long long)sk, (unsigned long long)t->frames,
			     (unsigned long long)t->not_ip, (unsigned long long)t->short_or_cut,
			     (unsigned long long)t->not_tcp, zh ? (page ? "每一帧的原因见文本或 --json 输出"
			     : "每一帧的原因见上") : (page ? "the text and --json outputs list each "
			     "with its reason" : "each is listed above with its reason"));
	if (t->cut_segments && n >= 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, zh ? "%s%llu 个段的载荷被 snaplen 截断（共 %llu "
			 "字节未保存）：按头部解释，不算丢包\n" : "%s%llu segments had their payload "
			 "cut by the snaplen (%llu bytes not captured): explained from their "
			 "headers, not counted as lost\n", lead, (unsigned long long)t->cut_segments,
			 (unsigned long long)t->cut_bytes);
}

int xout_totals(struct xout *x, const struct xout_totals *t, struct err *e)
{
	if (!(t->not_ip + t->short_or_cut + t->not_tcp + t->cut_segments))
		return 0;
	if (!x->o->json) {
		char words[1024];

		totals_words(x, t, false, words, sizeof(words));
		fputs(words, stdout);
		return ferror(stdout) ? err_set(e, "writing output failed") : 0;
	}
	json_t *o = json_pack("{s:s, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I}", "type", "totals",
			      "frames", (json_int_t)t->frames, "segments", (json_int_t)t->segments,
			      "skipped", (json_int_t)(t->not_ip + t->short_or_cut + t->not_tcp),
			      "skipped_not_ip", (json_int_t)t->not_ip, "skipped_short",
			      (json_int_t)t->short_or_cut, "skipped_not_tcp", (json_int_t)t->not_tcp,
			      "payload_cut_segments", (json_int_t)t->cut_segments,
			      "payload_not_captured", (json_int_t)t->cut_bytes);
	int rc = explain_json_write_obj(o, stdout);
	json_decref(o);
	return rc < 0 ? err_set(e, "writing output failed") : 0;
}

int xout_finish(struct xout *x, const struct xout_totals *t, struct err *e)
{
	char words[1024];

	totals_words(x, t, true, words, sizeof(words));
	if (words[0] && explain_out_page_note(x->out, words, e) < 0)
		return -1;
	for (size_t i = 0; i < x->nc; i++)
		explain_out_conn_end(x->out, &x->c[i]);
	return explain_out_finish(x->out, e);
}

void xout_free(struct xout *x)
{
	if (!x)
		return;
	explain_out_free(x->out);	/* closes the pcapng file if finish did not */
	if (x->w)
		pcapngw_close(x->w, NULL);
	for (size_t i = 0; i < x->nc; i++)
		explain_ladder_free(x->c[i].ladder);
	free(x->c);
	free(x);
}
