/* live_rec.c - explain records of a live program's segments and events, one connection at a time. */
#include "live_rec.h"

#include <string.h>

#include "seq.h"

void live_rec_init(struct live_rec_conn *x, uint32_t id, enum explain_who local,
		   enum tcb_state initial)
{
	memset(x, 0, sizeof(*x));
	x->id = id;
	x->local = local;
	x->cur = initial;
	x->sum.closer = x->sum.time_wait = -1;
	x->inf.first_fin = x->inf.reset_by = -1;
	explain_analysis_init(&x->an);
}

void live_rec_free(struct live_rec_conn *x)
{
	explain_analysis_free(&x->an);
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
 * field stays raw without the ACK flag, as Wireshark shows it. */
static void numbers(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		    enum explain_who from, struct explain_rec *r)
{
	const struct seg *s = in->s;
	const struct explain_flow *fwd = &x->an.fl[from];
	uint32_t iss = tcb_iss(t), irs = 0;
	bool have_irs = peer_isn(x, t, in, &irs);

	r->seq_raw = s->seq;
	r->ack_raw = s->ack;
	r->seq = s->seq - (in->out ? iss : irs);
	r->ack = s->ack;
	if ((s->flags & SEG_ACK) && (!in->out || have_irs))
		r->ack = s->ack - (in->out ? irs : iss);
	r->len = s->len;
	r->win = s->win;
	if (s->flags & SEG_SYN)
		r->win_scaled = s->win;
	else if (fwd->win_scale >= 0)
		r->win_scaled = (int64_t)s->win << fwd->win_scale;
	else
		r->win_scaled = fwd->win_scale == -2 ? s->win : -1;
	r->why.seq_next = r->seq + seg_seqlen(s);
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
	x->cur = after;
	x->saw_time_wait |= after == TCB_TIME_WAIT;
	r->ep[x->local] = (struct explain_ep){ .known = true, .before = before, .after = after };
	r->ep[other(x->local)] = (struct explain_ep){ .before = before, .after = before };
}

/* Counts and handshake timing, as explain_track.c keeps them for synlab-explain. */
static void note_summary(struct live_rec_conn *x, const struct explain_rec *r)
{
	struct explain_summary *m = &x->sum;
	const struct seg *s = &r->seg;

	if (!m->first_frame)
		m->first_frame = r->frame;
	m->last_frame = r->frame;
	m->nsegs[r->dir]++;
	m->bytes[r->dir] += s->len;
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		x->syn_us = r->t_us;
		x->have_syn = true;
	} else if ((s->flags & SEG_SYN) && x->have_syn && !x->have_synack) {
		x->have_synack = true;
		m->hs_syn_synack_us = r->t_us - x->syn_us;
	} else if (r->why.rule == EXPLAIN_WHY_HANDSHAKE_ACK && x->have_synack &&
		   !m->has_handshake) {
		m->has_handshake = true;
		m->hs_rtt_us = r->t_us - x->syn_us;
	}
	if (!(r->analysis & EXPLAIN_AF_RETRANSMISSION))
		return;
	if (m->nrtx < EXPLAIN_MAX_RTX) {
		m->rtx[m->nrtx] = explain_rtx_note_of(r);
	}
	m->nrtx++;
}

static void rec_head(struct explain_rec *r, enum explain_kind k, uint64_t frame, uint64_t t_us,
		     uint32_t conn)
{
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->frame = frame;
	r->t_us = t_us;
	r->conn = conn;
}

int live_rec_segment(struct live_rec_conn *x, const struct tcb *t, const struct live_rec_seg *in,
		     struct explain_rec *r, struct err *e)
{
	const struct seg *s = in->s;
	enum explain_who from = in->out ? x->local : other(x->local);
	uint32_t prev_ack = x->an.fl[from].lastack;	/* the sender's previous ACK field */

