/* tcb_timer.c - the TCB's timers as data: arm, stop, the next deadline, and the rules that start or stop the retransmission and persist timers. */
#include "tcb_impl.h"

void tcb_timer_arm(struct tcb *t, enum tcb_timer k, uint64_t delay, uint64_t now)
{
	t->tmr[k].set_at = now;
	t->tmr[k].at = delay >= TCB_NEVER - now ? TCB_NEVER - 1 : now + delay;
}

void tcb_timer_stop(struct tcb *t, enum tcb_timer k)
{
	t->tmr[k].at = TCB_NEVER;
}

void tcb_timers_stop_all(struct tcb *t)
{
	for (int k = 0; k < TCB_NTIMERS; k++)
		tcb_timer_stop(t, (enum tcb_timer)k);
}

uint64_t tcb_time_wait_len(const struct tcb *t)
{
	return 2 * tcb_p_msl(t);
}

/* RFC 6298 §5.1 / §5.2: running while data is outstanding, off when all is acked. */
void tcb_rtx_timer_update(struct tcb *t, uint64_t now)
{
	if (t->rtx_n == 0)
		tcb_timer_stop(t, TCB_TIMER_RTX);
	else if (t->tmr[TCB_TIMER_RTX].at == TCB_NEVER)
		tcb_timer_arm(t, TCB_TIMER_RTX, t->rto.rto, now);
}

/* Zero window with data waiting and nothing in flight: probe (RFC 9293 §3.8.6.1). */
void tcb_persist_update(struct tcb *t, uint64_t now)
{
	bool data_waits = t->sndq.len > (uint32_t)(t->snd_nxt - t->sndq_seq) && !t->fin_sent;
	bool need = data_waits && t->snd_wnd == 0 && t->rtx_n == 0;

	if (!need) {
		tcb_timer_stop(t, TCB_TIMER_PERSIST);
		t->probes = 0;
		return;
	}
	if (t->tmr[TCB_TIMER_PERSIST].at != TCB_NEVER)
		return;
	t->persist_iv = t->rto.rto;
	tcb_timer_arm(t, TCB_TIMER_PERSIST, t->persist_iv, now);
}
