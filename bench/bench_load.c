/* bench_load.c - bench tool: a handshake load generator on kernel sockets (non-blocking, many in flight, bounded). */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
#include "evloop.h"
#include "wire.h"

/*
 * Keeps --parallel non-blocking connect()s in flight against --connect A:P until --count
 * handshakes completed or --seconds passed. Source addresses rotate over --local A and
 * the --nlocal - 1 addresses after it (the bench adds them to the client veth); ports are
 * the kernel's. A connection is closed with SO_LINGER 0 (a RST, marked so the lab's nft
 * rule lets it out) as soon as it is established: no TIME-WAIT on either side
 * (LAB-NOTES trap 6). Latency is connect() to writable.
 * Prints {"tool":"bench_load","completed":N,"failed":F,"seconds":S,"rate":R,
 *         "p50_us":..,"p99_us":..}.
 */

#define LOAD_MAXPAR 1024

struct load {
	uint32_t local, raddr;
	uint16_t rport;
	uint64_t count, nlocal, par, seconds;
	int ep;
	uint64_t started[65536];	/* start time by fd */
	double *lat;
	uint64_t done, failed, issued;
};

static int start_one(struct load *L)
{
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(L->local + (uint32_t)(L->issued % L->nlocal)) };
	struct sockaddr_in dst = { .sin_family = AF_INET, .sin_port = htons(L->rport),
				   .sin_addr.s_addr = htonl(L->raddr) };
	struct linger lg = { 1, 0 };
	int mark = WIRE_MARK, one = 1;
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
	struct epoll_event ev = { .events = EPOLLOUT };

	if (fd < 0 || fd >= 65536)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark));
	setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg));
	setsockopt(fd, IPPROTO_IP, IP_BIND_ADDRESS_NO_PORT, &one, sizeof(one));
	if (bind(fd, (void *)&src, sizeof(src)) < 0) {
		close(fd);
		return -1;
	}
	L->issued++;
	L->started[fd] = evloop_now_us();
	if (connect(fd, (void *)&dst, sizeof(dst)) < 0 && errno != EINPROGRESS) {
		close(fd);
		L->failed++;
		return 0;
	}
	ev.data.fd = fd;
	return epoll_ctl(L->ep, EPOLL_CTL_ADD, fd, &ev);
}

static void finish(struct load *L, int fd, uint64_t now)
{
	int err = 0;
	socklen_t el = sizeof(err);

	getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &el);
	if (err) {
		L->failed++;
		if (getenv("BENCH_LOAD_DEBUG"))
			fprintf(stderr, "bench_load: %s\n", strerror(err));
	}
	else
		L->lat[L->done++] = (double)(now - L->started[fd]);
	close(fd);
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static int run(struct load *L)
{
	struct epoll_event evs[64];
	uint64_t t0 = evloop_now_us(), end = t0 + L->seconds * 1000000, inflight = 0, now;

	while (L->done < L->count && (now = evloop_now_us()) < end) {
		while (inflight < L->par && L->issued < L->count + L->failed) {
			if (start_one(L) < 0)
				return -1;
			inflight++;
		}
		int n = epoll_wait(L->ep, evs, 64, 100);

		now = evloop_now_us();
		for (int i = 0; i < n; i++, inflight--)
			finish(L, evs[i].data.fd, now);
	}
	now = evloop_now_us();
	qsort(L->lat, L->done, sizeof(double), cmp_d);
	printf("{\"tool\":\"bench_load\",\"completed\":%llu,\"failed\":%llu,\"seconds\":%.6f,"
	       "\"rate\":%.1f,\"p50_us\":%.1f,\"p99_us\":%.1f}\n",
	       (unsigned long long)L->done, (unsigned long long)L->failed, (now - t0) / 1e6,
	       L->done / ((now - t0) / 1e6), L->done ? L->lat[L->done / 2] : 0.0,
	       L->done ? L->lat[L->done * 99 / 100] : 0.0);
	return 0;
}

static int parse(struct load *L, int argc, char **argv, struct err *e)
{
	L->count = 10000, L->nlocal = 1, L->par = 32, L->seconds = 10;
	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *a = argv[i + 1];
		int r = -1;

		if (!strcmp(k, "--connect"))
			r = cli_parse_addrport(a, &L->raddr, &L->rport, e);
		else if (!strcmp(k, "--local"))
			r = cli_parse_addr(a, &L->local, e);
		else if (!strcmp(k, "--nlocal"))
			r = cli_parse_u64(a, 1, 250, &L->nlocal, e);
		else if (!strcmp(k, "--count"))
			r = cli_parse_u64(a, 1, 10000000, &L->count, e);
		else if (!strcmp(k, "--parallel"))
			r = cli_parse_u64(a, 1, LOAD_MAXPAR, &L->par, e);
		else if (!strcmp(k, "--seconds"))
			r = cli_parse_u64(a, 1, 600, &L->seconds, e);
		if (r < 0)
			return err_wrap(e, "%s", k);
	}
	return L->rport && L->local ? 0 : err_set(e, "--connect A:P and --local A are required");
}

int main(int argc, char **argv)
{
	static struct load L;
	struct err e = { "" };

	if (parse(&L, argc, argv, &e) < 0) {
		fprintf(stderr, "bench_load: %s\nusage: bench_load --connect A:P --local A "
				"[--nlocal K] [--count N] [--parallel P] [--seconds S]\n", e.msg);
		return 2;
	}
	if (!(L.lat = calloc(L.count, sizeof(double))) || (L.ep = epoll_create1(0)) < 0) {
		perror("bench_load");
		return 1;
	}
	if (run(&L) < 0) {
		perror("bench_load: socket");
		return 1;
	}
	return 0;
}
