// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * oci.c - read an OCI image layout; see image.h
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <openssl/evp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "util.h"

#define MEDIA_INDEX "application/vnd.oci.image.index.v1+json"
#define REF_NAME "org.opencontainers.image.ref.name"

int img_valid_digest(const char *d)
{
	if (strncmp(d, "sha256:", 7) || strlen(d) != 71)
		return 0;
	for (const char *p = d + 7; *p; p++)
		if (!((*p >= '0' && *p <= '9') || (*p >= 'a' && *p <= 'f')))
			return 0;
	return 1;
}

/* Open blobs/sha256/HEX beneath the layout, never through a symlink. */
int img_open_blob(int dirfd, const char *digest)
{
	struct open_how how = {
		.flags = O_RDONLY | O_CLOEXEC | O_NOCTTY,
		.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS,
	};
	char path[96];

	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	return (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
}

static void digest_text(const unsigned char *md, unsigned int mdlen, char out[72])
{
	strcpy(out, "sha256:");
	for (unsigned int i = 0; i < mdlen && i < 32; i++)
		sprintf(out + 7 + 2 * i, "%02x", md[i]);
}

/* sha256 of everything fd holds from offset 0, as "sha256:HEX". */
int img_hash_fd(int fd, char out[72])
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[1 << 16];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	off_t off = 0;
	int ret = 0;

	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t n = pread(fd, buf, sizeof(buf), off);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			ret = -errno;
			break;
		}
		if (n == 0)
			break;
		EVP_DigestUpdate(ctx, buf, (size_t)n);
		off += n;
	}
	if (!ret && !EVP_DigestFinal_ex(ctx, md, &mdlen))
		ret = -EIO;
	EVP_MD_CTX_free(ctx);
	if (ret)
		return ret;
	digest_text(md, mdlen, out);
	return 0;
}

/* sha256 of @len bytes at @buf, as "sha256:HEX". */
static int hash_buf(const void *buf, size_t len, char out[72])
{
	unsigned char md[EVP_MAX_MD_SIZE];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	bool ok = ctx && EVP_DigestInit_ex(ctx, EVP_sha256(), NULL) &&
		  EVP_DigestUpdate(ctx, buf, len) && EVP_DigestFinal_ex(ctx, md, &mdlen);

	EVP_MD_CTX_free(ctx);
	if (!ok)
		return -EIO;
	digest_text(md, mdlen, out);
	return 0;
}

/* Open a blob named by a descriptor and check its size and digest. */
static int open_verified(int dirfd, json_t *desc, const char *what, bool verify,
			 struct eci_err *e)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	json_t *size = json_object_get(desc, "size");
	_cleanup_close_ int fd = -1;
	char got[72];
	struct stat st;
	int r;

	if (!digest || !img_valid_digest(digest))
		return eci_fail(e, 0, "%s: missing or unsupported digest", what);
	fd = img_open_blob(dirfd, digest);
	if (fd < 0)
		return eci_fail(e, errno, "%s: open blob %s", what, digest);
	if (fstat(fd, &st) < 0)
		return eci_fail(e, errno, "%s: stat blob %s", what, digest);
	if (!S_ISREG(st.st_mode))
		return eci_fail(e, 0, "%s: blob %s is not a regular file", what, digest);
	if (json_is_integer(size) && json_integer_value(size) != st.st_size)
		return eci_fail(e, 0, "%s: blob %s has size %lld, descriptor says %lld", what,
				digest, (long long)st.st_size, (long long)json_integer_value(size));
	if (!verify)
		return steal_fd(fd);	/* from the store: verified when imported */
	if (crypto_load(e) < 0)
		return -1;
	r = img_hash_fd(fd, got);
	if (r < 0)
		return eci_fail(e, -r, "%s: read blob %s", what, digest);
	if (strcmp(got, digest))
		return eci_fail(e, 0, "%s: blob %s is corrupt (its content hashes to %s)", what,
				digest, got);
	return steal_fd(fd);
}

static json_t *parse_json(const char *buf, size_t len, const char *what, struct eci_err *e)
{
	json_error_t je;
	json_t *j = json_loadb(buf, len, 0, &je);

	if (!j)
		eci_fail(e, 0, "%s: invalid JSON at line %d column %d: %s", what, je.line,
			 je.column, je.text);
	return j;
}

json_t *load_json_any(int fd, const char *what, struct eci_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_fd_all(fd, MAX_JSON, &buf, &len);

	if (r < 0) {
		eci_fail(e, -r, "read %s", what);
		return NULL;
	}
	return parse_json(buf, len, what, e);
}

json_t *load_json_fd(int fd, const char *what, struct eci_err *e)
{
	json_t *j = load_json_any(fd, what, e);

	if (j && !json_is_object(j)) {
		json_decref(j);
		j = NULL;
		eci_fail(e, 0, "%s: not a JSON object", what);
	}
	return j;
}

