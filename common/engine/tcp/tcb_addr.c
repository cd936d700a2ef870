/* tcb_addr.c - a connection's 4-tuple in either family: from a segment, compared, written into one. */
#include "tcb.h"

#include <string.h>

struct tcb_addr tcb_addr_of_seg(const struct seg *s, bool inbound)
{
	struct tcb_addr a;

	memset(&a, 0, sizeof(a));
	a.v6 = s->ipv == 6;
	a.laddr = inbound ? s->daddr : s->saddr;
	a.raddr = inbound ? s->saddr : s->daddr;
	a.lport = inbound ? s->dport : s->sport;
	a.rport = inbound ? s->sport : s->dport;
	if (a.v6) {
		memcpy(a.laddr6, inbound ? s->daddr6 : s->saddr6, 16);
		memcpy(a.raddr6, inbound ? s->saddr6 : s->daddr6, 16);
	}
	return a;
}

bool tcb_addr_eq(const struct tcb_addr *a, const struct tcb_addr *b)
{
	if (a->v6 != b->v6 || a->lport != b->lport || a->rport != b->rport)
		return false;
	if (a->v6)
		return memcmp(a->laddr6, b->laddr6, 16) == 0 && memcmp(a->raddr6, b->raddr6, 16) == 0;
	return a->laddr == b->laddr && a->raddr == b->raddr;
}

bool tcb_addr_inbound(const struct tcb_addr *a, const struct seg *s)
{
	struct tcb_addr b = tcb_addr_of_seg(s, true);

	return tcb_addr_eq(a, &b);
}

void tcb_addr_to_seg(const struct tcb_addr *a, struct seg *s)
{
	s->ipv = a->v6 ? 6 : 4;
	s->saddr = a->laddr;
	s->daddr = a->raddr;
	if (a->v6) {
		memcpy(s->saddr6, a->laddr6, 16);
		memcpy(s->daddr6, a->raddr6, 16);
	}
}

void tcb_seg_swap_addrs(const struct seg *s, struct seg *rep)
{
	rep->ipv = s->ipv;
	rep->saddr = s->daddr;
	rep->daddr = s->saddr;
	memcpy(rep->saddr6, s->daddr6, 16);
	memcpy(rep->daddr6, s->saddr6, 16);
}
