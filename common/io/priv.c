/* priv.c - drops root and every capability for -Z USER (the tcpdump order: groups, gid, uid). */
#include "priv.h"

#include <errno.h>
#include <grp.h>
#include <linux/capability.h>
#include <pwd.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

/* Capability sets via the raw syscall: libcap would be one more dependency for two calls. */
static int priv_caps(struct __user_cap_data_struct d[2])
{
	struct __user_cap_header_struct h = { _LINUX_CAPABILITY_VERSION_3, 0 };

	return (int)syscall(SYS_capget, &h, d);
}

/* Empties the bounding set (so no exec can regain a capability) and the ambient set. */
static int priv_drop_bounding(struct err *e)
{
	for (int cap = 0; cap <= 63; cap++) {
		if (prctl(PR_CAPBSET_READ, cap, 0, 0, 0) < 0)
			break;	/* past the kernel's last capability */
		if (prctl(PR_CAPBSET_DROP, cap, 0, 0, 0) < 0)
			return err_set(e, "-Z: dropping capability %d: %s", cap, strerror(errno));
	}
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0 && errno != EINVAL)
		return err_set(e, "-Z: clearing ambient capabilities: %s", strerror(errno));
	return 0;
}

/* The drop held: uid 0 is gone and no capability is left permitted or effective. */
static int priv_verify(const char *user, struct err *e)
{
	struct __user_cap_data_struct d[2];

	if (setuid(0) == 0 || geteuid() == 0)
		return err_set(e, "-Z %s: still able to become root", user);
	if (priv_caps(d) < 0)
		return err_set(e, "-Z %s: capget: %s", user, strerror(errno));
	if (d[0].effective | d[1].effective | d[0].permitted | d[1].permitted)
		return err_set(e, "-Z %s: capabilities left after the drop", user);
	return 0;
}

int priv_drop(const char *user, struct err *e)
{
	struct passwd *pw;

	errno = 0;
	if (!(pw = getpwnam(user)))
		return err_set(e, "-Z: unknown user '%.64s'%s%s", user, errno ? ": " : "",
			       errno ? strerror(errno) : "");
	if (pw->pw_uid == 0)
		return err_set(e, "-Z %.64s: a user other than root is needed", user);
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return err_set(e, "-Z: no_new_privs: %s", strerror(errno));
	if (priv_drop_bounding(e) < 0)
		return -1;
	if (initgroups(pw->pw_name, pw->pw_gid) < 0)
		return err_set(e, "-Z %s: setting groups: %s", user, strerror(errno));
	if (setgid(pw->pw_gid) < 0)
		return err_set(e, "-Z %s: setgid(%u): %s", user, (unsigned)pw->pw_gid,
			       strerror(errno));
	if (setuid(pw->pw_uid) < 0)
		return err_set(e, "-Z %s: setuid(%u): %s", user, (unsigned)pw->pw_uid,
			       strerror(errno));
	return priv_verify(user, e);
}
