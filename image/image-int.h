/* SPDX-License-Identifier: GPL-2.0-or-later */
/* image-int.h - helpers shared by the files of the image module */
#ifndef ECI_IMAGE_INT_H
#define ECI_IMAGE_INT_H

#include <jansson.h>
#include <stdbool.h>

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

/* arcload.c, cryptoload.c: load libarchive, libcrypto now (their
 * functions do it on first use). */
int arc_load(struct eci_err *e);
int crypto_load(struct eci_err *e);

#endif
