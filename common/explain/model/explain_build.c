/* explain_build.c - the one builder of explain records (offline tracker and live programs alike). */
#include "explain_build.h"
#include "explain_handmade.h"

#include <stdlib.h>
#include <string.h>

#include "seq.h"

void explain_build_init(struct explain_build *b, uint32_t conn)
{
	memset(b, 0, sizeof(*b));
	b->conn = conn;
	b->inf.first_fin = b->inf.reset_by = -1;	/* summarised before any segment */
	explain_analysis_init(&b->an);
}

void explain_build_free(struct explain_build *b)
{
	explain_analysis_free(&b->an);
	free(b->rtx);
	free(b->holds);
	free(b->early);
	b->rtx = NULL;
	b->holds = NULL;
	b->early = NULL;
	b->nearly = b->early_cap = 0;
}

/* Duplicates n elements of size sz at src (NULL stays NULL); false when out of memory. */
static bool dup_list(void **dst, const void *src, size_t n, size_t sz)
{
	*dst = NULL;
	if (!src || !n)
		return true;
	if (!(*dst = malloc(n * sz)))
		return false;
	memcpy(*dst, src, n * sz);
	return true;
}

int explain_build_clone(struct explain_build *dst, const struct explain_build *src,
			struct err *e)
{
	void *p[5] = { NULL, NULL, NULL, NULL, NULL };

	*dst = *src;
	/* each list is the copy's own: advancing the copy may grow (realloc) or fill it */
	if (!dup_list(&p[0], src->rtx, EXPLAIN_MAX_RTX, sizeof(*src->rtx)) ||
	    !dup_list(&p[1], src->an.fl[0].ual, src->an.fl[0].cap, sizeof(*src->an.fl[0].ual)) ||
	    !dup_list(&p[2], src->an.fl[1].ual, src->an.fl[1].cap, sizeof(*src->an.fl[1].ual)) ||
	    !dup_list(&p[3], src->holds, EXPLAIN_MAX_HOLDS, sizeof(*src->holds)) ||
	    !dup_list(&p[4], src->early, src->early_cap, sizeof(*src->early))) {
		for (int i = 0; i < 5; i++)
			free(p[i]);
		memset(dst, 0, sizeof(*dst));
		return err_set(e, "out of memory (a copy of the connection's records)");
	}
	dst->rtx = p[0];
	dst->an.fl[0].ual = p[1];
	dst->an.fl[1].ual = p[2];
	dst->holds = p[3];
	dst->early = p[4];
	return 0;
}

void explain_build_trim(struct explain_build *b)
{
	explain_analysis_trim(&b->an);
}

void explain_build_head(struct explain_rec *r, enum explain_kind k, uint64_t frame,
			uint64_t t_us, uint32_t conn)
{
	memset(r, 0, sizeof(*r));
	r->kind = k;
	r->frame = frame;
	r->t_us = t_us;
	r->conn = conn;
}

/* Wireshark's bases (tcp.seq, tcp.ack): each side's base_seq as the analysis keeps it. */
static struct explain_bases wireshark_bases(const struct explain_build *b, enum explain_who from)
{
	struct explain_bases x = { b->an.fl[from].base_seq, b->an.fl[!from].base_seq, true };

	return x;
}

void explain_build_numbers(const struct explain_build *b, enum explain_who from,
			   const struct seg *s, const struct explain_bases *bases,
			   struct explain_rec *r)
{
	const struct explain_flow *fwd = &b->an.fl[from];
	struct explain_bases ws;

	if (!bases) {
		ws = wireshark_bases(b, from);
		bases = &ws;
	}
	r->seq_raw = s->seq;
	r->ack_raw = s->ack;
	r->seq = s->seq - bases->seq;
	/* Without the ACK flag the field means nothing and stays raw, as Wireshark shows it. */
	r->ack = (s->flags & SEG_ACK) && bases->ack_known ? s->ack - bases->ack : s->ack;
	r->len = s->len;
	r->win = s->win;
	if (s->flags & SEG_SYN)
		r->win_scaled = s->win;		/* RFC 7323 §2.2: a SYN's window is never scaled */
	else if (fwd->win_scale >= 0)
		r->win_scaled = (int64_t)s->win << fwd->win_scale;
	else
		r->win_scaled = fwd->win_scale == -2 ? s->win : -1;
	r->why.seq_next = r->seq + seg_seqlen(s);
}

static int note_rtx(struct explain_build *b, const struct explain_rec *r, struct err *e)
{
	if (!(r->analysis & EXPLAIN_AF_RETRANSMISSION) || r->why.not_resent)
		return 0;
	if (b->nrtx < EXPLAIN_MAX_RTX) {
		if (!b->rtx && !(b->rtx = calloc(EXPLAIN_MAX_RTX, sizeof(*b->rtx))))
			return err_set(e, "out of memory (retransmission list)");
		b->rtx[b->nrtx] = explain_rtx_note_of(r);
	}
	b->nrtx++;
	return 0;
}

