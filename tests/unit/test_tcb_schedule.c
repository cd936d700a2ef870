/* test_tcb_schedule.c - retransmission, TIME-WAIT and persist timing, asserted to the microsecond. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcbnet.h"

/* Runs t's timers until it is CLOSED: records when each segment left (relative to t0) and
 * the retransmission events. Returns the number of sends. */
static unsigned run_timers(struct tcb *t, struct tcb_out *o, uint64_t t0, uint64_t *sent,
			   struct tcb_event *rtx, unsigned cap, uint64_t *closed_at)
{
	unsigned nsent = 0;

	for (int guard = 0; guard < 100 && tcb_state(t) != TCB_CLOSED; guard++) {
		uint64_t d = tcb_deadline(t);

		assert_int_not_equal(d, TCB_NEVER);
		tcb_out_reset(o);
		tcb_tick(t, d - 1, o);	/* one microsecond early: nothing happens */
		assert_int_equal(o->nseg, 0);
		assert_int_equal(o->nev, 0);
		tcb_tick(t, d, o);
		for (unsigned i = 0; i < o->nseg && nsent < cap; i++)
			{ sent[nsent] = d - t0; rtx[nsent] = o->ev[1]; nsent++; }
	}
	*closed_at = 0;
	for (unsigned i = 0; i < o->nev; i++)
		if (o->ev[i].kind == TCB_EV_GAVE_UP)
			*closed_at = o->ev[i].now - t0;
	return nsent;
}

static void check_syn_schedule(enum tcb_syn_schedule sch, double scale, const uint64_t *want,
			       unsigned nwant, uint64_t give_up)
{
	struct tcb_params p;
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *t;
	uint64_t sent[16], closed_at, t0 = 5 * S, prev = 0;
	struct tcb_event rtx[16];
	unsigned n;

	tn_params(&p, C_ISS);
	p.syn_schedule = sch;
	p.time_scale = scale;
	t = tcb_new(&p, &tn_ca, NULL);
	tcb_open_active(t, t0, o, NULL);
	n = run_timers(t, o, t0, sent, rtx, 16, &closed_at);
	assert_int_equal(n, nwant);
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(sent[i], want[i]);
		assert_int_equal(rtx[i].kind, TCB_EV_RETRANSMIT);
		assert_int_equal(rtx[i].count, (int)i + 1);
		assert_int_equal(rtx[i].after_us, want[i] - prev);
		assert_int_equal(rtx[i].rto_us, (i + 1 < n ? want[i + 1] : give_up) - want[i]);
		assert_int_equal(rtx[i].n[0], C_ISS);
		prev = want[i];
	}
	assert_int_equal(closed_at, give_up);
	assert_int_equal(tcb_state(t), TCB_CLOSED);
	assert_non_null(tn_find(o, TCB_EV_GAVE_UP, TCB_WHY_SYN_GAVE_UP));
	tcb_free(t);
	free(o);
}

static void syn_sent_timeout_linear_schedule(void **state)
{
	const uint64_t want[] = {1 * S, 2 * S, 3 * S, 4 * S, 5 * S, 7 * S};

	(void)state;
	check_syn_schedule(TCB_SYN_LINEAR, 1.0, want, 6, 11 * S);
}

static void syn_sent_timeout_doubling_schedule(void **state)
{
	const uint64_t want[] = {1 * S, 3 * S, 7 * S, 15 * S, 31 * S, 63 * S};

	(void)state;
	check_syn_schedule(TCB_SYN_DOUBLING, 1.0, want, 6, 127 * S);
}

static void syn_sent_timeout_linear_scaled_100x(void **state)
{
	const uint64_t want[] = {10 * MS, 20 * MS, 30 * MS, 40 * MS, 50 * MS, 70 * MS};

	(void)state;
	check_syn_schedule(TCB_SYN_LINEAR, 0.01, want, 6, 110 * MS);
}

