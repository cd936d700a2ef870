/* rcvq.h - the receive buffer: in-order bytes for the reader plus an out-of-order queue. */
#ifndef SYNLAB_RCVQ_H
#define SYNLAB_RCVQ_H

#include <stddef.h>
#include <stdint.h>

#define RCVQ_OOO_MAX 8	/* out-of-order ranges held at once (bounded reassembly) */

/* Absolute sequence range [lo, hi) held beyond RCV.NXT. */
struct rcvq_range {
	uint32_t lo, hi;
	uint32_t age;	/* stamp of the latest segment stored in it, larger = newer (modulo
			 * 2^32): SACK reports the newest blocks first (RFC 2018 §4) */
};

/* A ring of cap bytes, allocated on the first insert. The `ready` in-order bytes start at
 * ring index head; out-of-order bytes sit at their place after them (the receive window
 * never exceeds cap - ready, so they always fit). */
struct rcvq {
	uint8_t *buf;
	struct rcvq_range *ooo;	/* RCVQ_OOO_MAX entries, allocated at the first out-of-order
				 * segment (most connections never see one); sorted,
				 * disjoint, not touching */
	uint32_t cap;		/* bytes (rcv_buf) */
	uint32_t head;		/* ring index of the first readable byte */
	uint32_t ready;		/* readable bytes */
	unsigned nooo;
};

void rcvq_init(struct rcvq *q, uint32_t cap);
void rcvq_free(struct rcvq *q);
/* Stores len bytes of sequence seq, rcv_nxt <= seq and seq - rcv_nxt + len <= cap - ready
 * (the caller trimmed to the window). Sets *advanced to how far RCV.NXT moves (the segment
 * plus any queued ranges it joins). Returns -1 when the out-of-order queue is full or
 * memory ran out (nothing stored, *advanced 0). */
int rcvq_insert(struct rcvq *q, uint32_t rcv_nxt, uint32_t seq, const uint8_t *p, uint32_t len,
		uint32_t *advanced);
/* Copies up to cap readable bytes out; returns the count. */
size_t rcvq_read(struct rcvq *q, void *buf, size_t cap);
/* Bytes held out of order. */
uint32_t rcvq_ooo_bytes(const struct rcvq *q);

#endif
