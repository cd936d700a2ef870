/* helper_golden.h - byte-for-byte comparison of rendered text with tests/golden/NAME files. */
#ifndef SYNLAB_HELPER_GOLDEN_H
#define SYNLAB_HELPER_GOLDEN_H

#include <stddef.h>

/* 0 when text equals tests/golden/<name> byte for byte; -1 otherwise (the first
 * differing line goes to stderr). With SYNLAB_REGEN_GOLDEN=1 in the environment the
 * file is (deliberately) rewritten instead and 0 returned. */
int helper_golden(const char *name, const char *text, size_t len);

/* A growing heap buffer for collecting a renderer's output. */
struct helper_buf {
	char *p;
	size_t len, cap;
};
void helper_buf_add(struct helper_buf *b, const char *s, size_t n);
void helper_buf_free(struct helper_buf *b);

#endif
