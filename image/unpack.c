// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unpack.c - extract one layer into a directory of its own
 *
 * Theory of Operation: this runs as container root in the container's user
 * namespace, so the owners the layer records are applied as container ids.
 * It does not use libarchive's disk writer: every entry is created with
 * *at() calls relative to a parent directory opened with openat2()
 * RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS, and files with O_NOFOLLOW |
 * O_EXCL, so that nothing is ever created outside the layer directory or
 * through a symlink an earlier entry planted ("etc -> /host/etc", then
 * "etc/passwd").  Refused, with a warning naming the entry: absolute paths,
 * ".." components, entries under a symlink, hardlinks whose target is not a
 * file of this layer, device nodes (not creatable rootless), names longer
 * than PATH_MAX.  Setuid/setgid bits and file capabilities are kept (they
 * only mean something inside the user namespace); other xattrs are dropped.
 *
 * The layer stays a layer: whiteouts become what overlayfs reads in a lower
 * layer — ".wh.NAME" a 0:0 character device NAME (which the kernel lets an
 * unprivileged user create), ".wh..wh..opq" the xattr user.overlay.opaque=y
 * on the directory (overlayfs is mounted with userxattr).
 *
 * An entry costs few system calls, a layer has thousands: the directory
 * of the last entry stays open for the next ones (a tar lists a
 * directory's entries together), an entry is made with its permission
 * bits (umask 0 meanwhile), and its owner, set-id bits, file caps and
 * times are set through the fd it was made with — a file is an open, its
 * writes, futimens and close, fchown unless container root, which made
 * it, is to own it, and fchmod only for set-id or sticky bits, which must
 * come after the owner (chown clears them).  The bytes come from feed.c,
 * which hashes them beside the tar reader: the digest is compared once
 * all of the layer is read, before img_unpack_layer() returns (and the
 * caller publishes the layer).  Files are written by write.c's threads.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "cleanup.h"
#include "image.h"
#include "image-int.h"
#include "subid.h"
#include "util.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

struct layer {
	int root;		/* the layer directory */
	const char *what;	/* "image X layer N", for warnings */
	const struct img_keep *keep;	/* keep-id: the user's own ids, or NULL */
	struct img_writers *w;	/* the files' bytes and metadata go there */
	uid_t uid;		/* who makes the entries: container root */
	gid_t gid;
	/* the directory of the last entry, kept open (see parent()) */
	int dir;
	gid_t dir_gid;		/* the group a new entry gets there */
	bool dir_setgid;	/* and a new directory the set-gid bit */
	char dir_path[PATH_MAX];
};

static void skip(const struct layer *l, const char *path, const char *why)
{
	img_warn_entry(l->what, path, why);
}

static int open_beneath(int at, const char *path, int flags)
{
	struct open_how how = { .flags = (uint64_t)(flags | O_CLOEXEC),
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };

	return (int)syscall(SYS_openat2, at, *path ? path : ".", &how, sizeof(how));
}

/* "./a//b/" -> "a/b"; NULL for absolute paths and ".." components. */
const char *img_clean_path(const char *in, char *out, size_t size)
{
	size_t o = 0;

	if (in[0] == '/')
		return NULL;
	for (const char *p = in; *p;) {
		const char *end = strchrnul(p, '/');
		size_t len = (size_t)(end - p);

		if (len == 2 && !strncmp(p, "..", 2))
			return NULL;
		if (len && !(len == 1 && *p == '.')) {
			if (o + len + 2 > size)
				return NULL;
			if (o)
				out[o++] = '/';
			memcpy(out + o, p, len);
			o += len;
		}
		p = *end ? end + 1 : end;
	}
	out[o] = '\0';
	return out;
}

/* The directory @path of the layer ("": the layer itself), made first
 * with its missing ancestors (0755) when it is missing: an fd of the
 * caller's. */
static int open_dir(const struct layer *l, char *path)
{
	int fd;

	if (!*path)
		return fcntl(l->root, F_DUPFD_CLOEXEC, 3);
	fd = open_beneath(l->root, path, O_PATH | O_DIRECTORY);
	if (fd >= 0 || errno != ENOENT)
		return fd;
	/* Each ancestor in turn, then @path itself.  ENOENT: the walk met a
	 * missing name before any symlink, so these are all new. */
	for (char *p = strchr(path, '/');; p = strchr(p + 1, '/')) {
		int r;

		if (p)
			*p = '\0';
		r = mkdirat(l->root, path, 0755);
		if (p)
			*p = '/';
		if ((r < 0 && errno != EEXIST) || !p)
			break;
	}
	return open_beneath(l->root, path, O_PATH | O_DIRECTORY);
}

/* The directory @path's last name is in, opened as open_dir() does; that
 * name in *@base. */
static int open_parent(const struct layer *l, char *path, char **base)
{
	char *slash = strrchr(path, '/');
	char none[1] = "";
	int fd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		return open_dir(l, none);
	*slash = '\0';
	fd = open_dir(l, path);
	*slash = '/';
	return fd;
}

static void forget(struct layer *l)
{
	if (l->dir >= 0)
		close(l->dir);
	l->dir = -1;
}

/*
 * open_parent() for an entry, kept open (l->dir) for the ones that follow,
 * which are mostly in the same directory: the fd is the layer's.  Kept, it
 * still is the directory of that path: nothing removes or moves a directory
 * while a layer is unpacked (clear() leaves them, a whiteout only hides
 * one), and what is made there is made through the fd, name by name.  Its
 * owner and mode (l->dir_gid) change only by an entry for the directory
 * itself, which is in another directory: it is kept no longer then.
 */
static int parent(struct layer *l, char *path, char **base)
{
	char *slash = strrchr(path, '/');
	size_t len = slash ? (size_t)(slash - path) : 0;
	struct stat st;
	int fd;

	if (l->dir >= 0 && strlen(l->dir_path) == len && !strncmp(l->dir_path, path, len)) {
		*base = slash ? slash + 1 : path;
		return l->dir;
	}
	fd = open_parent(l, path, base);
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = errno;

		if (fd >= 0)
			close(fd);
		errno = err;
		return -1;
	}
	forget(l);
	l->dir = fd;
	memcpy(l->dir_path, path, len);
	l->dir_path[len] = '\0';
	l->dir_setgid = st.st_mode & S_ISGID;
	l->dir_gid = l->dir_setgid ? st.st_gid : l->gid;
	return fd;
}

