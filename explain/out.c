/* out.c - synlab-explain's outputs: the records go to the shared dispatcher (explain_out.c), the -w pcapng file is its sink. */
#include "out.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain_out.h"
#include "pcapng_w.h"

struct xout {
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
	return pcapngw_packet(x->w, x->pkt.ts_ns, x->pkt.ip, x->pkt.iplen, prose, e);
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

int xout_finish(struct xout *x, struct err *e)
{
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
