/* server.h - synlab-server's options, connections and run function. */
#ifndef SYNLAB_SERVER_H
#define SYNLAB_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "err.h"
#include "live.h"
#include "live_opts.h"
#include "tcb.h"

/* --syncookies, as Linux's net.ipv4.tcp_syncookies 0, 1, 2 (RFC 4987 §3.6). */
enum server_cookies {
	SCOOKIES_OFF,		/* never: a SYN beyond the backlog is dropped */
	SCOOKIES_ON,		/* only when the SYN backlog overflows (the default) */
	SCOOKIES_ALWAYS,	/* every SYN: no half-open state at all */
};

struct server_opts {
	uint32_t addr;			/* --listen ADDR:PORT, host order */
	bool v6;			/* --listen [ADDR6]:PORT: addr6 instead */
	uint8_t addr6[16];		/* network order */
	uint16_t port;
	enum app_kind app;		/* --app [echo] */
	bool close_first;		/* --close-first: close after replying */
	uint64_t close_delay_us;	/* --close-delay: ACK of the peer's FIN -> our FIN */
	bool once;			/* --once: exit after the first connection closed */
	unsigned max_conns;		/* --max-conns: connections at once */
	unsigned backlog;		/* --backlog: half-open (SYN-RECEIVED) connections */
	const char *device;		/* -i */
	const char *user;		/* -Z: drop root for this user once open */
	struct live_out_opts out;	/* --log, -q, --json, --lang, --ladder, --html, -w */
	enum server_cookies syncookies;	/* --syncookies off|on|always [on] */
	uint64_t stats_us;		/* --stats DUR: a counters line every DUR; 0 none */
	unsigned rst_limit;		/* --rst-limit N: RSTs to no-connection segments per s */
	unsigned log_lines;		/* --log-lines N: lines per flood category per s */
	struct tcb_params params;
	size_t send_after_fin;		/* --send-after-fin N: bytes sent after the peer's FIN */
	struct live_impair_opts lo;		/* --impair, --step, --manual */
};

int server_parse(int argc, char **argv, struct server_opts *o, struct err *e);
int server_run(struct server_opts *o);

#endif