/* Counts, and the handshake timing: most recent SYN -> first SYN+ACK after it, and ->
 * the client's handshake ACK (the handshake RTT the client sees). */
static int note_summary(struct explain_build *b, const struct explain_rec *r, struct err *e)
{
	const struct seg *s = &r->seg;

	/* a segment held behind a step decision is recorded after later frames */
	if (!b->first_frame || r->frame < b->first_frame)
		b->first_frame = r->frame;
	if (r->frame > b->last_frame)
		b->last_frame = r->frame;
	b->nsegs[r->dir]++;
	b->bytes[r->dir] += s->len;
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		b->syn_us = r->t_us;
		b->have_syn = true;
	} else if ((s->flags & SEG_SYN) && b->have_syn && !b->have_synack) {
		b->have_synack = true;
		b->hs_syn_synack_us = explain_since_us(r->t_us, b->syn_us);
	} else if ((r->why.rule == EXPLAIN_WHY_HANDSHAKE_ACK ||
		    (r->why.acks_syn && r->who == EXPLAIN_CLIENT)) && b->have_synack &&
		   !b->has_handshake) {
		/* RFC 9293 §3.5: any third segment that acknowledges the SYN+ACK, with or
		 * without data, completes the handshake */
		b->has_handshake = true;
		b->hs_rtt_us = explain_since_us(r->t_us, b->syn_us);
		b->hs_held_us = explain_handmade_held(b, b->syn_us, r->t_us);
	}
	return note_rtx(b, r, e);
}

int explain_build_segment(struct explain_build *b, const struct explain_seg_in *in,
			  struct explain_rec *r, struct err *e)
{
	const struct seg *s = in->s;
	const struct seg *made = in->made ? in->made : in->s;	/* the TCB's numbers */
	uint32_t prev_ack = b->an.fl[in->from].lastack;	/* the sender's previous ACK field */
	bool early;

	explain_build_head(r, EXPLAIN_REC_SEGMENT, in->frame, in->t_us, b->conn);
	r->who = in->from;
	r->dir = in->from == EXPLAIN_CLIENT ? EXPLAIN_C2S : EXPLAIN_S2C;
	r->seg = *s;
	r->new_conn = !b->started;
	if (!b->started) {
		explain_infer_init(&b->inf, s);
		b->started = true;
	}
	if (explain_handmade_hold(b, in->hold_end_us, in->held_us, e) < 0)
		return -1;
	r->held_us = in->held_us;
	/* analysed when it arrived (held behind a step decision), or now; r->why is still
	 * all zero here, as the analysis wants it */
	early = b->nearly && explain_build_take_early(b, in->frame, &prev_ack, r);
	if (!early && explain_analysis_segment(&b->an, in->from, made, in->frame, in->t_us,
					      in->sent, r, e) < 0)
		return -1;
	if (in->reused_ports)
		r->analysis |= EXPLAIN_AF_REUSED_PORTS;
	explain_build_numbers(b, in->from, s, in->bases, r);
	if (in->made)
		explain_handmade_edited(b, in, r);
	if ((s->flags & SEG_ACK) && (prev_ack == 0 || seq_gt(s->ack, prev_ack)))
		r->why.bytes_acked = prev_ack == 0 ? r->ack : s->ack - prev_ack;
	explain_handmade_before(b, in->from, s, r);
	explain_infer_segment(&b->inf, in->from, s, r->seq, r->ack, r);
	explain_handmade_after(r);
	return note_summary(b, r, e);
}

void explain_build_summary(const struct explain_build *b, uint64_t t_us, struct explain_rec *r)
{
	const struct explain_infer *in = &b->inf;
	struct explain_summary *m = &r->sum;

	explain_build_head(r, EXPLAIN_REC_SUMMARY, b->last_frame, t_us, b->conn);
	m->first_frame = b->first_frame;
	m->last_frame = b->last_frame;
	for (int d = 0; d < 2; d++) {
		m->nsegs[d] = b->nsegs[d];
		m->bytes[d] = b->bytes[d];
	}
	m->has_handshake = b->has_handshake;
	m->hs_rtt_us = b->hs_rtt_us;
	m->hs_syn_synack_us = b->hs_syn_synack_us;
	m->hs_held_us = b->hs_held_us;
	m->nrtx = b->nrtx;
	if (b->rtx)
		memcpy(m->rtx, b->rtx, sizeof(m->rtx));
	if (!b->started) {		/* summarised before any segment: nothing shown */
		m->closer = m->time_wait = -1;
		for (int w = 0; w < 2; w++) {
			m->final[w] = TCB_CLOSED;
			m->final_unknown[w] = true;
		}
		return;
	}
	/* Who closed, how, and the final states once everything captured has arrived
	 * (explain_infer_summary: the RST's sender, crossed FINs, a challenged RST). */
	explain_infer_summary(in, m);
	for (int w = 0; w < 2; w++)	/* an end that never sent a segment showed nothing */
		r->ep[w] = (struct explain_ep){ .known = !m->final_unknown[w],
						.before = m->final[w], .after = m->final[w] };
}
