/* opts.h - synlab-explain's command-line options. */
#ifndef SYNLAB_EXPLAIN_OPTS_H
#define SYNLAB_EXPLAIN_OPTS_H

#include <stdbool.h>
#include <stdint.h>

#include "explain_text.h"

struct xopts {
	const char *file;
	uint32_t max_conns;	/* -c N: first N connections, 0 = all */
	bool has_host;
	uint8_t host[16];	/* --host ADDR, IPv4 mapped (seg_addr_key) */
	int port;		/* --port P, -1 = any */
	uint32_t conn_only;	/* --conn N: only connection N, 0 = all */
	bool quiet;		/* -q: one line per segment */
	bool summary;		/* --summary: connection summaries only */
	bool json;
	bool ladder;		/* --ladder: a sequence diagram per connection at the end */
	bool ascii;		/* --ascii: ASCII ladder (default: UTF-8 when the locale is) */
	const char *html;	/* --html FILE: one page for the first connection shown */
	const char *pcapng;	/* -w FILE: the segments, each with its explanation */
	enum explain_lang lang;
	bool tui;		/* --tui: step through one connection full-screen */
	bool help, version;
};

/* Parses argv. Returns 0, or -1 with a one-line reason in msg (usage error, exit 2). */
int xopts_parse(int argc, char **argv, struct xopts *o, char *msg, size_t cap);

void xopts_usage(FILE *out);

struct explain_rec;
/* Do the filters (-c, --host, --port, --conn) let record r through? */
bool xopts_wanted(const struct xopts *o, const struct explain_rec *r);

#endif
