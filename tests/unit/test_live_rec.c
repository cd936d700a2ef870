/* test_live_rec.c - live records of both ends of a session agree with synlab-explain's tracker fed the same segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "explain_present.h"
#include "explain_track.h"
#include "helper_tcbnet.h"
#include "live_rec.h"

#define MAXR 64

struct side {
	struct tcb *t;
	struct tcb_out *o;
	struct live_rec_conn x;
	struct explain_rec rec[MAXR];
	size_t n;
	unsigned covered_states, shown_states;
};

struct sim {
	struct side c, s;
	struct explain_track *trk;
	struct explain_rec off[MAXR];	/* the tracker's segment records (the oracle) */
	size_t noff;
	struct explain_rec sum;		/* the tracker's summary (explain_track_finish) */
	uint64_t frame, now;
};

static int off_sink(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct sim *m = ctx;

	(void)e;
	if (r->kind == EXPLAIN_REC_SEGMENT && m->noff < MAXR)
		m->off[m->noff++] = *r;
	if (r->kind == EXPLAIN_REC_SUMMARY)
		m->sum = *r;
	return 0;
}

static void events(struct side *from)
{
	bool cov = live_rec_covers(&from->x, from->o), covered;
	struct explain_rec r;

	for (unsigned i = 0; i < from->o->nev; i++) {
		live_rec_event(&from->x, from->t, &from->o->ev[i], cov, 0, 0, &r, &covered);
		if (r.ev.kind == TCB_EV_STATE)
			*(covered ? &from->covered_states : &from->shown_states) += 1;
	}
}

/* Sends from's pending output to `to` as the live runtime does (events, then each
 * segment recorded by the sender, the tracker and the receiver), then to's replies. */
static void deliver(struct sim *m, struct side *from, struct side *to)
{
	struct tcb_out *o = from->o;

	events(from);
	for (unsigned i = 0; i < o->nseg; i++) {
		const struct seg *s = &o->seg[i];
		struct live_rec_seg in = { s, true, ++m->frame, m->now, TCB_CLOSED, TCB_CLOSED, false, 0 };

		assert_int_equal(live_rec_segment(&from->x, from->t, &in, &from->rec[from->n++], NULL), 0);
		assert_int_equal(explain_track_segment(m->trk, m->frame, m->now, s, NULL), 0);
		in.out = false;
		in.before = tcb_state(to->t);
		tcb_input(to->t, s, m->now, to->o);
		in.after = tcb_state(to->t);
		assert_int_equal(live_rec_segment(&to->x, to->t, &in, &to->rec[to->n++], NULL), 0);
	}
	tcb_out_reset(o);
	m->now += MS;
	if (to->o->nseg || to->o->nev)
		deliver(m, to, from);
}

static void side_init(struct side *sd, struct tcb *t, struct tcb_out *o, enum explain_who w)
{
	sd->t = t;
	sd->o = o;
	live_rec_init(&sd->x, 1, w, TCB_CLOSED);
}

static void session(struct sim *m, struct net *n)
{
	uint8_t buf[64];

	memset(m, 0, sizeof(*m));
	m->trk = explain_track_new(NULL, off_sink, m, NULL);
	side_init(&m->c, n->c, n->oc, EXPLAIN_CLIENT);
	side_init(&m->s, n->s, n->os, EXPLAIN_SERVER);
	assert_int_equal(tcb_open_passive(n->s, 0, n->os, NULL), 0);
	tcb_out_reset(n->os);
	assert_int_equal(tcb_open_active(n->c, 0, n->oc, NULL), 0);
	deliver(m, &m->c, &m->s);				/* handshake */
	assert_true(tcb_send(n->c, (const uint8_t *)"Just a test.\r\n", 14, m->now, n->oc, NULL) == 14);
	deliver(m, &m->c, &m->s);
	assert_int_equal(tcb_receive(n->s, buf, sizeof(buf), m->now, n->os), 14);
	assert_true(tcb_send(n->s, (const uint8_t *)"Server: hi\r\n", 12, m->now, n->os, NULL) == 12);
	deliver(m, &m->s, &m->c);
	assert_int_equal(tcb_close(n->c, m->now, n->oc, NULL), 0);
	deliver(m, &m->c, &m->s);				/* FIN, ACK */
	assert_int_equal(tcb_close(n->s, m->now, n->os, NULL), 0);
	deliver(m, &m->s, &m->c);				/* FIN, ACK */
}

