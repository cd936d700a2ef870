/* tcb_stamp.c - the options and window field of every segment we send (RFC 7323, RFC 2018): SYN offers, TSopt, SACK blocks, the scaled window; and the peer's scaled window. */
#include "tcb_impl.h"

#include <string.h>

/*
 * Why apart from tcb_opts.c: tcb_emit.c stamps every segment with these, and the rest
 * of the options code (PAWS answers through tcb_reply.c, the scoreboard over tcb_rtx.c)
 * sends segments itself; this half reads only t->opt, the receive queue and the MSS,
 * so it sits below tcb_emit.c and calls nothing above it.
 */

/* The smallest shift that lets the 16-bit field say our whole buffer (RFC 7323 §2.3). */
uint8_t tcb_opts_our_shift(const struct tcb *t)
{
	uint32_t b = tcb_p_rcv_buf(t);
	uint8_t s = 0;

	while (s < TCB_WS_MAX && (b >> s) > 65535)
		s++;
	return s;
}

/* The offset of our clock: a keyed hash of the reversed 4-tuple (not the ISN's F() of
 * the same tuple), so the clock's value says nothing about uptime (§5.4, §7.1). */
static uint32_t opts_ts_offset(const struct tcb *t)
{
	struct tcb_addr rev = { .laddr = t->a.raddr, .raddr = t->a.laddr, .lport = t->a.rport,
				.rport = t->a.lport, .v6 = t->a.v6 };

	memcpy(rev.laddr6, t->a.raddr6, sizeof(rev.laddr6));	/* IPv6: the whole addresses */
	memcpy(rev.raddr6, t->a.laddr6, sizeof(rev.raddr6));

	return tcb_isn(t->p->isn_secret, &rev, 0);
}

/* Our timestamp clock: 1 ms ticks (§5.4 asks for 1 ms .. 1 s) of the `now` passed in. */
uint32_t tcb_opts_tsval(const struct tcb *t, uint64_t now)
{
	return (uint32_t)(now / 1000) + opts_ts_offset(t);
}

/* Our SYN offers what is not turned off; a SYN+ACK what was agreed (§2.2: "only if it
 * received a WS option in the SYN", likewise §3.2 and RFC 2018 §2). */
static void opts_offer(struct tcb *t, struct seg *s, uint64_t now)
{
	bool synack = s->flags & SEG_ACK;
	struct seg_opts *so = &s->opts;

	if (synack ? t->opt.ws_ok : !t->p->no_wscale) {
		so->has_wscale = true;
		so->wscale = tcb_opts_our_shift(t);
	}
	so->sack_perm = synack ? t->opt.sack_ok : !t->p->no_sack;
	if (synack ? t->opt.ts_ok : !t->p->no_timestamps) {
		so->has_ts = true;
		so->tsval = tcb_opts_tsval(t, now);
		so->tsecr = synack ? t->opt.ts_recent : 0;	/* §3.2: 0 without ACK */
	}
}

void tcb_opts_stamp(struct tcb *t, struct seg *s, uint64_t now)
{
	if (s->flags & SEG_RST)
		return;	/* a RST carries no options here (RFC 7323 §3.2 allows either) */
	if (s->flags & SEG_ACK)
		t->opt.last_ack_sent = s->ack;
	if (s->flags & SEG_SYN) {
		opts_offer(t, s, now);
		return;
	}
	if (t->opt.ts_ok) {	/* §3.2: in every non-RST segment once agreed */
		s->opts.has_ts = true;
		s->opts.tsval = tcb_opts_tsval(t, now);
		s->opts.tsecr = (s->flags & SEG_ACK) ? t->opt.ts_recent : 0;
	}
	if (t->opt.sack_ok && (s->flags & SEG_ACK))
		tcb_sack_blocks(t, &s->opts, s->len);
}

uint32_t tcb_opts_max_wnd(const struct tcb *t)
{
	return t->opt.ws_ok ? 65535u << t->opt.rcv_shift : 65535;
}

uint16_t tcb_opts_win_field(const struct tcb *t, uint32_t wnd, uint8_t flags)
{
	if (!(flags & SEG_SYN) && t->opt.ws_ok)
		wnd >>= t->opt.rcv_shift;	/* §2.3: rounded down, never more than we have */
	return (uint16_t)(wnd > 65535 ? 65535 : wnd);
}

/* RFC 2018 §4: the first block holds the segment that triggered the ACK, the others
 * repeat the most recently reported; the queue stamps each range with the age of its
 * latest segment, so newest first is both. At most 4 blocks fit in 40 option bytes, 3
 * beside a timestamp (10 + 2 bytes, §3); on a segment with data, only as many as fit
 * beside it in the MSS (4 bytes of NOP NOP kind length, then 8 a block), so that no
 * segment grows past the MSS. */
void tcb_sack_blocks(struct tcb *t, struct seg_opts *so, uint32_t len)
{
	const struct rcvq *q = &t->rcvq;
	uint32_t room = tcb_eff_mss(t) > len ? tcb_eff_mss(t) - len : 0;
	uint8_t max = t->opt.ts_ok ? 3 : SEG_MAX_SACK;
	unsigned used = 0;	/* bit k: range k already reported */

	if (len > 0)
		max = room < 12 ? 0 : (uint8_t)((room - 4) / 8 < max ? (room - 4) / 8 : max);
	so->nsack = 0;
	if (!q->ooo)
		return;
	while (so->nsack < max && so->nsack < q->nooo) {
		int k = -1;

		for (unsigned i = 0; i < q->nooo; i++)
			if (!(used >> i & 1) &&
			    (k < 0 || (int32_t)(q->ooo[i].age - q->ooo[k].age) > 0))
				k = (int)i;
		used |= 1u << k;
		so->sack[so->nsack].left = q->ooo[k].lo;
		so->sack[so->nsack].right = q->ooo[k].hi;
		so->nsack++;
	}
}

/* The peer's window in bytes (received): read here beside our own field, since the
 * congestion control (tcb_cc.c) needs it on the same floor as tcb_opts.c. */
uint32_t tcb_opts_seg_wnd(const struct tcb *t, const struct seg *s)
{
	if ((s->flags & SEG_SYN) || !t->opt.ws_ok)
		return s->win;	/* §2.2: the window of a SYN is never scaled */
	return (uint32_t)s->win << t->opt.snd_shift;
}
