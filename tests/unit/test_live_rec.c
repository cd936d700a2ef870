/* test_live_rec.c - live records of both ends of a session agree with synlab-explain's tracker fed the same segments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

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
		live_rec_event(&from->x, &from->o->ev[i], cov, 0, 0, &r, &covered);
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
		struct live_rec_seg in = { s, true, ++m->frame, m->now, TCB_CLOSED, TCB_CLOSED };

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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(live_records_agree_with_tracker),
		cmocka_unit_test(state_events_covered_by_segments_and_summary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
