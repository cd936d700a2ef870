/* live_impair.c - the impairment stage: the rules on both directions, and the segments they hold (delay, reorder). */
#include "live_stages.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "live_log.h"
#include "live_note.h"

struct live_impair {
	struct live_stage st;
	struct impair *im;
	struct live_kept held[IMPAIR_HOLD_MAX];	/* by the engine's token */
	bool used[IMPAIR_HOLD_MAX];
	uint8_t rel[SEG_IP_MAX];	/* a corrupted copy of an arriving datagram */
};

/* Any random rule: the seed that repeats the run must be on the log (impair.h,
 * impair_seed_note: a rule's own seed= when it has one). */
static void print_rules(struct live_log *g, const struct impair *im)
{
	char note[512];

	for (unsigned i = 1; i <= im->nrules; i++)
		live_log_note(g, "impair: rule %u '%s'", i, impair_rule_text(im, i));
	if (impair_seed_note(im, note, sizeof(note)) <= 0)
		return;
	if (g->f)
		live_log_note(g, "impair: %s", note);
	else	/* no log: the seed is printed all the same */
		fprintf(stderr, "impair: %s\n", note);
}

/* --time-scale runs the network's delays at the protocol's speed too: a 300 ms delay
 * at scale 0.05 holds the segment 15 ms, so it stands in the same proportion to the
 * (scaled) timers as it would at full speed. */
static void scale_hold(const struct live_pipe *pp, struct impair_verdict *v)
{
	if (v->until > v->at)
		v->until = v->at + live_pipe_scaled_us(pp, v->until - v->at);
}

/* Keeps p under a free token for the engine's hold queue; -1 when it cannot. */
static int hold(struct live_impair *x, const struct live_pkt *p, struct impair_verdict *v,
		struct err *e)
{
	int i = 0;

	while (i < IMPAIR_HOLD_MAX && x->used[i])
		i++;
	if (i == IMPAIR_HOLD_MAX)
		return err_set(e, "impair: %d segments already held", IMPAIR_HOLD_MAX);
	scale_hold(x->st.pp, v);
	if (live_pkt_keep(&x->held[i], p, e) < 0)
		return -1;
	if (impair_hold(x->im, v, (uint64_t)i, e) < 0) {
		live_pkt_forget(&x->held[i]);
		return -1;
	}
	x->used[i] = true;
	x->held[i].p.now = v->at;	/* when it was held */
	return 0;
}

/* The verdict's note; a delay at --time-scale also says how long it holds in wall time. */
static void note(struct live_impair *x, struct live_conn *c, const struct live_pkt *p,
		 const struct impair_verdict *v)
{
	double k = live_pipe_scale(x->st.pp);
	char what[400];
	size_t n;

	if (v->action == IMPAIR_DELIVER)
		return;
	n = (size_t)impair_verdict_format(v, what, sizeof(what));
	if ((v->action == IMPAIR_DELAY) && k != 1.0 && n < sizeof(what))
		snprintf(what + n, sizeof(what) - n, "; at scale %g that is %.3f ms of wall time",
			 k, v->delay_us * k / 1e3);
	live_note_verdict(x->st.pp, c, p, v, what, v->at);
}

static int out_verdict(struct live_impair *x, struct live_pkt *p, struct live_conn *c,
		       struct impair_verdict *v, struct err *e)
{
	struct live_pipe *pp = x->st.pp;

	note(x, c, p, v);
	switch (v->action) {
	case IMPAIR_DROP:
		return 0;	/* never on the wire, so not in the capture */
	case IMPAIR_DELAY:
	case IMPAIR_REORDER:
		if (hold(x, p, v, e) == 0)
			return 0;
		live_note_at(pp, c, v->at, "impair: %s: sent at once", e->msg);
		return live_pipe_down(&x->st, p, e);
	case IMPAIR_DUP:
		if (live_pipe_down(&x->st, p, e) < 0)
			return -1;
		p->tail = "(duplicate made by --impair)";
		p->copy = true;
		return live_pipe_down(&x->st, p, e);
	case IMPAIR_CORRUPT:
		p->corrupt = true;
		p->tail = "(checksum damaged by --impair: the peer must discard it, RFC 9293 §3.1)";
		return live_pipe_down(&x->st, p, e);
	default:
		return live_pipe_down(&x->st, p, e);
	}
}

static int imp_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct live_impair *x = (struct live_impair *)st;
	struct impair_verdict v;
	enum tcb_state s;
	struct live_conn *c = live_pipe_conn(st->pp, p, &s);

	impair_decide(x->im, IMPAIR_OUT, &p->s, s, c ? c->id : 0, p->now, &v);
	return out_verdict(x, p, c, &v, e);
}

