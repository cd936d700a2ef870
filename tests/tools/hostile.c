/* hostile.c - test tool: floods a server with malformed and adversarial IPv4/TCP segments (or spoofed SYNs), rate-limited and bounded in time. */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bytes.h"
#include "evloop.h"
#include "prng.h"
#include "seg.h"
#include "wire.h"

/*
 * Segments leave through an AF_PACKET socket (link-layer broadcast frame on the device),
 * not an AF_INET raw socket: the kernel's raw IPv4 path rewrites the total length and
 * the IP checksum of IP_HDRINCL datagrams, so the IP-level junk this tool must send
 * (length lies, bad IP checksums) would be repaired on the way out. AF_PACKET also
 * bypasses the OUTPUT hook, so the lab's RST filter cannot eat the blind RSTs (and no
 * SO_MARK is needed). The receiving kernel discards broadcast-addressed TCP itself
 * (not PACKET_HOST), so only the synlab server, which captures with libpcap, answers.
 *
 * For in-window guesses the tool watches the server's segments to the live connections
 * (--conn PORT) through the wire layer's capture and aims a RST or SYN 4096..60000 bytes
 * past the server's RCV.NXT (its latest ACK): in the window, never exactly at RCV.NXT,
 * so RFC 5961 demands a challenge ACK, not a reset.
 */

#define MAX_CONNS 16

enum kind {
	K_BAD_TCP_CSUM, K_BAD_IP_CSUM, K_DOFF_SMALL, K_DOFF_PAST, K_OPT_LEN0, K_OPT_PAST,
	K_OPT_NOPS, K_OPT_LEN1, K_SYN_FIN, K_SYN_RST, K_RANDOM, K_TRUNC_TCP, K_IP_IHL_SMALL,
	K_IP_IHL_BIG, K_IP_LEN_LONG, K_IP_LEN_SHORT, K_IP_FRAG, K_BLIND_RST, K_BLIND_SYN,
	K_BLIND_DATA, K_INWIN_RST, K_INWIN_SYN, K_NKINDS, K_SPOOF_SYN = K_NKINDS
};

static const char *const kind_names[K_NKINDS + 1] = {
	"bad-tcp-csum", "bad-ip-csum", "doff-small", "doff-past", "opt-len0", "opt-past",
	"opt-nops", "opt-len1", "syn-fin", "syn-rst", "random", "trunc-tcp", "ip-ihl-small",
	"ip-ihl-big", "ip-len-long", "ip-len-short", "ip-frag", "blind-rst", "blind-syn",
	"blind-data", "inwin-rst", "inwin-syn", "spoof-syn",
};

struct live_peer {
	uint16_t port;		/* the kernel client's port */
	bool seen;
	uint32_t rcv_nxt;	/* server's latest ACK */
	uint32_t snd_nxt;	/* server's latest SEQ + len */
	uint16_t win;
};

struct hostile {
	uint32_t src, dst, spoof_net, spoof_mask;
	uint16_t dport;
	const char *dev;
	bool synflood;
	uint64_t count, rate, max_us;
	struct prng rng;
	struct live_peer conn[MAX_CONNS];
	unsigned nconn;
	int fd;
	struct sockaddr_ll to;
	struct wire w;
	bool sniff;
	uint64_t sent[K_NKINDS + 1], errors, sniffed;
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: hostile --dev DEV --src A --dst B --dport P [--conn PORT]... [--count N]\n"
		"               [--rate N] [--max-seconds S] [--seed N] [--synflood NET/LEN]\n"
		"Sends N (100000) malformed or adversarial segments to B:P at N (4000) per second,\n"
		"stopping after S (60) seconds at most. --conn names a live connection's client\n"
		"port for blind and in-window RSTs and SYNs. --synflood sends SYNs from random\n"
		"sources in NET/LEN instead. Prints the count per kind; exit 0 when all went out.\n");
}

static int die_usage(const char *m)
{
	fprintf(stderr, "hostile: %s\n", m);
	usage(stderr);
	return 2;
}

static int parse_ip(const char *s, uint32_t *a)
{
	struct in_addr in;

	if (inet_pton(AF_INET, s, &in) != 1)
		return -1;
	*a = ntohl(in.s_addr);
	return 0;
}

static int parse_net(const char *s, uint32_t *net, uint32_t *mask)
{
	char buf[32];
	char *slash;
	long len;

	snprintf(buf, sizeof(buf), "%s", s);
	if (!(slash = strchr(buf, '/')))
		return -1;
	*slash = '\0';
	len = strtol(slash + 1, NULL, 10);
	if (len < 8 || len > 30 || parse_ip(buf, net) < 0)
		return -1;
	*mask = ~0u << (32 - len);
	*net &= *mask;
	return 0;
}

