/* explain_track.c - the connection table of synlab-explain: 4-tuple + ISN, bounded, streaming. */
#include "explain_track.h"

#include <stdlib.h>
#include <string.h>

#include "explain_build.h"

#define NBUCKETS 4096u

struct xconn {
	uint8_t addr[2][16];		/* by enum explain_who; IPv4 mapped (seg_addr_key) */
	uint16_t port[2];
	bool summarised;
	bool closed;			/* is_closed() after its last segment */
	uint64_t last_us;
	struct explain_build b;		/* records, analysis, inferred states, summary */
	struct xconn *hnext;		/* hash chain */
	struct xconn *older, *newer;	/* activity list, oldest at t->oldest */
};

struct explain_track {
	struct explain_track_opts o;
	explain_sink_fn sink;
	void *ctx;
	struct xconn *bucket[NBUCKETS];
	struct xconn *oldest, *newest;
	size_t nopen;
	uint32_t nconns;
	uint64_t now;			/* the latest time seen: a clock stepping back never
					 * makes a connection look younger or older */
};

/* A segment's addresses as the table keys them (both families in 16 bytes). */
struct xkey {
	uint8_t src[16], dst[16];
};

static void key_of(const struct seg *s, struct xkey *k)
{
	seg_addr_key(s, true, k->src);
	seg_addr_key(s, false, k->dst);
}

/* 16 key bytes folded to 32 bits for the hash. */
static uint32_t fold(const uint8_t a[16])
{
	uint32_t x = 0;

	for (int i = 0; i < 16; i += 4)
		x = x * 0x01000193u ^ ((uint32_t)a[i] << 24 | (uint32_t)a[i + 1] << 16 |
				       (uint32_t)a[i + 2] << 8 | a[i + 3]);
	return x;
}

/* Back from a key to the record's address fields (IPv4 when mapped). */
static void key_to_seg(const uint8_t k[16], bool src, struct seg *s)
{
	static const uint8_t mapped[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};

	if (memcmp(k, mapped, 12) == 0) {
		uint32_t a = (uint32_t)k[12] << 24 | (uint32_t)k[13] << 16 | (uint32_t)k[14] << 8 | k[15];
		s->ipv = 4;
		*(src ? &s->saddr : &s->daddr) = a;
		return;
	}
	s->ipv = 6;
	memcpy(src ? s->saddr6 : s->daddr6, k, 16);
}

void explain_track_opts_default(struct explain_track_opts *o)
{
	o->max_conns = 65536;
	o->linger_us = 240ull * 1000000u;
	o->idle_us = 0;
}

struct explain_track *explain_track_new(const struct explain_track_opts *o, explain_sink_fn sink,
					void *ctx, struct err *e)
{
	struct explain_track *t = calloc(1, sizeof(*t));

	if (!t) {
		err_set(e, "out of memory");
		return NULL;
	}
	if (o)
		t->o = *o;
	else
		explain_track_opts_default(&t->o);
	if (t->o.max_conns == 0)
		t->o.max_conns = 1;
	t->sink = sink;
	t->ctx = ctx;
	return t;
}

/* Symmetric in the two endpoints, so both directions land in one bucket. */
static unsigned hash4(uint32_t a1, uint16_t p1, uint32_t a2, uint16_t p2)
{
	uint64_t x = ((uint64_t)(a1 ^ a2) << 16) ^ (uint64_t)(p1 ^ p2) ^
		     ((uint64_t)(a1 + a2) << 32) ^ (uint64_t)(p1 + p2) * 0x9e3779b1u;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 32;
	return (unsigned)(x % NBUCKETS);
}

static unsigned conn_hash(const struct xconn *c)
{
	return hash4(fold(c->addr[0]), c->port[0], fold(c->addr[1]), c->port[1]);
}

/* -1 when s (keyed k) does not belong to c, else the sender's enum explain_who. */
static int sender_key(const struct xconn *c, const struct seg *s, const struct xkey *k)
{
	for (int w = 0; w < 2; w++)
		if (c->port[w] == s->sport && c->port[!w] == s->dport &&
		    memcmp(c->addr[w], k->src, 16) == 0 && memcmp(c->addr[!w], k->dst, 16) == 0)
			return w;
	return -1;
}

