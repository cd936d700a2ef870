/* explain_infer.c - both endpoints' RFC 9293 states, moved only by what each side's own segments show. */
#include "explain_infer.h"

#include <string.h>

#include "seq.h"

/* The states one endpoint passes through on the current record (explain_ep.via). */
struct trail {
	uint8_t n;
	enum tcb_state st[EXPLAIN_MAX_VIA + 1];
};

struct step {
	struct explain_infer *in;
	struct trail tr[2];	/* NULL-free: explain_infer_presumed passes a scratch one */
};

static void go(struct step *c, int x, enum tcb_state to)
{
	struct explain_side *d = &c->in->sd[x];
	struct trail *t = &c->tr[x];

	if (d->st == to)
		return;
	d->st = to;
	if (t->n < EXPLAIN_MAX_VIA + 1)
		t->n++;
	t->st[t->n - 1] = to;	/* a longer path keeps its last state */
}

void explain_infer_init(struct explain_infer *in, const struct seg *s)
{
	struct explain_side *c = &in->sd[EXPLAIN_CLIENT], *v = &in->sd[EXPLAIN_SERVER];

	memset(in, 0, sizeof(*in));
	in->first_fin = -1;
	in->reset_by = -1;
	c->win = v->win = -1;
	c->known = true;
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		c->st = TCB_CLOSED;
		v->st = TCB_LISTEN;	/* assumed until the server answers */
	} else if (s->flags & SEG_SYN) {
		c->st = TCB_SYN_SENT;
		c->syn_sent = true;
		v->st = TCB_LISTEN;
		v->syn_in = true;	/* the SYN the SYN+ACK answers was not captured */
	} else {
		c->st = v->st = TCB_ESTABLISHED;
		v->known = true;
		c->syn_sent = v->syn_sent = c->syn_acked = v->syn_acked = true;
	}
}

/* ---- what the receiver does on arrival (RFC 9293 §3.10.7) ---- */

enum ev { EV_SYNCOVER, EV_SYN, EV_FINCOVER, EV_FIN, EV_N };

static void on_syn(struct step *c, int x)
{
	struct explain_side *d = &c->in->sd[x];

	if (d->st == TCB_LISTEN)				/* §3.10.7.2 */
		go(c, x, TCB_SYN_RECEIVED);
	else if (d->st == TCB_SYN_SENT)			/* §3.10.7.3 */
		go(c, x, d->syn_acked ? TCB_ESTABLISHED : TCB_SYN_RECEIVED);
}

/* §3.10.7.4 fifth check: an ACK of our SYN, or of our FIN. */
static void on_cover(struct step *c, int x, bool fin)
{
	struct explain_side *d = &c->in->sd[x];

	if (!fin) {
		d->syn_acked = true;
		if (d->st == TCB_SYN_RECEIVED)
			go(c, x, TCB_ESTABLISHED);
		return;
	}
	d->fin_acked = true;
	if (d->st == TCB_FIN_WAIT_1)
		go(c, x, TCB_FIN_WAIT_2);
	else if (d->st == TCB_CLOSING)
		go(c, x, TCB_TIME_WAIT);
	else if (d->st == TCB_LAST_ACK)
		go(c, x, TCB_CLOSED);
}

/* §3.10.7.4 eighth check. A FIN that was accepted passed the fifth check first, so a
 * SYN-RECEIVED end had its SYN acknowledged. */
static void on_fin(struct step *c, int x)
{
	struct explain_side *d = &c->in->sd[x];

	d->fin_rcvd = true;
	if (d->st == TCB_SYN_RECEIVED)
		on_cover(c, x, false);
	if (d->st == TCB_ESTABLISHED)
		go(c, x, TCB_CLOSE_WAIT);
	else if (d->st == TCB_FIN_WAIT_1)
		go(c, x, TCB_CLOSING);
	else if (d->st == TCB_FIN_WAIT_2)
		go(c, x, TCB_TIME_WAIT);
}

