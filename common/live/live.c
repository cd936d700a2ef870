/* live.c - the live programs' runtime: builds the pipeline, runs the event loop, keeps the connections' timers. */
#include "live_impl.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "live_link.h"
#include "live_note.h"

/* --manual's data through the TCB: sent, logged and armed like the program's own. */
static int manual_emit(void *ctx, struct live_conn *c, const struct tcb_out *o, struct err *e)
{
	return live_emit(ctx, c, o, e);
}

/* The stages from the wire up; impair and step only when asked for. */
static int build(struct live *l, const struct live_cfg *cfg, struct err *e)
{
	struct live_step_cfg sc = { cfg->step, !cfg->step_clock_run, !isatty(0), cfg->step_show,
				    cfg->step_show_ctx };

	live_wire_push(&l->pp, &l->wire);
	live_capture_push(&l->pp, &l->cap);
	e->msg[0] = '\0';
	if (!(l->imp = live_impair_push(&l->pp, cfg->impair, e)) && e->msg[0])
		return -1;
	if (cfg->step && !(l->step = live_step_push(&l->pp, &sc, e)))
		return -1;
	if (!(l->del = live_deliver_push(&l->pp, e)))
		return -1;
	if (cfg->manual && !(l->man = live_manual_new(&l->pp, &l->cap.st, manual_emit, l, e)))
		return -1;
	return 0;
}

static int open_io(struct live *l, const struct live_cfg *cfg, struct err *e)
{
	struct wire_cfg wc = { .device = cfg->device, .local = cfg->local, .port = cfg->port,
			       .mark = WIRE_MARK, .v6 = cfg->v6 };

	memcpy(wc.local6, cfg->local6, 16);

	if (wire_open(&l->wire.w, &wc, e) < 0)
		return -1;
	l->ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);	/* -1: no link checks */
	if (evloop_init(&l->ev, true, e) < 0) {
		wire_close(&l->wire.w);
		return -1;
	}
	evloop_busy_poll(&l->ev, cfg->busy_poll_us);
	if ((l->wire_idx = evloop_add(&l->ev, l->wire.w.fd, e)) < 0 ||
	    (l->interactive && !cfg->no_stdin && (l->stdin_idx = evloop_add(&l->ev, 0, e)) < 0)) {
		evloop_close(&l->ev);
		wire_close(&l->wire.w);
		return -1;
	}
	return 0;
}

struct live *live_open(const struct live_cfg *cfg, struct err *e)
{
	struct live *l = calloc(1, sizeof(*l));

	if (!l) {
		err_set(e, "out of memory for the runtime");
		return NULL;
	}
	l->stdin_idx = -1;
	l->claim_fd = -1;
	l->ctl_fd = -1;
	l->interactive = cfg->step || cfg->manual;
	l->watched = l->interactive || (cfg->impair && cfg->impair->nrules);
	l->pp = (struct live_pipe){ .g = &l->g, .local_name = cfg->local_name,
				    .peer_name = cfg->peer_name, .lookup = cfg->lookup,
				    .lookup_ctx = cfg->lookup_ctx,
				    .params = cfg->params };
	timerq_init(&l->tq);
	live_prompt_init(&l->pr, 0);
	if (open_io(l, cfg, e) < 0)
		goto fail;
	/* the claim after the wire (whose errors say more: no interface, no CAP_NET_RAW),
	 * before the log and -w files are made or anything is sent */
	if ((cfg->claim && (cfg->v6 ? live_claim_port6(cfg->local6, cfg->port, &l->claim_fd, e)
			    : live_claim_port(cfg->local, cfg->port, &l->claim_fd, e)) < 0) ||
	    live_log_open(&l->g, cfg->out, strcmp(cfg->local_name, "server") == 0 ?
			  EXPLAIN_SERVER : EXPLAIN_CLIENT, e) < 0) {
		evloop_close(&l->ev);
		wire_close(&l->wire.w);
		goto fail;
	}
	l->g.t0 = l->pp.t0 = cfg->t0 ? cfg->t0 : evloop_now_us();
	l->g.tap = cfg->rec_tap;
	l->g.tap_ctx = cfg->rec_tap_ctx;
	if (build(l, cfg, e) < 0 || live_host_open(l, cfg, e) < 0) {
		live_close(l);
		return NULL;
	}
	return l;
fail:
	if (l->claim_fd >= 0)
		close(l->claim_fd);
	if (l->ctl_fd >= 0)
		close(l->ctl_fd);
	free(l);
	return NULL;
}