static void syn_received_timeout_synack_schedule(void **state)
{
	struct net *n = tn_default();
	struct seg syn = tn_seg(&tn_ca, 300, 0, SEG_SYN);
	uint64_t sent[16], closed_at, t0 = n->now;
	const uint64_t want[] = {1 * S, 3 * S, 7 * S, 15 * S, 31 * S};
	struct tcb_event rtx[16];
	unsigned k;

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_input(n->s, &syn, n->now, n->os);
	k = run_timers(n->s, n->os, t0, sent, rtx, 16, &closed_at);
	assert_int_equal(k, 5);
	for (unsigned i = 0; i < k; i++) {
		assert_int_equal(sent[i], want[i]);
		assert_int_equal(rtx[i].count, (int)i + 1);
	}
	assert_int_equal(closed_at, 63 * S);
	assert_non_null(tn_find(n->os, TCB_EV_GAVE_UP, TCB_WHY_SYNACK_GAVE_UP));
	tn_free(n);
}

/* Client in TIME-WAIT after a four-segment close at n->now; returns the server's FIN. */
static struct seg to_time_wait(struct net *n)
{
	struct seg fin;

	tn_handshake(n);
	tcb_close(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tn_xfer(n->os, n->c, n->oc, n->now);
	tcb_close(n->s, n->now, n->os, NULL);
	fin = n->os->seg[0];
	tn_xfer(n->os, n->c, n->oc, n->now);
	tcb_out_reset(n->oc);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	return fin;
}

static void time_wait_fin_reacked_and_timer_restarted(void **state)
{
	struct net *n = tn_default();
	struct seg fin = to_time_wait(n);
	uint64_t t0 = n->now;
	const struct tcb_event *ev;

	(void)state;
	assert_int_equal(tcb_deadline(n->c), t0 + 60 * S);
	tcb_input(n->c, &fin, t0 + 10 * S, n->oc);	/* our ACK was lost: FIN again */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].flags, SEG_ACK);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 2);
	assert_int_equal(n->oc->seg[0].ack, S_ISS + 2);
	ev = tn_find(n->oc, TCB_EV_TW_RESTART, TCB_WHY_FIN_IN_TIME_WAIT);
	assert_non_null(ev);
	assert_int_equal(ev->after_us, 10 * S);
	assert_int_equal(ev->n[2], 60 * S);
	assert_int_equal(tcb_deadline(n->c), t0 + 70 * S);
	tcb_out_reset(n->oc);
	tcb_tick(n->c, t0 + 60 * S, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	tcb_tick(n->c, t0 + 70 * S - 1, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_TIME_WAIT);
	tcb_tick(n->c, t0 + 70 * S, n->oc);
	assert_int_equal(tcb_state(n->c), TCB_CLOSED);
	tn_free(n);
}

static void time_wait_msl_param_scaled(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	pc.msl_us = 120 * S;	/* RFC 9293: MSL 2 min */
	pc.time_scale = 0.5;
	n = tn_new(&pc, &ps);
	to_time_wait(n);
	assert_int_equal(tcb_deadline(n->c), n->now + 120 * S);
	tn_free(n);
}

