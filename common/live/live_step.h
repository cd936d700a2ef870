/* live_step.h - the step stage: a segment stops, the user decides (send, drop, delay, edit) while everything else goes on. */
#ifndef SYNLAB_LIVE_STEP_H
#define SYNLAB_LIVE_STEP_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "impair.h"
#include "live_pipe.h"

/* A connection whose segment stops waits for the decision; its later segments, sent or
 * received, queue behind it (shown as they come), and with --step-clock pause (the
 * default) its protocol clock stands still until the decision, so the time the user
 * takes changes no interval its TCB measures. Other connections are not held: their
 * segments stop at their own prompts, answered with conn=N, or pass once `conn=N c`
 * lets them run. */
struct live_step;

struct live_step_view;
struct live_step_cfg {
	unsigned dirs;		/* IMPAIR_OUT / IMPAIR_IN: which segments stop */
	bool pause_clock;	/* --step-clock pause (true) or run */
	bool echo;		/* commands are not typed on a terminal: echo them to the log */
	/* A front end of its own (a full-screen view): called instead of printing the line
	 * prompt whenever a decision starts to wait; commands still come through
	 * live_step_command. NULL: the line prompt. */
	void (*show)(void *ctx, const struct live_step_view *v);
	void *show_ctx;
};

/* What a front end (the line prompt, a full-screen view) needs to show one pending
 * decision: the connection, its state and timers, and the segment about to pass. */
struct live_step_timer {
	const char *name;	/* "rtx", "time-wait", ... or "app" (the program's own) */
	int64_t left_us;	/* protocol time left (negative: overdue) */
};
struct live_step_view {
	unsigned conn;			/* 0: no connection yet */
	const char *state;		/* its TCB state, or "no connection" */
	const char *peer_state;		/* the other end's, when the runtime runs it too
					 * (else NULL: this program cannot know it) */
	bool out;			/* about to be sent (else: delivered) */
	const struct seg *s;
	char seg_text[256];		/* s with the log's relative numbers */
	struct live_step_timer timers[TCB_NTIMERS + 1];
	unsigned ntimers;
	bool clock_paused;
	unsigned queued;		/* segments of this connection waiting behind it */
	uint64_t since;			/* wall us it started to wait */
	unsigned others;		/* other connections' decisions waiting */
};

struct live_step *live_step_push(struct live_pipe *pp, const struct live_step_cfg *cfg,
				 struct err *e);
/* A command line for the step prompt ("edit seq +5; edit flags S.; send", "conn=2 d").
 * 1 when it was for the prompt, 0 when no decision waits or it is not a step command
 * (then --manual may take it), -1 on an error. */
int live_step_command(struct live_step *x, char *line, uint64_t now, struct err *e);
/* End of input: every decision passes and nothing stops any more. */
int live_step_eof(struct live_step *x, uint64_t now, struct err *e);
/* The oldest pending decision, for a front end; false when none waits. */
bool live_step_current(const struct live_step *x, uint64_t now, struct live_step_view *v);
bool live_step_quit(const struct live_step *x);
/* A decision waits. */
bool live_step_waiting(const struct live_step *x);
/* Segments c sends that wait here (at its decision or queued behind it), 0 none. */
unsigned live_step_held_out(const struct live_step *x, const struct live_conn *c);

#endif
