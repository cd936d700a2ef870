/* live_link.c - notices that the capture interface went down (ip link set DEV down). */
#include "live_impl.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* How long a link may lack carrier before we call it down: a veth gets its carrier a
 * moment after both ends are up (the kernel's link watch runs deferred), so a check
 * right after `scripts/lab up` can see an up device without carrier. */
#define NO_CARRIER_GRACE_US 2000000

/* A device that is up but has no carrier: an error once that has lasted the grace time. */
static int no_carrier(struct live *l, uint64_t now, struct err *e)
{
	if (!l->no_carrier_since)
		l->no_carrier_since = now ? now : 1;
	if (now - l->no_carrier_since < NO_CARRIER_GRACE_US)
		return 0;
	return err_set(e, "interface %s went down (link has no carrier for %.1f s)", l->wire.w.device,
		       (now - l->no_carrier_since) / 1e6);
}

/* When the device goes down, the packet socket reports ENETDOWN once (POLLERR) and libpcap
 * swallows it, returning no packet: without this check the program would wait forever on
 * a dead link. Called only after a wakeup of the capture that gave no packet. */
int live_link_check(struct live *l, uint64_t now, struct err *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0 || strcmp(l->wire.w.device, "any") == 0)
		return 0;	/* cannot tell, or not one interface: carry on */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->wire.w.device);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	if (rc < 0)
		return errno == ENODEV ? err_set(e, "interface %s disappeared", l->wire.w.device) : 0;
	if (!(ifr.ifr_flags & IFF_UP))
		return err_set(e, "interface %s went down (link set down)", l->wire.w.device);
	if (!(ifr.ifr_flags & IFF_RUNNING))
		return no_carrier(l, now, e);
	l->no_carrier_since = 0;
	return 0;
}