/*
 * A manifest or config: read once, and (@verify) hashed as read, so that
 * what is parsed is exactly what was verified, even in a store or layout
 * whose owner could rewrite a blob between a hash of the file and a read.
 */
static json_t *load_verified_json(int dirfd, json_t *desc, const char *what, bool verify,
				  struct eci_err *e)
{
	const char *digest = json_string_value(json_object_get(desc, "digest"));
	_cleanup_close_ int fd = open_verified(dirfd, desc, what, false, e);
	_cleanup_free_ char *buf = NULL;
	char got[72];
	size_t len;
	json_t *j;
	int r;

	if (fd < 0)
		return NULL;
	if ((r = read_fd_all(fd, MAX_JSON, &buf, &len)) < 0) {
		eci_fail(e, -r, "read %s", what);
		return NULL;
	}
	if (verify && (crypto_load(e) < 0 || (r = hash_buf(buf, len, got)) < 0)) {
		if (r < 0)
			eci_fail(e, -r, "%s: hash blob %s", what, digest);
		return NULL;
	}
	if (verify && strcmp(got, digest)) {
		eci_fail(e, 0, "%s: blob %s is corrupt (its content hashes to %s)", what, digest, got);
		return NULL;
	}
	j = parse_json(buf, len, what, e);
	if (j && !json_is_object(j)) {
		json_decref(j);
		eci_fail(e, 0, "%s: not a JSON object", what);
		return NULL;
	}
	return j;
}

/* Copy a JSON array of strings into a NULL-terminated vector. */
static int strv_from_json(json_t *arr, char ***out, const char *what, struct eci_err *e)
{
	size_t i, n;
	json_t *v;
	char **sv;

	*out = NULL;
	if (!arr || json_is_null(arr))
		return 0;
	if (!json_is_array(arr))
		return eci_fail(e, 0, "image config: %s is not an array", what);
	n = json_array_size(arr);
	sv = calloc(n + 1, sizeof(*sv));
	if (!sv)
		return eci_fail(e, ENOMEM, "image config: %s", what);
	json_array_foreach(arr, i, v) {
		if (!json_is_string(v) || !(sv[i] = strdup(json_string_value(v)))) {
			for (size_t k = 0; k < i; k++)
				free(sv[k]);
			free(sv);
			return eci_fail(e, 0, "image config: %s[%zu] is not a string", what, i);
		}
	}
	*out = sv;
	return 0;
}

static char *dup_string(json_t *j)
{
	const char *s = json_string_value(j);

	return s && *s ? strdup(s) : NULL;
}

static int read_diff_ids(json_t *cfg, struct img *img, struct eci_err *e)
{
	json_t *ids = json_object_get(json_object_get(cfg, "rootfs"), "diff_ids"), *d;
	size_t i;

	if (!json_is_array(ids) || json_array_size(ids) > IMG_MAX_LAYERS)
		return eci_fail(e, 0, "image config: rootfs.diff_ids missing");
	json_array_foreach(ids, i, d) {
		const char *v = json_string_value(d);

		if (!v || !img_valid_digest(v))
			return eci_fail(e, 0, "image config: rootfs.diff_ids[%zu] is not a sha256 digest", i);
		strcpy(img->diff_id[i], v);
	}
	img->ndiff_ids = json_array_size(ids);
	return 0;
}

static int read_config(int dirfd, json_t *manifest, struct img *img, bool verify,
		       struct eci_err *e)
{
	json_auto_t *cfg = load_verified_json(dirfd, json_object_get(manifest, "config"),
					      "image config", verify, e);
	json_t *c;

	if (!cfg)
		return -1;
	c = json_object_get(cfg, "config");
	if (strv_from_json(json_object_get(c, "Env"), &img->env, "Env", e) < 0 ||
	    strv_from_json(json_object_get(c, "Entrypoint"), &img->entrypoint, "Entrypoint", e) < 0 ||
	    strv_from_json(json_object_get(c, "Cmd"), &img->cmd, "Cmd", e) < 0)
		return -1;
	img->workdir = dup_string(json_object_get(c, "WorkingDir"));
	img->user = dup_string(json_object_get(c, "User"));
	img->stop_signal = dup_string(json_object_get(c, "StopSignal"));
	snprintf(img->created, sizeof(img->created), "%s",
		 json_string_value(json_object_get(cfg, "created")) ?: "");
	snprintf(img->config_digest, sizeof(img->config_digest), "%s",
		 json_string_value(json_object_get(json_object_get(manifest, "config"), "digest")));
	return read_diff_ids(cfg, img, e);
}

static int open_layers(int dirfd, json_t *manifest, struct img *img, bool verify,
		       struct eci_err *e)
{
	json_t *layers = json_object_get(manifest, "layers"), *l;
	size_t i;

