/* helper_tcbnet.c - test helpers for the TCB core tests (see helper_tcbnet.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbnet.h"

const struct tcb_addr tn_ca = { .laddr = 0xc6120001u, .raddr = 0xc6120002u, .lport = 40000, .rport = 8080 };
const struct tcb_addr tn_sa = { .laddr = 0xc6120002u, .raddr = 0xc6120001u, .lport = 8080, .rport = 40000 };

void tn_params(struct tcb_params *p, uint32_t iss)
{
	tcb_params_default(p);
	p->isn_fixed = true;
	p->isn = iss;
	p->no_tlp = true;	/* the RTO schedules as they are; test_tcb_sack_recovery.c
				 * turns the tail loss probe on */
}

struct net *tn_new(const struct tcb_params *pc, const struct tcb_params *ps)
{
	struct net *n = calloc(1, sizeof(*n));

	assert_non_null(n);
	n->pc = *pc;
	n->ps = *ps;
	n->c = tcb_new(&n->pc, &tn_ca, NULL);
	n->s = tcb_new(&n->ps, &tn_sa, NULL);
	n->oc = calloc(1, sizeof(*n->oc));
	n->os = calloc(1, sizeof(*n->os));
	assert_non_null(n->c);
	assert_non_null(n->s);
	assert_non_null(n->oc);
	assert_non_null(n->os);
	n->now = 10 * S;
	return n;
}

struct net *tn_default(void)
{
	struct tcb_params pc, ps;

	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	return tn_new(&pc, &ps);
}

void tn_free(struct net *n)
{
	tcb_free(n->c);
	tcb_free(n->s);
	free(n->oc);
	free(n->os);
	free(n);
}

void tn_xfer(struct tcb_out *src, struct tcb *dst, struct tcb_out *dst_out, uint64_t now)
{
	for (unsigned i = 0; i < src->nseg; i++)
		tcb_input(dst, &src->seg[i], now, dst_out);
	tcb_out_reset(src);
}

const struct tcb_event *tn_find(const struct tcb_out *o, enum tcb_ev_kind k, enum tcb_why why)
{
	for (unsigned i = 0; i < o->nev; i++)
		if (o->ev[i].kind == k && o->ev[i].why == why)
			return &o->ev[i];
	return NULL;
}

void tn_handshake(struct net *n)
{
	assert_int_equal(tcb_open_passive(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	tcb_out_reset(n->os);
	tn_xfer(n->oc, n->s, n->os, n->now);	/* SYN */
	tn_xfer(n->os, n->c, n->oc, n->now);	/* SYN+ACK */
	tn_xfer(n->oc, n->s, n->os, n->now);	/* ACK */
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	tcb_out_reset(n->oc);
	tcb_out_reset(n->os);
}

struct seg tn_seg(const struct tcb_addr *from, uint32_t seq, uint32_t ack, uint8_t flags)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = from->laddr;
	s.daddr = from->raddr;
	s.sport = from->lport;
	s.dport = from->rport;
	s.seq = seq;
	s.ack = ack;
	s.flags = flags;
	s.win = 65535;
	return s;
}
