/* live_link.c - the kernel's view of our interface and address: the link going down, a server's claim on its ADDR:PORT. */
#include "live_impl.h"
#include "live_link.h"

#include <arpa/inet.h>
#include <errno.h>
#include <net/if.h>
#include <netinet/in.h>
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
	int rc;

	/* l->ctl_fd was made with the wire, in its namespace (a program running two ends
	 * opens each in its own), where the device's name means that device */
	if (l->ctl_fd < 0 || strcmp(l->wire.w.device, "any") == 0)
		return 0;	/* cannot tell, or not one interface: carry on */
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", l->wire.w.device);
	rc = ioctl(l->ctl_fd, SIOCGIFFLAGS, &ifr);
	if (rc < 0)
		return errno == ENODEV ? err_set(e, "interface %s disappeared", l->wire.w.device) : 0;
	if (!(ifr.ifr_flags & IFF_UP))
		return err_set(e, "interface %s went down (link set down)", l->wire.w.device);
	if (!(ifr.ifr_flags & IFF_RUNNING))
		return no_carrier(l, now, e);
	l->no_carrier_since = 0;
	return 0;
}

/* Two raw-socket servers on one ADDR:PORT would both answer every SYN (each capture
 * sees it), and the peer would get two SYN+ACKs with different ISNs. A TCP socket bound
 * to the address (never listening, so the kernel still answers nothing itself) makes
 * the second bind fail with EADDRINUSE, the way two kernel listeners are kept apart;
 * it also keeps a kernel program from taking the port while we serve it. */
static int claim(int fam, const struct sockaddr *sa, socklen_t len, const char *a,
		 uint16_t port, int *fd, struct err *e)
{
	int s = socket(fam, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0)
		return err_set(e, "socket: %s", strerror(errno));
	if (bind(s, sa, len) < 0) {
		int saved = errno;

		close(s);
		if (saved == EADDRINUSE)
			return err_set(e, "%s:%u is already in use in this namespace (another "
				       "synlab-server, or a kernel socket, is bound to it)", a, port);
		return err_set(e, "cannot claim %s:%u: %s", a, port, strerror(saved));
	}
	*fd = s;
	return 0;
}

int live_claim_port(uint32_t addr, uint16_t port, int *fd, struct err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	char a[INET_ADDRSTRLEN];

	inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
	return claim(AF_INET, (struct sockaddr *)&sa, sizeof(sa), a, port, fd, e);
}

int live_claim_port6(const uint8_t addr[16], uint16_t port, int *fd, struct err *e)
{
	struct sockaddr_in6 sa = { .sin6_family = AF_INET6, .sin6_port = htons(port) };
	char a[INET6_ADDRSTRLEN + 2] = "[";

	memcpy(sa.sin6_addr.s6_addr, addr, 16);
	inet_ntop(AF_INET6, addr, a + 1, INET6_ADDRSTRLEN);
	strcat(a, "]");
	return claim(AF_INET6, (struct sockaddr *)&sa, sizeof(sa), a, port, fd, e);
}
