/* main.c - synlab-duo's entry point: each end's runtime opened in its own namespace, one loop and one prompt for both. */
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "duo.h"
#include "live_step.h"

/* Enters namespace NAME (ip netns: /run/netns/NAME). */
static int enter_ns(const char *name, struct err *e)
{
	char path[256];
	int fd, r;

	snprintf(path, sizeof(path), "/run/netns/%s", name);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return err_set(e, "no network namespace '%s' (%s; scripts/lab up makes them)", name,
			       path);
	r = setns(fd, CLONE_NEWNET);
	close(fd);
	return r < 0 ? err_set(e, "cannot enter namespace '%s' (needs root)", name) : 0;
}

/* One end's line under a decision: its state and running timers (protocol time left). */
static void end_line(const struct duo_end *d, FILE *f)
{
	struct tcb *t = d->c ? live_conn_tcb(d->c) : NULL;
	uint64_t now = d->c ? live_now(d->l, d->c) : 0;
	bool any = false;

	fprintf(f, "          %-6s %-12s", d->name, t ? tcb_state_name(tcb_state(t))
			: d->is_client || d->done ? "CLOSED" : "LISTEN");
	for (int k = TCB_TIMER_RTX; t && k < TCB_NTIMERS; k++) {
		uint64_t at = tcb_timer_at(t, (enum tcb_timer)k);

		if (at == TCB_NEVER)
			continue;
		fprintf(f, "%s %s in %.3f s", any ? "," : " timers:", tcb_timer_name((enum tcb_timer)k),
			(int64_t)(at - now) / 1e6);
		any = true;
	}
	fprintf(f, "%s\n", any ? "" : " timers: none");
}

/* The step stage's hook: one decision, with both ends shown. */
static void show(void *ctx, const struct live_step_view *v)
{
	struct duo_end *d = ctx;
	struct duo_end *c = d->is_client ? d : d->peer, *s = d->is_client ? d->peer : d;

	fprintf(stderr, "== decision: %s %s  %s > %s  %s\n", d->name,
		v->out ? "sends" : "receives", d->name, d->peer->name, v->seg_text);
	end_line(c, stderr);
	end_line(s, stderr);
	fprintf(stderr, "          clocks: %s%s\n", d->o->step_clock_run ? "running while you "
		"decide (--step-clock run)" : "both ends' stand still while you decide",
		v->queued ? "; more of this end's segments wait behind this one" : "");
	fprintf(stderr, "          [Enter|send] send  d drop  delay MS  edit FIELD V  c continue"
		"  q quit  list\n");
	if (isatty(0))
		fprintf(stderr, "step> ");
	fflush(stderr);
}

/* --tui: the view draws each decision itself (duo_tui_step), so nothing is printed. */
static void show_nothing(void *ctx, const struct live_step_view *v)
{
	(void)ctx;
	(void)v;
}

static int open_end(struct duo *u, int i, const char *ns, struct err *e)
{
	struct duo_end *d = &u->end[i];
	struct live_cfg lc = { .local_name = d->name, .peer_name = d->peer->name,
			       .out = d->is_client ? &u->o->out : &u->o->sout, .params = d->params,
			       .step = u->o->step ? IMPAIR_OUT : 0,
			       .step_clock_run = u->o->step_clock_run, .no_stdin = true,
			       .step_show = show, .step_show_ctx = d, .lookup = duo_end_lookup,
			       .lookup_ctx = d, .claim = !d->is_client,
			       .t0 = d->peer->l ? live_start(d->peer->l) : 0 };	/* one timeline */

	if (u->tui) {
		lc.step_show = show_nothing;
		lc.rec_tap = duo_tui_tap;
		lc.rec_tap_ctx = d;
		d->tui = u->tui;
	}

	if (enter_ns(ns, e) < 0)
		return -1;
	if (d->is_client && (d->a.v6 ? live_route_src6(d->a.raddr6, d->a.laddr6, e)
				     : live_route_src(d->a.raddr, &d->a.laddr, e)) < 0)
		return -1;
	lc.local = d->is_client ? d->a.laddr : u->o->saddr;
	lc.v6 = u->o->v6;
	memcpy(lc.local6, d->is_client ? d->a.laddr6 : u->o->saddr6, 16);
	lc.port = d->is_client ? d->a.lport : u->o->sport;
	/* the raw socket and the capture belong to the namespace they were made in */
	return (d->l = live_open(&lc, e)) ? 0 : -1;
}

static int setup(struct duo *u, struct err *e)
{
	struct duo_end *c = &u->end[0], *s = &u->end[1];
	uint16_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint16_t)getpid();
	*c = (struct duo_end){ .name = "client", .is_client = true, .params = &u->o->cparams,
			       .o = u->o, .peer = s };
	*s = (struct duo_end){ .name = "server", .params = &u->o->sparams, .o = u->o, .peer = c };
	c->a = (struct tcb_addr){ .raddr = u->o->saddr,
				  .lport = u->o->cport ? u->o->cport : 32768 + r % 28232,
				  .rport = u->o->sport, .v6 = u->o->v6 };
	memcpy(c->a.raddr6, u->o->saddr6, 16);
	live_prompt_init(&u->pr, 0);
	if (open_end(u, 1, u->o->server_ns, e) < 0 || open_end(u, 0, u->o->client_ns, e) < 0)
		return -1;
	if (evloop_init(&u->ev, true, e) < 0)
		return -1;
	for (int i = 0; i < 2; i++) {
		uint64_t dl;

		if (evloop_add(&u->ev, live_wait_info(u->end[i].l, &dl), e) < 0)
			return -1;
	}
	return evloop_add(&u->ev, 0, e) < 0 ? -1 : duo_end_start(c, e);
}

