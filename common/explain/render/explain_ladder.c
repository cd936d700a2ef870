/* explain_ladder.c - collects one connection's records and draws them as a text sequence diagram. */
#include "explain_present.h"

#include <stdlib.h>
#include <string.h>

struct explain_ladder {
	uint32_t conn;
	struct explain_row **rows;	/* each row allocated alone: stable addresses */
	size_t n, cap;
};

struct explain_ladder *explain_ladder_new(uint32_t conn, struct err *e)
{
	struct explain_ladder *l = calloc(1, sizeof(*l));

	if (!l)
		err_set(e, "ladder: out of memory");
	else
		l->conn = conn;
	return l;
}

void explain_ladder_free(struct explain_ladder *l)
{
	if (!l)
		return;
	for (size_t i = 0; i < l->n; i++)
		free(l->rows[i]);
	free(l->rows);
	free(l);
}

/* An IMPAIR record about the segment of the last row marks that row instead of adding
 * an arrow of its own (live programs report the segment, then what happened to it). */
static bool merge_impair(struct explain_ladder *l, const struct explain_rec *r)
{
	struct explain_row *last = l->n ? l->rows[l->n - 1] : NULL;

	if (r->kind != EXPLAIN_REC_IMPAIR || !last || last->rec.kind != EXPLAIN_REC_SEGMENT ||
	    last->impaired || last->rec.frame != r->frame || last->rec.dir != r->dir ||
	    last->rec.seq_raw != r->seq_raw || last->rec.seg.flags != r->seg.flags)
		return false;
	last->impaired = true;
	last->act = r->impair.act;
	last->delay_us = r->impair.delay_us;
	last->rule_us = r->impair.rule_us;
	memcpy(last->impair_rule, r->impair.rule, sizeof(last->impair_rule));
	return true;
}

static int grow(struct explain_ladder *l, struct err *e)
{
	struct explain_row **nr;
	size_t cap = l->cap ? l->cap * 2 : 32;

	if (l->n < l->cap)
		return 0;
	nr = realloc(l->rows, cap * sizeof(*nr));
	if (!nr)
		return err_set(e, "ladder: out of memory");
	l->rows = nr;
	l->cap = cap;
	return 0;
}

int explain_ladder_add(struct explain_ladder *l, const struct explain_rec *r, struct err *e)
{
	struct explain_row *row;
	uint32_t n;

	if (!l || !r)
		return err_set(e, "ladder: no record");
	if (l->conn == 0)
		l->conn = r->conn;
	if (r->conn != l->conn || merge_impair(l, r))
		return 0;
	if (grow(l, e) < 0 || !(row = calloc(1, sizeof(*row))))
		return err_set(e, "ladder: out of memory");
	row->rec = *r;
	n = explain_payload_kept(r);
	n = n < EXPLAIN_STREAM_HEAD ? n : EXPLAIN_STREAM_HEAD;
	if (n)
		memcpy(row->payload, r->seg.payload, n);
	row->rec.seg.payload = n ? row->payload : NULL;
	row->rec.seg.len = n + r->seg.cut;	/* seg.h: the payload holds len - cut bytes */
	if (r->kind == EXPLAIN_REC_IMPAIR) {
		row->impaired = true;
		row->act = r->impair.act;
		row->delay_us = r->impair.delay_us;
		row->rule_us = r->impair.rule_us;
		memcpy(row->impair_rule, r->impair.rule, sizeof(row->impair_rule));
	}
	l->rows[l->n++] = row;
	return 0;
}

int explain_ladder_sink(void *ctx, const struct explain_rec *r, struct err *e)
{
	return explain_ladder_add(ctx, r, e);
}

size_t explain_ladder_nrows(const struct explain_ladder *l)
{
	return l ? l->n : 0;
}

const struct explain_row *explain_ladder_row(const struct explain_ladder *l, size_t i)
{
	return l && i < l->n ? l->rows[i] : NULL;
}

