/* tcb_names.c - printable names of TCB states, timers, event kinds and reasons (why). */
#include "tcb.h"

#include <stddef.h>

const char *tcb_state_name(enum tcb_state s)
{
	static const char *const names[TCB_NSTATES] = {
		"CLOSED", "LISTEN", "SYN-SENT", "SYN-RECEIVED", "ESTABLISHED", "FIN-WAIT-1",
		"FIN-WAIT-2", "CLOSE-WAIT", "CLOSING", "LAST-ACK", "TIME-WAIT",
	};

	return (unsigned)s < TCB_NSTATES ? names[s] : "?";
}

const char *tcb_timer_name(enum tcb_timer k)
{
	static const char *const names[TCB_NTIMERS] = {
		"none", "rtx", "time-wait", "fin-wait-2", "persist", "delayed-ack",
	};

	return (unsigned)k < TCB_NTIMERS ? names[k] : "?";
}

const char *tcb_ev_kind_name(enum tcb_ev_kind k)
{
	static const char *const names[TCB_NEV_KINDS] = {
		"state", "seg-dropped", "challenge-ack", "rst-sent", "timer", "retransmit",
		"gave-up", "tw-restart", "acked", "data-in", "ooo-queued", "reset", "ack-sent",
		"ack-merged", "window", "rtt", "cwnd", "option",
	};

	return (unsigned)k < TCB_NEV_KINDS ? names[k] : "?";
}

struct tcb_why_info {
	const char *name;
	const char *rfc;
};

