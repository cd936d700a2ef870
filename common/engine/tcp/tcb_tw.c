/* tcb_tw.c - compact TIME-WAIT: a connection's TCB replaced by a 128-byte record of what TIME-WAIT still needs (like Linux's inet_timewait_sock). */
#include "tcb_impl.h"

#include <stddef.h>
#include <stdlib.h>
#include <string.h>

/*
 * In TIME-WAIT a connection has nothing left to send or deliver: every byte and both
 * FINs are acknowledged, the queues are empty, and only the 2MSL timer runs (RFC 9293
 * §3.10.7.4: "The only thing that can arrive in this state is a retransmission of the
 * remote FIN. Acknowledge it, and restart the 2 MSL timeout"; a RST closes it, a SYN
 * gets the RFC 5961 §4 challenge ACK, an unacceptable segment the §3.10.7.4 first-check
 * ACK). What that needs is the 4-tuple, SND.NXT / RCV.NXT and the window edges the
 * checks use, the 2MSL deadline, the rate limits of our answers and what the logger
 * prints (ISS, IRS, RTT figures): struct tcb_tw below, 128 bytes instead of struct tcb's
 * ~370 plus its buffers.
 *
 * IPv4 and IPv6: struct tcb_addr holds both families (48 bytes), which would make the
 * record 168 bytes. The record keeps the IPv4 form only (two 32-bit addresses, the
 * ports; the family is implied), so an IPv4 connection's TIME-WAIT takes 128 bytes,
 * and an IPv6 TCB stays full-size in TIME-WAIT (tw_fits refuses it): correct, only not
 * compact. A 4-tuple is read through tcb_addr(), which rebuilds it from either form.
 *
 * The record is NOT a second implementation of TIME-WAIT. Every call on it rebuilds a
 * full struct tcb on the stack (tw_expand), runs the ordinary code on it (tcb_input.c
 * and the rest, so the segments, events and reasons are exactly a full TCB's), and
 * stores the result back (tw_store). tests/unit/test_tcb_tw.c drives a compacted TCB and
 * a full twin through the same segments and timeouts and compares every output.
 *
 * A record is told from a full TCB by its state field, at the same offset in both,
 * holding TCB_TW_MARK (never a real state); the real state is `state` below (TIME-WAIT,
 * or CLOSED once a RST or the 2MSL timer ended it).
 *
 * A field added to struct tcb that TIME-WAIT reads (a timestamp to echo, RFC 7323 §5.3;
 * a window scale) must be added here, to tw_fits/tw_store/tw_expand; until it is,
 * tw_roundtrip_exact keeps every TCB whose new field is not zero full-size (correct,
 * only not compact), so test_tcb_tw fails for it rather than TIME-WAIT. 7 bytes of padding
 * are free within the 128 today; 8 more can be won by storing chack_start and reply_at
 * as 32-bit offsets from the 2MSL timer's set_at.
 */
struct tcb_tw {
	enum tcb_state mark;		/* TCB_TW_MARK, at struct tcb's state offset (0) */
	uint32_t laddr, raddr;		/* IPv4 only (tw_fits): struct tcb_addr's v4 form */
	uint16_t lport, rport;
	const struct tcb_params *p;
	uint32_t iss, snd_nxt, snd_wnd, snd_wl1, snd_wl2, max_snd_wnd;	/* SND.UNA = SND.NXT */
	uint32_t irs, rcv_nxt, rcv_adv, sndq_seq;
	uint32_t chack_count, replies_limited;
	uint32_t srtt, rttvar, rto;	/* us, for tcb_get_vars (the logger) */
	uint16_t peer_mss;
	uint8_t state;			/* the real state */
	uint8_t flags;			/* TW_F_* */
	uint8_t backoffs;		/* struct rto's */
	struct tcb_tmr tw;		/* the 2MSL timer */
	uint64_t chack_start, reply_at;	/* RFC 5961 §7 rate limits (tcb_reply.c) */
};

