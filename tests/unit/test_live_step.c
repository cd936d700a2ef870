/* test_live_step.c - the step stage between a fake wire and the delivery queue: holds, queues behind a decision, paused clocks, conn=N, edits, delay. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "live_conn.h"
#include "live_log.h"
#include "live_pipe.h"
#include "live_stages.h"
#include "live_step.h"

#define MAXW 16

/* The fake wire: what reached it, in order. */
struct fwire {
	struct live_stage st;
	struct seg sent[MAXW];
	uint8_t data[MAXW][32];
	unsigned n;
};

static int fw_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct fwire *w = (struct fwire *)st;

	(void)e;
	assert_true(w->n < MAXW);
	w->sent[w->n] = p->s;
	if (p->s.len)
		memcpy(w->data[w->n], p->s.payload, p->s.len < 32 ? p->s.len : 32);
	w->n++;
	return 0;
}

static const struct live_stage_ops fw_ops = { .name = "fake wire", .out = fw_out };

struct fx {
	struct live_log g;
	char path[64];
	struct live_pipe pp;
	struct fwire w;
	struct live_step *x;
	struct tcb_params par;
	struct live_conn *a, *b;
};

static struct live_conn *conn(struct fx *f, unsigned id, uint16_t lport)
{
	struct live_conn *c = calloc(1, sizeof(*c));
	struct tcb_addr a = { 0xC6120001, 0xC6120002, lport, 8080 };
	struct tcb_out o;
	struct err e;

	c->ix = calloc(1, sizeof(*c->ix));
	c->id = id;
	c->addr = a;
	c->armed = c->app_deadline = TCB_NEVER;
	assert_non_null(c->tcb = tcb_new(&f->par, &a, &e));
	tcb_out_reset(&o);
	assert_int_equal(tcb_open_active(c->tcb, 1000, &o, &e), 0);	/* in SYN-SENT */
	return c;
}

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	struct live_out_opts o;
	struct live_step_cfg sc = { IMPAIR_OUT, true, true, NULL, NULL };
	struct err e;
	int fd;

	snprintf(f->path, sizeof(f->path), "/tmp/test_live_step.XXXXXX");
	assert_true((fd = mkstemp(f->path)) >= 0);
	close(fd);
	live_opts_default(&o);
	o.log_path = f->path;
	assert_int_equal(live_log_open(&f->g, &o, EXPLAIN_CLIENT, &e), 0);
	f->pp.g = &f->g;
	f->pp.local_name = "client";
	f->pp.peer_name = "server";
	tcb_params_default(&f->par);
	f->par.time_scale = 0.5;
	f->pp.params = &f->par;
	live_pipe_push(&f->pp, &f->w.st, &fw_ops);
	assert_non_null(f->x = live_step_push(&f->pp, &sc, &e));
	assert_non_null(live_deliver_push(&f->pp, &e));
	f->a = conn(f, 1, 40001);
	f->b = conn(f, 2, 40002);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	struct err e;

	live_pipe_free(&f->pp);
	live_log_conn_end(&f->g, f->a, 0);	/* their log state, as live_conn_release does */
	live_log_conn_end(&f->g, f->b, 0);
	live_log_close(&f->g, &e);
	unlink(f->path);
	tcb_free(f->a->tcb);
	tcb_free(f->b->tcb);
	live_conn_free(f->a);
	live_conn_free(f->b);
	free(f);
	return 0;
}

/* c sends a segment with these flags and payload at wall time now. */
static void send_seg(struct fx *f, struct live_conn *c, uint8_t flags, const char *data,
		     uint64_t now)
{
	struct live_pkt p = { .c = c, .now = now };
	struct err e;

	p.s.saddr = c->addr.laddr;
	p.s.daddr = c->addr.raddr;
	p.s.sport = c->addr.lport;
	p.s.dport = c->addr.rport;
	p.s.flags = flags;
	p.s.seq = tcb_iss(c->tcb) + ((flags & SEG_SYN) ? 0 : 1);
	p.s.win = 65535;
	p.s.payload = (const uint8_t *)data;
	p.s.len = data ? (uint32_t)strlen(data) : 0;
	assert_int_equal(live_pipe_send(&f->pp, &p, &e), 0);
}

static void cmd(struct fx *f, const char *line, uint64_t now)
{
	char buf[256];
	struct err e;

	snprintf(buf, sizeof(buf), "%s", line);
	assert_int_equal(live_step_command(f->x, buf, now, &e), 1);
}

/* The log file holds text. */
/* How many times text is on the log. */
static int logged_n(struct fx *f, const char *text)
{
	char buf[65536];
	FILE *in;
	size_t n;
	int k = 0;

	fflush(f->g.f);
	assert_non_null(in = fopen(f->path, "r"));
	n = fread(buf, 1, sizeof(buf) - 1, in);
	fclose(in);
	buf[n] = '\0';
	for (const char *p = buf; (p = strstr(p, text)); p += strlen(text))
		k++;
	return k;
}

static bool logged(struct fx *f, const char *text)
{
	return logged_n(f, text) > 0;
}

