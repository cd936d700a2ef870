/* test_tcb_tw.c - compact TIME-WAIT records: at most 128 bytes, and every call behaves exactly as on the full TCB (a full twin is the oracle). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <malloc.h>
#include <string.h>
#include <cmocka.h>

#include "helper_tcb.h"

/* After the builder (entered at T0 from FIN-WAIT-2): SND.NXT = L+2, RCV.NXT = R+2. */
#define NXT (LOCAL_SEQ + 2)
#define RCV (REMOTE_SEQ + 2)
#define PEER_FIN SEG(.flags = SEG_FIN | SEG_ACK, .seq = REMOTE_SEQ + 1, .ack = NXT)

/* One thing done to both twins. */
enum step_kind { S_SEG, S_SEG_SAME_OUT, S_TICK, S_CLOSE, S_ABORT, S_SEND, S_RECV };
struct step {
	enum step_kind k;
	uint64_t at;		/* us after T0 */
	struct seg s;		/* S_SEG* */
};

static void same_seg(const struct seg *a, const struct seg *b)
{
	assert_int_equal(a->saddr, b->saddr);
	assert_int_equal(a->daddr, b->daddr);
	assert_int_equal(a->sport, b->sport);
	assert_int_equal(a->dport, b->dport);
	assert_int_equal(a->seq, b->seq);
	assert_int_equal(a->ack, b->ack);
	assert_int_equal(a->flags, b->flags);
	assert_int_equal(a->win, b->win);
	assert_int_equal(a->len, b->len);
	assert_memory_equal(&a->opts, &b->opts, sizeof(a->opts));
}

/* Everything a caller (the runtime, the logger) can observe of the two is equal. */
static void same_tcbs(struct tt *full, struct tt *tw)
{
	struct tcb_vars va, vb;

	assert_int_equal(tcb_state(full->tcb), tcb_state(tw->tcb));
	assert_int_equal(tcb_deadline(full->tcb), tcb_deadline(tw->tcb));
	for (int k = TCB_TIMER_NONE; k < TCB_NTIMERS; k++)
		assert_int_equal(tcb_timer_at(full->tcb, (enum tcb_timer)k),
				 tcb_timer_at(tw->tcb, (enum tcb_timer)k));
	tcb_get_vars(full->tcb, &va);
	tcb_get_vars(tw->tcb, &vb);
	/* congestion state is not kept in TIME-WAIT (nothing is left to send; tcb_tw.c) */
	va.cwnd = vb.cwnd = va.ssthresh = vb.ssthresh = va.dupacks = vb.dupacks = 0;
	va.recover = vb.recover = va.dack_bytes = vb.dack_bytes = 0;
	va.cc_phase = vb.cc_phase = 0;
	assert_memory_equal(&va, &vb, sizeof(va));
	assert_int_equal(tcb_iss(full->tcb), tcb_iss(tw->tcb));
	assert_int_equal(tcb_irs(full->tcb), tcb_irs(tw->tcb));
	{
		struct tcb_addr fa = tcb_addr(full->tcb), ta = tcb_addr(tw->tcb);

		assert_memory_equal(&fa, &ta, sizeof(fa));
	}
	assert_ptr_equal(tcb_params_of(full->tcb), &full->p);
	assert_ptr_equal(tcb_params_of(tw->tcb), &tw->p);
	assert_int_equal(tcb_readable(full->tcb), tcb_readable(tw->tcb));
	assert_int_equal(tcb_send_room(full->tcb), tcb_send_room(tw->tcb));
	assert_int_equal(tcb_peer_closed(full->tcb), tcb_peer_closed(tw->tcb));
}

static void same_outs(const struct tcb_out *a, const struct tcb_out *b)
{
	assert_int_equal(a->nseg, b->nseg);
	for (unsigned i = 0; i < a->nseg; i++)
		same_seg(&a->seg[i], &b->seg[i]);
	assert_int_equal(a->nev, b->nev);
	/* events are memset before they are filled (tcb.c tcb_ev): bytes compare */
	assert_memory_equal(a->ev, b->ev, a->nev * sizeof(a->ev[0]));
}

static long do_step(struct tt *t, const struct step *st)
{
	struct err e = { "" };
	char buf[16];
	struct seg s;
	uint64_t now = T0 + st->at;

	if (st->k != S_SEG_SAME_OUT)
		tcb_out_reset(&t->out);
	switch (st->k) {
	case S_SEG:
	case S_SEG_SAME_OUT:
		s = tt_addressed(t, st->s);
		tcb_input(t->tcb, &s, now, &t->out);
		return 0;
	case S_TICK:
		tcb_tick(t->tcb, now, &t->out);
		return 0;
	case S_CLOSE:
		return tcb_close(t->tcb, now, &t->out, &e);
	case S_ABORT:
		tcb_abort(t->tcb, now, &t->out);
		return 0;
	case S_SEND:
		return tcb_send(t->tcb, "x", 1, now, &t->out, &e);
	case S_RECV:
		return (long)tcb_receive(t->tcb, buf, sizeof(buf), now, &t->out);
	}
	return 0;
}

