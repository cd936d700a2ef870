/* live_rec.c - explain records of a live program's segments and events, one connection at a time. */
#include "live_rec.h"

#include <string.h>

#include "seq.h"

void live_rec_init(struct live_rec_conn *x, uint32_t id, enum explain_who local,
		   enum tcb_state initial)
{
	memset(x, 0, sizeof(*x));
	explain_build_init(&x->b, id);
	x->local = local;
	x->cur = initial;
}

void live_rec_free(struct live_rec_conn *x)
{
	explain_build_free(&x->b);
}

static enum explain_who other(enum explain_who w)
{
	return w == EXPLAIN_CLIENT ? EXPLAIN_SERVER : EXPLAIN_CLIENT;
}

static enum explain_dir dir_of(enum explain_who sender)
{
	return sender == EXPLAIN_CLIENT ? EXPLAIN_C2S : EXPLAIN_S2C;
}

/* The peer's ISN: the TCB's IRS once it is synchronized (RFC 9293 §3.3.1 IRS), else the
 * SYN being received; false when neither is known. */
static bool peer_isn(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     uint32_t *irs)
{
	enum tcb_state st = tcb_state(t);

	if (st != TCB_CLOSED && st != TCB_LISTEN && st != TCB_SYN_SENT) {
		x->irs = tcb_irs(t);
		x->irs_known = true;
	}
	*irs = x->irs;
	if (x->irs_known)
		return true;
	if (!in->out && (in->s->flags & SEG_SYN)) {
		*irs = in->s->seq;
		return true;
	}
	return false;
}

/* seq relative to the sender's ISN, ack to the receiver's (tcb_iss / tcb_irs); the ACK
 * field stays raw while the peer's ISN is not known. */
static struct explain_bases bases_of(struct live_rec_conn *x, const struct tcb *t,
				     const struct live_rec_seg *in)
{
	uint32_t iss = tcb_iss(t), irs = 0;
	bool have_irs = peer_isn(x, t, in, &irs);
	struct explain_bases bs = { in->out ? iss : irs, in->out ? irs : iss,
				    !in->out || have_irs };

	return bs;
}

/* The local state as the records show it becomes s at t_us. */
static void enter(struct live_rec_conn *x, enum tcb_state s, uint64_t t_us)
{
	if (s == TCB_TIME_WAIT && x->cur != TCB_TIME_WAIT) {
		x->saw_time_wait = true;
		x->tw_since_us = t_us;
	}
	x->cur = s;
}

/* The local endpoint's states around the segment. A sent segment shows the change its
 * SYN, FIN or RST made (the TCB changed state when it queued it, RFC 9293 §3.10). */
static void local_states(struct live_rec_conn *x, const struct tcb *t,
			 const struct live_rec_seg *in, struct explain_rec *r)
{
	enum tcb_state before = in->before, after = in->after;

	if (in->out) {
		before = x->cur;
		after = (in->s->flags & (SEG_SYN | SEG_FIN | SEG_RST)) ? tcb_state(t) : before;
	} else {
		x->rx_covers = true;
	}
	enter(x, after, r->t_us);
	r->ep[x->local] = (struct explain_ep){ .known = true, .before = before, .after = after };
	r->ep[other(x->local)] = (struct explain_ep){ .before = before, .after = before };
}

/* A TCB send that takes sequence space: its seq, its hold at the step prompt, its time. */
static void remember_sent(struct live_rec_conn *x, const struct live_rec_seg *in)
{
	const struct seg *s = in->s;
	unsigned i;

	if (!in->out || in->copy || !(s->len || (s->flags & (SEG_SYN | SEG_FIN))))
		return;
	for (i = 0; i < LIVE_REC_SENT && !(x->sent[i].wire_us && x->sent[i].seq == s->seq); i++)
		;
	if (i == LIVE_REC_SENT)
		i = x->sent_next++ % LIVE_REC_SENT;
	x->sent[i] = (struct live_rec_sent){ s->seq, x->next_held_us, in->t_us ? in->t_us : 1,
					     false };
}

/* A dropped send: no copy of seq is known to be on the wire, so none is named. */
static void forget_sent(struct live_rec_conn *x, uint32_t seq)
{
	for (unsigned i = 0; i < LIVE_REC_SENT; i++)
		if (x->sent[i].seq == seq)
			x->sent[i].wire_us = 0;
}

/* A resend's previous copy, when the step prompt held it before it went (RFC 9293
 * §3.8.1: the timer runs from the TCB's send, which the prompt delayed on the wire). */
