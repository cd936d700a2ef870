/* wire_link.c - link-layer header stripping for captured frames, with a reason on failure. */
#include "wire.h"

#include <pcap/pcap.h>

#include "link.h"

static const char *link_label(int dlt)
{
	switch (dlt) {
	case DLT_EN10MB: return "Ethernet";
	case DLT_LINUX_SLL: return "Linux cooked";
	case DLT_LINUX_SLL2: return "Linux cooked v2";
	case DLT_NULL:
	case DLT_LOOP: return "loopback";
	default: return "raw IP";
	}
}

int wire_link_offset(int dlt, const uint8_t *frame, size_t caplen, size_t *off,
		     struct err *e)
{
	unsigned found = 0;
	const char *name = pcap_datalink_val_to_name(dlt);

	switch (link_ipv4_offset(dlt, frame, caplen, off, &found)) {
	case LINK_OK:
		return 0;
	case LINK_SHORT:
		return err_set(e, "%s frame truncated: %zu bytes, header needs %u", link_label(dlt),
			       caplen, found);
	case LINK_NOT_IPV4:
		return err_set(e, "%s frame carries 0x%04x (ethertype, family or IP version), "
			       "not IPv4", link_label(dlt), found);
	default:
		return err_set(e, "unsupported link type %d (%s)", dlt, name ? name : "unknown");
	}
}
