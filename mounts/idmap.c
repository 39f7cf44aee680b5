// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idmap.c - eci-runc: the engine's storage and binds, placed in pid 1's
 * mount namespace
 *
 * Theory of Operation: pid 1 of an engine container never holds a
 * capability of the initial user namespace, which an idmapped mount of
 * most file systems needs; so its parent, root on the host, makes them.  A
 * forked helper clones, in the host's mount namespace, the engine's upper
 * directory and each bind source from the fd the policy gate judged
 * (open_tree(): the object checked is the object mounted), idmaps what is
 * the container's own storage with the container's user namespace, and a
 * shared directory with a user namespace of one id (its owner as the
 * container's root); then it enters pid 1's mount namespace and there
 * clones the engine's layers (idmapped too) and attaches everything below
 * DIR: l0 … lN-1, u, b0 ….  In the container's mount namespace the
 * engine's own overlay on ID/merged is a locked mount, under which the
 * kernel clones nothing non-recursively: hence the upper and the sources
 * are cloned before entering it.  pid 1 then opens what was placed
 * (core/child.c) and builds its overlay over it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <signal.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "mounts.h"
#include "util.h"

/* A detached clone of @fd's tree, idmapped through @userns (-1: not
 * idmapped): its fd, or -errno. */
static int clone_tree(int fd, int userns, bool recursive)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP, .userns_fd = (uint64_t)userns };
	unsigned rec = recursive ? AT_RECURSIVE : 0;
	int tree = open_tree(fd, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);

	if (tree < 0)
		return -errno;
	if (userns >= 0 && mount_setattr(tree, "", AT_EMPTY_PATH | rec, &attr, sizeof(attr)) < 0) {
		int err = errno;

		close(tree);
		return -err;
	}
	return tree;
}

static int place(int tree, const char *dst)
{
	int err = move_mount(tree, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) < 0 ? -errno : 0;

	close(tree);
	return err;
}

/*
 * A user namespace in which @owner is @to_uid and @group is @to_gid, one
 * id each, for an idmapped mount of a shared directory: on it, the
 * owner's files are the container root's (to_uid is its host id) and
 * what the container's root creates is the owner's; every other id of
 * the file system has no mapping and shows as the overflow id.  A child
 * holds the namespace while its maps are written and its fd is opened.
 */
static int owner_userns(uid_t owner, uid_t to_uid, gid_t group, gid_t to_gid)
{
	int ready[2], hold[2], fd = -1, procfd;
	char path[64], c;
	pid_t p;

	if (pipe2(ready, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(hold, O_CLOEXEC) < 0) {
		close(ready[0]), close(ready[1]);
		return -errno;
	}
	p = fork();
	if (p == 0) {
		close(ready[0]);
		close(hold[1]);
		if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "x", 1) != 1)
			_exit(1);
		if (read(hold[0], &c, 1) < 0) { /* ends when the parent closes it */ }
		_exit(0);
	}
	close(ready[1]);
	close(hold[0]);
	if (p > 0 && read(ready[0], &c, 1) == 1) {
		snprintf(path, sizeof(path), "/proc/%d", (int)p);
		procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (procfd >= 0 && idmap_write(procfd, "uid_map", owner, to_uid, 1) == 0 &&
		    idmap_write(procfd, "gid_map", group, to_gid, 1) == 0)
			fd = openat(procfd, "ns/user", O_RDONLY | O_CLOEXEC);
		if (procfd >= 0)
			close(procfd);
	}
	close(ready[0]);
	close(hold[1]);
	if (p > 0)
		waitpid(p, NULL, 0);
	return fd >= 0 ? fd : -EPERM;
}

/* The bind sources, cloned in the host's mount namespace (the checked fds):
 * storage idmapped with the container's range, shared directories with
 * their owner's map, host paths as they are. */
