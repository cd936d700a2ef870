/* client_opts.c - synlab-client's command line. */
#include "client.h"

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "live_opts.h"

enum { O_CONNECT = 1000, O_DATA, O_HTTP, O_ABORT, O_WAITCLOSE, O_SPORT, O_NOTW, O_TIMEOUT,
       O_DATAFILE, O_EXPECT };

static const char usage[] =
	"Usage: synlab-client --connect ADDR:PORT [options]\n"
	"Opens a TCP connection whose every segment is crafted in user space, sends data,\n"
	"prints what comes back on stdout, and closes; every segment is explained on stderr.\n\n"
	"  --connect ADDR:PORT   the server; IPv6 in brackets: [fd00:5359::2]:8080\n"
	"  --data STRING         what to send, C escapes understood [Just a test.\\r\\n]\n"
	"  --data-file FILE      send FILE's bytes as they are (at most 64 KiB)\n"
	"  --expect N            close only once N bytes came back (or the server closed);\n"
	"                        fewer is a failure (exit 1)\n"
	"  --http-get PATH       send an HTTP/1.0 GET; body to stdout, headers to the log\n"
	"  --abort               end with RST instead of FIN\n"
	"  --wait-close          wait for the server to close first\n"
	"  --no-time-wait        exit on entering TIME-WAIT instead of waiting 2 x MSL\n"
	"  --sport N             source port [random in 32768..60999]\n"
	"  --timeout DUR         give up after DUR [none]\n"
	"  -i DEV                interface [the one owning the source address]\n"
	"  -Z USER               once the socket, capture and -w file are open, drop root\n"
	"                        and all capabilities and run as USER (as tcpdump -Z);\n"
	"                        --html pages, written at exit, are created as USER\n"
	"  -h, --help            this help;  -V, --version\n\n"
	LIVE_OPTS_HELP "\n" LIVE_IMPAIR_HELP;

static void defaults(struct client_opts *o)
{
	memset(o, 0, sizeof(*o));
	tcb_params_default(&o->params);
	live_opts_default(&o->out);
	memcpy(o->data, "Just a test.\r\n", 14);
	o->data_len = 14;
	live_impair_opts_init(&o->lo);
}

/* --data-file: the whole file, byte for byte; larger than the buffer is an error. */
static int read_data_file(const char *path, struct client_opts *o, struct err *e)
{
	FILE *f = fopen(path, "rb");
	size_t n;
	int bad;

	if (!f)
		return err_set(e, "--data-file: %s: %s", path, strerror(errno));
	n = fread(o->data, 1, sizeof(o->data), f);
	bad = ferror(f) ? errno : 0;
	if (!bad && n == sizeof(o->data) && fgetc(f) != EOF)
		bad = -1;
	fclose(f);
	if (bad)
		return err_set(e, "--data-file: %s: %s", path, bad < 0 ? "larger than 64 KiB"
								  : strerror(bad));
	o->data_len = n;
	return 0;
}

static int connect_opt(const char *arg, struct client_opts *o, struct err *e)
{
	struct cli_ip ip;

	if (cli_parse_ipport(arg, false, &ip, &o->dport, e) < 0)
		return err_wrap(e, "--connect");
	o->daddr = ip.a4;
	o->v6 = ip.v6;
	memcpy(o->daddr6, ip.a6, 16);
	return 0;
}

static int one_opt(int c, const char *arg, void *ctx, struct err *e)
{
	struct client_opts *o = ctx;
	uint64_t v;
	long n;

	switch (c) {
	case O_CONNECT:
		return connect_opt(arg, o, e);
	case O_DATA:
		if ((n = cli_unescape(arg, o->data, sizeof(o->data), e)) < 0)
			return err_wrap(e, "--data");
		o->data_len = (size_t)n;
		return 0;
	case O_DATAFILE:
		return read_data_file(arg, o, e);
	case O_EXPECT:
		return cli_parse_u64(arg, 1, UINT32_MAX, &o->expect, e) < 0 ? err_wrap(e, "--expect")
									     : 0;
	case O_HTTP:
		if (arg[0] != '/' || strpbrk(arg, " \r\n"))
			return err_set(e, "--http-get: '%s' is not a path like /index.html", arg);
		o->http_path = arg;
		return 0;
	case O_SPORT:
		if (cli_parse_u64(arg, 1, 65535, &v, e) < 0)
			return err_wrap(e, "--sport");
		o->sport = (uint16_t)v;
		return 0;
	case O_TIMEOUT:
		return cli_parse_duration(arg, &o->timeout_us, e) < 0 ? err_wrap(e, "--timeout") : 0;
	case O_ABORT: o->abort = true; return 0;
	case O_WAITCLOSE: o->wait_close = true; return 0;
	case O_NOTW: o->exit_in_time_wait = true; return 0;
	case 'i': o->device = arg; return 0;
	case 'Z': o->user = arg; return 0;
	default:
		return live_opts_apply_shared(&o->out, &o->lo, c, arg, e);
	}
}

int client_parse(int argc, char **argv, struct client_opts *o, struct err *e)
{
	static const struct option lo[] = {
		{ "connect", 1, NULL, O_CONNECT }, { "data", 1, NULL, O_DATA },
		{ "http-get", 1, NULL, O_HTTP }, { "abort", 0, NULL, O_ABORT },
		{ "wait-close", 0, NULL, O_WAITCLOSE }, { "sport", 1, NULL, O_SPORT },
		{ "no-time-wait", 0, NULL, O_NOTW }, { "timeout", 1, NULL, O_TIMEOUT },
		{ "data-file", 1, NULL, O_DATAFILE }, { "expect", 1, NULL, O_EXPECT },
		LIVE_OPTS_LONG, LIVE_IMPAIR_LONGOPTS, { NULL, 0, NULL, 0 },
	};
	const struct cli_prog prog = { "synlab-client", usage, lo, one_opt, o };
	int r;

	defaults(o);
	argc = live_impair_fix_argv(argc, argv);
	if ((r = cli_getopt(argc, argv, &prog, &o->params, e)) != 0)
		return r;
	if (!o->dport)
		return err_set(e, "--connect ADDR:PORT is required (see --help)");
	return 0;
}
