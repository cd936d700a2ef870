/* live_step.c - --step: stop before a segment, show it and what it does, and obey the user's command. */
#include "live_x.h"

#include <editline/readline.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"

/* Pops one line (without its newline) from x->in; false when no whole line is there. */
static bool pop_line(struct live_x *x, char *buf, size_t cap)
{
	char *nl = memchr(x->in, '\n', x->inlen);
	size_t n = nl ? (size_t)(nl - x->in) : x->inlen;

	if (!nl && !(x->in_eof && x->inlen))
		return false;
	snprintf(buf, cap, "%.*s", (int)(n < cap ? n : cap - 1), x->in);
	if (n > 0 && buf[strlen(buf) - 1] == '\r')
		buf[strlen(buf) - 1] = '\0';
	n += nl != NULL;
	memmove(x->in, x->in + n, x->inlen - n);
	x->inlen -= n;
	return true;
}

bool live_x_line(struct live_x *x, char *buf, size_t cap, bool block)
{
	for (;;) {
		ssize_t n;

		if (pop_line(x, buf, cap))
			return true;
		if (x->in_eof || !block)
			return false;
		if (x->inlen == sizeof(x->in))
			x->inlen = 0;	/* a line longer than the buffer: forget it */
		n = read(0, x->in + x->inlen, sizeof(x->in) - x->inlen);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			x->in_eof = true;
		else
			x->inlen += (size_t)n;
	}
}

int live_parse_flags(const char *w, uint8_t *flags)
{
	char text[64];
	struct impair_rule r;
	struct err e;
	size_t n;

	if (!strcmp(w, "none")) {
		*flags = 0;
		return 0;
	}
	n = (size_t)snprintf(text, sizeof(text), "drop %s", w);
	if (n >= sizeof(text) || strchr(w, ' ') ||
	    impair_rule_parse(text, 0, n, &r, NULL, &e) < 0 || r.fmatch != IMPAIR_FLAGS_EXACT)
		return -1;
	*flags = r.flags;
	return 0;
}

int live_parse_seqval(const char *v, uint32_t cur, uint32_t base, uint32_t *out)
{
	uint64_t n;
	struct err e;
	bool raw = !strncmp(v, "raw:", 4);

	if ((*v == '+' || *v == '-') && cli_parse_u64(v + 1, 0, UINT32_MAX, &n, &e) == 0) {
		*out = *v == '+' ? cur + (uint32_t)n : cur - (uint32_t)n;
		return 0;
	}
	if (cli_parse_u64(raw ? v + 4 : v, 0, UINT32_MAX, &n, &e) < 0)
		return -1;
	*out = raw ? (uint32_t)n : base + (uint32_t)n;
	return 0;
}

/* What the segment does, in one sentence for the prompt. */
static const char *what_it_does(const struct seg *s)
{
	if (s->flags & SEG_RST)
		return "RST: aborts the connection (the receiver checks its seq against its window)";
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN)
		return "SYN: asks to open a connection and announces the ISS; takes one sequence "
		       "number";
	if (s->flags & SEG_SYN)
		return "SYN+ACK: accepts the peer's SYN (ack = its ISS + 1) and sends our own ISS";
	if (s->flags & SEG_FIN)
		return "FIN: no more data from this side; takes one sequence number";
	if (s->len)
		return "data: the receiver accepts it if seq is at its RCV.NXT and ACKs it";
	return "ACK: acknowledges every sequence number before ack";
}

static void show(struct live *l, struct live_conn *c, const struct seg *s, bool out)
{
	FILE *f = l->g.f ? l->g.f : stderr;
	char line[256];
	uint32_t sb, ab;

	live_x_bases(c, s, out, &sb, &ab);
	seg_format(s, sb, ab, line, sizeof(line));
	fprintf(f, "#%-3u step %s: %s > %s  %s\n          %s (state %s)\n", c ? c->id : 0,
		out ? "before sending" : "received", out ? l->local_name : l->peer_name,
		out ? l->peer_name : l->local_name, line, what_it_does(s),
		c && c->tcb ? tcb_state_name(tcb_state(c->tcb)) : "no connection");
	fprintf(f, "          [Enter] %s  d drop  delay MS  edit seq|ack|flags|win|payload V"
		"  c continue  q quit\n", out ? "send" : "deliver");
	fflush(f);
}

