/* syncookie.c - SYN cookies (RFC 4987 §3.6): make and check the stateless SYN+ACK ISN. */
#include "syncookie.h"

#include <sodium.h>
#include <string.h>

#include "bytes.h"

/* Linux's msstab has 4 entries (536, 1300, 1440, 1460); 3 bits give room for 8 common
 * values: minimum IPv4, tunnels/PPPoE, Ethernet, jumbo frames. */
const uint16_t syncookie_mss_table[SYNCOOKIE_NMSS] = {
	536, 1200, 1300, 1360, 1400, 1440, 1460, 8960,
};

static unsigned mss_index(uint16_t mss)
{
	unsigned i = 0;

	if (mss == 0)
		mss = 536;	/* RFC 9293 §3.7.1: no option means 536 */
	while (i + 1 < SYNCOOKIE_NMSS && syncookie_mss_table[i + 1] <= mss)
		i++;
	return i;
}

/* libsodium's crypto_shorthash (SipHash-2-4) is the keyed MAC, as in isn.c. */
static uint32_t mac24(const uint8_t secret[16], const struct tcb_addr *a, uint32_t irs,
		      uint32_t t, unsigned idx)
{
	uint8_t in[57], out[crypto_shorthash_BYTES];
	size_t n = 12;
	uint32_t m;

	bytes_put32(in, a->laddr);
	bytes_put16(in + 4, a->lport);
	bytes_put32(in + 6, a->raddr);
	bytes_put16(in + 10, a->rport);
	if (a->v6) {	/* the full 128-bit addresses, as for the ISN (isn.c) */
		memcpy(in + 12, a->laddr6, 16);
		memcpy(in + 28, a->raddr6, 16);
		n = 44;
	}
	bytes_put32(in + n, irs);
	bytes_put32(in + n + 4, t);
	bytes_put32(in + n + 8, idx);
	in[n + 12] = 0x5c;	/* domain separation from the ISN hash */
	crypto_shorthash(out, in, n + 13, secret);
	memcpy(&m, out, sizeof(m));
	return m & 0xffffffu;
}

static uint32_t counter(uint64_t now)
{
	return (uint32_t)(now / SYNCOOKIE_PERIOD_US);
}

uint32_t syncookie_make(const uint8_t secret[16], const struct tcb_addr *a, uint32_t irs,
			uint16_t mss, uint64_t now)
{
	uint32_t t = counter(now);
	unsigned idx = mss_index(mss);

	return (t & 31u) << 27 | (uint32_t)idx << 24 | mac24(secret, a, irs, t, idx);
}

bool syncookie_check(const uint8_t secret[16], const struct tcb_addr *a, uint32_t irs,
		     uint32_t iss, uint64_t now, uint16_t *mss)
{
	uint32_t now_t = counter(now), t5 = iss >> 27;
	unsigned idx = (iss >> 24) & 7u;

	/* the counter value the cookie was made with: now's or the previous one */
	for (uint32_t age = 0; age < 2 && age <= now_t; age++) {
		uint32_t t = now_t - age;

		if ((t & 31u) != t5 || mac24(secret, a, irs, t, idx) != (iss & 0xffffffu))
			continue;
		if (mss)
			*mss = syncookie_mss_table[idx];
		return true;
	}
	return false;
}
