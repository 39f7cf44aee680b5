// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scan.c - which slots a process on the host uses an id of
 *
 * A slot whose lease is dead is still refused while any process on the host
 * has one of its ids as a real, effective, saved or file-system uid or gid:
 * a process that entered the old container's user namespace and outlived
 * it, or another tool using the same subordinate ids, keeps the slot from
 * being handed to a new container.  One pass over /proc answers for every
 * slot of the user at once.  Each process is asked for its ids through a
 * pidfd (PIDFD_GET_INFO, Linux 6.13), which also tells a zombie (it holds
 * none: the pidfd is readable) from a live process; an older kernel is
 * scanned through /proc/PID/status alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/types.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "subid-int.h"
#include "util.h"

size_t lease_slot_count(const struct subid_file *u, const struct subid_file *g)
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
/*
 * Closing a pidfd frees the pidfs inode its pidfd_open() made, a third of
 * what a process costs the scan here (perf).  The helper's answer need not
 * wait for that: after subid_scan_keep_pidfds() the scan keeps them open,
 * and the process's exit closes them.  A pidfd_open() that finds no fd
 * free closes the kept ones and tries again, so that a low RLIMIT_NOFILE
 * only makes the scan as slow as before.
 */
static struct {
	bool on;
	int *fd;
	size_t n, cap;
} kept;

void subid_scan_keep_pidfds(void)
{
	kept.on = true;
}

static void put_pidfd(int fd)
{
	if (kept.on && kept.n == kept.cap) {
		size_t cap = kept.cap ? kept.cap * 2 : 512;
		int *p = realloc(kept.fd, cap * sizeof(*p));

		if (p) {
			kept.fd = p;
			kept.cap = cap;
		}
	}
	if (kept.on && kept.n < kept.cap)
		kept.fd[kept.n++] = fd;
	else
		close(fd);
}

static int open_pidfd(pid_t pid)
{
	int fd = (int)syscall(SYS_pidfd_open, pid, 0);

	if (fd < 0 && (errno == EMFILE || errno == ENFILE) && kept.n) {
		while (kept.n)
			close(kept.fd[--kept.n]);
		fd = (int)syscall(SYS_pidfd_open, pid, 0);
	}
	return fd;
}

enum lease_pidfd lease_pidfd_ids(pid_t pid, unsigned long long ids[8], const struct lease_slots *s,
				 bool *busy)
{
	struct pidfd_info info;
	int fd = open_pidfd(pid), r, e;
	bool exited = false;

	if (fd < 0)
		return errno == ESRCH ? LEASE_PIDFD_GONE :
		       errno == ENOSYS ? LEASE_PIDFD_NONE : LEASE_PIDFD_ASK_PROC;
	memset(&info, 0, sizeof(info));
	info.mask = PIDFD_INFO_CREDS;
	r = ioctl(fd, PIDFD_GET_INFO, &info);
	e = errno;
	ids[0] = info.ruid;
	ids[1] = info.euid;
	ids[2] = info.suid;
	ids[3] = info.fsuid;
	ids[4] = info.rgid;
	ids[5] = info.egid;
	ids[6] = info.sgid;
	ids[7] = info.fsgid;
	/* Readable once the whole process has exited: a zombie holds no ids. */
	if (r == 0 && (!s || lease_ids_hit(ids, s, busy, false)))
		exited = poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 0) > 0;
	put_pidfd(fd);
	if (r < 0)
		return e == ENOTTY || e == EINVAL || e == EOPNOTSUPP ? LEASE_PIDFD_NONE :
		       LEASE_PIDFD_ASK_PROC;
	if (exited)
		return LEASE_PIDFD_GONE;
	if (!(info.mask & PIDFD_INFO_CREDS) ||
	    ((info.mask & PIDFD_INFO_PID) && info.pid != (__u32)pid))
		return LEASE_PIDFD_ASK_PROC;	/* not the answer asked for */
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

/* The next entry that names a process or a thread, or NULL at the end
 * (*@err 0) or on an error (*@err the errno). */
static struct dirent *next_pid(DIR *d, int *err)
{
	struct dirent *de;

	do {
		errno = 0;
		de = readdir(d);
	} while (de && (de->d_name[0] < '1' || de->d_name[0] > '9'));
	*err = de ? 0 : errno;
	return de;
}

