// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - the helper's capabilities, held in the effective set only for the
 * one system call that needs each of them
 *
 * The helper is installed with cap_setuid,cap_setgid=ep.  At start it keeps
 * both in its permitted set and clears its effective and inheritable sets,
 * so that every file it opens and every check it makes runs with the
 * caller's plain credentials; caps_raise() lifts one capability for the
 * write it is needed for.
 */
#include <errno.h>
#include <sys/capability.h>
#include <sys/fsuid.h>

#include "helper.h"

static void set_caps(int effective)
{
	cap_value_t both[] = { CAP_SETUID, CAP_SETGID };
	cap_t caps = cap_init();

	if (!caps)
		die(EXIT_SYSERR, "cap_init: %m");
	if (cap_set_flag(caps, CAP_PERMITTED, 2, both, CAP_SET) < 0 ||
	    (effective >= 0 &&
	     cap_set_flag(caps, CAP_EFFECTIVE, 1, (cap_value_t[]){ effective }, CAP_SET) < 0))
		die(EXIT_SYSERR, "cap_set_flag: %m");
	if (cap_set_proc(caps) < 0) {
		int e = errno;

		cap_free(caps);
		errno = e;
		die(EXIT_SYSERR,
		    "file capabilities missing (%m): an administrator must run "
		    "'setcap cap_setuid,cap_setgid=ep' on this program (make install-privileged)");
	}
	cap_free(caps);
}

void caps_minimum(void)
{
	set_caps(-1);
}

void caps_raise(int cap)
{
	set_caps(cap);
}

void caps_lower(void)
{
	set_caps(-1);
}

/*
 * The file-system ids alone: root's for the lease directory, which only
 * root may touch, the caller's again for the map files.  Changing them
 * takes CAP_SETUID and CAP_SETGID and grants nothing else.
 */
void caps_fsids(uid_t uid, gid_t gid)
{
	caps_raise(CAP_SETUID);
	setfsuid(uid);
	caps_raise(CAP_SETGID);
	setfsgid(gid);
	caps_lower();
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid)
		die(EXIT_SYSERR, "cannot switch file-system ids to %u:%u", (unsigned)uid,
		    (unsigned)gid);
}
