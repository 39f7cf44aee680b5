// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * child.c - the container's first process, from clone() to pid 1
 *
 * Theory of Operation: one life for both front ends.  The process starts
 * in fresh namespaces (container_clone()) with its parent's ids, which its
 * new user namespace does not map yet, and waits for SYNC_GO: the maps
 * are written (eci-run: by eci-newidmap; eci-runc: by itself, as root).
 * While it still has those ids it opens what only they may reach: the
 * mount points in the state directory and the volumes' sources
 * (mnt_open()), and the layers — eci-run's from the user's store, eci-runc's
 * as the parent placed them, idmapped (struct engine_plan).  Then it
 * becomes container root (setresuid(0) inside maps to the first id of the
 * slot, never to the caller's own uid) with no supplementary groups, forks
 * the workload (init_fork(): it makes its nested namespaces meanwhile),
 * builds the root file system and the system view, and turns into the
 * container's init (init_main()), which pivots into the root and lets the
 * workload go.
 *
 * eci-runc's create differs in two steps: its cgroup namespace is made only
 * after the parent has put it in the container's cgroups, so that the
 * namespace is rooted there; and pid 1 reports SYNC_READY and waits on
 * exec.fifo for start before it lets the workload go (init.c).  Any failure goes back over the sync socket as {errno,
 * message} and ends the process; the parent prints it.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/capability.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "mounts.h"
#include "util.h"

static void fail(int sock, struct eci_err *e) __attribute__((noreturn));
static void fail(int sock, struct eci_err *e)
{
	if (!e->msg[0])
		eci_fail(e, errno, "prepare the container");
	sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, e);
	_exit(EXIT_ECI);
}

/* Block until the parent has written the maps; EOF means it is gone. */
static int await_go(int sock, unsigned *slot, struct eci_err *e)
{
	struct sync_msg m;
	ssize_t n;

	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m) || m.type != SYNC_GO)
		return eci_fail(e, 0, "launcher went away before the id maps were written");
	*slot = m.slot;
	return 0;
}

int child_become_root(struct eci_err *e)
{
	if (setresgid(0, 0, 0) < 0)
		return eci_fail(e, errno, "setresgid 0");
	if (setresuid(0, 0, 0) < 0)
		return eci_fail(e, errno, "setresuid 0");
	/* The host groups the user was in mean nothing in here (unmapped). */
	if (setgroups(0, NULL) < 0)
		return eci_fail(e, errno, "setgroups");
	/* A uid change clears the parent-death signal: set it after. */
	if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_PDEATHSIG");
	return 0;
}

/* --- the layers ------------------------------------------------------------ */

/*
 * eci-run: overlayfs takes only layers of the caller's own mount namespace
 * (it clones their mounts), so the store's slots/ directory is opened
 * again here, by path, while the user's own ids still reach it; the
 * layers of the slot are opened from it when the root is built.
 */
static int reopen_slots(struct spec *s, struct eci_err *e)
{
	char path[sizeof(s->store.path) + 8];

	snprintf(path, sizeof(path), "%s/slots", s->store.path);
	close(s->slots_fd);
	s->slots_fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->slots_fd < 0)
		return eci_fail(e, errno, "open %s", path);
	return 0;
}