static void prev_copy(struct live_rec_conn *x, const struct tcb_event *v, uint64_t t_us,
		      struct explain_rec *r)
{
	if (v->kind != TCB_EV_RETRANSMIT || v->why == TCB_WHY_SYN_RCVD_SYN_REPEAT)
		return;	/* that resend's event names the peer's seq, not ours */
	for (unsigned i = 0; i < LIVE_REC_SENT; i++) {
		struct live_rec_sent *p = &x->sent[i];

		if (!p->wire_us || p->seq != v->n[0])
			continue;
		if (!p->newer && p->held_us) {	/* newer: the previous copy is not out yet */
			r->prev_held_us = p->held_us;
			r->prev_wire_us = explain_since_us(t_us, p->wire_us);
		}
		p->newer = true;	/* the copy this event makes is the next previous one */
		return;
	}
}

int live_rec_segment(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     struct explain_rec *r, struct err *e)
{
	struct explain_bases bs = bases_of(x, t, in);
	struct explain_seg_in si = { in->s, in->out ? x->local : other(x->local), in->frame,
				     in->t_us, &bs, false, x->next_made, x->next_held_us,
				     /* sent after the hold; received: held after it arrived */
				     in->out ? in->t_us : in->t_us + x->next_held_us,
				     in->out && !in->copy };

	remember_sent(x, in);
	x->next_made = NULL;	/* marks are for one segment */
	x->next_held_us = 0;
	if (explain_build_segment(&x->b, &si, r, e) < 0)
		return -1;
	/* the TCB's own reason replaces what the wire's intervals suggest */
	if (in->rtx_why && !r->why.dup_of_frame && !r->why.not_resent &&
	    ((r->analysis & EXPLAIN_AF_RETRANSMISSION) || r->why.rtx_count))
		r->why.tcb_rtx_why = in->rtx_why;
	local_states(x, t, in, r);
	return 0;
}

int live_rec_arrived(struct live_rec_conn *x, const struct seg *s, uint64_t frame, uint64_t t_us,
		     struct err *e)
{
	return explain_build_arrived(&x->b, other(x->local), s, frame, t_us, e);
}

void live_rec_mark(struct live_rec_conn *x, const struct seg *made, uint64_t held_us)
{
	x->next_made = made;
	x->next_held_us = held_us;
}

int live_rec_preview(const struct live_rec_conn *x, const struct tcb *t,
		     const struct live_rec_seg *in, struct explain_rec *r, struct err *e)
{
	struct live_rec_conn tmp = *x;
	int rc;

	if (explain_build_clone(&tmp.b, &x->b, e) < 0)
		return -1;
	rc = live_rec_segment(&tmp, t, in, r, e);
	explain_build_free(&tmp.b);
	return rc;
}

void live_rec_stray(enum explain_who local, const struct live_rec_seg *in, struct explain_rec *r)
{
	const struct seg *s = in->s;
	enum explain_who from = in->out ? local : other(local);

	explain_build_head(r, EXPLAIN_REC_SEGMENT, in->frame, in->t_us, 0);
	r->who = from;
	r->dir = dir_of(from);
	r->seg = *s;
	r->seq = r->seq_raw = s->seq;	/* no connection: no ISN to count from */
	r->ack = r->ack_raw = s->ack;
	r->len = s->len;
	r->win = s->win;
	r->win_scaled = -1;
	r->why.seq_next = s->seq + seg_seqlen(s);
	r->why.rule = (s->flags & SEG_RST) ? EXPLAIN_WHY_RST : EXPLAIN_WHY_OTHER;
}

void live_rec_impair(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     const struct explain_impair *imp, struct explain_rec *r)
{
	enum explain_who from = in->out ? x->local : other(x->local);
	struct explain_bases bs = bases_of(x, t, in);

	explain_build_head(r, EXPLAIN_REC_IMPAIR, in->frame, in->t_us, x->b.conn);
	r->who = from;
	r->dir = dir_of(from);
	r->seg = *in->s;
	explain_build_numbers(&x->b, from, in->s, &bs, r);
	r->impair = *imp;
	if (in->out && imp->act == EXPLAIN_IMP_DROP)
		forget_sent(x, in->s->seq);	/* the latest copy never reached the wire */
}

bool live_rec_covers(struct live_rec_conn *x, const struct tcb_out *o)
{
	bool cov = x->rx_covers;

	x->rx_covers = false;
	for (unsigned i = 0; i < o->nseg && !cov; i++)
		cov = (o->seg[i].flags & (SEG_SYN | SEG_FIN | SEG_RST)) != 0;
	return cov;
}

