/* helper_explain_recs.c - builds synthetic explain records of whole connections, as a tracker would. */
#include "helper_explain_recs.h"

#include <string.h>

const char *const helper_scenario_name[HELPER_NSCENARIOS] = {
	"handshake", "echo_close4", "close3", "server_first", "live_drop",
};

/* A connection being written: both sides' numbers and states. */
struct scen {
	struct explain_rec *out;
	size_t cap, n;
	uint64_t frame, t;
	uint32_t isn[2];		/* by direction (= by sender) */
	uint32_t snd[2];		/* next relative seq each side sends */
	uint32_t acked[2];		/* highest relative ack each side has sent */
	enum tcb_state st[2];
	bool known[2];
	uint64_t last_frame[2], last_t[2];	/* last frame carrying seq space per dir */
	uint32_t last_end[2];
	struct explain_summary sum;
};

static void scen_init(struct scen *s, struct explain_rec *out, size_t cap)
{
	memset(s, 0, sizeof(*s));
	s->out = out;
	s->cap = cap;
	s->isn[EXPLAIN_C2S] = HELPER_CLIENT_ISN;
	s->isn[EXPLAIN_S2C] = HELPER_SERVER_ISN;
	s->st[EXPLAIN_CLIENT] = TCB_CLOSED;
	s->st[EXPLAIN_SERVER] = TCB_LISTEN;
	s->known[0] = s->known[1] = true;
	s->sum.closer = -1;
	s->sum.time_wait = -1;
}

static struct explain_rec *scen_next(struct scen *s, enum explain_kind kind, uint64_t dt)
{
	struct explain_rec *r;

	if (s->n == s->cap)
		return NULL;
	r = &s->out[s->n++];
	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->t_us = (s->t += dt);
	r->conn = 1;
	return r;
}

static void fill_wire(struct scen *s, struct explain_rec *r, int d, uint8_t flags,
		      const char *payload)
{
	r->dir = (enum explain_dir)d;
	r->who = (enum explain_who)d;
	r->seg.saddr = d ? 0xC6120002u : 0xC6120001u;	/* 198.18.0.2 / 198.18.0.1 */
	r->seg.daddr = d ? 0xC6120001u : 0xC6120002u;
	r->seg.sport = d ? 9501 : 40000;
	r->seg.dport = d ? 40000 : 9501;
	r->seg.ttl = 64;
	r->seg.flags = flags;
	r->seg.win = 64240;
	r->seg.payload = (const uint8_t *)payload;
	r->seg.len = payload ? (uint32_t)strlen(payload) : 0;
	if (flags & SEG_SYN) {
		r->seg.opts.has_mss = true;
		r->seg.opts.mss = 1460;
		r->seg.opts.has_wscale = true;
		r->seg.opts.wscale = 7;
	}
	r->seq = s->snd[d];
	r->ack = (flags & SEG_ACK) ? s->snd[!d] : 0;
	r->seq_raw = r->seg.seq = s->isn[d] + r->seq;
	r->ack_raw = r->seg.ack = (flags & SEG_ACK) ? s->isn[!d] + r->ack : 0;
	r->len = r->seg.len;
	r->win = r->seg.win;
	r->win_scaled = r->win;
}

static void fill_why(struct scen *s, struct explain_rec *r, int d, enum explain_why rule)
{
	r->why.rule = rule;
	r->why.seq_next = r->seq + seg_seqlen(&r->seg);
	if (r->seg.flags & SEG_ACK) {
		r->why.bytes_acked = r->ack - s->acked[d];
		if (r->why.bytes_acked && s->last_end[!d] == r->ack && s->last_frame[!d]) {
			r->why.acks_frame = s->last_frame[!d];
			r->why.ack_rtt_us = r->t_us - s->last_t[!d];
		}
		s->acked[d] = r->ack;
	}
}

/* One segment from direction d; the states each side is in afterwards. */
static struct explain_rec *seg(struct scen *s, int d, uint8_t flags, const char *payload,
			       enum explain_why rule, enum tcb_state snd_after,
			       enum tcb_state rcv_after, uint64_t dt)
{
	struct explain_rec *r = scen_next(s, EXPLAIN_REC_SEGMENT, dt);

	if (!r)
		return NULL;
	r->frame = ++s->frame;
	r->new_conn = s->frame == 1;
	fill_wire(s, r, d, flags, payload);
	fill_why(s, r, d, rule);
	for (int w = 0; w < 2; w++) {
		r->ep[w].known = s->known[w];
		r->ep[w].before = s->st[w];
	}
	s->st[d] = snd_after;
	s->st[!d] = rcv_after;
	for (int w = 0; w < 2; w++)
		r->ep[w].after = s->known[w] ? s->st[w] : r->ep[w].before;
	if (seg_seqlen(&r->seg)) {
		s->snd[d] = r->why.seq_next;
		s->last_frame[d] = r->frame;
		s->last_t[d] = r->t_us;
		s->last_end[d] = r->why.seq_next;
	}
	s->sum.nsegs[d]++;
	s->sum.bytes[d] += r->len;
	return r;
}

