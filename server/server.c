/* server.c - synlab-server: accepts connections into a 4-tuple table and runs the app on each. */
#include "server.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <arpa/inet.h>

#include "cli.h"
#include "conntab.h"
#include "live.h"
#include "priv.h"
#include "server_flood.h"

/* One connection's application side. */
struct sconn {
	struct app app;
	bool replied;		/* the app has sent something */
	bool closing;		/* CLOSE called */
	bool counted_open;	/* counted in the half-open backlog */
	size_t after_fin;	/* --send-after-fin bytes queued so far */
};

struct server {
	struct server_opts *o;
	struct live *l;
	struct conntab tab;
	unsigned half_open;	/* connections in SYN-RECEIVED */
	unsigned closed;	/* connections that reached CLOSED */
	int signals;		/* SIGINT/SIGTERM seen */
	bool aborting;		/* the second signal: RSTs pass a step decision */
	bool stopping;		/* no new connections; exit when the table is empty */
	struct sflood fl;	/* flood counters, log summaries, RST limit, SYN cookies */
	uint8_t buf[16384 + 64];
};

/* A segment the wire refuses (a hostile peer's spoofed, unroutable address) is counted
 * and treated as lost, not fatal: the TCB's timers recover or give up. */
static int emit(struct server *v, struct live_conn *c, struct tcb_out *out, struct err *e)
{
	if ((v->aborting ? live_emit_abort : live_emit)(v->l, c, out, e) == 0)
		return 0;
	v->fl.st.send_errors++;
	if (sflood_note(&v->fl, v->l, SFLOOD_SEND_ERROR, live_now(v->l, NULL)))
		live_log_note(live_log_of(v->l), "     send failed: %s", e->msg);
	e->msg[0] = '\0';
	return live_conn_released(c) ? 0 : live_arm(v->l, c, e);
}

/* Keeps the half-open count in step with the TCB's state. */
static void track_backlog(struct server *v, struct live_conn *c)
{
	struct sconn *sc = live_conn_user(c);
	bool half = tcb_state(live_conn_tcb(c)) == TCB_SYN_RECEIVED;

	if (half != sc->counted_open) {
		sc->counted_open = half;
		if (half && ++v->half_open > v->fl.st.peak_half_open)
			v->fl.st.peak_half_open = v->half_open;
		else if (!half)
			v->half_open--;
	}
}

static void forget(struct server *v, struct live_conn *c)
{
	struct sconn *sc = live_conn_user(c);

	if (sc->counted_open)
		v->half_open--;
	conntab_del(&v->tab, live_conn_addr(c));
	tcb_free(live_conn_tcb(c));
	app_free(&sc->app);
	free(sc);
	live_conn_release(v->l, c);
	v->closed++;
}

static int do_close(struct live_conn *c, uint64_t now, struct tcb_out *out, struct err *e)
{
	struct sconn *sc = live_conn_user(c);

	sc->closing = true;
	live_conn_set_deadline(c, TCB_NEVER);
	return tcb_close(live_conn_tcb(c), now, out, e);
}

/* How much to read now: no more than the send buffer can answer (echo adds a prefix),
 * so no reply is ever cut short; what is left stays in the receive queue, whose window
 * closes: flow control back to the peer until our data is acknowledged. */
static size_t read_cap(const struct live_conn *c, size_t cap)
{
	const struct sconn *sc = live_conn_user(c);
	size_t room = tcb_send_room(live_conn_tcb(c));

	if (sc->closing)
		return cap;	/* replies are no longer sent: read freely */
	if (room <= 16)
		return 0;
	return room - 16 < cap ? room - 16 : cap;
}

/* Reads what arrived and queues the application's answer, all into one tcb_out. */
static int serve(struct server *v, struct live_conn *c, uint64_t now, struct tcb_out *out,
		 struct err *e)
{
	struct sconn *sc = live_conn_user(c);
	uint8_t in[8192];
	size_t n, cap;

	while (tcb_readable(live_conn_tcb(c)) && (cap = read_cap(c, sizeof(in))) &&
	       (n = tcb_receive(live_conn_tcb(c), in, cap, now, out))) {
		const uint8_t *reply;
		size_t rlen = app_input(&sc->app, in, n, v->buf, sizeof(v->buf), &reply);

		if (rlen && !sc->closing) {
			if (tcb_send(live_conn_tcb(c), reply, rlen, now, out, e) < 0)
				return -1;
			sc->replied = true;
		}
	}
	return 0;
}