static bool ev_pending(const struct explain_side *d, enum ev e)
{
	switch (e) {
	case EV_SYNCOVER: return d->syncover_in;
	case EV_SYN: return d->syn_in;
	case EV_FINCOVER: return d->fincover_in;
	default: return d->fin_in;
	}
}

static uint32_t ev_pos(const struct explain_infer *in, int x, enum ev e)
{
	const struct explain_side *d = &in->sd[x];

	switch (e) {
	case EV_SYNCOVER: return d->syncover_seq;
	case EV_SYN: return 0;
	case EV_FINCOVER: return d->fincover_seq;
	default: return in->sd[!x].fin_seq;
	}
}

static void ev_apply(struct step *c, int x, enum ev e)
{
	struct explain_side *d = &c->in->sd[x];

	switch (e) {
	case EV_SYNCOVER: d->syncover_in = false; on_cover(c, x, false); break;
	case EV_SYN: d->syn_in = false; on_syn(c, x); break;
	case EV_FINCOVER: d->fincover_in = false; on_cover(c, x, true); break;
	default: d->fin_in = false; on_fin(c, x); break;
	}
}

/* Events at one position: the earlier frame first (a SYN before the SYN+ACK that repeats
 * it); within one segment the ACK field (fifth check) before the SYN / FIN (eighth). */
static uint64_t ev_frame(const struct explain_side *d, enum ev e)
{
	return e == EV_SYNCOVER ? d->syncover_frame : e == EV_SYN ? d->syn_frame : 0;
}

/* Settling at the end applies only what needs no answer: an ACK (a SYN, a FIN or data
 * must be acknowledged, so no ACK captured means it was not processed). */
static bool settles(const struct explain_side *d, enum ev e)
{
	return (e == EV_SYNCOVER && d->syncover_pure) || (e == EV_FINCOVER && d->fincover_pure);
}

/* x has shown it received the other side's stream below `ack` (all: settle at the end):
 * process what arrived, in sequence order. A segment is shown by an ACK beyond the other
 * side's sequence numbers sent before it (a pure ACK by any later segment, whose
 * cumulative ACK field stands for it). */
static void receipts(struct step *c, int x, uint32_t ack, bool all)
{
	const struct explain_side *d = &c->in->sd[x];

	for (;;) {
		int best = -1;
		uint32_t bpos = 0;
		for (int e = 0; e < EV_N; e++) {
			uint32_t pos = ev_pos(c->in, x, (enum ev)e);
			if (!ev_pending(d, (enum ev)e) || (!all && !seq_gt(ack, pos)) ||
			    (all && !settles(d, (enum ev)e)))
				continue;
			if (best < 0 || seq_lt(pos, bpos) ||
			    (pos == bpos && ev_frame(d, (enum ev)e) < ev_frame(d, (enum ev)best)))
				best = e, bpos = pos;
		}
		if (best < 0)
			return;
		ev_apply(c, x, (enum ev)best);
	}
}

/* A RST the receiver accepts closes it; a passive opener returns to LISTEN (§3.10.7.4). */
static bool rst_accepted(uint8_t v)
{
	return v == EXPLAIN_RST_SYN_SENT_ACCEPT || v == EXPLAIN_RST_ACCEPT ||
	       v == EXPLAIN_RST_TIME_WAIT;
}

static void on_rst_arrival(struct step *c, int x)
{
	struct explain_side *d = &c->in->sd[x];

	d->rst_in = false;
	if (!rst_accepted(d->rst_verdict))
		return;
	bool passive = d->st == TCB_SYN_RECEIVED && x == EXPLAIN_SERVER && !d->fin_sent;
	go(c, x, passive ? TCB_LISTEN : TCB_CLOSED);
}

/* ---- what the segment's own sender shows ---- */

/* x sends s: what its ACK field and its choice of segment show it received (§3.10.7.4),
 * and the RST / SYN it answers (RFC 5961 challenge ACK). */
