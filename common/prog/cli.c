/* cli.c - parsing of command-line values shared by the programs (see cli.h). */
#include "cli.h"
#include "version.h"

#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stddef.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int cli_parse_addr(const char *s, uint32_t *addr, struct err *e)
{
	struct in_addr in;

	if (!s || inet_pton(AF_INET, s, &in) != 1)
		return err_set(e, "'%s' is not an IPv4 address (expected e.g. 198.18.0.2)",
			       s ? s : "");
	*addr = ntohl(in.s_addr);
	return 0;
}

static int parse_port(const char *p, const char *s, uint16_t *port, struct err *e)
{
	uint64_t v;

	if (cli_parse_u64(p, 1, 65535, &v, e) < 0)
		return err_wrap(e, "port in '%s'", s);
	*port = (uint16_t)v;
	return 0;
}

static bool is_v6(const char *s, uint8_t out[16])
{
	return inet_pton(AF_INET6, s, out) == 1;
}

/* "[A6]:PORT" */
static int parse_bracketed(const char *s, struct cli_ip *ip, uint16_t *port, struct err *e)
{
	char host[INET6_ADDRSTRLEN];
	const char *end = strchr(s, ']');
	size_t n = end ? (size_t)(end - s - 1) : 0;

	if (!end || n == 0 || n >= sizeof(host))
		return err_set(e, "'%s' is not [ADDR]:PORT (expected e.g. [fd00:5359::2]:8080)", s);
	memcpy(host, s + 1, n);
	host[n] = '\0';
	if (!is_v6(host, ip->a6))
		return err_set(e, "'%s' in '%s' is not an IPv6 address (expected e.g. "
			       "fd00:5359::2; zone ids like %%eth0 are not supported)", host, s);
	if (end[1] != ':')
		return err_set(e, "'%s' is not [ADDR]:PORT: a ':' and the port must follow ']' "
			       "(expected e.g. [fd00:5359::2]:8080)", s);
	ip->v6 = true;
	return parse_port(end + 2, s, port, e);
}

/* "A6:PORT" without brackets, taken only when it cannot be read another way. */
static int parse_bare6(const char *s, const char *colon, struct cli_ip *ip, uint16_t *port,
		       struct err *e)
{
	char host[INET6_ADDRSTRLEN];
	uint8_t whole[16];
	size_t n = (size_t)(colon - s);

	bool head = n < sizeof(host) && (memcpy(host, s, n), host[n] = '\0', is_v6(host, ip->a6));

	if (is_v6(s, whole) && head)
		return err_set(e, "'%s' is ambiguous: it is itself an IPv6 address; write the "
			       "port after brackets, e.g. [%s]:%s", s, host, colon + 1);
	if (is_v6(s, whole))
		return err_set(e, "'%s' has no port: write [%s]:PORT", s, s);
	if (!head)
		return err_set(e, "'%s' is not ADDR:PORT or [ADDR]:PORT (expected e.g. "
			       "198.18.0.2:8080 or [fd00:5359::2]:8080)", s);
	ip->v6 = true;
	return parse_port(colon + 1, s, port, e);
}

int cli_parse_ipport(const char *s, bool bare_ok, struct cli_ip *ip, uint16_t *port,
		     struct err *e)
{
	const char *colon = s ? strrchr(s, ':') : NULL;

	memset(ip, 0, sizeof(*ip));
	if (s && s[0] == '[')
		return parse_bracketed(s, ip, port, e);
	if (colon && memchr(s, ':', (size_t)(colon - s))) {	/* two or more colons: IPv6 */
		if (bare_ok)
			return parse_bare6(s, colon, ip, port, e);
		return err_set(e, "'%s' is not ADDR:PORT (it has more than one ':'); an IPv6 "
			       "address goes in brackets with the port after them, e.g. "
			       "[fd00:5359::2]:8080", s);
	}
	return cli_parse_addrport(s, &ip->a4, port, e);
}

