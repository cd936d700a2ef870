/* duo_opts.c - synlab-duo's command line. */
#include "duo.h"

#include <getopt.h>
#include <string.h>

#include "cli.h"

enum { O_CNS = 1000, O_SNS, O_LISTEN, O_DATA, O_SPORT, O_NOSTEP, O_CLOCK, O_TUI };

static const char usage[] =
	"usage: synlab-duo --client-ns NS --server-ns NS --listen ADDR:PORT [options]\n"
	"Runs both ends of one connection in one process, each on its own raw socket in its\n"
	"own network namespace (the lab's: scripts/lab up makes synlab-client and\n"
	"synlab-server), and stops before every segment either end sends: both ends' states\n"
	"and timers are shown before each decision, on one timeline.\n"
	"  --client-ns NS        the client end's namespace (ip netns)\n"
	"  --server-ns NS        the server end's namespace; --listen is its address\n"
	"  --listen ADDR:PORT    the server end's address and port\n"
	"  --sport N             the client end's port [random]\n"
	"  --data STRING         what the client sends (C escapes) ['Just a test.\\r\\n']\n"
	"  --no-step             run without stopping\n"
	"  --step-clock pause|run  while a decision waits, the end's clock stands still\n"
	"                        (pause, the default) or runs\n"
	"  --tui                 the full-screen view (a terminal is needed): the ladder\n"
	"                        growing as segments pass, both ends' states and timers,\n"
	"                        the segment waiting with its explanation; keys Enter/s\n"
	"                        send, d drop, e edit, c continue, q quit, arrows/PgUp/PgDn\n"
	"                        scroll, ? help. Without --log the log is printed when the\n"
	"                        view closes, and so is the data the client received\n"
	"  -q                    one line per segment\n"
	"  --json                the logs as JSON Lines\n"
	"  --lang en|zh          language of the explanations [en]\n"
	"  --log FILE            the client end's log to FILE, the server end's to\n"
	"                        FILE.server [both on stderr]\n"
	"  -w FILE               a capture at the client end: every segment that crossed the\n"
	"                        wire, both directions (pcapng if FILE ends in .pcapng)\n"
	"Commands at a decision: Enter/send, d, delay MS, edit FIELD V (';' joins), c, q,\n"
	"list; 'client' or 'server' first answers that end's decision.\n";

static int one_opt(int c, const char *arg, void *ctx, struct err *e)
{
	struct duo_opts *o = ctx;
	uint64_t v;
	long n;

	switch (c) {
	case O_CNS: o->client_ns = arg; return 0;
	case O_SNS: o->server_ns = arg; return 0;
	case O_LISTEN:
		return cli_parse_addrport(arg, &o->saddr, &o->sport, e) < 0 ? err_wrap(e, "--listen")
									    : 0;
	case O_DATA:
		if ((n = cli_unescape(arg, o->data, sizeof(o->data), e)) < 0)
			return err_wrap(e, "--data");
		o->data_len = (size_t)n;
		return 0;
	case O_SPORT:
		if (cli_parse_u64(arg, 1, 65535, &v, e) < 0)
			return err_wrap(e, "--sport");
		o->cport = (uint16_t)v;
		return 0;
	case O_NOSTEP: o->step = false; return 0;
	case O_CLOCK:
		if (strcmp(arg, "pause") && strcmp(arg, "run"))
			return err_set(e, "--step-clock: '%s' is not pause or run", arg);
		o->step_clock_run = !strcmp(arg, "run");
		return 0;
	case O_TUI: o->tui = true; return 0;
	case 'q': case 'w': case LIVE_O_LOG: case LIVE_O_LANG: case LIVE_O_JSON:
		return live_opts_apply(&o->out, c, arg, e) < 0 ? -1 : 0;
	default:
		return err_set(e, "option not supported by synlab-duo (see --help)");
	}
}

int duo_parse(int argc, char **argv, struct duo_opts *o, struct err *e)
{
	static const struct option lo[] = {
		{ "client-ns", 1, NULL, O_CNS }, { "server-ns", 1, NULL, O_SNS },
		{ "listen", 1, NULL, O_LISTEN }, { "data", 1, NULL, O_DATA },
		{ "sport", 1, NULL, O_SPORT }, { "no-step", 0, NULL, O_NOSTEP },
		{ "step-clock", 1, NULL, O_CLOCK }, { "tui", 0, NULL, O_TUI },
		{ "log", 1, NULL, LIVE_O_LOG }, { "lang", 1, NULL, LIVE_O_LANG },
		{ "json", 0, NULL, LIVE_O_JSON },
		{ NULL, 0, NULL, 0 },
	};
	const struct cli_prog prog = { "synlab-duo", usage, lo, one_opt, o };
	int r;

	memset(o, 0, sizeof(*o));
	tcb_params_default(&o->cparams);
	live_opts_default(&o->out);
	memcpy(o->data, "Just a test.\r\n", 14);
	o->data_len = 14;
	o->step = true;
	if ((r = cli_getopt(argc, argv, &prog, &o->cparams, e)) != 0)
		return r;
	o->sparams = o->cparams;	/* each end its own block (tcb_new keeps a pointer) */
	if (!o->client_ns || !o->server_ns || !o->sport)
		return err_set(e, "--client-ns NS, --server-ns NS and --listen ADDR:PORT are "
			       "required (see --help)");
	/* the server end: its own log file (two ends cannot write one), no second capture
	 * (the client end's sees every segment that crosses the wire) */
	o->sout = o->out;
	o->sout.pcap_path = NULL;
	if (o->out.log_path && strcmp(o->out.log_path, "-")) {
		if ((size_t)snprintf(o->slog, sizeof(o->slog), "%s.server", o->out.log_path) >=
		    sizeof(o->slog))
			return err_set(e, "--log: the path is too long");
		o->sout.log_path = o->slog;
	}
	return 0;
}