/* A typed line goes to the end whose decision waits longest ("client ..." / "server ..."
 * picks one); it waits while no decision does. Returns how many lines it took (the loop
 * polls again after any: a decision resumes clocks whose timers must be queued, and a
 * quit must act at once, not at the next line), or -1. */
static int route(struct duo *u, struct err *e)
{
	char line[LIVE_PROMPT_LINE];
	int took = 0;

	for (;; took++) {
		struct live_step_view v[2];
		bool w0, w1;
		int i;

		w0 = live_step_current_of(u->end[0].l, &v[0]);
		w1 = live_step_current_of(u->end[1].l, &v[1]);
		if (!w0 && !w1)
			return took;
		if (!live_prompt_line(&u->pr, line, sizeof(line)))	/* end of input: run free */
			return u->pr.eof ? (duo_finish_both(u, e) < 0 ? -1 : took + 1) : took;
		i = !w0 ? 1 : !w1 ? 0 : v[1].since < v[0].since;
		if (!strncmp(line, "client ", 7) || !strncmp(line, "server ", 7)) {
			i = line[0] == 's';
			memmove(line, line + 7, strlen(line + 7) + 1);
		}
		if (!strcmp(line, "c") || !strcmp(line, "continue")) {	/* both ends */
			if (!isatty(0))
				fprintf(stderr, "step> %s\n", line);
			if (duo_finish_both(u, e) < 0)
				return -1;
			continue;
		}
		if (live_command(u->end[i].l, line, e) < 0)
			return -1;
	}
}

/* One timeline: while a decision of either end waits, both ends' clocks stand still
 * (the deciding end's is stopped by its step stage, the other's here), so neither end
 * retransmits while the user thinks about the other's segment. */
static void sync_clocks(struct duo *u)
{
	struct live_step_view v;
	bool any;

	if (u->o->step_clock_run)
		return;
	any = live_step_current_of(u->end[0].l, &v) || live_step_current_of(u->end[1].l, &v);
	for (int i = 0; i < 2; i++)
		live_clock_hold(u->end[i].l, u->end[i].c, any);
}

static int loop(struct duo *u, struct err *e)
{
	for (;;) {
		struct evloop_result r;
		struct live_ev ev;
		uint64_t dl = TCB_NEVER, x;
		bool any = true, capped = false;
		int took;

		while (any) {
			any = false;
			for (int i = 0; i < 2; i++) {
				int got = live_poll(u->end[i].l, &ev, e);

				if (got < 0)
					return -1;
				if (!got)
					continue;
				any = true;
				if (ev.kind == LIVE_QUIT)
					return err_set(e, "stopped by the user (q)");
				if (duo_end_event(&u->end[i], &ev, e) < 0)
					return -1;
			}
			/* a decision that just began stops both clocks before the view words it
			 * (milliseconds under a sanitizer), then again after what was typed */
			sync_clocks(u);
			if ((took = u->tui ? duo_tui_step(u, e) : route(u, e)) < 0)
				return -1;
			any |= took > 0;
			sync_clocks(u);
		}
		if (u->end[0].done && u->end[1].done)
			return u->tui ? duo_tui_hold(u, e) : 0;
		if (u->tui)
			duo_tui_draw(u, false);
		for (int i = 0; i < 2; i++) {
			live_wait_info(u->end[i].l, &x);
			dl = x < dl ? x : dl;
		}
		/* the view's countdowns when nothing is due soon (a draw never delays a timer) */
		if (u->tui && dl > (x = evloop_now_us()) + 150000)
			dl = x + 50000, capped = true;
		if (evloop_wait(&u->ev, dl, &r, e) < 0)
			return -1;
		/* quiet for a while (not a timer about to fire: it goes first) */
		if (capped && r.timeout && !r.ready && !r.signo)
			duo_tui_draw(u, true);
		if (r.signo)
			return err_set(e, "interrupted");
		/* (--tui: the view reads the keys itself, in duo_tui_step; a terminal that hung
		 * up stays readable, and waiting again would spin) */
		if (u->tui && (r.ready & 4) && duo_tui_gone(u))
			return err_set(e, "the terminal went away");
		if (!u->tui && (r.ready & 4) && live_prompt_read(&u->pr, e) < 0)
			return -1;
	}
}

int main(int argc, char **argv)
{
	static struct duo_opts o;
	static struct duo u;
	struct err e = { "" };
	int r = duo_parse(argc, argv, &o, &e), rc;

	if (r)
		return r < 0 ? (fprintf(stderr, "synlab-duo: %s\n", e.msg), 2) : 0;
	u.o = &o;
	if (o.tui && duo_tui_begin(&u, &e) < 0)	/* no terminal: before anything is opened */
		return fprintf(stderr, "synlab-duo: %s\n", e.msg), 2;
	if (setup(&u, &e) < 0 || (o.tui && duo_tui_open(&u, &e) < 0)) {
		duo_tui_end(&u);
		fprintf(stderr, "synlab-duo: %s\n", e.msg);
		rc = 2;
	} else {
		rc = loop(&u, &e) < 0 ? 1 : 0;
		duo_tui_end(&u);	/* the terminal back before anything is said on it */
		if (rc)
			fprintf(stderr, "synlab-duo: %s\n", e.msg);
		else if (u.end[0].failed || u.end[1].failed || !u.end[0].opened)
			rc = (fprintf(stderr, "synlab-duo: the connection failed\n"), 1);
	}
	for (int i = 0; i < 2; i++) {
		duo_end_free(&u.end[i]);
		live_close(u.end[i].l);
	}
	return rc;
}
