/* helper_explain_out.c - a scenario's segments written through pcapngw with their prose as comments. */
#include "helper_explain_out.h"

#include "pcapng_w.h"

#define MAXRECS 64

static int write_rows(struct pcapngw *w, const struct explain_ladder *l, enum explain_lang lang,
		      FILE *comments, struct err *e)
{
	struct explain_prose_ctx c;
	char text[EXPLAIN_PROSE_MAX];
	uint8_t pkt[2048];
	int n = 0;

	explain_prose_ctx_init(&c);
	for (size_t i = 0; i < explain_ladder_nrows(l); i++) {
		const struct explain_row *row = explain_ladder_row(l, i);
		size_t len;

		explain_row_prose(row, &c, lang, text, sizeof(text));
		if (row->rec.kind != EXPLAIN_REC_SEGMENT)
			continue;
		len = helper_packet(&row->rec, pkt, sizeof(pkt));
		if (pcapngw_packet(w, HELPER_EPOCH_NS + row->rec.t_us * 1000, pkt, len, text, e) < 0)
			return -1;
		if (comments)
			fprintf(comments, "%s\n", text);
		n++;
	}
	return n;
}

int helper_write_pcapng(enum helper_scenario sc, enum explain_lang lang, const char *path,
			FILE *comments, struct err *e)
{
	struct explain_rec r[MAXRECS];
	size_t n = helper_scenario(sc, r, MAXRECS);
	struct explain_ladder *l = explain_ladder_new(0, e);
	struct pcapngw *w;
	int rc = -1;

	if (!l)
		return -1;
	for (size_t i = 0; i < n; i++)
		explain_ladder_add(l, &r[i], e);
	w = pcapngw_open(path, "synlab tests", e);
	if (w) {
		rc = write_rows(w, l, lang, comments, e);
		if (pcapngw_close(w, e) < 0)
			rc = -1;
	}
	explain_ladder_free(l);
	return rc;
}
