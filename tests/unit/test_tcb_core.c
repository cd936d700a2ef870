/* test_tcb_core.c - handshake, data, close and reset paths of the TCB through its public API. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbnet.h"

static void closed_open_active_sends_syn(void **state)
{
	struct net *n = tn_default();
	const struct tcb_event *ev;
	const struct seg *s;

	(void)state;
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, NULL), 0);
	assert_int_equal(tcb_state(n->c), TCB_SYN_SENT);
	assert_int_equal(n->oc->nseg, 1);
	s = &n->oc->seg[0];
	assert_int_equal(s->flags, SEG_SYN);
	assert_int_equal(s->seq, C_ISS);
	assert_true(s->opts.has_mss);
	assert_int_equal(s->opts.mss, 1460);
	assert_int_equal(s->saddr, tn_ca.laddr);
	assert_int_equal(s->daddr, tn_ca.raddr);
	assert_int_equal(s->sport, tn_ca.lport);
	assert_int_equal(s->dport, tn_ca.rport);
	assert_int_equal(s->win, 65535);
	assert_true(s->df);
	assert_int_equal(s->ttl, 0);
	ev = tn_find(n->oc, TCB_EV_STATE, TCB_WHY_USER_OPEN_ACTIVE);
	assert_non_null(ev);
	assert_int_equal(ev->from, TCB_CLOSED);
	assert_int_equal(ev->to, TCB_SYN_SENT);
	assert_int_equal(ev->n[0], C_ISS);
	assert_int_equal(tcb_deadline(n->c), n->now + 1 * S);
	tn_free(n);
}

static void syn_sent_synack_becomes_established(void **state)
{
	struct net *n = tn_default();
	struct seg sa = tn_seg(&tn_sa, 7000, C_ISS + 1, SEG_SYN | SEG_ACK);
	const struct tcb_event *ev;

	(void)state;
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_out_reset(n->oc);
	sa.opts.has_mss = true;
	sa.opts.mss = 1000;
	tcb_input(n->c, &sa, n->now + 500, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	assert_int_equal(n->oc->seg[0].ack, 7001);
	ev = tn_find(n->oc, TCB_EV_STATE, TCB_WHY_SYN_SENT_SYNACK);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 1);	/* ack 1 = ISN + 1 */
	assert_int_equal(ev->n[1], C_ISS);
	assert_int_equal(ev->n[2], 7000);
	ev = tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], 500);	/* the SYN was sent once: Karn allows it */
	assert_int_equal(tcb_irs(n->c), 7000);
	assert_int_equal(tcb_deadline(n->c), TCB_NEVER);
	tn_free(n);
}

static void listen_syn_becomes_syn_received(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN);
	const struct seg *r;

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_out_reset(n->os);
	tcb_input(n->s, &syn, n->now, n->os);
	assert_int_equal(tcb_state(n->s), TCB_SYN_RECEIVED);
	assert_int_equal(n->os->nseg, 1);
	r = &n->os->seg[0];
	assert_int_equal(r->flags, SEG_SYN | SEG_ACK);
	assert_int_equal(r->seq, S_ISS);
	assert_int_equal(r->ack, 301);
	assert_true(r->opts.has_mss);
	assert_non_null(tn_find(n->os, TCB_EV_STATE, TCB_WHY_LISTEN_SYN));
	assert_int_equal(tcb_deadline(n->s), n->now + 1 * S);
	tn_free(n);
}

static void syn_received_ack_becomes_established(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN), ack = tn_seg(&tn_ca, 301, S_ISS + 1, SEG_ACK);
	const struct tcb_event *ev;

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	tcb_out_reset(n->os);
	tcb_input(n->s, &ack, n->now, n->os);
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	assert_int_equal(n->os->nseg, 0);
	ev = tn_find(n->os, TCB_EV_STATE, TCB_WHY_SYN_RCVD_ACK);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], S_ISS + 1);
	assert_int_equal(tcb_deadline(n->s), TCB_NEVER);
	tn_free(n);
}

