/* tcb_timeout.c - what happens when a timer fires (RFC 9293 §3.10.8): retransmission with backoff, zero-window probe, FIN-WAIT-2 and TIME-WAIT expiry. */
#include "tcb_impl.h"

static struct tcb_event *tcb_timer_ev(struct tcb *t, enum tcb_timer k, enum tcb_why why,
				      uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_TIMER, why, now);

	ev->timer = k;
	ev->after_us = now - t->tmr[k].set_at;
	return ev;
}

/* Retries allowed for the head segment: SYN, SYN+ACK or data/FIN. */
static int tcb_rtx_limit(const struct tcb *t, const struct tcb_rtx_ent *r, enum tcb_why *why)
{
	if ((r->flags & SEG_SYN) && t->state == TCB_SYN_SENT) {
		*why = TCB_WHY_SYN_GAVE_UP;
		return tcb_p_nonneg(t->p->syn_retries);
	}
	if (r->flags & SEG_SYN) {
		*why = TCB_WHY_SYNACK_GAVE_UP;
		return tcb_p_nonneg(t->p->synack_retries);
	}
	*why = TCB_WHY_DATA_GAVE_UP;
	return tcb_p_nonneg(t->p->data_retries);
}

static void tcb_give_up(struct tcb *t, enum tcb_timer k, enum tcb_why why, int retries,
			uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_GAVE_UP, why, now);

	tcb_ev_n(ev, (uint32_t)retries, why == TCB_WHY_DATA_GAVE_UP ? t->snd_una : t->iss,
		 t->snd_nxt, 0);
	ev->timer = k;
	ev->count = retries;
	tcb_ev_n(tcb_set_state(t, TCB_CLOSED, why, now, o), (uint32_t)retries,
		 ev->n[1], ev->n[2], 0);
}

/* SYN schedule (tcb.h): linear for the first syn_linear_timeouts retries, else doubling. */
static void tcb_rtx_backoff(struct tcb *t, const struct tcb_rtx_ent *r)
{
	bool linear = (r->flags & SEG_SYN) && t->state == TCB_SYN_SENT &&
		      t->p->syn_schedule == TCB_SYN_LINEAR &&
		      t->rtx_count <= t->p->syn_linear_timeouts;

	if (!linear)
		rto_backoff(&t->rto);
}

/* RFC 8985 §7.3: the PTO fired. The probe is a new segment if one may go, else the
 * highest segment not SACKed again; then the timer runs as the RTO ("rearm the RTO
 * timer"). cwnd is untouched: the probe is to draw an ACK whose SACK blocks show a lost
 * tail (the recovery it starts, tcb_cc.c, reduces cwnd), not a loss response. */
static void tcb_tlp_fire(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_timer_ev(t, TCB_TIMER_RTX, TCB_WHY_TLP_PTO, now, o);
	struct tcb_board b;

	tcb_ev_n(ev, (uint32_t)t->rto.srtt, t->snd_una, t->snd_nxt, 0);
	tcb_timer_stop(t, TCB_TIMER_RTX);
	t->cc.tlp = TCB_TLP_OUT;
	if (!tcb_output_probe(t, now, o)) {
		tcb_board_scan(t, &b);
		if (b.rescue >= 0)
			tcb_rtx_resend(t, tcb_rtx_get(t, (unsigned)b.rescue), TCB_WHY_TLP_RTX,
				       t->snd_una, t->snd_nxt, now, o);
	}
	ev->rto_us = t->rto.rto;
	tcb_timer_arm(t, TCB_TIMER_RTX, t->rto.rto, now);
}

