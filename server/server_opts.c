/* server_opts.c - synlab-server's command line. */
#include "server.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "live_opts.h"

enum { O_LISTEN = 1000, O_APP, O_CLOSEFIRST, O_CLOSEDELAY, O_ONCE, O_MAXCONNS, O_BACKLOG,
       O_SYNCOOKIES, O_STATS, O_RSTLIMIT, O_LOGLINES, O_SENDAFTERFIN };

static const char usage[] =
	"Usage: synlab-server --listen ADDR:PORT [options]\n"
	"Accepts TCP connections whose every segment is crafted in user space and answers\n"
	"with an application; every segment is explained on stderr (see --log).\n\n"
	"  --listen ADDR:PORT    address and port to accept connections on; IPv6 as\n"
	"                        [fd00:5359::2]:8080 (or unbracketed when unambiguous)\n"
	"  --app NAME            echo (\"Server: \" + each chunk), mirror (the same bytes\n"
	"                        back, nothing added), discard, or http [echo]\n"
	"  --close-first         close after replying (the server's FIN comes first)\n"
	"  --close-delay DUR     from ACKing the peer's FIN to sending ours [200ms];\n"
	"                        0 puts the FIN on that ACK: a three-segment close\n"
	"  --send-after-fin N    half-close: after the peer's FIN keep sending N bytes\n"
	"                        (RFC 864 chargen lines), then close [0]\n"
	"  --once                exit after the first connection has fully closed\n"
	"  --max-conns N         connections at once [4096]\n"
	"  --backlog N           half-open (SYN-RECEIVED) connections at once [128]\n"
	"  --syncookies [MODE]   SYN cookies (RFC 4987 §3.6): a SYN answered with a cookie\n"
	"                        keeps no state. on: only when the backlog overflows, as\n"
	"                        Linux's tcp_syncookies=1; off: SYNs beyond the backlog\n"
	"                        are dropped; always: every SYN (tcp_syncookies=2) [on]\n"
	"  --stats DUR           print a counters line on stderr every DUR (and at exit)\n"
	"  --rst-limit N         RSTs per second to segments for no connection; 0: no\n"
	"                        limit [1000]\n"
	"  --log-lines N         flood categories (bad checksums, no connection, challenge\n"
	"                        ACKs ...): lines per second each, then one summary [10]\n"
	"  -i DEV                interface [the one owning ADDR]\n"
	"  -Z USER               once the socket, capture and -w file are open, drop root\n"
	"                        and all capabilities and run as USER (as tcpdump -Z);\n"
	"                        --html pages, written at exit, are created as USER\n"
	"  -h, --help            this help;  -V, --version\n\n"
	LIVE_OPTS_HELP "\n" LIVE_IMPAIR_HELP;

static void defaults(struct server_opts *o)
{
	memset(o, 0, sizeof(*o));
	tcb_params_default(&o->params);
	live_opts_default(&o->out);
	o->app = APP_ECHO;
	o->close_delay_us = 200000;
	o->max_conns = 4096;
	o->backlog = 128;
	o->syncookies = SCOOKIES_ON;
	o->rst_limit = 1000;
	o->log_lines = 10;
	live_impair_opts_init(&o->lo);
}

/* A count from min to 10 million (min 0 where 0 means "no limit" or "none"). */
static int count_opt(const char *name, const char *arg, uint64_t min, unsigned *out,
		     struct err *e)
{
	uint64_t v;

	if (cli_parse_u64(arg, min, 10000000, &v, e) < 0)
		return err_wrap(e, "--%s", name);
	*out = (unsigned)v;
	return 0;
}

/* --syncookies [off|on|always]; alone it means on. */
static int cookies_mode(const char *arg, enum server_cookies *m, struct err *e)
{
	if (!arg || !strcmp(arg, "on"))
		*m = SCOOKIES_ON;
	else if (!strcmp(arg, "off"))
		*m = SCOOKIES_OFF;
	else if (!strcmp(arg, "always"))
		*m = SCOOKIES_ALWAYS;
	else
		return err_set(e, "--syncookies: '%s' is not off, on or always", arg);
	return 0;
}

/* "--syncookies off" (two words) becomes "--syncookies=off", so the optional argument
 * works either way (as live_impair_fix_argv does for --step); any other word that is not
 * an option is taken too, so that "--syncookies sometimes" is told what MODE may be.
 * Returns the new argc. */
