/* live_manual.c - --manual: hand-made segments into a running connection (conn=N or a 4-tuple picks which), waits and sleeps. */
#include "live_manual.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "impair.h"
#include "live_cmd.h"
#include "live_list.h"
#include "live_note.h"

#define MANUAL_WAIT_US 10000000ull	/* `wait STATE` gives up after 10 s unless told */
#define MANUAL_LINES 64			/* commands queued behind a wait */
#define MANUAL_LINE 512

struct live_manual {
	struct live_pipe *pp;
	struct live_stage *at;
	live_manual_emit_fn emit;
	void *emit_ctx;
	char tail[240];			/* the note under a hand-made data segment */
	bool quit;
	/* a command waiting for a state or a time, and the lines queued behind it */
	bool waiting;
	struct live_target wait_conn;	/* whose state (unset: the newest) */
	enum tcb_state wait_state;	/* TCB_NSTATES: only the time */
	uint64_t wait_until;
	char q[MANUAL_LINES][MANUAL_LINE];
	unsigned qhead, qlen;
	uint8_t data[2048];		/* send data=STR */
};

struct live_manual *live_manual_new(struct live_pipe *pp, struct live_stage *at,
				    live_manual_emit_fn emit, void *ctx, struct err *e)
{
	struct live_manual *m = calloc(1, sizeof(*m));

	if (!m) {
		err_set(e, "out of memory for --manual");
		return NULL;
	}
	m->pp = pp;
	m->at = at;
	m->emit = emit;
	m->emit_ctx = ctx;
	m->wait_until = TCB_NEVER;
	return m;
}

void live_manual_free(struct live_manual *m)
{
	free(m);
}

bool live_manual_quit(const struct live_manual *m)
{
	return m->quit;
}

uint64_t live_manual_deadline(const struct live_manual *m)
{
	return m->waiting ? m->wait_until : TCB_NEVER;
}

/* The connection t names (unset: the newest open one). */
static struct live_conn *target(const struct live_manual *m, const struct live_target *t)
{
	if (!t->set)
		return m->pp->newest;
	for (struct live_conn *c = m->pp->conns; c; c = c->ix->next)
		if (live_cmd_target_match(t, c->id, &c->addr))
			return c;
	return NULL;
}

/* One key=value word of `send`; -1 when it is not understood. */
static int send_word(struct live_manual *m, const struct tcb_vars *v, struct seg *s, char *w)
{
	char *eq = strchr(w, '=');
	uint64_t n;
	long len;
	struct err e;

	if (!eq)
		return -1;
	*eq++ = '\0';
	if (!strcmp(w, "seq"))
		return live_cmd_seqval(eq, s->seq, v->iss, &s->seq);
	if (!strcmp(w, "ack"))
		return live_cmd_seqval(eq, s->ack, v->irs, &s->ack);
	if (!strcmp(w, "win")) {
		if (cli_parse_u64(eq, 0, 65535, &n, &e) < 0)
			return -1;
		s->win = (uint16_t)n;
		return 0;
	}
	if (strcmp(w, "data") || (len = cli_unescape(eq, m->data, sizeof(m->data), &e)) < 0)
		return -1;
	s->payload = m->data;
	s->len = (uint32_t)len;
	return 0;
}

/* The segment the TCB would send with these flags: seq SND.NXT (ISS for a SYN),
 * ack RCV.NXT when ACK is set, our window. */
