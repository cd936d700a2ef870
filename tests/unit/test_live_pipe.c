/* test_live_pipe.c - the live runtime's pipeline: stage order both ways, held copies, delivery queue, per-connection clock, command words. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "live_cmd.h"
#include "live_conn.h"
#include "live_pipe.h"
#include "live_prompt.h"
#include "live_stages.h"

/* A stage that writes its name into a trace as a segment passes, then passes it on; the
 * bottom one ("wire") records what reached it. */
struct tstage {
	struct live_stage st;
	char name;
	char *trace;
	uint64_t due;		/* its deadline (TCB_NEVER: none) */
	int ticks;
	struct live_pkt last;	/* the bottom: the last segment sent */
};

static int t_in(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct tstage *t = (struct tstage *)st;

	strncat(t->trace, &t->name, 1);
	return live_pipe_up(st, p, e);
}

static int t_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct tstage *t = (struct tstage *)st;

	strncat(t->trace, &t->name, 1);
	if (!st->down) {
		t->last = *p;
		return 0;
	}
	return live_pipe_down(st, p, e);
}

static uint64_t t_deadline(const struct live_stage *st)
{
	return ((const struct tstage *)st)->due;
}

static int t_tick(struct live_stage *st, uint64_t now, struct err *e)
{
	(void)now;
	(void)e;
	((struct tstage *)st)->ticks++;
	return 0;
}

static const struct live_stage_ops t_ops = {
	.name = "t", .in = t_in, .out = t_out, .deadline = t_deadline, .tick = t_tick,
};

static struct live_pkt pkt_in(const uint8_t *ip, size_t len, uint8_t flags)
{
	struct live_pkt p = { .dir = LIVE_IN };

	p.w.kind = WIRE_PKT_OK;
	p.w.ip = ip;
	p.w.ip_len = len;
	p.s.flags = flags;
	p.s.payload = len > 40 ? ip + 40 : NULL;
	p.s.len = len > 40 ? (uint32_t)(len - 40) : 0;
	p.stable = true;
	return p;
}

static void pipe_passes_each_stage_in_order_both_ways(void **state)
{
	struct live_pipe pp = { 0 };
	struct tstage a = { .name = 'w' }, b = { .name = 'c' }, c = { .name = 's' };
	char trace[16] = "";
	struct live_pkt p = { 0 };
	uint8_t ip[40] = { 0 };
	struct err e;

	(void)state;
	a.trace = b.trace = c.trace = trace;
	a.due = 500, b.due = TCB_NEVER, c.due = 300;
	live_pipe_push(&pp, &a.st, &t_ops);	/* the wire first, then up */
	live_pipe_push(&pp, &b.st, &t_ops);
	live_pipe_push(&pp, &c.st, &t_ops);
	assert_int_equal(live_pipe_send(&pp, &p, &e), 0);
	assert_string_equal(trace, "scw");	/* top down to the wire */
	assert_int_equal(a.last.dir, LIVE_OUT);
	trace[0] = '\0';
	p = pkt_in(ip, sizeof(ip), SEG_ACK);
	assert_int_equal(live_pipe_recv(&pp, &p, &e), 0);
	assert_string_equal(trace, "cs");	/* from above the wire up to the top */
	trace[0] = '\0';
	assert_int_equal(live_pipe_inject(&b.st, &p, &e), 0);
	assert_string_equal(trace, "cw");	/* a hand-made segment enters at the capture */
	assert_int_equal(live_pipe_deadline(&pp), 300);
	assert_int_equal(live_pipe_tick(&pp, 1000, &e), 0);
	assert_int_equal(a.ticks + b.ticks + c.ticks, 3);
}

static void deliver_keeps_order_and_copies_unstable_bytes(void **state)
{
	struct live_pipe pp = { 0 };
	struct tstage w = { .name = 'w' };
	char trace[16] = "";
	struct live_deliver *d;
	uint8_t a[44] = { [40] = 'a', 'b', 'c', 'd' }, b[40] = { 1 };
	struct live_pkt p, got;
	struct err e;

	(void)state;
	w.trace = trace;
	w.due = TCB_NEVER;
	live_pipe_push(&pp, &w.st, &t_ops);
	assert_non_null(d = live_deliver_push(&pp, &e));
	assert_false(live_deliver_pending(d));
	p = pkt_in(a, sizeof(a), SEG_ACK | SEG_PSH);
	assert_int_equal(live_pipe_recv(&pp, &p, &e), 0);	/* borrowed: no copy */
	p = pkt_in(b, sizeof(b), SEG_FIN);
	p.stable = false;	/* a stage's own copy: must be copied */
	assert_int_equal(live_pipe_recv(&pp, &p, &e), 0);
	memset(a, 0, sizeof(a));	/* the wire buffer is reused after both were queued... */
	memset(b, 0, sizeof(b));
	assert_true(live_deliver_take(d, &got));
	/* ...but the first was copied once the second was queued behind it */
	assert_int_equal(got.s.flags, SEG_ACK | SEG_PSH);
	assert_int_equal(got.s.len, 4);
	assert_memory_equal(got.s.payload, "abcd", 4);
	assert_true(got.s.payload == got.w.ip + 40);
	assert_true(live_deliver_take(d, &got));
	assert_int_equal(got.s.flags, SEG_FIN);
	assert_int_equal(got.w.ip[0], 1);
	assert_false(live_deliver_take(d, &got));
	live_pipe_free(&pp);
}

