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

static void write_map(int procfd, const char *file, int cap, uint32_t start, uint32_t count)
{
	int r;

	caps_raise(cap);
	r = idmap_write(procfd, file, 0, start, count);
	caps_lower();
	if (r < 0) {
		errno = -r;
		die(r == -ESRCH ? EXIT_DENIED : EXIT_SYSERR, "write %s: %m", file);
	}
}

void maps_write(int procfd, uint32_t uid_start, uint32_t gid_start, uint32_t count)
{
	write_map(procfd, "uid_map", CAP_SETUID, uid_start, count);
	write_map(procfd, "gid_map", CAP_SETGID, gid_start, count);
}