static void agree(const struct sim *m, const struct side *sd)
{
	enum explain_who me = sd->x.local, peer = me == EXPLAIN_CLIENT ? EXPLAIN_SERVER
								    : EXPLAIN_CLIENT;

	assert_int_equal(sd->n, m->noff);
	for (size_t i = 0; i < sd->n; i++) {
		const struct explain_rec *a = &sd->rec[i], *b = &m->off[i];

		assert_int_equal(a->frame, b->frame);
		assert_int_equal(a->dir, b->dir);
		assert_int_equal(a->seq, b->seq);
		assert_int_equal(a->ack, b->ack);
		assert_int_equal(a->seq_raw, b->seq_raw);
		assert_int_equal(a->ack_raw, b->ack_raw);
		assert_int_equal(a->len, b->len);
		assert_int_equal(a->win, b->win);
		assert_int_equal(a->why.rule, b->why.rule);
		assert_int_equal(a->why.bytes_acked, b->why.bytes_acked);
		assert_int_equal(a->analysis, b->analysis);
		assert_true(a->ep[me].known);
		assert_false(a->ep[peer].known);
		/* The tracker moves an end only when its own segments show what it received:
		 * on the segments it sends, it must be where its TCB is. */
		if (a->who == me)
			assert_int_equal(a->ep[me].after, b->ep[me].after);
	}
}

#define MAXST 32

static size_t push_state(enum tcb_state *v, size_t n, enum tcb_state st)
{
	if (n == 0 || v[n - 1] != st) {
		assert_true(n < MAXST);
		v[n++] = st;
	}
	return n;
}

/* Every state the tracker's records (and its summary) pass through for `me`, in order,
 * equals every state the live TCB passed through. */
static void same_path(const struct sim *m, const struct side *sd)
{
	enum explain_who me = sd->x.local;
	enum tcb_state off[MAXST], live[MAXST];
	size_t noff = 0, nlive = 0;

	for (size_t i = 0; i < m->noff; i++) {
		const struct explain_ep *ep = &m->off[i].ep[me];
		if (!ep->known)
			continue;
		noff = push_state(off, noff, ep->before);
		for (uint8_t k = 0; k < ep->nvia; k++)
			noff = push_state(off, noff, ep->via[k]);
		noff = push_state(off, noff, ep->after);
	}
	noff = push_state(off, noff, m->sum.sum.final[me]);
	for (size_t i = 0; i < sd->n; i++) {
		nlive = push_state(live, nlive, sd->rec[i].ep[me].before);
		nlive = push_state(live, nlive, sd->rec[i].ep[me].after);
	}
	assert_int_equal(noff, nlive);
	for (size_t i = 0; i < noff; i++)
		assert_int_equal(off[i], live[i]);
}

static void live_records_agree_with_tracker(void **state)
{
	struct net *n = tn_default();
	static struct sim m;

	(void)state;
	session(&m, n);
	assert_true(m.noff >= 10);
	agree(&m, &m.c);
	agree(&m, &m.s);
	assert_int_equal(explain_track_finish(m.trk, NULL), 0);
	assert_int_equal(m.sum.kind, EXPLAIN_REC_SUMMARY);
	same_path(&m, &m.c);
	same_path(&m, &m.s);
	assert_int_equal(m.c.rec[0].seq, 0);
	assert_int_equal(m.c.rec[0].seq_raw, C_ISS);
	assert_int_equal(m.c.rec[0].why.rule, EXPLAIN_WHY_SYN);
	explain_track_free(m.trk);
	live_rec_free(&m.c.x);
	live_rec_free(&m.s.x);
	tn_free(n);
}