static void sender_shows(struct step *c, int x, const struct seg *s, uint32_t rack,
			 struct explain_rec *r)
{
	struct explain_side *d = &c->in->sd[x];

	if (s->flags & SEG_ACK)
		receipts(c, x, rack, false);
	if (!(s->flags & SEG_SYN) && d->st == TCB_SYN_RECEIVED && !(s->flags & SEG_RST))
		on_cover(c, x, false);	/* past SYN-RECEIVED: its SYN was acknowledged */
	if (d->rst_out && !(s->flags & SEG_RST))
		d->rst_out = false;	/* it sends on: its RST did not close it */
	if (d->rst_in && !(s->flags & SEG_RST)) {
		if (d->rst_verdict == EXPLAIN_RST_CHALLENGE && s->len == 0 &&
		    !(s->flags & (SEG_SYN | SEG_FIN)))
			r->why.challenge_of_frame = d->rst_frame;
		if (!rst_accepted(d->rst_verdict))
			d->rst_in = false;	/* dropped or challenged: it stays open */
	}
}

/* ---- what the receiver must do with it, from what it has shown ---- */

static bool synchronized_or_syn_rcvd(enum tcb_state st)
{
	return st != TCB_CLOSED && st != TCB_LISTEN && st != TCB_SYN_SENT;
}

/* RFC 9293 §3.10.7.4 first and fifth checks, judged by what the receiver has shown. */
static uint8_t drop_of(const struct explain_side *q, const struct seg *s, uint32_t rseq)
{
	if (s->flags & (SEG_RST | SEG_SYN) || !q->known)
		return EXPLAIN_DROP_NONE;
	if (!(s->flags & SEG_ACK) && synchronized_or_syn_rcvd(q->st))
		return EXPLAIN_DROP_NO_ACK;
	if (s->len > 0 && !(s->flags & SEG_FIN) && q->have_ack &&
	    seq_leq(rseq + s->len, q->shown_ack))
		return EXPLAIN_DROP_OLD;
	return EXPLAIN_DROP_NONE;
}

/* §3.10.7.1-4 per state, with RFC 5961 §3.2 in the synchronized states. RCV.NXT is taken
 * as the sender's next sequence number: what the receiver expects once all has arrived. */
static uint8_t rst_verdict(const struct explain_side *p, const struct explain_side *q,
			   const struct seg *s, uint32_t rseq, uint32_t rack)
{
	switch (q->st) {
	case TCB_CLOSED: return EXPLAIN_RST_CLOSED_IGNORE;
	case TCB_LISTEN: return EXPLAIN_RST_LISTEN_IGNORE;
	case TCB_SYN_SENT:
		return (s->flags & SEG_ACK) && rack == 1 ? EXPLAIN_RST_SYN_SENT_ACCEPT
							  : EXPLAIN_RST_SYN_SENT_DROP;
	case TCB_TIME_WAIT: return EXPLAIN_RST_TIME_WAIT;
	default: break;
	}
	if (rseq == p->snd_nxt)
		return EXPLAIN_RST_ACCEPT;
	uint32_t lo = q->have_ack ? q->shown_ack : p->snd_nxt;
	uint32_t wnd = q->win >= 0 ? (uint32_t)q->win : 65535u;
	if (seq_geq(rseq, lo) && seq_lt(rseq, p->snd_nxt + wnd))
		return EXPLAIN_RST_CHALLENGE;
	return EXPLAIN_RST_OUT_OF_WINDOW;
}

/* x's own transition on sending (§3.10.1 OPEN, §3.10.4 CLOSE, §3.10.5 ABORT). */
static void on_send(struct step *c, int x, const struct seg *s, uint32_t rseq,
		    struct explain_rec *r)
{
	struct explain_infer *in = c->in;
	struct explain_side *d = &in->sd[x];

