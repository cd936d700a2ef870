/* hostfw.c - host mode's nftables table: install for one 4-tuple, remove on exit, sweep the ones killed runs left. */
#include "hostfw.h"

#include <arpa/inet.h>
#include <errno.h>
#include <linux/capability.h>
#include <nftables/libnftables.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#define HOSTFW_NEED_ADMIN "nftables needs CAP_NET_ADMIN: run it as root, or inside the lab"

/* Runs one nft script; on failure the error names what and nft's first error line. */
static int run(struct hostfw *f, const char *cmd, const char *what, struct err *e)
{
	const char *msg;
	size_t n;

	if (nft_run_cmd_from_buffer(f->nft, cmd) == 0)
		return 0;
	msg = nft_ctx_get_error_buffer(f->nft);
	msg = msg ? msg : "";
	if (!strncmp(msg, "Error: ", 7))
		msg += 7;
	n = strcspn(msg, "\n");
	if (strstr(msg, "Operation not permitted"))
		return err_set(e, "host mode: %s: " HOSTFW_NEED_ADMIN, what);
	return err_set(e, "host mode: %s: nft: %.*s", what, (int)(n > 200 ? 200 : n), msg);
}

/* CAP_NET_ADMIN effective (in our own user namespace, which owns a rootless lab's
 * network namespaces). Checked first: without it libnftables prints its own line on
 * stderr ("... (you must be root)") besides the error it returns. */
static bool have_net_admin(void)
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };
	struct __user_cap_data_struct d[2];

	if (syscall(SYS_capget, &h, d) < 0)
		return true;	/* cannot tell: let nftables answer */
	return d[CAP_NET_ADMIN / 32].effective & (1u << (CAP_NET_ADMIN % 32));
}

int hostfw_open(struct hostfw *f, struct err *e)
{
	memset(f, 0, sizeof(*f));
	if (!have_net_admin())
		return err_set(e, "host mode: " HOSTFW_NEED_ADMIN);
	if (!(f->nft = nft_ctx_new(NFT_CTX_DEFAULT)))
		return err_set(e, "host mode: cannot make an nftables context");
	/* Keep nft's own output and errors off our stdout/stderr: we report them ourselves. */
	if (nft_ctx_buffer_output(f->nft) < 0 || nft_ctx_buffer_error(f->nft) < 0) {
		nft_ctx_free(f->nft);
		f->nft = NULL;
		return err_set(e, "host mode: cannot buffer nftables output");
	}
	return 0;
}

/* A PID whose table may go: it runs nothing, or something that is not a synlab program
 * (the PID was reused). A PID in another PID namespace looks gone: such a table would
 * come back with that process's next run. */
static bool pid_gone(long pid)
{
	char path[64], comm[32] = "";
	FILE *fp;

	if (kill((pid_t)pid, 0) < 0 && errno == ESRCH)
		return true;
	snprintf(path, sizeof(path), "/proc/%ld/comm", pid);
	if (!(fp = fopen(path, "r")))
		return false;	/* it runs, but we cannot tell what: keep its table */
	if (!fgets(comm, sizeof(comm), fp))
		comm[0] = 0;
	fclose(fp);
	return strncmp(comm, "synlab-", 7) != 0;
}

/* The PID in "table inet synlab_host_PID" (one line of 'list tables'), or -1. */
static long table_pid(const char *line, char name[HOSTFW_NAME_MAX])
{
	char *end;
	long pid;

	if (sscanf(line, " table inet %39s", name) != 1 ||
	    strncmp(name, HOSTFW_PREFIX, strlen(HOSTFW_PREFIX)) != 0)
		return -1;
	pid = strtol(name + strlen(HOSTFW_PREFIX), &end, 10);
	return (*end || pid <= 0) ? -1 : pid;
}

int hostfw_sweep(struct hostfw *f, char removed[][HOSTFW_NAME_MAX], unsigned max, unsigned *n,
		 struct err *e)
{
	char *list, *line, *save = NULL, name[HOSTFW_NAME_MAX], cmd[96];
	const char *out;
	long pid;

