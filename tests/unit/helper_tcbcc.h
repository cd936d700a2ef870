/* helper_tcbcc.h - test helpers for congestion control tests: a sender TCB whose peer is played by hand-made ACKs, and the cwnd events it records. */
#ifndef SYNLAB_HELPER_TCBCC_H
#define SYNLAB_HELPER_TCBCC_H

#include "helper_tcbnet.h"

#define CC_MSS 1460u
#define CC_SEQ(k) (C_ISS + 1 + (k) * CC_MSS)	/* first byte of the client's segment k */

/* tn_params for both ends, the client offering no timestamps: the 12 bytes of TSopt
 * would make SMSS 1448 (RFC 6691), and these tests count in segments of 1460, nor SACK:
 * without it the sender recovers by NewReno (with it, RFC 6675:
 * test_tcb_sack_recovery.c). Window scale stays offered (shift 0 with the default 65535
 * buffer). test_tcb_newreno.c's with_options_* run with all three on. */
void cc_params(struct tcb_params *pc, struct tcb_params *ps);
/* Client and server ESTABLISHED (cc_params: MSS 1460 both, IW 10), outs reset; the
 * client has queued `bytes` and sent what cwnd allows into n->oc. */
struct net *cc_sender(uint32_t bytes);
/* The server's ACK `ack` (window 65535, no data) given to the client at `now`; the
 * client's output is appended to n->oc after it is reset. */
void cc_ack(struct net *n, uint32_t ack, uint64_t now);
/* cc_sender's connection with SACK agreed and the tail loss probe on (RFC 6675, 8985). */
struct net *cc_sack_sender(uint32_t bytes);
/* cc_ack with SACK blocks of the client's segments [blk[i][0], blk[i][1]), nblk of them. */
void cc_sack_ack(struct net *n, uint32_t ack, unsigned nblk, const unsigned (*blk)[2],
		 uint64_t now);
/* The client's congestion variables. */
struct tcb_vars cc_vars(const struct net *n);
/* The only TCB_EV_CWND event of o with reason why (fails when there are several). */
const struct tcb_event *cc_ev(const struct tcb_out *o, enum tcb_why why);
/* Events of kind k in o. */
unsigned cc_count(const struct tcb_out *o, enum tcb_ev_kind k);

#endif
