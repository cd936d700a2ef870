/* sndq.h - the send buffer: bytes from SND.UNA on, contiguous so segments can point in. */
#ifndef SYNLAB_SNDQ_H
#define SYNLAB_SNDQ_H

#include <stddef.h>
#include <stdint.h>

/* A linear buffer of cap bytes, allocated on the first append. Unacknowledged and unsent
 * bytes are buf[off .. off+len). Acknowledged bytes are dropped from the front and the
 * rest is moved down (memmove) only inside sndq_consume(), so payload pointers handed out
 * stay valid until the next sndq_consume(). Appends use the space after off+len. */
struct sndq {
	uint8_t *buf;
	uint32_t cap;		/* bytes (snd_buf) */
	uint32_t off;		/* offset of the first unacknowledged byte */
	uint32_t len;		/* bytes held */
};

void sndq_init(struct sndq *q, uint32_t cap);
void sndq_free(struct sndq *q);
/* Appends up to n bytes; returns how many fit, or -1 when allocation failed. */
long sndq_append(struct sndq *q, const void *p, size_t n);
/* Drops n acknowledged bytes from the front (n is clipped to len). */
void sndq_consume(struct sndq *q, uint32_t n);
/* Pointer to the byte at offset i from the front (i < len), NULL when out of range. */
const uint8_t *sndq_at(const struct sndq *q, uint32_t i);
static inline uint32_t sndq_space(const struct sndq *q) { return q->cap - q->off - q->len; }

#endif
