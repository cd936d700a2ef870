/* live_prompt.h - stdin as one more descriptor of the event loop: whole command lines, without ever blocking. */
#ifndef SYNLAB_LIVE_PROMPT_H
#define SYNLAB_LIVE_PROMPT_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define LIVE_PROMPT_LINE 512	/* longest command line */

struct live_prompt {
	int fd;
	bool tty;		/* a terminal: its line discipline edits, we echo nothing */
	bool eof;
	char in[4096];
	size_t len;
};

void live_prompt_init(struct live_prompt *pr, int fd);
/* The descriptor is readable: reads what is there (never blocks). -1 on a read error. */
int live_prompt_read(struct live_prompt *pr, struct err *e);
/* Pops one whole line (without its newline; a last line without one at end of input);
 * false when none is complete. */
bool live_prompt_line(struct live_prompt *pr, char *buf, size_t cap);

#endif
