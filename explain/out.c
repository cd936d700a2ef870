/* out.c - synlab-explain's renderers: text with prose, -q lines, JSON, ladders, HTML, pcapng. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_json.h"
#include "explain_present.h"
#include "pcapng_w.h"

/* What a connection keeps: the prose context (so later sentences refer back) and, with
 * --ladder / --html, its ladder. Indexed by conn - 1 (the tracker numbers densely). */
struct xconn_out {
	struct explain_prose_ctx ctx;
	struct explain_ladder *lad;
};

struct xout {
	const struct xopts *o;
	bool colour;
	struct xconn_out *c;
	size_t nc;
	uint32_t html_conn;	/* the first connection shown, for --html; 0 none yet */
	struct pcapngw *w;
	struct xout_pkt pkt;
};

struct xout *xout_new(const struct xopts *o, struct err *e)
{
	struct xout *x = calloc(1, sizeof(*x));

	if (!x) {
		err_set(e, "out of memory");
		return NULL;
	}
	x->o = o;
	x->colour = explain_colour_enabled(stdout);
	if (o->pcapng && !(x->w = pcapngw_open(o->pcapng, "synlab-explain", e))) {
		free(x);
		return NULL;
	}
	return x;
}

void xout_set_pkt(struct xout *x, const struct xout_pkt *p)
{
	x->pkt = *p;
}

static bool wants_ladder(const struct xout *x, uint32_t conn)
{
	return x->o->ladder || (x->o->html && conn == x->html_conn);
}

/* The state of connection conn, created (zeroed) on first use; NULL without memory. */
static struct xconn_out *conn_of(struct xout *x, uint32_t conn, struct err *e)
{
	if (conn == 0) {
		err_set(e, "record without a connection number");
		return NULL;
	}
	if (conn > x->nc) {
		size_t n = conn + 16;
		struct xconn_out *c = realloc(x->c, n * sizeof(*c));

		if (!c) {
			err_set(e, "out of memory");
			return NULL;
		}
		memset(c + x->nc, 0, (n - x->nc) * sizeof(*c));
		for (size_t i = x->nc; i < n; i++)
			explain_prose_ctx_init(&c[i].ctx);
		x->c = c;
		x->nc = n;
	}
	return &x->c[conn - 1];
}

static int add_to_ladder(struct xout *x, struct xconn_out *c, const struct explain_rec *r,
			 struct err *e)
{
	if (!x->html_conn)
		x->html_conn = r->conn;
	if (!wants_ladder(x, r->conn))
		return 0;
	if (!c->lad && !(c->lad = explain_ladder_new(r->conn, e)))
		return -1;
	return explain_ladder_add(c->lad, r, e);
}

/* Default text: the -q line as a header, then the explanation indented. */
static int print_text(const struct xout *x, const struct explain_rec *r, const char *prose)
{
	char line[1024];

	if (r->kind == EXPLAIN_REC_SUMMARY) {
		printf("%s== %s%s\n", x->colour ? explain_colour_of(r) : "", prose,
		       x->colour ? explain_colour_reset() : "");
		return 0;
	}
	explain_quiet_line(r, x->o->lang, x->colour, line, sizeof(line));
	fputs(line, stdout);	/* not printf("%s\n    %s\n"): no format parsing per record */
	fputs("\n    ", stdout);
	fputs(prose, stdout);
	putchar('\n');
	return 0;
}

static int print_quiet(const struct xout *x, const struct explain_rec *r)
{
	char line[1024];

	if (r->kind != EXPLAIN_REC_SEGMENT)
		return 0;
	explain_quiet_line(r, x->o->lang, x->colour, line, sizeof(line));
	fputs(line, stdout);
	putchar('\n');
	return 0;
}

static int print_json(const struct xout *x, const struct explain_rec *r, const char *prose)
{
	return explain_json_write(r, x->o->lang, prose, stdout);
}

static int print_rec(const struct xout *x, const struct explain_rec *r, const char *prose)
{
	if (x->o->json)
		return print_json(x, r, prose);
	if (x->o->quiet)
		return print_quiet(x, r);
	if (x->o->summary)
		return r->kind == EXPLAIN_REC_SUMMARY ? print_text(x, r, prose) : 0;
	return print_text(x, r, prose);
}

/* -w: the segment's own IPv4 bytes with its explanation as the comment. */
static int write_pcapng(struct xout *x, const struct explain_rec *r, const char *prose,
			struct err *e)
{
	if (!x->w || r->kind != EXPLAIN_REC_SEGMENT)
		return 0;
	if (r->frame != x->pkt.frame || !x->pkt.ip)
		return err_set(e, "frame %llu: no packet bytes for the pcapng output",
			       (unsigned long long)r->frame);
	return pcapngw_packet(x->w, x->pkt.ts_ns, x->pkt.ip, x->pkt.iplen, prose, e);
}

