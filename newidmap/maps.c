// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * maps.c - write the target's uid_map and gid_map
 *
 * The kernel checks the opener's credentials of a map file (it must hold
 * CAP_SETUID, resp. CAP_SETGID, in the parent user namespace to map anything
 * but itself), so each capability is raised around both the open and the
 * write of its own file, and lowered again.  Each map is written in a single
 * write(), as the kernel requires.  /proc/PID/setgroups is left at "allow":
 * the gid range was granted by the administrator in /etc/subgid, which is the
 * condition under which shadow's newgidmap allows setgroups too.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/capability.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "util.h"

static int write_map(int procfd, const char *file, int cap, uint32_t start, uint32_t count,
		     struct eci_err *e)
{
	int r;

	caps_raise(cap);
	r = idmap_write(procfd, file, 0, start, count);
	caps_lower();
	if (r < 0) {
		eci_fail(e, -r, "write %s", file);
		return r == -ESRCH ? SUBID_DENIED : r;	/* the process is gone */
	}
	return 0;
}

int maps_write(int procfd, uint32_t uid_start, uint32_t gid_start, uint32_t count,
	       struct eci_err *e)
{
	int r = write_map(procfd, "uid_map", CAP_SETUID, uid_start, count, e);

	return r < 0 ? r : write_map(procfd, "gid_map", CAP_SETGID, gid_start, count, e);
}