static void step_holds_one_connection_and_lets_another_pass(void **state)
{
	struct fx *f = *state;
	struct live_step_view v;

	send_seg(f, f->a, SEG_SYN, NULL, 2000);		/* stops: a's clock pauses */
	assert_int_equal(f->w.n, 0);
	assert_true(live_conn_paused(f->a));
	assert_int_equal(live_conn_clock(f->a, 10002000), 2000);	/* 10 s later: still 2000 */
	send_seg(f, f->a, SEG_ACK, "hi", 3000);		/* queued behind a's decision */
	assert_true(logged(f, "step: to send: queued behind the pending decision (1 waiting)"));
	send_seg(f, f->b, SEG_SYN, NULL, 4000);		/* b's own decision */
	assert_true(live_step_current(f->x, 5000, &v));
	assert_int_equal(v.conn, 1);			/* the oldest */
	assert_int_equal(v.queued, 1);
	assert_int_equal(v.others, 1);
	assert_true(v.clock_paused);
	assert_int_equal(v.ntimers, 1);			/* the SYN's retransmission timer */
	assert_string_equal(v.timers[0].name, "rtx");
	cmd(f, "conn=2 send", 10000000);		/* b goes, a still waits */
	assert_int_equal(f->w.n, 1);
	assert_int_equal(f->w.sent[0].sport, 40002);
	assert_false(live_conn_paused(f->b));
	assert_true(live_conn_paused(f->a));
	cmd(f, "", 10002000);				/* a's SYN goes; its ACK stops next */
	assert_int_equal(f->w.n, 2);
	assert_int_equal(f->w.sent[1].flags, SEG_SYN);
	assert_true(live_step_waiting(f->x));
	cmd(f, "c", 10003000);				/* continue: everything passes */
	assert_int_equal(f->w.n, 3);
	assert_memory_equal(f->w.data[2], "hi", 2);
	assert_false(live_step_waiting(f->x));
	assert_false(live_conn_paused(f->a));
	assert_true(f->a->rearm);
	assert_true(f->pp.resumed >= 1);
	/* a stood still from 2000 to 10003000: its protocol clock lost exactly that */
	assert_int_equal(live_conn_clock(f->a, 10004000), 2000 + 1000);
	send_seg(f, f->a, SEG_ACK, NULL, 10005000);	/* no more stops after `c` */
	assert_int_equal(f->w.n, 4);
}

static void step_edits_several_fields_and_refuses_counted_ones(void **state)
{
	struct fx *f = *state;
	uint32_t iss = tcb_iss(f->a->tcb);

	send_seg(f, f->a, SEG_SYN, NULL, 2000);
	cmd(f, "edit seq +5", 3000);			/* a SYN's number is counted */
	assert_true(logged(f, "refused: this segment carries sequence numbers the TCB counted"));
	cmd(f, "edit flags F.", 3500);			/* FIN for SYN: refused */
	assert_true(logged(f, "refused: adding or removing SYN or FIN"));
	cmd(f, "edit flags S.; edit win 1000", 4000);	/* kept: not decided yet */
	assert_int_equal(f->w.n, 0);
	cmd(f, "edit ack +7; send", 5000);
	assert_int_equal(f->w.n, 1);
	assert_int_equal(f->w.sent[0].seq, iss);
	assert_int_equal(f->w.sent[0].flags, SEG_SYN | SEG_ACK);
	assert_int_equal(f->w.sent[0].win, 1000);
	assert_int_equal(f->w.sent[0].ack, 7);
	assert_true(logged(f, "edited at the step prompt (ack +7, flags 0x02 -> 0x12, win 65535 -> 1000)"));
}

static void step_delay_goes_at_the_scaled_time(void **state)
{
	struct fx *f = *state;
	struct err e;

	send_seg(f, f->a, SEG_SYN, NULL, 2000);
	cmd(f, "delay 100ms", 3000);			/* 100 ms at scale 0.5: 50 ms */
	assert_int_equal(f->w.n, 0);
	assert_false(live_step_waiting(f->x));
	assert_int_equal(live_pipe_deadline(&f->pp), 3000 + 50000);
	assert_int_equal(live_pipe_tick(&f->pp, 52999, &e), 0);
	assert_int_equal(f->w.n, 0);
	assert_int_equal(live_pipe_tick(&f->pp, 53000, &e), 0);
	assert_int_equal(f->w.n, 1);
	assert_true(logged(f, "delayed 100ms at the step prompt (50.000 ms at scale 0.5)"));
	/* once: the decision's note only, not again as an impairment rule ("rule 0 ''") */
	assert_int_equal(logged_n(f, "delayed 100ms"), 1);
	assert_false(logged(f, "rule 0"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(step_holds_one_connection_and_lets_another_pass,
						setup, teardown),
		cmocka_unit_test_setup_teardown(step_edits_several_fields_and_refuses_counted_ones,
						setup, teardown),
		cmocka_unit_test_setup_teardown(step_delay_goes_at_the_scaled_time, setup,
						teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
