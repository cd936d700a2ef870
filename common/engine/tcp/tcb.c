/* tcb.c - TCB life cycle, parameters, events, the single state-change function, queries. */
#include "tcb_impl.h"

#include <stdlib.h>
#include <string.h>

void tcb_params_default(struct tcb_params *p)
{
	memset(p, 0, sizeof(*p));
	p->rto_init_us = 1000000;
	p->rto_min_us = 200000;
	p->rto_max_us = 120000000;
	p->syn_retries = 6;
	p->syn_schedule = TCB_SYN_LINEAR;
	p->syn_linear_timeouts = 4;
	p->synack_retries = 5;
	p->data_retries = 15;
	p->msl_us = 30000000;
	p->fin_wait_2_us = 60000000;
	p->time_scale = 1.0;
	p->mss = 1460;
	p->rcv_buf = 65535;
	p->snd_buf = 262144;
	p->challenge_ack_limit = 1000;
}

struct tcb *tcb_new(const struct tcb_params *p, const struct tcb_addr *a, struct err *e)
{
	struct tcb *t;

	if (!p || !a) {
		err_set(e, "tcb_new: missing parameters or address");
		return NULL;
	}
	t = calloc(1, sizeof(*t));
	if (!t) {
		err_set(e, "tcb_new: out of memory");
		return NULL;
	}
	t->a = *a;
	t->p = p;	/* shared, not copied: the caller keeps it alive (tcb.h) */
	t->state = TCB_CLOSED;
	t->peer_mss = TCB_DEFAULT_MSS;
	sndq_init(&t->sndq, t->p->snd_buf);
	rcvq_init(&t->rcvq, tcb_p_rcv_buf(t));
	rto_init(&t->rto, tcb_p_rto_init(t), tcb_p_rto_min(t), tcb_p_rto_max(t));
	tcb_timers_stop_all(t);
	return t;
}

void tcb_free(struct tcb *t)
{
	if (!t)
		return;
	sndq_free(&t->sndq);
	rcvq_free(&t->rcvq);
	free(t->rtx);
	free(t);
}

void tcb_out_reset(struct tcb_out *o)
{
	o->nseg = 0;
	o->nev = 0;
	o->ev_overflow = false;
	o->seg_overflow = false;
	o->ack_owner = NULL;
	o->ack_idx = 0;
}

struct tcb_event *tcb_ev(const struct tcb *t, struct tcb_out *o, enum tcb_ev_kind k,
			 enum tcb_why why, uint64_t now)
{
	struct tcb_event *ev;

	if (o->nev < TCB_OUT_EVENTS) {
		ev = &o->ev[o->nev++];
	} else {
		o->ev_overflow = true;
		ev = &o->ev_spill;
	}
	memset(ev, 0, sizeof(*ev));
	ev->kind = k;
	ev->why = why;
	ev->from = t->state;
	ev->to = t->state;
	ev->now = now;
	return ev;
}

void tcb_ev_n(struct tcb_event *ev, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3)
{
	ev->n[0] = n0;
	ev->n[1] = n1;
	ev->n[2] = n2;
	ev->n[3] = n3;
}

void tcb_drop(const struct tcb *t, struct tcb_out *o, enum tcb_why why, uint64_t now,
	      uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3)
{
	tcb_ev_n(tcb_ev(t, o, TCB_EV_SEG_DROPPED, why, now), n0, n1, n2, n3);
}

/* Entry actions of a state: the timers and queues it owns (RFC 9293 §3.10.7.4, §3.10.8). */
static void tcb_enter(struct tcb *t, enum tcb_state to, uint64_t now)
{
	switch (to) {
	case TCB_CLOSED:
	case TCB_LISTEN:
		tcb_timers_stop_all(t);
		tcb_rtx_clear(t);
		/* emptied, not freed: payloads already in this call's tcb_out stay readable */
		sndq_consume(&t->sndq, t->sndq.len);
		t->close_pending = false;
		break;
	case TCB_TIME_WAIT:
		tcb_timers_stop_all(t);
		tcb_timer_arm(t, TCB_TIMER_TIME_WAIT, tcb_time_wait_len(t), now);
		break;
	case TCB_FIN_WAIT_2:
		if (tcb_p_fin_wait_2(t) > 0)
			tcb_timer_arm(t, TCB_TIMER_FIN_WAIT_2, tcb_p_fin_wait_2(t), now);
		break;
	default:
		break;
	}
}

