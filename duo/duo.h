/* duo.h - synlab-duo: both ends of one connection in one process, every segment of both stepped on one timeline. */
#ifndef SYNLAB_DUO_H
#define SYNLAB_DUO_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "live.h"
#include "live_opts.h"
#include "tcb.h"

#define DUO_DATA_MAX 4096

struct duo_opts {
	const char *client_ns, *server_ns;	/* --client-ns / --server-ns (ip netns names) */
	uint32_t saddr;				/* --listen ADDR:PORT (the server end) */
	bool v6;				/* --listen [ADDR6]:PORT: saddr6 instead */
	uint8_t saddr6[16];
	uint16_t sport;
	uint16_t cport;				/* --sport (the client end's port), 0: pick */
	uint8_t data[DUO_DATA_MAX];		/* --data */
	size_t data_len;
	bool step;				/* stop before every segment (not --no-step) */
	bool step_clock_run;			/* --step-clock run */
	struct live_out_opts out;		/* -q, --lang, --json: both ends' logs */
	struct tcb_params cparams, sparams;	/* engine options: both ends alike */
};

/* One end: its runtime, its one connection, what its application did. */
struct duo_end {
	const char *name;		/* "client" / "server" */
	bool is_client;
	struct live *l;
	struct live_conn *c;		/* NULL until the server's SYN comes (or after it ended) */
	struct tcb_addr a;
	struct tcb_params *params;
	const struct duo_opts *o;
	struct duo_end *peer;
	size_t sent;			/* client: bytes of data the TCB took */
	size_t got;			/* bytes received */
	bool closing, opened, failed, done;
	uint8_t echo[DUO_DATA_MAX + 16];
};

int duo_parse(int argc, char **argv, struct duo_opts *o, struct err *e);

/* duo_ends.c: an end's application, as the live programs' (client: send --data, print
 * the reply, close; server: echo it, close after the client's FIN). */
int duo_end_start(struct duo_end *d, struct err *e);
int duo_end_event(struct duo_end *d, const struct live_ev *ev, struct err *e);
struct live_conn *duo_end_lookup(void *ctx, const struct seg *s, enum tcb_state *st);
void duo_end_free(struct duo_end *d);

#endif
