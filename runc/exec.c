// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - eci-runc exec: a new process in a running container
 *
 * Theory of Operation: the process joins the container through the core
 * (core/join.c), as eci-run exec does: pid 1's cgroup, ipc, uts and pid
 * namespaces and the workload's nested user, mount and network
 * namespaces, held by pidfds checked after the open and while alive, by a
 * process made non-dumpable before any setns().  Here pid 1's pidfd is
 * checked against the start time state.json recorded (runc_open_init).
 * It gets no more than the container has: capabilities within the
 * workload's bounding set, no_new_privs, the set-id guard when the
 * container has one, the default seccomp filter, only fds 0-2.
 *
 * eci-runc runs as host root, and whatever joins the container's user
 * namespace becomes visible to, and reachable by, what runs in there.  So:
 *   - everything that needs the host is done first, in the host's mount
 *     and cgroup namespaces: the joining process ("mid") moves itself into
 *     pid 1's cgroup in every hierarchy (docker's --memory and
 *     --pids-limit cover the exec'd process too), and eci-runc has
 *     connected to --console-socket, a host path;
 *   - mid takes the process's rlimits and OOM score first, as host root
 *     (raising a hard limit takes the host's CAP_SYS_RESOURCE);
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

struct xproc {
	char **argv;
	char **env;
	char cwd[4096];
	struct user user;	/* ids and groups (name and home unused) */
	bool tty;
	unsigned short rows, cols;	/* consoleSize, or 0 */
	uint64_t caps;		/* bounding */
	struct spec_oci oci;	/* the other sets, rlimits, oomScoreAdj, umask */
};

/* What the joining processes hold: all opened on the host. */
struct target {
	struct join_target j;		/* pid 1 and the workload, by pidfds */
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

static uint64_t cap_list(json_t *list)
{
	uint64_t set = 0, m;
	struct eci_err ignored;
	size_t i;
	json_t *v;

	/* a name this kernel does not know cannot be held: ignored, as runc does */
	json_array_foreach(list, i, v)
		if (json_is_string(v) && caps_parse("capability", json_string_value(v), &m, &ignored) == 0)
			set |= m;
	return set;
}

/* The five sets, each within the bounding set, itself within @ceiling. */
static int capabilities(const char *file, json_t *caps, struct xproc *x, uint64_t ceiling,
			struct eci_err *e)
{
	struct spec_oci *o = &x->oci;

	x->caps = cap_list(json_object_get(caps, "bounding")) & ceiling;
	o->caps_set = true;
	o->effective = cap_list(json_object_get(caps, "effective"));
	o->permitted = cap_list(json_object_get(caps, "permitted"));
	o->inheritable = cap_list(json_object_get(caps, "inheritable"));
	o->ambient = cap_list(json_object_get(caps, "ambient"));
	if (o->effective & ~o->permitted)
		return eci_fail(e, 0, "%s: capabilities.effective: a capability that is not in "
				"permitted", file);
	if (o->ambient & ~(o->permitted & o->inheritable))
		return eci_fail(e, 0, "%s: capabilities.ambient: a capability that is not in both "
				"permitted and inheritable", file);
	o->effective &= x->caps;
	o->permitted &= x->caps;
	o->inheritable &= x->caps;
	o->ambient &= x->caps;
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
	if (capabilities(file, json_object_get(p, "capabilities"), x, ceiling, e) < 0 ||
	    runc_process_more(p, &x->oci, &x->rows, &x->cols, "--process", e) < 0)
		return -1;
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

static int open_target(const char *id, const struct rstate *st, struct target *t,
		       struct eci_err *e)
{
	t->j.init = st->pid;
	t->j.init_fd = runc_open_init(st);
	if (t->j.init_fd < 0)
		return eci_fail(e, 0, "container %s is not running", id);
	return join_open(&t->j, e);
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
	join_close(&t->j);
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

/* --- the process ---------------------------------------------------------- */

/* A pty of the container's devpts: the master to the engine, the slave ours. */
static int console(int sock, const struct xproc *x, struct eci_err *e)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0, slave;

	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "open the container's /dev/ptmx");
	if (x->rows && x->cols &&
	    ioctl(master, TIOCSWINSZ, &(struct winsize){ .ws_row = x->rows, .ws_col = x->cols }) < 0)
		return eci_fail(e, errno, "process.consoleSize");
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
	return caps_sets(x->oci.effective, x->oci.permitted, x->oci.inheritable, x->oci.ambient, e);
}

static void run(struct target *t, const struct xproc *x) __attribute__((noreturn));
static void run(struct target *t, const struct xproc *x)
{
	extern char **environ;
	struct eci_err e = { 0 };

	if (x->tty && t->console >= 0) {
		if (console(t->console, x, &e) < 0)
			fail(t, EXIT_CANNOT_INVOKE, &e);
	} else if (setsid() < 0) {
		/* a session of its own: no controlling terminal to push input into */
		eci_fail(&e, errno, "setsid");
		fail(t, EXIT_CANNOT_INVOKE, &e);
	}
	close_target(t);
	if (chdir(x->cwd) < 0) {
		eci_fail(&e, errno, "working directory %s", x->cwd);
		fail(t, EXIT_CANNOT_INVOKE, &e);
	}
	if (lock_down(t, x, &e) < 0)
		fail(t, EXIT_CANNOT_INVOKE, &e);
	if (x->oci.umask >= 0)
		umask((mode_t)x->oci.umask);
	fail(t, init_exec(x->argv, x->env, &e), &e);
}

static void mid(struct target *t, const struct xproc *x, bool detach) __attribute__((noreturn));
static void mid(struct target *t, const struct xproc *x, bool detach)
{
	struct xmsg m = { 0 };
	struct eci_err e = { 0 };
	int status;

	/* First: its children inherit it, until they exec (join.c). */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
		eci_fail(&e, errno, "PR_SET_DUMPABLE");
		fail(t, 1, &e);
	}
	/* rlimits and OOM score while host root may still raise them */
	if (rlimit_apply(0, &x->oci, &e) < 0 || cgroup_join_of(t->j.init, t->j.init_fd, &e) < 0 ||
	    join_enter(&t->j, false, &e) < 0 || init_set_ids(&x->user, &e) < 0)
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
	if (runc_write_pidfile(pidfile, got.pid) < 0) {
		runc_err("--pid-file %s: %s", pidfile, strerror(errno));
		return 1;
	}
	if (detach)
		return 0;
	return exit_code(status);
}

int runc_exec(const char *root, const char *id, const char *process, const char *pidfile,
	      const char *consock, bool detach, uint64_t ceiling)
{
	static struct rstate st;
	struct target t = { .j = { .init_fd = -1, .workload_fd = -1 }, .console = -1, .report = -1 };
	struct eci_err e = { 0 };
	struct xproc x = { .oci.umask = -1 };
	uint64_t bnd = 0;
	int code = 1;

	if (runc_read_state(root, id, &st) < 0) {
		runc_err("container %s does not exist", id);
		return 1;
	}
	if (!strcmp(runc_status(root, id, &st), "paused")) {
		runc_err("cannot exec in a paused container");
		return 1;
	}
	if (strcmp(runc_status(root, id, &st), "running")) {
		runc_err("container %s is not running", id);
		return 1;
	}
	/* No more capabilities than the container's own, whatever the
	 * process file asks for (docker exec --privileged included). */
	if (open_target(id, &st, &t, &e) < 0 || join_bounding(&t.j, &bnd, &e) < 0 ||
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