/* --send-after-fin: the peer has closed its half; ours stays open for N more bytes
 * (RFC 9293 §3.6: CLOSE-WAIT may still send). They go out before our FIN. */
static int half_close_send(struct server *v, struct live_conn *c, uint64_t now,
			   struct tcb_out *out, struct err *e)
{
	struct sconn *sc = live_conn_user(c);
	size_t want = v->o->send_after_fin;
	uint8_t chunk[4096];
	long n;

	while (sc->after_fin < want) {
		size_t k = want - sc->after_fin < sizeof(chunk) ? want - sc->after_fin
								 : sizeof(chunk);

		app_chargen(chunk, k, sc->after_fin);
		if ((n = tcb_send(live_conn_tcb(c), chunk, k, now, out, e)) < 0)
			return -1;
		if (n == 0)
			break;	/* send buffer full: the rest after the next ACK */
		sc->after_fin += (size_t)n;
	}
	return 0;
}

/* The close decisions: app done, --close-first, or the peer's FIN (after --close-delay). */
static int maybe_close(struct server *v, struct live_conn *c, uint64_t now, struct tcb_out *out,
		       struct err *e)
{
	struct sconn *sc = live_conn_user(c);
	enum tcb_state s = tcb_state(live_conn_tcb(c));

	if (sc->closing || (s != TCB_ESTABLISHED && s != TCB_CLOSE_WAIT))
		return 0;
	if (sc->app.done || (v->o->close_first && sc->replied) || v->stopping)
		return do_close(c, now, out, e);
	if (!tcb_peer_closed(live_conn_tcb(c)) || tcb_readable(live_conn_tcb(c)))
		return 0;	/* the app answers every byte before our FIN */
	if (half_close_send(v, c, now, out, e) < 0)
		return -1;
	if (sc->after_fin < v->o->send_after_fin)
		return 0;	/* more half-close data to queue first */
	if (v->o->close_delay_us == 0)
		return do_close(c, now, out, e);	/* FIN rides on the ACK: 3 segments */
	if (live_conn_deadline(c) == TCB_NEVER)
		live_conn_set_deadline(c, now + v->o->close_delay_us);
	return 0;
}

/* After any TCB call: serve, maybe close, send everything, retire a closed connection. */
static int settle(struct server *v, struct live_conn *c, uint64_t now, struct tcb_out *out,
		  struct err *e)
{
	if (serve(v, c, now, out, e) < 0 || maybe_close(v, c, now, out, e) < 0)
		return -1;
	if (emit(v, c, out, e) < 0)
		return -1;
	track_backlog(v, c);
	if (tcb_state(live_conn_tcb(c)) == TCB_CLOSED)
		forget(v, c);
	else if (tcb_state(live_conn_tcb(c)) == TCB_TIME_WAIT)	/* 128-byte record (tcb.h) */
		live_conn_set_tcb(c, tcb_compact(live_conn_tcb(c)));
	return 0;
}

/* RFC 9293 §3.10.7.1: a segment for no connection is answered with RST (unless RST),
 * rate-limited and summarised under a flood (server_flood.c). */
static int refuse(struct server *v, const struct seg *s, const char *why, uint64_t now)
{
	sflood_refuse(&v->fl, v->l, s, why, now);
	return 0;
}

static bool backlog_full(const struct server *v)
{
	return v->half_open >= v->o->backlog || v->tab.count >= v->o->max_conns;
}

/* A connection with its application, for a TCB the caller makes next. */
static struct live_conn *new_conn(struct server *v, const struct tcb_addr *a, struct err *e)
{
	struct live_conn *c = live_conn_new(v->l, a, e);
	struct sconn *sc;

	if (!c)
		return NULL;
	if (!(sc = calloc(1, sizeof(*sc)))) {
		live_conn_release(v->l, c);
		err_set(e, "out of memory for a connection");
		return NULL;
	}
	app_init(&sc->app, v->o->app);
	live_conn_set_user(c, sc);
	return c;
}

