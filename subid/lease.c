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
 * process on the host uses one of its ids (scan.c).
 *
 * A container's end comes in two steps: its launcher returns as soon as the
 * workload's code is known, and the kernel then tears down pid 1 and its
 * namespaces, which takes a moment more.  A start that comes right after
 * may find that pid 1 still exiting, its lease alive and its ids in use,
 * or even not yet exiting: pid 1 takes the name LEASE_ENDING_COMM before
 * it tells the launcher, so that it counts as ending all the same.
 * The pick waits for such pid 1s, a bounded while, and scans /proc again
 * (settle()) when that leaves the user no slot, or at maxContainersPerUser
 * (a user with one slot can start containers one after the other), and
 * when the slot it would have given is one of theirs (ending_ahead()):
 * containers run one after the other get the same slot, the one that owns
 * a volume they write or holds their image, and keep the ids that own
 * what the last one wrote to a shared directory.  Without that wait, a run
 * right after another was given the next slot one time in twenty here,
 * and refused its volume.  A running pid 1 is told by its stat alone: a
 * start among many running containers pays two reads for each of the
 * first few slots ahead of the one it takes, and no wait.
 *
 * Leases are root's: LEASE_DIR is created root-owned with mode 0700 and used
 * only if it still is; eci-newidmap touches it only with file-system ids 0
 * (setfsuid/setfsgid, which need CAP_SETUID/CAP_SETGID and grant nothing
 * else), eci-runc is root.  No file a user can write is ever read as a
 * lease, so a user cannot forge, steal or free one.  Allocation runs under
 * the user's flock() on LEASE_DIR/.lock-UID and the picked slot's on
 * LEASE_DIR/.slot-START (see leases_open), from the first lease read to the
 * write that publishes the new one; the kernel drops the locks with the
 * process, however it ends.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/file.h>
#include <poll.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "subid-int.h"
#include "util.h"

int subid_make_dir(int at, const char *name, const char *path, mode_t mode, struct stat *st,
		   struct eci_err *e)
{
	int fd;

	if (mkdirat(at, name, mode) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "create %s", path);
	fd = openat(at, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "open %s", path);
	if (fstat(fd, st) < 0) {
		int err = errno;

		close(fd);
		return eci_fail(e, err, "stat %s", path);
	}
	return fd;
}

/* A directory of root's that nobody else may write (or, if @exact, read). */
static int open_root_dir(int at, const char *name, const char *path, mode_t mode, bool exact,
			 struct eci_err *e)
{
	struct stat st;
	int fd = subid_make_dir(at, name, path, mode, &st, e);

	if (fd < 0)
		return fd;
	if (st.st_uid != 0 || (st.st_mode & 022) || (exact && (st.st_mode & 07777) != mode)) {
		close(fd);
		return eci_fail(e, 0, "%s is not root's own (owner %u, mode %04o): refusing to use it",
				path, (unsigned)st.st_uid, (unsigned)(st.st_mode & 07777));
	}
	return fd;
}

static int read_boot_id(char out[BOOT_ID_LEN + 1], struct eci_err *e)
{
	_cleanup_free_ char *buf = NULL;
	int r = read_all_at(AT_FDCWD, "/proc/sys/kernel/random/boot_id", 128, &buf, NULL);

	if (r < 0 || strlen(buf) < BOOT_ID_LEN)
		return eci_fail(e, r < 0 ? -r : EINVAL, "read /proc/sys/kernel/random/boot_id");
	memcpy(out, buf, BOOT_ID_LEN);
	out[BOOT_ID_LEN] = '\0';
	return 0;
}