_Static_assert(sizeof(struct tcb_tw) <= 128, "a TIME-WAIT record is at most 128 bytes");
_Static_assert(offsetof(struct tcb_tw, mark) == offsetof(struct tcb, state), "mark offset");

enum {
	TW_F_CLOSE_PENDING = 1, TW_F_FIN_SENT = 2, TW_F_FIN_RCVD = 4, TW_F_PASSIVE = 8,
	TW_F_SYN_TIMED_OUT = 16, TW_F_HAS_SAMPLE = 32,
};

const struct tcb *tcb_full(const struct tcb *t, struct tcb *tmp)
{
	return tcb_tw_is(t) ? tcb_tw_begin(t, tmp, NULL) : t;
}

static const struct tcb_tw *tw_ofc(const struct tcb *t)
{
	return (const struct tcb_tw *)(const void *)t;
}

/* Only the 2MSL timer may run; the others must be stopped. */
static bool tw_timers_idle(const struct tcb *t)
{
	for (int k = TCB_TIMER_NONE + 1; k < TCB_NTIMERS; k++)
		if (k != TCB_TIMER_TIME_WAIT && t->tmr[k].at != TCB_NEVER)
			return false;
	return true;
}

/* Whether everything of t that the record does not keep has the value tw_expand gives
 * it: then expand(store(t)) behaves exactly as t. */
static bool tw_fits(const struct tcb *t)
{
	return (t->state == TCB_TIME_WAIT || t->state == TCB_CLOSED) &&
	       !t->a.v6 &&	/* the record holds an IPv4 4-tuple only */
	       t->snd_una == t->snd_nxt &&
	       t->fin_seq == (t->fin_sent ? t->snd_nxt - 1 : 0) &&
	       !t->ooo_fin && t->sndq.len == 0 && t->rcvq.ready == 0 && t->rcvq.nooo == 0 &&
	       t->rtx_n == 0 && t->rtx_count == 0 && t->probes == 0 && tw_timers_idle(t) &&
	       t->rto.min == tcb_p_rto_min(t) && t->rto.max == tcb_p_rto_max(t) &&
	       t->rto.srtt <= UINT32_MAX && t->rto.rttvar <= UINT32_MAX &&
	       t->rto.rto <= UINT32_MAX && t->rto.backoffs <= UINT8_MAX;
}

static void tw_store(struct tcb_tw *w, const struct tcb *t)
{
	w->mark = TCB_TW_MARK, w->p = t->p;
	w->laddr = t->a.laddr, w->raddr = t->a.raddr, w->lport = t->a.lport, w->rport = t->a.rport;
	w->iss = t->iss, w->snd_nxt = t->snd_nxt, w->snd_wnd = t->snd_wnd;
	w->snd_wl1 = t->snd_wl1, w->snd_wl2 = t->snd_wl2, w->max_snd_wnd = t->max_snd_wnd;
	w->irs = t->irs, w->rcv_nxt = t->rcv_nxt, w->rcv_adv = t->rcv_adv;
	w->sndq_seq = t->sndq_seq;
	w->chack_count = t->chack_count, w->replies_limited = t->replies_limited;
	w->srtt = (uint32_t)t->rto.srtt, w->rttvar = (uint32_t)t->rto.rttvar;
	w->rto = (uint32_t)t->rto.rto, w->backoffs = (uint8_t)t->rto.backoffs;
	w->peer_mss = t->peer_mss, w->state = (uint8_t)t->state;
	w->flags = (uint8_t)((t->close_pending ? TW_F_CLOSE_PENDING : 0) |
			     (t->fin_sent ? TW_F_FIN_SENT : 0) | (t->fin_rcvd ? TW_F_FIN_RCVD : 0) |
			     (t->passive ? TW_F_PASSIVE : 0) |
			     (t->syn_timed_out ? TW_F_SYN_TIMED_OUT : 0) |
			     (t->rto.has_sample ? TW_F_HAS_SAMPLE : 0));
	w->tw = t->tmr[TCB_TIMER_TIME_WAIT];
	w->chack_start = t->chack_start, w->reply_at = t->reply_at;
}

