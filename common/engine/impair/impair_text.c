/* impair_text.c - impairment rules back to canonical text; state names, durations, percents. */
#include "impair.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* The RFC 9293 spellings are tcb_state_name()'s (the one table, tcb_names.c); these are
 * netstat (SYN_RECV, FIN_WAIT1) and ss (ESTAB) spellings, after '_' -> '-'. */
static const struct {
	const char *name;
	enum tcb_state st;
} state_aliases[] = {
	{ "SYN-RECV", TCB_SYN_RECEIVED }, { "SYN-RCVD", TCB_SYN_RECEIVED },
	{ "FIN-WAIT1", TCB_FIN_WAIT_1 }, { "FIN-WAIT2", TCB_FIN_WAIT_2 },
	{ "ESTAB", TCB_ESTABLISHED },
};

int impair_state_parse(const char *name, size_t len, enum tcb_state *st)
{
	char norm[16];

	if (len == 0 || len >= sizeof(norm))
		return -1;
	for (size_t i = 0; i < len; i++)
		norm[i] = name[i] == '_' ? '-' : name[i];
	norm[len] = '\0';
	for (int i = 0; i < TCB_NSTATES; i++) {
		if (strcasecmp(norm, tcb_state_name((enum tcb_state)i)) == 0) {
			*st = (enum tcb_state)i;
			return 0;
		}
	}
	for (size_t i = 0; i < sizeof(state_aliases) / sizeof(state_aliases[0]); i++) {
		if (strcasecmp(norm, state_aliases[i].name) == 0) {
			*st = state_aliases[i].st;
			return 0;
		}
	}
	return -1;
}

/* "12.5000" -> "12.5": a whole part and a fraction of `digits` digits, zeros trimmed. */
static int format_fixed(uint64_t whole, uint64_t frac, int digits, const char *unit,
			char *buf, size_t cap)
{
	char f[24];
	int n;

	if (frac == 0)
		return snprintf(buf, cap, "%" PRIu64 "%s", whole, unit);
	snprintf(f, sizeof(f), "%0*" PRIu64, digits, frac);
	n = (int)strlen(f);
	while (n > 0 && f[n - 1] == '0')
		f[--n] = '\0';
	return snprintf(buf, cap, "%" PRIu64 ".%s%s", whole, f, unit);
}

int impair_format_us(uint64_t us, char *buf, size_t cap)
{
	if (us >= 1000000 && us % 1000 == 0)
		return format_fixed(us / 1000000, us % 1000000 / 1000, 3, "s", buf, cap);
	if (us >= 1000)
		return format_fixed(us / 1000, us % 1000, 3, "ms", buf, cap);
	return snprintf(buf, cap, "%" PRIu64 "us", us);
}

int impair_format_ppm(uint32_t ppm, char *buf, size_t cap)
{
	return format_fixed(ppm / 10000, ppm % 10000, 4, "%", buf, cap);
}

/* Appends like snprintf, tracking the length the full text would have. */
struct sbuf {
	char *buf;
	size_t cap;
	size_t len;
};

static void sb_add(struct sbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_add(struct sbuf *b, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(b->len < b->cap ? b->buf + b->len : NULL,
		      b->len < b->cap ? b->cap - b->len : 0, fmt, ap);
	va_end(ap);
	if (n > 0)
		b->len += (size_t)n;
}

/* Flag names in the order people say them: SYN+ACK, FIN+PSH+ACK, RST+ACK. */
static void sb_flags(struct sbuf *b, uint8_t flags)
{
	static const char *const names[] = { "SYN", "FIN", "RST", "PSH", "URG", "ECE", "CWR",
					     "ACK" };
	static const uint8_t bits[] = { SEG_SYN, SEG_FIN, SEG_RST, SEG_PSH, SEG_URG, SEG_ECE,
					SEG_CWR, SEG_ACK };
	const char *sep = "";

	if (!flags)
		sb_add(b, "none");
	for (int i = 0; i < 8; i++) {
		if (flags & bits[i]) {
			sb_add(b, "%s%s", sep, names[i]);
			sep = "+";
		}
	}
}

static void sb_filters(struct sbuf *b, const struct impair_rule *r)
{
	const char *sep = "=";

	if (r->dirs == IMPAIR_OUT || r->dirs == IMPAIR_IN)
		sb_add(b, " %s", r->dirs == IMPAIR_OUT ? "out" : "in");
	if (r->fmatch != IMPAIR_FLAGS_ANY) {
		sb_add(b, r->fmatch == IMPAIR_FLAGS_HAS ? " has=" : " ");
		sb_flags(b, r->flags);
	}
	if (r->data)
		sb_add(b, " data");
	if (r->states)
		sb_add(b, " state");
	for (int i = 0; i < TCB_NSTATES; i++) {
		if (r->states & (1u << i)) {
			sb_add(b, "%s%s", sep, tcb_state_name((enum tcb_state)i));
			sep = ",";
		}
	}
	if (r->conn)
		sb_add(b, " conn=%u", r->conn);
	if (r->port)
		sb_add(b, " port=%u", (unsigned)r->port);
}

static void sb_tail(struct sbuf *b, const struct impair_rule *r)
{
	char t[32];

	if (r->nth_lo && r->nth_hi == r->nth_lo)
		sb_add(b, " nth=%" PRIu64, r->nth_lo);
	else if (r->nth_lo && r->nth_hi == UINT64_MAX)
		sb_add(b, " nth=%" PRIu64 "-", r->nth_lo);
	else if (r->nth_lo)
		sb_add(b, " nth=%" PRIu64 "-%" PRIu64, r->nth_lo, r->nth_hi);
	if (r->has_time) {
		impair_format_us(r->delay_us, t, sizeof(t));
		sb_add(b, " %s", t);
	}
	if (r->has_time && r->jitter_us) {
		impair_format_us(r->jitter_us, t, sizeof(t));
		sb_add(b, "±%s", t);
	}
	if (r->random) {
		impair_format_ppm(r->ppm, t, sizeof(t));
		sb_add(b, " %s", t);
	}
	if (r->has_seed)
		sb_add(b, " seed=%" PRIu64, r->seed);
}

int impair_describe(const struct impair_rule *r, char *buf, size_t cap)
{
	static const char *const words[] = { "deliver", "drop", "delay", "dup", "reorder",
					     "corrupt" };
	struct sbuf b = { buf, cap, 0 };

	if (cap)
		buf[0] = '\0';
	if ((unsigned)r->action > IMPAIR_CORRUPT)
		return 0;
	sb_add(&b, "%s", r->action == IMPAIR_DROP && r->random ? "loss" : words[r->action]);
	sb_filters(&b, r);
	sb_tail(&b, r);
	return (int)b.len;
}
