// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - eci-runc exec: a new process in a running container
 *
 * Theory of Operation: the process joins the container as its workload
 * sees it — pid 1's cgroup, ipc, uts and pid namespaces, and the workload's
 * nested user, mount and network namespaces, where every mount is locked
 * (nest.c) — and gets no more than the container has: capabilities within
 * the workload's bounding set, no_new_privs, the set-id guard when the
 * container has one, the default seccomp filter, only fds 0-2.
 *
 * eci-runc runs as host root, and whatever joins the container's user
 * namespace becomes visible to, and reachable by, what runs in there.  So:
 *   - the target is held by pidfds: pid 1's is checked against the start
 *     time state.json recorded (runc_open_init), the workload's against its
 *     parent, both after the open and while both are still alive;
 *   - the joining process ("mid") makes itself non-dumpable before any
 *     setns(): with CAP_SYS_PTRACE in the container's user namespace a
 *     container process may ptrace a dumpable process whose credentials
 *     are in that namespace, even one that still holds host root's uid.
 *     Non-dumpable, ptrace and /proc/PID/{mem,fd,exe} need CAP_SYS_PTRACE
 *     over the user namespace of its mm, the host's, until exec;
 *   - everything that needs the host is done first, in the host's mount
 *     and cgroup namespaces: it moves itself into pid 1's cgroup in every
 *     hierarchy (docker's --memory and --pids-limit cover the exec'd
 *     process too), and eci-runc has connected to --console-socket, a host
 *     path;
 *   - setns(pidfd, flags) joins several namespaces of one process at once
 *     (Linux >= 5.8), the user namespace first;
 *   - right after the user namespace, mid takes the exec user's groups and
 *     ids.  mid is still in the host's pid namespace (setns() of a pid
 *     namespace applies to children), so no container process can see it
 *     before; only then does it fork the process, in the container's pid
 *     namespace.  mid's uid was host root, not the namespace's root, so the
 *     switch keeps its capabilities (no keep-caps rule applies) for the
 *     last steps, as runc's do;
 *   - the process makes its pty from the container's /dev/ptmx (as the
 *     exec user, who so owns it) and sends the master over the connected
 *     socket, enters cwd, sets no_new_privs, drops the bounding set, loads
 *     the set-id guard then the filter, sets its capabilities, marks every
 *     other fd close-on-exec and execs.
 * Errors travel back over a close-on-exec pipe, so eci-runc, on the host,
 * logs them (--log is a host path) and learns that exec happened: the
 * pipe reads end-of-file then.  With --detach eci-runc exits there, leaving
 * the process to the shim (a subreaper); the --pid-file holds its host pid.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <linux/close_range.h>
#include <linux/nsfs.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "runc.h"
#include "subid.h"
#include "util.h"

#define OF_INIT (CLONE_NEWCGROUP | CLONE_NEWIPC | CLONE_NEWUTS | CLONE_NEWPID)
#define OF_WORKLOAD (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWNET)

static const char gone[] = "the container's workload is gone (the container is stopping)";

struct xproc {
	char **argv;
	char **env;
	char cwd[4096];
	struct user user;	/* ids and groups (name and home unused) */
	bool tty;
	uint64_t caps;
};

/* What the joining processes hold: all opened on the host. */
struct target {
	pid_t init, workload;
	int init_fd, workload_fd;	/* pidfds */
	struct sc_filter guard, filter;	/* guard.insns NULL: none */
	int console;			/* connected --console-socket, or -1 */
	int report;			/* the pipe to eci-runc */
};

/* mid and the process to eci-runc: a pid, or a failure. */
struct xmsg {
	pid_t pid;
	int code;
	char msg[ECI_ERR_MSG];
};

static int parse_ids(const char *file, json_t *user, struct xproc *x, struct eci_err *e)
{
	json_t *gids = json_object_get(user, "additionalGids"), *v;
	size_t i;

	x->user.uid = (uid_t)json_integer_value(json_object_get(user, "uid"));
	x->user.gid = (gid_t)json_integer_value(json_object_get(user, "gid"));
	if (x->user.uid >= SUBID_SLOT || x->user.gid >= SUBID_SLOT)
		return eci_fail(e, 0, "%s: user %u:%u is outside the container's ids", file,
				(unsigned)x->user.uid, (unsigned)x->user.gid);
	if (json_array_size(gids) > USER_MAX_GROUPS)
		return eci_fail(e, 0, "%s: more than %d additional groups", file, USER_MAX_GROUPS);
	json_array_foreach(gids, i, v) {
		json_int_t g = json_integer_value(v);

		if (!json_is_integer(v) || g < 0 || g >= SUBID_SLOT)
			return eci_fail(e, 0, "%s: group %lld is outside the container's ids", file,
					(long long)g);
		x->user.groups[x->user.ngroups++] = (gid_t)g;
	}
	return 0;
}