static void state_events_covered_by_segments_and_summary(void **state)
{
	struct net *n = tn_default();
	static struct sim m;
	struct explain_rec r;

	(void)state;
	session(&m, n);
	/* every state change of the session was carried by a segment record */
	assert_true(m.c.covered_states >= 4);
	assert_int_equal(m.c.shown_states, 0);
	assert_int_equal(m.c.x.cur, TCB_TIME_WAIT);
	/* 2 x MSL later the timer closes it: no segment shows that change */
	tcb_tick(n->c, m.now + 3600 * S, n->oc);
	events(&m.c);
	assert_int_equal(m.c.shown_states, 1);
	assert_int_equal(m.c.x.cur, TCB_CLOSED);
	live_rec_summary(&m.c.x, &tn_ca, m.now, &r);
	assert_int_equal(r.kind, EXPLAIN_REC_SUMMARY);
	assert_true(r.sum.has_handshake);
	assert_int_equal(r.sum.closer, EXPLAIN_CLIENT);
	assert_int_equal(r.sum.close_segments, 4);
	assert_int_equal(r.sum.time_wait, EXPLAIN_CLIENT);
	assert_int_equal(r.sum.final[EXPLAIN_CLIENT], TCB_CLOSED);
	assert_int_equal(r.sum.nsegs[EXPLAIN_C2S] + r.sum.nsegs[EXPLAIN_S2C], m.noff);
	assert_int_equal(r.sum.bytes[EXPLAIN_C2S], 14);
	assert_int_equal(r.seg.sport, tn_ca.lport);
	explain_track_free(m.trk);
	live_rec_free(&m.c.x);
	live_rec_free(&m.s.x);
	tn_free(n);
}

/* The SYN's retransmissions with nobody answering: each RETRANSMIT record's backoff as
 * the TCB's schedule decides it, checked against the wait the TCB then really uses (the
 * next RETRANSMIT's after_us), and the sentence that follows from it. */
static void syn_backoff_follows_the_schedule(enum tcb_syn_schedule sch, uint64_t rto_max,
					     const enum explain_backoff *want, int nwant)
{
	struct tcb_params p;
	struct tcb_out *o = calloc(1, sizeof(*o));
	struct tcb *t;
	struct live_rec_conn x;
	uint64_t now = 0, prev_rto = 0;
	int k = 0;

	tn_params(&p, C_ISS);
	p.syn_schedule = sch;
	p.rto_max_us = rto_max;
	p.syn_retries = nwant;
	t = tcb_new(&p, &tn_ca, NULL);
	assert_non_null(t);
	live_rec_init(&x, 1, EXPLAIN_CLIENT, TCB_CLOSED);
	assert_int_equal(tcb_open_active(t, now, o, NULL), 0);
	while (k < nwant) {
		now = tcb_deadline(t);
		tcb_out_reset(o);
		tcb_tick(t, now, o);
		for (unsigned i = 0; i < o->nev; i++) {
			struct explain_rec r;
			char prose[EXPLAIN_PROSE_MAX];
			bool cov;

			live_rec_event(&x, t, &o->ev[i], false, 0, now, &r, &cov);
			if (r.ev.kind != TCB_EV_RETRANSMIT)
				continue;
			assert_int_equal(r.backoff, want[k]);
			if (k > 0)	/* the wait the TCB used is the one announced before */
				assert_int_equal(r.ev.after_us, prev_rto);
			prev_rto = r.ev.rto_us;
			explain_prose(&r, EXPLAIN_LANG_EN, prose, sizeof(prose));
			assert_true((strstr(prose, "doubles") != NULL) ==
				    (want[k] == EXPLAIN_BACKOFF_DOUBLES ||
				     want[k] == EXPLAIN_BACKOFF_MAX));
			assert_true((strstr(prose, "again: the SYN schedule in force is linear") !=
				     NULL) == (want[k] == EXPLAIN_BACKOFF_LINEAR));
			if (want[k] == EXPLAIN_BACKOFF_LINEAR)
				assert_int_equal(r.ev.rto_us, r.ev.after_us);
			if (want[k] == EXPLAIN_BACKOFF_DOUBLES)
				assert_int_equal(r.ev.rto_us, 2 * r.ev.after_us);
			k++;
		}
	}
	live_rec_free(&x);
	tcb_free(t);
	free(o);
}

