/* fuzz_impair.c - fuzz target: impairment rule text through impair_add / impair_add_lines;
 * every accepted rule's canonical text must parse back to the same rule, and the engine
 * must decide segments with it without breaking its hold-queue bounds. */
#include <string.h>

#include "fuzz.h"
#include "impair.h"

#define FZ_TEXT_MAX 4096

/* impair_describe(parse(describe(r))) == describe(r). */
static void canonical(const struct impair *im)
{
	for (unsigned i = 0; i < im->nrules; i++) {
		const struct impair_rule *r = &im->slot[i].rule;
		char a[IMPAIR_TEXT_MAX * 2], b[IMPAIR_TEXT_MAX * 2];
		struct impair_rule back;
		struct err e;
		int n = impair_describe(r, a, sizeof(a));

		FUZZ_CHECK(n > 0 && (size_t)n < sizeof(a));
		if (impair_rule_parse(a, 0, (size_t)n, &back, NULL, &e) < 0) {
			fprintf(stderr, "canonical text '%s' rejected: %s\n", a, e.msg);
			abort();
		}
		FUZZ_CHECK(impair_describe(&back, b, sizeof(b)) == n && strcmp(a, b) == 0);
		FUZZ_CHECK(impair_rule_text(im, i + 1) != NULL);
	}
	FUZZ_CHECK(impair_rule_text(im, im->nrules + 1) == NULL);
}

/* A few segments through the engine: verdicts valid, hold queue bounded. */
static void decide_some(struct impair *im, const uint8_t *data, size_t size)
{
	struct impair_verdict v;
	struct impair_held h;
	struct seg s = { 0 };
	char line[512];
	uint64_t now = 0;

	for (size_t i = 0; i < size && i < 64; i++) {
		s.flags = data[i];
		s.len = data[i] & 0x20 ? 10 : 0;
		enum impair_dir dir = data[i] & 1 ? IMPAIR_IN : IMPAIR_OUT;

		now += (uint64_t)data[i] * 1000;
		FUZZ_CHECK(impair_decide(im, dir, &s, (enum tcb_state)(data[i] % TCB_NSTATES),
					 1 + i % 3, now, &v) == 0);
		FUZZ_CHECK(impair_verdict_format(&v, line, sizeof(line)) > 0);
		if (v.action == IMPAIR_DELAY || v.action == IMPAIR_REORDER)
			impair_hold(im, &v, i, NULL);
		FUZZ_CHECK(impair_pending(im) <= IMPAIR_HOLD_MAX);
		while (impair_due(im, now, &h))
			FUZZ_CHECK(h.due <= now || h.released);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct impair im;
	static char text[FZ_TEXT_MAX + 1];
	struct err e;

	if (size > FZ_TEXT_MAX)
		size = FZ_TEXT_MAX;
	memcpy(text, data, size);
	text[size] = '\0';
	impair_init(&im, 7);
	if (impair_add(&im, text, &e) == 0)
		canonical(&im);
	else
		FUZZ_CHECK(im.nrules == 0 && memchr(e.msg, '\0', sizeof(e.msg)));
	impair_init(&im, 7);
	if (impair_add_lines(&im, text, "fuzz", &e) == 0) {
		canonical(&im);
		decide_some(&im, data, size);
	} else {
		FUZZ_CHECK(im.nrules == 0);
	}
	return 0;
}
