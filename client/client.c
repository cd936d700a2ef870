/* client.c - synlab-client's connection: open, send, print the reply, close as asked. */
#include "client.h"

#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <unistd.h>

#include "app.h"
#include "live.h"
#include "live_step.h"
#include "priv.h"

/* Everything one run of the client knows. */
struct client {
	struct client_opts *o;
	struct live *l;
	struct live_conn *c;
	uint8_t req[CLIENT_DATA_MAX + 512];	/* the bytes to send */
	size_t req_len, req_sent;		/* bytes; of which accepted by the TCB */
	bool opened;		/* reached ESTABLISHED */
	bool got_reply;		/* received at least one byte */
	uint64_t got;		/* bytes received (for --expect) */
	bool closing;		/* CLOSE or ABORT called */
	bool failed;		/* reset by the peer, or the TCB gave up */
	int signals;		/* SIGINT/SIGTERM seen */
	struct app_http_resp http;
};

static uint16_t pick_port(void)
{
	uint16_t r = 0;

	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		r = (uint16_t)getpid();
	return (uint16_t)(32768 + r % (60999 - 32768 + 1));
}

static void build_request(struct client *k)
{
	struct client_opts *o = k->o;
	int n;

	if (!o->http_path) {
		memcpy(k->req, o->data, o->data_len);
		k->req_len = o->data_len;
		return;
	}
	char host[INET6_ADDRSTRLEN + 2] = "[";

	/* RFC 9110 §7.2 / RFC 3986 §3.2.2: an IPv6 literal in Host goes in brackets */
	if (o->v6 && inet_ntop(AF_INET6, o->daddr6, host + 1, INET6_ADDRSTRLEN))
		strcat(host, "]");
	else
		snprintf(host, sizeof(host), "%u.%u.%u.%u", o->daddr >> 24, (o->daddr >> 16) & 255,
			 (o->daddr >> 8) & 255, o->daddr & 255);
	n = snprintf((char *)k->req, sizeof(k->req),
		     "GET %s HTTP/1.0\r\nHost: %s\r\nUser-Agent: synlab-client\r\n"
		     "Accept: */*\r\n\r\n", o->http_path, host);
	k->req_len = n > 0 ? (size_t)n : 0;
}

/* Notes resets and give-ups among the events. */
static void scan_events(struct client *k, const struct tcb_out *out)
{
	for (unsigned i = 0; i < out->nev; i++) {
		if (out->ev[i].kind == TCB_EV_RESET || out->ev[i].kind == TCB_EV_GAVE_UP)
			k->failed = true;
		if (out->ev[i].kind == TCB_EV_STATE && out->ev[i].to == TCB_ESTABLISHED)
			k->opened = true;
	}
}

static int emit(struct client *k, struct tcb_out *out, struct err *e)
{
	scan_events(k, out);
	return live_emit(k->l, k->c, out, e);
}

/* Hands received bytes to stdout: the whole reply, or an HTTP body (head to the log). */
static void deliver(struct client *k, const uint8_t *buf, size_t n)
{
	const uint8_t *body;
	size_t blen;

	k->got_reply = true;
	k->got += n;
	if (live_log_of(k->l)->f == stdout)	/* --log -: the records before the data, as they happened */
		live_log_flush(live_log_of(k->l));
	if (!k->o->http_path) {
		fwrite(buf, 1, n, stdout);
		fflush(stdout);
		return;
	}
	bool had_head = k->http.in_body;
	app_http_resp_feed(&k->http, buf, n, &body, &blen);
	if (!had_head && k->http.in_body && k->o->out.mode == LIVE_LOG_TEXT)
		live_log_note(live_log_of(k->l), "HTTP response head:\n%s", k->http.head);
	fwrite(body, 1, blen, stdout);
	fflush(stdout);
}

