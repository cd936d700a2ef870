/* explain_ladder_draw.c - draws a collected connection as a two-column text ladder (--ladder). */
#include "explain_present.h"

#include <string.h>

#define WRAP_COLS 100	/* prose lines under the arrows wrap here */
#define LINE_MAX_BYTES 4096

/* Drawing characters: UTF-8 box drawing or the ASCII fallback. */
struct glyphs {
	const char *vl, *hl, *dash, *drop;
};

static const struct glyphs utf8_glyphs = { "│", "─", "╌", "✗" };
static const struct glyphs ascii_glyphs = { "|", "-", ".", "X" };

struct draw {
	FILE *f;
	const struct explain_ladder_opts *o;
	const struct glyphs *g;
	size_t tw, sw, aw;		/* widths: time, state, arrow area */
	bool shown_known[2];
	enum tcb_state shown[2];	/* the state last printed beside each lifeline */
	struct explain_prose_ctx pc;
};

/* One output line under construction. */
struct line {
	char buf[LINE_MAX_BYTES];
	struct explain_sb sb;
};

static void line_init(struct line *ln)
{
	explain_sb_init(&ln->sb, ln->buf, sizeof(ln->buf));
}

static void pad(struct line *ln, const char *s, size_t width, bool right)
{
	size_t w = explain_disp_width(s);

	if (right)
		for (; w < width; w++)
			explain_sb_puts(&ln->sb, " ");
	explain_sb_puts(&ln->sb, s);
	if (!right)
		for (; w < width; w++)
			explain_sb_puts(&ln->sb, " ");
}

static void rep(struct line *ln, const char *s, size_t n)
{
	while (n--)
		explain_sb_puts(&ln->sb, s);
}

/* Prints the line without trailing spaces. */
static void line_end(struct draw *d, struct line *ln)
{
	size_t n = ln->sb.len;

	while (n > 0 && ln->buf[n - 1] == ' ')
		n--;
	fprintf(d->f, "%.*s\n", (int)n, ln->buf);
}

static void put_time(struct line *ln, const struct draw *d, const struct explain_rec *r)
{
	char t[40];

	if (r)
		snprintf(t, sizeof(t), "%4llu.%06llu", (unsigned long long)(r->t_us / 1000000),
			 (unsigned long long)(r->t_us % 1000000));
	else
		t[0] = '\0';
	pad(ln, t, d->tw, false);
}

/* The state to print beside side w, or "" when it has not changed since last shown. */
static const char *state_cell(struct draw *d, int w, bool known, enum tcb_state s)
{
	if (!known || (d->shown_known[w] && d->shown[w] == s))
		return "";
	d->shown_known[w] = true;
	d->shown[w] = s;
	return explain_state_label(d->o->lang, s);
}

static void arrow(struct line *ln, const struct draw *d, const struct explain_row *row)
{
	const struct explain_rec *r = &row->rec;
	bool rtx = (r->analysis & EXPLAIN_AF_RETRANSMISSION) != 0;
	bool drop = row->impaired && (row->act == EXPLAIN_IMP_DROP ||
				      row->act == EXPLAIN_IMP_CORRUPT);
	const char *h = rtx ? d->g->dash : d->g->hl;
	const char *col = d->o->colour ? explain_colour_of(r) : "";
	char label[96];
	size_t lw = strlen(explain_row_label(row, label, sizeof(label)));
	size_t gap = d->aw - lw - 3 - (drop ? 4 : 0);

	explain_sb_puts(&ln->sb, drop ? (d->o->colour ? "\033[1;31m" : "") : col);
	if (r->dir == EXPLAIN_C2S) {
		rep(ln, h, 2);
		explain_sb_puts(&ln->sb, label);
		rep(ln, h, gap);
		explain_sb_puts(&ln->sb, drop ? d->g->drop : ">");
		rep(ln, " ", drop ? 4 : 0);
	} else {
		rep(ln, " ", drop ? 4 : 0);
		explain_sb_puts(&ln->sb, drop ? d->g->drop : "<");
		explain_sb_puts(&ln->sb, h);
		explain_sb_puts(&ln->sb, label);
		rep(ln, h, gap + 1);
	}
	if ((drop || col[0]) && d->o->colour)
		explain_sb_puts(&ln->sb, explain_colour_reset());
}

/* " [dropped] [TCP Retransmission]" after the right-hand state. */
static void notes(struct line *ln, const struct draw *d, const struct explain_row *row)
{
	char tmp[128];
	struct explain_rec imp;

	if (row->impaired) {
		explain_row_impair_rec(row, &imp);
		explain_sb_printf(&ln->sb, " [%s]", explain_impair_note(d->o->lang, &imp, tmp,
									 sizeof(tmp)));
	}
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (row->rec.analysis & (1u << i))
			explain_sb_printf(&ln->sb, " [%s]", explain_msg(d->o->lang,
					  (enum explain_msg_id)(EXPLAIN_M_AF_LABEL_FIRST + i)));
}

