/* evloop.h - the one-thread event loop: ppoll on a few descriptors and signals until a microsecond deadline. */
#ifndef SYNLAB_EVLOOP_H
#define SYNLAB_EVLOOP_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

#define EVLOOP_NEVER UINT64_MAX	/* deadline: wait without a timeout */
#define EVLOOP_MAX_FDS 8

struct evloop {
	int fds[EVLOOP_MAX_FDS];
	size_t nfds;
	int sigfd;		/* signalfd for SIGINT/SIGTERM, or -1 */
	int tfd;		/* timerfd carrying the deadline, or -1 (ppoll's timeout) */
	uint64_t tfd_at;	/* deadline the timerfd is armed for, us; EVLOOP_NEVER none */
	sigset_t oldmask;	/* signal mask to restore in evloop_close */
	uint64_t busy_us;	/* evloop_busy_poll: spin this long before sleeping; 0 off */
};

struct evloop_result {
	unsigned ready;		/* bit i set: fds[i] (the i-th evloop_add) is readable */
	int signo;		/* SIGINT or SIGTERM when one arrived, else 0 */
	bool timeout;		/* the deadline passed (nothing else may be set) */
};

/* CLOCK_MONOTONIC in microseconds: the time base of every deadline. */
uint64_t evloop_now_us(void);

/* With catch_signals, SIGINT and SIGTERM are blocked and delivered through a signalfd
 * (evloop_result.signo) instead of killing the process. Also lowers this thread's
 * timer slack to 1 ns and opens a timerfd for the deadlines: ppoll's own timeout gets
 * a slack of 0.1 % of the timeout (fs/select.c, whatever the thread's timer slack),
 * i.e. up to 4 ms late on a 4 s timer; a timerfd uses the thread's slack. */
int evloop_init(struct evloop *ev, bool catch_signals, struct err *e);

/* Watches fd for readability; returns its index (bit in evloop_result.ready) or -1. */
int evloop_add(struct evloop *ev, int fd, struct err *e);

/* Stops watching the descriptor of index idx (e.g. stdin at end of file). */
void evloop_ignore(struct evloop *ev, int idx);

/* Waits until a descriptor is readable, a signal arrives or CLOCK_MONOTONIC reaches
 * deadline_us (EVLOOP_NEVER: no timeout; a past deadline polls once). The deadline is
 * an absolute nanosecond CLOCK_MONOTONIC timerfd (a nanosecond ppoll timeout without
 * one), never a millisecond poll() timeout, and the call never returns a timeout before
 * the deadline. EINTR returns 0 with nothing set. */
int evloop_wait(struct evloop *ev, uint64_t deadline_us, struct evloop_result *r,
		struct err *e);

/* Busy polling (0 turns it off, the default): each evloop_wait first polls the
 * descriptors without sleeping for up to us microseconds (or to its deadline), and
 * sleeps only when nothing became readable meanwhile. A core spins for it; what it saves
 * is the wake-up of a sleeping process (scheduler latency: 50-90 us on a shared VM),
 * the same trade as the kernel's net.core.busy_poll. */
void evloop_busy_poll(struct evloop *ev, uint64_t us);

/* Closes the signalfd and the timerfd and restores the signal mask. */
void evloop_close(struct evloop *ev);

#endif