static void syn_received_bad_ack_sends_rst(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN), ack = tn_seg(&tn_ca, 301, S_ISS + 9, SEG_ACK);

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	tcb_out_reset(n->os);
	tcb_input(n->s, &ack, n->now, n->os);
	assert_int_equal(tcb_state(n->s), TCB_SYN_RECEIVED);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_RST);
	assert_int_equal(n->os->seg[0].seq, S_ISS + 9);
	assert_non_null(tn_find(n->os, TCB_EV_RST_SENT, TCB_WHY_SYN_RCVD_BAD_ACK));
	tn_free(n);
}

static void syn_received_repeated_syn_resends_synack(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN);
	const struct tcb_event *ev;

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	tcb_out_reset(n->os);
	tcb_input(n->s, &syn, n->now + 300000, n->os);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_SYN | SEG_ACK);
	assert_int_equal(n->os->seg[0].seq, S_ISS);
	ev = tn_find(n->os, TCB_EV_RETRANSMIT, TCB_WHY_SYN_RCVD_SYN_REPEAT);
	assert_non_null(ev);
	assert_int_equal(ev->count, 0);
	assert_int_equal(ev->after_us, 300000);
	/* the timer schedule is unchanged */
	assert_int_equal(tcb_deadline(n->s), n->now + 1 * S);
	tn_free(n);
}

static void syn_received_rst_returns_to_listen(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN), rst = tn_seg(&tn_ca, 301, 0, SEG_RST);

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	tcb_out_reset(n->os);
	tcb_input(n->s, &rst, n->now, n->os);
	assert_int_equal(tcb_state(n->s), TCB_LISTEN);
	assert_non_null(tn_find(n->os, TCB_EV_STATE, TCB_WHY_RST_SYN_RCVD_PASSIVE));
	assert_int_equal(tcb_deadline(n->s), TCB_NEVER);
	tn_free(n);
}

static void syn_sent_syn_becomes_syn_received(void **state)
{
	struct net *n = tn_default();
	struct tcb_out *o1 = calloc(1, sizeof(*o1)), *o2 = calloc(1, sizeof(*o2));

	(void)state;
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_open_active(n->s, n->now, n->os, NULL);
	/* SYNs cross */
	tcb_input(n->s, &n->oc->seg[0], n->now, o2);
	tcb_input(n->c, &n->os->seg[0], n->now, o1);
	assert_int_equal(tcb_state(n->c), TCB_SYN_RECEIVED);
	assert_int_equal(tcb_state(n->s), TCB_SYN_RECEIVED);
	assert_non_null(tn_find(o1, TCB_EV_STATE, TCB_WHY_SYN_SENT_SYN));
	assert_int_equal(o1->nseg, 1);
	assert_int_equal(o1->seg[0].flags, SEG_SYN | SEG_ACK);
	assert_int_equal(o1->seg[0].seq, C_ISS);
	assert_int_equal(o1->seg[0].ack, S_ISS + 1);
	tcb_out_reset(n->oc);
	tcb_out_reset(n->os);
	/* SYN+ACKs cross */
	tn_xfer(o1, n->s, n->os, n->now);
	tn_xfer(o2, n->c, n->oc, n->now);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	assert_int_equal(n->oc->nseg, 0);	/* nothing more to say */
	free(o1);
	free(o2);
	tn_free(n);
}

static void established_send_delivers_in_order(void **state)
{
	struct net *n = tn_default();
	char buf[32];
	const struct tcb_event *ev;

	(void)state;
	tn_handshake(n);
	assert_int_equal(tcb_send(n->c, "hello", 5, n->now, n->oc, NULL), 5);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK | SEG_PSH);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	assert_int_equal(n->oc->seg[0].len, 5);
	tn_xfer(n->oc, n->s, n->os, n->now + 100);
	ev = tn_find(n->os, TCB_EV_DATA_IN, TCB_WHY_DATA_IN_ORDER);
	assert_non_null(ev);
	assert_int_equal(ev->n[1], 5);
	assert_int_equal(ev->n[2], C_ISS + 6);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].ack, C_ISS + 6);
	assert_int_equal(n->os->seg[0].win, 65535 - 5);
	assert_int_equal(tcb_readable(n->s), 5);
	assert_int_equal(tcb_receive(n->s, buf, sizeof(buf), n->now, n->os), 5);
	assert_memory_equal(buf, "hello", 5);
	tn_xfer(n->os, n->c, n->oc, n->now + 200);
	assert_non_null(tn_find(n->oc, TCB_EV_ACKED, TCB_WHY_ACK_NEW));
	assert_int_equal(tcb_deadline(n->c), TCB_NEVER);
	tn_free(n);
}

