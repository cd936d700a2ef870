/* tui_run.h - synlab-explain --tui: steps through one connection of a capture in the full-screen view. */
#ifndef SYNLAB_EXPLAIN_TUI_RUN_H
#define SYNLAB_EXPLAIN_TUI_RUN_H

#include "opts.h"

/* Reads o->file, then shows its first wanted connection one record per key. Returns
 * the exit status: 0, 1 (unreadable file, nothing to show), 2 (no usable terminal),
 * 128 + signal when SIGINT / SIGTERM / SIGHUP ended it. */
int xtui_run(const struct xopts *o);

#endif
