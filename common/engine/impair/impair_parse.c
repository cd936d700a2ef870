/* impair_parse.c - the impairment rule syntax: one rule's words into a struct impair_rule. */
#include "impair.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

/* Word classes that may appear once per rule (duplicate detection). */
enum pkey { K_DIR, K_FLAGS, K_DATA, K_STATE, K_NTH, K_CONN, K_PORT, K_PCT, K_SEED, K_TIME,
	    K_COUNT };

static const char *const key_names[K_COUNT] = {
	"direction", "flags", "'data'", "state=", "nth=/first=", "conn=", "port=",
	"percentage", "seed=", "duration",
};

struct pctx {
	const char *text;	/* columns count from here */
	struct impair_rule *r;
	size_t seen_col[K_COUNT];	/* column where each key was given; 0 = not yet */
	size_t action_col;
	size_t time_col;
	size_t errcol;
	struct err *e;
};

struct tok {
	const char *p;
	size_t len;
	size_t off;		/* from ctx->text */
};

static size_t col_of(const char *text, size_t off)
{
	size_t col = 1;

	for (size_t i = 0; i < off; i++)
		col += ((unsigned char)text[i] & 0xc0) != 0x80;
	return col;
}

/* Records the error at offset off of text: "col N: reason". Returns -1. */
static int perr(struct pctx *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int perr(struct pctx *c, size_t off, const char *fmt, ...)
{
	char reason[sizeof(c->e->msg)];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(reason, sizeof(reason), fmt, ap);
	va_end(ap);
	c->errcol = col_of(c->text, off);
	return err_set(c->e, "col %zu: %s", c->errcol, reason);
}

static bool tok_is(const struct tok *t, const char *word)
{
	return strlen(word) == t->len && strncasecmp(t->p, word, t->len) == 0;
}

/* Shown inside error messages: at most 32 bytes of the word. */
#define TQ(t) (int)((t)->len > 32 ? 32 : (t)->len), (t)->p

static int parse_u64(const char *p, size_t len, uint64_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 20)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (p[i] < '0' || p[i] > '9')
			return -1;
		if (v > (UINT64_MAX - (uint64_t)(p[i] - '0')) / 10)
			return -1;
		v = v * 10 + (uint64_t)(p[i] - '0');
	}
	*out = v;
	return 0;
}

/* "12.25" -> whole 12, frac 25, fdig 2. At most 9 digits each side. */
static int parse_decimal(const char *p, size_t len, uint64_t *whole, uint64_t *frac,
			 unsigned *fdig)
{
	const char *dot = memchr(p, '.', len);
	size_t wlen = dot ? (size_t)(dot - p) : len;

	*frac = 0;
	*fdig = 0;
	if (wlen > 9 || (wlen == 0 && !dot))
		return -1;
	if (wlen == 0)
		*whole = 0;
	else if (parse_u64(p, wlen, whole) < 0)
		return -1;
	if (!dot)
		return 0;
	*fdig = (unsigned)(len - wlen - 1);
	if (*fdig == 0 || *fdig > 9 || parse_u64(dot + 1, *fdig, frac) < 0)
		return -1;
	return 0;
}

static uint64_t pow10u(unsigned n)
{
	uint64_t v = 1;

	while (n--)
		v *= 10;
	return v;
}

static int mark_seen(struct pctx *c, enum pkey k, const struct tok *t)
{
	if (c->seen_col[k])
		return perr(c, t->off, "duplicate %s '%.*s' (already given at col %zu)",
			    key_names[k], TQ(t), c->seen_col[k]);
	c->seen_col[k] = col_of(c->text, t->off);
	return 0;
}

/* ---- flags ---- */

static const struct {
	const char *name;
	uint8_t bit;
} flag_names[] = {
	{ "SYN", SEG_SYN }, { "FIN", SEG_FIN }, { "RST", SEG_RST }, { "PSH", SEG_PSH },
	{ "URG", SEG_URG }, { "ECE", SEG_ECE }, { "CWR", SEG_CWR }, { "ACK", SEG_ACK },
};

/* tcpdump's letters (seg_flags_str): F S R P . U E W, upper case as tcpdump prints. */
static int flags_letters(const char *p, size_t len, uint8_t *flags)
{
	static const char letters[] = "FSRP.UEW";
	static const uint8_t bits[] = { SEG_FIN, SEG_SYN, SEG_RST, SEG_PSH,
					SEG_ACK, SEG_URG, SEG_ECE, SEG_CWR };

	*flags = 0;
	for (size_t i = 0; i < len; i++) {
		const char *at = p[i] ? strchr(letters, p[i]) : NULL;

		if (!at)
			return -1;
		*flags |= bits[at - letters];
	}
	return len ? 0 : -1;
}