static void last_ack_fin_retransmitted_with_backoff_then_gives_up(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	uint64_t sent[16], closed_at, t0;
	struct tcb_event rtx[16];
	unsigned k;

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.data_retries = 3;
	n = tn_new(&pc, &ps);
	tn_handshake(n);	/* RTT sample 0: RTO = rto_min = 200 ms */
	tcb_close(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tcb_out_reset(n->os);
	tcb_close(n->s, n->now, n->os, NULL);	/* FIN lost from here on */
	t0 = n->now;
	assert_int_equal(tcb_state(n->s), TCB_LAST_ACK);
	k = run_timers(n->s, n->os, t0, sent, rtx, 16, &closed_at);
	assert_int_equal(k, 3);
	assert_int_equal(sent[0], 200 * MS);
	assert_int_equal(sent[1], 600 * MS);
	assert_int_equal(sent[2], 1400 * MS);
	assert_int_equal(rtx[2].n[0], S_ISS + 1);	/* the FIN's seq */
	assert_int_equal(rtx[2].n[1], 1);
	assert_int_equal(closed_at, 3000 * MS);
	assert_non_null(tn_find(n->os, TCB_EV_GAVE_UP, TCB_WHY_DATA_GAVE_UP));
	tn_free(n);
}

static void established_rto_resends_one_segment_a_time_and_karn(void **state)
{
	struct tcb_params pc, ps;
	struct net *n;
	static char data[3000];
	struct seg lost[3];
	struct seg ack;

	(void)state;
	tn_params(&pc, C_ISS);
	tn_params(&ps, S_ISS);
	ps.mss = 1000;
	pc.no_timestamps = true;	/* Karn's rule; with timestamps TSecr gives a sample
					 * (test_tcb_opts.c) */
	pc.no_sack = true;	/* NewReno after an RTO (with SACK: test_tcb_sack_recovery.c) */
	n = tn_new(&pc, &ps);
	tn_handshake(n);
	tcb_send(n->c, data, sizeof(data), n->now, n->oc, NULL);
	assert_int_equal(n->oc->nseg, 3);
	memcpy(lost, n->oc->seg, sizeof(lost));
	tcb_out_reset(n->oc);	/* all three lost */
	tcb_tick(n->c, n->now + 200 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, C_ISS + 1);
	assert_non_null(tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTO));
	/* no go-back-N: each ACK below the recovery point (SND.NXT at the RTO, 4001) brings
	 * back the one segment it shows missing, and none gives an RTT sample (Karn) */
	for (uint32_t k = 1; k <= 2; k++) {
		const struct tcb_event *ev;

		tn_xfer(n->oc, n->s, n->os, n->now + (200 + 50 * k) * MS);
		ack = n->os->seg[0];
		assert_int_equal(ack.ack, C_ISS + 1 + 1000 * k);
		tcb_out_reset(n->os);
		tcb_input(n->c, &ack, n->now + (225 + 50 * k) * MS, n->oc);
		assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));
		assert_int_equal(n->oc->nseg, 1);
		assert_int_equal(n->oc->seg[0].seq, C_ISS + 1 + 1000 * k);
		ev = tn_find(n->oc, TCB_EV_RETRANSMIT, TCB_WHY_RTX_AFTER_RTO);
		assert_non_null(ev);
		assert_int_equal(ev->n[2], C_ISS + 1 + 1000 * k);
		assert_int_equal(ev->n[3], C_ISS + 3001);
	}
	tn_xfer(n->oc, n->s, n->os, n->now + 350 * MS);
	assert_int_equal(tcb_readable(n->s), 3000);
	tn_xfer(n->os, n->c, n->oc, n->now + 400 * MS);
	assert_int_equal(tcb_deadline(n->c), TCB_NEVER);
	assert_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));
	/* a fresh segment, sent once: its ACK gives a sample of 30 ms */
	tcb_out_reset(n->oc);
	tcb_send(n->c, "x", 1, n->now + 1 * S, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now + 1 * S);
	tn_xfer(n->os, n->c, n->oc, n->now + 1 * S + 30 * MS);
	assert_non_null(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW));
	assert_int_equal(tn_find(n->oc, TCB_EV_RTT, TCB_WHY_ACK_NEW)->n[0], 30 * MS);
	tn_free(n);
}

