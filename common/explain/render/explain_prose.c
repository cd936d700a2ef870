/* explain_prose.c - the plain-language explanation of one explain record, with the arithmetic. */
#include "explain_present.h"

#include <string.h>

/* One explanation being written: output, language, and the record's named values. */
struct prose {
	struct explain_sb sb;
	enum explain_lang lang;
	struct explain_vars v;
	struct explain_prose_ctx *ctx;
	const struct explain_rec *r;
	int nsent;	/* sentences written, for the separator */
};

/* Appends one sentence (template id expanded with p->v). */
static void say(struct prose *p, enum explain_msg_id id)
{
	if (p->nsent++)
		explain_sb_msg(&p->sb, p->lang, EXPLAIN_M_SEP, NULL);
	explain_sb_msg(&p->sb, p->lang, id, &p->v);
}

/* Expands id into a variable (for a template used inside another). */
static void set_msg(struct prose *p, const char *name, enum explain_msg_id id)
{
	char tmp[EXPLAIN_VAR_LEN];
	struct explain_sb sb;

	explain_sb_init(&sb, tmp, sizeof(tmp));
	explain_sb_msg(&sb, p->lang, id, &p->v);
	explain_var_s(&p->v, name, tmp);
}

static void set_dur(struct prose *p, const char *name, uint64_t us)
{
	char tmp[48];

	explain_var_s(&p->v, name, explain_dur(p->lang, us, tmp, sizeof(tmp)));
}

static enum explain_who sender_of(const struct explain_rec *r)
{
	return r->dir == EXPLAIN_S2C ? EXPLAIN_SERVER : EXPLAIN_CLIENT;
}

static void set_sides(struct prose *p, enum explain_who sender)
{
	enum explain_who recv = sender == EXPLAIN_CLIENT ? EXPLAIN_SERVER : EXPLAIN_CLIENT;

	explain_var_s(&p->v, "sender", explain_side_name(p->lang, sender, false));
	explain_var_s(&p->v, "Sender", explain_side_name(p->lang, sender, true));
	explain_var_s(&p->v, "receiver", explain_side_name(p->lang, recv, false));
	explain_var_s(&p->v, "Receiver", explain_side_name(p->lang, recv, true));
}

/* Payload preview " ('Just a test.\r\n')" of the n bytes at b of a payload of total
 * bytes (more than n when the capture cut it: "..." then), or "" when none. */
static void set_preview(struct prose *p, const char *name, const uint8_t *b, size_t n,
			size_t total)
{
	char text[EXPLAIN_VAR_LEN];
	size_t len;

	if (!b || n == 0) {
		explain_var_s(&p->v, name, "");
		return;
	}
	explain_escape_bytes(b, n, EXPLAIN_STREAM_HEAD, text, 100);
	len = strlen(text);
	if (total > n && (len < 3 || strcmp(text + len - 3, "...") != 0) && len + 4 <= 100)
		memcpy(text + len, "...", 4);
	explain_var_s(&p->v, "text", text);
	set_msg(p, name, EXPLAIN_M_PREVIEW);
}

/* ---- what the ACK covers ---- */

static bool st_peer_fin_in(enum tcb_state s)
{
	return s == TCB_CLOSE_WAIT || s == TCB_LAST_ACK || s == TCB_CLOSING ||
	       s == TCB_TIME_WAIT;
}

static bool st_own_fin_acked(const struct explain_ep *ep)
{
	bool before = ep->before == TCB_FIN_WAIT_1 || ep->before == TCB_CLOSING ||
		      ep->before == TCB_LAST_ACK;
	bool after = ep->after == TCB_FIN_WAIT_2 || ep->after == TCB_TIME_WAIT ||
		     ep->after == TCB_CLOSED;

	return ep->known && before && after;
}

/* Does this ACK newly acknowledge the receiver's FIN (its last acked number)? */
static bool acks_fin(const struct prose *p)
{
	const struct explain_rec *r = p->r;
	enum explain_who s = sender_of(r), o = s == EXPLAIN_CLIENT ? EXPLAIN_SERVER : EXPLAIN_CLIENT;
	int odir = r->dir == EXPLAIN_C2S ? EXPLAIN_S2C : EXPLAIN_C2S;

	if (!(r->seg.flags & SEG_ACK) || r->why.bytes_acked == 0 || (r->seg.flags & SEG_RST))
		return false;
	if (r->why.rule == EXPLAIN_WHY_FIN_ACK)
		return true;
	if (p->ctx && p->ctx->fin_seen[odir])
		return r->ack == p->ctx->fin_seq[odir] + 1;
	if (r->ep[s].known && st_peer_fin_in(r->ep[s].after) && !(r->seg.flags & SEG_SYN))
		return true;
	return st_own_fin_acked(&r->ep[o]);
}

/* ---- the sentences of a segment ---- */

/* The interval against the previous one: about double, or about the same. */
static void say_backoff(struct prose *p)
{
	const struct explain_rec *r = p->r;
	uint64_t gap = r->why.rtx_after_us, prev = r->why.rtx_prev_gap_us;

	if (!prev)
		return;
	set_dur(p, "prevgap", prev);
	if (gap * 10 >= prev * 18 && gap * 10 <= prev * 22)
		say(p, EXPLAIN_M_RTX_BACKOFF_DOUBLE);
	else if (gap * 10 >= prev * 9 && gap * 10 <= prev * 11)
		say(p, EXPLAIN_M_RTX_BACKOFF_SAME);
}

/* Live: the reason the sender's TCB gave for the resend (its RETRANSMIT event). */
static enum explain_msg_id tcb_rtx_msg(unsigned why)
{
	switch (why) {
	case TCB_WHY_RTO:
		return EXPLAIN_M_RTX_TCB_RTO;
	case TCB_WHY_SYN_RCVD_SYN_REPEAT:
		return EXPLAIN_M_RTX_TCB_SYN_REPEAT;
	case TCB_WHY_FAST_RETRANSMIT:
		return EXPLAIN_M_RTX_TCB_FAST;
	case TCB_WHY_PARTIAL_ACK_RTX:
	case TCB_WHY_RTX_AFTER_RTO:
		return EXPLAIN_M_RTX_TCB_RECOVERY;
	default:
		return EXPLAIN_M_RTX_TCB_OTHER;
	}
}

/* Why it was sent again: the sender's TCB's reason in a live log; else only what the
 * intervals and duplicate ACKs show. */