static int flag_name(const char *p, size_t len, uint8_t *bit)
{
	for (size_t i = 0; i < sizeof(flag_names) / sizeof(flag_names[0]); i++) {
		if (len == 3 && strncasecmp(p, flag_names[i].name, 3) == 0) {
			*bit = flag_names[i].bit;
			return 0;
		}
	}
	return -1;
}

/* "SYN+ACK" (names, any case), "S." (tcpdump letters) or "none". */
static int flags_parse(const char *p, size_t len, uint8_t *flags)
{
	size_t i = 0;

	if (len == 4 && strncasecmp(p, "none", 4) == 0) {
		*flags = 0;
		return 0;
	}
	if (flags_letters(p, len, flags) == 0)
		return 0;
	*flags = 0;
	while (i < len) {
		const char *plus = memchr(p + i, '+', len - i);
		size_t n = plus ? (size_t)(plus - (p + i)) : len - i;
		uint8_t bit;

		if (flag_name(p + i, n, &bit) < 0)
			return -1;
		*flags |= bit;
		i += n + 1;
		if (plus && i == len)
			return -1;	/* trailing '+' */
	}
	return 0;
}

static bool looks_like_flags(const struct tok *t)
{
	for (size_t i = 0; i < t->len; i++)
		if ((t->p[i] >= 'A' && t->p[i] <= 'Z') || t->p[i] == '+' || t->p[i] == '.')
			return true;
	return false;
}

static int bad_flags(struct pctx *c, size_t off, size_t len)
{
	return perr(c, off, "unknown flags '%.*s' (expected e.g. SYN, SYN+ACK, ACK, FIN+ACK, "
		    "RST or tcpdump letters like S.)", (int)(len > 32 ? 32 : len),
		    c->text + off);
}

/* ---- values of key=value words ---- */

static int val_has(struct pctx *c, const struct tok *t, const struct tok *v)
{
	uint8_t flags = 0;

	if (v->len && flags_parse(v->p, v->len, &flags) < 0)
		return bad_flags(c, v->off, v->len);
	if (flags == 0)
		return perr(c, v->off, "has= needs at least one flag, e.g. has=FIN");
	if (mark_seen(c, K_FLAGS, t) < 0)
		return -1;
	c->r->fmatch = IMPAIR_FLAGS_HAS;
	c->r->flags = flags;
	return 0;
}

static int val_state(struct pctx *c, const struct tok *t, const struct tok *v)
{
	size_t i = 0;

	if (mark_seen(c, K_STATE, t) < 0)
		return -1;
	do {
		const char *comma = memchr(v->p + i, ',', v->len - i);
		size_t n = comma ? (size_t)(comma - (v->p + i)) : v->len - i;
		enum tcb_state st;

		if (impair_state_parse(v->p + i, n, &st) < 0)
			return perr(c, v->off + i, "unknown state '%.*s' (expected CLOSED, LISTEN, "
				    "SYN-SENT, SYN-RECEIVED, ESTABLISHED, FIN-WAIT-1, FIN-WAIT-2, "
				    "CLOSE-WAIT, CLOSING, LAST-ACK or TIME-WAIT)",
				    (int)(n > 24 ? 24 : n), v->p + i);
		c->r->states |= (uint16_t)(1u << st);
		i += n + 1;
	} while (i <= v->len);
	return 0;
}

static int nth_number(struct pctx *c, const char *p, size_t len, size_t off, uint64_t *n)
{
	if (parse_u64(p, len, n) < 0)
		return perr(c, off, "bad number '%.*s' in nth= (expected nth=N, nth=N-M or "
			    "nth=N-)", (int)(len > 24 ? 24 : len), p);
	if (*n == 0)
		return perr(c, off, "nth=0: matches count from 1 (nth=1 is the first)");
	return 0;
}

