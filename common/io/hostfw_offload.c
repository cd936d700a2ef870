/* hostfw_offload.c - host mode: is transmit checksum offload on for a device (SIOCETHTOOL)? */
#include "hostfw.h"

#include <errno.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

/* ETHTOOL_GTXCSUM reads what `ethtool -k DEV` shows as tx-checksumming; reading needs
 * no privilege. */
int hostfw_tx_offload(const char *dev, bool *on, struct err *e)
{
	struct ethtool_value ev = { .cmd = ETHTOOL_GTXCSUM };
	struct ifreq ifr;
	int fd, r, saved;

	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", dev);
	ifr.ifr_data = (void *)&ev;
	if ((fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
		return err_set(e, "host mode: socket: %s", strerror(errno));
	r = ioctl(fd, SIOCETHTOOL, &ifr);
	saved = errno;
	close(fd);
	if (r < 0)
		return err_set(e, "host mode: reading %s's checksum offload: %s", dev,
			       strerror(saved));
	*on = ev.data != 0;
	return 0;
}
