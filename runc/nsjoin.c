// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * nsjoin.c - the namespaces config.json names by path: whose they are
 *
 * Theory of Operation: an engine names a namespace by path to share one
 * container's with another (docker's --network/--ipc/--pid container:X,
 * a pod's infra container, ctr --with-ns) or to give the container a
 * network namespace it made and configured itself (podman, CNI).  Each is
 * opened once and judged by what it is, never by its path:
 *   - the host's (the same namespace as ours, the engine's, or pid 1's)
 *     goes to the policy's
 *     gate as a host namespace, which refuses it (policy/gate.c);
 *   - one owned by our own user namespace is the engine's own: only a
 *     network namespace, and only a fresh one, in which no process runs
 *     yet, or the one such that the engine gave another eci container
 *     (pid 1 of a live container of the same --root runs in it: a pod
 *     member joins that container's user namespace and slot with it);
 *     anything else there is some other container's, root on the host;
 *   - one owned by a user namespace below ours must be an eci container's:
 *     the chain of owners ends, right below ours, at the user namespace of
 *     pid 1 of a live container of the same --root (its ipc, pid, uts and
 *     cgroup namespaces are owned by that one; its network namespace by its
 *     workload's nested one, one further down).  The new container then
 *     runs in that user namespace and slot: a pod shares one range.  A pid
 *     namespace named is pid 1's, the one process the engine knows; the
 *     workload's own below it, where the container's processes are, is
 *     joined instead (workload_pidns()).
 * Anything else is refused, naming the field.  Every namespace named must
 * be of the same container.  The container joined must still be alive
 * when the new one is ready (runc_join_alive()): until then its lease
 * holds the slot, and from then the new one's processes do.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/nsfs.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "runc.h"
#include "util.h"

static const struct {
	const char *name;	/* config.json's type */
	const char *proc;	/* its name in /proc/PID/ns */
	int type;
} kinds[RNS_N] = {
	[RNS_NET] = { "network", "net", CLONE_NEWNET },
	[RNS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
	[RNS_PID] = { "pid", "pid", CLONE_NEWPID },
	[RNS_UTS] = { "uts", "uts", CLONE_NEWUTS },
	[RNS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
};

int runc_ns_kind(const char *type)
{
	for (int k = 0; k < RNS_N; k++)
		if (!strcmp(type, kinds[k].name))
			return k;
	return -1;
}

static bool same_ns(int a, int b)
{
	struct stat x, y;

	return fstat(a, &x) == 0 && fstat(b, &y) == 0 && x.st_dev == y.st_dev &&
	       x.st_ino == y.st_ino;
}

static bool same_as_path(int fd, const char *path)
{
	_cleanup_close_ int other = open(path, O_RDONLY | O_CLOEXEC);

	return other >= 0 && same_ns(fd, other);
}

/* A process of the host, other than pid 1 (checked apart), in @fd's network
 * namespace: its pid, or 0. */
static pid_t someone_in(int fd)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && !found && (de = readdir(d))) {
		char path[300];

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (same_as_path(fd, path))
			found = (pid_t)atoi(de->d_name);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * The eci container of --root whose pid 1 is in namespace @ns (its "user",
 * or "net": one the engine gave it): its state, its pid 1 held by a pidfd
 * (checked alive after the comparison), its user namespace in join.user.
 */
static int find_owner(struct rconfig *rc, const char *kind, int ns, struct eci_err *e)
{
	char root[sizeof(rc->state)];
	struct dirent *de;
	DIR *d;

	snprintf(root, sizeof(root), "%s", rc->state);
	*strrchr(root, '/') = '\0';
	d = opendir(root);
	while (d && (de = readdir(d))) {
		struct rstate st;
		char path[64];
		int pidfd, user;

		if (de->d_name[0] == '.' || !strcmp(de->d_name, rc->id) ||
		    runc_read_state(root, de->d_name, &st) < 0 || (pidfd = runc_open_init(&st)) < 0)
			continue;
		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)st.pid, kind);
		user = open(path, O_RDONLY | O_CLOEXEC);
		if (user >= 0 && same_ns(user, ns) && pidfd_alive(pidfd)) {
			if (strcmp(kind, "user")) {
				close(user);
				snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)st.pid);
				user = open(path, O_RDONLY | O_CLOEXEC);
			}
			if (user >= 0 && pidfd_alive(pidfd)) {
				rc->join.pidfd = pidfd;
				rc->join.pid = st.pid;
				rc->join.user = user;
				snprintf(rc->join.target, sizeof(rc->join.target), "%s", de->d_name);
				closedir(d);
				return 0;
			}
		}
		if (user >= 0)
			close(user);
		close(pidfd);
	}
	if (d)
		closedir(d);
	return eci_fail(e, 0, "not a namespace of a running eci container of this engine");
}

/* @fd (of kind @k) owned by a user namespace below ours: an eci container's. */
static int of_container(struct rconfig *rc, int k, int fd, int self, struct eci_err *e)
{
	_cleanup_close_ int owner = ioctl(fd, NS_GET_USERNS), top = -1;
	int depth = 1;

	if (owner < 0)
		return eci_fail(e, errno, "its owner");
	top = fcntl(owner, F_DUPFD_CLOEXEC, 3);
	for (;;) {
		int parent = ioctl(top, NS_GET_PARENT);

		if (parent < 0)
			return eci_fail(e, errno == EPERM ? 0 : errno,
					"not a namespace of an eci container");
		if (same_ns(parent, self)) {
			close(parent);
			break;
		}
		close(top);
		top = parent;
		if (++depth > 2)
			return eci_fail(e, 0, "not a namespace of an eci container");
	}
	/* pid 1's own namespaces, or its workload's network namespace */
	if (depth != (k == RNS_NET ? 2 : 1))
		return eci_fail(e, 0, "not a namespace of an eci container's pid 1");
	if (rc->join.user >= 0) {
		if (!same_ns(rc->join.user, top))
			return eci_fail(e, 0, "a namespace of another container than the other "
					"namespaces config.json names");
	} else if (find_owner(rc, "user", top, e) < 0) {
		return -1;
	}
	if (k == RNS_NET)
		rc->join.nested = steal_fd(owner);
	return 0;
}

