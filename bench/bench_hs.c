/* bench_hs.c - bench tool: N sequential synlab handshakes (tcb + wire + evloop) in one process, latency per handshake. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"
#include "evloop.h"
#include "tcb.h"
#include "wire.h"

/*
 * A client made of the library's parts, without the live runtime's log: it opens one
 * wire, then for each handshake creates a TCB on a fresh source port, sends the SYN,
 * feeds the SYN+ACK to tcb_input, sends the ACK and stops the clock. The connection is
 * then aborted (a marked RST) so that neither side keeps state. Process start-up, the
 * capture set-up and the RST are outside the measured interval.
 * Prints {"tool":"bench_hs","samples_us":[...],"failed":F} on stdout.
 * --syn-only sends one SYN and never answers: the peer's SYN+ACK retransmissions are
 * what the timer benchmark captures.
 */

struct hs_opts {
	uint32_t local, raddr;
	uint16_t rport, sport_base;
	uint64_t count, gap_us, timeout_us;
	uint64_t busy_us;	/* --busy-poll-us: evloop_busy_poll's window, 0 off */
	int syn_only;
};

static int send_out(struct wire *w, struct tcb_out *o, struct err *e)
{
	static uint8_t buf[SEG_IP_MAX];
	size_t len;

	for (unsigned i = 0; i < o->nseg; i++)
		if (wire_send(w, &o->seg[i], buf, sizeof(buf), &len, e) < 0)
			return -1;
	tcb_out_reset(o);
	return 0;
}

/* Feeds segments for t's port until it is ESTABLISHED or the deadline passes. */
static int wait_established(struct wire *w, struct evloop *ev, struct tcb *t, uint64_t until,
			    struct tcb_out *o, struct err *e)
{
	struct wire_pkt p;
	struct evloop_result r;

	while (tcb_state(t) == TCB_SYN_SENT) {
		int n = wire_recv(w, &p, e);

		if (n < 0)
			return -1;
		if (n == 0) {
			if (evloop_now_us() >= until)
				return 1;
			if (evloop_wait(ev, until, &r, e) < 0)
				return -1;
			continue;
		}
		if (p.kind != WIRE_PKT_OK || p.seg.dport != tcb_addr(t).lport ||
		    p.seg.sport != tcb_addr(t).rport)
			continue;
		tcb_input(t, &p.seg, evloop_now_us(), o);
	}
	return tcb_state(t) == TCB_ESTABLISHED ? 0 : 1;
}

/* One handshake; *us gets its duration. Returns 0, 1 (failed: timeout/refused), -1. */
static int one(struct wire *w, struct evloop *ev, const struct hs_opts *ho,
	       const struct tcb_params *pp, uint16_t sport, uint64_t *us, struct err *e)
{
	struct tcb_addr a = { .laddr = ho->local, .raddr = ho->raddr, .lport = sport, .rport = ho->rport };
	static struct tcb_out o;
	struct tcb *t;
	uint64_t t0;
	int rc;

	tcb_out_reset(&o);
	if (!(t = tcb_new(pp, &a, e)))
		return -1;
	t0 = evloop_now_us();
	rc = tcb_open_active(t, t0, &o, e) < 0 || send_out(w, &o, e) < 0 ? -1 : 0;
	if (rc == 0 && !ho->syn_only)
		rc = wait_established(w, ev, t, t0 + ho->timeout_us, &o, e);
	if (rc == 0 && !ho->syn_only && send_out(w, &o, e) < 0)
		rc = -1;
	*us = evloop_now_us() - t0;
	if (rc >= 0 && !ho->syn_only) {
		tcb_abort(t, evloop_now_us(), &o);
		if (send_out(w, &o, e) < 0)
			rc = -1;
	}
	tcb_free(t);
	return rc;
}