static void established_send_splits_at_peer_mss_with_psh_last(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	static char big[1500];

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.mss = 1000;
	pc.no_timestamps = true;	/* else 12 bytes of each segment go to the TSopt */
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	assert_int_equal(tcb_send(n->c, big, sizeof(big), n->now, n->oc, NULL), 1500);
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(n->oc->seg[0].len, 1000);
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK);
	assert_int_equal(n->oc->seg[1].len, 500);
	assert_int_equal(n->oc->seg[1].flags, SEG_ACK | SEG_PSH);
	assert_int_equal(n->oc->seg[1].seq, C_ISS + 1001);
	tn_free(n);
}

static void syn_sent_synack_without_mss_uses_536(void **state)
{
	struct net *n = tn_default();
	struct seg sa = tn_seg(&tn_sa, 7000, C_ISS + 1, SEG_SYN | SEG_ACK);
	static char big[600];

	(void)state;
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_input(n->c, &sa, n->now, n->oc);
	tcb_out_reset(n->oc);
	tcb_send(n->c, big, sizeof(big), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 2);
	assert_int_equal(n->oc->seg[0].len, 536);
	assert_int_equal(n->oc->seg[1].len, 64);
	tn_free(n);
}

static void established_out_of_order_queued_then_delivered(void **state)
{
	struct net *n = tn_default();
	struct seg a = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	struct seg b = tn_seg(&tn_sa, S_ISS + 4, C_ISS + 1, SEG_ACK | SEG_FIN);
	char buf[16];

	(void)state;
	tn_handshake(n);
	a.payload = (const uint8_t *)"abc";
	a.len = 3;
	b.payload = (const uint8_t *)"def";
	b.len = 3;
	tcb_input(n->c, &b, n->now, n->oc);	/* gap before it */
	assert_non_null(tn_find(n->oc, TCB_EV_OOO_QUEUED, TCB_WHY_DATA_OUT_OF_ORDER));
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 1);	/* duplicate ACK */
	assert_int_equal(tcb_readable(n->c), 0);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &a, n->now, n->oc);	/* fills the gap; the held FIN follows */
	assert_int_equal(tcb_readable(n->c), 6);
	assert_int_equal(tcb_state(n->c), TCB_CLOSE_WAIT);
	assert_true(tcb_peer_closed(n->c));
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 8);
	assert_int_equal(tcb_receive(n->c, buf, sizeof(buf), n->now, n->oc), 6);
	assert_memory_equal(buf, "abcdef", 6);
	tn_free(n);
}

static void established_duplicate_data_reacked(void **state)
{
	struct net *n = tn_default();
	struct seg a = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	const struct tcb_event *ev;

	(void)state;
	tn_handshake(n);
	a.payload = (const uint8_t *)"abc";
	a.len = 3;
	tcb_input(n->c, &a, n->now, n->oc);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &a, n->now, n->oc);
	ev = tn_find(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_SEQ_UNACCEPTABLE);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], S_ISS + 1);
	assert_int_equal(ev->n[2], S_ISS + 4);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 4);
	assert_int_equal(tcb_readable(n->c), 3);
	tn_free(n);
}

