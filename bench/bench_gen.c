/* bench_gen.c - bench tool: writes a large synthetic pcap (handshakes, data, closes, retransmissions, reordering) fast. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "seg.h"

/*
 * GEN_ACTIVE connections run interleaved, one segment per turn in round robin; each is
 *   SYN, SYN+ACK, ACK, GEN_DATA x (data, ACK), FIN+ACK, ACK, FIN+ACK, ACK
 * Every 7th connection sends its second data segment twice (a retransmission), every
 * 11th sends data segments 3 and 2 in swapped order (reordering; the ACKs follow the
 * receiver's view). Segments are built with seg_build (correct checksums). The file is
 * written with plain stdio rather than pcapw, because pcapw flushes after every packet
 * (right for a live program, far too slow for a million segments) and libpcap's
 * pcap_dump offers nothing more than the 16-byte record header written here.
 * Classic pcap, LINKTYPE_RAW (101), microsecond timestamps 10 us apart.
 */

#define GEN_ACTIVE 64
#define GEN_DATA 4
#define GEN_PAYLOAD 100

struct gconn {
	uint32_t caddr;
	uint16_t cport;
	uint32_t ciss, siss;
	unsigned step, nsteps, kind;	/* kind: 0 plain, 1 retransmission, 2 reordering */
};

struct gen {
	FILE *f;
	uint64_t written, limit, ts_us, nconn;
	uint8_t payload[GEN_PAYLOAD];
};

static void put32(FILE *f, uint32_t v) { fwrite(&v, 4, 1, f); }

static void file_header(FILE *f)
{
	put32(f, 0xa1b2c3d4);
	put32(f, 2 | (4u << 16));	/* version 2.4 (little-endian host: major, minor) */
	put32(f, 0);
	put32(f, 0);
	put32(f, 65535);
	put32(f, 101);			/* LINKTYPE_RAW */
}

static int emit(struct gen *g, const struct seg *s)
{
	uint8_t buf[256];
	size_t len;
	struct err e = { "" };

	if (seg_build(s, buf, sizeof(buf), &len, &e) < 0) {
		fprintf(stderr, "bench_gen: %s\n", e.msg);
		return -1;
	}
	g->ts_us += 10;
	put32(g->f, (uint32_t)(g->ts_us / 1000000));
	put32(g->f, (uint32_t)(g->ts_us % 1000000));
	put32(g->f, (uint32_t)len);
	put32(g->f, (uint32_t)len);
	fwrite(buf, len, 1, g->f);
	g->written++;
	return 0;
}

static void conn_new(struct gen *g, struct gconn *c)
{
	uint64_t n = g->nconn++;

	c->caddr = 0x0a000000u | (uint32_t)(n >> 14 & 0xffff) << 8 | 1;	/* 10.x.y.1 */
	c->cport = (uint16_t)(20000 + (n & 0x3fff));
	c->ciss = (uint32_t)(n * 2654435761u);
	c->siss = (uint32_t)(n * 40503u + 12345u);
	c->step = 0;
	c->kind = n % 7 == 3 ? 1 : n % 11 == 5 ? 2 : 0;
	c->nsteps = 3 + 2 * GEN_DATA + 4 + (c->kind == 1);
}

/* Which data segment (0-based) client step d sends, as ordered by the connection kind. */
static unsigned data_index(const struct gconn *c, unsigned d)
{
	if (c->kind == 1)
		return d <= 1 ? d : d - 1;	/* 0 1 1 2 3: segment 1 resent */
	if (c->kind == 2 && (d == 1 || d == 2))
		return 3 - d;			/* 0 2 1 3 */
	return d;
}

/* The server's cumulative ACK (in segments) after the client's data step d: the
 * contiguous prefix of what arrived so far. */
static uint32_t acked_after(const struct gconn *c, unsigned d)
{
	unsigned got = 0, n = 0;

	for (unsigned i = 0; i <= d; i++)
		got |= 1u << data_index(c, i);
	while (got & (1u << n))
		n++;
	return n;
}

