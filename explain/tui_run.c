/* tui_run.c - synlab-explain --tui: reads a capture, keeps one connection's records, and reveals them one per key in the full-screen view. */
#include "tui_run.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_present.h"
#include "explain_track.h"
#include "pcapr.h"
#include "seg.h"
#include "tui.h"

/* Records kept of the connection shown: one per key is far more than anyone steps
 * through, and ~1.1 KiB each bounds the memory (~110 MiB); the rest is counted. */
#define XTUI_MAX_RECS 100000

/* One kept record and its payload (the record's own pointer dies with the callback):
 * the prose quotes at most EXPLAIN_STREAM_HEAD bytes, one more tells it there was more. */
#define XTUI_PAYLOAD_KEPT (EXPLAIN_STREAM_HEAD + 1)
struct kept {
	struct explain_rec r;
	uint8_t *payload;
};

struct coll {
	const struct xopts *o;
	struct kept *k;
	size_t n, cap;
	uint32_t conn;		/* the connection shown: the first wanted one */
	uint32_t nconns;	/* wanted connections seen (for the title) */
	uint32_t last_conn;
	struct tstamp t0;
	uint64_t skipped;	/* frames with no TCP segment to explain (said at the end) */
	uint64_t not_kept;	/* records of the connection beyond XTUI_MAX_RECS */
};

static void coll_free(struct coll *c)
{
	for (size_t i = 0; i < c->n; i++)
		free(c->k[i].payload);
	free(c->k);
}

static int keep(struct coll *c, const struct explain_rec *r, struct err *e)
{
	struct kept *k;
	uint32_t n;

	if (c->n >= XTUI_MAX_RECS) {
		c->not_kept++;
		return 0;
	}
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 64;
		struct kept *nk = realloc(c->k, cap * sizeof(*nk));

		if (!nk)
			return err_set(e, "out of memory");
		c->k = nk;
		c->cap = cap;
	}
	k = &c->k[c->n];
	k->r = *r;
	k->payload = NULL;
	n = explain_payload_kept(r);	/* only what was captured */
	n = n < XTUI_PAYLOAD_KEPT ? n : XTUI_PAYLOAD_KEPT;
	if (n) {
		if (!(k->payload = malloc(n)))
			return err_set(e, "out of memory");
		memcpy(k->payload, r->seg.payload, n);
	}
	k->r.seg.payload = k->payload;
	k->r.seg.len = n + r->seg.cut;	/* seg.h: the payload holds len - cut bytes */
	c->n++;
	return 0;
}

static int sink(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct coll *c = ctx;

	if (!xopts_wanted(c->o, r))
		return 0;
	if (r->conn > c->last_conn) {	/* the tracker numbers connections densely, in order */
		c->last_conn = r->conn;
		c->nconns++;
	}
	if (!c->conn)
		c->conn = r->conn;
	return r->conn == c->conn ? keep(c, r, e) : 0;
}

/* Every frame through the tracker. Returns 0, or -1 with e (a cut file, memory). */
static int read_capture(struct coll *c, struct pcapr *rd, struct explain_track *t, struct err *e)
{
	struct pcapr_pkt p;
	struct seg s;
	struct err pe;
	int rc;

	while ((rc = pcapr_next(rd, &p, e)) == 1) {
		if (p.frame == 1)
			c->t0 = p.ts;
		/* as the text output reads it: a payload cut by the snaplen is explained */
		if (p.skip != PCAPR_OK || seg_parse_cap(p.ip, p.iplen, &s, &pe) < 0) {
			c->skipped++;
			continue;
		}
		struct tstamp rel = tstamp_sub(p.ts, c->t0);
		if (explain_track_segment_at(t, p.frame, &rel, &s, e) < 0)
			return -1;
	}
	return rc;
}

/* Reads the file into c. Returns 0, or -1 with e; *cut says the file ended mid-way (what
 * was read is kept, as the text output explains it too). */
static int collect(struct coll *c, struct err *e, bool *cut, struct err *cut_e)
{
	struct pcapr *rd = pcapr_open(c->o->file, e);
	struct explain_track *t;
	int rc;

	if (!rd)
		return -1;
	if (!(t = explain_track_new(NULL, sink, c, e))) {
		pcapr_close(rd);
		return -1;
	}
	rc = read_capture(c, rd, t, cut_e);
	*cut = rc < 0;
	rc = explain_track_finish(t, e);
	explain_track_free(t);
	pcapr_close(rd);
	return rc;
}

static void say_end(struct tui *t, const struct coll *c)
{
	char msg[200];
	bool zh = c->o->lang == EXPLAIN_LANG_ZH;

	if (c->not_kept)
		snprintf(msg, sizeof(msg), zh ? "只保留了前 %zu 条记录，其后还有 %llu 条未显示（q 退出）"
			 : "the first %zu records were kept; %llu more are not shown (q quits)",
			 c->n, (unsigned long long)c->not_kept);
	else if (c->skipped)	/* never a silent loss: the text output says why for each */
		snprintf(msg, sizeof(msg), zh
			 ? "抓包结束：%zu 条记录都已显示；%llu 帧没有可解释的 TCP 段（原因见文本输出，q 退出）"
			 : "end of the capture: all %zu records shown; %llu frames had no TCP segment "
			 "to explain (the text output says why; q quits)",
			 c->n, (unsigned long long)c->skipped);
	else
		snprintf(msg, sizeof(msg), zh ? "抓包结束：%zu 条记录都已显示（q 退出）"
			 : "end of the capture: all %zu records shown (q quits)", c->n);
	tui_set_status(t, msg);
}

