/* err.h - synlab's one error convention: functions return 0 / -1 and fill a struct err. */
#ifndef SYNLAB_ERR_H
#define SYNLAB_ERR_H

#include <stdarg.h>
#include <stddef.h>

/* A one-line, human-readable reason. Library code fills it; only main() prints and exits. */
struct err {
	char msg[256];
};

/* Formats the message into e (if e is not NULL) and returns -1, so callers can write
 * `return err_set(e, "bad port %d", p);`. */
int err_set(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Prefixes an existing message with context: "reading f.pcap: <old message>". Returns -1. */
int err_wrap(struct err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

#endif