static int val_nth(struct pctx *c, const struct tok *t, const struct tok *v)
{
	const char *dash = memchr(v->p, '-', v->len);
	size_t n1 = dash ? (size_t)(dash - v->p) : v->len;
	uint64_t lo, hi;

	if (mark_seen(c, K_NTH, t) < 0 || nth_number(c, v->p, n1, v->off, &lo) < 0)
		return -1;
	hi = lo;
	if (dash && n1 + 1 == v->len)
		hi = UINT64_MAX;
	else if (dash && nth_number(c, dash + 1, v->len - n1 - 1, v->off + n1 + 1, &hi) < 0)
		return -1;
	if (hi < lo)
		return perr(c, v->off, "range reversed: nth=%.*s (write nth=%llu-%llu)", TQ(v),
			    (unsigned long long)hi, (unsigned long long)lo);
	c->r->nth_lo = lo;
	c->r->nth_hi = hi;
	return 0;
}

static int val_first(struct pctx *c, const struct tok *t, const struct tok *v)
{
	uint64_t n;

	if (mark_seen(c, K_NTH, t) < 0)
		return -1;
	if (parse_u64(v->p, v->len, &n) < 0)
		return perr(c, v->off, "bad number '%.*s' in first= (expected first=N)", TQ(v));
	if (n == 0)
		return perr(c, v->off, "first=0 matches nothing (first=N means nth=1-N, N >= 1)");
	c->r->nth_lo = 1;
	c->r->nth_hi = n;
	return 0;
}

static int val_number(struct pctx *c, const struct tok *t, const struct tok *v,
		      enum pkey k, uint64_t min, uint64_t max, uint64_t *out)
{
	if (mark_seen(c, k, t) < 0)
		return -1;
	if (parse_u64(v->p, v->len, out) < 0 || *out < min || *out > max)
		return perr(c, v->off, "bad %s value '%.*s' (expected %llu to %llu)",
			    key_names[k], TQ(v), (unsigned long long)min,
			    (unsigned long long)max);
	return 0;
}

/* conn=, port=, seed=: plain numbers. 1 when key is none of them. */
static int key_number(struct pctx *c, const struct tok *t, const struct tok *key,
		      const struct tok *v)
{
	uint64_t n;

	if (tok_is(key, "conn")) {
		if (val_number(c, t, v, K_CONN, 1, UINT32_MAX, &n) < 0)
			return -1;
		c->r->conn = (unsigned)n;
		return 0;
	}
	if (tok_is(key, "port")) {
		if (val_number(c, t, v, K_PORT, 1, 65535, &n) < 0)
			return -1;
		c->r->port = (uint16_t)n;
		return 0;
	}
	if (!tok_is(key, "seed"))
		return 1;
	c->r->has_seed = true;
	return val_number(c, t, v, K_SEED, 0, UINT64_MAX, &c->r->seed);
}

static int word_key(struct pctx *c, const struct tok *t, const char *eq)
{
	struct tok key = { t->p, (size_t)(eq - t->p), t->off };
	struct tok v = { eq + 1, t->len - key.len - 1, t->off + key.len + 1 };
	int rc;

	if (tok_is(&key, "has"))
		return val_has(c, t, &v);
	if (tok_is(&key, "state"))
		return val_state(c, t, &v);
	if (tok_is(&key, "nth"))
		return val_nth(c, t, &v);
	if (tok_is(&key, "first"))
		return val_first(c, t, &v);
	rc = key_number(c, t, &key, &v);
	if (rc <= 0)
		return rc;
	return perr(c, t->off, "unknown key '%.*s=' (expected has=, state=, nth=, first=, "
		    "conn=, port= or seed=)", TQ(&key));
}

/* ---- percent and duration ---- */

static int word_percent(struct pctx *c, const struct tok *t)
{
	uint64_t whole, frac;
	unsigned fdig;
	uint64_t ppm;

	if (mark_seen(c, K_PCT, t) < 0)
		return -1;
	if (parse_decimal(t->p, t->len - 1, &whole, &frac, &fdig) < 0 || fdig > 4)
		return perr(c, t->off, "bad percentage '%.*s' (expected 0%% to 100%%, at most 4 "
			    "decimals, e.g. 10%% or 0.5%%)", TQ(t));
	ppm = whole * 10000 + frac * pow10u(4 - fdig);
	if (ppm > IMPAIR_PPM)
		return perr(c, t->off, "bad percentage '%.*s' (expected 0%% to 100%%)", TQ(t));
	c->r->random = true;
	c->r->ppm = (uint32_t)ppm;
	return 0;
}

/* The unit after a number: "us", "ms" or "s" -> microseconds per unit, else 0. */
static uint64_t unit_mult(const char *p, size_t len)
{
	if (len == 2 && strncmp(p, "us", 2) == 0)
		return 1;
	if (len == 2 && strncmp(p, "ms", 2) == 0)
		return 1000;
	return len == 1 && p[0] == 's' ? 1000000 : 0;
}

