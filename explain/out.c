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

int xout_record(struct xout *x, const struct explain_rec *r, struct err *e)
{
	char prose[EXPLAIN_PROSE_MAX];
	struct xconn_out *c = conn_of(x, r->conn, e);

	if (!c)
		return -1;
	prose[0] = '\0';
	if (!x->o->quiet || x->w)	/* -q prints no prose: only -w then needs it */
		explain_prose_ctx(&c->ctx, r, x->o->lang, prose, sizeof(prose));
	if (add_to_ladder(x, c, r, e) < 0 || write_pcapng(x, r, prose, e) < 0)
		return -1;
	if (print_rec(x, r, prose) < 0 || ferror(stdout))
		return err_set(e, "writing output failed");
	return 0;
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
