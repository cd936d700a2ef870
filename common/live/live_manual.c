/* live_manual.c - --manual: a small command language on stdin that sends hand-made segments into the running connection. */
#include "live_x.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

#define MANUAL_WAIT_US 10000000ull	/* `wait STATE` gives up after 10 s unless told */

int live_manual_read(struct live *l, struct err *e)
{
	struct live_x *x = l->x;
	ssize_t n;

	if (x->inlen == sizeof(x->in))
		x->inlen = 0;	/* a line longer than the buffer: forget it */
	n = read(0, x->in + x->inlen, sizeof(x->in) - x->inlen);
	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 0;
	if (n < 0)
		return err_set(e, "--manual: reading stdin: %s", strerror(errno));
	if (n == 0) {
		x->in_eof = true;
		evloop_ignore(&l->ev, l->stdin_idx);	/* end of the script: stop watching */
	}
	x->inlen += (size_t)n;
	return 0;
}

/* One key=value word of `send`; -1 when it is not understood. */
static int send_word(struct live_x *x, const struct tcb_vars *v, struct seg *s, char *w,
		     bool *seq_set)
{
	char *eq = strchr(w, '=');
	uint64_t n;
	long len;
	struct err e;

	if (!eq)
		return -1;
	*eq++ = '\0';
	if (!strcmp(w, "seq"))
		return (*seq_set = true), live_parse_seqval(eq, s->seq, v->iss, &s->seq);
	if (!strcmp(w, "ack"))
		return live_parse_seqval(eq, s->ack, v->irs, &s->ack);
	if (!strcmp(w, "win")) {
		if (cli_parse_u64(eq, 0, 65535, &n, &e) < 0)
			return -1;
		s->win = (uint16_t)n;
		return 0;
	}
	if (strcmp(w, "data") ||
	    (len = cli_unescape(eq, x->edit_payload, sizeof(x->edit_payload), &e)) < 0)
		return -1;
	s->payload = x->edit_payload;
	s->len = (uint32_t)len;
	return 0;
}

/* The segment the TCB would send with these flags: seq SND.NXT (ISS for a SYN),
 * ack RCV.NXT when ACK is set, our window. */
static void craft(struct live_conn *c, const struct tcb_vars *v, uint8_t flags,
		  struct seg *s)
{
	memset(s, 0, sizeof(*s));
	s->saddr = c->addr.laddr;
	s->daddr = c->addr.raddr;
	s->sport = c->addr.lport;
	s->dport = c->addr.rport;
	s->flags = flags;
	s->seq = (flags & SEG_SYN) ? v->iss : v->snd_nxt;
	s->ack = (flags & SEG_ACK) ? v->rcv_nxt : 0;
	s->win = (uint16_t)(v->rcv_wnd > 65535 ? 65535 : v->rcv_wnd);
	s->df = true;
	if (flags & SEG_SYN) {
		s->opts.has_mss = true;
		s->opts.mss = 1460;
	}
}

/* send FLAGS [seq=V] [ack=V] [win=N] [data=STR] */
static int cmd_send(struct live *l, char *args, struct err *e)
{
	struct live_conn *c = l->last;
	char *fl = strtok(args, " \t"), *w, *data;
	struct tcb_vars v;
	struct seg s;
	uint8_t flags;
	bool seq_set = false;

	if (!c || !c->tcb)
		return err_set(e, "no connection to send into yet");
	if (!fl || live_parse_flags(fl, &flags) < 0)
		return err_set(e, "send: '%s' is not FLAGS (S, S., ., P., F., R, R., SYN+ACK ...)",
			       fl ? fl : "");
	tcb_get_vars(c->tcb, &v);
	craft(c, &v, flags, &s);
	data = strtok(NULL, "");
	while (data && *data) {
		data += strspn(data, " \t");
		if (!strncmp(data, "data=", 5)) {	/* the rest of the line */
			w = data;
			data = NULL;
		} else {
			w = strsep(&data, " \t");
		}
		if (*w && send_word(l->x, &v, &s, w, &seq_set) < 0)
			return err_set(e, "send: '%s' is not seq=V, ack=V, win=N or data=STR", w);
	}
	(void)seq_set;
	return live_wire_out(l, c, &s, "(hand-made by --manual)", false, e);
}

/* wait STATE [DUR] / sleep DUR: later commands wait. */
static int cmd_wait(struct live *l, char *w, char *args, uint64_t now, struct err *e)
{
	struct live_x *x = l->x;
	char *a1 = strtok(args, " \t"), *a2 = a1 ? strtok(NULL, " \t") : NULL;
	uint64_t d = MANUAL_WAIT_US;

	if (!strcmp(w, "sleep")) {
		if (!a1 || cli_parse_duration(a1, &d, e) < 0)
			return err_set(e, "sleep DUR (e.g. 200ms)");
		x->waiting = true;
		x->wait_state = TCB_NSTATES;	/* only the time */
		x->wait_until = now + d;
		return 0;
	}
	if (!a1 || impair_state_parse(a1, strlen(a1), &x->wait_state) < 0)
		return err_set(e, "wait STATE [DUR] (e.g. wait ESTABLISHED)");
	if (a2 && cli_parse_duration(a2, &d, e) < 0)
		return -1;
	x->waiting = true;
	x->wait_until = now + d;
	return 0;
}

/* Whether a pending wait/sleep is over at now. */
static bool wait_over(struct live *l, uint64_t now)
{
	struct live_x *x = l->x;
	struct live_conn *c = l->last;

	if (!x->waiting)
		return true;
	if (x->wait_state < TCB_NSTATES && c && c->tcb && tcb_state(c->tcb) == x->wait_state)
		return !(x->waiting = false);
	if (now < x->wait_until)
		return false;
	if (x->wait_state < TCB_NSTATES)
		live_note(l, c, now, "manual: gave up waiting for %s",
			  tcb_state_name(x->wait_state));
	x->waiting = false;
	return true;
}

static int command(struct live *l, char *line, uint64_t now, struct err *e)
{
	char *w = strtok(line, " \t"), *rest = w ? strtok(NULL, "") : NULL;
	static const char help[] = "commands: send FLAGS [seq=V] [ack=V] [win=N] [data=STR], "
				   "wait STATE [DUR], sleep DUR, quit";

	if (!w || *w == '#')
		return 0;
	if (!strcmp(w, "send"))
		return cmd_send(l, rest ? rest : (char[]){ "" }, e);
	if (!strcmp(w, "wait") || !strcmp(w, "sleep"))
		return cmd_wait(l, w, rest ? rest : (char[]){ "" }, now, e);
	if (!strcmp(w, "quit") || !strcmp(w, "q")) {
		l->x->quit = true;
		return 0;
	}
	return err_set(e, "%s%s", strcmp(w, "help") ? "unknown command; " : "", help);
}

int live_manual_run(struct live *l, uint64_t now, struct err *e)
{
	char line[LIVE_X_LINE], copy[LIVE_X_LINE];

	while (!l->x->quit && wait_over(l, now) && live_x_line(l->x, line, sizeof(line), false)) {
		struct err ce = { "" };

		snprintf(copy, sizeof(copy), "%s", line);
		if (line[0])
			live_note(l, l->last, now, "manual> %s", copy);
		if (command(l, line, now, &ce) < 0)
			live_note(l, l->last, now, "manual: %s", ce.msg);
	}
	(void)e;
	return 0;
}
