/* live_cmd.h - the words the step prompt and --manual share: FLAGS, sequence values, connection targets, lines of commands. */
#ifndef SYNLAB_LIVE_CMD_H
#define SYNLAB_LIVE_CMD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "tcb.h"

/* Parses FLAGS the way impairment rules write them (S., SYN+ACK, R ...; "none"). */
int live_cmd_flags(const char *w, uint8_t *flags);
/* A sequence value: +N / -N from cur, N from base (relative, as the log shows), raw:N. */
int live_cmd_seqval(const char *v, uint32_t cur, uint32_t base, uint32_t *out);

/* Which connection a command is for: conn=N (its number on the log), conn=ADDR:PORT
 * (the peer), or conn=LADDR:LPORT-RADDR:RPORT (the whole 4-tuple). */
struct live_target {
	bool set;
	unsigned id;		/* 0: by address */
	struct tcb_addr a;	/* host order */
	bool full;		/* a.laddr and a.lport are given too */
};
/* A leading "conn=..." word of line: fills t and returns the rest of the line (t->set
 * false and line itself when there is none); NULL when the word is malformed. */
char *live_cmd_target(char *line, struct live_target *t);
bool live_cmd_target_match(const struct live_target *t, unsigned id, const struct tcb_addr *a);
/* "conn=2" / "conn=198.18.0.1:40001" for messages. */
void live_cmd_target_text(const struct live_target *t, char *buf, size_t cap);

/* The next command of a line ("edit seq +5; edit flags S.; send"): splits at ';',
 * trims blanks; NULL when none is left. *line moves past it. */
char *live_cmd_next(char **line);

#endif