static int parse(int argc, char **argv, struct hs_opts *ho, struct err *e)
{
	uint64_t v;

	memset(ho, 0, sizeof(*ho));
	ho->count = 100;
	ho->sport_base = 20000;
	ho->timeout_us = 1000000;
	for (int i = 1; i < argc; i++) {
		const char *k = argv[i], *a = i + 1 < argc ? argv[i + 1] : NULL;

		if (!strcmp(k, "--syn-only")) {
			ho->syn_only = 1;
			continue;
		}
		if (!a)
			return err_set(e, "%s needs a value", k);
		i++;
		if (!strcmp(k, "--local") && cli_parse_addr(a, &ho->local, e) == 0)
			continue;
		if (!strcmp(k, "--connect") && cli_parse_addrport(a, &ho->raddr, &ho->rport, e) == 0)
			continue;
		if (!strcmp(k, "--count") && cli_parse_u64(a, 1, 1000000, &ho->count, e) == 0)
			continue;
		if (!strcmp(k, "--gap-us") && cli_parse_u64(a, 0, 10000000, &ho->gap_us, e) == 0)
			continue;
		if (!strcmp(k, "--busy-poll-us") && cli_parse_u64(a, 0, 1000000, &ho->busy_us, e) == 0)
			continue;
		if (!strcmp(k, "--timeout-us") && cli_parse_u64(a, 1000, 60000000, &ho->timeout_us, e) == 0)
			continue;
		if (!strcmp(k, "--sport-base") && cli_parse_u64(a, 1024, 65000, &v, e) == 0) {
			ho->sport_base = (uint16_t)v;
			continue;
		}
		return err_wrap(e, "%s", k);
	}
	if (!ho->local || !ho->rport)
		return err_set(e, "--local ADDR and --connect ADDR:PORT are required");
	return 0;
}

/* Pacing sleeps (no spinning: two shared cores); the clock starts after the wake-up. */
static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000), (long)(t % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static int run(struct wire *w, struct evloop *ev, const struct hs_opts *ho, struct err *e)
{
	struct tcb_params pp;
	uint64_t us, failed = 0, next = evloop_now_us();

	tcb_params_default(&pp);
	printf("{\"tool\":\"bench_hs\",\"samples_us\":[");
	for (uint64_t i = 0, n = 0; i < ho->count; i++) {
		uint16_t sport = (uint16_t)(ho->sport_base + i % (65000 - ho->sport_base));
		int rc;

		sleep_until(next);
		next = evloop_now_us() + ho->gap_us;
		if ((rc = one(w, ev, ho, &pp, sport, &us, e)) < 0)
			return -1;
		if (rc > 0 || ho->syn_only) {
			failed += rc > 0;
			continue;
		}
		printf("%s%.3f", n++ ? "," : "", (double)us);
	}
	printf("],\"failed\":%llu}\n", (unsigned long long)failed);
	return 0;
}

int main(int argc, char **argv)
{
	struct hs_opts ho;
	struct err e = { "" };
	struct wire w;
	struct evloop ev;
	struct wire_cfg wc = { .mark = WIRE_MARK };

	if (parse(argc, argv, &ho, &e) < 0) {
		fprintf(stderr, "bench_hs: %s\nusage: bench_hs --local A --connect A:P [--count N] "
				"[--gap-us G] [--sport-base P] [--timeout-us T] [--busy-poll-us B] "
				"[--syn-only]\n", e.msg);
		return 2;
	}
	wc.local = ho.local;
	if (wire_open(&w, &wc, &e) < 0 || evloop_init(&ev, false, &e) < 0 ||
	    evloop_add(&ev, w.fd, &e) < 0) {
		fprintf(stderr, "bench_hs: %s\n", e.msg);
		return 1;
	}
	evloop_busy_poll(&ev, ho.busy_us);
	int rc = run(&w, &ev, &ho, &e);
	if (rc < 0)
		fprintf(stderr, "bench_hs: %s\n", e.msg);
	evloop_close(&ev);
	wire_close(&w);
	return rc < 0 ? 1 : 0;
}
