/* evloop.c - ppoll-based event loop with CLOCK_MONOTONIC microsecond deadlines and a signalfd. */
#include "evloop.h"

#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/signalfd.h>
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
	/* The default 50 us timer slack would let ppoll wake up to 50 us late. */
	prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
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

static void evloop_read_signal(struct evloop *ev, struct evloop_result *r)
{
	struct signalfd_siginfo si;

	if (read(ev->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si))
		r->signo = (int)si.ssi_signo;
}

int evloop_wait(struct evloop *ev, uint64_t deadline_us, struct evloop_result *r,
		struct err *e)
{
	struct pollfd p[EVLOOP_MAX_FDS + 1];
	struct timespec ts;
	size_t i, n = ev->nfds;
	int rc;

	memset(r, 0, sizeof(*r));
	for (i = 0; i < n; i++)
		p[i] = (struct pollfd){ .fd = ev->fds[i], .events = POLLIN };
	p[n] = (struct pollfd){ .fd = ev->sigfd, .events = POLLIN };	/* -1 is ignored */
	rc = ppoll(p, n + 1, evloop_timeout(deadline_us, &ts), NULL);
	if (rc < 0)
		return errno == EINTR ? 0 : err_set(e, "ppoll: %s", strerror(errno));
	/* ppoll's hrtimer never fires early; the check makes the promise explicit. */
	r->timeout = rc == 0 && evloop_now_us() >= deadline_us;
	for (i = 0; i < n; i++)
		if (p[i].revents & (POLLIN | POLLERR | POLLHUP))
			r->ready |= 1u << i;
	if (p[n].revents & POLLIN)
		evloop_read_signal(ev, r);
	return 0;
}

void evloop_close(struct evloop *ev)
{
	if (ev->sigfd >= 0) {
		close(ev->sigfd);
		sigprocmask(SIG_SETMASK, &ev->oldmask, NULL);
	}
	ev->sigfd = -1;
}