	if (s->flags & SEG_RST) {
		if (!d->known || d->st == TCB_CLOSED) {
			/* a RST answering a SYN: there was no listener (§3.10.7.1) */
			d->st = TCB_CLOSED;
			r->ep[x].before = TCB_CLOSED;
		} else if (d->st != TCB_LISTEN) {
			/* ABORT sends <SEQ=SND.NXT><CTL=RST> and closes (§3.10.5); whether it did
			 * shows only in that it never sends again, so it settles at the end */
			r->why.rst_form = rseq == d->snd_nxt ? 1 : 2;
			d->rst_out = r->why.rst_form == 1;
		}
		if (!in->reset)
			in->reset_by = x;
		in->reset = true;
		return;
	}
	if (s->flags & SEG_SYN) {
		d->syn_sent = true;
		if (!(s->flags & SEG_ACK) && !d->known && d->st == TCB_LISTEN) {
			d->st = TCB_CLOSED;	/* its own SYN: an active open, not a listener */
			r->ep[x].before = TCB_CLOSED;
		}
		if (d->st == TCB_CLOSED || d->st == TCB_LISTEN)
			go(c, x, (s->flags & SEG_ACK) ? TCB_SYN_RECEIVED : TCB_SYN_SENT);
	}
	/* a FIN closes only a side that has a connection to close (§3.10.4) */
	if (!(s->flags & SEG_FIN) || d->fin_sent ||
	    (d->st != TCB_ESTABLISHED && d->st != TCB_SYN_RECEIVED && d->st != TCB_CLOSE_WAIT))
		return;
	d->fin_sent = true;
	d->fin_seq = rseq + s->len;
	if (in->first_fin < 0)
		in->first_fin = x;
	else if (in->close_kind == 0)	/* the second FIN: did its sender have the first? */
		in->close_kind = d->st != TCB_CLOSE_WAIT ? 2 : in->acked_first_fin ? 4 : 3;
	if (d->st == TCB_ESTABLISHED || d->st == TCB_SYN_RECEIVED)
		go(c, x, TCB_FIN_WAIT_1);
	else if (d->st == TCB_CLOSE_WAIT)
		go(c, x, TCB_LAST_ACK);
}

static void note_sent(struct explain_side *d, const struct seg *s, uint32_t rseq, uint32_t rack,
		      const struct explain_rec *r)
{
	uint32_t end = rseq + seg_seqlen(s);

	d->snd_nxt_before = d->snd_nxt;
	if (seq_gt(end, d->snd_nxt) && !(s->flags & SEG_RST))	/* a RST uses no number */
		d->snd_nxt = end;
	if (s->flags & SEG_SYN)
		d->syn_seen = true;
	if ((s->flags & SEG_ACK) && !(s->flags & SEG_RST)) {
		if (!d->have_ack || seq_gt(rack, d->shown_ack))
			d->shown_ack = rack;
		d->have_ack = true;
	}
	if (!(s->flags & SEG_RST) && r->win_scaled >= 0)
		d->win = r->win_scaled;
	d->known = true;
}