static int read_all(struct client *k, uint64_t now, struct err *e)
{
	uint8_t buf[16384];
	size_t n;

	while (tcb_readable(live_conn_tcb(k->c)) > 0) {
		struct tcb_out out;

		tcb_out_reset(&out);
		n = tcb_receive(live_conn_tcb(k->c), buf, sizeof(buf), now, &out);
		if (n)
			deliver(k, buf, n);
		if (emit(k, &out, e) < 0)
			return -1;
		if (!n)
			break;
	}
	return 0;
}

static int send_rest(struct client *k, uint64_t now, struct err *e)
{
	struct tcb_out out;
	long n;

	if (k->req_sent == k->req_len || k->closing)
		return 0;
	tcb_out_reset(&out);
	n = tcb_send(live_conn_tcb(k->c), k->req + k->req_sent, k->req_len - k->req_sent, now, &out, e);
	if (n < 0)
		return -1;
	k->req_sent += (size_t)n;
	return emit(k, &out, e);
}

/* Whether the application is done and the connection should now be closed. */
static bool want_close(const struct client *k)
{
	bool peer_closed = tcb_peer_closed(live_conn_tcb(k->c));

	if (k->closing || k->req_sent < k->req_len)
		return false;
	if (k->got < k->o->expect && !peer_closed)
		return false;	/* --expect: not everything has come back yet */
	if (k->o->http_path || k->o->wait_close)
		return peer_closed;
	return k->got_reply || peer_closed;
}

static int close_or_abort(struct client *k, bool abort, uint64_t now, struct err *e)
{
	struct tcb_out out;

	tcb_out_reset(&out);
	k->closing = true;
	if (abort)
		tcb_abort(live_conn_tcb(k->c), now, &out);
	else if (tcb_close(live_conn_tcb(k->c), now, &out, e) < 0)
		return -1;
	return emit(k, &out, e);
}

/* The user's abort (a second Ctrl-C): its RST is sent at once, past a step decision
 * that waits, since the program exits right after and the log says it was sent. */
static int abort_now(struct client *k, uint64_t now, struct err *e)
{
	struct tcb_out out;

	tcb_out_reset(&out);
	k->closing = true;
	tcb_abort(live_conn_tcb(k->c), now, &out);
	scan_events(k, &out);
	return live_emit_abort(k->l, k->c, &out, e);
}

/* After every step: send what is pending, read what arrived, close when done. */
static int advance(struct client *k, uint64_t now, struct err *e)
{
	enum tcb_state s = tcb_state(live_conn_tcb(k->c));

	if (s == TCB_ESTABLISHED || s == TCB_CLOSE_WAIT) {
		if (send_rest(k, now, e) < 0 || read_all(k, now, e) < 0)
			return -1;
	} else if (tcb_readable(live_conn_tcb(k->c)) && read_all(k, now, e) < 0) {
		return -1;
	}
	if (want_close(k))
		return close_or_abort(k, k->o->abort, now, e);
	return 0;
}

static bool ours(const struct client *k, const struct seg *s)
{
	return tcb_addr_inbound(live_conn_addr(k->c), s);
}

/* A segment for no connection of ours gets the RFC 9293 §3.10.7.1 answer. */
static int stray(struct client *k, const struct seg *s, struct err *e)
{
	struct seg rst;

	live_log_received(k->l, NULL, s, TCB_CLOSED, TCB_CLOSED);
	if (!tcb_closed_reply(s, &rst))
		return 0;
	return live_send_raw(k->l, &rst, "(no such connection: RST, RFC 9293 §3.10.7.1)", e);
}