	*n = 0;
	if (run(f, "list tables inet", "listing tables", e) < 0)
		return -1;
	out = nft_ctx_get_output_buffer(f->nft);
	if (!(list = strdup(out ? out : "")))
		return err_set(e, "host mode: out of memory");
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if ((pid = table_pid(line, name)) < 0 || pid == (long)getpid() || !pid_gone(pid))
			continue;
		snprintf(cmd, sizeof(cmd), "delete table inet %s", name);
		if (run(f, cmd, "removing a stale table", e) < 0) {
			free(list);
			return -1;
		}
		if (*n < max)
			snprintf(removed[*n], HOSTFW_NAME_MAX, "%s", name);
		(*n)++;
	}
	free(list);
	return 0;
}

/* "ip saddr A tcp sport P" ("ip6 saddr A6 ..." for IPv6: the table is of the inet
 * family, so one hook sees both) and, when known, the peer's half. */
static void match(const struct hostfw_tuple *t, char *buf, size_t cap)
{
	static const uint8_t none6[16];
	char l[INET6_ADDRSTRLEN], r[INET6_ADDRSTRLEN];
	const char *ip = t->v6 ? "ip6" : "ip";
	bool peer = t->v6 ? memcmp(t->raddr6, none6, 16) != 0 : t->raddr != 0;
	int n;

	if (t->v6)
		inet_ntop(AF_INET6, t->laddr6, l, sizeof(l));
	else
		inet_ntop(AF_INET, &(uint32_t){ htonl(t->laddr) }, l, sizeof(l));
	n = snprintf(buf, cap, "%s saddr %s tcp sport %u", ip, l, t->lport);
	if (peer && n > 0 && (size_t)n < cap) {
		if (t->v6)
			inet_ntop(AF_INET6, t->raddr6, r, sizeof(r));
		else
			inet_ntop(AF_INET, &(uint32_t){ htonl(t->raddr) }, r, sizeof(r));
		n += snprintf(buf + n, cap - (size_t)n, " %s daddr %s", ip, r);
	}
	if (t->rport && n > 0 && (size_t)n < cap)
		snprintf(buf + n, cap - (size_t)n, " tcp dport %u", t->rport);
}

int hostfw_install(struct hostfw *f, const struct hostfw_tuple *t, uint32_t mark,
		   const char *who, struct err *e)
{
	char m[192], cmd[1024], name[HOSTFW_NAME_MAX];

	snprintf(name, sizeof(name), HOSTFW_PREFIX "%ld", (long)getpid());
	match(t, m, sizeof(m));
	/* One transaction: add (a no-op if a table of this name exists), delete, re-add. The
	 * output hook sees the kernel's RSTs before they leave (LAB-NOTES trap 1); marked
	 * segments are synlab's own and pass (trap 2). */
	snprintf(cmd, sizeof(cmd),
		 "table inet %s\n"
		 "delete table inet %s\n"
		 "table inet %s {\n"
		 "  comment \"%.40s pid %ld: host mode, removed when it exits\"\n"
		 "  chain out {\n"
		 "    type filter hook output priority 0; policy accept;\n"
		 "    %s meta mark != 0x%x tcp flags rst counter drop "
		 "comment \"this host's kernel RSTs for synlab's segments (LAB-NOTES trap 1-2)\"\n"
		 "  }\n"
		 "}\n", name, name, name, who, (long)getpid(), m, mark);
	if (run(f, cmd, "installing the RST filter", e) < 0)
		return -1;
	snprintf(f->table, sizeof(f->table), "%s", name);
	return 0;
}

int hostfw_close(struct hostfw *f, struct err *e)
{
	char cmd[96];
	int r = 0;

	if (f->nft && f->table[0]) {
		snprintf(cmd, sizeof(cmd), "delete table inet %s", f->table);
		r = run(f, cmd, "removing the RST filter", e);
		f->table[0] = 0;
	}
	if (f->nft)
		nft_ctx_free(f->nft);
	f->nft = NULL;
	return r;
}