/* Opens @rel below the state directory: O_PATH, a directory unless @file. */
static int open_placed(const struct spec *s, const char *rel, struct eci_err *e)
{
	char p[sizeof(s->statedir) + 64];
	int fd;

	snprintf(p, sizeof(p), "%s/%s", s->mnt.statedir, rel);
	fd = open(p, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? eci_fail(e, errno, "open %s", p) : fd;
}

/*
 * eci-runc: the layers, the engine's upper directory and the binds, as the
 * parent placed them in this mount namespace.  Opened while our ids are
 * still the host's root: --root may be closed to others (containerd makes
 * it 0700), and container root is not the host's root.  The upper is the
 * engine's own: what the container writes stays there, for docker diff,
 * commit, cp and the next start.
 */
static int open_engine(struct spec *s, struct eci_err *e)
{
	struct engine_plan *en = &s->engine;
	char rel[sizeof(en->upper) + 8], p0[sizeof(s->statedir) + 8];

	for (size_t i = 0; i < en->nlayers; i++) {
		snprintf(rel, sizeof(rel), "l%zu", i);
		if ((s->img.layer_fd[i] = open_placed(s, rel, e)) < 0)
			return -1;
		s->img.nlayers = i + 1;
	}
	if (!en->upper[0]) {
		/* a plain directory: the placed mount is the root itself */
		snprintf(p0, sizeof(p0), "%s/u", s->mnt.statedir);
		s->mnt.root_tree_fd = open_tree(AT_FDCWD, p0, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
		if (s->mnt.root_tree_fd < 0)
			return eci_fail(e, errno, "open %s", p0);
	} else {
		snprintf(rel, sizeof(rel), "u/%s", en->upper);
		if ((s->mnt.upper_fd = open_placed(s, rel, e)) < 0 ||
		    (s->mnt.work_fd = open_placed(s, "u/" ENGINE_WORKDIR, e)) < 0)
			return -1;
	}
	for (size_t i = 0; i < en->nbinds; i++) {
		struct mnt_volume *v = &s->mnt.vol[s->mnt.nvol];
		struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID |
						       (en->bind_device[i] ? MOUNT_ATTR_NOEXEC
									   : MOUNT_ATTR_NODEV) };
		char p[sizeof(s->statedir) + 32];

		if (en->bind_ro[i])
			attr.attr_set |= MOUNT_ATTR_RDONLY;
		if (en->bind_noexec[i])
			attr.attr_set |= MOUNT_ATTR_NOEXEC;
		snprintf(p, sizeof(p), "%s/b%zu", s->mnt.statedir, i);
		v->spec = en->bind_dst[i];
		v->dst = strdup(en->bind_dst[i]);
		v->tree = open_tree(AT_FDCWD, p, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
		if (!v->dst || v->tree < 0 ||
		    mount_setattr(v->tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
			return eci_fail(e, errno, "mount %s", en->bind_dst[i]);
		s->mnt.nvol++;
	}
	if (en->inner) {
		snprintf(rel, sizeof(rel), "b%zu", en->nbinds);
		if ((s->mnt.inner_fd = open_placed(s, rel, e)) < 0)
			return -1;
	}
	return 0;
}

static int open_layers(struct spec *s, struct eci_err *e)
{
	if (s->engine.on)
		return open_engine(s, e);
	return reopen_slots(s, e);
}

/* --- the root ---------------------------------------------------------------- */

/* The root file system and its system view; returns its fd (pid 1 pivots
 * into it, see init.c). */
static int build_root(struct spec *s, int sock, int nest, pid_t pid, struct eci_err *e)
{
	int layers[IMG_MAX_LAYERS];
	const struct img_keep keep = { .uid = s->keep_uid, .gid = s->keep_gid };
	_cleanup_close_ int rootfd = -1;
	int r = 0;

	if (sethostname(s->hostname, strlen(s->hostname)) < 0)
		return eci_fail(e, errno, "sethostname");
	/* CAP_SYS_ADMIN granted: the sysctls of its own namespaces writable
	 * (mounts/system.c), the network's only where the network namespace
	 * is the workload's own (not the host's, not one the engine made) */
	s->mnt.sysctl_ns = (s->caps >> CAP_SYS_ADMIN) & 1;
	s->mnt.sysctl_net = s->mnt.sysctl_ns && s->net.mode != NET_HOST && !s->engine.netns_given;
	for (size_t i = 0; i < s->img.nlayers; i++)
		layers[i] = s->engine.on ? s->img.layer_fd[i] : -1;
	if (!s->engine.on)
		r = img_slot_layers(&s->img, s->slots_fd, s->slot, s->keep_id ? &keep : NULL, layers,
				    e);
	/* eci-run -d: the writable layer kept in the slot; with CAP_SYS_ADMIN,
	 * the inner engines' storage beside it (image/cache.c) */
	if (r == 0 && !s->engine.on) {
		struct img_slot_dirs d = { .upper = s->keep_upper, .inner = (s->caps >> CAP_SYS_ADMIN) & 1 };

		r = img_slot_dirs(s->slots_fd, s->slot, s->id, s->statedir_fd, &d, e);
		s->mnt.upper_fd = d.upper_fd;
		s->mnt.work_fd = d.work_fd;
		s->mnt.inner_fd = d.inner_fd;
		s->inner_rm_fd = d.containers_fd;
	}
	if (r == 0) {
		rootfd = mnt_rootfs(&s->mnt, layers, s->img.nlayers, e);
		r = rootfd < 0 ? -1 : 0;
	}
	if (!s->engine.on)
		for (size_t i = 0; i < s->img.nlayers; i++)
			if (layers[i] >= 0)
				close(layers[i]);
	if (r < 0)
		return -1;
	/* /proc last: it is the workload's, which makes it as it starts */
	if (mnt_system(&s->mnt, rootfd, e) < 0)
		return -1;
	init_await_proc(s, sock, nest, pid);
	if (mnt_system_proc(&s->mnt, rootfd, e) < 0)
		return -1;
	return steal_fd(rootfd);
}

/* What pid 1 must not keep once the root is built: the store, the state
 * directory, the layers and the volumes' sources are host fds.  (The
 * workload keeps only what it needs of pid 1's fds: init.c.) */
static void drop_host_fds(struct spec *s)
{
	for (size_t i = 0; i < s->img.nlayers; i++)
		close(s->img.layer_fd[i]);
	s->img.nlayers = 0;
	mnt_plan_free(&s->mnt);
	close(s->mnt.rootfs_fd);
	close(s->mnt.rw_fd);
	close(s->mnt.upper_fd);
	close(s->mnt.work_fd);
	close(s->mnt.root_tree_fd);
	close(s->mnt.inner_fd);
	s->mnt.rootfs_fd = s->mnt.rw_fd = s->mnt.upper_fd = s->mnt.work_fd = -1;
	s->mnt.root_tree_fd = s->mnt.inner_fd = -1;
	close(s->statedir_fd);
	close(s->slots_fd);
	s->statedir_fd = s->slots_fd = -1;
	store_close(&s->store);
}

void child_main(struct spec *s, int sock)
{
	struct eci_err e = { 0 };
	int rootfd = -1, nest;
	pid_t pid;

	/* Die with the launcher even before the maps are written. */
	prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
	/* While the helper works: /sys/fs/cgroup's mounts, where they are of
	 * this cgroup namespace (not one made after the go, below) */
	if (!s->engine.on && !(s->cg && s->cg->n))
		mnt_cgroups_early(&s->mnt, sock);
	if (await_go(sock, &s->slot, &e) < 0)
		fail(sock, &e);
	tl_mark("pid 1: go");
	/* eci-run in cgroups of its own (launcher/limits.c): the namespace
	 * rooted at them, as eci-runc's below */
	if (!s->engine.on && s->cg && s->cg->n && unshare(CLONE_NEWCGROUP) < 0) {
		eci_fail(&e, errno, "a cgroup namespace");
		fail(sock, &e);
	}
	if (s->engine.on) {
		/* Rooted at the cgroup the parent has put us in. */
		char fifo[sizeof(s->statedir) + 16];

		if (!s->engine.cgroupns_joined && unshare(CLONE_NEWCGROUP) < 0)
			fail(sock, &e);
		snprintf(fifo, sizeof(fifo), "%s/exec.fifo", s->mnt.statedir);
		/* O_RDWR: the open does not wait for a writer. */
		s->engine.start_fd = open(fifo, O_RDWR | O_CLOEXEC);
		if (s->engine.start_fd < 0)
			fail(sock, &e);
	}
	/*
	 * mnt_open() runs with the caller's own ids, before setresuid(0): it
	 * opens the mount points in the state directory (mode 0700) and the
	 * volumes' sources, exactly as far as the user may reach.
	 */
	if (mnt_open(&s->mnt, &e) < 0 || open_layers(s, &e) < 0 || child_become_root(&e) < 0)
		fail(sock, &e);
	/* -d: the log is stdout and stderr of pid 1 and so of the workload. */
	if (s->detach && (dup2(s->log_fd, 1) < 0 || dup2(s->log_fd, 2) < 0)) {
		eci_fail(&e, errno, "-d: the log as stdout");
		fail(sock, &e);
	}
	if (s->detach)
		close(s->log_fd);
	/* The workload makes its namespaces while the root is built (init.c);
	 * if building fails, pid 1's exit takes it along. */
	tl_mark("pid 1: container root");
	pid = init_fork(s, sock, &nest);
	close(s->engine.nest_userns);	/* the workload's to join, if any */
	close(s->engine.nest_netns);
	rootfd = build_root(s, sock, nest, pid, &e);
	if (rootfd < 0)
		fail(sock, &e);
	tl_mark("pid 1: root built");
	drop_host_fds(s);
	init_main(s, sock, rootfd, pid, nest);
}
