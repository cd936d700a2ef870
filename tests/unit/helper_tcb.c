/* helper_tcb.c - TCB scenario fixtures: builders reaching each state, segment drivers, reply and event checks. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* Self-contained on purpose: this file is linked into every unit test binary, so it
 * uses only tcb.h and cmocka and names everything tt_ / tcb_in_. */

static const char *tt_flags(uint8_t f, char *buf)
{
	static const char letters[] = "FSRP.UEW";	/* tcpdump's letters, bit order */
	char *p = buf;

	for (int i = 0; i < 8; i++)
		if (f & (1u << i))
			*p++ = letters[i];
	*p = '\0';
	if (p == buf)
		strcpy(buf, "none");
	return buf;
}

static void tt_dump(const struct tt *t)
{
	char fl[12];

	print_error("  %u segment(s) sent, state %s:\n", t->out.nseg,
		    tcb_state_name(tcb_state(t->tcb)));
	for (unsigned i = 0; i < t->out.nseg; i++) {
		const struct seg *s = &t->out.seg[i];
		print_error("  [%u] %s seq %u (L+%d) ack %u (R+%d) len %u win %u\n", i,
			    tt_flags(s->flags, fl), s->seq, (int)(s->seq - t->liss), s->ack,
			    (int)(s->ack - t->riss), s->len, s->win);
	}
	for (unsigned i = 0; i < t->out.nev; i++)
		print_error("  ev kind %d %s->%s count %d after %llu\n", t->out.ev[i].kind,
			    tcb_state_name(t->out.ev[i].from), tcb_state_name(t->out.ev[i].to),
			    t->out.ev[i].count, (unsigned long long)t->out.ev[i].after_us);
}

static void tt_fail(const struct tt *t, const char *f, int l, const char *fmt, ...)
{
	char msg[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof msg, fmt, ap);
	va_end(ap);
	print_error("%s\n", msg);
	if (t && t->tcb)
		tt_dump(t);
	_fail(f, l);
}

void tt_params(struct tcb_params *p, enum tt_side side)
{
	tcb_params_default(p);
	p->isn_fixed = true;
	p->isn = side == TT_SERVER ? SERVER_ISS : CLIENT_ISS;
}

void tt_params_rto_1s(struct tcb_params *p)
{
	p->rto_init_us = SEC(1);
	p->rto_min_us = SEC(1);
}

void tt_new(struct tt *t, enum tt_side side, const struct tcb_params *p)
{
	struct err e = { { 0 } };

	memset(t, 0, sizeof *t);
	if (p)
		t->p = *p;
	else
		tt_params(&t->p, side);
	t->p.isn_fixed = true;
	if (!p)
		t->p.isn = side == TT_SERVER ? SERVER_ISS : CLIENT_ISS;
	t->liss = t->p.isn;
	t->riss = side == TT_SERVER ? CLIENT_ISS : SERVER_ISS;
	t->a.laddr = side == TT_SERVER ? SERVER_ADDR : CLIENT_ADDR;
	t->a.raddr = side == TT_SERVER ? CLIENT_ADDR : SERVER_ADDR;
	t->a.lport = side == TT_SERVER ? SERVER_PORT : CLIENT_PORT;
	t->a.rport = side == TT_SERVER ? CLIENT_PORT : SERVER_PORT;
	t->now = T0;
	t->tcb = tcb_new(&t->p, &t->a, &e);
	if (!t->tcb)
		tt_fail(NULL, __FILE__, __LINE__, "tcb_new: %s", e.msg);
}

void tt_free(struct tt *t)
{
	tcb_free(t->tcb);
	t->tcb = NULL;
}

struct seg tt_addressed(const struct tt *t, struct seg s)
{
	s.saddr = t->a.raddr;
	s.daddr = t->a.laddr;
	s.sport = t->a.rport;
	s.dport = t->a.lport;
	s.ttl = 64;
	s.ip_csum_ok = true;
	s.tcp_csum_ok = true;
	return s;
}

void tt_send_seg(struct tt *t, struct seg s, uint64_t now)
{
	s = tt_addressed(t, s);
	t->now = now;
	tcb_out_reset(&t->out);
	tcb_input(t->tcb, &s, now, &t->out);
}

void tt_tick(struct tt *t, uint64_t now)
{
	t->now = now;
	tcb_out_reset(&t->out);
	tcb_tick(t->tcb, now, &t->out);
}

