/* explain_names.c - stable names of explain.h's analysis flags and explanation rules. */
#include "explain.h"

#include <stddef.h>

/* Field names after "tcp.analysis." exactly as tshark spells them. */
static const char *const flag_names[EXPLAIN_AF_COUNT] = {
	"retransmission", "fast_retransmission", "spurious_retransmission",
	"out_of_order", "lost_segment", "ack_lost_segment", "duplicate_ack",
	"zero_window", "zero_window_probe", "zero_window_probe_ack", "window_full",
	"window_update", "keep_alive", "keep_alive_ack", "reused_ports",
};

const char *explain_flag_name(uint32_t bit)
{
	for (unsigned i = 0; i < EXPLAIN_AF_COUNT; i++)
		if (bit == (1u << i))
			return flag_names[i];
	return NULL;
}

static const char *const why_names[EXPLAIN_WHY_COUNT] = {
	"none", "syn", "syn_ack", "handshake_ack", "data", "ack", "fin", "fin_reply",
	"fin_ack", "rst", "simultaneous", "other",
};

const char *explain_why_name(enum explain_why w)
{
	if ((unsigned)w >= EXPLAIN_WHY_COUNT)
		return "invalid";
	return why_names[w];
}

/* The state machine's own table (tcb_names.c): one spelling of each state everywhere. */
const char *explain_state_name(enum tcb_state s)
{
	if ((unsigned)s >= TCB_NSTATES)
		return "INVALID";
	return tcb_state_name(s);
}

/* Why a summary's retransmission was sent again (enum explain_rtx_cause), for JSON. */
const char *explain_rtx_cause_name(uint8_t c)
{
	static const char *const names[] = { "unknown", "timer", "fast", "duplicate", "reuse",
					     "same_bytes" };

	return c < sizeof(names) / sizeof(names[0]) ? names[c] : "unknown";
}
