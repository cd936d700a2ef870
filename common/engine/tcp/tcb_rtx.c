/* tcb_rtx.c - the retransmission queue: segments sent and not yet acknowledged (RFC 9293 §3.8.1). */
#include "tcb_impl.h"

#include <stdlib.h>
#include <string.h>

struct tcb_rtx_ent *tcb_rtx_get(struct tcb *t, unsigned i)
{
	if (i >= t->rtx_n)
		return NULL;
	return &t->rtx[(t->rtx_head + i) & (t->rtx_cap - 1)];
}

struct tcb_rtx_ent *tcb_rtx_first(struct tcb *t)
{
	return tcb_rtx_get(t, 0);
}

/* Doubles the ring (2, 4, ... TCB_RTXQ_MAX entries), oldest entry first. -1 when full
 * or out of memory: the caller then sends nothing new, as with a full window. */
static int tcb_rtx_grow(struct tcb *t)
{
	unsigned cap = t->rtx_cap ? t->rtx_cap * 2 : 2;
	struct tcb_rtx_ent *n;

	if (t->rtx_cap >= TCB_RTXQ_MAX || !(n = malloc(cap * sizeof(*n))))
		return -1;
	for (unsigned i = 0; i < t->rtx_n; i++)
		n[i] = *tcb_rtx_get(t, i);
	free(t->rtx);
	t->rtx = n;
	t->rtx_cap = (uint16_t)cap;
	t->rtx_head = 0;
	return 0;
}

/* Nothing in flight: the ring's memory goes back (most connections are idle). */
static void tcb_rtx_release(struct tcb *t)
{
	if (t->rtx_n)
		return;
	free(t->rtx);
	t->rtx = NULL;
	t->rtx_cap = 0;
	t->rtx_head = 0;
}

struct tcb_rtx_ent *tcb_rtx_push(struct tcb *t, uint32_t seq, uint32_t len, uint8_t flags,
				 uint64_t now)
{
	struct tcb_rtx_ent *r;

	if (t->rtx_n == t->rtx_cap && tcb_rtx_grow(t) < 0)
		return NULL;
	r = &t->rtx[(t->rtx_head + t->rtx_n) & (t->rtx_cap - 1)];
	memset(r, 0, sizeof(*r));
	r->seq = seq;
	r->len = len;
	r->flags = flags;
	r->first_at = now;
	r->last_at = now;
	t->rtx_n++;
	return r;
}

uint32_t tcb_rtx_seqlen(const struct tcb_rtx_ent *r)
{
	return r->len + !!(r->flags & SEG_SYN) + !!(r->flags & SEG_FIN);
}

static void tcb_rtx_pop(struct tcb *t)
{
	t->rtx_head = (uint16_t)((t->rtx_head + 1) & (t->rtx_cap - 1));
	t->rtx_n--;
}

/* Trims the acknowledged front off a partly acknowledged entry. */
static void tcb_rtx_trim(struct tcb_rtx_ent *r, uint32_t ack)
{
	uint32_t k = ack - r->seq;

	if (r->flags & SEG_SYN) {
		r->flags &= (uint8_t)~SEG_SYN;
		k--;
	}
	if (k > r->len)
		k = r->len;
	r->seq = ack;
	r->len -= k;
}

void tcb_rtx_ack(struct tcb *t, uint32_t ack, uint64_t now, uint64_t *rtt)
{
	struct tcb_rtx_ent *r;

	bool karn = false;

	*rtt = TCB_NEVER;
	while ((r = tcb_rtx_first(t)) != NULL) {
		uint32_t end = r->seq + tcb_rtx_seqlen(r);

		if (seq_leq(end, ack)) {
			/* Karn (RFC 6298 §3): no sample from an ACK that covers a retransmitted
			 * segment, not even from a later segment it also covers: the ACK may
			 * answer the retransmission, after the receiver held the later bytes */
			karn = karn || r->rtx > 0;
			*rtt = karn ? TCB_NEVER : now - r->first_at;
			tcb_rtx_pop(t);
			continue;
		}
		if (seq_lt(r->seq, ack))
			tcb_rtx_trim(r, ack);
		break;
	}
	tcb_rtx_release(t);
}

/* The segment for a retransmission-queue entry, first send or resend alike. */
static void tcb_rtx_build(const struct tcb *t, const struct tcb_rtx_ent *r, struct seg *s)
{
	uint8_t flags = r->flags;

	if (t->state != TCB_SYN_SENT)
		flags |= SEG_ACK;
	tcb_seg_init(t, s, r->seq, flags);
	if (flags & SEG_SYN) {	/* RFC 9293 §3.7.1: MSS only on SYNs */
		s->opts.has_mss = true;
		s->opts.mss = tcb_p_mss(t);
	}
	if (r->len > 0) {
		s->payload = sndq_at(&t->sndq, r->seq - t->sndq_seq);
		s->len = s->payload ? r->len : 0;
	}
}

void tcb_rtx_send(struct tcb *t, const struct tcb_rtx_ent *r, uint64_t now,
		  struct tcb_out *o)
{
	struct seg s;

	tcb_rtx_build(t, r, &s);
	tcb_emit(t, o, &s, now);
}

/* One segment again, never more: loss recovery resends what it knows to be missing
 * (tcb_cc.c), the RTO only the first unacknowledged segment (tcb_timeout.c). */
struct tcb_event *tcb_rtx_resend(struct tcb *t, struct tcb_rtx_ent *r, enum tcb_why why,
				 uint32_t n2, uint32_t n3, uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev = tcb_ev(t, o, TCB_EV_RETRANSMIT, why, now);

	r->rtx++;	/* Karn: its ACK gives no RTT sample */
	r->rtx_nxt = t->snd_nxt;
	tcb_ev_n(ev, r->seq, tcb_rtx_seqlen(r), n2, n3);
	ev->count = r->rtx;
	ev->after_us = now - r->last_at;
	r->last_at = now;
	tcb_rtx_send(t, r, now, o);
	return ev;
}

void tcb_rtx_clear(struct tcb *t)
{
	t->rtx_n = 0;
	t->rtx_count = 0;
	tcb_rtx_release(t);
}
