/* live.c - the live programs' runtime: waiting, timers, sending and the per-segment log. */
#include "live.h"
#include "live_x.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

int live_open(struct live *l, const struct live_cfg *cfg, struct err *e)
{
	struct wire_cfg wc = { cfg->device, cfg->local, cfg->port, WIRE_MARK };

	memset(l, 0, sizeof(*l));
	l->local_name = cfg->local_name;
	l->peer_name = cfg->peer_name;
	l->stdin_idx = -1;
	l->lookup = cfg->lookup;
	l->lookup_ctx = cfg->lookup_ctx;
	l->params = cfg->params;
	timerq_init(&l->tq);
	if (live_log_open(&l->g, cfg->out, strcmp(cfg->local_name, "server") == 0 ?
			  EXPLAIN_SERVER : EXPLAIN_CLIENT, e) < 0)
		return -1;
	if (wire_open(&l->w, &wc, e) < 0)
		goto fail_log;
	if (live_host_open(l, cfg, e) < 0)
		goto fail_wire;
	if (evloop_init(&l->ev, true, e) < 0)
		goto fail_wire;
	if ((l->wire_idx = evloop_add(&l->ev, l->w.fd, e)) < 0)
		goto fail_ev;
	if ((cfg->watch_stdin || cfg->manual) && (l->stdin_idx = evloop_add(&l->ev, 0, e)) < 0)
		goto fail_ev;
	l->t0 = evloop_now_us();
	if (live_x_open(l, cfg, e) < 0)
		goto fail_ev;
	return 0;
fail_ev:
	evloop_close(&l->ev);
fail_wire:
	live_host_close(l);
	wire_close(&l->w);
fail_log:
	live_log_close(&l->g, NULL);
	return -1;
}

/* Forgets every queued deadline; a connection the program released while entries still
 * named it is freed with its last entry (else it would leak at exit). */
static void drop_timers(struct live *l)
{
	for (size_t i = 0; i < l->tq.len; i++) {
		struct live_conn *c = l->tq.heap[i].owner;

		if (--c->queued == 0 && c->released)
			free(c);
	}
	l->tq.len = 0;
}

void live_close(struct live *l)
{
	struct err e;

	live_log_flush(&l->g);
	live_x_close(l);
	drop_timers(l);
	evloop_close(&l->ev);
	live_host_close(l);
	wire_close(&l->w);
	if (live_log_close(&l->g, &e) < 0)
		fprintf(stderr, "synlab: %s\n", e.msg);
	timerq_free(&l->tq);
}

uint64_t live_elapsed(const struct live *l, uint64_t now)
{
	return now >= l->t0 ? now - l->t0 : 0;
}

int live_arm(struct live *l, struct live_conn *c, struct err *e)
{
	uint64_t d = tcb_deadline(c->tcb);

	if (c->app_deadline < d)
		d = c->app_deadline;
	if (d == c->armed)
		return 0;
	c->armed = d;
	c->gen++;
	if (d == TCB_NEVER)
		return 0;
	if (timerq_push(&l->tq, d, c, c->gen, e) < 0)
		return -1;
	c->queued++;
	return 0;
}

struct live_conn *live_conn_new(struct live *l, const struct tcb_addr *a, struct err *e)
{
	struct live_conn *c = calloc(1, sizeof(*c));

	if (!c) {
		err_set(e, "out of memory for a connection");
		return NULL;
	}
	c->addr = *a;
	c->id = ++l->nconn;
	c->armed = TCB_NEVER;
	c->app_deadline = TCB_NEVER;
	l->last = c;
	return c;
}

void live_conn_release(struct live *l, struct live_conn *c)
{
	live_log_flush(&l->g);	/* the step's records come before the summary */
	live_log_conn_end(l, c);
	if (l->last == c)
		l->last = NULL;
	c->released = true;
	c->tcb = NULL;
	c->user = NULL;
	if (!c->queued)
		free(c);
}

/* Pops due timer entries; returns the first live connection whose deadline passed. */
static struct live_conn *pop_due(struct live *l, uint64_t now)
{
	struct timerq_entry x;

	while (timerq_pop_due(&l->tq, now, &x)) {
		struct live_conn *c = x.owner;

		c->queued--;
		if (c->released) {
			if (!c->queued)
				free(c);
			continue;
		}
		if (x.gen != c->gen)
			continue;
		c->armed = TCB_NEVER;
		return c;
	}
	return NULL;
}

/* A packet sent or received: a frame of the log and of the -w capture. */
static void capture(struct live *l, uint64_t now, const uint8_t *ip, size_t len)
{
	live_log_packet(l, now, ip, len);
}

/* Takes one pending packet from the capture, if any. */
static int take_packet(struct live *l, struct live_ev *ev, struct err *e)
{
	int r = wire_recv(&l->w, &ev->pkt, e);

	if (r <= 0)
		return r;
	ev->kind = LIVE_PKT;
	ev->now = evloop_now_us();
	l->st.received++;
	l->st.bad_csum += ev->pkt.kind == WIRE_PKT_BAD_CSUM;
	l->st.unparsed += ev->pkt.kind == WIRE_PKT_UNPARSED;
	capture(l, ev->now, ev->pkt.ip, ev->pkt.ip_len);
	return 1;
}

/* The earliest of the timers, held segments and --manual's sleep. */
static uint64_t next_deadline(const struct live *l)
{
	uint64_t d = timerq_next(&l->tq), x = l->x ? live_x_deadline(l) : TCB_NEVER;

	if (l->wake_at && l->wake_at < d)
		d = l->wake_at;
	return x < d ? x : d;
}

