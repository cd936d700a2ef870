/* live_list.h - `list`: the open connections with their 4-tuple, state, timers and clock. */
#ifndef SYNLAB_LIVE_LIST_H
#define SYNLAB_LIVE_LIST_H

#include <stdbool.h>
#include <stdint.h>

#include "live_pipe.h"

/* One line per open connection (the interactive modes' list), to the prompt's file. */
void live_list(struct live_pipe *pp, uint64_t now, bool tty);

#endif