/* Two TCBs in TIME-WAIT by the same path; the second is compacted; each step is done to
 * both and everything observable compared. Returns the compacted twin's final state. */
static enum tcb_state run_twins_p(enum tcb_state via, const struct tcb_params *pp,
				  const struct step *st, size_t n)
{
	struct tt full, tw;
	struct tcb_params p = *pp;
	enum tcb_state end;

	tt_reach(&full, via, &p);
	tt_reach(&tw, via, &p);
	if (via == TCB_CLOSING) {	/* the peer ACKs our FIN: TIME-WAIT */
		struct step ack = { S_SEG, 0, { .flags = SEG_ACK, .seq = full.riss + 2,
						.ack = full.liss + 2, .win = PEER_WIN } };

		do_step(&full, &ack);
		do_step(&tw, &ack);
	}
	assert_int_equal(tcb_state(full.tcb), TCB_TIME_WAIT);
	tw.tcb = tcb_compact(tw.tcb);
	/* the block now holds the record only (glibc shrinks it in place; under ASan the
	 * usable size is the size asked for) */
	assert_true(malloc_usable_size(tw.tcb) <= 136);
	assert_ptr_equal(tcb_compact(tw.tcb), tw.tcb);	/* a record stays as it is */
	same_tcbs(&full, &tw);
	for (size_t i = 0; i < n; i++) {
		assert_int_equal(do_step(&full, &st[i]), do_step(&tw, &st[i]));
		same_outs(&full.out, &tw.out);
		same_tcbs(&full, &tw);
	}
	end = tcb_state(tw.tcb);
	tt_free(&full);
	tt_free(&tw);
	return end;
}

static enum tcb_state run_twins(enum tcb_state via, bool rfc1337, const struct step *st,
				size_t n)
{
	struct tcb_params p;

	tt_params(&p, TT_SERVER);
	p.rfc1337 = rfc1337;
	return run_twins_p(via, &p, st, n);
}

#define RUN(via, rfc1337, steps) \
	run_twins((via), (rfc1337), (steps), sizeof(steps) / sizeof((steps)[0]))

TEST(tw_record_is_at_most_128_bytes)
{
	assert_true(tcb_tw_size() <= 128);
}

TEST(tw_only_time_wait_is_compacted)
{
	struct tt t;

	tcb_in_established(&t);
	assert_ptr_equal(tcb_compact(t.tcb), t.tcb);
	tt_free(&t);
	tcb_in_last_ack(&t);
	assert_ptr_equal(tcb_compact(t.tcb), t.tcb);
	tt_free(&t);
	assert_null(tcb_compact(NULL));
}

TEST(tw_retransmitted_fin_reacked_and_2msl_restarted)
{
	struct tt t;	/* only for the SEG template's LOCAL_SEQ / REMOTE_SEQ */
	struct step st[] = {
		{ S_SEG, SEC(10), { 0 } },
		{ S_TICK, SEC(70) - 1, { 0 } },	/* restarted: not yet */
		{ S_SEG, SEC(20), { 0 } },	/* again: 20 + 60 */
		{ S_TICK, SEC(80) - 1, { 0 } },
		{ S_TICK, SEC(80), { 0 } },	/* 2MSL over: CLOSED */
		{ S_SEG, SEC(81), { 0 } },	/* CLOSED answers with a RST */
	};

	tcb_in_time_wait(&t);
	st[0].s = st[2].s = st[5].s = PEER_FIN;
	tt_free(&t);
	assert_int_equal(RUN(TCB_TIME_WAIT, false, st), TCB_CLOSED);
	assert_int_equal(RUN(TCB_CLOSING, false, st), TCB_CLOSED);
}

TEST(tw_two_fins_in_one_out_give_one_ack)
{
	struct tt t;
	struct step st[] = { { S_SEG, SEC(1), { 0 } }, { S_SEG_SAME_OUT, SEC(1), { 0 } } };

	tcb_in_time_wait(&t);
	st[0].s = st[1].s = PEER_FIN;
	tt_free(&t);
	assert_int_equal(RUN(TCB_TIME_WAIT, false, st), TCB_TIME_WAIT);
}

TEST(tw_rst_closes_or_is_ignored_with_rfc1337)
{
	struct tt t;
	struct step st[] = { { S_SEG, MS(1), { 0 } } };

	tcb_in_time_wait(&t);
	st[0].s = SEG(.flags = SEG_RST, .seq = RCV);
	tt_free(&t);
	assert_int_equal(RUN(TCB_TIME_WAIT, false, st), TCB_CLOSED);
	assert_int_equal(RUN(TCB_TIME_WAIT, true, st), TCB_TIME_WAIT);
}

