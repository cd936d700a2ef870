/* explain_analysis.c - tshark's tcp.analysis.* labels, following packet-tcp.c's tcp_analyze_sequence_number. */
#include "explain_analysis.h"

#include <stdlib.h>
#include <string.h>

#include "seq.h"

/* Wireshark's thresholds: a fast retransmission follows the last duplicate ACK within
 * 20 ms; without a measured handshake RTT, out-of-order means within 3 ms. */
#define FASTRT_WINDOW_US 20000u
#define OOO_DEFAULT_US 3000u

void explain_analysis_init(struct explain_analysis *a)
{
	memset(a, 0, sizeof(*a));
	for (int i = 0; i < 2; i++) {
		a->fl[i].win_scale = -1;
		a->fl[i].window = UINT32_MAX;	/* "no window seen yet" */
	}
}

static void explain_analysis_free_one(struct explain_flow *f)
{
	free(f->ual);
	f->ual = NULL;
	f->nual = f->cap = 0;
}

void explain_analysis_free(struct explain_analysis *a)
{
	for (int i = 0; i < 2; i++)
		explain_analysis_free_one(&a->fl[i]);
}

static bool any_unacked(const struct explain_flow *f)
{
	for (size_t i = 0; i < f->nual; i++)
		if (!f->ual[i].acked)
			return true;
	return false;
}

void explain_analysis_trim(struct explain_analysis *a)
{
	for (int i = 0; i < 2; i++)
		if (!any_unacked(&a->fl[i]))
			explain_analysis_free_one(&a->fl[i]);
}

/* Per-segment values every rule below looks at. */
struct seg_view {
	uint32_t seq, ack, len, win;
	uint8_t flags;
	uint64_t frame, t_us;
};

static bool ctl(const struct seg_view *v, uint8_t bits) { return (v->flags & bits) != 0; }

/* Base sequence numbers: the SYN's seq, else seq - 1 (so the first byte is 1); the
 * reverse direction's from the first ACK (ack - 1). */
static void set_bases(struct explain_flow *fwd, struct explain_flow *rev,
		      const struct seg_view *v)
{
	if (!fwd->base_set) {
		fwd->base_seq = ctl(v, SEG_SYN) ? v->seq : v->seq - 1;
		fwd->base_set = true;
	}
	if (!rev->base_set && ctl(v, SEG_ACK)) {
		rev->base_seq = v->ack - 1;
		rev->base_set = true;
	}
}

static bool same_ack_and_seq(const struct explain_flow *fwd, const struct seg_view *v)
{
	return v->len == 0 && v->seq == fwd->nextseq && v->ack == fwd->lastack &&
	       !ctl(v, SEG_SYN | SEG_FIN | SEG_RST);
}

static uint32_t rev_window_bytes(const struct explain_flow *rev)
{
	int sh = rev->window_from_syn || rev->win_scale < 0 ? 0 : rev->win_scale;
	return rev->window << sh;
}

/* Zero window, lost segment, keep-alive, window update, window full. */
static void window_and_gap_labels(struct explain_flow *fwd, struct explain_flow *rev,
				  const struct seg_view *v, uint32_t *f)
{
	if (v->win == 0 && !ctl(v, SEG_RST | SEG_FIN | SEG_SYN))
		*f |= EXPLAIN_AF_ZERO_WINDOW;
	if (fwd->nextseq && seq_gt(v->seq, fwd->nextseq) && !ctl(v, SEG_RST))
		*f |= EXPLAIN_AF_LOST_SEGMENT;
	if (v->len <= 1 && v->seq == fwd->nextseq - 1 && !ctl(v, SEG_SYN | SEG_FIN | SEG_RST))
		*f |= EXPLAIN_AF_KEEP_ALIVE;
	if (v->win && v->win != fwd->window && same_ack_and_seq(fwd, v))
		*f |= EXPLAIN_AF_WINDOW_UPDATE;
	if (v->len > 0 && rev->win_scale != -1 &&
	    v->seq + v->len == rev->lastack + rev_window_bytes(rev) &&
	    !ctl(v, SEG_SYN | SEG_FIN | SEG_RST))
		*f |= EXPLAIN_AF_WINDOW_FULL;
}

/* Keep-alive ACK, zero-window-probe ACK, duplicate ACK. Returns true to skip the
 * duplicate-ACK test (packet-tcp.c's "goto finished_fwd"). */
