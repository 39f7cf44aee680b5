/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * store.h - the per-user image store
 *
 * Theory of Operation: $XDG_DATA_HOME/eci (else ~/.local/share/eci; root:
 * /var/lib/eci), mode 0700, holds
 *   blobs/sha256/HEX   content-addressed blobs (manifests, configs, layers),
 *                      each verified against its digest while it is copied
 *                      in, and published by rename() from tmp/: a blob that
 *                      is there is whole and right;
 *   refs/NAME:TAG      the manifest digest an image name points to;
 *   tmp/               imports in progress (a killed import leaves only
 *                      this, cleared by the next import);
 *   slots/UIDSTART/    layers unpacked by container root of one slot of
 *                      subordinate ids, so that their owners are right in
 *                      any container of that slot (see cache.c).
 * Imports and removals hold an exclusive flock() on .lock; running an
 * image only reads blobs, which never change once published.
 */
#ifndef ECI_STORE_H
#define ECI_STORE_H

#include <stdio.h>

#include "image.h"

struct store {
	int fd;			/* the store directory */
	int lockfd;		/* .lock while held, else -1 */
	char path[4096];
};

int store_open(struct store *st, struct eci_err *e);
void store_close(struct store *st);
int store_lock(struct store *st, struct eci_err *e);
void store_unlock(struct store *st);

/**
 * store_put_blob() - copy a blob in, verifying it while it is read
 * @src:    fd positioned at the blob's start
 * @digest: expected "sha256:…", or NULL to compute it (written to @got)
 * @size:   expected size, or -1
 * @what:   for messages and the progress bar
 * @got:    the blob's digest (may be NULL)
 *
 * A blob already in the store is not copied again.  A digest or size
 * mismatch stores nothing.
 * Return: 0 or negative.
 */
int store_put_blob(struct store *st, int src, const char *digest, long long size,
		   const char *what, char got[72], struct eci_err *e);

/* Store bytes (a generated manifest or config); its digest goes to @got. */
int store_put_bytes(struct store *st, const char *buf, size_t len, char got[72],
		    struct eci_err *e);

int store_has_blob(struct store *st, const char *digest);

/* NAME[:TAG] (tag defaults to latest) <-> manifest digest */
int store_set_ref(struct store *st, const char *ref, const char *digest, struct eci_err *e);
int store_get_ref(struct store *st, const char *ref, char digest[72]);

/* Open an image of the store by manifest digest.  Blobs were verified when
 * copied in; @verify (IMG_VERIFY_*) hashes them again now, for a caller
 * that must know the digests for sure (a policy that pins one): the store
 * is its owner's to write. */
int store_load(struct store *st, const char *digest, const char *name, unsigned verify,
	       struct img *img, struct eci_err *e);

int store_list(struct store *st, FILE *out, struct eci_err *e);
/* image ls -q: the first 12 hex digits of each NAME:TAG's digest */
int store_list_ids(struct store *st, FILE *out, struct eci_err *e);

/* Under the lock: remove unreachable blobs, rewrite slots/.live. */
int store_gc(struct store *st);
int store_remove(struct store *st, const char *ref, struct eci_err *e);

/**
 * img_import() - bring an image into the store
 * @src:  OCI layout directory (DIR or DIR:TAG), OCI layout tar, docker save
 *        tar, or a plain root file system directory
 * @name: NAME[:TAG] to record, or NULL for one derived from @src
 * @digest: the manifest digest stored
 *
 * Return: 0 or negative, @e naming the image, the blob and what is wrong.
 */
int img_import(struct store *st, const char *src, const char *name, char digest[72],
	       struct eci_err *e);

/**
 * img_pull() - fetch an image from its registry (skopeo) and import it
 * @ref:    the reference, parsed; recorded in the store as ref->full
 * @digest: the manifest digest stored
 *
 * The caller has judged @ref against the policy: nothing is fetched here
 * that it did not admit.  On failure or a signal, nothing of the pull is
 * left behind.
 * Return: 0 or negative, @e naming the reference and what the registry said.
 */
int img_pull(struct store *st, const struct img_ref *ref, char digest[72], struct eci_err *e);

#endif
