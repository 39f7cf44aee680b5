// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fs.c - create a file system with the mount API and attach it to an fd
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
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

int mnt_open_in(int rootfd, const char *path, int flags, uint64_t resolve)
{
	struct open_how how = {
		.flags = (uint64_t)(flags | O_CLOEXEC),
		.resolve = resolve | RESOLVE_NO_MAGICLINKS,
	};

	while (*path == '/')
		path++;
	return (int)syscall(SYS_openat2, rootfd, *path ? path : ".", &how, sizeof(how));
}

int mnt_mkpath(int rootfd, const char *path, bool dir, const char *what, struct eci_err *e)
{
	_cleanup_close_ int cur = fcntl(rootfd, F_DUPFD_CLOEXEC, 3);
	const char *p = path;

	if (cur < 0)
		return eci_fail(e, errno, "%s", what);
	for (;;) {
		char name[256];
		const char *end;
		size_t len;
		bool last;
		int next;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		last = *end == '\0' || end[strspn(end, "/")] == '\0';
		if (len == 0 || len >= sizeof(name))
			return eci_fail(e, EINVAL, "%s: %s", what, path);
		memcpy(name, p, len);
		name[len] = '\0';
		if (!last || dir) {
			if (mkdirat(cur, name, 0755) < 0 && errno != EEXIST)
				return eci_fail(e, errno, "%s: create %s", what, path);
		} else {
			int f = openat(cur, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);

			if (f >= 0)
				close(f);
			else if (errno != EEXIST && errno != EISDIR && errno != ELOOP)
				return eci_fail(e, errno, "%s: create %s", what, path);
		}
		/* Never through a symlink the image planted: it could lead
		 * anywhere in the rootfs, and the mount would land there. */
		/* (No O_NOFOLLOW: with it openat2 opens a final symlink itself
		 * instead of failing with ELOOP.) */
		next = mnt_open_in(cur, name, O_PATH | (last && !dir ? 0 : O_DIRECTORY),
				   RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
		if (next < 0 && errno == ELOOP)
			return eci_fail(e, 0, "%s: %s crosses a symlink in the image: refusing",
					what, path);
		if (next < 0)
			return eci_fail(e, errno, "%s: open %s", what, path);
		close(cur);
		cur = next;
		if (last)
			return steal_fd(cur);
		p = end;
	}
}

int mnt_attach(int tree, int target, const char *what, struct eci_err *e)
{
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return eci_fail(e, errno, "mount %s", what);
	return 0;
}
