/* explain_html.c - one self-contained HTML page with the connection's ladder as inline SVG (--html). */
#include "explain_present.h"

#include <errno.h>
#include <string.h>

/* Geometry of the SVG, in pixels. */
#define X_TIME 8
#define X_LEFT 230
#define X_RIGHT 730
#define SVG_W 960
#define Y_TOP 86
#define ROW_H 46

struct page {
	FILE *f;
	enum explain_lang lang;
	struct explain_prose_ctx pc;
	bool shown_known[2];
	enum tcb_state shown[2];
};

/* Writes s as HTML/XML text: & < > " ' become entities (payload bytes may hold any). */
static void esc(FILE *f, const char *s)
{
	for (; *s; s++) {
		switch (*s) {
		case '&': fputs("&amp;", f); break;
		case '<': fputs("&lt;", f); break;
		case '>': fputs("&gt;", f); break;
		case '"': fputs("&quot;", f); break;
		case '\'': fputs("&#39;", f); break;
		default: fputc(*s, f);
		}
	}
}

static const char *const css =
	"body{font-family:sans-serif;margin:16px;color:#222;background:#fff}"
	"h1{font-size:20px}.hint{color:#555}"
	".wrap{display:flex;gap:16px;align-items:flex-start}"
	"aside{width:340px;min-height:200px;border:1px solid #bbb;padding:8px;"
	"background:#f7f7f7;position:sticky;top:8px}"
	"svg text{font-family:monospace;font-size:13px}"
	".life{stroke:#444;stroke-width:2}.head{fill:#e8eef8;stroke:#446}"
	".state{fill:#fff4d6;stroke:#a80}.time{fill:#666}"
	".seg line{stroke-width:2;stroke:#333}.seg{cursor:pointer}"
	".seg:hover line,.seg:focus line,.seg.on line{stroke-width:4}"
	".k-syn line{stroke:#1a8a2a}.k-fin line{stroke:#b07000}.k-rst line{stroke:#c00}"
	".k-data line{stroke:#0a6fa8}.k-ack line{stroke:#555}"
	".rtx line{stroke-dasharray:7 5}.drop line{stroke:#c00}.x{fill:#c00;font-size:22px}"
	".note{fill:#555;font-style:italic}"
	".legend span{display:inline-block;margin-right:18px}"
	".sw{display:inline-block;width:28px;height:4px;vertical-align:middle;margin-right:4px}";

/* Clicking an arrow copies its <title> into the panel; no network, no external file. */
static const char *const js =
	"document.querySelectorAll('g.seg,g.note').forEach(function(g){"
	"g.addEventListener('click',function(){"
	"document.querySelectorAll('g.on').forEach(function(o){o.classList.remove('on');});"
	"g.classList.add('on');"
	"document.getElementById('ptext').textContent=g.querySelector('title').textContent;});});";