/* Record i onto the ladder; the states above it become the ones after it. */
static void show_next(struct tui *t, const struct coll *c, size_t i, struct err *e)
{
	const struct explain_rec *r = &c->k[i].r;

	if (tui_add_rec(t, r, e) < 0)
		return;
	/* a summary's states are the final ones: what the ends did with the last
	 * segments captured, which no later segment of theirs could show */
	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_SUMMARY)
		for (int w = 0; w < 2; w++)
			tui_set_state(t, (enum explain_who)w, r->ep[w].known, r->ep[w].after);
	if (i + 1 == c->n)
		say_end(t, c);
}

static void title_of(const struct coll *c, char *buf, size_t cap)
{
	bool zh = c->o->lang == EXPLAIN_LANG_ZH;

	if (c->nconns > 1)
		snprintf(buf, cap, zh ? "synlab-explain %s  连接 %u（共 %u 个，用 --conn N 选择）"
				      : "synlab-explain %s  connection %u (of %u: pick one with --conn N)",
			 c->o->file, c->conn, c->nconns);
	else
		snprintf(buf, cap, zh ? "synlab-explain %s  连接 %u" : "synlab-explain %s  connection %u",
			 c->o->file, c->conn);
}

/* Before the first record: each endpoint's address, and its state as the tracker
 * inferred it then. */
static void initial_states(struct tui *t, const struct coll *c)
{
	for (size_t i = 0; i < c->n; i++) {
		const struct explain_rec *r = &c->k[i].r;
		char a[64], ip[SEG_ADDR_STR];

		if (r->kind != EXPLAIN_REC_SEGMENT)
			continue;
		for (int w = 0; w < 2; w++) {
			bool from = (r->dir == EXPLAIN_C2S) == (w == EXPLAIN_CLIENT);

			seg_addr_str(&r->seg, from, ip, sizeof(ip));	/* IPv4 or IPv6 */
			snprintf(a, sizeof(a), r->seg.ipv == 6 ? "[%s]:%u" : "%s:%u", ip,
				 from ? r->seg.sport : r->seg.dport);
			tui_set_addr(t, (enum explain_who)w, a);
			tui_set_state(t, (enum explain_who)w, r->ep[w].known, r->ep[w].before);
		}
		return;
	}
}

/* The key loop. Returns the exit status. */
static int step(struct tui *t, const struct coll *c, struct err *e)
{
	struct tui_cmd cmd;
	size_t next = 0;

	for (;;) {
		if (!tui_wait(t, -1, &cmd))
			continue;
		switch (cmd.kind) {
		case TUI_CMD_QUIT:
			return 0;
		case TUI_CMD_SIGNAL:
			return 128 + cmd.signo;
		case TUI_CMD_NEXT:
			if (next < c->n)
				show_next(t, c, next++, e);
			else
				say_end(t, c);
			if (e->msg[0])
				return 1;
			break;
		case TUI_CMD_CONTINUE:
			while (next < c->n && !e->msg[0])
				show_next(t, c, next++, e);
			if (e->msg[0])
				return 1;
			say_end(t, c);
			break;
		default:
			break;	/* drop / edit / a command line are not offered: a capture is fixed */
		}
	}
}

static int run_view(const struct coll *c, bool cut)
{
	char title[512];
	struct err e = {""};
	bool zh = c->o->lang == EXPLAIN_LANG_ZH;
	struct tui_opts to = {
		.lang = c->o->lang,
		.title = title,
		.keys = TUI_KEY_CONTINUE,	/* c: the rest of the connection at once */
		.own_signals = true,
		.timers_unknown = true,
		.not_offered = zh ? "d（丢弃）、e（修改）和 ':' 只用于实时的 --step：抓包文件不能改"
				  : "d (drop), e (edit) and ':' belong to a live --step: a capture cannot be changed",
	};
	struct tui *t;
	int rc;

	title_of(c, title, sizeof(title));
	if (!(t = tui_open(&to, &e))) {
		fprintf(stderr, "synlab-explain: --tui: %s\n", e.msg);
		return 2;
	}
	initial_states(t, c);
	if (cut)	/* said now, not only after the screen is gone */
		tui_set_status(t, zh ? "按回车或空格显示下一个报文段（文件被截断：只显示读到的部分）"
				     : "Enter or space shows the next segment (the file is cut: only "
				       "what was read is shown)");
	else
		tui_set_status(t, zh ? "按回车或空格显示下一个报文段" : "Enter or space shows the next segment");
	tui_redraw(t);
	rc = step(t, c, &e);
	tui_close(t);
	if (rc == 1)
		fprintf(stderr, "synlab-explain: --tui: %s\n", e.msg);
	return rc;
}

int xtui_run(const struct xopts *o)
{
	char why[256];
	struct coll c = { .o = o };
	struct err e = {""}, cut_e = {""};
	bool cut = false;
	int rc;

	/* Refuse at once, before reading what may be a large file. */
	if (tui_usable(why, sizeof(why)) < 0) {
		fprintf(stderr, "synlab-explain: --tui: %s\n", why);
		return 2;
	}
	if (collect(&c, &e, &cut, &cut_e) < 0) {
		fprintf(stderr, "synlab-explain: %s: %s\n", o->file, e.msg);
		coll_free(&c);
		return 1;
	}
	if (!c.n) {
		fprintf(stderr, "synlab-explain: %s: no TCP segment to show%s\n", o->file,
			cut ? " (the file is cut)" : "");
		coll_free(&c);
		return 1;
	}
	rc = run_view(&c, cut);
	if (cut)	/* after the screen is gone, where it can be read */
		fprintf(stderr, "synlab-explain: %s: %s\n", o->file, cut_e.msg);
	coll_free(&c);
	return rc ? rc : cut;
}
