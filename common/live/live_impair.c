/* live_impair.c - the impairment engine on the live programs' send and receive paths, and the held segments. */
#include "live_x.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* Any random rule: the seed that repeats the run must be on the log (impair.h,
 * impair_seed_note: a rule's own seed= when it has one). */
static void print_rules(struct live *l, const struct impair *im)
{
	char note[512];

	for (unsigned i = 1; i <= im->nrules; i++)
		live_log_note(&l->g, "impair: rule %u '%s'", i, impair_rule_text(im, i));
	if (impair_seed_note(im, note, sizeof(note)) <= 0)
		return;
	if (l->g.f)
		live_log_note(&l->g, "impair: %s", note);
	else	/* no log: the seed is printed all the same */
		fprintf(stderr, "impair: %s\n", note);
}

int live_x_open(struct live *l, const struct live_cfg *cfg, struct err *e)
{
	struct live_x *x;
	bool rules = cfg->impair && cfg->impair->nrules > 0;

	if (!rules && !cfg->step && !cfg->manual)
		return 0;
	if (!(x = calloc(1, sizeof(*x))))
		return err_set(e, "out of memory for the impairment state");
	impair_init(&x->own, 0);
	x->im = rules ? cfg->impair : &x->own;
	x->rules = rules;
	x->step = cfg->step;
	x->manual = cfg->manual;
	x->tty = isatty(0);
	x->wait_until = TCB_NEVER;
	l->x = x;
	if (rules)
		print_rules(l, x->im);
	return 0;
}

void live_x_close(struct live *l)
{
	if (!l->x)
		return;
	for (unsigned i = 0; i < IMPAIR_HOLD_MAX; i++)
		free(l->x->held[i].bytes);
	free(l->x);
	l->x = NULL;
}

void live_x_bases(struct live_conn *c, const struct seg *s, bool out, uint32_t *sb,
		  uint32_t *ab)
{
	enum tcb_state st = c && c->tcb ? tcb_state(c->tcb) : TCB_CLOSED;
	bool irs = st != TCB_SYN_SENT && st != TCB_LISTEN && st != TCB_CLOSED;

	*sb = *ab = 0;
	if (!c || !c->tcb || (s->flags & SEG_SYN))
		return;
	*sb = out ? tcb_iss(c->tcb) : (irs ? tcb_irs(c->tcb) : 0);
	*ab = out ? (irs ? tcb_irs(c->tcb) : 0) : tcb_iss(c->tcb);
}