/* A line: time, left state, lifeline, middle (arrow or blank), lifeline, right state. */
static void frame_line(struct draw *d, struct line *ln, const struct explain_rec *t,
		       const char *ls, const char *rs, const struct explain_row *arrow_row)
{
	put_time(ln, d, t);
	pad(ln, ls, d->sw, true);
	explain_sb_printf(&ln->sb, " %s", d->g->vl);
	if (arrow_row)
		arrow(ln, d, arrow_row);
	else
		rep(ln, " ", d->aw);
	explain_sb_printf(&ln->sb, "%s ", d->g->vl);
	pad(ln, rs, d->sw, false);
}

/* ASCII mode: the symbols of the English prose in ASCII ("→" -> "->", "§" -> "S"). */
static void ascii_fold(char *text)
{
	static const struct { const char *from, *to; } map[] = {
		{ "→", "->" }, { "§", "S" }, { "✗", "X" },
	};
	char *p;

	for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
		size_t fl = strlen(map[i].from), tl = strlen(map[i].to);

		while ((p = strstr(text, map[i].from)) != NULL) {
			memcpy(p, map[i].to, tl);
			memmove(p + tl, p + fl, strlen(p + fl) + 1);
		}
	}
}

/* Where a line of text [p, ...) must end to fit room columns. Breaks after a space
 * (skipped) or after a wide (CJK) character; a hard cut only when neither occurs. */
static const char *wrap_point(const char *p, size_t room, const char **next)
{
	const char *q = p, *brk = NULL, *brk_next = NULL;
	size_t w = 0;
	uint32_t c;

	while (*q) {
		const char *nx = explain_utf8_next(q, &c);
		size_t cw = (size_t)explain_cp_width(c);

		if (w + cw > room)
			break;
		w += cw;
		if (c == ' ') {
			brk = q;
			brk_next = nx;
		} else if (cw == 2) {
			brk = brk_next = nx;
		}
		q = nx;
	}
	if (!*q || !brk || brk == p) {
		*next = q;
		return q;
	}
	*next = brk_next;
	return brk;
}

/* Prose wrapped at WRAP_COLS display columns, indented by the time column. */
static void wrapped(struct draw *d, const char *text)
{
	size_t room = WRAP_COLS - d->tw;
	const char *p = text, *next, *end;

	while (*p) {
		end = wrap_point(p, room, &next);
		if (end == p && next == p)	/* a character wider than the room */
			next = end = explain_utf8_next(p, &(uint32_t){ 0 });
		fprintf(d->f, "%*s%.*s\n", (int)d->tw, "", (int)(end - p), p);
		p = next;
	}
}

static void draw_prose(struct draw *d, const struct explain_row *row)
{
	char text[EXPLAIN_PROSE_MAX];

	explain_row_prose(row, &d->pc, d->o->lang, text, sizeof(text));
	if (d->o->ascii)
		ascii_fold(text);
	if (d->o->prose)
		wrapped(d, text);
}

static void draw_arrow_row(struct draw *d, const struct explain_row *row)
{
	const struct explain_rec *r = &row->rec;
	struct line ln;
	const char *ls, *rs;

	line_init(&ln);
	ls = state_cell(d, EXPLAIN_CLIENT, r->ep[0].known, r->ep[0].after);
	rs = state_cell(d, EXPLAIN_SERVER, r->ep[1].known, r->ep[1].after);
	frame_line(d, &ln, r, ls, rs, row);
	notes(&ln, d, row);
	line_end(d, &ln);
	draw_prose(d, row);
}

/* The first sentence of an event's prose, for a note line. */
static void first_sentence(char *text)
{
	char *a = strstr(text, ". "), *b = strstr(text, "。");

	if (b && (!a || b < a))
		b[3] = '\0';
	else if (a)
		a[1] = '\0';
}

static void draw_event_row(struct draw *d, const struct explain_row *row)
{
	const struct explain_rec *r = &row->rec;
	int w = r->who == EXPLAIN_SERVER ? 1 : 0;
	char text[EXPLAIN_PROSE_MAX];
	struct line ln;
	const char *cell;

	line_init(&ln);
	if (explain_row_shape(row) == EXPLAIN_ROW_STATE) {
		cell = state_cell(d, w, true, r->ev.to);
		if (!cell[0])
			return;
		frame_line(d, &ln, r, w ? "" : cell, w ? cell : "", NULL);
		line_end(d, &ln);
		return;
	}
	explain_row_prose(row, &d->pc, d->o->lang, text, sizeof(text));
	first_sentence(text);
	if (d->o->ascii)
		ascii_fold(text);
	frame_line(d, &ln, r, "", "", NULL);
	explain_sb_printf(&ln.sb, " %s", text);
	line_end(d, &ln);
}

