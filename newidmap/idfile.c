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
#include <stdio.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "helper.h"
#include "util.h"

struct warn_ctx {
	const char *path;
};

static void warn_line(void *ctx, unsigned line, const char *why)
{
	const struct warn_ctx *w = ctx;

	warnx("%s line %u skipped: %s", w->path, line, why);
}

void idfile_load(struct idfile *f, const char *path, char kind, const struct caller *c,
		 uint32_t self)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY);
	_cleanup_free_ char *buf = NULL;
	struct warn_ctx w = { path };
	struct stat st;
	size_t len;
	int r;

	f->path = path;
	if (fd < 0 && errno == ENOENT)
		die(EXIT_DENIED, "%s does not exist: an administrator must add a range "
		    "for %s (usermod --add-subuids/--add-subgids)", path, c->name);
	if (fd < 0 && errno == ELOOP)
		die(EXIT_DENIED, "%s is a symlink: not trusted", path);
	if (fd < 0)
		die(EXIT_SYSERR, "open %s: %m", path);
	if (fstat(fd, &st) < 0)
		die(EXIT_SYSERR, "stat %s: %m", path);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || (st.st_mode & 022))
		die(EXIT_DENIED, "%s is not trusted: it must be a regular file owned by "
		    "root and writable only by root", path);
	if (st.st_size > (off_t)SUBID_MAX_FILE)
		die(EXIT_DENIED, "%s is larger than %u bytes", path, SUBID_MAX_FILE);
	r = read_fd_all(fd, SUBID_MAX_FILE, &buf, &len);
	if (r < 0) {
		errno = -r;
		die(r == -EFBIG ? EXIT_DENIED : EXIT_SYSERR, "read %s: %m", path);
	}
	f->n = subid_parse(buf, len, c->name, c->uid, self, f->r, warn_line, &w);
	if (f->n == 0)
		die(EXIT_DENIED, "no usable entry for %s (uid %u) in %s: an administrator "
		    "must add one (usermod --add-sub%cids START-END %s)",
		    c->name, (unsigned)c->uid, path, kind, c->name);
	if (subid_slot_count(f->r, f->n) == 0)
		die(EXIT_DENIED, "the ranges of %s in %s (line %u) hold fewer than %u ids; "
		    "a container needs %u", c->name, path, f->r[0].line, SUBID_SLOT, SUBID_SLOT);
	f->first_line = f->r[0].line;
}
