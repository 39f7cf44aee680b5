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
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "util.h"

static void check_userns(int procfd, pid_t pid, const struct caller *c)
{
	_cleanup_close_ int ns = openat(procfd, "ns/user", O_RDONLY | O_CLOEXEC);
	_cleanup_close_ int parent = -1;
	struct stat self, st, pst;
	uid_t owner;

	if (ns < 0)
		die(errno == ESRCH ? EXIT_DENIED : EXIT_SYSERR,
		    "process %d: open its user namespace: %m", (int)pid);
	if (stat("/proc/self/ns/user", &self) < 0 || fstat(ns, &st) < 0)
		die(EXIT_SYSERR, "stat user namespace: %m");
	if (st.st_dev == self.st_dev && st.st_ino == self.st_ino)
		die(EXIT_DENIED, "process %d is in your own user namespace, not a new one",
		    (int)pid);
	if (ioctl(ns, NS_GET_OWNER_UID, &owner) < 0)
		die(EXIT_SYSERR, "process %d: NS_GET_OWNER_UID: %m", (int)pid);
	if (owner != c->uid)
		die(EXIT_DENIED, "the user namespace of process %d is owned by uid %u, not by you",
		    (int)pid, (unsigned)owner);
	parent = ioctl(ns, NS_GET_PARENT);
	if (parent < 0)
		die(EXIT_DENIED, "process %d: its user namespace is not a child of yours (%m)",
		    (int)pid);
	if (fstat(parent, &pst) < 0)
		die(EXIT_SYSERR, "stat parent user namespace: %m");
	if (pst.st_dev != self.st_dev || pst.st_ino != self.st_ino)
		die(EXIT_DENIED, "the user namespace of process %d is not a direct child of yours",
		    (int)pid);
}

static void check_unmapped(int procfd, pid_t pid, const char *file)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_all_at(procfd, file, 65536, &buf, NULL);

	if (r < 0) {
		errno = -r;
		die(r == -ESRCH ? EXIT_DENIED : EXIT_SYSERR, "process %d: read %s: %m",
		    (int)pid, file);
	}
	if (buf[0])
		die(EXIT_DENIED, "process %d: its %s is already written", (int)pid, file);
}

int target_open(pid_t pid, const struct caller *c)
{
	char path[32];
	int fd;
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		die(errno == ENOENT ? EXIT_DENIED : EXIT_SYSERR, "process %d: %m", (int)pid);
	if (fstat(fd, &st) < 0)
		die(EXIT_SYSERR, "stat %s: %m", path);
	if (st.st_uid != c->uid)
		die(EXIT_DENIED, "process %d is not yours (owned by uid %u)", (int)pid,
		    (unsigned)st.st_uid);
	check_userns(fd, pid, c);
	check_unmapped(fd, pid, "uid_map");
	check_unmapped(fd, pid, "gid_map");
	return fd;
}

unsigned long long target_starttime(int procfd, pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	unsigned long long t;
	int r = read_all_at(procfd, "stat", 4096, &buf, NULL);

	if (r < 0) {
		errno = -r;
		die(r == -ESRCH ? EXIT_DENIED : EXIT_SYSERR, "process %d: read stat: %m", (int)pid);
	}
	if (lease_stat_starttime(buf, &t) < 0)
		die(EXIT_SYSERR, "process %d: cannot parse its stat", (int)pid);
	return t;
}
