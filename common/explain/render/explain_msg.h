/* explain_msg.h - message ids and the per-language template tables of the explaining logger. */
#ifndef SYNLAB_EXPLAIN_MSG_H
#define SYNLAB_EXPLAIN_MSG_H

/*
 * Every word the explaining logger prints comes from ONE table per language
 * (explain_msg_en.c, explain_msg_zh.c), indexed by enum explain_msg_id. Renderers hold no
 * prose of their own.
 *
 * Templates use named placeholders "{name}" (not printf conversions): Chinese word
 * order differs from English, and a named slot cannot be mistyped into a format-string
 * bug. explain_tmpl() expands them from a struct explain_vars. The English and Chinese
 * template of one id must use the same set of placeholders (a unit test checks it).
 */

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* enum explain_lang (EXPLAIN_LANG_EN, EXPLAIN_LANG_ZH) and explain_lang_parse() come from
 * explain_text.h (branch explain). */
#include "explain_text.h"

#define EXPLAIN_LANG_COUNT 2

enum explain_msg_id {
	/* ---- words ---- */
	EXPLAIN_M_CLIENT,		/* "client" */
	EXPLAIN_M_SERVER,
	EXPLAIN_M_CLIENT_CAP,		/* "Client" (sentence start) */
	EXPLAIN_M_SERVER_CAP,
	EXPLAIN_M_C2S,			/* "client → server" */
	EXPLAIN_M_S2C,
	EXPLAIN_M_SEP,			/* between two sentences */
	EXPLAIN_M_LIST_SEP,		/* between list items */
	EXPLAIN_M_UNIT_S,		/* {v} seconds */
	EXPLAIN_M_UNIT_MS,		/* {v} milliseconds */
	EXPLAIN_M_PREVIEW,		/* payload preview: {text} */
	EXPLAIN_M_UNKNOWN_STATE,	/* state not known to this producer */

	/* ---- state names (RFC 9293 §3.3.2), as learners know them ---- */
	EXPLAIN_M_ST_CLOSED,
	EXPLAIN_M_ST_LISTEN,
	EXPLAIN_M_ST_SYN_SENT,
	EXPLAIN_M_ST_SYN_RECEIVED,
	EXPLAIN_M_ST_ESTABLISHED,
	EXPLAIN_M_ST_FIN_WAIT_1,
	EXPLAIN_M_ST_FIN_WAIT_2,
	EXPLAIN_M_ST_CLOSE_WAIT,
	EXPLAIN_M_ST_CLOSING,
	EXPLAIN_M_ST_LAST_ACK,
	EXPLAIN_M_ST_TIME_WAIT,

	/* ---- the headline of each explain_why rule ---- */
	EXPLAIN_M_WHY_NONE,
	EXPLAIN_M_WHY_SYN,
	EXPLAIN_M_WHY_SYN_ACK,
	EXPLAIN_M_WHY_HANDSHAKE_ACK,
	EXPLAIN_M_WHY_DATA,
	EXPLAIN_M_WHY_ACK,
	EXPLAIN_M_WHY_FIN,
	EXPLAIN_M_WHY_FIN_REPLY,
	EXPLAIN_M_WHY_FIN_ACK,
	EXPLAIN_M_WHY_RST,
	EXPLAIN_M_WHY_SIMULTANEOUS,
	EXPLAIN_M_WHY_OTHER,
	/* refinements of the close, when the step is known */
	EXPLAIN_M_WHY_ACK_OF_FIN,	/* 2nd segment of a four-segment close */
	EXPLAIN_M_WHY_FIN_REPLY_3,	/* FIN+ACK of a three-segment close */
	EXPLAIN_M_WHY_FIN_REPLY_4,	/* 3rd segment of a four-segment close */
	EXPLAIN_M_WHY_FIN_ACK_3,	/* last ACK of a three-segment close */
	EXPLAIN_M_WHY_FIN_ACK_4,	/* last ACK of a four-segment close */
	EXPLAIN_M_WHY_DATA_FIN,		/* data and FIN in one segment */
	EXPLAIN_M_WHY_ACK_OF_FIN_SIM,	/* ACK of the other FIN after the FINs crossed */
	EXPLAIN_M_WHY_RST_REFUSE,	/* RST+ACK from a port with no listener */