static const struct tcb_why_info tcb_whys[TCB_WHY_COUNT] = {
	[TCB_WHY_NONE] = {"none", ""},
	[TCB_WHY_USER_OPEN_ACTIVE] = {"user_open_active", "RFC 9293 §3.10.1"},
	[TCB_WHY_USER_OPEN_PASSIVE] = {"user_open_passive", "RFC 9293 §3.10.1"},
	[TCB_WHY_USER_CLOSE] = {"user_close", "RFC 9293 §3.10.4"},
	[TCB_WHY_USER_ABORT] = {"user_abort", "RFC 9293 §3.10.5"},
	[TCB_WHY_CLOSED_NO_TCB] = {"closed_no_tcb", "RFC 9293 §3.10.7.1"},
	[TCB_WHY_LISTEN_RST] = {"listen_rst", "RFC 9293 §3.10.7.2"},
	[TCB_WHY_LISTEN_ACK] = {"listen_ack", "RFC 9293 §3.10.7.2"},
	[TCB_WHY_LISTEN_SYN] = {"listen_syn", "RFC 9293 §3.10.7.2"},
	[TCB_WHY_LISTEN_OTHER] = {"listen_other", "RFC 9293 §3.10.7.2"},
	[TCB_WHY_SYN_DATA_IGNORED] = {"syn_data_ignored", "RFC 9293 §3.10.7.2, §3.10.7.3"},
	[TCB_WHY_SYN_SENT_BAD_ACK] = {"syn_sent_bad_ack", "RFC 9293 §3.10.7.3"},
	[TCB_WHY_SYN_SENT_RST_NO_ACK] = {"syn_sent_rst_no_ack", "RFC 9293 §3.10.7.3"},
	[TCB_WHY_SYN_SENT_RST] = {"syn_sent_rst", "RFC 9293 §3.10.7.3, RFC 5961 §3.2"},
	[TCB_WHY_SYN_SENT_SYNACK] = {"syn_sent_synack", "RFC 9293 §3.10.7.3"},
	[TCB_WHY_SYN_SENT_SYN] = {"syn_sent_syn", "RFC 9293 §3.10.7.3"},
	[TCB_WHY_SYN_SENT_NO_SYN] = {"syn_sent_no_syn", "RFC 9293 §3.10.7.3"},
	[TCB_WHY_SYN_RCVD_SYN_REPEAT] = {"syn_rcvd_syn_repeat", "RFC 9293 §3.8.1"},
	[TCB_WHY_SEQ_UNACCEPTABLE] = {"seq_unacceptable", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_RST_OUT_OF_WINDOW] = {"rst_out_of_window", "RFC 5961 §3.2"},
	[TCB_WHY_RST_IN_WINDOW] = {"rst_in_window", "RFC 5961 §3.2"},
	[TCB_WHY_RST_RESET] = {"rst_reset", "RFC 9293 §3.10.7.4, RFC 5961 §3.2"},
	[TCB_WHY_RST_SYN_RCVD_PASSIVE] = {"rst_syn_rcvd_passive", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_RST_TIME_WAIT] = {"rst_time_wait", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_RST_RFC1337] = {"rst_rfc1337", "RFC 1337 §3"},
	[TCB_WHY_SYN_IN_SYNC] = {"syn_in_sync", "RFC 5961 §4, RFC 9293 §3.10.7.4"},
	[TCB_WHY_NO_ACK] = {"no_ack", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_SYN_RCVD_ACK] = {"syn_rcvd_ack", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_SYN_RCVD_BAD_ACK] = {"syn_rcvd_bad_ack", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_ACK_TOO_OLD] = {"ack_too_old", "RFC 5961 §5.2"},
	[TCB_WHY_ACK_UNSENT] = {"ack_unsent", "RFC 9293 §3.10.7.4, RFC 5961 §5.2"},
	[TCB_WHY_ACK_NEW] = {"ack_new", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_WINDOW_UPDATE] = {"window_update", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_FIN_ACKED] = {"fin_acked", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_DATA_IN_ORDER] = {"data_in_order", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_DATA_OUT_OF_ORDER] = {"data_out_of_order", "RFC 9293 §3.10.7.4, §3.8.6.2"},
	[TCB_WHY_FIN_OUT_OF_ORDER] = {"fin_out_of_order", "RFC 5681 §4.2, RFC 1122 §4.2.2.21"},
	[TCB_WHY_OOO_FULL] = {"ooo_full", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_DATA_AFTER_FIN] = {"data_after_fin", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_FIN_RECEIVED] = {"fin_received", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_FIN_SIMULTANEOUS] = {"fin_simultaneous", "RFC 9293 §3.10.7.4, §3.6"},
	[TCB_WHY_FIN_AFTER_OUR_FIN] = {"fin_after_our_fin", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_FIN_IN_TIME_WAIT] = {"fin_in_time_wait", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_FIN_REPEAT] = {"fin_repeat", "RFC 9293 §3.10.7.4"},
	[TCB_WHY_ACK_PIGGYBACKED] = {"ack_piggybacked", "RFC 9293 §3.10.4"},
	[TCB_WHY_WINDOW_OPENED] = {"window_opened", "RFC 9293 §3.8.6.2.2"},
	[TCB_WHY_RTO] = {"rto", "RFC 6298 §5.4"},
	[TCB_WHY_RTX_AFTER_RTO] = {"rtx_after_rto", "RFC 6582 §4, RFC 5681 §3.1"},
	[TCB_WHY_SYN_GAVE_UP] = {"syn_gave_up", "RFC 9293 §3.8.3"},
	[TCB_WHY_SYNACK_GAVE_UP] = {"synack_gave_up", "RFC 9293 §3.8.3"},
	[TCB_WHY_DATA_GAVE_UP] = {"data_gave_up", "RFC 9293 §3.8.3"},
	[TCB_WHY_PERSIST_PROBE] = {"persist_probe", "RFC 9293 §3.8.6.1"},
	[TCB_WHY_TIME_WAIT_EXPIRED] = {"time_wait_expired", "RFC 9293 §3.10.8"},
	[TCB_WHY_FIN_WAIT_2_TIMEOUT] = {"fin_wait_2_timeout", "RFC 9293 §3.10.8"},
	[TCB_WHY_SYN_COOKIE] = {"syn_cookie", "RFC 4987 §3.6"},
	[TCB_WHY_REPLY_RATE_LIMITED] = {"reply_rate_limited",
					"RFC 5961 §7, Linux tcp_invalid_ratelimit"},
	[TCB_WHY_DATA_ACK_DELAYED] = {"data_ack_delayed", "RFC 9293 §3.8.6.3, RFC 5681 §4.2"},
	[TCB_WHY_DACK_TIMEOUT] = {"dack_timeout", "RFC 9293 §3.8.6.3, RFC 5681 §4.2"},
	[TCB_WHY_CC_SLOW_START] = {"cc_slow_start", "RFC 5681 §3.1"},
	[TCB_WHY_CC_AVOIDANCE] = {"cc_avoidance", "RFC 5681 §3.1"},
	[TCB_WHY_CC_RTO] = {"cc_rto", "RFC 5681 §3.1, RFC 6298 §5"},
	[TCB_WHY_CC_THIRD_DUPACK] = {"cc_third_dupack", "RFC 5681 §3.2, RFC 6582 §3.2"},
	[TCB_WHY_CC_DUPACK_INFLATE] = {"cc_dupack_inflate", "RFC 5681 §3.2, RFC 6582 §3.2"},
	[TCB_WHY_CC_EARLY_RETRANSMIT] = {"cc_early_retransmit", "RFC 5827 §3.1, RFC 5681 §3.2"},
	[TCB_WHY_CC_PARTIAL_ACK] = {"cc_partial_ack", "RFC 6582 §3.2"},
	[TCB_WHY_CC_RECOVERY_EXIT] = {"cc_recovery_exit", "RFC 6582 §3.2"},
	[TCB_WHY_FAST_RETRANSMIT] = {"fast_retransmit", "RFC 5681 §3.2"},
	[TCB_WHY_PARTIAL_ACK_RTX] = {"partial_ack_rtx", "RFC 6582 §3.2"},
	[TCB_WHY_WSCALE_ON] = {"wscale_on", "RFC 7323 §2.2, §2.3"},
	[TCB_WHY_WSCALE_OFF_LOCAL] = {"wscale_off_local", "RFC 7323 §2.2"},
	[TCB_WHY_WSCALE_OFF_PEER] = {"wscale_off_peer", "RFC 7323 §2.2"},
	[TCB_WHY_WSCALE_APPLIED] = {"wscale_applied", "RFC 7323 §2.3"},
	[TCB_WHY_TS_ON] = {"ts_on", "RFC 7323 §3.2"},
	[TCB_WHY_TS_OFF_LOCAL] = {"ts_off_local", "RFC 7323 §3.2"},
	[TCB_WHY_TS_OFF_PEER] = {"ts_off_peer", "RFC 7323 §3.2"},
	[TCB_WHY_TS_RTTM] = {"ts_rttm", "RFC 7323 §4.1, RFC 6298 §2"},
	[TCB_WHY_PAWS_REJECT] = {"paws_reject", "RFC 7323 §5.3"},
	[TCB_WHY_SACK_ON] = {"sack_on", "RFC 2018 §2"},
	[TCB_WHY_SACK_OFF_LOCAL] = {"sack_off_local", "RFC 2018 §2"},
	[TCB_WHY_SACK_OFF_PEER] = {"sack_off_peer", "RFC 2018 §2"},
	[TCB_WHY_SACK_MARKED] = {"sack_marked", "RFC 2018 §3, §8"},
	[TCB_WHY_SACK_KEPT] = {"sack_kept", "RFC 2018 §8, RFC 6675 §5.1"},
	[TCB_WHY_SACK_RENEGED] = {"sack_reneged", "RFC 2018 §8"},
	[TCB_WHY_CC_SACK_LOSS] = {"cc_sack_loss", "RFC 6675 §4, §5"},
	[TCB_WHY_CC_SACK_DUPACKS] = {"cc_sack_dupacks", "RFC 6675 §5, RFC 5827"},
	[TCB_WHY_CC_SACK_EXIT] = {"cc_sack_exit", "RFC 6675 §5"},
	[TCB_WHY_SACK_LOST_RTX] = {"sack_lost_rtx", "RFC 6675 §4 NextSeg() rule 1"},
	[TCB_WHY_SACK_RULE3_RTX] = {"sack_rule3_rtx", "RFC 6675 §4 NextSeg() rule 3"},
	[TCB_WHY_SACK_RESCUE_RTX] = {"sack_rescue_rtx", "RFC 6675 §4 NextSeg() rule 4"},
	[TCB_WHY_SACK_RTO_FILL] = {"sack_rto_fill", "RFC 6675 §5.1"},
	[TCB_WHY_SACK_RTX_LOST_AGAIN] = {"sack_rtx_lost_again", "RFC 6675 §4 SetPipe(), RFC 8985 §6.2 (by sequence, not time)"},
	[TCB_WHY_TLP_PTO] = {"tlp_pto", "RFC 8985 §7.2, §7.3"},
	[TCB_WHY_TLP_RTX] = {"tlp_rtx", "RFC 8985 §7.3"},
};

const char *tcb_why_name(enum tcb_why w)
{
	if ((unsigned)w >= TCB_WHY_COUNT || !tcb_whys[w].name)
		return "?";
	return tcb_whys[w].name;
}

const char *tcb_why_rfc(enum tcb_why w)
{
	if ((unsigned)w >= TCB_WHY_COUNT || !tcb_whys[w].rfc)
		return "";
	return tcb_whys[w].rfc;
}
