/* helper_golden.c - golden-file comparison for the renderers' text output (see helper_golden.h). */
#include "helper_golden.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	char *buf = NULL;
	size_t cap = 0, n = 0, got;

	if (!f)
		return NULL;
	do {
		if (n == cap) {
			char *nb = realloc(buf, cap = cap ? cap * 2 : 4096);
			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
		}
		got = fread(buf + n, 1, cap - n, f);
		n += got;
	} while (got > 0);
	fclose(f);
	*len = n;
	return buf;
}

static void report_diff(const char *name, const char *want, size_t wl, const char *got,
			size_t gl)
{
	size_t i = 0, line = 1, start = 0;

	while (i < wl && i < gl && want[i] == got[i]) {
		if (want[i] == '\n') {
			line++;
			start = i + 1;
		}
		i++;
	}
	fprintf(stderr, "golden %s differs at line %zu (byte %zu)\n  want: %.200s\n  got:  %.200s\n",
		name, line, i, start < wl ? want + start : "<eof>", start < gl ? got + start : "<eof>");
}

int helper_golden(const char *name, const char *text, size_t len)
{
	char path[512];
	const char *regen = getenv("SYNLAB_REGEN_GOLDEN");
	size_t wl = 0;
	char *want;
	int rc;

	snprintf(path, sizeof(path), "tests/golden/%s", name);
	if (regen && strcmp(regen, "1") == 0) {
		FILE *f = fopen(path, "wb");
		if (!f || fwrite(text, 1, len, f) != len || fclose(f) != 0)
			return -1;
		return 0;
	}
	want = read_all(path, &wl);
	if (!want) {
		fprintf(stderr, "golden %s: cannot read %s\n", name, path);
		return -1;
	}
	rc = (wl == len && memcmp(want, text, len) == 0) ? 0 : -1;
	if (rc)
		report_diff(name, want, wl, text, len);
	free(want);
	return rc;
}

void helper_buf_add(struct helper_buf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		size_t cap = (b->len + n + 1) * 2;
		char *p = realloc(b->p, cap);
		if (!p)
			abort();
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, s, n);
	b->len += n;
	b->p[b->len] = '\0';
}

void helper_buf_free(struct helper_buf *b)
{
	free(b->p);
	memset(b, 0, sizeof(*b));
}