static void say_rtx_cause(struct prose *p)
{
	const struct explain_rec *r = p->r;

	if (r->why.tcb_rtx_why) {
		say(p, tcb_rtx_msg(r->why.tcb_rtx_why));
		if (r->why.tcb_rtx_why == TCB_WHY_RTO)
			say_backoff(p);	/* the wire's intervals, as offline */
		return;
	}
	if (r->analysis & EXPLAIN_AF_FAST_RETRANSMISSION)
		return;	/* its label's sentence says it */
	switch (r->why.rtx_cause) {
	case EXPLAIN_RTX_TIMER:
		/* A SYN's schedule is the sender's own (Linux >= 6.5 waits linearly first):
		 * its segment alone does not tell, so the sentence makes no claim about
		 * it; only the intervals seen (say_backoff) do. */
		say(p, (r->seg.flags & (SEG_SYN | SEG_ACK)) == SEG_SYN ? EXPLAIN_M_RTX_WHY_SYN
								       : EXPLAIN_M_RTX_WHY);
		say_backoff(p);
		break;
	case EXPLAIN_RTX_FAST:
		say(p, EXPLAIN_M_RTX_WHY_FAST);
		break;
	default:
		say(p, EXPLAIN_M_RTX_WHY_UNKNOWN);
		break;
	}
}

static void say_copy(struct prose *p)
{
	const struct explain_rec *r = p->r;

	explain_var_u(&p->v, "dupof", r->why.dup_of_frame);
	explain_var_u(&p->v, "ipid", r->seg.ip_id);
	set_dur(p, "dupafter", r->why.dup_after_us);
	if (r->why.dup_no_id)
		say(p, r->seg.ipv == 6 ? EXPLAIN_M_RTX_DUP_NOID6 : EXPLAIN_M_RTX_DUP_NOID);
	else
		say(p, EXPLAIN_M_RTX_DUP);
}

static void say_retransmission(struct prose *p)
{
	const struct explain_rec *r = p->r;
	uint32_t count = r->why.rtx_count ? r->why.rtx_count : 1;
	char what[40];

	if (r->why.dup_of_frame) {	/* a copy of one packet, whatever tshark calls it */
		say_copy(p);
		return;
	}
	if (!(r->analysis & EXPLAIN_AF_RETRANSMISSION) && r->why.rtx_count == 0)
		return;
	if (r->why.not_resent)	/* the first send of this seq: say_analysis tells */
		return;
	if (r->why.rtx_cause == EXPLAIN_RTX_REUSE) {
		explain_var_u(&p->v, "rprev", r->why.rtx_prev_frame);
		explain_var_s(&p->v, "origwhat",
			      explain_flags_label(r->why.rtx_orig_flags ? r->why.rtx_orig_flags : SEG_ACK,
						  what, sizeof(what)));
		say(p, EXPLAIN_M_RTX_REUSE);
		return;
	}
	explain_var_u(&p->v, "count", count);
	explain_var_u(&p->v, "n", count - 1);
	set_dur(p, "after", r->why.rtx_after_us);
	set_msg(p, "since", count > 1 ? EXPLAIN_M_RTX_PREV_N : EXPLAIN_M_RTX_PREV_ORIG);
	explain_var_u(&p->v, "of", r->why.rtx_of_frame);
	if (r->why.rtx_of_frame)
		set_msg(p, "orig", EXPLAIN_M_RTX_ORIG);
	else
		explain_var_s(&p->v, "orig", "");
	explain_var_u(&p->v, "dupacks", r->why.dupack_num);
	say(p, EXPLAIN_M_RTX_HEAD);
	say_rtx_cause(p);
}

static enum explain_msg_id headline_fin_reply(const struct prose *p, bool fin_acked)
{
	if (fin_acked)
		return EXPLAIN_M_WHY_FIN_REPLY_3;
	return p->ctx ? EXPLAIN_M_WHY_FIN_REPLY_4 : EXPLAIN_M_WHY_FIN_REPLY;
}

static enum explain_msg_id headline_fin_ack(const struct prose *p)
{
	if (!p->ctx)
		return EXPLAIN_M_WHY_FIN_ACK;
	return p->ctx->close_piggyback ? EXPLAIN_M_WHY_FIN_ACK_3 : EXPLAIN_M_WHY_FIN_ACK_4;
}

/* Did the sender pass through CLOSING on this record (the FINs crossed)? */
static bool sender_closing(const struct explain_rec *r)
{
	const struct explain_ep *ep = &r->ep[sender_of(r)];

	if (!ep->known)
		return false;
	if (ep->after == TCB_CLOSING || ep->before == TCB_CLOSING)
		return true;
	for (uint8_t i = 0; i < ep->nvia && i < EXPLAIN_MAX_VIA; i++)
		if (ep->via[i] == TCB_CLOSING)
			return true;
	return false;
}

static enum explain_msg_id headline(const struct prose *p, bool fin_acked)
{
	const struct explain_rec *r = p->r;
	const struct explain_ep *me = &r->ep[sender_of(r)];

	if (fin_acked && !(r->seg.flags & SEG_FIN) && sender_closing(r))
		return EXPLAIN_M_WHY_ACK_OF_FIN_SIM;
	if (r->why.rule == EXPLAIN_WHY_RST && me->known && me->before == TCB_CLOSED &&
	    (r->seg.flags & SEG_ACK) && r->ack == 1)
		return EXPLAIN_M_WHY_RST_REFUSE;
	if (r->why.rule == EXPLAIN_WHY_RST && r->why.rst == EXPLAIN_RST_CHALLENGE)
		return EXPLAIN_M_WHY_RST_CHALLENGED;	/* answered: RFC 5961 §3.2 */
	switch (r->why.rule) {
	case EXPLAIN_WHY_FIN:
		return r->len ? EXPLAIN_M_WHY_DATA_FIN : EXPLAIN_M_WHY_FIN;
	case EXPLAIN_WHY_FIN_REPLY:
		return headline_fin_reply(p, fin_acked);
	case EXPLAIN_WHY_FIN_ACK:
		return headline_fin_ack(p);
	case EXPLAIN_WHY_ACK:
		return fin_acked ? EXPLAIN_M_WHY_ACK_OF_FIN : EXPLAIN_M_WHY_ACK;
	default:
		if ((unsigned)r->why.rule >= EXPLAIN_WHY_COUNT)
			return EXPLAIN_M_WHY_OTHER;
		return (enum explain_msg_id)(EXPLAIN_M_WHY_NONE + r->why.rule);
	}
}

/* Is the whole stream 1..n of this direction known to the context (for quoting)? */
static bool ctx_has_stream(const struct prose *p, uint32_t n)
{
	return p->ctx && n > 0 && p->ctx->nhead[p->r->dir] == n;
}

