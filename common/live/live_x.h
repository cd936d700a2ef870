/* live_x.h - internal state of the live runtime's impairment, step and manual modes (not for programs). */
#ifndef SYNLAB_LIVE_X_H
#define SYNLAB_LIVE_X_H

#include "live.h"

#define LIVE_X_LINE 512		/* longest command line */

/* A segment held by a delay or reorder verdict, or by `delay MS` at a step prompt. */
struct live_held {
	bool used;
	enum impair_dir dir;
	struct live_conn *c;	/* out: its owner (held in c->queued so it stays allocated) */
	struct seg s;		/* out: the segment, payload -> bytes */
	uint8_t *bytes;		/* out: payload copy; in: the datagram as received */
	size_t len;
	uint64_t at;		/* when it was held */
	bool corrupt;		/* out: damage the checksum when it is released (unused: 0) */
};

/* What the step prompt decided for one segment. */
enum live_step_act { LIVE_STEP_PASS, LIVE_STEP_DROP, LIVE_STEP_DELAY, LIVE_STEP_QUIT };

struct live_x {
	struct impair *im;	/* the program's rules, or `own` (no rules) */
	struct impair own;
	bool rules;		/* im has rules */
	unsigned step;		/* IMPAIR_* bits still stopping (`c` clears them) */
	bool manual;
	bool tty;		/* stdin is a terminal: step prompts use libedit */
	bool quit;		/* the user asked to stop */
	struct live_held held[IMPAIR_HOLD_MAX];
	/* stdin, split into lines by live_x_line (pipes) */
	char in[4096];
	size_t inlen;
	bool in_eof;
	/* --manual: a command waiting for a state or a time */
	bool waiting;
	enum tcb_state wait_state;
	uint64_t wait_until;	/* sleep DUR, or the give-up time of wait STATE */
	/* step `edit payload`: the new bytes */
	uint8_t edit_payload[2048];
	/* the released incoming datagram handed to the program (valid until live_next) */
	uint8_t rel[SEG_IP_MAX];
};

/* live.c */
int live_wire_out(struct live *l, struct live_conn *c, const struct seg *s,
		  const char *tail, bool corrupt, struct err *e);

/* live_impair.c */
int live_x_open(struct live *l, const struct live_cfg *cfg, struct err *e);
void live_x_close(struct live *l);
int live_x_out(struct live *l, struct live_conn *c, const struct seg *s, const char *tail,
	       struct err *e);
int live_x_arrived(struct live *l, struct live_ev *ev, struct err *e);
int live_x_pending(struct live *l, struct live_ev *ev, uint64_t now, struct err *e);
uint64_t live_x_deadline(const struct live *l);
int live_x_hold(struct live *l, struct live_conn *c, const struct seg *s,
		const struct wire_pkt *p, const struct impair_verdict *v, struct err *e);
/* Relative bases the log uses for s (out: ISS/IRS, in: IRS/ISS; 0 on SYNs). */
void live_x_bases(struct live_conn *c, const struct seg *s, bool out, uint32_t *sb,
		  uint32_t *ab);

/* live_step.c */
enum live_step_act live_step(struct live *l, struct live_conn *c, struct seg *s,
			     bool out, uint64_t *delay_us);
/* Reads one line from stdin (blocking); false at end of input. */
bool live_x_line(struct live_x *x, char *buf, size_t cap, bool block);
/* Parses FLAGS the way impairment rules write them (S., SYN+ACK, R ...). */
int live_parse_flags(const char *w, uint8_t *flags);
/* A sequence value: +N / -N from cur, N from base, raw:N absolute. */
int live_parse_seqval(const char *v, uint32_t cur, uint32_t base, uint32_t *out);

/* live_manual.c */
int live_manual_run(struct live *l, uint64_t now, struct err *e);
int live_manual_read(struct live *l, struct err *e);

#endif
