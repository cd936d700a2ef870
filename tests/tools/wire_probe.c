/* wire_probe.c - test tool: sends a hand-made SYN with wire_send, waits for the SYN+ACK with wire_recv, answers RST. */
#include <arpa/inet.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evloop.h"
#include "pcapw.h"
#include "wire.h"

struct probe {
	struct wire_cfg cfg;
	uint32_t remote;
	uint16_t dport;
	uint32_t isn;
	uint64_t timeout_us;
	uint64_t listen_us;	/* --listen-ms: only receive and report, send nothing */
	const char *pcap_path;
	struct wire w;
	struct pcapw pw;
	struct evloop ev;
};

static void usage(FILE *f)
{
	fprintf(f, "usage: wire_probe --local A --remote B --dport P [--sport P] [--isn N]\n"
		   "                  [--mark M] [--device DEV] [--timeout-ms N] [-w FILE]\n"
		   "       wire_probe --local A --sport P --listen-ms N\n"
		   "Sends SYN from A:sport to B:dport, expects SYN+ACK with ack = isn+1 and good\n"
		   "checksums, answers RST seq = isn+1. Exit 0 on success, 1 on failure.\n"
		   "With --listen-ms it only prints every segment received for N ms, then stats.\n");
}

static int bad_usage(const char *what)
{
	fprintf(stderr, "wire_probe: %s\n", what);
	usage(stderr);
	return 2;
}

