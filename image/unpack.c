// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * unpack.c - extract verified layers with libarchive
 *
 * The extraction runs as container root inside the container's user
 * namespace, into a directory that only that namespace sees, so the owners
 * recorded in the layer are applied as container ids.  libarchive's SECURE_*
 * flags refuse entries with absolute paths, ".." components, and any path
 * that would be written through a symlink, which is what stops a hostile
 * layer from planting "etc -> /host/etc" and then writing "etc/passwd".
 * OCI whiteouts (".wh.NAME", ".wh..wh..opq") delete from the layers below.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "image.h"
#include "util.h"

#define WH_PREFIX ".wh."
#define WH_OPAQUE ".wh..wh..opq"

/* Open the directory part of a layer path beneath the rootfs, never
 * following a symlink, so a whiteout cannot delete outside the rootfs. */
static int open_parent(int rootfd, const char *path, size_t dirlen)
{
	struct open_how how = {
		.flags = O_PATH | O_DIRECTORY | O_CLOEXEC,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char dir[4096];

	if (dirlen >= sizeof(dir))
		return -ENAMETOOLONG;
	memcpy(dir, path, dirlen);
	dir[dirlen] = '\0';
	if (!dirlen)
		strcpy(dir, ".");
	return (int)syscall(SYS_openat2, rootfd, dir, &how, sizeof(how));
}

/* Return 1 if the entry was a whiteout (and was applied), 0 if not. */
static int whiteout(int rootfd, const char *path, struct eci_err *e)
{
	const char *base = strrchr(path, '/');
	_cleanup_close_ int dfd = -1;
	int r;

	base = base ? base + 1 : path;
	if (strncmp(base, WH_PREFIX, strlen(WH_PREFIX)))
		return 0;
	dfd = open_parent(rootfd, path, (size_t)(base - path));
	if (dfd < 0)
		return 1;	/* nothing below to hide */
	if (!strcmp(base, WH_OPAQUE)) {
		_cleanup_close_ int d = openat(dfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

		r = d < 0 ? -errno : rm_dir_contents_at(d);
	} else {
		r = rm_rf_at(dfd, base + strlen(WH_PREFIX));
	}
	if (r < 0)
		return eci_fail(e, -r, "whiteout %s", path);
	return 1;
}

static int unpack_one(int fd, int rootfd, struct archive *disk, size_t idx,
		      struct eci_err *e)
{
	struct archive *a = archive_read_new();
	struct archive_entry *ent;
	int r, ret = 0;

	archive_read_support_format_tar(a);
	archive_read_support_filter_gzip(a);
	archive_read_support_filter_zstd(a);
	if (lseek(fd, 0, SEEK_SET) < 0 || archive_read_open_fd(a, fd, 1 << 16) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "layer %zu: %s", idx + 1, archive_error_string(a));
		goto out;
	}
	while ((r = archive_read_next_header(a, &ent)) == ARCHIVE_OK) {
		mode_t type = archive_entry_filetype(ent);
		const char *path = archive_entry_pathname(ent);
		int w;

		if (type == AE_IFCHR || type == AE_IFBLK)
			continue;	/* no device nodes from images */
		w = whiteout(rootfd, path, e);
		if (w < 0) {
			ret = w;
			goto out;
		}
		if (w)
			continue;
		if (archive_read_extract2(a, ent, disk) != ARCHIVE_OK &&
		    archive_errno(disk) != 0) {
			ret = eci_fail(e, 0, "layer %zu: %s: %s", idx + 1, path,
				       archive_error_string(disk));
			goto out;
		}
	}
	if (r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "layer %zu: %s", idx + 1, archive_error_string(a));
out:
	archive_read_free(a);
	return ret;
}

int img_unpack(const struct img *img, int rootfd, struct eci_err *e)
{
	struct archive *disk;
	int ret = 0;

	if (fchdir(rootfd) < 0)
		return eci_fail(e, errno, "enter rootfs");
	disk = archive_write_disk_new();
	if (!disk)
		return eci_fail(e, ENOMEM, "unpack");
	archive_write_disk_set_options(disk,
		ARCHIVE_EXTRACT_OWNER | ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
		ARCHIVE_EXTRACT_XATTR | ARCHIVE_EXTRACT_SECURE_SYMLINKS |
		ARCHIVE_EXTRACT_SECURE_NODOTDOT | ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS |
		ARCHIVE_EXTRACT_UNLINK);
	for (size_t i = 0; i < img->nlayers && !ret; i++)
		ret = unpack_one(img->layer_fd[i], rootfd, disk, i, e);
	archive_write_free(disk);
	return ret;
}
