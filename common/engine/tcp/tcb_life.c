/* tcb_life.c - a TCB's life cycle: parameter defaults, tcb_new and tcb_free, queries and the variables snapshot. */
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
	p->invalid_ratelimit_us = 500000;
	p->init_cwnd = 10;
	p->dack_us = 0;
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
	t->peer_mss = tcb_default_mss(t->a.v6);
	sndq_init(&t->sndq, t->p->snd_buf);
	rcvq_init(&t->rcvq, tcb_p_rcv_buf(t));
	rto_init(&t->rto, tcb_p_rto_init(t), tcb_p_rto_min(t), tcb_p_rto_max(t));
	tcb_timers_stop_all(t);
	t->reply_at = TCB_NEVER;
	return t;
}

void tcb_free(struct tcb *t)
{
	if (!t)
		return;
	if (tcb_tw_is(t)) {	/* a record holds no buffers */
		free(t);
		return;
	}
	sndq_free(&t->sndq);
	rcvq_free(&t->rcvq);
	free(t->rtx);
	free(t);
}

void tcb_prefetch(const struct tcb *t)
{
	/* every 64-byte line the struct spans (malloc aligns it to 16 only) */
	for (size_t i = 0; i < sizeof(*t); i += 64)
		__builtin_prefetch((const char *)t + i);
	__builtin_prefetch((const char *)t + sizeof(*t) - 1);
}

/* Queries: a compact TIME-WAIT record (tcb_tw.c) is read through tcb_full. */
enum tcb_state tcb_state(const struct tcb *t)
{
	return tcb_tw_is(t) ? tcb_tw_state(t) : t->state;
}
size_t tcb_readable(const struct tcb *t) { struct tcb x; return tcb_full(t, &x)->rcvq.ready; }
size_t tcb_send_room(const struct tcb *t)
{
	struct tcb x;

	return sndq_space(&tcb_full(t, &x)->sndq);
}
bool tcb_peer_closed(const struct tcb *t) { struct tcb x; return tcb_full(t, &x)->fin_rcvd; }
uint32_t tcb_iss(const struct tcb *t) { struct tcb x; return tcb_full(t, &x)->iss; }
uint32_t tcb_irs(const struct tcb *t) { struct tcb x; return tcb_full(t, &x)->irs; }
struct tcb_addr tcb_addr(const struct tcb *t)
{
	return tcb_tw_is(t) ? tcb_tw_addr(t) : t->a;
}
const struct tcb_params *tcb_params_of(const struct tcb *t)
{
	struct tcb x;

	return tcb_full(t, &x)->p;
}

void tcb_get_vars(const struct tcb *t0, struct tcb_vars *v)
{
	struct tcb x;
	const struct tcb *t = tcb_full(t0, &x);

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
	v->replies_limited = t->replies_limited;
	v->cwnd = t->cc.cwnd;
	v->ssthresh = t->cc.ssthresh;
	v->dupacks = t->cc.dupacks;
	v->recover = t->cc.recover;
	v->cc_phase = t->cc.phase;
	v->dack_bytes = t->dack.bytes;
	v->ws_ok = t->opt.ws_ok;
	v->ts_ok = t->opt.ts_ok;
	v->sack_ok = t->opt.sack_ok;
	v->snd_shift = t->opt.snd_shift;
	v->rcv_shift = t->opt.rcv_shift;
	v->ts_recent = t->opt.ts_recent;
	v->sacked_bytes = tcb_sack_bytes(t);
}

/* Timers of a record: it runs the 2MSL timer only (tcb_tw.c). */
uint64_t tcb_timer_at(const struct tcb *t, enum tcb_timer k)
{
	struct tcb x;

	if (k <= TCB_TIMER_NONE || k >= TCB_NTIMERS)
		return TCB_NEVER;
	return tcb_full(t, &x)->tmr[k].at;
}

uint64_t tcb_deadline(const struct tcb *t)
{
	uint64_t d = TCB_NEVER;

	if (tcb_tw_is(t))	/* a record runs the 2MSL timer only */
		return tcb_tw_deadline(t);

	for (int k = TCB_TIMER_NONE + 1; k < TCB_NTIMERS; k++)
		if (t->tmr[k].at < d)
			d = t->tmr[k].at;
	return d;
}
