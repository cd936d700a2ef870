/* tui_ladder.c - the full-screen view's ladder rows: arrows between the lifelines, states beside them, notes, scrolling. */
#include "tui_model.h"

#include <stdio.h>
#include <string.h>

/* Drawing characters, UTF-8 or ASCII (the same as the --ladder output). */
struct glyphs {
	const char *vl, *hl, *dash, *drop, *sep;
};
static const struct glyphs utf8_g = { "│", "─", "╌", "✗", "─" };
static const struct glyphs ascii_g = { "|", "-", ".", "X", "-" };

/* Column widths of a ladder row. */
struct geo {
	size_t fw, tw, sw, aw;	/* frame, time, state, arrow area */
	const struct glyphs *g;
};

static void geo_of(const struct tui_model *m, size_t cols, struct geo *g)
{
	size_t sw = 0;

	for (int s = 0; s < TCB_NSTATES; s++) {
		size_t w = explain_disp_width(explain_state_label(m->lang, (enum tcb_state)s));
		sw = w > sw ? w : sw;
	}
	g->g = m->utf8 ? &utf8_g : &ascii_g;
	g->fw = 5;
	g->tw = cols >= 100 ? 12 : 0;	/* narrow: the arrow keeps its label (the time is in
					 * the explanation's first line) */
	g->sw = sw;
	/* frame, time, left state + space, two lifelines, space + right state, ~18 for notes */
	size_t fixed = g->fw + g->tw + sw + 1 + 2 + 1 + sw + (cols >= 110 ? 18 : 1);

	g->aw = cols > fixed + 16 ? cols - fixed : 16;
}

/* ---- the ladder ---- */

static void arrow(struct tui_lb *b, const struct geo *g, const struct explain_row *row)
{
	const struct explain_rec *r = &row->rec;
	bool drop = row->impaired && (row->act == EXPLAIN_IMP_DROP || row->act == EXPLAIN_IMP_CORRUPT);
	const char *h = (r->analysis & EXPLAIN_AF_RETRANSMISSION) ? g->g->dash : g->g->hl;
	char label[96], cut[96];
	size_t room = g->aw - 3 - (drop ? 4 : 0);
	size_t lw = tui_fit(explain_row_label(row, label, sizeof(label)), room - 1, false, cut,
			    sizeof(cut));
	size_t gap = room - lw;

	if (r->dir == EXPLAIN_C2S) {
		tui_lb_rep(b, h, 2);
		tui_lb_put(b, cut);
		tui_lb_rep(b, h, gap);
		tui_lb_put(b, drop ? g->g->drop : ">");
		tui_lb_rep(b, " ", drop ? 4 : 0);
	} else {
		tui_lb_rep(b, " ", drop ? 4 : 0);
		tui_lb_put(b, drop ? g->g->drop : "<");
		tui_lb_put(b, h);
		tui_lb_put(b, cut);
		tui_lb_rep(b, h, gap + 1);
	}
}

/* The short text of a row that is not an arrow (inside the lifelines). */
static void note_text(const struct tui_model *m, const struct explain_row *row,
		      const struct tui_row_x *x, char *buf, size_t cap)
{
	const struct explain_rec *r = &row->rec;

	if (r->kind == EXPLAIN_REC_SUMMARY)
		snprintf(buf, cap, "%s", tui_word(m->lang, TUI_W_SUMMARY));
	else if (r->kind == EXPLAIN_REC_EVENT && r->ev.kind == TCB_EV_STATE)
		snprintf(buf, cap, "* %s: %s %s %s", explain_side_name(m->lang, r->who, true),
			 explain_state_label(m->lang, r->ev.from), m->utf8 ? "→" : "->",
			 explain_state_label(m->lang, r->ev.to));
	else
		snprintf(buf, cap, "* %s", x->prose);
}

/* "[dropped]", "[delayed 200.000 ms]", "[retransmission]" ... after the right state. */
static void notes(struct tui_lb *b, const struct tui_model *m, const struct explain_row *row)
{
	char t[96];
	struct explain_rec imp;

	if (b->len && b->buf[b->len - 1] == ' ')	/* no state beside the lifeline */
		b->len--, b->buf[b->len] = '\0', b->cols--;
	if (row->impaired && (row->act == EXPLAIN_IMP_DROP || row->act == EXPLAIN_IMP_CORRUPT)) {
		tui_lb_put(b, " ");
		tui_lb_put(b, tui_word(m->lang, TUI_W_DROPPED));
	} else if (row->impaired) {
		explain_row_impair_rec(row, &imp);
		tui_lb_put(b, " [");
		tui_lb_put(b, explain_impair_note(m->lang, &imp, t, sizeof(t)));
		tui_lb_put(b, "]");
	}
	for (uint32_t bit = 1; bit < (1u << EXPLAIN_AF_COUNT); bit <<= 1) {
		if (!(row->rec.analysis & bit))
			continue;
		snprintf(t, sizeof(t), " [%s]", explain_flag_name(bit));
		tui_lb_put(b, t);
		if (bit == EXPLAIN_AF_RETRANSMISSION && (row->rec.analysis & ~bit))
			continue;	/* a fast / spurious one says which after it */
		break;
	}
}

