// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - containers under --root: ROOT/ID/state.json, exec.fifo and the
 * create lock
 *
 * Theory of Operation: a container is "created" while its exec.fifo exists
 * (pid 1 waits on it), "running" once start has removed it and pid 1 lives,
 * "stopped" after.  "pid 1 lives" is decided by a pidfd, never by a bare
 * pid: state.json records pid 1's start time (field 22 of /proc/PID/stat),
 * and a pidfd counts as the container's only if the process behind that pid
 * has this start time while the pidfd is still alive; a pid the kernel gave
 * to another process after pid 1 died is then "stopped", and nothing is
 * ever signalled through it (pidfd_send_signal acts on the opened process,
 * not on whoever holds the number later).
 *
 * A running container whose freezer cgroup is frozen is "paused".
 *
 * A create takes ROOT/ID before it makes anything (runc_state_begin): the
 * directory, then ROOT/ID/create.lock, flock()ed for as long as create or
 * what it forked (pid 1, a clone of create, shares the lock) lives, and
 * naming the create by pid and start time; then the cgroup directories it
 * is about to use.  state.json is written last.  So a directory without
 * state.json whose create is gone is what a killed create left, and
 * runc_gc() removes it and its cgroups, once the lock is free: a pid 1
 * that outlived its create (it stops dying with it once ready) is killed
 * through its cgroup first.  Creates hold ROOT/.eci-gc.lock shared from
 * their mkdir() to their lock, runc_gc() holds it exclusive: it never
 * finds a directory whose create has not locked it yet.
 *
 * A deleted container's directory is emptied but for its mount points
 * (rootfs, rw, u, lN, themselves emptied) and kept as ROOT/.eci-spare, one
 * at most, for the next create to take instead of making its own: where
 * ROOT is on a disk file system, each directory removed can cost a
 * synchronous discard (ext4 without a journal, mounted with discard), and
 * a container has three and one per layer.  No container may be called
 * .eci-spare; runc_gc() leaves it alone.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "runc.h"
#include "util.h"

#define LOCK_FILE "create.lock"
#define CGROUP_FILE "cgroup"
#define GC_LOCK_FILE ".eci-gc.lock"
#define SPARE ".eci-spare"

int runc_state_dir(const char *root, const char *id, char *out, size_t size)
{
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 200 ||
	    !strcmp(id, SPARE))
		return -EINVAL;
	return snprintf(out, size, "%s/%s", root, id) < (int)size ? 0 : -ENAMETOOLONG;
}


int runc_save_state(const struct rconfig *rc, pid_t pid, unsigned slot)
{
	char path[4200], tmp[4200], when[40];
	unsigned long long start;
	time_t now = time(NULL);
	json_t *j;
	int r;

	if (proc_stat(pid, NULL, &start) < 0)
		return -1;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	j = json_pack("{s:s, s:s, s:i, s:I, s:s, s:s, s:i, s:s, s:b, s:b}", "ociVersion", "1.0.2",
		      "id", rc->id, "pid", (int)pid, "starttime", (json_int_t)start, "bundle",
		      rc->bundle, "created", when, "slot", (int)slot, "cgroupsPath",
		      rc->cgroups_path, "setidGuard", rc->setid_guard, "pidShared",
		      rc->join.fd[RNS_PID] >= 0);
	snprintf(path, sizeof(path), "%s/state.json", rc->state);
	snprintf(tmp, sizeof(tmp), "%s/.state.json", rc->state);
	r = j ? json_dump_file(j, tmp, JSON_COMPACT) : -1;
	json_decref(j);
	return r == 0 && rename(tmp, path) == 0 ? 0 : -1;
}