static void say_seq_fin(struct prose *p)
{
	const struct explain_rec *r = p->r;

	if (r->len) {
		say(p, EXPLAIN_M_AR_FIN_WITH_DATA);
		return;
	}
	if (r->seq == 0) {	/* the number the SYN took: not the next one */
		say(p, EXPLAIN_M_AR_FIN_AT_ISN);
		return;
	}
	if (r->seq == 1) {
		say(p, EXPLAIN_M_AR_FIN_NODATA);
		return;
	}
	if (ctx_has_stream(p, r->seq - 1))
		set_preview(p, "preview", p->ctx->head[r->dir], r->seq - 1, r->seq - 1);
	else
		explain_var_s(&p->v, "preview", "");
	say(p, EXPLAIN_M_AR_FIN_AFTER_DATA);
}

/* The RST: whether it is its sender's own ABORT, and what its receiver does with it. */
static void say_rst(struct prose *p)
{
	const struct explain_rec *r = p->r;

	if (r->why.rst_form == 1 || r->why.rst_form == 2)
		say(p, r->why.rst_form == 1 ? EXPLAIN_M_AR_RST_ABORT : EXPLAIN_M_AR_RST_NOT_ABORT);
	if (r->why.rst != EXPLAIN_RST_NONE && r->why.rst <= EXPLAIN_RST_TIME_WAIT)
		say(p, (enum explain_msg_id)(EXPLAIN_M_AR_RST_CLOSED + r->why.rst - 1));
	else
		say(p, EXPLAIN_M_AR_RST_SEQ);
}

/* A pure ACK whose seq runs ahead of what its sender sent (made or edited by hand). */
static void say_seq_ahead(struct prose *p)
{
	uint32_t nxt = p->r->seq - p->r->why.seq_ahead;

	explain_var_u(&p->v, "snd_nxt", nxt);
	explain_var_u(&p->v, "snd_last", nxt - 1);
	explain_var_u(&p->v, "ahead", p->r->why.seq_ahead);
	say(p, EXPLAIN_M_AR_SEQ_AHEAD);
}

static void say_seq(struct prose *p)
{
	const struct explain_rec *r = p->r;
	uint8_t f = r->seg.flags;

	if (f & SEG_SYN)
		say(p, EXPLAIN_M_AR_SYN_SEQ);
	else if (f & SEG_RST)
		say_rst(p);
	else if (f & SEG_FIN)
		say_seq_fin(p);
	else if (r->len)
		say(p, EXPLAIN_M_AR_DATA);
	else if (r->seq == 1 && r->why.rule == EXPLAIN_WHY_HANDSHAKE_ACK)
		say(p, EXPLAIN_M_AR_SEQ_AFTER_SYN);
	else if (r->why.seq_ahead)
		say_seq_ahead(p);
	else
		say(p, EXPLAIN_M_AR_SEQ_PLAIN);
}

static void say_ack(struct prose *p, bool fin_acked)
{
	const struct explain_rec *r = p->r;
	uint32_t acked = r->why.bytes_acked;

	if (!(r->seg.flags & SEG_ACK))
		return;
	bool syn_ack = (r->seg.flags & SEG_SYN) || r->why.rule == EXPLAIN_WHY_HANDSHAKE_ACK ||
		       r->why.acks_syn;	/* a data segment can carry the handshake's ACK */

	if (r->seg.flags & SEG_RST)
		say(p, EXPLAIN_M_AR_RST_ACK);
	else if (syn_ack && r->ack != 1)	/* an edited or foreign ACK: not ISN + 1 */
		say(p, EXPLAIN_M_AR_SYN_ACK_BAD);
	else if (syn_ack)
		say(p, EXPLAIN_M_AR_SYN_ACK);
	else if (r->why.ack_unsent) {	/* RFC 9293 §3.10.7.4: no bytes were received */
		explain_var_u(&p->v, "rnxt", r->ack - r->why.ack_unsent);
		say(p, EXPLAIN_M_AR_ACK_UNSENT);
	}
	else if (r->why.ack_base_unknown)
		say(p, EXPLAIN_M_AR_ACK_FIRST);
	else if (acked == 0)
		say(p, EXPLAIN_M_AR_ACK_SAME);
	else if (fin_acked)
		say(p, acked > 1 ? EXPLAIN_M_AR_ACK_DATA_FIN : EXPLAIN_M_AR_ACK_FIN);
	else
		say(p, EXPLAIN_M_AR_ACK_DATA);
	if (r->why.acks_frame && !(r->seg.flags & SEG_RST)) {
		explain_var_u(&p->v, "acks_frame", r->why.acks_frame);
		explain_var_u(&p->v, "sends", r->why.acks_sends);
		set_dur(p, "rtt", r->why.ack_rtt_us);
		set_dur(p, "held", r->why.ack_rtt_held_us);
		say(p, r->why.acks_sends > 1 ? EXPLAIN_M_AR_ACK_RTT_KARN
		       : r->why.ack_rtt_held_us ? EXPLAIN_M_AR_ACK_RTT_HELD : EXPLAIN_M_AR_ACK_RTT);
	}
}

static void add_opt(struct prose *p, struct explain_sb *sb, enum explain_msg_id id)
{
	if (sb->len)
		explain_sb_msg(sb, p->lang, EXPLAIN_M_LIST_SEP, NULL);
	explain_sb_msg(sb, p->lang, id, &p->v);
}

/* Options of a SYN: "MSS 1460 (...), window scale 7 (...)". */
static void say_options(struct prose *p)
{
	const struct seg_opts *o = &p->r->seg.opts;
	char list[EXPLAIN_VAR_LEN];
	struct explain_sb sb;

	explain_sb_init(&sb, list, sizeof(list));
	explain_var_u(&p->v, "mss", o->mss);
	explain_var_u(&p->v, "ws", o->wscale);
	explain_var_u(&p->v, "factor", 1ul << (o->wscale > 14 ? 14 : o->wscale));
	if (o->has_mss)
		add_opt(p, &sb, EXPLAIN_M_OPT_MSS);
	if (o->has_wscale)
		add_opt(p, &sb, EXPLAIN_M_OPT_WSCALE);
	if (o->sack_perm)
		add_opt(p, &sb, EXPLAIN_M_OPT_SACK_PERM);
	if (o->has_ts)
		add_opt(p, &sb, EXPLAIN_M_OPT_TS);
	if (!sb.len)
		return;
	explain_var_s(&p->v, "list", list);
	say(p, EXPLAIN_M_AR_OPTS);
}

/* ---- state changes ---- */

