/* live_impair_opts.c - the command-line options both programs share for impairment and the runtime: --impair*, --step, --manual, --busy-poll. */
#include "live.h"

#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <time.h>

#include "cli.h"
#include "textfile.h"

#define IMPAIR_FILE_MAX 65536	/* bytes of an --impair-file that are read at most */

/* --impair-file FILE: the file's text (at most 64 KiB), one rule a line, all or none. */
int live_impair_file(struct impair *im, const char *path, struct err *e)
{
	char *text;
	int rc;

	if (textfile_read(path, IMPAIR_FILE_MAX, &text, e) < 0)
		return err_wrap(e, "impair");
	rc = impair_add_lines(im, text, path, e);
	free(text);
	return rc;
}

void live_impair_opts_init(struct live_impair_opts *o)
{
	uint64_t entropy = 0;

	memset(o, 0, sizeof(*o));
	if (getrandom(&entropy, sizeof(entropy), 0) != sizeof(entropy))
		entropy = (uint64_t)time(NULL);
	impair_init(&o->im, entropy);
}

int live_impair_fix_argv(int argc, char **argv)
{
	static const char *const fixed[] = { "--step=in", "--step=out", "--step=both" };
	static const char *const word[] = { "in", "out", "both" };

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (strcmp(argv[i], "--step"))
			continue;
		for (int k = 0; k < 3; k++) {
			if (strcmp(argv[i + 1], word[k]))
				continue;
			argv[i] = (char *)fixed[k];
			memmove(&argv[i + 1], &argv[i + 2], (size_t)(argc - i - 2) * sizeof(*argv));
			argv[--argc] = NULL;
			break;
		}
	}
	return argc;
}

static int step_dirs(const char *arg, unsigned *dirs, struct err *e)
{
	if (!arg || !strcmp(arg, "out"))
		*dirs = IMPAIR_OUT;
	else if (!strcmp(arg, "in"))
		*dirs = IMPAIR_IN;
	else if (!strcmp(arg, "both"))
		*dirs = IMPAIR_BOTH;
	else
		return err_set(e, "--step: '%s' is not in, out or both", arg);
	return 0;
}

int live_impair_opts_apply(struct live_impair_opts *o, int c, const char *arg, struct err *e)
{
	uint64_t seed;

	switch (c) {
	case LIVE_O_IMPAIR:
		return impair_add(&o->im, arg, e) < 0 ? err_wrap(e, "--impair") : 1;
	case LIVE_O_IMPAIR_FILE:
		return live_impair_file(&o->im, arg, e) < 0 ? err_wrap(e, "--impair-file") : 1;
	case LIVE_O_IMPAIR_SEED:
		if (cli_parse_u64(arg, 0, UINT64_MAX, &seed, e) < 0)
			return err_wrap(e, "--impair-seed");
		impair_set_seed(&o->im, seed);
		return 1;
	case LIVE_O_STEP:
		return step_dirs(arg, &o->step, e) < 0 ? -1 : 1;
	case LIVE_O_MANUAL:
		o->manual = true;
		return 1;
	case LIVE_O_STEP_CLOCK:
		if (!strcmp(arg, "pause") || !strcmp(arg, "run"))
			return (o->step_clock_run = !strcmp(arg, "run")), 1;
		return err_set(e, "--step-clock: '%s' is not pause or run", arg);
	case LIVE_O_BUSY_POLL:	/* at most 1 s: it is a window of spinning, not a timer */
		if (cli_parse_duration(arg, &o->busy_poll_us, e) < 0)
			return err_wrap(e, "--busy-poll");
		if (o->busy_poll_us > 1000000)
			return err_set(e, "--busy-poll: %s is more than 1 s", arg);
		return 1;
	default:
		return 0;
	}
}

void live_impair_opts_cfg(struct live_impair_opts *o, struct live_cfg *cfg)
{
	cfg->impair = o->im.nrules ? &o->im : NULL;
	cfg->step = o->step;
	cfg->manual = o->manual;
	cfg->step_clock_run = o->step_clock_run;
	cfg->busy_poll_us = o->busy_poll_us;
}
