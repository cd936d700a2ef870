/* seg_int.h - helpers shared by the IPv4 codec (seg.c) and the capture parser (seg_cap.c); not part of the API. */
#ifndef SYNLAB_SEG_INT_H
#define SYNLAB_SEG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "seg.h"

/* Copies the IPv4 header fields of b (ihl bytes, checked) into s; ipv = 4. */
void seg_ip4_store(const uint8_t *b, size_t ihl, struct seg *s);

/* Copies the fixed TCP header fields (RFC 9293 §3.1) of t (>= 20 bytes) into s. */
void seg_tcp_store(const uint8_t *t, struct seg *s);

#endif
