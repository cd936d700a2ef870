/* explain_text.c - plain-text rendering of explain records: tcpdump-style line, state changes, the explanation. */
#include "explain_text.h"

#include <string.h>

#include "explain_present.h"
#include "seg.h"

/*
 * No words of its own: every sentence comes from the message tables (explain_msg_en.c,
 * explain_msg_zh.c) through the one prose generator (explain_prose.c), so that this
 * output, the JSON "explain" field, the live log and the pcapng comments never say
 * different things about the same record.
 */

int explain_lang_parse(const char *s)
{
	if (strcmp(s, "en") == 0)
		return EXPLAIN_LANG_EN;
	if (strcmp(s, "zh") == 0)
		return EXPLAIN_LANG_ZH;
	return -1;
}

int explain_text_why(const struct explain_rec *r, enum explain_lang lang, char *buf,
		     size_t cap)
{
	int n;

	if (cap == 0)
		return 0;
	n = explain_prose(r, lang, buf, cap);
	return n < 0 ? (int)strlen(buf) : n;
}

/* "client: SYN-SENT → ESTABLISHED" for each endpoint whose state the record changes. */
static void render_states(const struct explain_rec *r, enum explain_lang l, FILE *out)
{
	for (int w = 0; w < 2; w++)
		if (r->ep[w].known && r->ep[w].before != r->ep[w].after)
			fprintf(out, "    %s: %s → %s\n",
				explain_side_name(l, (enum explain_who)w, false),
				explain_state_label(l, r->ep[w].before),
				explain_state_label(l, r->ep[w].after));
}

/* A segment (or the segment an impairment acted on): tcpdump's line with the analysis
 * labels, the state changes, the explanation. */
static void render_segment(const struct explain_rec *r, enum explain_lang l, FILE *out)
{
	char addrs[64], line[512];

	seg_format_addrs(&r->seg, addrs, sizeof(addrs));
	seg_format(&r->seg, r->seq_raw - r->seq, r->ack_raw - r->ack, line, sizeof(line));
	fprintf(out, "%llu %llu.%06llu #%u %s: %s", (unsigned long long)r->frame,
		(unsigned long long)(r->t_us / 1000000u), (unsigned long long)(r->t_us % 1000000u),
		r->conn, addrs, line);
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (r->analysis & (1u << i))
			fprintf(out, " [%s]", explain_flag_name(1u << i));
	fputc('\n', out);
	render_states(r, l, out);
}

int explain_text_render(const struct explain_rec *r, enum explain_lang lang, FILE *out)
{
	char why[EXPLAIN_PROSE_MAX];

	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_IMPAIR)
		render_segment(r, lang, out);
	explain_text_why(r, lang, why, sizeof(why));
	fprintf(out, "%s%s\n", r->kind == EXPLAIN_REC_SUMMARY ? "== " : "    ", why);
	return ferror(out) ? -1 : 0;
}
