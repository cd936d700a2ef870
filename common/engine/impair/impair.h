/* impair.h - the impairment engine: rule syntax, per-segment decisions, the hold queue. */
#ifndef SYNLAB_IMPAIR_H
#define SYNLAB_IMPAIR_H

/*
 * Both programs run every segment through impair_decide() before it reaches the wire
 * (direction `out`) or the TCB (direction `in`). The engine is pure: no I/O (the
 * programs read --impair-file and pass its text to impair_add_lines), no clock (time is
 * passed in, microseconds), no globals.
 *
 * RULE SYNTAX (one rule; words in any order after the action; each at most once)
 *
 *   rule     := action { filter | percent | duration | "seed=" N }
 *   action   := "drop" | "loss" | "delay" | "dup" | "reorder" | "corrupt"
 *   filter   := "in" | "out"                  direction; both when omitted
 *             | FLAGS                         exactly these flags: SYN+ACK, ACK, FIN+ACK,
 *                                             RST, PSH+ACK, RST+ACK ... (names joined by
 *                                             '+', any case) or tcpdump letters: S. F. R
 *                                             P. (upper case, as tcpdump prints), "none"
 *             | "has=" FLAGS                  at least these flags (has=FIN, has=R)
 *             | "data"                        carries payload (len > 0)
 *             | "state=" STATE {"," STATE}    the local TCB's state: RFC 9293 spelling
 *                                             (TIME-WAIT), or netstat/ss spelling
 *                                             (TIME_WAIT, SYN_RECV, ESTAB), any case
 *             | "nth=" N | "nth=" N "-" [M]   the Nth match of this rule, matches N..M,
 *             | "first=" N                    or N and after; first=N is nth=1-N (N >= 1)
 *             | "conn=" N                     the Nth connection in order of creation
 *             | "port=" N                     the remote port (dport out, sport in)
 *   percent  := NUMBER "%"                    fire with this probability, 0% .. 100%,
 *                                             up to 4 decimals (loss 0.5%)
 *   duration := TIME [("±" | "+-") TIME]      delay and jitter: 300ms, 1.5s, 250us,
 *                                             10ms±5ms (jitter without unit takes the
 *                                             delay's unit); at most 600s
 *   "seed=" N                                 the seed of this rule's random stream
 *
 *   drop      the segment is lost (no percent: always; "loss P%" is "drop P%")
 *   delay D   held until now + D (+ uniform jitter in [-J, +J])
 *   dup       delivered twice, back to back
 *   reorder   held until the next segment in the same direction has passed, or at most
 *             D (default 1s: "reorder 200ms" sets it), then released after it
 *   corrupt   delivered with a damaged TCP checksum (impair_corrupt_bytes)
 *
 * Several rules: one per impair_add() call, or separated by ';' in one string, or one
 * per line of a text (impair_add_lines, --impair-file; '#' starts a comment, blank lines are skipped).
 *
 * MATCHING. Rules are consulted in the order given. A rule *matches* a segment when its
 * direction, flags, data, state, conn and port filters all hold; each match advances
 * that rule's own match counter (nth counts matches of that rule only). A matching rule
 * *fires* when the counter is inside its nth range and its random draw (if it has a
 * percent) succeeds. The first rule that fires decides; later rules are not consulted
 * for that segment, so their counters do not see it. No rule fires: deliver.
 *
 * RANDOMNESS. Each rule has its own xoshiro256** stream (prng.h), so one rule's draws
 * never shift another's. A rule with seed=N uses N. Otherwise it uses the engine seed
 * plus its 0-based index; the engine seed is picked from the caller's entropy value in
 * impair_init() (or set with impair_set_seed()) and is always printable: each rule's
 * text (impair_rule_text) shows its effective seed, so pasting it back repeats the run.
 * A random rule draws once per match inside its nth range: draw = uniform integer in
 * [0, 1000000) and the rule fires when draw < percent in parts per million. A delay with
 * jitter draws once more (uniform in [-J, +J] microseconds) when it fires.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"
#include "prng.h"
#include "seg.h"
#include "tcb.h"

#define IMPAIR_MAX_RULES 32
#define IMPAIR_HOLD_MAX 64	/* segments held at once (delay + reorder) */
#define IMPAIR_TEXT_MAX 192	/* canonical rule text, bytes with NUL */
#define IMPAIR_NEVER UINT64_MAX	/* "no deadline" */
#define IMPAIR_PPM 1000000u	/* 100% in parts per million */
#define IMPAIR_MAX_DELAY_US 600000000ull	/* 600 s */
#define IMPAIR_REORDER_HOLD_US 1000000ull	/* default reorder max hold, 1 s */

/* Direction as seen by the program running the engine. */
enum impair_dir {
	IMPAIR_OUT = 1,		/* what this program sends */
	IMPAIR_IN = 2,		/* what this program receives */
	IMPAIR_BOTH = 3,	/* rule filter only */
};

