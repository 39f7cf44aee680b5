// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease.c - exclusive slots: one live container, one 65536-id range
 *
 * Theory of Operation: the caller's subordinate ranges are cut into slots of
 * 65536 ids; slot i of /etc/subuid goes with slot i of /etc/subgid.  Which
 * slot a container holds is recorded in a lease, LEASE_DIR/UIDSTART, naming
 * the container's first process (which is its pid 1) by pid, start time and
 * boot id.  A lease holds exactly as long as that process lives, and that
 * process lives exactly as long as the container: when a pid namespace's
 * init dies, the kernel kills everything else in it, and the launcher's
 * death takes init with it (PR_SET_PDEATHSIG).  So nothing ever has to free
 * a lease: it is dead as soon as the pid is gone or names a process started
 * at another time (pid reused), or the boot id has changed (reboot; /run
 * need not be a tmpfs).  Normal exit, SIGKILL of the launcher, SIGKILL of
 * pid 1 and a reboot all end a lease the same way.
 *
 * As a second check, a slot whose lease is dead is still refused while any
 * process on the host has one of its ids as a real, effective, saved or
 * file-system uid or gid: a process that entered the old container's user
 * namespace and outlived it, or another tool using the same subordinate
 * ids, keeps the slot from being handed to a new container.
 *
 * Leases are root's: LEASE_DIR is created root-owned with mode 0700 and used
 * only if it still is, and the helper touches it only with file-system ids
 * 0 (setfsuid/setfsgid, which need CAP_SETUID/CAP_SETGID and grant nothing
 * else).  No file a user can write is ever read as a lease, so a user cannot
 * forge, steal or free one.  Allocation runs under the caller's flock() on
 * LEASE_DIR/.lock-UID and the picked slot's on LEASE_DIR/.slot-START (see
 * leases_open), from the first lease read to the rename() that publishes
 * the new one; the kernel drops the locks with the helper, however it ends.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "lease.h"
#include "util.h"

static void fs_ids(uid_t uid, gid_t gid)
{
	caps_raise(CAP_SETUID);
	setfsuid(uid);
	caps_raise(CAP_SETGID);
	setfsgid(gid);
	caps_lower();
	if ((uid_t)setfsuid((uid_t)-1) != uid || (gid_t)setfsgid((gid_t)-1) != gid)
		die(EXIT_SYSERR, "cannot switch file-system ids to %u:%u", (unsigned)uid,
		    (unsigned)gid);
}

void leases_as_root(void)
{
	fs_ids(0, 0);
}

void leases_as_caller(const struct caller *c)
{
	fs_ids(c->uid, c->gid);
}

/* A directory of root's that nobody else may write (or, if @exact, read). */
static int open_root_dir(int at, const char *name, const char *path, mode_t mode, bool exact)
{
	struct stat st;
	int fd;

	if (mkdirat(at, name, mode) < 0 && errno != EEXIST)
		die(EXIT_SYSERR, "create %s: %m", path);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		die(EXIT_SYSERR, "open %s: %m", path);
	if (fstat(fd, &st) < 0)
		die(EXIT_SYSERR, "stat %s: %m", path);
	if (st.st_uid != 0 || (st.st_mode & 022) || (exact && (st.st_mode & 07777) != mode))
		die(EXIT_SYSERR, "%s is not root's own (owner %u, mode %04o): refusing to use it",
		    path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	return fd;
}

static void read_boot_id(char out[BOOT_ID_LEN + 1])
{
	_cleanup_free_ char *buf = NULL;
	int r = read_all_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &buf, NULL);

	if (r < 0 || strlen(buf) < BOOT_ID_LEN) {
		errno = r < 0 ? -r : EINVAL;
		die(EXIT_SYSERR, "read /proc/sys/kernel/random/boot_id: %m");
	}
	memcpy(out, buf, BOOT_ID_LEN);
	out[BOOT_ID_LEN] = '\0';
}

/*
 * Locking: the caller's own lock (.lock-UID) serialises the caller's
 * starts, so that two of them never count or pick past each other; each
 * slot has a lock of its own (.slot-START), taken without waiting while it
 * is picked and its lease published, so that users whose ranges overlap
 * (a misconfigured /etc/subuid) never take the same slot either.  A helper
 * that is stopped (its user may SIGSTOP it) holds up only that user's
 * starts and passes over no one else's slot for longer than a pick.
 */
