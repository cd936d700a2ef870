/* tui_lay.c - lays out the full-screen view as text lines: title, both endpoints, the ladder, the explanation, the status line. */
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

/* One line being built: bytes and the columns they take. */
struct lb {
	char *buf;
	size_t len, cols, cap;
};

static void lb_init(struct lb *b, struct tui_line *ln)
{
	b->buf = ln->text;
	b->cap = sizeof(ln->text);
	b->len = b->cols = 0;
	b->buf[0] = '\0';
}

static void lb_put(struct lb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap)
		return;
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
	b->cols += explain_disp_width(s);
}

static void lb_rep(struct lb *b, const char *s, size_t n)
{
	while (n--)
		lb_put(b, s);
}

/* s in exactly width columns (cut, or padded on the left when right). */
static void lb_field(struct lb *b, const char *s, size_t width, bool right)
{
	char tmp[TUI_LINE_BYTES];
	size_t w = tui_fit(s, width, false, tmp, sizeof(tmp));

	if (right)
		lb_rep(b, " ", width - w);
	lb_put(b, tmp);
	if (!right)
		lb_rep(b, " ", width - w);
}

/* Pads with spaces to column col. */
static void lb_to(struct lb *b, size_t col)
{
	if (b->cols < col)
		lb_rep(b, " ", col - b->cols);
}

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

