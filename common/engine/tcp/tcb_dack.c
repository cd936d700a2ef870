/* tcb_dack.c - delayed ACK (RFC 9293 §3.8.6.3, RFC 5681 §4.2): ACK every second full-sized segment or after dack_us, at once for out-of-order data and for a segment that fills a hole. */
#include "tcb_impl.h"

/*
 * "Full-sized" is the largest segment seen so far (as Linux estimates rcv_mss): with TCP
 * options in every segment the peer's full segments are smaller than the MSS, and
 * counting bytes against the MSS would then wait for a third. Any segment we send
 * carries the ACK and ends the delay (tcb_emit clears it).
 */

bool tcb_dack_data(struct tcb *t, uint32_t len, bool hole, uint64_t now, struct tcb_out *o)
{
	struct tcb_dack *d = &t->dack;

	if (len > d->rcv_mss)
		d->rcv_mss = len;
	d->bytes += len;
	if (!t->p->dack_us || hole || d->bytes >= 2 * d->rcv_mss) {
		tcb_send_ack(t, now, o);
		return true;
	}
	/* RFC 5681 §4.2: the delay counts from the first unacknowledged segment */
	if (t->tmr[TCB_TIMER_DACK].at == TCB_NEVER)	/* a full TCB: no record here */
		tcb_timer_arm(t, TCB_TIMER_DACK, tcb_p_time(t, t->p->dack_us), now);
	return false;
}

void tcb_dack_fire(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_TIMER, TCB_WHY_DACK_TIMEOUT, now);

	ev->timer = TCB_TIMER_DACK;
	ev->after_us = now - t->tmr[TCB_TIMER_DACK].set_at;
	tcb_ev_n(ev, t->rcv_nxt, t->dack.bytes, (uint32_t)tcb_p_time(t, t->p->dack_us), 0);
	tcb_timer_stop(t, TCB_TIMER_DACK);
	tcb_send_ack(t, now, o);
}
