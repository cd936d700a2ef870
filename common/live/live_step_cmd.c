/* live_step_cmd.c - the step prompt's commands: send, drop, delay, several edits before one send, continue, quit, conn=N. */
#include "live_step_impl.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live_cmd.h"
#include "live_log.h"
#include "live_note.h"

#define EDIT_MAX 2048	/* bytes of an edited payload */

enum { CMD_AGAIN, CMD_DECIDED, CMD_BAD };

static bool step_word(const char *w)
{
	static const char *const words[] = { "", "send", "d", "drop", "delay", "edit", "c",
					     "continue", "q", "quit" };

	for (size_t i = 0; i < sizeof(words) / sizeof(*words); i++)
		if (!strcmp(w, words[i]))
			return true;
	return false;
}

/* The hold a command is for: conn=N's, or the oldest. */
static struct step_hold *pick(struct live_step *x, const struct live_target *t)
{
	for (struct step_hold *h = x->holds; h; h = h->next) {
		const struct live_conn *c = h->c;

		if (!t->set)
			return h;
		if (c ? live_cmd_target_match(t, c->id, &c->addr)
		      : live_cmd_target_match(t, 0, &h->key))
			return h;
	}
	return NULL;
}

/* The segment belongs to a TCB that counted its sequence numbers (it will resend it). */
static bool owned(const struct step_hold *h)
{
	const struct live_pkt *p = &h->head->k.p;

	return p->dir == LIVE_OUT && p->c && p->c->tcb;
}

static int edit_payload(struct step_hold *h, const char *val, char *why, size_t cap)
{
	struct step_node *n = h->head;
	struct seg *s = &n->k.p.s;
	uint8_t buf[EDIT_MAX];
	struct err e;
	long len = cli_unescape(val, buf, sizeof(buf), &e);
	struct live_conn_ix *ix = n->k.p.c ? n->k.p.c->ix : NULL;

	if (len < 0)
		return -1;
	if (owned(h) && (uint32_t)len != s->len) {
		snprintf(why, cap, "refused: %ld byte%s instead of %u would change the sequence "
			 "space the TCB already counted (SND.NXT includes these %u); only an edit "
			 "of the same length can be applied", len, len == 1 ? "" : "s", s->len,
			 s->len);
		return -2;
	}
	free(n->edit_buf);
	if (!(n->edit_buf = malloc(len ? (size_t)len : 1)))
		return -1;
	memcpy(n->edit_buf, buf, (size_t)len);
	s->payload = n->edit_buf;
	s->len = (uint32_t)len;
	if (owned(h) && ix && len) {	/* its retransmissions carry the edited bytes too */
		free(ix->edit_bytes);
		if ((ix->edit_bytes = malloc((size_t)len))) {
			memcpy(ix->edit_bytes, buf, (size_t)len);
			ix->edit_seq = s->seq;
			ix->edit_len = (uint32_t)len;
		}
	}
	return 0;
}

/* edit FIELD VALUE on h's head: 0 applied, -1 not understood, -2 refused (why). */
static int edit(struct step_hold *h, const char *field, const char *val, char *why, size_t cap)
{
	struct live_pkt *p = &h->head->k.p;
	struct seg *s = &p->s;
	bool out = p->dir == LIVE_OUT;
	bool counted = s->len || (s->flags & (SEG_SYN | SEG_FIN));
	uint32_t sb, ab, v;
	uint8_t fl;
	uint64_t n;
	struct err e;

	live_note_bases(p->c, s, out, &sb, &ab);
	if (!strcmp(field, "seq")) {
		if (live_cmd_seqval(val, s->seq, sb, &v) < 0)
			return -1;
		if (owned(h) && counted && v != s->seq) {
			snprintf(why, cap, "refused: this segment carries sequence numbers the TCB "
				 "counted (SYN, FIN or data at seq %u); a copy at another seq would "
				 "not match what it retransmits. Edit the seq of a pure ACK, or craft "
				 "a segment with --manual", s->seq - sb);
			return -2;
		}
		return (s->seq = v), 0;
	}
	if (!strcmp(field, "ack"))
		return live_cmd_seqval(val, s->ack, ab, &s->ack);
	if (!strcmp(field, "flags")) {
		if (live_cmd_flags(val, &fl) < 0)
			return -1;
		if (owned(h) && ((fl ^ s->flags) & (SEG_SYN | SEG_FIN))) {
			snprintf(why, cap, "refused: adding or removing SYN or FIN changes the "
				 "sequence space the TCB counted (each takes one number)");
			return -2;
		}
		return (s->flags = fl), 0;
	}
	if (!strcmp(field, "win")) {
		if (cli_parse_u64(val, 0, 65535, &n, &e) < 0)
			return -1;
		return (s->win = (uint16_t)n), 0;
	}
	if (!strcmp(field, "payload"))
		return edit_payload(h, val, why, cap);
	return -1;
}

