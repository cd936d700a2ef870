/* live_list.c - `list` at the step prompt or in --manual: every open connection, its 4-tuple, state, timers and clock. */
#include "live_list.h"

#include "live_note.h"

#include <stdio.h>

#include "cli.h"
#include "live_log.h"


static void timers(const struct live_conn *c, uint64_t now, FILE *f)
{
	uint64_t pnow = live_conn_clock(c, now);
	bool any = false;

	for (int k = TCB_TIMER_RTX; k < TCB_NTIMERS; k++) {
		uint64_t at = tcb_timer_at(c->tcb, (enum tcb_timer)k);

		if (at == TCB_NEVER)
			continue;
		fprintf(f, "%s %s in %.3f s", any ? "," : " timers:", tcb_timer_name((enum tcb_timer)k),
			((int64_t)(at - pnow)) / 1e6);
		any = true;
	}
	if (c->app_deadline != TCB_NEVER)
		fprintf(f, "%s program in %.3f s", any ? "," : " timers:",
			((int64_t)(c->app_deadline - pnow)) / 1e6);
	if (!any && c->app_deadline == TCB_NEVER)
		fprintf(f, " timers: none");
}

void live_list(struct live_pipe *pp, uint64_t now, bool tty)
{
	FILE *f = live_note_prompt_file(pp, tty);
	char a[64], b[64];
	unsigned n = 0;

	live_log_flush(pp->g);
	for (const struct live_conn *c = pp->conns; c; c = c->ix->next) {
		if (!c->tcb)
			continue;
		cli_end_str(&c->addr, true, a, sizeof(a));
		cli_end_str(&c->addr, false, b, sizeof(b));
		fprintf(f, "          conn=%u  %s > %s  %s", c->id, a, b,
			tcb_state_name(tcb_state(c->tcb)));
		timers(c, now, f);
		fprintf(f, "%s\n", live_conn_paused(c) ? "  (clock paused: a decision waits)" : "");
		n++;
	}
	if (!n)
		fprintf(f, "          no open connection\n");
	fflush(f);
}
