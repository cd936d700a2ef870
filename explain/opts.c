/* opts.c - parses synlab-explain's command line (getopt_long). */
#include <arpa/inet.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "explain.h"
#include "opts.h"

void xopts_usage(FILE *out)
{
	fputs("usage: synlab-explain [options] [-r] FILE\n"
	      "Explains every TCP segment of a pcap/pcapng capture: flags, seq/ack arithmetic,\n"
	      "both endpoints' RFC 9293 states, tshark's tcp.analysis labels.\n"
	      "  -r FILE        capture to read (or give it as the argument)\n"
	      "  -c N           only the first N connections\n"
	      "  --host ADDR    only connections with this IPv4 or IPv6 address\n"
	      "  --port P       only connections with this port\n"
	      "  --conn N       only connection N (numbered as tshark's tcp.stream + 1)\n"
	      "Output on stdout (one of; default: each segment, its states and explanation):\n"
	      "  -q             one line per segment\n"
	      "  --summary      connection summaries only\n"
	      "  --json         JSON Lines (the \"explain\" field is the text explanation)\n"
	      "  --ladder       also draw each connection as a ladder (sequence) diagram\n"
	      "                 at the end, the explanation under each arrow\n"
	      "  --ascii        draw the ladder with ASCII only (default: UTF-8 if the locale is)\n"
	      "Files:\n"
	      "  --html FILE    one self-contained HTML page with an SVG ladder of the first\n"
	      "                 connection shown (pick one with --conn)\n"
	      "  -w FILE        pcapng of the segments shown, each with its explanation as the\n"
	      "                 packet comment (Wireshark: frame.comment)\n"
	      "  --lang en|zh   language of every explanation (en)\n"
	      "Stepping:\n"
	      "  --tui          full screen: step through one connection (the first shown; pick\n"
	      "                 one with --conn) segment by segment, both endpoints' states above\n"
	      "                 the ladder, the explanation below (Enter/space: next, c: all the\n"
	      "                 rest, arrows and PgUp/PgDn: back through the ladder, q: quit);\n"
	      "                 needs a terminal\n"
	      "Colour only on a terminal, and never when NO_COLOR is set.\n"
	      "  -h, --help     this text\n"
	      "  -V, --version  version\n", out);
}

static int parse_num(const char *s, unsigned long max, unsigned long *v)
{
	char *end;

	if (!*s || *s == '-')
		return -1;
	*v = strtoul(s, &end, 10);
	return (*end || *v > max) ? -1 : 0;
}

static int set_opt(int c, const char *arg, struct xopts *o, char *msg, size_t cap)
{
	unsigned long v;
	struct in_addr in;

	switch (c) {
	case 'r': o->file = arg; return 0;
	case 'q': o->quiet = true; return 0;
	case 'S': o->summary = true; return 0;
	case 'L': o->ladder = true; return 0;
	case 'A': o->ascii = true; return 0;
	case 'T': o->html = arg; return 0;
	case 'w': o->pcapng = arg; return 0;
	case 'U': o->tui = true; return 0;
	case 'n':
		if (parse_num(arg, UINT32_MAX, &v) < 0 || v == 0)
			break;
		o->conn_only = (uint32_t)v;
		return 0;
	case 'j': o->json = true; return 0;
	case 'h': o->help = true; return 0;
	case 'V': o->version = true; return 0;
	case 'c':
		if (parse_num(arg, UINT32_MAX, &v) < 0 || v == 0)
			break;
		o->max_conns = (uint32_t)v;
		return 0;
	case 'p':
		if (parse_num(arg, 65535, &v) < 0)
			break;
		o->port = (int)v;
		return 0;
	case 'H':
		/* Kept as seg_addr_key does: IPv4 mapped into ::ffff:0:0/96. */
		memset(o->host, 0, sizeof(o->host));
		if (inet_pton(AF_INET, arg, &in) == 1) {
			o->host[10] = o->host[11] = 0xff;
			memcpy(o->host + 12, &in.s_addr, 4);
		} else if (inet_pton(AF_INET6, arg, o->host) != 1) {
			break;
		}
		o->has_host = true;
		return 0;
	case 'l':
		if (explain_lang_parse(arg) < 0)
			break;
		o->lang = (enum explain_lang)explain_lang_parse(arg);
		return 0;
	default:
		snprintf(msg, cap, "unknown option (try --help)");
		return -1;
	}
	snprintf(msg, cap, "bad value '%s' for option -%c", arg, c == 'H' ? 'H' : c);
	return -1;
}

