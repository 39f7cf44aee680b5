/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * image.h - OCI image layouts: resolve, verify, unpack
 *
 * Theory of Operation: an image is read from an OCI image layout directory
 * (index.json -> manifest -> config + layers).  Every blob is found by its
 * digest under blobs/sha256/, opened without following symlinks out of the
 * layout, and its sha256 is checked against the descriptor before it is
 * used; a mismatch refuses the image.  Loading happens in the launcher before
 * any namespace exists, so that every refusal is reported plainly; the
 * verified layer fds are then unpacked by the container's first process,
 * inside its user namespace, so that the ownership recorded in the layer is
 * kept as container ids.
 */
#ifndef ECI_IMAGE_H
#define ECI_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "err.h"

#define IMG_MAX_LAYERS 128

/* What loading an image hashes against the digests that name it. */
#define IMG_VERIFY_META 1u	/* the manifest and the config, as they are parsed */
#define IMG_VERIFY_LAYERS 2u	/* every layer blob */
#define IMG_VERIFY_ALL (IMG_VERIFY_META | IMG_VERIFY_LAYERS)

struct img {
	char *name;		/* what the user asked for, for messages */
	char digest[72];	/* "sha256:…" of the manifest */
	char **env;		/* NULL-terminated, from the config */
	char **entrypoint;	/* NULL-terminated or NULL */
	char **cmd;		/* NULL-terminated or NULL */
	char *workdir;		/* NULL when unset */
	char *user;		/* NULL when unset */
	char *stop_signal;	/* NULL when unset */
	char created[40];	/* the config's, may be empty */
	char config_digest[72];
	long long size;		/* of the layers, compressed */
	int layer_fd[IMG_MAX_LAYERS];
	char layer_digest[IMG_MAX_LAYERS][72];
	size_t nlayers;
	char diff_id[IMG_MAX_LAYERS][72];	/* of the uncompressed layers */
	size_t ndiff_ids;
};

/**
 * img_default_path() - where the embedded default image is
 * @buf:  output
 * @size: its size
 *
 * Looks beside the running executable (../share/eci/images/default, which is
 * both the build tree's and an installed prefix's layout), then in the
 * compiled-in data directory.
 *
 * Return: 0, or -ENOENT when neither exists.
 */
int img_default_path(char *buf, size_t size);

/**
 * img_load() - resolve and verify an OCI image layout
 * @dir:  layout directory
 * @tag:  value of org.opencontainers.image.ref.name, or NULL for the only one
 * @img:  filled on success; release with img_free()
 * @e:    error record
 *
 * Return: 0 or negative, @e naming the file and what is wrong with it.
 */
int img_load(const char *dir, const char *tag, struct img *img, struct eci_err *e);

/*
 * --userns keep-id: the container ids that are the user's own host ids.  A
 * file of the image's that an unpack gives them lands in the store as the
 * user's, and so loses its set-id bits: it must not hand the user's ids to
 * whoever reaches the store.
 */
struct img_keep {
	uid_t uid;
	gid_t gid;
};

/**
 * img_unpack_layer() - extract one layer blob into an empty directory
 * @blob: the layer's fd (tar, tar+gzip or tar+zstd)
 * @diff_id: what the uncompressed layer must hash to (as it is read: the
 *           digest is compared before this returns)
 * @dst:  the directory, the layer's own
 * @what: "image X layer N", for warnings and errors
 * @keep: the ids kept as the user's (keep-id), or NULL
 * @e:    error record
 *
 * Return: 0 or negative.  See unpack.c for what is refused.
 */
int img_unpack_layer(int blob, const char *diff_id, int dst, const char *what,
		     const struct img_keep *keep, struct eci_err *e);

/**
 * img_slot_layers() - the image's layers, unpacked for one slot of ids
 * @img:      loaded image (layer fds open)
 * @slots:    fd of the store's slots/ directory
 * @slot:     first host uid of the container's slot
 * @keep:     the ids kept as the user's (keep-id), or NULL
 * @dirs:     filled with an O_PATH fd per layer, lowest first
 * @e:        error record
 *
 * Runs as container root.  Layers already unpacked for this slot are
 * reused; missing ones are unpacked now, each into a temporary directory
 * renamed into place when complete.
 * Return: 0 or negative.
 */
int img_slot_layers(const struct img *img, int slots, unsigned slot, const struct img_keep *keep,
		    int *dirs, struct eci_err *e);

/* A registry's image reference (ref.c): what skopeo will fetch. */
struct img_ref {
	char given[300];	/* as the user typed it */
	char name[300];		/* registry/repository: docker.io/library/alpine */
	char tag[130];		/* "latest" when neither tag nor digest; "" with a digest */
	char digest[72];	/* "sha256:…", or "" */
	char full[440];		/* name:tag or name@digest: fetched, judged, recorded */
	bool short_name;	/* no registry was given: docker.io */
};

/**
 * img_ref_parse() - read [HOST[:PORT]/]PATH[:TAG][@sha256:HEX]
 * @in: the reference
 * @r:  filled; r->full is the name the image is fetched, judged and stored by
 * @e:  names the reference and what is wrong with it
 *
 * Return: 0 or -1.
 */
int img_ref_parse(const char *in, struct img_ref *r, struct eci_err *e);

/* --pull: when eci-run REF fetches REF from its registry. */
enum img_pull_mode { IMG_PULL_MISSING, IMG_PULL_ALWAYS, IMG_PULL_NEVER };

/* What a container keeps in its slot's containers/ID/ (img_slot_dirs()) */
struct img_slot_dirs {
	bool upper;		/* in: -d, its writable layer on disk */
	bool inner;		/* in: CAP_SYS_ADMIN, the inner engines' storage */
	int upper_fd, work_fd;	/* out: O_PATH fds of ID/upper, ID/work, or -1 */
	int inner_fd;		/* out: O_PATH fd of ID/inner, or -1 */
	int containers_fd;	/* out: inner without upper: containers/, where pid 1
				 * removes ID when the container ends; or -1 */
};

/**
 * img_slot_dirs() - a container's own directories in its slot
 * @slots: the store's slots/ directory
 * @slot:  the slot's first host uid
 * @id:    the container's id
 * @live:  the user's state directory, open: its names are the containers
 *         that still exist
 * @d:     what is asked for, and the fds
 *
 * Runs as container root.  The directories of containers no longer in
 * @live are removed first; with nothing asked for, that is all.
 * Return: 0 or negative.
 */
int img_slot_dirs(int slots, unsigned slot, const char *id, int live, struct img_slot_dirs *d,
		  struct eci_err *e);

/* A layer entry's name, made relative and plain ("./a//b/" -> "a/b");
 * NULL when it is absolute, holds "..", or does not fit @size. */
const char *img_clean_path(const char *in, char *out, size_t size);

void img_free(struct img *img);

#endif
