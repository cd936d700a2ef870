/* explain_term.c - terminal helpers of the explain renderers: colour policy, UTF-8 locale, -q lines. */
#include "explain_present.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

bool explain_colour_enabled(FILE *f)
{
	const char *nc = getenv("NO_COLOR");	/* no-color.org: set and non-empty */
	int fd;

	if (nc && nc[0])
		return false;
	if (!f)
		return false;
	fd = fileno(f);
	return fd >= 0 && isatty(fd);
}

static bool names_utf8(const char *v)
{
	return strcasestr(v, "UTF-8") || strcasestr(v, "UTF8");
}

bool explain_utf8_locale_of(const char *lc_all, const char *lc_ctype, const char *lang)
{
	/* POSIX: the first of LC_ALL, LC_CTYPE, LANG that is set and non-empty decides. */
	const char *v = (lc_all && lc_all[0]) ? lc_all :
			(lc_ctype && lc_ctype[0]) ? lc_ctype : lang;

	return v && v[0] && names_utf8(v);
}

bool explain_utf8_locale(void)
{
	return explain_utf8_locale_of(getenv("LC_ALL"), getenv("LC_CTYPE"), getenv("LANG"));
}

const char *explain_colour_of(const struct explain_rec *r)
{
	uint8_t f = r->seg.flags;

	if (r->kind == EXPLAIN_REC_IMPAIR)
		return "\033[1;31m";			/* bold red: impairment */
	if (r->kind != EXPLAIN_REC_SEGMENT)
		return "\033[2m";			/* dim: events, summary */
	if (f & SEG_RST)
		return "\033[31m";			/* red */
	if (r->analysis & EXPLAIN_AF_RETRANSMISSION)
		return "\033[35m";			/* magenta */
	if (f & SEG_SYN)
		return "\033[32m";			/* green */
	if (f & SEG_FIN)
		return "\033[33m";			/* yellow */
	if (r->len)
		return "\033[36m";			/* cyan: data */
	return "";
}

const char *explain_colour_reset(void)
{
	return "\033[0m";
}

static void quiet_states(struct explain_sb *sb, const struct explain_rec *r,
			 enum explain_lang lang)
{
	for (int w = 0; w < 2; w++) {
		const struct explain_ep *ep = &r->ep[w];

		if (!ep->known || ep->before == ep->after)
			continue;
		explain_sb_puts(sb, " [");
		explain_sb_puts(sb, explain_side_name(lang, (enum explain_who)w, false));
		explain_sb_puts(sb, " ");
		explain_sb_puts(sb, explain_state_label(lang, ep->before));
		explain_sb_puts(sb, " → ");
		explain_sb_puts(sb, explain_state_label(lang, ep->after));
		explain_sb_puts(sb, "]");
	}
}

static void quiet_bracket(struct explain_sb *sb, const char *s)
{
	explain_sb_puts(sb, " [");
	explain_sb_puts(sb, s);
	explain_sb_puts(sb, "]");
}

/* Labels of the analysis bits, " [TCP Retransmission]". */
static void quiet_analysis(struct explain_sb *sb, const struct explain_rec *r,
			   enum explain_lang lang)
{
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (r->analysis & (1u << i))
			quiet_bracket(sb, explain_msg(lang,
					  (enum explain_msg_id)(EXPLAIN_M_AF_LABEL_FIRST + i)));
}

/* "client → server SYN seq=0 ack=1 win=64240 len=0" */
static void quiet_numbers(struct explain_sb *sb, const struct explain_rec *r,
			  enum explain_lang lang, char *flags, size_t nflags)
{
	explain_sb_puts(sb, explain_msg(lang, r->dir == EXPLAIN_S2C ? EXPLAIN_M_S2C : EXPLAIN_M_C2S));
	explain_sb_puts(sb, " ");
	explain_sb_puts(sb, explain_flags_label(r->seg.flags, flags, nflags));
	explain_sb_puts(sb, " seq=");
	explain_sb_u(sb, r->seq, 0, '0');
	if (r->seg.flags & SEG_ACK) {
		explain_sb_puts(sb, " ack=");
		explain_sb_u(sb, r->ack, 0, '0');
	}
	/* The window in bytes, as tshark's one-liner shows it (Win=, RFC 7323 §2.3): the
	 * field shifted by the scale the SYNs agreed; said when the capture never showed
	 * them (the field alone is no byte count then). */
	explain_sb_puts(sb, " win=");
	explain_sb_u(sb, r->win_scaled >= 0 ? (uint64_t)r->win_scaled : r->win, 0, '0');
	if (r->win_scaled < 0 && !(r->seg.flags & SEG_SYN))
		explain_sb_puts(sb, lang == EXPLAIN_LANG_ZH ? "（缩放未知）" : " (scale unknown)");
	explain_sb_puts(sb, " len=");
	explain_sb_u(sb, r->len, 0, '0');
	if (r->seg.cut) {	/* the snaplen cut the payload: the header still tells len */
		explain_sb_puts(sb, lang == EXPLAIN_LANG_ZH ? "（" : " (");
		explain_sb_u(sb, r->seg.cut, 0, '0');
		explain_sb_puts(sb, lang == EXPLAIN_LANG_ZH ? " 字节未被抓包保存）" : " not captured)");
	}
}

int explain_quiet_line(const struct explain_rec *r, enum explain_lang lang, bool colour,
		       char *buf, size_t cap)
{
	struct explain_sb sb;
	char flags[40];
	const char *c = colour ? explain_colour_of(r) : "";

	explain_sb_init(&sb, buf, cap);
	if (!r)
		return -1;
	/* "%s%4llu %llu.%06llu " by hand: this line is built for every record */
	explain_sb_puts(&sb, c);
	explain_sb_u(&sb, r->frame, 4, ' ');
	explain_sb_puts(&sb, " ");
	if (r->ts.digits) {	/* the capture's own resolution (9 places for ns files) */
		char tb[48];
		tstamp_fmt(r->ts, tb, sizeof(tb));
		explain_sb_puts(&sb, tb);
	} else {
		explain_sb_u(&sb, r->t_us / 1000000, 0, '0');
		explain_sb_puts(&sb, ".");
		explain_sb_u(&sb, r->t_us % 1000000, 6, '0');
	}
	explain_sb_puts(&sb, " ");
	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR) {
		quiet_numbers(&sb, r, lang, flags, sizeof(flags));
		if (r->kind == EXPLAIN_REC_IMPAIR)
			quiet_bracket(&sb, explain_impair_note(lang, r, flags, sizeof(flags)));
		quiet_states(&sb, r, lang);
		quiet_analysis(&sb, r, lang);
	} else {
		char text[EXPLAIN_PROSE_MAX];

		explain_prose(r, lang, text, sizeof(text));
		explain_sb_puts(&sb, text);
	}
	if (c[0])
		explain_sb_puts(&sb, explain_colour_reset());
	return sb.trunc ? -1 : (int)sb.len;
}