static void conn_clock_stands_still_while_paused(void **state)
{
	struct live_conn *c = calloc(1, sizeof(*c));

	(void)state;
	assert_int_equal(live_conn_clock(c, 5000), 5000);	/* no interactive state: wall */
	c->ix = calloc(1, sizeof(*c->ix));
	live_conn_pause(c, 1000);
	assert_true(live_conn_paused(c));
	assert_int_equal(live_conn_clock(c, 1000), 1000);
	assert_int_equal(live_conn_clock(c, 11000), 1000);	/* 10 ms later: still 1000 */
	live_conn_pause(c, 5000);				/* a second pause: no change */
	live_conn_resume(c, 11000);
	assert_false(live_conn_paused(c));
	assert_true(c->rearm);
	assert_int_equal(live_conn_clock(c, 11000), 1000);	/* it goes on from where it stood */
	assert_int_equal(live_conn_clock(c, 12000), 2000);
	assert_int_equal(live_conn_wall(c, 2000), 12000);
	assert_true(live_conn_wall(c, TCB_NEVER) == TCB_NEVER);
	live_conn_ref(c);
	c->released = true;
	live_conn_unref(c);	/* the last reference of a released connection frees it */
}

static void cmd_targets_and_lines(void **state)
{
	char l1[] = "conn=2 edit seq +5", l2[] = "conn=198.18.0.1:40001 d",
	     l3[] = "conn=198.18.0.2:8080-198.18.0.1:40001 c", l4[] = "conn=x d", l5[] = "d";
	char l6[] = " edit seq +5;edit flags S. ; send", *rest = l6, *c;
	struct tcb_addr a = { .laddr = 0xC6120002, .raddr = 0xC6120001, .lport = 8080, .rport = 40001 };
	struct live_target t;
	uint8_t fl;
	uint32_t v;

	(void)state;
	assert_string_equal(live_cmd_target(l1, &t), "edit seq +5");
	assert_true(t.set && t.id == 2);
	assert_true(live_cmd_target_match(&t, 2, &a));
	assert_false(live_cmd_target_match(&t, 1, &a));
	assert_string_equal(live_cmd_target(l2, &t), "d");
	assert_true(t.set && !t.id && !t.full);
	assert_true(live_cmd_target_match(&t, 7, &a));
	assert_string_equal(live_cmd_target(l3, &t), "c");
	assert_true(t.full && live_cmd_target_match(&t, 7, &a));
	a.lport = 8081;
	assert_false(live_cmd_target_match(&t, 7, &a));
	assert_null(live_cmd_target(l4, &t));
	assert_ptr_equal(live_cmd_target(l5, &t), l5);
	assert_false(t.set);
	assert_string_equal(c = live_cmd_next(&rest), "edit seq +5");
	assert_string_equal(c = live_cmd_next(&rest), "edit flags S.");
	assert_string_equal(c = live_cmd_next(&rest), "send");
	assert_null(live_cmd_next(&rest));
	assert_int_equal(live_cmd_flags("S.", &fl), 0);
	assert_int_equal(fl, SEG_SYN | SEG_ACK);
	assert_int_equal(live_cmd_flags("bogus", &fl), -1);
	assert_int_equal(live_cmd_seqval("+5", 100, 90, &v), 0);
	assert_int_equal(v, 105);
	assert_int_equal(live_cmd_seqval("3", 100, 90, &v), 0);
	assert_int_equal(v, 93);
	assert_int_equal(live_cmd_seqval("raw:7", 100, 90, &v), 0);
	assert_int_equal(v, 7);
}

static void prompt_gives_whole_lines_only(void **state)
{
	struct live_prompt pr;
	char buf[64];
	struct err e;
	int fds[2];

	(void)state;
	assert_int_equal(pipe(fds), 0);
	live_prompt_init(&pr, fds[0]);
	assert_int_equal(write(fds[1], "edit seq +5\r\nse", 15), 15);
	assert_int_equal(live_prompt_read(&pr, &e), 0);
	assert_true(live_prompt_line(&pr, buf, sizeof(buf)));
	assert_string_equal(buf, "edit seq +5");
	assert_false(live_prompt_line(&pr, buf, sizeof(buf)));	/* "se" is not a line yet */
	assert_int_equal(write(fds[1], "nd", 2), 2);
	close(fds[1]);
	assert_int_equal(live_prompt_read(&pr, &e), 0);
	assert_false(live_prompt_line(&pr, buf, sizeof(buf)));
	assert_int_equal(live_prompt_read(&pr, &e), 0);	/* end of input */
	assert_true(pr.eof);
	assert_true(live_prompt_line(&pr, buf, sizeof(buf)));	/* the last line, unended */
	assert_string_equal(buf, "send");
	assert_false(live_prompt_line(&pr, buf, sizeof(buf)));
	close(fds[0]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pipe_passes_each_stage_in_order_both_ways),
		cmocka_unit_test(deliver_keeps_order_and_copies_unstable_bytes),
		cmocka_unit_test(conn_clock_stands_still_while_paused),
		cmocka_unit_test(cmd_targets_and_lines),
		cmocka_unit_test(prompt_gives_whole_lines_only),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