long tt_send_data(struct tt *t, const char *data, uint64_t now)
{
	struct err e;

	t->now = now;
	tcb_out_reset(&t->out);
	return tcb_send(t->tcb, data, strlen(data), now, &t->out, &e);
}

int tt_close_conn(struct tt *t, uint64_t now)
{
	struct err e;

	t->now = now;
	tcb_out_reset(&t->out);
	return tcb_close(t->tcb, now, &t->out, &e);
}

void tt_abort_conn(struct tt *t, uint64_t now)
{
	t->now = now;
	tcb_out_reset(&t->out);
	tcb_abort(t->tcb, now, &t->out);
}

size_t tt_read_all(struct tt *t, char *buf, size_t cap, uint64_t now)
{
	size_t n;

	t->now = now;
	tcb_out_reset(&t->out);
	n = tcb_receive(t->tcb, buf, cap - 1, now, &t->out);
	buf[n < cap ? n : cap - 1] = '\0';
	return n;
}

static bool tt_match(const struct tt *t, const struct seg *s, const struct tt_exp *e)
{
	if ((s->flags & ~SEG_PSH) != (e->flags & ~SEG_PSH))
		return false;
	if (s->seq != e->seq || s->len != e->len)
		return false;
	if ((e->flags & SEG_ACK) && s->ack != e->ack)
		return false;
	if (e->win >= 0 && s->win != e->win)
		return false;
	return s->saddr == t->a.laddr && s->daddr == t->a.raddr && s->sport == t->a.lport &&
	       s->dport == t->a.rport;
}

void tt_expect_reply(struct tt *t, unsigned i, unsigned n, struct tt_exp e, const char *f,
		     int l)
{
	char fl[12];

	if (t->out.nseg != n)
		tt_fail(t, f, l, "expected %u segment(s), got %u", n, t->out.nseg);
	if (!tt_match(t, &t->out.seg[i], &e))
		tt_fail(t, f, l, "segment [%u]: expected %s seq L+%d ack R+%d len %u win %ld", i,
			tt_flags(e.flags, fl), (int)(e.seq - t->liss), (int)(e.ack - t->riss),
			e.len, e.win);
}

void tt_expect_no_reply(struct tt *t, const char *f, int l)
{
	if (t->out.nseg != 0)
		tt_fail(t, f, l, "expected no segment, got %u", t->out.nseg);
}

const struct tcb_event *tt_event(const struct tt *t, enum tcb_ev_kind k)
{
	for (unsigned i = 0; i < t->out.nev; i++)
		if (t->out.ev[i].kind == k)
			return &t->out.ev[i];
	return NULL;
}

const struct tcb_event *tt_expect_event(struct tt *t, enum tcb_ev_kind k, const char *f,
					int l)
{
	const struct tcb_event *ev = tt_event(t, k);

	if (!ev)
		tt_fail(t, f, l, "expected an event of kind %d", k);
	return ev;
}

void tt_expect_no_event(struct tt *t, enum tcb_ev_kind k, const char *f, int l)
{
	if (tt_event(t, k))
		tt_fail(t, f, l, "unexpected event of kind %d", k);
}

void tt_expect_state(struct tt *t, enum tcb_state s, const char *f, int l)
{
	if (tcb_state(t->tcb) != s)
		tt_fail(t, f, l, "expected state %s, is %s", tcb_state_name(s),
			tcb_state_name(tcb_state(t->tcb)));
}

void tt_expect_state_change(struct tt *t, enum tcb_state from, enum tcb_state to,
			    const char *f, int l)
{
	tt_expect_state(t, to, f, l);
	for (unsigned i = 0; i < t->out.nev; i++)
		if (t->out.ev[i].kind == TCB_EV_STATE && t->out.ev[i].from == from &&
		    t->out.ev[i].to == to)
			return;
	tt_fail(t, f, l, "no STATE event %s -> %s", tcb_state_name(from), tcb_state_name(to));
}

void tt_expect_retransmit(struct tt *t, int count, uint64_t after_us, const char *f, int l)
{
	const struct tcb_event *ev = tt_expect_event(t, TCB_EV_RETRANSMIT, f, l);

	if (ev->count != count || ev->after_us != after_us)
		tt_fail(t, f, l, "RETRANSMIT count %d after %llu us, expected %d after %llu",
			ev->count, (unsigned long long)ev->after_us, count,
			(unsigned long long)after_us);
}

