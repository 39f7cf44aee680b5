// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * join.c - a new process in a running container, for both exec commands
 *
 * Theory of Operation: a process joins the container as its workload sees
 * it: pid 1's cgroup, ipc and uts namespaces, and the workload's pid
 * namespace (its own, where it is pid 1, or pid 1's: init.c) and nested
 * user, mount and network namespaces, where every mount is locked
 * (nest.c).  The front end gives a pidfd of pid 1 it has checked to be the
 * container's (eci-run: its launcher's child; eci-runc: the start time
 * state.json recorded).  join_open() finds the workload, pid 1's first
 * child, and holds it by a pidfd too; a pid read from /proc may be reused
 * before it is opened, so each check comes after the open, and both
 * pidfds must still be alive after the checks: while a process lives, its
 * pid is not reused, so they were about it.  The workload must already be
 * in its nested namespaces — its user namespace a child of the
 * container's, and its mount namespace its own user namespace's — or the
 * new process would get the view pid 1 built, not locked.  Right after start that takes a
 * moment, so join_open() waits for it, two seconds at most.
 *
 * join_enter() is one setns() per process (Linux >= 5.8: several
 * namespaces of one process at once, the user namespace first): pid 1's
 * cgroup, ipc and uts namespaces, then the workload's others.  Only host
 * root may setns() through pid 1's pidfd — pid 1 changed its ids, so it is
 * not dumpable — so eci-run exec takes them all from the workload
 * (@only_workload), whose cgroup, ipc and uts namespaces are pid 1's
 * unless it made its own below.  Before it, the joining process must be
 * non-dumpable (its children inherit that until they exec): with
 * CAP_SYS_PTRACE in the container's user namespace, a container process
 * could otherwise ptrace a process whose credentials are in that
 * namespace, or open its /proc/PID/{mem,fd,exe}, which are the host's.  Joining a pid namespace applies to children only: the caller
 * forks the process itself after join_enter().
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "util.h"

#define OF_INIT (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWUTS)
#define OF_WORKLOAD (CLONE_NEWPID | CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)

static const char gone[] = "the container's workload is gone (the container is stopping)";

static bool same(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino;
}

/*
 * Is @w in the namespaces nest.c made: its user namespace two levels below
 * ours (the container's, then the nested one; not further down, should
 * it have unshared again), and its mount namespace owned by that nested
 * user namespace (made after the maps, so every mount is locked)?  pid 1's
 * own namespace files cannot be the measure: pid 1 changed its ids and so
 * is not dumpable, and only host root may look at them.
 */
static bool nested(pid_t w)
{
	_cleanup_close_ int user = -1, parent = -1, grand = -1, mnt = -1, owner = -1;
	struct stat u, p, g, o, self;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)w);
	user = open(path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)w);
	mnt = open(path, O_RDONLY | O_CLOEXEC);
	if (user < 0 || mnt < 0 || (parent = ioctl(user, NS_GET_PARENT)) < 0 ||
	    (grand = ioctl(parent, NS_GET_PARENT)) < 0 || (owner = ioctl(mnt, NS_GET_USERNS)) < 0)
		return false;
	if (fstat(user, &u) < 0 || fstat(parent, &p) < 0 || fstat(grand, &g) < 0 ||
	    fstat(owner, &o) < 0 || stat("/proc/self/ns/user", &self) < 0)
		return false;
	return same(&g, &self) && same(&o, &u);
}

/* One look at pid 1's first child: 0, -EAGAIN (not there, or not in its
 * namespaces, yet), or -1. */
static int try_workload(struct join_target *t, struct eci_err *e)
{
	_cleanup_free_ char *kids = NULL;
	char path[64];
	pid_t ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)t->init, (int)t->init);
	t->workload = 0;
	if (read_all_at(AT_FDCWD, path, 4096, &kids, NULL) == 0)
		t->workload = (pid_t)atoi(kids);
	if (t->workload <= 0) {
		eci_fail(e, 0, "the container has no workload (yet)");
		return -EAGAIN;
	}
	if (t->workload_fd >= 0)
		close(steal_fd(t->workload_fd));
	t->workload_fd = (int)syscall(SYS_pidfd_open, t->workload, 0);
	if (t->workload_fd < 0)
		return eci_fail(e, errno, "open the container's workload (pid %d)", (int)t->workload);
	/* After the open: while both live, pid 1's child by that pid is it. */
	if (proc_stat(t->workload, &ppid, NULL) < 0 || ppid != t->init)
		return eci_fail(e, 0, "%s", gone);
	if (!nested(t->workload)) {
		eci_fail(e, 0, "the container's workload is not in its namespaces (yet)");
		return -EAGAIN;
	}
	if (!pidfd_alive(t->workload_fd) || !pidfd_alive(t->init_fd))
		return eci_fail(e, 0, "%s", gone);
	return 0;
}

int join_open(struct join_target *t, struct eci_err *e)
{
	for (int i = 0; i < 200; i++) {
		int r = try_workload(t, e);

		if (r != -EAGAIN)
			return r < 0 ? -1 : 0;
		if (!pidfd_alive(t->init_fd))
			break;
		usleep(10000);
	}
	return -1;
}

int join_bounding(const struct join_target *t, uint64_t *caps, struct eci_err *e)
{
	_cleanup_free_ char *status = NULL;
	unsigned long long v;
	char path[64], *line;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)t->workload);
	r = read_all_at(AT_FDCWD, path, 1 << 16, &status, NULL);
	if (r < 0)
		return eci_fail(e, -r, "read %s", path);
	line = strstr(status, "\nCapBnd:");
	if (!line || sscanf(line, "\nCapBnd: %llx", &v) != 1)
		return eci_fail(e, 0, "%s: no CapBnd", path);
	if (!pidfd_alive(t->workload_fd))
		return eci_fail(e, 0, "%s", gone);
	*caps = v;
	return 0;
}

int join_enter(const struct join_target *t, bool host_net, struct eci_err *e)
{
	int net = host_net ? 0 : CLONE_NEWNET;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_DUMPABLE");
	if (t->only_workload) {
		if (setns(t->workload_fd, OF_INIT | (OF_WORKLOAD & ~CLONE_NEWNET) | net) < 0)
			return eci_fail(e, errno, "join the container's namespaces");
		return 0;
	}
	if (setns(t->init_fd, OF_INIT) < 0)
		return eci_fail(e, errno, "join the container's cgroup, ipc and uts namespaces");
	if (setns(t->workload_fd, (OF_WORKLOAD & ~CLONE_NEWNET) | net) < 0)
		return eci_fail(e, errno, "join the container's pid, user, mount and network "
				"namespaces");
	return 0;
}

void join_close(struct join_target *t)
{
	if (t->init_fd >= 0)
		close(steal_fd(t->init_fd));
	if (t->workload_fd >= 0)
		close(steal_fd(t->workload_fd));
}
