/* tcb_sack.c - selective acknowledgment (RFC 2018), the sender's side: the scoreboard that keeps SACKed segments from being resent. */
#include "tcb_impl.h"

/*
 * The sender's half: it walks the retransmission queue (tcb_rtx.c) and is called by
 * tcb_input.c and tcb_timeout.c. The receiver's half, the blocks of the ACKs we send,
 * is in tcb_stamp.c (it reads only the receive queue and t->opt).
 */

/* Sequence numbers of an entry a SACK block can cover: its data and a FIN. */
static uint32_t sack_ent_end(const struct tcb_rtx_ent *r)
{
	return r->seq + r->len + !!(r->flags & SEG_FIN);
}

/* Marks the entries wholly inside [left, right) at or after `from`; the bytes newly
 * marked. An entry marked is not resent (RFC 2018 §8) and not in pipe (tcb_board.c). */
static uint32_t sack_mark(struct tcb *t, uint32_t left, uint32_t right, uint32_t from)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < t->rtx_n; i++) {
		struct tcb_rtx_ent *r = tcb_rtx_get(t, i);

		if (r->sacked || (r->flags & SEG_SYN) || seq_lt(r->seq, from) ||
		    seq_lt(r->seq, left) || seq_gt(sack_ent_end(r), right))
			continue;
		r->sacked = true;
		n += r->len;
	}
	return n;
}

/* Blocks that lie below the cumulative ACK (a D-SACK, RFC 2883, or stale) or beyond
 * SND.NXT are ignored: they mark nothing. */
uint32_t tcb_sack_input(struct tcb *t, const struct seg *s, uint64_t now, struct tcb_out *o)
{
	uint32_t from = seq_gt(s->ack, t->snd_una) ? s->ack : t->snd_una, all = 0;

	if (!t->opt.sack_ok || !(s->flags & SEG_ACK))
		return 0;
	for (unsigned i = 0; i < s->opts.nsack && i < SEG_MAX_SACK; i++) {
		const struct seg_sack *b = &s->opts.sack[i];
		uint32_t n;

		if (!seq_lt(b->left, b->right) || seq_leq(b->right, from) ||
		    seq_gt(b->right, t->snd_nxt))
			continue;
		n = sack_mark(t, b->left, b->right, from);
		all += n;
		if (n > 0)
			tcb_ev_n(tcb_ev(t, o, TCB_EV_OPTION, TCB_WHY_SACK_MARKED, now), b->left,
				 b->right, n, from);
	}
	return all;
}

/* On an RTO, before tcb_cc_on_rto: when the head itself is SACKed the receiver has
 * dropped what it reported (reneging, RFC 2018 §8), so every mark goes (Linux's
 * tcp_check_sack_reneging); else the SACKed segments stay out of the resends that follow
 * (tcb_cc.c's filling in of holes after an RTO, RFC 6675 §5.1, skips them). */
void tcb_sack_on_rto(struct tcb *t, uint64_t now, struct tcb_out *o)
{
	struct tcb_rtx_ent *h = tcb_rtx_first(t);
	uint32_t segs = 0, bytes = 0;

	if (!h || !t->opt.sack_ok)
		return;
	if (h->sacked) {
		for (unsigned i = 0; i < t->rtx_n; i++) {
			struct tcb_rtx_ent *r = tcb_rtx_get(t, i);

			segs += r->sacked;
			r->sacked = false;
		}
		tcb_ev_n(tcb_ev(t, o, TCB_EV_OPTION, TCB_WHY_SACK_RENEGED, now), h->seq, segs, 0,
			 0);
		return;
	}
	for (unsigned i = 1; i < t->rtx_n; i++) {
		struct tcb_rtx_ent *r = tcb_rtx_get(t, i);

		segs += r->sacked;
		bytes += r->sacked ? r->len : 0;
	}
	if (segs)
		tcb_ev_n(tcb_ev(t, o, TCB_EV_OPTION, TCB_WHY_SACK_KEPT, now), segs, bytes,
			 t->snd_una, 0);
}

uint32_t tcb_sack_bytes(const struct tcb *t)
{
	uint32_t n = 0;

	for (unsigned i = 0; i < t->rtx_n; i++) {
		const struct tcb_rtx_ent *r = &t->rtx[(t->rtx_head + i) & (t->rtx_cap - 1)];

		n += r->sacked ? r->len : 0;
	}
	return n;
}
