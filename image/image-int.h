/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-int.h - helpers shared by the files of the image module */
#ifndef ECI_IMAGE_INT_H
#define ECI_IMAGE_INT_H

#include <jansson.h>
#include <stdbool.h>
#include <sys/types.h>
#include <time.h>

#include "image.h"

#define MAX_JSON (4u << 20)

/* "sha256:" and 64 lowercase hex digits? */
int img_valid_digest(const char *d);

/* Open blobs/sha256/HEX beneath @dirfd, never through a symlink. */
int img_open_blob(int dirfd, const char *digest);

/* sha256 of all of @fd from offset 0, as "sha256:HEX"; 0 or -errno. */
int img_hash_fd(int fd, char out[72]);

/* Any JSON value read from @fd; NULL with @e filled. */
json_t *load_json_any(int fd, const char *what, struct eci_err *e);

/* A JSON object read from @fd; NULL with @e filled. */
json_t *load_json_fd(int fd, const char *what, struct eci_err *e);

/* The manifest descriptor of index.json: by tag, else the only one. */
json_t *img_pick_manifest(int dirfd, const char *tag, struct eci_err *e);

/* Read manifest, config and layers named by @desc under @dirfd (a layout or
 * the store); @verify (IMG_VERIFY_*): which blobs to hash against their digests. */
int img_load_manifest(int dirfd, json_t *desc, unsigned verify, struct img *img,
		      struct eci_err *e);

/* rootfs.c: store a one-layer image around @layer, a plain tar of @size
 * bytes at offset 0; the manifest's digest in @digest. */
struct store;
int img_rootfs_image(struct store *st, int layer, long long size, char digest[72],
		     struct eci_err *e);

/* import.c: img_import() for a caller that holds the store's lock and has
 * cleared tmp/ (pull.c, which fetches into tmp/ first).  Messages are not
 * prefixed with the source. */
int img_import_locked(struct store *st, const char *src, const char *ref, char digest[72],
		      struct eci_err *e);
/* Remove what killed imports and pulls left in tmp/; under the lock. */
void img_clear_tmp(struct store *st);

/* feed.c: a layer blob's uncompressed bytes for libarchive's tar reader,
 * each hashed before the reader sees it (by a thread of their own when
 * one can be started).  img_feed_open(): NULL with @e filled. */
struct img_feed;
struct archive;
struct img_feed *img_feed_open(int blob, struct eci_err *e);
/* The tar reader's read callback (archive_read_open()'s), @ctx the feed. */
ssize_t img_feed_read(struct archive *tar, void *ctx, const void **out);
/* After the tar reader's end: hash what it left unread, "sha256:HEX" in
 * @got.  Return: 0, or -1 with @e filled. */
int img_feed_finish(struct img_feed *f, char got[72], struct eci_err *e);
/* Keep the feed from filling the buffer the @len bytes at @p are in (a
 * block the tar reader returned) again until img_feed_unhold(): the
 * slot's number, or -1 when they are in none (libarchive copied them, or
 * there is no feeder thread): they must be used before the next read. */
int img_feed_hold(struct img_feed *f, const void *p, size_t len);
void img_feed_unhold(struct img_feed *f, int slot);
/* Why the stream failed, when decompressing it did; else NULL. */
const char *img_feed_error(struct img_feed *f);
void img_feed_free(struct img_feed *f);

/* write.c: a layer's files written by threads of their own (unpack.c
 * makes the entries; their bytes and metadata go through the writers). */
struct img_meta {
	uid_t uid;
	gid_t gid;
	bool chown;		/* false: the file has that owner already */
	bool chmod;		/* false: and that mode */
	mode_t mode;
	struct timespec times[2];
	size_t ncaps;		/* security.capability, if any */
	unsigned char caps[32];
};
struct img_writers;
struct img_wfile;
/* Up to @n writer threads (none: the caller writes, as img_write_*() are
 * called); @what names the layer in messages.  NULL: out of memory. */
struct img_writers *img_writers_new(struct img_feed *feed, unsigned n, const char *what);
/* A file made and open as @fd (the writers' now), its metadata @m, of
 * @size bytes. */
struct img_wfile *img_write_open(struct img_writers *w, int fd, const struct img_meta *m,
				 long long size, const char *path);
/* Its bytes @buf (a block of the tar reader's) at @off. */
void img_write_data(struct img_writers *w, struct img_wfile *f, const void *buf, size_t len,
		    off_t off);
/* Its end: metadata set, closed. */
void img_write_close(struct img_writers *w, struct img_wfile *f);
/* Has a write failed already?  (Then the unpack can stop.) */
bool img_writers_failed(struct img_writers *w);
/* Wait for every write: 0, or -1 with the first error in @e. */
int img_writers_end(struct img_writers *w, struct eci_err *e);
/* Stop (what is queued is closed, no more written), wait, free. */
void img_writers_free(struct img_writers *w);
/* Owner (if m->chown), mode (if m->chmod), file caps, times of what @fd
 * is open on. */
void img_apply_meta(int fd, const struct img_meta *m, const char *what, const char *path);
/* "WHAT: entry 'PATH' skipped: WHY", from any thread. */
void img_warn_entry(const char *what, const char *path, const char *why);

/* arcload.c, cryptoload.c: load libarchive, libcrypto now (their
 * functions do it on first use). */
int arc_load(struct eci_err *e);
int crypto_load(struct eci_err *e);

#endif
