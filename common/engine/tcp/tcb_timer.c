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

#define TCB_TLP_WCDELACK_US 200000	/* RFC 8985 §7.2 WCDelAckT, the peer's delayed ACK */
#define TCB_TLP_MIN_US 10000		/* floor of the PTO: not the RFC's, ours, so that an
					 * SRTT of some us on a LAN does not make every
					 * short pause a probe */

/* RFC 8985 §7.2: a probe is scheduled when SACK is on, no recovery runs, no probe is out
 * and SRTT is known: PTO = 2 * SRTT (+ WCDelAckT when one segment is in flight: its ACK
 * may be delayed), never later than the RTO would fire (then the probe goes at that
 * time, and the RTO after it). 0: no probe, the timer is the RTO. */
static uint64_t tcb_tlp_pto(const struct tcb *t)
{
	uint64_t pto;

	if (t->p->no_tlp || !t->opt.sack_ok || !t->cc.cwnd || t->cc.phase != TCB_CC_OPEN ||
	    t->cc.tlp == TCB_TLP_OUT || !t->rto.has_sample || t->rtx_count > 0 ||
	    (t->rtx[t->rtx_head].flags & SEG_SYN))
		return 0;
	pto = 2 * t->rto.srtt;
	if (pto < tcb_p_time(t, TCB_TLP_MIN_US))
		pto = tcb_p_time(t, TCB_TLP_MIN_US);
	if (t->snd_nxt - t->snd_una <= tcb_eff_mss(t))
		pto += tcb_p_time(t, TCB_TLP_WCDELACK_US);
	return pto < t->rto.rto ? pto : t->rto.rto;	/* "If Now() + PTO > TCP_RTO_expire()" */
}

/* RFC 6298 §5.1 / §5.2: running while data is outstanding, off when all is acked; with
 * RFC 8985 the PTO first, when it comes before the RTO. */
void tcb_rtx_timer_update(struct tcb *t, uint64_t now)
{
	uint64_t pto;

	if (t->rtx_n == 0) {
		tcb_timer_stop(t, TCB_TIMER_RTX);
		t->cc.tlp = TCB_TLP_NONE;
	} else if (t->tmr[TCB_TIMER_RTX].at == TCB_NEVER) {
		pto = tcb_tlp_pto(t);
		if (t->cc.tlp != TCB_TLP_OUT)
			t->cc.tlp = pto ? TCB_TLP_ARMED : TCB_TLP_NONE;
		tcb_timer_arm(t, TCB_TIMER_RTX, pto ? pto : t->rto.rto, now);
	}
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