static void summary(struct scen *s, int closer, int close_segments, int time_wait)
{
	struct explain_rec *r = scen_next(s, EXPLAIN_REC_SUMMARY, 0);

	if (!r)
		return;
	r->frame = s->frame;
	s->sum.first_frame = 1;
	s->sum.last_frame = s->frame;
	s->sum.closer = closer;
	s->sum.closed = close_segments > 0;
	s->sum.close_segments = close_segments;
	s->sum.time_wait = time_wait;
	s->sum.final[0] = s->st[0];
	s->sum.final[1] = s->st[1];
	r->sum = s->sum;
}

static void handshake(struct scen *s)
{
	/* States change where a segment is sent or received (the receiver's on arrival). */
	seg(s, 0, SEG_SYN, NULL, EXPLAIN_WHY_SYN, TCB_SYN_SENT, TCB_SYN_RECEIVED, 0);
	seg(s, 1, SEG_SYN | SEG_ACK, NULL, EXPLAIN_WHY_SYN_ACK, TCB_SYN_RECEIVED,
	    TCB_ESTABLISHED, 48);
	seg(s, 0, SEG_ACK, NULL, EXPLAIN_WHY_HANDSHAKE_ACK, TCB_ESTABLISHED, TCB_ESTABLISHED, 31);
	s->sum.has_handshake = true;
	s->sum.hs_rtt_us = 79;
	s->sum.hs_syn_synack_us = 48;
}

static void echo(struct scen *s)
{
	const enum tcb_state e = TCB_ESTABLISHED;

	seg(s, 0, SEG_PSH | SEG_ACK, "Just a test.\r\n", EXPLAIN_WHY_DATA, e, e, 210);
	seg(s, 1, SEG_ACK, NULL, EXPLAIN_WHY_ACK, e, e, 40);
	seg(s, 1, SEG_PSH | SEG_ACK, "Server: Just a test.\r\n", EXPLAIN_WHY_DATA, e, e, 95);
	seg(s, 0, SEG_ACK, NULL, EXPLAIN_WHY_ACK, e, e, 30);
}

/* Side a closes first with FIN, side b answers; four or three segments. */
static void close_by(struct scen *s, int a, bool piggyback)
{
	int b = !a;

	seg(s, a, SEG_FIN | SEG_ACK, NULL, EXPLAIN_WHY_FIN, TCB_FIN_WAIT_1, TCB_CLOSE_WAIT, 120);
	if (!piggyback)
		seg(s, b, SEG_ACK, NULL, EXPLAIN_WHY_ACK, TCB_CLOSE_WAIT, TCB_FIN_WAIT_2, 35);
	seg(s, b, SEG_FIN | SEG_ACK, NULL, EXPLAIN_WHY_FIN_REPLY, TCB_LAST_ACK, TCB_TIME_WAIT, 60);
	seg(s, a, SEG_ACK, NULL, EXPLAIN_WHY_FIN_ACK, TCB_TIME_WAIT, TCB_CLOSED, 25);
	summary(s, a, piggyback ? 3 : 4, a);
}

/* The live server's view: the client's states are unknown; its SYN+ACK is dropped by
 * the impairment engine and resent by the retransmission timer. */
static void live_drop(struct scen *s)
{
	struct explain_rec *r;

	s->known[EXPLAIN_CLIENT] = false;
	seg(s, 0, SEG_SYN, NULL, EXPLAIN_WHY_SYN, TCB_SYN_SENT, TCB_SYN_RECEIVED, 0);
	seg(s, 1, SEG_SYN | SEG_ACK, NULL, EXPLAIN_WHY_SYN_ACK, TCB_SYN_RECEIVED,
	    TCB_SYN_SENT, 20);
	r = scen_next(s, EXPLAIN_REC_IMPAIR, 1);
	*r = s->out[s->n - 2];
	r->t_us = s->t;
	r->kind = EXPLAIN_REC_IMPAIR;
	r->impair.act = EXPLAIN_IMP_DROP;
	strcpy(r->impair.rule, "drop:s2c:1");
	r = scen_next(s, EXPLAIN_REC_EVENT, 999979);
	r->frame = s->frame;
	r->who = EXPLAIN_SERVER;
	r->ev = (struct tcb_event){ .kind = TCB_EV_TIMER, .from = TCB_SYN_RECEIVED,
				    .to = TCB_SYN_RECEIVED, .timer = TCB_TIMER_RTX,
				    .after_us = 1000000, .rto_us = 2000000 };
	r->backoff = EXPLAIN_BACKOFF_DOUBLES;	/* a live record: the SYN+ACK's schedule */
	r = scen_next(s, EXPLAIN_REC_EVENT, 0);
	r->frame = s->frame;
	r->who = EXPLAIN_SERVER;
	r->ev = (struct tcb_event){ .kind = TCB_EV_RETRANSMIT, .from = TCB_SYN_RECEIVED,
				    .to = TCB_SYN_RECEIVED, .timer = TCB_TIMER_RTX, .count = 1,
				    .after_us = 1000000, .rto_us = 2000000 };
	r->backoff = EXPLAIN_BACKOFF_DOUBLES;
	s->snd[1] = 0;
	r = seg(s, 1, SEG_SYN | SEG_ACK, NULL, EXPLAIN_WHY_SYN_ACK, TCB_SYN_RECEIVED,
		TCB_SYN_SENT, 0);
	r->analysis = EXPLAIN_AF_RETRANSMISSION;
	r->why.rtx_count = 1;
	r->why.rtx_of_frame = 2;
	r->why.rtx_after_us = 1000000;
	r->why.rtx_cause = EXPLAIN_RTX_TIMER;	/* 1 s, the initial RTO: the timer */
	seg(s, 0, SEG_ACK, NULL, EXPLAIN_WHY_HANDSHAKE_ACK, TCB_ESTABLISHED, TCB_ESTABLISHED, 35);
	s->sum.has_handshake = true;
	s->sum.hs_rtt_us = 1000056;
	s->sum.hs_syn_synack_us = 20;
	s->sum.nrtx = 1;
	s->sum.rtx[0].frame = 3;
	s->sum.rtx[0].of_frame = 2;
	s->sum.rtx[0].after_us = 1000000;
	s->sum.rtx[0].dir = EXPLAIN_S2C;
	s->sum.rtx[0].seq = 0;
	summary(s, -1, 0, -1);
	s->out[s->n - 1].sum.final[EXPLAIN_CLIENT] = TCB_ESTABLISHED;
}

