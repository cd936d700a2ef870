/* seq.h - modular 32-bit sequence-number comparisons and window tests (RFC 9293 §3.4). */
#ifndef SYNLAB_SEQ_H
#define SYNLAB_SEQ_H

#include <stdbool.h>
#include <stdint.h>

/* RFC 9293 §3.4: sequence space is modulo 2^32; a < b when (int32_t)(a - b) < 0. */
static inline bool seq_lt(uint32_t a, uint32_t b) { return (int32_t)(a - b) < 0; }
static inline bool seq_leq(uint32_t a, uint32_t b) { return (int32_t)(a - b) <= 0; }
static inline bool seq_gt(uint32_t a, uint32_t b) { return (int32_t)(a - b) > 0; }
static inline bool seq_geq(uint32_t a, uint32_t b) { return (int32_t)(a - b) >= 0; }

/* lo <= x < hi, modulo 2^32 (an empty range when lo == hi). */
static inline bool seq_in(uint32_t x, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(x - lo) < (uint32_t)(hi - lo);
}

/* lo <= x <= hi, modulo 2^32. */
static inline bool seq_in_incl(uint32_t x, uint32_t lo, uint32_t hi)
{
	return (uint32_t)(x - lo) <= (uint32_t)(hi - lo);
}

static inline uint32_t seq_max(uint32_t a, uint32_t b) { return seq_gt(a, b) ? a : b; }
static inline uint32_t seq_min(uint32_t a, uint32_t b) { return seq_lt(a, b) ? a : b; }

/* RFC 9293 §3.10.7.4, the four cases of segment acceptability for a segment of
 * seg_len sequence numbers (payload + SYN + FIN) against RCV.NXT and RCV.WND. */
static inline bool seq_acceptable(uint32_t seg_seq, uint32_t seg_len,
				  uint32_t rcv_nxt, uint32_t rcv_wnd)
{
	if (seg_len == 0 && rcv_wnd == 0)
		return seg_seq == rcv_nxt;
	if (seg_len == 0)
		return seq_in(seg_seq, rcv_nxt, rcv_nxt + rcv_wnd);
	if (rcv_wnd == 0)
		return false;
	return seq_in(seg_seq, rcv_nxt, rcv_nxt + rcv_wnd) ||
	       seq_in(seg_seq + seg_len - 1, rcv_nxt, rcv_nxt + rcv_wnd);
}

#endif