/* What an edit changed, for the note ("seq 1 -> 6, win 65535 -> 1000"). */
static void edits_text(const struct step_hold *h, char *buf, size_t cap)
{
	const struct seg *a = &h->before, *b = &h->head->k.p.s;
	size_t n = 0;

	buf[0] = '\0';
#define ADD(...) (n += (size_t)snprintf(buf + n, n < cap ? cap - n : 0, __VA_ARGS__))
	if (a->seq != b->seq)
		ADD("%sseq %+d", n ? ", " : "", (int)(b->seq - a->seq));
	if (a->ack != b->ack)
		ADD("%sack %+d", n ? ", " : "", (int)(b->ack - a->ack));
	if (a->flags != b->flags)
		ADD("%sflags 0x%02x -> 0x%02x", n ? ", " : "", a->flags, b->flags);
	if (a->win != b->win)
		ADD("%swin %u -> %u", n ? ", " : "", a->win, b->win);
	if (a->len != b->len)
		ADD("%spayload %u -> %u bytes", n ? ", " : "", a->len, b->len);
	else if (a->payload != b->payload)
		ADD("%spayload replaced (%u bytes; the TCB's retransmissions of them carry the "
		    "new bytes too)", n ? ", " : "", b->len);
#undef ADD
}

/* Takes the head off h (the caller passes, delays or frees it). */
static struct step_node *take_head(struct step_hold *h)
{
	struct step_node *n = h->head;

	h->head = n->next;
	if (!h->head)
		h->tail = NULL;
	n->next = NULL;
	return n;
}

static int decide_pass(struct live_step *x, struct step_hold *h, uint64_t now, struct err *e)
{
	struct impair_verdict v = { .action = IMPAIR_DELIVER };
	struct step_node *n;
	uint64_t held;
	char what[200], ed[160];
	int r;

	edits_text(h, ed, sizeof(ed));
	if (ed[0]) {	/* an edit is no impairment record, just a note */
		v.dir = h->head->k.p.dir == LIVE_OUT ? IMPAIR_OUT : IMPAIR_IN;
		snprintf(what, sizeof(what), "edited at the step prompt (%s)", ed);
		live_note_verdict(x->st.pp, h->c, &h->head->k.p, &v, what, now);
	}
	/* held since it reached this stage: a segment queued behind an earlier decision
	 * waited there too before its own prompt */
	held = now > h->head->k.p.now && h->head->k.p.now ? now - h->head->k.p.now : 0;
	held = held > now - h->since ? held : now - h->since;
	if (!x->cfg.pause_clock && h->c && held >= 1000)
		live_note_at(x->st.pp, h->c, now, "step: held %.3f s at the prompt; with "
			     "--step-clock run its connection's timers counted that time (the TCB "
			     "took the segment as sent when it made it)", held / 1e6);
	n = take_head(h);
	n->k.p.now = now;
	/* for its record: the TCB's own numbers when edited, and the wait at the prompt
	 * (its wire times include it, so an interval across it is no round-trip time) */
	n->k.p.held_us = held >= 1000 ? held : 0;
	if (ed[0]) {
		n->k.p.edited = true;
		n->k.p.made = h->before;
		n->k.p.made.payload = NULL;
	}
	if (n->k.p.dir == LIVE_OUT && !n->k.p.tail && held >= 1000) {
		/* the wire's times include the user's pause: say so under its record */
		snprintf(n->k.tail, sizeof(n->k.tail), "(held %.3f s at the step prompt before it "
			 "was sent%s)", held / 1e6, live_conn_paused(h->c) ?
			 "; its connection's clock was paused" : "");
		n->k.p.tail = n->k.tail;
	}
	r = live_step_pass(x, &n->k.p, e);
	live_step_node_free(n);
	if (r < 0)
		return -1;
	return live_step_drain(x, h, now, e);
}