static int load_process(const char *file, struct xproc *x, uint64_t ceiling, struct eci_err *e)
{
	json_error_t je;
	json_auto_t *p = json_load_file(file, 0, &je);
	json_t *args, *env, *v;
	size_t i;

	if (!p)
		return eci_fail(e, 0, "%s: line %d column %d: %s", file, je.line, je.column, je.text);
	args = json_object_get(p, "args");
	env = json_object_get(p, "env");
	if (!json_array_size(args))
		return eci_fail(e, 0, "%s: no args", file);
	x->argv = calloc(json_array_size(args) + 1, sizeof(char *));
	x->env = calloc(json_array_size(env) + 1, sizeof(char *));
	if (!x->argv || !x->env)
		return eci_fail(e, ENOMEM, "%s", file);
	json_array_foreach(args, i, v)
		x->argv[i] = strdup(json_string_value(v) ?: "");
	json_array_foreach(env, i, v)
		x->env[i] = strdup(json_string_value(v) ?: "");
	snprintf(x->cwd, sizeof(x->cwd), "%s", json_string_value(json_object_get(p, "cwd")) ?: "/");
	x->tty = json_is_true(json_object_get(p, "terminal"));
	x->caps = 0;
	json_array_foreach(json_object_get(json_object_get(p, "capabilities"), "bounding"), i, v) {
		uint64_t m;

		if (json_is_string(v) && caps_parse("capability", json_string_value(v), &m, e) == 0)
			x->caps |= m;
	}
	x->caps &= ceiling;
	return parse_ids(file, json_object_get(p, "user"), x, e);
}

static void free_process(struct xproc *x)
{
	for (char **a = x->argv; a && *a; a++)
		free(*a);
	for (char **a = x->env; a && *a; a++)
		free(*a);
	free(x->argv);
	free(x->env);
}

/* --- the target ------------------------------------------------------------ */

static bool alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;	/* readable once it has exited */
}

/*
 * Is @w's user namespace the one nest.c made, one level below pid 1's?  Not
 * yet while the container starts (the workload unshares it after start),
 * and not any more if the workload has unshared further.
 */
static bool nested(pid_t init, pid_t w)
{
	_cleanup_close_ int ns = -1, parent = -1;
	struct stat a, b, c;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)w);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0 || (parent = ioctl(ns, NS_GET_PARENT)) < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)init);
	if (fstat(ns, &a) < 0 || fstat(parent, &b) < 0 || stat(path, &c) < 0)
		return false;
	return b.st_dev == c.st_dev && b.st_ino == c.st_ino &&
	       !(a.st_dev == c.st_dev && a.st_ino == c.st_ino);
}

/* One look at pid 1's first child: 0, -EAGAIN (not there, or not in its
 * namespaces, yet), or -1. */
static int try_workload(struct target *t, struct eci_err *e)
{
	_cleanup_free_ char *kids = NULL;
	char path[64];
	pid_t ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)t->init, (int)t->init);
	t->workload = 0;
	if (read_all_at(AT_FDCWD, path, 4096, &kids, NULL) == 0)
		t->workload = (pid_t)atoi(kids);
	if (t->workload <= 0) {
		eci_fail(e, 0, "the container has no workload (yet)");
		return -EAGAIN;
	}
	if (t->workload_fd >= 0)
		close(steal_fd(t->workload_fd));
	t->workload_fd = (int)syscall(SYS_pidfd_open, t->workload, 0);
	if (t->workload_fd < 0)
		return eci_fail(e, errno, "open the container's workload (pid %d)", (int)t->workload);
	/* After the open: while both live, pid 1's child by that pid is it. */
	if (proc_stat(t->workload, &ppid, NULL) < 0 || ppid != t->init)
		return eci_fail(e, 0, "%s", gone);
	if (!nested(t->init, t->workload)) {
		eci_fail(e, 0, "the container's workload is not in its namespaces (yet)");
		return -EAGAIN;
	}
	if (!alive(t->workload_fd) || !alive(t->init_fd))
		return eci_fail(e, 0, "%s", gone);
	return 0;
}

