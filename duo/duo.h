/* duo.h - synlab-duo: both ends of one connection in one process, every segment of both stepped on one timeline. */
#ifndef SYNLAB_DUO_H
#define SYNLAB_DUO_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "evloop.h"
#include "live.h"
#include "live_opts.h"
#include "live_prompt.h"
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
	bool tui;				/* --tui: the full-screen view */
	struct live_out_opts out;		/* -q, --lang, --log, -w: the client end's */
	struct live_out_opts sout;		/* the server end's (--log FILE.server, no -w) */
	char slog[4096];			/* that path */
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
	struct duo_tui *tui;		/* --tui: the view its records go to */
	uint8_t rx[DUO_DATA_MAX + 16];	/* client with --tui: what arrived (printed at the end) */
	size_t rxn;
};

struct duo_tui;

/* The program: both ends, the line prompt or the view, one loop. */
struct duo {
	struct duo_opts *o;
	struct duo_end end[2];		/* [0] client, [1] server */
	struct live_prompt pr;
	struct evloop ev;
	struct duo_tui *tui;		/* --tui, else NULL */
};

/* duo_ends.c: `c` for both ends (stepping ends). */
int duo_finish_both(struct duo *u, struct err *e);

/* duo_tui.c: --tui. duo_tui_begin before the ends are opened (their logs' stderr goes to
 * a buffer the view reads, and is printed after the view closes); duo_tui_open once they
 * are; duo_tui_step in place of the line prompt after every round of events; duo_tui_hold
 * after the connection ended (scrolling until q); duo_tui_end at exit, always.
 * duo_tui_step returns how many commands it acted on (the loop polls again after any),
 * or -1. */
int duo_tui_begin(struct duo *u, struct err *e);
int duo_tui_open(struct duo *u, struct err *e);
int duo_tui_step(struct duo *u, struct err *e);
/* Draws what changed, when drawing costs the connection nothing: a decision waits and
 * both clocks stand still, or quiet (nothing happened for a while). */
void duo_tui_draw(struct duo *u, bool quiet);
/* The terminal went away (hung up): nothing can be typed any more. */
bool duo_tui_gone(const struct duo *u);
int duo_tui_hold(struct duo *u, struct err *e);
void duo_tui_end(struct duo *u);
/* A log record of end ctx (a struct duo_end), for live_cfg.rec_tap. */
void duo_tui_tap(void *ctx, const struct explain_rec *r, bool shown);

int duo_parse(int argc, char **argv, struct duo_opts *o, struct err *e);

/* duo_ends.c: an end's application, as the live programs' (client: send --data, print
 * the reply, close; server: echo it, close after the client's FIN). */
int duo_end_start(struct duo_end *d, struct err *e);
int duo_end_event(struct duo_end *d, const struct live_ev *ev, struct err *e);
struct live_conn *duo_end_lookup(void *ctx, const struct seg *s, enum tcb_state *st);
void duo_end_free(struct duo_end *d);

#endif