static void established_close_four_segment_close(void **state)
{
	struct net *n = tn_default();
	const struct tcb_event *ev;
	uint64_t tw_start;

	(void)state;
	tn_handshake(n);
	assert_int_equal(tcb_close(n->c, n->now, n->oc, NULL), 0);
	assert_int_equal(tcb_state(n->c), TCB_FIN_WAIT_1);
	assert_int_equal(n->oc->seg[0].flags, SEG_FIN | SEG_ACK);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	tn_xfer(n->oc, n->s, n->os, n->now);
	assert_int_equal(tcb_state(n->s), TCB_CLOSE_WAIT);
	assert_non_null(tn_find(n->os, TCB_EV_STATE, TCB_WHY_FIN_RECEIVED));
	tn_xfer(n->os, n->c, n->oc, n->now);	/* ACK of the FIN */
	assert_int_equal(tcb_state(n->c), TCB_FIN_WAIT_2);
	ev = tn_find(n->oc, TCB_EV_STATE, TCB_WHY_FIN_ACKED);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 2);
	assert_int_equal(ev->n[1], C_ISS + 1);
	n->now += S;
	assert_int_equal(tcb_close(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_state(n->s), TCB_LAST_ACK);
	assert_int_equal(n->os->nseg, 1);
	tn_xfer(n->os, n->c, n->oc, n->now);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	tw_start = n->now;
	assert_int_equal(tcb_deadline(n->c), tw_start + 60 * S);
	tn_xfer(n->oc, n->s, n->os, n->now);
	assert_int_equal(tcb_state(n->s), TCB_CLOSED);
	tcb_tick(n->c, tw_start + 60 * S - 1, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	tcb_tick(n->c, tw_start + 60 * S, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	ev = tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_TIME_WAIT_EXPIRED);
	assert_non_null(ev);
	assert_int_equal(ev->after_us, 60 * S);
	tn_free(n);
}

static void close_wait_close_merges_fin_into_ack(void **state)
{
	struct net *n = tn_default();
	const struct tcb_event *ev;

	(void)state;
	tn_handshake(n);
	tcb_close(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);	/* FIN arrives: ACK pending in os */
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_ACK);
	assert_int_equal(tcb_close(n->s, n->now, n->os, NULL), 0);	/* same step */
	assert_int_equal(tcb_state(n->s), TCB_LAST_ACK);
	assert_int_equal(n->os->nseg, 1);	/* three-segment close */
	assert_int_equal(n->os->seg[0].flags, SEG_FIN | SEG_ACK);
	assert_int_equal(n->os->seg[0].seq, S_ISS + 1);
	assert_int_equal(n->os->seg[0].ack, C_ISS + 2);
	ev = tn_find(n->os, TCB_EV_ACK_MERGED, TCB_WHY_ACK_PIGGYBACKED);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], SEG_FIN | SEG_ACK);
	tn_xfer(n->os, n->c, n->oc, n->now);	/* FIN-WAIT-1 -> TIME-WAIT directly */
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	assert_non_null(tn_find(n->oc, TCB_EV_STATE, TCB_WHY_FIN_AFTER_OUR_FIN));
	tn_xfer(n->oc, n->s, n->os, n->now);
	assert_int_equal(tcb_state(n->s), TCB_CLOSED);
	tn_free(n);
}

static void fin_wait_1_fin_becomes_closing(void **state)
{
	struct net *n = tn_default();

	(void)state;
	tn_handshake(n);
	tcb_close(n->c, n->now, n->oc, NULL);
	tcb_close(n->s, n->now, n->os, NULL);
	/* FINs cross */
	{
		struct tcb_out *a = calloc(1, sizeof(*a)), *b = calloc(1, sizeof(*b));

		for (unsigned i = 0; i < n->oc->nseg; i++)
			tcb_input(n->s, &n->oc->seg[i], n->now, b);
		for (unsigned i = 0; i < n->os->nseg; i++)
			tcb_input(n->c, &n->os->seg[i], n->now, a);
		assert_int_equal(tcb_state(n->c), TCB_CLOSING);
		assert_int_equal(tcb_state(n->s), TCB_CLOSING);
		assert_non_null(tn_find(a, TCB_EV_STATE, TCB_WHY_FIN_SIMULTANEOUS));
		tcb_out_reset(n->oc);
		tcb_out_reset(n->os);
		tn_xfer(a, n->s, n->os, n->now);
		tn_xfer(b, n->c, n->oc, n->now);
		free(a);
		free(b);
	}
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	assert_int_equal(tcb_state(n->s), TCB_TIME_WAIT);
	tn_free(n);
}

static void close_wait_send_reaches_fin_wait_2_peer(void **state)
{
	struct net *n = tn_default();
	char buf[8];

	(void)state;
	tn_handshake(n);
	tcb_close(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tn_xfer(n->os, n->c, n->oc, n->now);
	assert_int_equal(tcb_state(n->c), TCB_FIN_WAIT_2);
	assert_int_equal(tcb_send(n->s, "late", 4, n->now, n->os, NULL), 4);
	tn_xfer(n->os, n->c, n->oc, n->now);
	assert_int_equal(tcb_readable(n->c), 4);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 5);
	assert_int_equal(tcb_receive(n->c, buf, sizeof(buf), n->now, n->oc), 4);
	assert_memory_equal(buf, "late", 4);
	/* FIN-WAIT-2 cannot send */
	assert_int_equal(tcb_send(n->c, "x", 1, n->now, n->oc, NULL), -1);
	tn_free(n);
}

