/* helper_tcbcc.c - test helpers for congestion control tests (see helper_tcbcc.h). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbcc.h"

void cc_params(struct tcb_params *pc, struct tcb_params *ps)
{
	tn_params(pc, C_ISS);
	tn_params(ps, S_ISS);
	pc->no_timestamps = true;	/* SMSS = MSS = 1460: whole segments (RFC 6691) */
	pc->no_sack = true;		/* NewReno: SACK recovery is test_tcb_sack_recovery.c's */
}

struct net *cc_sender(uint32_t bytes)
{
	static uint8_t data[262144];
	struct tcb_params pc, ps;
	struct net *n;

	cc_params(&pc, &ps);
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	assert_true(bytes <= sizeof(data));
	memset(data, 'x', sizeof(data));
	assert_int_equal(tcb_send(n->c, data, bytes, n->now, n->oc, NULL), (long)bytes);
	return n;
}

void cc_ack(struct net *n, uint32_t ack, uint64_t now)
{
	struct seg s = tn_seg(&tn_sa, S_ISS + 1, ack, SEG_ACK);

	tcb_out_reset(n->oc);
	tcb_input(n->c, &s, now, n->oc);
}

struct net *cc_sack_sender(uint32_t bytes)
{
	static uint8_t data[262144];
	struct tcb_params pc, ps;
	struct net *n;

	cc_params(&pc, &ps);
	pc.no_sack = false;
	pc.no_tlp = false;	/* RFC 8985 §7 as the programs run it */
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	assert_true(cc_vars(n).sack_ok);
	assert_true(bytes <= sizeof(data));
	assert_int_equal(tcb_send(n->c, data, bytes, n->now, n->oc, NULL), (long)bytes);
	return n;
}

void cc_sack_ack(struct net *n, uint32_t ack, unsigned nblk, const unsigned (*blk)[2],
		     uint64_t now)
{
	struct seg s = tn_seg(&tn_sa, S_ISS + 1, ack, SEG_ACK);

	s.opts.nsack = (uint8_t)nblk;
	for (unsigned i = 0; i < nblk; i++) {
		s.opts.sack[i].left = CC_SEQ(blk[i][0]);
		s.opts.sack[i].right = CC_SEQ(blk[i][1]);
	}
	tcb_out_reset(n->oc);
	tcb_input(n->c, &s, now, n->oc);
}

struct tcb_vars cc_vars(const struct net *n)
{
	struct tcb_vars v;

	tcb_get_vars(n->c, &v);
	return v;
}

const struct tcb_event *cc_ev(const struct tcb_out *o, enum tcb_why why)
{
	const struct tcb_event *found = NULL;

	for (unsigned i = 0; i < o->nev; i++)
		if (o->ev[i].kind == TCB_EV_CWND && o->ev[i].why == why) {
			assert_null(found);
			found = &o->ev[i];
		}
	return found;
}

unsigned cc_count(const struct tcb_out *o, enum tcb_ev_kind k)
{
	unsigned c = 0;

	for (unsigned i = 0; i < o->nev; i++)
		c += o->ev[i].kind == k;
	return c;
}