/*
 * The workload as a pidfd checked to be it.  Right after start, pid 1 may
 * not have forked it yet, or it may still be entering its nested
 * namespaces (nest.c): joining those it starts in would give the unlocked
 * view.  So wait for it, two seconds at most.
 */
static int open_workload(struct target *t, struct eci_err *e)
{
	for (int i = 0; i < 200; i++) {
		int r = try_workload(t, e);

		if (r != -EAGAIN)
			return r < 0 ? -1 : 0;
		if (!alive(t->init_fd))
			break;
		usleep(10000);
	}
	return -1;
}

/* The bounding set of the container's workload: what an exec may have. */
static int bounding_of(const struct target *t, uint64_t *caps, struct eci_err *e)
{
	_cleanup_free_ char *status = NULL;
	unsigned long long v;
	char path[64], *line;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)t->workload);
	r = read_all_at(AT_FDCWD, path, 1 << 16, &status, NULL);
	if (r < 0)
		return eci_fail(e, -r, "read %s", path);
	line = strstr(status, "\nCapBnd:");
	if (!line || sscanf(line, "\nCapBnd: %llx", &v) != 1)
		return eci_fail(e, 0, "%s: no CapBnd", path);
	if (!alive(t->workload_fd))
		return eci_fail(e, 0, "%s", gone);
	*caps = v;
	return 0;
}

static int open_target(const char *id, const struct rstate *st, struct target *t,
		       struct eci_err *e)
{
	t->init = st->pid;
	t->init_fd = runc_open_init(st);
	if (t->init_fd < 0)
		return eci_fail(e, 0, "container %s is not running", id);
	return open_workload(t, e);
}

/* The filters, and the engine's end of the pty: still on the host. */
static int prepare(const struct rstate *st, const struct xproc *x, const char *consock,
		   struct target *t, struct eci_err *e)
{
	if ((st->setid_guard && sc_build_setid_guard(&t->guard, e) < 0) ||
	    sc_default(x->caps, &t->filter, e) < 0)
		return -1;
	if (x->tty && consock[0] && (t->console = runc_console_connect(consock, e)) < 0)
		return -1;
	return 0;
}

static void close_target(struct target *t)
{
	if (t->init_fd >= 0)
		close(steal_fd(t->init_fd));
	if (t->workload_fd >= 0)
		close(steal_fd(t->workload_fd));
	if (t->console >= 0)
		close(steal_fd(t->console));
}

/* --- mid: joins ----------------------------------------------------------- */

static void report(int fd, const struct xmsg *m)
{
	if (write(fd, m, sizeof(*m)) != (ssize_t)sizeof(*m)) { /* eci-runc sees no pid */ }
}

static void fail(const struct target *t, int code, const struct eci_err *e)
	__attribute__((noreturn));
static void fail(const struct target *t, int code, const struct eci_err *e)
{
	struct xmsg m = { .code = code };

	snprintf(m.msg, sizeof(m.msg), "%s", e->msg[0] ? e->msg : "exec failed");
	report(t->report, &m);
	_exit(code);
}

/* Is @name (@n bytes) one of the comma-separated @list? */
static bool in_list(const char *list, const char *name, size_t n)
{
	while (*list) {
		size_t len = strcspn(list, ",");

		if (len == n && !strncmp(list, name, n))
			return true;
		list += len + (list[len] == ',');
	}
	return false;
}

/* Does the comma-separated @opts hold each name of the comma-separated @want? */
static bool has_opts(const char *opts, const char *want)
{
	while (*want) {
		size_t n = strcspn(want, ",");

		if (!in_list(opts, want, n))
			return false;
		want += n + (want[n] == ',');
	}
	return true;
}

/*
 * Where the hierarchy of a /proc/PID/cgroup line (@ctrls: "" for v2) shows
 * @path, from our mountinfo: on this hybrid host v2 is on
 * /sys/fs/cgroup/unified, elsewhere on /sys/fs/cgroup.
 */
static int cg_dir(const char *mountinfo, const char *ctrls, const char *path, char *out,
		  size_t size)
{
	_cleanup_free_ char *info = strdup(mountinfo);
	char *save = NULL;

	if (!info)
		return -ENOMEM;
	for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[4096], mp[4096], fstype[64], sopts[1024];
		const char *sep = strstr(l, " - "), *rel = path;
		size_t rl;

		if (!sep || sscanf(l, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(sep, " - %63s %*s %1023s", fstype, sopts) != 2)
			continue;
		if (ctrls[0] ? strcmp(fstype, "cgroup") || !has_opts(sopts, ctrls)
			     : strcmp(fstype, "cgroup2"))
			continue;
		rl = strlen(root);
		if (strcmp(root, "/")) {	/* a mount of part of the hierarchy */
			if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
				continue;
			rel = path + rl;
		}
		return snprintf(out, size, "%s%s", mp, rel) < (int)size ? 0 : -ENAMETOOLONG;
	}
	return -ENOENT;
}

