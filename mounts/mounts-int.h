/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts-int.h - helpers shared by the files of the mounts module */
#ifndef ECI_MOUNTS_INT_H
#define ECI_MOUNTS_INT_H

#include <linux/openat2.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "mounts.h"

/*
 * What /sys/fs/cgroup holds, and the hierarchies' mounts, detached until
 * they are placed.  Surveyed and mounted by pid 1 while it waits for its
 * maps (mnt_cgroups_early()), or when the tree is built.
 */
#define CG_MAX 32
struct mnt_cgroups {
	bool v1;		/* a hybrid host: v1 hierarchies beside cgroup2 */
	bool v2;		/* cgroup2: unified/ beside them, or the whole tree */
	bool used;		/* placed: another tree (mnt_instance()) needs its own */
	bool v2_tried;		/* cgroup2's mount tried */
	size_t n, tried;	/* hierarchies, and how many of them mounted or tried */
	struct {
		char dir[256];	/* its directory: "cpu,cpuacct", "systemd" */
		char ctrls[256];	/* its controllers, "cpu,cpuacct", "name=systemd" */
		int fd;		/* its mount (fsmount), or -1: the directory stays empty */
	} h[CG_MAX];
	int v2_fd;
};

/* Close the hierarchies' detached mounts that @c still holds. */
void mnt_cgroups_close(struct mnt_cgroups *c);

struct mnt_opt {
	const char *key;
	const char *value;	/* NULL for a flag */
};

/**
 * mnt_dir_at() - make NAME a real directory under @parent and open it
 *
 * Anything else found there (file, symlink) is removed first.
 * Return: an O_PATH fd, or negative.
 */
int mnt_dir_at(int parent, const char *name, mode_t mode, struct eci_err *e);

/**
 * mnt_fs_at() - create a file system and attach it onto @target
 * @target: O_PATH fd of the mount point
 * @what:   name for messages ("/proc")
 * @fstype: file system type
 * @opts:   options, ended by a NULL key (may be NULL)
 * @attrs:  MOUNT_ATTR_* flags
 *
 * Return: an fd for the root of the new mount, or negative.
 */
int mnt_fs_at(int target, const char *what, const char *fstype,
	      const struct mnt_opt *opts, unsigned attrs, struct eci_err *e);

/**
 * mnt_open_in() - openat2() of a path inside the rootfs
 * @rootfd:  the rootfs (or any directory under it)
 * @path:    leading slashes are ignored
 * @flags:   open flags (O_CLOEXEC is added)
 * @resolve: RESOLVE_* flags (RESOLVE_NO_MAGICLINKS is added)
 *
 * Return: an fd, or -1 with errno set.
 */
int mnt_open_in(int rootfd, const char *path, int flags, uint64_t resolve);

/**
 * mnt_mkpath() - create a mount point inside the rootfs, like mkdir -p
 * @dir:  the last component is a directory (else an empty file)
 * @what: the flag or mount, for messages
 *
 * No component may be a symlink: the message says so and nothing is made
 * beyond what was already there.
 * Return: an O_PATH fd of the mount point, or negative.
 */
int mnt_mkpath(int rootfd, const char *path, bool dir, const char *what, struct eci_err *e);

/* move_mount() a detached tree onto an O_PATH fd. */
int mnt_attach(int tree, int target, const char *what, struct eci_err *e);

/* parse.c: a container path for @flag, checked and normalised into *@out */
int mnt_clean_dst(const char *flag, const char *spec, const char *dst, char **out,
		  struct eci_err *e);
/* parse.c: the source of a bind or named volume, as -v and --mount give it;
 * @named_only/@path_only: --mount's type=volume and type=bind */
int mnt_volume_source(struct mnt_volume *v, const char *src, bool named_only, bool path_only,
		      struct eci_err *e);
/* rootfs.c: a named volume's _data, made by container root if missing,
 * cloned into v->tree (see mounts.h) */
int mnt_named_tree(struct mnt_volume *v, struct eci_err *e);

/* dev.c */
int mnt_dev(const struct mnt_plan *p, int rootfd, struct eci_err *e);

#endif
