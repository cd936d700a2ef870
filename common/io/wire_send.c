/* wire_send.c - the sending half of the wire: a libnet raw IPv4 or IPv6 socket with SO_MARK, writing seg_build bytes. */
#include "wire_priv.h"

#include <errno.h>
#include <libnet.h>
#include <string.h>
#include <sys/socket.h>

/*
 * Why seg_build + libnet_write_raw_ipv4 rather than libnet_build_tcp/libnet_build_ipv4:
 * synlab's codec (seg.c) already encodes options verbatim and computes both checksums,
 * and the caller must log/pcap exactly the bytes that go out. Letting libnet's builders
 * re-encode the segment would give two encoders that can disagree (libnet recomputes
 * checksums unless toggled off, and pads options its own way). libnet still does what
 * it is good at: opening the IPPROTO_RAW socket with IP_HDRINCL and the sendto().
 *
 * With IP_HDRINCL Linux rewrites three things (raw_send_hdrinc): the IP checksum (ours
 * is already right, so it is unchanged), a zero source address and a zero IP id when DF
 * is clear. wire_send fills the latter two itself so buf matches the wire byte for byte.
 *
 * IPv6 uses libnet's LIBNET_RAW6: an AF_INET6 SOCK_RAW IPPROTO_RAW socket, which Linux
 * treats as header-included (inet6_create sets hdrincl for IPPROTO_RAW), so the kernel
 * sends our 40-byte header and checksum as they are and rewrites nothing. It keeps the
 * IPv4 path's properties: the segment passes the OUTPUT hook (the lab's `inet` nft rule
 * and SO_MARK work alike, LAB-NOTES traps 1-2) and the kernel resolves the neighbour
 * (NDP), which AF_PACKET injection (LIBNET_LINK) would leave to us.
 */

static int wire_sockopts(struct wire *w, uint32_t mark, struct err *e)
{
	int fd = libnet_getfd(w->ln);

	if (setsockopt(fd, SOL_SOCKET, SO_BINDTODEVICE, w->device,
		       (socklen_t)strlen(w->device) + 1) < 0)
		return err_set(e, "SO_BINDTODEVICE %s: %s", w->device, strerror(errno));
	/* LAB-NOTES trap 2: the nft rule drops RSTs unless they carry this mark. */
	if (mark && setsockopt(fd, SOL_SOCKET, SO_MARK, &mark, sizeof(mark)) < 0)
		return err_set(e, "SO_MARK 0x%x: %s (needs CAP_NET_ADMIN or CAP_NET_RAW)", mark,
			       strerror(errno));
	return 0;
}

int wire_tx_open(struct wire *w, uint32_t mark, struct err *e)
{
	char eb[LIBNET_ERRBUF_SIZE] = "";

	errno = 0;
	w->ln = libnet_init(w->v6 ? LIBNET_RAW6 : LIBNET_RAW4, w->device, eb);
	if (!w->ln) {
		if (errno == EPERM || errno == EACCES || strstr(eb, "not permitted"))
			return err_set(e, "raw socket: " WIRE_NEED_ROOT);
		return err_set(e, "libnet_init: %.200s", eb);
	}
	return wire_sockopts(w, mark, e);
}

static void wire_fill_ip(struct wire *w, struct seg *c)
{
	static const uint8_t none6[16];

	if (w->v6) {	/* IPv6 has no identification field outside a fragment header */
		c->ipv = 6;
		if (!memcmp(c->saddr6, none6, 16))
			memcpy(c->saddr6, w->local6, 16);
		return;
	}
	if (c->saddr == 0)
		c->saddr = w->local;
	if (c->ip_id == 0 && !c->df) {
		c->ip_id = w->next_ip_id++;
		if (w->next_ip_id == 0)
			w->next_ip_id = 1;
	}
}

static int wire_write_err(struct wire *w, int saved, const struct seg *c, struct err *e)
{
	char fl[12];

	if (saved == EPERM)
		return err_set(e, "sendto: %s: an nftables rule dropped the %s segment (is the "
			       "socket mark 0x%x set, as `scripts/lab` exempts?)", strerror(saved),
			       seg_flags_str(c->flags, fl), WIRE_MARK);
	if (saved)	/* libnet's own message ends in a newline: keep the error one line */
		return err_set(e, "sending the %s segment on %s: %s", seg_flags_str(c->flags, fl),
			       w->device, strerror(saved));
	return err_set(e, "libnet_write_raw_ipv%d: %.200s", w->v6 ? 6 : 4,
		       libnet_geterror(w->ln));
}

int wire_encode(struct wire *w, const struct seg *s, uint8_t *buf, size_t cap,
		size_t *out_len, struct err *e)
{
	struct seg c = *s;

	wire_fill_ip(w, &c);
	if (seg_build(&c, buf, cap, out_len, e) < 0)
		return err_wrap(e, "wire_send");
	return 0;
}

int wire_send_bytes(struct wire *w, const uint8_t *buf, size_t len, struct err *e)
{
	struct seg c;
	struct err pe;
	int n;

	errno = 0;
	n = w->v6 ? libnet_write_raw_ipv6(w->ln, buf, (uint32_t)len)
		  : libnet_write_raw_ipv4(w->ln, buf, (uint32_t)len);
	if (n < 0) {
		int saved = errno;

		if (seg_parse(buf, len, &c, &pe) < 0)
			memset(&c, 0, sizeof(c));
		return wire_write_err(w, saved, &c, e);
	}
	if ((size_t)n != len)
		return err_set(e, "short raw write: %d of %zu bytes", n, len);
	w->stats.tx++;
	return 0;
}

int wire_send(struct wire *w, const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len,
	      struct err *e)
{
	if (wire_encode(w, s, buf, cap, out_len, e) < 0)
		return -1;
	return wire_send_bytes(w, buf, *out_len, e);
}
