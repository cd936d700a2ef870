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
	struct explain_vars v = { 0 };
	struct explain_sb sb;

	if (us >= 1000000)
		explain_var(&v, "v", "%llu.%03llu", (unsigned long long)(us / 1000000),
			    (unsigned long long)(us % 1000000 / 1000));
	else
		explain_var(&v, "v", "%llu.%03llu", (unsigned long long)(us / 1000),
			    (unsigned long long)(us % 1000));
	explain_sb_init(&sb, buf, cap);
	explain_sb_msg(&sb, lang, us >= 1000000 ? EXPLAIN_M_UNIT_S : EXPLAIN_M_UNIT_MS, &v);
	return buf;
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
			explain_sb_printf(sb, "%c", c);
		else
			explain_sb_printf(sb, "\\x%02x", c);
	}
}

const char *explain_escape_bytes(const uint8_t *p, size_t n, size_t max_bytes, char *buf,
				 size_t cap)
{
	struct explain_sb sb;
	size_t shown = n < max_bytes ? n : max_bytes;

	explain_sb_init(&sb, buf, cap);
	for (size_t i = 0; p && i < shown; i++)
		escape_one(&sb, p[i]);
	if (shown < n)
		explain_sb_puts(&sb, "...");
	return buf;
}

const char *explain_state_name(enum explain_lang lang, enum tcb_state s)
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
