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
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sched.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "image.h"
#include "util.h"

/* A directory of container root's, created if missing. */
static int own_dir(int at, const char *name, const char *what, struct eci_err *e)
{
	struct stat st;
	int fd;

	if (mkdirat(at, name, 0755) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "create %s", what);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) < 0)
		return eci_fail(e, errno, "open %s", what);
	if (st.st_uid != 0 || (st.st_mode & 022)) {
		close(fd);
		return eci_fail(e, 0, "%s is not this container's own: refusing it", what);
	}
	return fd;
}

/* Is @hex named by the store's slots/.live (or by the image at hand)? */
static bool live(const char *list, const struct img *img, const char *hex)
{
	size_t len = strlen(hex);

	for (size_t i = 0; i < img->nlayers; i++)
		if (!strcmp(img->diff_id[i] + 7, hex))
			return true;
	for (const char *p = list; p && (p = strstr(p, hex)); p += len)
		if ((p == list || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

/*
 * Remove what killed containers left half-unpacked, and the copies of
 * layers that no image of the store names any more (slots/.live, kept by
 * the store; without it, nothing is removed).
 */
static void remove_leftovers(int slots, int layers, const struct img *img)
{
	_cleanup_close_ int fd = fcntl(layers, F_DUPFD_CLOEXEC, 3);
	_cleanup_free_ char *list = NULL;
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	bool have_list = read_all_at(slots, ".live", 1 << 22, &list, NULL) == 0;

	if (!d)
		return;
	fd = -1;
	while ((de = readdir(d))) {
		if (!strncmp(de->d_name, ".tmp-", 5))
			rm_rf_at(layers, de->d_name);
		else if (de->d_name[0] != '.' && have_list && !live(list, img, de->d_name))
			rm_rf_at(layers, de->d_name);
	}
	closedir(d);
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

/* unpack_into() in a child with no network: -1 and @e as unpack_into(). */
static int unpack_isolated(const struct img *img, size_t i, int layers,
			   const struct img_keep *keep, struct eci_err *e)
{
	int p[2], status;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "pipe");
	pid = fork();
	if (pid < 0) {
		close(p[0]);
		close(p[1]);
		return eci_fail(e, errno, "fork to unpack");
	}
	if (pid == 0) {
		int r = unshare(CLONE_NEWNET) < 0 ? eci_fail(e, errno, "unshare the network to "
							    "unpack") : unpack_into(img, i, layers, keep, e);

		if (r < 0 && write(p[1], e, sizeof(*e)) != (ssize_t)sizeof(*e))
			_exit(2);
		_exit(r < 0);
	}
	close(p[1]);
	if (read(p[0], e, sizeof(*e)) != (ssize_t)sizeof(*e))
		e->msg[0] = '\0';
	close(p[0]);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return eci_fail(e, errno, "wait for the unpacking");
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	e->msg[sizeof(e->msg) - 1] = '\0';
	return e->msg[0] ? -1 : eci_fail(e, 0, "unpacking image %s layer %zu failed (status %d)",
					 img->name, i + 1, status);
}

int img_slot_layers(const struct img *img, int slots, unsigned slot, const struct img_keep *keep,
		    int *dirs, struct eci_err *e)
{
	_cleanup_close_ int sd = -1, layers = -1;
	char name[16];

	snprintf(name, sizeof(name), "%u", slot);
	sd = own_dir(slots, name, "the store's slot directory", e);
	if (sd < 0)
		return -1;
	layers = own_dir(sd, "layers", "the store's slot layers", e);
	if (layers < 0)
		return -1;
	remove_leftovers(slots, layers, img);
	for (size_t i = 0; i < img->nlayers; i++) {
		const char *hex = img->diff_id[i] + 7;

		dirs[i] = openat(layers, hex, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirs[i] >= 0)
			continue;
		if (errno != ENOENT || unpack_isolated(img, i, layers, keep, e) < 0)
			return dirs[i] < 0 && errno != ENOENT ? eci_fail(e, errno, "layer %zu", i + 1) : -1;
		dirs[i] = openat(layers, hex, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (dirs[i] < 0)
			return eci_fail(e, errno, "layer %zu", i + 1);
	}
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

int img_slot_upper(int slots, unsigned slot, const char *id, int live, int *upper, int *work,
		   struct eci_err *e)
{
	_cleanup_close_ int sd = -1, cs = -1, cd = -1;
	char name[16];

	*upper = *work = -1;
	snprintf(name, sizeof(name), "%u", slot);
	if (!id) {	/* only the pruning, where there is something to prune */
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
	if ((cd = own_dir(cs, id, "the container's writable layer", e)) < 0)
		return -1;
	if ((mkdirat(cd, "upper", 0755) < 0 && errno != EEXIST) ||
	    (mkdirat(cd, "work", 0700) < 0 && errno != EEXIST))
		return eci_fail(e, errno, "create the container's writable layer");
	*upper = openat(cd, "upper", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	*work = openat(cd, "work", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*upper < 0 || *work < 0)
		return eci_fail(e, errno, "open the container's writable layer");
	return 0;
}