void tt_expect_deadline(struct tt *t, uint64_t at, const char *f, int l)
{
	uint64_t d = tcb_deadline(t->tcb);

	if (d == at)
		return;
	if (d == TCB_NEVER || at == TCB_NEVER)
		tt_fail(t, f, l, "deadline %s, expected %s", d == TCB_NEVER ? "NEVER" : "set",
			at == TCB_NEVER ? "NEVER" : "set");
	tt_fail(t, f, l, "deadline T0%+lld us, expected T0%+lld us", (long long)(d - T0),
		(long long)(at - T0));
}

/* ---- builders: every step is checked, so a broken path fails in the fixture ---- */

#define H __FILE__, __LINE__
#define TT_SEG(fl, sq, ak) ((struct seg){ .flags = (fl), .seq = (sq), .ack = (ak), \
					  .win = PEER_WIN })
#define TT_EXP(fl, sq, ak) ((struct tt_exp){ .flags = (fl), .seq = (sq), .ack = (ak), \
					     .win = -1 })

static void tt_open(struct tt *t, bool active)
{
	struct err e = { { 0 } };
	int rc;

	tcb_out_reset(&t->out);
	rc = active ? tcb_open_active(t->tcb, T0, &t->out, &e)
		    : tcb_open_passive(t->tcb, T0, &t->out, &e);
	if (rc != 0)
		tt_fail(t, H, "open: %s", e.msg);
	if (active)
		tt_expect_reply(t, 0, 1, TT_EXP(SEG_SYN, t->liss, 0), H);
	else
		tt_expect_no_reply(t, H);
}

/* RFC 9293 §3.5 three-way handshake, §3.6 closing, seen from the server. */
static void tt_step(struct tt *t, enum tcb_state s)
{
	uint32_t L = t->liss, R = t->riss;

	switch (s) {
	case TCB_SYN_RECEIVED:
		tt_send_seg(t, TT_SEG(SEG_SYN, R, 0), T0);
		tt_expect_reply(t, 0, 1, TT_EXP(SEG_SYN | SEG_ACK, L, R + 1), H);
		break;
	case TCB_ESTABLISHED:
		tt_send_seg(t, TT_SEG(SEG_ACK, R + 1, L + 1), T0);
		tt_expect_no_reply(t, H);
		break;
	case TCB_FIN_WAIT_1:
	case TCB_LAST_ACK:
		if (tt_close_conn(t, T0) != 0)
			tt_fail(t, H, "tcb_close failed");
		tt_expect_reply(t, 0, 1, TT_EXP(SEG_FIN | SEG_ACK, L + 1,
						R + 1 + (s == TCB_LAST_ACK)), H);
		break;
	case TCB_FIN_WAIT_2:
		tt_send_seg(t, TT_SEG(SEG_ACK, R + 1, L + 2), T0);
		tt_expect_no_reply(t, H);
		break;
	case TCB_CLOSE_WAIT:
	case TCB_CLOSING:
		tt_send_seg(t, TT_SEG(SEG_FIN | SEG_ACK, R + 1, L + 1), T0);
		tt_expect_reply(t, 0, 1, TT_EXP(SEG_ACK, L + 1 + (s == TCB_CLOSING), R + 2), H);
		break;
	case TCB_TIME_WAIT:
		tt_send_seg(t, TT_SEG(SEG_FIN | SEG_ACK, R + 1, L + 2), T0);
		tt_expect_reply(t, 0, 1, TT_EXP(SEG_ACK, L + 2, R + 2), H);
		break;
	default:
		tt_fail(t, H, "no step into %s", tcb_state_name(s));
	}
	tt_expect_state(t, s, H);
}

static void tt_walk(struct tt *t, const enum tcb_state *path, int n)
{
	tt_open(t, false);
	tt_expect_state(t, TCB_LISTEN, H);
	for (int i = 0; i < n; i++)
		tt_step(t, path[i]);
}

void tt_reach(struct tt *t, enum tcb_state s, const struct tcb_params *p)
{
	tt_reach_isn(t, s, p, s == TCB_SYN_SENT ? SERVER_ISS : CLIENT_ISS);
}