static int num(const char *s, uint64_t min, uint64_t max, uint64_t *v)
{
	char *end;

	errno = 0;
	*v = strtoull(s, &end, 0);
	return *s && !*end && !errno && *v >= min && *v <= max ? 0 : -1;
}

static int one_opt(struct hostile *h, int c, const char *a)
{
	uint64_t v;

	switch (c) {
	case 'd': h->dev = a; return 0;
	case 's': return parse_ip(a, &h->src);
	case 't': return parse_ip(a, &h->dst);
	case 'p': if (num(a, 1, 65535, &v) < 0) return -1; h->dport = (uint16_t)v; return 0;
	case 'n': return num(a, 1, 10000000, &h->count);
	case 'r': return num(a, 1, 1000000, &h->rate);
	case 'm': if (num(a, 1, 600, &v) < 0) return -1; h->max_us = v * 1000000; return 0;
	case 'S': if (num(a, 0, UINT64_MAX, &v) < 0) return -1; prng_seed(&h->rng, v); return 0;
	case 'f': h->synflood = true; return parse_net(a, &h->spoof_net, &h->spoof_mask);
	case 'c':
		if (h->nconn >= MAX_CONNS || num(a, 1, 65535, &v) < 0)
			return -1;
		h->conn[h->nconn++].port = (uint16_t)v;
		return 0;
	default: return -1;
	}
}

