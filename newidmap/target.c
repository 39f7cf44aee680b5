// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * target.c - bind the request to one process of the caller's
 *
 * Theory of Operation: the pid on the command line is hostile input.  It is
 * opened once as /proc/PID and every later check and write goes through that
 * directory fd, so a process that exits and whose pid is reused cannot be
 * substituted between the checks and the write: the old fd then only yields
 * ESRCH.  The target must be
 *   - owned by the caller (the /proc/PID directory's owner is the task's
 *     effective uid, root for a non-dumpable task),
 *   - in a user namespace that the caller owns (NS_GET_OWNER_UID),
 *   - whose parent is the caller's own user namespace (NS_GET_PARENT): a
 *     namespace nested deeper, or the caller's own, is refused,
 *   - and whose maps are both still empty: a map can be written only once,
 *     and a second request must not look like success.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "util.h"

/* A refusal (SUBID_DENIED) if the process is gone, else a failure. */
static int gone_or_failed(struct eci_err *e, int err, pid_t pid, const char *what)
{
	eci_fail(e, err, "process %d: %s", (int)pid, what);
	return err == ESRCH ? SUBID_DENIED : -err;
}

static int check_userns(int procfd, pid_t pid, const struct subid_user *c, struct eci_err *e)
{
	_cleanup_close_ int ns = openat(procfd, "ns/user", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int parent = -1;
	struct stat self, st, pst;
	uid_t owner;

	if (ns < 0)
		return gone_or_failed(e, errno, pid, "open its user namespace");
	if (stat("/proc/self/ns/user", &self) < 0 || fstat(ns, &st) < 0)
		return eci_fail(e, errno, "stat user namespace");
	if (st.st_dev == self.st_dev && st.st_ino == self.st_ino)
		return subid_deny(e, "process %d is in your own user namespace, not a new one",
				  (int)pid);
	if (ioctl(ns, NS_GET_OWNER_UID, &owner) < 0)
		return eci_fail(e, errno, "process %d: NS_GET_OWNER_UID", (int)pid);
	if (owner != c->uid)
		return subid_deny(e, "the user namespace of process %d is owned by uid %u, not by you",
				  (int)pid, (unsigned)owner);
	parent = ioctl(ns, NS_GET_PARENT);
	if (parent < 0)
		return subid_deny(e, "process %d: its user namespace is not a child of yours (%s)",
				  (int)pid, strerror(errno));
	if (fstat(parent, &pst) < 0)
		return eci_fail(e, errno, "stat parent user namespace");
	if (pst.st_dev != self.st_dev || pst.st_ino != self.st_ino)
		return subid_deny(e, "the user namespace of process %d is not a direct child of yours",
				  (int)pid);
	return 0;
}

static int check_unmapped(int procfd, pid_t pid, const char *file, struct eci_err *e)
{
	_cleanup_free_ char *buf = NULL;
	char what[32];
	int r = read_all_at(procfd, file, 65536, &buf, NULL);

	if (r < 0) {
		snprintf(what, sizeof(what), "read %s", file);
		return gone_or_failed(e, -r, pid, what);
	}
	if (buf[0])
		return subid_deny(e, "process %d: its %s is already written", (int)pid, file);
	return 0;
}

int target_open(pid_t pid, const struct subid_user *c, struct eci_err *e)
{
	_cleanup_close_ int fd = -1;
	char path[32];
	struct stat st;
	int r;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		int err = errno;

		eci_fail(e, err, "process %d", (int)pid);
		return err == ENOENT ? SUBID_DENIED : -err;
	}
	if (fstat(fd, &st) < 0)
		return eci_fail(e, errno, "stat %s", path);
	if (st.st_uid != c->uid)
		return subid_deny(e, "process %d is not yours (owned by uid %u)", (int)pid,
				  (unsigned)st.st_uid);
	r = check_userns(fd, pid, c, e);
	if (r == 0)
		r = check_unmapped(fd, pid, "uid_map", e);
	if (r == 0)
		r = check_unmapped(fd, pid, "gid_map", e);
	return r < 0 ? r : steal_fd(fd);
}
