/* pcapng_w.h - a small pcapng writer: one section, one raw-IPv4 interface, packets with comments. */
#ifndef SYNLAB_PCAPNG_W_H
#define SYNLAB_PCAPNG_W_H

/*
 * Why hand-written: libpcap 1.10 can read pcapng but writes only classic pcap
 * (pcap_dump has no comment option), and the point of this file is the per-packet
 * opt_comment that Wireshark shows beside each segment (frame.comment / pkt_comment).
 * Format: draft-ietf-opsawg-pcapng (SHB 0x0A0D0D0A, IDB 1, EPB 6), host byte order.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "err.h"

#define PCAPNGW_LINKTYPE_RAW 101	/* raw IPv4/IPv6, no link header */

struct pcapngw;

/* Creates path and writes the section header and the interface (LINKTYPE_RAW, if_tsresol
 * 9 = nanoseconds). app goes into shb_userappl (may be NULL). */
struct pcapngw *pcapngw_open(const char *path, const char *app, struct err *e);
/* The same on an open stream (not closed by pcapngw_close). */
struct pcapngw *pcapngw_open_stream(FILE *f, const char *app, struct err *e);
/* One Enhanced Packet Block: ts_ns since the epoch, the IP datagram, and a UTF-8 comment
 * (NULL or "" for none). */
int pcapngw_packet(struct pcapngw *w, uint64_t ts_ns, const uint8_t *pkt, size_t len,
		   const char *comment, struct err *e);
/* The same for a packet the capture cut: len bytes kept of orig_len on the wire (the
 * EPB's captured and original lengths), as synlab-explain -w copies a snapped frame. */
int pcapngw_packet_cut(struct pcapngw *w, uint64_t ts_ns, const uint8_t *pkt, size_t len,
		       size_t orig_len, const char *comment, struct err *e);
/* Hands what the stream buffers to the kernel, so that a program killed later (SIGKILL)
 * leaves every packet written so far in the file; reports a write error (ENOSPC ...). */
int pcapngw_flush(struct pcapngw *w, struct err *e);
/* Flushes and closes; reports a late write error (ENOSPC ...). Frees w in every case. */
int pcapngw_close(struct pcapngw *w, struct err *e);

#endif
