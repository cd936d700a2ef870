/* client.h - synlab-client's options and run function. */
#ifndef SYNLAB_CLIENT_H
#define SYNLAB_CLIENT_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "live.h"
#include "live_opts.h"
#include "tcb.h"

#define CLIENT_DATA_MAX 65536

struct client_opts {
	uint32_t daddr;			/* --connect ADDR:PORT, host order */
	bool v6;			/* --connect [ADDR6]:PORT: daddr6 instead */
	uint8_t daddr6[16];		/* network order */
	uint16_t dport;
	uint16_t sport;			/* --sport, 0: pick one */
	uint8_t data[CLIENT_DATA_MAX];	/* --data, escapes applied */
	size_t data_len;		/* (or --data-file's bytes) */
	uint64_t expect;		/* --expect N: close only after N bytes came back */
	const char *http_path;		/* --http-get PATH, or NULL */
	bool abort;			/* --abort: end with RST instead of FIN */
	bool wait_close;		/* --wait-close: let the server close first */
	bool exit_in_time_wait;		/* --no-time-wait: exit on entering TIME-WAIT */
	uint64_t timeout_us;		/* --timeout, 0: none */
	const char *device;		/* -i */
	const char *user;		/* -Z: drop root for this user once open */
	struct live_out_opts out;	/* --log, -q, --json, --lang, --ladder, --html, -w */
	struct tcb_params params;
	struct live_impair_opts lo;		/* --impair, --step, --manual */
};

/* Parses argv; returns 0, 1 when --help/--version was handled, or -1 (usage error). */
int client_parse(int argc, char **argv, struct client_opts *o, struct err *e);

/* Runs the connection; returns the exit status. */
int client_run(struct client_opts *o);

#endif
