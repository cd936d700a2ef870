/* live_step.c - the step stage: holds a segment for the user's decision, queues what follows it, never blocks the loop. */
#include "live_step_impl.h"

#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "live_cmd.h"
#include "live_log.h"
#include "live_note.h"

#define STEP_HOLDS_MAX 64	/* connections with a decision waiting at once */

/* ---- keys and queues ---- */

static struct tcb_addr key_of(const struct live_pkt *p, const struct live_conn *c)
{
	const struct seg *s = &p->s;

	if (c)
		return c->addr;
	if (p->dir == LIVE_OUT)
		return tcb_addr_of_seg(s, false);
	return tcb_addr_of_seg(s, true);
}

/* A local address of zero (not known yet) matches any. */
static bool same_key(const struct tcb_addr *a, const struct tcb_addr *b)
{
	static const uint8_t none6[16];

	if (a->v6 != b->v6 || a->rport != b->rport || a->lport != b->lport)
		return false;
	if (!a->v6)
		return a->raddr == b->raddr && (!a->laddr || !b->laddr || a->laddr == b->laddr);
	return !memcmp(a->raddr6, b->raddr6, 16) &&
	       (!memcmp(a->laddr6, none6, 16) || !memcmp(b->laddr6, none6, 16) ||
		!memcmp(a->laddr6, b->laddr6, 16));
}

static struct step_hold *find_hold(struct live_step *x, const struct tcb_addr *k)
{
	for (struct step_hold *h = x->holds; h; h = h->next)
		if (same_key(&h->key, k))
			return h;
	return NULL;
}

static struct step_node *node_new(const struct live_pkt *p, struct err *e)
{
	struct step_node *n = calloc(1, sizeof(*n));

	if (!n || live_pkt_keep(&n->k, p, e) < 0) {
		free(n);
		err_set(e, "out of memory for a segment held at the step prompt");
		return NULL;
	}
	return n;
}

void live_step_node_free(struct step_node *n)
{
	live_pkt_forget(&n->k);
	free(n->edit_buf);
	free(n);
}

static void append(struct step_hold *h, struct step_node *n)
{
	if (h->tail)
		h->tail->next = n;
	else
		h->head = n;
	h->tail = n;
}

static unsigned count(const struct step_node *n)
{
	unsigned k = 0;

	for (; n; n = n->next)
		k++;
	return k;
}

static unsigned count_holds(const struct live_step *x)
{
	unsigned k = 0;

	for (const struct step_hold *h = x->holds; h; h = h->next)
		k++;
	return k;
}

/* ---- the prompt ---- */

FILE *live_step_file(const struct live_step *x)
{
	return live_note_prompt_file(x->st.pp, !x->cfg.echo);
}

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

static void view_of(const struct live_step *x, const struct step_hold *h, uint64_t now,
		    struct live_step_view *v)
{
	const struct live_conn *c = h->c && !h->c->released ? h->c : NULL;
	const struct live_pkt *p = &h->head->k.p;

	memset(v, 0, sizeof(*v));
	v->conn = c ? c->id : 0;
	v->state = c && c->tcb ? tcb_state_name(tcb_state(c->tcb)) : "no connection";
	v->out = p->dir == LIVE_OUT;
	v->s = &p->s;
	live_note_seg(c, &p->s, v->out, v->seg_text, sizeof(v->seg_text));
	v->clock_paused = live_conn_paused(c);
	v->queued = count(h->head->next);
	v->since = h->since;
	for (const struct step_hold *o = x->holds; o; o = o->next)
		v->others += o != h && o->head;
	if (!c || !c->tcb)
		return;
	for (int k = TCB_TIMER_RTX; k < TCB_NTIMERS; k++) {
		uint64_t at = tcb_timer_at(c->tcb, (enum tcb_timer)k);

		if (at != TCB_NEVER)
			v->timers[v->ntimers++] = (struct live_step_timer){
				tcb_timer_name((enum tcb_timer)k),
				(int64_t)(at - live_conn_clock(c, now)) };
	}
	if (c->app_deadline != TCB_NEVER)
		v->timers[v->ntimers++] = (struct live_step_timer){
			"program", (int64_t)(c->app_deadline - live_conn_clock(c, now)) };
}

static void show_timers(FILE *f, const struct live_step_view *v)
{
	if (!v->ntimers) {
		fprintf(f, "          timers: none running\n");
		return;
	}
	fprintf(f, "          timers:");
	for (unsigned i = 0; i < v->ntimers; i++)
		fprintf(f, "%s %s in %.3f s", i ? "," : "", v->timers[i].name,
			v->timers[i].left_us / 1e6);
	fprintf(f, " (protocol time left)\n");
}