static void fin_wait_2_timeout_closes(void **state)
{
	struct net *n = tn_default();
	uint64_t t0;

	(void)state;
	tn_handshake(n);
	tcb_close(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tn_xfer(n->os, n->c, n->oc, n->now);
	t0 = n->now;
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_FIN_WAIT_2), t0 + 60 * S);
	tcb_tick(n->c, t0 + 60 * S, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	assert_non_null(tn_find(n->oc, TCB_EV_STATE, TCB_WHY_FIN_WAIT_2_TIMEOUT));
	tn_free(n);
}

static void closed_reply_rst_for_syn_and_ack(void **state)
{
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN), ack = tn_seg(&tn_ca, 300, 777, SEG_ACK);
	struct seg rst = tn_seg(&tn_ca, 1, 1, SEG_RST), r;

	(void)state;
	syn.len = 0;
	assert_true(tcb_closed_reply(&syn, &r));
	assert_int_equal(r.flags, SEG_RST | SEG_ACK);
	assert_int_equal(r.seq, 0);
	assert_int_equal(r.ack, 301);
	assert_int_equal(r.saddr, tn_ca.raddr);
	assert_int_equal(r.dport, tn_ca.lport);
	assert_true(tcb_closed_reply(&ack, &r));
	assert_int_equal(r.flags, SEG_RST);
	assert_int_equal(r.seq, 777);
	assert_false(tcb_closed_reply(&rst, &r));
}

static void listen_rst_ignored_ack_gets_rst(void **state)
{
	struct net *n = tn_default();
	struct seg rst = tn_seg(&tn_ca, 1, 0, SEG_RST), ack = tn_seg(&tn_ca, 1, 4242, SEG_ACK);

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_out_reset(n->os);
	tcb_input(n->s, &rst, n->now, n->os);
	assert_int_equal(n->os->nseg, 0);
	assert_non_null(tn_find(n->os, TCB_EV_SEG_DROPPED, TCB_WHY_LISTEN_RST));
	tcb_input(n->s, &ack, n->now, n->os);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_RST);
	assert_int_equal(n->os->seg[0].seq, 4242);
	assert_int_equal(tcb_state(n->s), TCB_LISTEN);
	tn_free(n);
}

static void syn_sent_bad_ack_sends_rst(void **state)
{
	struct net *n = tn_default();
	struct seg sa = tn_seg(&tn_sa, 7000, C_ISS + 5, SEG_SYN | SEG_ACK);

	(void)state;
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &sa, n->now, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_SYN_SENT);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_RST);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 5);
	tn_free(n);
}

static void syn_sent_rst_with_ack_closes(void **state)
{
	struct net *n = tn_default();
	struct seg r1 = tn_seg(&tn_sa, 0, 0, SEG_RST), r2 = tn_seg(&tn_sa, 0, C_ISS + 1, SEG_RST | SEG_ACK);

	(void)state;
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &r1, n->now, n->oc);	/* no ACK: not acceptable */
	assert_int_equal(tcb_state(n->c), TCB_SYN_SENT);
	assert_non_null(tn_find(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_SYN_SENT_RST_NO_ACK));
	tcb_input(n->c, &r2, n->now, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	assert_non_null(tn_find(n->oc, TCB_EV_RESET, TCB_WHY_SYN_SENT_RST));
	assert_int_equal(n->oc->nseg, 0);
	assert_int_equal(tcb_deadline(n->c), TCB_NEVER);
	tn_free(n);
}

