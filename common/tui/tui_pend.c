/* tui_pend.c - the view's decision panel (the segment waiting, worded as its row will be) and the '?' help: what the explanation area shows. */
#include "tui_model.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* "seq 1 (raw 3851210778)  ack 1 (raw 90422)  len 14": both numberings, as the log's
 * arithmetic uses them; no ack without the ACK flag. */
static void nums(const struct tui_model *m, const struct explain_rec *r, char *buf, size_t cap)
{
	const char *raw = tui_word(m->lang, TUI_W_RAW);
	int n = snprintf(buf, cap, "seq %u (%s %u)", r->seq, raw, r->seq_raw);

	if (n > 0 && (size_t)n < cap && (r->seg.flags & SEG_ACK))
		n += snprintf(buf + n, cap - (size_t)n, "  ack %u (%s %u)", r->ack, raw, r->ack_raw);
	if (n > 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, "  len %u  win %u", r->len, r->win);
}

/* Its -q line without the frame number and time ("   3 0.120 client → server ..."): it
 * has neither yet (the row shows both once it passed). */
static void head(struct tui_model *m, const struct explain_rec *r)
{
	char q[TUI_HEAD_MAX];
	const char *p = q;

	explain_quiet_line(r, m->lang, false, q, sizeof(q));
	for (int field = 0; field < 2; field++) {
		p += strspn(p, " ");
		p += strcspn(p, " ");
	}
	snprintf(m->pend_head, sizeof(m->pend_head), "%s", p + strspn(p, " "));
}

int tui_model_set_pending(struct tui_model *m, const struct explain_rec *r, const char *label,
			  struct err *e)
{
	/* a copy of the prose memory: the row, once it comes, is worded from the real one */
	struct explain_prose_ctx pc = m->pc;
	char prose[EXPLAIN_PROSE_MAX];

	free(m->pend_prose);
	m->pend_prose = NULL;
	m->pend = r != NULL;
	if (!r)
		return 0;
	snprintf(m->pend_label, sizeof(m->pend_label), "%s", label ? label : "");
	head(m, r);
	nums(m, r, m->pend_nums, sizeof(m->pend_nums));
	explain_prose_ctx(&pc, r, m->lang, prose, sizeof(prose));
	if (!(m->pend_prose = strdup(prose)))
		return err_set(e, "tui: out of memory");
	return 0;
}

void tui_model_help(const struct tui_model *m, char *buf, size_t cap)
{
	static const struct { unsigned bit; enum tui_word w; } line[] = {
		{ 0, TUI_W_H_INTRO }, { 0, TUI_W_H_NEXT }, { TUI_KEY_DROP, TUI_W_H_DROP },
		{ TUI_KEY_EDIT, TUI_W_H_EDIT }, { TUI_KEY_LINE, TUI_W_H_LINE },
		{ TUI_KEY_CONTINUE, TUI_W_H_CONT }, { 0, TUI_W_H_SCROLL }, { 0, TUI_W_H_QUIT },
	};
	size_t off = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < sizeof(line) / sizeof(line[0]) && off < cap; i++)
		if (!line[i].bit || (m->keys & line[i].bit))
			off += (size_t)snprintf(buf + off, cap - off, "%s%s", off ? "\n" : "",
						tui_word(m->lang, line[i].w));
}

void tui_model_expl(const struct tui_model *m, const char **head, const char **prose)
{
	if (m->pend && m->follow) {	/* what the user decides about now */
		*head = m->pend_head;
		*prose = m->pend_prose ? m->pend_prose : "";
	} else if (m->nx) {
		*head = tui_model_x(m, m->sel)->head;
		*prose = tui_model_x(m, m->sel)->prose;
	} else {
		*head = "";
		*prose = tui_word(m->lang, TUI_W_EMPTY);
	}
}