void live_step_show(struct live_step *x, struct step_hold *h, uint64_t now)
{
	struct live_pipe *pp = x->st.pp;
	FILE *f = live_step_file(x);
	struct live_step_view v;

	live_log_flush(pp->g);	/* the records before the prompt that refers to them */
	live_log_prompt_break(pp->g, f);	/* (another connection's prompt was open) */
	view_of(x, h, now, &v);
	if (x->cfg.show) {
		x->cfg.show(x->cfg.show_ctx, &v);
		return;
	}
	fprintf(f, "#%-3u step %s: %s > %s  %s\n          %s (state %s)\n", v.conn,
		v.out ? "before sending" : "received", v.out ? pp->local_name : pp->peer_name,
		v.out ? pp->peer_name : pp->local_name, v.seg_text, what_it_does(v.s), v.state);
	show_timers(f, &v);
	if (v.conn)
		fprintf(f, "          clock: %s\n", v.clock_paused
			? "paused for this connection while you decide (--step-clock pause)"
			: "running while you decide (--step-clock run): its timers keep counting");
	if (v.others)
		fprintf(f, "          (%u other connection%s wait%s for a decision too: "
			"commands without conn=N answer the oldest)\n", v.others,
			v.others > 1 ? "s" : "", v.others > 1 ? "" : "s");
	fprintf(f, "          [Enter|send] %s  d drop  delay MS  edit seq|ack|flags|win|payload V"
		"  c continue  q quit  list  (conn=N first: another connection; ';' joins)\n",
		v.out ? "send" : "deliver");
	if (!x->cfg.echo) {
		fprintf(f, "step> ");
		live_log_prompt_drawn(x->st.pp->g, f);
	}
	fflush(f);
}

/* ---- passing on ---- */

int live_step_pass(struct live_step *x, struct live_pkt *p, struct err *e)
{
	return p->dir == LIVE_OUT ? live_pipe_down(&x->st, p, e) : live_pipe_up(&x->st, p, e);
}

/* Retransmissions of bytes edited at the prompt carry the edited bytes too. */
static void apply_overlay(struct live_pkt *p, uint8_t *tmp)
{
	const struct live_conn_ix *ix = p->c ? p->c->ix : NULL;

	if (p->dir != LIVE_OUT || !ix || !ix->edit_bytes || !p->s.len)
		return;
	if (p->s.seq != ix->edit_seq || p->s.len != ix->edit_len)
		return;	/* the TCB resends whole segments here: same seq and length */
	memcpy(tmp, ix->edit_bytes, ix->edit_len);
	p->s.payload = tmp;
}

static bool stops(const struct live_step *x, const struct live_pkt *p, const struct live_conn *c)
{
	unsigned dir = p->dir == LIVE_OUT ? IMPAIR_OUT : IMPAIR_IN;

	if (!(x->cfg.dirs & dir) || (c && c->ix && c->ix->free_run))
		return false;
	return p->dir == LIVE_OUT || p->w.kind == WIRE_PKT_OK;
}

static void unhold(struct live_step *x, struct step_hold *h, uint64_t now)
{
	struct step_hold **pp = &x->holds;

	while (*pp != h)
		pp = &(*pp)->next;
	*pp = h->next;
	if (h->c && live_conn_paused(h->c)) {
		live_conn_resume(h->c, now);
		x->st.pp->resumed++;
	}
	live_conn_unref(h->c);
	free(h);
	x->unheld++;
}

/* The head becomes a pending decision: its connection stops, the prompt shows it. */
static void stop_at_head(struct live_step *x, struct step_hold *h, uint64_t now)
{
	h->before = h->head->k.p.s;
	h->since = now;
	if (x->cfg.pause_clock)
		live_conn_pause(h->c, now);
	live_step_show(x, h, now);
}

/* After a decision: what queued behind it goes on in order, until one stops again. */
int live_step_drain(struct live_step *x, struct step_hold *h, uint64_t now, struct err *e)
{
	while (h->head) {
		struct step_node *n = h->head;
		struct live_conn *c = n->k.p.c ? n->k.p.c : h->c;
		int r;

		if (stops(x, &n->k.p, c)) {
			stop_at_head(x, h, now);
			return 0;
		}
		h->head = n->next;
		if (!h->head)
			h->tail = NULL;
		/* it waited queued since it came (its now): its record says so, as the head's */
		n->k.p.held_us = now - n->k.p.now >= 1000 ? now - n->k.p.now : 0;
		n->k.p.now = now;
		r = live_step_pass(x, &n->k.p, e);
		live_step_node_free(n);
		if (r < 0)
			return -1;
	}
	unhold(x, h, now);
	return 0;
}

unsigned live_step_held_out(const struct live_step *x, const struct live_conn *c)
{
	unsigned k = 0;

	for (const struct step_hold *h = x ? x->holds : NULL; h; h = h->next)
		for (const struct step_node *n = h->head; h->c == c && n; n = n->next)
			k += n->k.p.dir == LIVE_OUT;
	return k;
}

/* ---- the stage ---- */

