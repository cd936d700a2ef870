/* helper_tcbcc.h - test helpers for congestion control tests: a sender TCB whose peer is played by hand-made ACKs, and the cwnd events it records. */
#ifndef SYNLAB_HELPER_TCBCC_H
#define SYNLAB_HELPER_TCBCC_H

#include "helper_tcbnet.h"

#define CC_MSS 1460u
#define CC_SEQ(k) (C_ISS + 1 + (k) * CC_MSS)	/* first byte of the client's segment k */

/* Client and server ESTABLISHED (MSS 1460 both, IW 10), outs reset; the client has
 * queued `bytes` and sent what cwnd allows into n->oc. */
struct net *cc_sender(uint32_t bytes);
/* The server's ACK `ack` (window 65535, no data) given to the client at `now`; the
 * client's output is appended to n->oc after it is reset. */
void cc_ack(struct net *n, uint32_t ack, uint64_t now);
/* The client's congestion variables. */
struct tcb_vars cc_vars(const struct net *n);
/* The only TCB_EV_CWND event of o with reason why (fails when there are several). */
const struct tcb_event *cc_ev(const struct tcb_out *o, enum tcb_why why);
/* Events of kind k in o. */
unsigned cc_count(const struct tcb_out *o, enum tcb_ev_kind k);

#endif
