/* duo_tui.c - synlab-duo --tui: both ends' records, states, timers and the decision waiting into the full-screen view (common/tui); its keys into step commands. */
#include "duo.h"

#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "explain_present.h"
#include "live_step.h"
#include "tui.h"
#include "tui_pair.h"

/* A segment logged by one end waits this long for the other end's record of it (its
 * arrival, a fraction of a millisecond later on a veth) before it is drawn alone. */
#define PAIR_WAIT_US 250000

struct duo_tui {
	struct tui *t;
	struct tui_pair pair;
	int buf_fd;		/* stderr while the view owns the terminal (a memfd) */
	int real_err;		/* the terminal's stderr, back at the end */
	off_t seen;		/* bytes of buf_fd already scanned for the prompt's answers */
	int waiting;		/* the end whose decision the panel shows, -1 none */
	struct seg shown;	/* its segment as shown (an edit changes it) */
	bool reword;		/* rows came since: word the panel again */
};

static struct duo_tui dt_store;

/* The view's lines that are synlab-duo's own, in the language of the explanations. */
enum duo_word { W_TITLE, W_HOLD, W_RUN, W_SENDS, W_BEHIND, W_NONE, W_ENDED, W_OVER, W_OVER2,
		W_NWORDS };
static const char *const words[2][W_NWORDS] = {
	{ "synlab-duo  client %s (%s)  server %s (%s)  clocks %s", "stand still while you decide",
	  "run while you decide", "%s sends", " (more of its segments wait behind)",
	  "no segment waits for a decision now",
	  "stepping ended: every segment passes from now on",
	  "the connection is over (both ends CLOSED): scroll back through it; q quits",
	  "the connection is over: nothing waits; q quits" },
	{ "synlab-duo  客户端 %s（%s）  服务端 %s（%s）  时钟%s", "在你决定时停住",
	  "在你决定时照走", "%s发送", "（它后面还有报文段在等）", "现在没有等你决定的报文段",
	  "单步结束：此后所有报文段直接通过",
	  "连接已结束（两端都是 CLOSED）：可以往回翻看；q 退出", "连接已结束：没有等待的报文段；q 退出" },
};

static const char *word(const struct duo *u, enum duo_word w)
{
	return words[u->o->out.lang == EXPLAIN_LANG_ZH][w];
}

static uint64_t now_us(void)
{
	return evloop_now_us();
}

int duo_tui_begin(struct duo *u, struct err *e)
{
	struct duo_tui *dt = &dt_store;
	char why[256];

	if (tui_usable(why, sizeof(why)) < 0)
		return err_set(e, "--tui: %s (without --tui the line prompt reads commands from a "
			       "pipe)", why);
	memset(dt, 0, sizeof(*dt));
	dt->waiting = -1;
	tui_pair_init(&dt->pair, PAIR_WAIT_US);
	/* The logs write to stderr, which is the view's terminal: until the view closes they
	 * go to a buffer, printed then (the prompt's answers are read from it meanwhile). */
	fflush(stderr);
	if ((dt->buf_fd = memfd_create("synlab-duo-log", MFD_CLOEXEC)) < 0 ||
	    (dt->real_err = dup(STDERR_FILENO)) < 0 || dup2(dt->buf_fd, STDERR_FILENO) < 0)
		return err_set(e, "--tui: cannot keep the log aside while the view is shown");
	u->tui = dt;
	return 0;
}

int duo_tui_open(struct duo *u, struct err *e)
{
	char title[512], a[2][48];
	struct tui_opts to = { .lang = u->o->out.lang, .title = title,
			       .keys = TUI_KEY_DROP | TUI_KEY_EDIT | TUI_KEY_LINE |
				       TUI_KEY_CONTINUE, .manual_draw = true };

	for (int i = 0; i < 2; i++) {
		const struct tcb_addr *ad = &u->end[0].a;
		uint32_t ip = i ? ad->raddr : ad->laddr;

		snprintf(a[i], sizeof(a[i]), "%u.%u.%u.%u:%u", ip >> 24, (ip >> 16) & 255,
			 (ip >> 8) & 255, ip & 255, i ? ad->rport : ad->lport);
	}
	snprintf(title, sizeof(title), word(u, W_TITLE), a[0], u->o->client_ns, a[1],
		 u->o->server_ns, word(u, u->o->step_clock_run ? W_RUN : W_HOLD));
	if (!(u->tui->t = tui_open(&to, e)))
		return -1;
	for (int i = 0; i < 2; i++)
		tui_set_addr(u->tui->t, i ? EXPLAIN_SERVER : EXPLAIN_CLIENT, a[i]);
	return 0;
}

void duo_tui_tap(void *ctx, const struct explain_rec *r, bool shown)
{
	struct duo_end *d = ctx;

	tui_pair_put(&d->tui->pair, d->is_client ? EXPLAIN_CLIENT : EXPLAIN_SERVER, r, shown,
		     now_us());
}

/* ---- what the view shows ---- */

