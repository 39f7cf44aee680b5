/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * mounts.h - the container's root filesystem and system view
 *
 * Theory of Operation: everything here runs in the container's first
 * process, as root of its user namespace, in its own mount namespace.
 *   1. mnt_rootfs_attach(): the whole tree is made a slave of the host (no
 *      mount made here propagates out; host mounts may still arrive until
 *      the old root is gone) and a fresh tmpfs is attached over the state
 *      directory's rootfs/ to receive the image.
 *   2. mnt_system(): the system mount points (/proc, /dev, /sys) are made
 *      real directories of the rootfs, whatever the image put there — a
 *      symlink planted as /proc or /dev is removed, never followed — and
 *      each file system is created with fsopen()/fsmount() and attached with
 *      move_mount() onto the directory fd, so no path is resolved twice.
 *   3. mnt_pivot(): pivot_root into the rootfs and detach the old root.
 * Errors name the mount and carry the kernel's errno.
 */
#ifndef ECI_MOUNTS_H
#define ECI_MOUNTS_H

#include "err.h"

/**
 * mnt_rootfs_attach() - mount a fresh tmpfs for the rootfs
 * @target: O_PATH fd of the directory to attach it over (opened by the
 *          launcher, which can still reach it)
 * @e:    error record
 *
 * Return: an fd for the root of the new mount, or negative.
 */
int mnt_rootfs_attach(int target, struct eci_err *e);

/**
 * mnt_system() - mount /proc, /dev (with its devices, pts, shm, mqueue) and
 * make /sys a directory
 * @rootfd: root of the rootfs
 * @e:      error record
 *
 * Return: 0 or negative.
 */
int mnt_system(int rootfd, struct eci_err *e);

/**
 * mnt_pivot() - make @rootfd the root and detach the old one
 *
 * Return: 0 or negative.
 */
int mnt_pivot(int rootfd, struct eci_err *e);

#endif
