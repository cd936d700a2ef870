/* explain_json.c - explain records as JSON Lines objects, built with jansson. */
/* (Segments and summaries are written by explain_json_fast.c; these builders of them
 * stay as the tests' oracle and for callers that want the object.) */
#include "explain_json.h"

#include <stdlib.h>
#include <string.h>

#include "explain_present.h"
#include "seg.h"

/*
 * Times are written as exact decimals ("t":0.000218123 for a nanosecond capture), not as
 * doubles: jansson prints reals with %.17g (or a fixed number of significant digits),
 * and a double cannot hold every nanosecond, so a time would come out rounded or with
 * binary noise. jansson has no raw-number value, so the decimal goes in as a string
 * starting with MARK and explain_json_write takes the quotes and the mark off again. The
 * mark starts with a control character (jansson escapes it as \u0001): no other string
 * value written here (names, flags, prose, addresses) begins with one.
 */
#define MARK "\x01#"
#define MARK_OUT "\"\\u0001#"

static json_t *exact(struct tstamp t)
{
	char buf[64] = MARK;

	tstamp_fmt(t, buf + 2, sizeof(buf) - 2);
	return json_string(buf);
}

static json_t *exact_us(uint64_t us)
{
	return exact(tstamp_of_us(us));
}

/* The record's time: exact when the reader gave one, else its microseconds. */
static json_t *rec_time(const struct explain_rec *r)
{
	return r->ts.digits ? exact(r->ts) : exact_us(r->t_us);
}

/* A JSON string of text a user or the network wrote: as it is when it is UTF-8, else
 * with the bytes that are no character escaped (never dropped: jansson refuses them). */
static json_t *text_json(const char *s, size_t n)
{
	char esc[1024];
	json_t *t = json_stringn(s, n);

	if (t)
		return t;
	if (n > sizeof(esc) / 4 - 1)
		n = sizeof(esc) / 4 - 1;
	return json_string(explain_escape_text(s, n, esc, sizeof(esc)));
}

static json_t *addr_str(const struct seg *s, bool src)
{
	char buf[SEG_ADDR_STR];

	return json_string(seg_addr_str(s, src, buf, sizeof(buf)));
}

/* {"before", "after"}, and "via" (the states in between) when the record passed more
 * than one transition of that end. */
static json_t *ep_json(const struct explain_ep *ep)
{
	if (!ep->known)
		return json_null();
	json_t *o = json_pack("{s:s, s:s}", "before", explain_state_name(ep->before), "after",
			      explain_state_name(ep->after));
	if (!o || ep->nvia == 0)
		return o;
	json_t *via = json_array();
	for (uint8_t i = 0; via && i < ep->nvia && i < EXPLAIN_MAX_VIA; i++)
		json_array_append_new(via, json_string(explain_state_name(ep->via[i])));
	json_object_set_new(o, "via", via);
	return o;
}

static json_t *final_json(const struct explain_summary *m, int w)
{
	return m->final_unknown[w] ? json_null() : json_string(explain_state_name(m->final[w]));
}

static json_t *analysis_json(uint32_t bits)
{
	json_t *a = json_array();

	for (unsigned i = 0; a && i < EXPLAIN_AF_COUNT; i++)
		if (bits & (1u << i))
			json_array_append_new(a, json_string(explain_flag_name(1u << i)));
	return a;
}

static void set_addrs(json_t *o, const struct seg *s)
{
	json_object_set_new(o, "src", addr_str(s, true));
	json_object_set_new(o, "dst", addr_str(s, false));
	json_object_set_new(o, "sport", json_integer(s->sport));
	json_object_set_new(o, "dport", json_integer(s->dport));
}

