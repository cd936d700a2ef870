/* priv.h - dropping root after the raw socket and the capture are open (-Z USER, as tcpdump). */
#ifndef SYNLAB_PRIV_H
#define SYNLAB_PRIV_H

#include "err.h"

/* Becomes USER for good: no_new_privs, every capability removed from the bounding and
 * ambient sets, supplementary groups = USER's (initgroups), then setgid and setuid to
 * USER's ids. Verifies afterwards that uid 0 cannot be regained and that the permitted
 * and effective capability sets are empty. Fails with a one-line reason: unknown user,
 * a call refused (not root), or a check that did not hold. Already-open descriptors
 * (raw socket, pcap handle, -w file) keep working. */
int priv_drop(const char *user, struct err *e);

#endif
