/* test_explain_track.c - connection tracking: states, relative numbers, reused ports, time stepping back, bounded memory. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "explain_track.h"
#include "pcapr.h"

#define MAXR 64

struct got {
	struct explain_rec r[MAXR];
	int n, nsum;
};

static int collect(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct got *g = ctx;

	(void)e;
	g->nsum += r->kind == EXPLAIN_REC_SUMMARY;
	if (g->n < MAXR)
		g->r[g->n++] = *r;
	return 0;
}

static void replay(const char *path, struct got *g)
{
	struct err e = {""};
	struct pcapr *r = pcapr_open(path, &e);
	struct explain_track *t = explain_track_new(NULL, collect, g, &e);
	struct pcapr_pkt p;
	uint64_t t0 = 0;

	assert_non_null(r);
	assert_non_null(t);
	while (pcapr_next(r, &p, &e) == 1) {
		struct seg s;
		t0 = p.frame == 1 ? p.ts_us : t0;
		assert_int_equal(seg_parse_cap(p.ip, p.iplen, &s, &e), 0);
		assert_int_equal(explain_track_segment(t, p.frame, p.ts_us - t0, &s, &e), 0);
	}
	assert_int_equal(explain_track_finish(t, &e), 0);
	assert_int_equal(explain_track_nopen(t), 0);
	explain_track_free(t);
	pcapr_close(r);
}

static void echo_close_states_and_numbers(void **state)
{
	struct got g = {0};

	(void)state;
	replay("tests/vectors/explain/eth_echo.pcap", &g);
	assert_int_equal(g.n, 11);	/* 10 segments + 1 summary */
	assert_int_equal(g.r[0].ep[EXPLAIN_CLIENT].after, TCB_SYN_SENT);
	assert_false(g.r[0].ep[EXPLAIN_SERVER].known);	/* it has said nothing yet */
	/* the server's SYN+ACK shows it received the SYN */
	assert_int_equal(g.r[1].ep[EXPLAIN_SERVER].before, TCB_LISTEN);
	assert_int_equal(g.r[1].ep[EXPLAIN_SERVER].after, TCB_SYN_RECEIVED);
	assert_int_equal(g.r[1].ep[EXPLAIN_CLIENT].after, TCB_SYN_SENT);
	assert_int_equal(g.r[1].ack, 1);
	assert_int_equal(g.r[2].why.rule, EXPLAIN_WHY_HANDSHAKE_ACK);
	assert_int_equal(g.r[2].ep[EXPLAIN_CLIENT].after, TCB_ESTABLISHED);
	assert_int_equal(g.r[2].ep[EXPLAIN_SERVER].after, TCB_SYN_RECEIVED);
	/* frame 5, the server's ACK 15, shows the handshake ACK arrived */
	assert_int_equal(g.r[4].ep[EXPLAIN_SERVER].after, TCB_ESTABLISHED);
	assert_int_equal(g.r[4].why.rule, EXPLAIN_WHY_ACK);
	assert_int_equal(g.r[5].seg.flags & SEG_FIN, SEG_FIN);
	assert_int_equal(g.r[5].seq, 15);	/* seed 003: 14 bytes, then the FIN */
	assert_int_equal(g.r[5].ep[EXPLAIN_CLIENT].after, TCB_FIN_WAIT_1);
	assert_int_equal(g.r[5].ep[EXPLAIN_SERVER].after, TCB_ESTABLISHED);
	assert_int_equal(g.r[6].ep[EXPLAIN_SERVER].after, TCB_CLOSE_WAIT);	/* ack 16 */
	assert_int_equal(g.r[9].ep[EXPLAIN_SERVER].after, TCB_LAST_ACK);	/* no word since */
	assert_int_equal(g.r[10].sum.final[EXPLAIN_SERVER], TCB_CLOSED);
	assert_int_equal(g.r[10].sum.nsegs[0] + g.r[10].sum.nsegs[1], 10);
	assert_int_equal(g.r[10].kind, EXPLAIN_REC_SUMMARY);
	assert_int_equal(g.r[10].sum.time_wait, EXPLAIN_CLIENT);
	assert_int_equal(g.r[10].sum.closer, EXPLAIN_CLIENT);
	assert_true(g.r[10].sum.has_handshake);
}

static struct seg syn(uint16_t sport, uint32_t isn)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = 0xc6120001;
	s.daddr = 0xc6120002;
	s.sport = sport;
	s.dport = 80;
	s.seq = isn;
	s.flags = SEG_SYN;
	s.win = 1000;
	return s;
}

static void reused_ports_start_a_new_connection(void **state)
{
	struct got g = {0};
	struct err e;
	struct explain_track *t = explain_track_new(NULL, collect, &g, &e);
	struct seg a = syn(40000, 1000), b = syn(40000, 1000), c = syn(40000, 99999);

	(void)state;
	assert_int_equal(explain_track_segment(t, 1, 0, &a, &e), 0);
	assert_int_equal(explain_track_segment(t, 2, 1000000, &b, &e), 0);	/* same ISN */
	assert_int_equal(explain_track_segment(t, 3, 2000000, &c, &e), 0);	/* new ISN */
	assert_int_equal(g.r[1].conn, 1);
	assert_true(g.r[1].analysis & EXPLAIN_AF_RETRANSMISSION);
	assert_int_equal(g.r[2].kind, EXPLAIN_REC_SUMMARY);	/* the old one ends */
	assert_int_equal(g.r[3].conn, 2);
	assert_true(g.r[3].analysis & EXPLAIN_AF_REUSED_PORTS);
	explain_track_free(t);
}

/* Captures from several CPUs may stamp a frame before the previous one (seen: 1 us on a
 * veth): that is no idle time, the connection goes on. */
static void time_stepping_back_keeps_the_connection(void **state)
{
	struct got g = {0};
	struct err e;
	struct explain_track *t = explain_track_new(NULL, collect, &g, &e);
	struct seg a = syn(40000, 1000), b = a;

	(void)state;
	b.seq = 1001;
	b.ack = 5001;
	b.flags = SEG_ACK;
	assert_int_equal(explain_track_segment(t, 1, 5000, &a, &e), 0);
	assert_int_equal(explain_track_segment(t, 2, 4999, &b, &e), 0);
	assert_int_equal(explain_track_nconns(t), 1);
	assert_int_equal(g.n, 2);
	assert_int_equal(g.r[1].kind, EXPLAIN_REC_SEGMENT);
	assert_int_equal(g.r[1].conn, 1);
	assert_int_equal(g.r[1].seq, 1);
	explain_track_free(t);
}

static void table_is_bounded(void **state)
{
	struct got g = {0};
	struct err e;
	struct explain_track_opts o;

	(void)state;
	explain_track_opts_default(&o);
	o.max_conns = 8;
	struct explain_track *t = explain_track_new(&o, collect, &g, &e);
	for (uint16_t i = 0; i < 100; i++) {
		struct seg s = syn((uint16_t)(20000 + i), 7u * i + 1);
		assert_int_equal(explain_track_segment(t, i + 1u, i, &s, &e), 0);
		assert_true(explain_track_nopen(t) <= 8);
	}
	assert_int_equal(explain_track_nconns(t), 100);
	assert_int_equal(g.nsum, 92);	/* every evicted connection was summarised */
	explain_track_free(t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_close_states_and_numbers),
		cmocka_unit_test(reused_ports_start_a_new_connection),
		cmocka_unit_test(time_stepping_back_keeps_the_connection),
		cmocka_unit_test(table_is_bounded),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
