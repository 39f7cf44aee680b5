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
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
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
};

static void skip(const struct layer *l, const char *path, const char *why)
{
	eci_warn("%s: entry '%.200s' skipped: %s", l->what, path, why);
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

/* Open the parent of @path, creating missing directories (0755). */
static int open_parent(const struct layer *l, char *path, char **base)
{
	char *slash = strrchr(path, '/');
	int fd;

	*base = slash ? slash + 1 : path;
	if (!slash)
		return fcntl(l->root, F_DUPFD_CLOEXEC, 3);
	*slash = '\0';
	fd = open_beneath(l->root, path, O_PATH | O_DIRECTORY);
	if (fd < 0 && errno == ENOENT) {
		/* each ancestor in turn, then @path itself */
		for (char *p = strchr(path, '/');; p = strchr(p + 1, '/')) {
			if (p)
				*p = '\0';
			if (mkdirat(l->root, path, 0755) < 0 && errno != EEXIST)
				break;
			if (!p)
				break;
			*p = '/';
		}
		fd = open_beneath(l->root, path, O_PATH | O_DIRECTORY);
	}
	*slash = '/';
	return fd;
}

static int write_data(struct archive *a, int fd)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(a, &buf, &len, &off)) == ARCHIVE_OK)
		if (pwrite(fd, buf, len, off) != (ssize_t)len)
			return errno ? -errno : -EIO;	/* ENOSPC, most likely */
	return r == ARCHIVE_EOF ? 0 : -EIO;
}

