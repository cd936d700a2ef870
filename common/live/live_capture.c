/* live_capture.c - the capture stage: each packet that crosses the wire is a frame of the log and of -w, at the time it crossed. */
#include "live_stages.h"

#include "evloop.h"
#include "live_log.h"

/* Received: in the capture at its arrival, before any rule (a segment dropped or delayed
 * on arrival was received all the same). */
static int cap_in(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	live_log_packet(st->pp->g, p->now, p->w.ip, p->w.ip_len);
	p->frame = st->pp->g->frame;	/* its own number, however long a stage holds it */
	p->arrived = p->now;
	return live_pipe_up(st, p, e);
}

/* Sent: once the wire took it (a dropped segment never gets here, a delayed one at its
 * release), with its record and note. */
static int cap_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	uint64_t now;

	if (live_pipe_down(st, p, e) < 0)
		return -1;
	now = evloop_now_us();
	live_log_packet(st->pp->g, now, p->bytes, p->len);
	live_log_mark(st->pp->g, p->c && !p->c->released ? p->c : NULL,
		      p->edited ? &p->made : NULL, p->held_us);
	live_log_seg(st->pp->g, p->c && !p->c->released ? p->c : NULL, &p->s, now, p->copy,
		     p->rtx_why, p->tail);
	return 0;
}

static const struct live_stage_ops capture_ops = {
	.name = "capture", .in = cap_in, .out = cap_out,
};

void live_capture_push(struct live_pipe *pp, struct live_capture *cs)
{
	live_pipe_push(pp, &cs->st, &capture_ops);
}
