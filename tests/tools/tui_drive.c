/* tui_drive.c - test driver of the full-screen view as a live program would use it: an event loop polling tui_fd, timers counting down, every step key logged. */
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "helper_explain_recs.h"
#include "tui.h"

#define MAXRECS 64
#define TICK_MS 100	/* the loop wakes this often even without a key (a live loop's timers) */

struct drive {
	struct tui *t;
	struct explain_rec r[MAXRECS];
	size_t n, next;
	unsigned long ticks;	/* wake-ups: the loop ran while the view waited for keys */
	FILE *log;
};

static uint64_t mono_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000u + (uint64_t)ts.tv_nsec / 1000u;
}

/* The next record, as the live server of HELPER_LIVE_DROP sees it: its own state known,
 * the client's not; a retransmission timer pending while its SYN+ACK is unacknowledged. */
static int step(struct drive *d, struct err *e)
{
	const struct explain_rec *r;

	if (d->next >= d->n) {
		tui_set_status(d->t, "no more records");
		return 0;
	}
	r = &d->r[d->next++];
	if (tui_add_rec(d->t, r, e) < 0)
		return -1;
	if (r->kind != EXPLAIN_REC_SEGMENT)
		return 0;
	tui_set_state(d->t, EXPLAIN_CLIENT, false, TCB_CLOSED);
	tui_set_state(d->t, EXPLAIN_SERVER, true, r->ep[EXPLAIN_SERVER].after);
	if (r->ep[EXPLAIN_SERVER].after == TCB_SYN_RECEIVED) {
		struct tui_timer tm = { "retransmission", mono_us() + 1000000 };

		tui_set_timers(d->t, EXPLAIN_SERVER, &tm, 1);
	} else {
		tui_set_timers(d->t, EXPLAIN_SERVER, NULL, 0);
	}
	return 0;
}

/* One command; returns 1 to end the loop with *rc set, -1 on error, else 0. */
static int act(struct drive *d, const struct tui_cmd *c, int *rc, struct err *e)
{
	switch (c->kind) {
	case TUI_CMD_NEXT: return step(d, e);
	case TUI_CMD_DROP: fprintf(d->log, "drop\n"); return 0;
	case TUI_CMD_EDIT: fprintf(d->log, "edit %s\n", c->text); return 0;
	case TUI_CMD_LINE: fprintf(d->log, "line %s\n", c->text); return 0;
	case TUI_CMD_CONTINUE: fprintf(d->log, "continue\n"); return 0;
	case TUI_CMD_QUIT:
		fprintf(d->log, "quit ticks=%lu\n", d->ticks);
		*rc = 0;
		return 1;
	case TUI_CMD_SIGNAL:
		fprintf(d->log, "signal %d\n", c->signo);
		*rc = 128 + c->signo;
		return 1;
	case TUI_CMD_NONE: break;
	}
	return 0;
}

/* The event loop: poll the view's descriptor with a timeout, never block in the view. */
static int loop(struct drive *d, struct err *e)
{
	struct tui_cmd c;
	int rc = 0, done = 0;

	while (!done) {
		struct pollfd p = { .fd = tui_fd(d->t), .events = POLLIN };

		poll(&p, 1, TICK_MS);
		d->ticks++;
		tui_set_now(d->t, mono_us());
		while (!done && tui_poll(d->t, &c))
			done = act(d, &c, &rc, e);
		if (done < 0)
			return 1;
		tui_redraw(d->t);	/* the countdown moves without a key */
	}
	return rc;
}

int main(int argc, char **argv)
{
	struct drive d = { 0 };
	struct err e = { "" };
	struct tui_opts o = {
		.lang = EXPLAIN_LANG_EN,
		.title = "tui_drive: a live server's view (HELPER_LIVE_DROP)",
		.keys = TUI_KEY_DROP | TUI_KEY_EDIT | TUI_KEY_LINE | TUI_KEY_CONTINUE,
		.own_signals = true,
	};
	int rc;

	if (argc == 3 && strcmp(argv[1], "--zh") == 0) {
		o.lang = EXPLAIN_LANG_ZH;
		argv++;
		argc--;
	}
	if (argc != 2) {
		fprintf(stderr, "usage: tui_drive [--zh] LOGFILE\n");
		return 2;
	}
	if (!(d.log = fopen(argv[1], "w"))) {
		perror(argv[1]);
		return 1;
	}
	d.n = helper_scenario(HELPER_LIVE_DROP, d.r, MAXRECS);
	if (!(d.t = tui_open(&o, &e))) {
		fprintf(stderr, "tui_drive: %s\n", e.msg);
		fclose(d.log);
		return 2;
	}
	tui_set_addr(d.t, EXPLAIN_CLIENT, "198.18.0.1:40000");
	tui_set_addr(d.t, EXPLAIN_SERVER, "198.18.0.2:8080");
	tui_set_state(d.t, EXPLAIN_SERVER, true, TCB_LISTEN);
	rc = loop(&d, &e);
	tui_close(d.t);
	if (e.msg[0])
		fprintf(stderr, "tui_drive: %s\n", e.msg);
	fclose(d.log);
	return rc;
}