static void page_head(struct page *pg, const struct explain_ladder *l)
{
	struct explain_vars v = { 0 };
	char title[200];
	struct explain_sb sb;

	explain_var(&v, "conn", "%u", explain_ladder_conn(l));
	explain_sb_init(&sb, title, sizeof(title));
	explain_sb_msg(&sb, pg->lang, EXPLAIN_M_HTML_TITLE, &v);
	fprintf(pg->f, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
		"<title>", pg->lang == EXPLAIN_LANG_ZH ? "zh-CN" : "en");
	esc(pg->f, title);
	fprintf(pg->f, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>", css);
	esc(pg->f, title);
	fputs("</h1>\n<p class=\"hint\">", pg->f);
	esc(pg->f, explain_msg(pg->lang, EXPLAIN_M_HTML_HINT));
	fputs("</p>\n", pg->f);
}

static void svg_text(struct page *pg, int x, int y, const char *anchor, const char *cls,
		     const char *s)
{
	fprintf(pg->f, "<text x=\"%d\" y=\"%d\" text-anchor=\"%s\" class=\"%s\">", x, y, anchor, cls);
	esc(pg->f, s);
	fputs("</text>\n", pg->f);
}

static void svg_heads(struct page *pg, const struct explain_ladder *l, int height)
{
	char a[64], label[128];

	for (int w = 0; w < 2; w++) {
		int x = w ? X_RIGHT : X_LEFT;

		snprintf(label, sizeof(label), "%s %s",
			 explain_side_name(pg->lang, (enum explain_who)w, false),
			 explain_ladder_addr(l, (enum explain_who)w, a, sizeof(a)));
		fprintf(pg->f, "<g class=\"side\"><rect class=\"head\" x=\"%d\" y=\"10\" width=\"220\" "
			"height=\"30\" rx=\"4\"/>", x - 110);
		svg_text(pg, x, 30, "middle", "hd", label);
		fprintf(pg->f, "<line class=\"life\" x1=\"%d\" y1=\"40\" x2=\"%d\" y2=\"%d\"/></g>\n",
			x, x, height - 10);
	}
}

/* A state badge beside lifeline w at row y, when the state changed. */
static void badge(struct page *pg, int w, bool known, enum tcb_state s, int y)
{
	const char *name;
	int width, x;

	if (!known || (pg->shown_known[w] && pg->shown[w] == s))
		return;
	pg->shown_known[w] = true;
	pg->shown[w] = s;
	name = explain_state_label(pg->lang, s);
	width = 9 * (int)strlen(name) + 12;
	x = w ? X_RIGHT + 8 : X_LEFT - 8 - width;
	fprintf(pg->f, "<g class=\"st\"><rect class=\"state\" x=\"%d\" y=\"%d\" width=\"%d\" "
		"height=\"20\" rx=\"9\"/>", x, y - 15, width);
	svg_text(pg, x + width / 2, y, "middle", "stt", name);
	fputs("</g>\n", pg->f);
}

static const char *kind_class(const struct explain_rec *r)
{
	uint8_t f = r->seg.flags;

	if (f & SEG_RST)
		return "k-rst";
	if (f & SEG_SYN)
		return "k-syn";
	if (f & SEG_FIN)
		return "k-fin";
	return r->len ? "k-data" : "k-ack";
}

static void arrow_group(struct page *pg, const struct explain_row *row, size_t i, int y)
{
	const struct explain_rec *r = &row->rec;
	bool drop = row->impaired && (row->act == EXPLAIN_IMP_DROP || row->act == EXPLAIN_IMP_CORRUPT);
	bool c2s = r->dir == EXPLAIN_C2S;
	int x1 = c2s ? X_LEFT : X_RIGHT, x2 = c2s ? X_RIGHT : X_LEFT;
	char text[EXPLAIN_PROSE_MAX], label[96];

	if (drop)
		x2 = x1 + (x2 - x1) * 3 / 4;
	explain_row_prose(row, &pg->pc, pg->lang, text, sizeof(text));
	fprintf(pg->f, "<g class=\"seg %s%s%s\" tabindex=\"0\" data-i=\"%zu\"><title>", kind_class(r),
		(r->analysis & EXPLAIN_AF_RETRANSMISSION) ? " rtx" : "", drop ? " drop" : "", i);
	esc(pg->f, text);
	fprintf(pg->f, "</title><line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\"%s/>\n", x1, y, x2, y,
		drop ? "" : " marker-end=\"url(#ah)\"");
	svg_text(pg, (X_LEFT + X_RIGHT) / 2, y - 6, "middle", "lbl",
		 explain_row_label(row, label, sizeof(label)));
	if (drop)
		svg_text(pg, x2, y + 8, "middle", "x", "✗");
	fputs("</g>\n", pg->f);
}

static void note_group(struct page *pg, const struct explain_row *row, size_t i, int y)
{
	char text[EXPLAIN_PROSE_MAX], shortline[120];
	int x = row->rec.who == EXPLAIN_SERVER ? X_RIGHT - 10 : X_LEFT + 10;

	struct explain_sb sb;

	explain_row_prose(row, &pg->pc, pg->lang, text, sizeof(text));
	explain_sb_init(&sb, shortline, 91);	/* cuts on a character boundary */
	explain_sb_puts(&sb, text);
	fprintf(pg->f, "<g class=\"note\" tabindex=\"0\" data-i=\"%zu\"><title>", i);
	esc(pg->f, text);
	fputs("</title>\n", pg->f);
	svg_text(pg, x, y, row->rec.who == EXPLAIN_SERVER ? "end" : "start", "note", shortline);
	fputs("</g>\n", pg->f);
}

static void time_text(struct page *pg, const struct explain_rec *r, int y)
{
	char t[40];

	snprintf(t, sizeof(t), "%llu.%06llu", (unsigned long long)(r->t_us / 1000000),
		 (unsigned long long)(r->t_us % 1000000));
	svg_text(pg, X_TIME, y, "start", "time", t);
}

/* One row of the SVG; returns true when it used vertical space. */
static bool svg_row(struct page *pg, const struct explain_row *row, size_t i, int y)
{
	const struct explain_rec *r = &row->rec;

	switch (explain_row_shape(row)) {
	case EXPLAIN_ROW_ARROW:
		time_text(pg, r, y);
		arrow_group(pg, row, i, y);
		badge(pg, 0, r->ep[0].known, r->ep[0].after, y + 4);
		badge(pg, 1, r->ep[1].known, r->ep[1].after, y + 4);
		return true;
	case EXPLAIN_ROW_STATE:
		if (pg->shown_known[r->who == EXPLAIN_SERVER] &&
		    pg->shown[r->who == EXPLAIN_SERVER] == r->ev.to)
			return false;
		badge(pg, r->who == EXPLAIN_SERVER, true, r->ev.to, y);
		return true;
	case EXPLAIN_ROW_NOTE:
		time_text(pg, r, y);
		note_group(pg, row, i, y);
		return true;
	default:
		return false;
	}
}

static size_t count_rows(const struct explain_ladder *l)
{
	size_t n = 0;

	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		enum explain_row_shape s = explain_row_shape(explain_ladder_row(l, i));
		n += s == EXPLAIN_ROW_ARROW || s == EXPLAIN_ROW_STATE || s == EXPLAIN_ROW_NOTE;
	}
	return n;
}