static void drop_conn(struct server *v, struct live_conn *c)
{
	tcb_free(live_conn_tcb(c));
	if (live_conn_user(c))
		app_free(&((struct sconn *)live_conn_user(c))->app);
	free(live_conn_user(c));
	live_conn_release(v->l, c);
}

/* RFC 4987 §3.6: the ACK of a cookie SYN+ACK becomes an ESTABLISHED connection; NULL
 * (e clear) for a bad cookie or a full table, which the caller answers like any
 * segment for no connection. */
static struct live_conn *accept_cookie(struct server *v, const struct tcb_addr *a,
				       const struct seg *s, uint64_t now, struct err *e)
{
	struct live_conn *c;
	struct tcb_out out;
	uint32_t iss, irs;
	uint16_t mss;

	if (v->tab.count >= v->o->max_conns || !sflood_check_cookie(&v->fl, s, now, &iss, &irs, &mss))
		return NULL;
	if (!(c = new_conn(v, a, e)))
		return NULL;
	tcb_out_reset(&out);
	live_conn_set_tcb(c, tcb_accept_cookie(&v->o->params, a, iss, irs, mss, now, &out, e));
	if (!live_conn_tcb(c) ||
	    conntab_put(&v->tab, a, c, e) < 0) {
		drop_conn(v, c);
		return NULL;
	}
	emit(v, c, &out, e);	/* logs the RFC 4987 event */
	return c;
}

/* A SYN for a new 4-tuple: a TCB in LISTEN takes it (RFC 9293 §3.10.7.2). NULL when the
 * backlog or the table is full: the SYN is dropped, as Linux does without syncookies
 * (--syncookies off, or the table full). */
static struct live_conn *accept_syn(struct server *v, const struct tcb_addr *a,
				    uint64_t now, struct err *e)
{
	struct live_conn *c;
	struct tcb_out out;

	if (backlog_full(v)) {
		v->fl.st.syn_dropped++;
		if (sflood_note(&v->fl, v->l, SFLOOD_SYN_DROPPED, now))
			live_log_note(live_log_of(v->l), "     SYN dropped: %s full (%u)",
				v->half_open >= v->o->backlog ? "backlog" : "connection table",
				v->half_open >= v->o->backlog ? v->o->backlog : v->o->max_conns);
		return NULL;
	}
	if (!(c = new_conn(v, a, e)))
		return NULL;
	tcb_out_reset(&out);
	live_conn_set_tcb(c, tcb_new(&v->o->params, a, e));
	if (!live_conn_tcb(c) ||
	    tcb_open_passive(live_conn_tcb(c), now, &out, e) < 0 ||
	    conntab_put(&v->tab, a, c, e) < 0) {
		drop_conn(v, c);
		return NULL;
	}
	return c;
}

/* --syncookies: always, or on and the backlog overflows (Linux tcp_syncookies 2, 1);
 * never when the connection table itself is full (a cookie's ACK would find no room). */
static bool cookie_for_syn(const struct server *v)
{
	if (v->tab.count >= v->o->max_conns)
		return false;
	return v->o->syncookies == SCOOKIES_ALWAYS ||
	       (v->o->syncookies == SCOOKIES_ON && backlog_full(v));
}

/* A segment for no connection: a SYN opens one (or gets a cookie), a cookie's ACK
 * opens one, anything else is refused. NULL when nothing more is to be done. */
static struct live_conn *no_conn(struct server *v, const struct seg *s, const struct tcb_addr *a,
				 uint64_t now, struct err *e)
{
	uint8_t f = s->flags & (SEG_SYN | SEG_ACK | SEG_RST);
	struct live_conn *c = NULL;

	if (f == SEG_SYN && !v->stopping) {
		if (cookie_for_syn(v))
			sflood_send_cookie(&v->fl, v->l, s, now);
		else
			c = accept_syn(v, a, now, e);
		return c;
	}
	if (f == SEG_ACK && !v->stopping && v->o->syncookies != SCOOKIES_OFF &&
	    (c = accept_cookie(v, a, s, now, e)))
		return c;
	if (!e->msg[0])
		refuse(v, s, "(no such connection: RST, RFC 9293 §3.10.7.1)", now);
	return NULL;
}