enum impair_action {
	IMPAIR_DELIVER,		/* no rule fired */
	IMPAIR_DROP,
	IMPAIR_DELAY,
	IMPAIR_DUP,
	IMPAIR_REORDER,
	IMPAIR_CORRUPT,
};

enum impair_fmatch {
	IMPAIR_FLAGS_ANY,	/* no flags filter */
	IMPAIR_FLAGS_EXACT,	/* flags == rule flags */
	IMPAIR_FLAGS_HAS,	/* (flags & rule flags) == rule flags */
};

/* One parsed rule (what impair_rule_parse fills and impair_describe renders). */
struct impair_rule {
	enum impair_action action;	/* "loss P%" is IMPAIR_DROP with a percent */
	unsigned dirs;			/* IMPAIR_OUT | IMPAIR_IN bits */
	enum impair_fmatch fmatch;
	uint8_t flags;			/* SEG_* bits for fmatch */
	bool data;			/* only segments with payload */
	uint16_t states;		/* bit (1 << enum tcb_state); 0 = any state */
	uint64_t nth_lo, nth_hi;	/* match range, 1-based inclusive; 0,0 = every match;
					 * nth_hi UINT64_MAX = open ended */
	unsigned conn;			/* 0 = any */
	uint16_t port;			/* remote port; 0 = any */
	bool random;			/* has a percent */
	uint32_t ppm;			/* probability, parts per million */
	bool has_seed;
	uint64_t seed;
	bool has_time;			/* a duration was given */
	uint64_t delay_us;		/* delay, or reorder max hold */
	uint64_t jitter_us;		/* delay jitter (+-) */
};

/* A rule inside the engine. Read-only for callers (counters are for summaries). */
struct impair_slot {
	struct impair_rule rule;
	bool seed_explicit;		/* seed came from the text */
	uint64_t seed;			/* effective seed of rng */
	char text[IMPAIR_TEXT_MAX];	/* canonical text with the effective seed */
	struct prng rng;
	uint64_t matches;		/* segments that matched the filters */
	uint64_t fired;			/* segments this rule decided */
};

/* A segment the caller holds for the engine (delay or reorder). */
struct impair_held {
	uint64_t token;			/* the caller's handle for its stored copy */
	enum impair_dir dir;
	enum impair_action action;	/* IMPAIR_DELAY or IMPAIR_REORDER */
	unsigned rule;			/* 1-based rule number */
	uint64_t held_at;		/* time of the decision */
	uint64_t due;			/* when it is (or became) due */
	bool released;			/* reorder: the next segment passed */
	bool timed_out;			/* reorder: released by its max hold instead */
	uint64_t order;			/* internal: tie-break among equal due times */
};

struct impair {
	struct impair_slot slot[IMPAIR_MAX_RULES];
	unsigned nrules;
	uint64_t seed;			/* engine seed (rules without seed=) */
	struct impair_held hold[IMPAIR_HOLD_MAX];
	unsigned nhold;
	uint64_t order;			/* counter for impair_held.order */
};

/* What to do with one segment. */
struct impair_verdict {
	enum impair_action action;
	enum impair_dir dir;
	unsigned rule;			/* 1-based number of the rule that fired; 0 = none */
	const char *rule_text;		/* its canonical text (owned by the engine, valid while
					 * the engine lives; "" when no rule fired) */
	uint64_t match;			/* that rule's match count at this segment (1-based) */
	bool drew;			/* a percent draw was made */
	uint32_t draw;			/* the draw, 0..999999; fired when draw < ppm */
	uint32_t ppm;			/* the rule's probability */
	uint64_t at;			/* time of the decision */
	uint64_t until;			/* DELAY: deliver at; REORDER: release at the latest */
	uint64_t delay_us;		/* DELAY: actual delay after jitter */
	int64_t jitter_us;		/* DELAY: the jitter drawn */
};

/* ---- engine (impair.c) ---- */

/* An empty rule set. The engine seed is derived from `entropy` (e.g. the clock or
 * getrandom) and reduced to 0..999999 so it stays short to print. */
void impair_init(struct impair *im, uint64_t entropy);

/* Sets the engine seed and reseeds every rule that has no seed= of its own. */
void impair_set_seed(struct impair *im, uint64_t seed);
uint64_t impair_seed(const struct impair *im);

/* Appends one parsed rule (seeding it as described above). -1 when full. */
int impair_add_rule(struct impair *im, const struct impair_rule *r, struct err *e);

/* Parses and appends rules: one rule, or several separated by ';'; '#' starts a comment.
 * All or nothing: on error no rule is added and e says
 * "impair: rule 'drop out SYNN': col 10: unknown flags 'SYNN' (...)"; col counts
 * characters of `text` from 1. */
int impair_add(struct impair *im, const char *text, struct err *e);