static int sender_of(const struct xconn *c, const struct seg *s)
{
	struct xkey k;

	key_of(s, &k);
	return sender_key(c, s, &k);
}

static struct xconn *lookup(struct explain_track *t, const struct seg *s)
{
	struct xkey k;

	key_of(s, &k);
	struct xconn *c = t->bucket[hash4(fold(k.src), s->sport, fold(k.dst), s->dport)];
	while (c && sender_key(c, s, &k) < 0)
		c = c->hnext;
	return c;
}

static void list_unlink(struct explain_track *t, struct xconn *c)
{
	if (c->older)
		c->older->newer = c->newer;
	else
		t->oldest = c->newer;
	if (c->newer)
		c->newer->older = c->older;
	else
		t->newest = c->older;
	c->older = c->newer = NULL;
}

static void list_push_newest(struct explain_track *t, struct xconn *c)
{
	c->older = t->newest;
	c->newer = NULL;
	if (t->newest)
		t->newest->newer = c;
	else
		t->oldest = c;
	t->newest = c;
}

static void hash_unlink(struct explain_track *t, struct xconn *c)
{
	struct xconn **pp = &t->bucket[conn_hash(c)];

	while (*pp && *pp != c)
		pp = &(*pp)->hnext;
	if (*pp)
		*pp = c->hnext;
}

static void free_conn(struct xconn *c)
{
	explain_build_free(&c->b);
	free(c);
}

static int emit_summary(struct explain_track *t, struct xconn *c, struct err *e)
{
	struct explain_rec r;

	if (c->summarised)
		return 0;
	c->summarised = true;
	explain_build_summary(&c->b, c->last_us, &r);
	key_to_seg(c->addr[EXPLAIN_CLIENT], true, &r.seg);
	r.seg.sport = c->port[EXPLAIN_CLIENT];
	key_to_seg(c->addr[EXPLAIN_SERVER], false, &r.seg);
	r.seg.dport = c->port[EXPLAIN_SERVER];
	return t->sink(t->ctx, &r, e);
}

static int drop_conn(struct explain_track *t, struct xconn *c, struct err *e)
{
	int rc = emit_summary(t, c, e);

	hash_unlink(t, c);
	list_unlink(t, c);
	free_conn(c);
	t->nopen--;
	return rc;
}

/* Closed once what was captured has arrived (explain_infer_presumed): the last ACK
 * to LAST-ACK, an accepted RST. */
static bool is_closed(const struct xconn *c)
{
	enum tcb_state st[2];

	explain_infer_presumed(&c->b.inf, st);
	for (int w = 0; w < 2; w++)
		if (st[w] != TCB_CLOSED && st[w] != TCB_TIME_WAIT && st[w] != TCB_LISTEN)
			return false;
	return true;
}

/* Frees (and summarises) connections closed for linger_us or silent for idle_us, oldest
 * first: a summary comes when no later frame can belong to it, so it counts them all. */
static int expire(struct explain_track *t, uint64_t now, struct err *e)
{
	while (t->oldest) {
		struct xconn *c = t->oldest;
		uint64_t quiet = explain_since_us(now, c->last_us);
		if (!(c->closed && quiet >= t->o.linger_us) &&
		    !(t->o.idle_us && quiet >= t->o.idle_us))
			break;
		if (drop_conn(t, c, e) < 0)
			return -1;
	}
	return 0;
}

/* Client = sender of a SYN without ACK; the receiver of a SYN+ACK; otherwise (capture
 * started mid-connection) the higher port, ties to the lower address. */
static int client_is_sender(const struct seg *s, const struct xkey *k)
{
	if (s->flags & SEG_SYN)
		return !(s->flags & SEG_ACK);
	if (s->sport != s->dport)
		return s->sport > s->dport;
	return memcmp(k->src, k->dst, 16) < 0;
}