TEST(tw_syn_rst_in_window_bad_seq_and_rate_limits)
{
	struct tt t;
	struct step st[] = {
		{ S_SEG, MS(1), { 0 } },	/* SYN: challenge ACK */
		{ S_SEG, MS(2), { 0 } },	/* again: rate limited */
		{ S_SEG, MS(3), { 0 } },	/* RST in window: challenge ACK (limited) */
		{ S_SEG, SEC(2), { 0 } },	/* data far out of window: ACK */
		{ S_SEG, SEC(2) + 1, { 0 } },	/* again: rate limited */
		{ S_SEG, SEC(3), { 0 } },	/* ACK of something never sent */
		{ S_SEG, SEC(4), { 0 } },	/* an old duplicate ACK */
		{ S_SEG, SEC(5), { 0 } },	/* RST out of window: dropped */
		{ S_SEG, SEC(6), { 0 } },	/* a pure ACK at RCV.NXT of SND.NXT */
		{ S_SEG, SEC(6) + 1, { 0 } },	/* and again */
	};

	tcb_in_time_wait(&t);
	st[0].s = st[1].s = SEG(.flags = SEG_SYN, .seq = RCV + 10, .ack = 0);
	st[2].s = SEG(.flags = SEG_RST, .seq = RCV + 100);
	st[3].s = st[4].s = SEG(.seq = RCV + FAR, .ack = NXT, DATA("late"));
	st[5].s = SEG(.seq = RCV, .ack = NXT + 10);
	st[6].s = SEG(.seq = RCV, .ack = NXT - 1);
	st[7].s = SEG(.flags = SEG_RST, .seq = RCV + FAR);
	st[8].s = st[9].s = SEG(.seq = RCV, .ack = NXT);
	tt_free(&t);
	assert_int_equal(RUN(TCB_TIME_WAIT, false, st), TCB_TIME_WAIT);
	assert_int_equal(RUN(TCB_CLOSING, true, st), TCB_TIME_WAIT);
}

/* RFC 5961 §7: the per-second challenge ACK budget must be carried from segment to
 * segment (a budget of 2, no per-answer interval; three SYNs in one second, one in the
 * next): a record that forgot its count would answer differently from its twin. */
TEST(tw_challenge_ack_budget_kept)
{
	struct tt t;
	struct tcb_params p;
	struct step st[] = {
		{ S_SEG, MS(1), { 0 } }, { S_SEG, MS(2), { 0 } }, { S_SEG, MS(3), { 0 } },
		{ S_SEG, SEC(1) + MS(5), { 0 } },
	};

	tcb_in_time_wait(&t);
	st[0].s = st[1].s = st[2].s = st[3].s = SEG(.flags = SEG_SYN, .seq = RCV + 10, .ack = 0);
	tt_free(&t);
	tt_params(&p, TT_SERVER);
	p.challenge_ack_limit = 2;
	p.invalid_ratelimit_us = 0;
	assert_int_equal(run_twins_p(TCB_TIME_WAIT, &p, st, sizeof(st) / sizeof(st[0])),
			 TCB_TIME_WAIT);
}

TEST(tw_user_calls_as_on_the_full_tcb)
{
	struct step st[] = {
		{ S_CLOSE, MS(1), { 0 } },	/* connection closing */
		{ S_SEND, MS(2), { 0 } },	/* refused */
		{ S_RECV, MS(3), { 0 } },	/* nothing */
		{ S_ABORT, MS(4), { 0 } },	/* CLOSED, no RST */
		{ S_CLOSE, MS(5), { 0 } },	/* does not exist */
	};

	assert_int_equal(RUN(TCB_TIME_WAIT, false, st), TCB_CLOSED);
}

TEST(tw_record_is_not_reopened)
{
	struct tt t;
	struct err e = { "" };

	tcb_in_time_wait(&t);
	t.tcb = tcb_compact(t.tcb);
	tick(&t, T0 + SEC(60));
	expect_state(&t, TCB_CLOSED);
	assert_int_equal(tcb_open_passive(t.tcb, T0 + SEC(61), &t.out, &e), -1);
	assert_non_null(strstr(e.msg, "not reopened"));
	assert_int_equal(tcb_open_active(t.tcb, T0 + SEC(61), &t.out, &e), -1);
	tt_free(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(tw_record_is_at_most_128_bytes),
		T(tw_only_time_wait_is_compacted),
		T(tw_retransmitted_fin_reacked_and_2msl_restarted),
		T(tw_two_fins_in_one_out_give_one_ack),
		T(tw_rst_closes_or_is_ignored_with_rfc1337),
		T(tw_syn_rst_in_window_bad_seq_and_rate_limits),
		T(tw_challenge_ack_budget_kept),
		T(tw_user_calls_as_on_the_full_tcb),
		T(tw_record_is_not_reopened),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
