/* textfile.c - reads a small text file whole, refusing binary or oversized input (see textfile.h). */
#include "textfile.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int textfile_read(const char *path, size_t max, char **out, struct err *e)
{
	FILE *f = fopen(path, "rb");
	char *buf;
	size_t n;
	int rc;

	*out = NULL;
	if (!f)
		return err_set(e, "%s: %s", path, strerror(errno));
	buf = malloc(max + 1);
	if (!buf) {
		fclose(f);
		return err_set(e, "%s: out of memory", path);
	}
	n = fread(buf, 1, max + 1, f);
	rc = ferror(f) ? err_set(e, "%s: read error", path)
	     : n > max ? err_set(e, "%s: larger than %zu bytes", path, max)
	     : memchr(buf, '\0', n) ? err_set(e, "%s: not a text file", path) : 0;
	fclose(f);
	if (rc < 0) {
		free(buf);
		return rc;
	}
	buf[n] = '\0';
	*out = buf;
	return 0;
}
