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

static uint32_t tcb_rtx_seqlen(const struct tcb_rtx_ent *r)
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

	*rtt = TCB_NEVER;
	while ((r = tcb_rtx_first(t)) != NULL) {
		uint32_t end = r->seq + tcb_rtx_seqlen(r);

		if (seq_leq(end, ack)) {
			/* Karn (RFC 6298 §3): only segments sent once give a sample */
			*rtt = r->rtx == 0 ? now - r->first_at : TCB_NEVER;
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

void tcb_rtx_mark_lost(struct tcb *t)
{
	for (unsigned i = 1; i < t->rtx_n; i++)
		if (!tcb_rtx_get(t, i)->sacked)	/* RFC 2018 §8: the peer holds it */
			tcb_rtx_get(t, i)->lost = true;
}

/* Go-back-N after an RTO: resend the segments marked lost that the window allows. */
void tcb_rtx_resend_lost(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	uint32_t right = t->snd_una + t->snd_wnd;

	for (unsigned i = 0; i < t->rtx_n && o->nseg < TCB_OUT_SEGS; i++) {
		struct tcb_rtx_ent *r = tcb_rtx_get(t, i);
		struct tcb_event *ev;

		if (!r->lost)
			continue;
		if (r->len > 0 && seq_gt(r->seq + r->len, right))
			break;
		r->lost = false;
		r->rtx++;
		ev = tcb_ev(t, o, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO, now);
		tcb_ev_n(ev, r->seq, tcb_rtx_seqlen(r), t->snd_una, t->snd_nxt);
		ev->timer = TCB_TIMER_RTX;
		ev->count = r->rtx;
		ev->after_us = now - r->last_at;
		ev->rto_us = t->rto.rto;
		r->last_at = now;
		tcb_rtx_send(t, r, now, o);
	}
}

void tcb_rtx_clear(struct tcb *t)
{
	t->rtx_n = 0;
	t->rtx_count = 0;
	tcb_rtx_release(t);
}