/* Damages an arriving datagram the way the wire would have: the program sees a segment
 * whose checksum fails and discards it. */
static void corrupt_in(struct live_impair *x, struct live_pkt *p)
{
	struct err pe;

	memcpy(x->rel, p->w.ip, p->w.ip_len);
	if (impair_corrupt_bytes(x->rel, p->w.ip_len) < 0 ||
	    seg_parse(x->rel, p->w.ip_len, &p->w.seg, &pe) < 0)
		return;
	p->s = p->w.seg;
	p->w.ip = x->rel;
	p->w.kind = WIRE_PKT_BAD_CSUM;
}

static int imp_in(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct live_impair *x = (struct live_impair *)st;
	struct impair_verdict v, dv;
	enum tcb_state s;
	struct live_conn *c;

	if (p->w.kind != WIRE_PKT_OK)
		return live_pipe_up(st, p, e);	/* the program reports and discards it */
	c = live_pipe_conn(st->pp, p, &s);
	impair_decide(x->im, IMPAIR_IN, &p->s, s, c ? c->id : 0, p->now, &v);
	note(x, c, p, &v);
	switch (v.action) {
	case IMPAIR_DROP:
		return 0;
	case IMPAIR_DELAY:
	case IMPAIR_REORDER:
		if (hold(x, p, &v, e) == 0)
			return 0;
		live_note_at(st->pp, c, v.at, "impair: %s: delivered at once", e->msg);
		break;
	case IMPAIR_DUP:	/* the copy comes out of the hold queue right after this one */
		dv = v;
		dv.action = IMPAIR_DELAY;
		dv.until = v.at;
		if (hold(x, p, &dv, e) < 0)
			live_note_at(st->pp, c, v.at, "impair: %s: not duplicated", e->msg);
		break;
	case IMPAIR_CORRUPT:
		corrupt_in(x, p);
		break;
	default:
		break;
	}
	return live_pipe_up(st, p, e);
}

/* A held segment comes out, on its way again in its own direction. */
static int release(struct live_impair *x, const struct impair_held *h, uint64_t now,
		   struct err *e)
{
	struct live_kept *k = &x->held[h->token];
	char what[128], d[32];
	int r;

	x->used[h->token] = false;
	double scale = live_pipe_scale(x->st.pp);

	impair_format_us(now - k->p.now, d, sizeof(d));
	snprintf(what, sizeof(what), "(released after %s%s%s)", d,
		 h->action == IMPAIR_REORDER ? ", reordered" : "",
		 scale != 1.0 ? " of wall time: the delay runs at --time-scale" : "");
	k->p.now = now;
	if (k->p.dir == LIVE_OUT) {
		if (k->p.c && k->p.c->released)
			k->p.c = (live_conn_unref(k->p.c), NULL);
		k->p.tail = what;
		r = live_pipe_down(&x->st, &k->p, e);
	} else {
		live_note_at(x->st.pp, NULL, now, "impair: arriving segment %s", what);
		r = live_pipe_up(&x->st, &k->p, e);
	}
	live_pkt_forget(k);
	return r;
}

static int imp_tick(struct live_stage *st, uint64_t now, struct err *e)
{
	struct live_impair *x = (struct live_impair *)st;
	struct impair_held h;

	while (impair_due(x->im, now, &h))
		if (release(x, &h, now, e) < 0)
			return -1;
	return 0;
}

static uint64_t imp_deadline(const struct live_stage *st)
{
	uint64_t d = impair_deadline(((const struct live_impair *)st)->im);

	return d == IMPAIR_NEVER ? TCB_NEVER : d;
}

static void imp_free(struct live_stage *st)
{
	struct live_impair *x = (struct live_impair *)st;

	for (unsigned i = 0; i < IMPAIR_HOLD_MAX; i++)
		if (x->used[i])
			live_pkt_forget(&x->held[i]);
	free(x);
}

static const struct live_stage_ops impair_ops = {
	.name = "impair", .in = imp_in, .out = imp_out, .deadline = imp_deadline,
	.tick = imp_tick, .free = imp_free,
};

struct live_impair *live_impair_push(struct live_pipe *pp, struct impair *im, struct err *e)
{
	struct live_impair *x;

	if (!im || im->nrules == 0)
		return NULL;
	if (!(x = calloc(1, sizeof(*x)))) {
		err_set(e, "out of memory for the impairment stage");
		return NULL;
	}
	x->im = im;
	live_pipe_push(pp, &x->st, &impair_ops);
	print_rules(pp->g, im);
	return x;
}
