/* live_opts.c - parsing of the output options shared by synlab-client and synlab-server. */
#include "live_opts.h"

#include "live.h"

#include <string.h>

void live_opts_default(struct live_out_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->mode = LIVE_LOG_TEXT;
	o->lang = EXPLAIN_LANG_EN;
}

static int set_lang(struct live_out_opts *o, const char *arg, struct err *e)
{
	int l = explain_lang_parse(arg);

	if (l < 0)
		return err_set(e, "--lang: '%s' is not en or zh", arg);
	o->lang = (enum explain_lang)l;
	return 1;
}

static int set_path(const char **dst, const char *opt, const char *arg, struct err *e)
{
	if (!arg[0])
		return err_set(e, "%s: empty file name", opt);
	*dst = arg;
	return 1;
}

int live_opts_apply(struct live_out_opts *o, int c, const char *arg, struct err *e)
{
	switch (c) {
	case LIVE_O_LOG:
		return set_path(&o->log_path, "--log", arg, e);
	case LIVE_O_HTML:
		return set_path(&o->html_path, "--html", arg, e);
	case 'w':
		return set_path(&o->pcap_path, "-w", arg, e);
	case LIVE_O_LANG:
		return set_lang(o, arg, e);
	case LIVE_O_JSON:
		o->mode = LIVE_LOG_JSON;
		return 1;
	case 'q':
		if (o->mode != LIVE_LOG_JSON)	/* --json wins whatever the order */
			o->mode = LIVE_LOG_QUIET;
		return 1;
	case LIVE_O_LADDER:
		o->ladder = true;
		return 1;
	case LIVE_O_HOST:
		o->host_mode = true;
		return 1;
	default:
		return 0;
	}
}

bool live_opts_is_pcapng(const char *path)
{
	size_t n = path ? strlen(path) : 0;

	return n >= 7 && strcmp(path + n - 7, ".pcapng") == 0;
}

int live_opts_apply_shared(struct live_out_opts *out, struct live_impair_opts *imp, int c,
			   const char *arg, struct err *e)
{
	int r = live_opts_apply(out, c, arg, e);

	if (r == 0)
		r = live_impair_opts_apply(imp, c, arg, e);
	if (r < 0)
		return -1;
	return r ? 0 : err_set(e, "unknown option (see --help)");
}
