/* tui_lay.c - lays out the full-screen view as text lines: title, both endpoints, the ladder, the explanation, the status line. */
#include "tui_model.h"

#include <stdio.h>
#include <string.h>

/* ---- title, endpoints, explanation, status ---- */

static void lay_title(const struct tui_model *m, size_t cols, struct tui_line *ln)
{
	char right[64];
	struct tui_lb b;
	size_t rw;

	if (m->nx && !m->follow)	/* new rows will not show until End */
		snprintf(right, sizeof(right), "%s  %s %zu/%zu ", tui_word(m->lang, TUI_W_SCROLLED),
			 tui_word(m->lang, TUI_W_ROW), m->sel + 1, m->nx);
	else if (m->nx)
		snprintf(right, sizeof(right), "%s %zu/%zu ", tui_word(m->lang, TUI_W_ROW),
			 m->sel + 1, m->nx);
	else
		right[0] = '\0';
	rw = explain_disp_width(right);
	tui_lb_init(&b, ln);
	tui_lb_put(&b, " ");
	tui_lb_field(&b, m->title, cols > rw + 2 ? cols - rw - 2 : 0, false);
	tui_lb_put(&b, " ");
	tui_lb_put(&b, right);
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
	char t[2][3][256], addr[64];	/* "[IPv6]:port" */

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
		struct tui_lb b;

		tui_lb_init(&b, &out[k]);
		tui_lb_put(&b, " ");
		tui_lb_field(&b, t[0][k], half > 2 ? half - 2 : 0, false);
		tui_lb_to(&b, half);
		tui_lb_put(&b, " ");
		tui_lb_field(&b, t[1][k], cols - half - 1, false);
		out[k].attr = k == 1 ? TUI_A_HEAD : TUI_A_NORMAL;
	}
}

/* Collects wrapped lines into the explanation area (or only counts them). */
struct wrap_out {
	struct tui_line *out;
	size_t n, max;
	size_t skip;		/* lines scrolled off the top */
	enum tui_attr attr;	/* of the lines written */
};

static bool wrap_line(void *ctx, const char *s, size_t n)
{
	struct wrap_out *w = ctx;

	if (w->out && w->n >= w->skip && w->n - w->skip < w->max) {
		struct tui_line *ln = &w->out[w->n - w->skip];

		snprintf(ln->text, sizeof(ln->text), " %.*s", (int)n, s);
		ln->attr = w->attr;
	}
	w->n++;
	return true;
}