static void syn_backoff_linear_doubling_and_max(void **state)
{
	static const enum explain_backoff lin[] = {
		EXPLAIN_BACKOFF_LINEAR, EXPLAIN_BACKOFF_LINEAR, EXPLAIN_BACKOFF_LINEAR,
		EXPLAIN_BACKOFF_LINEAR, EXPLAIN_BACKOFF_DOUBLES, EXPLAIN_BACKOFF_DOUBLES,
	};
	static const enum explain_backoff dbl[] = {
		EXPLAIN_BACKOFF_DOUBLES, EXPLAIN_BACKOFF_DOUBLES, EXPLAIN_BACKOFF_DOUBLES,
		EXPLAIN_BACKOFF_MAX, EXPLAIN_BACKOFF_MAX,
	};

	(void)state;
	syn_backoff_follows_the_schedule(TCB_SYN_LINEAR, 120 * S, lin, 6);
	/* doubling from 1 s with rto_max 10 s: waits 2, 4, 8, then 10, 10 */
	syn_backoff_follows_the_schedule(TCB_SYN_DOUBLING, 10 * S, dbl, 5);
}

/* Interrupted in TIME-WAIT (the client then calls ABORT): the record says how long the
 * wait lasted, the prose that it was cut short and that nothing is sent, the summary
 * that TIME-WAIT did not last 2MSL. */
/* One resend event of seq at t_us: its record (prose in `prose`). */
static struct explain_rec resend_at(struct live_rec_conn *x, const struct tcb *t, uint32_t seq,
				    uint64_t t_us, char *prose, size_t cap)
{
	struct tcb_event v = { .kind = TCB_EV_RETRANSMIT, .why = TCB_WHY_RTO, .count = 1,
			       .after_us = 200 * MS };
	struct explain_rec r;
	bool cov;

	v.n[0] = seq;
	v.n[1] = 1;
	live_rec_event(x, t, &v, false, 0, t_us, &r, &cov);
	r.held_out = 1;	/* another segment of this side still waits at the prompt */
	explain_prose(&r, EXPLAIN_LANG_EN, prose, cap);
	return r;
}

static void sent_at(struct live_rec_conn *x, const struct tcb *t, const struct seg *s,
		    uint64_t held_us, uint64_t t_us)
{
	struct live_rec_seg in = { s, true, 1, t_us, TCB_CLOSED, TCB_CLOSED, false, 0 };
	struct explain_rec r;

	live_rec_mark(x, NULL, held_us);
	assert_int_equal(live_rec_segment(x, t, &in, &r, NULL), 0);
}

/* --step-clock run: a resend whose previous copy was held at the prompt and has gone
 * since says how long it waited and when it reached the wire, instead of "has not
 * reached the wire yet" (#12); a copy still held, or dropped, is never named so. */
