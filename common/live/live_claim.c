/* live_claim.c - a server claims its ADDR:PORT with a bound kernel socket, so a second one on the same address is refused. */
#include "live_claim.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Two raw-socket servers on one ADDR:PORT would both answer every SYN (each capture
 * sees it), and the peer would get two SYN+ACKs with different ISNs. A TCP socket bound
 * to the address (never listening, so the kernel still answers nothing itself) makes
 * the second bind fail with EADDRINUSE, the way two kernel listeners are kept apart;
 * it also keeps a kernel program from taking the port while we serve it. */
int live_claim_port(uint32_t addr, uint16_t port, int *fd, struct err *e)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(port),
				  .sin_addr.s_addr = htonl(addr) };
	char a[INET_ADDRSTRLEN];
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	inet_ntop(AF_INET, &sa.sin_addr, a, sizeof(a));
	if (s < 0)
		return err_set(e, "socket: %s", strerror(errno));
	if (bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
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