void tt_reach_isn(struct tt *t, enum tcb_state s, const struct tcb_params *p,
		  uint32_t peer_iss)
{
	static const enum tcb_state to_fw2[] = { TCB_SYN_RECEIVED, TCB_ESTABLISHED,
						 TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, TCB_TIME_WAIT };
	static const enum tcb_state to_closing[] = { TCB_SYN_RECEIVED, TCB_ESTABLISHED,
						     TCB_FIN_WAIT_1, TCB_CLOSING };
	static const enum tcb_state to_last_ack[] = { TCB_SYN_RECEIVED, TCB_ESTABLISHED,
						      TCB_CLOSE_WAIT, TCB_LAST_ACK };

	tt_new(t, s == TCB_SYN_SENT ? TT_CLIENT : TT_SERVER, p);
	t->riss = peer_iss;
	switch (s) {
	case TCB_CLOSED: return;
	case TCB_SYN_SENT: tt_open(t, true); tt_expect_state(t, s, H); return;
	case TCB_LISTEN: tt_walk(t, to_fw2, 0); return;
	case TCB_SYN_RECEIVED: tt_walk(t, to_fw2, 1); return;
	case TCB_ESTABLISHED: tt_walk(t, to_fw2, 2); return;
	case TCB_FIN_WAIT_1: tt_walk(t, to_fw2, 3); return;
	case TCB_FIN_WAIT_2: tt_walk(t, to_fw2, 4); return;
	case TCB_TIME_WAIT: tt_walk(t, to_fw2, 5); return;
	case TCB_CLOSING: tt_walk(t, to_closing, 4); return;
	case TCB_CLOSE_WAIT: tt_walk(t, to_last_ack, 3); return;
	case TCB_LAST_ACK: tt_walk(t, to_last_ack, 4); return;
	default: tt_fail(t, H, "cannot reach %s", tcb_state_name(s));
	}
}

/* ---- two TCBs back to back ---- */

struct tt_wire {
	struct seg seg[TCB_OUT_SEGS];
	uint8_t bytes[8192];	/* payload copies: the sender's pointers die on its next call */
	unsigned n;
	size_t used;
};

static void tt_wire_add(struct tt_wire *w, const struct tcb_out *o)
{
	for (unsigned i = 0; i < o->nseg && w->n < TCB_OUT_SEGS; i++) {
		struct seg *s = &w->seg[w->n++];

		*s = o->seg[i];
		if (s->len && w->used + s->len <= sizeof w->bytes) {
			memcpy(w->bytes + w->used, s->payload, s->len);
			s->payload = w->bytes + w->used;
			w->used += s->len;
		}
		s->ip_csum_ok = s->tcp_csum_ok = true;
	}
}

/* Delivers every segment of w to t; collects t's answers in back. Counts RSTs. */
static int tt_deliver(struct tt *t, const struct tt_wire *w, struct tt_wire *back,
		      uint64_t now)
{
	int rsts = 0;

	for (unsigned i = 0; i < w->n; i++) {
		rsts += !!(w->seg[i].flags & SEG_RST);
		t->now = now;
		tcb_out_reset(&t->out);
		tcb_input(t->tcb, &w->seg[i], now, &t->out);
		tt_wire_add(back, &t->out);
	}
	return rsts;
}

int tt_pump(struct tt *a, struct tt *b, uint64_t now)
{
	struct tt_wire *w = calloc(4, sizeof *w);	/* big: kept off the stack */
	struct tt_wire *to_a = &w[0], *to_b = &w[1], *next_a = &w[2], *next_b = &w[3];
	int rsts = 0;

	if (!w)
		tt_fail(NULL, H, "out of memory");
	tt_wire_add(to_b, &a->out);
	tt_wire_add(to_a, &b->out);
	for (int round = 0; round < 16 && (to_a->n || to_b->n); round++) {
		memset(next_a, 0, 2 * sizeof *next_a);
		rsts += tt_deliver(b, to_b, next_a, now);
		rsts += tt_deliver(a, to_a, next_b, now);
		*to_a = *next_a;
		*to_b = *next_b;
		/* payloads point into next_*: re-point them at the copies */
		for (unsigned i = 0; i < to_a->n; i++)
			if (to_a->seg[i].len)
				to_a->seg[i].payload = to_a->bytes + (to_a->seg[i].payload - next_a->bytes);
		for (unsigned i = 0; i < to_b->n; i++)
			if (to_b->seg[i].len)
				to_b->seg[i].payload = to_b->bytes + (to_b->seg[i].payload - next_b->bytes);
	}
	free(w);
	return rsts;
}