static int cookies_fix_argv(int argc, char **argv)
{
	static char joined[64];

	for (int i = 1; i + 1 < argc; i++) {
		if (!strcmp(argv[i], "--"))
			break;
		if (strcmp(argv[i], "--syncookies") || argv[i + 1][0] == '-')
			continue;
		snprintf(joined, sizeof(joined), "--syncookies=%s", argv[i + 1]);
		argv[i] = joined;
		memmove(&argv[i + 1], &argv[i + 2], (size_t)(argc - i - 2) * sizeof(*argv));
		argv[--argc] = NULL;
	}
	return argc;
}

static int listen_opt(const char *arg, struct server_opts *o, struct err *e)
{
	struct cli_ip ip;

	if (cli_parse_ipport(arg, true, &ip, &o->port, e) < 0)
		return err_wrap(e, "--listen");
	o->addr = ip.a4;
	o->v6 = ip.v6;
	memcpy(o->addr6, ip.a6, 16);
	return 0;
}

static int one_opt(int c, const char *arg, void *ctx, struct err *e)
{
	struct server_opts *o = ctx;
	uint64_t n;

	switch (c) {
	case O_SENDAFTERFIN:
		if (cli_parse_u64(arg, 0, 1u << 20, &n, e) < 0)
			return err_wrap(e, "--send-after-fin");
		o->send_after_fin = (size_t)n;
		return 0;
	case O_LISTEN:
		return listen_opt(arg, o, e);
	case O_APP:
		return app_parse_kind(arg, &o->app, e) < 0 ? err_wrap(e, "--app") : 0;
	case O_CLOSEDELAY:
		return cli_parse_duration(arg, &o->close_delay_us, e) < 0
			       ? err_wrap(e, "--close-delay") : 0;
	case O_MAXCONNS:
		return count_opt("max-conns", arg, 1, &o->max_conns, e);
	case O_BACKLOG:
		return count_opt("backlog", arg, 1, &o->backlog, e);
	case O_STATS:
		return cli_parse_duration(arg, &o->stats_us, e) < 0 ? err_wrap(e, "--stats") : 0;
	case O_RSTLIMIT:
		return count_opt("rst-limit", arg, 0, &o->rst_limit, e);
	case O_LOGLINES:
		return count_opt("log-lines", arg, 0, &o->log_lines, e);
	case O_SYNCOOKIES:
		return cookies_mode(arg, &o->syncookies, e);
	case O_CLOSEFIRST: o->close_first = true; return 0;
	case O_ONCE: o->once = true; return 0;
	case 'i': o->device = arg; return 0;
	case 'Z': o->user = arg; return 0;
	default:
		return live_opts_apply_shared(&o->out, &o->lo, c, arg, e);
	}
}

int server_parse(int argc, char **argv, struct server_opts *o, struct err *e)
{
	static const struct option lo[] = {
		{ "listen", 1, NULL, O_LISTEN }, { "app", 1, NULL, O_APP },
		{ "close-first", 0, NULL, O_CLOSEFIRST }, { "close-delay", 1, NULL, O_CLOSEDELAY },
		{ "once", 0, NULL, O_ONCE }, { "max-conns", 1, NULL, O_MAXCONNS },
		{ "backlog", 1, NULL, O_BACKLOG }, { "syncookies", 2, NULL, O_SYNCOOKIES },
		{ "stats", 1, NULL, O_STATS }, { "rst-limit", 1, NULL, O_RSTLIMIT },
		{ "log-lines", 1, NULL, O_LOGLINES }, { "send-after-fin", 1, NULL, O_SENDAFTERFIN },
		LIVE_OPTS_LONG, LIVE_IMPAIR_LONGOPTS, { NULL, 0, NULL, 0 },
	};
	const struct cli_prog prog = { "synlab-server", usage, lo, one_opt, o };
	int r;

	defaults(o);
	argc = live_impair_fix_argv(argc, argv);
	argc = cookies_fix_argv(argc, argv);
	if ((r = cli_getopt(argc, argv, &prog, &o->params, e)) != 0)
		return r;
	if (!o->port)
		return err_set(e, "--listen ADDR:PORT is required (see --help)");
	return 0;
}