const char *cli_ipport_str(const struct cli_ip *ip, uint16_t port, char *buf, size_t cap)
{
	char a[INET6_ADDRSTRLEN];
	struct in_addr in = { .s_addr = htonl(ip->a4) };

	if (ip->v6)
		snprintf(buf, cap, "[%s]:%u", inet_ntop(AF_INET6, ip->a6, a, sizeof(a)), port);
	else
		snprintf(buf, cap, "%s:%u", inet_ntop(AF_INET, &in, a, sizeof(a)), port);
	return buf;
}

const char *cli_end_str(const struct tcb_addr *a, bool local, char *buf, size_t cap)
{
	struct cli_ip ip = { .v6 = a->v6, .a4 = local ? a->laddr : a->raddr };

	memcpy(ip.a6, local ? a->laddr6 : a->raddr6, 16);
	return cli_ipport_str(&ip, local ? a->lport : a->rport, buf, cap);
}

void cli_ip_to_addr(const struct cli_ip *ip, bool local, struct tcb_addr *a)
{
	a->v6 = ip->v6;
	*(local ? &a->laddr : &a->raddr) = ip->a4;
	memcpy(local ? a->laddr6 : a->raddr6, ip->a6, 16);
}

int cli_parse_addrport(const char *s, uint32_t *addr, uint16_t *port, struct err *e)
{
	char host[64];
	const char *colon = s ? strrchr(s, ':') : NULL;
	uint64_t p;

	if (!colon || colon == s || (size_t)(colon - s) >= sizeof(host))
		return err_set(e, "'%s' is not ADDR:PORT (expected e.g. 198.18.0.2:8080)",
			       s ? s : "");
	memcpy(host, s, (size_t)(colon - s));
	host[colon - s] = '\0';
	if (cli_parse_addr(host, addr, e) < 0)
		return err_wrap(e, "'%s'", s);
	if (cli_parse_u64(colon + 1, 1, 65535, &p, e) < 0)
		return err_wrap(e, "port in '%s'", s);
	*port = (uint16_t)p;
	return 0;
}

int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct err *e)
{
	char *end;
	unsigned long long v;

	if (!s || !*s || *s == '-' || *s == '+' || *s == ' ')
		return err_set(e, "'%s' is not a number", s ? s : "");
	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end)
		return err_set(e, "'%s' is not a number", s);
	if (v < min || v > max)
		return err_set(e, "%s is out of range (%llu..%llu)", s,
			       (unsigned long long)min, (unsigned long long)max);
	*out = v;
	return 0;
}

int cli_parse_double(const char *s, double min, double max, double *out, struct err *e)
{
	char *end;
	double v;

	if (!s || !*s)
		return err_set(e, "empty number");
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v))
		return err_set(e, "'%s' is not a number", s);
	if (v < min || v > max)
		return err_set(e, "%s is out of range (%g..%g)", s, min, max);
	*out = v;
	return 0;
}

/* Microseconds per unit for a duration suffix; 0 when unknown. */
static double unit_us(const char *u)
{
	if (!*u || !strcmp(u, "ms"))
		return 1e3;
	if (!strcmp(u, "s"))
		return 1e6;
	if (!strcmp(u, "us"))
		return 1.0;
	return 0;
}

int cli_parse_duration(const char *s, uint64_t *us, struct err *e)
{
	char *end;
	double v, mul;

	if (!s || !*s || *s == '-' || *s == '+')
		return err_set(e, "'%s' is not a duration (expected e.g. 200ms, 1.5s)",
			       s ? s : "");
	errno = 0;
	v = strtod(s, &end);
	mul = unit_us(end);
	if (errno || end == s || mul == 0 || !isfinite(v))
		return err_set(e, "'%s' is not a duration (expected e.g. 200ms, 1.5s)", s);
	if (v * mul > 1e12)
		return err_set(e, "duration '%s' is too long", s);
	*us = (uint64_t)llround(v * mul);
	return 0;
}

/* ---- engine options ---- */

enum opt_type { OPT_US, OPT_INT, OPT_U16, OPT_U32, OPT_WIN, OPT_DBL, OPT_SCHED, OPT_ISN, OPT_BOOL };