/* The help, one paragraph a line of it, each wrapped on its own. */
static void wrap_help(const struct tui_model *m, size_t cols, struct wrap_out *w)
{
	char help[4096], *line, *save = NULL;

	tui_model_help(m, help, sizeof(help));
	for (line = strtok_r(help, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		tui_wrap(line, cols - 2, wrap_line, w);
		w->attr = TUI_A_NORMAL;	/* the first line is the heading */
	}
}

/* The explanation area's text: the one-line summary (the -q line) first, wrapped as its
 * own paragraph (a long one would be cut by the screen's edge), then the prose; or the
 * help. */
static void wrap_expl(const struct tui_model *m, size_t cols, struct wrap_out *w)
{
	const char *head, *prose;

	if (m->help) {
		wrap_help(m, cols, w);
		return;
	}
	tui_model_expl(m, &head, &prose);
	tui_wrap(head, cols - 1, wrap_line, w);
	w->attr = TUI_A_NORMAL;
	tui_wrap(prose, cols - 2, wrap_line, w);
}

/* Lines the explanation needs at this width. */
static size_t expl_need(const struct tui_model *m, size_t cols)
{
	struct wrap_out w = { NULL, 0, 0, 0, TUI_A_NORMAL };

	wrap_expl(m, cols, &w);
	return w.n;
}

/* Marks a cut: "…" at the end of line ln (more below) or at its start (more above). */
static void mark_cut(const struct tui_model *m, size_t cols, struct tui_line *ln, bool end)
{
	char tmp[TUI_LINE_BYTES - 8];
	const char *dots = m->utf8 ? "…" : "...";

	tui_fit(ln->text + (end ? 0 : 1), cols - 4, false, tmp, sizeof(tmp));
	if (end)
		snprintf(ln->text, sizeof(ln->text), "%s %s", tmp, dots);
	else
		snprintf(ln->text, sizeof(ln->text), "%s %s", dots, tmp);
}

/* The explanation area: the selected row's -q line and prose, from line etop on. */
static void lay_expl(struct tui_model *m, size_t cols, size_t need, size_t eh,
		     struct tui_line *out)
{
	struct wrap_out w = { out, 0, eh, 0, TUI_A_HEAD };

	for (size_t k = 0; k < eh; k++) {
		out[k].text[0] = '\0';
		out[k].attr = TUI_A_NORMAL;
	}
	if (m->etop_sel != m->sel) {	/* another row: its text from the start */
		m->etop_sel = m->sel;
		m->etop = 0;
	}
	if (m->etop > (need > eh ? need - eh : 0))
		m->etop = need > eh ? need - eh : 0;
	m->ecut = need > eh;
	w.skip = m->etop;
	wrap_expl(m, cols, &w);
	if (!eh)
		return;
	if (m->etop + eh < need)	/* cut: say so instead of hiding it */
		mark_cut(m, cols, &out[eh - 1], true);
	if (m->etop)
		mark_cut(m, cols, &out[0], false);
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
	if (off < cap && m->ecut)
		off += (size_t)snprintf(buf + off, cap - off, "  %s", tui_word(m->lang, TUI_W_K_MORE));
	if (off < cap)
		snprintf(buf + off, cap - off, "  %s  %s  %s", tui_word(m->lang, TUI_W_K_SCROLL),
			 tui_word(m->lang, TUI_W_K_HELP), tui_word(m->lang, TUI_W_K_QUIT));
}

static void lay_status(const struct tui_model *m, size_t cols, struct tui_line *ln)
{
	char t[TUI_LINE_BYTES];
	struct tui_lb b;

	if (m->prompt) {
		snprintf(t, sizeof(t), " %s%s_", tui_word(m->lang, m->prompt == TUI_CMD_EDIT
							   ? TUI_W_P_EDIT : TUI_W_P_LINE), m->ptext);
	} else {
		/* the message first: the keys are always the same, the message is news */
		const char *msg = m->status;
		size_t n = msg[0] ? (size_t)snprintf(t, sizeof(t), " %s  |", msg) : 0;

		keys_text(m, t + n, sizeof(t) - n);
	}
	tui_lb_init(&b, ln);
	tui_lb_field(&b, t, cols, false);
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

/* Two lines about the decision waiting: who, and its summary; its numbers, raw too. */
static void lay_pending(const struct tui_model *m, size_t cols, struct tui_line *out)
{
	struct tui_lb b;
	const char *mark = m->utf8 ? "▶" : ">";

	tui_lb_init(&b, &out[0]);
	tui_lb_put(&b, mark);
	tui_lb_put(&b, " ");
	tui_lb_put(&b, tui_word(m->lang, TUI_W_PENDING));
	tui_lb_put(&b, ": ");
	tui_lb_put(&b, m->pend_label);
	tui_lb_put(&b, "  ");
	tui_lb_put(&b, m->pend_head);
	out[0].attr = TUI_A_SEL;
	tui_lb_init(&b, &out[1]);
	tui_lb_put(&b, "  ");
	tui_lb_put(&b, m->pend_nums);
	out[1].attr = TUI_A_HEAD;
	(void)cols;	/* fit_all cuts both to the width */
}

void tui_lay_screen(struct tui_model *m, int cols, int lines, struct tui_line *out)
{
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
	/* title, 3 endpoint lines, 2 separators, status (and 2 lines of the decision that
	 * waits): the rest is ladder + explanation */
	size_t pl = m->pend ? 2 : 0;
	size_t rest = l - 7 - pl, need = expl_need(m, c);
	/* the explanation takes what it needs, the ladder keeps a third (at least 4 rows) */
	size_t lmin = rest / 3 > 4 ? rest / 3 : 4;
	size_t eh = need < rest - lmin ? need : rest - lmin;

	eh = eh < 3 ? 3 : eh;
	lay_title(m, c, &out[0]);
	lay_sides(m, c, &out[1]);
	tui_lay_rule(m, c, &out[4]);
	tui_lay_ladder(m, c, rest - eh, &out[5]);
	if (pl)
		lay_pending(m, c, &out[5 + rest - eh]);
	tui_lay_rule(m, c, &out[5 + pl + rest - eh]);
	lay_expl(m, c, need, eh, &out[6 + pl + rest - eh]);
	lay_status(m, c, &out[l - 1]);
	if (!m->utf8)
		fold_all(out, lines);
	fit_all(out, lines, c);
}