static int decide_drop(struct live_step *x, struct step_hold *h, uint64_t now, struct err *e)
{
	struct step_node *n = h->head;
	struct impair_verdict v = { .action = IMPAIR_DROP };

	v.dir = n->k.p.dir == LIVE_OUT ? IMPAIR_OUT : IMPAIR_IN;
	live_note_verdict(x->st.pp, h->c, &n->k.p, &v, "dropped at the step prompt", now);
	live_step_node_free(take_head(h));
	return live_step_drain(x, h, now, e);
}

/* delay MS: the segment goes on after MS (at --time-scale's pace, like a rule's delay);
 * logged once, here, and its line says "released after" when it goes. */
static int decide_delay(struct live_step *x, struct step_hold *h, uint64_t d, uint64_t now,
			struct err *e)
{
	struct impair_verdict v = { .action = IMPAIR_DELAY, .delay_us = d };
	double k = live_pipe_scale(x->st.pp);
	struct step_node *n = h->head;
	char what[96], t[32];

	v.dir = n->k.p.dir == LIVE_OUT ? IMPAIR_OUT : IMPAIR_IN;
	impair_format_us(d, t, sizeof(t));
	snprintf(what, sizeof(what), "delayed %s at the step prompt", t);
	if (k != 1.0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " (%.3f ms at scale %g)",
			 d * k / 1e3, k);
	live_note_verdict(x->st.pp, h->c, &n->k.p, &v, what, now);
	n = take_head(h);
	n->release_at = now + live_pipe_scaled_us(x->st.pp, d);
	snprintf(n->k.tail, sizeof(n->k.tail), "(released: %s delay from the step prompt%s)", t,
		 k != 1.0 ? ", run at --time-scale" : "");
	n->k.p.tail = n->k.tail;
	n->next = x->delayed;
	x->delayed = n;
	return live_step_drain(x, h, now, e);
}

/* c: every hold passes and nothing stops again; conn=N c: that connection runs free. */
static int decide_continue(struct live_step *x, struct step_hold *h, bool one, uint64_t now,
			   struct err *e)
{
	if (one && h->c && h->c->ix)
		h->c->ix->free_run = true;
	else
		x->cfg.dirs = 0;
	if (decide_pass(x, h, now, e) < 0)
		return -1;
	while (!one && x->holds)
		if (decide_pass(x, x->holds, now, e) < 0)
			return -1;
	return 0;
}

static int one(struct live_step *x, struct step_hold *h, bool targeted, char *cmd, uint64_t now,
	       char *why, size_t cap, struct err *e)
{
	char *w1 = strtok(cmd, " \t"), *w2 = w1 ? strtok(NULL, " \t") : NULL;
	char *w3 = w2 ? strtok(NULL, "") : NULL;
	uint64_t d;
	int r;

	if (!w1 || !strcmp(w1, "send"))
		return w2 ? CMD_BAD : decide_pass(x, h, now, e) < 0 ? -1 : CMD_DECIDED;
	if (!strcmp(w1, "d") || !strcmp(w1, "drop"))
		return decide_drop(x, h, now, e) < 0 ? -1 : CMD_DECIDED;
	if (!strcmp(w1, "q") || !strcmp(w1, "quit"))
		return (x->quit = true), CMD_DECIDED;
	if (!strcmp(w1, "c") || !strcmp(w1, "continue"))
		return decide_continue(x, h, targeted, now, e) < 0 ? -1 : CMD_DECIDED;
	if (!strcmp(w1, "delay") && w2 && !w3 && cli_parse_duration(w2, &d, e) == 0)
		return decide_delay(x, h, d, now, e) < 0 ? -1 : CMD_DECIDED;
	if (!strcmp(w1, "edit") && w2 && w3) {
		r = edit(h, w2, w3, why, cap);
		return r == 0 ? CMD_AGAIN : r == -2 ? CMD_BAD : (why[0] = '\0', CMD_BAD);
	}
	why[0] = '\0';
	return CMD_BAD;
}

