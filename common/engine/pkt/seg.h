/* seg.h - a parsed IPv4 or IPv6 TCP segment and its codec: parse, build (IPv4), checksums, printing. */
#ifndef SYNLAB_SEG_H
#define SYNLAB_SEG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* TCP control bits (RFC 9293 §3.1, RFC 3168 for ECE/CWR). */
enum {
	SEG_FIN = 0x01,
	SEG_SYN = 0x02,
	SEG_RST = 0x04,
	SEG_PSH = 0x08,
	SEG_ACK = 0x10,
	SEG_URG = 0x20,
	SEG_ECE = 0x40,
	SEG_CWR = 0x80,
};

/* TCP option kinds (RFC 9293 §3.2, RFC 7323, RFC 2018). */
enum {
	SEG_OPT_EOL = 0,
	SEG_OPT_NOP = 1,
	SEG_OPT_MSS = 2,
	SEG_OPT_WSCALE = 3,
	SEG_OPT_SACK_PERM = 4,
	SEG_OPT_SACK = 5,
	SEG_OPT_TS = 8,
};

#define SEG_OPT_SPACE 40	/* bytes: TCP header max 60 - fixed 20 */
#define SEG_MAX_SACK 4		/* SACK blocks that fit in 40 option bytes */
#define SEG_IP_MAX 65535	/* bytes: largest IPv4 datagram */

struct seg_sack {
	uint32_t left;	/* first sequence number of the block */
	uint32_t right;	/* sequence number after the block */
};

/* Decoded options, plus the raw option bytes in wire order so that unknown options,
 * NOP and EOL padding survive parse -> build -> parse unchanged. */
struct seg_opts {
	bool has_mss;
	uint16_t mss;		/* bytes */
	bool has_wscale;
	uint8_t wscale;		/* shift count, 0..14 */
	bool sack_perm;
	uint8_t nsack;		/* blocks used in sack[] */
	struct seg_sack sack[SEG_MAX_SACK];
	bool has_ts;
	uint32_t tsval;		/* RFC 7323 TSval */
	uint32_t tsecr;		/* RFC 7323 TSecr */
	uint8_t nunknown;	/* options of a kind not decoded above (kept in raw[]) */
	/* Wire form. When raw_len is 0 seg_build encodes the decoded fields above;
	 * otherwise it emits raw[] verbatim. */
	uint8_t raw_len;	/* bytes, multiple of 4 after build */
	uint8_t raw[SEG_OPT_SPACE];
};

/* One TCP segment over IPv4 (built and parsed) or IPv6 (parsed: seg_parse_cap). Addresses
 * and all numbers are in host byte order. */
struct seg {
	/* ---- IP ---- */
	uint8_t ipv;		/* 4 or 6; 0 counts as 4 (the IPv4-only builders leave it 0) */
	uint32_t saddr;		/* IPv4 source address (0 for IPv6) */
	uint32_t daddr;		/* IPv4 destination address (0 for IPv6) */
	uint8_t saddr6[16];	/* IPv6 addresses, network order (ipv 6 only) */
	uint8_t daddr6[16];
	uint8_t ttl;		/* hops (IPv6 hop limit); 0 means "use 64" when building */
	uint8_t tos;		/* IPv4 TOS / IPv6 traffic class */
	uint16_t ip_id;
	bool df;		/* don't-fragment bit */
	/* A first fragment (IPv4 MF set at offset 0, or an IPv6 Fragment header at offset
	 * 0 with M set): the TCP header is this fragment's, len counts only the payload
	 * bytes this fragment carries (as tshark shows it without reassembly). */
	bool frag;
	uint32_t frag_id;	/* IPv4 identification or IPv6 fragment identification */
	/* ---- TCP ---- */
	uint16_t sport;
	uint16_t dport;
	uint32_t seq;
	uint32_t ack;
	uint8_t flags;		/* SEG_* bits */
	uint16_t win;		/* raw 16-bit window field, not scaled */
	uint16_t urp;		/* urgent pointer */
	struct seg_opts opts;
	/* ---- payload (not owned: points into the parsed buffer or the sender's queue) ---- */
	const uint8_t *payload;
	uint32_t len;		/* payload bytes on the wire (tcp.len) */
	/* Of len, the bytes the capture did not keep (snaplen): payload holds len - cut.
	 * Only seg_parse_cap sets it; the checksum cannot be verified then (tcp_csum_ok
	 * false). */
	uint32_t cut;
	uint8_t opts_cut;	/* option bytes the capture did not keep (seg_parse_cap) */
	/* ---- set by seg_parse ---- */
	uint16_t ip_csum;	/* checksum fields as found on the wire */
	uint16_t tcp_csum;
	bool ip_csum_ok;
	bool tcp_csum_ok;
};

/* Sequence numbers a segment occupies: payload + 1 for SYN + 1 for FIN (RFC 9293 §3.4). */
static inline uint32_t seg_seqlen(const struct seg *s)
{
	return s->len + !!(s->flags & 0x02) + !!(s->flags & 0x01);
}