/* Rules from a text of lines (one rule per line, '#' comments, blank lines). `name`
 * names the source in errors: "impair: NAME:LINE: rule '...': col N: reason". */
int impair_add_lines(struct impair *im, const char *text, const char *name,
		     struct err *e);


/* 1-based rule number -> canonical text with effective seed; NULL when out of range. */
const char *impair_rule_text(const struct impair *im, unsigned rule);

/* The decision for one segment in direction dir (IMPAIR_IN or IMPAIR_OUT), the local
 * TCB's state st (for `in`: before the segment is processed; for `out`: after the TCB
 * produced it; TCB_CLOSED or TCB_LISTEN when there is none), the connection number conn
 * (1-based in order of creation; 0 = none: never matches conn=N) and the time now.
 * Returns 0, or -1 with a DELIVER verdict on bad arguments. A segment that passes now
 * (DELIVER, DUP, CORRUPT) releases the reorder-held segments of its direction: the
 * caller sends it, then drains impair_due(). Held segments are not decided again. */
int impair_decide(struct impair *im, enum impair_dir dir, const struct seg *s,
		  enum tcb_state st, unsigned conn, uint64_t now, struct impair_verdict *v);

/* One line for the explaining logger, e.g.
 * "dropped by rule 2 'drop out ACK state=TIME-WAIT nth=1' (match #1)",
 * "delayed 312ms by rule 1 'delay in SYN+ACK 300ms±20ms seed=7' (match #1, jitter +12ms)",
 * "dropped by rule 1 'loss 20% seed=7' (match #4, draw 13.2708% < 20%)",
 * "delivered (no rule fired)". Returns the length like snprintf. */
int impair_verdict_format(const struct impair_verdict *v, char *buf, size_t cap);

/* Damages the TCP checksum field of an encoded IPv4+TCP datagram (XOR 0x5555: any mask
 * other than 0xffff changes the one's complement sum, so a receiver that verifies it
 * always discards the segment). Returns -1 when the bytes are not IPv4+TCP with a
 * complete checksum field. */
int impair_corrupt_bytes(uint8_t *pkt, size_t len);

/* ---- hold queue (impair_queue.c): how delay and reorder reach the event loop ----
 *
 *   impair_decide(...) -> DELAY or REORDER: store a copy, impair_hold(im, &v, token)
 *   after every segment sent or received and on every wakeup:
 *       while (impair_due(im, now, &h)) pass on the copy named h.token
 *   poll timeout: impair_deadline(im)
 *
 * Due segments come out in order of due time; a reorder-held segment is due right
 * after the segment that released it (one passed by impair_decide, or another held
 * segment coming out of impair_due in the same direction), or at its max hold. */

/* Holds the segment named token as verdict v says (DELAY until v->until, REORDER until
 * released). -1 when v is not DELAY/REORDER or the queue is full (IMPAIR_HOLD_MAX); the
 * caller then passes the segment on at once and may log e. */
int impair_hold(struct impair *im, const struct impair_verdict *v, uint64_t token,
		struct err *e);

/* Pops the next held segment due at `now` into h; false when none is due. */
bool impair_due(struct impair *im, uint64_t now, struct impair_held *h);

/* Earliest time something held becomes due (now or past when something is due);
 * IMPAIR_NEVER when nothing is held. */
uint64_t impair_deadline(const struct impair *im);

/* Segments currently held. */
unsigned impair_pending(const struct impair *im);

/* Marks reorder-held segments of dir as released at time now (impair_decide and
 * impair_due call it; exposed for a caller that passes a segment around the engine). */
void impair_release(struct impair *im, enum impair_dir dir, uint64_t now);

/* ---- syntax (impair_parse.c) ---- */

/* Parses one rule from text[start..end) (no ';' or '#' inside). On error fills e with
 * "col N: reason", N counting characters of text from text[0] (so a rule inside a
 * longer line reports the line's column), and sets *errcol to N when not NULL. */
int impair_rule_parse(const char *text, size_t start, size_t end, struct impair_rule *r,
		      size_t *errcol, struct err *e);

/* Canonical text: action, direction, flags, data, state, conn, port, nth, duration,
 * percent, seed, e.g. "drop out ACK state=TIME-WAIT nth=1". Parsing it gives the same
 * rule. Returns the length like snprintf. */
int impair_describe(const struct impair_rule *r, char *buf, size_t cap);

/* A duration the way rules write it: "250us", "1.5ms", "300ms", "1.5s". */
int impair_format_us(uint64_t us, char *buf, size_t cap);

/* Percent from parts per million: "20%", "12.5%", "0.0001%". */
int impair_format_ppm(uint32_t ppm, char *buf, size_t cap);

/* Parses a state name (RFC 9293 spelling as tcb_state_name() gives it, netstat or ss
 * spelling, any case). -1 when unknown. */
int impair_state_parse(const char *name, size_t len, enum tcb_state *st);

#endif