static int parse(int argc, char **argv, struct hostile *h)
{
	static const struct option lo[] = {
		{ "dev", 1, NULL, 'd' }, { "src", 1, NULL, 's' }, { "dst", 1, NULL, 't' },
		{ "dport", 1, NULL, 'p' }, { "count", 1, NULL, 'n' }, { "rate", 1, NULL, 'r' },
		{ "max-seconds", 1, NULL, 'm' }, { "seed", 1, NULL, 'S' },
		{ "synflood", 1, NULL, 'f' }, { "conn", 1, NULL, 'c' }, { "help", 0, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	h->count = 100000;
	h->rate = 4000;
	h->max_us = 60000000;
	prng_seed(&h->rng, (uint64_t)time(NULL) ^ (uint64_t)getpid() << 32);
	while ((c = getopt_long(argc, argv, "h", lo, NULL)) != -1) {
		if (c == 'h') {
			usage(stdout);
			exit(0);
		}
		if (one_opt(h, c, optarg) < 0)
			return die_usage("bad option or value");
	}
	if (!h->dev || !h->src || !h->dst || !h->dport)
		return die_usage("--dev, --src, --dst and --dport are required");
	return 0;
}

static uint32_t rnd(struct hostile *h) { return (uint32_t)prng_next(&h->rng); }

/* A client port of ours that is not one of the live connections. */
static uint16_t free_port(struct hostile *h)
{
	for (;;) {
		uint16_t p = (uint16_t)(1024 + rnd(h) % 64000);
		unsigned i;

		for (i = 0; i < h->nconn && h->conn[i].port != p; i++)
			;
		if (i == h->nconn)
			return p;
	}
}

/* A well-formed segment from us to the server with random numbers. */
static void base_seg(struct hostile *h, struct seg *s, uint8_t flags)
{
	memset(s, 0, sizeof(*s));
	s->saddr = h->src;
	s->daddr = h->dst;
	s->sport = free_port(h);
	s->dport = h->dport;
	s->seq = rnd(h);
	s->ack = rnd(h);
	s->flags = flags;
	s->win = (uint16_t)rnd(h);
	s->ip_id = (uint16_t)rnd(h);
	s->df = true;
}

/* Recomputes both checksums after an edit (so the edit, not the checksum, is tested). */
static void fix_csums(uint8_t *b, size_t len)
{
	size_t ihl = (size_t)(b[0] & 15) * 4;

	if (ihl >= 20 && ihl <= len) {
		bytes_put16(b + 10, 0);
		bytes_put16(b + 10, seg_csum_ip(b, ihl));
	}
	if (ihl >= 20 && len >= ihl + 18) {
		bytes_put16(b + ihl + 16, 0);
		bytes_put16(b + ihl + 16, seg_csum_tcp(bytes_get32(b + 12), bytes_get32(b + 16),
							b + ihl, len - ihl));
	}
}

static size_t build(const struct seg *s, uint8_t *b, size_t cap)
{
	struct err e;
	size_t n = 0;

	if (seg_build(s, b, cap, &n, &e) < 0) {
		fprintf(stderr, "hostile: seg_build: %s\n", e.msg);
		exit(1);
	}
	return n;
}

/* Raw option bytes (padded by seg_build to a multiple of 4). */
static void set_raw_opts(struct seg *s, const uint8_t *o, size_t n)
{
	memcpy(s->opts.raw, o, n);
	s->opts.raw_len = (uint8_t)n;
}

static size_t mk_options(struct hostile *h, enum kind k, uint8_t *b, size_t cap)
{
	static const uint8_t len0[] = { 1, 1, 2, 0, 1, 1, 1, 1 };	/* MSS, length 0 */
	static const uint8_t len1[] = { 8, 1, 1, 1 };			/* TS, length 1 */
	static const uint8_t past[] = { 1, 8, 40, 0, 0, 0, 0, 0 };	/* runs past the end */
	uint8_t nops[40];
	struct seg s;

	base_seg(h, &s, (uint8_t)(rnd(h) & 1 ? SEG_SYN : SEG_ACK));
	memset(nops, 1, sizeof(nops));
	if (k == K_OPT_LEN0)
		set_raw_opts(&s, len0, sizeof(len0));
	else if (k == K_OPT_LEN1)
		set_raw_opts(&s, len1, sizeof(len1));
	else if (k == K_OPT_PAST)
		set_raw_opts(&s, past, sizeof(past));
	else
		set_raw_opts(&s, nops, sizeof(nops));	/* 40 NOPs: legal, slow to walk */
	return build(&s, b, cap);
}

/* Segments broken at the TCP level: checksum, data offset, truncation, flags. */
static size_t mk_tcp_junk(struct hostile *h, enum kind k, uint8_t *b, size_t cap)
{
	static const uint8_t combos[] = { SEG_SYN | SEG_FIN, SEG_SYN | SEG_RST };
	struct seg s;
	size_t n;

	base_seg(h, &s, k == K_SYN_FIN ? combos[0] : k == K_SYN_RST ? combos[1]
		 : (uint8_t)rnd(h));
	n = build(&s, b, cap);
	switch (k) {
	case K_BAD_TCP_CSUM: b[36] ^= 0x5a; return n;
	case K_BAD_IP_CSUM: b[10] ^= 0xa5; return n;
	case K_DOFF_SMALL: b[32] = (uint8_t)((rnd(h) % 5) << 4); break;
	case K_DOFF_PAST: b[32] = 0xf0; break;	/* 60-byte header in a 20-byte one */
	case K_TRUNC_TCP:
		n = 20 + 1 + rnd(h) % 19;	/* 1..19 bytes of TCP */
		bytes_put16(b + 2, (uint16_t)n);
		break;
	default: break;
	}
	fix_csums(b, n);
	return n;
}

/* Broken IPv4 headers: IHL, total length lies, fragments. */
static size_t mk_ip_junk(struct hostile *h, enum kind k, uint8_t *b, size_t cap)
{
	struct seg s;
	size_t n;

	base_seg(h, &s, SEG_SYN);
	n = build(&s, b, cap);
	switch (k) {
	case K_IP_IHL_SMALL: b[0] = (uint8_t)(0x40 | rnd(h) % 5); return n;
	case K_IP_IHL_BIG: b[0] = 0x4f; break;	/* 60-byte IP header in 40 bytes */
	case K_IP_LEN_LONG: bytes_put16(b + 2, (uint16_t)(n + 1 + rnd(h) % 1000)); break;
	case K_IP_LEN_SHORT: bytes_put16(b + 2, (uint16_t)(rnd(h) % n)); break;
	default: bytes_put16(b + 6, 0x2000); break;	/* MF: a first fragment */
	}
	fix_csums(b, n);
	return n;
}

/* Reads what the server sent to the live connections: its RCV.NXT, SND.NXT, window. */
static void sniff(struct hostile *h)
{
	struct wire_pkt p;
	struct err e;

	while (h->sniff && wire_recv(&h->w, &p, &e) > 0) {
		if (p.kind != WIRE_PKT_OK || p.seg.saddr != h->dst || p.seg.sport != h->dport)
			continue;
		for (unsigned i = 0; i < h->nconn; i++) {
			struct live_peer *c = &h->conn[i];

			if (c->port != p.seg.dport || !(p.seg.flags & SEG_ACK))
				continue;
			c->seen = true;
			c->rcv_nxt = p.seg.ack;
			c->snd_nxt = p.seg.seq + seg_seqlen(&p.seg);
			c->win = p.seg.win;
			h->sniffed++;
		}
	}
}

/* Blind (random numbers) or in-window segments into a live connection. 0: not possible
 * now (no live connection seen yet for in-window). */
static size_t mk_live(struct hostile *h, enum kind k, uint8_t *b, size_t cap)
{
	static const uint8_t data[] = "injected\n";
	struct live_peer *c;
	struct seg s;

	if (!h->nconn)
		return 0;
	c = &h->conn[rnd(h) % h->nconn];
	base_seg(h, &s, k == K_BLIND_RST || k == K_INWIN_RST ? SEG_RST
		 : k == K_BLIND_DATA ? SEG_ACK | SEG_PSH : SEG_SYN);
	s.sport = c->port;
	if (k == K_BLIND_DATA) {
		s.payload = data;
		s.len = sizeof(data) - 1;
	}
	if (k == K_INWIN_RST || k == K_INWIN_SYN) {
		sniff(h);
		if (!c->seen || c->win <= 8192)
			return 0;
		s.seq = c->rcv_nxt + 4096 + rnd(h) % (uint32_t)(c->win - 8192);
	}
	return build(&s, b, cap);
}

static size_t mk_spoof_syn(struct hostile *h, uint8_t *b, size_t cap)
{
	struct seg s;

	base_seg(h, &s, SEG_SYN);
	s.saddr = h->spoof_net | (rnd(h) & ~h->spoof_mask);
	s.ack = 0;
	s.win = 64240;
	s.opts.has_mss = true;
	s.opts.mss = 1460;
	return build(&s, b, cap);
}

static size_t make(struct hostile *h, enum kind k, uint8_t *b, size_t cap)
{
	if (k == K_SPOOF_SYN)
		return mk_spoof_syn(h, b, cap);
	if (k >= K_OPT_LEN0 && k <= K_OPT_LEN1)
		return mk_options(h, k, b, cap);
	if (k >= K_IP_IHL_SMALL && k <= K_IP_FRAG)
		return mk_ip_junk(h, k, b, cap);
	if (k >= K_BLIND_RST)
		return mk_live(h, k, b, cap);
	return mk_tcp_junk(h, k, b, cap);
}

static int open_out(struct hostile *h)
{
	struct wire_cfg wc = { .device = h->dev, .local = h->src, .mark = WIRE_MARK };
	struct err e;

	if ((h->fd = socket(AF_PACKET, SOCK_DGRAM, htons(ETH_P_IP))) < 0) {
		perror("hostile: AF_PACKET socket");
		return -1;
	}
	memset(&h->to, 0, sizeof(h->to));
	h->to.sll_family = AF_PACKET;
	h->to.sll_protocol = htons(ETH_P_IP);
	h->to.sll_ifindex = (int)if_nametoindex(h->dev);
	h->to.sll_halen = ETH_ALEN;
	memset(h->to.sll_addr, 0xff, ETH_ALEN);
	if (!h->to.sll_ifindex) {
		fprintf(stderr, "hostile: no device %s\n", h->dev);
		return -1;
	}
	if (h->nconn && !h->synflood) {	/* capture for in-window guesses */
		if (wire_open(&h->w, &wc, &e) < 0) {
			fprintf(stderr, "hostile: %s\n", e.msg);
			return -1;
		}
		h->sniff = true;
	}
	return 0;
}

static void send_one(struct hostile *h, uint64_t i)
{
	static uint8_t buf[SEG_IP_MAX];
	enum kind k = h->synflood ? K_SPOOF_SYN : (enum kind)(i % K_NKINDS);
	size_t n = make(h, k, buf, sizeof(buf));

	if (n == 0) {	/* in-window not possible yet: a blind one instead */
		k = k == K_INWIN_RST ? K_BLIND_RST : K_BLIND_SYN;
		n = make(h, k, buf, sizeof(buf));
	}
	if (n == 0)	/* no live connection given: a random-flags segment */
		n = make(h, k = K_RANDOM, buf, sizeof(buf));
	if (sendto(h->fd, buf, n, 0, (struct sockaddr *)&h->to, sizeof(h->to)) < 0)
		h->errors++;
	else
		h->sent[k]++;
}

/* Sends count segments paced at rate per second; stops at max_us. */
static uint64_t run(struct hostile *h, uint64_t *took)
{
	uint64_t t0 = evloop_now_us(), i = 0;

	while (i < h->count) {
		uint64_t el = evloop_now_us() - t0, due = el * h->rate / 1000000 + 1;

		if (el >= h->max_us)
			break;
		while (i < due && i < h->count)
			send_one(h, i++);
		sniff(h);
		usleep(1000);
	}
	*took = evloop_now_us() - t0;
	return i;
}

int main(int argc, char **argv)
{
	static struct hostile h;
	uint64_t took, done, total = 0;
	int r = parse(argc, argv, &h);

	if (r)
		return r;
	if (open_out(&h) < 0)
		return 1;
	done = run(&h, &took);
	printf("hostile: %llu segments in %.1f s, %llu send errors, %llu server segments seen\n",
	       (unsigned long long)done, took / 1e6, (unsigned long long)h.errors,
	       (unsigned long long)h.sniffed);
	for (int k = 0; k <= K_NKINDS; k++) {
		total += h.sent[k];
		if (h.sent[k])
			printf("  %-13s %llu\n", kind_names[k], (unsigned long long)h.sent[k]);
	}
	if (h.sniff)
		wire_close(&h.w);
	close(h.fd);
	return done == h.count && total == h.count ? 0 : 1;
}