size_t helper_scenario(enum helper_scenario sc, struct explain_rec *out, size_t cap)
{
	struct scen s;

	scen_init(&s, out, cap);
	switch (sc) {
	case HELPER_HANDSHAKE:
		handshake(&s);
		summary(&s, -1, 0, -1);
		break;
	case HELPER_ECHO_CLOSE4:
		handshake(&s);
		echo(&s);
		close_by(&s, EXPLAIN_CLIENT, false);
		break;
	case HELPER_CLOSE3:
		handshake(&s);
		close_by(&s, EXPLAIN_CLIENT, true);
		break;
	case HELPER_SERVER_FIRST:
		handshake(&s);
		close_by(&s, EXPLAIN_SERVER, false);
		break;
	default:
		live_drop(&s);
		break;
	}
	return s.n;
}

/* ---- packet bytes ---- */

static uint32_t sum16(const uint8_t *p, size_t n, uint32_t acc)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		acc += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		acc += (uint32_t)(p[n - 1] << 8);
	return acc;
}

static uint16_t fold(uint32_t acc)
{
	while (acc >> 16)
		acc = (acc & 0xffff) + (acc >> 16);
	return (uint16_t)~acc;
}

static void put16(uint8_t *p, uint32_t v) { p[0] = (uint8_t)(v >> 8); p[1] = (uint8_t)v; }
static void put32(uint8_t *p, uint32_t v) { put16(p, v >> 16); put16(p + 2, v); }

static size_t tcp_header(const struct seg *g, uint8_t *t)
{
	size_t hl = (g->flags & SEG_SYN) ? 28 : 20;

	memset(t, 0, hl);
	put16(t, g->sport);
	put16(t + 2, g->dport);
	put32(t + 4, g->seq);
	put32(t + 8, g->ack);
	t[12] = (uint8_t)(hl / 4 << 4);
	t[13] = g->flags;
	put16(t + 14, g->win);
	if (hl == 28) {	/* MSS 1460, NOP, window scale 7 */
		t[20] = 2; t[21] = 4; put16(t + 22, g->opts.mss);
		t[24] = 1; t[25] = 3; t[26] = 3; t[27] = g->opts.wscale;
	}
	return hl;
}

size_t helper_packet(const struct explain_rec *r, uint8_t *buf, size_t cap)
{
	const struct seg *g = &r->seg;
	uint8_t *t = buf + 20, pseudo[12];
	size_t hl, total;

	if (cap < 20 + 28 + g->len)
		return 0;
	hl = tcp_header(g, t);
	if (g->len)
		memcpy(t + hl, g->payload, g->len);
	total = 20 + hl + g->len;
	memset(buf, 0, 20);
	buf[0] = 0x45;
	put16(buf + 2, (uint32_t)total);
	buf[6] = 0x40;	/* DF */
	buf[8] = 64;
	buf[9] = 6;
	put32(buf + 12, g->saddr);
	put32(buf + 16, g->daddr);
	put16(buf + 10, fold(sum16(buf, 20, 0)));
	put32(pseudo, g->saddr);
	put32(pseudo + 4, g->daddr);
	put16(pseudo + 8, 6);
	put16(pseudo + 10, (uint32_t)(hl + g->len));
	put16(t + 16, fold(sum16(t, hl + g->len, sum16(pseudo, 12, 0))));
	return total;
}