static const struct {
	enum tcb_state from, to;
	enum explain_msg_id msg;
} transitions[] = {
	{ TCB_CLOSED, TCB_LISTEN, EXPLAIN_M_TR_PASSIVE_OPEN },
	{ TCB_CLOSED, TCB_SYN_SENT, EXPLAIN_M_TR_ACTIVE_OPEN },
	{ TCB_LISTEN, TCB_SYN_RECEIVED, EXPLAIN_M_TR_SYN_RCVD },
	{ TCB_CLOSED, TCB_SYN_RECEIVED, EXPLAIN_M_TR_SYN_RCVD },
	{ TCB_SYN_SENT, TCB_ESTABLISHED, EXPLAIN_M_TR_SYN_SENT_EST },
	{ TCB_SYN_RECEIVED, TCB_ESTABLISHED, EXPLAIN_M_TR_SYN_RCVD_EST },
	{ TCB_SYN_SENT, TCB_SYN_RECEIVED, EXPLAIN_M_TR_SIM_OPEN },
	{ TCB_ESTABLISHED, TCB_FIN_WAIT_1, EXPLAIN_M_TR_ACTIVE_CLOSE },
	{ TCB_SYN_RECEIVED, TCB_FIN_WAIT_1, EXPLAIN_M_TR_ACTIVE_CLOSE },
	{ TCB_ESTABLISHED, TCB_CLOSE_WAIT, EXPLAIN_M_TR_PASSIVE_CLOSE },
	{ TCB_FIN_WAIT_1, TCB_FIN_WAIT_2, EXPLAIN_M_TR_FW1_FW2 },
	{ TCB_FIN_WAIT_1, TCB_CLOSING, EXPLAIN_M_TR_FW1_CLOSING },
	{ TCB_FIN_WAIT_1, TCB_TIME_WAIT, EXPLAIN_M_TR_TO_TIME_WAIT },
	{ TCB_FIN_WAIT_2, TCB_TIME_WAIT, EXPLAIN_M_TR_TO_TIME_WAIT },
	{ TCB_CLOSE_WAIT, TCB_LAST_ACK, EXPLAIN_M_TR_CW_LAST_ACK },
	{ TCB_ESTABLISHED, TCB_LAST_ACK, EXPLAIN_M_TR_CW_LAST_ACK },
	{ TCB_LAST_ACK, TCB_CLOSED, EXPLAIN_M_TR_LAST_ACK_CLOSED },
	{ TCB_CLOSING, TCB_TIME_WAIT, EXPLAIN_M_TR_CLOSING_TW },
	{ TCB_TIME_WAIT, TCB_CLOSED, EXPLAIN_M_TR_TW_CLOSED },
};

/* The reason of a state change (RFC 9293 §3.3.2 figure 5's edges). */
static enum explain_msg_id transition_msg(enum tcb_state from, enum tcb_state to, bool rst)
{
	if (rst && to == TCB_CLOSED)
		return EXPLAIN_M_TR_RESET;
	for (size_t i = 0; i < sizeof(transitions) / sizeof(transitions[0]); i++)
		if (transitions[i].from == from && transitions[i].to == to)
			return transitions[i].msg;
	return EXPLAIN_M_TR_OTHER;
}

static void say_state_change(struct prose *p, enum explain_who who, enum tcb_state from,
			     enum tcb_state to, enum explain_msg_id reason)
{
	explain_var_s(&p->v, "Side", explain_side_name(p->lang, who, true));
	explain_var_s(&p->v, "from", explain_state_label(p->lang, from));
	explain_var_s(&p->v, "to", explain_state_label(p->lang, to));
	set_msg(p, "reason", reason);
	say(p, EXPLAIN_M_STATE_CHANGE);
}

static void say_states(struct prose *p)
{
	const struct explain_rec *r = p->r;
	enum explain_who s = sender_of(r);
	enum explain_who order[2] = { s, s == EXPLAIN_CLIENT ? EXPLAIN_SERVER : EXPLAIN_CLIENT };

	for (int i = 0; i < 2; i++) {
		const struct explain_ep *ep = &r->ep[order[i]];
		enum tcb_state from = ep->before;
		uint8_t nvia = ep->nvia < EXPLAIN_MAX_VIA ? ep->nvia : EXPLAIN_MAX_VIA;

		if (!ep->known)
			continue;
		for (uint8_t k = 0; k <= nvia; k++) {	/* each step of before -> via... -> after */
			enum tcb_state to = k < nvia ? ep->via[k] : ep->after;
			if (to == from)
				continue;
			say_state_change(p, order[i], from, to,
					 transition_msg(from, to, r->seg.flags & SEG_RST));
			from = to;
		}
	}
}

/* The sentence of one tshark label, unless the record shows its usual reading is false. */
static enum explain_msg_id analysis_msg(const struct explain_rec *r, uint32_t bit)
{
	if (bit == EXPLAIN_AF_DUPLICATE_ACK && r->why.challenge_of_frame)
		return EXPLAIN_M_AF_DUPACK_CHALLENGE;
	if (bit == EXPLAIN_AF_DUPLICATE_ACK && r->why.unsent_of_frame)
		return EXPLAIN_M_AF_DUPACK_UNSENT;
	if (bit == EXPLAIN_AF_DUPLICATE_ACK && r->why.tw_reack == 2)
		return EXPLAIN_M_AF_DUPACK_TW;
	if (bit == EXPLAIN_AF_DUPLICATE_ACK && r->why.reack_of_frame)
		return EXPLAIN_M_AF_DUPACK_OLD;
	if (bit == EXPLAIN_AF_LOST_SEGMENT && r->why.seq_ahead)
		return EXPLAIN_M_AF_LOST_AHEAD;
	if (bit == EXPLAIN_AF_RETRANSMISSION && r->why.acked_ahead_frame)
		return EXPLAIN_M_AF_RTX_ACKED_AHEAD;
	if (bit == EXPLAIN_AF_SPURIOUS_RETRANSMISSION && r->why.acked_ahead_frame)
		return EXPLAIN_M_AF_SPURIOUS_AHEAD;
	if (bit == EXPLAIN_AF_RETRANSMISSION && r->why.not_resent)
		return EXPLAIN_M_AF_RTX_NOT_RESENT;
	if (bit == EXPLAIN_AF_DUPLICATE_ACK && r->why.dup_of_frame)
		return EXPLAIN_M_AF_DUPACK_COPY;
	if (bit == EXPLAIN_AF_KEEP_ALIVE && r->why.zero_window_probe)
		return EXPLAIN_M_AF_KEEPALIVE_ZWP;
	unsigned i = 0;
	while (i + 1 < EXPLAIN_AF_COUNT && !(bit & (1u << i)))
		i++;
	return (enum explain_msg_id)(EXPLAIN_M_AF_TEXT_FIRST + i);
}