static int on_packet(struct client *k, struct live_ev *ev, struct err *e)
{
	const struct seg *s = &ev->pkt.seg;
	struct tcb_out out;
	enum tcb_state before;

	if (ev->pkt.kind == WIRE_PKT_UNPARSED) {
		fprintf(stderr, "synlab-client: ignored a packet that is not valid TCP/IPv4: %s\n",
			ev->pkt.why);
		return 0;
	}
	if (ev->pkt.kind == WIRE_PKT_BAD_CSUM) {
		fprintf(stderr, "synlab-client: discarded a segment with a bad %s checksum "
			"(RFC 9293 §3.1)\n", s->ip_csum_ok ? "TCP" : "IP");
		return 0;
	}
	if (!ours(k, s))
		return stray(k, s, e);
	tcb_out_reset(&out);
	before = tcb_state(live_conn_tcb(k->c));
	tcb_input(live_conn_tcb(k->c), s, ev->now, &out);
	live_log_received(k->l, k->c, s, before, tcb_state(live_conn_tcb(k->c)));
	if (emit(k, &out, e) < 0)
		return -1;
	return advance(k, ev->now, e);
}

static int on_timer(struct client *k, uint64_t now, struct err *e)
{
	struct tcb_out out;

	if (live_conn_deadline(k->c) <= now) {
		return err_set(e, "timed out in state %s (--timeout)",
			       tcb_state_name(tcb_state(live_conn_tcb(k->c))));
	}
	tcb_out_reset(&out);
	tcb_tick(live_conn_tcb(k->c), now, &out);
	if (emit(k, &out, e) < 0)
		return -1;
	return advance(k, now, e);
}

static int on_signal(struct client *k, uint64_t now, struct err *e)
{
	bool second = k->signals++ > 0;

	if (tcb_state(live_conn_tcb(k->c)) == TCB_TIME_WAIT) {
		/* Already closed: the signal cuts the 2MSL wait short. ABORT in TIME-WAIT
		 * deletes the TCB and sends nothing (RFC 9293 §3.10.5); the log says so. */
		fprintf(stderr, "synlab-client: interrupted in TIME-WAIT: the 2MSL wait is cut short\n");
		return close_or_abort(k, true, now, e);
	}
	fprintf(stderr, second ? "synlab-client: aborting (RST)\n"
			       : "synlab-client: closing; interrupt again to abort\n");
	if (second || !k->opened) {
		k->failed = true;
		k->closing = false;
		abort_now(k, now, e);
		return err_set(e, "interrupted");
	}
	return k->closing ? 0 : close_or_abort(k, false, now, e);
}

/* The user quit: the TCB's state, and the segment a decision held (never sent: the
 * TCB is in SYN-SENT before its SYN crossed the wire, which the summary counts). */
static int quit_said(struct client *k, struct err *e)
{
	struct live_step_view v;
	const char *st = tcb_state_name(tcb_state(live_conn_tcb(k->c)));

	if (live_step_current_of(k->l, &v) && v.out)
		return err_set(e, "stopped by the user (q at the step prompt, or quit); the TCB "
			       "was in state %s, its segment at the prompt was never sent "
			       "[%s]", st, v.seg_text);
	return err_set(e, "stopped by the user (q at the step prompt, or quit) in state %s", st);
}

static bool finished(const struct client *k)
{
	enum tcb_state s = tcb_state(live_conn_tcb(k->c));

	return s == TCB_CLOSED || (s == TCB_TIME_WAIT && k->o->exit_in_time_wait);
}

/* For the impairment rules: our connection and its state, if s belongs to it. */
static struct live_conn *lookup(void *ctx, const struct seg *s, enum tcb_state *st)
{
	struct client *k = ctx;

	if (!k->c || !live_conn_tcb(k->c) || !ours(k, s)) {
		*st = TCB_CLOSED;
		return NULL;
	}
	*st = tcb_state(live_conn_tcb(k->c));
	return k->c;
}

static int loop(struct client *k, struct err *e)
{
	struct live_ev ev;
	int r = 0;

	while (r == 0 && !finished(k)) {
		if (live_next(k->l, &ev, e) < 0)
			return -1;
		if (ev.kind == LIVE_PKT)
			r = on_packet(k, &ev, e);
		else if (ev.kind == LIVE_TIMER)
			r = on_timer(k, ev.now, e);
		else if (ev.kind == LIVE_SIGNAL)
			r = on_signal(k, ev.now, e);
		else if (ev.kind == LIVE_QUIT)
			return quit_said(k, e);
	}
	return r;
}