static void ack_labels(struct explain_flow *fwd, const struct explain_flow *rev,
		       const struct seg_view *v, uint32_t *f, struct explain_rec *r)
{
	if (!same_ack_and_seq(fwd, v) || v->win != fwd->window)
		return;
	if (v->win && (rev->lastsegmentflags & EXPLAIN_AF_KEEP_ALIVE)) {
		*f |= EXPLAIN_AF_KEEP_ALIVE_ACK;
		return;
	}
	if (v->win == 0 && (rev->lastsegmentflags & EXPLAIN_AF_ZERO_WINDOW_PROBE)) {
		*f |= EXPLAIN_AF_ZERO_WINDOW_PROBE_ACK;
		return;
	}
	if (v->win == 0)
		return;
	fwd->dupacknum++;
	*f |= EXPLAIN_AF_DUPLICATE_ACK;
	r->why.dupack_num = (uint32_t)fwd->dupacknum;
	r->why.dupack_of_frame = fwd->lastnondupack;
}

/* An ACK beyond everything seen from the other side: a segment we did not capture;
 * the bound then jumps to nextseq so one gap is reported once. KNOWN GAP: on a capture
 * where tcpdump itself dropped frames, tshark 4.0 suppressed some repeats (a second such
 * ACK before the other side sent again) by a rule not reproduced here (7 of 2479 frames);
 * the lab captures in tests/integration/test_explain.sh agree fully. */
static void ack_lost_label(struct explain_flow *rev, const struct seg_view *v, uint32_t *f)
{
	if (!rev->maxseqtobeacked || !seq_gt(v->ack, rev->maxseqtobeacked) || !ctl(v, SEG_ACK))
		return;
	*f |= EXPLAIN_AF_ACK_LOST_SEGMENT;
	rev->maxseqtobeacked = rev->nextseq;
}

/* The latest send of seq in f's list (acknowledged or not), NULL none. */
static const struct explain_unacked *latest_send(const struct explain_flow *f, uint32_t seq)
{
	const struct explain_unacked *u = NULL;

	for (size_t i = 0; i < f->nual; i++)
		if (f->ual[i].seq == seq)
			u = &f->ual[i];
	return u;
}

/* A segment holding only numbers the other side has acknowledged (a SYN+ACK, data or
 * FIN sent again) is unacceptable to it, and RFC 9293 §3.10.7.4 has it answered with an
 * ACK of what it expects: a duplicate ACK that follows such a segment (and no segment of
 * its sender since) answers it and says nothing about missing data. */
static void note_old(struct explain_flow *fwd, struct explain_flow *rev,
		     const struct seg_view *v, uint32_t f, uint64_t prev_frame,
		     struct explain_rec *r)
{
	uint32_t n = v->len + (ctl(v, SEG_SYN | SEG_FIN) ? 1 : 0);

	if ((f & EXPLAIN_AF_DUPLICATE_ACK) && rev->old_frame && rev->old_frame > prev_frame)
		r->why.reack_of_frame = rev->old_frame;
	rev->old_frame = 0;	/* answered, or this side spoke since */
	if (n && !ctl(v, SEG_RST))
		fwd->old_frame = rev->lastack && seq_leq(v->seq + n, rev->lastack) ? v->frame : 0;
}

/* The previous send of the bytes a retransmission repeats: the latest segment starting
 * at the same seq (an acknowledged one too: its resend is counted on), else the oldest
 * unacked one. The original is that send's first transmission (so "first sent in frame
 * N" names the first, not the latest copy). */
static void rtx_origin(const struct explain_flow *fwd, const struct seg_view *v,
		       struct explain_rec *r)
{
	const struct explain_unacked *best = latest_send(fwd, v->seq);

	for (size_t i = 0; !best && i < fwd->nual; i++)
		if (!fwd->ual[i].acked)
			best = &fwd->ual[i];
	if (!best) {
		r->why.rtx_of_frame = r->why.rtx_prev_frame = fwd->nextseq_frame;
		r->why.rtx_orig_flags = fwd->nextseq_flags;
		r->why.rtx_after_us = explain_since_us(v->t_us, fwd->nextseq_us);
		r->why.rtx_count = 1;
		return;
	}
	r->why.rtx_of_frame = best->first_frame;
	r->why.rtx_prev_frame = best->frame;
	r->why.rtx_after_us = explain_since_us(v->t_us, best->t_us);
	r->why.rtx_prev_gap_us = best->gap_us;
	r->why.rtx_orig_flags = best->flags;
	r->why.rtx_count = best->seq == v->seq ? best->sends : 1;
}