static void craft(const struct live_conn *c, const struct tcb_vars *v, uint8_t flags,
		  struct seg *s)
{
	memset(s, 0, sizeof(*s));
	tcb_addr_to_seg(&c->addr, s);
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

/* Data the TCB itself would send: ACK (PSH allowed) with data, seq, ack and window as
 * the TCB has them, in a state that may send. Such bytes go through its send path, so
 * that SND.NXT counts them and its ACKs, retransmissions and the peer's ACK agree with
 * what the log says (issue #12, item 4). seq=, ack= or win= (the caller checks) make a
 * hand-made segment instead. */
static bool through_tcb(const struct live_manual *m, const struct live_conn *c, uint8_t flags,
			const struct seg *s)
{
	enum tcb_state st = tcb_state(c->tcb);

	return m->emit && s->len && (flags & ~SEG_PSH) == SEG_ACK &&
	       (st == TCB_ESTABLISHED || st == TCB_CLOSE_WAIT);
}

static int send_via_tcb(struct live_manual *m, struct live_conn *c, const struct seg *s,
			uint64_t now, struct err *e)
{
	uint64_t t = live_conn_clock(c, now);
	struct tcb_out o;
	struct tcb_vars v;
	long n;

	tcb_out_reset(&o);
	if ((n = tcb_send(c->tcb, s->payload, s->len, t, &o, e)) < 0)
		return -1;
	tcb_get_vars(c->tcb, &v);
	live_note_at(m->pp, c, now, "manual: data=... goes through the TCB's send path: it "
		     "took %ld of %u bytes, sends, counts (SND.NXT now %u) and retransmits them "
		     "like its own; for bytes the TCB does not know, give seq=", n, s->len,
		     v.snd_nxt - v.iss);
	return m->emit(m->emit_ctx, c, &o, e);
}

/* send FLAGS [conn=N] [seq=V] [ack=V] [win=N] [data=STR] */
static int cmd_send(struct live_manual *m, struct live_target *t, char *args, uint64_t now,
		    struct err *e)
{
	char *fl = strtok(args, " \t"), *rest = strtok(NULL, ""), *w;
	struct live_pkt p = { .dir = LIVE_OUT, .now = now, .tail = "(hand-made by --manual)" };
	struct tcb_vars v;
	struct live_conn *c;
	uint8_t flags;
	char tt[64];
	bool custom = false;