static int clone_binds(const struct mnt_placed_src *b, size_t n, int userns, uid_t uid0,
		       gid_t gid0, int *trees, struct eci_err *e)
{
	for (size_t i = 0; i < n; i++) {
		int ns = b[i].ids == MNT_IDS_CONTAINER ? userns : -1;

		if (b[i].ids == MNT_IDS_OWNER &&
		    (ns = owner_userns(b[i].owner, uid0, b[i].group, gid0)) < 0)
			return eci_fail(e, -ns, "a user namespace for the shared directory %s",
					b[i].name);
		trees[i] = clone_tree(b[i].fd, ns, true);
		if (b[i].ids == MNT_IDS_OWNER)
			close(ns);
		if (trees[i] < 0)
			return eci_fail(e, -trees[i], "%s mount source %s", b[i].ids == MNT_IDS_HOST ?
					"clone" : "idmap", b[i].name);
	}
	return 0;
}

int mnt_place(pid_t child, const char *dir, const char *const *layers, size_t nlayers,
	      const char *upper_dir, const struct mnt_placed_src *binds, size_t nbinds, uid_t uid0,
	      gid_t gid0, struct eci_err *e)
{
	char path[64];
	int status, pipefd[2];
	pid_t h, parent = getpid();

	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "pipe");
	h = fork();
	if (h == 0) {
		int userns, mntns, upper = -1, r = 0, trees[MNT_MAX_VOLUMES + 1];	/* + inner */
		char dst[PATH_MAX + 64];
		struct eci_err he = { 0 };

		/* It holds the state directory's lock too: it dies with create. */
		if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || getppid() != parent)
			_exit(1);
		for (size_t i = 0; i < nbinds; i++)
			trees[i] = -1;
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)child);
		userns = open(path, O_RDONLY | O_CLOEXEC);
		snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)child);
		mntns = open(path, O_RDONLY | O_CLOEXEC);
		/*
		 * The engine's upper directory and the bind sources are
		 * cloned here, in the host's mount namespace: in the
		 * container's, the engine's overlay on ID/merged is a locked
		 * mount, under which the kernel clones nothing
		 * non-recursively; and a bind source is mounted from the fd
		 * that was checked.
		 */
		int dirfd = open(upper_dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

		if (userns >= 0 && (upper = dirfd < 0 ? -errno : clone_tree(dirfd, userns, false)) < 0)
			r = upper, eci_fail(&he, -r, "idmap the upper directory %s", upper_dir);
		if (!r && userns >= 0 && clone_binds(binds, nbinds, userns, uid0, gid0, trees, &he) < 0)
			r = -1;
		if (!r && (userns < 0 || mntns < 0 || setns(mntns, CLONE_NEWNS) < 0))
			r = -errno, eci_fail(&he, -r, "enter the container's mount namespace");
		for (size_t i = 0; !r && i < nlayers; i++) {
			int fd = open(layers[i], O_PATH | O_DIRECTORY | O_CLOEXEC);

			snprintf(dst, sizeof(dst), "%s/l%zu", dir, i);
			if ((r = fd < 0 ? -errno : clone_tree(fd, userns, false)) < 0 ||
			    (r = place(r, dst)) < 0)
				eci_fail(&he, -r, "idmap layer %s", layers[i]);
		}
		snprintf(dst, sizeof(dst), "%s/u", dir);
		if (!r && (r = place(upper, dst)) < 0)
			eci_fail(&he, -r, "mount the upper directory %s", upper_dir);
		for (size_t i = 0; !r && i < nbinds; i++) {
			snprintf(dst, sizeof(dst), "%s/b%zu", dir, i);
			if ((r = place(trees[i], dst)) < 0)
				eci_fail(&he, -r, "mount %s", binds[i].name);
		}
		if (r < 0 && write(pipefd[1], he.msg, strlen(he.msg)) < 0) { /* reported below */ }
		_exit(r < 0 ? 1 : 0);
	}
	close(pipefd[1]);
	waitpid(h, &status, 0);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		char msg[ECI_ERR_MSG] = "";
		ssize_t n = read(pipefd[0], msg, sizeof(msg) - 1);

		msg[n > 0 ? n : 0] = '\0';
		close(pipefd[0]);
		return eci_fail(e, 0, "%s", msg[0] ? msg : "idmapped mounts failed");
	}
	close(pipefd[0]);
	return 0;
}