/* Why it was sent again, from what the capture shows (RFC 6298 §5, RFC 5681 §3.2). A
 * timer fires no sooner than the minimum RTO and backs off, so an interval shorter than
 * the previous one (by more than 10 %) is no timeout either. */
static uint8_t rtx_cause(const struct explain_flow *rev, const struct seg_view *v, uint32_t f,
			 struct explain_rec *r)
{
	uint8_t ctl_now = v->flags & (SEG_SYN | SEG_FIN);

	if (r->why.dup_of_frame)
		return r->why.dup_no_id ? EXPLAIN_RTX_SAME_BYTES : EXPLAIN_RTX_DUPLICATE;
	if (r->why.rtx_orig_flags != ctl_now && r->why.rtx_prev_frame)
		return EXPLAIN_RTX_REUSE;
	/* Fast retransmit (RFC 5681 §3.2) answers the duplicate ACKs at once: a resend that
	 * comes a timeout's worth (>= the minimum RTO) after the last of them waited for the
	 * timer, whatever ACKs preceded it. tshark's label already has its 20 ms window. */
	if ((f & EXPLAIN_AF_FAST_RETRANSMISSION) ||
	    (rev->dupacknum >= 3 && rev->lastack == v->seq &&
	     explain_since_us(v->t_us, rev->lastack_us) < EXPLAIN_RTO_MIN_US)) {
		r->why.dupack_num = (uint32_t)rev->dupacknum;	/* the count the prose states */
		return EXPLAIN_RTX_FAST;
	}
	uint64_t gap = r->why.rtx_after_us, prev = r->why.rtx_prev_gap_us;
	if (gap >= EXPLAIN_RTO_MIN_US && (prev == 0 || gap * 10 >= prev * 9))
		return EXPLAIN_RTX_TIMER;
	return EXPLAIN_RTX_UNKNOWN;
}

/* An identical copy of this direction's previous segment within EXPLAIN_DUP_WINDOW_US;
 * never one the live program's TCB sent (sent): it made each of its segments. */
static void note_copy(struct explain_flow *fwd, const struct seg *s, const struct seg_view *v,
		      bool sent, struct explain_rec *r)
{
	struct explain_last *l = &fwd->last;
	uint64_t gap = explain_since_us(v->t_us, l->t_us);

	if (!sent && l->set && l->ip_id == s->ip_id && l->csum == s->tcp_csum && l->seq == v->seq &&
	    l->ack == v->ack && l->len == v->len && l->win == v->win && l->flags == v->flags &&
	    gap < EXPLAIN_DUP_WINDOW_US) {
		r->why.dup_of_frame = l->frame;
		r->why.dup_after_us = gap;
		/* RFC 6864 §4.1: an atomic datagram's ID need not change, and Linux sends 0 in
		 * SYN+ACKs; IPv6 has none: the bytes then do not tell a copy from a resend */
		r->why.dup_no_id = s->ipv == 6 || s->ip_id == 0;
	}
	*l = (struct explain_last){ .frame = v->frame, .t_us = v->t_us, .seq = v->seq,
				    .ack = v->ack, .len = v->len, .ip_id = s->ip_id,
				    .csum = s->tcp_csum, .win = (uint16_t)v->win,
				    .flags = v->flags, .set = true };
}

/* Retransmission, fast / spurious retransmission, out-of-order (in that precedence:
 * Wireshark's default tcp.fastrt_precedence). The 20 ms / out-of-order windows use a
 * plain unsigned difference on purpose: packet-tcp.c computes them in a guint64 too, so
 * a frame stamped before the reference one is "not within the window" in both. */
static void rtx_labels(const struct explain_analysis *a, const struct explain_flow *fwd,
		       const struct explain_flow *rev, const struct seg_view *v, uint32_t *f,
		       struct explain_rec *r)
{
	if (!(v->len > 0 || ctl(v, SEG_SYN | SEG_FIN)) || (*f & EXPLAIN_AF_KEEP_ALIVE))
		return;
	bool not_adv = fwd->nextseq && seq_lt(v->seq, fwd->nextseq);
	if (v->len > 1 && fwd->nextseq - 1 == v->seq)
		not_adv = false;	/* new data after a possible zero-window probe */
	if (v->len > 0 && rev->lastack && seq_leq(v->seq + v->len, rev->lastack)) {
		*f |= EXPLAIN_AF_SPURIOUS_RETRANSMISSION | EXPLAIN_AF_RETRANSMISSION;
	} else if (not_adv && rev->dupacknum >= 2 && rev->lastack == v->seq &&
		   v->t_us - rev->lastack_us < FASTRT_WINDOW_US) {
		*f |= EXPLAIN_AF_FAST_RETRANSMISSION | EXPLAIN_AF_RETRANSMISSION;
	} else {
		uint64_t thres = a->have_first_rtt ? a->first_rtt_us : OOO_DEFAULT_US;
		uint32_t end = v->seq + v->len + (ctl(v, SEG_SYN | SEG_FIN) ? 1 : 0);
		if (not_adv && v->t_us - fwd->nextseq_us < thres && fwd->nextseq != end)
			*f |= EXPLAIN_AF_OUT_OF_ORDER;
		else if (not_adv)
			*f |= EXPLAIN_AF_RETRANSMISSION;
	}
	if (*f & EXPLAIN_AF_RETRANSMISSION) {
		rtx_origin(fwd, v, r);
		r->why.rtx_cause = rtx_cause(rev, v, *f, r);
	}
}

