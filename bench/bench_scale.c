/* bench_scale.c - bench tool: memory per connection and time per segment as the server's connection table grows. */
#include <malloc.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "app.h"
#include "conntab.h"
#include "evloop.h"
#include "live.h"
#include "live_conn.h"	/* measures the runtime's own per-connection struct */
#include "tcb.h"
#include "tcb_impl.h"
#include "timerq.h"

/*
 * Builds the table the way synlab-server does (server.c accept_syn): per connection a
 * struct live_conn, the server's per-connection app state, a TCB from tcb_new +
 * tcb_open_passive, a conntab entry; then feeds SYN and ACK through tcb_input
 * (ESTABLISHED). Bytes per connection = mallinfo2() in-use delta / N. Then it times
 * 1,000,000 pure ACKs to random connections, each looked up in the conntab and given to
 * tcb_input, as server.c on_segment does (without the wire and the log), one at a time
 * (serial) and in prefetched bursts (run_batched). Then every connection is closed by
 * the server (FIN, ACK, peer FIN: TIME-WAIT, one timer-queue entry each, as live_arm
 * would queue), compacted (tcb_compact, as server.c settle does) and the figures are
 * taken again.
 * Prints {"tool":"bench_scale","sizeof_tw_record":..,"sizeof_tcb":..,...,"rows":[{"n":..,
 *   "est_bytes":..,"tw_bytes":..,"est_ns":..,"est_ns_lo":..,"est_ns_hi":.., the same for
 *   est_batch_ns, tw_ns, tw_batch_ns, "probes":..,"lines":..,...}, ...]}.
 */

/* Mirrors server.c's private struct sconn (the server's per-connection app state). */
struct scale_sconn {
	struct app app;
	bool replied, closing, counted_open;
};

struct scale {
	struct conntab tab;
	struct timerq tq;
	struct live_conn **c;
	struct tcb_addr *addr;	/* the bench's copy of each 4-tuple and its numbers */
	uint32_t *seq, *ack;
	size_t n;
	struct tcb_out out;
	uint64_t now;
};

static struct seg mkseg(const struct tcb_addr *a, uint32_t seq, uint32_t ack, uint8_t fl)
{
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = a->raddr, s.daddr = a->laddr, s.sport = a->rport, s.dport = a->lport;
	s.seq = seq, s.ack = ack, s.flags = fl, s.win = 65535, s.ttl = 64;
	return s;
}

static void input(struct scale *S, struct live_conn *c, const struct seg *s)
{
	struct live_conn *found = conntab_get(&S->tab, &c->addr);

	tcb_out_reset(&S->out);
	tcb_input(found->tcb, s, S->now++, &S->out);
}

static int add_one(struct scale *S, const struct tcb_params *p, size_t i, struct err *e)
{
	struct tcb_addr a = { .laddr = 0x0a640001u,
			      .raddr = 0x0a000000u + (uint32_t)(i / 50000) * 256 + 1, .lport = 80,
			      .rport = (uint16_t)(10000 + i % 50000) };
	struct live_conn *c = calloc(1, sizeof(*c));
	struct scale_sconn *sc = calloc(1, sizeof(*sc));
	struct seg s;

	if (!c || !sc)
		return err_set(e, "out of memory");
	app_init(&sc->app, APP_ECHO);
	c->addr = a, c->user = sc, c->armed = TCB_NEVER, c->app_deadline = TCB_NEVER;
	tcb_out_reset(&S->out);
	if (!(c->tcb = tcb_new(p, &a, e)) || tcb_open_passive(c->tcb, S->now, &S->out, e) < 0 ||
	    conntab_put(&S->tab, &a, c, e) < 0)
		return -1;
	S->c[i] = c;
	s = mkseg(&a, 1000, 0, SEG_SYN);
	input(S, c, &s);
	s = mkseg(&a, 1001, tcb_iss(c->tcb) + 1, SEG_ACK);
	input(S, c, &s);
	return tcb_state(c->tcb) == TCB_ESTABLISHED ? 0 : err_set(e, "not ESTABLISHED");
}

/* Server closes first: FIN out, peer ACKs it, peer FIN: TIME-WAIT (RFC 9293 §3.10.7.4). */
static int to_time_wait(struct scale *S, struct live_conn *c, struct err *e)
{
	uint32_t fin;
	struct seg s;

	tcb_out_reset(&S->out);
	if (tcb_close(c->tcb, S->now, &S->out, e) < 0)
		return -1;
	fin = tcb_iss(c->tcb) + 1;
	s = mkseg(&c->addr, 1001, fin + 1, SEG_ACK);
	input(S, c, &s);
	s = mkseg(&c->addr, 1001, fin + 1, SEG_ACK | SEG_FIN);
	input(S, c, &s);
	if (tcb_state(c->tcb) != TCB_TIME_WAIT)
		return err_set(e, "not TIME-WAIT");
	c->tcb = tcb_compact(c->tcb);	/* as server.c settle does: the 128-byte record */
	if (tcb_tw_size() > 128 || tcb_state(c->tcb) != TCB_TIME_WAIT)
		return err_set(e, "no compact TIME-WAIT record");
	return timerq_push(&S->tq, tcb_deadline(c->tcb), c, c->gen, e);
}