void tt_expect_schedule(struct tt *t, struct tt_exp e, const uint64_t *at, int n,
			uint64_t give_up, const char *f, int l)
{
	uint64_t prev = 0;

	for (int k = 0; k < n; k++) {
		tt_expect_deadline(t, T0 + at[k], f, l);
		tt_tick(t, T0 + at[k] - 1);
		tt_expect_no_reply(t, f, l);
		tt_tick(t, T0 + at[k]);
		tt_expect_reply(t, 0, 1, e, f, l);
		tt_expect_retransmit(t, k + 1, at[k] - prev, f, l);
		prev = at[k];
	}
	tt_expect_deadline(t, T0 + give_up, f, l);
	tt_tick(t, T0 + give_up - 1);
	tt_expect_no_event(t, TCB_EV_GAVE_UP, f, l);
	if (tcb_state(t->tcb) == TCB_CLOSED)
		tt_fail(t, f, l, "CLOSED 1 us before giving up");
	tt_tick(t, T0 + give_up);
	tt_expect_event(t, TCB_EV_GAVE_UP, f, l);
	tt_expect_state(t, TCB_CLOSED, f, l);
	tt_expect_deadline(t, TCB_NEVER, f, l);
}

/* ---- synchronized-state checks ---- */

#define TT_ACK_ONLY(nxt, rcv) ((struct tt_exp){ .flags = SEG_ACK, .seq = (nxt), .ack = (rcv), \
						.win = -1 })

void tt_sync_rst_exact(struct tt *t, uint32_t rcv, uint64_t now, const char *f, int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_RST, .seq = rcv, .win = PEER_WIN }, now);
	tt_expect_no_reply(t, f, l);
	tt_expect_state_change(t, was, TCB_CLOSED, f, l);
	tt_expect_deadline(t, TCB_NEVER, f, l);
}

void tt_sync_rst_in_window(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now,
			   const char *f, int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_RST, .seq = rcv + 100, .win = PEER_WIN }, now);
	tt_expect_reply(t, 0, 1, TT_ACK_ONLY(nxt, rcv), f, l);
	tt_expect_event(t, TCB_EV_CHALLENGE_ACK, f, l);
	tt_expect_state(t, was, f, l);
}

void tt_sync_rst_out_of_window(struct tt *t, uint32_t rcv, uint64_t now, const char *f,
			       int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_RST, .seq = rcv + FAR, .win = PEER_WIN }, now);
	tt_expect_no_reply(t, f, l);
	tt_expect_state(t, was, f, l);
	tt_send_seg(t, (struct seg){ .flags = SEG_RST, .seq = rcv - 1, .win = PEER_WIN }, now);
	tt_expect_no_reply(t, f, l);
	tt_expect_state(t, was, f, l);
}

void tt_sync_syn(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now, const char *f,
		 int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_SYN, .seq = rcv + 10, .win = PEER_WIN }, now);
	tt_expect_reply(t, 0, 1, TT_ACK_ONLY(nxt, rcv), f, l);
	tt_expect_event(t, TCB_EV_CHALLENGE_ACK, f, l);
	tt_expect_state(t, was, f, l);
}

void tt_sync_ack_unsent(struct tt *t, uint32_t nxt, uint32_t rcv, uint64_t now,
			const char *f, int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_ACK, .seq = rcv, .ack = nxt + 10,
				  .win = PEER_WIN }, now);
	tt_expect_reply(t, 0, 1, TT_ACK_ONLY(nxt, rcv), f, l);
	tt_expect_state(t, was, f, l);
}

void tt_sync_bad_seq(struct tt *t, uint32_t una, uint32_t nxt, uint32_t rcv, uint64_t now,
		     const char *f, int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	tt_send_seg(t, (struct seg){ .flags = SEG_ACK, .seq = rcv + FAR, .ack = una,
				  .win = PEER_WIN }, now);
	tt_expect_reply(t, 0, 1, TT_ACK_ONLY(nxt, rcv), f, l);
	tt_expect_state(t, was, f, l);
}

void tt_closing_close_rejected(struct tt *t, uint64_t now, const char *f, int l)
{
	enum tcb_state was = tcb_state(t->tcb);

	if (tt_close_conn(t, now) != -1)
		tt_fail(t, f, l, "CLOSE in %s should be refused", tcb_state_name(was));
	tt_expect_no_reply(t, f, l);
	tt_expect_state(t, was, f, l);
}

void tt_closing_abort_silent(struct tt *t, uint64_t now, const char *f, int l)
{
	tt_abort_conn(t, now);
	tt_expect_no_reply(t, f, l);
	tt_expect_state(t, TCB_CLOSED, f, l);
	tt_expect_deadline(t, TCB_NEVER, f, l);
}