struct engine_opt {
	const char *name;
	enum opt_type type;
	size_t off;		/* offset of the field in struct tcb_params */
	uint64_t max;		/* for integer types */
};

#define P(f) offsetof(struct tcb_params, f)
static const struct engine_opt engine_opts[] = {
	{ "rto-init", OPT_US, P(rto_init_us), 0 },
	{ "rto-min", OPT_US, P(rto_min_us), 0 },
	{ "rto-max", OPT_US, P(rto_max_us), 0 },
	{ "syn-retries", OPT_INT, P(syn_retries), 255 },
	{ "syn-schedule", OPT_SCHED, P(syn_schedule), 0 },
	{ "syn-linear-timeouts", OPT_INT, P(syn_linear_timeouts), 255 },
	{ "synack-retries", OPT_INT, P(synack_retries), 255 },
	{ "data-retries", OPT_INT, P(data_retries), 255 },
	{ "msl", OPT_US, P(msl_us), 0 },
	{ "fin-timeout", OPT_US, P(fin_wait_2_us), 0 },
	{ "time-scale", OPT_DBL, P(time_scale), 0 },
	{ "isn", OPT_ISN, P(isn), UINT32_MAX },
	{ "mss", OPT_U16, P(mss), 65495 },
	{ "window", OPT_WIN, P(rcv_buf), 65535u << 14 },
	{ "sndbuf", OPT_U32, P(snd_buf), 1u << 30 },
	{ "challenge-ack-limit", OPT_U32, P(challenge_ack_limit), UINT32_MAX },
	{ "invalid-ratelimit", OPT_US, P(invalid_ratelimit_us), 0 },
	{ "rfc1337", OPT_BOOL, P(rfc1337), 0 },
	{ "delayed-ack", OPT_US, P(dack_us), 0 },
	{ "init-cwnd", OPT_U32, P(init_cwnd), 1000 },
	{ "no-wscale", OPT_BOOL, P(no_wscale), 0 },
	{ "no-timestamps", OPT_BOOL, P(no_timestamps), 0 },
	{ "no-sack", OPT_BOOL, P(no_sack), 0 },
};
#undef P

const char cli_engine_help[] =
	"Engine (RFC 9293 state machine) options, Linux's defaults in brackets:\n"
	"  --rto-init DUR          initial retransmission timeout [1s] (RFC 6298 2.1)\n"
	"  --rto-min DUR           lower bound of the RTO [200ms]\n"
	"  --rto-max DUR           upper bound of the RTO [120s]\n"
	"  --syn-retries N         SYN retransmissions before giving up [6]\n"
	"  --syn-schedule S        linear (Linux >= 6.5) or doubling [linear]\n"
	"  --syn-linear-timeouts N linear SYN retries before doubling [4]\n"
	"  --synack-retries N      SYN+ACK retransmissions [5]: +1 +3 +7 +15 +31 s\n"
	"  --data-retries N        data and FIN retransmissions [15]\n"
	"  --msl DUR               maximum segment lifetime; TIME-WAIT = 2 x MSL [30s]\n"
	"  --fin-timeout DUR       FIN-WAIT-2 timeout [60s]\n"
	"  --time-scale F          multiply every timer by F, e.g. 0.01 [1]\n"
	"  --isn N                 fixed initial sequence number (else RFC 6528)\n"
	"  --mss N                 MSS to announce and send [1460]; over IPv6 20 less\n"
	"                          (a 40-byte IPv6 header: 1440 in a 1500-byte MTU)\n"
	"  --window N              receive buffer = largest window offered [65535];\n"
	"                          above 65535 only with window scaling (RFC 7323)\n"
	"  --sndbuf N              send buffer bytes [262144]\n"
	"  --challenge-ack-limit N RFC 5961 challenge ACKs per second [1000]\n"
	"  --invalid-ratelimit DUR at most one ACK per DUR answers out-of-window\n"
	"                          segments, unacceptable ACKs and challenges, per\n"
	"                          connection; 0 = off [500ms] (RFC 5961 7)\n"
	"  --rfc1337               ignore RST in TIME-WAIT (RFC 1337) [off]\n"
	"  --delayed-ack DUR       delay the ACK of in-order data up to DUR, or until a\n"
	"                          second full-sized segment; 0 = ACK every segment at\n"
	"                          once [0; Linux and RFC 5681 4.2: 200ms]\n"
	"  --init-cwnd N           initial congestion window, segments [10] (RFC 6928)\n"
	"  --no-wscale             offer no window scale option (RFC 7323 2) [offered]\n"
	"  --no-timestamps         offer no timestamps: no RTTM, no PAWS (RFC 7323 3-5)\n"
	"                          [offered]\n"
	"  --no-sack               offer no SACK-permitted, send no SACK blocks\n"
	"                          (RFC 2018) [offered]\n"
	"  DUR is 200ms, 1.5s, 800us or a number of milliseconds.\n";

