/* pcapr_link.c - the IP datagram of a frame read from a file: where it starts, how long it was, what the capture kept. */
#include "pcapr.h"

#include <stdarg.h>
#include <stdio.h>

#include "bytes.h"
#include "link.h"

static enum pcapr_skip why(struct pcapr_pkt *p, enum pcapr_skip s, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static enum pcapr_skip why(struct pcapr_pkt *p, enum pcapr_skip s, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(p->why, sizeof(p->why), fmt, ap);
	va_end(ap);
	return s;
}

static enum pcapr_skip not_ip(int lt, const struct link_info *li, struct pcapr_pkt *p)
{
	const char *n = link_ethertype_name(li->found);

	switch (li->kind) {
	case LINK_FOUND_ETHERTYPE:
		if (n)
			return why(p, PCAPR_NOT_IP, "%s (ethertype 0x%04x), not IP", n, li->found);
		return why(p, PCAPR_NOT_IP, "ethertype 0x%04x, not IP", li->found);
	case LINK_FOUND_LENGTH:
		return why(p, PCAPR_NOT_IP, "an IEEE 802.3 frame (length field %u, LLC), not IP",
			   li->found);
	case LINK_FOUND_FAMILY:
		return why(p, PCAPR_NOT_IP, "%s address family %u, not IP", link_label(lt),
			   li->found);
	default:
		return why(p, PCAPR_NOT_IP, "%s frame with IP version %u", link_label(lt),
			   li->found);
	}
}

/* The fixed IP header must be captured to know the datagram's length. */
static enum pcapr_skip ip_at(const uint8_t *d, size_t caplen, size_t wirelen,
			     const struct link_info *li, struct pcapr_pkt *p)
{
	size_t off = li->off, hdr = li->ipv == 4 ? 20 : 40;
	size_t avail = caplen - off, wire = wirelen > off ? wirelen - off : 0;

	if (avail < hdr)
		return why(p, caplen < wirelen ? PCAPR_SNAPPED : PCAPR_SHORT,
			   "%s: %zu of the IPv%d header's %zu bytes %s", caplen < wirelen ?
			   "capture cut the IP header" : "frame too short", avail, li->ipv, hdr,
			   caplen < wirelen ? "captured" : "present");
	if ((d[off] >> 4) != li->ipv)
		return why(p, PCAPR_NOT_IP, "link header says IPv%d, the IP header version %u",
			   li->ipv, d[off] >> 4);
	size_t tot = li->ipv == 4 ? bytes_get16(d + off + 2) : 40u + bytes_get16(d + off + 4);
	if (li->ipv == 4 && tot == 0)
		tot = wire;	/* total length 0: TCP segmentation offload (as tshark assumes) */
	if (tot < hdr)
		return why(p, PCAPR_SHORT, "IPv4 total length %zu is below 20", tot);
	if (tot > wire)
		return why(p, PCAPR_SHORT, "IPv%d length %zu, but the frame holds %zu bytes after "
			   "its link header", li->ipv, tot, wire);
	p->ip = d + off;
	p->iplen = tot < avail ? tot : avail;	/* Ethernet padding trimmed */
	p->ipwire = tot;
	p->ipv = li->ipv;
	return PCAPR_OK;
}

enum pcapr_skip pcapr_link_ip(int lt, const uint8_t *d, size_t caplen, size_t wirelen,
			      struct pcapr_pkt *p)
{
	struct link_info li;

	switch (link_ip_offset(lt, d, caplen, &li)) {
	case LINK_OK:
		p->vlans = li.vlans;
		return ip_at(d, caplen, wirelen, &li, p);
	case LINK_SHORT:
		if (caplen < wirelen)
			return why(p, PCAPR_SNAPPED, "capture cut the %s header: %zu of %u bytes "
				   "captured", link_label(lt), caplen, li.found);
		return why(p, PCAPR_SHORT, "%s frame of %zu bytes ends inside its header (%u "
			   "bytes)", link_label(lt), caplen, li.found);
	case LINK_NOT_IP:
		return not_ip(lt, &li, p);
	default:
		return why(p, PCAPR_NOT_IP, "link type %d is not decoded (interface %u)", lt,
			   p->iface);
	}
}

int pcapr_dlt_supported(int lt)
{
	return link_supported(lt);
}
