/* live_log.c - the live programs' per-segment log: one line per segment, one per notable engine event. */
#include "live.h"

#include <inttypes.h>
#include <stdio.h>

/* Relative numbering as tcpdump does: absolute on SYNs, relative to ISS / IRS after. */
static void bases(const struct live_conn *c, const struct seg *s, bool out, uint32_t *sb,
		  uint32_t *ab)
{
	bool irs_known = c && tcb_state(c->tcb) != TCB_SYN_SENT &&
			 tcb_state(c->tcb) != TCB_LISTEN && tcb_state(c->tcb) != TCB_CLOSED;

	*sb = *ab = 0;
	if (!c || (s->flags & SEG_SYN))
		return;
	if (out) {
		*sb = tcb_iss(c->tcb);
		*ab = irs_known ? tcb_irs(c->tcb) : 0;
	} else {
		*sb = irs_known ? tcb_irs(c->tcb) : 0;
		*ab = tcb_iss(c->tcb);
	}
}

void live_log_seg(struct live *l, const struct live_conn *c, const struct seg *s, bool out,
		    uint64_t now, const char *tail)
{
	char line[512];
	uint32_t sb, ab;

	l->frame++;
	if (!l->log)
		return;
	bases(c, s, out, &sb, &ab);
	seg_format(s, sb, ab, line, sizeof(line));
	fprintf(l->log, "#%-3u %4" PRIu64 " %10.6f %s > %s  %s%s%s\n", c ? c->id : 0, l->frame,
		live_elapsed(l, now) / 1e6, out ? l->local_name : l->peer_name,
		out ? l->peer_name : l->local_name, line, tail ? "   " : "", tail ? tail : "");
	fflush(l->log);
}

void live_log_in(struct live *l, const struct live_conn *c, const struct seg *s,
		 enum tcb_state before, enum tcb_state after)
{
	char tail[96] = "";

	if (before != after)
		snprintf(tail, sizeof(tail), "%s -> %s", tcb_state_name(before),
			 tcb_state_name(after));
	live_log_seg(l, c, s, false, evloop_now_us(), before != after ? tail : NULL);
}

/* Bookkeeping events the per-segment line already shows (ACKs, RTT, window). */
static bool routine(enum tcb_ev_kind k)
{
	return k == TCB_EV_ACKED || k == TCB_EV_RTT || k == TCB_EV_WINDOW ||
	       k == TCB_EV_DATA_IN || k == TCB_EV_ACK_MERGED || k == TCB_EV_ACK_SENT;
}

void live_log_event(struct live *l, const struct live_conn *c, const struct tcb_event *v)
{
	char what[160];

	if (!l->log || routine(v->kind))
		return;
	switch (v->kind) {
	case TCB_EV_STATE:
		snprintf(what, sizeof(what), "state %s -> %s", tcb_state_name(v->from),
			 tcb_state_name(v->to));
		break;
	case TCB_EV_TIMER:
		snprintf(what, sizeof(what), "%s timer fired after %.6f s",
			 tcb_timer_name(v->timer), v->after_us / 1e6);
		break;
	case TCB_EV_RETRANSMIT:
		snprintf(what, sizeof(what), "retransmission #%d, %.6f s after the previous send; "
			 "next RTO %.6f s", v->count, v->after_us / 1e6, v->rto_us / 1e6);
		break;
	default:
		snprintf(what, sizeof(what), "%s%s", tcb_ev_kind_name(v->kind),
			 v->limited ? " (rate-limited)" : "");
		break;
	}
	fprintf(l->log, "#%-3u      %10.6f   %s: %s (%s)\n", c ? c->id : 0,
		live_elapsed(l, v->now) / 1e6, what, tcb_why_name(v->why), tcb_why_rfc(v->why));
}