static int cg_join(const char *dir, struct eci_err *e)
{
	char path[4300], pid[32];
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "join the container's cgroup %s", dir);
	r = write_all(fd, pid, strlen(pid));
	return r < 0 ? eci_fail(e, -r, "join the container's cgroup %s", dir) : 0;
}

/* A line of /proc/PID/cgroup, "ID:controllers:/path": join that cgroup. */
static int cg_line(char *line, const char *mountinfo, struct eci_err *e)
{
	char *ctrls = strchr(line, ':'), *where, dir[4200];
	size_t n;
	int r;

	if (!ctrls || !(where = strchr(++ctrls, ':')))
		return 0;
	*where++ = '\0';
	n = strlen(where);
	if (where[0] != '/' || strstr(where, "/../") || (n >= 3 && !strcmp(where + n - 3, "/..")))
		return eci_fail(e, 0, "the container's cgroup %s is not a plain path", where);
	r = cg_dir(mountinfo, ctrls, where, dir, sizeof(dir));
	if (r == -ENOENT)
		return 0;	/* a hierarchy not mounted here has nothing to join */
	if (r < 0)
		return eci_fail(e, -r, "the container's cgroup %s", where);
	return cg_join(dir, e);
}

/*
 * Into pid 1's cgroup in every hierarchy it lists.  Read from the host, its
 * /proc/PID/cgroup shows host paths, whatever its cgroup namespace's root.
 */
static int join_cgroups(const struct target *t, struct eci_err *e)
{
	_cleanup_free_ char *cg = NULL, *info = NULL;
	char path[64], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)t->init);
	if (read_all_at(AT_FDCWD, path, 1 << 16, &cg, NULL) < 0 || !alive(t->init_fd))
		return eci_fail(e, 0, "the container's cgroups: pid 1 is gone");
	r = read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info, NULL);
	if (r < 0)
		return eci_fail(e, -r, "read /proc/self/mountinfo");
	for (char *l = strtok_r(cg, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (cg_line(l, info, e) < 0)
			return -1;
	return 0;
}

/* One setns() per process: pid 1's namespaces, then the workload's. */
static int join_ns(const struct target *t, struct eci_err *e)
{
	if (setns(t->init_fd, OF_INIT) < 0)
		return eci_fail(e, errno, "join the container's cgroup, ipc, uts and pid namespaces");
	if (setns(t->workload_fd, OF_WORKLOAD) < 0)
		return eci_fail(e, errno, "join the container's user, mount and network namespaces");
	return 0;
}

/* --- the process ---------------------------------------------------------- */

/* A pty of the container's devpts: the master to the engine, the slave ours. */
static int console(int sock, struct eci_err *e)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0, slave;

	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "open the container's /dev/ptmx");
	if (runc_console_send(sock, master, e) < 0)
		return -1;
	close(master);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 ||
	    dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return eci_fail(e, errno, "make the pty the controlling terminal");
	close(slave);
	return 0;
}


/*
 * The workload's last steps (init.c), its ids already set: no_new_privs
 * always, the bounding set, the set-id guard and the filter, then the
 * capabilities.
 */
static int lock_down(const struct target *t, const struct xproc *x, struct eci_err *e)
{
	const struct lockdown l = { .no_new_privs = true, .caps = x->caps, .guard = &t->guard,
				    .filter = &t->filter };

	if (init_lock_down(&l, e) < 0)
		return -1;
	return caps_apply(x->caps, 0, x->user.uid == 0, e);
}

static void run(struct target *t, const struct xproc *x) __attribute__((noreturn));
static void run(struct target *t, const struct xproc *x)
{
	extern char **environ;
	struct eci_err e = { 0 };

	if (x->tty && t->console >= 0 && console(t->console, &e) < 0)
		fail(t, EXIT_CANNOT_INVOKE, &e);
	close_target(t);
	if (chdir(x->cwd) < 0) {
		eci_fail(&e, errno, "working directory %s", x->cwd);
		fail(t, EXIT_CANNOT_INVOKE, &e);
	}
	if (lock_down(t, x, &e) < 0)
		fail(t, EXIT_CANNOT_INVOKE, &e);
	fail(t, init_exec(x->argv, x->env, &e), &e);
}

