// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * maps.c - write the target's uid_map and gid_map
 *
 * The kernel checks the opener's credentials of a map file (it must hold
 * CAP_SETUID, resp. CAP_SETGID, in the parent user namespace to map anything
 * but itself), so each capability is raised around both the open and the
 * write of its own file, and lowered again.  Each map is written in a single
 * write(), as the kernel requires: "0 START 65536", or with --keep-id the
 * caller's own uid and gid kept as themselves (subid_map_text(); the
 * kernel takes up to 340 lines from a writer holding CAP_SETUID, resp.
 * CAP_SETGID, over the parent namespace, as long as no two overlap on
 * either side).  /proc/PID/setgroups is left at "allow":
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

static int write_map(int procfd, const char *file, int cap, uint32_t start, long long self,
		     struct eci_err *e)
{
	char text[SUBID_MAP_MAX];
	int r = subid_map_text(text, sizeof(text), start, self);

	if (r < 0)
		return subid_deny(e, "%s: no map of the slot at %u keeps id %lld", file, start, self);
	caps_raise(cap);
	r = idmap_write_text(procfd, file, text);
	caps_lower();
	if (r < 0) {
		eci_fail(e, -r, "write %s", file);
		return r == -ESRCH ? SUBID_DENIED : r;	/* the process is gone */
	}
	return 0;
}

int maps_write(int procfd, uint32_t uid_start, uint32_t gid_start, const struct keep_id *k,
	       struct eci_err *e)
{
	int r = write_map(procfd, "uid_map", CAP_SETUID, uid_start, k ? (long long)k->uid : -1, e);

	return r < 0 ? r : write_map(procfd, "gid_map", CAP_SETGID, gid_start,
				     k ? (long long)k->gid : -1, e);
}
