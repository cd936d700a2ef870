/* tcb_cookie.c - SYN cookies in the state machine (RFC 4987 §3.6): the stateless SYN+ACK and the TCB born ESTABLISHED. */
#include "tcb_impl.h"

#include <string.h>

void tcb_cookie_synack(const struct tcb_params *p, const struct seg *syn, uint32_t iss,
		       struct seg *synack)
{
	uint32_t win = p->rcv_buf == 0 || p->rcv_buf > 65535 ? 65535 : p->rcv_buf;

	memset(synack, 0, sizeof(*synack));
	tcb_seg_swap_addrs(syn, synack);
	synack->sport = syn->dport;
	synack->dport = syn->sport;
	synack->df = true;
	synack->seq = iss;
	synack->ack = syn->seq + 1;	/* the SYN only: text on a SYN is ignored (tcb.h) */
	synack->flags = SEG_SYN | SEG_ACK;
	synack->win = (uint16_t)win;
	synack->opts.has_mss = true;
	synack->opts.mss = tcb_mss_for(p, syn->ipv == 6);
}

struct tcb *tcb_accept_cookie(const struct tcb_params *p, const struct tcb_addr *a,
			      uint32_t iss, uint32_t irs, uint16_t mss, uint64_t now,
			      struct tcb_out *o, struct err *e)
{
	struct tcb *t = tcb_new(p, a, e);

	if (!t)
		return NULL;
	t->passive = true;
	t->state = TCB_LISTEN;	/* the listener that sent the cookie, conceptually */
	t->iss = iss;
	t->snd_una = iss + 1;	/* the cookie's SYN is acknowledged by the ACK */
	t->snd_nxt = iss + 1;
	t->sndq_seq = iss + 1;
	t->irs = irs;
	t->rcv_nxt = irs + 1;
	t->rcv_adv = t->rcv_nxt + tcb_p_rcv_buf(t);
	t->peer_mss = mss ? mss : tcb_default_mss(t->a.v6);
	t->snd_wnd = t->max_snd_wnd = 0;
	t->snd_wl1 = irs;	/* older than the ACK's SEQ (IRS+1): its window is taken */
	t->snd_wl2 = iss;
	tcb_cc_init(t);
	tcb_ev_n(tcb_set_state(t, TCB_ESTABLISHED, TCB_WHY_SYN_COOKIE, now, o), iss, irs,
		 t->peer_mss, 0);
	return t;
}