/* Replace whatever an earlier entry left at @name (not a directory). */
static void clear(int dir, const char *name)
{
	struct stat st;

	if (fstatat(dir, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISDIR(st.st_mode))
		unlinkat(dir, name, 0);
}

static int make_entry(const struct layer *l, struct archive *a, struct archive_entry *ent,
		      int dir, const char *base, const char *path)
{
	mode_t type = archive_entry_filetype(ent);
	const char *link = archive_entry_hardlink(ent);

	if (link) {
		char tpath[PATH_MAX], *tbase;
		_cleanup_close_ int tdir = -1;

		if (!img_clean_path(link, tpath, sizeof(tpath)) || (tdir = open_parent(l, tpath, &tbase)) < 0)
			return skip(l, path, "hardlink to a target outside the layer"), 0;
		clear(dir, base);
		if (linkat(tdir, tbase, dir, base, 0) < 0)
			return skip(l, path, "hardlink target is not in the layer"), 0;
		return 0;
	}
	switch (type) {
	case AE_IFDIR:
		if (mkdirat(dir, base, 0700) < 0 && errno != EEXIST)
			return -errno;
		return 0;
	case AE_IFREG: {
		_cleanup_close_ int fd = -1;

		clear(dir, base);
		fd = openat(dir, base, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
		if (fd < 0)
			return -errno;
		return write_data(a, fd);
	}
	case AE_IFLNK:
		clear(dir, base);
		return symlinkat(archive_entry_symlink(ent) ?: "", dir, base) < 0 ? -errno : 0;
	case AE_IFIFO:
		clear(dir, base);
		return mkfifoat(dir, base, 0600) < 0 ? -errno : 0;
	default:
		return skip(l, path, "device nodes cannot be created rootless"), 1;
	}
}

/* The set-id bits a file of @uid:@gid may not keep: those that would be
 * the user's own ids on the host (keep-id, see image.h). */
static mode_t keep_setid(const struct layer *l, la_int64_t uid, la_int64_t gid)
{
	mode_t drop = 0;

	if (l->keep && uid == (la_int64_t)l->keep->uid)
		drop |= S_ISUID;
	if (l->keep && gid == (la_int64_t)l->keep->gid)
		drop |= S_ISGID;
	return drop;
}

/* Owner, mode (after chown, which clears setuid), file caps, mtime. */
static void set_meta(const struct layer *l, struct archive_entry *ent, int dir,
		     const char *base, const char *path)
{
	la_int64_t uid = archive_entry_uid(ent), gid = archive_entry_gid(ent);
	struct timespec ts[2] = { { archive_entry_atime(ent), 0 }, { archive_entry_mtime(ent), 0 } };
	const char *name;
	const void *val;
	size_t size;

	if (uid < 0 || uid >= SUBID_SLOT || gid < 0 || gid >= SUBID_SLOT) {
		skip(l, path, "owner outside the container's ids: given to nobody");
		uid = gid = 65534;
	}
	if (fchownat(dir, base, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
		skip(l, path, "cannot set its owner");
	if (archive_entry_filetype(ent) != AE_IFLNK) {
		_cleanup_close_ int fd = openat(dir, base, O_PATH | O_NOFOLLOW | O_CLOEXEC);
		char proc[64];

		snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
		if (fd >= 0)
			chmod(proc, archive_entry_mode(ent) & 07777 & ~keep_setid(l, uid, gid));
		archive_entry_xattr_reset(ent);
		while (fd >= 0 && archive_entry_xattr_next(ent, &name, &val, &size) == ARCHIVE_OK)
			if (!strcmp(name, "security.capability"))
				setxattr(proc, name, val, size, 0);
	}
	utimensat(dir, base, ts, AT_SYMLINK_NOFOLLOW);
}

static int whiteout(const struct layer *l, int dir, const char *base, const char *path)
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

static int entry(const struct layer *l, struct archive *a, struct archive_entry *ent,
		 struct eci_err *e)
{
	const char *raw = archive_entry_pathname(ent);
	char path[PATH_MAX], *base;
	_cleanup_close_ int dir = -1;
	int r;

	if (!raw || strlen(raw) >= PATH_MAX)
		return skip(l, raw ? "(too long)" : "(none)", "name too long"), 0;
	if (!img_clean_path(raw, path, sizeof(path)))
		return skip(l, raw, "absolute path or '..'"), 0;
	if (!path[0])
		return 0;	/* "./" itself */
	dir = open_parent(l, path, &base);
	if (dir < 0)
		return skip(l, raw, errno == ELOOP || errno == ENOTDIR ?
			    "reached through a symlink" : strerror(errno)), 0;
	if (!strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		r = whiteout(l, dir, base, raw);
	else if ((r = make_entry(l, a, ent, dir, base, raw)) == 0 && !archive_entry_hardlink(ent))
		set_meta(l, ent, dir, base, raw);
	if (r < 0)
		return eci_fail(e, -r, "%s: %s", l->what, raw);
	return 0;
}

/*
 * The layer is decompressed once, by a libarchive reader in raw mode, and
 * the tar reader pulls from it through read_raw(), which hashes every byte:
 * the uncompressed stream must hash to the diff_id the config names, or
 * the unpacked copy is thrown away (the caller removes the directory).
 */
struct raw {
	struct archive *a;
	EVP_MD_CTX *md;
	char buf[1 << 17];
};

static la_ssize_t read_raw(struct archive *tar, void *ctx, const void **out)
{
	struct raw *r = ctx;
	la_ssize_t n = archive_read_data(r->a, r->buf, sizeof(r->buf));

	if (n > 0)
		EVP_DigestUpdate(r->md, r->buf, (size_t)n);
	*out = r->buf;
	return n < 0 ? ARCHIVE_FATAL : n;
}

static int open_raw(struct raw *r, int blob)
{
	struct archive_entry *ent;

	r->a = archive_read_new();
	r->md = EVP_MD_CTX_new();
	if (!r->a || !r->md || !EVP_DigestInit_ex(r->md, EVP_sha256(), NULL))
		return -1;
	archive_read_support_filter_gzip(r->a);
	archive_read_support_filter_zstd(r->a);
	archive_read_support_format_raw(r->a);
	if (lseek(blob, 0, SEEK_SET) < 0 || archive_read_open_fd(r->a, blob, 1 << 17) != ARCHIVE_OK ||
	    archive_read_next_header(r->a, &ent) != ARCHIVE_OK)
		return -1;
	return 0;
}

/* Hash what the tar reader left unread (padding after the end marker). */
static int finish_raw(struct raw *r, char got[72])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int len = 0;
	const void *p;

	while (read_raw(NULL, r, &p) > 0)
		;
	if (!EVP_DigestFinal_ex(r->md, md, &len))
		return -1;
	strcpy(got, "sha256:");
	for (unsigned int i = 0; i < len; i++)
		sprintf(got + 7 + 2 * i, "%02x", md[i]);
	return 0;
}

int img_unpack_layer(int blob, const char *diff_id, int dst, const char *what,
		     const struct img_keep *keep, struct eci_err *e)
{
	struct layer l = { .root = dst, .what = what, .keep = keep };
	struct archive *a;
	struct archive_entry *ent;
	struct raw raw = { 0 };
	char got[72];
	int r, ret = 0;

	if (arc_load(e) < 0 || crypto_load(e) < 0)
		return -1;
	a = archive_read_new();
	archive_read_support_format_tar(a);
	if (open_raw(&raw, blob) < 0 ||
	    archive_read_open(a, &raw, NULL, read_raw, NULL) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "%s: %s", what,
			       archive_error_string(raw.a) ?: archive_error_string(a) ?: "unreadable");
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK && !ret)
		ret = entry(&l, a, ent, e);
	if (!ret && r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "%s: %s", what, archive_error_string(a));
	if (!ret && finish_raw(&raw, got) < 0)
		ret = eci_fail(e, EIO, "%s: hash", what);
	if (!ret && strcmp(got, diff_id))
		ret = eci_fail(e, 0, "%s: digest mismatch: the layer unpacks to %s, the image "
			       "config says %s", what, got, diff_id);
out:
	archive_read_free(a);
	archive_read_free(raw.a);
	EVP_MD_CTX_free(raw.md);
	return ret;
}