static void established_rst_exact_in_window_outside(void **state)
{
	struct net *n = tn_default();
	struct seg out = tn_seg(&tn_sa, S_ISS + 1 + 70000, 0, SEG_RST);
	struct seg inw = tn_seg(&tn_sa, S_ISS + 100, 0, SEG_RST);
	struct seg exact = tn_seg(&tn_sa, S_ISS + 1, 0, SEG_RST);
	const struct tcb_event *ev;

	(void)state;
	tn_handshake(n);
	tcb_input(n->c, &out, n->now, n->oc);
	assert_int_equal(n->oc->nseg, 0);
	assert_non_null(tn_find(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_RST_OUT_OF_WINDOW));
	tcb_input(n->c, &inw, n->now, n->oc);
	assert_int_equal(n->oc->nseg, 1);	/* challenge ACK */
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 1);
	ev = tn_find(n->oc, TCB_EV_CHALLENGE_ACK, TCB_WHY_RST_IN_WINDOW);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], S_ISS + 100);
	assert_int_equal(ev->n[1], S_ISS + 1);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	tcb_input(n->c, &exact, n->now, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	assert_non_null(tn_find(n->oc, TCB_EV_RESET, TCB_WHY_RST_RESET));
	tn_free(n);
}

static void established_syn_gets_rate_limited_challenge_ack(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	struct seg syn = tn_seg(&tn_sa, 123, 0, SEG_SYN);

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	pc.challenge_ack_limit = 2;
	pc.invalid_ratelimit_us = 0;	/* the per-second limit alone */
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	for (int i = 0; i < 3; i++)
		tcb_input(n->c, &syn, n->now, n->oc);
	assert_int_equal(n->oc->nseg, 1);	/* two ACKs, identical: merged into one */
	assert_int_equal(n->oc->nev, 3);
	assert_false(n->oc->ev[0].limited);
	assert_false(n->oc->ev[1].limited);
	assert_true(n->oc->ev[2].limited);
	assert_int_equal(n->oc->ev[2].why, TCB_WHY_SYN_IN_SYNC);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &syn, n->now + S, n->oc);	/* next second */
	assert_int_equal(n->oc->nseg, 1);
	assert_false(n->oc->ev[0].limited);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	tn_free(n);
}

static void established_ack_unsent_and_too_old(void **state)
{
	struct net *n = tn_default();
	struct seg unsent = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 50, SEG_ACK);
	struct seg old = tn_seg(&tn_sa, S_ISS + 1, C_ISS - 100000, SEG_ACK);
	const struct tcb_event *ev;

	(void)state;
	tn_handshake(n);
	tcb_input(n->c, &unsent, n->now, n->oc);
	ev = tn_find(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_ACK_UNSENT);
	assert_non_null(ev);
	assert_int_equal(ev->n[0], C_ISS + 50);
	assert_int_equal(ev->n[1], C_ISS + 1);
	assert_int_equal(n->oc->nseg, 1);
	tcb_out_reset(n->oc);
	/* 500 ms later: the per-connection answer limit (tcb_reply.c) lets it through */
	tcb_input(n->c, &old, n->now + S / 2, n->oc);
	assert_non_null(tn_find(n->oc, TCB_EV_CHALLENGE_ACK, TCB_WHY_ACK_TOO_OLD));
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	tn_free(n);
}

/* The ACK loop between two synlab ends: a hand-made segment gives the server
 * text the client's TCB never sent, so the server's ACK is beyond the client's SND.NXT
 * (ACK_UNSENT, answered with an ACK) and the client's ACK is behind the server's
 * RCV.NXT (SEQ_UNACCEPTABLE, answered with an ACK) ... Shuttled 10 us a hop for 1 s of
 * fake time, the segments exchanged are counted: a handful with the default limit, a
 * segment every hop without it. */
static unsigned ack_loop_segments(uint64_t limit_us)
{
	struct tcb_params pc, ps;
	struct net *n;
	struct seg hi = tn_seg(&tn_ca, C_ISS + 1, S_ISS + 1, SEG_ACK | SEG_PSH);
	unsigned segs = 0;

	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	pc.invalid_ratelimit_us = ps.invalid_ratelimit_us = limit_us;
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	hi.payload = (const uint8_t *)"hi";
	hi.len = 2;
	tcb_input(n->s, &hi, n->now, n->os);	/* accepted: the server ACKs C_ISS + 3 */
	for (int hop = 0; hop < 100000 && (n->os->nseg || n->oc->nseg); hop++) {
		n->now += 10;
		segs += n->os->nseg + n->oc->nseg;
		tn_xfer(n->os, n->c, n->oc, n->now);
		tn_xfer(n->oc, n->s, n->os, n->now);
	}
	assert_int_equal(tcb_state(n->c), TCB_ESTABLISHED);
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	tn_free(n);
	return segs;
}