/* The wait before the next try of timer retransmission v, as the TCB decides it
 * (tcb_timer.c, tcb_rtx_backoff): a SYN in SYN-SENT under the linear schedule keeps
 * rto_init for its first syn_linear_timeouts retries; everything else doubles (RFC 6298
 * §5.5) up to rto_max (scaled like every timer, tcb.h). */
static enum explain_backoff backoff_of(const struct tcb *t, const struct tcb_event *v,
				       uint32_t *linear)
{
	const struct tcb_params *p = t ? tcb_params_of(t) : NULL;
	double k;

	*linear = 0;
	if (!p || v->kind != TCB_EV_RETRANSMIT || v->timer != TCB_TIMER_RTX || v->count < 1)
		return EXPLAIN_BACKOFF_UNKNOWN;
	if (v->from == TCB_SYN_SENT && p->syn_schedule == TCB_SYN_LINEAR &&
	    v->count <= p->syn_linear_timeouts) {
		*linear = (uint32_t)p->syn_linear_timeouts;
		return EXPLAIN_BACKOFF_LINEAR;
	}
	k = tcb_params_time_scale(p);	/* rto_max is scaled like every timer */
	return (double)v->rto_us >= (double)p->rto_max_us * k ? EXPLAIN_BACKOFF_MAX
							       : EXPLAIN_BACKOFF_DOUBLES;
}

void live_rec_event(struct live_rec_conn *x, const struct tcb *t, const struct tcb_event *v,
		    bool covers, uint64_t frame, uint64_t t_us, struct explain_rec *r,
		    bool *covered)
{
	explain_build_head(r, EXPLAIN_REC_EVENT, frame, t_us, x->b.conn);
	r->who = x->local;
	r->dir = dir_of(x->local);
	r->ev = *v;
	r->backoff = backoff_of(t, v, &r->linear_retries);
	prev_copy(x, v, t_us, r);
	*covered = false;
	if (v->kind != TCB_EV_STATE)
		return;
	if (v->from == TCB_TIME_WAIT && x->saw_time_wait) {
		r->in_state_us = explain_since_us(t_us, x->tw_since_us);
		x->tw_cut |= v->why != TCB_WHY_TIME_WAIT_EXPIRED;	/* RST, ABORT */
	}
	*covered = covers;
	if (!covers)
		enter(x, v->to, t_us);	/* a timer or a user call: no segment shows it */
	else if (v->to == TCB_TIME_WAIT && !x->saw_time_wait) {
		x->saw_time_wait = true;	/* the segment's record shows the state */
		x->tw_since_us = t_us;
	}
}

static void summary_addrs(enum explain_who local, const struct tcb_addr *a, struct seg *s)
{
	bool client = local == EXPLAIN_CLIENT;

	s->saddr = client ? a->laddr : a->raddr;
	s->sport = client ? a->lport : a->rport;
	s->daddr = client ? a->raddr : a->laddr;
	s->dport = client ? a->rport : a->lport;
	s->ipv = a->v6 ? 6 : 4;
	memcpy(s->saddr6, client ? a->laddr6 : a->raddr6, 16);
	memcpy(s->daddr6, client ? a->raddr6 : a->laddr6, 16);
}

/* The summary as the segments tell it (explain_build_summary), with the local side's
 * final state and TIME-WAIT from its own TCB: the peer's only as its segments show. */
void live_rec_summary(const struct live_rec_conn *x, const struct tcb_addr *a, uint64_t t_us,
		      struct explain_rec *r)
{
	enum explain_who peer = other(x->local);

	explain_build_summary(&x->b, t_us, r);
	summary_addrs(x->local, a, &r->seg);
	/* The peer as its segments tell (explain_build_summary); this end as its TCB logged. */
	r->sum.final[x->local] = x->cur;
	r->sum.final_unknown[x->local] = false;
	r->sum.time_wait = x->saw_time_wait ? (int)x->local
			   : x->b.started && r->sum.final[peer] == TCB_TIME_WAIT ? (int)peer : -1;
	r->sum.time_wait_cut = x->saw_time_wait && x->tw_cut;
	r->ep[x->local] = (struct explain_ep){ .known = true, .before = x->cur, .after = x->cur };
	r->ep[peer] = (struct explain_ep){ .before = TCB_CLOSED, .after = TCB_CLOSED };
}
