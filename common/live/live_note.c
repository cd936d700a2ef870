/* live_note.c - notes on the log for the stages: free text, impairment verdicts, segments with relative numbers, wall and protocol time. */
#include "live_note.h"

#include <stdarg.h>
#include <stdio.h>

#include "live.h"
#include "live_log.h"

void live_note_bases(const struct live_conn *c, const struct seg *s, bool out, uint32_t *sb,
		     uint32_t *ab)
{
	enum tcb_state st = c && c->tcb ? tcb_state(c->tcb) : TCB_CLOSED;
	bool irs = st != TCB_SYN_SENT && st != TCB_LISTEN && st != TCB_CLOSED;

	*sb = *ab = 0;
	if (!c || !c->tcb || (s->flags & SEG_SYN))
		return;
	*sb = out ? tcb_iss(c->tcb) : (irs ? tcb_irs(c->tcb) : 0);
	*ab = out ? (irs ? tcb_irs(c->tcb) : 0) : tcb_iss(c->tcb);
}

void live_note_seg(const struct live_conn *c, const struct seg *s, bool out, char *buf,
		   size_t cap)
{
	uint32_t sb, ab;

	live_note_bases(c, s, out, &sb, &ab);
	seg_format(s, sb, ab, buf, cap);
}

void live_note_at(struct live_pipe *pp, struct live_conn *c, uint64_t now, const char *fmt, ...)
{
	char text[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	live_log_note(pp->g, "#%-3u      %10.6f   %s", c ? c->id : 0,
		      live_log_elapsed(pp->g, now) / 1e6, text);
}

/* How long a delay or reorder holds the segment in wall time, the clock of every other
 * time in the log: the rule's time (a reorder's is until - at) run at --time-scale, as
 * live_impair.c's scale_hold and the step prompt's delay hold it. */
static void held_wall(const struct live_pipe *pp, const struct impair_verdict *v,
		      struct explain_impair *imp)
{
	uint64_t rule = v->action == IMPAIR_DELAY ? v->delay_us
		      : v->action == IMPAIR_REORDER && v->until > v->at ? v->until - v->at : 0;

	imp->delay_us = live_pipe_scaled_us(pp, rule);
	imp->rule_us = live_pipe_scale(pp) == 1.0 ? 0 : rule;
}

void live_note_verdict(struct live_pipe *pp, struct live_conn *c, const struct live_pkt *p,
		       const struct impair_verdict *v, const char *what, uint64_t now)
{
	const struct seg *s = &p->s;
	static const enum explain_impair_act acts[] = {
		[IMPAIR_DROP] = EXPLAIN_IMP_DROP, [IMPAIR_DELAY] = EXPLAIN_IMP_DELAY,
		[IMPAIR_DUP] = EXPLAIN_IMP_DUPLICATE, [IMPAIR_REORDER] = EXPLAIN_IMP_REORDER,
		[IMPAIR_CORRUPT] = EXPLAIN_IMP_CORRUPT,
	};
	struct explain_impair imp = { EXPLAIN_IMP_DROP, 0, "", 0 };
	bool out = v->dir == IMPAIR_OUT;
	char vt[320], line[256];

	if (v->action >= IMPAIR_DROP && v->action <= IMPAIR_CORRUPT) {
		imp.act = acts[v->action];	/* the logger's record (EXPLAIN_REC_IMPAIR) */
		held_wall(pp, v, &imp);
		snprintf(imp.rule, sizeof(imp.rule), "%s", v->rule ? v->rule_text : "step prompt");
		live_log_impair(pp->g, c, s, out, &imp, p->frame, now);
	}
	if (!what) {
		impair_verdict_format(v, vt, sizeof(vt));
		what = vt;
	}
	live_note_seg(c, s, out, line, sizeof(line));
	live_note_at(pp, c, now, "impair %s > %s: %s  [%s]", out ? pp->local_name : pp->peer_name,
		     out ? pp->peer_name : pp->local_name, what, line);
}

FILE *live_note_prompt_file(const struct live_pipe *pp, bool tty)
{
	const struct live_log *g = pp->g;

	if (!g->f || g->o.mode != LIVE_LOG_TEXT || (tty && g->own_f))
		return stderr;
	return g->f;
}

int live_time_format(uint64_t wall_us, double scale, char *buf, size_t cap)
{
	if (scale <= 0 || scale == 1.0)
		return snprintf(buf, cap, "+%.3f s", wall_us / 1e6);
	return snprintf(buf, cap, "+%.3f s wall = %.3f s protocol at scale %g", wall_us / 1e6,
			wall_us / 1e6 / scale, scale);
}