	/* ---- the arithmetic ---- */
	EXPLAIN_M_AR_SYN_SEQ,		/* seq 0 = ISN */
	EXPLAIN_M_AR_SYN_ACK,		/* ack = peer ISN + 1 */
	EXPLAIN_M_AR_SEQ_AFTER_SYN,	/* seq 1 right after the handshake */
	EXPLAIN_M_AR_SEQ_PLAIN,		/* no payload: uses no number */
	EXPLAIN_M_AR_DATA,		/* seq..last, next */
	EXPLAIN_M_AR_FIN_NODATA,	/* FIN takes 1 */
	EXPLAIN_M_AR_FIN_AFTER_DATA,	/* bytes 1..n sent, FIN takes n+1 */
	EXPLAIN_M_AR_FIN_WITH_DATA,	/* this segment's data, then the FIN */
	EXPLAIN_M_AR_ACK_DATA,		/* ack = prev + n bytes */
	EXPLAIN_M_AR_ACK_FIN,		/* ack = FIN's number + 1 */
	EXPLAIN_M_AR_ACK_DATA_FIN,	/* ack = prev + n bytes + 1 FIN */
	EXPLAIN_M_AR_ACK_SAME,		/* nothing new */
	EXPLAIN_M_AR_ACK_RTT,		/* acknowledges frame N, sent T earlier */
	EXPLAIN_M_AR_RST_SEQ,		/* RST's seq must be in window */
	EXPLAIN_M_AR_RST_ACK,		/* RST+ACK's ack */
	EXPLAIN_M_AR_WIN,		/* window offered in the handshake */
	EXPLAIN_M_AR_OPTS,		/* "Options: {list}." */
	EXPLAIN_M_OPT_MSS,
	EXPLAIN_M_OPT_WSCALE,
	EXPLAIN_M_OPT_SACK_PERM,
	EXPLAIN_M_OPT_TS,
	EXPLAIN_M_AR_SYN_ACK_BAD,	/* ack is not the peer's ISN + 1 */
	EXPLAIN_M_AR_ACK_FIRST,		/* first ACK of a capture begun mid-stream */
	EXPLAIN_M_AR_ACK_RTT_KARN,	/* acknowledged bytes sent more than once */
	EXPLAIN_M_AR_RST_CLOSED,	/* RST verdicts, order of enum explain_rst from 1 */
	EXPLAIN_M_AR_RST_LISTEN,
	EXPLAIN_M_AR_RST_SYN_SENT_ACCEPT,
	EXPLAIN_M_AR_RST_SYN_SENT_DROP,
	EXPLAIN_M_AR_RST_ACCEPT,
	EXPLAIN_M_AR_RST_CHALLENGE,
	EXPLAIN_M_AR_RST_OUT_OF_WINDOW,
	EXPLAIN_M_AR_RST_TIME_WAIT,
	EXPLAIN_M_AR_FIN_AT_ISN,	/* a FIN at the SYN's number */
	EXPLAIN_M_AR_RST_ABORT,		/* rst_form 1, 2 */
	EXPLAIN_M_AR_RST_NOT_ABORT,
	EXPLAIN_M_DROP_NO_ACK,		/* drops, order of enum explain_drop from 1 */
	EXPLAIN_M_DROP_OLD,

