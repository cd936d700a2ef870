/* prng.h - a seeded, platform-independent PRNG (splitmix64 seeding, xoshiro256** draws). */
#ifndef SYNLAB_PRNG_H
#define SYNLAB_PRNG_H

#include <stdint.h>

/*
 * Hand-written on purpose: libc's rand()/random() and libsodium's randombytes are either
 * not reproducible across platforms or not seedable, and a lab run must repeat exactly
 * from a printed seed on any machine. The algorithms are Vigna's public-domain
 * splitmix64 and xoshiro256** (https://prng.di.unimi.it/), written from their
 * definitions; only fixed-width integer arithmetic is used.
 */
struct prng {
	uint64_t s[4];
};

/* One splitmix64 step: advances *x and returns the next output. */
uint64_t prng_splitmix64(uint64_t *x);

/* Seeds the generator: the four state words are four splitmix64 outputs of seed. */
void prng_seed(struct prng *p, uint64_t seed);

/* Next 64-bit xoshiro256** output. */
uint64_t prng_next(struct prng *p);

/* Uniform integer in [0, n) for n >= 1 (Lemire's multiply-shift with rejection: exact,
 * no modulo bias). Uses the upper 32 bits of one or more prng_next() outputs. */
uint32_t prng_below(struct prng *p, uint32_t n);

#endif
