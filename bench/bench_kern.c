/* bench_kern.c - bench tool: kernel TCP peers; N sequential connect() calls timed, or an accept-and-close listener. */
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "evloop.h"
#include "wire.h"

/*
 * --connect A:P: N blocking connect() calls from fixed source ports (sport-base + i), each
 * timed from just before connect() to its return (the kernel has then sent the ACK),
 * then closed with SO_LINGER 0: a RST, so no TIME-WAIT piles up (LAB-NOTES trap 6). The
 * socket carries SO_MARK WIRE_MARK so the lab's nft rule lets that RST out (trap 2).
 * Prints {"tool":"bench_kern","samples_us":[...],"failed":F}.
 * --listen A:P: accepts and closes (FIN) connections until killed (backlog 4096).
 */

static int mark_and_linger(int fd)
{
	int mark = WIRE_MARK, one = 1;
	struct linger lg = { 1, 0 };

	return setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0 ||
	       setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 ||
	       setsockopt(fd, SOL_SOCKET, SO_LINGER, &lg, sizeof(lg)) < 0 ? -1 : 0;
}

static struct sockaddr_in sin_of(uint32_t addr, uint16_t port)
{
	struct sockaddr_in s = { .sin_family = AF_INET, .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(addr) };
	return s;
}

static int listen_forever(uint32_t addr, uint16_t port)
{
	struct sockaddr_in s = sin_of(addr, port);
	int fd = socket(AF_INET, SOCK_STREAM, 0), c, one = 1;

	/* No SO_LINGER here: accepted sockets would inherit it, and a RST racing the
	 * client's own check of its connect() would count as a failed handshake. */
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one)) < 0 || bind(fd, (void *)&s, sizeof(s)) < 0 ||
	    listen(fd, 4096) < 0) {
		perror("bench_kern: listen");
		return 1;
	}
	fprintf(stderr, "bench_kern: listening\n");
	for (;;)
		if ((c = accept(fd, NULL, NULL)) >= 0)
			close(c);
}

/* One timed connect; returns 0 (us set), 1 (failed), -1 (socket error). */
static int one(uint32_t local, uint16_t sport, const struct sockaddr_in *dst, uint64_t *us)
{
	struct sockaddr_in src = sin_of(local, sport);
	int fd = socket(AF_INET, SOCK_STREAM, 0), rc = 0;
	uint64_t t0;

	if (fd < 0 || mark_and_linger(fd) < 0 || bind(fd, (void *)&src, sizeof(src)) < 0) {
		perror("bench_kern: socket");
		if (fd >= 0)
			close(fd);
		return -1;
	}
	t0 = evloop_now_us();
	if (connect(fd, (const void *)dst, sizeof(*dst)) < 0)
		rc = 1;
	*us = evloop_now_us() - t0;
	close(fd);
	return rc;
}

static void sleep_until(uint64_t t)
{
	struct timespec ts = { (time_t)(t / 1000000), (long)(t % 1000000) * 1000 };

	while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL) != 0)
		;
}

static int connect_n(uint32_t local, uint32_t raddr, uint16_t rport, uint64_t count,
		     uint64_t gap_us, uint16_t sport_base)
{
	struct sockaddr_in dst = sin_of(raddr, rport);
	uint64_t us, failed = 0, next = evloop_now_us();

	printf("{\"tool\":\"bench_kern\",\"samples_us\":[");
	for (uint64_t i = 0, n = 0; i < count; i++) {
		int rc;

		sleep_until(next);
		next = evloop_now_us() + gap_us;
		rc = one(local, (uint16_t)(sport_base + i % (65000 - sport_base)), &dst, &us);
		if (rc < 0)
			return 1;
		if (rc > 0) {
			failed++;
			continue;
		}
		printf("%s%.3f", n++ ? "," : "", (double)us);
	}
	printf("],\"failed\":%llu}\n", (unsigned long long)failed);
	return 0;
}

int main(int argc, char **argv)
{
	struct err e = { "" };
	uint32_t local = 0, raddr = 0;
	uint16_t rport = 0, lport = 0;
	uint64_t count = 100, gap = 0, base = 30000;

	for (int i = 1; i + 1 < argc; i += 2) {
		const char *k = argv[i], *a = argv[i + 1];
		int r = -1;

		if (!strcmp(k, "--listen"))
			r = cli_parse_addrport(a, &local, &lport, &e);
		else if (!strcmp(k, "--connect"))
			r = cli_parse_addrport(a, &raddr, &rport, &e);
		else if (!strcmp(k, "--local"))
			r = cli_parse_addr(a, &local, &e);
		else if (!strcmp(k, "--count"))
			r = cli_parse_u64(a, 1, 1000000, &count, &e);
		else if (!strcmp(k, "--gap-us"))
			r = cli_parse_u64(a, 0, 10000000, &gap, &e);
		else if (!strcmp(k, "--sport-base"))
			r = cli_parse_u64(a, 1024, 65000, &base, &e);
		if (r < 0) {
			fprintf(stderr, "bench_kern: %s: %s\nusage: bench_kern --listen A:P | "
					"--connect A:P --local A [--count N] [--gap-us G] "
					"[--sport-base P]\n", k, e.msg[0] ? e.msg : "unknown option");
			return 2;
		}
	}
	if (lport)
		return listen_forever(local, lport);
	if (!rport || !local) {
		fprintf(stderr, "bench_kern: --listen or --connect with --local is required\n");
		return 2;
	}
	return connect_n(local, raddr, rport, count, gap, (uint16_t)base);
}
