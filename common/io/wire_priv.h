/* wire_priv.h - internal pieces of the wire layer shared by wire_addr.c, wire_open.c, wire_send.c, wire_recv.c. */
#ifndef SYNLAB_WIRE_PRIV_H
#define SYNLAB_WIRE_PRIV_H

#include "wire.h"

/* Opens w->ln for w->device with SO_BINDTODEVICE and SO_MARK mark. */
int wire_tx_open(struct wire *w, uint32_t mark, struct err *e);

/* Opens w->pc on w->device, filtered for w->local / w->port. */
int wire_rx_open(struct wire *w, struct err *e);

/* Formats a host-order IPv4 address into buf (>= 16 bytes). */
const char *wire_ntoa(uint32_t addr, char *buf);

/* The lab gives CAP_NET_RAW to any user (rootless: root of a user namespace the user owns). */
#define WIRE_NEED_ROOT "needs CAP_NET_RAW: run it inside the lab with `scripts/lab exec " \
	"client|server ...` (as any user), or as root (sudo)"

#endif
