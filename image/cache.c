// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cache.c - layers unpacked per slot of subordinate ids
 *
 * Theory of Operation: a file the image owns as uid 1234 must be owned by
 * host uid SLOT+1234 for a container of slot SLOT to see it as 1234.  The
 * kernel does not let an unprivileged user shift ids of an ext4 tree
 * (idmapped mounts need CAP_SYS_ADMIN over the file system), so each slot
 * gets its own copy of the layers, unpacked by that slot's container root:
 * store/slots/SLOT/layers/DIFFID.  A copy is made once, the first time a
 * container of that slot runs the image, and reused by every later one
 * (the launcher asks the helper for a free slot that already has the
 * image).  Only the container holding a slot ever touches its directory —
 * slots are exclusive — so no lock is needed; a copy is unpacked into
 * .tmp-DIFFID and renamed into place only when complete, and leftovers of a
 * killed container are removed by the next one.  A slot directory that is
 * not container root's own (another user could have made one, if they can
 * reach the store) is refused.
 *
 * A container with --userns keep-id sees host id SLOT+UID as nobody (the
 * user's own uid stands there, see subid_map_text()); every other id is
 * the same host id, so both kinds of container share the slot's copy.  A
 * file the image gives the user's own uid, unpacked by such a container,
 * lands as the user's, without its set-id bits (unpack.c).
 *
 * A container kept after its exit (eci-run -d) keeps its writable layer
 * here too, store/slots/SLOT/containers/ID/{upper,work}, made by container
 * root as the layers are: what it wrote is there again when `eci-run
 * start` runs it again, in the same slot (the ids its files have).  Only
 * container root of the slot can remove those files, so `eci-run rm`
 * leaves them, and the next container of the slot removes the layers of
 * containers that are gone: the user's state directory names those that
 * are not, and is read through an fd opened while the container still had
 * the user's ids (it is closed to container root).
 *
 * A layer is hostile input to a parser (libarchive): it is unpacked by a
 * child process in a network namespace of its own, which it creates as
 * container root, so that a flaw in the parser reaches no host socket.
 * When more than one layer is missing, that child forks one per layer,
 * twice as many at once as there are CPUs (they inherit its namespace and
 * the libraries it loaded); the first that fails is the error, and the
 * others are killed and what they left removed.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "image.h"
#include "image-int.h"
#include "util.h"

/* A directory of container root's, created if missing. */
static int own_dir(int at, const char *name, const char *what, struct eci_err *e)
{
	struct stat st;
	int fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	/* made by the slot's first container: opened as it is by the rest */
	if (fd < 0 && errno == ENOENT) {
		if (mkdirat(at, name, 0755) < 0 && errno != EEXIST)
			return eci_fail(e, errno, "create %s", what);
		fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	}
	if (fd < 0)
		return eci_fail(e, errno, "open %s", what);
	if (fstat(fd, &st) < 0) {
		eci_fail(e, errno, "open %s", what);
		close(fd);
		return -1;
	}
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		close(fd);
		return eci_fail(e, 0, "%s (%s) is not this container's own: refusing it", what,
				name);
	}
	return fd;
}

/* Is @hex a layer of the image at hand? */
static bool in_image(const struct img *img, const char *hex)
{
	for (size_t i = 0; i < img->nlayers; i++)
		if (!strcmp(img->diff_id[i] + 7, hex))
			return true;
	return false;
}

