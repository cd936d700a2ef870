/* err.c - formatting of struct err messages (see err.h). */
#include "err.h"

#include <stdio.h>
#include <string.h>

int err_set(struct err *e, const char *fmt, ...)
{
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	return -1;
}

int err_wrap(struct err *e, const char *fmt, ...)
{
	char prefix[sizeof(e->msg)];
	char old[sizeof(e->msg)];
	va_list ap;

	if (!e)
		return -1;
	va_start(ap, fmt);
	vsnprintf(prefix, sizeof(prefix), fmt, ap);
	va_end(ap);
	memcpy(old, e->msg, sizeof(old));
	old[sizeof(old) - 1] = '\0';
	/* Truncation is acceptable: the message is one line for a human. */
	if (snprintf(e->msg, sizeof(e->msg), "%.120s: %.128s", prefix, old) < 0)
		e->msg[0] = '\0';
	return -1;
}