uint32_t explain_ladder_conn(const struct explain_ladder *l)
{
	return l ? l->conn : 0;
}

const char *explain_ladder_addr(const struct explain_ladder *l, enum explain_who who,
				char *buf, size_t cap)
{
	for (size_t i = 0; l && i < l->n; i++) {
		const struct explain_rec *r = &l->rows[i]->rec;
		bool from = (r->dir == EXPLAIN_C2S) == (who == EXPLAIN_CLIENT);
		char a[SEG_ADDR_STR];

		if (r->kind != EXPLAIN_REC_SEGMENT && r->kind != EXPLAIN_REC_IMPAIR)
			continue;
		seg_addr_str(&r->seg, from, a, sizeof(a));
		/* IPv6 in brackets before the port (RFC 3986 §3.2.2), as URLs write it */
		snprintf(buf, cap, r->seg.ipv == 6 ? "[%s]:%u" : "%s:%u", a,
			 from ? r->seg.sport : r->seg.dport);
		return buf;
	}
	snprintf(buf, cap, "?");
	return buf;
}

const char *explain_row_label(const struct explain_row *row, char *buf, size_t cap)
{
	const struct explain_rec *r = &row->rec;
	char flags[40];
	struct explain_sb sb;

	explain_sb_init(&sb, buf, cap);
	explain_sb_printf(&sb, "%s seq=%u", explain_flags_label(r->seg.flags, flags, sizeof(flags)),
			  r->seq);
	if (r->seg.flags & SEG_ACK)
		explain_sb_printf(&sb, " ack=%u", r->ack);
	explain_sb_printf(&sb, " len=%u", r->len);
	return buf;
}

/* The record as the prose renderer sees it: an impaired segment row carries its
 * impairment as an IMPAIR record. */
void explain_row_impair_rec(const struct explain_row *row, struct explain_rec *out)
{
	*out = row->rec;
	out->kind = EXPLAIN_REC_IMPAIR;
	out->impair.act = row->act;
	out->impair.delay_us = row->delay_us;
	out->impair.rule_us = row->rule_us;
	memcpy(out->impair.rule, row->impair_rule, sizeof(out->impair.rule));
}

/* Prose of a row (segment, then its impairment; or the event / summary / impairment). */
void explain_row_prose(const struct explain_row *row, struct explain_prose_ctx *c,
		       enum explain_lang lang, char *buf, size_t cap)
{
	struct explain_sb sb;
	struct explain_rec imp;
	char tmp[EXPLAIN_PROSE_MAX];

	explain_prose_ctx(c, &row->rec, lang, buf, cap);
	if (row->rec.kind != EXPLAIN_REC_SEGMENT || !row->impaired)
		return;
	explain_row_impair_rec(row, &imp);
	explain_prose(&imp, lang, tmp, sizeof(tmp));
	sb = (struct explain_sb){ .buf = buf, .cap = cap, .len = strnlen(buf, cap) };
	if (sb.len >= cap)
		return;
	explain_sb_msg(&sb, lang, EXPLAIN_M_SEP, NULL);
	explain_sb_puts(&sb, tmp);
}

enum explain_row_shape explain_row_shape(const struct explain_row *row)
{
	switch (row->rec.kind) {
	case EXPLAIN_REC_SEGMENT:
	case EXPLAIN_REC_IMPAIR:
		return EXPLAIN_ROW_ARROW;
	case EXPLAIN_REC_SUMMARY:
		return EXPLAIN_ROW_SUMMARY;
	case EXPLAIN_REC_EVENT:
		break;
	}
	if (row->rec.ev.kind == TCB_EV_STATE)
		return EXPLAIN_ROW_STATE;
	if (row->rec.ev.kind == TCB_EV_ACKED || row->rec.ev.kind == TCB_EV_DATA_IN)
		return EXPLAIN_ROW_HIDDEN;
	return EXPLAIN_ROW_NOTE;
}