	/* ---- state changes ---- */
	EXPLAIN_M_STATE_CHANGE,		/* {Side}: {from} → {to} ({reason}) */
	EXPLAIN_M_TR_PASSIVE_OPEN,
	EXPLAIN_M_TR_ACTIVE_OPEN,
	EXPLAIN_M_TR_SYN_RCVD,
	EXPLAIN_M_TR_SYN_SENT_EST,
	EXPLAIN_M_TR_SYN_RCVD_EST,
	EXPLAIN_M_TR_SIM_OPEN,
	EXPLAIN_M_TR_ACTIVE_CLOSE,
	EXPLAIN_M_TR_PASSIVE_CLOSE,
	EXPLAIN_M_TR_FW1_FW2,
	EXPLAIN_M_TR_FW1_CLOSING,
	EXPLAIN_M_TR_TO_TIME_WAIT,
	EXPLAIN_M_TR_CW_LAST_ACK,
	EXPLAIN_M_TR_LAST_ACK_CLOSED,
	EXPLAIN_M_TR_CLOSING_TW,
	EXPLAIN_M_TR_TW_CLOSED,
	EXPLAIN_M_TR_RESET,
	EXPLAIN_M_TR_OTHER,

	/* ---- tshark's tcp.analysis.* labels (order of enum explain_flag) ---- */
	EXPLAIN_M_AF_LABEL_FIRST,	/* label of EXPLAIN_AF_RETRANSMISSION */
	EXPLAIN_M_AF_LABEL_LAST = EXPLAIN_M_AF_LABEL_FIRST + 14,
	EXPLAIN_M_AF_TEXT_FIRST,	/* explanation of EXPLAIN_AF_RETRANSMISSION */
	EXPLAIN_M_AF_TEXT_LAST = EXPLAIN_M_AF_TEXT_FIRST + 14,
	EXPLAIN_M_RTX_HEAD,		/* "{what} retransmission #{count}, {after} after {prev}{orig}" */
	EXPLAIN_M_RTX_ORIG,		/* " (first sent in frame {of})" */
	EXPLAIN_M_RTX_PREV_ORIG,	/* "the original" */
	EXPLAIN_M_RTX_PREV_N,		/* "#{n}" */
	EXPLAIN_M_RTX_WHY,		/* the interval fits the retransmission timer */
	EXPLAIN_M_RTX_WHY_SYN,		/* the same for a SYN: no claim on its schedule */
	EXPLAIN_M_RTX_WHY_FAST,		/* after >= 3 duplicate ACKs */
	EXPLAIN_M_RTX_WHY_UNKNOWN,	/* too soon for a timer: the cause is not visible */
	EXPLAIN_M_RTX_BACKOFF_DOUBLE,	/* about twice the previous interval */
	EXPLAIN_M_RTX_BACKOFF_SAME,	/* about the same interval (linear schedule) */
	EXPLAIN_M_RTX_DUP,		/* an identical copy of frame {dupof} */
	EXPLAIN_M_RTX_REUSE,		/* same number, another control flag */
	EXPLAIN_M_AF_DUPACK_CHALLENGE,	/* a duplicate ACK that is a challenge ACK */
	EXPLAIN_M_AF_DUPACK_COPY,	/* a duplicate ACK that is a copy of one frame */
	EXPLAIN_M_AF_KEEPALIVE_ZWP,	/* keep-alive form into a zero window: persist probe */
	EXPLAIN_M_CAP_CUT,		/* the snaplen cut the payload: {kept} of {seglen}, {notcap} */
	EXPLAIN_M_CAP_OPTS_CUT,		/* ... and {optcut} option bytes */
	EXPLAIN_M_CAP_FRAG,		/* a first IP fragment: len is this fragment's */

	/* ---- impairment engine (order of enum explain_impair_act) ---- */
	EXPLAIN_M_IMP_DROP,
	EXPLAIN_M_IMP_DELAY,
	EXPLAIN_M_IMP_DUPLICATE,
	EXPLAIN_M_IMP_REORDER,
	EXPLAIN_M_IMP_CORRUPT,
	EXPLAIN_M_IMP_SEGMENT,		/* which segment: "{flags} seq {seq} ack {ack} len {len}" */
	EXPLAIN_M_IMP_SCALED,		/* the hold's {ruledelay} before --time-scale {scale} */

