/* server.h - synlab-server's options, connections and run function. */
#ifndef SYNLAB_SERVER_H
#define SYNLAB_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "app.h"
#include "err.h"
#include "tcb.h"

struct server_opts {
	uint32_t addr;			/* --listen ADDR:PORT, host order */
	uint16_t port;
	enum app_kind app;		/* --app [echo] */
	bool close_first;		/* --close-first: close after replying */
	uint64_t close_delay_us;	/* --close-delay: ACK of the peer's FIN -> our FIN */
	bool once;			/* --once: exit after the first connection closed */
	unsigned max_conns;		/* --max-conns: connections at once */
	unsigned backlog;		/* --backlog: half-open (SYN-RECEIVED) connections */
	const char *device;		/* -i */
	const char *pcap_path;		/* -w */
	const char *user;		/* -Z: drop root for this user once open */
	bool quiet;			/* -q */
	struct tcb_params params;
};

int server_parse(int argc, char **argv, struct server_opts *o, struct err *e);
int server_run(struct server_opts *o);

#endif
