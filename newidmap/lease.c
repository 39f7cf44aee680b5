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
 * ids, keeps the slot from being handed to a new container.  The scan
 * asks the kernel for each process's ids through a pidfd (PIDFD_GET_INFO,
 * Linux 6.13), which also tells a zombie (it holds none: the pidfd is
 * readable) from a live process; an older kernel is scanned through
 * /proc/PID/status alone.
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
#include <limits.h>
#include <poll.h>
#include <linux/types.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/file.h>
#include <sys/fsuid.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
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
 * PIDFD_GET_INFO (Linux 6.13) for headers older than that kernel, as
 * include/uapi/linux/pidfd.h has it: the first version of the struct, 64
 * bytes.  The struct's size is part of the ioctl number; a later kernel
 * with a larger struct fills only what this size holds.
 */
#ifndef PIDFD_GET_INFO
struct pidfd_info {
	__u64 mask;
	__u64 cgroupid;
	__u32 pid;
	__u32 tgid;
	__u32 ppid;
	__u32 ruid;
	__u32 rgid;
	__u32 euid;
	__u32 egid;
	__u32 suid;
	__u32 sgid;
	__u32 fsuid;
	__u32 fsgid;
	__u32 spare0[1];
};

#define PIDFS_IOCTL_MAGIC 0xFF
#define PIDFD_GET_INFO _IOWR(PIDFS_IOCTL_MAGIC, 11, struct pidfd_info)
#define PIDFD_INFO_PID (1UL << 0)
#define PIDFD_INFO_CREDS (1UL << 1)
#define PIDFD_INFO_SIZE_VER0 64
#endif
_Static_assert(sizeof(struct pidfd_info) >= PIDFD_INFO_SIZE_VER0, "struct pidfd_info too small");

/*
 * Why pidfds: the scan looks at every process on the host, on every start.
 * Reading /proc/PID/status costs 6-12 us a process (the kernel formats some
 * fifty lines, of which the scan wants two), so 300 more processes made a
 * start 4 ms slower.  PIDFD_GET_INFO hands over the same eight ids in
 * binary in about 2.5 us, pidfd_open() and close() included.  Both take
 * the task's objective credentials and translate them into the reader's
 * user namespace, so they agree.  A pidfd is close-on-exec by nature.
 *
 * PIDFD_GET_INFO may also fail with ESRCH for a live process (one that the
 * reader's pid namespace cannot name, depending on the kernel): only
 * pidfd_open() says for sure that a process is gone, and the rest is asked
 * of /proc/PID/status.
 */
enum lease_pidfd lease_pidfd_ids(pid_t pid, unsigned long long ids[8])
{
	struct pidfd_info info;
	int fd = (int)syscall(SYS_pidfd_open, pid, 0), r, e;
	bool exited;

	if (fd < 0)
		return errno == ESRCH ? LEASE_PIDFD_GONE :
		       errno == ENOSYS ? LEASE_PIDFD_NONE : LEASE_PIDFD_ASK_PROC;
	memset(&info, 0, sizeof(info));
	info.mask = PIDFD_INFO_CREDS;
	r = ioctl(fd, PIDFD_GET_INFO, &info);
	e = errno;
	/* Readable once the whole process has exited: a zombie holds no ids. */
	exited = r == 0 && poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 0) > 0;
	close(fd);
	if (r < 0)
		return e == ENOTTY || e == EINVAL || e == EOPNOTSUPP ? LEASE_PIDFD_NONE :
		       LEASE_PIDFD_ASK_PROC;
	if (exited)
		return LEASE_PIDFD_GONE;
	if (!(info.mask & PIDFD_INFO_CREDS) ||
	    ((info.mask & PIDFD_INFO_PID) && info.pid != (__u32)pid))
		return LEASE_PIDFD_ASK_PROC;	/* not the answer asked for */
	ids[0] = info.ruid;
	ids[1] = info.euid;
	ids[2] = info.suid;
	ids[3] = info.fsuid;
	ids[4] = info.rgid;
	ids[5] = info.egid;
	ids[6] = info.sgid;
	ids[7] = info.fsgid;
	return LEASE_PIDFD_IDS;
}

/* /proc/PID/status: 1 with the ids, 0 if gone or a zombie (*@zombie), or
 * -errno. */
static int status_ids(int proc, const char *pid, unsigned long long ids[8], bool *zombie)
{
	_cleanup_free_ char *status = NULL;
	char path[300];
	int r;

	*zombie = false;
	snprintf(path, sizeof(path), "%s/status", pid);
	r = read_all_at(proc, path, 1 << 16, &status, NULL);
	if (r == -ENOENT || r == -ESRCH)
		return 0;
	if (r < 0)
		return r;
	if (lease_status_ids(status, ids))
		return 1;
	*zombie = true;
	return 0;
}

