/* hostfw.h - host mode: an nftables table of this process's own that drops the kernel's RSTs for its 4-tuple only. */
#ifndef SYNLAB_HOSTFW_H
#define SYNLAB_HOSTFW_H

#include <stdbool.h>
#include <stdint.h>

#include "err.h"

/* On a host with no lab there is no 'inet synlab' table, so the kernel answers the
 * hand-made segments with RST (LAB-NOTES trap 1). In host mode each program installs,
 * for its own addresses and ports only, a table "inet synlab_host_PID" whose one rule
 * drops outgoing RSTs that do not carry the program's SO_MARK (trap 2), and deletes it
 * when it ends. A table whose PID is gone (a run killed with SIGKILL) is removed by the
 * next run's hostfw_sweep. Needs CAP_NET_ADMIN in the network namespace. */

#define HOSTFW_PREFIX "synlab_host_"
#define HOSTFW_NAME_MAX 40

struct nft_ctx;

struct hostfw {
	struct nft_ctx *nft;
	char table[HOSTFW_NAME_MAX];	/* installed table's name; "" when none */
};

/* Whose RSTs are dropped: from laddr:lport (host order) to raddr:rport; raddr 0 and
 * rport 0 mean any peer (a server, which does not know its clients in advance). */
struct hostfw_tuple {
	uint32_t laddr, raddr;
	uint16_t lport, rport;
	bool v6;		/* IPv6: laddr6/raddr6 (network order; raddr6 zero: any) */
	uint8_t laddr6[16], raddr6[16];
};

/* Opens the nftables context (no rule yet). */
int hostfw_open(struct hostfw *f, struct err *e);

/* Removes every table HOSTFW_PREFIX<PID> whose PID no longer runs a synlab program
 * (nor this one); their names go to removed[] (up to max), their count to *n. */
int hostfw_sweep(struct hostfw *f, char removed[][HOSTFW_NAME_MAX], unsigned max, unsigned *n,
		 struct err *e);

/* Installs this process's table for t, exempting segments marked with mark. Replaces
 * a table of the same name (an earlier process that had this PID). */
int hostfw_install(struct hostfw *f, const struct hostfw_tuple *t, uint32_t mark,
		   const char *who, struct err *e);

/* Deletes the installed table (if any) and closes the context; safe to call twice. */
int hostfw_close(struct hostfw *f, struct err *e);

/* Whether transmit checksum offload is on for device dev (SIOCETHTOOL ETHTOOL_GTXCSUM). */
int hostfw_tx_offload(const char *dev, bool *on, struct err *e);

#endif