int live_close(struct live *l)
{
	struct err e;
	int failed;

	if (!l)
		return 0;
	live_log_flush(&l->g);
	if (l->man)
		live_manual_free(l->man);
	live_host_close(l);
	live_pipe_free(&l->pp);	/* the wire stage closes the wire */
	live_timers_drop(l);
	evloop_close(&l->ev);
	if (live_log_close(&l->g, &e) < 0)
		fprintf(stderr, "synlab: %s\n", e.msg);
	timerq_free(&l->tq);
	if (l->claim_fd >= 0)
		close(l->claim_fd);
	if (l->ctl_fd >= 0)
		close(l->ctl_fd);
	failed = l->g.close_failed;
	free(l);
	return failed;
}

uint64_t live_elapsed(const struct live *l, uint64_t now)
{
	return live_log_elapsed(&l->g, now);
}

uint64_t live_start(const struct live *l)
{
	return l->g.t0;
}

uint64_t live_now(const struct live *l, const struct live_conn *c)
{
	(void)l;
	return live_conn_clock(c, evloop_now_us());
}

int live_preview(struct live *l, struct live_conn *c, const struct seg *s, bool out,
		 struct explain_rec *r, struct err *e)
{
	return live_log_preview(&l->g, c, s, out, evloop_now_us(), r, e);
}

void live_set_wake(struct live *l, uint64_t at)
{
	l->wake_at = at;
}

struct live_log *live_log_of(struct live *l)
{
	return &l->g;
}

struct live_conn *live_conn_new(struct live *l, const struct tcb_addr *a, struct err *e)
{
	struct live_conn *c = calloc(1, sizeof(*c));

	if (!c || (l->interactive && !(c->ix = calloc(1, sizeof(*c->ix))))) {
		free(c);
		err_set(e, "out of memory for a connection");
		return NULL;
	}
	c->addr = *a;
	c->id = ++l->nconn;
	c->armed = TCB_NEVER;
	c->app_deadline = TCB_NEVER;
	if (c->ix) {	/* appended: the list stays in order of id */
		struct live_conn **p = &l->pp.conns;

		while (*p && (*p)->ix->next)
			p = &(*p)->ix->next;
		if (*p) {
			(*p)->ix->next = c;
			c->ix->prev = *p;
		} else {
			l->pp.conns = c;
		}
	}
	l->pp.newest = c;
	return c;
}

static void unlink_conn(struct live *l, struct live_conn *c)
{
	struct live_conn_ix *ix = c->ix;

	if (!ix)
		return;
	if (ix->prev)
		ix->prev->ix->next = ix->next;
	else if (l->pp.conns == c)
		l->pp.conns = ix->next;
	if (ix->next)
		ix->next->ix->prev = ix->prev;
	ix->prev = ix->next = NULL;
}

void live_conn_release(struct live *l, struct live_conn *c)
{
	live_log_flush(&l->g);	/* the step's records come before the summary */
	live_log_conn_end(&l->g, c, evloop_now_us());
	unlink_conn(l, c);
	if (l->pp.newest == c) {
		struct live_conn *n = l->pp.conns;

		while (n && n->ix->next)
			n = n->ix->next;
		l->pp.newest = n;	/* without the list (no --manual): none */
	}
	c->released = true;
	c->tcb = NULL;
	c->user = NULL;
	if (!c->queued)
		live_conn_free(c);
}

/* The earliest of the timers, the stages' held segments, --manual's wait and the wake. */
static uint64_t next_deadline(const struct live *l)
{
	uint64_t d = timerq_next(&l->tq), x = live_pipe_deadline(&l->pp);

	if (l->man && live_manual_deadline(l->man) < d)
		d = live_manual_deadline(l->man);
	if (l->wake_at && l->wake_at < d)
		d = l->wake_at;
	return x < d ? x : d;
}

/* The user quit at a step prompt or with --manual's quit. */
static bool quit_asked(const struct live *l)
{
	return (l->step && live_step_quit(l->step)) || (l->man && live_manual_quit(l->man));
}

/* Everything the loop does between waits: held segments due, stdin's lines, --manual's
 * queue, clocks that resumed. */
