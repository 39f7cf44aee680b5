/* SPDX-License-Identifier: GPL-2.0-or-later */
/* mounts-int.h - helpers shared by the files of the mounts module */
#ifndef ECI_MOUNTS_INT_H
#define ECI_MOUNTS_INT_H

#include <sys/types.h>

#include "mounts.h"

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

/* dev.c */
int mnt_dev(int rootfd, struct eci_err *e);

#endif
