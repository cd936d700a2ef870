/* live_wire.c - the bottom stage: segments to the raw socket, received packets from the capture. */
#include "live_stages.h"

#include <string.h>

#include "evloop.h"

static int wire_out(struct live_stage *st, struct live_pkt *p, struct err *e)
{
	struct live_wire *ws = (struct live_wire *)st;
	size_t n;

	if (wire_encode(&ws->w, &p->s, ws->txbuf, sizeof(ws->txbuf), &n, e) < 0)
		return -1;
	if (p->corrupt && impair_corrupt_bytes(ws->txbuf, n) < 0)
		return err_set(e, "impair: cannot corrupt a segment that is not IPv4+TCP");
	if (wire_send_bytes(&ws->w, ws->txbuf, n, e) < 0)
		return -1;
	ws->n.sent++;
	ws->n.rst_sent += !!(p->s.flags & SEG_RST);
	p->bytes = ws->txbuf;	/* for the capture stage above */
	p->len = n;
	return 0;
}

static void wire_free(struct live_stage *st)
{
	wire_close(&((struct live_wire *)st)->w);
}

static const struct live_stage_ops wire_ops = {
	.name = "wire", .out = wire_out, .free = wire_free,
};

void live_wire_push(struct live_pipe *pp, struct live_wire *ws)
{
	live_pipe_push(pp, &ws->st, &wire_ops);
}

int live_wire_poll(struct live_wire *ws, struct err *e)
{
	struct live_pkt p;
	int r;

	memset(&p, 0, sizeof(p));
	if ((r = wire_recv(&ws->w, &p.w, e)) <= 0)
		return r;
	p.s = p.w.seg;
	/* read now, stamped now: a time taken by the loop was taken before this turn's work, which
	 * may have sent the very segment this one answers (a step decision); a stale stamp
	 * put replies before their cause in the log and the -w file (issue #12, item 7) */
	p.now = evloop_now_us();
	p.stable = true;	/* in w->rxbuf until the next wire_recv */
	ws->n.received++;
	ws->n.bad_csum += p.w.kind == WIRE_PKT_BAD_CSUM;
	ws->n.unparsed += p.w.kind == WIRE_PKT_UNPARSED;
	return live_pipe_recv(ws->st.pp, &p, e) < 0 ? -1 : 1;
}
