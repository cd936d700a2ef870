/* live_link.c - notices that the capture interface went down (ip link set DEV down). */
#include "live.h"

#include <errno.h>
#include <net/if.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* When the device goes down, the packet socket reports ENETDOWN once (POLLERR) and libpcap
 * swallows it, returning no packet: without this check the program would wait forever on
 * a dead link. Called only after a wakeup of the capture that gave no packet. */
int live_link_check(const struct live *l, struct err *e)
{
	struct ifreq ifr;
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int rc;

	if (fd < 0 || strcmp(l->w.device, "any") == 0)
		return 0;	/* cannot tell, or not one interface: carry on */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->w.device);
	rc = ioctl(fd, SIOCGIFFLAGS, &ifr);
	close(fd);
	if (rc < 0)
		return errno == ENODEV ? err_set(e, "interface %s disappeared", l->w.device) : 0;
	if (!(ifr.ifr_flags & IFF_UP) || !(ifr.ifr_flags & IFF_RUNNING))
		return err_set(e, "interface %s went down (link %s)", l->w.device,
			       ifr.ifr_flags & IFF_UP ? "has no carrier" : "set down");
	return 0;
}