static void established_zero_window_probed_by_persist_timer(void **state)
{
	struct net *n = tn_default();
	struct seg zero = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	struct seg open = tn_seg(&tn_sa, S_ISS + 1, C_ISS + 1, SEG_ACK);
	const struct tcb_event *ev;
	uint64_t t0;

	(void)state;
	tn_handshake(n);
	zero.win = 0;
	tcb_input(n->c, &zero, n->now, n->oc);
	assert_non_null(tn_find(n->oc, TCB_EV_WINDOW, TCB_WHY_WINDOW_UPDATE));
	tcb_out_reset(n->oc);
	t0 = n->now;
	assert_int_equal(tcb_send(n->c, "abc", 3, t0, n->oc, NULL), 3);
	assert_int_equal(n->oc->nseg, 0);
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_PERSIST), t0 + 200 * MS);
	tcb_tick(n->c, t0 + 200 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].seq, C_ISS);	/* SND.UNA - 1 */
	assert_int_equal(n->oc->seg[0].len, 0);
	ev = tn_find(n->oc, TCB_EV_TIMER, TCB_WHY_PERSIST_PROBE);
	assert_non_null(ev);
	assert_int_equal(ev->n[2], 3);
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_PERSIST), t0 + 600 * MS);
	tcb_out_reset(n->oc);
	tcb_input(n->c, &open, t0 + 300 * MS, n->oc);	/* window opens */
	assert_int_equal(n->oc->nseg, 1);
	assert_int_equal(n->oc->seg[0].len, 3);
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_PERSIST), TCB_NEVER);
	tn_free(n);
}

static void established_after_syn_timeout_rto_at_least_3s(void **state)
{
	struct net *n = tn_default();

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tcb_out_reset(n->oc);	/* first SYN lost */
	n->now += S;
	tcb_tick(n->c, n->now, n->oc);
	tn_xfer(n->oc, n->s, n->os, n->now);
	tn_xfer(n->os, n->c, n->oc, n->now + 1000);
	tcb_out_reset(n->oc);
	tcb_send(n->c, "x", 1, n->now + 1000, n->oc, NULL);
	/* RFC 6298 §5.7 and Karn: no sample, RTO re-initialised to 3 s */
	assert_int_equal(tcb_timer_at(n->c, TCB_TIMER_RTX), n->now + 1000 + 3 * S);
	tn_free(n);
}

/* Issue #12, item 12: the server's SYN+ACK timed out three times (RTO backed off to 8 s);
 * the handshake gives no sample (Karn), so its first data's RTO is 3 s, not 8 s. */
static void established_after_synack_backoff_rto_reset_to_3s(void **state)
{
	struct net *n = tn_default();
	uint64_t at;

	(void)state;
	tcb_open_passive(n->s, n->now, n->os, NULL);
	tcb_open_active(n->c, n->now, n->oc, NULL);
	tn_xfer(n->oc, n->s, n->os, n->now);		/* SYN in: SYN-RECEIVED */
	for (int i = 0; i < 3; i++) {			/* SYN+ACK lost, resent at +1, +3, +7 s */
		tcb_out_reset(n->os);
		at = tcb_timer_at(n->s, TCB_TIMER_RTX);
		tcb_tick(n->s, at, n->os);
		n->now = at;
	}
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_RTX), n->now + 8 * S);
	tcb_out_reset(n->oc);
	tn_xfer(n->os, n->c, n->oc, n->now);		/* the 4th arrives: the client ACKs */
	tn_xfer(n->oc, n->s, n->os, n->now + 1000);	/* server ESTABLISHED */
	assert_int_equal(tcb_state(n->s), TCB_ESTABLISHED);
	tcb_out_reset(n->os);
	tcb_send(n->s, "x", 1, n->now + 2000, n->os, NULL);
	assert_int_equal(tcb_timer_at(n->s, TCB_TIMER_RTX), n->now + 2000 + 3 * S);
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(syn_sent_timeout_linear_schedule),
		cmocka_unit_test(syn_sent_timeout_doubling_schedule),
		cmocka_unit_test(syn_sent_timeout_linear_scaled_100x),
		cmocka_unit_test(syn_received_timeout_synack_schedule),
		cmocka_unit_test(time_wait_fin_reacked_and_timer_restarted),
		cmocka_unit_test(time_wait_msl_param_scaled),
		cmocka_unit_test(last_ack_fin_retransmitted_with_backoff_then_gives_up),
		cmocka_unit_test(established_rto_resends_one_segment_a_time_and_karn),
		cmocka_unit_test(established_zero_window_probed_by_persist_timer),
		cmocka_unit_test(established_after_syn_timeout_rto_at_least_3s),
		cmocka_unit_test(established_after_synack_backoff_rto_reset_to_3s),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