static void svg_initial(struct page *pg, const struct explain_ladder *l)
{
	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		const struct explain_rec *r = &explain_ladder_row(l, i)->rec;

		if (r->kind != EXPLAIN_REC_SEGMENT)
			continue;
		badge(pg, 0, r->ep[0].known, r->ep[0].before, Y_TOP - 26);
		badge(pg, 1, r->ep[1].known, r->ep[1].before, Y_TOP - 26);
		return;
	}
}

static void svg_body(struct page *pg, const struct explain_ladder *l)
{
	int height = Y_TOP + (int)count_rows(l) * ROW_H + 20;
	int y = Y_TOP;

	fprintf(pg->f, "<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n"
		"<defs><marker id=\"ah\" viewBox=\"0 0 10 10\" refX=\"10\" refY=\"5\" markerWidth=\"8\" "
		"markerHeight=\"8\" orient=\"auto-start-reverse\"><path d=\"M0,0 L10,5 L0,10 z\" "
		"fill=\"#333\"/></marker></defs>\n", SVG_W, height, SVG_W, height);
	svg_heads(pg, l, height);
	svg_initial(pg, l);
	for (size_t i = 0; i < explain_ladder_nrows(l); i++)
		if (svg_row(pg, explain_ladder_row(l, i), i, y))
			y += ROW_H;
	fputs("</svg>\n", pg->f);
}