static void say_analysis(struct prose *p)
{
	const struct explain_rec *r = p->r;

	explain_var_u(&p->v, "dupnum", r->why.dupack_num);
	explain_var_u(&p->v, "dupof", r->why.dup_of_frame ? r->why.dup_of_frame
							   : r->why.dupack_of_frame);
	explain_var_u(&p->v, "challenge", r->why.challenge_of_frame);
	explain_var_u(&p->v, "unsentof", r->why.unsent_of_frame);
	explain_var_u(&p->v, "reackof", r->why.reack_of_frame);
	explain_var_u(&p->v, "aheadof", r->why.acked_ahead_frame);
	/* the retransmission label is said by say_retransmission, unless it is no resend */
	for (unsigned i = r->why.not_resent ? 0 : 1; i < EXPLAIN_AF_COUNT; i++) {
		if (!(r->analysis & (1u << i)))
			continue;
		explain_var_s(&p->v, "label",
			    explain_msg(p->lang, (enum explain_msg_id)(EXPLAIN_M_AF_LABEL_FIRST + i)));
		say(p, analysis_msg(r, 1u << i));
	}
}

/* ---- the numbers every segment sentence may use ---- */

/* The segment's numbers, formatted only when a template asks (segment_number). Every
 * value is uint32_t arithmetic: modulo 2^32 like the sequence numbers themselves. */
enum seg_num {
	SN_SEQ, SN_ACK, SN_LEN, SN_SEQ_RAW, SN_ACK_RAW, SN_PEER_ISN, SN_NEXT, SN_LAST,
	SN_PREV, SN_FINSEQ, SN_RFIN, SN_PREV_ACK, SN_DATA, SN_ACK_LAST, SN_WIN, SN_COUNT
};

static const struct { const char *name; size_t n; } seg_num_names[SN_COUNT] = {
	{ "seq", 3 }, { "ack", 3 }, { "len", 3 }, { "seq_raw", 7 }, { "ack_raw", 7 },
	{ "peer_isn", 8 }, { "next", 4 }, { "last", 4 }, { "prev", 4 },
	{ "finseq", 6 },	/* this segment's own FIN */
	{ "rfin", 4 },		/* the receiver's FIN this ACK covers */
	{ "prev_ack", 8 }, { "data", 4 }, { "ack_last", 8 }, { "win", 3 },
};

static uint32_t seg_num_value(const struct explain_rec *r, enum seg_num k)
{
	uint32_t acked = r->why.bytes_acked;

	switch (k) {
	case SN_SEQ: return r->seq;
	case SN_ACK: return r->ack;
	case SN_LEN: return r->len;
	case SN_SEQ_RAW: return r->seq_raw;
	case SN_ACK_RAW: return r->ack_raw;
	case SN_PEER_ISN: return r->ack_raw - r->ack;
	case SN_NEXT: case SN_FINSEQ: return r->seq + r->len;
	case SN_LAST: return r->seq + r->len - 1;
	case SN_PREV: return r->seq - 1;
	case SN_RFIN: case SN_ACK_LAST: return r->ack - 1;
	case SN_PREV_ACK: return r->ack - acked;
	case SN_DATA: return acked > 0 ? acked - 1 : 0;
	default: return r->win;
	}
}

static bool segment_value(const struct explain_rec *r, const char *name, size_t n,
			  uint32_t *out)
{
	for (int k = 0; k < SN_COUNT; k++)
		if (seg_num_names[k].n == n && memcmp(seg_num_names[k].name, name, n) == 0) {
			*out = seg_num_value(r, (enum seg_num)k);
			return true;
		}
	return false;
}

static const char *segment_number(const void *ctx, const char *name, size_t n, char *tmp,
				  size_t cap)
{
	uint32_t v;
	char *q = tmp + cap;

	if (cap < 11 || !segment_value(ctx, name, n, &v))
		return NULL;
	*--q = '\0';
	do			/* digits by hand: no printf per placeholder */
		*--q = (char)('0' + v % 10);
	while ((v /= 10) != 0);
	return q;
}

static void set_segment_vars(struct prose *p)
{
	const struct explain_rec *r = p->r;
	char flags[40];

	set_sides(p, sender_of(r));
	explain_vars_resolver(&p->v, segment_number, r);
	explain_var_s(&p->v, "what", explain_flags_label(r->seg.flags, flags, sizeof(flags)));
	set_preview(p, "preview", r->seg.payload, explain_payload_kept(r), r->len);
}

/* What the capture did not keep of this segment (the reader's seg_parse_cap): said from
 * its headers, so a cut payload is never taken for a lost one. */
static void say_capture(struct prose *p)
{
	const struct seg *s = &p->r->seg;
	uint32_t len = p->r->len;	/* the record's: a viewer may keep less of seg */

	if (s->cut && s->cut <= len) {
		explain_var_u(&p->v, "kept", len - s->cut);
		explain_var_u(&p->v, "seglen", len);
		explain_var_u(&p->v, "notcap", s->cut);
		say(p, EXPLAIN_M_CAP_CUT);
	}
	if (s->opts_cut) {
		explain_var_u(&p->v, "optcut", s->opts_cut);
		say(p, EXPLAIN_M_CAP_OPTS_CUT);
	}
	if (s->frag)
		say(p, EXPLAIN_M_CAP_FRAG);
}

/* Changed at the step prompt: the TCB's own numbers (live records only). */
static void say_edited(struct prose *p)
{
	if (!p->r->edited)
		return;
	explain_var_u(&p->v, "made_seq", p->r->made_seq);
	explain_var_u(&p->v, "made_ack", p->r->made_ack);
	say(p, EXPLAIN_M_EDITED);
}

/* A FIN resent to an end in TIME-WAIT, and that end's ACK of it again (§3.10.7.4). */
static void say_time_wait_again(struct prose *p)
{
	if (p->r->why.tw_reack == 1) {
		say(p, EXPLAIN_M_TW_REFIN);
	} else if (p->r->why.tw_reack == 2) {
		explain_var_u(&p->v, "twfin", p->r->why.tw_fin_frame);
		say(p, EXPLAIN_M_TW_REACK);
	}
}

static void prose_segment(struct prose *p)
{
	const struct explain_rec *r = p->r;
	bool fin_acked = acks_fin(p);

	set_segment_vars(p);
	if (!fin_acked)
		explain_var_u(&p->v, "data", r->why.bytes_acked);
	say_edited(p);
	say_retransmission(p);
	say(p, headline(p, fin_acked));
	say_seq(p);
	say_ack(p, fin_acked);
	if (r->seg.flags & SEG_SYN) {
		say(p, EXPLAIN_M_AR_WIN);
		say_options(p);
	}
	if (r->why.drop != EXPLAIN_DROP_NONE && r->why.drop <= EXPLAIN_DROP_OLD)
		say(p, (enum explain_msg_id)(EXPLAIN_M_DROP_NO_ACK + r->why.drop - 1));
	say_states(p);
	say_time_wait_again(p);
	say_analysis(p);
	say_capture(p);
}