	/* ---- TCB events (order of enum tcb_ev_kind) ---- */
	EXPLAIN_M_EV_STATE,
	EXPLAIN_M_EV_SEG_DROPPED,
	EXPLAIN_M_EV_CHALLENGE_ACK,
	EXPLAIN_M_EV_RST_SENT,
	EXPLAIN_M_EV_TIMER,
	EXPLAIN_M_EV_RETRANSMIT,
	EXPLAIN_M_EV_GAVE_UP,
	EXPLAIN_M_EV_TW_RESTART,
	EXPLAIN_M_EV_ACKED,
	EXPLAIN_M_EV_DATA_IN,
	EXPLAIN_M_EV_OOO_QUEUED,
	EXPLAIN_M_EV_RESET,
	EXPLAIN_M_EV_ACK_SENT,
	EXPLAIN_M_EV_ACK_MERGED,
	EXPLAIN_M_EV_WINDOW,
	EXPLAIN_M_EV_RTT,		/* sample {n0d}, SRTT {n1d}, RTTVAR {n2d}, RTO {rto} */
	EXPLAIN_M_EV_CWND,		/* cwnd {n0} -> {n1}, {ssth}: {reason} */
	EXPLAIN_M_EV_OPTION,		/* a TCP option agreed, refused or used: {reason} */
	EXPLAIN_M_EV_CHALLENGE_LIMITED,	/* challenge ACK suppressed by the rate limit */
	EXPLAIN_M_EV_RESENT_AT_ONCE,	/* a resend answering a repeated SYN (count 0) */
	EXPLAIN_M_EV_NEXT_RTO,		/* "; next RTO {rto}" */
	EXPLAIN_M_EV_REASON,		/* "{reason}; {rfc}": a tcb_why with its section */
	EXPLAIN_M_EV_WHY,		/* "Why: {reason}." after an event's own sentence */
	EXPLAIN_M_EV_RST_SENT_ACK,	/* RST+ACK <SEQ={n0}><ACK={n1}> (no connection) */
	EXPLAIN_M_EV_PROBE_NEXT,	/* zero-window probe: next probe after {rto} */
	EXPLAIN_M_EV_NEXT_TRY,		/* "; next try waits {rto}" (schedule not known) */
	EXPLAIN_M_EV_NEXT_LINEAR,	/* the same wait again: the SYN's linear phase */
	EXPLAIN_M_EV_NEXT_MAX,		/* doubled up to rto_max */
	EXPLAIN_M_TW_USER_ABORT_TW,	/* ABORT in TIME-WAIT: the 2MSL wait cut short */
	EXPLAIN_M_TW_USER_ABORT_QUIET,	/* ABORT in CLOSING / LAST-ACK: no RST */
	EXPLAIN_M_TW_WAITED,		/* how long the TIME-WAIT lasted: {in_state} */
	EXPLAIN_M_TW_USER_CLOSE_DELETE,	/* CLOSE before synchronized: TCB deleted */
	EXPLAIN_M_TW_ACKED_SYN,		/* " and our SYN" (TCB_WHY_ACK_NEW n3 bit 1) */
	EXPLAIN_M_TW_ACKED_FIN,		/* " and our FIN" (bit 2) */
	EXPLAIN_M_TW_ACKED_SYN_FIN,	/* " and our SYN and FIN" */
	/* timer names (order of enum tcb_timer) */
	EXPLAIN_M_TIMER_NONE,
	EXPLAIN_M_TIMER_RTX,
	EXPLAIN_M_TIMER_TIME_WAIT,
	EXPLAIN_M_TIMER_FIN_WAIT_2,
	EXPLAIN_M_TIMER_PERSIST,
	EXPLAIN_M_TIMER_DACK,
	EXPLAIN_M_TIMER_PTO,		/* the retransmission timer run as the PTO (TLP_PTO) */
	/* tcb_why reasons (order of enum tcb_why; a clause using the numbers n[] of that
	 * reason as tcb.h documents them: {n0}..{n3} and the derived values explain_prose.c
	 * sets) */
	EXPLAIN_M_TW_NONE,
	EXPLAIN_M_TW_USER_OPEN_ACTIVE,
	EXPLAIN_M_TW_USER_OPEN_PASSIVE,
	EXPLAIN_M_TW_USER_CLOSE,
	EXPLAIN_M_TW_USER_ABORT,
	EXPLAIN_M_TW_CLOSED_NO_TCB,
	EXPLAIN_M_TW_LISTEN_RST,
	EXPLAIN_M_TW_LISTEN_ACK,
	EXPLAIN_M_TW_LISTEN_SYN,
	EXPLAIN_M_TW_LISTEN_OTHER,
	EXPLAIN_M_TW_SYN_DATA_IGNORED,
	EXPLAIN_M_TW_SYN_SENT_BAD_ACK,
	EXPLAIN_M_TW_SYN_SENT_RST_NO_ACK,
	EXPLAIN_M_TW_SYN_SENT_RST,
	EXPLAIN_M_TW_SYN_SENT_SYNACK,
	EXPLAIN_M_TW_SYN_SENT_SYN,
	EXPLAIN_M_TW_SYN_SENT_NO_SYN,
	EXPLAIN_M_TW_SYN_RCVD_SYN_REPEAT,
	EXPLAIN_M_TW_SEQ_UNACCEPTABLE,
	EXPLAIN_M_TW_RST_OUT_OF_WINDOW,
	EXPLAIN_M_TW_RST_IN_WINDOW,
	EXPLAIN_M_TW_RST_RESET,
	EXPLAIN_M_TW_RST_SYN_RCVD_PASSIVE,
	EXPLAIN_M_TW_RST_TIME_WAIT,
	EXPLAIN_M_TW_RST_RFC1337,
	EXPLAIN_M_TW_SYN_IN_SYNC,
	EXPLAIN_M_TW_NO_ACK,
	EXPLAIN_M_TW_SYN_RCVD_ACK,
	EXPLAIN_M_TW_SYN_RCVD_BAD_ACK,
	EXPLAIN_M_TW_ACK_TOO_OLD,
	EXPLAIN_M_TW_ACK_UNSENT,
	EXPLAIN_M_TW_ACK_NEW,
	EXPLAIN_M_TW_WINDOW_UPDATE,
	EXPLAIN_M_TW_FIN_ACKED,
	EXPLAIN_M_TW_DATA_IN_ORDER,
	EXPLAIN_M_TW_DATA_OUT_OF_ORDER,
	EXPLAIN_M_TW_FIN_OUT_OF_ORDER,
	EXPLAIN_M_TW_OOO_FULL,
	EXPLAIN_M_TW_DATA_AFTER_FIN,
	EXPLAIN_M_TW_FIN_RECEIVED,
	EXPLAIN_M_TW_FIN_SIMULTANEOUS,
	EXPLAIN_M_TW_FIN_AFTER_OUR_FIN,
	EXPLAIN_M_TW_FIN_IN_TIME_WAIT,
	EXPLAIN_M_TW_FIN_REPEAT,
	EXPLAIN_M_TW_ACK_PIGGYBACKED,
	EXPLAIN_M_TW_WINDOW_OPENED,
	EXPLAIN_M_TW_RTO,
	EXPLAIN_M_TW_RTX_AFTER_RTO,
	EXPLAIN_M_TW_SYN_GAVE_UP,
	EXPLAIN_M_TW_SYNACK_GAVE_UP,
	EXPLAIN_M_TW_DATA_GAVE_UP,
	EXPLAIN_M_TW_PERSIST_PROBE,
	EXPLAIN_M_TW_TIME_WAIT_EXPIRED,
	EXPLAIN_M_TW_FIN_WAIT_2_TIMEOUT,
	EXPLAIN_M_TW_SYN_COOKIE,
	EXPLAIN_M_TW_REPLY_RATE_LIMITED,
	EXPLAIN_M_TW_DATA_ACK_DELAYED,
	EXPLAIN_M_TW_DACK_TIMEOUT,
	EXPLAIN_M_TW_CC_SLOW_START,
	EXPLAIN_M_TW_CC_AVOIDANCE,
	EXPLAIN_M_TW_CC_RTO,
	EXPLAIN_M_TW_CC_THIRD_DUPACK,
	EXPLAIN_M_TW_CC_DUPACK_INFLATE,
	EXPLAIN_M_TW_CC_EARLY_RETRANSMIT,
	EXPLAIN_M_TW_CC_PARTIAL_ACK,
	EXPLAIN_M_TW_CC_RECOVERY_EXIT,
	EXPLAIN_M_TW_FAST_RETRANSMIT,
	EXPLAIN_M_TW_PARTIAL_ACK_RTX,
	EXPLAIN_M_TW_WSCALE_ON,
	EXPLAIN_M_TW_WSCALE_OFF_LOCAL,
	EXPLAIN_M_TW_WSCALE_OFF_PEER,
	EXPLAIN_M_TW_WSCALE_APPLIED,
	EXPLAIN_M_TW_TS_ON,
	EXPLAIN_M_TW_TS_OFF_LOCAL,
	EXPLAIN_M_TW_TS_OFF_PEER,
	EXPLAIN_M_TW_TS_RTTM,
	EXPLAIN_M_TW_PAWS_REJECT,
	EXPLAIN_M_TW_SACK_ON,
	EXPLAIN_M_TW_SACK_OFF_LOCAL,
	EXPLAIN_M_TW_SACK_OFF_PEER,
	EXPLAIN_M_TW_SACK_MARKED,
	EXPLAIN_M_TW_SACK_KEPT,
	EXPLAIN_M_TW_SACK_RENEGED,
	EXPLAIN_M_TW_CC_SACK_LOSS,
	EXPLAIN_M_TW_CC_SACK_DUPACKS,
	EXPLAIN_M_TW_CC_SACK_EXIT,
	EXPLAIN_M_TW_SACK_LOST_RTX,
	EXPLAIN_M_TW_SACK_RULE3_RTX,
	EXPLAIN_M_TW_SACK_RESCUE_RTX,
	EXPLAIN_M_TW_SACK_RTO_FILL,
	EXPLAIN_M_TW_SACK_RTX_LOST_AGAIN,
	EXPLAIN_M_TW_TLP_PTO,
	EXPLAIN_M_TW_TLP_RTX,
	EXPLAIN_M_TW_LAST = EXPLAIN_M_TW_TLP_RTX,
	/* ssthresh in a cwnd line ({ssth}) */
	EXPLAIN_M_CC_SSTH_NONE,		/* no ssthresh yet */
	EXPLAIN_M_CC_SSTH_SAME,		/* {n3} */
	EXPLAIN_M_CC_SSTH_SET,		/* first set: {n3} */
	EXPLAIN_M_CC_SSTH_CHANGED,	/* {n2} -> {n3} */