/* The user's lock, waited for (a signal does not end the wait). */
static int user_lock(struct leases *ls, uid_t owner, struct eci_err *e)
{
	char name[32];

	snprintf(name, sizeof(name), ".lock-%u", (unsigned)owner);
	ls->lockfd = openat(ls->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (ls->lockfd < 0)
		return eci_fail(e, errno, "open " LEASE_DIR "/%s", name);
	while (flock(ls->lockfd, LOCK_EX) < 0)
		if (errno != EINTR)
			return eci_fail(e, errno, "lock " LEASE_DIR "/%s", name);
	return 0;
}

/*
 * Locking: the user's own lock (.lock-UID) serialises the user's starts,
 * so that two of them never count or pick past each other; each slot has a
 * lock of its own (.slot-START), taken without waiting while it is picked
 * and its lease published, so that users whose ranges overlap (a
 * misconfigured /etc/subuid) never take the same slot either.  A helper
 * that is stopped (its user may SIGSTOP it) holds up only that user's
 * starts and passes over no one else's slot for longer than a pick.
 */
int leases_open(struct leases *ls, uid_t owner, struct eci_err *e)
{
	_cleanup_close_ int run = open("/run", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int eci = -1;
	int r;

	ls->dirfd = ls->lockfd = ls->slotfd = -1;
	if (run < 0)
		return eci_fail(e, errno, "open /run");
	eci = open_root_dir(run, "eci", "/run/eci", 0755, false, e);
	if (eci < 0)
		return eci;
	r = ls->dirfd = open_root_dir(eci, "leases", LEASE_DIR, 0700, true, e);
	if (r >= 0)
		r = user_lock(ls, owner, e);
	if (r >= 0)
		r = read_boot_id(ls->boot_id, e);
	if (r < 0)
		leases_close(ls);
	return r < 0 ? r : 0;
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

/* The slot's lock in *@fd, if nobody else holds it; -1 there if someone does. */
static int slot_lock(struct leases *ls, uint32_t ustart, int *fd, struct eci_err *e)
{
	char name[32];

	snprintf(name, sizeof(name), ".slot-%u", ustart);
	*fd = openat(ls->dirfd, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (*fd < 0)
		return eci_fail(e, errno, "open " LEASE_DIR "/%s", name);
	if (flock(*fd, LOCK_EX | LOCK_NB) == 0)
		return 0;
	if (errno != EWOULDBLOCK && errno != EINTR) {
		int err = errno;

		close(steal_fd(*fd));
		return eci_fail(e, err, "lock " LEASE_DIR "/%s", name);
	}
	close(steal_fd(*fd));
	return 0;
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

/* Is the slot held by a live lease of the user's, or by another user's? */
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

/* maxContainersPerUser: the user's live leases, counted under the lock. */
static int check_limit(struct leases *ls, const struct subid_user *u, const struct subid_file *f,
		       size_t n, const struct subid_request *rq, struct eci_err *e)
{
	long long running = 0;

	if (rq->max <= 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		uint32_t us;

		if (subid_slot(f->r, f->n, i, &us, NULL) == 0 && lease_state(ls, us, u->uid) == OURS)
			running++;
	}
	if (running < rq->max)
		return 0;
	eci_fail(e, 0, "user %s already runs %lld containers, the most \"maxContainersPerUser\" "
		 "allows (%s)", u->name, running, rq->max_source);
	return SUBID_LIMIT;
}

static bool preferred(const struct subid_request *rq, uint32_t start)
{
	for (size_t i = 0; i < rq->prefer.n; i++)
		if (rq->prefer.start[i] == start)
			return true;
	return false;
}

enum { NOT_ENDING = -1, ENDED = -2 };

/*
 * The pid 1 of a lease of the user's that is ending (lease_stat_ending()),
 * by a pidfd;
 * ENDED if it has exited meanwhile, NOT_ENDING if the lease is another
 * user's, of another boot, or its pid 1 runs.  A running pid 1 is told by
 * its stat alone (a start among many running containers opens no pidfd
 * for them); for an ending one the pidfd is opened before the start time
 * is read again, so that it names the lease's process and no later one of
 * the same pid.
 */
static int ending_pidfd(struct leases *ls, uint32_t ustart, uid_t owner)
{
	_cleanup_free_ char *buf = NULL, *stat = NULL;
	unsigned long long t;
	struct lease l;
	char name[16], path[32];
	size_t len;
	int fd;

	snprintf(name, sizeof(name), "%u", ustart);
	if (read_all_at(ls->dirfd, name, LEASE_MAX, &buf, &len) < 0 ||
	    lease_parse(buf, len, &l) < 0 || l.owner != owner || strcmp(l.boot_id, ls->boot_id))
		return NOT_ENDING;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)l.pid);
	if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0 ||
	    lease_stat_starttime(stat, &t) < 0 || t != l.starttime)
		return ENDED;	/* its pid is gone, or another process's now */
	if (!lease_stat_ending(stat) && !lease_stat_dead(stat))
		return NOT_ENDING;
	fd = (int)syscall(SYS_pidfd_open, l.pid, 0);
	if (fd < 0)
		return errno == ESRCH ? ENDED : NOT_ENDING;
	free(steal_ptr(stat));
	if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0 ||
	    lease_stat_starttime(stat, &t) < 0 || t != l.starttime) {
		close(fd);
		return ENDED;
	}
	return fd;
}

/* How long a start waits for ending containers, and for how many. */
#define SETTLE_MS 2000
#define SETTLE_MAX 16

/* The slots settle() looks at. */
struct which {
	const struct subid_request *only;	/* those it prefers, or NULL: all */
	uint32_t before;			/* up to this one (its first uid), or 0 */
	size_t most;				/* at most this many */
};

/*
 * Ending containers of the user's in the slots @w names: wait until their
 * pid 1s have exited, SETTLE_MS at most, and scan /proc again, as when the
 * scan found a slot in use whose container has ended since.  A slot picked
 * meanwhile (ls->slotfd) is given up before the wait.  Returns 1 if it
 * scanned again (pick again), 0 if no container was ending, or a negative
 * error of the scan.
 */
static int settle(struct leases *ls, const struct subid_user *u, const struct subid_pool *p,
		  const struct which *w, struct eci_err *e)
{
	struct pollfd fds[SETTLE_MAX];
	size_t n = 0, looked = 0, left;
	bool ended = false;
	long long end;
	int r;

	for (size_t i = 0; i < p->n && n < SETTLE_MAX && looked < w->most; i++) {
		uint32_t us;
		int fd;

		if (subid_slot(p->uids.r, p->uids.n, i, &us, NULL) < 0 ||
		    (w->before && us == w->before))
			break;
		if (w->only && !preferred(w->only, us))
			continue;
		looked++;
		fd = ending_pidfd(ls, us, u->uid);
		if (fd >= 0)
			fds[n++] = (struct pollfd){ .fd = fd, .events = POLLIN };
		/* the scan may have seen it before it exited */
		ended |= fd == ENDED && p->busy[i];
	}
	if (!n && !ended)
		return 0;
	if (ls->slotfd >= 0)
		close(steal_fd(ls->slotfd));
	end = mono_ms() + SETTLE_MS;
	for (left = n; left;) {
		long long wait = end - mono_ms();

		r = wait > 0 ? poll(fds, n, (int)wait) : 0;
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;	/* still exiting: its slot stays taken */
		for (size_t k = 0; k < n; k++)
			if (fds[k].fd >= 0 && fds[k].revents) {
				close(fds[k].fd);
				fds[k].fd = -1;	/* poll() passes over it */
				left--;
			}
	}
	for (size_t k = 0; k < n; k++)
		if (fds[k].fd >= 0)
			close(fds[k].fd);
	memset(p->busy, 0, p->n * sizeof(*p->busy));
	r = lease_scan(&p->uids, &p->gids, p->busy, true, e);
	return r < 0 ? r : 1;
}

enum { PICKED, NONE_FREE };

/* One round of the pick: the slots the launcher prefers (round 0) or any. */
static int pick_round(struct leases *ls, const struct subid_user *u, const struct subid_pool *p,
		      const struct subid_request *rq, int round, struct lease *out,
		      struct eci_err *e)
{
	const struct subid_file *uf = &p->uids, *gf = &p->gids;

	for (size_t i = 0; i < p->n; i++) {
		uint32_t us, gs;
		int r;

		if (subid_slot(uf->r, uf->n, i, &us, NULL) < 0 ||
		    subid_slot(gf->r, gf->n, i, &gs, NULL) < 0)
			break;
		if ((round == 0 && !preferred(rq, us)) || p->busy[i])
			continue;
		r = slot_lock(ls, us, &ls->slotfd, e);
		if (r < 0)
			return r;
		if (ls->slotfd < 0)
			continue;	/* another start is taking it right now */
		if (lease_state(ls, us, u->uid) != FREE) {
			close(steal_fd(ls->slotfd));
			continue;
		}
		memset(out, 0, sizeof(*out));
		out->uid_start = us;
		out->gid_start = gs;
		out->owner = u->uid;
		memcpy(out->boot_id, ls->boot_id, sizeof(out->boot_id));
		return PICKED;
	}
	return NONE_FREE;
}

/* How many held slots ahead of the one a round found a start looks at. */
#define AHEAD_MAX 8

/*
 * One round (0: the slots the launcher prefers; 1: any), and again after
 * settle() when it found none while a container was ending, or when one
 * of the first AHEAD_MAX held slots ahead of the one it found (in the
 * round's order) is a container's that is ending: its launcher has
 * returned, and the kernel is tearing down its pid 1.  The start then
 * waits for those, and takes the slot it would have had a moment later:
 * containers run one after the other get the same slot, and so the same
 * ids, and what one wrote to a shared directory stays the next one's to
 * change.  Among many running containers a start looks at no more than
 * AHEAD_MAX of them (two reads of a few microseconds each), and waits for
 * no ending container beyond them, but when no slot at all is free.
 */
static int pick_settled(struct leases *ls, const struct subid_user *u,
			const struct subid_pool *p, const struct subid_request *rq, int round,
			struct lease *out, struct eci_err *e)
{
	const struct subid_request *only = round == 0 ? rq : NULL;
	int r = pick_round(ls, u, p, rq, round, out, e), s;

	if (r == PICKED) {
		s = settle(ls, u, p, &(struct which){ only, out->uid_start, AHEAD_MAX }, e);
		return s == 0 ? PICKED : s < 0 ? s : pick_round(ls, u, p, rq, round, out, e);
	}
	if (r != NONE_FREE)
		return r;
	/* none free: a wait for one of the first preferred ones, or for any */
	s = settle(ls, u, p, &(struct which){ only, 0, round == 0 ? AHEAD_MAX : SIZE_MAX }, e);
	if (s <= 0)
		return s < 0 ? s : NONE_FREE;
	/* after a wait for any slot: the preferred ones first again */
	if (round == 1 && rq->prefer.n && (r = pick_round(ls, u, p, rq, 0, out, e)) != NONE_FREE)
		return r;
	return pick_round(ls, u, p, rq, round, out, e);
}

/* The slots the launcher prefers, then any. */
int lease_pick(struct leases *ls, const struct subid_user *u, const struct subid_pool *p,
	       const struct subid_request *rq, struct lease *out, struct eci_err *e)
{
	const struct subid_file *uf = &p->uids;
	int r = check_limit(ls, u, uf, p->n, rq, e), s;

	if (r == SUBID_LIMIT) {	/* one of them may be ending */
		s = settle(ls, u, p, &(struct which){ NULL, 0, SIZE_MAX }, e);
		if (s < 0)
			return s;
		if (s > 0)
			r = check_limit(ls, u, uf, p->n, rq, e);
	}
	if (r < 0)
		return r;
	if (rq->prefer.n && (r = pick_settled(ls, u, p, rq, 0, out, e)) != NONE_FREE)
		return r;
	r = pick_settled(ls, u, p, rq, 1, out, e);
	if (r != NONE_FREE)
		return r;
	return subid_deny(e, "all %zu subordinate ranges of user %s are in use by running "
			  "containers (%s line %u)", p->n, u->name, uf->path, uf->first_line);
}

int lease_commit(struct leases *ls, const struct lease *l, struct eci_err *e)
{
	char buf[LEASE_MAX], name[16];
	_cleanup_close_ int fd = -1;
	int len = lease_format(l, buf, sizeof(buf)), r;
	struct stat st;

	snprintf(name, sizeof(name), "%u", l->uid_start);
	if (len < 0)
		return eci_fail(e, -len, "write lease " LEASE_DIR "/%s", name);
	/*
	 * The slot's file is written over in place, under the locks that
	 * every reader of this user's leases takes (lease_pick() said the old
	 * lease is dead): no reader sees a record half written, and one that
	 * a crash tore does not parse, which reads as dead (lease_state()).
	 * In place, the record keeps the block the file has: a new file for
	 * each start, renamed over the old, freed a block every time, which
	 * costs a synchronous discard on ext4 without a journal mounted with
	 * discard, and made ext4 write the new file out at once
	 * (auto_da_alloc).
	 */
	fd = openat(ls->dirfd, name, O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0 || fstat(fd, &st) < 0)
		return eci_fail(e, errno, "open lease " LEASE_DIR "/%s", name);
	if (!S_ISREG(st.st_mode) || st.st_uid != 0 || st.st_nlink != 1)
		return eci_fail(e, 0, "lease " LEASE_DIR "/%s is not a file of root's own: "
				"refusing it", name);
	r = write_all(fd, buf, (size_t)len);
	if (r < 0 || ftruncate(fd, len) < 0)
		return eci_fail(e, r < 0 ? -r : errno, "write lease " LEASE_DIR "/%s", name);
	return 0;
}
