// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * import.c - bring images into the store
 *
 * Sources, recognised by what they hold:
 *   - a directory with index.json: an OCI image layout (DIR or DIR:TAG);
 *   - a directory with manifest.json: an unpacked `docker save` archive;
 *   - any other directory: a root file system, packed into one layer;
 *   - a file: a tar of one of the first two (oci-archive, docker-archive),
 *     unpacked into the store's tmp/ first, without following any symlink,
 *     recognised by index.json or manifest.json at its top;
 *   - any other tar (plain, gzip, xz or zstd): a root file system, as docker
 *     import takes it, its one layer;
 *   - "-": standard input, copied into tmp/ and then read as a file.
 * Every blob is hashed while it is copied and checked against its digest
 * (for docker archives, whose layers are not named by digest, against the
 * config's diff_ids); nothing is recorded unless all of it is right.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "store.h"
#include "util.h"

#define MT_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_LAYER "application/vnd.oci.image.layer.v1.tar"

static int put_desc(struct store *st, int dirfd, json_t *desc, const char *what,
		    struct eci_err *e)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *size = json_object_get(desc, "size");
	_cleanup_close_ int fd = -1;

	if (!digest || !img_valid_digest(digest))
		return eci_fail(e, 0, "%s: missing or unsupported digest", what);
	if (store_has_blob(st, digest))
		return 0;
	fd = img_open_blob(dirfd, digest);
	if (fd < 0)
		return eci_fail(e, errno, "%s: blob %s", what, digest);
	return store_put_blob(st, fd, digest, json_is_integer(size) ? json_integer_value(size) : -1,
			      what, NULL, e);
}

/* OCI layout: manifest, config and layers, each verified on the way in. */
static int import_layout(struct store *st, int dirfd, const char *tag, char digest[72],
			 struct eci_err *e)
{
	json_auto_t *desc = img_pick_manifest(dirfd, tag, e);
	json_auto_t *manifest = NULL;
	_cleanup_close_ int mfd = -1;
	json_t *layers, *l;
	size_t i;

	if (!desc || put_desc(st, dirfd, desc, "image manifest", e) < 0)
		return -1;
	strcpy(digest, json_string_value(json_object_get(desc, "digest")));
	mfd = img_open_blob(st->fd, digest);
	manifest = mfd >= 0 ? load_json_fd(mfd, "image manifest", e) : NULL;
	if (!manifest)
		return mfd < 0 ? eci_fail(e, errno, "image manifest") : -1;
	if (put_desc(st, dirfd, json_object_get(manifest, "config"), "image config", e) < 0)
		return -1;
	layers = json_object_get(manifest, "layers");
	if (!json_is_array(layers) || json_array_size(layers) > IMG_MAX_LAYERS)
		return eci_fail(e, 0, "image manifest: bad layers");
	json_array_foreach(layers, i, l) {
		char what[32];

		snprintf(what, sizeof(what), "layer %zu", i + 1);
		if (put_desc(st, dirfd, l, what, e) < 0)
			return -1;
	}
	return 0;
}

static const char *layer_media_type(int fd)
{
	unsigned char m[4] = { 0 };

	if (pread(fd, m, sizeof(m), 0) < 2)
		return MT_LAYER;
	if (m[0] == 0x1f && m[1] == 0x8b)
		return MT_LAYER "+gzip";
	if (m[0] == 0x28 && m[1] == 0xb5 && m[2] == 0x2f && m[3] == 0xfd)
		return MT_LAYER "+zstd";
	return MT_LAYER;
}

/* Put a file of the archive directory in; NULL name: refused. */
/*
 * @expect: the digest the file must have, or NULL.  An uncompressed layer
 * must hash to its diff_id, so it is checked as it is copied in and never
 * stored otherwise; a compressed one is checked when it is unpacked.
 */
static int put_file(struct store *st, int dirfd, const char *name, const char *what,
		    const char *expect, char got[72], long long *size, const char **mt,
		    struct eci_err *e)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS };
	_cleanup_close_ int fd = -1;
	struct stat sb;

	if (!name)
		return eci_fail(e, 0, "manifest.json: %s missing", what);
	fd = (int)syscall(SYS_openat2, dirfd, name, &how, sizeof(how));
	if (fd < 0 || fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode))
		return eci_fail(e, fd < 0 ? errno : EINVAL, "manifest.json: %s %s", what, name);
	*size = sb.st_size;
	if (mt)
		*mt = layer_media_type(fd);
	if (mt && strcmp(*mt, MT_LAYER))
		expect = NULL;
	return store_put_blob(st, fd, expect, sb.st_size, what, got, e);
}

