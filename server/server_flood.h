/* server_flood.h - synlab-server under floods: counters, log summaries, RST rate limit, SYN cookies, the --stats line. */
#ifndef SYNLAB_SERVER_FLOOD_H
#define SYNLAB_SERVER_FLOOD_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "conntab.h"
#include "live.h"
#include "logsum.h"
#include "ratelim.h"
#include "server.h"

/* What the server counts (printed by --stats and at exit). */
struct server_stats {
	uint64_t bad_csum, unparsed;	/* discarded before any connection lookup */
	uint64_t no_conn;		/* segments for no connection */
	uint64_t rst_sent, rst_limited;	/* RST replies to those; suppressed by --rst-limit */
	uint64_t syn_dropped;		/* SYNs dropped: backlog or table full, no cookies */
	uint64_t cookies_sent, cookies_ok, cookies_bad;
	uint64_t challenge_acks;	/* RFC 5961 challenge ACKs (sent or rate-limited) */
	uint64_t send_errors;		/* segments the wire refused (counted, not fatal) */
	unsigned peak_half_open;	/* most SYN-RECEIVED connections at once */
};

/* Log categories (logsum ids). */
enum sflood_cat {
	SFLOOD_BAD_CSUM, SFLOOD_UNPARSED, SFLOOD_NO_CONN, SFLOOD_CHALLENGE, SFLOOD_OUT_OF_WINDOW,
	SFLOOD_SYN_DROPPED, SFLOOD_COOKIE, SFLOOD_SEND_ERROR, SFLOOD_NCAT
};

struct sflood {
	const struct server_opts *o;
	struct logsum ls;
	int cat[SFLOOD_NCAT];
	struct ratelim rst;
	uint8_t secret[16];		/* SYN-cookie key, random per run */
	uint64_t next_stats;		/* when the next --stats line is due, us */
	struct server_stats st;
};

void sflood_init(struct sflood *f, const struct server_opts *o, uint64_t now);

/* Counts an event of category c; true when the log should show its own line for it
 * (false: it is summarised once per second, see logsum.h). */
bool sflood_note(struct sflood *f, struct live *l, enum sflood_cat c, uint64_t now);

/* The category of a segment whose only effect on its connection is in o: a challenge
 * ACK or an out-of-window drop; -1 for anything else (always logged). */
int sflood_classify(const struct tcb_out *o);

/* Switches the per-segment log off (for a summarised segment) and returns the log to
 * put back afterwards: `FILE *was = sflood_mute(l); ...; sflood_unmute(l, was);`. */
FILE *sflood_mute(struct live *l);
void sflood_unmute(struct live *l, FILE *was);
/* Where summary lines go: the log, or stderr when the log is JSON (like live_log_note). */
FILE *sflood_logfile(struct live *l);

/* RFC 9293 §3.10.7.1 RST for a segment for no connection, at most --rst-limit per second
 * (as Linux limits its replies to invalid segments). Never fails: a refused send is
 * counted in send_errors. */
void sflood_refuse(struct sflood *f, struct live *l, const struct seg *s, const char *why,
		   uint64_t now);

/* RFC 4987 §3.6: answers a SYN with a cookie SYN+ACK and keeps no state. */
void sflood_send_cookie(struct sflood *f, struct live *l, const struct seg *syn,
			uint64_t now);

/* Whether the ACK s carries a valid cookie; fills the accept parameters. */
bool sflood_check_cookie(struct sflood *f, const struct seg *s, uint64_t now, uint32_t *iss,
			 uint32_t *irs, uint16_t *mss);

/* Writes the --stats line when it is due (or always when force). half_open is the
 * current SYN-RECEIVED count, tab the connection table (counted by state). */
void sflood_stats(struct sflood *f, struct live *l, const struct conntab *tab,
		  unsigned half_open, uint64_t now, bool force);

#endif
