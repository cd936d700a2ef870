/* explain_json_fast.c - segment and summary records written directly (explain_jw), the --json hot path. */
#include "explain_json.h"

#include <string.h>

#include "explain_jw.h"
#include "explain_present.h"
#include "seg.h"

/*
 * The same members, in the same order, as segment_json / summary_json in explain_json.c
 * (the jansson builders, which tests/unit/test_explain_jw.c uses as the oracle for these).
 */

/* A key literal and its length, for the helpers below. */
#define K(k) "" k, sizeof("" k) - 1

static void key_str(struct explain_jw *w, const char *k, size_t kn, const char *v)
{
	explain_jw_keyn(w, k, kn);
	explain_jw_str(w, v);
}

static void key_int(struct explain_jw *w, const char *k, size_t kn, int64_t v)
{
	explain_jw_keyn(w, k, kn);
	explain_jw_int(w, v);
}

/* digits of v, right-aligned in at least width places (zero-padded), ending at end. */
static char *digits(char *end, uint64_t v, unsigned width)
{
	char *p = end;

	do
		*--p = (char)('0' + v % 10);
	while ((v /= 10) || (unsigned)(end - p) < width);
	return p;
}

/* tstamp_fmt's exact decimal without printf (a --json line has one or more): the
 * oracle test compares it with the jansson path, which calls tstamp_fmt. */
static void exact(struct explain_jw *w, struct tstamp t)
{
	unsigned d = t.digits ? t.digits : 6;
	uint64_t sec, as = t.as;
	char buf[48], *end = buf + sizeof(buf), *p;

	if (t.sec < 0) {
		sec = (uint64_t)(-(t.sec + 1));
		if (as == 0)
			sec++;
		else
			as = TSTAMP_AS - as;
	} else {
		sec = (uint64_t)t.sec;
	}
	p = digits(end, as / tstamp_pow10(TSTAMP_MAX_DIGITS - d), d);
	*--p = '.';
	p = digits(p, sec, 1);
	if (t.sec < 0)
		*--p = '-';
	explain_jw_rawn(w, p, (size_t)(end - p));
}

static void exact_us(struct explain_jw *w, uint64_t us)
{
	exact(w, tstamp_of_us(us));
}

static void rec_time(struct explain_jw *w, const struct explain_rec *r)
{
	if (r->ts.digits)
		exact(w, r->ts);
	else
		exact_us(w, r->t_us);
}

static void addrs(struct explain_jw *w, const struct seg *s)
{
	char buf[SEG_ADDR_STR];

	key_str(w, K("src"), seg_addr_str(s, true, buf, sizeof(buf)));
	key_str(w, K("dst"), seg_addr_str(s, false, buf, sizeof(buf)));
	key_int(w, K("sport"), s->sport);
	key_int(w, K("dport"), s->dport);
}

static void ep(struct explain_jw *w, const char *k, size_t kn, const struct explain_ep *e)
{
	explain_jw_keyn(w, k, kn);
	if (!e->known) {
		explain_jw_null(w);
		return;
	}
	explain_jw_open(w, '{');
	key_str(w, K("before"), explain_state_name(e->before));
	key_str(w, K("after"), explain_state_name(e->after));
	if (e->nvia) {
		explain_jw_key(w, "via");
		explain_jw_open(w, '[');
		for (uint8_t i = 0; i < e->nvia && i < EXPLAIN_MAX_VIA; i++)
			explain_jw_str(w, explain_state_name(e->via[i]));
		explain_jw_close(w, ']');
	}
	explain_jw_close(w, '}');
}

static void analysis(struct explain_jw *w, uint32_t bits)
{
	explain_jw_key(w, "analysis");
	explain_jw_open(w, '[');
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (bits & (1u << i))
			explain_jw_str(w, explain_flag_name(1u << i));
	explain_jw_close(w, ']');
}

/* The prose as it is, or escaped as text_json does when it is not UTF-8 (the jansson
 * builder would drop the member: json_string refuses such text). */
static void prose(struct explain_jw *w, const char *text)
{
	char esc[EXPLAIN_PROSE_MAX * 4];
	size_t n = strlen(text);

	explain_jw_key(w, "explain");
	if (explain_jw_strn(w, text, n))
		return;
	if (n > sizeof(esc) / 4 - 1)
		n = sizeof(esc) / 4 - 1;
	explain_jw_str(w, explain_escape_text(text, n, esc, sizeof(esc)));
}