static int remember_sent(struct explain_flow *fwd, const struct seg_view *v, struct err *e)
{
	if (!(v->len || ctl(v, SEG_SYN | SEG_FIN)) || fwd->nual >= EXPLAIN_MAX_UNACKED)
		return 0;
	if (fwd->nual == fwd->cap) {
		size_t cap = fwd->cap ? fwd->cap * 2u : 8u;
		if (cap > EXPLAIN_MAX_UNACKED)
			cap = EXPLAIN_MAX_UNACKED;
		void *p = realloc(fwd->ual, cap * sizeof(*fwd->ual));
		if (!p)
			return err_set(e, "out of memory (unacked segment list)");
		fwd->ual = p;
		fwd->cap = (uint16_t)cap;
	}
	const struct explain_unacked *prev = latest_send(fwd, v->seq);
	struct explain_unacked *u = &fwd->ual[fwd->nual++];
	u->frame = v->frame;
	u->t_us = v->t_us;
	u->first_frame = prev ? prev->first_frame : v->frame;
	u->first_us = prev ? prev->first_us : v->t_us;
	u->gap_us = prev ? explain_since_us(v->t_us, prev->t_us) : 0;
	u->sends = prev ? (uint16_t)(prev->sends + 1) : 1;
	u->flags = v->flags & (SEG_SYN | SEG_FIN);
	u->acked = false;
	u->seq = v->seq;
	u->nextseq = v->seq + v->len + (ctl(v, SEG_SYN | SEG_FIN) ? 1 : 0);
	return 0;
}

/* Highest seq sent, and the highest contiguous seq ("max seq to be acked"). */
static void advance_nextseq(struct explain_flow *fwd, const struct seg_view *v, uint32_t f)
{
	uint32_t nextseq = v->seq + v->len;

	if (v->len || ctl(v, SEG_SYN | SEG_FIN))
		nextseq += ctl(v, SEG_SYN | SEG_FIN) ? 1 : 0;
	bool zwp = f & EXPLAIN_AF_ZERO_WINDOW_PROBE;
	if ((seq_gt(nextseq, fwd->nextseq) || !fwd->nextseq) && !zwp) {
		fwd->nextseq = nextseq;
		fwd->nextseq_frame = v->frame;
		fwd->nextseq_flags = v->flags & (SEG_SYN | SEG_FIN);
		fwd->nextseq_us = v->t_us;
	}
	if ((v->seq == fwd->maxseqtobeacked || !fwd->maxseqtobeacked) && !zwp)
		fwd->maxseqtobeacked = fwd->nextseq;
}

/* Keeps the newest EXPLAIN_KEEP_ACKED acknowledged entries of f's list, in order. */
static void drop_old_acked(struct explain_flow *f)
{
	unsigned acked = 0, skip;
	uint16_t keep = 0;

	for (size_t i = 0; i < f->nual; i++)
		acked += f->ual[i].acked;
	if (acked <= EXPLAIN_KEEP_ACKED)
		return;
	skip = acked - EXPLAIN_KEEP_ACKED;	/* the oldest ones go */
	for (size_t i = 0; i < f->nual; i++) {
		if (f->ual[i].acked && skip) {
			skip--;
			continue;
		}
		f->ual[keep++] = f->ual[i];
	}
	f->nual = keep;
}

/* Marks the other side's segments this ACK covers acknowledged; notes the frame it
 * fully ACKs: the first transmission of those bytes, and how often they were sent (more
 * than once: the ACK may answer any copy, so its delay is no round-trip time, RFC 6298
 * §3 Karn). */