	/* ---- summary ---- */
	EXPLAIN_M_SUM_HEAD,
	EXPLAIN_M_SUM_HS,
	EXPLAIN_M_SUM_NO_HS,
	EXPLAIN_M_SUM_CLOSE4,
	EXPLAIN_M_SUM_CLOSE3,
	EXPLAIN_M_SUM_CLOSE_OTHER,
	EXPLAIN_M_SUM_RESET,
	EXPLAIN_M_SUM_OPEN,
	EXPLAIN_M_SUM_TIME_WAIT,
	EXPLAIN_M_SUM_TIME_WAIT_CUT,
	EXPLAIN_M_SUM_FINAL,
	EXPLAIN_M_SUM_RTX_NONE,
	EXPLAIN_M_SUM_RTX_HEAD,
	EXPLAIN_M_SUM_RTX_ITEM,
	EXPLAIN_M_SUM_RTX_MORE,
	EXPLAIN_M_SUM_RTX_ITEM_COPY,	/* a listed \"retransmission\" that is a copy */
	EXPLAIN_M_SUM_RTX_ITEM_REUSE,
	EXPLAIN_M_SUM_TIME_WAIT_BOTH,
	EXPLAIN_M_SUM_CLOSE_SIM,	/* the FINs crossed */
	EXPLAIN_M_SUM_UNSHOWN,		/* final state of an end that sent nothing */