static void draw_header(struct draw *d, const struct explain_ladder *l)
{
	char c[64], s[64], title[256];
	struct explain_vars v = { 0 };
	struct explain_sb sb;
	struct line ln;
	const char *cw = explain_side_name(d->o->lang, EXPLAIN_CLIENT, false);
	const char *sw = explain_side_name(d->o->lang, EXPLAIN_SERVER, false);

	explain_var(&v, "conn", "%u", explain_ladder_conn(l));
	explain_var(&v, "client", "%s", explain_ladder_addr(l, EXPLAIN_CLIENT, c, sizeof(c)));
	explain_var(&v, "server", "%s", explain_ladder_addr(l, EXPLAIN_SERVER, s, sizeof(s)));
	explain_sb_init(&sb, title, sizeof(title));
	explain_sb_msg(&sb, d->o->lang, EXPLAIN_M_LAD_TITLE, &v);
	fprintf(d->f, "%s\n\n", title);
	line_init(&ln);
	pad(&ln, explain_msg(d->o->lang, EXPLAIN_M_LAD_TIME), d->tw, false);
	pad(&ln, cw, d->sw + 2, true);	/* ends just right of the client's lifeline */
	rep(&ln, " ", d->aw);		/* the server's name starts on its lifeline */
	pad(&ln, sw, 0, false);
	line_end(d, &ln);
}

/* The states before the first arrow, when the producer knows them. */
static void draw_initial(struct draw *d, const struct explain_ladder *l)
{
	struct line ln;
	const char *ls = "", *rs = "";

	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		const struct explain_rec *r = &explain_ladder_row(l, i)->rec;

		if (r->kind != EXPLAIN_REC_SEGMENT)
			continue;
		ls = state_cell(d, 0, r->ep[0].known, r->ep[0].before);
		rs = state_cell(d, 1, r->ep[1].known, r->ep[1].before);
		break;
	}
	line_init(&ln);
	frame_line(d, &ln, NULL, ls, rs, NULL);
	line_end(d, &ln);
}

static void draw_summary(struct draw *d, const struct explain_row *row)
{
	char text[EXPLAIN_PROSE_MAX];
	size_t tw = d->tw;

	explain_row_prose(row, &d->pc, d->o->lang, text, sizeof(text));
	if (d->o->ascii)
		ascii_fold(text);
	fprintf(d->f, "\n");
	d->tw = 0;
	wrapped(d, text);
	d->tw = tw;
}

static void measure(struct draw *d, const struct explain_ladder *l)
{
	char label[96];

	d->tw = 13;
	if (explain_disp_width(explain_msg(d->o->lang, EXPLAIN_M_LAD_TIME)) + 2 > d->tw)
		d->tw = explain_disp_width(explain_msg(d->o->lang, EXPLAIN_M_LAD_TIME)) + 2;
	d->sw = 0;
	for (int s = 0; s < TCB_NSTATES; s++) {
		size_t w = explain_disp_width(explain_state_label(d->o->lang, (enum tcb_state)s));
		if (w > d->sw)
			d->sw = w;
	}
	d->aw = 30;
	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		size_t w = strlen(explain_row_label(explain_ladder_row(l, i), label, sizeof(label)));
		if (w + 10 > d->aw)
			d->aw = w + 10;
	}
}

int explain_ladder_render(const struct explain_ladder *l, const struct explain_ladder_opts *o,
			  FILE *f, struct err *e)
{
	struct draw d = { .f = f, .o = o };

	if (!l || !o || !f)
		return err_set(e, "ladder: nothing to draw");
	d.g = o->ascii ? &ascii_glyphs : &utf8_glyphs;
	explain_prose_ctx_init(&d.pc);
	measure(&d, l);
	draw_header(&d, l);
	draw_initial(&d, l);
	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		const struct explain_row *row = explain_ladder_row(l, i);

		switch (explain_row_shape(row)) {
		case EXPLAIN_ROW_ARROW: draw_arrow_row(&d, row); break;
		case EXPLAIN_ROW_STATE:
		case EXPLAIN_ROW_NOTE: draw_event_row(&d, row); break;
		case EXPLAIN_ROW_SUMMARY: draw_summary(&d, row); break;
		case EXPLAIN_ROW_HIDDEN: break;
		}
	}
	if (fflush(f) != 0 || ferror(f))
		return err_set(e, "ladder: write failed");
	return 0;
}