static int on_segment(struct server *v, const struct seg *s, uint64_t now, struct err *e)
{
	struct tcb_addr a = tcb_addr_of_seg(s, true);
	struct live_conn *c = conntab_get(&v->tab, &a);
	struct tcb_out out;
	enum tcb_state before;
	FILE *was;
	int cat, r;

	if (!c && !(c = no_conn(v, s, &a, now, e)))
		return e->msg[0] ? -1 : 0;
	tcb_out_reset(&out);
	before = tcb_state(live_conn_tcb(c));
	tcb_input(live_conn_tcb(c), s, now, &out);
	cat = before == tcb_state(live_conn_tcb(c)) ? sflood_classify(&out) : -1;
	v->fl.st.challenge_acks += cat == SFLOOD_CHALLENGE;
	/* blind RSTs, SYNs and out-of-window segments into a connection: summarised */
	was = cat >= 0 && !sflood_note(&v->fl, v->l, cat, now) ? sflood_mute(v->l) : live_log_of(v->l)->f;
	live_log_received(v->l, c, s, before, tcb_state(live_conn_tcb(c)));
	r = settle(v, c, now, &out, e);
	sflood_unmute(v->l, was);
	return r;
}

static int on_packet(struct server *v, const struct live_ev *ev, struct err *e)
{
	if (ev->pkt.kind == WIRE_PKT_UNPARSED) {
		v->fl.st.unparsed++;
		if (sflood_note(&v->fl, v->l, SFLOOD_UNPARSED, ev->now))
			live_log_note(live_log_of(v->l), "     ignored a packet that is not valid TCP/IPv4: %s",
				ev->pkt.why);
		return 0;
	}
	if (ev->pkt.kind == WIRE_PKT_BAD_CSUM) {
		v->fl.st.bad_csum++;
		if (sflood_note(&v->fl, v->l, SFLOOD_BAD_CSUM, ev->now))
			live_log_note(live_log_of(v->l), "     discarded a segment with a bad %s checksum",
				ev->pkt.seg.ip_csum_ok ? "TCP" : "IP");
		return 0;
	}
	e->msg[0] = '\0';
	return on_segment(v, &ev->pkt.seg, ev->now, e);
}

static int on_timer(struct server *v, struct live_conn *c, uint64_t now, struct err *e)
{
	struct tcb_out out;

	tcb_out_reset(&out);
	if (live_conn_deadline(c) <= now) {
		if (do_close(c, now, &out, e) < 0)
			return -1;
	}
	tcb_tick(live_conn_tcb(c), now, &out);
	return settle(v, c, now, &out, e);
}

struct conn_list {
	struct live_conn **c;
	size_t n;
};

static void collect(const struct tcb_addr *k, void *val, void *arg)
{
	struct conn_list *l = arg;

	(void)k;
	l->c[l->n++] = val;
}

/* Every connection, in a snapshot array the caller frees (the table may change). */
static struct conn_list snapshot(struct server *v)
{
	struct conn_list l = { calloc(v->tab.count + 1, sizeof(*l.c)), 0 };

	if (l.c)
		conntab_each(&v->tab, collect, &l);
	return l;
}

/* First signal: close every connection and stop accepting; second: abort them all. */
static int on_signal(struct server *v, uint64_t now, struct err *e)
{
	bool abort = v->signals++ > 0;
	struct conn_list l = snapshot(v);

	fprintf(stderr, abort ? "synlab-server: aborting every connection (RST)\n"
			      : "synlab-server: closing; interrupt again to abort\n");
	v->stopping = true;
	v->aborting = abort;	/* the user's command: its RSTs go out before the exit */
	for (size_t i = 0; i < l.n; i++) {
		struct tcb_out out;

		tcb_out_reset(&out);
		if (abort)
			tcb_abort(live_conn_tcb(l.c[i]), now, &out);
		if (settle(v, l.c[i], now, &out, e) < 0)
			break;
	}
	free(l.c);
	return abort ? err_set(e, "interrupted") : 0;
}

/* For the impairment rules: the connection of an arriving segment and its state; a
 * SYN for no connection meets the listener (LISTEN). */
static struct live_conn *lookup(void *ctx, const struct seg *s, enum tcb_state *st)
{
	struct server *v = ctx;
	struct tcb_addr a = tcb_addr_of_seg(s, true);
	struct live_conn *c = conntab_get(&v->tab, &a);

