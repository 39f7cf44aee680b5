// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * idfile.c - read /etc/subuid or /etc/subgid, trusting only what root wrote
 *
 * A subordinate id file is trusted only if it is a regular file owned by root
 * and writable by nobody else: otherwise anyone who could write it could
 * grant themselves any ids, including those of other users' containers.
 */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "subid-int.h"
#include "util.h"

/* A skipped line is no refusal: the user may have other, usable ones. */
static void warn_line(void *ctx, unsigned line, const char *why)
{
	eci_warn("%s line %u skipped: %s", (const char *)ctx, line, why);
}

/* @path, opened if it can be trusted; a missing or untrusted file is refused. */
static int open_trusted(const char *path, const struct subid_user *u, struct eci_err *e)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	struct stat st;

	if (fd < 0 && errno == ENOENT)
		return subid_deny(e, "%s does not exist: an administrator must add a range "
				  "for %s (usermod --add-subuids/--add-subgids)", path, u->name);
	if (fd < 0 && errno == ELOOP)
		return subid_deny(e, "%s is a symlink: not trusted", path);
	if (fd < 0)
		return eci_fail(e, errno, "open %s", path);
	if (fstat(fd, &st) < 0)
		return eci_fail(e, errno, "stat %s", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		return subid_deny(e, "%s is not trusted: it must be a regular file owned by "
				  "root and writable only by root", path);
	if (st.st_size > (off_t)SUBID_MAX_FILE)
		return subid_deny(e, "%s is larger than %u bytes", path, SUBID_MAX_FILE);
	return steal_fd(fd);
}

int subid_file_load(struct subid_file *f, const char *path, char kind,
		    const struct subid_user *u, struct eci_err *e)
{
	_cleanup_close_ int fd = open_trusted(path, u, e);
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r;

	f->path = path;
	f->n = 0;
	if (fd < 0)
		return fd;
	r = read_fd_all(fd, SUBID_MAX_FILE, &buf, &len);
	if (r < 0) {
		eci_fail(e, -r, "read %s", path);
		return r == -EFBIG ? SUBID_DENIED : r;	/* it grew meanwhile */
	}
	f->n = subid_parse(buf, len, u->name, u->uid, kind == 'u' ? u->uid : u->gid, f->r,
			   warn_line, (void *)path);
	if (f->n == 0)
		return subid_deny(e, "no usable entry for %s (uid %u) in %s: an administrator "
				  "must add one (usermod --add-sub%cids START-END %s)",
				  u->name, (unsigned)u->uid, path, kind, u->name);
	if (subid_slot_count(f->r, f->n) == 0)
		return subid_deny(e, "the ranges of %s in %s (line %u) hold fewer than %u ids; "
				  "a container needs %u", u->name, path, f->r[0].line, SUBID_SLOT,
				  SUBID_SLOT);
	f->first_line = f->r[0].line;
	return 0;
}
