/* live_opts.h - the output options shared by synlab-client and synlab-server (--log, -q, --json, --lang, --ladder, --html, -w). */
#ifndef SYNLAB_LIVE_OPTS_H
#define SYNLAB_LIVE_OPTS_H

#include <stdbool.h>

#include "err.h"
#include "explain_text.h"

/* How the explaining log is rendered and where it goes. */
enum live_log_mode {
	LIVE_LOG_TEXT,		/* a header line and the prose for every segment (default) */
	LIVE_LOG_QUIET,		/* -q: one line per segment */
	LIVE_LOG_JSON,		/* --json: every record as one JSON object per line */
};

struct live_out_opts {
	const char *log_path;	/* --log FILE; "-" stdout; NULL stderr */
	enum live_log_mode mode;
	enum explain_lang lang;	/* --lang en|zh */
	bool ladder;		/* --ladder: a sequence diagram per connection at exit */
	const char *html_path;	/* --html FILE */
	const char *pcap_path;	/* -w FILE: pcapng with comments if it ends in .pcapng */
	bool host_mode;		/* --host-mode: not an output option, but shared the same
				 * way (the programs copy it to live_cfg; live_host.c) */
};

/* Option values of the long options below (programs keep theirs under 1000). */
enum {
	LIVE_O_LOG = 1500,
	LIVE_O_JSON,
	LIVE_O_LANG,
	LIVE_O_LADDER,
	LIVE_O_HTML,
	LIVE_O_HOST,
};

/* Entries for a program's getopt_long table (-w and -q are short options of cli_getopt). */
#define LIVE_OPTS_LONG \
	{ "log", 1, NULL, LIVE_O_LOG }, { "json", 0, NULL, LIVE_O_JSON }, \
	{ "lang", 1, NULL, LIVE_O_LANG }, { "ladder", 0, NULL, LIVE_O_LADDER }, \
	{ "html", 1, NULL, LIVE_O_HTML }, { "host-mode", 0, NULL, LIVE_O_HOST }

/* Their --help text, to be pasted into a program's usage string. */
#define LIVE_OPTS_HELP \
	"Output (every segment sent or received is explained; the data stays on stdout):\n" \
	"  --log FILE            where the log goes; - for stdout [stderr]\n" \
	"  --lang en|zh          language of the explanations [en]\n" \
	"  -q                    one line per segment instead of the explanation\n" \
	"  --json                JSON Lines: one object per segment, event and summary\n" \
	"  --ladder              at exit, a sequence diagram of each connection (to the log)\n" \
	"  --html FILE           the diagram as one self-contained HTML page (connection N\n" \
	"                        > 1 goes to FILE with -N before the extension)\n" \
	"  -w FILE               every segment sent and received to a capture file: pcapng\n" \
	"                        with each segment's explanation as its comment if FILE ends\n" \
	"                        in .pcapng, else classic pcap\n" \
	"  Colour only on a terminal, and never when NO_COLOR is set.\n\n" \
	"Host mode (two real hosts, no lab; needs root or CAP_NET_ADMIN + CAP_NET_RAW):\n" \
	"  --host-mode           install an nftables table of this run's own (inet\n" \
	"                        synlab_host_PID) dropping this host's kernel RSTs for this\n" \
	"                        program's addresses and ports only; removed at exit, and\n" \
	"                        tables of killed runs are removed at start. Says when tx\n" \
	"                        checksum offload will show bad checksums in captures\n"

void live_opts_default(struct live_out_opts *o);

/* Applies option c (a LIVE_O_* value, 'w' or 'q'). Returns 1 when applied, 0 when c is
 * not an output option, -1 with e on a bad value. */
int live_opts_apply(struct live_out_opts *o, int c, const char *arg, struct err *e);

struct live_impair_opts;
/* An option both programs share: output (live_opts_apply) or impairment
 * (live_impair_opts_apply); 0 when applied, -1 with e on a bad value or an unknown c. */
int live_opts_apply_shared(struct live_out_opts *out, struct live_impair_opts *imp, int c,
			   const char *arg, struct err *e);

/* Whether a -w path asks for pcapng (ends in ".pcapng"). */
bool live_opts_is_pcapng(const char *path);

#endif