static void ack_loop_between_two_tcbs_is_bounded(void **state)
{
	(void)state;
	assert_true(ack_loop_segments(0) >= 100000);	/* the loop, without the limit */
	assert_true(ack_loop_segments(500000) <= 4);
}

static void time_wait_rst_closes_unless_rfc1337(void **state)
{
	for (int prot = 0; prot < 2; prot++) {
		struct tcb_params pc, ps;
		struct net *n;
		struct seg rst;

		tn_params(&pc, C_ISS);
		tn_params(&ps, S_ISS);
		pc.rfc1337 = prot;
		n = tn_new(&pc, &ps);
		tn_handshake(n);
		tcb_close(n->c, n->now, n->oc, NULL);
		tn_xfer(n->oc, n->s, n->os, n->now);
		tcb_close(n->s, n->now, n->os, NULL);
		tn_xfer(n->os, n->c, n->oc, n->now);
		assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
		tcb_out_reset(n->oc);
		rst = tn_seg(&tn_sa, S_ISS + 2, 0, SEG_RST);
		tcb_input(n->c, &rst, n->now, n->oc);
		assert_int_equal(tcb_state(n->c), prot ? TCB_TIME_WAIT : TCB_CLOSED);
		assert_non_null(tn_find(n->oc, prot ? TCB_EV_SEG_DROPPED : TCB_EV_STATE,
					prot ? TCB_WHY_RST_RFC1337 : TCB_WHY_RST_TIME_WAIT));
		tn_free(n);
	}
	(void)state;
}

static void established_abort_sends_rst(void **state)
{
	struct net *n = tn_default();

	(void)state;
	tn_handshake(n);
	tcb_abort(n->c, n->now, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_RST);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	tn_xfer(n->oc, n->s, n->os, n->now);
	assert_int_equal(tcb_state(n->s), TCB_CLOSED);
	tn_free(n);
}

static void closed_segment_answered_with_rst(void **state)
{
	struct net *n = tn_default();
	struct seg ack = tn_seg(&tn_sa, 10, 20, SEG_ACK);

	(void)state;
	tcb_input(n->c, &ack, n->now, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_RST);
	assert_int_equal(n->oc->seg[0].seq, 20);
	assert_non_null(tn_find(n->oc, TCB_EV_SEG_DROPPED, TCB_WHY_CLOSED_NO_TCB));
	tn_free(n);
}

static void user_calls_in_wrong_state_fail(void **state)
{
	struct net *n = tn_default();
	struct err e;

	(void)state;
	assert_int_equal(tcb_close(n->c, n->now, n->oc, &e), -1);
	assert_non_null(strstr(e.msg, "does not exist"));
	assert_int_equal(tcb_send(n->c, "x", 1, n->now, n->oc, &e), -1);
	tn_handshake(n);
	assert_int_equal(tcb_open_active(n->c, n->now, n->oc, &e), -1);
	tcb_close(n->c, n->now, n->oc, NULL);
	assert_int_equal(tcb_close(n->c, n->now, n->oc, &e), -1);
	assert_non_null(strstr(e.msg, "closing"));
	tn_free(n);
}

static void syn_received_close_sends_fin_fin_wait_1(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN);
	struct seg ack = tn_seg(&tn_ca, 301, S_ISS + 2, SEG_ACK);

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	tcb_out_reset(n->os);
	assert_int_equal(tcb_close(n->s, n->now, n->os, NULL), 0);
	assert_int_equal(tcb_state(n->s), TCB_FIN_WAIT_1);
	assert_int_equal(n->os->nseg, 1);
	assert_int_equal(n->os->seg[0].flags, SEG_FIN | SEG_ACK);
	assert_int_equal(n->os->seg[0].seq, S_ISS + 1);
	tcb_out_reset(n->os);
	tcb_input(n->s, &ack, n->now, n->os);	/* acks SYN and FIN together */
	assert_int_equal(tcb_state(n->s), TCB_FIN_WAIT_2);
	assert_int_equal(tcb_deadline(n->s), n->now + 60 * S);
	tn_free(n);
}

