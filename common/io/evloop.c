/* evloop.c - ppoll-based event loop with CLOCK_MONOTONIC microsecond deadlines and a signalfd. */
#include "evloop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

static uint64_t evloop_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

uint64_t evloop_now_us(void)
{
	return evloop_now_ns() / 1000u;
}

static int evloop_signals(struct evloop *ev, struct err *e)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, &ev->oldmask) < 0)
		return err_set(e, "sigprocmask: %s", strerror(errno));
	ev->sigfd = signalfd(-1, &set, SFD_NONBLOCK | SFD_CLOEXEC);
	if (ev->sigfd < 0) {
		sigprocmask(SIG_SETMASK, &ev->oldmask, NULL);
		return err_set(e, "signalfd: %s", strerror(errno));
	}
	return 0;
}

int evloop_init(struct evloop *ev, bool catch_signals, struct err *e)
{
	memset(ev, 0, sizeof(*ev));
	ev->sigfd = -1;
	/* The default 50 us timer slack would let the timer fire up to 50 us late. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
	/* Without a timerfd (very old kernels) ppoll's timeout is used, 0.1 % late. */
	ev->tfd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	ev->tfd_at = EVLOOP_NEVER;
	return catch_signals ? evloop_signals(ev, e) : 0;
}

void evloop_ignore(struct evloop *ev, int idx)
{
	if (idx >= 0 && (size_t)idx < ev->nfds)
		ev->fds[idx] = -1;	/* poll() skips negative descriptors */
}

int evloop_add(struct evloop *ev, int fd, struct err *e)
{
	if (fd < 0)
		return err_set(e, "evloop_add: bad descriptor %d", fd);
	if (ev->nfds == EVLOOP_MAX_FDS)
		return err_set(e, "evloop_add: more than %d descriptors", EVLOOP_MAX_FDS);
	ev->fds[ev->nfds] = fd;
	return (int)ev->nfds++;
}

/* Timeout from now to the deadline in nanoseconds, so ppoll wakes at or after it;
 * NULL for no deadline. A deadline too large to express in ns counts as none. */
static struct timespec *evloop_timeout(uint64_t deadline_us, struct timespec *ts)
{
	uint64_t now, dl;

	if (deadline_us == EVLOOP_NEVER || deadline_us > UINT64_MAX / 1000u)
		return NULL;
	dl = deadline_us * 1000u;
	now = evloop_now_ns();
	dl = dl > now ? dl - now : 0;
	ts->tv_sec = (time_t)(dl / 1000000000u);
	ts->tv_nsec = (long)(dl % 1000000000u);
	return ts;
}

/* Arms the timerfd for the absolute deadline (only when it changed: one syscall saved
 * per wake-up). false when the timerfd cannot carry it (then ppoll's timeout does). */
static bool evloop_arm(struct evloop *ev, uint64_t deadline_us)
{
	struct itimerspec its = { { 0, 0 }, { 0, 0 } };

	if (ev->tfd < 0 || deadline_us > UINT64_MAX / 1000u)
		return false;
	if (deadline_us == ev->tfd_at)
		return true;
	its.it_value.tv_sec = (time_t)(deadline_us / 1000000u);
	its.it_value.tv_nsec = (long)(deadline_us % 1000000u * 1000u);
	if (timerfd_settime(ev->tfd, TFD_TIMER_ABSTIME, &its, NULL) < 0)
		return false;
	ev->tfd_at = deadline_us;
	return true;
}

/* The timerfd fired: consumes the expiry so it stops being readable. */
static void evloop_timer_fired(struct evloop *ev)
{
	uint64_t n;

	if (read(ev->tfd, &n, sizeof(n)) == (ssize_t)sizeof(n) || errno == EAGAIN)
		ev->tfd_at = EVLOOP_NEVER;
}

static void evloop_read_signal(struct evloop *ev, struct evloop_result *r)
{
	struct signalfd_siginfo si;

	if (read(ev->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		r->signo = (int)si.ssi_signo;
}

void evloop_busy_poll(struct evloop *ev, uint64_t us)
{
	ev->busy_us = us;
}

/* The descriptors, then the signalfd and the timerfd (-1 entries are ignored). */
static size_t evloop_fill(const struct evloop *ev, struct pollfd *p)
{
	size_t i, n = ev->nfds;

	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = ev->fds[i], .events = POLLIN };
	p[n] = (struct pollfd){ .fd = ev->sigfd, .events = POLLIN };
	p[n + 1] = (struct pollfd){ .fd = ev->tfd, .events = POLLIN };
	return n + 2;
}

/* Polls without sleeping until something is readable, busy_us pass or the deadline
 * does; the number of ready descriptors (0: none, sleep now), -1 with errno. */
static int evloop_spin(struct evloop *ev, struct pollfd *p, size_t np, uint64_t deadline_us)
{
	static const struct timespec zero = { 0, 0 };
	uint64_t start = evloop_now_us(), now = start;
	int rc = 0;

	while (rc == 0 && now - start < ev->busy_us && now < deadline_us) {
		rc = ppoll(p, np, &zero, NULL);
		now = evloop_now_us();
	}
	return rc;
}

int evloop_wait(struct evloop *ev, uint64_t deadline_us, struct evloop_result *r,
		struct err *e)
{
	struct pollfd p[EVLOOP_MAX_FDS + 2];
	struct timespec ts, *to;
	size_t i, n = ev->nfds, np = evloop_fill(ev, p);
	int rc = 0;

	memset(r, 0, sizeof(*r));
	if (ev->busy_us)
		rc = evloop_spin(ev, p, np, deadline_us);
	if (rc == 0) {
		to = evloop_timeout(deadline_us, &ts);	/* after the spin: what is left */
		if (to && (to->tv_sec || to->tv_nsec) && evloop_arm(ev, deadline_us))
			to = NULL;	/* the timerfd wakes us */
		rc = ppoll(p, np, to, NULL);
	}
	if (rc < 0)
		return errno == EINTR ? 0 : err_set(e, "ppoll: %s", strerror(errno));
	if (ev->tfd >= 0 && (p[n + 1].revents & POLLIN))
		evloop_timer_fired(ev);
	/* Neither timer fires early; the check makes the promise explicit. */
	r->timeout = evloop_now_us() >= deadline_us;
	for (i = 0; i < n; i++)
		if (p[i].revents & (POLLIN | POLLERR | POLLHUP))
			r->ready |= 1u << i;
	if (p[n].revents & POLLIN)
		evloop_read_signal(ev, r);
	return 0;
}

void evloop_close(struct evloop *ev)
{
	if (ev->tfd >= 0)
		close(ev->tfd);
	ev->tfd = -1;
	if (ev->sigfd >= 0) {
		close(ev->sigfd);
		sigprocmask(SIG_SETMASK, &ev->oldmask, NULL);
	}
	ev->sigfd = -1;
}