struct tcb_event *tcb_set_state(struct tcb *t, enum tcb_state to, enum tcb_why why,
				uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_STATE, why, now);

	ev->to = to;
	t->state = to;
	tcb_enter(t, to, now);
	return ev;
}

/* Forgets a previous connection before a new OPEN on the same TCB. */
void tcb_reset_conn(struct tcb *t)
{
	tcb_timers_stop_all(t);
	tcb_rtx_clear(t);
	sndq_consume(&t->sndq, t->sndq.len);
	rcvq_free(&t->rcvq);
	t->close_pending = t->fin_sent = t->fin_rcvd = t->ooo_fin = false;
	t->syn_timed_out = false;
	t->probes = 0;
	t->peer_mss = TCB_DEFAULT_MSS;
	t->snd_wnd = t->max_snd_wnd = 0;
	t->rcv_nxt = t->rcv_adv = t->irs = 0;
}

uint32_t tcb_choose_iss(const struct tcb *t, uint64_t now)
{
	return t->p->isn_fixed ? t->p->isn : tcb_isn(t->p->isn_secret, &t->a, now);
}

/* Peer's MSS and window from its SYN (RFC 9293 §3.7.1; SYN windows are never scaled). */
void tcb_open_windows(struct tcb *t, const struct seg *s)
{
	t->peer_mss = s->opts.has_mss && s->opts.mss > 0 ? s->opts.mss : TCB_DEFAULT_MSS;
	t->snd_wnd = s->win;
	t->max_snd_wnd = s->win;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
}

/* Receiver SWS avoidance (RFC 9293 §3.8.6.2.2): move the right edge only by at least
 * min(rcv_buf / 2, eff.mss). Returns true when it moved. */
bool tcb_rcv_edge_update(struct tcb *t)
{
	uint32_t edge = t->rcv_nxt + (tcb_p_rcv_buf(t) - t->rcvq.ready);
	uint32_t step = tcb_p_rcv_buf(t) / 2 < tcb_eff_mss(t) ? tcb_p_rcv_buf(t) / 2 : tcb_eff_mss(t);

	if (!seq_gt(edge, t->rcv_adv))
		return false;
	if (edge - t->rcv_adv < step)
		return false;
	t->rcv_adv = edge;
	return true;
}

enum tcb_state tcb_state(const struct tcb *t) { return t->state; }
size_t tcb_readable(const struct tcb *t) { return t->rcvq.ready; }
size_t tcb_send_room(const struct tcb *t) { return sndq_space(&t->sndq); }
bool tcb_peer_closed(const struct tcb *t) { return t->fin_rcvd; }
uint32_t tcb_iss(const struct tcb *t) { return t->iss; }
uint32_t tcb_irs(const struct tcb *t) { return t->irs; }
const struct tcb_addr *tcb_addr(const struct tcb *t) { return &t->a; }
const struct tcb_params *tcb_params_of(const struct tcb *t) { return t->p; }

void tcb_get_vars(const struct tcb *t, struct tcb_vars *v)
{
	memset(v, 0, sizeof(*v));
	v->iss = t->iss;
	v->snd_una = t->snd_una;
	v->snd_nxt = t->snd_nxt;
	v->snd_wnd = t->snd_wnd;
	v->snd_wl1 = t->snd_wl1;
	v->snd_wl2 = t->snd_wl2;
	v->max_snd_wnd = t->max_snd_wnd;
	v->irs = t->irs;
	v->rcv_nxt = t->rcv_nxt;
	v->rcv_wnd = tcb_rcv_wnd(t);
	v->eff_mss = tcb_eff_mss(t);
	v->snd_queued = t->sndq.len;
	v->snd_unsent = t->sndq.len - (uint32_t)(seq_gt(t->snd_nxt, t->sndq_seq) ?
			 (t->snd_nxt - t->sndq_seq > t->sndq.len ? t->sndq.len :
			  t->snd_nxt - t->sndq_seq) : 0);
	v->rcv_ready = t->rcvq.ready;
	v->rcv_ooo = rcvq_ooo_bytes(&t->rcvq);
	v->rtx_inflight = t->rtx_n;
	v->srtt_us = t->rto.srtt;
	v->rttvar_us = t->rto.rttvar;
	v->rto_us = t->rto.rto;
	v->rtx_count = t->rtx_count;
}