/* A full TCB equal to the one w was stored from (tw_fits lists what is implied). */
static void tw_expand(const struct tcb_tw *w, struct tcb *t)
{
	memset(t, 0, sizeof(*t));
	t->a.laddr = w->laddr, t->a.raddr = w->raddr, t->a.lport = w->lport, t->a.rport = w->rport;
	t->p = w->p, t->state = (enum tcb_state)w->state;	/* a.v6 false, a.*addr6 zero */
	t->iss = w->iss, t->snd_una = t->snd_nxt = w->snd_nxt, t->snd_wnd = w->snd_wnd;
	t->snd_wl1 = w->snd_wl1, t->snd_wl2 = w->snd_wl2, t->max_snd_wnd = w->max_snd_wnd;
	t->fin_seq = w->snd_nxt - 1;
	t->irs = w->irs, t->rcv_nxt = w->rcv_nxt, t->rcv_adv = w->rcv_adv;
	t->sndq_seq = w->sndq_seq;
	t->chack_count = w->chack_count, t->replies_limited = w->replies_limited;
	t->peer_mss = w->peer_mss;
	t->close_pending = w->flags & TW_F_CLOSE_PENDING, t->fin_sent = w->flags & TW_F_FIN_SENT;
	t->fin_rcvd = w->flags & TW_F_FIN_RCVD, t->passive = w->flags & TW_F_PASSIVE;
	t->syn_timed_out = w->flags & TW_F_SYN_TIMED_OUT;
	if (!t->fin_sent)
		t->fin_seq = 0;
	sndq_init(&t->sndq, t->p->snd_buf);
	rcvq_init(&t->rcvq, tcb_p_rcv_buf(t));
	rto_init(&t->rto, tcb_p_rto_init(t), tcb_p_rto_min(t), tcb_p_rto_max(t));
	t->rto.srtt = w->srtt, t->rto.rttvar = w->rttvar, t->rto.rto = w->rto;
	t->rto.backoffs = w->backoffs, t->rto.has_sample = w->flags & TW_F_HAS_SAMPLE;
	tcb_timers_stop_all(t);
	t->tmr[TCB_TIMER_TIME_WAIT] = w->tw;
	t->chack_start = w->chack_start, t->reply_at = w->reply_at;
}

/* What may differ between a TCB and its rebuild without changing what it does in
 * TIME-WAIT or CLOSED: buffers (empty: freed), queue offsets (nothing is queued again),
 * the start times of stopped timers and the state of a stopped persist timer. */
static void tw_normalize(struct tcb *x)
{
	x->ooo_fin_seq = 0;	/* tw_fits: no out-of-order FIN */
	x->sndq.buf = NULL, x->sndq.off = 0;
	x->rcvq.buf = NULL, x->rcvq.ooo = NULL, x->rcvq.head = 0;
	x->rtx = NULL, x->rtx_cap = 0, x->rtx_head = 0;
	x->persist_iv = 0;
	/* Congestion control and delayed ACK have nothing to act on in TIME-WAIT: every byte
	 * is acknowledged and none is left to send (RFC 5681 governs sending data), an ACK
	 * there is sent at once, and tw_timers_idle leaves the DACK timer stopped. The record
	 * keeps neither; a rebuilt TCB has them zero (tcb_get_vars then shows cwnd 0). */
	memset(&x->cc, 0, sizeof(x->cc));
	memset(&x->dack, 0, sizeof(x->dack));
	/* Last.ACK.sent only serves the TS.Recent update (RFC 7323 §4.3): without timestamps
	 * it means nothing. With timestamps, window scaling or SACK agreed the record (which
	 * keeps neither TS.Recent, the shifts nor the agreed options) cannot stand in for the
	 * TCB: it stays full-size (so today only option-less connections are compacted). */
	if (!x->opt.ts_ok)
		x->opt.last_ack_sent = 0;
	for (int k = 0; k < TCB_NTIMERS; k++)
		if (x->tmr[k].at == TCB_NEVER)
			x->tmr[k].set_at = 0;
}

