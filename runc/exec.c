// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * exec.c - eci-runc exec: a new process in a running container
 *
 * The process joins the namespaces of the container's workload — its nested
 * user, mount and network namespaces, where every mount is locked, and the
 * pid, ipc, uts and cgroup namespaces of the container — and gets no more
 * than the container has: capabilities within the container's set, the
 * default seccomp filter, no_new_privs, only fds 0-2.  setns() into a pid
 * namespace applies to children, so the process is forked once more after
 * joining; with --detach its pid goes to --pid-file and it is left to the
 * shim, as runc does.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <jansson.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runc.h"
#include "util.h"

struct xproc {
	char **argv;
	char **env;
	char cwd[4096];
	uid_t uid;
	gid_t gid;
	bool tty, nnp;
	uint64_t caps;
};

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
	x->uid = (uid_t)json_integer_value(json_object_get(json_object_get(p, "user"), "uid"));
	x->gid = (gid_t)json_integer_value(json_object_get(json_object_get(p, "user"), "gid"));
	x->tty = json_is_true(json_object_get(p, "terminal"));
	x->nnp = json_is_true(json_object_get(p, "noNewPrivileges"));
	x->caps = 0;
	json_array_foreach(json_object_get(json_object_get(p, "capabilities"), "bounding"), i, v) {
		uint64_t m;

		if (json_is_string(v) && caps_parse("capability", json_string_value(v), &m, e) == 0)
			x->caps |= m;
	}
	x->caps &= ceiling;
	if (x->uid > 65535 || x->gid > 65535)
		return eci_fail(e, 0, "%s: user %u:%u is outside the container's ids", file,
				(unsigned)x->uid, (unsigned)x->gid);
	return 0;
}

static int join(pid_t workload, pid_t init, struct eci_err *e)
{
	static const struct {
		const char *name;
		int type;
		bool of_init;
	} order[] = {
		{ "cgroup", CLONE_NEWCGROUP, true }, { "ipc", CLONE_NEWIPC, true },
		{ "uts", CLONE_NEWUTS, true },	     { "net", CLONE_NEWNET, false },
		{ "pid", CLONE_NEWPID, true },	     { "mnt", CLONE_NEWNS, false },
		{ "user", CLONE_NEWUSER, false },
	};
	int fds[7];

	/* Open them all first: once in a user namespace, the others are out
	 * of reach. */
	for (size_t i = 0; i < 7; i++) {
		char path[64];

		snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)(order[i].of_init ? init : workload),
			 order[i].name);
		fds[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (fds[i] < 0)
			return eci_fail(e, errno, "%s", path);
	}
	for (size_t i = 0; i < 7; i++) {
		if (setns(fds[i], order[i].type) < 0)
			return eci_fail(e, errno, "join the container's %s namespace", order[i].name);
		close(fds[i]);
	}
	return 0;
}

/* A pty of the container's devpts: the master to the engine, the slave ours. */
static int console(const char *path, struct eci_err *e)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0, slave;

	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0 ||
	    (slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY)) < 0)
		return eci_fail(e, errno, "pty");
	if (runc_send_console(path, master, e) < 0)
		return -1;
	close(master);
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0 || dup2(slave, 0) < 0 ||
	    dup2(slave, 1) < 0 || dup2(slave, 2) < 0)
		return eci_fail(e, errno, "controlling terminal");
	close(slave);
	return 0;
}

/* The bounding set of the container's workload: what an exec may have. */
static int bounding_of(pid_t pid, uint64_t *caps, struct eci_err *e)
{
	char path[64], *status = NULL, *line;
	unsigned long long v;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	r = read_all_at(AT_FDCWD, path, 1 << 16, &status, NULL);
	if (r < 0)
		return eci_fail(e, -r, "read %s", path);
	line = strstr(status, "\nCapBnd:");
	r = line && sscanf(line, "\nCapBnd: %llx", &v) == 1 ? 0 : -1;
	free(status);
	if (r < 0)
		return eci_fail(e, 0, "%s: no CapBnd", path);
	*caps = v;
	return 0;
}

static void run(struct xproc *x, const char *consock) __attribute__((noreturn));
static void run(struct xproc *x, const char *consock)
{
	extern char **environ;
	struct sc_filter f = { 0 };
	struct eci_err e = { 0 };
	bool root = x->uid == 0;

	if ((x->tty && consock[0] && console(consock, &e) < 0) || chdir(x->cwd) < 0 ||
	    prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||	/* always, as for the workload */
	    caps_drop_bounding(x->caps, &e) < 0 || sc_default(x->caps, &f, &e) < 0 ||
	    sc_load(&f, &e) < 0 || (!root && caps_keep_across_setuid(&e) < 0) ||
	    setgroups(0, NULL) < 0 || setresgid(x->gid, x->gid, x->gid) < 0 ||
	    setresuid(x->uid, x->uid, x->uid) < 0 || caps_apply(x->caps, 0, root, &e) < 0) {
		runc_err("exec: %s", e.msg[0] ? e.msg : strerror(errno));
		_exit(EXIT_CANNOT_INVOKE);
	}
	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	environ = x->env;
	execvp(x->argv[0], x->argv);
	runc_err("exec %s: %s", x->argv[0], strerror(errno));
	_exit(errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE);
}

int runc_exec(const char *root, const char *id, const char *process, const char *pidfile,
	      const char *consock, bool detach, uint64_t ceiling)
{
	struct eci_err e = { 0 };
	struct xproc x = { 0 };
	char path[64], *kids = NULL;
	int pipefd[2], status;
	pid_t init, workload = 0, mid, proc = 0;
	uint64_t bnd = 0;

	if (runc_read_state(root, id, &init, NULL, 0) < 0 ||
	    strcmp(runc_status(root, id, init), "running")) {
		runc_err("container %s is not running", id);
		return 1;
	}
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init, (int)init);
	if (read_all_at(AT_FDCWD, path, 256, &kids, NULL) == 0)
		workload = (pid_t)atoi(kids);
	free(kids);
	/* No more capabilities than the container's own, whatever the
	 * process file asks for (docker exec --privileged included). */
	if (workload <= 0 || bounding_of(workload, &bnd, &e) < 0 ||
	    load_process(process, &x, ceiling & bnd, &e) < 0) {
		runc_err("%s", e.msg[0] ? e.msg : "the container has no workload");
		return 1;
	}
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return 1;
	mid = fork();
	if (mid == 0) {
		pid_t p;

		if (join(workload, init, &e) < 0) {
			runc_err("exec: %s", e.msg);
			_exit(1);
		}
		p = fork();
		if (p == 0)
			run(&x, consock);
		if (write(pipefd[1], &p, sizeof(p)) < 0) { /* read below */ }
		if (!detach) {
			while (waitpid(p, &status, 0) < 0 && errno == EINTR)
				;
			_exit(WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status));
		}
		_exit(0);
	}
	close(pipefd[1]);
	for (char **a = x.argv; *a; a++)
		free(*a);
	for (char **a = x.env; *a; a++)
		free(*a);
	free(x.argv);
	free(x.env);
	if (read(pipefd[0], &proc, sizeof(proc)) != sizeof(proc) || proc <= 0) {
		waitpid(mid, &status, 0);
		return 1;
	}
	close(pipefd[0]);
	if (pidfile[0]) {
		FILE *f = fopen(pidfile, "we");

		if (f) {
			fprintf(f, "%d", (int)proc);
			fclose(f);
		}
	}
	while (waitpid(mid, &status, 0) < 0 && errno == EINTR)
		;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}
