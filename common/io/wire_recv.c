/* wire_recv.c - the receiving half of the wire: libpcap in immediate mode, link stripping, seg_parse. */
#include "wire_priv.h"
#include "link.h"

#include <arpa/inet.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <string.h>

#define WIRE_SNAPLEN 65535
#define WIRE_RING_BYTES (16 << 20)	/* capture ring: ~250 frames of WIRE_SNAPLEN */
#define WIRE_MAX_SKIP 64	/* foreign packets skipped per wire_recv call */

static int wire_rx_activate(struct wire *w, struct err *e)
{
	int rc;

	pcap_set_snaplen(w->pc, WIRE_SNAPLEN);
	/* The ring holds whole snaplen-sized frames: libpcap's 2 MiB default is about 30
	 * of them, so a burst of 32 SYNs overflowed it and the kernel dropped the rest
	 * (the peers waited 1 s for their SYN retransmission; bench/README.md, rate). */
	pcap_set_buffer_size(w->pc, WIRE_RING_BYTES);
	pcap_set_promisc(w->pc, 0);
	/* LAB-NOTES trap 5: without immediate mode packets wait in the TPACKET_V3 block. */
	pcap_set_immediate_mode(w->pc, 1);
	pcap_set_tstamp_precision(w->pc, PCAP_TSTAMP_PRECISION_NANO);
	rc = pcap_activate(w->pc);
	if (rc == PCAP_ERROR_PERM_DENIED)
		return err_set(e, "pcap: " WIRE_NEED_ROOT);
	if (rc < 0)
		return err_set(e, "pcap_activate: %s (%.160s)", pcap_statustostr(rc),
			       pcap_geterr(w->pc));
	w->nano = pcap_get_tstamp_precision(w->pc) == PCAP_TSTAMP_PRECISION_NANO;
	w->dlt = pcap_datalink(w->pc);
	return 0;
}

static int wire_rx_filter(struct wire *w, struct err *e)
{
	struct bpf_program prog;
	char expr[128], a[INET6_ADDRSTRLEN];
	int n;

	if (w->v6)	/* "ip6 and": only TCP directly after the fixed header, as we send it */
		n = snprintf(expr, sizeof(expr), "ip6 and tcp and dst host %s",
			     inet_ntop(AF_INET6, w->local6, a, sizeof(a)) ? a : "::");
	else
		n = snprintf(expr, sizeof(expr), "tcp and dst host %s", wire_ntoa(w->local, a));
	if (w->port)
		snprintf(expr + n, sizeof(expr) - (size_t)n, " and dst port %u", w->port);
	if (pcap_compile(w->pc, &prog, expr, 1, PCAP_NETMASK_UNKNOWN) < 0)
		return err_set(e, "pcap filter '%s': %.160s", expr, pcap_geterr(w->pc));
	n = pcap_setfilter(w->pc, &prog);
	pcap_freecode(&prog);
	if (n < 0)
		return err_set(e, "pcap_setfilter: %.200s", pcap_geterr(w->pc));
	return 0;
}

int wire_rx_open(struct wire *w, struct err *e)
{
	char eb[PCAP_ERRBUF_SIZE] = "";

	w->pc = pcap_create(w->device, eb);
	if (!w->pc)
		return err_set(e, "pcap_create: %.200s", eb);
	if (wire_rx_activate(w, e) < 0)
		return -1;
	/* Inbound only, so we never read our own segments back (LAB-NOTES trap 5). */
	if (pcap_setdirection(w->pc, PCAP_D_IN) < 0)
		return err_set(e, "pcap_setdirection: %.200s", pcap_geterr(w->pc));
	if (wire_rx_filter(w, e) < 0)
		return -1;
	if (pcap_setnonblock(w->pc, 1, eb) < 0)
		return err_set(e, "pcap_setnonblock: %.200s", eb);
	w->fd = pcap_get_selectable_fd(w->pc);
	if (w->fd < 0)
		return err_set(e, "%s has no selectable descriptor", w->device);
	return 0;
}

