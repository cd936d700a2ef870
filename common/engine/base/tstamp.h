/* tstamp.h - an exact capture timestamp (seconds + attoseconds, with the file's resolution) and its decimal form. */
#ifndef SYNLAB_TSTAMP_H
#define SYNLAB_TSTAMP_H

#include <stdint.h>
#include <stdio.h>

/*
 * Why not a double or a microsecond count: pcap files come in microseconds or
 * nanoseconds and pcapng interfaces may declare any resolution (if_tsresol: 10^-n or
 * 2^-n, RFC draft-ietf-opsawg-pcapng §4.2). A double keeps ~16 significant digits, so a
 * nanosecond stamp of today's epoch (19 digits) would be rounded; attoseconds within the
 * second hold every decimal resolution up to 10^-18 exactly, and 2^-n up to n = 18.
 * Negative values (a capture whose clock stepped back) keep sec < 0 and as >= 0
 * (floor form: -0.25 s is sec -1, as 0.75e18).
 */
struct tstamp {
	int64_t sec;
	uint64_t as;		/* attoseconds, 0 .. TSTAMP_AS - 1 */
	uint8_t digits;		/* decimal places the source resolves (6 us, 9 ns); 0 = unset */
};

#define TSTAMP_AS 1000000000000000000ull	/* attoseconds per second */
#define TSTAMP_MAX_DIGITS 18

/* 10^n for n in 0..18. */
static inline uint64_t tstamp_pow10(unsigned n)
{
	uint64_t p = 1;

	while (n-- > 0)
		p *= 10;
	return p;
}

/* A count of units where one unit is 10^-n seconds (pow2 = 0) or 2^-n seconds (pow2 = 1),
 * n <= 63; digits = how many decimal places represent the unit exactly (capped at 18:
 * finer binary units are rounded down to attoseconds). */
static inline struct tstamp tstamp_from_units(uint64_t count, unsigned n, int pow2)
{
	struct tstamp t = { 0, 0, 0 };

	if (!pow2) {
		unsigned k = n > TSTAMP_MAX_DIGITS ? TSTAMP_MAX_DIGITS : n;
		uint64_t per = tstamp_pow10(k), drop = n > k ? tstamp_pow10(n - k) : 1;

		count /= drop;	/* finer than attoseconds: rounded down */
		t.sec = (int64_t)(count / per);
		t.as = (count % per) * (TSTAMP_AS / per);
		t.digits = (uint8_t)k;
		return t;
	}
	unsigned __int128 rem = count & (n >= 64 ? ~0ull : ((1ull << n) - 1));
	t.sec = (int64_t)(n >= 64 ? 0 : count >> n);
	t.as = (uint64_t)((rem * TSTAMP_AS) >> n);
	t.digits = (uint8_t)(n > TSTAMP_MAX_DIGITS ? TSTAMP_MAX_DIGITS : n);
	return t;
}

/* a - b; the result's resolution is the finer of the two. */
static inline struct tstamp tstamp_sub(struct tstamp a, struct tstamp b)
{
	struct tstamp d;

	d.sec = a.sec - b.sec;
	if (a.as >= b.as) {
		d.as = a.as - b.as;
	} else {
		d.as = a.as + TSTAMP_AS - b.as;
		d.sec--;
	}
	d.digits = a.digits > b.digits ? a.digits : b.digits;
	return d;
}

/* Whole microseconds (rounded down), 0 for a negative time. */
static inline uint64_t tstamp_us(struct tstamp t)
{
	if (t.sec < 0)
		return 0;
	return (uint64_t)t.sec * 1000000u + t.as / 1000000000000u;
}

/* Whole nanoseconds since the epoch (rounded down), 0 for a negative time. */
static inline uint64_t tstamp_ns(struct tstamp t)
{
	if (t.sec < 0)
		return 0;
	return (uint64_t)t.sec * 1000000000u + t.as / 1000000000u;
}

static inline struct tstamp tstamp_of_us(uint64_t us)
{
	struct tstamp t = { (int64_t)(us / 1000000u), (us % 1000000u) * 1000000000000u, 6 };
	return t;
}

/* The exact decimal, with as many places as the resolution ("0.000218123" for a
 * nanosecond file, "-0.000001"), 6 places when unset. Returns snprintf's value. */
static inline int tstamp_fmt(struct tstamp t, char *buf, size_t cap)
{
	unsigned d = t.digits ? t.digits : 6;
	const char *sign = "";
	uint64_t sec, as = t.as;

	if (t.sec < 0) {
		sign = "-";
		sec = (uint64_t)(-(t.sec + 1));
		if (as == 0)
			sec++;
		else
			as = TSTAMP_AS - as;
	} else {
		sec = (uint64_t)t.sec;
	}
	return snprintf(buf, cap, "%s%llu.%0*llu", sign, (unsigned long long)sec, (int)d,
			(unsigned long long)(as / tstamp_pow10(TSTAMP_MAX_DIGITS - d)));
}

#endif