void live_note(struct live *l, struct live_conn *c, uint64_t now, const char *fmt, ...)
{
	char text[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	live_log_note(&l->g, "#%-3u      %10.6f   %s", c ? c->id : 0, live_elapsed(l, now) / 1e6,
		      text);
}

void live_note_impair(struct live *l, struct live_conn *c, const struct seg *s,
		      const struct impair_verdict *v, const char *what, uint64_t now)
{
	char vt[320], line[256];
	uint32_t sb, ab;
	bool out = v->dir == IMPAIR_OUT;

	struct explain_impair imp = { EXPLAIN_IMP_DROP, v->delay_us, "" };
	static const enum explain_impair_act acts[] = {
		[IMPAIR_DROP] = EXPLAIN_IMP_DROP, [IMPAIR_DELAY] = EXPLAIN_IMP_DELAY,
		[IMPAIR_DUP] = EXPLAIN_IMP_DUPLICATE, [IMPAIR_REORDER] = EXPLAIN_IMP_REORDER,
		[IMPAIR_CORRUPT] = EXPLAIN_IMP_CORRUPT,
	};

	if (v->action >= IMPAIR_DROP && v->action <= IMPAIR_CORRUPT) {
		imp.act = acts[v->action];	/* the logger's record (EXPLAIN_REC_IMPAIR) */
		snprintf(imp.rule, sizeof(imp.rule), "%s", v->rule ? v->rule_text : "step prompt");
		live_log_impair(l, c, s, out, &imp, now);
	}
	if (!what) {
		impair_verdict_format(v, vt, sizeof(vt));
		what = vt;
	}
	live_x_bases(c, s, out, &sb, &ab);
	seg_format(s, sb, ab, line, sizeof(line));
	live_note(l, c, now, "impair %s > %s: %s  [%s]", out ? l->local_name : l->peer_name,
		  out ? l->peer_name : l->local_name, what, line);
}

/* A free slot of the held table; -1 when all are used. */
static int free_slot(struct live_x *x)
{
	for (int i = 0; i < IMPAIR_HOLD_MAX; i++)
		if (!x->held[i].used)
			return i;
	return -1;
}

int live_x_hold(struct live *l, struct live_conn *c, const struct seg *s,
		const struct wire_pkt *p, const struct impair_verdict *v, struct err *e)
{
	struct live_x *x = l->x;
	int i = free_slot(x);
	struct live_held *h;
	size_t n = p ? p->ip_len : s->len;

	if (i < 0)
		return err_set(e, "impair: %d segments already held", IMPAIR_HOLD_MAX);
	h = &x->held[i];
	free(h->bytes);
	if (!(h->bytes = malloc(n ? n : 1)))
		return err_set(e, "out of memory for a held segment");
	if (n)	/* an empty segment's payload pointer may be NULL: memcpy forbids it */
		memcpy(h->bytes, p ? (const void *)p->ip : (const void *)s->payload, n);
	if (impair_hold(x->im, v, (uint64_t)i, e) < 0)
		return -1;
	h->used = true;
	h->dir = v->dir;
	h->len = n;
	h->at = v->at;
	h->c = p ? NULL : c;
	if (!p) {
		h->s = *s;
		h->s.payload = h->bytes;
		if (c)
			c->queued++;	/* keeps c allocated until the segment leaves */
	}
	return 0;
}

/* A step verdict dressed as an impairment verdict (rule 0) for the hold queue. */
static void step_verdict(enum impair_dir dir, uint64_t now, uint64_t delay,
			 struct impair_verdict *v)
{
	memset(v, 0, sizeof(*v));
	v->action = IMPAIR_DELAY;
	v->dir = dir;
	v->rule_text = "";
	v->at = now;
	v->until = now + delay;
	v->delay_us = delay;
}

/* Acts on a verdict for an outgoing segment. */
static int out_verdict(struct live *l, struct live_conn *c, const struct seg *s,
		       const char *tail, const struct impair_verdict *v, struct err *e)
{
	if (v->action != IMPAIR_DELIVER)
		live_note_impair(l, c, s, v, NULL, v->at);
	switch (v->action) {
	case IMPAIR_DROP:
		return 0;	/* never on the wire, so not in the capture */
	case IMPAIR_DELAY:
	case IMPAIR_REORDER:
		if (live_x_hold(l, c, s, NULL, v, e) == 0)
			return 0;
		live_note(l, c, v->at, "impair: %s: sent at once", e->msg);
		return live_wire_out(l, c, s, tail, false, e);
	case IMPAIR_DUP:
		if (live_wire_out(l, c, s, tail, false, e) < 0)
			return -1;
		return live_wire_out(l, c, s, "(duplicate made by --impair)", false, e);
	case IMPAIR_CORRUPT:
		return live_wire_out(l, c, s, "(checksum damaged by --impair: the peer must "
				     "discard it, RFC 9293 §3.1)", true, e);
	default:
		return live_wire_out(l, c, s, tail, false, e);
	}
}

int live_x_out(struct live *l, struct live_conn *c, const struct seg *s, const char *tail,
	       struct err *e)
{
	struct live_x *x = l->x;
	struct impair_verdict v;
	struct seg cp = *s;
	uint64_t now = evloop_now_us(), delay = 0;
	enum tcb_state st = c && c->tcb ? tcb_state(c->tcb) : TCB_CLOSED;

	if (x->step & IMPAIR_OUT) {
		enum live_step_act a = live_step(l, c, &cp, true, &delay);

		now = evloop_now_us();
		if (a == LIVE_STEP_QUIT) {
			x->quit = true;
			return 0;
		}
		if (a == LIVE_STEP_DROP)
			return 0;
		if (a == LIVE_STEP_DELAY) {
			step_verdict(IMPAIR_OUT, now, delay, &v);
			return out_verdict(l, c, &cp, tail, &v, e);
		}
	}
	if (!x->rules)
		return live_wire_out(l, c, &cp, tail, false, e);
	impair_decide(x->im, IMPAIR_OUT, &cp, st, c ? c->id : 0, now, &v);
	return out_verdict(l, c, &cp, tail, &v, e);
}

/* Corrupts an arriving datagram the way the wire would have: the program sees a segment
 * whose checksum fails and discards it. */
static void corrupt_in(struct live *l, struct live_ev *ev)
{
	struct err pe;

	memcpy(l->x->rel, ev->pkt.ip, ev->pkt.ip_len);
	if (impair_corrupt_bytes(l->x->rel, ev->pkt.ip_len) < 0 ||
	    seg_parse(l->x->rel, ev->pkt.ip_len, &ev->pkt.seg, &pe) < 0)
		return;
	ev->pkt.ip = l->x->rel;
	ev->pkt.kind = WIRE_PKT_BAD_CSUM;
}

/* Acts on a verdict for an arriving segment: 1 deliver now, 0 swallowed, -1 error. */
static int in_verdict(struct live *l, struct live_ev *ev, struct live_conn *c,
		      const struct impair_verdict *v, struct err *e)
{
	struct impair_verdict dv;

	if (v->action != IMPAIR_DELIVER)
		live_note_impair(l, c, &ev->pkt.seg, v, NULL, v->at);
	switch (v->action) {
	case IMPAIR_DROP:
		return 0;
	case IMPAIR_DELAY:
	case IMPAIR_REORDER:
		if (live_x_hold(l, c, &ev->pkt.seg, &ev->pkt, v, e) == 0)
			return 0;
		live_note(l, c, v->at, "impair: %s: delivered at once", e->msg);
		return 1;
	case IMPAIR_DUP:	/* the copy comes out of the hold queue right after this one */
		step_verdict(IMPAIR_IN, v->at, 0, &dv);
		if (live_x_hold(l, c, &ev->pkt.seg, &ev->pkt, &dv, e) < 0)
			live_note(l, c, v->at, "impair: %s: not duplicated", e->msg);
		return 1;
	case IMPAIR_CORRUPT:
		corrupt_in(l, ev);
		return 1;
	default:
		return 1;
	}
}

/* --step in: the user sees the arriving segment and may drop, delay or edit it. */
static int step_in(struct live *l, struct live_ev *ev, struct live_conn *c, struct err *e)
{
	struct impair_verdict v;
	uint64_t delay = 0;
	enum live_step_act a = live_step(l, c, &ev->pkt.seg, false, &delay);

	if (a == LIVE_STEP_QUIT) {
		l->x->quit = true;
		return 0;
	}
	if (a == LIVE_STEP_DROP)
		return 0;
	if (a != LIVE_STEP_DELAY)
		return 1;
	step_verdict(IMPAIR_IN, evloop_now_us(), delay, &v);
	if (live_x_hold(l, c, &ev->pkt.seg, &ev->pkt, &v, e) < 0)
		return 1;
	return 0;
}

int live_x_arrived(struct live *l, struct live_ev *ev, struct err *e)
{
	struct live_x *x = l->x;
	struct live_conn *c = NULL;
	enum tcb_state st = TCB_CLOSED;
	struct impair_verdict v;
	int r = 1;

	if (ev->pkt.kind != WIRE_PKT_OK)
		return 1;	/* the program reports and discards it */
	if (l->lookup)
		c = l->lookup(l->lookup_ctx, &ev->pkt.seg, &st);
	if (x->rules) {
		impair_decide(x->im, IMPAIR_IN, &ev->pkt.seg, st, c ? c->id : 0, ev->now, &v);
		if ((r = in_verdict(l, ev, c, &v, e)) <= 0 || ev->pkt.kind != WIRE_PKT_OK)
			return r;
	}
	if (x->step & IMPAIR_IN)
		r = step_in(l, ev, c, e);
	return r;
}

/* A held segment comes out: sent (out) or handed to the program as an event (in). */
static int release(struct live *l, const struct impair_held *h, struct live_ev *ev,
		   uint64_t now, struct err *e)
{
	struct live_held *k = &l->x->held[h->token];
	char what[96], d[32];
	struct err pe;
	int r = 0;

	k->used = false;
	impair_format_us(now - k->at, d, sizeof(d));
	snprintf(what, sizeof(what), "(released after %s%s)", d,
		 h->action == IMPAIR_REORDER ? ", reordered" : "");
	if (k->dir == IMPAIR_OUT) {
		struct live_conn *c = k->c && !k->c->released ? k->c : NULL;

		r = live_wire_out(l, c, &k->s, what, false, e);
		if (k->c && --k->c->queued == 0 && k->c->released)
			free(k->c);
		return r < 0 ? -1 : 0;
	}
	memcpy(l->x->rel, k->bytes, k->len);
	memset(&ev->pkt, 0, sizeof(ev->pkt));
	if (seg_parse(l->x->rel, k->len, &ev->pkt.seg, &pe) < 0)
		return 0;
	ev->kind = LIVE_PKT;
	ev->now = now;
	ev->pkt.kind = WIRE_PKT_OK;
	ev->pkt.ip = l->x->rel;
	ev->pkt.ip_len = k->len;
	live_note(l, NULL, now, "impair: arriving segment %s", what);
	return 1;
}

int live_x_pending(struct live *l, struct live_ev *ev, uint64_t now, struct err *e)
{
	struct live_x *x = l->x;
	struct impair_held h;
	int r;

	if (x->quit) {
		ev->kind = LIVE_QUIT;
		ev->now = now;
		return 1;
	}
	while (impair_due(x->im, now, &h))
		if ((r = release(l, &h, ev, now, e)) != 0)
			return r;
	if (x->manual && live_manual_run(l, now, e) < 0)
		return -1;
	return x->quit ? live_x_pending(l, ev, now, e) : 0;
}

uint64_t live_x_deadline(const struct live *l)
{
	uint64_t d = impair_deadline(l->x->im);

	if (l->x->manual && l->x->waiting && l->x->wait_until < d)
		d = l->x->wait_until;
	return d == IMPAIR_NEVER ? TCB_NEVER : d;
}
