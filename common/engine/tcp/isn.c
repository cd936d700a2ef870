/* isn.c - RFC 6528 initial sequence numbers: M (4 us clock) + F(4-tuple, secret), F = SipHash. */
#include "tcb.h"

#include <sodium.h>
#include <string.h>

/* RFC 6528 §3: F() over the whole connection-id; for IPv6 that is both 128-bit
 * addresses, so two connections that differ only in the upper 96 bits of an address
 * still get unrelated ISNs. The family byte keeps the two layouts apart. */
static uint32_t isn6(const uint8_t secret[16], const struct tcb_addr *a)
{
	uint8_t in[37], out[crypto_shorthash_BYTES];
	uint32_t f;

	memcpy(in, a->laddr6, 16);
	in[16] = (uint8_t)(a->lport >> 8);
	in[17] = (uint8_t)a->lport;
	memcpy(in + 18, a->raddr6, 16);
	in[34] = (uint8_t)(a->rport >> 8);
	in[35] = (uint8_t)a->rport;
	in[36] = 6;
	crypto_shorthash(out, in, sizeof(in), secret);
	memcpy(&f, out, sizeof(f));
	return f;
}

/* libsodium's crypto_shorthash (SipHash-2-4, 128-bit key) is the keyed PRF F() RFC 6528 §3
 * asks for; we only lay the 4-tuple out in a fixed byte order. */
uint32_t tcb_isn(const uint8_t secret[16], const struct tcb_addr *a, uint64_t now)
{
	uint8_t in[12], out[crypto_shorthash_BYTES];
	uint32_t f;

	if (a->v6)
		return (uint32_t)(now / 4) + isn6(secret, a);
	in[0] = (uint8_t)(a->laddr >> 24);
	in[1] = (uint8_t)(a->laddr >> 16);
	in[2] = (uint8_t)(a->laddr >> 8);
	in[3] = (uint8_t)a->laddr;
	in[4] = (uint8_t)(a->lport >> 8);
	in[5] = (uint8_t)a->lport;
	in[6] = (uint8_t)(a->raddr >> 24);
	in[7] = (uint8_t)(a->raddr >> 16);
	in[8] = (uint8_t)(a->raddr >> 8);
	in[9] = (uint8_t)a->raddr;
	in[10] = (uint8_t)(a->rport >> 8);
	in[11] = (uint8_t)a->rport;
	/* crypto_shorthash needs no sodium_init(): it uses no random source. */
	crypto_shorthash(out, in, sizeof(in), secret);
	memcpy(&f, out, sizeof(f));
	return (uint32_t)(now / 4) + f;	/* M: a timer ticking every 4 us (RFC 9293 §3.4.1) */
}
