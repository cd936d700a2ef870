/* explain_infer.c - both endpoints' RFC 9293 states, inferred from what each side sends. */
#include "explain_infer.h"

#include <string.h>

#include "seq.h"

void explain_infer_init(struct explain_infer *in, const struct seg *s)
{
	memset(in, 0, sizeof(*in));
	in->first_fin = -1;
	in->reset_by = -1;
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		in->st[EXPLAIN_CLIENT] = TCB_CLOSED;
		in->st[EXPLAIN_SERVER] = TCB_LISTEN;
	} else if (s->flags & SEG_SYN) {
		in->st[EXPLAIN_CLIENT] = TCB_SYN_SENT;
		in->st[EXPLAIN_SERVER] = TCB_SYN_RECEIVED;
		in->syn_sent[EXPLAIN_CLIENT] = true;
	} else {
		in->st[EXPLAIN_CLIENT] = TCB_ESTABLISHED;
		in->st[EXPLAIN_SERVER] = TCB_ESTABLISHED;
		in->syn_sent[0] = in->syn_sent[1] = true;
	}
}

/* The sender's own transition when it sends (RFC 9293 §3.10.1 OPEN, §3.10.4 CLOSE). */
static void on_send(struct explain_infer *in, int me, const struct seg *s, uint32_t rseq)
{
	enum tcb_state *st = &in->st[me];

	if (s->flags & SEG_SYN) {
		in->syn_sent[me] = true;
		if (*st == TCB_CLOSED || *st == TCB_LISTEN)
			*st = (s->flags & SEG_ACK) ? TCB_SYN_RECEIVED : TCB_SYN_SENT;
	}
	if (!(s->flags & SEG_FIN))
		return;
	if (!in->fin_sent[me]) {
		in->fin_sent[me] = true;
		in->fin_end[me] = rseq + seg_seqlen(s);
		if (in->first_fin < 0)
			in->first_fin = me;
	}
	if (*st == TCB_ESTABLISHED || *st == TCB_SYN_RECEIVED)
		*st = TCB_FIN_WAIT_1;
	else if (*st == TCB_CLOSE_WAIT)
		*st = TCB_LAST_ACK;
}

/* §3.10.7.4 fifth check: an ACK that covers our SYN or our FIN. */
static void on_ack(struct explain_infer *in, int me, const struct seg *s, uint32_t rack)
{
	enum tcb_state *st = &in->st[me];

	if (!(s->flags & SEG_ACK))
		return;
	if ((*st == TCB_SYN_SENT || *st == TCB_SYN_RECEIVED) && in->syn_sent[me] &&
	    seq_geq(rack, 1))
		*st = TCB_ESTABLISHED;
	if (!in->fin_sent[me] || in->fin_acked[me] || seq_lt(rack, in->fin_end[me]))
		return;
	in->fin_acked[me] = true;
	if (me == in->first_fin && !in->fin_sent[!me])
		in->ack_between_fins = true;
	if (*st == TCB_FIN_WAIT_1)
		*st = TCB_FIN_WAIT_2;
	else if (*st == TCB_CLOSING)
		*st = TCB_TIME_WAIT;
	else if (*st == TCB_LAST_ACK)
		*st = TCB_CLOSED;
}

/* §3.10.7.3 (SYN in LISTEN / SYN-SENT) and §3.10.7.4 eighth check (FIN). */
static void on_receive(struct explain_infer *in, int me, const struct seg *s)
{
	enum tcb_state *st = &in->st[me];

	if ((s->flags & SEG_SYN) && (*st == TCB_LISTEN || *st == TCB_CLOSED ||
				     (*st == TCB_SYN_SENT && !(s->flags & SEG_ACK))))
		*st = TCB_SYN_RECEIVED;
	if (!(s->flags & SEG_FIN))
		return;
	if (*st == TCB_ESTABLISHED || *st == TCB_SYN_RECEIVED)
		*st = TCB_CLOSE_WAIT;
	else if (*st == TCB_FIN_WAIT_1)
		*st = TCB_CLOSING;
	else if (*st == TCB_FIN_WAIT_2)
		*st = TCB_TIME_WAIT;
}

/* §3.10.7: a RST closes both ends (a passive opener in SYN-RECEIVED returns to LISTEN,
 * §3.10.7.4 first check). */
static void on_rst(struct explain_infer *in, int from)
{
	if (!in->reset)
		in->reset_by = from;
	in->reset = true;
	for (int i = 0; i < 2; i++) {
		bool passive = i == EXPLAIN_SERVER && in->st[i] == TCB_SYN_RECEIVED;
		in->st[i] = passive ? TCB_LISTEN : TCB_CLOSED;
	}
}

static enum explain_why rule_of(const struct explain_infer *in, int from, const struct seg *s,
				const struct explain_rec *r)
{
	int to = !from;

	if (s->flags & SEG_RST)
		return EXPLAIN_WHY_RST;
	if (s->flags & SEG_SYN) {
		if (!(s->flags & SEG_ACK))
			return r->ep[to].before == TCB_SYN_SENT ? EXPLAIN_WHY_SIMULTANEOUS
								 : EXPLAIN_WHY_SYN;
		return EXPLAIN_WHY_SYN_ACK;
	}
	if (s->flags & SEG_FIN) {
		if (in->first_fin == from)
			return r->ep[to].before == TCB_FIN_WAIT_1 ? EXPLAIN_WHY_SIMULTANEOUS
								  : EXPLAIN_WHY_FIN;
		return EXPLAIN_WHY_FIN_REPLY;
	}
	if (r->ep[to].before == TCB_SYN_RECEIVED && r->ep[to].after == TCB_ESTABLISHED &&
	    s->len == 0)
		return EXPLAIN_WHY_HANDSHAKE_ACK;
	if (s->len > 0)
		return EXPLAIN_WHY_DATA;
	if ((r->ep[to].before == TCB_LAST_ACK || r->ep[to].before == TCB_CLOSING) &&
	    r->ep[to].after != r->ep[to].before)
		return EXPLAIN_WHY_FIN_ACK;
	return (s->flags & SEG_ACK) ? EXPLAIN_WHY_ACK : EXPLAIN_WHY_OTHER;
}

void explain_infer_segment(struct explain_infer *in, enum explain_who from,
			   const struct seg *s, uint32_t rseq, uint32_t rack,
			   struct explain_rec *r)
{
	int to = !from;

	for (int i = 0; i < 2; i++) {
		r->ep[i].known = true;
		r->ep[i].before = in->st[i];
	}
	if (s->flags & SEG_RST) {
		on_rst(in, from);
	} else {
		on_send(in, from, s, rseq);
		on_ack(in, to, s, rack);
		on_receive(in, to, s);
	}
	for (int i = 0; i < 2; i++)
		r->ep[i].after = in->st[i];
	r->why.rule = rule_of(in, from, s, r);
}
