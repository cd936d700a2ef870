/* server_flood.c - synlab-server under floods: counters, log summaries, RST rate limit, SYN cookies, the --stats line. */
#include "server_flood.h"

#include <inttypes.h>
#include <sodium.h>
#include <string.h>

#include "syncookie.h"

void sflood_init(struct sflood *f, const struct server_opts *o, uint64_t now)
{
	static const char *const names[SFLOOD_NCAT] = {
		"bad-checksum", "unparsable", "no-connection", "challenge-ack", "out-of-window",
		"syn-dropped", "syn-cookie", "send-error",
	};

	memset(f, 0, sizeof(*f));
	f->o = o;
	logsum_init(&f->ls, o->log_lines, 1000000);
	for (int i = 0; i < SFLOOD_NCAT; i++)
		f->cat[i] = logsum_cat(&f->ls, names[i]);
	ratelim_init(&f->rst, o->rst_limit, 1000000);
	randombytes_buf(f->secret, sizeof(f->secret));
	f->next_stats = now + o->stats_us;
}

bool sflood_note(struct sflood *f, struct live *l, enum sflood_cat c, uint64_t now)
{
	return logsum_note(&f->ls, f->cat[c], now, sflood_logfile(l));
}

/* A challenge ACK the TCB's per-connection answer limit suppressed (n0: what it would
 * have answered, tcb.h TCB_WHY_REPLY_RATE_LIMITED): counted as a challenge ACK. */
static bool sflood_limited_challenge(const struct tcb_event *v)
{
	return v->kind == TCB_EV_SEG_DROPPED && v->why == TCB_WHY_REPLY_RATE_LIMITED &&
	       (v->n[0] == TCB_WHY_RST_IN_WINDOW || v->n[0] == TCB_WHY_SYN_IN_SYNC ||
		v->n[0] == TCB_WHY_ACK_TOO_OLD);
}

int sflood_classify(const struct tcb_out *o)
{
	int cat = -1;

	for (unsigned i = 0; i < o->nev; i++) {
		const struct tcb_event *v = &o->ev[i];

		if (v->kind == TCB_EV_CHALLENGE_ACK || sflood_limited_challenge(v))
			cat = SFLOOD_CHALLENGE;
		else if (v->kind == TCB_EV_SEG_DROPPED && (v->why == TCB_WHY_SEQ_UNACCEPTABLE ||
							    v->why == TCB_WHY_RST_OUT_OF_WINDOW ||
							    v->why == TCB_WHY_ACK_UNSENT ||
							    v->why == TCB_WHY_REPLY_RATE_LIMITED))
			cat = cat < 0 ? SFLOOD_OUT_OF_WINDOW : cat;
		else if (v->kind != TCB_EV_ACK_SENT)
			return -1;	/* anything else is worth its own lines */
	}
	return cat;
}

FILE *sflood_logfile(struct live *l)
{
	live_log_flush(live_log_of(l));	/* summaries come after the records already made */
	return live_log_of(l)->o.mode == LIVE_LOG_JSON ? stderr : live_log_of(l)->f;
}

FILE *sflood_mute(struct live *l)
{
	FILE *was = live_log_of(l)->f;

	live_log_of(l)->f = NULL;
	return was;
}

void sflood_unmute(struct live *l, FILE *was)
{
	live_log_of(l)->f = was;
}

/* Sends s with the log on or off; a refused send is counted, not fatal. */
static void send_counted(struct sflood *f, struct live *l, const struct seg *s,
			 const char *why, bool loud, uint64_t now)
{
	FILE *was = loud ? live_log_of(l)->f : sflood_mute(l);
	struct err e;
	int r = live_send_raw(l, s, why, &e);

	sflood_unmute(l, was);
	if (r < 0) {
		f->st.send_errors++;
		if (sflood_note(f, l, SFLOOD_SEND_ERROR, now))
			live_log_note(live_log_of(l), "     send failed: %s", e.msg);
	}
}