static void legend(struct page *pg)
{
	static const struct { enum explain_msg_id id; const char *colour; } items[] = {
		{ EXPLAIN_M_LEG_HANDSHAKE, "#1a8a2a" }, { EXPLAIN_M_LEG_DATA, "#0a6fa8" },
		{ EXPLAIN_M_LEG_ACK, "#555" }, { EXPLAIN_M_LEG_CLOSE, "#b07000" },
		{ EXPLAIN_M_LEG_RST, "#c00" }, { EXPLAIN_M_LEG_DROP, "#c00" },
		{ EXPLAIN_M_LEG_RTX, "#333" }, { EXPLAIN_M_LEG_STATE, "#fff4d6" },
	};

	fputs("<section class=\"legend\"><h2>", pg->f);
	esc(pg->f, explain_msg(pg->lang, EXPLAIN_M_HTML_LEGEND));
	fputs("</h2>\n", pg->f);
	for (size_t i = 0; i < sizeof(items) / sizeof(items[0]); i++) {
		fprintf(pg->f, "<span><i class=\"sw\" style=\"background:%s\"></i>", items[i].colour);
		esc(pg->f, explain_msg(pg->lang, items[i].id));
		fputs("</span>\n", pg->f);
	}
	fputs("</section>\n", pg->f);
}

static void summary(struct page *pg, const struct explain_ladder *l)
{
	char text[EXPLAIN_PROSE_MAX];

	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		const struct explain_row *row = explain_ladder_row(l, i);

		if (explain_row_shape(row) != EXPLAIN_ROW_SUMMARY)
			continue;
		explain_row_prose(row, NULL, pg->lang, text, sizeof(text));
		fputs("<section class=\"summary\"><h2>", pg->f);
		esc(pg->f, explain_msg(pg->lang, EXPLAIN_M_HTML_SUMMARY));
		fputs("</h2>\n<p>", pg->f);
		esc(pg->f, text);
		fputs("</p></section>\n", pg->f);
	}
}

/* The file's note: frames no connection's ladder can show are said, not left out. */
static void file_note(struct page *pg, const char *note)
{
	const char *p = note;

	if (!note || !note[0])
		return;
	fputs("<section class=\"file\"><h2>", pg->f);
	esc(pg->f, explain_msg(pg->lang, EXPLAIN_M_HTML_FILE));
	fputs("</h2>\n", pg->f);
	while (*p) {
		size_t n = strcspn(p, "\n");
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)n, p);
		fputs("<p>", pg->f);
		esc(pg->f, line);
		fputs("</p>\n", pg->f);
		p += n + (p[n] == '\n');
	}
	fputs("</section>\n", pg->f);
}

int explain_html_write(const struct explain_ladder *l, enum explain_lang lang, const char *note,
		       FILE *f, struct err *e)
{
	struct page pg = { .f = f, .lang = lang };

	if (!l || !f)
		return err_set(e, "html: nothing to write");
	explain_prose_ctx_init(&pg.pc);
	page_head(&pg, l);
	fputs("<div class=\"wrap\">\n", f);
	svg_body(&pg, l);
	fputs("<aside id=\"panel\"><h2>", f);
	esc(f, explain_msg(lang, EXPLAIN_M_HTML_PANEL));
	fputs("</h2><div id=\"ptext\"></div></aside>\n</div>\n", f);
	legend(&pg);
	summary(&pg, l);
	file_note(&pg, note);
	fprintf(f, "<script>%s</script>\n</body>\n</html>\n", js);
	if (fflush(f) != 0 || ferror(f))
		return err_set(e, "html: write failed: %s", strerror(errno));
	return 0;
}

int explain_html_save(const struct explain_ladder *l, enum explain_lang lang, const char *note,
		      const char *path, struct err *e)
{
	FILE *f = fopen(path, "w");
	int rc;

	if (!f)
		return err_set(e, "html: cannot create %s: %s", path, strerror(errno));
	rc = explain_html_write(l, lang, note, f, e);
	if (fclose(f) != 0 && rc == 0)
		rc = err_set(e, "html: writing %s: %s", path, strerror(errno));
	return rc < 0 ? err_wrap(e, "%s", path) : 0;
}