/* ---- TCB events (live programs) ---- */

_Static_assert(EXPLAIN_M_TW_LAST - EXPLAIN_M_TW_NONE + 1 == TCB_WHY_COUNT,
	       "one EXPLAIN_M_TW_* message per enum tcb_why value");
_Static_assert(EXPLAIN_M_EV_OPTION - EXPLAIN_M_EV_STATE + 1 == TCB_NEV_KINDS,
	       "one EXPLAIN_M_EV_* message per enum tcb_ev_kind value");

static enum explain_msg_id why_msg(const struct tcb_event *ev)
{
	if ((unsigned)ev->why >= TCB_WHY_COUNT)
		return EXPLAIN_M_TW_NONE;
	if (ev->why == TCB_WHY_USER_CLOSE && ev->kind == TCB_EV_STATE && ev->to == TCB_CLOSED)
		return EXPLAIN_M_TW_USER_CLOSE_DELETE;
	/* §3.10.5 ABORT sends a RST only where the peer may still send (tcb_abort): after
	 * our FIN (CLOSING, LAST-ACK) and in TIME-WAIT nothing goes out. */
	if (ev->why == TCB_WHY_USER_ABORT && ev->kind == TCB_EV_STATE) {
		if (ev->from == TCB_TIME_WAIT)
			return EXPLAIN_M_TW_USER_ABORT_TW;
		if (ev->from == TCB_CLOSING || ev->from == TCB_LAST_ACK)
			return EXPLAIN_M_TW_USER_ABORT_QUIET;
	}
	return (enum explain_msg_id)(EXPLAIN_M_TW_NONE + ev->why);
}

/* n[0..3] as tcb.h documents them per reason, and the sums and differences the
 * reasons' sentences show (sequence arithmetic is modulo 2^32, like the numbers). */
static void set_event_numbers(struct prose *p, const uint32_t *n)
{
	static const char *const names[4] = { "n0", "n1", "n2", "n3" };
	char flags[40];

	for (int i = 0; i < 4; i++)
		explain_var_u(&p->v, names[i], n[i]);
	explain_var_u(&p->v, "n0p1", n[0] + 1);
	explain_var_u(&p->v, "n2p1", n[2] + 1);
	explain_var_u(&p->v, "n0m1", n[0] - 1);
	explain_var_u(&p->v, "n1n2", n[1] + n[2]);
	explain_var_u(&p->v, "n2n3", n[2] + n[3]);
	explain_var_u(&p->v, "n1mn2", n[1] - n[2]);
	explain_var_s(&p->v, "pl_n1", n[1] == 1 ? "" : "s");	/* English plural */
	explain_var_s(&p->v, "pl_n2", n[2] == 1 ? "" : "s");
	set_dur(p, "n0d", n[0]);
	set_dur(p, "n1d", n[1]);
	set_dur(p, "n2d", n[2]);
	explain_var_s(&p->v, "flags", explain_flags_label((uint8_t)n[0], flags, sizeof(flags)));
	if ((n[3] & 3) == 0)
		explain_var_s(&p->v, "synfin", "");
	else
		set_msg(p, "synfin", (enum explain_msg_id)(EXPLAIN_M_TW_ACKED_SYN + (n[3] & 3) - 1));
}

/* "reason" = the rule with its numbers and RFC section; for a state change without a
 * rule, figure 5's edge. */
static void set_reason(struct prose *p)
{
	const struct tcb_event *ev = &p->r->ev;

	if (ev->why == TCB_WHY_NONE || (unsigned)ev->why >= TCB_WHY_COUNT) {
		if (ev->kind == TCB_EV_STATE)
			set_msg(p, "reason", transition_msg(ev->from, ev->to, false));
		else
			set_msg(p, "reason", EXPLAIN_M_TW_NONE);
		return;
	}
	set_msg(p, "reason", why_msg(ev));
	explain_var_s(&p->v, "rfc", tcb_why_rfc(ev->why));
	set_msg(p, "reason", EXPLAIN_M_EV_REASON);
}

static void set_event_vars(struct prose *p)
{
	const struct tcb_event *ev = &p->r->ev;
	unsigned t = (unsigned)ev->timer < TCB_NTIMERS ? (unsigned)ev->timer : 0;

	explain_var_s(&p->v, "Side", explain_side_name(p->lang, p->r->who, true));
	explain_var_s(&p->v, "from", explain_state_label(p->lang, ev->from));
	explain_var_s(&p->v, "to", explain_state_label(p->lang, ev->to));
	explain_var(&p->v, "count", "%d", ev->count);
	explain_var_u(&p->v, "n", ev->n[0]);
	explain_var_u(&p->v, "linear", p->r->linear_retries);
	explain_var_s(&p->v, "timer",
		    explain_msg(p->lang, ev->why == TCB_WHY_TLP_PTO
						 ? EXPLAIN_M_TIMER_PTO
						 : (enum explain_msg_id)(EXPLAIN_M_TIMER_NONE + t)));
	explain_var_s(&p->v, "rfc", tcb_why_rfc(ev->why));
	set_dur(p, "after", ev->after_us);
	set_dur(p, "rto", ev->rto_us);
	set_event_numbers(p, ev->n);
	if (p->r->in_state_us) {
		set_dur(p, "in_state", p->r->in_state_us);
		set_msg(p, "waited", EXPLAIN_M_TW_WAITED);
	} else {
		explain_var_s(&p->v, "waited", "");
	}
	set_reason(p);
}

/* Does this event carry the numbers its reason documents (so "Why: ..." may follow)?
 * STATE, SEG_DROPPED and CHALLENGE_ACK put the reason in their own sentence; a timer
 * event carries numbers only for a zero-window probe; RST_SENT and RTT have their own. */
static bool event_says_why(const struct tcb_event *ev)
{
	if (ev->why == TCB_WHY_NONE || (unsigned)ev->why >= TCB_WHY_COUNT)
		return false;
	switch (ev->kind) {
	case TCB_EV_STATE:
	case TCB_EV_SEG_DROPPED:
	case TCB_EV_CHALLENGE_ACK:
	case TCB_EV_RST_SENT:
	case TCB_EV_RTT:
	case TCB_EV_CWND:
	case TCB_EV_OPTION:
		return false;
	case TCB_EV_TIMER:
		return ev->why == TCB_WHY_PERSIST_PROBE || ev->why == TCB_WHY_DACK_TIMEOUT ||
		       ev->why == TCB_WHY_TLP_PTO;
	default:
		return true;
	}
}