static int step_seg(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct live_step *x = (struct live_step *)st;
	enum tcb_state s;
	struct live_conn *c = live_pipe_conn(st->pp, p, &s);
	struct tcb_addr k = key_of(p, c);
	struct step_hold *h = find_hold(x, &k);
	struct step_node *n;
	uint8_t tmp[2048];
	char line[256];

	apply_overlay(p, tmp);	/* before it is kept: a held retransmission has it too */
	if (p->urgent) {	/* the user's abort is a command, not a segment to decide on */
		if (h) {
			live_note_seg(c, &p->s, true, line, sizeof(line));
			live_note_at(st->pp, c, p->now, "step: the abort is sent at once, past the "
				     "pending decision (which is never sent)  [%s]", line);
		}
		return live_step_pass(x, p, e);
	}
	if (!h && !stops(x, p, c))
		return live_step_pass(x, p, e);
	if (!h && count_holds(x) >= STEP_HOLDS_MAX) {	/* a flood must not pile up prompts */
		live_note_seg(c, &p->s, p->dir == LIVE_OUT, line, sizeof(line));
		live_note_at(st->pp, c, p->now, "step: %d decisions already wait; this segment "
			     "passes without a stop  [%s]", STEP_HOLDS_MAX, line);
		return live_step_pass(x, p, e);
	}
	if (!(n = node_new(p, e)))
		return -1;
	/* A received segment kept here reaches its TCB after what the TCB sends meanwhile:
	 * its analysis (resend numbers, duplicate ACKs) follows the wire's order, so it is
	 * made now. One the user drops at its own prompt was on the wire all the same: it
	 * stays in the analysis, as in tshark's of the -w file. */
	if (p->dir == LIVE_IN && c)
		live_log_arrived(st->pp->g, c, &p->s, p->frame, p->arrived);
	if (h) {	/* behind a pending decision: queued, and shown */
		append(h, n);
		live_note_seg(c, &p->s, p->dir == LIVE_OUT, line, sizeof(line));
		live_note_at(st->pp, c, p->now, "step: %s queued behind the pending decision "
			     "(%u waiting)  [%s]", p->dir == LIVE_OUT ? "to send:" : "arrived:",
			     count(h->head) - 1, line);
		return 0;
	}
	if (!(h = calloc(1, sizeof(*h)))) {
		live_step_node_free(n);
		return err_set(e, "out of memory for a step decision");
	}
	h->key = k;
	h->c = c;
	live_conn_ref(c);
	append(h, n);
	for (struct step_hold **pp = &x->holds;; pp = &(*pp)->next)
		if (!*pp) {
			*pp = h;
			break;
		}
	stop_at_head(x, h, p->now);
	return 0;
}

static uint64_t step_deadline(const struct live_stage *st)
{
	const struct live_step *x = (const struct live_step *)st;
	uint64_t d = TCB_NEVER;

	for (const struct step_node *n = x->delayed; n; n = n->next)
		d = n->release_at < d ? n->release_at : d;
	return d;
}

static int step_tick(struct live_stage *st, uint64_t now, struct err *e)
{
	struct live_step *x = (struct live_step *)st;
	struct step_node **pn = &x->delayed;

	while (*pn) {
		struct step_node *n = *pn;
		int r;

		if (n->release_at > now) {
			pn = &n->next;
			continue;
		}
		*pn = n->next;
		n->k.p.now = now;
		if (n->k.p.c && n->k.p.c->released)
			n->k.p.c = (live_conn_unref(n->k.p.c), NULL);
		r = live_step_pass(x, &n->k.p, e);
		live_step_node_free(n);
		if (r < 0)
			return -1;
		pn = &x->delayed;	/* the list may have changed */
	}
	return 0;
}

static void step_free(struct live_stage *st)
{
	struct live_step *x = (struct live_step *)st;

	while (x->holds) {
		struct step_hold *h = x->holds;

		while (h->head) {
			struct step_node *n = h->head;

			h->head = n->next;
			live_step_node_free(n);
		}
		x->holds = h->next;
		live_conn_unref(h->c);
		free(h);
	}
	while (x->delayed) {
		struct step_node *n = x->delayed;

		x->delayed = n->next;
		live_step_node_free(n);
	}
	free(x);
}

static const struct live_stage_ops step_ops = {
	.name = "step", .in = step_seg, .out = step_seg, .deadline = step_deadline,
	.tick = step_tick, .free = step_free,
};

struct live_step *live_step_push(struct live_pipe *pp, const struct live_step_cfg *cfg,
				 struct err *e)
{
	struct live_step *x = calloc(1, sizeof(*x));

	if (!x) {
		err_set(e, "out of memory for the step stage");
		return NULL;
	}
	x->cfg = *cfg;
	live_pipe_push(pp, &x->st, &step_ops);
	return x;
}

bool live_step_waiting(const struct live_step *x)
{
	return x->holds != NULL;
}

bool live_step_quit(const struct live_step *x)
{
	return x->quit;
}

bool live_step_current(const struct live_step *x, uint64_t now, struct live_step_view *v)
{
	for (const struct step_hold *h = x->holds; h; h = h->next)
		if (h->head) {
			view_of(x, h, now, v);
			return true;
		}
	return false;
}
