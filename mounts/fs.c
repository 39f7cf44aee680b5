// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs.c - create a file system with the mount API and attach it to an fd
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"

int mnt_dir_at(int parent, const char *name, mode_t mode, struct eci_err *e)
{
	struct stat st;
	int fd;

	if (fstatat(parent, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode)) {
		/* The image put a file or a symlink where a system mount
		 * point goes: it is replaced, never followed. */
		if (unlinkat(parent, name, 0) < 0)
			return eci_fail(e, errno, "replace /%s", name);
	}
	if (mkdirat(parent, name, mode) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "create /%s", name);
	fd = openat(parent, name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "open /%s", name);
	return fd;
}

int mnt_fs_at(int target, const char *what, const char *fstype,
	      const struct mnt_opt *opts, unsigned attrs, struct eci_err *e)
{
	_cleanup_close_ int fs = fsopen(fstype, FSOPEN_CLOEXEC);
	int mnt;

	if (fs < 0)
		return eci_fail(e, errno, "mount %s (%s)", what, fstype);
	for (; opts && opts->key; opts++) {
		int r = opts->value
			? fsconfig(fs, FSCONFIG_SET_STRING, opts->key, opts->value, 0)
			: fsconfig(fs, FSCONFIG_SET_FLAG, opts->key, NULL, 0);

		if (r < 0)
			return eci_fail(e, errno, "mount %s: option %s", what, opts->key);
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return eci_fail(e, errno, "mount %s (%s)", what, fstype);
	mnt = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
	if (mnt < 0)
		return eci_fail(e, errno, "mount %s", what);
	if (move_mount(mnt, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0) {
		int err = errno;

		close(mnt);
		return eci_fail(e, err, "attach %s", what);
	}
	return mnt;
}