static int setup(struct client *k, struct err *e)
{
	struct client_opts *o = k->o;
	struct tcb_addr a = { .raddr = o->daddr, .lport = o->sport ? o->sport : pick_port(),
			      .rport = o->dport, .v6 = o->v6 };
	struct live_cfg lc = { .local_name = "client", .peer_name = "server",
			       .device = o->device, .out = &o->out, .params = &o->params };
	struct tcb_out out;
	struct tcb *t;

	live_impair_opts_cfg(&o->lo, &lc);
	lc.lookup = lookup;
	lc.lookup_ctx = k;
	memcpy(a.raddr6, o->daddr6, 16);
	if (o->v6 ? live_route_src6(a.raddr6, a.laddr6, e) < 0
		  : live_route_src(o->daddr, &a.laddr, e) < 0)
		return -1;
	lc.local = a.laddr;
	lc.v6 = a.v6;
	memcpy(lc.local6, a.laddr6, 16);
	memcpy(lc.peer6, a.raddr6, 16);
	lc.port = a.lport;
	lc.host_mode = o->out.host_mode;	/* the RST filter names the whole 4-tuple */
	lc.peer = o->daddr;
	lc.peer_port = o->dport;
	if (!(k->l = live_open(&lc, e)))
		return -1;
	if (!(k->c = live_conn_new(k->l, &a, e)))
		return -1;
	if (!(t = tcb_new(&o->params, &a, e)))
		return -1;
	live_conn_set_tcb(k->c, t);
	if (o->user && priv_drop(o->user, e) < 0)
		return -1;
	if (o->timeout_us)
		live_conn_set_deadline(k->c, live_start(k->l) + o->timeout_us);
	build_request(k);
	tcb_out_reset(&out);
	if (tcb_open_active(live_conn_tcb(k->c), live_now(k->l, k->c), &out, e) < 0)
		return -1;
	return emit(k, &out, e);
}

static int verdict(const struct client *k)
{
	if (k->failed) {
		fprintf(stderr, "synlab-client: the connection failed (reset or retries "
			"exhausted) in state %s\n", tcb_state_name(tcb_state(live_conn_tcb(k->c))));
		return 1;
	}
	if (!k->opened || !k->got_reply) {
		fprintf(stderr, "synlab-client: %s\n", !k->opened ? "the connection never opened"
								  : "no data came back");
		return 1;
	}
	if (k->got < k->o->expect) {
		fprintf(stderr, "synlab-client: only %llu of the %llu bytes expected came back\n",
			(unsigned long long)k->got, (unsigned long long)k->o->expect);
		return 1;
	}
	return 0;
}

/* 1 when an output failed at exit (live_close). */
static int teardown(struct client *k)
{
	int failed;

	if (k->c) {
		tcb_free(live_conn_tcb(k->c));
		live_conn_release(k->l, k->c);
	}
	failed = live_close(k->l);
	k->l = NULL;
	return failed;
}

int client_run(struct client_opts *o)
{
	static struct client k;	/* large buffers: keep them off the stack */
	struct err e = { "" };
	int rc, failed;

	memset(&k, 0, sizeof(k));
	k.o = o;
	if (setup(&k, &e) < 0) {	/* bad address, route, privilege or file: exit 2 */
		fprintf(stderr, "synlab-client: %s\n", e.msg);
		if (k.c)
			teardown(&k);
		return 2;
	}
	rc = loop(&k, &e) < 0 ? 1 : verdict(&k);
	rc = rc ? rc : live_log_of(k.l)->capture_lost;	/* -w failed (full disk): the run is not complete */
	if (rc && e.msg[0] && !k.failed)
		fprintf(stderr, "synlab-client: %s\n", e.msg);
	failed = teardown(&k);
	return rc ? rc : failed;	/* --html, -w or --log failed at exit */
}