struct scan {
	int proc;			/* /proc */
	struct lease_slots slots;
	bool *busy;
	bool pidfds;			/* false once the kernel lacks PIDFD_GET_INFO */
};

static pid_t parse_pid(const char *name)
{
	char *end;
	long pid;

	errno = 0;
	pid = strtol(name, &end, 10);
	return errno || *end || pid < 1 || pid > INT_MAX ? -1 : (pid_t)pid;
}

/*
 * A zombie leader whose other threads still run (it called pthread_exit):
 * its status says Z, but the process lives on in those threads, and their
 * ids count.
 */
static void scan_threads(struct scan *sc, const char *pid)
{
	char path[300];
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%.16s/task", pid);
	fd = openat(sc->proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ESRCH))
		return;	/* gone meanwhile */
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		die(EXIT_SYSERR, "read /proc/%s: %m", path);
	fd = -1;
	for (;;) {
		unsigned long long ids[8];
		bool zombie;
		int r;

		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (de->d_name[0] < '1' || de->d_name[0] > '9' || !strcmp(de->d_name, pid))
			continue;
		snprintf(path, sizeof(path), "%.16s/task/%.16s", pid, de->d_name);
		r = status_ids(sc->proc, path, ids, &zombie);
		if (r < 0) {
			errno = -r;
			die(EXIT_SYSERR, "read /proc/%s/status: %m", path);
		}
		if (r > 0)
			lease_ids_hit(ids, &sc->slots, sc->busy, true);
	}
	if (errno)
		die(EXIT_SYSERR, "read /proc/%s/task: %m", pid);
	closedir(d);
}

/*
 * One process: its pidfd decides, ids and all (a zombie, which holds no
 * ids, is told by the pidfd being readable; that is, only once every thread
 * has exited).  Without a pidfd answer, /proc/PID/status decides as it
 * always did.  What cannot be read for another reason than the process
 * being gone ends the scan: a process passed over could hold a slot's ids.
 * The ids read are those of the thread-group leader (or, if it is a zombie,
 * of the other threads).
 */
static void scan_one(struct scan *sc, const char *name)
{
	unsigned long long ids[8];
	pid_t pid = parse_pid(name);
	bool zombie;
	int r;

	if (sc->pidfds && pid > 0) {
		switch (lease_pidfd_ids(pid, ids)) {
		case LEASE_PIDFD_GONE:
			return;
		case LEASE_PIDFD_IDS:
			lease_ids_hit(ids, &sc->slots, sc->busy, true);
			return;
		case LEASE_PIDFD_NONE:
			sc->pidfds = false;	/* for the rest of the scan */
			break;
		case LEASE_PIDFD_ASK_PROC:
			break;
		}
	}
	r = status_ids(sc->proc, name, ids, &zombie);
	if (r < 0) {
		errno = -r;
		die(EXIT_SYSERR, "read /proc/%s/status: %m", name);
	}
	if (r > 0)
		lease_ids_hit(ids, &sc->slots, sc->busy, true);
	else if (zombie)
		scan_threads(sc, name);
}

/* The first uid and gid of each slot, found once rather than per process. */
static size_t slot_starts(const struct idfile *u, const struct idfile *g, uint32_t *us,
			  uint32_t *gs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (subid_slot(u->r, u->n, i, &us[i], NULL) < 0 ||
		    subid_slot(g->r, g->n, i, &gs[i], NULL) < 0)
			return i;	/* lease_pick() stops there too */
	return n;
}

void lease_scan_with(const struct idfile *u, const struct idfile *g, bool *busy, bool pidfds)
{
	size_t n = lease_slot_count(u, g);
	_cleanup_free_ uint32_t *us = calloc(n + 1, sizeof(*us));
	_cleanup_free_ uint32_t *gs = calloc(n + 1, sizeof(*gs));
	struct scan sc = { .busy = busy, .pidfds = pidfds };
	struct dirent *de;
	DIR *d;

	if (!us || !gs)
		die(EXIT_SYSERR, "scan /proc: out of memory");
	sc.slots = (struct lease_slots){ .uid = us, .gid = gs, .n = slot_starts(u, g, us, gs, n) };
	d = opendir("/proc");
	if (!d)
		die(EXIT_SYSERR, "open /proc: %m");
	sc.proc = dirfd(d);
	for (;;) {
		errno = 0;
		de = readdir(d);
		if (!de)
			break;
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			scan_one(&sc, de->d_name);
	}
	/* A scan cut short would pass over processes: no slot is safe then. */
	if (errno)
		die(EXIT_SYSERR, "read /proc: %m");
	closedir(d);
}

/*
 * Which slots does a process on the host use an id of?  One pass over
 * /proc for all of them (busy[i] for slot i).  Done before the lease lock is
 * taken: a process that appears later could as well appear after the pick.
 */
void lease_scan(const struct idfile *u, const struct idfile *g, bool *busy)
{
	lease_scan_with(u, g, busy, true);
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
