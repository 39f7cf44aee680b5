// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rootfs.c - import a plain root file system directory as a one-layer image
 *
 * The directory is packed into a tar layer as it is on disk, symlinks kept
 * as symlinks.  Files owned by the importing user become root's in the
 * image (the user's tree is the container's); other owners are kept if they
 * fit the container's 65536 ids and become nobody (65534) otherwise.  The
 * config runs /bin/sh with the usual PATH.  A root file system tarball
 * (import.c) gets the same config around its own, uncompressed, layer.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "store.h"
#include "subid.h"

static la_int64_t container_id(la_int64_t id, la_int64_t mine)
{
	if (id == mine)
		return 0;
	return id < SUBID_SLOT ? id : 65534;
}

static int copy_data(struct archive *disk, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(disk, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data(out, buf, len) < 0)
			return -1;
	return r == ARCHIVE_EOF ? 0 : -1;
}

static int pack(const char *dir, int fd, struct eci_err *e)
{
	struct archive *disk, *out;
	struct archive_entry *ent;
	size_t dl = strlen(dir);
	int r, ret = 0;

	if (arc_load(e) < 0)
		return -1;
	disk = archive_read_disk_new();
	out = archive_write_new();
	ent = archive_entry_new();
	archive_read_disk_set_symlink_physical(disk);
	archive_read_disk_set_standard_lookup(disk);
	archive_write_set_format_pax_restricted(out);
	if (archive_read_disk_open(disk, dir) != ARCHIVE_OK || archive_write_open_fd(out, fd) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "pack %s: %s", dir, archive_error_string(disk));
		goto done;
	}
	while ((r = archive_read_next_header2(disk, ent)) == ARCHIVE_OK) {
		const char *p = archive_entry_pathname(ent);
		char rel[4200];

		archive_read_disk_descend(disk);
		snprintf(rel, sizeof(rel), ".%s", strlen(p) > dl ? p + dl : "/");
		archive_entry_copy_pathname(ent, rel);
		archive_entry_set_uid(ent, container_id(archive_entry_uid(ent), getuid()));
		archive_entry_set_gid(ent, container_id(archive_entry_gid(ent), getgid()));
		archive_entry_set_uname(ent, NULL);
		archive_entry_set_gname(ent, NULL);
		if (archive_write_header(out, ent) != ARCHIVE_OK ||
		    (archive_entry_filetype(ent) == AE_IFREG && archive_entry_size(ent) > 0 &&
		     copy_data(disk, out) < 0)) {
			ret = eci_fail(e, 0, "pack %s: %s: %s", dir, rel,
				       archive_error_string(out) ?: archive_error_string(disk));
			goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "pack %s: %s", dir, archive_error_string(disk));
done:
	archive_entry_free(ent);
	archive_write_close(out);
	archive_write_free(out);
	archive_read_free(disk);
	return ret;
}

/* The config and manifest of a one-layer image around @layer (a plain tar
 * at offset 0, @size bytes), stored; the manifest's digest in @digest. */
int img_rootfs_image(struct store *st, int layer, long long size, char digest[72],
		     struct eci_err *e)
{
	char ldigest[72], config[72], created[32], *text = NULL;
	json_auto_t *cfg = NULL, *man = NULL;
	time_t now = time(NULL);
	int r;

	if (store_put_blob(st, layer, NULL, size, "layer 1", ldigest, e) < 0)
		return -1;
	strftime(created, sizeof(created), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	cfg = json_pack("{s:s, s:s, s:s, s:{s:[s], s:[s]}, s:{s:s, s:[s]}}", "created", created,
			"architecture", "amd64", "os", "linux", "config", "Env",
			"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "Cmd",
			"/bin/sh", "rootfs", "type", "layers", "diff_ids", ldigest);
	text = cfg ? json_dumps(cfg, JSON_COMPACT) : NULL;
	r = text ? store_put_bytes(st, text, strlen(text), config, e) : eci_fail(e, ENOMEM, "config");
	if (r == 0) {
		man = json_pack("{s:i, s:s, s:{s:s, s:s, s:I}, s:[{s:s, s:s, s:I}]}",
				"schemaVersion", 2, "mediaType",
				"application/vnd.oci.image.manifest.v1+json", "config", "mediaType",
				"application/vnd.oci.image.config.v1+json", "digest", config, "size",
				(json_int_t)strlen(text), "layers", "mediaType",
				"application/vnd.oci.image.layer.v1.tar", "digest", ldigest, "size",
				(json_int_t)size);
		free(text);
		text = man ? json_dumps(man, JSON_COMPACT) : NULL;
		r = text ? store_put_bytes(st, text, strlen(text), digest, e)
			 : eci_fail(e, ENOMEM, "manifest");
	}
	free(text);
	return r;
}

int import_rootfs(struct store *st, const char *dir, char digest[72], struct eci_err *e);
int import_rootfs(struct store *st, const char *dir, char digest[72], struct eci_err *e)
{
	_cleanup_close_ int fd = memfd_create("layer", MFD_CLOEXEC);
	off_t size;

	if (fd < 0 || pack(dir, fd, e) < 0)
		return fd < 0 ? eci_fail(e, errno, "pack %s", dir) : -1;
	size = lseek(fd, 0, SEEK_CUR);
	lseek(fd, 0, SEEK_SET);
	return img_rootfs_image(st, fd, size, digest, e);
}
