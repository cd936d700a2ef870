/* link.h - pcap link-layer headers: where the IPv4 datagram starts in a captured frame. */
#ifndef SYNLAB_LINK_H
#define SYNLAB_LINK_H

#include <stddef.h>
#include <stdint.h>

enum link_status {
	LINK_OK,
	LINK_SHORT,		/* the frame ends inside the link header */
	LINK_NOT_IPV4,		/* the frame carries another protocol: *found says which */
	LINK_UNSUPPORTED,	/* a link type we do not decode */
};

/* For Ethernet (one 802.1Q tag allowed), Linux cooked v1/v2, raw IP, DLT_NULL (either
 * byte order) and DLT_LOOP: sets *off to the IPv4 header's offset. On LINK_NOT_IPV4,
 * *found is the ethertype, address family or IP version seen; on LINK_SHORT, *found is
 * the header length needed. */
enum link_status link_ipv4_offset(int dlt, const uint8_t *f, size_t caplen, size_t *off,
				  unsigned *found);

/* Whether link_ipv4_offset decodes dlt. */
int link_supported(int dlt);

#endif