/* What the receiver q now has in flight from this segment of p. */
static void register_at(struct explain_infer *in, int p, const struct seg *s, uint32_t rseq,
			uint32_t rack, const struct explain_rec *r)
{
	struct explain_side *q = &in->sd[!p];

	if (s->flags & SEG_RST) {
		q->rst_in = true;
		q->rst_seq = rseq;
		q->rst_frame = r->frame;
		q->rst_verdict = r->why.rst;
		return;
	}
	if (r->why.drop != EXPLAIN_DROP_NONE)
		return;	/* dropped: its ACK field is never processed either */
	if ((s->flags & SEG_SYN) && !q->syn_in) {
		q->syn_in = true;
		q->syn_frame = r->frame;
	}
	bool ack = s->flags & SEG_ACK;
	bool pure = ack && s->len == 0 && !(s->flags & (SEG_SYN | SEG_FIN));
	uint32_t before = in->sd[p].snd_nxt_before;
	if (ack && q->syn_sent && !q->syn_acked && !q->syncover_in && seq_geq(rack, 1)) {
		q->syncover_in = true;
		q->syncover_seq = before;
		q->syncover_pure = pure;
		q->syncover_frame = r->frame;
	}
	if (ack && q->fin_sent && !q->fin_acked && !q->fincover_in &&
	    seq_geq(rack, q->fin_seq + 1)) {
		q->fincover_in = true;
		q->fincover_seq = before;
		q->fincover_pure = pure;
		if (in->first_fin == !p && !(s->flags & SEG_FIN) && !in->sd[p].fin_sent)
			in->acked_first_fin = true;
	}
	if ((s->flags & SEG_FIN) && !q->fin_in && !q->fin_rcvd)
		q->fin_in = true;
}

/* ---- the rule that explains the segment ---- */

static bool went(const struct explain_ep *ep, enum tcb_state a, enum tcb_state b)
{
	return ep->before == a && ep->after == b;
}

static enum explain_why rule_of(const struct explain_infer *in, int from, const struct seg *s,
				const struct explain_rec *r, enum tcb_state sender_at_send,
				bool fincover_new)
{
	const struct explain_ep *me = &r->ep[from];

	if (s->flags & SEG_RST)
		return EXPLAIN_WHY_RST;
	if (s->flags & SEG_SYN) {
		if (s->flags & SEG_ACK)
			return EXPLAIN_WHY_SYN_ACK;
		return in->sd[!from].st == TCB_SYN_SENT && in->sd[!from].syn_sent
			       ? EXPLAIN_WHY_SIMULTANEOUS : EXPLAIN_WHY_SYN;
	}
	if ((s->flags & SEG_FIN) && r->why.drop == EXPLAIN_DROP_NONE) {
		if (in->first_fin == from)
			return EXPLAIN_WHY_FIN;
		return sender_at_send == TCB_CLOSE_WAIT || sender_at_send == TCB_LAST_ACK
			       ? EXPLAIN_WHY_FIN_REPLY : EXPLAIN_WHY_SIMULTANEOUS;
	}
	/* the third segment: its sender's SYN-SENT ends (or, after a simultaneous open, an
	 * ACK of nothing but the SYN) */
	if (s->len == 0 && me->nvia == 0 && (went(me, TCB_SYN_SENT, TCB_ESTABLISHED) ||
					     (went(me, TCB_SYN_RECEIVED, TCB_ESTABLISHED) &&
					      r->ack == 1 && in->sd[!from].snd_nxt == 1)))
		return EXPLAIN_WHY_HANDSHAKE_ACK;
	if (s->len > 0)
		return EXPLAIN_WHY_DATA;
	if (fincover_new && in->first_fin == from)
		return EXPLAIN_WHY_FIN_ACK;
	return (s->flags & SEG_ACK) ? EXPLAIN_WHY_ACK : EXPLAIN_WHY_OTHER;
}

/* bytes this ACK newly acknowledges; 0 with ack_base_unknown on the first ACK of a side
 * whose peer's SYN the capture lacks (its relative numbers start at that ACK). */
static void ack_numbers(const struct explain_infer *in, int from, const struct seg *s,
			uint32_t rack, struct explain_rec *r)
{
	const struct explain_side *d = &in->sd[from];

	r->why.bytes_acked = 0;
	if (!(s->flags & SEG_ACK))
		return;
	if (!d->have_ack) {
		if (in->sd[!from].syn_seen)
			r->why.bytes_acked = rack;
		else
			r->why.ack_base_unknown = true;
	} else if (seq_gt(rack, d->shown_ack)) {
		r->why.bytes_acked = rack - d->shown_ack;
	}
}