	if (rest && !strncmp(rest + strspn(rest, " \t"), "conn=", 5) &&
	    !(rest = live_cmd_target(rest, t)))
		return err_set(e, "send: conn= is N, ADDR:PORT or LADDR:LPORT-RADDR:RPORT");
	if (!(c = target(m, t)) || !c->tcb) {
		live_cmd_target_text(t, tt, sizeof(tt));
		if (t->set)
			return err_set(e, "send: no open connection is %s (list shows them)", tt);
		return err_set(e, "no connection to send into yet");
	}
	if (!fl || live_cmd_flags(fl, &flags) < 0)
		return err_set(e, "send: '%s' is not FLAGS (S, S., ., P., F., R, R., SYN+ACK ...)",
			       fl ? fl : "");
	tcb_get_vars(c->tcb, &v);
	craft(c, &v, flags, &p.s);
	while (rest && *rest) {
		rest += strspn(rest, " \t");
		if (!strncmp(rest, "data=", 5)) {	/* the rest of the line */
			w = rest;
			rest = NULL;
		} else {
			w = strsep(&rest, " \t");
			custom |= *w != '\0';	/* seq=, ack=, win=: the user's own numbers */
		}
		if (*w && send_word(m, &v, &p.s, w) < 0)
			return err_set(e, "send: '%s' is not seq=V, ack=V, win=N or data=STR", w);
	}
	p.c = c;
	if (!custom && through_tcb(m, c, flags, &p.s))
		return send_via_tcb(m, c, &p.s, now, e);
	if (p.s.len) {	/* say what the TCB does not know */
		snprintf(m->tail, sizeof(m->tail), "(hand-made by --manual: these %u bytes are "
			 "outside the TCB's sequence space; its SND.NXT stays %u, it will not "
			 "retransmit them, and an ACK that covers them acknowledges, for it, "
			 "something it never sent)", p.s.len, v.snd_nxt - v.iss);
		p.tail = m->tail;
	}
	return live_pipe_inject(m->at, &p, e);
}

/* wait STATE [DUR] / sleep DUR: later commands wait. */
static int cmd_wait(struct live_manual *m, const struct live_target *t, const char *w,
		    char *args, uint64_t now, struct err *e)
{
	char *a1 = strtok(args, " \t"), *a2 = a1 ? strtok(NULL, " \t") : NULL;
	uint64_t d = MANUAL_WAIT_US;

	if (!strcmp(w, "sleep")) {
		if (!a1 || cli_parse_duration(a1, &d, e) < 0)
			return err_set(e, "sleep DUR (e.g. 200ms)");
		m->wait_state = TCB_NSTATES;	/* only the time */
	} else {
		if (!a1 || impair_state_parse(a1, strlen(a1), &m->wait_state) < 0)
			return err_set(e, "wait STATE [DUR] (e.g. wait ESTABLISHED)");
		if (a2 && cli_parse_duration(a2, &d, e) < 0)
			return -1;
	}
	m->wait_conn = *t;
	m->waiting = true;
	m->wait_until = now + d;
	return 0;
}

/* Whether a pending wait/sleep is over at now. */
static bool wait_over(struct live_manual *m, uint64_t now)
{
	struct live_conn *c;

	if (!m->waiting)
		return true;
	c = target(m, &m->wait_conn);
	if (m->wait_state < TCB_NSTATES && c && c->tcb && tcb_state(c->tcb) == m->wait_state)
		return !(m->waiting = false);
	if (now < m->wait_until)
		return false;
	if (m->wait_state < TCB_NSTATES)
		live_note_at(m->pp, c, now, "manual: gave up waiting for %s",
			     tcb_state_name(m->wait_state));
	m->waiting = false;
	return true;
}

static int command(struct live_manual *m, char *line, uint64_t now, struct err *e)
{
	static const char help[] = "commands: [conn=N|ADDR:PORT] send FLAGS [seq=V] [ack=V] "
				   "[win=N] [data=STR], wait STATE [DUR], sleep DUR, list, quit";
	struct live_target t;
	char *rest = live_cmd_target(line, &t), *w;

	if (!rest)
		return err_set(e, "conn= is N, ADDR:PORT or LADDR:LPORT-RADDR:RPORT");
	w = strtok(rest, " \t");
	rest = w ? strtok(NULL, "") : NULL;
	if (!w || *w == '#')
		return 0;
	if (!strcmp(w, "send"))
		return cmd_send(m, &t, rest ? rest : (char[]){ "" }, now, e);
	if (!strcmp(w, "wait") || !strcmp(w, "sleep"))
		return cmd_wait(m, &t, w, rest ? rest : (char[]){ "" }, now, e);
	if (!strcmp(w, "list")) {
		live_list(m->pp, now, false);
		return 0;
	}
	if (!strcmp(w, "quit") || !strcmp(w, "q")) {
		m->quit = true;
		return 0;
	}
	return err_set(e, "%s%s", strcmp(w, "help") ? "not understood; " : "", help);
}

/* Runs one line now: its note, then the command (a bad one gets its line at once). */
static void run(struct live_manual *m, const char *line, uint64_t now)
{
	char copy[MANUAL_LINE];
	struct err ce = { "" };

	snprintf(copy, sizeof(copy), "%s", line);
	if (line[0])
		live_note_at(m->pp, m->pp->newest, now, "manual> %s", line);
	if (command(m, copy, now, &ce) < 0)
		live_note_at(m->pp, m->pp->newest, now, "manual: %s", ce.msg);
}

int live_manual_run(struct live_manual *m, uint64_t now, struct err *e)
{
	(void)e;
	while (m->qlen && !m->quit && wait_over(m, now)) {
		run(m, m->q[m->qhead], now);
		m->qhead = (m->qhead + 1) % MANUAL_LINES;
		m->qlen--;
	}
	return 0;
}

int live_manual_line(struct live_manual *m, const char *line, uint64_t now, struct err *e)
{
	if (m->quit)
		return 0;
	if (!m->qlen && wait_over(m, now)) {
		run(m, line, now);
		return 0;
	}
	if (m->qlen == MANUAL_LINES) {
		live_note_at(m->pp, m->pp->newest, now, "manual: %u commands already wait; "
			     "'%s' is dropped", MANUAL_LINES, line);
		return 0;
	}
	snprintf(m->q[(m->qhead + m->qlen) % MANUAL_LINES], MANUAL_LINE, "%s", line);
	m->qlen++;
	return live_manual_run(m, now, e);
}