/* Does step st go from the client? */
static bool from_client(unsigned st, unsigned fin)
{
	if (st < 3)
		return st != 1;
	if (st < fin)
		return st % 2 == 1;
	return st == fin || st == fin + 3;
}

static void seg_base(struct seg *s, const struct gconn *c, bool from_client)
{
	memset(s, 0, sizeof(*s));
	s->saddr = from_client ? c->caddr : 0x0a640001u;	/* server 10.100.0.1 */
	s->daddr = from_client ? 0x0a640001u : c->caddr;
	s->sport = from_client ? c->cport : 80;
	s->dport = from_client ? 80 : c->cport;
	s->ttl = 64;
	s->df = true;
	s->win = 64240;
}

/* The segment for step c->step of connection c. */
static void conn_seg(struct gen *g, const struct gconn *c, struct seg *s)
{
	unsigned st = c->step, ndata = GEN_DATA + (c->kind == 1), fin = 3 + 2 * ndata;
	uint32_t cd = c->ciss + 1, sd = c->siss + 1, cend = cd + GEN_DATA * GEN_PAYLOAD;

	seg_base(s, c, from_client(st, fin));
	if (st == 0) {
		s->seq = c->ciss, s->flags = SEG_SYN;
		s->opts.has_mss = true, s->opts.mss = 1460;
	} else if (st == 1) {
		s->seq = c->siss, s->ack = cd, s->flags = SEG_SYN | SEG_ACK;
		s->opts.has_mss = true, s->opts.mss = 1460;
	} else if (st == 2) {
		s->seq = cd, s->ack = sd, s->flags = SEG_ACK;
	} else if (st < fin && st % 2 == 1) {	/* client data */
		s->seq = cd + data_index(c, (st - 3) / 2) * GEN_PAYLOAD, s->ack = sd;
		s->flags = SEG_ACK | SEG_PSH, s->payload = g->payload, s->len = GEN_PAYLOAD;
	} else if (st < fin) {			/* server ACK of data */
		s->seq = sd, s->ack = cd + acked_after(c, (st - 4) / 2) * GEN_PAYLOAD;
		s->flags = SEG_ACK;
	} else if (st == fin) {
		s->seq = cend, s->ack = sd, s->flags = SEG_FIN | SEG_ACK;
	} else if (st == fin + 1) {
		s->seq = sd, s->ack = cend + 1, s->flags = SEG_ACK;
	} else if (st == fin + 2) {
		s->seq = sd, s->ack = cend + 1, s->flags = SEG_FIN | SEG_ACK;
	} else {
		s->seq = cend + 1, s->ack = sd + 1, s->flags = SEG_ACK;
	}
}

static int run(struct gen *g)
{
	struct gconn c[GEN_ACTIVE];
	struct seg s;

	for (unsigned i = 0; i < GEN_ACTIVE; i++)
		conn_new(g, &c[i]);
	for (unsigned i = 0; g->written < g->limit; i = (i + 1) % GEN_ACTIVE) {
		conn_seg(g, &c[i], &s);
		if (emit(g, &s) < 0)
			return -1;
		if (++c[i].step == c[i].nsteps)
			conn_new(g, &c[i]);
	}
	return 0;
}

int main(int argc, char **argv)
{
	struct gen g = { 0 };
	struct err e = { "" };

	g.limit = 1000000;
	if (argc < 2 || argc > 3 || (argc == 3 && cli_parse_u64(argv[2], 1, 100000000, &g.limit, &e) < 0)) {
		fprintf(stderr, "usage: bench_gen FILE [SEGMENTS]  (default 1000000) %s\n", e.msg);
		return 2;
	}
	if (!(g.f = fopen(argv[1], "wb"))) {
		perror(argv[1]);
		return 1;
	}
	memset(g.payload, 'x', sizeof(g.payload));
	g.ts_us = 1700000000ull * 1000000;
	file_header(g.f);
	if (run(&g) < 0 || fclose(g.f) != 0) {
		perror("bench_gen");
		return 1;
	}
	printf("{\"tool\":\"bench_gen\",\"segments\":%llu,\"connections\":%llu}\n",
	       (unsigned long long)g.written, (unsigned long long)g.nconn);
	return 0;
}
