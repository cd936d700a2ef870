/* wire_link.c - link-layer header stripping for captured frames, with a reason on failure. */
#include "wire.h"

#include <pcap/pcap.h>

#include "link.h"

int wire_link_offset(int dlt, const uint8_t *frame, size_t caplen, size_t *off,
		     struct err *e)
{
	unsigned found = 0;
	const char *name = pcap_datalink_val_to_name(dlt);
	const char *label = link_label(dlt);

	switch (link_ipv4_offset(dlt, frame, caplen, off, &found)) {
	case LINK_OK:
		return 0;
	case LINK_SHORT:
		return err_set(e, "%s frame truncated: %zu bytes, header needs %u", label, caplen,
			       found);
	case LINK_NOT_IP:
		return err_set(e, "%s frame carries 0x%04x (ethertype, family or IP version), "
			       "not IPv4", label, found);
	default:
		return err_set(e, "unsupported link type %d (%s)", dlt, name ? name : "unknown");
	}
}