static void mid(struct target *t, const struct xproc *x, bool detach) __attribute__((noreturn));
static void mid(struct target *t, const struct xproc *x, bool detach)
{
	struct xmsg m = { 0 };
	struct eci_err e = { 0 };
	int status;

	/* First: its children inherit it, until they exec. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		eci_fail(&e, errno, "PR_SET_DUMPABLE");
		fail(t, 1, &e);
	}
	if (join_cgroups(t, &e) < 0 || join_ns(t, &e) < 0 || init_set_ids(&x->user, &e) < 0)
		fail(t, 1, &e);
	m.pid = fork();
	if (m.pid < 0) {
		eci_fail(&e, errno, "fork in the container's pid namespace");
		fail(t, 1, &e);
	}
	if (m.pid == 0)
		run(t, x);
	report(t->report, &m);	/* its host pid: fork() answers in our namespace */
	close(t->report);
	close_target(t);
	if (detach)
		_exit(0);
	while (waitpid(m.pid, &status, 0) < 0)
		if (errno != EINTR)
			_exit(1);
	_exit(exit_code(status));
}

/* --- eci-runc ------------------------------------------------------------- */

/* Until end-of-file: the process exec'd (or died).  @got: its pid, and the
 * first failure reported, if any. */
static void await(int fd, struct xmsg *got)
{
	struct xmsg m;
	ssize_t n;

	memset(got, 0, sizeof(*got));
	while ((n = read(fd, &m, sizeof(m))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n != (ssize_t)sizeof(m))
			break;
		m.msg[sizeof(m.msg) - 1] = '\0';
		if (m.pid > 0)
			got->pid = m.pid;
		else if (!got->code) {
			got->code = m.code ? m.code : 1;
			memcpy(got->msg, m.msg, sizeof(m.msg));
		}
	}
}

static int write_pidfile(const char *path, pid_t pid)
{
	char tmp[4200];
	FILE *f;

	if (!path[0])
		return 0;
	snprintf(tmp, sizeof(tmp), "%s.tmp", path);
	f = fopen(tmp, "we");
	if (!f || fprintf(f, "%d", (int)pid) < 0 || fclose(f) != 0 || rename(tmp, path) < 0) {
		runc_err("--pid-file %s: %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

static int start(struct target *t, const struct xproc *x, const char *pidfile, bool detach)
{
	struct xmsg got;
	int pipefd[2], status = 0;
	pid_t pid;

	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		runc_err("exec: pipe: %s", strerror(errno));
		return 1;
	}
	t->report = pipefd[1];
	pid = fork();
	if (pid == 0) {
		close(pipefd[0]);
		mid(t, x, detach);
	}
	close(pipefd[1]);
	close_target(t);
	if (pid < 0) {
		close(pipefd[0]);
		runc_err("exec: fork: %s", strerror(errno));
		return 1;
	}
	await(pipefd[0], &got);
	close(pipefd[0]);
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	if (got.code) {
		runc_err("%s", got.msg);
		/* without --detach, the command's own code (126, 127) */
		return detach || !got.pid ? 1 : WIFEXITED(status) ? WEXITSTATUS(status) : 1;
	}
	if (!got.pid) {
		runc_err("exec: the joining process died (status %d)", status);
		return 1;
	}
	if (write_pidfile(pidfile, got.pid) < 0)
		return 1;
	if (detach)
		return 0;
	return exit_code(status);
}

int runc_exec(const char *root, const char *id, const char *process, const char *pidfile,
	      const char *consock, bool detach, uint64_t ceiling)
{
	static struct rstate st;
	struct target t = { .init_fd = -1, .workload_fd = -1, .console = -1, .report = -1 };
	struct eci_err e = { 0 };
	struct xproc x = { 0 };
	uint64_t bnd = 0;
	int code = 1;

	if (runc_read_state(root, id, &st) < 0 || strcmp(runc_status(root, id, &st), "running")) {
		runc_err("container %s is not running", id);
		return 1;
	}
	/* No more capabilities than the container's own, whatever the
	 * process file asks for (docker exec --privileged included). */
	if (open_target(id, &st, &t, &e) < 0 || bounding_of(&t, &bnd, &e) < 0 ||
	    load_process(process, &x, ceiling & bnd, &e) < 0 ||
	    prepare(&st, &x, consock, &t, &e) < 0)
		runc_err("%s", e.msg);
	else
		code = start(&t, &x, pidfile, detach);
	close_target(&t);
	free(t.guard.insns);
	free(t.filter.insns);
	free_process(&x);
	return code;
}
