/* seg_ip.c - seg_parse / seg_build: the IP version picks the IPv4 codec (seg.c) or the IPv6 one (seg_v6.c). */
#include "seg.h"

#include <string.h>

#include "seg_int.h"

/* Why a file of its own: the IPv6 parser reuses the capture parser (seg_cap.c), which
 * reuses the IPv4 codec's header readers; the choice between the versions sits above
 * all three, so none of them calls back up. */

int seg_parse(const uint8_t *buf, size_t len, struct seg *s, struct err *e)
{
	memset(s, 0, sizeof(*s));
	if (!buf)
		return err_set(e, "no buffer");
	if (len > 0 && buf[0] >> 4 == 6)	/* RFC 8200 §3: Version 6 */
		return seg_parse6(buf, len, s, e);
	return seg_parse4(buf, len, s, e);
}

int seg_build(const struct seg *s, uint8_t *buf, size_t cap, size_t *out_len, struct err *e)
{
	if (s->ipv == 6)
		return seg_build6(s, buf, cap, out_len, e);
	return seg_build4(s, buf, cap, out_len, e);
}