/* /proc/@path/status: the slots of its ids are busy; a zombie (*@zombie)
 * or a process gone meanwhile holds none. */
static int status_hit(struct scan *sc, const char *path, bool *zombie, struct eci_err *e)
{
	unsigned long long ids[8];
	int r = status_ids(sc->proc, path, ids, zombie);

	if (r < 0)
		return eci_fail(e, -r, "read /proc/%s/status", path);
	if (r > 0)
		lease_ids_hit(ids, &sc->slots, sc->busy, true);
	return 0;
}

/*
 * A zombie leader whose other threads still run (it called pthread_exit):
 * its status says Z, but the process lives on in those threads, and their
 * ids count.
 */
static int scan_threads(struct scan *sc, const char *pid, struct eci_err *e)
{
	char path[300];
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	bool zombie;
	int r = 0, err = 0;
	DIR *d;

	snprintf(path, sizeof(path), "%.16s/task", pid);
	fd = openat(sc->proc, path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 && (errno == ENOENT || errno == ESRCH))
		return 0;	/* gone meanwhile */
	d = fd < 0 ? NULL : fdopendir(fd);
	if (!d)
		return eci_fail(e, errno, "read /proc/%s", path);
	fd = -1;
	while (r == 0 && (de = next_pid(d, &err)))
		if (strcmp(de->d_name, pid)) {
			snprintf(path, sizeof(path), "%.16s/task/%.16s", pid, de->d_name);
			r = status_hit(sc, path, &zombie, e);
		}
	if (r == 0 && err)
		r = eci_fail(e, err, "read /proc/%s/task", pid);
	closedir(d);
	return r;
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
static int scan_one(struct scan *sc, const char *name, struct eci_err *e)
{
	unsigned long long ids[8];
	pid_t pid = parse_pid(name);
	bool zombie;
	int r;

	if (sc->pidfds && pid > 0) {
		switch (lease_pidfd_ids(pid, ids, &sc->slots, sc->busy)) {
		case LEASE_PIDFD_GONE:
			return 0;
		case LEASE_PIDFD_IDS:
			lease_ids_hit(ids, &sc->slots, sc->busy, true);
			return 0;
		case LEASE_PIDFD_NONE:
			sc->pidfds = false;	/* for the rest of the scan */
			break;
		case LEASE_PIDFD_ASK_PROC:
			break;
		}
	}
	r = status_hit(sc, name, &zombie, e);
	return r == 0 && zombie ? scan_threads(sc, name, e) : r;
}

/* The first uid and gid of each slot, found once rather than per process. */
static size_t slot_starts(const struct subid_file *u, const struct subid_file *g, uint32_t *us,
			  uint32_t *gs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (subid_slot(u->r, u->n, i, &us[i], NULL) < 0 ||
		    subid_slot(g->r, g->n, i, &gs[i], NULL) < 0)
			return i;	/* lease_pick() stops there too */
	return n;
}

/*
 * Done before the lease lock is taken (subid_pool_load()): a process that
 * appears later could as well appear after the pick.
 */
int lease_scan(const struct subid_file *u, const struct subid_file *g, bool *busy, bool pidfds,
	       struct eci_err *e)
{
	size_t n = lease_slot_count(u, g);
	_cleanup_free_ uint32_t *us = calloc(n + 1, sizeof(*us));
	_cleanup_free_ uint32_t *gs = calloc(n + 1, sizeof(*gs));
	struct scan sc = { .busy = busy, .pidfds = pidfds };
	struct dirent *de;
	int r = 0, err = 0;
	DIR *d;

	if (!us || !gs)
		return eci_fail(e, 0, "scan /proc: out of memory");
	sc.slots = (struct lease_slots){ .uid = us, .gid = gs, .n = slot_starts(u, g, us, gs, n) };
	d = opendir("/proc");
	if (!d)
		return eci_fail(e, errno, "open /proc");
	sc.proc = dirfd(d);
	while (r == 0 && (de = next_pid(d, &err)))
		r = scan_one(&sc, de->d_name, e);
	/* A scan cut short would pass over processes: no slot is safe then. */
	if (r == 0 && err)
		r = eci_fail(e, err, "read /proc");
	closedir(d);
	return r;
}
