/* tui.c - the full-screen view's API: records and states into the model, keys from the terminal into commands (see tui.h). */
#include "tui_impl.h"

#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

struct tui *tui_open(const struct tui_opts *o, struct err *e)
{
	char why[256];
	struct tui *t;
	bool utf8;

	if (tui_usable(why, sizeof(why)) < 0) {
		err_set(e, "%s", why);
		return NULL;
	}
	utf8 = tui_locale_utf8();
	if (!utf8 && o->lang == EXPLAIN_LANG_ZH) {
		err_set(e, "Chinese needs a UTF-8 locale (for example LANG=C.UTF-8); this one is not");
		return NULL;
	}
	if (!(t = calloc(1, sizeof(*t)))) {
		err_set(e, "tui: out of memory");
		return NULL;
	}
	t->own_signals = o->own_signals;
	t->manual_draw = o->manual_draw;
	if (tui_model_init(&t->m, o, utf8, e) < 0 ||
	    !(t->term = tui_term_open(o->own_signals, e))) {
		tui_model_free(&t->m);
		free(t);
		return NULL;
	}
	tui_redraw(t);
	return t;
}

void tui_close(struct tui *t)
{
	if (!t)
		return;
	tui_term_close(t->term);
	tui_model_free(&t->m);
	free(t);
}

int tui_add_rec(struct tui *t, const struct explain_rec *r, struct err *e)
{
	t->dirty = true;
	return tui_model_add(&t->m, r, e);
}

void tui_set_state(struct tui *t, enum explain_who side, bool known, enum tcb_state s)
{
	t->dirty = true;
	tui_model_set_state(&t->m, side, known, s);
}

void tui_set_timers(struct tui *t, enum explain_who side, const struct tui_timer *tm, size_t n)
{
	t->dirty = true;
	tui_model_set_timers(&t->m, side, tm, n);
}

void tui_set_addr(struct tui *t, enum explain_who side, const char *addr)
{
	t->dirty = true;
	snprintf(t->m.addr[side == EXPLAIN_SERVER], sizeof(t->m.addr[0]), "%s", addr ? addr : "");
}

void tui_set_now(struct tui *t, uint64_t now_us)
{
	/* the screen only changes with it when a countdown is shown */
	if (t->m.side[0].ntm || t->m.side[1].ntm)
		t->dirty = true;
	t->m.now_us = now_us;
}

void tui_set_pending(struct tui *t, const struct explain_rec *r, const char *label)
{
	struct err e;

	t->dirty = true;
	if (tui_model_set_pending(&t->m, r, label, &e) < 0)
		tui_model_set_status(&t->m, e.msg);	/* the panel shows, without its prose */
}

void tui_set_status(struct tui *t, const char *msg)
{
	t->dirty = true;
	tui_model_set_status(&t->m, msg);
}

int tui_fd(const struct tui *t)
{
	return tui_term_fd(t->term);
}

void tui_redraw(struct tui *t)
{
	t->dirty = false;
	tui_term_draw(t->term, &t->m);
}

int tui_poll(struct tui *t, struct tui_cmd *c)
{
	int sig = tui_term_signal();
	int k, got = 0;

	memset(c, 0, sizeof(*c));
	if (sig) {
		c->kind = TUI_CMD_SIGNAL;
		c->signo = sig;
		return 1;
	}
	while (!got && (k = tui_term_key(t->term)) != TUI_K_NONE) {
		/* a key clears the last message: it answered the previous key */
		if (!t->m.prompt && k != TUI_K_RESIZE)
			t->m.status[0] = '\0';
		got = tui_model_key(&t->m, k, c);
		t->dirty = true;
	}
	if (t->dirty && !t->manual_draw)	/* a busy loop polling often draws only what changed */
		tui_redraw(t);
	return got;
}

bool tui_draw(struct tui *t)
{
	if (!t->dirty)
		return false;
	tui_redraw(t);
	return true;
}

static int64_t mono_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int tui_wait(struct tui *t, int timeout_ms, struct tui_cmd *c)
{
	int64_t end = timeout_ms >= 0 ? mono_ms() + timeout_ms : 0;

	for (;;) {
		if (tui_poll(t, c))
			return 1;
		int left = timeout_ms < 0 ? -1 : (int)(end - mono_ms());

		if (timeout_ms >= 0 && left <= 0)
			return 0;
		struct pollfd p = { .fd = tui_fd(t), .events = POLLIN };

		/* EINTR: a signal (reported by tui_poll) or SIGWINCH (a KEY_RESIZE waits) */
		int n = poll(&p, 1, left);

		if ((n < 0 && errno != EINTR) ||
		    (n > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL)))) {
			/* the terminal went away (or cannot be waited on): nothing more can be
			 * typed, so waiting again would spin */
			memset(c, 0, sizeof(*c));
			c->kind = TUI_CMD_QUIT;
			return 1;
		}
	}
}