/* Replace whatever an earlier entry left at @name (not a directory). */
static void clear(int dir, const char *name)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		unlinkat(dir, name, 0);
}

/* The permission bits an entry is made with (not set-id, not sticky). */
static mode_t perm(struct archive_entry *ent)
{
	return archive_entry_mode(ent) & 0777;
}

/* A file, symlink or fifo @base in @dir as @ent says, made in place of
 * what an earlier entry left there (not a directory): for a file its fd,
 * else 0; -errno when it cannot be made. */
static int make_node(int dir, const char *base, struct archive_entry *ent)
{
	for (int tries = 0;; tries++) {
		int r;

		switch (archive_entry_filetype(ent)) {
		case AE_IFREG:
			r = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
				   perm(ent));
			break;
		case AE_IFLNK:
			r = symlinkat(archive_entry_symlink(ent) ?: "", dir, base);
			break;
		default:	/* AE_IFIFO */
			r = mkfifoat(dir, base, perm(ent));
		}
		if (r >= 0 || errno != EEXIST || tries)
			return r < 0 ? -errno : r;
		clear(dir, base);
	}
}

/* The directory @base in @dir, made with @mode unless it is there
 * (*@fresh says which; a non-directory there is replaced), opened; -errno
 * on failure. */
static int make_dir(int dir, const char *base, mode_t mode, bool *fresh)
{
	int fd;

	*fresh = mkdirat(dir, base, mode) == 0;
	if (!*fresh && errno != EEXIST)
		return -errno;
	fd = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && !*fresh && (errno == ENOTDIR || errno == ELOOP)) {
		clear(dir, base);
		*fresh = mkdirat(dir, base, mode) == 0;
		fd = openat(dir, base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	return fd < 0 ? -errno : fd;
}

/* The set-id bits a file of @uid:@gid may not keep: those that would be
 * the user's own ids on the host (keep-id, see image.h). */
static mode_t keep_setid(const struct layer *l, uid_t uid, gid_t gid)
{
	mode_t drop = 0;

	if (l->keep && uid == l->keep->uid)
		drop |= S_ISUID;
	if (l->keep && gid == l->keep->gid)
		drop |= S_ISGID;
	return drop;
}

/* The owner @ent gives its file, or nobody (with a warning) when that is
 * none of the container's ids; true when a new entry of l->dir has it
 * already, as its maker's. */
static bool owner(const struct layer *l, struct archive_entry *ent, const char *path, uid_t *uid,
		  gid_t *gid)
{
	la_int64_t u = archive_entry_uid(ent), g = archive_entry_gid(ent);

	if (u < 0 || u >= SUBID_SLOT || g < 0 || g >= SUBID_SLOT) {
		skip(l, path, "owner outside the container's ids: given to nobody");
		u = g = 65534;
	}
	*uid = (uid_t)u;
	*gid = (gid_t)g;
	return *uid == l->uid && *gid == l->dir_gid;
}

/* The metadata of @ent, made just now in l->dir with perm() if @fresh
 * (set-id bits set after the owner: chown clears them, and file caps). */
static void read_meta(const struct layer *l, struct archive_entry *ent, bool fresh,
		      const char *path, struct img_meta *m)
{
	const char *name;
	const void *val;
	size_t size;

	m->chown = !(owner(l, ent, path, &m->uid, &m->gid) && fresh);
	m->mode = archive_entry_mode(ent) & 07777 & ~keep_setid(l, m->uid, m->gid);
	/* a new directory of a set-gid one is set-gid */
	m->chmod = !fresh || (m->mode & 07000) ||
		   (archive_entry_filetype(ent) == AE_IFDIR && l->dir_setgid);
	m->times[0] = (struct timespec){ archive_entry_atime(ent), 0 };
	m->times[1] = (struct timespec){ archive_entry_mtime(ent), 0 };
	m->ncaps = 0;
	archive_entry_xattr_reset(ent);
	while (archive_entry_xattr_next(ent, &name, &val, &size) == ARCHIVE_OK)
		if (!strcmp(name, "security.capability") && size <= sizeof(m->caps)) {
			memcpy(m->caps, val, size);
			m->ncaps = size;
		}
}

/* A file's bytes and metadata, to the writers, which own @fd now. */
static int write_file(const struct layer *l, struct archive *a, struct archive_entry *ent, int fd,
		      const struct img_meta *m, const char *path)
{
	struct img_wfile *f = img_write_open(l->w, fd, m, archive_entry_size(ent), path);
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	if (!f) {
		close(fd);
		return -ENOMEM;
	}
	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
		img_write_data(l->w, f, buf, len, off);
	img_write_close(l->w, f);
	return r == ARCHIVE_EOF ? 0 : -EIO;
}

/* A symlink's owner and mtime (it has no mode of its own). */
static void set_link_meta(const struct layer *l, struct archive_entry *ent, int dir,
			  const char *base, const char *path)
{
	struct timespec ts[2] = { { archive_entry_atime(ent), 0 }, { archive_entry_mtime(ent), 0 } };
	uid_t uid;
	gid_t gid;

	if (!owner(l, ent, path, &uid, &gid) &&
	    fchownat(dir, base, uid, gid, AT_SYMLINK_NOFOLLOW) < 0)
		skip(l, path, "cannot set its owner");
	utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
}

/* What @ent is, made at @base in @dir (l->dir) with its metadata. */
static int make(const struct layer *l, struct archive *a, struct archive_entry *ent, int dir,
		const char *base, const char *path)
{
	_cleanup_close_ int fd = -1;
	struct img_meta m;
	bool fresh = true;
	int r;

	switch (archive_entry_filetype(ent)) {
	case AE_IFDIR:
		fd = make_dir(dir, base, perm(ent), &fresh);
		if (fd < 0)
			return fd;
		break;
	case AE_IFREG:
		fd = make_node(dir, base, ent);
		if (fd < 0)
			return fd;
		read_meta(l, ent, true, path, &m);
		return write_file(l, a, ent, steal_fd(fd), &m, path);
	case AE_IFLNK:
		r = make_node(dir, base, ent);
		if (r == 0)
			set_link_meta(l, ent, dir, base, path);
		return r;
	case AE_IFIFO:
		r = make_node(dir, base, ent);
		if (r < 0)
			return r;
		/* O_NONBLOCK: a fifo opened for reading does not wait for a writer */
		fd = openat(dir, base, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
		if (fd < 0)
			return -errno;
		break;
	default:
		return skip(l, path, "device nodes cannot be created rootless"), 0;
	}
	read_meta(l, ent, fresh, path, &m);
	img_apply_meta(fd, &m, l->what, path);
	return 0;
}

/* A hardlink to a file of this layer, or nothing (with a warning). */
static void hardlink(const struct layer *l, const char *link, int dir, const char *base,
		     const char *path)
{
	char tpath[PATH_MAX], *tbase;
	_cleanup_close_ int tdir = -1;

	if (!img_clean_path(link, tpath, sizeof(tpath)) || (tdir = open_parent(l, tpath, &tbase)) < 0)
		return skip(l, path, "hardlink to a target outside the layer");
	for (int tries = 0; linkat(tdir, tbase, dir, base, 0) < 0; tries++) {
		if (errno != EEXIST || tries)
			return skip(l, path, "hardlink target is not in the layer");
		clear(dir, base);
	}
}

static int whiteout(int dir, const char *base)
{
	if (!strcmp(base, WH_OPAQUE)) {
		_cleanup_close_ int d = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		if (d < 0 || fsetxattr(d, "user.overlay.opaque", "y", 1, 0) < 0)
			return -errno;
		return 0;
	}
	clear(dir, base + strlen(WH_PREFIX));
	if (mknodat(dir, base + strlen(WH_PREFIX), S_IFCHR | 0, makedev(0, 0)) < 0 &&
	    errno != EEXIST)
		return -errno;
	return 0;
}

static int entry(struct layer *l, struct archive *a, struct archive_entry *ent,
		 struct eci_err *e)
{
	const char *raw = archive_entry_pathname(ent), *link = archive_entry_hardlink(ent);
	char path[PATH_MAX], *base;
	int dir, r = 0;

	if (!raw || strlen(raw) >= PATH_MAX)
		return skip(l, raw ? "(too long)" : "(none)", "name too long"), 0;
	if (!img_clean_path(raw, path, sizeof(path)))
		return skip(l, raw, "absolute path or '..'"), 0;
	if (!path[0])
		return 0;	/* "./" itself */
	dir = parent(l, path, &base);
	if (dir < 0)
		return skip(l, raw, errno == ELOOP || errno == ENOTDIR ?
			    "reached through a symlink" : strerror(errno)), 0;
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		r = whiteout(dir, base);
	else if (link)
		hardlink(l, link, dir, base, raw);
	else
		r = make(l, a, ent, dir, base, raw);
	if (r < 0)
		return eci_fail(e, -r, "%s: %s", l->what, raw);
	return 0;
}

/* Writer threads: one per CPU this process may run on. */
static unsigned writers(void)
{
	cpu_set_t set;

	return sched_getaffinity(0, sizeof(set), &set) == 0 ? (unsigned)CPU_COUNT(&set) : 1;
}

/* Every entry of @a, then the writers done: 0, or -1 with @e. */
static int unpack_entries(struct layer *l, struct archive *a, struct img_feed *feed,
			  struct eci_err *e)
{
	struct archive_entry *ent;
	int r = ARCHIVE_OK;

	while (!img_writers_failed(l->w) && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK)
		if (entry(l, a, ent, e) < 0)
			return -1;
	if (img_writers_end(l->w, e) < 0)	/* every file written: their first error */
		return -1;
	if (r != ARCHIVE_EOF)
		return eci_fail(e, 0, "%s: %s", l->what, img_feed_error(feed) ?: archive_error_string(a));
	return 0;
}

/* libarchive's tar reader over @feed; NULL with @e filled. */
static struct archive *open_tar(struct img_feed *feed, const char *what, struct eci_err *e)
{
	struct archive *a = archive_read_new();

	if (a && archive_read_support_format_tar(a) == ARCHIVE_OK &&
	    archive_read_open(a, feed, NULL, img_feed_read, NULL) == ARCHIVE_OK)
		return a;
	eci_fail(e, a ? 0 : ENOMEM, "%s: %s", what, img_feed_error(feed) ?:
		 (a ? archive_error_string(a) : NULL) ?: "unreadable");
	if (a)
		archive_read_free(a);
	return NULL;
}

int img_unpack_layer(int blob, const char *diff_id, int dst, const char *what,
		     const struct img_keep *keep, struct eci_err *e)
{
	struct layer l = { .root = dst, .what = what, .keep = keep, .uid = geteuid(),
			   .gid = getegid(), .dir = -1 };
	mode_t umask_was = umask(0);	/* entries are made with their own permission bits */
	struct img_feed *feed = NULL;
	struct archive *a = NULL;
	char got[72];
	int ret = -1;

	if (arc_load(e) < 0 || crypto_load(e) < 0)
		goto out;
	feed = img_feed_open(blob, e);
	if (!feed) {
		eci_prefix(e, "%s", what);
		goto out;
	}
	l.w = img_writers_new(feed, writers(), what);
	if (!l.w) {
		eci_fail(e, ENOMEM, "%s", what);
		goto out;
	}
	a = open_tar(feed, what, e);
	if (!a || unpack_entries(&l, a, feed, e) < 0)
		goto out;
	if (img_feed_finish(feed, got, e) < 0)
		eci_prefix(e, "%s", what);
	else if (strcmp(got, diff_id))
		eci_fail(e, 0, "%s: digest mismatch: the layer unpacks to %s, the image config "
			 "says %s", what, got, diff_id);
	else
		ret = 0;
out:
	img_writers_free(l.w);	/* before the buffers its writes are from */
	if (a)
		archive_read_free(a);
	img_feed_free(feed);
	forget(&l);
	umask(umask_was);
	return ret;
}