static void resend_after_a_held_copy(void **state)
{
	struct net *n = tn_default();
	struct live_rec_conn x;
	struct seg syn = { .seq = 1000, .flags = SEG_SYN, .win = 65535 };
	char prose[EXPLAIN_PROSE_MAX];
	struct explain_rec r;

	(void)state;
	live_rec_init(&x, 1, EXPLAIN_CLIENT, TCB_SYN_SENT);
	sent_at(&x, n->c, &syn, 500 * MS, 600 * MS);	/* held 500 ms, then on the wire */
	r = resend_at(&x, n->c, 1000, 700 * MS, prose, sizeof(prose));
	assert_int_equal(r.prev_held_us, 500 * MS);
	assert_int_equal(r.prev_wire_us, 100 * MS);
	assert_non_null(strstr(prose, "The copy before it waited 500.000 ms at the step prompt"));
	assert_non_null(strstr(prose, "reached the wire only 100.000 ms before this resend"));
	assert_null(strstr(prose, "has not reached the wire yet"));
	explain_prose(&r, EXPLAIN_LANG_ZH, prose, sizeof(prose));
	assert_non_null(strstr(prose, "前一份副本在单步提示处等了 500"));
	/* the copy that resend made has not gone yet: the next one cannot name the old one */
	r = resend_at(&x, n->c, 1000, 800 * MS, prose, sizeof(prose));
	assert_int_equal(r.prev_held_us, 0);
	assert_non_null(strstr(prose, "has not reached the wire yet"));
	/* it goes without a hold: nothing to say of the prompt */
	sent_at(&x, n->c, &syn, 0, 810 * MS);
	r = resend_at(&x, n->c, 1000, 900 * MS, prose, sizeof(prose));
	assert_int_equal(r.prev_held_us, 0);
	/* a held copy that was dropped never reached the wire: not named either */
	sent_at(&x, n->c, &syn, 300 * MS, 1200 * MS);
	{
		struct live_rec_seg in = { &syn, true, 0, 1300 * MS, TCB_CLOSED, TCB_CLOSED,
					   false, 0 };
		struct explain_impair imp = { EXPLAIN_IMP_DROP, 0, "step prompt", 0 };

		live_rec_impair(&x, n->c, &in, &imp, &r);
	}
	r = resend_at(&x, n->c, 1000, 1400 * MS, prose, sizeof(prose));
	assert_int_equal(r.prev_held_us, 0);
	live_rec_free(&x);
	tn_free(n);
}

static void time_wait_cut_short(void **state)
{
	struct net *n = tn_default();
	static struct sim m;
	struct explain_rec r;
	char prose[EXPLAIN_PROSE_MAX];
	bool shown = false;

	(void)state;
	session(&m, n);
	assert_int_equal(m.c.x.cur, TCB_TIME_WAIT);
	tcb_out_reset(n->oc);
	tcb_abort(n->c, m.now + 1500 * MS, n->oc);
	assert_int_equal(n->oc->nseg, 0);	/* RFC 9293 §3.10.5: nothing sent */
	for (unsigned i = 0; i < n->oc->nev; i++) {
		bool cov;

		live_rec_event(&m.c.x, n->c, &n->oc->ev[i], live_rec_covers(&m.c.x, n->oc), 0,
			       m.now + 1500 * MS, &r, &cov);
		if (r.ev.kind != TCB_EV_STATE)
			continue;
		shown = !cov;
		assert_true(r.in_state_us >= 1500 * MS);
		explain_prose(&r, EXPLAIN_LANG_EN, prose, sizeof(prose));
		assert_non_null(strstr(prose, "TIME-WAIT → CLOSED"));
		assert_non_null(strstr(prose, "the wait is cut short"));
		assert_non_null(strstr(prose, "sends nothing"));
		assert_null(strstr(prose, "RST with seq"));
	}
	assert_true(shown);
	live_rec_summary(&m.c.x, &tn_ca, m.now, &r);
	assert_true(r.sum.time_wait_cut);
	explain_prose(&r, EXPLAIN_LANG_EN, prose, sizeof(prose));
	assert_non_null(strstr(prose, "left it before 2MSL had passed"));
	assert_null(strstr(prose, "it waits 2MSL before"));
	explain_track_free(m.trk);
	live_rec_free(&m.c.x);
	live_rec_free(&m.s.x);
	tn_free(n);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_records_agree_with_tracker),
		cmocka_unit_test(state_events_covered_by_segments_and_summary),
		cmocka_unit_test(syn_backoff_linear_doubling_and_max),
		cmocka_unit_test(time_wait_cut_short),
		cmocka_unit_test(resend_after_a_held_copy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