static int parse_addr(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

static int parse_num(const char *s, uint64_t max, uint64_t *v)
{
	char *end;

	*v = strtoull(s, &end, 0);
	return (*s && !*end && *v <= max) ? 0 : -1;
}

static int parse_opt(struct probe *p, int c, const char *arg)
{
	uint64_t v = 0;

	switch (c) {
	case 'l': return parse_addr(arg, &p->cfg.local);
	case 'r': return parse_addr(arg, &p->remote);
	case 'd': if (parse_num(arg, 65535, &v) < 0 || !v) return -1; p->dport = (uint16_t)v; return 0;
	case 's': if (parse_num(arg, 65535, &v) < 0 || !v) return -1; p->cfg.port = (uint16_t)v; return 0;
	case 'i': if (parse_num(arg, UINT32_MAX, &v) < 0) return -1; p->isn = (uint32_t)v; return 0;
	case 'm': if (parse_num(arg, UINT32_MAX, &v) < 0) return -1; p->cfg.mark = (uint32_t)v; return 0;
	case 't': if (parse_num(arg, 600000, &v) < 0) return -1; p->timeout_us = v * 1000; return 0;
	case 'L': if (parse_num(arg, 600000, &v) < 0 || !v) return -1; p->listen_us = v * 1000; return 0;
	case 'D': p->cfg.device = arg; return 0;
	case 'w': p->pcap_path = arg; return 0;
	default: return -1;
	}
}

static int parse_args(struct probe *p, int argc, char **argv)
{
	static const struct option opts[] = {
		{ "local", 1, NULL, 'l' }, { "remote", 1, NULL, 'r' }, { "dport", 1, NULL, 'd' },
		{ "sport", 1, NULL, 's' }, { "isn", 1, NULL, 'i' }, { "mark", 1, NULL, 'm' },
		{ "device", 1, NULL, 'D' }, { "timeout-ms", 1, NULL, 't' }, { "help", 0, NULL, 'h' },
		{ "listen-ms", 1, NULL, 'L' },
		{ NULL, 0, NULL, 0 } };
	int c;

	while ((c = getopt_long(argc, argv, "w:h", opts, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (parse_opt(p, c, optarg) < 0)
			return bad_usage("bad or unknown option");
	}
	if (optind != argc || !p->cfg.local)
		return bad_usage("--local is required");
	if (!p->listen_us && (!p->remote || !p->dport))
		return bad_usage("--remote and --dport are required unless --listen-ms");
	return 0;
}

static int emit(struct probe *p, const struct seg *s, struct err *e)
{
	uint8_t buf[SEG_IP_MAX];
	size_t n;
	char fl[12];

	if (wire_send(&p->w, s, buf, sizeof(buf), &n, e) < 0)
		return -1;
	printf("sent %s seq=%" PRIu32 " bytes=%zu\n", seg_flags_str(s->flags, fl), s->seq, n);
	if (p->pcap_path && pcapw_write(&p->pw, evloop_now_us(), buf, n, e) < 0)
		return -1;
	return 0;
}

static int send_syn(struct probe *p, struct err *e)
{
	struct seg s = { .saddr = p->cfg.local, .daddr = p->remote, .ttl = 64, .df = true,
			 .sport = p->cfg.port, .dport = p->dport, .seq = p->isn,
			 .flags = SEG_SYN, .win = 64240 };

	s.opts.has_mss = true;
	s.opts.mss = 1460;
	return emit(p, &s, e);
}

/* RFC 9293 §3.5: a RST for a connection we abandon carries seq = our SND.NXT. */
static int send_rst(struct probe *p, struct err *e)
{
	struct seg s = { .saddr = p->cfg.local, .daddr = p->remote, .ttl = 64, .df = true,
			 .sport = p->cfg.port, .dport = p->dport, .seq = p->isn + 1,
			 .flags = SEG_RST };

	return emit(p, &s, e);
}

static void print_pkt(const struct wire_pkt *k)
{
	const struct seg *s = &k->seg;
	char fl[12];

	if (k->kind == WIRE_PKT_UNPARSED)
		printf("recv unparsed: %s\n", k->why);
	else
		printf("recv %s seq=%" PRIu32 " ack=%" PRIu32 " ip_csum=%s tcp_csum=%s\n",
		       seg_flags_str(s->flags, fl), s->seq, s->ack,
		       s->ip_csum_ok ? "ok" : "bad", s->tcp_csum_ok ? "ok" : "bad");
	fflush(stdout);
}

/* Returns 1 when pkt is the expected SYN+ACK, 0 to keep waiting, -1 on a wrong one. */
static int check_pkt(struct probe *p, const struct wire_pkt *k, struct err *e)
{
	const struct seg *s = &k->seg;
	char fl[12];

	print_pkt(k);
	if (p->listen_us || k->kind == WIRE_PKT_UNPARSED)
		return 0;
	if (s->saddr != p->remote || s->sport != p->dport)
		return 0;
	if (k->kind != WIRE_PKT_OK)
		return err_set(e, "reply has a bad checksum");
	if (s->flags != (SEG_SYN | SEG_ACK))
		return err_set(e, "expected SYN+ACK, got %s", seg_flags_str(s->flags, fl));
	if (s->ack != p->isn + 1)
		return err_set(e, "SYN+ACK acks %" PRIu32 ", want isn+1 = %" PRIu32, s->ack,
			       p->isn + 1);
	return 1;
}

static int drain(struct probe *p, struct err *e)
{
	struct wire_pkt k;
	int rc;

	while ((rc = wire_recv(&p->w, &k, e)) == 1) {
		if (p->pcap_path && pcapw_write(&p->pw, evloop_now_us(), k.ip, k.ip_len, e) < 0)
			return -1;
		rc = check_pkt(p, &k, e);
		if (rc != 0)
			return rc;
	}
	return rc;
}

static int receive_until(struct probe *p, struct err *e)
{
	uint64_t deadline = evloop_now_us() + (p->listen_us ? p->listen_us : p->timeout_us);
	struct evloop_result r;
	int rc;

	for (;;) {
		if (evloop_wait(&p->ev, deadline, &r, e) < 0)
			return -1;
		if (r.signo)
			return err_set(e, "interrupted by signal %d", r.signo);
		if (r.timeout && p->listen_us)
			return 0;
		if (r.timeout)
			return err_set(e, "no SYN+ACK within %" PRIu64 " ms", p->timeout_us / 1000);
		rc = drain(p, e);
		if (rc != 0)
			return rc;
	}
}

static int run(struct probe *p, struct err *e)
{
	if (p->pcap_path && pcapw_open(&p->pw, p->pcap_path, e) < 0)
		return -1;
	if (wire_open(&p->w, &p->cfg, e) < 0)
		return -1;
	if (evloop_init(&p->ev, true, e) < 0 || evloop_add(&p->ev, p->w.fd, e) < 0)
		return -1;
	if (p->listen_us) {
		printf("listening on %s\n", p->w.device);
		fflush(stdout);
		return receive_until(p, e);
	}
	if (send_syn(p, e) < 0 || receive_until(p, e) < 0 || send_rst(p, e) < 0)
		return -1;
	printf("synack ok: ack = isn+1, checksums good\n");
	return 0;
}

int main(int argc, char **argv)
{
	struct probe p;
	struct err e = { "" };
	int rc;

	memset(&p, 0, sizeof(p));
	p.ev.sigfd = p.ev.tfd = -1;	/* evloop_close is safe before evloop_init */
	p.cfg.mark = WIRE_MARK;
	p.cfg.port = (uint16_t)(40000 + getpid() % 20000);
	p.isn = 1000000;
	p.timeout_us = 2000000;
	rc = parse_args(&p, argc, argv);
	if (rc)
		return rc;
	rc = run(&p, &e);
	printf("stats tx=%" PRIu64 " rx_ok=%" PRIu64 " rx_bad_csum=%" PRIu64
	       " rx_unparsed=%" PRIu64 " rx_foreign=%" PRIu64 "\n", p.w.stats.tx, p.w.stats.rx_ok,
	       p.w.stats.rx_bad_csum, p.w.stats.rx_unparsed, p.w.stats.rx_foreign);
	evloop_close(&p.ev);
	wire_close(&p.w);
	if (pcapw_close(&p.pw, rc < 0 ? NULL : &e) < 0)
		rc = -1;
	if (rc < 0)
		fprintf(stderr, "wire_probe: %s\n", e.msg);
	return rc < 0 ? 1 : 0;
}