#define SCALE_BATCH 32	/* segments per timed batch: what one receive burst may bring */

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Fills b[] with pure ACKs (in window, nothing new) to random connections, from the
 * bench's own arrays (S->addr, S->seq, S->ack), never from the connection's memory: the
 * timed part must find the 4-tuple, the live_conn and the TCB cold, as a segment just
 * read from the wire would. */
static void make_batch(struct scale *S, uint64_t *x, struct seg *b)
{
	for (size_t k = 0; k < SCALE_BATCH; k++) {
		size_t i;

		*x ^= *x << 13, *x ^= *x >> 7, *x ^= *x << 17;	/* xorshift64 */
		i = *x % S->n;
		b[k] = mkseg(&S->addr[i], S->seq[i], S->ack[i], SEG_ACK);
	}
}

static void seg_key(const struct seg *s, struct tcb_addr *a)
{
	*a = tcb_addr_of_seg(s, true);	/* every key byte set: family, both address forms */
}

/* One segment at a time, as server.c on_segment does: lookup, then tcb_input. */
static void run_serial(struct scale *S, const struct seg *b)
{
	for (size_t k = 0; k < SCALE_BATCH; k++) {
		struct tcb_addr a;
		struct live_conn *c;

		seg_key(&b[k], &a);
		c = conntab_get(&S->tab, &a);
		tcb_out_reset(&S->out);
		tcb_input(c->tcb, &b[k], S->now++, &S->out);
	}
}

/* The same work for a burst, in three passes so the cache misses overlap instead of
 * following each other: prefetch every home slot, then look every key up and prefetch
 * its live_conn, then prefetch every TCB, then run tcb_input on each. */
static void run_batched(struct scale *S, const struct seg *b)
{
	struct tcb_addr a[SCALE_BATCH];
	struct live_conn *c[SCALE_BATCH];

	for (size_t k = 0; k < SCALE_BATCH; k++) {
		seg_key(&b[k], &a[k]);
		conntab_prefetch(&S->tab, &a[k]);
	}
	for (size_t k = 0; k < SCALE_BATCH; k++) {
		c[k] = conntab_get(&S->tab, &a[k]);
		__builtin_prefetch(c[k]);
	}
	for (size_t k = 0; k < SCALE_BATCH; k++)
		tcb_prefetch(c[k]->tcb);
	for (size_t k = 0; k < SCALE_BATCH; k++) {
		tcb_out_reset(&S->out);
		tcb_input(c[k]->tcb, &b[k], S->now++, &S->out);
	}
}

/* Mean ns per segment over nseg segments; only the processing of each batch is timed. */
static double per_segment(struct scale *S, size_t nseg, bool batched)
{
	uint64_t x = 88172645463325252ull, ns = 0;
	struct seg b[SCALE_BATCH];
	size_t done = 0;

	for (; done < nseg; done += SCALE_BATCH) {
		uint64_t t0;

		make_batch(S, &x, b);
		t0 = now_ns();
		if (batched)
			run_batched(S, b);
		else
			run_serial(S, b);
		ns += now_ns() - t0;
	}
	return (double)ns / (double)done;
}

/* Records what the "wire" will send each connection: its 4-tuple and in-window numbers. */
static void note_numbers(struct scale *S)
{
	for (size_t i = 0; i < S->n; i++) {
		struct tcb_vars v;

		tcb_get_vars(S->c[i]->tcb, &v);
		S->addr[i] = S->c[i]->addr, S->seq[i] = v.rcv_nxt, S->ack[i] = v.snd_nxt;
	}
}

static size_t in_use(void)
{
	return mallinfo2().uordblks;
}

#define SCALE_ROUNDS 5	/* interleaved rounds per figure; the row is their median */

/* One figure: median, lowest and highest of its rounds, ns per segment. */
struct scale_fig {
	double med, lo, hi;
};

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static struct scale_fig fig_of(double *v)
{
	qsort(v, SCALE_ROUNDS, sizeof(*v), cmp_double);
	return (struct scale_fig){ v[SCALE_ROUNDS / 2], v[0], v[SCALE_ROUNDS - 1] };
}

/* Serial and batched ns per segment in the connections' current state: nseg segments
 * each, in SCALE_ROUNDS rounds taken in turn (serial, batched, serial ...), so that a
 * burst of load from other processes on the machine hits one round, not one figure. */
