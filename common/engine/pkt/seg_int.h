/* seg_int.h - the codec's halves and helpers shared by seg.c, seg_v6.c, seg_cap.c and seg_ip.c; not part of the API. */
#ifndef SYNLAB_SEG_INT_H
#define SYNLAB_SEG_INT_H

#include <stddef.h>
#include <stdint.h>

#include "seg.h"

/* Copies the IPv4 header fields of b (ihl bytes, checked) into s; ipv = 4. */
void seg_ip4_store(const uint8_t *b, size_t ihl, struct seg *s);

/* Copies the fixed TCP header fields (RFC 9293 §3.1) of t (>= 20 bytes) into s. */
void seg_tcp_store(const uint8_t *t, struct seg *s);

/* The IPv4 halves of seg_build / seg_parse (seg.c) and the IPv6 ones (seg_v6.c), chosen
 * by s->ipv / the version nibble in seg_ip.c; seg_parse4 expects s zeroed. */
int seg_build4(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e);
int seg_parse4(const uint8_t *buf, size_t len, struct seg *s, struct err *e);
int seg_build6(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e);
int seg_parse6(const uint8_t *buf, size_t len, struct seg *s, struct err *e);

#endif