static void arrow(struct lb *b, const struct geo *g, const struct explain_row *row)
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
		lb_rep(b, h, 2);
		lb_put(b, cut);
		lb_rep(b, h, gap);
		lb_put(b, drop ? g->g->drop : ">");
		lb_rep(b, " ", drop ? 4 : 0);
	} else {
		lb_rep(b, " ", drop ? 4 : 0);
		lb_put(b, drop ? g->g->drop : "<");
		lb_put(b, h);
		lb_put(b, cut);
		lb_rep(b, h, gap + 1);
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
static void notes(struct lb *b, const struct tui_model *m, const struct explain_row *row)
{
	char t[96];
	struct explain_rec imp;

	if (b->len && b->buf[b->len - 1] == ' ')	/* no state beside the lifeline */
		b->len--, b->buf[b->len] = '\0', b->cols--;
	if (row->impaired && (row->act == EXPLAIN_IMP_DROP || row->act == EXPLAIN_IMP_CORRUPT)) {
		lb_put(b, " ");
		lb_put(b, tui_word(m->lang, TUI_W_DROPPED));
	} else if (row->impaired) {
		explain_row_impair_rec(row, &imp);
		lb_put(b, " [");
		lb_put(b, explain_impair_note(m->lang, &imp, t, sizeof(t)));
		lb_put(b, "]");
	}
	for (uint32_t bit = 1; bit < (1u << EXPLAIN_AF_COUNT); bit <<= 1) {
		if (!(row->rec.analysis & bit))
			continue;
		snprintf(t, sizeof(t), " [%s]", explain_flag_name(bit));
		lb_put(b, t);
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
	struct lb b;

	lb_init(&b, ln);
	snprintf(t, sizeof(t), "%4llu", (unsigned long long)r->frame);
	lb_field(&b, r->kind == EXPLAIN_REC_SUMMARY ? "" : t, g->fw, false);
	snprintf(t, sizeof(t), "%4llu.%06llu", (unsigned long long)(r->t_us / 1000000),
		 (unsigned long long)(r->t_us % 1000000));
	lb_field(&b, r->kind == EXPLAIN_REC_SUMMARY ? "" : t, g->tw, false);
	lb_field(&b, x->cell[EXPLAIN_CLIENT], g->sw, true);
	lb_put(&b, " ");
	lb_put(&b, g->g->vl);
	if (explain_row_shape(row) == EXPLAIN_ROW_ARROW) {
		arrow(&b, g, row);
	} else {
		note_text(m, row, x, t, sizeof(t));
		lb_put(&b, " ");
		lb_field(&b, t, g->aw - 1, false);
	}
	lb_put(&b, g->g->vl);
	lb_put(&b, " ");
	lb_put(&b, x->cell[EXPLAIN_SERVER]);
	if (explain_row_shape(row) == EXPLAIN_ROW_ARROW)
		notes(&b, m, row);
	ln->attr = row_attr(m, i, row);
}

/* An empty stretch of the ladder: just the two lifelines. */
static void lifelines(const struct geo *g, struct tui_line *ln)
{
	struct lb b;

	lb_init(&b, ln);
	lb_rep(&b, " ", g->fw + g->tw + g->sw + 1);
	lb_put(&b, g->g->vl);
	lb_rep(&b, " ", g->aw);
	lb_put(&b, g->g->vl);
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

static void lay_ladder(struct tui_model *m, const struct geo *g, size_t lh, struct tui_line *out)
{
	scroll_fit(m, lh);
	for (size_t k = 0; k < lh; k++) {
		if (m->top + k < m->nx)
			ladder_row(m, g, m->top + k, &out[k]);
		else
			lifelines(g, &out[k]);
	}
}

/* ---- title, endpoints, explanation, status ---- */

static void lay_title(const struct tui_model *m, size_t cols, struct tui_line *ln)
{
	char right[64];
	struct lb b;
	size_t rw;

	if (m->nx)
		snprintf(right, sizeof(right), "%s %zu/%zu ", tui_word(m->lang, TUI_W_ROW),
			 m->sel + 1, m->nx);
	else
		right[0] = '\0';
	rw = explain_disp_width(right);
	lb_init(&b, ln);
	lb_put(&b, " ");
	lb_field(&b, m->title, cols > rw + 2 ? cols - rw - 2 : 0, false);
	lb_put(&b, " ");
	lb_put(&b, right);
	ln->attr = TUI_A_BAR;
}

static void timers_text(const struct tui_model *m, const struct tui_side *s, char *buf, size_t cap)
{
	size_t off;

	off = (size_t)snprintf(buf, cap, "%s", tui_word(m->lang, TUI_W_TIMERS));
	if (m->timers_unknown && !s->ntm) {
		snprintf(buf + off, cap - off, "%s", tui_word(m->lang, TUI_W_UNKNOWN_OFFLINE));
		return;
	}
	if (!s->ntm) {
		snprintf(buf + off, cap - off, "%s", tui_word(m->lang, TUI_W_NONE));
		return;
	}
	for (size_t i = 0; i < s->ntm && off < cap; i++) {
		char d[32];
		const char *left = s->tm_deadline[i] > m->now_us
			? explain_dur(m->lang, s->tm_deadline[i] - m->now_us, d, sizeof(d))
			: tui_word(m->lang, TUI_W_DUE);

		off += (size_t)snprintf(buf + off, cap - off, "%s%s %s", i ? ", " : "",
					s->tm_name[i], left);
	}
}

/* Three lines: each endpoint's address, state and timers, client left, server right. */
static void lay_sides(const struct tui_model *m, size_t cols, struct tui_line *out)
{
	size_t half = cols / 2;
	char t[2][3][256], addr[40];

	for (int w = 0; w < 2; w++) {
		const struct tui_side *s = &m->side[w];

		snprintf(t[w][0], sizeof(t[w][0]), "%s %s",
			 explain_side_name(m->lang, (enum explain_who)w, true),
			 m->addr[w][0] ? m->addr[w]
			 : explain_ladder_addr(m->lad, (enum explain_who)w, addr, sizeof(addr)));
		snprintf(t[w][1], sizeof(t[w][1]), "%s%s", tui_word(m->lang, TUI_W_STATE),
			 s->known ? explain_state_label(m->lang, s->st) : "?");
		timers_text(m, s, t[w][2], sizeof(t[w][2]));
	}
	for (int k = 0; k < 3; k++) {
		struct lb b;

		lb_init(&b, &out[k]);
		lb_put(&b, " ");
		lb_field(&b, t[0][k], half > 2 ? half - 2 : 0, false);
		lb_to(&b, half);
		lb_put(&b, " ");
		lb_field(&b, t[1][k], cols - half - 1, false);
		out[k].attr = k == 1 ? TUI_A_HEAD : TUI_A_NORMAL;
	}
}

static void lay_sep(const struct geo *g, size_t cols, struct tui_line *ln)
{
	struct lb b;

	lb_init(&b, ln);
	lb_rep(&b, g->g->sep, cols);
	ln->attr = TUI_A_DIM;
}

/* Collects wrapped lines into the explanation area (or only counts them). */
struct wrap_out {
	struct tui_line *out;
	size_t n, max;
	enum tui_attr attr;	/* of the lines written */
};

static bool wrap_line(void *ctx, const char *s, size_t n)
{
	struct wrap_out *w = ctx;

	if (w->out && w->n < w->max) {
		struct tui_line *ln = &w->out[w->n];

		snprintf(ln->text, sizeof(ln->text), " %.*s", (int)n, s);
		ln->attr = w->attr;
	}
	w->n++;
	return true;
}

static const char *sel_prose(const struct tui_model *m)
{
	return m->nx ? tui_model_x(m, m->sel)->prose : tui_word(m->lang, TUI_W_EMPTY);
}

/* The selected row's one-line summary (the -q line) goes first, wrapped as its own
 * paragraph (a long one would be cut by the screen's edge); "" for rows without one. */
static const char *sel_head(const struct tui_model *m)
{
	return m->nx ? tui_model_x(m, m->sel)->head : "";
}

/* Lines the selected row's explanation needs at this width. */
static size_t expl_need(const struct tui_model *m, size_t cols)
{
	struct wrap_out w = { NULL, 0, 0, TUI_A_NORMAL };

	tui_wrap(sel_head(m), cols - 1, wrap_line, &w);
	tui_wrap(sel_prose(m), cols - 2, wrap_line, &w);
	return w.n;
}

static void lay_expl(const struct tui_model *m, size_t cols, size_t eh, struct tui_line *out)
{
	struct wrap_out w = { out, 0, eh, TUI_A_HEAD };
	size_t want;

	for (size_t k = 0; k < eh; k++) {
		out[k].text[0] = '\0';
		out[k].attr = TUI_A_NORMAL;
	}
	want = tui_wrap(sel_head(m), cols - 1, wrap_line, &w);
	w.attr = TUI_A_NORMAL;
	want += tui_wrap(sel_prose(m), cols - 2, wrap_line, &w);
	if (want > eh && eh) {
		/* cut: say so on the last line instead of hiding it */
		struct tui_line *last = &out[eh - 1];
		char tmp[TUI_LINE_BYTES - 8];

		tui_fit(last->text, cols - 4, false, tmp, sizeof(tmp));
		snprintf(last->text, sizeof(last->text), "%s %s", tmp, m->utf8 ? "…" : "...");
	}
}

static void keys_text(const struct tui_model *m, char *buf, size_t cap)
{
	static const struct { unsigned bit; enum tui_word w; } opt[] = {
		{ TUI_KEY_DROP, TUI_W_K_DROP }, { TUI_KEY_EDIT, TUI_W_K_EDIT },
		{ TUI_KEY_LINE, TUI_W_K_LINE }, { TUI_KEY_CONTINUE, TUI_W_K_CONT },
	};
	size_t off = (size_t)snprintf(buf, cap, " %s", tui_word(m->lang, TUI_W_K_NEXT));

	for (size_t i = 0; i < sizeof(opt) / sizeof(opt[0]) && off < cap; i++)
		if (m->keys & opt[i].bit)
			off += (size_t)snprintf(buf + off, cap - off, "  %s",
						tui_word(m->lang, opt[i].w));
	if (off < cap)
		snprintf(buf + off, cap - off, "  %s  %s", tui_word(m->lang, TUI_W_K_SCROLL),
			 tui_word(m->lang, TUI_W_K_QUIT));
}

static void lay_status(const struct tui_model *m, size_t cols, struct tui_line *ln)
{
	char t[TUI_LINE_BYTES];
	struct lb b;

	if (m->prompt) {
		snprintf(t, sizeof(t), " %s%s_", tui_word(m->lang, m->prompt == TUI_CMD_EDIT
							   ? TUI_W_P_EDIT : TUI_W_P_LINE), m->ptext);
	} else {
		/* the message first: the keys are always the same, the message is news */
		const char *msg = m->status[0] ? m->status
				  : (!m->follow ? tui_word(m->lang, TUI_W_SCROLLED) : "");
		size_t n = msg[0] ? (size_t)snprintf(t, sizeof(t), " %s  |", msg) : 0;

		keys_text(m, t + n, sizeof(t) - n);
	}
	lb_init(&b, ln);
	lb_field(&b, t, cols, false);
	ln->attr = TUI_A_BAR;
}

static void fold_all(struct tui_line *out, int lines)
{
	char tmp[TUI_LINE_BYTES];

	for (int i = 0; i < lines; i++) {
		tui_ascii_fold(out[i].text, tmp, sizeof(tmp));
		memcpy(out[i].text, tmp, sizeof(tmp));
	}
}

/* No line may be wider than the screen: the terminal would wrap it onto the next. */
static void fit_all(struct tui_line *out, int lines, size_t cols)
{
	char tmp[TUI_LINE_BYTES];

	for (int i = 0; i < lines; i++) {
		tui_fit(out[i].text, cols, false, tmp, sizeof(tmp));
		memcpy(out[i].text, tmp, sizeof(tmp));
	}
}

void tui_lay_screen(struct tui_model *m, int cols, int lines, struct tui_line *out)
{
	struct geo g;
	size_t c = cols > 0 ? (size_t)cols : 0, l = lines > 0 ? (size_t)lines : 0;

	for (size_t i = 0; i < l; i++) {
		out[i].text[0] = '\0';
		out[i].attr = TUI_A_NORMAL;
	}
	if (c < TUI_MIN_COLS || l < TUI_MIN_LINES) {
		if (l)
			tui_fit(tui_word(m->lang, TUI_W_TOO_SMALL), c, false, out[0].text,
				sizeof(out[0].text));
		if (!m->utf8)
			fold_all(out, lines);
		fit_all(out, lines, c);
		return;
	}
	geo_of(m, c, &g);
	/* title, 3 endpoint lines, 2 separators, status: the rest is ladder + explanation */
	size_t rest = l - 7, need = expl_need(m, c);
	/* the explanation takes what it needs, the ladder keeps a third (at least 4 rows) */
	size_t lmin = rest / 3 > 4 ? rest / 3 : 4;
	size_t eh = need < rest - lmin ? need : rest - lmin;

	eh = eh < 3 ? 3 : eh;
	lay_title(m, c, &out[0]);
	lay_sides(m, c, &out[1]);
	lay_sep(&g, c, &out[4]);
	lay_ladder(m, &g, rest - eh, &out[5]);
	lay_sep(&g, c, &out[5 + rest - eh]);
	lay_expl(m, c, eh, &out[6 + rest - eh]);
	lay_status(m, c, &out[l - 1]);
	if (!m->utf8)
		fold_all(out, lines);
	fit_all(out, lines, c);
}