/* RFC 6298 §5.4 - §5.6: resend the head, back off, restart the timer. */
static void tcb_rtx_fire(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_rtx_ent *r = tcb_rtx_first(t);
	struct tcb_event *ev;
	enum tcb_why gave;
	int limit;

	if (t->cc.tlp == TCB_TLP_ARMED && r) {
		tcb_tlp_fire(t, now, o);
		return;
	}
	t->cc.tlp = TCB_TLP_NONE;
	tcb_timer_ev(t, TCB_TIMER_RTX, TCB_WHY_RTO, now, o);
	tcb_timer_stop(t, TCB_TIMER_RTX);
	if (!r)
		return;
	limit = tcb_rtx_limit(t, r, &gave);
	if (t->rtx_count >= limit) {
		tcb_give_up(t, TCB_TIMER_RTX, gave, t->rtx_count, now, o);
		return;
	}
	t->rtx_count++;
	r->rtx++;
	r->rtx_nxt = t->snd_nxt;
	if (r->flags & SEG_SYN)
		t->syn_timed_out = true;
	tcb_rtx_backoff(t, r);
	tcb_sack_on_rto(t, now, o);	/* RFC 2018 §8: SACKed segments stay out of the resend */
	if (!(r->flags & SEG_SYN))	/* RFC 5681 §3.1: cwnd 1 SMSS; only this segment goes */
		tcb_cc_on_rto(t, now, o);
	ev = tcb_ev(t, o, TCB_EV_RETRANSMIT, TCB_WHY_RTO, now);
	tcb_ev_n(ev, r->seq, r->len + !!(r->flags & SEG_SYN) + !!(r->flags & SEG_FIN),
		 t->snd_una, t->snd_nxt);
	ev->timer = TCB_TIMER_RTX;
	ev->count = t->rtx_count;
	ev->after_us = now - r->last_at;
	ev->rto_us = t->rto.rto;
	r->last_at = now;
	tcb_rtx_send(t, r, now, o);
	tcb_timer_arm(t, TCB_TIMER_RTX, t->rto.rto, now);
}

/* Zero-window probe <SEQ=SND.UNA-1><ACK=RCV.NXT><CTL=ACK> with doubling interval. */
static void tcb_persist_fire(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_timer_ev(t, TCB_TIMER_PERSIST, TCB_WHY_PERSIST_PROBE, now, o);
	struct seg s;

	tcb_timer_stop(t, TCB_TIMER_PERSIST);
	if (t->probes >= tcb_p_nonneg(t->p->data_retries)) {
		tcb_give_up(t, TCB_TIMER_PERSIST, TCB_WHY_DATA_GAVE_UP, t->probes, now, o);
		return;
	}
	t->probes++;
	tcb_ev_n(ev, t->snd_una, (uint32_t)t->probes,
		 t->sndq.len - (uint32_t)(t->snd_nxt - t->sndq_seq), 0);
	tcb_seg_init(t, &s, t->snd_una - 1, SEG_ACK);
	tcb_emit(t, o, &s, now);
	t->persist_iv = t->persist_iv > tcb_p_rto_max(t) / 2 ? tcb_p_rto_max(t) : 2 * t->persist_iv;
	ev->rto_us = t->persist_iv;
	tcb_timer_arm(t, TCB_TIMER_PERSIST, t->persist_iv, now);
}

static void tcb_fire(struct tcb *t, enum tcb_timer k, uint64_t now, struct tcb_out *o)
{
	switch (k) {
	case TCB_TIMER_RTX:
		tcb_rtx_fire(t, now, o);
		break;
	case TCB_TIMER_PERSIST:
		tcb_persist_fire(t, now, o);
		break;
	case TCB_TIMER_DACK:
		tcb_dack_fire(t, now, o);
		break;
	case TCB_TIMER_FIN_WAIT_2:
		tcb_timer_ev(t, k, TCB_WHY_FIN_WAIT_2_TIMEOUT, now, o);
		tcb_timer_stop(t, k);
		tcb_set_state(t, TCB_CLOSED, TCB_WHY_FIN_WAIT_2_TIMEOUT, now, o);
		break;
	case TCB_TIMER_TIME_WAIT:
		tcb_timer_ev(t, k, TCB_WHY_TIME_WAIT_EXPIRED, now, o);
		tcb_timer_stop(t, k);
		tcb_ev_n(tcb_set_state(t, TCB_CLOSED, TCB_WHY_TIME_WAIT_EXPIRED, now, o),
			 (uint32_t)tcb_time_wait_len(t), 0, 0, 0);
		break;
	default:
		break;
	}
}

void tcb_tick(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	if (tcb_tw_is(t)) {	/* compact TIME-WAIT: the same code on the rebuilt TCB */
		struct tcb x;

		tcb_tick(tcb_tw_begin(t, &x, o), now, o);
		tcb_tw_end(t, &x, o);
		return;
	}
	for (int k = TCB_TIMER_NONE + 1; k < TCB_NTIMERS; k++)
		if (t->tmr[k].at <= now)
			tcb_fire(t, (enum tcb_timer)k, now, o);
}