static int work(struct live *l, uint64_t now, struct err *e)
{
	if (live_pipe_tick(&l->pp, now, e) < 0 || live_input_take(l, now, e) < 0)
		return -1;
	if (l->man && live_manual_run(l->man, now, e) < 0)
		return -1;
	return live_timers_rearm(l, e);
}

/* The segment the deliver stage holds, as the program's event. */
static void hand_out(struct live *l, struct live_ev *ev, uint64_t now)
{
	enum tcb_state st;

	ev->kind = LIVE_PKT;
	ev->pkt = l->cur.w;
	ev->pkt.seg = l->cur.s;	/* as the stages left it (a step edit) */
	ev->conn = NULL;
	if (ev->pkt.kind == WIRE_PKT_OK && l->pp.lookup)
		ev->conn = l->pp.lookup(l->pp.lookup_ctx, &ev->pkt.seg, &st);
	ev->now = live_conn_clock(ev->conn, now);
}

/* One of the loop's own events, or 0 when there is none yet. */
static int own_event(struct live *l, struct live_ev *ev, uint64_t now)
{
	l->cur.frame = l->cur.arrived = 0;	/* no segment of this event yet */
	l->cur.edited = false;
	l->cur.held_us = 0;
	if (quit_asked(l)) {
		ev->kind = LIVE_QUIT;
		ev->now = now;
		return 1;
	}
	if (live_deliver_take(l->del, &l->cur)) {
		hand_out(l, ev, now);
		l->g.defer = !l->watched;	/* its records wait until the reply is sent */
		return 1;
	}
	if ((ev->conn = live_timers_due(l, now))) {
		ev->kind = LIVE_TIMER;
		ev->now = live_conn_clock(ev->conn, now);
		l->g.defer = !l->watched;
		return 1;
	}
	if (l->wake_at && l->wake_at <= now) {
		l->wake_at = 0;
		ev->kind = LIVE_WAKE;
		ev->now = now;
		return 1;
	}
	return 0;
}

int live_poll(struct live *l, struct live_ev *ev, struct err *e)
{
	for (;;) {
		uint64_t now = evloop_now_us();
		int got;

		if (work(l, now, e) < 0)
			return -1;
		if (own_event(l, ev, now))
			return 1;
		l->g.defer = !l->watched;	/* the packet's records wait for the reply */
		got = live_wire_poll(&l->wire, e);
		if (got <= 0) {
			l->g.defer = false;
			return got;
		}
		/* delivered, held or dropped: look again */
	}
}

int live_wait_info(const struct live *l, uint64_t *deadline)
{
	*deadline = next_deadline(l);
	return l->wire.w.fd;
}

int live_next(struct live *l, struct live_ev *ev, struct err *e)
{
	bool woke = false;	/* the capture was ready: no packet then may mean link down */

	live_log_flush(&l->g);	/* whatever the last step left (a step without a send) */
	l->g.defer = false;
	for (;;) {
		struct evloop_result r;
		int got;

		if ((got = live_poll(l, ev, e)) != 0)
			return got < 0 ? -1 : 0;
		if (woke && live_link_check(l, evloop_now_us(), e) < 0)
			return -1;
		if (!l->step || !live_step_waiting(l->step))
			live_log_prompt_taken(&l->g);	/* no decision waits: no prompt */
		live_log_idle(&l->g);	/* nothing stays in a buffer while we sleep */
		if (evloop_wait(&l->ev, next_deadline(l), &r, e) < 0)
			return -1;
		woke = r.ready & (1u << l->wire_idx);
		if (r.signo) {
			ev->kind = LIVE_SIGNAL;
			ev->signo = r.signo;
			ev->now = evloop_now_us();
			return 0;
		}
		if (l->stdin_idx >= 0 && (r.ready & (1u << l->stdin_idx)) &&
		    live_prompt_read(&l->pr, e) < 0)
			return -1;
	}
}

/* At a time scale other than 1, timer and retransmission events get a note saying what
 * the wall time they measured stands for in protocol time (the engine's own units). */
static void note_scaled(struct live *l, struct live_conn *c, const struct tcb_event *v)
{
	char t[128];

	if (live_pipe_scale(&l->pp) == 1.0 || (v->kind != TCB_EV_TIMER && v->kind != TCB_EV_RETRANSMIT))
		return;
	if (v->kind == TCB_EV_RETRANSMIT && v->count == 0)
		return;
	live_time_format(v->after_us, live_pipe_scale(&l->pp), t, sizeof(t));
	live_note(l, c, live_conn_wall(c, v->now), "%s %s",
		  v->kind == TCB_EV_TIMER ? "timer ran" : "interval", t);
}

