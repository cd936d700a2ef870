/* server_opts.c - synlab-server's command line. */
#include "server.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

enum { O_LISTEN = 1000, O_APP, O_CLOSEFIRST, O_CLOSEDELAY, O_ONCE, O_MAXCONNS, O_BACKLOG };

static const char usage[] =
	"Usage: synlab-server --listen ADDR:PORT [options]\n"
	"Accepts TCP connections whose every segment is crafted in user space and answers\n"
	"with an application; each segment is logged on stderr.\n\n"
	"  --listen ADDR:PORT    address and port to accept connections on\n"
	"  --app NAME            echo (\"Server: \" + each chunk), discard, or http [echo]\n"
	"  --close-first         close after replying (the server's FIN comes first)\n"
	"  --close-delay DUR     from ACKing the peer's FIN to sending ours [200ms];\n"
	"                        0 puts the FIN on that ACK: a three-segment close\n"
	"  --once                exit after the first connection has fully closed\n"
	"  --max-conns N         connections at once [4096]\n"
	"  --backlog N           half-open (SYN-RECEIVED) connections at once [128]\n"
	"  -i DEV                interface [the one owning ADDR]\n"
	"  -w FILE               write every segment sent and received to a pcap file\n"
	"  -Z USER               once the socket, capture and -w file are open, drop root\n"
	"                        and all capabilities and run as USER (as tcpdump -Z)\n"
	"  -q                    no per-segment log\n"
	"  -h, --help            this help;  -V, --version\n\n";

static void defaults(struct server_opts *o)
{
	memset(o, 0, sizeof(*o));
	tcb_params_default(&o->params);
	o->app = APP_ECHO;
	o->close_delay_us = 200000;
	o->max_conns = 4096;
	o->backlog = 128;
}

static int count_opt(const char *name, const char *arg, unsigned *out, struct err *e)
{
	uint64_t v;

	if (cli_parse_u64(arg, 1, 10000000, &v, e) < 0)
		return err_wrap(e, "--%s", name);
	*out = (unsigned)v;
	return 0;
}

static int one_opt(int c, const char *arg, void *ctx, struct err *e)
{
	struct server_opts *o = ctx;

	switch (c) {
	case O_LISTEN:
		return cli_parse_addrport(arg, &o->addr, &o->port, e) < 0 ? err_wrap(e, "--listen")
									    : 0;
	case O_APP:
		return app_parse_kind(arg, &o->app, e) < 0 ? err_wrap(e, "--app") : 0;
	case O_CLOSEDELAY:
		return cli_parse_duration(arg, &o->close_delay_us, e) < 0
			       ? err_wrap(e, "--close-delay") : 0;
	case O_MAXCONNS:
		return count_opt("max-conns", arg, &o->max_conns, e);
	case O_BACKLOG:
		return count_opt("backlog", arg, &o->backlog, e);
	case O_CLOSEFIRST: o->close_first = true; return 0;
	case O_ONCE: o->once = true; return 0;
	case 'i': o->device = arg; return 0;
	case 'w': o->pcap_path = arg; return 0;
	case 'Z': o->user = arg; return 0;
	case 'q': o->quiet = true; return 0;
	default:
		return err_set(e, "unknown option (see --help)");
	}
}

int server_parse(int argc, char **argv, struct server_opts *o, struct err *e)
{
	static const struct option lo[] = {
		{ "listen", 1, NULL, O_LISTEN }, { "app", 1, NULL, O_APP },
		{ "close-first", 0, NULL, O_CLOSEFIRST }, { "close-delay", 1, NULL, O_CLOSEDELAY },
		{ "once", 0, NULL, O_ONCE }, { "max-conns", 1, NULL, O_MAXCONNS },
		{ "backlog", 1, NULL, O_BACKLOG }, { NULL, 0, NULL, 0 },
	};
	const struct cli_prog prog = { "synlab-server", usage, lo, one_opt, o };
	int r;

	defaults(o);
	if ((r = cli_getopt(argc, argv, &prog, &o->params, e)) != 0)
		return r;
	if (!o->port)
		return err_set(e, "--listen ADDR:PORT is required (see --help)");
	return 0;
}