static json_t *segment_json(const struct explain_rec *r, enum explain_lang lang,
			    const char *text)
{
	char flags[16], why[EXPLAIN_PROSE_MAX];
	json_t *o = json_pack("{s:s, s:I, s:o, s:I}", "type", "segment", "frame",
			      (json_int_t)r->frame, "t", rec_time(r), "conn", (json_int_t)r->conn);

	if (!o)
		return NULL;
	set_addrs(o, &r->seg);
	json_object_set_new(o, "dir", json_string(r->dir == EXPLAIN_C2S ? "c2s" : "s2c"));
	json_object_set_new(o, "flags", json_string(seg_flags_str(r->seg.flags, flags)));
	json_object_set_new(o, "seq", json_integer(r->seq));
	json_object_set_new(o, "ack", json_integer(r->ack));
	json_object_set_new(o, "seq_raw", json_integer(r->seq_raw));
	json_object_set_new(o, "ack_raw", json_integer(r->ack_raw));
	json_object_set_new(o, "len", json_integer(r->len));
	if (r->seg.cut)	/* the snaplen cut the payload: explained from the header */
		json_object_set_new(o, "not_captured", json_integer(r->seg.cut));
	if (r->seg.frag)
		json_object_set_new(o, "ip_first_fragment", json_true());
	json_object_set_new(o, "win", json_integer(r->win));
	json_object_set_new(o, "win_scaled", r->win_scaled < 0 ? json_null()
							   : json_integer(r->win_scaled));
	json_object_set_new(o, "client", ep_json(&r->ep[EXPLAIN_CLIENT]));
	json_object_set_new(o, "server", ep_json(&r->ep[EXPLAIN_SERVER]));
	json_object_set_new(o, "analysis", analysis_json(r->analysis));
	json_object_set_new(o, "rule", json_string(explain_why_name(r->why.rule)));
	if (!text)
		explain_text_why(r, lang, why, sizeof(why));
	json_object_set_new(o, "explain", text_json(text ? text : why, strlen(text ? text : why)));
	return o;
}

static json_t *who_json(int w)
{
	if (w < 0)
		return json_null();
	return json_string(w == EXPLAIN_CLIENT ? "client" : "server");
}

static json_t *rtx_json(const struct explain_summary *m)
{
	json_t *a = json_array();

	for (uint32_t i = 0; a && i < m->nrtx && i < EXPLAIN_MAX_RTX; i++)
		json_array_append_new(a, json_pack("{s:I, s:I, s:o, s:s, s:I, s:s}", "frame",
			(json_int_t)m->rtx[i].frame, "of_frame", (json_int_t)m->rtx[i].of_frame,
			"after", exact_us(m->rtx[i].after_us), "dir",
			m->rtx[i].dir == EXPLAIN_C2S ? "c2s" : "s2c", "seq",
			(json_int_t)m->rtx[i].seq, "cause", explain_rtx_cause_name(m->rtx[i].cause)));
	return a;
}

static json_t *summary_json(const struct explain_rec *r)
{
	const struct explain_summary *m = &r->sum;
	json_t *o = json_pack("{s:s, s:I, s:I, s:I}", "type", "summary", "conn",
			      (json_int_t)r->conn, "first_frame", (json_int_t)m->first_frame,
			      "last_frame", (json_int_t)m->last_frame);

	if (!o)
		return NULL;
	set_addrs(o, &r->seg);
	json_object_set_new(o, "segments", json_pack("[I,I]", (json_int_t)m->nsegs[0],
						     (json_int_t)m->nsegs[1]));
	json_object_set_new(o, "bytes", json_pack("[I,I]", (json_int_t)m->bytes[0],
						  (json_int_t)m->bytes[1]));
	json_object_set_new(o, "handshake_rtt", m->has_handshake ? exact_us(m->hs_rtt_us)
								 : json_null());
	json_object_set_new(o, "closed", json_boolean(m->closed));
	json_object_set_new(o, "reset", json_boolean(m->reset));
	/* Crossing FINs: neither end closed first (each sent its FIN before the other's
	 * arrived); which FIN the capture saw first depends on where it was taken. */
	json_object_set_new(o, "closed_first", m->sim_close && !m->reset ? json_null()
								       : who_json(m->closer));
	if (m->sim_close && !m->reset)
		json_object_set_new(o, "fin_captured_first", who_json(m->closer));
	json_object_set_new(o, "close_segments", m->close_segments ? json_integer(m->close_segments)
								   : json_null());
	json_object_set_new(o, "time_wait", who_json(m->time_wait));
	if (m->time_wait_cut)	/* only then: offline summaries never carry it */
		json_object_set_new(o, "time_wait_cut", json_true());
	json_object_set_new(o, "simultaneous_close", json_boolean(m->sim_close));
	json_object_set_new(o, "client_final", final_json(m, 0));
	json_object_set_new(o, "server_final", final_json(m, 1));
	json_object_set_new(o, "retransmissions", json_integer(m->nrtx));
	json_object_set_new(o, "rtx", rtx_json(m));
	return o;
}

