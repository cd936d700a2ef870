/* tcb_opts.c - TCP options of a connection as received (RFC 7323): what the SYNs agree, scaled peer windows, timestamps with RTTM and PAWS (what we send: tcb_stamp.c). */
#include "tcb_impl.h"

#include <string.h>

#define TCB_PAWS_IDLE_S (24u * 86400)	/* RFC 7323 §5.5: 24 days */

static void opts_ts_recent_set(struct tcb_optst *x, uint32_t tsval, uint64_t now)
{
	x->ts_recent = tsval;
	x->ts_recent_s = (uint32_t)(now / 1000000);
	x->ts_recent_valid = true;
}

static void opts_ev(struct tcb *t, struct tcb_out *o, enum tcb_why why, uint64_t now,
		    uint32_t n0, uint32_t n1)
{
	tcb_ev_n(tcb_ev(t, o, TCB_EV_OPTION, why, now), n0, n1, 0, 0);
}

/* One option: agreed when the peer's SYN carries it and it is not turned off here;
 * explained either way. n0 of OFF_LOCAL: 1 when the peer's SYN carried it. */
static bool opts_agree(struct tcb *t, struct tcb_out *o, uint64_t now, bool off, bool peer,
		       enum tcb_why on_why, uint32_t n0, uint32_t n1)
{
	if (!off && peer)
		opts_ev(t, o, on_why, now, n0, n1);
	else if (off)	/* OFF_LOCAL follows ON in enum tcb_why, OFF_PEER after it */
		opts_ev(t, o, (enum tcb_why)(on_why + 1), now, peer, 0);
	else
		opts_ev(t, o, (enum tcb_why)(on_why + 2), now, 0, 0);
	return !off && peer;
}

/* RFC 7323 §2.2, §3.2, RFC 2018 §2: each option is in force only when both SYNs carry
 * it. Our SYN offered everything not turned off, and our SYN+ACK offers only what this
 * SYN carried (tcb_opts_stamp), so "not off here and in the peer's SYN" decides. */
void tcb_opts_take_syn(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	const struct seg_opts *so = &s->opts;
	uint8_t peer_ws = so->wscale > TCB_WS_MAX ? TCB_WS_MAX : so->wscale;
	struct tcb_optst *x = &t->opt;

	x->ws_ok = opts_agree(t, o, now, t->p->no_wscale, so->has_wscale, TCB_WHY_WSCALE_ON,
			      peer_ws, tcb_opts_our_shift(t));
	x->snd_shift = x->ws_ok ? peer_ws : 0;
	x->rcv_shift = x->ws_ok ? tcb_opts_our_shift(t) : 0;
	x->ts_ok = opts_agree(t, o, now, t->p->no_timestamps, so->has_ts, TCB_WHY_TS_ON,
			      so->tsval, tcb_opts_tsval(t, now));
	if (x->ts_ok)	/* §4.3: the SYN's TSval is the first TS.Recent */
		opts_ts_recent_set(x, so->tsval, now);
	x->sack_ok = opts_agree(t, o, now, t->p->no_sack, so->sack_perm, TCB_WHY_SACK_ON, 0, 0);
}

void tcb_opts_note_wnd(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	struct tcb_event *ev;

	if (!t->opt.ws_ok || t->opt.snd_shift == 0 || t->opt.ws_told || (s->flags & SEG_SYN))
		return;
	t->opt.ws_told = true;
	ev = tcb_ev(t, o, TCB_EV_OPTION, TCB_WHY_WSCALE_APPLIED, now);
	tcb_ev_n(ev, s->win, t->opt.snd_shift, tcb_opts_seg_wnd(t, s), 0);
}

/* §5.3 R1: a non-RST segment whose TSval is older than TS.Recent is an old duplicate
 * (its sequence numbers may have wrapped): dropped and answered with an ACK, unless
 * TS.Recent is over 24 days old (§5.5), when it is forgotten instead. */
bool tcb_opts_paws(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	struct tcb_optst *x = &t->opt;

	if (!x->ts_ok || !s->opts.has_ts || (s->flags & SEG_RST) || !x->ts_recent_valid ||
	    !seq_lt(s->opts.tsval, x->ts_recent))
		return true;
	if ((uint32_t)(now / 1000000) - x->ts_recent_s > TCB_PAWS_IDLE_S) {
		x->ts_recent_valid = false;
		return true;
	}
	tcb_reply_ack(t, s, TCB_WHY_PAWS_REJECT, now, o, s->opts.tsval, x->ts_recent, s->seq,
		      seg_seqlen(s));
	return false;
}

/* §4.3 (2): "If SEG.TSval >= TS.Recent and SEG.SEQ =< Last.ACK.sent, then TS.Recent is
 * set to SEG.TSval": the echo then times the segment that advanced our ACK. */
void tcb_opts_ts_recent(struct tcb *t, const struct seg *s, uint64_t now)
{
	struct tcb_optst *x = &t->opt;

	if (!x->ts_ok || !s->opts.has_ts)
		return;
	if (x->ts_recent_valid && seq_lt(s->opts.tsval, x->ts_recent))
		return;
	if (!seq_leq(s->seq, x->last_ack_sent))
		return;
	opts_ts_recent_set(x, s->opts.tsval, now);
}

/* §4.1 RTTM: now - TSecr, in our 1 ms ticks; 0 ticks counts as 1 (Linux
 * tcp_rtt_tsopt_us). TSecr 0 or from the future gives no sample. */
uint64_t tcb_opts_ts_rtt(const struct tcb *t, const struct seg *s, uint64_t now)
{
	uint32_t delta;

	if (!t->opt.ts_ok || !s->opts.has_ts || s->opts.tsecr == 0)
		return TCB_NEVER;
	delta = tcb_opts_tsval(t, now) - s->opts.tsecr;
	if (delta > 0x7fffffffu)
		return TCB_NEVER;
	return (uint64_t)(delta ? delta : 1) * 1000;
}
