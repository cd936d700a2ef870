/* explain_fmt.c - small formatting helpers shared by the explain renderers (flags, times, bytes). */
#include "explain_present.h"

#include <stdio.h>
#include <string.h>

const char *explain_flags_label(uint8_t flags, char *buf, size_t cap)
{
	/* The order learners read them in: SYN+ACK, FIN+ACK, FIN+PSH+ACK, RST+ACK. */
	static const struct { uint8_t bit; const char *name; } order[] = {
		{ SEG_SYN, "SYN" }, { SEG_FIN, "FIN" }, { SEG_RST, "RST" }, { SEG_PSH, "PSH" },
		{ SEG_ACK, "ACK" }, { SEG_URG, "URG" }, { SEG_ECE, "ECE" }, { SEG_CWR, "CWR" },
	};
	struct explain_sb sb;

	explain_sb_init(&sb, buf, cap);
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		if (!(flags & order[i].bit))
			continue;
		if (sb.len)
			explain_sb_puts(&sb, "+");
		explain_sb_puts(&sb, order[i].name);
	}
	if (!sb.len)
		explain_sb_puts(&sb, "none");
	return buf;
}

const char *explain_dur(enum explain_lang lang, uint64_t us, char *buf, size_t cap)
{
	uint64_t unit = us >= 1000000 ? 1000000 : 1000;
	struct explain_vars v;
	struct explain_sb sb;
	char num[32];

	/* "%llu.%03llu" by hand: this runs for every duration of every record. */
	explain_vars_init(&v);
	explain_sb_init(&sb, num, sizeof(num));
	explain_var_u(&v, "v", us / unit);
	explain_sb_puts(&sb, explain_var_get(&v, "v"));
	num[sb.len++] = '.';
	num[sb.len++] = (char)('0' + us % unit / (unit / 10) % 10);
	num[sb.len++] = (char)('0' + us % unit / (unit / 100) % 10);
	num[sb.len++] = (char)('0' + us % unit / (unit / 1000) % 10);
	num[sb.len] = '\0';
	explain_var_s(&v, "v", num);
	explain_sb_init(&sb, buf, cap);
	explain_sb_msg(&sb, lang, unit == 1000000 ? EXPLAIN_M_UNIT_S : EXPLAIN_M_UNIT_MS, &v);
	return buf;
}

static void put_char(struct explain_sb *sb, char c)
{
	char s[2] = { c, '\0' };

	explain_sb_puts(sb, s);
}

static void escape_one(struct explain_sb *sb, uint8_t c)
{
	switch (c) {
	case '\r': explain_sb_puts(sb, "\\r"); break;
	case '\n': explain_sb_puts(sb, "\\n"); break;
	case '\t': explain_sb_puts(sb, "\\t"); break;
	case '\\': explain_sb_puts(sb, "\\\\"); break;
	case '\'': explain_sb_puts(sb, "\\'"); break;
	case '"': explain_sb_puts(sb, "\\\""); break;
	default:
		if (c >= 0x20 && c < 0x7f)
			put_char(sb, (char)c);
		else
			explain_sb_printf(sb, "\\x%02x", c);
	}
}

const char *explain_escape_bytes(const uint8_t *p, size_t n, size_t max_bytes, char *buf,
				 size_t cap)
{
	struct explain_sb sb;
	size_t shown = n < max_bytes ? n : max_bytes, i;

	explain_sb_init(&sb, buf, cap);
	for (i = 0; p && i < shown; i++) {
		/* whole escapes only: a cut one ("\" of "\x1a") would read as another byte */
		char one[8];
		struct explain_sb o;

		explain_sb_init(&o, one, sizeof(one));
		escape_one(&o, p[i]);
		if (sb.len + o.len + 4 > cap)	/* room for "..." and the NUL */
			break;
		explain_sb_puts(&sb, one);
	}
	if (i < n)
		explain_sb_puts(&sb, "...");
	return buf;
}

/* Length of the well-formed UTF-8 character (RFC 3629 §4: no overlong forms, no
 * surrogates, at most U+10FFFF) at p, within n bytes; 0 when there is none. */