static int send_one(struct live *l, struct live_conn *c, const struct seg *s, const char *tail,
		    bool urgent, unsigned rtx_why, struct err *e)
{
	struct live_pkt p = { .dir = LIVE_OUT, .c = c, .s = *s, .tail = tail, .urgent = urgent,
			      .rtx_why = (uint16_t)rtx_why, .now = evloop_now_us() };

	return live_pipe_send(&l->pp, &p, e);
}

/* Why the TCB sent s again, from o's RETRANSMIT events (0: s is no resend): the answer
 * to a repeated SYN resends the SYN+ACK (its event names the peer's seq); every other
 * resend's event names the segment's own seq. */
static unsigned rtx_why_of(const struct tcb_out *o, const struct seg *s)
{
	for (unsigned i = 0; i < o->nev; i++) {
		const struct tcb_event *ev = &o->ev[i];

		if (ev->kind != TCB_EV_RETRANSMIT)
			continue;
		if (ev->why == TCB_WHY_SYN_RCVD_SYN_REPEAT ? (s->flags & SEG_SYN) != 0
							    : ev->n[0] == s->seq)
			return ev->why;
	}
	return 0;
}

/* Send first, explain after: the records of the events and segments (and of the
 * received segment before them) are made in order now, rendered once the segments are
 * on the wire (live_log_queue.c). Not with impairments, --step or --manual: the step
 * prompt must come after what it refers to, and those modes are for watching. */
static int emit(struct live *l, struct live_conn *c, const struct tcb_out *o, bool urgent,
		struct err *e)
{
	int rc = 0;

	l->g.defer = !l->watched;
	live_log_events(&l->g, c, o, live_step_held_out(l->step, c));
	for (unsigned i = 0; i < o->nev; i++)
		note_scaled(l, c, &o->ev[i]);
	for (unsigned i = 0; i < o->nseg && rc == 0; i++)
		rc = send_one(l, c, &o->seg[i], NULL, urgent, rtx_why_of(o, &o->seg[i]), e);
	live_log_flush(&l->g);
	if (rc < 0)
		return -1;
	return c->released ? 0 : live_arm(l, c, e);
}

int live_emit(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e)
{
	return emit(l, c, o, false, e);
}

int live_emit_abort(struct live *l, struct live_conn *c, const struct tcb_out *o, struct err *e)
{
	return emit(l, c, o, true, e);
}

int live_send_raw(struct live *l, const struct seg *s, const char *why, struct err *e)
{
	int rc;

	l->g.defer = !l->watched;
	rc = send_one(l, NULL, s, why, false, 0, e);
	live_log_flush(&l->g);
	return rc;
}

void live_log_received(struct live *l, struct live_conn *c, const struct seg *s,
		       enum tcb_state before, enum tcb_state after)
{
	/* the frame and arrival of the segment live_next handed out (0 after other events) */
	live_log_mark(&l->g, c, l->cur.edited ? &l->cur.made : NULL, l->cur.held_us);
	live_log_in(&l->g, c, s, l->cur.frame, l->cur.arrived, before, after);
}

void live_note(struct live *l, struct live_conn *c, uint64_t now, const char *fmt, ...)
{
	char text[640];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(text, sizeof(text), fmt, ap);
	va_end(ap);
	live_note_at(&l->pp, c, now, "%s", text);
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

int live_route_src6(const uint8_t dst[16], uint8_t src[16], struct err *e)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(9) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET6, SOCK_DGRAM, 0);
	char buf[INET6_ADDRSTRLEN];

	memcpy(sa.sin6_addr.s6_addr, dst, 16);
	inet_ntop(AF_INET6, dst, buf, sizeof(buf));
	if (fd < 0)
		return err_set(e, "socket: %s", strerror(errno));
	/* a UDP connect() only asks the routing table which source it would use */
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&sa, &len) < 0) {
		int saved = errno;

		close(fd);
		return err_set(e, "no route to %s (%s); inside the lab run it with "
			       "`scripts/lab exec client ...`", buf, strerror(saved));
	}
	close(fd);
	memcpy(src, sa.sin6_addr.s6_addr, 16);
	return 0;
}
