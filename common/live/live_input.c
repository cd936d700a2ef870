/* live_input.c - stdin's command lines: when one may be taken, and who takes it (the step prompt, --manual, list). */
#include "live_impl.h"

#include <stdio.h>
#include <string.h>

#include "live_note.h"

/* The next buffered line is the word w alone. */
static bool next_is(const struct live_prompt *pr, const char *w)
{
	size_t i = strspn(pr->in, " \t"), n = strlen(w);

	if (i > pr->len || pr->len - i < n || memcmp(pr->in + i, w, n))
		return false;
	return pr->len - i == n || strchr(" \t\r\n", pr->in[i + n]);
}

/* Whether the next line may be taken now: a step line waits for a decision to answer
 * (a piped script's lines answer the prompts one by one, whenever they come); `list`
 * needs no decision, nor does q once `c` let everything run (it was never read). */
static bool may_take(const struct live *l)
{
	if (l->man || (l->step && live_step_waiting(l->step)))
		return true;
	if (l->step && (next_is(&l->pr, "q") || next_is(&l->pr, "quit")))
		return true;
	return next_is(&l->pr, "list");
}

/* One command line: list, the step prompt's, --manual's, or not understood. */
static int on_line(struct live *l, char *line, uint64_t now, struct err *e)
{
	FILE *f = live_note_prompt_file(&l->pp, l->pr.tty);
	char copy[LIVE_PROMPT_LINE];
	int r;

	snprintf(copy, sizeof(copy), "%s", line);
	live_log_prompt_taken(&l->g);	/* its newline ended the prompt's line */
	if (!l->man && !strcmp(line + strspn(line, " \t"), "list")) {
		live_list(&l->pp, now, l->pr.tty);	/* (--manual lists in its turn) */
		return 0;
	}
	if (l->step && (r = live_step_command(l->step, line, now, e)) != 0)
		return r < 0 ? -1 : 0;
	if (l->man)
		return live_manual_line(l->man, copy, now, e);
	if (l->step && live_step_waiting(l->step))	/* a word the prompt does not know */
		fprintf(f, "          not understood: '%s': Enter or send, d, delay MS, edit FIELD "
			"VALUE, c, q, list; conn=N first for another connection\n", copy);
	else	/* (synlab-duo: the other end's decision may wait; this one's does not) */
		fprintf(f, "          not understood: '%s' (no decision of the %s waits for it)\n",
			copy, l->pp.local_name);
	fflush(f);
	return 0;
}

int live_command(struct live *l, const char *line, struct err *e)
{
	char buf[LIVE_PROMPT_LINE];
	uint64_t now = evloop_now_us();

	snprintf(buf, sizeof(buf), "%s", line);
	return on_line(l, buf, now, e);	/* (live_next re-queues resumed clocks' timers) */
}

/* Every whole line of stdin that may be taken now; at the end of input the step prompt
 * lets everything pass and stdin is no longer watched. */
int live_input_take(struct live *l, uint64_t now, struct err *e)
{
	char line[LIVE_PROMPT_LINE];

	while (may_take(l) && live_prompt_line(&l->pr, line, sizeof(line)))
		if (on_line(l, line, now, e) < 0)
			return -1;
	if (!l->pr.eof || l->pr.len || l->stdin_idx < 0)
		return 0;
	evloop_ignore(&l->ev, l->stdin_idx);
	l->stdin_idx = -1;
	return l->step ? live_step_eof(l->step, now, e) : 0;
}

bool live_step_current_of(const struct live *l, struct live_step_view *v)
{
	return l->step && live_step_current(l->step, evloop_now_us(), v);
}

int live_step_finish(struct live *l, struct err *e)
{
	return l->step ? live_step_eof(l->step, evloop_now_us(), e) : 0;
}