static enum explain_msg_id event_msg(const struct tcb_event *ev)
{
	if (ev->kind == TCB_EV_CHALLENGE_ACK && ev->limited)
		return EXPLAIN_M_EV_CHALLENGE_LIMITED;
	if (ev->kind == TCB_EV_RETRANSMIT && ev->count == 0)	/* "retransmission #0" */
		return EXPLAIN_M_EV_RESENT_AT_ONCE;
	if (ev->kind == TCB_EV_RST_SENT && ev->why == TCB_WHY_CLOSED_NO_TCB && ev->n[1])
		return EXPLAIN_M_EV_RST_SENT_ACK;	/* <SEQ=0><ACK=SEG.SEQ+SEG.LEN> */
	return (enum explain_msg_id)(EXPLAIN_M_EV_STATE + ev->kind);
}

/* The next try's wait, said only as far as the record knows the schedule in force. */
static enum explain_msg_id next_try_msg(const struct explain_rec *r)
{
	switch (r->backoff) {
	case EXPLAIN_BACKOFF_DOUBLES:
		return EXPLAIN_M_EV_NEXT_RTO;
	case EXPLAIN_BACKOFF_LINEAR:
		return EXPLAIN_M_EV_NEXT_LINEAR;
	case EXPLAIN_BACKOFF_MAX:
		return EXPLAIN_M_EV_NEXT_MAX;
	default:
		return EXPLAIN_M_EV_NEXT_TRY;
	}
}

/* {ssth} of a cwnd line: UINT32_MAX is RFC 5681's "arbitrarily high" initial value. */
static void set_ssthresh_var(struct prose *p, uint32_t old, uint32_t now)
{
	enum explain_msg_id id = EXPLAIN_M_CC_SSTH_CHANGED;

	if (now == UINT32_MAX)
		id = EXPLAIN_M_CC_SSTH_NONE;
	else if (old == now)
		id = EXPLAIN_M_CC_SSTH_SAME;
	else if (old == UINT32_MAX)
		id = EXPLAIN_M_CC_SSTH_SET;
	set_msg(p, "ssth", id);
}

static void prose_event(struct prose *p)
{
	const struct tcb_event *ev = &p->r->ev;

	set_event_vars(p);
	if (ev->kind == TCB_EV_CWND)
		set_ssthresh_var(p, ev->n[2], ev->n[3]);
	if ((unsigned)ev->kind >= TCB_NEV_KINDS) {
		say(p, EXPLAIN_M_TW_NONE);
		return;
	}
	say(p, event_msg(ev));
	if (event_says_why(ev))
		say(p, EXPLAIN_M_EV_WHY);
	if (ev->kind == TCB_EV_RETRANSMIT && p->r->prev_held_us) {
		set_dur(p, "prevheld", p->r->prev_held_us);	/* it went, after the prompt */
		set_dur(p, "prevwire", p->r->prev_wire_us);
		say(p, EXPLAIN_M_EV_RTX_PREV_HELD);
	} else if (ev->kind == TCB_EV_RETRANSMIT && p->r->held_out) {
		explain_var(&p->v, "held", "%u", p->r->held_out);
		say(p, EXPLAIN_M_EV_RTX_HELD);
	}
	if ((ev->kind == TCB_EV_RETRANSMIT ||
	     (ev->kind == TCB_EV_TIMER && ev->timer == TCB_TIMER_RTX &&
	      ev->why != TCB_WHY_TLP_PTO)) && ev->rto_us)	/* a probe says its RTO itself */
		explain_sb_msg(&p->sb, p->lang, next_try_msg(p->r), &p->v);
	if (ev->kind == TCB_EV_TIMER && ev->why == TCB_WHY_PERSIST_PROBE && ev->rto_us)
		explain_sb_msg(&p->sb, p->lang, EXPLAIN_M_EV_PROBE_NEXT, &p->v);
}

/* ---- impairment engine (live programs) ---- */

static void prose_impair(struct prose *p)
{
	const struct explain_rec *r = p->r;
	unsigned act = (unsigned)r->impair.act;
	char rule[sizeof(r->impair.rule) * 4 + 4];
	size_t n = strnlen(r->impair.rule, sizeof(r->impair.rule));

	set_segment_vars(p);
	explain_escape_text(r->impair.rule, n, rule, sizeof(rule));	/* "±" stays "±" */
	explain_var(&p->v, "rule", "'%s'", rule);
	set_dur(p, "delay", r->impair.delay_us);
	explain_var_s(&p->v, "dir",
		    explain_msg(p->lang, r->dir == EXPLAIN_S2C ? EXPLAIN_M_S2C : EXPLAIN_M_C2S));
	explain_var_s(&p->v, "flags", explain_var_get(&p->v, "what"));
	set_msg(p, "segment", EXPLAIN_M_IMP_SEGMENT);
	if (act > EXPLAIN_IMP_CORRUPT)
		act = EXPLAIN_IMP_DROP;
	say(p, (enum explain_msg_id)(EXPLAIN_M_IMP_DROP + act));
	if ((act == EXPLAIN_IMP_DELAY || act == EXPLAIN_IMP_REORDER) && r->impair.rule_us &&
	    r->impair.rule_us != r->impair.delay_us) {
		set_dur(p, "ruledelay", r->impair.rule_us);
		explain_var(&p->v, "scale", "%.3g", (double)r->impair.delay_us /
						    (double)r->impair.rule_us);
		say(p, EXPLAIN_M_IMP_SCALED);
	}
}

/* ---- the connection summary ---- */

static void say_close(struct prose *p)
{
	const struct explain_summary *s = &p->r->sum;
	enum explain_who closer = s->closer == EXPLAIN_SERVER ? EXPLAIN_SERVER : EXPLAIN_CLIENT;
	enum explain_who other = closer == EXPLAIN_CLIENT ? EXPLAIN_SERVER : EXPLAIN_CLIENT;

	explain_var_s(&p->v, "closer", explain_side_name(p->lang, closer, false));
	explain_var_s(&p->v, "other", explain_side_name(p->lang, other, false));
	if (s->closer < 0)
		say(p, EXPLAIN_M_SUM_OPEN);
	else if (s->reset)
		say(p, EXPLAIN_M_SUM_RESET);
	else if (s->sim_close)
		say(p, EXPLAIN_M_SUM_CLOSE_SIM);
	else if (s->close_segments == 4)
		say(p, EXPLAIN_M_SUM_CLOSE4);
	else if (s->close_segments == 3)
		say(p, EXPLAIN_M_SUM_CLOSE3);
	else
		say(p, EXPLAIN_M_SUM_CLOSE_OTHER);
	if (s->final[0] == TCB_TIME_WAIT && s->final[1] == TCB_TIME_WAIT &&
	    !s->final_unknown[0] && !s->final_unknown[1]) {
		say(p, EXPLAIN_M_SUM_TIME_WAIT_BOTH);
	} else if (s->time_wait == EXPLAIN_CLIENT || s->time_wait == EXPLAIN_SERVER) {
		explain_var_s(&p->v, "tw",
			    explain_side_name(p->lang, (enum explain_who)s->time_wait, false));
		say(p, s->time_wait_cut ? EXPLAIN_M_SUM_TIME_WAIT_CUT : EXPLAIN_M_SUM_TIME_WAIT);
	}
}