/* stdin readable: --manual reads its commands, else the program is told. */
static int on_stdin(struct live *l, struct live_ev *ev, struct err *e)
{
	if (l->x && l->x->manual)
		return live_manual_read(l, e);
	ev->kind = LIVE_STDIN;
	return 1;
}

int live_next(struct live *l, struct live_ev *ev, struct err *e)
{
	bool woke = false;	/* the capture was ready: no packet then may mean link down */

	live_log_flush(&l->g);	/* whatever the last step left (a step without a send) */
	for (;;) {
		struct evloop_result r;
		uint64_t now = evloop_now_us();
		int got;

		if (l->x && (got = live_x_pending(l, ev, now, e)) != 0)
			return got < 0 ? -1 : 0;
		if ((ev->conn = pop_due(l, now))) {
			ev->kind = LIVE_TIMER;
			ev->now = now;
			l->g.defer = !l->x;
			return 0;
		}
		if (l->wake_at && l->wake_at <= now) {
			l->wake_at = 0;
			l->g.defer = false;
			ev->kind = LIVE_WAKE;
			ev->now = now;
			return 0;
		}
		l->g.defer = !l->x;	/* the packet's records wait until the reply is sent */
		if ((got = take_packet(l, ev, e)) != 0) {
			if (got > 0 && l->x)
				got = live_x_arrived(l, ev, e);
			if (got == 0)
				continue;	/* dropped or held on arrival */
			return got < 0 ? -1 : 0;
		}
		l->g.defer = false;
		if (woke && live_link_check(l, evloop_now_us(), e) < 0)
			return -1;
		live_log_idle(&l->g);	/* nothing stays in a buffer while we sleep */
		if (evloop_wait(&l->ev, next_deadline(l), &r, e) < 0)
			return -1;
		ev->now = evloop_now_us();
		woke = r.ready & (1u << l->wire_idx);
		if (r.signo) {
			ev->kind = LIVE_SIGNAL;
			ev->signo = r.signo;
			return 0;
		}
		if (l->stdin_idx >= 0 && (r.ready & (1u << l->stdin_idx)) &&
		    (got = on_stdin(l, ev, e)) != 0)
			return got < 0 ? -1 : 0;
	}
}

int live_wire_out(struct live *l, struct live_conn *c, const struct seg *s,
		  const char *tail, bool corrupt, struct err *e)
{
	size_t n;
	uint64_t now;

	if (wire_encode(&l->w, s, l->txbuf, sizeof(l->txbuf), &n, e) < 0)
		return -1;
	if (corrupt && impair_corrupt_bytes(l->txbuf, n) < 0)
		return err_set(e, "impair: cannot corrupt a segment that is not IPv4+TCP");
	if (wire_send_bytes(&l->w, l->txbuf, n, e) < 0)
		return -1;
	now = evloop_now_us();
	l->st.sent++;
	l->st.rst_sent += !!(s->flags & SEG_RST);
	capture(l, now, l->txbuf, n);
	live_log_seg(l, c, s, now, tail);
	return 0;
}

/* Through the step prompt and the impairment rules when they are on, else straight out. */
static int send_one(struct live *l, struct live_conn *c, const struct seg *s,
		    const char *tail, struct err *e)
{
	if (l->x)
		return live_x_out(l, c, s, tail, e);
	return live_wire_out(l, c, s, tail, false, e);
}

/* At a time scale other than 1, timer and retransmission events get a note saying what
 * the wall time they measured stands for in protocol time (the engine's own units). */
static void note_scaled(struct live *l, struct live_conn *c, const struct tcb_event *v)
{
	double scale = tcb_params_time_scale(l->params);
	char t[128];

	if (scale == 1.0 || (v->kind != TCB_EV_TIMER && v->kind != TCB_EV_RETRANSMIT))
		return;
	if (v->kind == TCB_EV_RETRANSMIT && v->count == 0)
		return;
	live_time_format(v->after_us, scale, t, sizeof(t));
	live_note(l, c, v->now, "%s %s", v->kind == TCB_EV_TIMER ? "timer ran" : "interval", t);
}

/* Send first, explain after: the records of the events and segments (and of the
 * received segment before them) are made in order now, rendered once the segments are
 * on the wire (live_log_queue.c). Not with impairments, --step or --manual: the step
 * prompt must come after what it refers to, and those modes are for watching. */
int live_emit(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e)
{
	int rc = 0;

	l->g.defer = !l->x;
	live_log_events(l, c, o);
	for (unsigned i = 0; i < o->nev; i++)
		note_scaled(l, c, &o->ev[i]);
	for (unsigned i = 0; i < o->nseg && rc == 0; i++)
		rc = send_one(l, c, &o->seg[i], NULL, e);
	live_log_flush(&l->g);
	if (rc < 0)
		return -1;
	return c->released ? 0 : live_arm(l, c, e);
}

int live_send_raw(struct live *l, const struct seg *s, const char *why, struct err *e)
{
	int rc;

	l->g.defer = !l->x;
	rc = send_one(l, NULL, s, why, e);
	live_log_flush(&l->g);
	return rc;
}

int live_route_src(uint32_t dst, uint32_t *src, struct err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(9) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_DGRAM, 0);
	char buf[INET_ADDRSTRLEN];

	sa.sin_addr.s_addr = htonl(dst);
	inet_ntop(AF_INET, &sa.sin_addr, buf, sizeof(buf));
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int saved = errno;

		close(fd);
		return err_set(e, "no route to %s (%s); inside the lab run it with "
			       "`scripts/lab exec client ...`", buf, strerror(saved));
	}
	close(fd);
	*src = ntohl(sa.sin_addr.s_addr);
	return 0;
}
