/* tcb_state.c - the single state-change function with each state's entry actions, and the set-up of a connection's variables. */
#include "tcb_impl.h"

#include <string.h>

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
	t->peer_mss = tcb_default_mss(t->a.v6);
	t->snd_wnd = t->max_snd_wnd = 0;
	t->rcv_nxt = t->rcv_adv = t->irs = 0;
	memset(&t->opt, 0, sizeof(t->opt));	/* options are agreed per connection */
}

uint32_t tcb_choose_iss(const struct tcb *t, uint64_t now)
{
	return t->p->isn_fixed ? t->p->isn : tcb_isn(t->p->isn_secret, &t->a, now);
}

/* Peer's MSS and window from its SYN (RFC 9293 §3.7.1; SYN windows are never scaled). */
void tcb_open_windows(struct tcb *t, const struct seg *s)
{
	t->peer_mss = s->opts.has_mss && s->opts.mss > 0 ? s->opts.mss : tcb_default_mss(t->a.v6);
	t->snd_wnd = s->win;
	t->max_snd_wnd = s->win;
	t->snd_wl1 = s->seq;
	t->snd_wl2 = s->ack;
}