static void not_understood(struct live_step *x, const char *cmd, const char *why)
{
	FILE *f = live_step_file(x);

	if (why[0])
		fprintf(f, "          %s: %s\n", cmd, why);
	else
		fprintf(f, "          not understood: '%s': Enter or send, d, delay MS, edit FIELD "
			"VALUE (seq|ack: +N, -N, N or raw:N; flags: S. R F. ...; win N; payload "
			"STR), c, q, list; conn=N first for another connection\n", cmd);
	fflush(f);	/* at once: the user is looking at the prompt */
}

/* After a line that decided nothing: what stays (edits applied earlier, on this line or
 * before) and what of the line was not run, so that a refusal never drops a chained
 * `send` without a word. */
static void undecided(struct live_step *x, const struct step_hold *h, bool bad,
		      const char *rest)
{
	FILE *f = live_step_file(x);
	char ed[160];

	if (bad && rest && rest[strspn(rest, " \t;")])
		fprintf(f, "          not run: '%s' (the line stops at the first command that "
			"fails; nothing was sent)\n", rest + strspn(rest, " \t;"));
	edits_text(h, ed, sizeof(ed));
	if (ed[0])
		fprintf(f, "          (edits kept: %s; Enter or send sends)\n", ed);
	else
		fprintf(f, "          (nothing changed; the decision still waits)\n");
	if (!x->cfg.echo) {
		fprintf(f, "step> ");
		live_log_prompt_drawn(x->st.pp->g, f);
	}
	fflush(f);
}

/* Runs the commands of one line on h until one decides. */
static int run_line(struct live_step *x, struct step_hold *h, bool targeted, char *rest,
		    uint64_t now, struct err *e)
{
	char *cmd, copy[512], why[320];
	int r = CMD_AGAIN;
	bool bad = false;

	while (r == CMD_AGAIN && (cmd = live_cmd_next(&rest))) {
		snprintf(copy, sizeof(copy), "%s", cmd);
		if ((r = one(x, h, targeted, cmd, now, why, sizeof(why), e)) < 0)
			return -1;
		if (r == CMD_BAD) {
			not_understood(x, copy, why);
			r = CMD_AGAIN;
			bad = true;
			break;	/* the rest of the line is not run: the user reads and retries */
		}
	}
	if (r == CMD_AGAIN)
		undecided(x, h, bad, rest);
	return 0;
}

int live_step_command(struct live_step *x, char *line, uint64_t now, struct err *e)
{
	struct live_target t;
	char first[32], *rest, tt[64];
	struct step_hold *h;
	unsigned before;
	size_t n;

	if (!x->holds) {	/* q needs no decision: after `c` it still stops the program */
		rest = line + strspn(line, " \t");
		if (strcmp(rest, "q") && strcmp(rest, "quit"))
			return 0;
		if (x->cfg.echo)
			live_log_note(x->st.pp->g, "step> %s", rest);
		return (x->quit = true), 1;
	}
	if (!(rest = live_cmd_target(line, &t)))
		return 0;	/* a malformed conn=: --manual's words may say more */
	rest += strspn(rest, " \t");
	n = strcspn(rest, " \t;");
	snprintf(first, sizeof(first), "%.*s", (int)(n < sizeof(first) ? n : sizeof(first) - 1), rest);
	if (!step_word(first) || (!strcmp(first, "send") && rest[n] == ' '))
		return 0;	/* not for the prompt ("send R" is --manual's) */
	if (x->cfg.echo)	/* piped: the log shows what was decided */
		live_log_note(x->st.pp->g, "step> %s%s%s", t.set ? (live_cmd_target_text(&t, tt,
			      sizeof(tt)), tt) : "", t.set ? " " : "", rest);
	if (!(h = pick(x, &t))) {
		live_cmd_target_text(&t, tt, sizeof(tt));
		not_understood(x, tt, "no decision of that connection waits (list shows them)");
		return 1;
	}
	before = x->unheld;
	if (run_line(x, h, t.set, rest, now, e) < 0)
		return -1;
	/* h's decision ended its hold (conn=N c, or nothing left behind it): the oldest
	 * other decision still waits and is shown again, or it would wait unseen */
	if (x->unheld != before && x->holds && !x->quit)
		live_step_show(x, x->holds, now);
	return 1;
}

int live_step_eof(struct live_step *x, uint64_t now, struct err *e)
{
	x->cfg.dirs = 0;	/* end of input: continue without stopping */
	while (x->holds)
		if (decide_pass(x, x->holds, now, e) < 0)
			return -1;
	return 0;
}
