// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * store.c - the per-user image store; see store.h
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <openssl/evp.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "store.h"
#include "util.h"

/*
 * Without XDG_DATA_HOME or HOME, the home directory of the account: never a
 * shared place such as /tmp, where another user could make the path, or a
 * directory above it, first and swap what eci puts there.
 */
static int store_path(char *buf, size_t size)
{
	const char *xdg = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	struct passwd *pw;

	if (getuid() == 0)
		return snprintf(buf, size, "/var/lib/eci");
	if (xdg && xdg[0] == '/')
		return snprintf(buf, size, "%s/eci", xdg);
	if (!home || home[0] != '/') {
		pw = getpwuid(getuid());
		home = pw ? pw->pw_dir : NULL;
	}
	if (home && home[0] == '/')
		return snprintf(buf, size, "%s/.local/share/eci", home);
	return -1;
}

int store_open(struct store *st, struct eci_err *e)
{
	struct stat sb;
	int r;

	st->fd = st->lockfd = -1;
	r = store_path(st->path, sizeof(st->path));
	if (r < 0)
		return eci_fail(e, 0, "image store: no XDG_DATA_HOME, no HOME, and no home directory "
				"for uid %u", (unsigned)getuid());
	if (r >= (int)sizeof(st->path))
		return eci_fail(e, ENAMETOOLONG, "image store");
	r = mkdir_p(st->path, 0755, 0700);
	if (r < 0)
		return eci_fail(e, -r, "image store %s", st->path);
	st->fd = open(st->path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (st->fd < 0 || fstat(st->fd, &sb) < 0)
		return eci_fail(e, errno, "image store %s", st->path);
	if (sb.st_uid != getuid() || (sb.st_mode & 022))
		return eci_fail(e, 0, "image store %s is not safe: it must be yours and writable "
				"only by you", st->path);
	mkdirat(st->fd, "blobs", 0755);
	mkdirat(st->fd, "blobs/sha256", 0755);
	mkdirat(st->fd, "refs", 0755);
	mkdirat(st->fd, "tmp", 0700);
	/* Container root of each slot (not the user) creates its own
	 * directory here; the store itself is closed to everyone else. */
	if (mkdirat(st->fd, "slots", 0755) == 0 && fchmodat(st->fd, "slots", 01777, 0) < 0)
		return eci_fail(e, errno, "image store %s/slots", st->path);
	return 0;
}

void store_close(struct store *st)
{
	store_unlock(st);
	if (st->fd >= 0)
		close(steal_fd(st->fd));
}

int store_lock(struct store *st, struct eci_err *e)
{
	if (st->lockfd >= 0)
		return 0;
	st->lockfd = openat(st->fd, ".lock", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (st->lockfd < 0)
		return eci_fail(e, errno, "lock %s/.lock", st->path);
	while (flock(st->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return eci_fail(e, errno, "lock %s/.lock", st->path);
	return 0;
}

void store_unlock(struct store *st)
{
	if (st->lockfd >= 0)
		close(steal_fd(st->lockfd));
}

int store_has_blob(struct store *st, const char *digest)
{
	char path[96];
	struct stat sb;

	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	return fstatat(st->fd, path, &sb, AT_SYMLINK_NOFOLLOW) == 0 && S_ISREG(sb.st_mode);
}

/* --- progress ----------------------------------------------------------- */

struct progress {
	const char *what;
	long long done, total;
	struct timespec start, last;
	bool on;
};

static double since(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) + (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

static void progress_update(struct progress *p, bool final)
{
	struct timespec now;
	double t;

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (!final && since(&p->last, &now) < 0.1)
		return;
	p->last = now;
	t = since(&p->start, &now);
	fprintf(stderr, "\r%.40s: %7.1f MB / %7.1f MB  %6.1f MB/s%s", p->what, p->done / 1e6,
		p->total / 1e6, t > 0 ? p->done / 1e6 / t : 0.0, final ? "\n" : "");
}

/* --- blobs -------------------------------------------------------------- */

static int copy_hashing(int src, int dst, struct progress *p, char got[72], long long *n)
{
	unsigned char md[EVP_MAX_MD_SIZE], buf[1 << 17];
	unsigned int mdlen = 0;
	EVP_MD_CTX *ctx = EVP_MD_CTX_new();
	int ret = 0;

	*n = 0;
	if (!ctx || !EVP_DigestInit_ex(ctx, EVP_sha256(), NULL)) {
		EVP_MD_CTX_free(ctx);
		return -ENOMEM;
	}
	for (;;) {
		ssize_t r = read(src, buf, sizeof(buf));

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			ret = r < 0 ? -errno : 0;
			break;
		}
		EVP_DigestUpdate(ctx, buf, (size_t)r);
		if ((ret = write_all(dst, buf, (size_t)r)) < 0)
			break;
		*n += r;
		p->done += r;
		progress_update(p, false);
	}
	if (!ret && !EVP_DigestFinal_ex(ctx, md, &mdlen))
		ret = -EIO;
	EVP_MD_CTX_free(ctx);
	if (ret)
		return ret;
	strcpy(got, "sha256:");
	for (unsigned int i = 0; i < mdlen; i++)
		sprintf(got + 7 + 2 * i, "%02x", md[i]);
	return 0;
}

static int publish(struct store *st, const char *tmp, const char *digest, struct eci_err *e)
{
	char path[96];

	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	if (renameat(st->fd, tmp, st->fd, path) < 0) {
		int err = errno;

		unlinkat(st->fd, tmp, 0);
		return eci_fail(e, err, "store blob %s", digest);
	}
	return 0;
}

int store_put_blob(struct store *st, int src, const char *digest, long long size,
		   const char *what, char got[72], struct eci_err *e)
{
	struct progress p = { .what = what, .total = size };
	char tmp[64], sum[72];
	_cleanup_close_ int dst = -1;
	long long n;
	int r;

	if (digest && store_has_blob(st, digest)) {
		if (got)
			strcpy(got, digest);
		return 0;
	}
	if (crypto_load(e) < 0)
		return -1;
	snprintf(tmp, sizeof(tmp), "tmp/blob-%d-%ld", (int)getpid(), random());
	dst = openat(st->fd, tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (dst < 0)
		return eci_fail(e, errno, "%s: create %s/%s", what, st->path, tmp);
	p.on = size > (4 << 20) && isatty(STDERR_FILENO);
	clock_gettime(CLOCK_MONOTONIC, &p.start);
	r = copy_hashing(src, dst, &p, sum, &n);
	progress_update(&p, true);
	if (r < 0) {
		unlinkat(st->fd, tmp, 0);
		return eci_fail(e, -r, "%s: read blob %s", what, digest ? digest : "");
	}
	if ((size >= 0 && n != size) || (digest && strcmp(sum, digest))) {
		unlinkat(st->fd, tmp, 0);
		if (size >= 0 && n != size)
			return eci_fail(e, 0, "%s: blob %s: size mismatch (got %lld bytes, expected %lld)",
					what, digest ? digest : sum, n, size);
		return eci_fail(e, 0, "%s: blob %s: digest mismatch (got %s)", what, digest, sum);
	}
	if (got)
		strcpy(got, sum);
	return publish(st, tmp, sum, e);
}

int store_put_bytes(struct store *st, const char *buf, size_t len, char got[72],
		    struct eci_err *e)
{
	_cleanup_close_ int fd = memfd_create("blob", MFD_CLOEXEC);

	if (fd < 0 || write_all(fd, buf, len) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return eci_fail(e, errno, "store generated blob");
	return store_put_blob(st, fd, NULL, (long long)len, "generated", got, e);
}

/* --- refs --------------------------------------------------------------- */

/* NAME[:TAG] -> "refs/ESCAPED:TAG"; a ':' before the last '/' is a port. */
static int ref_path(const char *ref, char *out, size_t size)
{
	const char *slash = strrchr(ref, '/'), *colon = strrchr(ref, ':');
	size_t namelen = colon && (!slash || colon > slash) ? (size_t)(colon - ref) : strlen(ref);
	const char *tag = namelen < strlen(ref) ? ref + namelen + 1 : "latest";
	size_t o = (size_t)snprintf(out, size, "refs/");

	if (!namelen || !*tag || strlen(ref) > 255 || strchr(tag, '/'))
		return -EINVAL;
	for (size_t i = 0; i < namelen && o + 4 < size; i++) {
		unsigned char c = (unsigned char)ref[i];

		if (c == '/' || c == '%' || c == ':' || c < 0x21 || c > 0x7e)
			o += (size_t)snprintf(out + o, size - o, "%%%02X", c);
		else
			out[o++] = (char)c;
	}
	if (o + strlen(tag) + 2 >= size || !strcmp(tag, ".") || !strcmp(tag, ".."))
		return -EINVAL;
	snprintf(out + o, size - o, ":%s", tag);
	return 0;
}

int store_set_ref(struct store *st, const char *ref, const char *digest, struct eci_err *e)
{
	char path[600], tmp[64], line[80];
	_cleanup_close_ int fd = -1;

	if (ref_path(ref, path, sizeof(path)) < 0)
		return eci_fail(e, 0, "image name '%s' is not valid", ref);
	snprintf(tmp, sizeof(tmp), "tmp/ref-%d", (int)getpid());
	fd = openat(st->fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	snprintf(line, sizeof(line), "%s\n", digest);
	if (fd < 0 || write_all(fd, line, strlen(line)) < 0 ||
	    renameat(st->fd, tmp, st->fd, path) < 0)
		return eci_fail(e, errno, "record image %s", ref);
	return 0;
}

int store_get_ref(struct store *st, const char *ref, char digest[72])
{
	char path[600];
	_cleanup_free_ char *buf = NULL;

	if (ref_path(ref, path, sizeof(path)) < 0 || read_all_at(st->fd, path, 128, &buf, NULL) < 0)
		return -ENOENT;
	buf[strcspn(buf, "\n")] = '\0';
	if (!img_valid_digest(buf) || !store_has_blob(st, buf))
		return -ENOENT;
	strcpy(digest, buf);
	return 0;
}

int store_load(struct store *st, const char *digest, const char *name, unsigned verify,
	       struct img *img, struct eci_err *e)
{
	json_t *desc = json_pack("{s:s}", "digest", digest);
	int r;

	mem_clear(img, sizeof(*img));
	img->name = strdup(name);
	r = desc && img->name ? img_load_manifest(st->fd, desc, verify, img, e)
			      : eci_fail(e, ENOMEM, "image %s", name);
	json_decref(desc);
	if (r < 0) {
		eci_prefix(e, "image %s", name);
		img_free(img);
	}
	return r;
}

/* Call @fn for each ref: its NAME:TAG (unescaped) and digest. */
static int each_ref(struct store *st, int (*fn)(struct store *, const char *, const char *, void *),
		    void *ctx)
{
	_cleanup_close_ int fd = openat(st->fd, "refs", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	int ret = 0;

	if (!d)
		return fd < 0 ? -errno : -ENOMEM;
	fd = -1;
	while (!ret && (de = readdir(d))) {
		char name[300], digest[72], path[600];
		size_t o = 0;

		if (de->d_name[0] == '.')
			continue;
		for (const char *p = de->d_name; *p && o + 1 < sizeof(name); p++) {
			unsigned v;

			if (*p == '%' && sscanf(p + 1, "%2X", &v) == 1) {
				name[o++] = (char)v;
				p += 2;
			} else {
				name[o++] = *p;
			}
		}
		name[o] = '\0';
		snprintf(path, sizeof(path), "%s", name);
		if (store_get_ref(st, path, digest) == 0)
			ret = fn(st, name, digest, ctx);
	}
	closedir(d);
	return ret;
}

static int print_ref(struct store *st, const char *ref, const char *digest, void *ctx)
{
	const char *colon = strrchr(ref, ':');
	struct eci_err e;
	struct img img;

	if (store_load(st, digest, ref, 0, &img, &e) < 0)
		return 0;
	fprintf(ctx, "%-30.*s %-12s %-19.19s %8.1fMB  %.19s\n", (int)(colon - ref), ref, colon + 1,
		digest + 7, img.size / 1e6, img.created[0] ? img.created : "-");
	img_free(&img);
	return 0;
}

int store_list(struct store *st, FILE *out, struct eci_err *e)
{
	fprintf(out, "%-30s %-12s %-19s %10s  %s\n", "NAME", "TAG", "DIGEST", "SIZE", "CREATED");
	if (each_ref(st, print_ref, out) < 0)
		return eci_fail(e, errno, "list %s/refs", st->path);
	return 0;
}

/* --- removal and garbage collection -------------------------------------- */

struct keep {
	char (*digests)[72];
	size_t n, cap;
	char (*diff_ids)[72];	/* of every image still named */
	size_t nd, dcap;
};

static int keep_diff(struct keep *k, const char *d)
{
	if (k->nd == k->dcap) {
		size_t cap = k->dcap ? k->dcap * 2 : 64;
		void *nd = realloc(k->diff_ids, cap * sizeof(*k->diff_ids));

		if (!nd)
			return -ENOMEM;
		k->diff_ids = nd;
		k->dcap = cap;
	}
	strcpy(k->diff_ids[k->nd++], d);
	return 0;
}

static int keep_add(struct keep *k, const char *d)
{
	if (k->n == k->cap) {
		size_t cap = k->cap ? k->cap * 2 : 64;
		void *nd = realloc(k->digests, cap * sizeof(*k->digests));

		if (!nd)
			return -ENOMEM;
		k->digests = nd;
		k->cap = cap;
	}
	strcpy(k->digests[k->n++], d);
	return 0;
}

static int mark(struct store *st, const char *ref, const char *digest, void *ctx)
{
	struct keep *k = ctx;
	struct eci_err e;
	struct img img;
	int r;

	if (store_load(st, digest, ref, 0, &img, &e) < 0)
		return keep_add(k, digest);
	r = keep_add(k, digest);
	r = r ? r : keep_add(k, img.config_digest);
	for (size_t i = 0; !r && i < img.nlayers; i++)
		r = keep_add(k, img.layer_digest[i]);
	for (size_t i = 0; !r && i < img.ndiff_ids; i++)
		r = keep_diff(k, img.diff_id[i]);
	img_free(&img);
	return r;
}

static void sweep(struct store *st, const struct keep *k)
{
	_cleanup_close_ int fd = openat(st->fd, "blobs/sha256", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		return;
	fd = -1;
	while ((de = readdir(d))) {
		bool kept = de->d_name[0] == '.';

		for (size_t i = 0; !kept && i < k->n; i++)
			kept = !strcmp(k->digests[i] + 7, de->d_name);
		if (!kept)
			unlinkat(dirfd(d), de->d_name, 0);
	}
	closedir(d);
}

/*
 * slots/.live lists the diff_ids of every image the store still names.
 * The unpacked copies in a slot can only be removed by that slot's
 * container root: each container removes, from its own slot, the copies
 * this list no longer names (image/cache.c).
 */
static int write_live(struct store *st, const struct keep *k)
{
	_cleanup_close_ int fd = -1;
	char tmp[64];
	int r = 0;

	snprintf(tmp, sizeof(tmp), "slots/.live-%d", (int)getpid());
	fd = openat(st->fd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	for (size_t i = 0; !r && i < k->nd; i++)
		r = dprintf(fd, "%s\n", k->diff_ids[i] + 7) < 0 ? -EIO : 0;
	if (!r && renameat(st->fd, tmp, st->fd, "slots/.live") < 0)
		r = -errno;
	if (r)
		unlinkat(st->fd, tmp, 0);
	return r;
}

/* Under the store lock: drop blobs no name reaches, refresh slots/.live. */
int store_gc(struct store *st)
{
	struct keep k = { 0 };
	int r = each_ref(st, mark, &k);

	if (r == 0) {
		sweep(st, &k);
		r = write_live(st, &k);
	}
	free(k.digests);
	free(k.diff_ids);
	return r;
}

static int print_id(struct store *st, const char *ref, const char *digest, void *ctx)
{
	fprintf(ctx, "%.12s\n", digest + 7);
	return 0;
}

int store_list_ids(struct store *st, FILE *out, struct eci_err *e)
{
	if (each_ref(st, print_id, out) < 0)
		return eci_fail(e, errno, "list %s/refs", st->path);
	return 0;
}

/* The first NAME:TAG whose digest starts with the hex in @ctx (its first
 * 72 bytes), into @ctx + 72. */
struct by_id {
	char hex[72], ref[300];
};

static int find_id(struct store *st, const char *ref, const char *digest, void *ctx)
{
	struct by_id *b = ctx;

	if (strncmp(digest + 7, b->hex, strlen(b->hex)))
		return 0;
	snprintf(b->ref, sizeof(b->ref), "%s", ref);
	return 1;
}

/* An image id (12 or more hex digits of the digest, as image ls -q prints):
 * every NAME:TAG of it goes. */
static int remove_id(struct store *st, const char *id, struct eci_err *e)
{
	struct by_id b;
	int n = 0;

	if (strlen(id) < 12 || strlen(id) > 64 || strspn(id, "0123456789abcdef") != strlen(id))
		return 1;
	snprintf(b.hex, sizeof(b.hex), "%s", id);
	while (each_ref(st, find_id, &b) == 1 && n++ < 1000)
		if (store_remove(st, b.ref, e) < 0)
			return -1;
	return n ? 0 : 1;
}

int store_remove(struct store *st, const char *ref, struct eci_err *e)
{
	char path[600], digest[72];
	int r;

	if ((ref_path(ref, path, sizeof(path)) < 0 || store_get_ref(st, ref, digest) < 0) &&
	    (r = remove_id(st, ref, e)) <= 0)
		return r;
	if (ref_path(ref, path, sizeof(path)) < 0 || store_get_ref(st, ref, digest) < 0)
		return eci_fail(e, 0, "image rm %s: no such image in %s", ref, st->path);
	if (store_lock(st, e) < 0)
		return -1;
	if (unlinkat(st->fd, path, 0) < 0)
		return eci_fail(e, errno, "image rm %s", ref);
	r = store_gc(st);
	return r < 0 ? eci_fail(e, -r, "image rm %s", ref) : 0;
}
