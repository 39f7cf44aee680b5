// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nest.c - the workload's nested user, mount and network namespaces
 *
 * Theory of Operation: every mount of the container's system view is made
 * by pid 1 in the container's user namespace.  The workload runs one level
 * further down, in a user namespace whose root maps to container root
 * ("0 0 65536") and with a mount namespace of its own.  When a mount
 * namespace is copied into a less privileged user namespace the kernel
 * locks every mount in it (MNT_LOCKED and the MNT_LOCK_* flags): the
 * workload, even holding CAP_SYS_ADMIN there, cannot unmount /proc/sys or a
 * mask to reveal what lies beneath, nor clear read-only, nosuid, nodev or
 * noexec.  It can still mount its own tmpfs and so on.
 *
 * A pod member (eci-runc, a namespace path of another eci container) runs
 * in that container's user namespace and slot (runc/nsjoin.c); its
 * workload joins the other workload's nested user namespace and network
 * namespace instead of making them, and copies its own mount namespace
 * the same way, locked.
 *
 * The workload gets a network namespace of its own too, owned by its user
 * namespace, so that the capabilities it is granted (bind below 1024,
 * raw sockets, NET_ADMIN when added) work on its own interfaces.  With
 * pasta or slirp4netns it makes their tap device there first, persistent
 * (net_tap_prepare(): why, in net.h).  It is the
 * container's only one: eci-run's pid 1 is cloned without a network
 * namespace (creating one is the costliest part of a start), joins the
 * workload's once it exists (nest_join_net), and only then mounts /sys, so
 * that sysfs shows the container's interfaces; the workload copies the
 * mount namespace after that.  Nothing of the container runs before.
 *
 * A process cannot map its own new user namespace beyond its own id, so
 * the workload unshares and pid 1, which holds CAP_SETUID and CAP_SETGID in
 * the parent namespace, writes the maps.  The workload first makes itself
 * dumpable again: it changed its ids (setresuid in the child) and so
 * became non-dumpable, and the /proc files of a non-dumpable process belong
 * to host root, which pid 1 is not.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "fdpass.h"
#include "net.h"
#include "subid.h"
#include "util.h"

int nest_enter(int sync, bool own_net, const char *tap, int parent, const char *flag,
	       int join_user, int join_net, struct eci_err *e)
{
	char c = 'u';

	if (prctl(PR_SET_DUMPABLE, 1, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_DUMPABLE");
	if (join_user >= 0) {
		/* a pod member: the other container's workload's namespaces;
		 * container root owns its nested user namespace */
		if (setns(join_user, CLONE_NEWUSER) < 0 || setns(join_net, CLONE_NEWNET) < 0)
			return eci_fail(e, errno, "join the pod's namespaces");
		own_net = false;
	} else if (unshare(CLONE_NEWUSER | (own_net ? CLONE_NEWNET : 0)) < 0) {
		return eci_fail(e, errno, "create the workload's namespaces");
	}
	tl_mark("workload: namespaces made");
	/* pasta or slirp4netns: the tap first, which the program takes
	 * (net.h), then the launcher asked to start it, now, while pid 1
	 * builds the root: joining the namespaces and taking the tap need no
	 * mapped id. */
	if (own_net && tap) {
		struct sync_msg m = { .type = SYNC_NET };

		if (net_tap_prepare(tap, e) < 0)
			return -1;
		if (send(parent, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
			return eci_fail(e, errno, "%s: ask for the network", flag);
		tl_mark("workload: network asked");
	}
	if (write(sync, &c, 1) != 1)
		return eci_fail(e, errno, "tell pid 1 the namespaces are made");
	/* While pid 1 maps them: the creator of a user namespace holds every
	 * capability in it, mapped or not. */
	if (own_net && nl_loopback_up(e) < 0)
		return -1;
	return 0;
}

int nest_await(int sync, int *tty, struct eci_err *e)
{
	char c = 0;
	int fd;

	/* 'm', with the terminal pid 1 made meanwhile (eci-runc), if any */
	fd = fd_recv(sync, &c, 1);
	if (fd == -2 || c != 'm')
		return eci_fail(e, 0, "pid 1 did not map the workload's namespace");
	if (fd >= 0)
		*tty = fd;
	tl_mark("workload: released");
	/* Only now: pid 1 may have mounted /sys for this network namespace,
	 * and the copy takes every mount of the container, locked. */
	if (unshare(CLONE_NEWNS) < 0)
		return eci_fail(e, errno, "create the workload's mount namespace");
	nest_hand_mounts(sync);
	return 0;
}

/*
 * Pid 1 keeps the workload's mount namespace until it ends itself.  The
 * last process of a mount namespace tears it down in its exit, before its
 * parent hears of it, and that teardown waits for an RCU grace period: as
 * part of pid 1's end, which eci-run does not wait for (launcher/
 * container.c), rather than of the workload's, which pid 1 reports.  Only
 * a matter of time: without /proc (an OCI bundle may mount none) pid 1
 * gets the word alone.
 */
void nest_hand_mounts(int sync)
{
	/* a magic link, which O_NOFOLLOW refuses (ELOOP); /proc is the
	 * workload's own, mounted by pid 1 */
	_cleanup_close_ int fd = open("/proc/self/ns/mnt", O_RDONLY | O_CLOEXEC);

	if (fd < 0 || fd_send(sync, "n", 1, fd) < 0)
		(void)!send(sync, "n", 1, MSG_NOSIGNAL);
}

int nest_join_net(pid_t pid, struct eci_err *e)
{
	_cleanup_close_ int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 || setns(fd, CLONE_NEWNET) < 0)
		return eci_fail(e, errno, "join the workload's network namespace");
	return 0;
}

/*
 * The nested namespace maps the container's ids to themselves: "0 0 65536",
 * and with keep-id the user's own id as well, which lies beyond 65535 for
 * some users (subid_map_text() with start 0).
 */
static int write_map(int proc, pid_t pid, const char *file, long long keep, struct eci_err *e)
{
	char path[64], text[SUBID_MAP_MAX];
	int r = subid_map_text(text, sizeof(text), 0, keep);

	if (r < 0)
		return eci_fail(e, -r, "the workload's %s", file);
	snprintf(path, sizeof(path), "%d/%s", (int)pid, file);
	r = idmap_write_text(proc, path, text);
	return r < 0 ? eci_fail(e, -r, "write the workload's %s", file) : 0;
}

int nest_map(int proc, pid_t pid, int sync, bool joined, long long keep_uid, long long keep_gid,
	     struct eci_err *e)
{
	char c;

	if (read(sync, &c, 1) != 1 || c != 'u')
		return eci_fail(e, 0, "the workload failed to create its namespaces");
	if (joined)
		return 0;
	if (write_map(proc, pid, "uid_map", keep_uid, e) < 0 ||
	    write_map(proc, pid, "gid_map", keep_gid, e) < 0)
		return -1;
	tl_mark("pid 1: workload mapped");
	return 0;
}

int nest_release(int sync, int tty, struct eci_err *e)
{
	char c = 'm';

	/* A workload that failed meanwhile (its loopback) has closed its end:
	 * no SIGPIPE for pid 1, its message is what the user must see. */
	bool sent = tty >= 0 ? fd_send(sync, &c, 1, tty) == 0 : send(sync, &c, 1, MSG_NOSIGNAL) == 1;

	if (!sent)
		return eci_fail(e, errno, "release the workload");
	tl_mark("pid 1: workload let go");
	return 0;
}