/*
 * docker --pid container:X, a pod's shared pid namespace: the engine names
 * the pid namespace of X's pid 1, the only process of X it knows.  X's
 * workload has one of its own below it (core/init.c), where it is pid 1
 * and where its processes and an exec are: the new container joins that
 * one, as with runc, where X's workload is pid 1.  It is taken only if it
 * is a child of the one named (X's workload, not gone meanwhile: its
 * pidfd checked after the open); a workload in pid 1's namespace (--init,
 * or a member of a pod itself) leaves the one named as it is.
 */
static int workload_pidns(struct rconfig *rc, struct eci_err *e)
{
	struct join_target t = { .init = rc->join.pid, .init_fd = rc->join.pidfd,
				 .workload_fd = -1 };
	_cleanup_close_ int ns = -1, parent = -1;
	char path[64];
	int r = 0;

	if (join_open(&t, e) < 0)
		return -1;
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)t.workload);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || !pidfd_alive(t.workload_fd))
		r = eci_fail(e, 0, "the workload of container %s is gone", rc->join.target);
	if (r == 0 && (parent = ioctl(ns, NS_GET_PARENT)) >= 0 &&
	    same_ns(parent, rc->join.fd[RNS_PID])) {
		close(rc->join.fd[RNS_PID]);
		rc->join.fd[RNS_PID] = steal_fd(ns);
	}
	close(t.workload_fd);	/* pid 1's pidfd is rc->join's */
	return r;
}

int runc_join_judge(struct rconfig *rc, struct eci_err *e)
{
	_cleanup_close_ int self = open("/proc/self/ns/user", O_RDONLY | O_CLOEXEC);

	if (self < 0)
		return eci_fail(e, errno, "/proc/self/ns/user");
	for (int k = 0; k < RNS_N; k++) {
		const char *path = rc->ns_path[k];
		char host[64], init[64];
		int fd, owner, r = 0;
		pid_t pid;

		if (!path)
			continue;
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			return eci_fail(e, errno, "config.json linux.namespaces %s path %s",
					kinds[k].name, path);
		rc->join.fd[k] = fd;
		if (ioctl(fd, NS_GET_NSTYPE) != kinds[k].type)
			return eci_fail(e, 0, "config.json linux.namespaces %s path %s: not a "
					"namespace of that type", kinds[k].name, path);
		/* the host's: the engine's own (ours), or pid 1's where we may see it */
		snprintf(host, sizeof(host), "/proc/self/ns/%s", kinds[k].proc);
		snprintf(init, sizeof(init), "/proc/1/ns/%s", kinds[k].proc);
		if (same_as_path(fd, host) || same_as_path(fd, init)) {	/* the gate says no */
			rc->host_ns[rc->nhost_ns++] = (struct pol_host_ns){
				.ns = kinds[k].name, .flag = "config.json linux.namespaces path" };
			continue;
		}
		owner = ioctl(fd, NS_GET_USERNS);
		if (owner < 0)
			return eci_fail(e, errno, "config.json linux.namespaces %s path %s: its owner",
					kinds[k].name, path);
		if (same_ns(owner, self)) {
			close(owner);
			/* the engine's own: a fresh network namespace only */
			if (k != RNS_NET)
				return eci_fail(e, 0, "config.json linux.namespaces %s path %s: not a "
						"namespace of an eci container", kinds[k].name, path);
			rc->join.net_fresh = true;
			if ((pid = someone_in(fd)) <= 0)
				continue;
			/* in use: the one the engine gave another eci container
			 * (podman's pod: its infra container's), whose user
			 * namespace and slot then come with it */
			if (rc->join.user >= 0 || find_owner(rc, "net", fd, e) < 0)
				return eci_fail(e, 0, "config.json linux.namespaces network path %s: "
						"process %d runs in it, and it is not an eci "
						"container's", path, (int)pid);
			continue;
		}
		close(owner);
		r = of_container(rc, k, fd, self, e);
		if (r == 0 && k == RNS_PID)
			r = workload_pidns(rc, e);
		if (r < 0) {
			char why[ECI_ERR_MSG];

			snprintf(why, sizeof(why), "%s", e->msg);
			return eci_fail(e, 0, "config.json linux.namespaces %s path %s: %s",
					kinds[k].name, path, why);
		}
	}
	return 0;
}

bool runc_join_alive(const struct rconfig *rc)
{
	return rc->join.pidfd < 0 || pidfd_alive(rc->join.pidfd);
}

void runc_join_init(struct rconfig *rc)
{
	for (int k = 0; k < RNS_N; k++) {
		rc->join.fd[k] = -1;
		rc->ns_path[k] = NULL;
	}
	rc->join.user = rc->join.nested = rc->join.pidfd = -1;
	rc->join.net_fresh = false;
}

void runc_join_free(struct rconfig *rc)
{
	for (int k = 0; k < RNS_N; k++) {
		if (rc->join.fd[k] >= 0)
			close(rc->join.fd[k]);
		free(rc->ns_path[k]);
	}
	if (rc->join.user >= 0)
		close(rc->join.user);
	if (rc->join.nested >= 0)
		close(rc->join.nested);
	if (rc->join.pidfd >= 0)
		close(rc->join.pidfd);
	runc_join_init(rc);
}
