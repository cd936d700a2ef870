/* explain_track.c - the connection table of synlab-explain: 4-tuple + ISN, bounded, streaming. */
#include "explain_track.h"

#include <stdlib.h>
#include <string.h>

#include "explain_analysis.h"
#include "explain_infer.h"
#include "seq.h"

#define NBUCKETS 4096u

/* The summary's counters; its retransmission list lives out of line (NULL until the
 * first retransmission), so a connection costs the same whether open or closed and
 * most connections carry no list at all. */
struct xsum {
	uint64_t first_frame, last_frame;
	uint64_t nsegs[2], bytes[2];
	uint64_t hs_rtt_us, hs_syn_synack_us;
	uint32_t nrtx;
	bool has_handshake;
	struct explain_rtx_note *rtx;	/* EXPLAIN_MAX_RTX entries once allocated */
};

struct xconn {
	uint32_t id;			/* 1-based (tshark's tcp.stream + 1) */
	uint8_t addr[2][16];		/* by enum explain_who; IPv4 mapped (seg_addr_key) */
	uint16_t port[2];
	uint64_t last_us;
	bool summarised;
	struct explain_analysis an;
	struct explain_infer inf;
	struct xsum sum;
	uint64_t syn_us, synack_us;	/* most recent SYN, first SYN+ACK after it */
	bool have_syn, have_synack;
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

static void summary_of(const struct xsum *x, struct explain_summary *m)
{
	m->first_frame = x->first_frame;
	m->last_frame = x->last_frame;
	for (int d = 0; d < 2; d++) {
		m->nsegs[d] = x->nsegs[d];
		m->bytes[d] = x->bytes[d];
	}
	m->has_handshake = x->has_handshake;
	m->hs_rtt_us = x->hs_rtt_us;
	m->hs_syn_synack_us = x->hs_syn_synack_us;
	m->nrtx = x->nrtx;
	if (x->rtx)
		memcpy(m->rtx, x->rtx, sizeof(m->rtx));
}

static void free_conn(struct xconn *c)
{
	explain_analysis_free(&c->an);
	free(c->sum.rtx);
	free(c);
}

static int emit_summary(struct explain_track *t, struct xconn *c, struct err *e)
{
	struct explain_rec r;

	if (c->summarised)
		return 0;
	c->summarised = true;
	memset(&r, 0, sizeof(r));
	r.kind = EXPLAIN_REC_SUMMARY;
	r.conn = c->id;
	r.frame = c->sum.last_frame;
	r.t_us = c->last_us;
	key_to_seg(c->addr[EXPLAIN_CLIENT], true, &r.seg);
	r.seg.sport = c->port[EXPLAIN_CLIENT];
	key_to_seg(c->addr[EXPLAIN_SERVER], false, &r.seg);
	r.seg.dport = c->port[EXPLAIN_SERVER];
	summary_of(&c->sum, &r.sum);
	r.sum.closer = c->inf.first_fin >= 0 ? c->inf.first_fin : c->inf.reset_by;
	r.sum.reset = c->inf.reset;
	r.sum.closed = c->inf.reset || (c->inf.fin_acked[0] && c->inf.fin_acked[1]);
	if (c->inf.fin_sent[0] && c->inf.fin_sent[1])
		r.sum.close_segments = c->inf.ack_between_fins ? 4 : 3;
	r.sum.time_wait = -1;
	for (int w = 0; w < 2; w++) {
		r.sum.final[w] = c->inf.st[w];
		if (c->inf.st[w] == TCB_TIME_WAIT)
			r.sum.time_wait = w;
	}
	for (int w = 0; w < 2; w++)
		r.ep[w] = (struct explain_ep){true, c->inf.st[w], c->inf.st[w]};
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

static bool is_closed(const struct xconn *c)
{
	for (int w = 0; w < 2; w++)
		if (c->inf.st[w] != TCB_CLOSED && c->inf.st[w] != TCB_TIME_WAIT &&
		    c->inf.st[w] != TCB_LISTEN)
			return false;
	return true;
}

/* Frees connections closed for linger_us or silent for idle_us, oldest first. */
static int expire(struct explain_track *t, uint64_t now, struct err *e)
{
	while (t->oldest) {
		struct xconn *c = t->oldest;
		uint64_t quiet = explain_since_us(now, c->last_us);
		if (!(c->summarised && quiet >= t->o.linger_us) &&
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
	c->id = ++t->nconns;
	explain_analysis_init(&c->an);
	explain_infer_init(&c->inf, s);
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
	const struct explain_flow *f = &c->an.fl[from];

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

/* Relative numbers exactly as Wireshark shows them (tcp.seq, tcp.ack): from each side's
 * base_seq; the ACK field stays raw on a segment without ACK. */
static void fill_numbers(const struct xconn *c, int from, const struct seg *s,
			 struct explain_rec *r)
{
	const struct explain_flow *fwd = &c->an.fl[from], *rev = &c->an.fl[!from];

	r->seq_raw = s->seq;
	r->ack_raw = s->ack;
	r->seq = s->seq - fwd->base_seq;
	r->ack = (s->flags & SEG_ACK) ? s->ack - rev->base_seq : s->ack;
	r->len = s->len;
	r->win = s->win;
	if (s->flags & SEG_SYN)
		r->win_scaled = s->win;
	else if (fwd->win_scale >= 0)
		r->win_scaled = (int64_t)s->win << fwd->win_scale;
	else
		r->win_scaled = fwd->win_scale == -2 ? s->win : -1;
	r->why.seq_next = r->seq + seg_seqlen(s);
}

static int note_rtx(struct xsum *m, const struct explain_rec *r, struct err *e)
{
	if (!(r->analysis & EXPLAIN_AF_RETRANSMISSION))
		return 0;
	if (m->nrtx < EXPLAIN_MAX_RTX) {
		if (!m->rtx && !(m->rtx = calloc(EXPLAIN_MAX_RTX, sizeof(*m->rtx))))
			return err_set(e, "out of memory (retransmission list)");
		m->rtx[m->nrtx] = explain_rtx_note_of(r);
	}
	m->nrtx++;
	return 0;
}

/* Handshake timing: most recent SYN -> first SYN+ACK and -> the client's handshake ACK. */
static int note_summary(struct xconn *c, const struct seg *s, const struct explain_rec *r,
			struct err *e)
{
	struct xsum *m = &c->sum;

	if (!m->first_frame)
		m->first_frame = r->frame;
	m->last_frame = r->frame;
	m->nsegs[r->dir]++;
	m->bytes[r->dir] += s->len;
	if ((s->flags & (SEG_SYN | SEG_ACK)) == SEG_SYN) {
		c->syn_us = r->t_us;
		c->have_syn = true;
	} else if ((s->flags & SEG_SYN) && c->have_syn && !c->have_synack) {
		c->synack_us = r->t_us;
		c->have_synack = true;
		m->hs_syn_synack_us = explain_since_us(r->t_us, c->syn_us);
	} else if (r->why.rule == EXPLAIN_WHY_HANDSHAKE_ACK && c->have_synack &&
		   !m->has_handshake) {
		m->has_handshake = true;
		m->hs_rtt_us = explain_since_us(r->t_us, c->syn_us);
	}
	return note_rtx(m, r, e);
}

static int record_segment(struct explain_track *t, struct xconn *c, bool fresh, bool reused,
			  uint64_t frame, const struct tstamp *ts, const struct seg *s,
			  struct err *e)
{
	struct explain_rec r;
	int from = sender_of(c, s);
	uint64_t t_us = tstamp_us(*ts);

	memset(&r, 0, sizeof(r));
	r.kind = EXPLAIN_REC_SEGMENT;
	r.frame = frame;
	r.t_us = t_us;
	r.ts = *ts;
	r.conn = c->id;
	r.who = (enum explain_who)from;
	r.dir = from == EXPLAIN_CLIENT ? EXPLAIN_C2S : EXPLAIN_S2C;
	r.seg = *s;
	r.new_conn = fresh;
	uint32_t prev_ack = c->an.fl[from].lastack;	/* this side's previous ACK field */
	if (explain_analysis_segment(&c->an, r.who, s, frame, t_us, &r, e) < 0)
		return -1;
	if (reused)
		r.analysis |= EXPLAIN_AF_REUSED_PORTS;
	fill_numbers(c, from, s, &r);
	if ((s->flags & SEG_ACK) && (prev_ack == 0 || seq_gt(s->ack, prev_ack)))
		r.why.bytes_acked = prev_ack == 0 ? r.ack : s->ack - prev_ack;
	explain_infer_segment(&c->inf, r.who, s, r.seq, r.ack, &r);
	if (note_summary(c, s, &r, e) < 0)
		return -1;
	c->last_us = t->now;
	if (t->sink(t->ctx, &r, e) < 0)
		return -1;
	if (!is_closed(c))
		return 0;
	explain_analysis_trim(&c->an);	/* closed: keep the state, not the spare lists */
	return emit_summary(t, c, e);
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
	uint32_t before = t->nconns;
	struct xconn *c = conn_for(t, s, &reused, e);
	if (!c)
		return -1;
	list_unlink(t, c);
	list_push_newest(t, c);
	if (c->summarised && !is_closed(c))
		c->summarised = false;	/* late traffic revived it: summarise again */
	return record_segment(t, c, t->nconns != before, reused, frame, ts, s, e);
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
