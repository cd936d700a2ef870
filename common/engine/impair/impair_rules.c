/* impair_rules.c - the engine's rule set: adding rules from strings and lines of text, seeding. */
#include "impair.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define QUOTE_MAX 60		/* bytes of a rule quoted in an error */

void impair_init(struct impair *im, uint64_t entropy)
{
	uint64_t x = entropy;

	memset(im, 0, sizeof(*im));
	im->seed = prng_splitmix64(&x) % 1000000;
}

uint64_t impair_seed(const struct impair *im)
{
	return im->seed;
}

static bool uses_rng(const struct impair_rule *r)
{
	return r->random || (r->action == IMPAIR_DELAY && r->jitter_us);
}

/* Effective seed, stream and canonical text (with the seed when randomness is used). */
static void slot_seed(struct impair_slot *sl, uint64_t engine_seed, unsigned index)
{
	struct impair_rule shown = sl->rule;

	sl->seed = sl->seed_explicit ? sl->rule.seed : engine_seed + index;
	prng_seed(&sl->rng, sl->seed);
	shown.has_seed = sl->seed_explicit || uses_rng(&sl->rule);
	shown.seed = sl->seed;
	impair_describe(&shown, sl->text, sizeof(sl->text));
}

void impair_set_seed(struct impair *im, uint64_t seed)
{
	im->seed = seed;
	for (unsigned i = 0; i < im->nrules; i++)
		if (!im->slot[i].seed_explicit)
			slot_seed(&im->slot[i], seed, i);
}

/* Appends to buf at *len (snprintf-like: *len counts what would have been written). */
static void note_add(char *buf, size_t cap, int *len, const char *fmt, uint64_t a,
		     uint64_t b)
{
	size_t at = (size_t)*len < cap ? (size_t)*len : cap;
	int n = snprintf(buf + at, cap - at, fmt, a, b);

	*len += n > 0 ? n : 0;
}

int impair_seed_note(const struct impair *im, char *buf, size_t cap)
{
	bool engine = false, own = false;
	int len = 0;

	if (cap)
		buf[0] = '\0';
	for (unsigned i = 0; i < im->nrules; i++) {
		if (!uses_rng(&im->slot[i].rule))
			continue;
		engine |= !im->slot[i].seed_explicit;
		own |= im->slot[i].seed_explicit;
	}
	if (engine)
		note_add(buf, cap, &len, "seed %" PRIu64 " (repeat this run with --impair-seed %"
			 PRIu64, im->seed, im->seed);
	for (unsigned i = 0; i < im->nrules; i++) {
		const struct impair_slot *sl = &im->slot[i];

		if (!uses_rng(&sl->rule) || !sl->seed_explicit)
			continue;
		if (engine)
			note_add(buf, cap, &len, "; rule %" PRIu64 " keeps its own seed=%" PRIu64,
				 i + 1, sl->seed);
		else
			note_add(buf, cap, &len, len ? ", seed %" PRIu64 " (rule %" PRIu64
				 "'s own seed)" : "seed %" PRIu64 " (rule %" PRIu64 "'s own seed)",
				 sl->seed, i + 1);
	}
	if (engine)
		note_add(buf, cap, &len, ")", 0, 0);
	else if (own)
		note_add(buf, cap, &len, "; the rules as printed repeat this run", 0, 0);
	return len;
}

int impair_add_rule(struct impair *im, const struct impair_rule *r, struct err *e)
{
	struct impair_slot *sl;

	if (im->nrules >= IMPAIR_MAX_RULES)
		return err_set(e, "impair: too many rules (at most %d)", IMPAIR_MAX_RULES);
	sl = &im->slot[im->nrules];
	memset(sl, 0, sizeof(*sl));
	sl->rule = *r;
	sl->seed_explicit = r->has_seed;
	slot_seed(sl, im->seed, im->nrules);
	im->nrules++;
	return 0;
}

const char *impair_rule_text(const struct impair *im, unsigned rule)
{
	return rule >= 1 && rule <= im->nrules ? im->slot[rule - 1].text : NULL;
}

/* The rule's words as typed, trimmed, shortened for an error message. */
static int quote_len(const char *p, size_t len, const char **start, bool *cut)
{
	while (len && (*p == ' ' || *p == '\t')) {
		p++;
		len--;
	}
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' || p[len - 1] == '\r'))
		len--;
	*cut = len > QUOTE_MAX;
	if (*cut) {
		len = QUOTE_MAX;
		while (len && ((unsigned char)p[len] & 0xc0) == 0x80)
			len--;	/* do not cut a UTF-8 character */
	}
	*start = p;
	return (int)len;
}

/* Parses the rules of one line base[0..end): ';' separates rules, '#' ends the line. */
static int add_line(struct impair *im, const char *base, size_t end, const char *where,
		    struct err *e)
{
	const char *hash = memchr(base, '#', end);
	size_t stop = hash ? (size_t)(hash - base) : end, i = 0;

	while (i < stop) {
		const char *semi = memchr(base + i, ';', stop - i);
		size_t j = semi ? (size_t)(semi - base) : stop, k = i;
		struct impair_rule r;
		const char *q;
		bool cut;
		int qlen;

		while (k < j && (base[k] == ' ' || base[k] == '\t' || base[k] == '\r'))
			k++;
		if (k < j && impair_rule_parse(base, i, j, &r, NULL, e) < 0) {
			char reason[sizeof(e->msg)];

			snprintf(reason, sizeof(reason), "%s", e->msg);
			qlen = quote_len(base + i, j - i, &q, &cut);
			return err_set(e, "impair: %srule '%.*s%s': %s", where, qlen, q,
				       cut ? "..." : "", reason);
		}
		if (k < j && impair_add_rule(im, &r, e) < 0)
			return -1;
		i = j + 1;
	}
	return 0;
}

int impair_add(struct impair *im, const char *text, struct err *e)
{
	unsigned n0 = im->nrules;
	size_t len = strlen(text), k = 0;

	while (k < len && (text[k] == ' ' || text[k] == '\t'))
		k++;
	if (k == len)
		return err_set(e, "impair: rule '': col 1: empty rule");
	if (add_line(im, text, len, "", e) < 0) {
		im->nrules = n0;
		return -1;
	}
	return 0;
}

int impair_add_lines(struct impair *im, const char *text, const char *name, struct err *e)
{
	unsigned n0 = im->nrules, line = 1;
	const char *p = text;

	for (;; line++) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char where[96];

		snprintf(where, sizeof(where), "%.64s:%u: ", name, line);
		if (add_line(im, p, len, where, e) < 0) {
			im->nrules = n0;
			return -1;
		}
		if (!nl)
			return 0;
		p = nl + 1;
	}
}
