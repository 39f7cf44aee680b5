// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c - attach the rootfs, mount the system view, pivot; see mounts.h
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"

int mnt_rootfs_attach(int target, struct eci_err *e)
{
	static const struct mnt_opt opts[] = { { "mode", "0755" }, { NULL, NULL } };

	/* Nothing mounted from here on may propagate back to the host. */
	if (mount(NULL, "/", NULL, MS_REC | MS_SLAVE, NULL) < 0)
		return eci_fail(e, errno, "make / a slave mount");
	return mnt_fs_at(target, "rootfs", "tmpfs", opts, MOUNT_ATTR_NODEV, e);
}

int mnt_system(int rootfd, struct eci_err *e)
{
	_cleanup_close_ int proc = mnt_dir_at(rootfd, "proc", 0555, e);
	_cleanup_close_ int sys = -1;
	int m;

	if (proc < 0)
		return proc;
	m = mnt_fs_at(proc, "/proc", "proc", NULL,
		      MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (m < 0)
		return m;
	close(m);
	sys = mnt_dir_at(rootfd, "sys", 0555, e);
	if (sys < 0)
		return sys;
	return mnt_dev(rootfd, e);
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