	if (c && live_conn_tcb(c))
		*st = tcb_state(live_conn_tcb(c));
	else
		*st = (s->flags & (SEG_SYN | SEG_ACK | SEG_RST)) == SEG_SYN ? TCB_LISTEN
									 : TCB_CLOSED;
	return c;
}

static bool done(const struct server *v)
{
	return (v->o->once && v->closed > 0) || (v->stopping && v->tab.count == 0);
}

static int loop(struct server *v, struct err *e)
{
	struct live_ev ev;
	int r = 0;

	while (r == 0 && !done(v)) {
		live_set_wake(v->l, v->o->stats_us ? v->fl.next_stats : 0);	/* --stats when idle */
		if (live_next(v->l, &ev, e) < 0)
			return -1;
		if (ev.kind == LIVE_PKT)
			r = on_packet(v, &ev, e);
		else if (ev.kind == LIVE_TIMER)
			r = on_timer(v, ev.conn, ev.now, e);
		else if (ev.kind == LIVE_SIGNAL)
			r = on_signal(v, ev.now, e);
		else if (ev.kind == LIVE_QUIT)
			r = err_set(e, "stopped by the user (q at the step prompt, or quit)");
		logsum_tick(&v->fl.ls, live_now(v->l, NULL), sflood_logfile(v->l));
		sflood_stats(&v->fl, v->l, &v->tab, v->half_open, live_now(v->l, NULL), false);
	}
	logsum_end(&v->fl.ls, live_now(v->l, NULL), sflood_logfile(v->l));
	sflood_stats(&v->fl, v->l, &v->tab, v->half_open, live_now(v->l, NULL), true);
	return r;
}

/* 1 when an output failed at exit (live_close). */
static int teardown(struct server *v)
{
	struct conn_list l = snapshot(v);

	for (size_t i = 0; i < l.n; i++)
		forget(v, l.c[i]);
	free(l.c);
	conntab_free(&v->tab);
	return live_close(v->l);
}

int server_run(struct server_opts *o)
{
	static struct server v;
	struct live_cfg lc = { .local_name = "server", .peer_name = "client",
			       .device = o->device, .local = o->addr, .port = o->port,
			       .out = &o->out, .params = &o->params, .claim = true };
	struct err e = { "" };
	uint64_t seed = 0;
	int rc, failed;

	memset(&v, 0, sizeof(v));
	v.o = o;
	live_impair_opts_cfg(&o->lo, &lc);
	lc.lookup = lookup;
	lc.lookup_ctx = &v;
	lc.host_mode = o->out.host_mode;	/* the RST filter: our address and port, any peer */
	lc.v6 = o->v6;
	memcpy(lc.local6, o->addr6, 16);
	if (getrandom(&seed, sizeof(seed), 0) != sizeof(seed))
		seed = 0x5359;
	if (conntab_init(&v.tab, 0, seed, &e) < 0 || !(v.l = live_open(&lc, &e))) {
		fprintf(stderr, "synlab-server: %s\n", e.msg);
		return 2;	/* bad address, interface, privilege or file */
	}
	if (o->user && priv_drop(o->user, &e) < 0) {
		fprintf(stderr, "synlab-server: %s\n", e.msg);
		teardown(&v);
		return 2;
	}
	sflood_init(&v.fl, o, live_now(v.l, NULL));
	if (o->out.mode == LIVE_LOG_TEXT) {
		struct cli_ip ip = { .v6 = o->v6, .a4 = o->addr };
		char where[64];

		memcpy(ip.a6, o->addr6, 16);
		live_log_note(live_log_of(v.l), "synlab-server: listening on %s (app %s)",
			      cli_ipport_str(&ip, o->port, where, sizeof(where)),
			      app_kind_name(o->app));
	}
	rc = loop(&v, &e) < 0 ? 1 : 0;
	rc = rc ? rc : live_log_of(v.l)->capture_lost;	/* -w failed (full disk): the run is not complete */
	if (rc)
		fprintf(stderr, "synlab-server: %s\n", e.msg);
	failed = teardown(&v);
	return rc ? rc : failed;	/* --html, -w or --log failed at exit */
}