static void segment(struct explain_jw *w, const struct explain_rec *r, enum explain_lang lang,
		    const char *text)
{
	char flags[16], why[EXPLAIN_PROSE_MAX];

	key_str(w, K("type"), "segment");
	key_int(w, K("frame"), (int64_t)r->frame);
	explain_jw_key(w, "t");
	rec_time(w, r);
	key_int(w, K("conn"), (int64_t)r->conn);
	addrs(w, &r->seg);
	key_str(w, K("dir"), r->dir == EXPLAIN_C2S ? "c2s" : "s2c");
	key_str(w, K("flags"), seg_flags_str(r->seg.flags, flags));
	key_int(w, K("seq"), r->seq);
	key_int(w, K("ack"), r->ack);
	key_int(w, K("seq_raw"), r->seq_raw);
	key_int(w, K("ack_raw"), r->ack_raw);
	key_int(w, K("len"), r->len);
	if (r->seg.cut)
		key_int(w, K("not_captured"), r->seg.cut);
	if (r->seg.frag) {
		explain_jw_key(w, "ip_first_fragment");
		explain_jw_bool(w, true);
	}
	key_int(w, K("win"), r->win);
	explain_jw_key(w, "win_scaled");
	if (r->win_scaled < 0)
		explain_jw_null(w);
	else
		explain_jw_int(w, r->win_scaled);
	ep(w, K("client"), &r->ep[EXPLAIN_CLIENT]);
	ep(w, K("server"), &r->ep[EXPLAIN_SERVER]);
	analysis(w, r->analysis);
	key_str(w, K("rule"), explain_why_name(r->why.rule));
	if (!text) {
		explain_text_why(r, lang, why, sizeof(why));
		text = why;
	}
	prose(w, text);
}

static void who(struct explain_jw *w, const char *k, size_t kn, int v)
{
	explain_jw_keyn(w, k, kn);
	if (v < 0)
		explain_jw_null(w);
	else
		explain_jw_str(w, v == EXPLAIN_CLIENT ? "client" : "server");
}

static void pair(struct explain_jw *w, const char *k, size_t kn, const uint64_t v[2])
{
	explain_jw_keyn(w, k, kn);
	explain_jw_open(w, '[');
	explain_jw_int(w, (int64_t)v[0]);
	explain_jw_int(w, (int64_t)v[1]);
	explain_jw_close(w, ']');
}

static void final(struct explain_jw *w, const char *k, size_t kn, const struct explain_summary *m, int i)
{
	explain_jw_keyn(w, k, kn);
	if (m->final_unknown[i])
		explain_jw_null(w);
	else
		explain_jw_str(w, explain_state_name(m->final[i]));
}

static void rtx_list(struct explain_jw *w, const struct explain_summary *m)
{
	explain_jw_key(w, "rtx");
	explain_jw_open(w, '[');
	for (uint32_t i = 0; i < m->nrtx && i < EXPLAIN_MAX_RTX; i++) {
		explain_jw_open(w, '{');
		key_int(w, K("frame"), (int64_t)m->rtx[i].frame);
		key_int(w, K("of_frame"), (int64_t)m->rtx[i].of_frame);
		explain_jw_key(w, "after");
		exact_us(w, m->rtx[i].after_us);
		key_str(w, K("dir"), m->rtx[i].dir == EXPLAIN_C2S ? "c2s" : "s2c");
		key_int(w, K("seq"), (int64_t)m->rtx[i].seq);
		key_str(w, K("cause"), explain_rtx_cause_name(m->rtx[i].cause));
		explain_jw_close(w, '}');
	}
	explain_jw_close(w, ']');
}

static void bool_key(struct explain_jw *w, const char *k, size_t kn, bool v)
{
	explain_jw_keyn(w, k, kn);
	explain_jw_bool(w, v);
}

static void summary(struct explain_jw *w, const struct explain_rec *r)
{
	const struct explain_summary *m = &r->sum;
	bool crossing = m->sim_close && !m->reset;	/* see summary_json */

	key_str(w, K("type"), "summary");
	key_int(w, K("conn"), (int64_t)r->conn);
	key_int(w, K("first_frame"), (int64_t)m->first_frame);
	key_int(w, K("last_frame"), (int64_t)m->last_frame);
	addrs(w, &r->seg);
	pair(w, K("segments"), m->nsegs);
	pair(w, K("bytes"), m->bytes);
	explain_jw_key(w, "handshake_rtt");
	if (m->has_handshake)
		exact_us(w, m->hs_rtt_us);
	else
		explain_jw_null(w);
	bool_key(w, K("closed"), m->closed);
	bool_key(w, K("reset"), m->reset);
	who(w, K("closed_first"), crossing ? -1 : m->closer);
	if (crossing)
		who(w, K("fin_captured_first"), m->closer);
	explain_jw_key(w, "close_segments");
	if (m->close_segments)
		explain_jw_int(w, m->close_segments);
	else
		explain_jw_null(w);
	who(w, K("time_wait"), m->time_wait);
	if (m->time_wait_cut)
		bool_key(w, K("time_wait_cut"), true);
	bool_key(w, K("simultaneous_close"), m->sim_close);
	final(w, K("client_final"), m, 0);
	final(w, K("server_final"), m, 1);
	key_int(w, K("retransmissions"), m->nrtx);
	rtx_list(w, m);
}

int explain_json_fast_write(const struct explain_rec *r, enum explain_lang lang,
			    const char *text, FILE *out)
{
	struct explain_jw w;

	explain_jw_init(&w, out);
	explain_jw_open(&w, '{');
	if (r->kind == EXPLAIN_REC_SEGMENT)
		segment(&w, r, lang, text);
	else
		summary(&w, r);
	explain_jw_close(&w, '}');
	return explain_jw_end(&w);
}
