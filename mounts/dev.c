// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dev.c - a minimal /dev
 *
 * /dev is a fresh tmpfs (nosuid, noexec) holding only the six devices a
 * workload expects, each bind-mounted from the host after checking, on an
 * fd opened without following symlinks, that it is the character device it
 * must be (major:minor): a host whose /dev/null was replaced, or any other
 * surprise, is refused rather than handed to the container.  devpts is a new
 * instance, so the container's ptys are its own; shm and mqueue are the
 * container's IPC namespace's.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"
#include "util.h"

static const struct {
	const char *name;
	unsigned major, minor;
} devices[] = {
	{ "null", 1, 3 },   { "zero", 1, 5 },    { "full", 1, 7 },
	{ "random", 1, 8 }, { "urandom", 1, 9 }, { "tty", 5, 0 },
};

static const struct {
	const char *name, *target;
} links[] = {
	{ "fd", "/proc/self/fd" },     { "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" }, { "stderr", "/proc/self/fd/2" },
	{ "ptmx", "pts/ptmx" },
};

static int bind_device(int devfd, const char *name, unsigned major, unsigned minor,
		       struct eci_err *e)
{
	char host[32];
	_cleanup_close_ int src = -1, tree = -1, dst = -1;
	struct stat st;

	snprintf(host, sizeof(host), "/dev/%s", name);
	src = open(host, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (src < 0)
		return eci_fail(e, errno, "open host %s", host);
	if (fstat(src, &st) < 0)
		return eci_fail(e, errno, "stat host %s", host);
	if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(major, minor))
		return eci_fail(e, 0, "host %s is not the character device %u:%u", host,
				major, minor);
	dst = openat(devfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0666);
	if (dst < 0)
		return eci_fail(e, errno, "create /dev/%s", name);
	tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0)
		return eci_fail(e, errno, "bind %s", host);
	if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return eci_fail(e, errno, "bind %s to /dev/%s", host, name);
	return 0;
}

static int dev_subdirs(const struct mnt_plan *p, int devfd, struct eci_err *e)
{
	static const struct mnt_opt pts[] = {
		{ "newinstance", NULL }, { "ptmxmode", "0666" }, { "mode", "0620" },
		{ "gid", "5" }, { NULL, NULL },
	};
	const struct mnt_opt shm[] = {
		{ "mode", p->shm_mode ? p->shm_mode : "1777" },
		{ "size", p->shm_size ? p->shm_size : "65536k" }, { NULL, NULL },
	};
	const struct {
		const char *dir, *what, *fstype;
		const struct mnt_opt *opts;
		unsigned attrs;
	} subs[] = {
		{ "pts", "/dev/pts", "devpts", pts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC },
		{ "shm", "/dev/shm", "tmpfs", shm,
		  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC },
		{ "mqueue", "/dev/mqueue", "mqueue", NULL,
		  MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC },
	};

	for (size_t i = 0; i < ARRAY_SIZE(subs); i++) {
		_cleanup_close_ int dir = mnt_dir_at(devfd, subs[i].dir, 0755, e);
		int m;

		if (dir < 0)
			return dir;
		m = mnt_fs_at(dir, subs[i].what, subs[i].fstype, subs[i].opts, subs[i].attrs, e);
		if (m < 0)
			return m;
		close(m);
	}
	return 0;
}

int mnt_dev(const struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	static const struct mnt_opt opts[] = { { "mode", "0755" }, { "size", "65536k" },
					       { NULL, NULL } };
	_cleanup_close_ int dir = mnt_dir_at(rootfd, "dev", 0755, e);
	_cleanup_close_ int devfd = -1;
	int r;

	if (dir < 0)
		return dir;
	devfd = mnt_fs_at(dir, "/dev", "tmpfs", opts, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC, e);
	if (devfd < 0)
		return devfd;
	for (size_t i = 0; i < ARRAY_SIZE(devices); i++) {
		r = bind_device(devfd, devices[i].name, devices[i].major, devices[i].minor, e);
		if (r < 0)
			return r;
	}
	r = dev_subdirs(p, devfd, e);
	if (r < 0)
		return r;
	for (size_t i = 0; i < ARRAY_SIZE(links); i++)
		if (symlinkat(links[i].target, devfd, links[i].name) < 0)
			return eci_fail(e, errno, "create /dev/%s", links[i].name);
	return 0;
}