static int apply_int(const struct engine_opt *o, const char *v, void *f, struct err *e)
{
	uint64_t n;

	/* a window of 0 could never open, and even scaled (RFC 7323 §2.3: shift <= 14) the
	 * 16-bit field says at most 65535 << 14 */
	if (cli_parse_u64(v, o->type == OPT_U16 || o->type == OPT_WIN ? 1 : 0, o->max, &n, e) < 0)
		return o->type == OPT_WIN ? err_set(e, "'%s' is not a window of 1..%u (the "
						    "field has 16 bits, scaled by at most 2^14, RFC 7323)",
						    v, 65535u << 14) : -1;
	if (o->type == OPT_INT)
		*(int *)f = (int)n;
	else if (o->type == OPT_U16)
		*(uint16_t *)f = (uint16_t)n;
	else
		*(uint32_t *)f = (uint32_t)n;
	return 0;
}

static int apply_opt(const struct engine_opt *o, const char *v, struct tcb_params *p,
		     struct err *e)
{
	void *f = (char *)p + o->off;

	switch (o->type) {
	case OPT_US:
		return cli_parse_duration(v, (uint64_t *)f, e);
	case OPT_DBL:
		return cli_parse_double(v, 1e-6, 1e6, (double *)f, e);
	case OPT_SCHED:
		if (v && !strcmp(v, "linear"))
			p->syn_schedule = TCB_SYN_LINEAR;
		else if (v && !strcmp(v, "doubling"))
			p->syn_schedule = TCB_SYN_DOUBLING;
		else
			return err_set(e, "'%s' is not a SYN schedule (linear or doubling)",
				       v ? v : "");
		return 0;
	case OPT_ISN:
		p->isn_fixed = true;
		return apply_int(&(struct engine_opt){ o->name, OPT_U32, 0, o->max }, v, f, e);
	case OPT_BOOL:
		*(bool *)f = true;
		return 0;
	default:
		return apply_int(o, v, f, e);
	}
}

int cli_engine_option(const char *name, const char *value, struct tcb_params *p,
		      struct err *e)
{
	for (size_t i = 0; i < sizeof(engine_opts) / sizeof(engine_opts[0]); i++) {
		if (strcmp(engine_opts[i].name, name))
			continue;
		if (apply_opt(&engine_opts[i], value, p, e) < 0)
			return err_wrap(e, "--%s", name);
		return 1;
	}
	return 0;
}

/* ---- C escapes ---- */

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* One escape after the backslash at s[0]; stores the byte, returns chars used or -1. */
static int unescape_one(const char *s, uint8_t *b)
{
	static const char from[] = "rnt\\\"'0ae";
	static const char to[] = "\r\n\t\\\"'\0\a\033";
	const char *hit = *s ? strchr(from, *s) : NULL;

	if (hit) {
		*b = (uint8_t)to[hit - from];
		return 1;
	}
	if (*s == 'x' && hexval(s[1]) >= 0 && hexval(s[2]) >= 0) {
		*b = (uint8_t)(hexval(s[1]) * 16 + hexval(s[2]));
		return 3;
	}
	return -1;
}

