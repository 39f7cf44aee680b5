// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroups.c - give the caller's own cgroups of a container to its root
 *
 * eci-run --privileged, where the user may divide a cgroup: the launcher
 * makes the container's directory ("eci-ID") in each hierarchy and sends
 * the helper a directory fd of each with its request (SCM_RIGHTS on
 * stdin).  The helper gives the group of each directory and of its
 * delegation files (common/cgdeleg.h) to the slot's first gid — container
 * root's — and the launcher, their owner, makes them group-writable.  The
 * container can then make cgroups below its own and move its processes,
 * and nothing else: its limits stay the caller's.
 *
 * No capability is needed but CAP_SETGID, for the file-system gid: the
 * kernel lets the owner of a file give its group to a group the owner is
 * in (chown(2)), and the helper runs with the caller's file-system uid.
 * So it can only ever regroup the caller's own files to the caller's own
 * subordinate gid.  Every fd is checked first all the same, as hostile
 * input: a directory of a cgroup file system (v1 or v2), the caller's;
 * each file is opened beside it without following a link, and must be on
 * a cgroup file system and the caller's too.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "cgdeleg.h"
#include "cleanup.h"
#include "helper.h"

static bool on_cgroupfs(int fd)
{
	struct statfs sf;

	return fstatfs(fd, &sf) == 0 &&
	       ((unsigned long)sf.f_type == CG_V1_MAGIC || (unsigned long)sf.f_type == CG_V2_MAGIC);
}

int cgroups_check(const int *fd, size_t n, uid_t uid, struct eci_err *e)
{
	for (size_t i = 0; i < n; i++) {
		struct stat st;

		if (fstat(fd[i], &st) < 0 || !S_ISDIR(st.st_mode) || !on_cgroupfs(fd[i]))
			return subid_deny(e, "stdin: cgroup %zu of the request is not a cgroup "
					  "directory", i + 1);
		if (st.st_uid != uid)
			return subid_deny(e, "stdin: cgroup %zu of the request is uid %u's, not "
					  "yours", i + 1, (unsigned)st.st_uid);
	}
	return 0;
}

/* One object beside or at @dir (@name NULL): its group to @gid. */
static int regroup(int dir, const char *name, uid_t uid, gid_t gid, struct eci_err *e)
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	fd = name ? openat(dir, name, O_PATH | O_NOFOLLOW | O_CLOEXEC) : -1;
	if (name && fd < 0)
		return errno == ENOENT ? 0 : eci_fail(e, errno, "open %s of a cgroup", name);
	if (name && (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_uid != uid ||
		     !on_cgroupfs(fd)))
		return subid_deny(e, "%s of a cgroup of the request is not a cgroup file of "
				  "yours", name);
	if (fchownat(name ? fd : dir, "", (uid_t)-1, gid, AT_EMPTY_PATH) < 0)
		return eci_fail(e, errno, "give %s of a cgroup to gid %u", name ? name : "the "
				"directory", (unsigned)gid);
	return 0;
}

int cgroups_give(const int *fd, size_t n, uid_t uid, gid_t gid, struct eci_err *e)
{
	static const char *const files[] = CG_DELEGATED_FILES;

	for (size_t i = 0; i < n; i++) {
		if (regroup(fd[i], NULL, uid, gid, e) < 0)
			return -1;
		for (size_t k = 0; k < CG_DELEGATED_NFILES; k++)
			if (regroup(fd[i], files[k], uid, gid, e) < 0)
				return -1;
	}
	return 0;
}