void sflood_refuse(struct sflood *f, struct live *l, const struct seg *s, const char *why,
		   uint64_t now)
{
	struct seg rst;
	bool loud = sflood_note(f, l, SFLOOD_NO_CONN, now);
	FILE *was = loud ? live_log_of(l)->f : sflood_mute(l);

	f->st.no_conn++;
	live_log_received(l, NULL, s, TCB_CLOSED, TCB_CLOSED);
	sflood_unmute(l, was);
	if (!tcb_closed_reply(s, &rst))
		return;
	if (!ratelim_allow(&f->rst, now)) {
		f->st.rst_limited++;
		if (loud)
			live_log_note(live_log_of(l), "     RST %s not sent: --rst-limit %u per second reached",
				      why, f->o->rst_limit);
		return;
	}
	f->st.rst_sent++;
	send_counted(f, l, &rst, why, loud, now);
}

void sflood_send_cookie(struct sflood *f, struct live *l, const struct seg *syn,
			uint64_t now)
{
	struct tcb_addr a = tcb_addr_of_seg(syn, true);
	uint16_t mss = syn->opts.has_mss ? syn->opts.mss : 0;
	struct seg sa;

	tcb_cookie_synack(&f->o->params, syn, syncookie_make(f->secret, &a, syn->seq, mss, now),
			  &sa);
	f->st.cookies_sent++;
	send_counted(f, l, &sa, f->o->syncookies == SCOOKIES_ALWAYS ?
		     "(--syncookies always: SYN cookie, no state kept, RFC 4987 §3.6)" :
		     "(backlog full: SYN cookie, no state kept, RFC 4987 §3.6)",
		     sflood_note(f, l, SFLOOD_COOKIE, now), now);
}

bool sflood_check_cookie(struct sflood *f, const struct seg *s, uint64_t now, uint32_t *iss,
			 uint32_t *irs, uint16_t *mss)
{
	struct tcb_addr a = tcb_addr_of_seg(s, true);

	*iss = s->ack - 1;
	*irs = s->seq - 1;
	if (syncookie_check(f->secret, &a, *irs, *iss, now, mss)) {
		f->st.cookies_ok++;
		return true;
	}
	f->st.cookies_bad++;
	return false;
}

static void count_state(const struct tcb_addr *k, void *val, void *arg)
{
	const struct live_conn *c = val;
	unsigned *by = arg;

	(void)k;
	if (live_conn_tcb(c) && (unsigned)tcb_state(live_conn_tcb(c)) < TCB_NSTATES)
		by[tcb_state(live_conn_tcb(c))]++;
}

void sflood_stats(struct sflood *f, struct live *l, const struct conntab *tab,
		  unsigned half_open, uint64_t now, bool force)
{
	unsigned by[TCB_NSTATES] = { 0 };
	const struct server_stats *s = &f->st;

	if (!f->o->stats_us || (!force && now < f->next_stats))
		return;
	f->next_stats = now + f->o->stats_us;
	conntab_each(tab, count_state, by);
	fprintf(stderr, "stats: t=%.1f s conns=%zu", live_elapsed(l, now) / 1e6, tab->count);
	for (int i = 0; i < TCB_NSTATES; i++)
		if (by[i])
			fprintf(stderr, " %s=%u", tcb_state_name((enum tcb_state)i), by[i]);
	fprintf(stderr, " half-open=%u peak-half-open=%u backlog=%u syn-dropped=%" PRIu64
		" cookies-sent=%" PRIu64 " cookies-ok=%" PRIu64 " cookies-bad=%" PRIu64
		" no-conn=%" PRIu64 " rst-sent=%" PRIu64 " rst-limited=%" PRIu64
		" challenge-acks=%" PRIu64 " bad-csum=%" PRIu64 " unparsed=%" PRIu64
		" send-errors=%" PRIu64 "\n", half_open, s->peak_half_open, f->o->backlog,
		s->syn_dropped, s->cookies_sent, s->cookies_ok, s->cookies_bad, s->no_conn,
		s->rst_sent, s->rst_limited, s->challenge_acks, s->bad_csum, s->unparsed,
		s->send_errors);
	fflush(stderr);
}
