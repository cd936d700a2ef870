/* textfile.h - reads a small text file whole (rule files and the like), refusing binary or oversized input. */
#ifndef SYNLAB_TEXTFILE_H
#define SYNLAB_TEXTFILE_H

#include <stddef.h>

#include "err.h"

/* Reads at most `max` bytes of `path` into a NUL-terminated buffer (*out, freed by the
 * caller). Refused, with the path and the reason in `e`: a file that cannot be opened
 * or read, one larger than `max`, one holding a NUL byte (not text). */
int textfile_read(const char *path, size_t max, char **out, struct err *e);

#endif