static struct xconn *new_conn(struct explain_track *t, const struct seg *s, struct err *e)
{
	if (t->nopen >= t->o.max_conns && drop_conn(t, t->oldest, e) < 0)
		return NULL;
	struct xconn *c = calloc(1, sizeof(*c));
	if (!c) {
		err_set(e, "out of memory (connection table)");
		return NULL;
	}
	struct xkey k;
	key_of(s, &k);
	int cs = client_is_sender(s, &k);
	memcpy(c->addr[EXPLAIN_CLIENT], cs ? k.src : k.dst, 16);
	c->port[EXPLAIN_CLIENT] = cs ? s->sport : s->dport;
	memcpy(c->addr[EXPLAIN_SERVER], cs ? k.dst : k.src, 16);
	c->port[EXPLAIN_SERVER] = cs ? s->dport : s->sport;
	explain_build_init(&c->b, ++t->nconns);	/* inferred states start at the first segment */
	unsigned h = conn_hash(c);
	c->hnext = t->bucket[h];
	t->bucket[h] = c;
	list_push_newest(t, c);
	t->nopen++;
	return c;
}

/* Packet-tcp.c: a SYN whose seq differs from the ISN this direction already used starts
 * a new conversation on the same ports ("reused ports"). */
static bool reuses_ports(const struct xconn *c, int from, const struct seg *s)
{
	const struct explain_flow *f = &c->b.an.fl[from];

	return (s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN && f->base_set &&
	       s->seq != f->base_seq;
}

static struct xconn *conn_for(struct explain_track *t, const struct seg *s, bool *reused,
			      struct err *e)
{
	struct xconn *c = lookup(t, s);

	*reused = false;
	if (c && reuses_ports(c, sender_of(c, s), s)) {
		if (drop_conn(t, c, e) < 0)
			return NULL;
		*reused = true;
		c = NULL;
	}
	return c ? c : new_conn(t, s, e);
}

/* One segment: its record (relative numbers as Wireshark shows them, tcp.seq and
 * tcp.ack; the exact time ts), marked closed once both ends are (its summary comes when
 * it leaves the table). */
static int record_segment(struct explain_track *t, struct xconn *c, bool reused,
			  uint64_t frame, const struct tstamp *ts, const struct seg *s,
			  struct err *e)
{
	struct explain_seg_in in = { s, (enum explain_who)sender_of(c, s), frame, tstamp_us(*ts),
				     NULL, reused, NULL, 0, 0, false };
	struct explain_rec r;

	if (explain_build_segment(&c->b, &in, &r, e) < 0)
		return -1;
	r.ts = *ts;
	c->last_us = t->now;
	if (t->sink(t->ctx, &r, e) < 0)
		return -1;
	c->closed = is_closed(c);
	if (c->closed)
		explain_build_trim(&c->b);	/* closed: keep the state, not the spare lists */
	return 0;
}

int explain_track_segment(struct explain_track *t, uint64_t frame, uint64_t t_us,
			  const struct seg *s, struct err *e)
{
	struct tstamp ts = tstamp_of_us(t_us);

	return explain_track_segment_at(t, frame, &ts, s, e);
}

int explain_track_segment_at(struct explain_track *t, uint64_t frame, const struct tstamp *ts,
			     const struct seg *s, struct err *e)
{
	bool reused;
	uint64_t t_us = tstamp_us(*ts);
	struct xconn *hit = lookup(t, s);

	if (t_us > t->now)
		t->now = t_us;
	/* The segment's own connection is never expired by its own arrival, however long
	 * it was quiet or however far the clock jumped (tshark never splits one). */
	if (hit)
		hit->last_us = t->now;
	if (expire(t, t->now, e) < 0)
		return -1;
	struct xconn *c = conn_for(t, s, &reused, e);
	if (!c)
		return -1;
	list_unlink(t, c);
	list_push_newest(t, c);
	return record_segment(t, c, reused, frame, ts, s, e);
}

int explain_track_finish(struct explain_track *t, struct err *e)
{
	while (t->oldest)
		if (drop_conn(t, t->oldest, e) < 0)
			return -1;
	return 0;
}

size_t explain_track_nopen(const struct explain_track *t) { return t->nopen; }
uint32_t explain_track_nconns(const struct explain_track *t) { return t->nconns; }

void explain_track_free(struct explain_track *t)
{
	if (!t)
		return;
	while (t->oldest) {
		struct xconn *c = t->oldest;
		list_unlink(t, c);
		free_conn(c);
	}
	free(t);
}
