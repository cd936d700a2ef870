/* helper_explain_feed.h - a fake capture for explanation tests: segments of one client/server pair fed to the tracker, its records and English text collected. */
#ifndef SYNLAB_HELPER_EXPLAIN_FEED_H
#define SYNLAB_HELPER_EXPLAIN_FEED_H

/* Included by the test files that replay false claims (test_explain_truth.c,
 * test_explain_handmade.c) after cmocka.h, explain_present.h and explain_track.h;
 * static inline so each test takes what it uses. */

#define MAXR 32
#define CISN 1000u
#define SISN 5000u
#define MS 1000u

struct got {
	struct explain_rec r[MAXR];
	char text[MAXR][4096];
	int n;
	struct explain_prose_ctx ctx;
};

static inline int collect(void *ctx, const struct explain_rec *r, struct err *e)
{
	struct got *g = ctx;

	(void)e;
	if (g->n >= MAXR)
		return 0;
	g->r[g->n] = *r;
	g->r[g->n].seg.payload = NULL;	/* valid only during the callback */
	explain_prose_ctx(&g->ctx, r, EXPLAIN_LANG_EN, g->text[g->n], sizeof(g->text[0]));
	g->n++;
	return 0;
}

struct feed {
	struct got g;
	struct explain_track *t;
	uint64_t frame;
};

static inline void feed_init(struct feed *f)
{
	memset(f, 0, sizeof(*f));
	explain_prose_ctx_init(&f->g.ctx);
	f->t = explain_track_new(NULL, collect, &f->g, NULL);
	assert_non_null(f->t);
}

/* A segment of the client (c2s) or the server, seq/ack relative to the sender's /
 * receiver's ISN, its payload from the test text (len <= 64). */
static inline struct seg feed_mkseg(bool c2s, uint8_t flags, uint32_t rseq, uint32_t rack,
				    uint16_t win, uint32_t len)
{
	static const uint8_t data[64] = "Just a test.\r\nJust a test.\r\nJust a test.\r\n";
	struct seg s;

	memset(&s, 0, sizeof(s));
	s.saddr = c2s ? 0xc6120001 : 0xc6120002;
	s.daddr = c2s ? 0xc6120002 : 0xc6120001;
	s.sport = c2s ? 40000 : 80;
	s.dport = c2s ? 80 : 40000;
	s.seq = (c2s ? CISN : SISN) + rseq;
	s.ack = (flags & SEG_ACK) ? (c2s ? SISN : CISN) + rack : 0;
	s.flags = flags;
	s.win = win;
	s.len = len;
	s.payload = len ? data : NULL;
	return s;
}

/* One segment: c2s from the client (198.18.0.1:40000) or back; seq/ack relative to the
 * sender's / receiver's ISN; the IP ID distinguishes real resends from copies. */
static inline void send_seg(struct feed *f, bool c2s, uint64_t t_us, uint8_t flags, uint32_t rseq,
		     uint32_t rack, uint16_t win, uint32_t len, uint16_t ip_id)
{
	struct seg s = feed_mkseg(c2s, flags, rseq, rack, win, len);

	s.ip_id = ip_id;
	s.tcp_csum = (uint16_t)(s.seq ^ s.ack ^ flags ^ len ^ win);
	assert_int_equal(explain_track_segment(f->t, ++f->frame, t_us, &s, NULL), 0);
}

static inline void finish(struct feed *f)
{
	assert_int_equal(explain_track_finish(f->t, NULL), 0);
	explain_track_free(f->t);
}

/* The record of frame n (1-based), and the connection's summary. */
static inline const struct explain_rec *frame_rec(const struct feed *f, uint64_t n, const char **text)
{
	for (int i = 0; i < f->g.n; i++)
		if (f->g.r[i].kind == EXPLAIN_REC_SEGMENT && f->g.r[i].frame == n) {
			*text = f->g.text[i];
			return &f->g.r[i];
		}
	fail_msg("no record of frame %llu", (unsigned long long)n);
	return NULL;
}

static inline const struct explain_rec *summary(const struct feed *f, const char **text)
{
	for (int i = 0; i < f->g.n; i++)
		if (f->g.r[i].kind == EXPLAIN_REC_SUMMARY) {
			*text = f->g.text[i];
			return &f->g.r[i];
		}
	fail_msg("no summary");
	return NULL;
}

static inline void has(const char *text, const char *want)
{
	if (!strstr(text, want))
		fail_msg("missing '%s' in: %s", want, text);
}

static inline void lacks(const char *text, const char *bad)
{
	if (strstr(text, bad))
		fail_msg("false claim '%s' in: %s", bad, text);
}

static inline void handshake(struct feed *f)
{
	send_seg(f, true, 0, SEG_SYN, 0, 0, 65535, 0, 1);
	send_seg(f, false, 100, SEG_SYN | SEG_ACK, 0, 1, 65535, 0, 1);
	send_seg(f, true, 200, SEG_ACK, 1, 1, 65535, 0, 2);
}
#endif
