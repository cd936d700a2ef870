/* live_host.c - host mode: the program's own RST filter (hostfw) around its run, and the checksum-offload warning. */
#include "live_impl.h"

#include <stdio.h>
#include <string.h>

#include "cli.h"

#define SWEEP_MAX 8

/* "198.18.0.1:40000" or "[fd00:5359::1]:40000" for the tuple's local or remote end. */
static const char *end_str(const struct hostfw_tuple *t, bool local, char *buf, size_t cap)
{
	struct tcb_addr a = { .laddr = t->laddr, .raddr = t->raddr, .lport = t->lport,
			      .rport = t->rport, .v6 = t->v6 };

	memcpy(a.laddr6, t->laddr6, 16);
	memcpy(a.raddr6, t->raddr6, 16);
	return cli_end_str(&a, local, buf, cap);
}

static void note_swept(struct live *l, const char *prog, char names[][HOSTFW_NAME_MAX],
		       unsigned n)
{
	for (unsigned i = 0; i < n && i < SWEEP_MAX; i++)
		live_log_note(&l->g, "%s: host mode: removed nft table inet %s, left by an "
			      "earlier run that did not exit (its process is gone)", prog, names[i]);
	if (n > SWEEP_MAX)
		live_log_note(&l->g, "%s: host mode: removed %u more such tables", prog,
			      n - SWEEP_MAX);
}

static void note_filter(struct live *l, const char *prog, const struct hostfw_tuple *t)
{
	char a[64], b[64];

	if (t->rport)
		live_log_note(&l->g, "%s: host mode: nft table inet %s drops this host's kernel "
			      "RSTs from %s to %s (synlab's own, marked 0x%x, pass); it is "
			      "removed at exit", prog, l->fw.table, end_str(t, true, a, sizeof(a)),
			      end_str(t, false, b, sizeof(b)), WIRE_MARK);
	else
		live_log_note(&l->g, "%s: host mode: nft table inet %s drops this host's kernel "
			      "RSTs from %s to anyone (synlab's own, marked 0x%x, pass); it is "
			      "removed at exit", prog, l->fw.table, end_str(t, true, a, sizeof(a)),
			      WIRE_MARK);
}

/* LAB-NOTES trap 3: with tx checksum offload the kernel hands its segments to the device
 * with the checksum unfinished; captures on this host see them before it is filled in. */
static void note_offload(struct live *l, const char *prog)
{
	struct err e;
	bool on = false;

	if (hostfw_tx_offload(l->wire.w.device, &on, &e) < 0) {
		live_log_note(&l->g, "%s: %s (cannot tell whether captures will show bad "
			      "checksums)", prog, e.msg);
		return;
	}
	if (on)
		live_log_note(&l->g, "%s: host mode: tx checksum offload is on for %s: the kernel "
			      "leaves the TCP checksum of the segments it sends for the device to "
			      "fill in after the point where captures see them (a virtual device "
			      "may never fill it in), so a capture on this host (tcpdump, "
			      "Wireshark) shows the kernel's own segments with bad checksums; "
			      "synlab's segments carry a complete one. To turn it off: ethtool -K "
			      "%s tx off (as root)", prog, l->wire.w.device, l->wire.w.device);
}

int live_host_open(struct live *l, const struct live_cfg *cfg, struct err *e)
{
	char prog[32], swept[SWEEP_MAX][HOSTFW_NAME_MAX];
	struct hostfw_tuple t = { .laddr = cfg->local, .raddr = cfg->peer, .lport = cfg->port,
				  .rport = cfg->peer_port, .v6 = cfg->v6 };
	unsigned n = 0;

	memcpy(t.laddr6, cfg->local6, 16);
	memcpy(t.raddr6, cfg->peer6, 16);
	l->fw.nft = NULL;
	if (!cfg->host_mode)
		return 0;
	snprintf(prog, sizeof(prog), "synlab-%s", cfg->local_name);
	if (hostfw_open(&l->fw, e) < 0)
		return -1;
	if (hostfw_sweep(&l->fw, swept, SWEEP_MAX, &n, e) < 0 ||
	    hostfw_install(&l->fw, &t, WIRE_MARK, prog, e) < 0) {
		struct err ignored;

		hostfw_close(&l->fw, &ignored);	/* e says what failed first */
		return -1;
	}
	note_swept(l, prog, swept, n);
	note_filter(l, prog, &t);
	note_offload(l, prog);
	return 0;
}

void live_host_close(struct live *l)
{
	struct err e;

	if (l->fw.nft && hostfw_close(&l->fw, &e) < 0)
		fprintf(stderr, "synlab-%s: %s\n", l->pp.local_name, e.msg);
}