static void feed(struct duo_tui *dt, bool force)
{
	struct explain_rec r;
	struct err e;

	while (tui_pair_take(&dt->pair, now_us(), force, &r)) {
		if (tui_add_rec(dt->t, &r, &e) < 0)
			tui_set_status(dt->t, e.msg);
		dt->reword = true;	/* the panel's prose refers to the rows before it */
	}
}

/* One end's state and running timers; deadlines on the view's clock (wall time now),
 * so the time left shown is the end's protocol time left. */
static void side(struct duo_tui *dt, const struct duo_end *d, uint64_t wall)
{
	enum explain_who w = d->is_client ? EXPLAIN_CLIENT : EXPLAIN_SERVER;
	struct tcb *t = d->c ? live_conn_tcb(d->c) : NULL;
	struct tui_timer tm[TUI_MAX_TIMERS];
	uint64_t now = t ? live_now(d->l, d->c) : 0;
	size_t n = 0;

	tui_set_state(dt->t, w, true, t ? tcb_state(t) : d->is_client || d->done ? TCB_CLOSED
										: TCB_LISTEN);
	for (int k = TCB_TIMER_RTX; t && k < TCB_NTIMERS && n < TUI_MAX_TIMERS; k++) {
		uint64_t at = tcb_timer_at(t, (enum tcb_timer)k);

		if (at != TCB_NEVER)
			tm[n++] = (struct tui_timer){ tcb_timer_name((enum tcb_timer)k),
						     at > now ? wall + (at - now) : wall };
	}
	tui_set_timers(dt->t, w, tm, n);
}

/* The oldest decision waiting (as the line prompt answers it), -1 none. */
static int oldest(struct duo *u, struct live_step_view *v)
{
	struct live_step_view x[2];
	bool w0 = live_step_current_of(u->end[0].l, &x[0]);
	bool w1 = live_step_current_of(u->end[1].l, &x[1]);
	int i = !w0 && !w1 ? -1 : !w0 ? 1 : !w1 ? 0 : x[1].since < x[0].since;

	if (i >= 0)
		*v = x[i];
	return i;
}

static void pending(struct duo *u)
{
	struct duo_tui *dt = u->tui;
	struct live_step_view v;
	struct explain_rec r;
	char label[64], who[32];
	struct err e;
	int i = oldest(u, &v);

	if (i < 0) {
		if (dt->waiting >= 0)
			tui_set_pending(dt->t, NULL, NULL);
		dt->waiting = -1;
		return;
	}
	if (dt->waiting == i && !dt->reword && !memcmp(&dt->shown, v.s, sizeof(dt->shown)))
		return;		/* the same decision, unchanged: its prose is worded once */
	dt->waiting = i;
	dt->reword = false;
	dt->shown = *v.s;
	if (live_preview(u->end[i].l, u->end[i].c, v.s, v.out, &r, &e) < 0) {
		tui_set_status(dt->t, e.msg);
		return;
	}
	/* (only what an end sends stops: synlab-duo steps IMPAIR_OUT) */
	snprintf(who, sizeof(who), word(u, W_SENDS),
		 explain_side_name(u->o->out.lang, i ? EXPLAIN_SERVER : EXPLAIN_CLIENT, false));
	snprintf(label, sizeof(label), "%s%s", who, v.queued ? word(u, W_BEHIND) : "");
	tui_set_pending(dt->t, &r, label);
}

static void refresh(struct duo *u, bool force)
{
	uint64_t wall = now_us();

	feed(u->tui, force);
	pending(u);
	for (int i = 0; i < 2; i++)
		side(u->tui, &u->end[i], wall);
	tui_set_now(u->tui->t, wall);
}

/* ---- what the keys ask ---- */

/* The prompt's answer to the last command, from what it wrote: a refusal or "not
 * understood" first (the "edits kept" line that follows it is no news). */
static void answer(struct duo_tui *dt)
{
	char buf[4096], last[320] = "", bad[320] = "";
	ssize_t n;

	fflush(stderr);
	while ((n = pread(dt->buf_fd, buf, sizeof(buf) - 1, dt->seen)) > 0) {
		char *line, *save = NULL;

		dt->seen += n;
		buf[n] = '\0';
		for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
			if (strstr(line, "refused") || strstr(line, "not understood"))
				snprintf(bad, sizeof(bad), "%s", line + strspn(line, " "));
			else if (strstr(line, "edits kept"))
				snprintf(last, sizeof(last), "%s", line + strspn(line, " "));
	}
	if (bad[0] || last[0])
		tui_set_status(dt->t, bad[0] ? bad : last);
}

/* "seq +5; flags S." -> "edit seq +5; edit flags S." (an "edit" already there stays). */
static void edit_line(const char *in, char *out, size_t cap)
{
	char tmp[TUI_TEXT_MAX], *part, *save = NULL;
	size_t off = 0;

	snprintf(tmp, sizeof(tmp), "%s", in);
	out[0] = '\0';
	for (part = strtok_r(tmp, ";", &save); part && off < cap; part = strtok_r(NULL, ";", &save)) {
		part += strspn(part, " ");
		if (*part)
			off += (size_t)snprintf(out + off, cap - off, "%s%s%s", off ? "; " : "",
						strncmp(part, "edit ", 5) ? "edit " : "", part);
	}
}