	/* ---- ladder and HTML ---- */
	EXPLAIN_M_LAD_TITLE,		/* "Connection {conn}: client {client}, server {server}" */
	EXPLAIN_M_LAD_TIME,
	EXPLAIN_M_LAD_DROPPED,
	EXPLAIN_M_LAD_DELAYED,
	EXPLAIN_M_LAD_DUPLICATED,
	EXPLAIN_M_LAD_REORDERED,
	EXPLAIN_M_LAD_CORRUPTED,
	EXPLAIN_M_LAD_RTX,
	EXPLAIN_M_HTML_TITLE,
	EXPLAIN_M_HTML_HINT,
	EXPLAIN_M_HTML_PANEL,
	EXPLAIN_M_HTML_LEGEND,
	EXPLAIN_M_HTML_SUMMARY,
	EXPLAIN_M_HTML_FILE,
	EXPLAIN_M_LEG_HANDSHAKE,
	EXPLAIN_M_LEG_DATA,
	EXPLAIN_M_LEG_ACK,
	EXPLAIN_M_LEG_CLOSE,
	EXPLAIN_M_LEG_RST,
	EXPLAIN_M_LEG_DROP,
	EXPLAIN_M_LEG_RTX,
	EXPLAIN_M_LEG_STATE,

	EXPLAIN_M_AR_SEQ_AHEAD,	/* a pure ACK whose seq runs ahead of what its sender sent */
	EXPLAIN_M_AF_LOST_AHEAD,	/* tshark's lost-segment label on such a seq */
	EXPLAIN_M_AF_RTX_NOT_RESENT,	/* tshark's retransmission label on the first send of a seq */
	EXPLAIN_M_AR_ACK_UNSENT,	/* an ACK beyond everything the receiver sent */
	EXPLAIN_M_AF_DUPACK_UNSENT,	/* a duplicate ACK answering an ACK of unsent data */
	EXPLAIN_M_WHY_RST_CHALLENGED,	/* a RST in the window but not exact: answered by a challenge ACK */
	EXPLAIN_M_TW_REFIN,	/* a FIN resent to an end in TIME-WAIT */
	EXPLAIN_M_TW_REACK,	/* TIME-WAIT acknowledging a resent FIN again */
	EXPLAIN_M_AF_DUPACK_TW,	/* a duplicate ACK that is TIME-WAIT's ACK of a resent FIN */
	EXPLAIN_M_AR_ACK_RTT_HELD,	/* the ACK's delay includes a step prompt hold */
	EXPLAIN_M_SUM_HS_HELD,	/* the handshake RTT includes a step prompt hold */
	EXPLAIN_M_EDITED,	/* an edited segment: the TCB's own numbers */
	EXPLAIN_M_AF_RTX_ACKED_AHEAD,	/* tshark's retransmission: a hand-made ACK ran ahead */
	EXPLAIN_M_AF_SPURIOUS_AHEAD,	/* ... and its spurious label */
	EXPLAIN_M_AF_DUPACK_OLD,	/* a duplicate ACK answering a segment of old numbers */
	EXPLAIN_M_EV_RTX_HELD,		/* a resend while earlier copies wait at the step prompt */
	EXPLAIN_M_EV_RTX_PREV_HELD,	/* a resend whose previous copy waited {prevheld} there */
	EXPLAIN_M_RTX_DUP_NOID,		/* the same bytes as frame {dupof}, IP ID 0 */
	EXPLAIN_M_RTX_DUP_NOID6,	/* ... over IPv6 (no IP ID) */
	EXPLAIN_M_SUM_RTX_ITEM_SAME,	/* summary: the same bytes, a copy or a resend */
	EXPLAIN_M_RTX_TCB_RTO,		/* live: the sender's TCB says why it resent: ... */
	EXPLAIN_M_RTX_TCB_SYN_REPEAT,
	EXPLAIN_M_RTX_TCB_FAST,
	EXPLAIN_M_RTX_TCB_RECOVERY,
	EXPLAIN_M_RTX_TCB_OTHER,