/* Is @hex named by the store's slots/.live, a line each? */
static bool live(const char *list, const char *hex)
{
	size_t len = strlen(hex);

	for (const char *p = list; p && (p = strstr(p, hex)); p += len)
		if ((p == list || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

/*
 * Remove what killed containers left half-unpacked, and the copies of
 * layers that no image of the store names any more (slots/.live, kept by
 * the store; without it, nothing is removed).  The list is read only for
 * a layer the image at hand does not use, and the directory through a
 * buffer on the stack: in a slot that holds that image's layers alone, a
 * start reads the directory and nothing else, where a directory stream
 * (32 KiB of fresh heap) and the list were 0.5 ms of pid 1's path here.
 */
static void remove_leftovers(int slots, int layers, const struct img *img)
{
	_cleanup_close_ int fd = fcntl(layers, F_DUPFD_CLOEXEC, 3);
	_cleanup_free_ char *list = NULL;
	char buf[4096] __attribute__((aligned(8)));
	bool have_list = false, list_read = false;
	ssize_t n;

	if (fd < 0)
		return;
	while ((n = getdents64(fd, buf, sizeof(buf))) > 0)
		for (ssize_t off = 0; off < n;) {
			const struct dirent64 *de = (const struct dirent64 *)(buf + off);

			off += de->d_reclen;
			if (!strncmp(de->d_name, ".tmp-", 5)) {
				rm_rf_at(layers, de->d_name);
				continue;
			}
			if (de->d_name[0] == '.' || in_image(img, de->d_name))
				continue;
			if (!list_read) {
				list_read = true;
				have_list = read_all_at(slots, ".live", 1 << 22, &list, NULL) == 0;
			}
			if (have_list && !live(list, de->d_name))
				rm_rf_at(layers, de->d_name);
		}
}

static int unpack_into(const struct img *img, size_t i, int layers, const struct img_keep *keep,
		       struct eci_err *e)
{
	const char *hex = img->diff_id[i] + 7;
	char tmp[80], what[300];
	_cleanup_close_ int dst = -1;

	snprintf(tmp, sizeof(tmp), ".tmp-%s", hex);
	snprintf(what, sizeof(what), "image %s layer %zu", img->name, i + 1);
	if (mkdirat(layers, tmp, 0755) < 0 ||
	    (dst = openat(layers, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "%s: create %s", what, tmp);
	if (img_unpack_layer(img->layer_fd[i], img->diff_id[i], dst, what, keep, e) < 0) {
		rm_rf_at(layers, tmp);
		return -1;
	}
	if (renameat(layers, tmp, layers, hex) < 0) {
		int err = errno;

		rm_rf_at(layers, tmp);
		return eci_fail(e, err, "%s: publish", what);
	}
	return 0;
}

/* Unpacks at once, at most.  An unpack is CPU work (decompressing, hashing,
 * the kernel's copies into the page cache), but a layer's size does not
 * tell its cost: a layer of small files costs by the file, not the byte.
 * With one unpack per CPU, the last layer to start (the smallest, in
 * bytes) often ran alone at the end while the other CPUs sat idle; with
 * JOBS_PER_CPU the scheduler keeps every CPU busy until the end.  Each
 * unpack holds up to MAX_SLOTS MiB of buffers (feed.c). */
#define MAX_JOBS 16
#define JOBS_PER_CPU 2

/* The missing layers of an image, to unpack. */
struct unpacking {
	const struct img *img;
	size_t todo[IMG_MAX_LAYERS];	/* distinct diff_ids, the biggest first */
	size_t n;
	int layers;
	const struct img_keep *keep;
};

struct job {
	const struct unpacking *u;
	size_t i;			/* the layer */
	struct eci_child child;
	char what[300];
};

static int unpack_job(void *ctx, struct eci_err *e)
{
	const struct job *j = ctx;

	return unpack_into(j->u->img, j->i, j->u->layers, j->u->keep, e);
}

static size_t parallel(void)
{
	cpu_set_t set;
	int n = sched_getaffinity(0, sizeof(set), &set) == 0 ? CPU_COUNT(&set) : 1;

	n = (n < 1 ? 1 : n) * JOBS_PER_CPU;
	return n > MAX_JOBS ? MAX_JOBS : (size_t)n;
}

/* Which of @n running jobs ended first: its fd is readable (its error
 * record, or the end of the pipe when it exits). */
static size_t first_done(const struct job *run, size_t n)
{
	struct pollfd p[MAX_JOBS];

	for (size_t k = 0; k < n; k++)
		p[k] = (struct pollfd){ .fd = run[k].child.fd, .events = POLLIN };
	while (poll(p, n, -1) < 0)
		if (errno != EINTR)
			return 0;	/* then the first, whenever it ends */
	for (size_t k = 0; k < n; k++)
		if (p[k].revents)
			return k;
	return 0;
}

/* Wait for @j: 0, or -1 with @e, its error, and what it left removed (a
 * child killed midway leaves .tmp-DIFFID). */
static int end_job(struct job *j, struct eci_err *e)
{
	char tmp[80];

	if (eci_child_end(&j->child, j->what, e) == 0)
		return 0;
	snprintf(tmp, sizeof(tmp), ".tmp-%s", j->u->img->diff_id[j->i] + 7);
	rm_rf_at(j->u->layers, tmp);
	return -1;
}

/*
 * Unpack the layers, a child each, side by side.  The first failure is
 * the error: the other children are killed and reaped, and none leaves a
 * half-made layer; a layer published already is whole, and stays.  Where
 * a child cannot be forked (a pids limit), fewer run at once, or, with
 * none running, this process unpacks the layer itself.
 */
static int unpack_jobs(const struct unpacking *u, struct eci_err *e)
{
	struct job run[MAX_JOBS];
	size_t next = 0, nrun = 0, most = parallel();
	int ret = 0;

	while (nrun || (next < u->n && !ret)) {
		while (!ret && next < u->n && nrun < most) {
			struct job *j = &run[nrun];

			*j = (struct job){ .u = u, .i = u->todo[next] };
			snprintf(j->what, sizeof(j->what), "unpacking image %s layer %zu",
				 u->img->name, j->i + 1);
			if (eci_child_start(unpack_job, j, &j->child, j->what, e) == 0) {
				nrun++;
			} else if (nrun) {
				most = nrun;	/* wait for one, and fork again */
				break;
			} else if (unpack_into(u->img, j->i, u->layers, u->keep, e) < 0) {
				ret = -1;	/* none could be forked: this process unpacks */
			}
			next++;
		}
		if (nrun) {
			size_t k = first_done(run, nrun);
			struct eci_err je;

			if (end_job(&run[k], &je) < 0 && !ret) {
				ret = -1;
				*e = je;
				for (size_t o = 0; o < nrun; o++)
					if (o != k)
						kill(run[o].child.pid, SIGKILL);
			}
			run[k] = run[--nrun];
		}
	}
	return ret;
}

/* The unpacking child: a network namespace of its own, the libraries
 * loaded once for the children it forks (a layer each, when more than
 * one is missing). */
static int unpack_isolated(void *ctx, struct eci_err *e)
{
	const struct unpacking *u = ctx;

	if (unshare(CLONE_NEWNET) < 0)
		return eci_fail(e, errno, "unshare the network to unpack");
	if (arc_load(e) < 0 || crypto_load(e) < 0)
		return -1;
	if (u->n == 1)
		return unpack_into(u->img, u->todo[0], u->layers, u->keep, e);
	return unpack_jobs(u, e);
}

static long long blob_size(const struct img *img, size_t i)
{
	struct stat st;

	return fstat(img->layer_fd[i], &st) == 0 ? (long long)st.st_size : 0;
}

/* The biggest first: the longest unpacks start first, and the short ones
 * fill the CPUs left while the long ones end. */
static void biggest_first(struct unpacking *u)
{
	long long size[IMG_MAX_LAYERS];
	size_t *todo = u->todo;

	for (size_t k = 0; k < u->n; k++)
		size[k] = blob_size(u->img, todo[k]);
	for (size_t k = 1; k < u->n; k++)
		for (size_t j = k; j > 0 && size[j - 1] < size[j]; j--) {
			long long ts = size[j];
			size_t tt = todo[j];

			size[j] = size[j - 1];
			todo[j] = todo[j - 1];
			size[j - 1] = ts;
			todo[j - 1] = tt;
		}
}

static int open_layer(int layers, const struct img *img, size_t i)
{
	return openat(layers, img->diff_id[i] + 7, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int img_slot_layers(const struct img *img, int slots, unsigned slot, const struct img_keep *keep,
		    int *dirs, struct eci_err *e)
{
	_cleanup_close_ int sd = -1, layers = -1;
	struct unpacking u = { .img = img, .keep = keep };
	char name[16], what[300];

	snprintf(name, sizeof(name), "%u", slot);
	sd = own_dir(slots, name, "the store's slot directory", e);
	if (sd < 0)
		return -1;
	layers = own_dir(sd, "layers", "the store's slot layers", e);
	if (layers < 0)
		return -1;
	remove_leftovers(slots, layers, img);
	for (size_t i = 0; i < img->nlayers; i++) {
		bool listed = false;

		dirs[i] = open_layer(layers, img, i);
		if (dirs[i] >= 0)
			continue;
		if (errno != ENOENT)
			return eci_fail(e, errno, "layer %zu", i + 1);
		for (size_t k = 0; k < u.n && !listed; k++)	/* a layer an image names twice */
			listed = !strcmp(img->diff_id[u.todo[k]], img->diff_id[i]);
		if (!listed)
			u.todo[u.n++] = i;
	}
	u.layers = layers;
	biggest_first(&u);
	snprintf(what, sizeof(what), "unpacking image %s", img->name);
	if (u.n && eci_in_child(unpack_isolated, &u, what, e) < 0)
		return -1;
	for (size_t i = 0; i < img->nlayers; i++)
		if (dirs[i] < 0 && (dirs[i] = open_layer(layers, img, i)) < 0)
			return eci_fail(e, errno, "layer %zu", i + 1);
	return 0;
}

/* Is @name an entry of the directory @dir? */
static bool listed(int dir, const char *name)
{
	_cleanup_close_ int fd = fcntl(dir, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	bool found = false;

	if (!d)
		return true;	/* cannot tell: keep it */
	fd = -1;
	rewinddir(d);	/* a dup shares the offset */
	while (!found && (de = readdir(d)))
		found = !strcmp(de->d_name, name);
	closedir(d);
	return found;
}

static void prune_uppers(int containers, int live, const char *keep)
{
	_cleanup_close_ int fd = fcntl(containers, F_DUPFD_CLOEXEC, 3);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;

	if (!d)
		return;
	fd = -1;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && (!keep || strcmp(de->d_name, keep)) &&
		    !listed(live, de->d_name))
			rm_rf_at(containers, de->d_name);
	closedir(d);
}

int img_slot_dirs(int slots, unsigned slot, const char *id, int live, struct img_slot_dirs *d,
		  struct eci_err *e)
{
	_cleanup_close_ int sd = -1, cs = -1, cd = -1;
	char name[16];

	d->upper_fd = d->work_fd = d->inner_fd = d->containers_fd = -1;
	snprintf(name, sizeof(name), "%u", slot);
	if (!d->upper && !d->inner) {	/* only the pruning, where there is something to prune */
		sd = openat(slots, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		cs = sd < 0 ? -1 : openat(sd, "containers", O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					   O_CLOEXEC);
		if (cs >= 0)
			prune_uppers(cs, live, NULL);
		return 0;
	}
	if ((sd = own_dir(slots, name, "the store's slot directory", e)) < 0 ||
	    (cs = own_dir(sd, "containers", "the store's slot containers", e)) < 0)
		return -1;
	prune_uppers(cs, live, id);
	if ((cd = own_dir(cs, id, "the container's directory in its slot", e)) < 0)
		return -1;
	if (d->upper) {
		if ((mkdirat(cd, "upper", 0755) < 0 && errno != EEXIST) ||
		    (mkdirat(cd, "work", 0700) < 0 && errno != EEXIST))
			return eci_fail(e, errno, "create the container's writable layer");
		d->upper_fd = openat(cd, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		d->work_fd = openat(cd, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d->upper_fd < 0 || d->work_fd < 0)
			return eci_fail(e, errno, "open the container's writable layer");
	}
	if (d->inner) {
		if (mkdirat(cd, "inner", 0700) < 0 && errno != EEXIST)
			return eci_fail(e, errno, "create the container's inner storage");
		d->inner_fd = openat(cd, "inner", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (d->inner_fd < 0)
			return eci_fail(e, errno, "open the container's inner storage");
		if (!d->upper)	/* nothing kept: gone when the container ends */
			d->containers_fd = steal_fd(cs);
	}
	return 0;
}
