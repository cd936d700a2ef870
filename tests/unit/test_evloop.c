/* test_evloop.c - evloop deadlines (never early, sub-millisecond precise), readiness and signals. */
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>
#include <cmocka.h>

#include "evloop.h"

#define RUNS 9
/* Any single wake-up may be delayed by other load on a shared 2-core machine; this bound
 * only catches gross misuse (a 10 ms tick). The medians below carry the precision claim. */
#define MAX_LATE_US 20000

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return (x > y) - (x < y);
}

/* Waits RUNS times for a deadline `ahead_us` away; asserts never early and returns the
 * median lateness in microseconds. */
static uint64_t median_late(struct evloop *ev, uint64_t ahead_us, uint64_t max_late_us)
{
	uint64_t late[RUNS];
	struct evloop_result r;
	struct err e;

	for (int i = 0; i < RUNS; i++) {
		uint64_t dl = evloop_now_us() + ahead_us;

		do {
			assert_int_equal(evloop_wait(ev, dl, &r, &e), 0);
		} while (!r.timeout);
		uint64_t now = evloop_now_us();

		assert_true(now >= dl);		/* never early */
		late[i] = now - dl;
		assert_true(late[i] <= max_late_us);
	}
	qsort(late, RUNS, sizeof(late[0]), cmp_u64);
	return late[RUNS / 2];
}

static void deadline_5ms_met_within_1ms(void **state)
{
	struct evloop ev;
	struct err e;

	(void)state;
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	assert_true(median_late(&ev, 5000, MAX_LATE_US) <= 1000);
	evloop_close(&ev);
}

/* A millisecond poll() timeout would return at once (0 ms: early) or 1 ms later. */
static void deadline_250us_is_sub_millisecond(void **state)
{
	struct evloop ev;
	struct err e;

	(void)state;
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	assert_true(median_late(&ev, 250, MAX_LATE_US) <= 500);
	evloop_close(&ev);
}

static void past_deadline_polls_once(void **state)
{
	struct evloop ev;
	struct evloop_result r;
	struct err e;
	uint64_t t0 = evloop_now_us();

	(void)state;
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	assert_int_equal(evloop_wait(&ev, t0 - 1000, &r, &e), 0);
	assert_true(r.timeout);
	assert_true(evloop_now_us() - t0 < 100000);
	evloop_close(&ev);
}

static void readable_fd_wakes_before_deadline(void **state)
{
	struct evloop ev;
	struct evloop_result r;
	struct err e;
	int p[2], q[2];

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(pipe(q), 0);
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	assert_int_equal(evloop_add(&ev, q[0], &e), 0);
	assert_int_equal(evloop_add(&ev, p[0], &e), 1);
	assert_int_equal(write(p[1], "x", 1), 1);
	uint64_t t0 = evloop_now_us();

	assert_int_equal(evloop_wait(&ev, EVLOOP_NEVER, &r, &e), 0);
	assert_false(r.timeout);
	assert_int_equal(r.ready, 1u << 1);
	assert_int_equal(evloop_wait(&ev, t0 + 10000000, &r, &e), 0);
	assert_int_equal(r.ready, 1u << 1);	/* still unread: level-triggered */
	assert_true(evloop_now_us() - t0 < 1000000);
	evloop_close(&ev);
	close(p[0]); close(p[1]); close(q[0]); close(q[1]);
}

static void sigterm_is_reported_not_fatal(void **state)
{
	struct evloop ev;
	struct evloop_result r;
	struct err e;

	(void)state;
	assert_int_equal(evloop_init(&ev, true, &e), 0);
	assert_int_equal(raise(SIGTERM), 0);	/* blocked: stays pending for the signalfd */
	assert_int_equal(evloop_wait(&ev, evloop_now_us() + 2000000, &r, &e), 0);
	assert_int_equal(r.signo, SIGTERM);
	assert_false(r.timeout);
	evloop_close(&ev);
}

static void too_many_fds_rejected(void **state)
{
	struct evloop ev;
	struct err e;

	(void)state;
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	for (int i = 0; i < EVLOOP_MAX_FDS; i++)
		assert_int_equal(evloop_add(&ev, 0, &e), i);
	assert_int_equal(evloop_add(&ev, 0, &e), -1);
	assert_int_equal(evloop_add(&ev, -1, &e), -1);
	evloop_close(&ev);
}

/* --busy-poll: a spin shorter than the deadline, then a sleep; a spin longer than it
 * stops at it. Either way never early. */
static void busy_poll_keeps_deadlines(void **state)
{
	struct evloop ev;
	struct err e;

	(void)state;
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	evloop_busy_poll(&ev, 2000);
	assert_true(median_late(&ev, 5000, MAX_LATE_US) <= 1000);
	evloop_busy_poll(&ev, 20000);
	assert_true(median_late(&ev, 1000, MAX_LATE_US) <= 1000);
	evloop_close(&ev);
}

/* What becomes readable during the spin ends it: another process writes 2 ms in, the
 * wait (deadline 5 s, window 1 s) reports the descriptor, not a timeout. */
static void busy_poll_sees_a_write_while_spinning(void **state)
{
	struct evloop ev;
	struct evloop_result r;
	struct err e;
	int p[2];
	pid_t kid;

	(void)state;
	assert_int_equal(pipe(p), 0);
	assert_int_equal(evloop_init(&ev, false, &e), 0);
	assert_int_equal(evloop_add(&ev, p[0], &e), 0);
	evloop_busy_poll(&ev, 1000000);
	kid = fork();
	assert_true(kid >= 0);
	if (kid == 0) {
		usleep(2000);
		_exit(write(p[1], "x", 1) == 1 ? 0 : 1);
	}
	uint64_t t0 = evloop_now_us();
	assert_int_equal(evloop_wait(&ev, t0 + 5000000, &r, &e), 0);
	assert_false(r.timeout);
	assert_int_equal(r.ready, 1u);
	assert_true(evloop_now_us() - t0 < 5000000);
	assert_int_equal(waitpid(kid, NULL, 0), kid);
	evloop_close(&ev);
	close(p[0]); close(p[1]);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(deadline_5ms_met_within_1ms),
		cmocka_unit_test(deadline_250us_is_sub_millisecond),
		cmocka_unit_test(past_deadline_polls_once),
		cmocka_unit_test(readable_fd_wakes_before_deadline),
		cmocka_unit_test(sigterm_is_reported_not_fatal),
		cmocka_unit_test(too_many_fds_rejected),
		cmocka_unit_test(busy_poll_keeps_deadlines),
		cmocka_unit_test(busy_poll_sees_a_write_while_spinning),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
