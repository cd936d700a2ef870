/* logsum.c - the rate-limited log summariser: per-category counters, a few lines per window, then counts. */
#include "logsum.h"

#include <inttypes.h>
#include <string.h>

void logsum_init(struct logsum *ls, unsigned per_window, uint64_t window_us)
{
	memset(ls, 0, sizeof(*ls));
	ls->per_window = per_window;
	ls->window_us = window_us ? window_us : 1000000;
}

int logsum_cat(struct logsum *ls, const char *name)
{
	if (ls->ncat >= LOGSUM_MAX_CAT || !name)
		return -1;
	ls->cat[ls->ncat].name = name;
	return (int)ls->ncat++;
}

/* One summary line per category that held events back, then a fresh window. */
static void flush(struct logsum *ls, uint64_t span_us, FILE *f)
{
	for (unsigned i = 0; i < ls->ncat; i++) {
		struct logsum_cat *c = &ls->cat[i];

		if (c->held && f)
			fprintf(f, "logsum: %" PRIu32 " more %s segments in the last %.1f s "
				"(%" PRIu64 " in all)\n", c->held, c->name, span_us / 1e6, c->total);
		c->held = 0;
		c->in_window = 0;
	}
	if (f)
		fflush(f);
}

void logsum_tick(struct logsum *ls, uint64_t now, FILE *f)
{
	if (!ls->started || now < ls->start || now - ls->start < ls->window_us)
		return;
	flush(ls, ls->window_us, f);
	ls->start += (now - ls->start) / ls->window_us * ls->window_us;
}

void logsum_end(struct logsum *ls, uint64_t now, FILE *f)
{
	if (!ls->started)
		return;
	flush(ls, now > ls->start ? now - ls->start : 0, f);
	ls->start = now;
}

bool logsum_note(struct logsum *ls, int id, uint64_t now, FILE *f)
{
	struct logsum_cat *c;

	if (id < 0 || (unsigned)id >= ls->ncat)
		return false;
	if (!ls->started) {
		ls->started = true;
		ls->start = now;
	}
	logsum_tick(ls, now, f);
	c = &ls->cat[id];
	c->total++;
	if (c->in_window++ < ls->per_window) {
		c->printed++;
		return true;
	}
	c->held++;
	return false;
}

uint64_t logsum_total(const struct logsum *ls, int id)
{
	return id >= 0 && (unsigned)id < ls->ncat ? ls->cat[id].total : 0;
}
