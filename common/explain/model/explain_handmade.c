/* explain_handmade.c - what the builder notes of segments made, edited or held by hand (step prompt, --manual). */
#include "explain_handmade.h"

#include <stdlib.h>
#include <string.h>

#include "seq.h"

int explain_handmade_hold(struct explain_build *b, uint64_t end_us, uint64_t held_us,
			  struct err *e)
{
	if (!held_us)
		return 0;
	if (!b->holds && !(b->holds = calloc(EXPLAIN_MAX_HOLDS, sizeof(*b->holds))))
		return err_set(e, "out of memory (step prompt holds)");
	if (b->nholds == EXPLAIN_MAX_HOLDS) {	/* keep the latest: RTTs look back briefly */
		memmove(b->holds, b->holds + 1, (EXPLAIN_MAX_HOLDS - 1) * sizeof(*b->holds));
		b->nholds--;
	}
	b->holds[b->nholds++] = (struct explain_hold){ end_us, held_us };
	return 0;
}

uint64_t explain_handmade_held(const struct explain_build *b, uint64_t from_us, uint64_t to_us)
{
	uint64_t sum = 0;

	for (uint32_t i = 0; i < b->nholds; i++) {
		const struct explain_hold *h = &b->holds[i];
		uint64_t lo = h->end_us > h->dur_us ? h->end_us - h->dur_us : 0;
		uint64_t hi = h->end_us;

		if (lo < from_us)
			lo = from_us;
		if (hi > to_us)
			hi = to_us;
		sum += hi > lo ? hi - lo : 0;
	}
	return sum;
}

void explain_handmade_edited(const struct explain_build *b, const struct explain_seg_in *in,
			     struct explain_rec *r)
{
	(void)b;
	r->edited = true;
	r->made_seq = in->made->seq - (r->seq_raw - r->seq);	/* the same base as r->seq */
	r->made_ack = (in->made->flags & SEG_ACK) ? in->made->ack - (r->ack_raw - r->ack) : 0;
}

static bool pure(const struct seg *s)
{
	return seg_seqlen(s) == 0 && !(s->flags & SEG_RST);
}

/* The sender's numbers against what it sent: a seq ahead of SND.NXT without sequence
 * space (nothing was lost: it was made so), or a seq-space segment at or past SND.NXT
 * that tshark calls a retransmission only because such a seq ran ahead before it. */
static void seq_checks(const struct explain_side *d, const struct seg *s, struct explain_rec *r)
{
	if (!d->known)
		return;
	if (pure(s) && seq_gt(r->seq, d->snd_nxt))
		r->why.seq_ahead = r->seq - d->snd_nxt;
	if (seg_seqlen(s) && (r->analysis & EXPLAIN_AF_RETRANSMISSION) &&
	    seq_geq(r->seq, d->snd_nxt))
		r->why.not_resent = true;
}

/* A first send of numbers the peer's hand-made ACK already covered: tshark calls it a
 * (spurious) retransmission, and the peer's ACK field cannot tell that it was received. */
static void acked_ahead(const struct explain_build *b, enum explain_who from,
			const struct explain_side *d, const struct seg *s, struct explain_rec *r)
{
	if (seg_seqlen(s) && b->unsent_frame[!from] && d->known && seq_geq(r->seq, d->snd_nxt))
		r->why.acked_ahead_frame = b->unsent_frame[!from];
}

/* The ACK field against what the receiver q sent (RFC 9293 §3.10.7.4: an ACK of
 * something not yet sent is answered by an ACK and the segment dropped). */
static void ack_checks(struct explain_build *b, enum explain_who from,
		       const struct explain_side *d, const struct explain_side *q,
		       const struct seg *s, struct explain_rec *r)
{
	if (!(s->flags & SEG_ACK) || (s->flags & SEG_RST))
		return;
	if (!(s->flags & SEG_SYN) && !d->have_ack && r->ack == 1 && q->syn_seen)
		r->why.acks_syn = true;	/* its first ACK covers the peer's SYN (§3.4) */
	if (q->syn_seen && seq_gt(r->ack, q->snd_nxt)) {	/* q's numbers exact */
		r->why.ack_unsent = r->ack - q->snd_nxt;
		b->unsent_frame[from] = r->frame;
	} else if (b->unsent_frame[!from] && pure(s) &&
		   (r->analysis & EXPLAIN_AF_DUPLICATE_ACK)) {
		r->why.unsent_of_frame = b->unsent_frame[!from];
		b->unsent_frame[!from] = 0;
	}
}

/* RFC 9293 §3.10.7.4, TIME-WAIT: "The only thing that can arrive in this state is a
 * retransmission of the remote FIN. Acknowledge it, and restart the 2 MSL timeout." */
static void time_wait_checks(struct explain_build *b, enum explain_who from,
			     const struct explain_side *d, const struct explain_side *q,
			     const struct seg *s, struct explain_rec *r)
{
	if ((s->flags & SEG_FIN) && q->st == TCB_TIME_WAIT &&
	    (r->analysis & EXPLAIN_AF_RETRANSMISSION) && !r->why.not_resent) {
		r->why.tw_reack = 1;
		b->tw_fin_frame[!from] = r->frame;
	} else if (b->tw_fin_frame[from] && d->st == TCB_TIME_WAIT && pure(s) &&
		   (s->flags & SEG_ACK)) {
		r->why.tw_reack = 2;
		r->why.tw_fin_frame = b->tw_fin_frame[from];
		b->tw_fin_frame[from] = 0;
	}
}

void explain_handmade_after(struct explain_rec *r)
{
	/* what the receiver "already acknowledged" was an ACK of data never sent */
	if (r->why.acked_ahead_frame && r->why.drop == EXPLAIN_DROP_OLD)
		r->why.drop = EXPLAIN_DROP_NONE;
}

void explain_handmade_before(struct explain_build *b, enum explain_who from,
			     const struct seg *s, struct explain_rec *r)
{
	const struct explain_side *d = &b->inf.sd[from], *q = &b->inf.sd[!from];

	seq_checks(d, s, r);
	acked_ahead(b, from, d, s, r);
	ack_checks(b, from, d, q, s, r);
	time_wait_checks(b, from, d, q, s, r);
	if (r->why.acks_frame && b->nholds)
		r->why.ack_rtt_held_us = explain_handmade_held(b, r->t_us > r->why.ack_rtt_us ?
							       r->t_us - r->why.ack_rtt_us : 0,
							       r->t_us);
}
