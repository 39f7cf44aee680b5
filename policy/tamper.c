// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tamper.c - is a policy file (or the helper) the administrator's?
 *
 * A path is trusted when the file it resolves to, and every directory from
 * there up to /, is owned by root and writable by neither group nor others
 * (a sticky directory of root's, like /tmp, is allowed above the file's own
 * directory) — and so is the directory the name itself sits in, should it
 * be a symlink.  Anything else could have been written by a user, and a policy a
 * user can write is none; so is a helper a user can swap.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "policy.h"

/*
 * @leaf: the file itself, or a directory holding it.  A directory above it
 * may be world-writable if it is root's and sticky (/tmp): there nobody but
 * root can rename or remove what root owns, so the path cannot be swapped.
 */
static int check_one(const char *path, const char *shown, bool leaf, struct eci_err *e)
{
	struct stat st;

	if (lstat(path, &st) < 0)
		return eci_fail(e, errno, "%s", shown);
	if (st.st_uid != 0)
		return eci_fail(e, 0, "%s is not trusted: %s is owned by uid %u, not root", shown,
				path, (unsigned)st.st_uid);
	if (!leaf && S_ISDIR(st.st_mode) && (st.st_mode & S_ISVTX))
		return 0;
	if (st.st_mode & 022)
		return eci_fail(e, 0, "%s is not trusted: %s is writable by %s", shown, path,
				st.st_mode & 002 ? "others" : "its group");
	return 0;
}

static int check_chain(const char *path, const char *shown, struct eci_err *e)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", path);
	for (int depth = 0;; depth++) {
		char *slash;

		if (check_one(buf[0] ? buf : "/", shown, depth < 2, e) < 0)
			return -1;
		slash = strrchr(buf, '/');
		if (!slash || (slash == buf && !buf[1]))
			return 0;
		slash[slash == buf ? 1 : 0] = '\0';
	}
}

int policy_check_owner(const char *path, struct eci_err *e)
{
	_cleanup_free_ char *real = realpath(path, NULL);
	char dir[PATH_MAX], *slash;

	if (!real)
		return eci_fail(e, errno, "%s", path);
	if (check_chain(real, path, e) < 0) {
		eci_prefix(e, "eci refuses to run");
		return -1;
	}
	/* The directory holding the name, if that is not where it leads. */
	snprintf(dir, sizeof(dir), "%s", path);
	slash = strrchr(dir, '/');
	if (slash && slash != dir) {
		*slash = '\0';
		if (check_one(dir, path, true, e) < 0) {
			eci_prefix(e, "eci refuses to run");
			return -1;
		}
	}
	return 0;
}

int policy_check_helper(const char *path, struct eci_err *e)
{
	struct stat st;
	cap_t caps;
	char *text;
	bool ok;

	if (policy_check_owner(path, e) < 0)
		return -1;
	if (stat(path, &st) < 0)
		return eci_fail(e, errno, "%s", path);
	if (st.st_mode & (S_ISUID | S_ISGID))
		return eci_fail(e, 0, "eci refuses to run: %s has a setuid or setgid bit; it must "
				"hold file capabilities only", path);
	caps = cap_get_file(path);
	text = caps ? cap_to_text(caps, NULL) : NULL;
	ok = text && (!strcmp(text, "cap_setgid,cap_setuid=ep") ||
		      !strcmp(text, "cap_setuid,cap_setgid=ep"));
	cap_free(text);
	cap_free(caps);
	if (!ok)
		return eci_fail(e, 0, "eci refuses to run: %s must carry exactly the file "
				"capabilities cap_setuid,cap_setgid=ep", path);
	return 0;
}