/* docker save: manifest.json names the config and layer tars by path. */
static int import_docker(struct store *st, int dirfd, char digest[72], char *name,
			 size_t namesize, struct eci_err *e)
{
	_cleanup_close_ int mfd = openat(dirfd, "manifest.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	json_auto_t *list = mfd >= 0 ? load_json_any(mfd, "manifest.json", e) : NULL;
	json_auto_t *out = NULL, *cfg = NULL;
	json_t *m = json_array_get(list, 0), *layers, *l, *ids;
	char cdigest[72], *text;
	long long csize;
	size_t i;
	int r;

	if (!m)
		return list ? eci_fail(e, 0, "manifest.json: no image in it") : -1;
	if (json_string_value(json_array_get(json_object_get(m, "RepoTags"), 0)))
		snprintf(name, namesize, "%s",
			 json_string_value(json_array_get(json_object_get(m, "RepoTags"), 0)));
	if (put_file(st, dirfd, json_string_value(json_object_get(m, "Config")), "image config",
		     NULL, cdigest, &csize, NULL, e) < 0)
		return -1;
	{
		_cleanup_close_ int cfd = img_open_blob(st->fd, cdigest);

		cfg = cfd >= 0 ? load_json_fd(cfd, "image config", e) : NULL;
	}
	ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids");
	layers = json_object_get(m, "Layers");
	if (!cfg || !json_is_array(layers) || json_array_size(layers) != json_array_size(ids))
		return eci_fail(e, 0, "manifest.json: layers do not match the config's diff_ids");
	out = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[]}", "schemaVersion", 2, "mediaType",
			MT_MANIFEST, "config", "mediaType", MT_CONFIG, "digest", cdigest, "size",
			(json_int_t)csize, "layers");
	json_array_foreach(layers, i, l) {
		char what[32], ld[72];
		const char *mt;
		long long lsize;

		snprintf(what, sizeof(what), "layer %zu", i + 1);
		const char *id = json_string_value(json_array_get(ids, i));

		if (!id || !img_valid_digest(id))
			return eci_fail(e, 0, "image config: rootfs.diff_ids[%zu] is not a sha256 digest", i);
		if (put_file(st, dirfd, json_string_value(l), what, id, ld, &lsize, &mt, e) < 0)
			return -1;
		json_array_append_new(json_object_get(out, "layers"),
				      json_pack("{s:s, s:s, s:I}", "mediaType", mt, "digest", ld,
						"size", (json_int_t)lsize));
	}
	text = json_dumps(out, JSON_COMPACT);
	r = text ? store_put_bytes(st, text, strlen(text), digest, e) : eci_fail(e, ENOMEM, "manifest");
	free(text);
	return r;
}

/*
 * Unpack a tar archive into a fresh directory, as plain files: no entry may
 * be absolute, hold "..", or go through a symlink; devices are skipped.
 */
static int untar(int fd, const char *file, int dirfd, struct eci_err *e)
{
	struct archive *a, *disk;
	_cleanup_close_ int cwd = -1;
	struct archive_entry *ent;
	int r, ret = 0;

	if (arc_load(e) < 0)
		return -1;
	a = archive_read_new();
	disk = archive_write_disk_new();
	cwd = open(".", O_PATH | O_DIRECTORY | O_CLOEXEC);
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	archive_write_disk_set_options(disk, ARCHIVE_EXTRACT_SECURE_SYMLINKS |
				       ARCHIVE_EXTRACT_SECURE_NODOTDOT |
				       ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS);
	if (lseek(fd, 0, SEEK_SET) < 0 || fchdir(dirfd) < 0 ||
	    archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "read %s: %s", file, archive_error_string(a) ?: strerror(errno));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		mode_t t = archive_entry_filetype(ent);

		if (t != AE_IFREG && t != AE_IFDIR)
			continue;	/* an image archive holds files and directories */
		if (archive_read_extract2(a, ent, disk) != ARCHIVE_OK) {
			ret = eci_fail(e, 0, "%s: %s: %s", file, archive_entry_pathname(ent),
				       archive_error_string(disk));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "%s: %s", file, archive_error_string(a));
out:
	archive_read_free(a);
	archive_write_free(disk);
	if (cwd >= 0 && fchdir(cwd) < 0 && !ret)
		ret = eci_fail(e, errno, "return to the working directory");
	return ret;
}