/* What the capture did not keep, said in the explanation itself (text, JSON, -w). */
static void add_capture_note(const struct xout *x, const struct explain_rec *r, char *prose,
			     size_t cap)
{
	size_t n = strlen(prose);
	bool zh = x->o->lang == EXPLAIN_LANG_ZH;

	if (r->kind != EXPLAIN_REC_SEGMENT || n >= cap)
		return;
	if (r->seg.cut)
		snprintf(prose + n, cap - n, zh ? " 抓包只保存了前 %u 字节载荷：这个段有 %u 字节，"
			 "%u 字节未被保存（snaplen 截断）；长度和序号取自 TCP/IP 头部，缺的字节不算丢包。"
			 : " The capture kept only %u payload bytes: the segment carries %u bytes, "
			 "%u not captured (cut by the snaplen); its length and sequence numbers come "
			 "from its headers, and the missing bytes are not a lost segment.",
			 r->len - r->seg.cut, r->len, r->seg.cut);
	n = strlen(prose);
	if (r->seg.opts_cut && n < cap)
		snprintf(prose + n, cap - n, zh ? " TCP 选项也被截断了（%u 字节未保存），只解码了完整的选项。"
			 : " Its TCP options were cut too (%u bytes not captured): only the whole "
			 "options are decoded.", r->seg.opts_cut);
	n = strlen(prose);
	if (r->seg.frag && n < cap)
		snprintf(prose + n, cap - n, zh ? " 这是一个 IP 分片的第一片：len 只计这一片中的字节。"
			 : " This is the first fragment of a fragmented IP datagram: len counts "
			 "only the bytes in this fragment.");
}

int xout_record(struct xout *x, const struct explain_rec *r, struct err *e)
{
	char prose[EXPLAIN_PROSE_MAX];
	struct xconn_out *c = conn_of(x, r->conn, e);

	if (!c)
		return -1;
	prose[0] = '\0';
	if (!x->o->quiet || x->w) {	/* -q prints no prose: only -w then needs it */
		explain_prose_ctx(&c->ctx, r, x->o->lang, prose, sizeof(prose));
		add_capture_note(x, r, prose, sizeof(prose));
	}
	if (add_to_ladder(x, c, r, e) < 0 || write_pcapng(x, r, prose, e) < 0)
		return -1;
	if (print_rec(x, r, prose) < 0 || ferror(stdout))
		return err_set(e, "writing output failed");
	return 0;
}

static bool filtered(const struct xopts *o)
{
	return o->max_conns || o->has_host || o->port >= 0 || o->conn_only;
}

int xout_skip(struct xout *x, const struct xout_skip *k, struct err *e)
{
	char t[48];

	if (x->o->summary || filtered(x->o))
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
	printf("%4llu %s %s: %s\n", (unsigned long long)k->frame, t,
	       x->o->lang == EXPLAIN_LANG_ZH ? "跳过（没有可解释的 TCP 段）" : "skipped (no TCP "
	       "segment to explain)", k->reason);
	return ferror(stdout) ? err_set(e, "writing output failed") : 0;
}

static void totals_text(const struct xout *x, const struct xout_totals *t)
{
	bool zh = x->o->lang == EXPLAIN_LANG_ZH;
	uint64_t sk = t->not_ip + t->short_or_cut + t->not_tcp;

	if (sk)
		printf(zh ? "== 跳过 %llu/%llu 帧（没有可解释的 TCP 段）：%llu 不是 IP，%llu 帧太短或头部被截断，"
		       "%llu 不是 TCP；每一帧的原因见上\n" : "== Skipped %llu of %llu frames (no TCP "
		       "segment to explain): %llu not IP, %llu too short or cut inside a header, %llu "
		       "not TCP (or a bad TCP header); each is listed above with its reason\n", (unsigned long long)sk,
		       (unsigned long long)t->frames, (unsigned long long)t->not_ip,
		       (unsigned long long)t->short_or_cut, (unsigned long long)t->not_tcp);
	if (t->cut_segments)
		printf(zh ? "== %llu 个段的载荷被 snaplen 截断（共 %llu 字节未保存）：按头部解释，不算丢包\n"
		       : "== %llu segments had their payload cut by the snaplen (%llu bytes not "
		       "captured): explained from their headers, not counted as lost\n",
		       (unsigned long long)t->cut_segments, (unsigned long long)t->cut_bytes);
}

int xout_totals(struct xout *x, const struct xout_totals *t, struct err *e)
{
	if (!(t->not_ip + t->short_or_cut + t->not_tcp + t->cut_segments))
		return 0;
	if (!x->o->json) {
		totals_text(x, t);
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

static int render_ladders(struct xout *x, struct err *e)
{
	struct explain_ladder_opts lo = {
		.lang = x->o->lang,
		.ascii = x->o->ascii || !explain_utf8_locale(),
		.colour = x->colour,
		.prose = true,
	};

	for (size_t i = 0; i < x->nc; i++) {
		if (!x->c[i].lad)
			continue;
		fputc('\n', stdout);
		if (explain_ladder_render(x->c[i].lad, &lo, stdout, e) < 0)
			return -1;
	}
	return 0;
}

int xout_finish(struct xout *x, struct err *e)
{
	struct pcapngw *w = x->w;

	x->w = NULL;
	if (x->o->ladder && render_ladders(x, e) < 0)
		return -1;
	if (x->o->html) {
		struct explain_ladder *l = x->html_conn ? x->c[x->html_conn - 1].lad : NULL;

		if (!l)
			return err_set(e, "--html: no connection to draw");
		if (explain_html_save(l, x->o->lang, x->o->html, e) < 0)
			return -1;
	}
	return w ? pcapngw_close(w, e) : 0;
}

void xout_free(struct xout *x)
{
	if (!x)
		return;
	if (x->w)
		pcapngw_close(x->w, NULL);
	for (size_t i = 0; i < x->nc; i++)
		explain_ladder_free(x->c[i].lad);
	free(x->c);
	free(x);
}