	rec_head(r, EXPLAIN_REC_SEGMENT, in->frame, in->t_us, x->id);
	r->who = from;
	r->dir = dir_of(from);
	r->seg = *s;
	r->new_conn = !x->started;
	if (!x->started) {
		explain_infer_init(&x->inf, s);
		x->started = true;
	}
	if (explain_analysis_segment(&x->an, from, s, in->frame, in->t_us, r, e) < 0)
		return -1;
	numbers(x, t, in, from, r);
	if ((s->flags & SEG_ACK) && (prev_ack == 0 || seq_gt(s->ack, prev_ack)))
		r->why.bytes_acked = prev_ack == 0 ? r->ack : s->ack - prev_ack;
	explain_infer_segment(&x->inf, from, s, r->seq, r->ack, r);	/* why.rule */
	local_states(x, t, in, r);
	note_summary(x, r);
	return 0;
}

void live_rec_stray(enum explain_who local, const struct live_rec_seg *in, struct explain_rec *r)
{
	const struct seg *s = in->s;
	enum explain_who from = in->out ? local : other(local);

	rec_head(r, EXPLAIN_REC_SEGMENT, in->frame, in->t_us, 0);
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

	rec_head(r, EXPLAIN_REC_IMPAIR, in->frame, in->t_us, x->id);
	r->who = from;
	r->dir = dir_of(from);
	r->seg = *in->s;
	numbers(x, t, in, from, r);
	r->impair = *imp;
}

bool live_rec_covers(struct live_rec_conn *x, const struct tcb_out *o)
{
	bool cov = x->rx_covers;

	x->rx_covers = false;
	for (unsigned i = 0; i < o->nseg && !cov; i++)
		cov = (o->seg[i].flags & (SEG_SYN | SEG_FIN | SEG_RST)) != 0;
	return cov;
}

void live_rec_event(struct live_rec_conn *x, const struct tcb_event *v, bool covers,
		    uint64_t frame, uint64_t t_us, struct explain_rec *r, bool *covered)
{
	rec_head(r, EXPLAIN_REC_EVENT, frame, t_us, x->id);
	r->who = x->local;
	r->dir = dir_of(x->local);
	r->ev = *v;
	*covered = false;
	if (v->kind != TCB_EV_STATE)
		return;
	*covered = covers;
	if (!covers)
		x->cur = v->to;		/* a timer or a user call: no segment shows it */
	x->saw_time_wait |= v->to == TCB_TIME_WAIT;
}

static void summary_addrs(enum explain_who local, const struct tcb_addr *a, struct seg *s)
{
	bool client = local == EXPLAIN_CLIENT;

	s->saddr = client ? a->laddr : a->raddr;
	s->sport = client ? a->lport : a->rport;
	s->daddr = client ? a->raddr : a->laddr;
	s->dport = client ? a->rport : a->lport;
}

void live_rec_summary(const struct live_rec_conn *x, const struct tcb_addr *a, uint64_t t_us,
		      struct explain_rec *r)
{
	const struct explain_infer *in = &x->inf;
	enum explain_who peer = other(x->local);

	rec_head(r, EXPLAIN_REC_SUMMARY, x->sum.last_frame, t_us, x->id);
	summary_addrs(x->local, a, &r->seg);
	r->sum = x->sum;
	if (x->started) {
		explain_infer_summary(in, &r->sum);	/* the peer as its segments tell */
	} else {
		r->sum.closer = -1;
		r->sum.final[peer] = TCB_CLOSED;
		r->sum.final_unknown[peer] = true;
	}
	r->sum.final[x->local] = x->cur;
	r->sum.final_unknown[x->local] = false;
	r->sum.time_wait = x->saw_time_wait ? (int)x->local
			   : x->started && r->sum.final[peer] == TCB_TIME_WAIT ? (int)peer : -1;
	r->ep[x->local] = (struct explain_ep){ .known = true, .before = x->cur, .after = x->cur };
}