static void derive_name(const char *src, const char *tag, char *name, size_t size)
{
	char copy[4096], *base, *dot;

	snprintf(copy, sizeof(copy), "%s", src);
	while (strlen(copy) > 1 && copy[strlen(copy) - 1] == '/')
		copy[strlen(copy) - 1] = '\0';
	base = basename(copy);
	if ((dot = strstr(base, ".tar")))
		*dot = '\0';
	snprintf(name, size, "%s:%s", *base ? base : "image", tag ? tag : "latest");
}

int import_rootfs(struct store *st, const char *dir, char digest[72], struct eci_err *e);

static int import_dir(struct store *st, int dirfd, const char *src, const char *tag,
		      char digest[72], char *name, size_t namesize, struct eci_err *e)
{
	struct stat sb;

	if (fstatat(dirfd, "index.json", &sb, 0) == 0)
		return import_layout(st, dirfd, tag, digest, e);
	if (fstatat(dirfd, "manifest.json", &sb, 0) == 0)
		return import_docker(st, dirfd, digest, name, namesize, e);
	return import_rootfs(st, src, digest, e);
}

/*
 * An image archive holds index.json (oci-archive) or manifest.json (docker
 * save) at its top; any other tar is a root file system.  1, 0, or -1 when
 * @fd is not a tar (plain, gzip, xz or zstd) at all.
 */