/* A command line for the end whose decision waits ("client ..." / "server ..." pick). */
static int command(struct duo *u, const char *text, struct err *e)
{
	struct live_step_view v;
	char line[LIVE_PROMPT_LINE];
	int i = oldest(u, &v);

	snprintf(line, sizeof(line), "%s", text);
	if (!strncmp(line, "client ", 7) || !strncmp(line, "server ", 7)) {
		i = line[0] == 's';
		memmove(line, line + 7, strlen(line + 7) + 1);
	}
	if (!strcmp(line, "c") || !strcmp(line, "continue"))
		return duo_finish_both(u, e);
	if (i < 0) {
		tui_set_status(u->tui->t, word(u, W_NONE));
		return 0;
	}
	if (live_command(u->end[i].l, line, e) < 0)
		return -1;
	answer(u->tui);
	return 0;
}

/* One key's command. 1: the user quit. */
static int act(struct duo *u, const struct tui_cmd *c, struct err *e)
{
	char line[LIVE_PROMPT_LINE];

	switch (c->kind) {
	case TUI_CMD_NEXT: return command(u, "send", e);
	case TUI_CMD_DROP: return command(u, "d", e);
	case TUI_CMD_EDIT:
		edit_line(c->text, line, sizeof(line));
		return command(u, line, e);
	case TUI_CMD_LINE: return command(u, c->text, e);
	case TUI_CMD_CONTINUE:
		tui_set_status(u->tui->t, word(u, W_ENDED));
		return duo_finish_both(u, e);
	case TUI_CMD_QUIT: case TUI_CMD_SIGNAL: return 1;
	case TUI_CMD_NONE: return 0;
	}
	return 0;
}

int duo_tui_step(struct duo *u, struct err *e)
{
	struct tui_cmd c;
	int r;

	refresh(u, false);
	while (tui_poll(u->tui->t, &c)) {
		if ((r = act(u, &c, e)) != 0)
			return r < 0 ? -1 : err_set(e, "stopped by the user (q)");
		refresh(u, false);
	}
	return 0;
}

void duo_tui_draw(struct duo *u, bool quiet)
{
	struct live_step_view v;

	/* Drawing takes milliseconds on a slow terminal: only while both clocks stand still
	 * (a decision waits) or nothing has happened for a while, never while a segment one
	 * end just sent is on its way to the other and its timers run. */
	if (!quiet && (u->o->step_clock_run || oldest(u, &v) < 0))
		return;
	refresh(u, false);
	tui_draw(u->tui->t);
}

bool duo_tui_gone(const struct duo *u)
{
	struct pollfd p = { .fd = tui_fd(u->tui->t), .events = POLLIN };

	return poll(&p, 1, 0) > 0 && (p.revents & (POLLHUP | POLLERR | POLLNVAL));
}

int duo_tui_hold(struct duo *u, struct err *e)
{
	struct duo_tui *dt = u->tui;
	struct tui_cmd c;

	(void)e;
	refresh(u, true);	/* every record drawn, paired or not */
	tui_set_status(dt->t, word(u, W_OVER));
	for (;;) {
		tui_draw(dt->t);
		if (tui_wait(dt->t, 200, &c) && (c.kind == TUI_CMD_QUIT || c.kind == TUI_CMD_SIGNAL))
			return 0;
		if (c.kind != TUI_CMD_NONE)
			tui_set_status(dt->t, word(u, W_OVER2));
	}
}

/* Writes n bytes of the kept log to fd without the line prompt's "step> " (the view
 * was the prompt). */
static void put_log(int fd, const char *s, size_t n)
{
	static const char pr[] = "step> ";
	const char *end = s + n, *p;

	while (s < end) {
		p = memmem(s, (size_t)(end - s), pr, sizeof(pr) - 1);
		if (write(fd, s, (size_t)((p ? p : end) - s)) < 0)
			return;
		s = p ? p + sizeof(pr) - 1 : end;
	}
}

/* The log kept aside, then the data the client received, on the terminal again. */
void duo_tui_end(struct duo *u)
{
	struct duo_tui *dt = u->tui;
	char buf[8192];
	ssize_t n;
	off_t off = 0;

	if (!dt)
		return;
	tui_close(dt->t);
	dt->t = NULL;
	fflush(stderr);
	dup2(dt->real_err, STDERR_FILENO);
	close(dt->real_err);
	/* (a "step> " cut between two reads stays: it is only a prompt) */
	while ((n = pread(dt->buf_fd, buf, sizeof(buf), off)) > 0) {
		off += n;
		put_log(STDERR_FILENO, buf, (size_t)n);
	}
	close(dt->buf_fd);
	fwrite(u->end[0].rx, 1, u->end[0].rxn, stdout);
	fflush(stdout);
	u->tui = NULL;
	for (int i = 0; i < 2; i++)
		u->end[i].tui = NULL;
}
