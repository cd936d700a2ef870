/* cli.h - parsing of command-line values shared by the programs: ADDR:PORT, numbers, durations, engine options. */
#ifndef SYNLAB_CLI_H
#define SYNLAB_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"
#include "tcb.h"

/* "198.18.0.2:8080" -> address (host order) and port. Port 0 is rejected. */
int cli_parse_addrport(const char *s, uint32_t *addr, uint16_t *port, struct err *e);

/* A dotted IPv4 address (host order). */
int cli_parse_addr(const char *s, uint32_t *addr, struct err *e);

/* An IPv4 (host order, in a4) or IPv6 (v6 set; 16 bytes in network order, in a6) address. */
struct cli_ip {
	bool v6;
	uint32_t a4;
	uint8_t a6[16];
};

/* "198.18.0.2:8080" or "[fd00:5359::2]:8080" (RFC 3986 §3.2.2's brackets) -> address and
 * port; port 0 is rejected. With bare_ok (--listen) an unbracketed IPv6 address is taken
 * when the port after its last colon cannot be part of it ("fd00:5359:0:0:0:0:0:2:8080");
 * "fd00:5359::2:8080", itself an address, is refused as ambiguous. No zone ids. */
int cli_parse_ipport(const char *s, bool bare_ok, struct cli_ip *ip, uint16_t *port,
		     struct err *e);

/* Text for ip and port: "198.18.0.2:8080", "[fd00:5359::2]:8080". */
const char *cli_ipport_str(const struct cli_ip *ip, uint16_t port, char *buf, size_t cap);
/* The same for the local (or remote) end of a connection. */
const char *cli_end_str(const struct tcb_addr *a, bool local, char *buf, size_t cap);
/* Stores ip as the local (or remote) address of a (sets a->v6). */
void cli_ip_to_addr(const struct cli_ip *ip, bool local, struct tcb_addr *a);

/* An unsigned integer in [min, max]; decimal, or 0x hex. */
int cli_parse_u64(const char *s, uint64_t min, uint64_t max, uint64_t *out, struct err *e);

/* A duration: "250ms", "1.5s", "800us", or a bare number of milliseconds. -> us. */
int cli_parse_duration(const char *s, uint64_t *us, struct err *e);

/* A positive real number, e.g. a time scale "0.01". */
int cli_parse_double(const char *s, double min, double max, double *out, struct err *e);

/* Engine options shared by client and server. `name` is the long option without "--"
 * ("rto-init", "syn-retries", ...). Returns 1 when applied, 0 when the name is not an
 * engine option, -1 (with e) when the value is bad. */
int cli_engine_option(const char *name, const char *value, struct tcb_params *p,
		      struct err *e);

/* Appends the engine options to a getopt_long table (at most cap entries), giving
 * option i the value base + i; returns the count appended. */
struct option;
size_t cli_engine_longopts(struct option *out, size_t cap, int base);
/* Applies engine option number idx (value - base) to p; -1 with e on a bad value. */
int cli_engine_apply(int idx, const char *value, struct tcb_params *p, struct err *e);

/* A program's command line: its options (without the engine's, which are added, nor
 * help/version) and a handler called for each option found. */
struct cli_prog {
	const char *name;		/* "synlab-client" */
	const char *usage;		/* printed by --help, before the engine options */
	const struct option *opts;	/* terminated by a zeroed entry */
	int (*fn)(int c, const char *arg, void *ctx, struct err *e);
	void *ctx;
};
#define CLI_ENGINE_BASE 2000	/* option values at and above belong to the engine */

/* Runs getopt_long over argv: -h/--help, -V/--version, unknown options, missing values
 * and stray arguments are handled here; engine options go to p. Returns 0, 1 when help
 * or version was printed, -1 with e on a usage error. */
int cli_getopt(int argc, char **argv, const struct cli_prog *prog, struct tcb_params *p,
	       struct err *e);

/* The help text of the engine options, one option a line. */
extern const char cli_engine_help[];

/* Turns C escapes (\r \n \t \\ \" \0 \xHH) in s into bytes; returns the length, or -1. */
long cli_unescape(const char *s, uint8_t *out, size_t cap, struct err *e);

#endif
