// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * statedir.c - eci-newidmap --state-dir: the caller's state directory
 *
 * Theory of Operation: eci-run keeps the state of a user's containers in
 * one directory, STATE_USERS_DIR/UID, the user's own, mode 0700: the same
 * from every session, with or without XDG_RUNTIME_DIR, and one that no
 * other user can create first (in a shared /tmp anyone could, and eci-run
 * then had to refuse to run).  Its parent, /run/eci/users, is root's,
 * group root, mode 01731: only root and members of the group root may
 * create entries there, the sticky bit leaves each entry to its owner, and
 * everyone may reach their own but list none.  /run/eci above it is
 * root's, and searchable by everyone (0711).
 *
 * The helper cannot chown (it holds CAP_SETUID and CAP_SETGID only), so it
 * creates the caller's entry as the caller: file-system uid the caller's,
 * which makes the directory the caller's from its first moment, and
 * file-system gid root, whose write permission on the parent lets it in
 * (setfsgid, as for the leases, grants nothing else).  It then gives the
 * directory the caller's group.  No path comes from the caller: the name
 * is its uid.  An entry that is there and not the caller's (a member of
 * group root made it, or an administrator) is refused, named, left alone.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"

/* @name under @at: a directory of root's and group root's that nobody
 * else may write (but group root, where @mode says so); made with @mode,
 * and given exactly that mode if it has another (the helper's umask, an
 * older eci's 0700, eci-runc's 0755). */
static int root_dir(int at, const char *name, const char *path, mode_t mode, struct eci_err *e)
{
	mode_t others_w = (mode & 020) ? 002 : 022;
	struct stat st;
	int fd = subid_make_dir(at, name, path, mode, &st, e);

	if (fd < 0)
		return fd;
	if (st.st_uid != 0 || st.st_gid != 0 || (st.st_mode & others_w)) {
		close(fd);
		return subid_deny(e, "%s is not root's own (owner %u:%u, mode %04o): refusing to use "
				  "it", path, (unsigned)st.st_uid, (unsigned)st.st_gid,
				  (unsigned)(st.st_mode & 07777));
	}
	if ((st.st_mode & 07777) != mode && fchmod(fd, mode) < 0) {
		int err = errno;

		close(fd);
		return eci_fail(e, err, "chmod %s", path);
	}
	return fd;
}

int statedir_make(const struct subid_user *c, struct eci_err *e)
{
	_cleanup_close_ int run = -1, eci = -1, users = -1;
	char name[16], path[64];
	struct stat st = { 0 };
	int r = 0;

	snprintf(name, sizeof(name), "%u", (unsigned)c->uid);
	snprintf(path, sizeof(path), STATE_USERS_DIR "/%s", name);
	caps_fsids(0, 0);
	run = open("/run", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (run < 0)
		return eci_fail(e, errno, "open /run");
	if ((eci = root_dir(run, "eci", "/run/eci", 0711, e)) < 0)
		return eci;
	if ((users = root_dir(eci, "users", STATE_USERS_DIR, 01731, e)) < 0)
		return users;
	/*
	 * By name: once it is found the caller's, only root can rename or
	 * replace it (the sticky bit), and the caller no more than others.
	 */
	caps_fsids(c->uid, 0);	/* the caller's own, let in by group root */
	if (mkdirat(users, name, 0700) < 0 && errno != EEXIST)
		r = eci_fail(e, errno, "create %s", path);
	else if (fstatat(users, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		r = eci_fail(e, errno, "stat %s", path);
	else if (st.st_uid != c->uid || !S_ISDIR(st.st_mode))
		r = subid_deny(e, "%s is not yours (owner %u%s): someone else made it, and it is "
			       "never used; an administrator must remove it", path,
			       (unsigned)st.st_uid, S_ISDIR(st.st_mode) ? "" : ", not a directory");
	caps_fsids(c->uid, c->gid);	/* a group the caller is in, for the chgrp */
	if (r == 0 && st.st_gid != c->gid &&
	    fchownat(users, name, (uid_t)-1, c->gid, AT_SYMLINK_NOFOLLOW) < 0)
		r = eci_fail(e, errno, "chgrp %s", path);
	return r;
}
