/* live_link.h - a server's claim on its ADDR:PORT (one synlab-server per address and port in a namespace; live_link.c). */
#ifndef SYNLAB_LIVE_LINK_H
#define SYNLAB_LIVE_LINK_H

#include <stdint.h>

#include "err.h"

/* Binds a TCP socket (never listening) to addr:port (host order); *fd keeps the claim
 * until it is closed. -1 with e when the address is taken (EADDRINUSE) or not ours. */
int live_claim_port(uint32_t addr, uint16_t port, int *fd, struct err *e);
/* The same for an IPv6 address (16 bytes, network order). */
int live_claim_port6(const uint8_t addr[16], uint16_t port, int *fd, struct err *e);

#endif