	if (!json_is_array(layers))
		return eci_fail(e, 0, "image manifest: no layers");
	if (json_array_size(layers) > IMG_MAX_LAYERS)
		return eci_fail(e, 0, "image manifest: more than %d layers", IMG_MAX_LAYERS);
	json_array_foreach(layers, i, l) {
		char what[32];
		int fd;

		snprintf(what, sizeof(what), "layer %zu", i + 1);
		fd = open_verified(dirfd, l, what, verify, e);
		if (fd < 0)
			return -1;
		snprintf(img->layer_digest[img->nlayers], sizeof(img->layer_digest[0]), "%s",
			 json_string_value(json_object_get(l, "digest")));
		img->size += json_integer_value(json_object_get(l, "size"));
		img->layer_fd[img->nlayers++] = fd;
	}
	if (img->nlayers != img->ndiff_ids)
		return eci_fail(e, 0, "image manifest has %zu layers, its config %zu diff_ids",
				img->nlayers, img->ndiff_ids);
	return 0;
}

/* Pick the manifest descriptor: by tag, else the only one. */
static json_t *pick_manifest(json_t *index, const char *tag, struct eci_err *e)
{
	json_t *list = json_object_get(index, "manifests"), *m, *found = NULL;
	size_t i;

	if (!json_is_array(list) || json_array_size(list) == 0) {
		eci_fail(e, 0, "index.json: no manifests");
		return NULL;
	}
	if (!tag && json_array_size(list) == 1)
		return json_array_get(list, 0);
	json_array_foreach(list, i, m) {
		const char *ref = json_string_value(
			json_object_get(json_object_get(m, "annotations"), REF_NAME));

		if (ref && !strcmp(ref, tag ? tag : "latest"))
			found = m;
	}
	if (!found)
		eci_fail(e, 0, "index.json: no manifest tagged '%s'", tag ? tag : "latest");
	return found;
}

int img_load_manifest(int dirfd, json_t *desc, unsigned verify, struct img *img,
		      struct eci_err *e)
{
	bool meta = verify & IMG_VERIFY_META;

	json_auto_t *manifest = NULL;
	const char *mt = json_string_value(json_object_get(desc, "mediaType"));

	if (mt && !strcmp(mt, MEDIA_INDEX))
		return eci_fail(e, 0, "index.json: nested image indexes are not supported");
	manifest = load_verified_json(dirfd, desc, "image manifest", meta, e);
	if (!manifest)
		return -1;
	snprintf(img->digest, sizeof(img->digest), "%s",
		 json_string_value(json_object_get(desc, "digest")));
	if (read_config(dirfd, manifest, img, meta, e) < 0)
		return -1;
	return open_layers(dirfd, manifest, img, verify & IMG_VERIFY_LAYERS, e);
}

json_t *img_pick_manifest(int dirfd, const char *tag, struct eci_err *e)
{
	_cleanup_close_ int ifd = openat(dirfd, "index.json", O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	json_auto_t *index = NULL;
	json_t *desc;

	if (ifd < 0) {
		eci_fail(e, errno, "index.json");
		return NULL;
	}
	index = load_json_fd(ifd, "index.json", e);
	if (!index)
		return NULL;
	desc = pick_manifest(index, tag, e);
	return desc ? json_incref(desc) : NULL;
}

static int load_layout(int dirfd, const char *tag, struct img *img, struct eci_err *e)
{
	json_auto_t *desc = img_pick_manifest(dirfd, tag, e);

	if (!desc)
		return -1;
	return img_load_manifest(dirfd, desc, IMG_VERIFY_ALL, img, e);
}

int img_load(const char *dir, const char *tag, struct img *img, struct eci_err *e)
{
	_cleanup_close_ int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int r;

	mem_clear(img, sizeof(*img));
	if (dirfd < 0)
		return eci_fail(e, errno, "image %s", dir);
	img->name = strdup(dir);
	if (!img->name)
		return eci_fail(e, ENOMEM, "image %s", dir);
	r = load_layout(dirfd, tag, img, e);
	if (r < 0) {
		eci_prefix(e, "image %s", dir);
		img_free(img);
	}
	return r;
}

int img_default_path(char *buf, size_t size)
{
	struct stat st;

	if (self_exe_path("../share/eci/images/default", buf, size) == 0 && stat(buf, &st) == 0 &&
	    S_ISDIR(st.st_mode))
		return 0;
	snprintf(buf, size, "%s/eci/images/default", ECI_DATADIR);
	return stat(buf, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : -ENOENT;
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void img_free(struct img *img)
{
	for (size_t i = 0; i < img->nlayers; i++)
		close(img->layer_fd[i]);
	strv_free(img->env);
	strv_free(img->entrypoint);
	strv_free(img->cmd);
	free(img->workdir);
	free(img->user);
	free(img->stop_signal);
	free(img->name);
	memset(img, 0, sizeof(*img));
}
