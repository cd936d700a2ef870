/* wire_addr.c - addresses of the wire layer: printing one, finding the device that holds one (IPv4 or IPv6). */
#include "wire_priv.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

const char *wire_ntoa(uint32_t addr, char *buf)
{
	struct in_addr a = { .s_addr = htonl(addr) };

	if (!inet_ntop(AF_INET, &a, buf, INET_ADDRSTRLEN))
		strcpy(buf, "?");
	return buf;
}

int wire_find_device(uint32_t addr, char name[WIRE_IFNAMSIZ], struct err *e)
{
	struct ifaddrs *all, *i;
	char a[INET_ADDRSTRLEN];
	int rc = -1;

	if (getifaddrs(&all) < 0)
		return err_set(e, "getifaddrs: %s", strerror(errno));
	for (i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET)
			continue;
		if (ntohl(((struct sockaddr_in *)(void *)i->ifa_addr)->sin_addr.s_addr) != addr)
			continue;
		snprintf(name, WIRE_IFNAMSIZ, "%s", i->ifa_name);
		rc = 0;
		break;
	}
	freeifaddrs(all);
	if (rc < 0)
		err_set(e, "no interface here has address %s (is the lab up, and are you inside "
			"it? `sudo scripts/lab up`, then `sudo scripts/lab exec client ...`)",
			wire_ntoa(addr, a));
	return rc;
}

int wire_find_device6(const uint8_t addr[16], char name[WIRE_IFNAMSIZ], struct err *e)
{
	struct ifaddrs *all, *i;
	char a[INET6_ADDRSTRLEN];
	int rc = -1;

	if (getifaddrs(&all) < 0)
		return err_set(e, "getifaddrs: %s", strerror(errno));
	for (i = all; i; i = i->ifa_next) {
		if (!i->ifa_addr || i->ifa_addr->sa_family != AF_INET6)
			continue;
		if (memcmp(((struct sockaddr_in6 *)(void *)i->ifa_addr)->sin6_addr.s6_addr, addr,
			   16) != 0)
			continue;
		snprintf(name, WIRE_IFNAMSIZ, "%s", i->ifa_name);
		rc = 0;
		break;
	}
	freeifaddrs(all);
	if (rc < 0) {
		if (!inet_ntop(AF_INET6, addr, a, sizeof(a)))
			strcpy(a, "?");
		err_set(e, "no interface here has address %s (is the lab up, and are you inside "
			"it? `sudo scripts/lab up`, then `sudo scripts/lab exec client ...`)", a);
	}
	return rc;
}