void leases_open(struct leases *ls, uid_t owner)
{
	_cleanup_close_ int run = open("/run", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int eci = -1;
	char name[32];

	if (run < 0)
		die(EXIT_SYSERR, "open /run: %m");
	eci = open_root_dir(run, "eci", "/run/eci", 0755, false);
	ls->dirfd = open_root_dir(eci, "leases", LEASE_DIR, 0700, true);
	ls->slotfd = -1;
	snprintf(name, sizeof(name), ".lock-%u", (unsigned)owner);
	ls->lockfd = openat(ls->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ls->lockfd < 0)
		die(EXIT_SYSERR, "open " LEASE_DIR "/%s: %m", name);
	while (flock(ls->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			die(EXIT_SYSERR, "lock " LEASE_DIR "/%s: %m", name);
	read_boot_id(ls->boot_id);
}

void leases_close(struct leases *ls)
{
	if (ls->slotfd >= 0)
		close(steal_fd(ls->slotfd));
	if (ls->lockfd >= 0)
		close(steal_fd(ls->lockfd));
	if (ls->dirfd >= 0)
		close(steal_fd(ls->dirfd));
}

/* The slot's lock, if nobody else holds it: -1 if someone does. */
static int slot_lock(struct leases *ls, uint32_t ustart)
{
	char name[32];
	int fd;

	snprintf(name, sizeof(name), ".slot-%u", ustart);
	fd = openat(ls->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		die(EXIT_SYSERR, "open " LEASE_DIR "/%s: %m", name);
	if (flock(fd, LOCK_EX | LOCK_NB) == 0)
		return fd;
	if (errno != EWOULDBLOCK && errno != EINTR)
		die(EXIT_SYSERR, "lock " LEASE_DIR "/%s: %m", name);
	close(fd);
	return -1;
}

static void probe(pid_t pid, const char *boot_id, struct lease_probe *p)
{
	char path[32];
	_cleanup_free_ char *stat = NULL;

	p->boot_id = boot_id;
	p->pid_exists = false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) == 0 && !lease_stat_dead(stat) &&
	    lease_stat_starttime(stat, &p->starttime) == 0)
		p->pid_exists = true;
}

enum { FREE, OURS, THEIRS };

/* Is the slot held by a live lease of the caller's, or by another user's? */
static int lease_state(struct leases *ls, uint32_t ustart, uid_t owner)
{
	_cleanup_free_ char *buf = NULL;
	struct lease_probe p;
	struct lease l;
	char name[16];
	size_t len;

	snprintf(name, sizeof(name), "%u", ustart);
	if (read_all_at(ls->dirfd, name, LEASE_MAX, &buf, &len) < 0)
		return FREE;	/* none, or unreadable: only the helper writes here */
	if (lease_parse(buf, len, &l) < 0)
		return FREE;	/* torn by a crash: no live container behind it */
	if (l.owner != owner)
		return THEIRS;	/* overlapping /etc/subuid entries: never steal */
	probe(l.pid, ls->boot_id, &p);
	return lease_alive(&l, &p) ? OURS : FREE;
}

static void check_limit(struct leases *ls, const struct caller *c, const struct idfile *u,
			size_t n, const struct limit *lim)
{
	long long running = 0;

	if (lim->max <= 0)
		return;
	for (size_t i = 0; i < n; i++) {
		uint32_t us;

		if (subid_slot(u->r, u->n, i, &us, NULL) == 0 && lease_state(ls, us, c->uid) == OURS)
			running++;
	}
	if (running >= lim->max) {
		if (lim->audit)
			lim->audit(lim, "the container limit is reached");
		die(EXIT_DENIED, "user %s already runs %lld containers, the most \"maxContainersPerUser\" "
		    "allows (%s)", c->name, running, lim->source);
	}
}

size_t lease_slot_count(const struct idfile *u, const struct idfile *g)
{
	size_t nu = subid_slot_count(u->r, u->n), ng = subid_slot_count(g->r, g->n);

	return nu < ng ? nu : ng;
}

/*
 * Which slots does a process on the host use an id of?  One pass over
 * /proc for all of them (busy[i] for slot i).  Done before the lease lock is
 * taken: a process that appears later could as well appear after the pick.
 */
void lease_scan(const struct idfile *u, const struct idfile *g, bool *busy)
{
	size_t n = lease_slot_count(u, g);
	DIR *d = opendir("/proc");
	struct dirent *de;

	if (!d)
		die(EXIT_SYSERR, "open /proc: %m");
	while ((de = readdir(d))) {
		_cleanup_free_ char *status = NULL;
		unsigned long long ids[8];
		char path[300];

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		if (read_all_at(AT_FDCWD, path, 1 << 16, &status, NULL) < 0 ||
		    !lease_status_ids(status, ids))
			continue;	/* gone meanwhile, or a zombie */
		for (size_t i = 0; i < n; i++) {
			uint32_t us, gs;

			if (busy[i] || subid_slot(u->r, u->n, i, &us, NULL) < 0 ||
			    subid_slot(g->r, g->n, i, &gs, NULL) < 0)
				continue;
			for (int k = 0; k < 4; k++)
				busy[i] |= (ids[k] >= us && ids[k] < (unsigned long long)us + SUBID_SLOT) ||
					   (ids[4 + k] >= gs &&
					    ids[4 + k] < (unsigned long long)gs + SUBID_SLOT);
		}
	}
	closedir(d);
}

static bool preferred(const struct prefer *p, uint32_t start)
{
	for (size_t i = 0; i < p->n; i++)
		if (p->start[i] == start)
			return true;
	return false;
}

/* Two rounds: first the slots the launcher prefers, then any. */
size_t lease_pick(struct leases *ls, const struct caller *c, const struct idfile *u,
		  const struct idfile *g, const struct prefer *prefer, const struct limit *lim,
		  const bool *busy, struct lease *out)
{
	size_t n = lease_slot_count(u, g);

	check_limit(ls, c, u, n, lim);
	for (int round = prefer->n ? 0 : 1; round < 2; round++)
		for (size_t i = 0; i < n; i++) {
			uint32_t us, gs;

			if (subid_slot(u->r, u->n, i, &us, NULL) < 0 ||
			    subid_slot(g->r, g->n, i, &gs, NULL) < 0)
				break;
			if ((round == 0 && !preferred(prefer, us)) || busy[i])
				continue;
			ls->slotfd = slot_lock(ls, us);
			if (ls->slotfd < 0)
				continue;	/* another start is taking it right now */
			if (lease_state(ls, us, c->uid) != FREE) {
				close(steal_fd(ls->slotfd));
				continue;
			}
			memset(out, 0, sizeof(*out));
			out->uid_start = us;
			out->gid_start = gs;
			out->owner = c->uid;
			memcpy(out->boot_id, ls->boot_id, sizeof(out->boot_id));
			return i;
		}
	die(EXIT_DENIED, "all %zu subordinate ranges of user %s are in use by running "
	    "containers (%s line %u)", n, c->name, u->path, u->first_line);
}

void lease_commit(struct leases *ls, const struct lease *l)
{
	char buf[LEASE_MAX], tmp[32], name[16];
	_cleanup_close_ int fd = -1;
	int len = lease_format(l, buf, sizeof(buf)), r;

	snprintf(tmp, sizeof(tmp), ".tmp-%d", (int)getpid());
	snprintf(name, sizeof(name), "%u", l->uid_start);
	fd = openat(ls->dirfd, tmp, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (len < 0 || fd < 0)
		die(EXIT_SYSERR, "create lease " LEASE_DIR "/%s: %m", tmp);
	r = write_all(fd, buf, (size_t)len);
	if (r < 0) {
		errno = -r;
		unlinkat(ls->dirfd, tmp, 0);
		die(EXIT_SYSERR, "write lease " LEASE_DIR "/%s: %m", tmp);
	}
	/* rename() publishes the whole record at once: never a torn lease. */
	if (renameat(ls->dirfd, tmp, ls->dirfd, name) < 0) {
		int e = errno;

		unlinkat(ls->dirfd, tmp, 0);
		errno = e;
		die(EXIT_SYSERR, "publish lease " LEASE_DIR "/%s: %m", name);
	}
}