static int wire_unparsed(struct wire *w, struct wire_pkt *p, const char *why)
{
	p->kind = WIRE_PKT_UNPARSED;
	snprintf(p->why, sizeof(p->why), "%s", why);
	w->stats.rx_unparsed++;
	return 1;
}

/* Ethernet pads short frames to 60 bytes: trust the IP total length when it is shorter
 * (IPv6: 40 + the payload length, RFC 8200 §3). */
static size_t wire_ip_trim(const uint8_t *ip, size_t len)
{
	size_t tot;

	if (len >= 40 && ip[0] >> 4 == 6) {
		tot = 40 + ((size_t)ip[4] << 8 | ip[5]);
		return tot < len ? tot : len;
	}
	if (len < 20)
		return len;
	tot = (size_t)ip[2] << 8 | ip[3];
	return tot >= 20 && tot < len ? tot : len;
}

static bool wire_is_ours(const struct wire *w, const struct seg *s)
{
	bool addr = w->v6 ? s->ipv == 6 && !memcmp(s->daddr6, w->local6, 16)
			  : s->ipv != 6 && s->daddr == w->local;

	return addr && (w->port == 0 || s->dport == w->port);
}

/* The IP header's offset; IPv6 too when the wire is IPv6 (wire_link_offset, which the
 * IPv4 wire and its tests use, says why a frame is not IPv4). */
static int wire_ip_offset(const struct wire *w, const uint8_t *d, size_t caplen, size_t *off,
			  struct err *e)
{
	struct link_info li;

	if (w->v6 && link_ip_offset(w->dlt, d, caplen, &li) == LINK_OK && li.ipv == 6) {
		*off = li.off;
		return 0;
	}
	return wire_link_offset(w->dlt, d, caplen, off, e);
}

/* Returns 1 when p is to be delivered, 0 when the packet is someone else's. */
static int wire_classify(struct wire *w, const struct pcap_pkthdr *h, const uint8_t *d,
			 struct wire_pkt *p)
{
	struct err e2 = { "" };
	size_t off;

	memset(p, 0, sizeof(*p));
	p->ts_real_ns = (uint64_t)h->ts.tv_sec * 1000000000u +
			(uint64_t)h->ts.tv_usec * (w->nano ? 1u : 1000u);
	if (h->caplen < h->len)
		return wire_unparsed(w, p, "truncated capture (caplen < len)");
	if (wire_ip_offset(w, d, h->caplen, &off, &e2) < 0)
		return wire_unparsed(w, p, e2.msg);
	p->ip_len = wire_ip_trim(d + off, h->caplen - off);
	memcpy(w->rxbuf, d + off, p->ip_len);
	p->ip = w->rxbuf;
	if (seg_parse(p->ip, p->ip_len, &p->seg, &e2) < 0)
		return wire_unparsed(w, p, e2.msg);
	if (!wire_is_ours(w, &p->seg)) {
		w->stats.rx_foreign++;
		return 0;
	}
	p->kind = p->seg.ip_csum_ok && p->seg.tcp_csum_ok ? WIRE_PKT_OK : WIRE_PKT_BAD_CSUM;
	if (p->kind == WIRE_PKT_OK)
		w->stats.rx_ok++;
	else
		w->stats.rx_bad_csum++;
	return 1;
}

int wire_recv(struct wire *w, struct wire_pkt *p, struct err *e)
{
	struct pcap_pkthdr *h;
	const u_char *d;
	int i, rc;

	for (i = 0; i < WIRE_MAX_SKIP; i++) {
		rc = pcap_next_ex(w->pc, &h, &d);
		if (rc == 0)
			return 0;
		if (rc < 0)
			return err_set(e, "reading %s: %.200s", w->device, pcap_geterr(w->pc));
		if (wire_classify(w, h, d, p) == 1)
			return 1;
	}
	return 0;
}