/* "300ms", "1.5s", "250us" at text[off..off+len). When the unit is missing, *mult (the
 * delay's unit, for a jitter) is used; 0 means a unit is required. */
static int time_value(struct pctx *c, const struct tok *t, size_t off, size_t len,
		      uint64_t *mult, uint64_t *us)
{
	const char *p = c->text + off;
	size_t n = 0;
	uint64_t whole, frac, m;
	unsigned fdig;

	while (n < len && ((p[n] >= '0' && p[n] <= '9') || p[n] == '.'))
		n++;
	if (n == 0 || parse_decimal(p, n, &whole, &frac, &fdig) < 0 || fdig > 6)
		return perr(c, off, "bad duration '%.*s' (expected e.g. 300ms, 1.5s, 250us)",
			    TQ(t));
	if (n == len && *mult == 0)
		return perr(c, off, "duration '%.*s' needs a unit: us, ms or s", TQ(t));
	if (n < len && !(*mult = unit_mult(p + n, len - n)))
		return perr(c, off + n, "unknown unit '%.*s' in '%.*s' (expected us, ms or s)",
			    (int)(len - n > 8 ? 8 : len - n), p + n, TQ(t));
	m = *mult;
	if ((frac * m) % pow10u(fdig))
		return perr(c, off, "duration '%.*s' is finer than 1us", TQ(t));
	if (whole > IMPAIR_MAX_DELAY_US / m ||
	    whole * m + frac * m / pow10u(fdig) > IMPAIR_MAX_DELAY_US)
		return perr(c, off, "duration '%.*s' is longer than 600s", TQ(t));
	*us = whole * m + frac * m / pow10u(fdig);
	return 0;
}

static int word_time(struct pctx *c, const struct tok *t)
{
	const char *pm = NULL;
	size_t split = t->len, plen = 0;
	uint64_t mult = 0;

	for (size_t i = 0; i + 1 < t->len && !pm; i++) {
		if ((t->p[i] == '\xc2' && t->p[i + 1] == '\xb1') ||
		    (t->p[i] == '+' && t->p[i + 1] == '-'))
			pm = t->p + i, split = i, plen = 2;
	}
	if (mark_seen(c, K_TIME, t) < 0)
		return -1;
	c->time_col = t->off;
	c->r->has_time = true;
	if (time_value(c, t, t->off, split, &mult, &c->r->delay_us) < 0)
		return -1;
	if (pm && time_value(c, t, t->off + split + plen, t->len - split - plen, &mult,
			     &c->r->jitter_us) < 0)
		return -1;
	return 0;
}

/* ---- words ---- */

static const char *const action_words[] = { "drop", "loss", "delay", "dup", "reorder",
					    "corrupt" };

static int action_index(const struct tok *t)
{
	for (int i = 0; i < (int)(sizeof(action_words) / sizeof(action_words[0])); i++)
		if (tok_is(t, action_words[i]))
			return i;
	return -1;
}

static int word_action(struct pctx *c, const struct tok *t)
{
	static const enum impair_action acts[] = { IMPAIR_DROP, IMPAIR_DROP, IMPAIR_DELAY,
						   IMPAIR_DUP, IMPAIR_REORDER, IMPAIR_CORRUPT };
	int i = action_index(t);

	if (i < 0)
		return perr(c, t->off, "unknown action '%.*s' (a rule starts with drop, loss, "
			    "delay, dup, reorder or corrupt)", TQ(t));
	c->r->action = acts[i];
	c->action_col = t->off;
	return 0;
}

static bool starts_numeric(const struct tok *t)
{
	char a = t->p[0], b = t->len > 1 ? t->p[1] : 0;

	return (a >= '0' && a <= '9') || ((a == '.' || a == '-') && b >= '0' && b <= '9');
}

static int word_dir(struct pctx *c, const struct tok *t, unsigned dir)
{
	if (mark_seen(c, K_DIR, t) < 0)
		return -1;
	c->r->dirs = dir;
	return 0;
}