	EXPLAIN_M_COUNT
};

/* The template of id in lang; never NULL ("" for an out-of-range id or language). */
const char *explain_msg(enum explain_lang lang, enum explain_msg_id id);

/* The two tables (explain_msg_en.c, explain_msg_zh.c); entries may be NULL only when
 * the table is incomplete, which the unit tests reject. */
extern const char *const explain_msg_en[EXPLAIN_M_COUNT];
extern const char *const explain_msg_zh[EXPLAIN_M_COUNT];

/* ---- template expansion ---- */

#define EXPLAIN_VARS_MAX 48
#define EXPLAIN_VAR_LEN 512	/* a SYN's option list in Chinese needs ~300 bytes */

#define EXPLAIN_VARS_HASH 128	/* power of two, > EXPLAIN_VARS_MAX: open addressing */

/* Named values for one template. Names are found through idx (a hash of the name to
 * slot + 1, 0 = empty), so setting ~40 names and expanding a template is linear, not
 * quadratic, in the number of names. Zero-initialising ({ 0 }) also gives an empty set. */
struct explain_vars;
/* A lazy variable source: the value of name (n bytes, not NUL-terminated) formatted
 * into tmp (cap bytes), or NULL when it does not know name. Asked only for names a
 * template uses and the table does not hold, so values most templates never read are
 * never formatted. */