static void timings(struct scale *S, size_t nseg, struct scale_fig *serial,
		    struct scale_fig *batched)
{
	double s[SCALE_ROUNDS], b[SCALE_ROUNDS];

	note_numbers(S);
	for (int r = 0; r < SCALE_ROUNDS; r++) {
		s[r] = per_segment(S, nseg / SCALE_ROUNDS, false);
		b[r] = per_segment(S, nseg / SCALE_ROUNDS, true);
	}
	*serial = fig_of(s);
	*batched = fig_of(b);
}

static void print_fig(const char *name, const struct scale_fig *f)
{
	printf(",\"%s\":%.1f,\"%s_lo\":%.1f,\"%s_hi\":%.1f", name, f->med, name, f->lo, name,
	       f->hi);
}

static void free_all(struct scale *S)
{
	for (size_t i = 0; i < S->n; i++) {
		tcb_free(S->c[i]->tcb);
		free(S->c[i]->user);
		free(S->c[i]);
	}
	conntab_free(&S->tab);
	timerq_free(&S->tq);
	free(S->c);
	free(S->addr);
	free(S->seq);
	free(S->ack);
}

static int row(size_t n, size_t nseg, const struct tcb_params *p, bool first, struct err *e)
{
	struct scale S = { 0 };
	size_t m0;
	double est_b, tw_b;
	struct scale_fig est, est_batch, tw, tw_batch;
	struct conntab_stats st;

	S.n = n;
	S.now = 1000000;
	S.c = calloc(n, sizeof(*S.c));
	S.addr = calloc(n, sizeof(*S.addr));
	S.seq = calloc(n, sizeof(*S.seq));
	S.ack = calloc(n, sizeof(*S.ack));
	if (!S.c || !S.addr || !S.seq || !S.ack || conntab_init(&S.tab, 0, 42, e) < 0)
		return err_set(e, "out of memory");
	timerq_init(&S.tq);
	m0 = in_use();
	for (size_t i = 0; i < n; i++)
		if (add_one(&S, p, i, e) < 0)
			return -1;
	est_b = (double)(in_use() - m0) / (double)n;
	timings(&S, nseg, &est, &est_batch);
	for (size_t i = 0; i < n; i++)
		if (to_time_wait(&S, S.c[i], e) < 0)
			return -1;
	tw_b = (double)(in_use() - m0) / (double)n;
	timings(&S, nseg, &tw, &tw_batch);
	conntab_stats(&S.tab, &st);
	printf("%s{\"n\":%zu,\"est_bytes\":%.1f,\"tw_bytes\":%.1f", first ? "" : ",", n, est_b,
	       tw_b);
	print_fig("est_ns", &est);
	print_fig("est_batch_ns", &est_batch);
	print_fig("tw_ns", &tw);
	print_fig("tw_batch_ns", &tw_batch);
	printf(",\"probes\":%.2f,\"lines\":%.2f,\"max_probes\":%zu,\"load\":%.2f}", st.probes,
	       st.lines, st.max_probes, st.load);
	fflush(stdout);
	free_all(&S);
	return 0;
}

int main(int argc, char **argv)
{
	struct tcb_params p;
	struct err e = { "" };
	size_t sizes[] = { 1000, 10000, 100000, 1000000 }, nseg = 1000000, nsizes = 4;

	if (argc == 2 && !strcmp(argv[1], "--quick")) {
		nseg = 100000, nsizes = 2;
	} else if (argc == 3 && !strcmp(argv[1], "--n") && atol(argv[2]) > 0) {
		sizes[0] = (size_t)atol(argv[2]), nsizes = 1;	/* one size, for profiling */
	} else if (argc > 1) {
		fprintf(stderr, "usage: bench_scale [--quick | --n CONNECTIONS]\n");
		return 2;
	}
	tcb_params_default(&p);
	p.isn_fixed = true, p.isn = 5000;
	printf("{\"tool\":\"bench_scale\",\"sizeof_tw_record\":%zu,\"sizeof_tcb\":%zu,"
	       "\"sizeof_live_conn\":%zu,\"sizeof_sconn\":%zu,\"sizeof_conntab_slot\":%zu,"
	       "\"batch\":%d,\"rows\":[", tcb_tw_size(), sizeof(struct tcb),
	       sizeof(struct live_conn), sizeof(struct scale_sconn), sizeof(struct conntab_slot),
	       SCALE_BATCH);
	for (size_t i = 0; i < nsizes; i++)
		if (row(sizes[i], nseg, &p, i == 0, &e) < 0) {
			fprintf(stderr, "bench_scale: %s\n", e.msg);
			return 1;
		}
	printf("]}\n");
	return 0;
}
