/* tcb_reply.c - the ACKs a TCB sends in answer to segments it does not accept: challenge ACKs (RFC 5961) and the rate limits of all of them (§7). */
#include "tcb_impl.h"

/*
 * RFC 5961 §7 asks for a limit on challenge ACKs; Linux applies one interval per
 * connection (net.ipv4.tcp_invalid_ratelimit, 500 ms, __tcp_oow_rate_limited) to every
 * ACK that answers an out-of-window segment, an unacceptable ACK or a challenge. Two
 * stacks that each find the other's ACK unacceptable otherwise answer each other at
 * wire speed (an ACK loop). Returns true when this answer may go (and starts the next
 * interval); else records why it does not and counts it.
 */
static bool tcb_reply_allowed(struct tcb *t, enum tcb_why why, uint64_t now,
			      struct tcb_out *o)
{
	uint64_t iv = t->p->invalid_ratelimit_us, since = now - t->reply_at;

	if (iv == 0 || t->reply_at == TCB_NEVER || now < t->reply_at || since >= iv) {
		t->reply_at = now;
		return true;
	}
	t->replies_limited++;
	tcb_drop(t, o, TCB_WHY_REPLY_RATE_LIMITED, now, (uint32_t)why, (uint32_t)since,
		 iv > UINT32_MAX ? UINT32_MAX : (uint32_t)iv, t->replies_limited);
	return false;
}

/* Linux's tcp_oow_rate_limited: an out-of-window segment with text or a FIN and no SYN
 * is always answered (it is no part of an ACK loop; its ACK may be what the sender
 * waits for, e.g. a retransmission of data whose ACK was lost). */
static bool tcb_reply_exempt(const struct seg *s, enum tcb_why why)
{
	return (why == TCB_WHY_SEQ_UNACCEPTABLE || why == TCB_WHY_PAWS_REJECT) &&
	       seg_seqlen(s) > 0 && !(s->flags & SEG_SYN);
}

/* RFC 9293 §3.10.7.4: an unacceptable segment (first check) or an ACK of something not
 * yet sent (fifth check) is dropped and answered <SEQ=SND.NXT><ACK=RCV.NXT><CTL=ACK>. */
void tcb_reply_ack(struct tcb *t, const struct seg *s, enum tcb_why why, uint64_t now,
		   struct tcb_out *o, uint32_t n0, uint32_t n1, uint32_t n2, uint32_t n3)
{
	if (!tcb_reply_exempt(s, why) && !tcb_reply_allowed(t, why, now, o))
		return;
	tcb_drop(t, o, why, now, n0, n1, n2, n3);
	tcb_send_ack(t, now, o);
}

/* RFC 5961 §3.2, §4, §5.2 challenge ACK: the interval above first (as Linux's
 * tcp_send_challenge_ack), then at most challenge_ack_limit per second (§7). */
void tcb_challenge_ack(struct tcb *t, enum tcb_why why, uint64_t now, struct tcb_out *o,
		       uint32_t n0, uint32_t n1, uint32_t n2)
{
	struct tcb_event *ev;

	if (!tcb_reply_allowed(t, why, now, o))
		return;
	ev = tcb_ev(t, o, TCB_EV_CHALLENGE_ACK, why, now);
	tcb_ev_n(ev, n0, n1, n2, 0);
	if (now - t->chack_start >= TCB_CHACK_WINDOW_US || now < t->chack_start) {
		t->chack_start = now;
		t->chack_count = 0;
	}
	if (t->chack_count >= t->p->challenge_ack_limit) {
		ev->limited = true;
		t->replies_limited++;
		return;
	}
	t->chack_count++;
	tcb_send_ack(t, now, o);
}
