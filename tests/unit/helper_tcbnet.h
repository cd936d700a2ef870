/* helper_tcbnet.h - test helpers for the TCB core tests: two TCBs back to back, a fake clock. */
#ifndef SYNLAB_HELPER_TCBNET_H
#define SYNLAB_HELPER_TCBNET_H

#include <stdbool.h>
#include <stdint.h>

#include "tcb.h"

#define S 1000000ull
#define MS 1000ull
#define C_ISS 1000u
#define S_ISS 5000u

extern const struct tcb_addr tn_ca;	/* client 198.18.0.1:40000 -> 198.18.0.2:8080 */
extern const struct tcb_addr tn_sa;	/* the server's view of the same connection */

/* Two TCBs wired back to back, a fake clock, and one tcb_out each. */
struct net {
	struct tcb_params pc, ps;	/* copies the TCBs point at (tcb_new keeps a pointer) */
	struct tcb *c, *s;
	struct tcb_out *oc, *os;
	uint64_t now;
};

/* Linux defaults with a fixed ISS. */
void tn_params(struct tcb_params *p, uint32_t iss);
struct net *tn_new(const struct tcb_params *pc, const struct tcb_params *ps);
struct net *tn_default(void);
void tn_free(struct net *n);
/* Delivers every segment of src to dst (dst's output appended to dst_out), resets src. */
void tn_xfer(struct tcb_out *src, struct tcb *dst, struct tcb_out *dst_out, uint64_t now);
const struct tcb_event *tn_find(const struct tcb_out *o, enum tcb_ev_kind k, enum tcb_why why);
/* Passive server, active client, three segments: both ESTABLISHED, outs reset. */
void tn_handshake(struct net *n);
/* A hand-made segment sent by the side whose view is `from`. */
struct seg tn_seg(const struct tcb_addr *from, uint32_t seq, uint32_t ack, uint8_t flags);

#endif