static enum tui_attr row_attr(const struct tui_model *m, size_t i, const struct explain_row *row)
{
	if (i == m->sel)
		return TUI_A_SEL;
	if (row->impaired && (row->act == EXPLAIN_IMP_DROP || row->act == EXPLAIN_IMP_CORRUPT))
		return TUI_A_DROP;
	if (row->rec.kind == EXPLAIN_REC_SEGMENT && (row->rec.seg.flags & SEG_RST))
		return TUI_A_RST;
	if (row->rec.analysis & EXPLAIN_AF_RETRANSMISSION)
		return TUI_A_RTX;
	return row->rec.kind == EXPLAIN_REC_SEGMENT ? TUI_A_NORMAL : TUI_A_DIM;
}

static void ladder_row(const struct tui_model *m, const struct geo *g, size_t i,
		       struct tui_line *ln)
{
	const struct explain_row *row = tui_model_row(m, i);
	const struct tui_row_x *x = tui_model_x(m, i);
	const struct explain_rec *r = &row->rec;
	char t[TUI_LINE_BYTES];
	struct tui_lb b;

	tui_lb_init(&b, ln);
	snprintf(t, sizeof(t), "%4llu", (unsigned long long)r->frame);
	tui_lb_field(&b, r->kind == EXPLAIN_REC_SUMMARY ? "" : t, g->fw, false);
	snprintf(t, sizeof(t), "%4llu.%06llu", (unsigned long long)(r->t_us / 1000000),
		 (unsigned long long)(r->t_us % 1000000));
	tui_lb_field(&b, r->kind == EXPLAIN_REC_SUMMARY ? "" : t, g->tw, false);
	tui_lb_field(&b, x->cell[EXPLAIN_CLIENT], g->sw, true);
	tui_lb_put(&b, " ");
	tui_lb_put(&b, g->g->vl);
	if (explain_row_shape(row) == EXPLAIN_ROW_ARROW) {
		arrow(&b, g, row);
	} else {
		note_text(m, row, x, t, sizeof(t));
		tui_lb_put(&b, " ");
		tui_lb_field(&b, t, g->aw - 1, false);
	}
	tui_lb_put(&b, g->g->vl);
	tui_lb_put(&b, " ");
	tui_lb_put(&b, x->cell[EXPLAIN_SERVER]);
	if (explain_row_shape(row) == EXPLAIN_ROW_ARROW)
		notes(&b, m, row);
	ln->attr = row_attr(m, i, row);
}

/* An empty stretch of the ladder: just the two lifelines. */
static void lifelines(const struct geo *g, struct tui_line *ln)
{
	struct tui_lb b;

	tui_lb_init(&b, ln);
	tui_lb_rep(&b, " ", g->fw + g->tw + g->sw + 1);
	tui_lb_put(&b, g->g->vl);
	tui_lb_rep(&b, " ", g->aw);
	tui_lb_put(&b, g->g->vl);
	ln->attr = TUI_A_NORMAL;
}

/* Keeps the selection inside the lh rows shown; a following view shows the newest rows. */
static void scroll_fit(struct tui_model *m, size_t lh)
{
	m->page = lh;
	if (m->follow || m->top + lh > m->nx)
		m->top = m->nx > lh ? m->nx - lh : 0;
	if (m->sel < m->top)
		m->top = m->sel;
	if (lh && m->sel >= m->top + lh)
		m->top = m->sel - lh + 1;
}

void tui_lay_ladder(struct tui_model *m, size_t cols, size_t lh, struct tui_line *out)
{
	struct geo gg, *g = &gg;

	geo_of(m, cols, g);
	scroll_fit(m, lh);
	for (size_t k = 0; k < lh; k++) {
		if (m->top + k < m->nx)
			ladder_row(m, g, m->top + k, &out[k]);
		else
			lifelines(g, &out[k]);
	}
}

void tui_lay_rule(const struct tui_model *m, size_t cols, struct tui_line *ln)
{
	struct tui_lb b;

	tui_lb_init(&b, ln);
	tui_lb_rep(&b, m->utf8 ? utf8_g.sep : ascii_g.sep, cols);
	ln->attr = TUI_A_DIM;
}