typedef const char *(*explain_var_resolver)(const void *ctx, const char *name, size_t n,
					     char *tmp, size_t cap);

struct explain_vars {
	unsigned n;
	explain_var_resolver resolve;	/* NULL: the table only */
	const void *rctx;
	uint8_t idx[EXPLAIN_VARS_HASH];
	const char *name[EXPLAIN_VARS_MAX];	/* string literals */
	char val[EXPLAIN_VARS_MAX][EXPLAIN_VAR_LEN];
};

/* An empty set (v->n = 0 and idx cleared; the values are not cleared). */
void explain_vars_init(struct explain_vars *v);

/* Sets (or replaces) name to the formatted value. Names must be string literals. A full
 * table drops the value (renderers then print "{name}", which tests catch). */
void explain_var(struct explain_vars *v, const char *name, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* explain_var(v, name, "%s", s) and (v, name, "%llu", u) without the printf machinery. */
void explain_var_s(struct explain_vars *v, const char *name, const char *s);
void explain_var_u(struct explain_vars *v, const char *name, unsigned long long u);

/* Names not in the table are asked from resolve(rctx, ...) when a template uses them;
 * a name set in the table wins over the resolver. NULL turns it off. */
void explain_vars_resolver(struct explain_vars *v, explain_var_resolver fn, const void *ctx);

/* The value of name in the table (the resolver is not asked), or "" when unset. */
const char *explain_var_get(const struct explain_vars *v, const char *name);

/* A growing, always NUL-terminated output buffer; `trunc` is set when cap was short. */
struct explain_sb {
	char *buf;
	size_t cap;
	size_t len;
	bool trunc;
};

void explain_sb_init(struct explain_sb *sb, char *buf, size_t cap);
void explain_sb_puts(struct explain_sb *sb, const char *s);
/* u in decimal, right-aligned in width with pad (' ' or '0'), as printf's "%*llu" and
 * "%0*llu" do, without the printf machinery (the -q line is built per record). */
void explain_sb_u(struct explain_sb *sb, unsigned long long u, int width, char pad);
void explain_sb_printf(struct explain_sb *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Appends tmpl with every "{name}" replaced by its value; an unknown name is copied
 * verbatim with its braces. */
void explain_sb_tmpl(struct explain_sb *sb, const char *tmpl, const struct explain_vars *v);
/* explain_sb_tmpl(sb, explain_msg(lang, id), v). */
void explain_sb_msg(struct explain_sb *sb, enum explain_lang lang, enum explain_msg_id id,
		    const struct explain_vars *v);

#endif