/* One command line from the user: libedit on a terminal, else the next line of stdin. */
static bool ask(struct live *l, char *buf, size_t cap)
{
	FILE *f = l->g.f ? l->g.f : stderr;

	if (l->x->tty) {
		char *r = readline("step> ");

		if (!r)
			return false;
		if (*r)
			add_history(r);
		snprintf(buf, cap, "%s", r);
		free(r);
		return true;
	}
	if (!live_x_line(l->x, buf, cap, true))
		return false;
	fprintf(f, "step> %s\n", buf);	/* piped: the log shows what was decided */
	return true;
}

/* edit FIELD VALUE on s. -1 when the field or value is bad. */
static int edit(struct live *l, struct live_conn *c, struct seg *s, bool out,
		const char *field, const char *val)
{
	uint32_t sb, ab;
	uint64_t n;
	long len;
	struct err e;

	live_x_bases(c, s, out, &sb, &ab);
	if (!strcmp(field, "seq"))
		return live_parse_seqval(val, s->seq, sb, &s->seq);
	if (!strcmp(field, "ack"))
		return live_parse_seqval(val, s->ack, ab, &s->ack);
	if (!strcmp(field, "flags"))
		return live_parse_flags(val, &s->flags);
	if (!strcmp(field, "win")) {
		if (cli_parse_u64(val, 0, 65535, &n, &e) < 0)
			return -1;
		s->win = (uint16_t)n;
		return 0;
	}
	if (strcmp(field, "payload") ||
	    (len = cli_unescape(val, l->x->edit_payload, sizeof(l->x->edit_payload), &e)) < 0)
		return -1;
	s->payload = l->x->edit_payload;
	s->len = (uint32_t)len;
	return 0;
}

/* One command; true when it decided (act set), false to ask again. */
static bool command(struct live *l, struct live_conn *c, struct seg *s, bool out,
		    char *cmd, enum live_step_act *act, uint64_t *delay_us)
{
	char *w1 = strtok(cmd, " \t"), *w2 = w1 ? strtok(NULL, " \t") : NULL;
	char *w3 = w2 ? strtok(NULL, "") : NULL;
	FILE *f = l->g.f ? l->g.f : stderr;
	struct err e;

	*act = LIVE_STEP_PASS;
	if (!w1)
		return true;
	if (!strcmp(w1, "d") || !strcmp(w1, "drop"))
		return (*act = LIVE_STEP_DROP), true;
	if (!strcmp(w1, "q") || !strcmp(w1, "quit"))
		return (*act = LIVE_STEP_QUIT), true;
	if (!strcmp(w1, "c") || !strcmp(w1, "continue"))
		return (l->x->step = 0), true;
	if (!strcmp(w1, "delay") && w2 && cli_parse_duration(w2, delay_us, &e) == 0)
		return (*act = LIVE_STEP_DELAY), true;
	if (!strcmp(w1, "edit") && w2 && w3 && edit(l, c, s, out, w2, w3) == 0)
		return true;
	fprintf(f, "          not understood: Enter, d, delay MS, edit FIELD VALUE "
		"(seq|ack: +N, -N, N or raw:N; flags: S. R F. ...; win N; payload STR), c, q\n");
	return false;
}

enum live_step_act live_step(struct live *l, struct live_conn *c, struct seg *s,
			     bool out, uint64_t *delay_us)
{
	struct impair_verdict v = { .dir = out ? IMPAIR_OUT : IMPAIR_IN };
	enum live_step_act act = LIVE_STEP_PASS;
	struct seg before = *s;
	char cmd[LIVE_X_LINE], what[96];

	show(l, c, s, out);
	for (;;) {
		if (!ask(l, cmd, sizeof(cmd))) {
			l->x->step = 0;	/* end of input: continue without stopping */
			return LIVE_STEP_PASS;
		}
		if (command(l, c, s, out, cmd, &act, delay_us))
			break;
	}
	v.action = act == LIVE_STEP_DROP ? IMPAIR_DROP : IMPAIR_DELAY;
	v.delay_us = *delay_us;
	if (act == LIVE_STEP_DROP)
		live_note_impair(l, c, s, &v, "dropped at the step prompt", evloop_now_us());
	if (act == LIVE_STEP_DELAY) {
		impair_format_us(*delay_us, what, sizeof(what) - 40);
		strcat(what, " delay asked at the step prompt");
		live_note_impair(l, c, s, &v, what, evloop_now_us());
	}
	v.action = IMPAIR_DELIVER;	/* an edit is no impairment record, just a note */
	if (memcmp(&before, s, sizeof(before)))
		live_note_impair(l, c, s, &v, "edited at the step prompt", evloop_now_us());
	return act;
}