/* The safety net under tw_fits: the rebuild of w equals t in every byte that matters.
 * A field added to struct tcb and not kept by the record blocks compaction whenever it
 * differs from the rebuild's value (zero), so it can make TIME-WAIT bigger, never
 * different. Padding is compared too (struct rto has 3 bytes): a TCB whose padding is
 * not zero (tcb_new callocs it) would only stay uncompacted, never run wrong; the
 * tests check that compaction happens. */
static bool tw_roundtrip_exact(const struct tcb *t, const struct tcb_tw *w)
{
	struct tcb a, b;

	memcpy(&a, t, sizeof(a));
	tw_expand(w, &b);
	tw_normalize(&a);
	tw_normalize(&b);
	return memcmp(&a, &b, sizeof(a)) == 0;
}

struct tcb *tcb_compact(struct tcb *t)
{
	struct tcb_tw w;
	void *r;

	if (!t || tcb_tw_is(t) || t->state != TCB_TIME_WAIT || !tw_fits(t))
		return t;
	tw_store(&w, t);
	if (!tw_roundtrip_exact(t, &w))
		return t;
	/* what tcb_free frees besides the block (keep the two in step) */
	sndq_free(&t->sndq);
	rcvq_free(&t->rcvq);
	free(t->rtx);
	/* Shrunk in place (glibc keeps the address and frees the tail: no copy, and the
	 * record stays next to what was allocated with the TCB). If realloc fails, the old
	 * block, big enough, holds the record. */
	r = realloc(t, sizeof(w));
	if (!r)
		r = t;
	memcpy(r, &w, sizeof(w));
	return r;
}

/* ---- running the ordinary code on a record (tcb_impl.h, tcb_tw_begin) ---- */

struct tcb *tcb_tw_begin(const struct tcb *t, struct tcb *tmp, struct tcb_out *o)
{
	tw_expand(tw_ofc(t), tmp);
	if (o && o->ack_owner == t)	/* a pending pure ACK of t may still be merged */
		o->ack_owner = tmp;
	return tmp;
}

void tcb_tw_end(struct tcb *t, struct tcb *tmp, struct tcb_out *o)
{
	/* Nothing TIME-WAIT or CLOSED does fills a queue (tw_fits stays true): the stored
	 * record is the whole new state. The buffers are freed in case a call allocated
	 * one; no payload in o points into them (no data leaves these states). */
	struct tcb_tw w;

	tw_store(&w, tmp);
	memcpy(t, &w, sizeof(w));	/* t may be read as a struct tcb elsewhere: bytes */
	if (tmp->sndq.buf || tmp->rcvq.buf || tmp->rcvq.ooo || tmp->rtx) {	/* never, so far */
		sndq_free(&tmp->sndq);
		rcvq_free(&tmp->rcvq);
		free(tmp->rtx);
	}
	if (o && o->ack_owner == tmp)
		o->ack_owner = t;
}

/* ---- queries answered from the record ---- */

enum tcb_state tcb_tw_state(const struct tcb *t) { return (enum tcb_state)tw_ofc(t)->state; }

struct tcb_addr tcb_tw_addr(const struct tcb *t)
{
	const struct tcb_tw *w = tw_ofc(t);
	struct tcb_addr a;

	memset(&a, 0, sizeof(a));	/* padding too: callers may compare it as bytes */
	a.laddr = w->laddr, a.raddr = w->raddr, a.lport = w->lport, a.rport = w->rport;
	return a;
}

uint64_t tcb_tw_deadline(const struct tcb *t) { return tw_ofc(t)->tw.at; }

size_t tcb_tw_size(void) { return sizeof(struct tcb_tw); }
