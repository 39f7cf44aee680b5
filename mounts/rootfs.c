// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c - mount points, the image tmpfs, the overlay root, pivot_root;
 * see mounts.h
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"

static int open_dir(const char *statedir, const char *name, struct eci_err *e)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", statedir, name);
	fd = open(path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "open %s", path);
	return fd;
}

/* Clone a volume's source as the user sees it: nosuid, nodev, maybe ro. */
static int open_volume(struct mnt_volume *v, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	struct stat st;

	/* A named volume: its directory now, its data once container root
	 * may make it (mnt_named_tree()). */
	if (v->name)
		v->dirfd = open(v->src, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	else
		v->tree = open_tree(AT_FDCWD, v->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				    AT_RECURSIVE | AT_NO_AUTOMOUNT);
	if ((v->name ? v->dirfd : v->tree) < 0)
		return eci_fail(e, errno, "%s %s: source %s", v->flag, v->spec, v->src);
	/* The path is resolved again here: it must still name the file the
	 * launcher checked against the policy, or a symlink was swapped. */
	if (fstat(v->name ? v->dirfd : v->tree, &st) < 0 || st.st_dev != v->dev ||
	    st.st_ino != v->ino)
		return eci_fail(e, 0, "%s %s: the source changed while the container started",
				v->flag, v->spec);
	if (v->name)
		return 0;
	if (v->ro)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (mount_setattr(v->tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "%s %s: set mount flags", v->flag, v->spec);
	return 0;
}

/*
 * A named volume's data, by container root (see the Theory of Operation in
 * launcher/volume.c): made on first use, so that it is owned by this
 * container's root; written only from the slot that owns it.
 */
int mnt_named_tree(struct mnt_volume *v, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV };
	_cleanup_close_ int data = -1;
	bool made = mkdirat(v->dirfd, "_data", 0755) == 0;
	struct stat st;

	if (!made && errno != EEXIST)
		return eci_fail(e, errno, "%s %s: create volume %s", v->flag, v->spec, v->name);
	data = openat(v->dirfd, "_data", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (data < 0 || fstat(data, &st) < 0 || (made && fchmod(data, 0755) < 0))
		return eci_fail(e, errno, "%s %s: open volume %s", v->flag, v->spec, v->name);
	/* Ids of another slot show as the overflow id here: such data can be
	 * read, never written, from this slot. */
	if (!v->ro && (st.st_uid != 0 || st.st_gid != 0))
		return eci_fail(e, 0, "%s %s: volume %s belongs to the ids of another container's "
				"slot: mount it read-only (ro) here", v->flag, v->spec, v->name);
	v->tree = open_tree(data, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH |
			    AT_RECURSIVE);
	if (v->tree < 0)
		return eci_fail(e, errno, "%s %s: volume %s", v->flag, v->spec, v->name);
	if (v->ro)
		attr.attr_set |= MOUNT_ATTR_RDONLY;
	if (mount_setattr(v->tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "%s %s: set mount flags", v->flag, v->spec);
	return 0;
}

/*
 * --device: the node cloned as the user reaches it, and checked to be the
 * very node the policy judged (a node of the same name but another device,
 * swapped in meanwhile, is refused).  nosuid and noexec; not nodev, which
 * is the point.  Opening it later takes the host's permission check with
 * the container's ids (see eci-run(1)).
 */
static int open_device(struct mnt_device *d, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC };
	struct stat st;

	d->tree = open_tree(AT_FDCWD, d->src, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (d->tree < 0)
		return eci_fail(e, errno, "--device %s", d->spec);
	if (fstat(d->tree, &st) < 0 || st.st_dev != d->dev || st.st_ino != d->ino ||
	    (st.st_mode & S_IFMT) != d->type || st.st_rdev != d->rdev)
		return eci_fail(e, 0, "--device %s: the device changed while the container started",
				d->spec);
	if (mount_setattr(d->tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "--device %s: set mount flags", d->spec);
	return 0;
}

int mnt_open(struct mnt_plan *p, struct eci_err *e)
{
	/* Nothing mounted from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return eci_fail(e, errno, "make / a slave mount");
	if ((p->rootfs_fd = open_dir(p->statedir, "rootfs", e)) < 0 ||
	    (p->rw_fd = open_dir(p->statedir, "rw", e)) < 0)
		return -1;
	for (size_t i = 0; i < p->nvol; i++)
		if (open_volume(&p->vol[i], e) < 0)
			return -1;
	for (size_t i = 0; i < p->ndev; i++)
		if (open_device(&p->dev[i], e) < 0)
			return -1;
	return 0;
}

/* "/proc/self/fd/N": a path to an open directory that no lookup can swap. */
static void fd_path(char *buf, size_t size, int fd)
{
	snprintf(buf, size, "/proc/self/fd/%d", fd);
}

/* "/proc/self/fd/TOP:…:/proc/self/fd/BOTTOM", as overlayfs lists lowers. */
static int lowerdir(const int *layers, size_t n, char *buf, size_t size)
{
	size_t o = 0;

	for (size_t i = n; i-- > 0;) {
		int w = snprintf(buf + o, size - o, "%s/proc/self/fd/%d", o ? ":" : "", layers[i]);

		if (w < 0 || (size_t)w >= size - o)
			return -ENAMETOOLONG;
		o += (size_t)w;
	}
	return n ? 0 : -EINVAL;
}

/*
 * eci-runc, a plain-directory root (containerd's native snapshotter,
 * podman's vfs, a bundle's directory): the directory itself, idmapped by
 * the parent (mounts/idmap.c), is the root; what the container writes
 * lands in it, as with runc.  No devices on it.
 */
static int plain_root(struct mnt_plan *p, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NODEV };
	int mnt = p->root_tree_fd;

	p->root_tree_fd = -1;
	if (mount_setattr(mnt, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0 ||
	    move_mount(mnt, "", p->rootfs_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int err = errno;

		close(mnt);
		return eci_fail(e, err, "attach the root file system");
	}
	return mnt;
}

int mnt_rootfs(struct mnt_plan *p, const int *layers, size_t n, struct eci_err *e)
{
	static const struct mnt_opt rw_opts[] = { { "mode", "0755" }, { NULL, NULL } };
	char lower[4096], upper[64], work[64];
	_cleanup_close_ int rw = -1, up = -1, wk = -1, fs = -1;
	int mnt, r;

	if (p->root_tree_fd >= 0)
		return plain_root(p, e);
	if ((r = lowerdir(layers, n, lower, sizeof(lower))) < 0)
		return eci_fail(e, -r, "image layers");
	if (p->upper_fd >= 0 && p->engine)
		goto given;
	/* The tmpfs holds the /etc files eci writes (system.c), and the
	 * container's layer unless one is given (eci-run -d: on disk). */
	rw = mnt_fs_at(p->rw_fd, "container layer", "tmpfs", rw_opts, MOUNT_ATTR_NODEV, e);
	if (rw < 0)
		return rw;
	/* From now on rw_fd is the tmpfs itself, not the directory under it. */
	close(p->rw_fd);
	p->rw_fd = fcntl(rw, F_DUPFD_CLOEXEC, 3);
	if (p->rw_fd < 0)
		return eci_fail(e, errno, "container layer");
	if (p->upper_fd >= 0) {
given:
		up = fcntl(p->upper_fd, F_DUPFD_CLOEXEC, 3);
		wk = fcntl(p->work_fd, F_DUPFD_CLOEXEC, 3);
		if (up < 0 || wk < 0)
			return eci_fail(e, errno, "open overlay directories");
		goto mount;
	}
	if (mkdirat(rw, "upper", 0755) < 0 || mkdirat(rw, "work", 0700) < 0)
		return eci_fail(e, errno, "create overlay directories");
	up = openat(rw, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	wk = openat(rw, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (up < 0 || wk < 0)
		return eci_fail(e, errno, "open overlay directories");
mount:
	fd_path(upper, sizeof(upper), up);
	fd_path(work, sizeof(work), wk);
	fs = fsopen("overlay", FSOPEN_CLOEXEC);
	if (fs < 0)
		return eci_fail(e, errno, "mount overlay");
	/* In a user namespace overlayfs cannot write trusted.* xattrs: with
	 * userxattr it keeps its opaque and redirect marks in user.overlay.*
	 * (tmpfs has them since Linux 6.6), without which a directory made
	 * where the image had one (rmdir d; mkdir d) fails with EIO. */
	/* index=off: the engine's own overlay may have the same upper
	 * directory mounted (eci-runc), which overlayfs then allows. */
	if (fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "index", "off", 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", lower, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", upper, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", work, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return eci_fail(e, errno, "mount overlay");
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV);
	if (mnt < 0)
		return eci_fail(e, errno, "mount overlay");
	if (move_mount(mnt, "", p->rootfs_fd, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int err = errno;

		close(mnt);
		return eci_fail(e, err, "attach the root file system");
	}
	return mnt;
}

int mnt_pivot(int rootfd, struct eci_err *e)
{
	if (fchdir(rootfd) < 0)
		return eci_fail(e, errno, "enter rootfs");
	/* pivot_root(".", ".") stacks the old root on top of the new one;
	 * detaching "." then removes it, with no directory needed for it. */
	if (syscall(SYS_pivot_root, ".", ".") < 0)
		return eci_fail(e, errno, "pivot_root");
	if (umount2(".", MNT_DETACH) < 0)
		return eci_fail(e, errno, "detach the old root");
	if (chdir("/") < 0)
		return eci_fail(e, errno, "chdir /");
	return 0;
}