/* Parses an IPv4 datagram holding TCP. Rejects (with a reason) truncated or inconsistent
 * input: IHL < 5, total length mismatch, not TCP, fragment, data offset < 5 or past the
 * end, malformed options. Never reads out of bounds. Checksums are verified and reported
 * in ip_csum_ok / tcp_csum_ok, not rejected. s->payload points into buf. */
int seg_parse(const uint8_t *buf, size_t len, struct seg *s, struct err *e);

/* Parses an IPv4 or IPv6 datagram holding TCP as a capture file gives it: cap bytes were
 * captured and the IP header says how long the datagram was on the wire. Bytes past
 * the datagram (Ethernet padding) are ignored. When the capture cut the payload
 * (snaplen) but the IP headers and the fixed TCP header are present, the segment is
 * parsed and s->cut counts the missing payload bytes (s->opts_cut the option bytes, the
 * options before them decoded); a cut IP or fixed TCP header is refused with
 * "truncated ...". IPv6 extension headers (hop-by-hop, routing, destination options,
 * fragment, AH, mobility, HIP, shim6) are walked (RFC 8200 §4); a first fragment gives
 * its TCP header (s->frag), a later fragment is refused as "IPv6 fragment ... not the
 * first" (no TCP header in it), likewise for IPv4 (RFC 791 §3.2). The caller checks that
 * the datagram fits the frame (bytes on the wire). */
int seg_parse_cap(const uint8_t *buf, size_t cap, struct seg *s, struct err *e);

/* Parses TCP options bytes into o (raw kept). Rejects length 0/1 and options running past
 * the end with a reason, also a wrong fixed length for MSS (4), window scale (3),
 * SACK-permitted (2), timestamps (10), and a SACK length other than 2+8n with n >= 1.
 * Parsing stops at EOL (the rest is padding); unknown kinds are counted in nunknown. */
int seg_opts_parse(const uint8_t *p, size_t len, struct seg_opts *o, struct err *e);

/* Encodes options into out (SEG_OPT_SPACE bytes): raw[] verbatim when raw_len > 0, padded
 * with EOL (zero) bytes to a multiple of 4; else the decoded fields in Linux's SYN order
 * (MSS, SACK-permitted, timestamps, NOP + window scale, NOP NOP + SACK blocks), NOP-aligned.
 * Fails when they exceed 40 bytes or nsack > SEG_MAX_SACK. Sets *out_len. */
int seg_opts_encode(const struct seg_opts *o, uint8_t *out, size_t *out_len, struct err *e);

/* Builds IPv4+TCP bytes with correct IPv4 and TCP checksums. Returns 0 and sets *out_len. */
int seg_build(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e);

/* RFC 1071 Internet checksum helpers. */
uint16_t seg_csum_ip(const uint8_t *iphdr, size_t hlen);
uint16_t seg_csum_tcp(uint32_t saddr, uint32_t daddr, const uint8_t *tcp, size_t len);
/* RFC 8200 §8.1: TCP checksum over the IPv6 pseudo-header; 0 when tcp verifies. */
uint16_t seg_csum_tcp6(const uint8_t saddr[16], const uint8_t daddr[16], const uint8_t *tcp,
		       size_t len);

/* tcpdump's flag letters in tcpdump's order (F S R P . U E W), e.g. "S.", "FP.", "R";
 * "none" when no bit is set. buf must hold at least 12 bytes. */
const char *seg_flags_str(uint8_t flags, char *buf);

/* One line in tcpdump's style:
 *   "Flags [S.], seq 0, ack 1, win 64240, options [mss 1460], length 0"
 * seq and ack are printed relative to seq_base and ack_base (pass 0 for absolute); SACK
 * edges relative to ack_base, as tcpdump does. Like tcpdump -n without -v: seq only for
 * data or SYN/FIN/RST, ack only with ACK, urg only with URG; options from raw[] (or the
 * encoding seg_build would emit), kinds not decoded here as "unknown-KIND 0xHEX".
 * Returns the length the whole line needs (like snprintf); truncates to cap. */
int seg_format(const struct seg *s, uint32_t seq_base, uint32_t ack_base, char *buf,
	       size_t cap);

/* Formats "198.18.0.1.40000 > 198.18.0.2.8080" into buf ("2001:db8::1.40000 > ..." for
 * IPv6, as tcpdump does). */
int seg_format_addrs(const struct seg *s, char *buf, size_t cap);

#define SEG_ADDR_STR 46		/* bytes: the longest IPv6 text form + NUL */

/* The source (src = true) or destination address as text: dotted quad, or IPv6 in
 * RFC 5952's form (lower case, longest run of zero groups as "::"). Returns buf. */
const char *seg_addr_str(const struct seg *s, bool src, char *buf, size_t cap);

/* The address as 16 bytes, IPv4 mapped as ::ffff:a.b.c.d (RFC 4291 §2.5.5.2), so both
 * families compare in one key. */
void seg_addr_key(const struct seg *s, bool src, uint8_t out[16]);

#endif