static int archive_kind(int fd, const char *file, struct eci_err *e)
{
	struct archive *a;
	struct archive_entry *ent;
	int r, kind = 0, n = 0;

	if (arc_load(e) < 0)
		return -1;
	a = archive_read_new();
	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	r = lseek(fd, 0, SEEK_SET) < 0 ? ARCHIVE_FATAL : archive_read_open_fd(a, fd, 1 << 16);
	while (r == ARCHIVE_OK && (r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(ent);

		n++;
		if (!p)
			continue;
		if (!strncmp(p, "./", 2))
			p += 2;
		if (!strcmp(p, "index.json") || !strcmp(p, "manifest.json"))
			kind = 1;
	}
	if (r != ARCHIVE_EOF || n == 0)
		kind = eci_fail(e, 0, "%s: neither an image archive nor a root file system tar: %s",
				file, n ? archive_error_string(a) ?: "unreadable"
					: "not a tar archive (plain, gzip, xz or zstd)");
	archive_read_free(a);
	return kind;
}

/* A file of the store's tmp/ that disappears with its fd. */
static int tmp_file(struct store *st)
{
	int fd = openat(st->fd, "tmp", O_TMPFILE | O_RDWR | O_CLOEXEC, 0600);

	return fd >= 0 ? fd : memfd_create("eci-import", MFD_CLOEXEC);
}

/*
 * A root file system tarball, as docker import takes it: the tar is the
 * image's one layer, kept uncompressed so that its digest is its diff_id.
 * Its entries are judged when a container unpacks it (unpack.c), as every
 * layer's are.
 */
static int import_rootfs_tar(struct store *st, int fd, const char *file, char digest[72],
			     struct eci_err *e)
{
	_cleanup_close_ int out = tmp_file(st);
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	char buf[1 << 16];
	long long size = 0;
	la_ssize_t n;
	int r = 0;

	archive_read_support_format_raw(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_xz(a);
	archive_read_support_filter_zstd(a);
	if (out < 0 || lseek(fd, 0, SEEK_SET) < 0 ||
	    archive_read_open_fd(a, fd, sizeof(buf)) != ARCHIVE_OK ||
	    archive_read_next_header(a, &ent) != ARCHIVE_OK)
		r = eci_fail(e, errno, "%s: read", file);
	while (r == 0 && (n = archive_read_data(a, buf, sizeof(buf))) != 0) {
		if (n < 0)
			r = eci_fail(e, 0, "%s: %s", file, archive_error_string(a));
		else if (write_all(out, buf, (size_t)n) < 0)
			r = eci_fail(e, errno, "%s: copy into %s/tmp", file, st->path);
		size += n > 0 ? n : 0;
	}
	archive_read_free(a);
	if (r == 0 && lseek(out, 0, SEEK_SET) < 0)
		r = eci_fail(e, errno, "%s", file);
	return r < 0 ? r : img_rootfs_image(st, out, size, digest, e);
}

static int import_archive(struct store *st, int fd, const char *file, char digest[72],
			  char *name, size_t namesize, struct eci_err *e)
{
	char tmp[64];
	_cleanup_close_ int dfd = -1;
	int r = archive_kind(fd, file, e);

	if (r <= 0)
		return r < 0 ? r : import_rootfs_tar(st, fd, file, digest, e);
	snprintf(tmp, sizeof(tmp), "tmp/archive-%d", (int)getpid());
	rm_rf_at(st->fd, tmp);
	if (mkdirat(st->fd, tmp, 0700) < 0 ||
	    (dfd = openat(st->fd, tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "%s/%s", st->path, tmp);
	r = untar(fd, file, dfd, e);
	if (r == 0) {
		struct stat sb;

		if (fstatat(dfd, "index.json", &sb, 0) == 0)
			r = import_layout(st, dfd, NULL, digest, e);
		else
			r = import_docker(st, dfd, digest, name, namesize, e);
	}
	rm_rf_at(st->fd, tmp);
	return r;
}

/* Standard input, copied into tmp/ first: an archive is read more than once. */
static int import_stdin(struct store *st, char digest[72], char *name, size_t namesize,
			struct eci_err *e)
{
	_cleanup_close_ int fd = tmp_file(st);
	char buf[1 << 16];
	ssize_t n;

	if (fd < 0)
		return eci_fail(e, errno, "%s/tmp", st->path);
	while ((n = read(STDIN_FILENO, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(fd, buf, (size_t)n) < 0)
			return eci_fail(e, errno, n < 0 ? "read standard input" : "copy into %s/tmp",
					st->path);
	}
	return import_archive(st, fd, "standard input", digest, name, namesize, e);
}

/* Clear what killed imports left in tmp/ (we hold the store lock). */
void img_clear_tmp(struct store *st)
{
	rm_rf_at(st->fd, "tmp");
	mkdirat(st->fd, "tmp", 0700);
}

int img_import_locked(struct store *st, const char *src, const char *ref, char digest[72],
		      struct eci_err *e)
{
	char path[4096], name[300] = "", *colon;
	const char *tag = NULL;
	_cleanup_close_ int fd = -1;
	struct stat sb;
	int r;

	snprintf(path, sizeof(path), "%s", src);
	if (!strcmp(src, "-")) {
		r = import_stdin(st, digest, name, sizeof(name), e);
		if (r == 0 && !ref && !name[0])
			r = eci_fail(e, 0, "an image from standard input needs a name: --name NAME[:TAG]");
		goto named;
	}
	if (stat(path, &sb) < 0 && (colon = strrchr(path, ':')) && colon > path) {
		*colon = '\0';	/* DIR:TAG */
		tag = colon + 1;
	}
	if (stat(path, &sb) < 0)
		return eci_fail(e, errno, "%s", path);
	if (S_ISDIR(sb.st_mode) || S_ISREG(sb.st_mode))
		fd = open(path, O_RDONLY | (S_ISDIR(sb.st_mode) ? O_DIRECTORY : 0) | O_CLOEXEC);
	if (!S_ISDIR(sb.st_mode) && !S_ISREG(sb.st_mode))
		r = eci_fail(e, 0, "not a directory nor an archive");
	else if (fd < 0)
		r = eci_fail(e, errno, "open");
	else if (S_ISDIR(sb.st_mode))
		r = import_dir(st, fd, path, tag, digest, name, sizeof(name), e);
	else
		r = import_archive(st, fd, path, digest, name, sizeof(name), e);
	if (r == 0 && !name[0])
		derive_name(path, tag, name, sizeof(name));
named:
	if (r == 0)
		r = store_set_ref(st, ref ? ref : name, digest, e);
	if (r == 0 && store_gc(st) < 0)	/* a name moved: its old blobs may be free */
		r = eci_fail(e, errno, "%s: collect unused blobs", st->path);
	else if (r < 0)
		store_gc(st);	/* what was stored before the failure is named by nothing */
	return r;
}

int img_import(struct store *st, const char *src, const char *ref, char digest[72],
	       struct eci_err *e)
{
	int r;

	if (store_lock(st, e) < 0)
		return -1;
	img_clear_tmp(st);
	r = img_import_locked(st, src, ref, digest, e);
	store_unlock(st);
	if (r < 0)
		eci_prefix(e, "image %s", src);
	return r;
}