long cli_unescape(const char *s, uint8_t *out, size_t cap, struct err *e)
{
	size_t n = 0;

	for (const char *p = s; *p; p++) {
		if (n == cap)
			return err_set(e, "string longer than %zu bytes", cap);
		if (*p != '\\') {
			out[n++] = (uint8_t)*p;
			continue;
		}
		int used = unescape_one(p + 1, &out[n]);
		if (used < 0)
			return err_set(e, "bad escape '\\%.3s' at offset %ld", p + 1, (long)(p - s));
		n++;
		p += used;
	}
	return (long)n;
}

size_t cli_engine_longopts(struct option *out, size_t cap, int base)
{
	size_t n = sizeof(engine_opts) / sizeof(engine_opts[0]);

	if (n > cap)
		n = cap;
	for (size_t i = 0; i < n; i++) {
		out[i].name = engine_opts[i].name;
		out[i].has_arg = engine_opts[i].type == OPT_BOOL ? no_argument : required_argument;
		out[i].flag = NULL;
		out[i].val = base + (int)i;
	}
	return n;
}

int cli_engine_apply(int idx, const char *value, struct tcb_params *p, struct err *e)
{
	if (idx < 0 || (size_t)idx >= sizeof(engine_opts) / sizeof(engine_opts[0]))
		return err_set(e, "no engine option number %d", idx);
	if (apply_opt(&engine_opts[idx], value, p, e) < 0)
		return err_wrap(e, "--%s", engine_opts[idx].name);
	return 0;
}

/* prog's options + help/version + the engine's, into lo (cap entries). */
static void build_longopts(const struct cli_prog *prog, struct option *lo, size_t cap)
{
	static const struct option hv[] = { { "help", 0, NULL, 'h' }, { "version", 0, NULL, 'V' } };
	size_t n = 0;

	for (; prog->opts[n].name && n < cap - 4; n++)
		lo[n] = prog->opts[n];
	lo[n++] = hv[0];
	lo[n++] = hv[1];
	n += cli_engine_longopts(lo + n, cap - n - 1, CLI_ENGINE_BASE);
	memset(&lo[n], 0, sizeof(lo[n]));
}

static int one_getopt(int c, char **argv, const struct cli_prog *prog, struct tcb_params *p,
		      struct err *e)
{
	if (c == 'h') {
		printf("%s%s", prog->usage, cli_engine_help);
		return 1;
	}
	if (c == 'V') {
		printf("%s %s\n", prog->name, SYNLAB_VERSION);
		return 1;
	}
	if (c == '?')
		return err_set(e, "unknown option '%s' (see --help)", argv[optind - 1]);
	if (c == ':')
		return err_set(e, "option '%s' needs a value", argv[optind - 1]);
	if (c >= CLI_ENGINE_BASE)
		return cli_engine_apply(c - CLI_ENGINE_BASE, optarg, p, e);
	return prog->fn(c, optarg, prog->ctx, e);
}

int cli_getopt(int argc, char **argv, const struct cli_prog *prog, struct tcb_params *p,
	       struct err *e)
{
	struct option lo[80];
	int c, r;

	build_longopts(prog, lo, sizeof(lo) / sizeof(lo[0]));
	opterr = 0;
	optind = 1;
	while ((c = getopt_long(argc, argv, ":i:w:Z:qhV", lo, NULL)) != -1)
		if ((r = one_getopt(c, argv, prog, p, e)) != 0)
			return r;
	if (optind < argc)
		return err_set(e, "unexpected argument '%s' (see --help)", argv[optind]);
	if (p->rto_min_us > p->rto_max_us)	/* RFC 6298 §2.4-2.5: min <= RTO <= max */
		return err_set(e, "--rto-min (%.3f s) is above --rto-max (%.3f s)",
			       p->rto_min_us / 1e6, p->rto_max_us / 1e6);
	if (p->no_wscale && p->rcv_buf > 65535)	/* RFC 7323 §2: 16 bits unscaled */
		return err_set(e, "--window %u needs window scaling, which --no-wscale turns "
			       "off: without it a window is at most 65535", p->rcv_buf);
	return 0;
}