int runc_read_state(const char *root, const char *id, struct rstate *st)
{
	char dir[4200], path[4300];
	json_error_t je;
	json_t *j, *v;

	memset(st, 0, sizeof(*st));
	if (runc_state_dir(root, id, dir, sizeof(dir)) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/state.json", dir);
	j = json_load_file(path, 0, &je);
	if (!j)
		return -ENOENT;
	st->pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	/* 0 when a state.json predates it: never matches, so such a pid 1
	 * counts as stopped (no signal to a pid that cannot be verified) */
	v = json_object_get(j, "starttime");
	st->starttime = json_is_integer(v) && json_integer_value(v) > 0
				? (unsigned long long)json_integer_value(v) : 0;
	st->slot = (unsigned)json_integer_value(json_object_get(j, "slot"));
	snprintf(st->bundle, sizeof(st->bundle), "%s",
		 json_string_value(json_object_get(j, "bundle")) ?: "");
	st->setid_guard = json_is_true(json_object_get(j, "setidGuard"));
	st->pid_shared = json_is_true(json_object_get(j, "pidShared"));
	json_decref(j);
	return st->pid > 0 ? 0 : -EINVAL;
}

/* Has the process behind @pidfd not exited yet (a zombie has)? */

int runc_open_init(const struct rstate *st)
{
	_cleanup_close_ int fd = -1;
	unsigned long long start;
	int r;

	if (st->pid <= 0 || !st->starttime)
		return -ESRCH;
	fd = (int)syscall(SYS_pidfd_open, st->pid, 0);
	if (fd < 0)
		return -errno;
	/* Read after the open: if the pidfd's process still lives after the
	 * read, the /proc entry read was its own. */
	r = proc_stat(st->pid, NULL, &start);
	if (r < 0)
		return r;
	if (start != st->starttime || !pidfd_alive(fd))
		return -ESRCH;
	return steal_fd(fd);
}

const char *runc_status(const char *root, const char *id, const struct rstate *st)
{
	static struct cgroups cg;
	char dir[4200], fifo[4300];
	int fd = runc_open_init(st);

	if (fd < 0)
		return "stopped";
	close(fd);
	if (runc_state_dir(root, id, dir, sizeof(dir)) == 0) {
		snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
		if (access(fifo, F_OK) == 0)
			return "created";
	}
	return runc_load_cgroups(root, id, &cg) == 0 && cgroup_frozen(&cg) ? "paused" : "running";
}

/* ROOT/.eci-gc.lock: shared by creates while they make ROOT/ID and its
 * lock, exclusive for runc_gc(); -1 if it cannot be had. */
static int gc_lock(const char *root, int how)
{
	char path[4200];
	int fd;

	snprintf(path, sizeof(path), "%s/" GC_LOCK_FILE, root);
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	while (fd >= 0 && flock(fd, how) < 0) {
		if (errno != EINTR) {
			int err = errno;

			close(fd);
			errno = err;
			return -1;
		}
	}
	return fd;
}

/* create.lock, locked, saying who locked it: "PID STARTTIME". */
static int take_lock(int dir, struct eci_err *e)
{
	_cleanup_close_ int fd = openat(dir, LOCK_FILE, O_CREAT | O_EXCL | O_RDWR | O_NOFOLLOW |
					O_CLOEXEC, 0600);
	unsigned long long start = 0;
	char who[64];
	int r;

	if (fd < 0 || flock(fd, LOCK_EX) < 0)
		return eci_fail(e, errno, "lock the state directory");
	proc_stat(getpid(), NULL, &start);
	snprintf(who, sizeof(who), "%d %llu\n", (int)getpid(), start);
	r = write_all(fd, who, strlen(who));
	if (r < 0)
		return eci_fail(e, -r, "lock the state directory");
	return steal_fd(fd);
}

/* The directories the container's cgroups will be, before any is made. */
static int record_cgroup(int dir, const struct cgroups *cg, struct eci_err *e)
{
	_cleanup_close_ int fd = openat(dir, CGROUP_FILE, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);
	static char text[CG_MAX_HIER * (CG_PATH_MAX + 130)];
	int r;

	if (fd < 0)
		return eci_fail(e, errno, "record the cgroup");
	r = cgroup_format(cg, text, sizeof(text));
	if (r == 0)
		r = write_all(fd, text, strlen(text));
	return r < 0 ? eci_fail(e, -r, "record the cgroup") : 0;
}

static int load_cgroups_at(int dir, struct cgroups *cg)
{
	_cleanup_free_ char *text = NULL;
	int r;

	cg->n = 0;
	r = read_all_at(dir, CGROUP_FILE, CG_MAX_HIER * (CG_PATH_MAX + 130), &text, NULL);
	return r < 0 ? r : cgroup_parse(text, cg);
}

int runc_load_cgroups(const char *root, const char *id, struct cgroups *cg)
{
	char dir[4200];
	_cleanup_close_ int fd = -1;

	cg->n = 0;
	if (runc_state_dir(root, id, dir, sizeof(dir)) < 0)
		return -EINVAL;
	fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	return fd < 0 ? -errno : load_cgroups_at(fd, cg);
}

/* ROOT/.eci-spare as ROOT/ID, or mkdir: 0 or -1. */
static int new_dir(const char *root, const char *state)
{
	char spare[4200];

	snprintf(spare, sizeof(spare), "%s/" SPARE, root);
	return spare_take(AT_FDCWD, spare, state, 0711) == 0 ? 0 : mkdir(state, 0711);
}

/* Under the shared gc lock: runc_gc() sees ROOT/ID with its lock or not at all. */
static int begin(const char *root, struct rconfig *rc, struct eci_err *e)
{
	_cleanup_close_ int dir = -1;

	if (new_dir(root, rc->state) < 0)
		return errno == EEXIST ? eci_fail(e, 0, "container %s already exists", rc->id)
				       : eci_fail(e, errno, "state directory for %s", rc->id);
	dir = open(rc->state, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0)
		eci_fail(e, errno, "state directory for %s", rc->id);
	else if ((rc->lock_fd = take_lock(dir, e)) >= 0 &&
		 record_cgroup(dir, &rc->cg, e) == 0)
		return 0;
	rm_rf_at(AT_FDCWD, rc->state);
	if (rc->lock_fd >= 0)
		close(steal_fd(rc->lock_fd));
	return -1;
}

int runc_state_begin(struct rconfig *rc, struct eci_err *e)
{
	char root[sizeof(rc->state)];
	int gc, r;

	rc->lock_fd = -1;
	snprintf(root, sizeof(root), "%s", rc->state);
	if (strrchr(root, '/'))
		*strrchr(root, '/') = '\0';
	gc = gc_lock(root, LOCK_SH);
	if (gc < 0)
		return eci_fail(e, errno, "lock %s", root);
	r = begin(root, rc, e);
	close(gc);
	return r;
}

/* A mount point of a state directory: rootfs, rw, u, or l and a number. */
static bool mount_point(const char *name)
{
	if (!strcmp(name, "rootfs") || !strcmp(name, "rw") || !strcmp(name, "u"))
		return true;
	if (name[0] != 'l' || !name[1])
		return false;
	for (const char *c = name + 1; *c; c++)
		if (*c < '0' || *c > '9')
			return false;
	return true;
}

void runc_state_remove(const char *root, const char *state)
{
	_cleanup_close_ int gc = gc_lock(root, LOCK_SH);
	char spare[4200];

	snprintf(spare, sizeof(spare), "%s/" SPARE, root);
	if (gc < 0 || spare_put(AT_FDCWD, state, spare, mount_point) < 0)
		rm_rf_at(AT_FDCWD, state);
}

/*
 * Has @dir's create finished?  Its last step, after state.json and the pid
 * file, removes create.lock (runc_state_done()): a create killed between
 * state.json and that step has not, and is collected like any other.
 */
static bool finished(int dir)
{
	return faccessat(dir, "state.json", F_OK, AT_SYMLINK_NOFOLLOW) == 0 &&
	       faccessat(dir, LOCK_FILE, F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT;
}

int runc_state_done(const struct rconfig *rc)
{
	char path[4200];

	snprintf(path, sizeof(path), "%s/" LOCK_FILE, rc->state);
	return unlink(path) < 0 ? -errno : 0;
}

/* Does the create that wrote @lock ("PID STARTTIME") still live? */
static bool creator_alive(int lock)
{
	_cleanup_free_ char *who = NULL;
	struct rstate st = { 0 };
	int pid, fd;

	if (read_fd_all(lock, 64, &who, NULL) < 0 ||
	    sscanf(who, "%d %llu", &pid, &st.starttime) != 2)
		return true;	/* not written yet: it does */
	st.pid = (pid_t)pid;
	fd = runc_open_init(&st);
	if (fd < 0)
		return false;
	close(fd);
	return true;
}

/*
 * The lock of a create that died is still held by what it forked: pid 1
 * (which outlives it once it is ready, and otherwise dies of its parent's
 * death, as the idmap helper ends by itself) — killed here through the
 * cgroup.  Wait a little for them to be gone.
 */
static bool wait_lock(int dir, int lock)
{
	static struct cgroups cg;

	if (load_cgroups_at(dir, &cg) == 0)
		cgroup_kill(&cg);
	for (int i = 0; i < 200; i++) {
		if (flock(lock, LOCK_EX | LOCK_NB) == 0)
			return true;
		usleep(10000);
	}
	return false;
}

/*
 * @dir's create was killed: no state.json, and the create that locked it is
 * gone (its lock free, or held only by what it forked).  Returns the lock,
 * held; -1: no lock file (it died before making one); -2: not abandoned.
 */
static int take_abandoned(int dir)
{
	_cleanup_close_ int lock = -1;

	if (finished(dir))
		return -2;
	lock = openat(dir, LOCK_FILE, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
	if (lock < 0)
		return errno == ENOENT ? -1 : -2;
	if (flock(lock, LOCK_EX | LOCK_NB) < 0 &&
	    (creator_alive(lock) || !wait_lock(dir, lock)))
		return -2;
	/* Got: maybe the create finished just before. */
	return finished(dir) ? -2 : steal_fd(lock);
}


/*
 * Its cgroups, from the directories create recorded before making any.  Its
 * processes may still be exiting: a process closes its files (and so
 * frees the lock) before it leaves its cgroup, with namespaces to tear
 * down in between; cgroup_remove() waits for that, two seconds at most.
 */
static void gc_cgroups(int dir)
{
	static struct cgroups cg;

	if (load_cgroups_at(dir, &cg) == 0)
		cgroup_remove(&cg);
}

static void gc_one(int rootfd, const char *name)
{
	_cleanup_close_ int dir = openat(rootfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					 O_CLOEXEC);
	_cleanup_close_ int lock = -2;

	if (dir < 0 || (lock = take_abandoned(dir)) == -2)
		return;
	gc_cgroups(dir);
	rm_rf_at(rootfd, name);
}

void runc_gc(const char *root)
{
	_cleanup_close_ int gc = gc_lock(root, LOCK_EX);
	_cleanup_close_ int rootfd = open(root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int dfd = rootfd >= 0 && gc >= 0 ? dup(rootfd) : -1;
	DIR *d = dfd >= 0 ? fdopendir(dfd) : NULL;
	struct dirent *de;

	if (!d) {
		if (dfd >= 0)
			close(dfd);
		return;
	}
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") && strcmp(de->d_name, SPARE) &&
		    (de->d_type == DT_DIR || de->d_type == DT_UNKNOWN))
			gc_one(rootfd, de->d_name);
	closedir(d);
}

int runc_write_pidfile(const char *path, pid_t pid)
{
	char tmp[4200];
	bool bad;
	FILE *f;

	if (!path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f)
		return -1;
	bad = fprintf(f, "%d", (int)pid) < 0;
	if ((fclose(f) != 0) | bad)
		return -1;
	return rename(tmp, path);
}