static void consume_acked(struct explain_flow *rev, const struct seg_view *v,
			  struct explain_rec *r)
{
	if (!ctl(v, SEG_ACK))
		return;
	for (size_t i = 0; i < rev->nual; i++) {
		struct explain_unacked *u = &rev->ual[i];
		if (u->acked)
			continue;
		if (v->ack == u->nextseq) {
			if (!r->why.acks_frame || u->first_frame < r->why.acks_frame) {
				r->why.acks_frame = u->first_frame;
				r->why.ack_rtt_us = explain_since_us(v->t_us, u->first_us);
			}
			if (u->sends > r->why.acks_sends)
				r->why.acks_sends = u->sends;
		} else if (seq_gt(v->ack, u->seq) && seq_leq(v->ack, u->nextseq)) {
			u->seq = v->ack;
			continue;
		} else if (seq_gt(u->nextseq, v->ack)) {
			continue;
		}
		u->acked = true;
	}
	drop_old_acked(rev);
}

static void view_of(const struct seg *s, uint64_t frame, uint64_t t_us, struct seg_view *v)
{
	v->seq = s->seq;
	v->ack = s->ack;
	v->len = s->len;
	v->win = s->win;
	v->flags = s->flags;
	v->frame = frame;
	v->t_us = t_us;
}

/* The handshake RTT Wireshark uses as out-of-order threshold: most recent SYN to the
 * first pure ACK after it. */
static void note_handshake(struct explain_analysis *a, const struct seg_view *v)
{
	if ((v->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		a->mru_syn_us = v->t_us;
		a->have_mru_syn = true;
	}
	if ((v->flags & (SEG_SYN | SEG_ACK)) == SEG_ACK && a->have_mru_syn &&
	    !a->have_first_rtt) {
		a->first_rtt_us = v->t_us - a->mru_syn_us;
		a->have_first_rtt = a->first_rtt_us != 0;
	}
}

/* RFC 7323 §2.2: the shift is announced in SYNs only, and used only if both sides do. */
static void note_wscale(struct explain_flow *fwd, struct explain_flow *rev, const struct seg *s)
{
	if (!(s->flags & SEG_SYN))
		return;
	if (s->opts.has_wscale)
		fwd->win_scale = s->opts.wscale > 14 ? 14 : s->opts.wscale;
	if (s->opts_cut && !s->opts.has_wscale)
		return;	/* the snaplen cut the options: the shift stays unknown, as in tshark */
	if (fwd->win_scale == -1) {
		fwd->win_scale = -2;
		rev->win_scale = -2;
	} else if ((s->flags & SEG_ACK) && rev->win_scale == -2) {
		fwd->win_scale = -2;
	}
}

int explain_analysis_segment(struct explain_analysis *a, enum explain_who from,
			     const struct seg *s, uint64_t frame, uint64_t t_us, bool sent,
			     struct explain_rec *r, struct err *e)
{
	struct explain_flow *fwd = &a->fl[from], *rev = &a->fl[!from];
	struct seg_view v;
	uint32_t f = 0;

	view_of(s, frame, t_us, &v);
	uint64_t prev_frame = fwd->last.set ? fwd->last.frame : 0;	/* its previous segment */
	note_copy(fwd, s, &v, sent, r);
	set_bases(fwd, rev, &v);
	if (v.len == 1 && v.seq == fwd->nextseq && rev->window == 0) {
		f |= EXPLAIN_AF_ZERO_WINDOW_PROBE;
	} else {
		window_and_gap_labels(fwd, rev, &v, &f);
		ack_labels(fwd, rev, &v, &f, r);
	}
	if (v.ack != fwd->lastack) {	/* a new ACK number restarts the duplicate count */
		fwd->lastnondupack = frame;
		fwd->dupacknum = 0;
	}
	ack_lost_label(rev, &v, &f);
	note_old(fwd, rev, &v, f, prev_frame, r);
	rtx_labels(a, fwd, rev, &v, &f, r);
	if (!r->why.dup_of_frame && remember_sent(fwd, &v, e) < 0)	/* a copy is no send */
		return -1;
	advance_nextseq(fwd, &v, f);
	fwd->window = v.win;
	fwd->window_from_syn = ctl(&v, SEG_SYN);
	fwd->lastack = v.ack;
	fwd->lastack_us = t_us;
	fwd->lastsegmentflags = f;
	consume_acked(rev, &v, r);
	note_wscale(fwd, rev, s);
	note_handshake(a, &v);
	r->analysis = f;
	return 0;
}