/* Combinations that cannot mean anything. Returns 0, or -1 with the reason. */
static int check_combination(const struct xopts *o, char *msg, size_t cap)
{
	if ((o->quiet ? 1 : 0) + (o->summary ? 1 : 0) + (o->json ? 1 : 0) > 1) {
		snprintf(msg, cap, "-q, --summary and --json are different outputs: pick one");
		return -1;
	}
	if (o->ladder && (o->json || o->summary)) {
		snprintf(msg, cap, "--ladder cannot be mixed into --json or --summary output");
		return -1;
	}
	if (o->ascii && !o->ladder) {
		snprintf(msg, cap, "--ascii only applies to --ladder");
		return -1;
	}
	if (o->tui && (o->quiet || o->summary || o->json || o->ladder || o->html || o->pcapng)) {
		snprintf(msg, cap, "--tui is its own output: it cannot be combined with -q, "
			 "--summary, --json, --ladder, --html or -w");
		return -1;
	}
	if (o->html && o->pcapng && strcmp(o->html, o->pcapng) == 0) {
		snprintf(msg, cap, "--html and -w name the same file '%s'", o->html);
		return -1;
	}
	return 0;
}

int xopts_parse(int argc, char **argv, struct xopts *o, char *msg, size_t cap)
{
	static const struct option lo[] = {
		{"help", no_argument, NULL, 'h'},   {"version", no_argument, NULL, 'V'},
		{"json", no_argument, NULL, 'j'},   {"lang", required_argument, NULL, 'l'},
		{"host", required_argument, NULL, 'H'}, {"port", required_argument, NULL, 'p'},
		{"summary", no_argument, NULL, 'S'}, {"ladder", no_argument, NULL, 'L'},
		{"ascii", no_argument, NULL, 'A'},  {"html", required_argument, NULL, 'T'},
		{"conn", required_argument, NULL, 'n'}, {"tui", no_argument, NULL, 'U'},
		{NULL, 0, NULL, 0},
	};
	int c;

	memset(o, 0, sizeof(*o));
	o->port = -1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":r:c:qw:hV", lo, NULL)) != -1) {
		if (c == ':') {
			snprintf(msg, cap, "option %s needs a value", argv[optind - 1]);
			return -1;
		}
		if (set_opt(c, optarg, o, msg, cap) < 0)
			return -1;
	}
	if (optind < argc && !o->file)
		o->file = argv[optind++];
	if (optind < argc) {
		snprintf(msg, cap, "unexpected argument '%s'", argv[optind]);
		return -1;
	}
	if (!o->file && !o->help && !o->version) {
		snprintf(msg, cap, "no capture file given (try --help)");
		return -1;
	}
	return check_combination(o, msg, cap);
}

bool xopts_wanted(const struct xopts *o, const struct explain_rec *r)
{
	const struct seg *s = &r->seg;
	uint8_t a[16], b[16];

	if (o->max_conns && r->conn > o->max_conns)
		return false;
	if (o->has_host) {	/* both families compared as seg_addr_key keeps them */
		seg_addr_key(s, true, a);
		seg_addr_key(s, false, b);
		if (memcmp(a, o->host, 16) && memcmp(b, o->host, 16))
			return false;
	}
	if (o->port >= 0 && s->sport != o->port && s->dport != o->port)
		return false;
	return !(o->conn_only && r->conn != o->conn_only);
}