static json_t *event_json(const struct explain_rec *r, const char *text)
{
	const struct tcb_event *v = &r->ev;
	json_t *o = json_pack("{s:s, s:I, s:o, s:I, s:s, s:s, s:s, s:s, s:s}", "type", "event",
			      "frame", (json_int_t)r->frame, "t", rec_time(r), "conn",
			      (json_int_t)r->conn, "kind", tcb_ev_kind_name(v->kind), "why",
			      tcb_why_name(v->why), "rfc", tcb_why_rfc(v->why), "from",
			      explain_state_name(v->from), "to", explain_state_name(v->to));

	if (!o)
		return NULL;
	if (v->kind == TCB_EV_RETRANSMIT || v->kind == TCB_EV_TIMER) {
		json_object_set_new(o, "count", json_integer(v->count));
		json_object_set_new(o, "after_us", json_integer((json_int_t)v->after_us));
		json_object_set_new(o, "rto_us", json_integer((json_int_t)v->rto_us));
	}
	if (text)
		json_object_set_new(o, "explain", text_json(text, strlen(text)));
	return o;
}

static json_t *impair_json(const struct explain_rec *r, const char *text)
{
	static const char *const acts[] = { "drop", "delay", "duplicate", "reorder", "corrupt" };
	unsigned a = (unsigned)r->impair.act;
	json_t *o = json_pack("{s:s, s:I, s:o, s:I, s:s, s:o}", "type", "impair", "frame",
			      (json_int_t)r->frame, "t", rec_time(r), "conn", (json_int_t)r->conn,
			      "act", a < 5 ? acts[a] : "?", "rule",
			      text_json(r->impair.rule, strnlen(r->impair.rule,
								sizeof(r->impair.rule))));

	if (o && (r->impair.act == EXPLAIN_IMP_DELAY || r->impair.act == EXPLAIN_IMP_REORDER)) {
		/* wall time held; the rule's own value when --time-scale scaled it */
		json_object_set_new(o, "delay_us", json_integer((json_int_t)r->impair.delay_us));
		if (r->impair.rule_us)
			json_object_set_new(o, "rule_delay_us",
					    json_integer((json_int_t)r->impair.rule_us));
	}
	if (o && text)
		json_object_set_new(o, "explain", text_json(text, strlen(text)));
	return o;
}

json_t *explain_json_rec(const struct explain_rec *r, enum explain_lang lang, const char *text)
{
	switch (r->kind) {
	case EXPLAIN_REC_SEGMENT:
		return segment_json(r, lang, text);
	case EXPLAIN_REC_SUMMARY:
		return summary_json(r);
	case EXPLAIN_REC_EVENT:
		return event_json(r, text);
	case EXPLAIN_REC_IMPAIR:
		return impair_json(r, text);
	}
	return NULL;
}

/* Writes the dump with every marked string as the bare decimal it holds. */
static int put_unmarked(const char *d, FILE *out)
{
	const char *m;

	while ((m = strstr(d, MARK_OUT))) {
		const char *num = m + strlen(MARK_OUT), *q = strchr(num, '"');

		if (!q || fwrite(d, 1, (size_t)(m - d), out) != (size_t)(m - d) ||
		    fwrite(num, 1, (size_t)(q - num), out) != (size_t)(q - num))
			return -1;
		d = q + 1;
	}
	return fputs(d, out) == EOF ? -1 : 0;
}

int explain_json_write_obj(json_t *o, FILE *out)
{
	char *d = o ? json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER) : NULL;
	int rc = d ? put_unmarked(d, out) : -1;

	free(d);
	if (rc < 0 || fputc('\n', out) == EOF)
		return -1;
	return 0;
}

/* One object as a line, then released. */
static int write_line(json_t *o, FILE *out)
{
	int rc = explain_json_write_obj(o, out);

	json_decref(o);
	return rc;
}

int explain_json_note(const char *text, FILE *out)
{
	return write_line(json_pack("{s:s, s:o}", "type", "note", "text",
				    text_json(text, strlen(text))), out);
}

json_t *explain_json_time(struct tstamp t)
{
	return exact(t);
}

int explain_json_write(const struct explain_rec *r, enum explain_lang lang, const char *text,
		       FILE *out)
{
	if (r->kind == EXPLAIN_REC_SEGMENT || r->kind == EXPLAIN_REC_SUMMARY)
		return explain_json_fast_write(r, lang, text, out);
	return write_line(explain_json_rec(r, lang, text), out);
}