static int word(struct pctx *c, const struct tok *t)
{
	const char *eq = memchr(t->p, '=', t->len);
	uint8_t flags;

	if (action_index(t) >= 0)
		return perr(c, t->off, "second action '%.*s' after the rule: one action per "
			    "rule; separate rules with ';'", TQ(t));
	if (tok_is(t, "in") || tok_is(t, "out"))
		return word_dir(c, t, tok_is(t, "in") ? IMPAIR_IN : IMPAIR_OUT);
	if (tok_is(t, "data")) {
		c->r->data = true;
		return mark_seen(c, K_DATA, t);
	}
	if (t->p[t->len - 1] == '%')
		return word_percent(c, t);
	if (eq)
		return word_key(c, t, eq);
	if (starts_numeric(t))
		return t->p[0] == '-' ? perr(c, t->off, "negative duration '%.*s'", TQ(t))
				      : word_time(c, t);
	if (flags_parse(t->p, t->len, &flags) == 0) {
		if (mark_seen(c, K_FLAGS, t) < 0)
			return -1;
		c->r->fmatch = IMPAIR_FLAGS_EXACT;
		c->r->flags = flags;
		return 0;
	}
	if (looks_like_flags(t))
		return bad_flags(c, t->off, t->len);
	return perr(c, t->off, "unknown word '%.*s' (expected in, out, data, flags like SYN+ACK, "
		    "key=value, a percentage or a duration)", TQ(t));
}

/* ---- whole rule ---- */

static bool tok_char_ok(const char *p, size_t avail, size_t *n)
{
	unsigned char ch = (unsigned char)p[0];

	*n = 1;
	if (ch == 0xc2 && avail >= 2 && (unsigned char)p[1] == 0xb1) {	/* UTF-8 '±' */
		*n = 2;
		return true;
	}
	return (ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch && strchr(".+-=%,_", ch));
}

/* Next word in text[*pos..end), or false at the end; rejects characters no word uses. */
static int next_tok(struct pctx *c, size_t *pos, size_t end, struct tok *t, bool *got)
{
	size_t i = *pos, n;

	while (i < end && (c->text[i] == ' ' || c->text[i] == '\t' || c->text[i] == '\r'))
		i++;
	*got = i < end;
	t->p = c->text + i;
	t->off = i;
	while (i < end && c->text[i] != ' ' && c->text[i] != '\t' && c->text[i] != '\r') {
		if (!tok_char_ok(c->text + i, end - i, &n))
			return perr(c, i, "unexpected '%c' (garbage after the rule? separate rules "
				    "with ';', comments start with '#')", c->text[i]);
		i += n;
	}
	t->len = i - t->off;
	*pos = i;
	return 0;
}

static int check_time(struct pctx *c)
{
	struct impair_rule *r = c->r;
	char d[24], j[24];

	if (r->action == IMPAIR_DELAY && !r->has_time)
		return perr(c, c->action_col, "delay needs a duration, e.g. 'delay 300ms' or "
			    "'delay 10ms±5ms'");
	if (r->has_time && r->action != IMPAIR_DELAY && r->action != IMPAIR_REORDER)
		return perr(c, c->time_col, "a duration goes only with delay or reorder");
	if (r->action == IMPAIR_REORDER && r->jitter_us)
		return perr(c, c->time_col, "reorder takes a maximum hold time, not a jitter");
	if (r->jitter_us > r->delay_us) {
		impair_format_us(r->jitter_us, j, sizeof(j));
		impair_format_us(r->delay_us, d, sizeof(d));
		return perr(c, c->time_col, "jitter %s is larger than the delay %s", j, d);
	}
	return 0;
}

static int check_rule(struct pctx *c, const struct tok *first)
{
	if (first->len == 4 && strncasecmp(first->p, "loss", 4) == 0 && !c->r->random)
		return perr(c, c->action_col, "loss needs a percentage, e.g. 'loss 10%%'");
	return check_time(c);
}

int impair_rule_parse(const char *text, size_t start, size_t end, struct impair_rule *r,
		      size_t *errcol, struct err *e)
{
	struct pctx c = { .text = text, .r = r, .e = e };
	struct tok first, t;
	size_t pos = start;
	bool got;

	memset(r, 0, sizeof(*r));
	r->dirs = IMPAIR_BOTH;
	r->ppm = IMPAIR_PPM;
	if (next_tok(&c, &pos, end, &first, &got) < 0)
		goto fail;
	if (!got) {
		perr(&c, start, "empty rule");
		goto fail;
	}
	if (word_action(&c, &first) < 0)
		goto fail;
	for (;;) {
		if (next_tok(&c, &pos, end, &t, &got) < 0 || (got && word(&c, &t) < 0))
			goto fail;
		if (!got)
			break;
	}
	if (check_rule(&c, &first) == 0)
		return 0;
fail:
	if (errcol)
		*errcol = c.errcol;
	return -1;
}