static size_t utf8_len(const uint8_t *p, size_t n)
{
	static const uint32_t min[4] = { 0, 0x80, 0x800, 0x10000 };
	size_t k = p[0] < 0x80 ? 1 : (p[0] & 0xE0) == 0xC0 ? 2 : (p[0] & 0xF0) == 0xE0 ? 3 :
		   (p[0] & 0xF8) == 0xF0 ? 4 : 0;
	uint32_t c;

	if (k == 0 || k > n)
		return 0;
	c = k == 1 ? p[0] : p[0] & (0x7Fu >> k);
	for (size_t i = 1; i < k; i++) {
		if ((p[i] & 0xC0) != 0x80)
			return 0;
		c = c << 6 | (p[i] & 0x3Fu);
	}
	if (c < min[k - 1] || (c >= 0xD800 && c <= 0xDFFF) || c > 0x10FFFF)
		return 0;
	return k;
}

const char *explain_escape_text(const char *s, size_t n, char *buf, size_t cap)
{
	const uint8_t *p = (const uint8_t *)s;
	struct explain_sb sb;

	explain_sb_init(&sb, buf, cap);
	for (size_t i = 0; s && i < n;) {
		size_t k = p[i] < 0x80 ? 0 : utf8_len(p + i, n - i);

		if (k == 0) {	/* ASCII (controls escaped), or a byte that is no character */
			escape_one(&sb, p[i++]);
			continue;
		}
		char ch[5] = { 0 };

		memcpy(ch, p + i, k);
		explain_sb_puts(&sb, ch);
		i += k;
	}
	return buf;
}

const char *explain_state_label(enum explain_lang lang, enum tcb_state s)
{
	if ((unsigned)s >= TCB_NSTATES)
		return explain_msg(lang, EXPLAIN_M_UNKNOWN_STATE);
	return explain_msg(lang, (enum explain_msg_id)(EXPLAIN_M_ST_CLOSED + s));
}

const char *explain_side_name(enum explain_lang lang, enum explain_who who, bool cap)
{
	if (who == EXPLAIN_SERVER)
		return explain_msg(lang, cap ? EXPLAIN_M_SERVER_CAP : EXPLAIN_M_SERVER);
	return explain_msg(lang, cap ? EXPLAIN_M_CLIENT_CAP : EXPLAIN_M_CLIENT);
}

const char *explain_impair_note(enum explain_lang lang, const struct explain_rec *r, char *buf,
				size_t cap)
{
	unsigned act = (unsigned)r->impair.act <= EXPLAIN_IMP_CORRUPT ? (unsigned)r->impair.act : 0;
	struct explain_vars v = { 0 };
	struct explain_sb sb;
	char d[48];

	explain_var(&v, "delay", "%s", explain_dur(lang, r->impair.delay_us, d, sizeof(d)));
	explain_sb_init(&sb, buf, cap);
	/* LAD_DROPPED .. LAD_CORRUPTED follow enum explain_impair_act's order */
	explain_sb_msg(&sb, lang, (enum explain_msg_id)(EXPLAIN_M_LAD_DROPPED + act), &v);
	return buf;
}

const char *explain_utf8_next(const char *p, uint32_t *cp)
{
	const unsigned char *u = (const unsigned char *)p;
	int n = u[0] < 0x80 ? 0 : (u[0] & 0xE0) == 0xC0 ? 1 : (u[0] & 0xF0) == 0xE0 ? 2 :
		(u[0] & 0xF8) == 0xF0 ? 3 : -1;
	uint32_t c = n == 0 ? u[0] : n == 1 ? (u[0] & 0x1Fu) : n == 2 ? (u[0] & 0x0Fu) : (u[0] & 0x07u);

	for (int i = 1; i <= n; i++) {
		if ((u[i] & 0xC0) != 0x80) {
			n = -1;
			break;
		}
		c = c << 6 | (u[i] & 0x3Fu);
	}
	if (n < 0) {
		*cp = 0xFFFD;
		return p + 1;
	}
	*cp = c;
	return p + n + 1;
}

static bool wide(uint32_t c);

int explain_cp_width(uint32_t c)
{
	return wide(c) ? 2 : 1;
}

static bool wide(uint32_t c)
{
	return (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
	       (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
	       (c >= 0xFE30 && c <= 0xFE4F) || (c >= 0xFF00 && c <= 0xFF60) ||
	       (c >= 0xFFE0 && c <= 0xFFE6);
}

size_t explain_disp_width(const char *s)
{
	size_t w = 0;
	uint32_t c;

	while (*s) {
		s = explain_utf8_next(s, &c);
		w += wide(c) ? 2 : 1;
	}
	return w;
}
