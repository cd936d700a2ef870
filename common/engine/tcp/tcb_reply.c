/* tcb_reply.c - the ACKs a TCB sends in answer to segments it does not accept: challenge ACKs (RFC 5961), rate limited (§7). */
#include "tcb_impl.h"

/* RFC 5961 §3.2, §4, §5 challenge ACK, at most challenge_ack_limit per second (§7). */
void tcb_challenge_ack(struct tcb *t, enum tcb_why why, uint64_t now, struct tcb_out *o,
		       uint32_t n0, uint32_t n1, uint32_t n2)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_CHALLENGE_ACK, why, now);

	tcb_ev_n(ev, n0, n1, n2, 0);
	if (now - t->chack_start >= TCB_CHACK_WINDOW_US || now < t->chack_start) {
		t->chack_start = now;
		t->chack_count = 0;
	}
	if (t->chack_count >= t->p->challenge_ack_limit) {
		ev->limited = true;
		return;
	}
	t->chack_count++;
	tcb_send_ack(t, now, o);
}
