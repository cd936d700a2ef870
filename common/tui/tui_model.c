/* tui_model.c - the full-screen view's data: one connection's rows with their prose, both endpoints' states and timers, the selection. */
#include "tui_model.h"

#include <stdlib.h>
#include <string.h>

static void copy_str(char *dst, size_t cap, const char *s)
{
	snprintf(dst, cap, "%s", s ? s : "");
}

int tui_model_init(struct tui_model *m, const struct tui_opts *o, bool utf8, struct err *e)
{
	memset(m, 0, sizeof(*m));
	m->lang = o->lang;
	m->keys = o->keys;
	m->timers_unknown = o->timers_unknown;
	m->utf8 = utf8;
	m->follow = true;
	copy_str(m->title, sizeof(m->title), o->title);
	copy_str(m->not_offered, sizeof(m->not_offered),
		 o->not_offered ? o->not_offered : tui_word(o->lang, TUI_W_NOT_OFFERED));
	explain_prose_ctx_init(&m->pc);
	/* conn 0: the ladder takes the first record's connection. */
	m->lad = explain_ladder_new(0, e);
	return m->lad ? 0 : -1;
}

void tui_model_free(struct tui_model *m)
{
	for (size_t i = 0; i < m->nx; i++)
		free(m->x[i].prose);
	free(m->x);
	free(m->pend_prose);
	explain_ladder_free(m->lad);
	memset(m, 0, sizeof(*m));
}

size_t tui_model_nrows(const struct tui_model *m)
{
	return m->nx;
}

const struct explain_row *tui_model_row(const struct tui_model *m, size_t i)
{
	return i < m->nx ? explain_ladder_row(m->lad, i) : NULL;
}

const struct tui_row_x *tui_model_x(const struct tui_model *m, size_t i)
{
	return i < m->nx ? &m->x[i] : NULL;
}

/* The label beside lifeline w when its state changed since it was last shown, else "". */
static void state_cell(struct tui_model *m, int w, bool known, enum tcb_state s, char *cell)
{
	cell[0] = '\0';
	if (!known || (m->shown_known[w] && m->shown[w] == s))
		return;
	m->shown_known[w] = true;
	m->shown[w] = s;
	copy_str(cell, TUI_CELL_MAX, explain_state_label(m->lang, s));
}

static void fill_cells(struct tui_model *m, const struct explain_row *row, struct tui_row_x *x)
{
	const struct explain_rec *r = &row->rec;

	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR) {
		for (int w = 0; w < 2; w++)
			state_cell(m, w, r->ep[w].known, r->ep[w].after, x->cell[w]);
	} else if (r->kind == EXPLAIN_REC_EVENT && r->ev.kind == TCB_EV_STATE) {
		state_cell(m, r->who == EXPLAIN_SERVER, true, r->ev.to,
			   x->cell[r->who == EXPLAIN_SERVER]);
	}
}

static int grow(struct tui_model *m, struct err *e)
{
	size_t cap = m->capx ? m->capx * 2 : 64;
	struct tui_row_x *nx;

	if (m->nx < m->capx)
		return 0;
	if (!(nx = realloc(m->x, cap * sizeof(*nx))))
		return err_set(e, "tui: out of memory");
	m->x = nx;
	m->capx = cap;
	return 0;
}

/* A new row: its prose (through the connection's prose memory, from the record itself
 * so that it reads exactly as the logger's), summary line, cells. */
static int new_row(struct tui_model *m, const struct explain_rec *r, const struct explain_row *row,
		   struct err *e)
{
	char prose[EXPLAIN_PROSE_MAX];
	struct tui_row_x *x;

	if (grow(m, e) < 0)
		return -1;
	x = &m->x[m->nx];
	memset(x, 0, sizeof(*x));
	explain_prose_ctx(&m->pc, r, m->lang, prose, sizeof(prose));
	if (!(x->prose = strdup(prose)))
		return err_set(e, "tui: out of memory");
	if (row->rec.kind == EXPLAIN_REC_SEGMENT || row->rec.kind == EXPLAIN_REC_IMPAIR)
		explain_quiet_line(&row->rec, m->lang, false, x->head, sizeof(x->head));
	fill_cells(m, row, x);
	m->nx++;
	if (m->follow)
		m->sel = m->nx - 1;
	return 0;
}

/* The ladder marked its last arrow with an impairment: add that sentence to its prose. */
static int merged_impair(struct tui_model *m, const struct explain_row *row, struct err *e)
{
	struct tui_row_x *x = &m->x[m->nx - 1];
	struct explain_rec imp;
	char tmp[EXPLAIN_PROSE_MAX];
	const char *sep = explain_msg(m->lang, EXPLAIN_M_SEP);
	size_t n;
	char *p;

	explain_row_impair_rec(row, &imp);
	explain_prose(&imp, m->lang, tmp, sizeof(tmp));
	n = strlen(x->prose) + strlen(sep) + strlen(tmp) + 1;
	if (!(p = realloc(x->prose, n)))
		return err_set(e, "tui: out of memory");
	strcat(strcat(p, sep), tmp);
	x->prose = p;
	return 0;
}

int tui_model_add(struct tui_model *m, const struct explain_rec *r, struct err *e)
{
	size_t before = explain_ladder_nrows(m->lad);
	const struct explain_row *last;
	struct explain_row probe = { .rec = *r };

	if (explain_row_shape(&probe) == EXPLAIN_ROW_HIDDEN)
		return 0;	/* acknowledged / received data: told by the segments themselves */
	if (explain_ladder_add(m->lad, r, e) < 0)
		return -1;
	if (explain_ladder_nrows(m->lad) > before)
		return new_row(m, r, explain_ladder_row(m->lad, before), e);
	/* no new row: another connection's record (ignored), or an impairment the ladder
	 * merged into its last arrow */
	last = before ? explain_ladder_row(m->lad, before - 1) : NULL;
	if (last && r->kind == EXPLAIN_REC_IMPAIR && r->conn == explain_ladder_conn(m->lad) &&
	    last->impaired)
		return merged_impair(m, last, e);
	return 0;
}

void tui_model_set_state(struct tui_model *m, enum explain_who side, bool known,
			 enum tcb_state s)
{
	struct tui_side *sd = &m->side[side == EXPLAIN_SERVER];

	sd->known = known;
	sd->st = s;
}

void tui_model_set_timers(struct tui_model *m, enum explain_who side,
			  const struct tui_timer *tm, size_t n)
{
	struct tui_side *sd = &m->side[side == EXPLAIN_SERVER];

	sd->ntm = n < TUI_MAX_TIMERS ? n : TUI_MAX_TIMERS;
	for (size_t i = 0; i < sd->ntm; i++) {
		copy_str(sd->tm_name[i], sizeof(sd->tm_name[i]), tm[i].name);
		sd->tm_deadline[i] = tm[i].deadline_us;
	}
}

void tui_model_set_status(struct tui_model *m, const char *msg)
{
	copy_str(m->status, sizeof(m->status), msg);
}

void tui_model_select(struct tui_model *m, long delta)
{
	long s;

	if (!m->nx)
		return;
	s = (long)m->sel + delta;
	if (s < 0)
		s = 0;
	if (s >= (long)m->nx)
		s = (long)m->nx - 1;
	m->sel = (size_t)s;
	m->follow = m->sel == m->nx - 1;
}

void tui_model_select_end(struct tui_model *m, bool last)
{
	if (!m->nx)
		return;
	m->sel = last ? m->nx - 1 : 0;
	m->follow = last;
}