static void closed_reopen_active_starts_fresh(void **state)
{
	struct net *n = tn_default();
	char buf[4];

	(void)state;
	tn_handshake(n);
	tcb_send(n->s, "ab", 2, n->now, n->os, NULL);
	tn_xfer(n->os, n->c, n->oc, n->now);
	tcb_abort(n->c, n->now, n->oc);
	tcb_out_reset(n->oc);
	assert_int_equal(tcb_open_active(n->c, n->now + S, n->oc, NULL), 0);
	assert_int_equal(tcb_state(n->c), TCB_SYN_SENT);
	assert_int_equal(tcb_readable(n->c), 0);
	assert_int_equal(tcb_receive(n->c, buf, sizeof(buf), n->now, n->oc), 0);
	assert_false(tcb_peer_closed(n->c));
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_SYN);
	tn_free(n);
}

static void names_are_stable(void **state)
{
	(void)state;
	assert_string_equal(tcb_state_name(TCB_SYN_RECEIVED), "SYN-RECEIVED");
	assert_string_equal(tcb_state_name(TCB_TIME_WAIT), "TIME-WAIT");
	assert_string_equal(tcb_why_name(TCB_WHY_SYN_SENT_SYNACK), "syn_sent_synack");
	assert_string_equal(tcb_why_rfc(TCB_WHY_RST_IN_WINDOW), "RFC 5961 §3.2");
	for (int w = 1; w < TCB_WHY_COUNT; w++) {
		assert_string_not_equal(tcb_why_name((enum tcb_why)w), "?");
		assert_true(strlen(tcb_why_rfc((enum tcb_why)w)) > 0);
		for (int v = 1; v < w; v++)
			assert_string_not_equal(tcb_why_name((enum tcb_why)w),
						tcb_why_name((enum tcb_why)v));
	}
	for (int k = 0; k < TCB_NEV_KINDS; k++)
		assert_string_not_equal(tcb_ev_kind_name((enum tcb_ev_kind)k), "?");
	assert_string_equal(tcb_state_name((enum tcb_state)99), "?");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(closed_open_active_sends_syn),
		cmocka_unit_test(syn_sent_synack_becomes_established),
		cmocka_unit_test(listen_syn_becomes_syn_received),
		cmocka_unit_test(syn_received_ack_becomes_established),
		cmocka_unit_test(syn_received_bad_ack_sends_rst),
		cmocka_unit_test(syn_received_repeated_syn_resends_synack),
		cmocka_unit_test(syn_received_rst_returns_to_listen),
		cmocka_unit_test(syn_sent_syn_becomes_syn_received),
		cmocka_unit_test(established_send_delivers_in_order),
		cmocka_unit_test(established_send_splits_at_peer_mss_with_psh_last),
		cmocka_unit_test(syn_sent_synack_without_mss_uses_536),
		cmocka_unit_test(established_out_of_order_queued_then_delivered),
		cmocka_unit_test(established_duplicate_data_reacked),
		cmocka_unit_test(established_close_four_segment_close),
		cmocka_unit_test(close_wait_close_merges_fin_into_ack),
		cmocka_unit_test(fin_wait_1_fin_becomes_closing),
		cmocka_unit_test(close_wait_send_reaches_fin_wait_2_peer),
		cmocka_unit_test(fin_wait_2_timeout_closes),
		cmocka_unit_test(closed_reply_rst_for_syn_and_ack),
		cmocka_unit_test(listen_rst_ignored_ack_gets_rst),
		cmocka_unit_test(syn_sent_bad_ack_sends_rst),
		cmocka_unit_test(syn_sent_rst_with_ack_closes),
		cmocka_unit_test(established_rst_exact_in_window_outside),
		cmocka_unit_test(established_syn_gets_rate_limited_challenge_ack),
		cmocka_unit_test(established_ack_unsent_and_too_old),
		cmocka_unit_test(ack_loop_between_two_tcbs_is_bounded),
		cmocka_unit_test(time_wait_rst_closes_unless_rfc1337),
		cmocka_unit_test(established_abort_sends_rst),
		cmocka_unit_test(closed_segment_answered_with_rst),
		cmocka_unit_test(user_calls_in_wrong_state_fail),
		cmocka_unit_test(syn_received_close_sends_fin_fin_wait_1),
		cmocka_unit_test(closed_reopen_active_starts_fresh),
		cmocka_unit_test(names_are_stable),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