static void fill_ep(struct explain_ep *ep, const struct trail *t, enum tcb_state after)
{
	ep->after = after;
	ep->nvia = t->n > 1 ? (uint8_t)(t->n - 1) : 0;
	for (uint8_t i = 0; i < ep->nvia; i++)
		ep->via[i] = t->st[i];
}

void explain_infer_segment(struct explain_infer *in, enum explain_who from,
			   const struct seg *s, uint32_t rseq, uint32_t rack,
			   struct explain_rec *r)
{
	struct step c = { .in = in };
	int to = !from;
	bool known_before[2] = { in->sd[0].known, in->sd[1].known };

	for (int i = 0; i < 2; i++) {
		r->ep[i] = (struct explain_ep){ .known = true, .before = in->sd[i].st };
	}
	ack_numbers(in, from, s, rack, r);
	sender_shows(&c, from, s, rack, r);
	r->why.drop = drop_of(&in->sd[to], s, rseq);
	if (s->flags & SEG_RST)
		r->why.rst = rst_verdict(&in->sd[from], &in->sd[to], s, rseq, rack);
	if ((r->analysis & EXPLAIN_AF_KEEP_ALIVE) && in->sd[to].win == 0)
		r->why.zero_window_probe = true;	/* the persist timer, RFC 9293 §3.8.6.1 */
	enum tcb_state at_send = in->sd[from].st;
	bool had_cover = in->sd[to].fincover_in || in->sd[to].fin_acked;
	on_send(&c, from, s, rseq, r);
	note_sent(&in->sd[from], s, rseq, rack, r);
	register_at(in, from, s, rseq, rack, r);
	bool fincover_new = !had_cover && in->sd[to].fincover_in;
	for (int i = 0; i < 2; i++) {
		fill_ep(&r->ep[i], &c.tr[i], in->sd[i].st);
		r->ep[i].known = known_before[i] || in->sd[i].known;
		if (!r->ep[i].known)
			r->ep[i].before = r->ep[i].after = in->sd[i].st;
	}
	r->why.rule = rule_of(in, from, s, r, at_send, fincover_new);
}

/* ---- the end of the connection ---- */

/* Everything captured arrives: what the ends never show is processed as the RFC says.
 * Returns who sent the RST that closed an end, -1 none. */
static int settle(struct explain_infer *copy)
{
	struct step c = { .in = copy };
	int rst_by = -1;

	for (int x = 0; x < 2; x++) {
		receipts(&c, x, 0, true);
		if (copy->sd[x].rst_in) {
			bool ok = rst_accepted(copy->sd[x].rst_verdict);
			on_rst_arrival(&c, x);
			if (ok && rst_by < 0)
				rst_by = !x;
		}
		if (copy->sd[x].rst_out) {
			go(&c, x, TCB_CLOSED);
			if (rst_by < 0)
				rst_by = x;
		}
	}
	return rst_by;
}

void explain_infer_presumed(const struct explain_infer *in, enum tcb_state st[2])
{
	struct explain_infer copy = *in;

	settle(&copy);
	for (int x = 0; x < 2; x++)
		st[x] = copy.sd[x].st;
}

void explain_infer_summary(const struct explain_infer *in, struct explain_summary *m)
{
	struct explain_infer copy = *in;

	int rst_by = settle(&copy);	/* a RST that was challenged or dropped ended nothing */
	m->reset = rst_by >= 0;
	m->closer = m->reset ? rst_by : in->first_fin;
	m->closed = m->reset || (copy.sd[0].fin_acked && copy.sd[1].fin_acked);
	m->sim_close = in->close_kind == 2;
	m->close_segments = in->close_kind == 3 || in->close_kind == 4 ? in->close_kind : 0;
	m->time_wait = -1;
	for (int w = 0; w < 2; w++) {
		m->final[w] = copy.sd[w].st;
		m->final_unknown[w] = !copy.sd[w].known;
		if (copy.sd[w].st == TCB_TIME_WAIT)
			m->time_wait = w;
	}
}