static void say_rtx_list(struct prose *p)
{
	const struct explain_summary *s = &p->r->sum;
	uint32_t shown = s->nrtx < EXPLAIN_MAX_RTX ? s->nrtx : EXPLAIN_MAX_RTX;

	if (s->nrtx == 0) {
		say(p, EXPLAIN_M_SUM_RTX_NONE);
		return;
	}
	explain_var_u(&p->v, "n", s->nrtx);
	say(p, EXPLAIN_M_SUM_RTX_HEAD);
	for (uint32_t i = 0; i < shown; i++) {
		explain_var_u(&p->v, "frame", s->rtx[i].frame);
		explain_var_u(&p->v, "of", s->rtx[i].of_frame);
		explain_var_u(&p->v, "seq", s->rtx[i].seq);
		explain_var_s(&p->v, "dir", explain_msg(p->lang, s->rtx[i].dir == EXPLAIN_S2C ?
							     EXPLAIN_M_S2C : EXPLAIN_M_C2S));
		set_dur(p, "after", s->rtx[i].after_us);
		say(p, s->rtx[i].cause == EXPLAIN_RTX_DUPLICATE ? EXPLAIN_M_SUM_RTX_ITEM_COPY
		       : s->rtx[i].cause == EXPLAIN_RTX_SAME_BYTES ? EXPLAIN_M_SUM_RTX_ITEM_SAME
		       : s->rtx[i].cause == EXPLAIN_RTX_REUSE ? EXPLAIN_M_SUM_RTX_ITEM_REUSE
							 : EXPLAIN_M_SUM_RTX_ITEM);
	}
	if (s->nrtx > shown) {
		explain_var_u(&p->v, "n", s->nrtx - shown);
		say(p, EXPLAIN_M_SUM_RTX_MORE);
	}
}

static const char *final_label(const struct prose *p, enum explain_who w)
{
	const struct explain_summary *s = &p->r->sum;

	if (s->final_unknown[w])
		return explain_msg(p->lang, EXPLAIN_M_SUM_UNSHOWN);
	return explain_state_label(p->lang, s->final[w]);
}

static void prose_summary(struct prose *p)
{
	const struct explain_summary *s = &p->r->sum;

	explain_var_u(&p->v, "conn", p->r->conn);
	explain_var_u(&p->v, "c_segs", s->nsegs[EXPLAIN_C2S]);
	explain_var_u(&p->v, "s_segs", s->nsegs[EXPLAIN_S2C]);
	explain_var_u(&p->v, "c_bytes", s->bytes[EXPLAIN_C2S]);
	explain_var_u(&p->v, "s_bytes", s->bytes[EXPLAIN_S2C]);
	say(p, EXPLAIN_M_SUM_HEAD);
	set_dur(p, "hs_rtt", s->hs_rtt_us);
	set_dur(p, "syn_synack", s->hs_syn_synack_us);
	say(p, s->has_handshake ? EXPLAIN_M_SUM_HS : EXPLAIN_M_SUM_NO_HS);
	if (s->has_handshake && s->hs_held_us) {	/* a step prompt held it: no RTT */
		set_dur(p, "held", s->hs_held_us);
		say(p, EXPLAIN_M_SUM_HS_HELD);
	}
	say_close(p);
	explain_var_s(&p->v, "c_final", final_label(p, EXPLAIN_CLIENT));
	explain_var_s(&p->v, "s_final", final_label(p, EXPLAIN_SERVER));
	say(p, EXPLAIN_M_SUM_FINAL);
	say_rtx_list(p);
}

/* ---- the context: what later records of the connection refer back to ---- */

void explain_prose_ctx_init(struct explain_prose_ctx *c)
{
	memset(c, 0, sizeof(*c));
}

static void ctx_update(struct explain_prose_ctx *c, const struct explain_rec *r, bool fin_acked)
{
	int d = r->dir == EXPLAIN_S2C ? 1 : 0;
	uint32_t avail = explain_payload_kept(r);

	if (r->len && r->seq == c->nhead[d] + 1 && avail == r->len && r->seg.payload &&
	    c->nhead[d] + r->len <= EXPLAIN_STREAM_HEAD) {
		memcpy(c->head[d] + c->nhead[d], r->seg.payload, r->len);
		c->nhead[d] += r->len;
	} else if (r->len && r->seq == c->nhead[d] + 1) {
		c->nhead[d] = EXPLAIN_STREAM_HEAD + 1;	/* too long or not captured: no quote */
	}
	if ((r->seg.flags & SEG_FIN) && !c->fin_seen[d]) {
		c->fin_seen[d] = true;
		c->fin_seq[d] = r->seq + r->len;
		if (c->fin_seen[!d] && fin_acked)
			c->close_piggyback = true;
	}
}

int explain_prose_ctx(struct explain_prose_ctx *c, const struct explain_rec *r,
		      enum explain_lang lang, char *buf, size_t cap)
{
	struct prose p;

	/* Field by field: a memset would clear the 24 KB of variable values every call. */
	explain_vars_init(&p.v);
	p.nsent = 0;
	explain_sb_init(&p.sb, buf, cap);
	if (!r)
		return -1;
	p.lang = lang;
	p.ctx = c;
	p.r = r;
	switch (r->kind) {
	case EXPLAIN_REC_SEGMENT:
		prose_segment(&p);
		if (c)
			ctx_update(c, r, acks_fin(&p));
		break;
	case EXPLAIN_REC_EVENT:
		prose_event(&p);
		break;
	case EXPLAIN_REC_IMPAIR:
		prose_impair(&p);
		break;
	case EXPLAIN_REC_SUMMARY:
		prose_summary(&p);
		break;
	}
	return p.sb.trunc ? -1 : (int)p.sb.len;
}

int explain_prose(const struct explain_rec *r, enum explain_lang lang, char *buf, size_t cap)
{
	return explain_prose_ctx(NULL, r, lang, buf, cap);
}
