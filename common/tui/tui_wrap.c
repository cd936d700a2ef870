/* tui_wrap.c - display-width helpers of the full-screen view: build a line, fit it, wrap prose, fold to ASCII. */
#include "tui_model.h"

#include <string.h>

size_t tui_fit(const char *s, size_t cols, bool pad, char *out, size_t cap)
{
	size_t used = 0, len = 0;
	const char *p = s ? s : "";

	while (*p) {
		uint32_t cp;
		const char *q = explain_utf8_next(p, &cp);
		int w = explain_cp_width(cp);

		if (w < 0)
			w = 0;
		if (used + (size_t)w > cols || len + (size_t)(q - p) + 1 > cap)
			break;
		if (cp < 0x20 || cp == 0x7f)	/* a control byte would move the cursor */
			out[len] = ' ';
		else
			memcpy(out + len, p, (size_t)(q - p));
		len += cp < 0x20 || cp == 0x7f ? 1 : (size_t)(q - p);
		used += (size_t)w;
		p = q;
	}
	while (pad && used < cols && len + 2 <= cap) {
		out[len++] = ' ';
		used++;
	}
	if (cap)
		out[len < cap ? len : cap - 1] = '\0';
	return used;
}

/* Can a line break go before the character at p (after the one before it)? At a space,
 * and on either side of a wide character: Chinese has no spaces between words. */
static bool breakable(uint32_t prev, uint32_t cp)
{
	return cp == ' ' || explain_cp_width(cp) == 2 || explain_cp_width(prev) == 2;
}

size_t tui_wrap(const char *text, size_t cols, bool (*line)(void *ctx, const char *s, size_t n),
		void *ctx)
{
	const char *p = text ? text : "";
	size_t nlines = 0;

	if (cols == 0)
		return 0;
	while (*p) {
		const char *start = p, *brk = NULL, *q = p;
		size_t used = 0;
		uint32_t prev = 0, cp;

		while (*q) {
			const char *nx = explain_utf8_next(q, &cp);
			int w = explain_cp_width(cp);

			if (w < 0)
				w = 0;
			if (q > start && breakable(prev, cp))
				brk = q;
			if (used + (size_t)w > cols)
				break;
			used += (size_t)w;
			prev = cp;
			q = nx;
		}
		const char *end = !*q ? q : (brk && brk > start ? brk : q);

		if (end == start)	/* one character wider than the line: take it anyway */
			end = explain_utf8_next(start, &cp);
		size_t n = (size_t)(end - start);

		while (n > 0 && start[n - 1] == ' ')
			n--;
		nlines++;
		if (!line(ctx, start, n))
			break;
		p = end;
		while (*p == ' ')
			p++;
	}
	return nlines;
}

/* ASCII stand-ins for the non-ASCII characters the explanations use. */
static const char *ascii_of(uint32_t cp)
{
	switch (cp) {
	case 0x2192: return "->";	/* → */
	case 0x2190: return "<-";	/* ← */
	case 0x00a7: return "S";	/* § */
	case 0x2264: return "<=";
	case 0x2265: return ">=";
	case 0x00d7: return "x";
	case 0x2013: case 0x2014: case 0x2500: case 0x254c: return "-";
	case 0x2502: return "|";
	case 0x2717: return "X";
	case 0x2026: return "...";
	case 0x2018: case 0x2019: return "'";
	case 0x201c: case 0x201d: return "\"";
	default: return "?";
	}
}

void tui_ascii_fold(const char *s, char *out, size_t cap)
{
	size_t len = 0;

	if (!cap)
		return;
	for (const char *p = s; *p;) {
		uint32_t cp;
		const char *q = explain_utf8_next(p, &cp);
		const char *rep = cp < 0x80 ? NULL : ascii_of(cp);
		size_t n = rep ? strlen(rep) : 1;

		if (len + n + 1 > cap)
			break;
		if (rep)
			memcpy(out + len, rep, n);
		else
			out[len] = *p;
		len += n;
		p = q;
	}
	out[len] = '\0';
}

/* ---- a line being built ---- */

void tui_lb_init(struct tui_lb *b, struct tui_line *ln)
{
	b->buf = ln->text;
	b->cap = sizeof(ln->text);
	b->len = b->cols = 0;
	b->buf[0] = '\0';
}

void tui_lb_put(struct tui_lb *b, const char *s)
{
	size_t n = strlen(s);

	if (b->len + n + 1 > b->cap)
		return;
	memcpy(b->buf + b->len, s, n + 1);
	b->len += n;
	b->cols += explain_disp_width(s);
}

void tui_lb_rep(struct tui_lb *b, const char *s, size_t n)
{
	while (n--)
		tui_lb_put(b, s);
}

/* s in exactly width columns (cut, or padded on the left when right). */
void tui_lb_field(struct tui_lb *b, const char *s, size_t width, bool right)
{
	char tmp[TUI_LINE_BYTES];
	size_t w = tui_fit(s, width, false, tmp, sizeof(tmp));

	if (right)
		tui_lb_rep(b, " ", width - w);
	tui_lb_put(b, tmp);
	if (!right)
		tui_lb_rep(b, " ", width - w);
}

/* Pads with spaces to column col. */
void tui_lb_to(struct tui_lb *b, size_t col)
{
	if (b->cols < col)
		tui_lb_rep(b, " ", col - b->cols);
}
