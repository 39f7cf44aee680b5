// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * init.c - the container's pid 1
 *
 * The container's pid 1 is a small init of eci's own: it forks the
 * workload, passes on the signals eci-run forwards, reaps it, and exits
 * with its status (128+N if a signal N killed it).  When it exits the
 * kernel kills whatever is left in the container.
 *
 * As with runc and docker, the workload is pid 1 of a pid namespace of its
 * own, cloned with CLONE_NEWPID below pid 1's, which it cannot see: a
 * system container's systemd must be pid 1, a process orphaned inside is
 * re-parented to the workload, and the kernel's rule for a namespace's
 * init applies to it: a signal it has no handler for is dropped, whoever
 * sends it (eci-run's SIGTERM passed on, eci-run kill), except SIGKILL and
 * SIGSTOP from an ancestor namespace.  So a workload that does not handle
 * SIGTERM runs on until eci-run stop's timeout kills pid 1 (SIGKILL), as
 * docker stop does.  Its /proc must be a procfs of its own namespace,
 * which only a process in it can make: the workload makes it first thing
 * (fsopen and fsmount, still container root in pid 1's namespaces, where
 * the host's /proc is fully visible as the kernel requires) and hands it
 * to pid 1 over the nest socket; pid 1 mounts it at /proc of the root and
 * masks it as any /proc (mounts/system.c).
 *
 * With eci-run --init the workload shares pid 1's pid namespace as pid 2:
 * eci's init reaps every orphan and the workload gets every signal passed
 * on, as with docker --init.  So it does in a pid namespace joined
 * (eci-runc: a pod, docker --pid container:X), where pid 1 itself runs in
 * the other container's workload's (runc/nsjoin.c).
 *
 * The workload runs in nested namespaces that lock the system view (nest.c).
 * Granted CAP_SYS_ADMIN, it passes pid 1 the listener of its mount
 * supervisor's filter over the nest socket once it has loaded it, and pid 1
 * mounts a new procfs or sysfs for it, masked, between reaping its children
 * (mountsup.c).
 * The workload inherits stdin, stdout and stderr and nothing else: every
 * other fd is marked close-on-exec (close_range) before exec, so no host fd
 * reaches it.  eci-run exec (execcmd.c) takes a new process through the same
 * last steps, from the workload's namespaces, which it has joined, to exec:
 * the same tty, user, capabilities, no_new_privs and seccomp filter.
 */
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/close_range.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "fdpass.h"
#include "mounts.h"
#include "net.h"
#include "subid.h"
#include "util.h"

/* -w: like docker, create the working directory if it is missing. */
static int enter_workdir(const char *dir, struct eci_err *e)
{
	char path[4096];

	if (chdir(dir) == 0)
		return 0;
	if (errno != ENOENT || strlen(dir) >= sizeof(path))
		return eci_fail(e, errno, "working directory %s", dir);
	strcpy(path, dir);
	for (char *p = path + 1;; p++) {
		char c = *p;

		if (c == '/' || c == '\0') {
			*p = '\0';
			if (mkdir(path, 0755) < 0 && errno != EEXIST)
				return eci_fail(e, errno, "create working directory %s", dir);
			*p = c;
		}
		if (!c)
			break;
	}
	return chdir(dir) < 0 ? eci_fail(e, errno, "working directory %s", dir) : 0;
}

/*
 * A process becomes the container's in two steps, the same for the
 * workload, eci-run exec and eci-runc exec; only their order differs.
 * init_set_ids() takes the user's ids (a non-root user keeps its
 * capabilities until init_lock_down() has set them).  init_lock_down()
 * sets no_new_privs, shrinks the bounding set, loads the set-id guard and
 * the seccomp filter, and leaves exactly the container's capabilities.
 * The workload locks down first and takes its ids last: it starts as the
 * namespace's root, and its filter may need CAP_SYS_ADMIN to be loaded
 * (without no_new_privs), which a non-root user no longer has.  An exec
 * of eci-runc takes its ids first, before it is forked into the
 * container's pid namespace where the container could see it, and locks
 * down after (it always sets no_new_privs).
 */
int init_set_ids(const struct user *u, struct eci_err *e)
{
	if (u->uid != 0 && caps_keep_across_setuid(e) < 0)
		return -1;
	if (setgroups((size_t)u->ngroups, u->groups) < 0)
		return eci_fail(e, errno, "setgroups");
	if (setresgid(u->gid, u->gid, u->gid) < 0)
		return eci_fail(e, errno, "setresgid %u", (unsigned)u->gid);
	if (setresuid(u->uid, u->uid, u->uid) < 0)
		return eci_fail(e, errno, "setresuid %u", (unsigned)u->uid);
	return 0;
}

int init_lock_down(const struct lockdown *l, struct eci_err *e)
{
	if (l->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_NO_NEW_PRIVS");
	if (caps_drop_bounding(l->caps, e) < 0)
		return -1;
	/* The set-id guard first: the profile may not allow seccomp() again. */
	if (sc_load(l->guard, e) < 0)
		return -1;
	if (l->supervisor && (*l->listener = sc_load_listener(l->supervisor, e)) < 0)
		return -1;
	return sc_load(l->filter, e);
}

/*
 * The workload proper (@nest, not eci-run exec's process) granted
 * CAP_SYS_ADMIN: its mounts supervised by pid 1 (mountsup.c), which gets
 * the listener over @nest.
 */
static int workload_lock_down(struct spec *s, int nest, struct eci_err *e)
{
	struct sc_filter sup = { 0 };
	int listener = -1;
	const struct lockdown l = { .no_new_privs = s->no_new_privs, .caps = s->caps,
				    .guard = &s->setid_guard, .filter = &s->seccomp,
				    .supervisor = nest >= 0 && sup_wanted(s) ? &sup : NULL,
				    .listener = &listener };
	int r;

	if (l.supervisor && sc_build_supervisor(&sup, e) < 0)
		return -1;
	r = init_lock_down(&l, e);
	free(sup.insns);
	if (listener >= 0) {
		if (r == 0 && fd_send(nest, "s", 1, listener) < 0)
			r = eci_fail(e, errno, "pass the mount supervisor's listener");
		close(listener);
	}
	return r;
}

/*
 * Whether the workload can lock down before it is let go, while pid 1
 * builds the root, instead of just before its exec: loading a filter is
 * the kernel compiling it, a quarter of a millisecond for the default one,
 * which the start then no longer waits for.  What the workload does after
 * that (copy the mount namespace, setsid, open /dev/null and the
 * image's /etc/passwd, chdir and mkdir, take its ids and capabilities,
 * exec) must get through the filters: the set-id guard refuses none of it
 * and the default filter allows all of it (unshare(CLONE_NEWNS) by a rule
 * of its own, seccomp.c).  A profile of the user's may refuse any of it,
 * so it is loaded last, as is the mount supervisor's filter (it hears
 * mounts, and its listener goes to pid 1 over @nest after the release)
 * and the filter of a workload with a terminal (-t), which binds it on
 * /dev/console with the mount API.
 */
static bool lock_down_early(const struct spec *s, int nest)
{
	return nest >= 0 && !sup_wanted(s) && (!s->seccomp.insns || s->seccomp.setup_ok) &&
	       !s->tty;
}

static int become_user(struct spec *s, const struct user *u, int nest, bool locked,
		       struct eci_err *e)
{
	if (!locked && workload_lock_down(s, nest, e) < 0)
		return -1;
	if (init_set_ids(u, e) < 0)
		return -1;
	return caps_workload(s, u->uid == 0, e);
}

static int stdin_null(struct eci_err *e)
{
	int null = open("/dev/null", O_RDONLY | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0)
		return eci_fail(e, errno, "stdin /dev/null");
	close(null);
	return 0;
}

/* pid 1's CPUs, which the workload has again once it is mapped
 * (init_fork()). */
static cpu_set_t init_cpus;
static bool init_cpus_known;

/* Mapped, the workload only waits to be let go, and then runs: on every
 * CPU of pid 1's at once, not only once it has run on the one it had.
 * pid 1 gives them back (init_main()); the workload takes them itself as
 * well (@pid 0, prepare()), whatever became of that, before its exec. */
static int workload_cpus_back(pid_t pid)
{
	if (init_cpus_known)
		sched_setaffinity(pid, sizeof(init_cpus), &init_cpus);
	return 0;
}

/*
 * Always a session of its own, as runc's init does.  With -t the session's
 * terminal is the container's pty (tty.c).  Without it, fds 0-2 may still
 * be the user's terminal (-i, or output left on it), and a process whose
 * controlling terminal that is could push input into it with TIOCSTI
 * (CVE-2017-5226; where dev.tty.legacy_tiocsti is 1), to be run by the
 * user's shell once eci-run exits, whatever seccomp profile it was given.
 * In a new session it has no controlling terminal: TIOCSTI on a terminal
 * that is not the caller's own needs CAP_SYS_ADMIN in the initial user
 * namespace, and so does TIOCSCTTY of a terminal that is already another
 * session's.  The terminal's signals (^C, ^\) no longer reach it directly:
 * pid 1, still in eci-run's process group, passes them on (signals.c).
 */
static int prepare(struct spec *s, int sock, int nest, struct eci_err *e)
{
	bool tool = s->net.mode == NET_PASTA || s->net.mode == NET_SLIRP;
	bool early = lock_down_early(s, nest);
	struct user u;
	char home[300];

	if (nest >= 0 && nest_enter(nest, s->net.mode != NET_HOST && !s->engine.netns_given,
				    tool ? NET_IFNAME : NULL, sock, net_flag(&s->net),
				    s->engine.nest_userns, s->engine.nest_netns, e) < 0)
		return -1;
	if (early && workload_lock_down(s, nest, e) < 0)
		return -1;
	if (nest >= 0 && nest_await(nest, &s->tty_fd, e) < 0)
		return -1;
	workload_cpus_back(0);
	close(s->engine.nest_userns);	/* the other container's: not the workload's to keep */
	close(s->engine.nest_netns);
	s->engine.nest_userns = s->engine.nest_netns = -1;
	if (s->tty && s->tty_fd >= 0) {
		/* eci-runc: pid 1 made the pty before start */
		if (tty_console(s->tty_fd, e) < 0)
			return -1;
		if (setsid() < 0 || ioctl(s->tty_fd, TIOCSCTTY, 0) < 0 || dup2(s->tty_fd, 0) < 0 ||
		    dup2(s->tty_fd, 1) < 0 || dup2(s->tty_fd, 2) < 0)
			return eci_fail(e, errno, "make the pty the controlling terminal");
	} else if (s->tty) {
		if (tty_child(s, sock, e) < 0)
			return -1;
	} else {
		if (setsid() < 0)
			return eci_fail(e, errno, "setsid");
		if (!s->interactive && stdin_null(e) < 0)
			return -1;
	}
	if (s->engine.on && s->oci.umask >= 0)	/* process.user.umask */
		umask((mode_t)s->oci.umask);
	if (user_of_spec(s, &u, e) < 0 || enter_workdir(s->workdir, e) < 0)
		return -1;
	snprintf(home, sizeof(home), "HOME=%s", u.home[0] ? u.home : "/");
	if (!s->home_set && env_set(s, home, true) < 0)
		return eci_fail(e, ENOMEM, "HOME");
	return become_user(s, &u, nest, early, e);
}

void init_workload(struct spec *s, int sock, int nest)
{
	extern char **environ;
	struct eci_err e = { 0 };
	sigset_t none;
	int code;

	/* Held until exec (init_fork): one that came meanwhile acts now, on
	 * the workload as it starts, not on a setup half done. */
	container_default_signals();
	if (prepare(s, sock, nest, &e) < 0) {
		sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, &e);
		_exit(EXIT_ECI);
	}
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	code = init_exec(s->argv, s->env, &e);
	sync_send_fail(sock, SYNC_EXEC_FAIL, code, &e);
	_exit(code);
}

int init_exec(char **argv, char **env, struct eci_err *e)
{
	extern char **environ;
	int err;

	syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
	tl_mark("workload: exec");
	environ = env;
	execvp(argv[0], argv);
	err = errno;
	/* docker makes its exit code of these words (in any case) */
	if (err == ENOENT && !strchr(argv[0], '/'))
		eci_fail(e, 0, "exec %s: executable file not found in $PATH", argv[0]);
	else
		eci_fail(e, err, "exec %s", argv[0]);
	return err == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_INVOKE;
}

/*
 * The launcher's answer, just before the workload goes, with the program's
 * pidfd: wait here until it has configured the interface (the default
 * route, its last step; with -p the launcher answered only once the
 * program was ready, and the route is there) or exited.  The netlink
 * socket must see the workload's routes: pid 1 joined its network
 * namespace to mount /sys (init_enter_root()), and joins it again here so
 * that this does not rest on that (in the host's, where pid 1 starts, a
 * default route exists).
 *
 * The pidfd and the socket are closed before the workload is let go.  The
 * pidfd is not powerless: the program joined the workload's user namespace,
 * where the workload's root holds every capability it was granted, so with
 * CAP_KILL it could signal the program through it.  Without it the
 * workload cannot name the program at all (it is in no pid namespace the
 * container sees).
 */
static int await_network(struct spec *s, int sock, pid_t pid, int *failed, struct eci_err *e)
{
	struct sync_msg m = { 0 };
	int fd, r;

	if (s->net.mode != NET_PASTA && s->net.mode != NET_SLIRP)
		return 0;
	fd = fd_recv(sock, &m, sizeof(m));
	if (fd < 0 || m.type != SYNC_NET_DONE) {
		if (fd >= 0)
			close(fd);
		return eci_fail(e, 0, "the network of %s was not set up", net_flag(&s->net));
	}
	if (nest_join_net(pid, e) < 0) {
		close(fd);
		return -1;
	}
	r = nl_await_default_route(fd, NET_READY_TIMEOUT_MS);
	close(fd);
	if (r == -ECHILD || r == -ETIMEDOUT) {
		*failed = SYNC_NET_FAIL;
		return net_fail(&s->net, s->statedir, -r, false, e);
	}
	if (r < 0)
		return eci_fail(e, -r, "%s: wait for the network", net_flag(&s->net));
	tl_mark("pid 1: network up");
	return 0;
}

/*
 * With sys_late (eci-run): into the workload's network namespace and /sys
 * for it first.  sysfs must be mounted before pivot_root: a user namespace
 * may mount it only where the host's is visible in the mount namespace.
 */
/*
 * A network namespace the engine made afresh belongs to the host's user
 * namespace, for which the kernel lets no container mount sysfs (nor join
 * it again): /sys comes from an empty network namespace of the
 * container's own, made by a child that shares pid 1's mount namespace.
 * Its class/net lists no interface of the engine's; netlink does.
 */
struct sys_at {
	const struct mnt_plan *plan;
	int rootfd;
};

static int sys_in_empty_net(void *ctx, struct eci_err *e)
{
	const struct sys_at *at = ctx;

	if (unshare(CLONE_NEWNET) < 0)
		return eci_fail(e, errno, "a network namespace for /sys");
	return mnt_sys(at->plan, at->rootfd, e);
}

static int sys_apart(const struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	struct sys_at at = { .plan = p, .rootfd = rootfd };

	return eci_in_child(sys_in_empty_net, &at, "mount /sys", e);
}

int init_enter_root(struct spec *s, int rootfd, pid_t workload_pid, struct eci_err *e)
{
	if (s->mnt.sys_late && s->engine.netns_given) {
		if (sys_apart(&s->mnt, rootfd, e) < 0)
			return -1;
	} else if (s->mnt.sys_late &&
		   (nest_join_net(workload_pid, e) < 0 || mnt_sys(&s->mnt, rootfd, e) < 0)) {
		return -1;
	}
	if (s->mnt.cg_tree_fd >= 0)
		close(s->mnt.cg_tree_fd);	/* in place, or left in the scratch tmpfs */
	s->mnt.cg_tree_fd = -1;
	if (mnt_pivot(rootfd, e) < 0)
		return -1;
	tl_mark("pid 1: pivoted");
	return 0;
}

/*
 * With a terminal, the create process's stdio are the engine's capture
 * pipes: pid 1 must not keep them open, or the engine waits for them to
 * close until the container ends.  The workload gets the pty.
 */
static int detach_stdio(struct eci_err *e)
{
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (null < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 || dup2(null, 2) < 0)
		return eci_fail(e, errno, "stdio /dev/null");
	close(null);
	return 0;
}

/* A pty of the container's devpts: the master goes to the engine, the
 * workload makes the slave its terminal (init.c). */
static int engine_tty(struct spec *s, int sock, struct eci_err *e)
{
	int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC), unlock = 0;
	struct sync_msg m = { .type = SYNC_TTY };

	if (master < 0 || ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return eci_fail(e, errno, "open /dev/ptmx");
	/* process.consoleSize */
	if (s->tty_rows && s->tty_cols &&
	    ioctl(master, TIOCSWINSZ, &(struct winsize){ .ws_row = s->tty_rows,
						     .ws_col = s->tty_cols }) < 0)
		return eci_fail(e, errno, "process.consoleSize");
	s->tty_fd = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (s->tty_fd < 0)
		return eci_fail(e, errno, "open the pty");
	if (fd_send(sock, &m, sizeof(m), master) < 0)
		return eci_fail(e, errno, "pass the pty");
	close(master);
	return 0;
}


/*
 * eci-runc: the root is built and pid 1 is in it, in the workload's network
 * namespace — the one the engine's prestart hooks configure through pid
 * 1's.  Make the pty the engine asked for, report ready and wait for start.
 */
static int await_start(struct spec *s, int sock, struct eci_err *e)
{
	struct sync_msg m = { .type = SYNC_READY };
	char c;

	if (s->tty && (engine_tty(s, sock, e) < 0 || detach_stdio(e) < 0))
		return -1;
	/* Before the word: create exits once it has it, and the shim adopts
	 * us.  Should create die first, the collector ends us (runc/state.c:
	 * we hold its lock). */
	prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
	if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) != (ssize_t)sizeof(m))
		return eci_fail(e, errno, "report ready");
	while (read(s->engine.start_fd, &c, 1) < 0 && errno == EINTR)
		;
	close(s->engine.start_fd);
	return 0;
}

/*
 * eci-runc: the workload's program, looked for as runc's create does, in
 * the container's root (pid 1's now), by the PATH of its environment, so
 * that a missing one fails the create with the words an engine makes 127
 * (or 126) of, not the start.  Executable for anyone: the user the
 * workload becomes is not yet in place.
 */
/* A regular file executable for someone. */
static bool runnable(const char *file)
{
	struct stat st;

	return stat(file, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0111);
}

static int exec_check(const struct spec *s, struct eci_err *e)
{
	const char *cmd = s->argv[0], *path = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	char full[PATH_MAX];
	struct stat st;

	if (strchr(cmd, '/')) {
		if (snprintf(full, sizeof(full), "%s%s%s", cmd[0] == '/' ? "" : s->workdir,
			     cmd[0] == '/' ? "" : "/", cmd) >= (int)sizeof(full))
			return eci_fail(e, ENAMETOOLONG, "exec: \"%s\"", cmd);
		if (stat(full, &st) < 0)
			return eci_fail(e, 0, "exec: \"%s\": stat %s: %s", cmd, cmd,
					errno == ENOENT ? "no such file or directory" : strerror(errno));
		if (!S_ISREG(st.st_mode) || !(st.st_mode & 0111))
			return eci_fail(e, 0, "exec: \"%s\": permission denied", cmd);
		return 0;
	}
	for (char **v = s->env; v && *v; v++)
		if (!strncmp(*v, "PATH=", 5))
			path = *v + 5;
	/* an empty entry: the working directory, as execvp() takes it */
	if (path_find(path, cmd, s->workdir, runnable, full, sizeof(full)))
		return 0;
	return eci_fail(e, 0, "exec: \"%s\": executable file not found in $PATH", cmd);
}

static void fail_init(int sock, int err, const char *what) __attribute__((noreturn));
static void fail_init(int sock, int err, const char *what)
{
	struct eci_err e;

	eci_fail(&e, err, "%s", what);
	sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, &e);
	_exit(EXIT_ECI);
}

WAITING static int reap_until(pid_t main_pid)
{
	mem_trim_later(main_pid);	/* from here on it reaps */
	for (;;) {
		int status;
		pid_t p = waitpid(-1, &status, 0);

		if (p < 0 && errno == EINTR)
			continue;
		if (p < 0)
			return EXIT_ECI;
		if (p != main_pid)
			continue;
		tl_mark("pid 1: workload reaped");
		return exit_code(status);
	}
}

/*
 * A container that keeps nothing (no -d) takes its inner engines' storage
 * along: what is left of it in the container is ended first, so that
 * nothing writes there any more.  A pid 1 killed before this leaves it to
 * the slot's next container, which prunes what no container owns.
 */
static void end_the_rest(void)
{
	kill(-1, SIGKILL);
	while (waitpid(-1, NULL, 0) > 0 || errno == EINTR)
		;
}

static void remove_inner(struct spec *s)
{
	end_the_rest();
	rm_rf_at(s->inner_rm_fd, s->id);
	close(s->inner_rm_fd);
	s->inner_rm_fd = -1;
}

/*
 * The workload's first step in a pid namespace of its own: a procfs of
 * it, detached, for pid 1 to mount at /proc (mounts/system.c).  A procfs
 * is of the pid namespace of the process that makes it; a user namespace
 * may make one only where a procfs is fully visible in its mount
 * namespace (mnt_already_visible()), which pid 1's still is: the host's
 * /proc, not yet pivoted away from, nothing over it.
 */
static int new_procfs(void)
{
	_cleanup_close_ int fs = fsopen("proc", FSOPEN_CLOEXEC);

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC);
}

static void send_proc(int sock, int nest)
{
	_cleanup_close_ int m = new_procfs();

	if (m < 0)
		fail_init(sock, errno, "a /proc of the workload's pid namespace");
	if (fd_send(nest, "p", 1, m) < 0)
		fail_init(sock, errno, "hand /proc to pid 1");
}

/*
 * The mount supervisor's view of the container's processes (mountsup.c):
 * pid 1's own.  Pivoted, /proc is the workload's pid namespace's when it
 * has one: pid 1 has no entry there, and a pid there is not pid 1's.  So
 * a procfs of pid 1's namespace, detached, never the container's (pid 1's
 * /proc, its masks not locked in its mount namespace, is fully visible).
 */
static int pid1_proc(const struct spec *s)
{
	return s->own_pidns ? new_procfs() : open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
}

/*
 * The workload keeps of pid 1's fds its stdio, its two sockets, the pty pid
 * 1 made (eci-runc) and the namespaces of a pod it joins (nest.c); and the
 * timeline's file, when one is asked for, until its exec.  Every other fd
 * is pid 1's and a host object (the store, the state directory, the
 * layers, the volumes' sources, the early cgroup mounts): closed by range,
 * whatever it is, and without a write to the spec, whose every page
 * written here would be copied from pid 1's.  Closing and clearing each in
 * turn, and freeing the mount plan, was 0.9 ms of the workload's start.
 */
static void keep_own_fds(struct spec *s, int sock, int nest)
{
	const int keep[] = { 0, 1, 2, sock, nest, s->tty_fd, s->engine.nest_userns,
			     s->engine.nest_netns, tl_fileno() };

	if (fds_keep_only(keep, sizeof(keep) / sizeof(keep[0])) < 0)
		fail_init(sock, errno, "close pid 1's fds");
}

/*
 * The workload is forked as soon as pid 1 is container root, before the
 * root file system exists: it creates its user and network namespaces (the
 * costliest step of a start) while pid 1 builds the root, and waits on
 * @nest until pid 1 has mapped them, mounted /sys for them and pivoted.
 * Its cwd is "/", which pivot_root() moves into the new root with pid 1's.
 * Before anything else it closes what it must not hold of pid 1's
 * (keep_own_fds()).  In a pid namespace of its own (s->own_pidns) it sends
 * its /proc back first (send_proc()), and pid 1 takes it into s->mnt
 * (init_await_proc()) once its root needs a /proc: until then it builds
 * while the workload makes that.
 */
pid_t init_fork(struct spec *s, int sock, int *nest_fd)
{
	int nest[2];
	pid_t pid;

	prctl(PR_SET_NAME, "eci-init", 0, 0, 0);
	title_set("eci-init");	/* not the launcher's command line, host paths and all */
	/* Handled before the fork, so that none is lost: the kernel drops the
	 * signals a pid namespace's init has no handler for.  And held until
	 * the workload is let go (init_main): one that came during the setup
	 * would kill a workload that pid 1 still has to map and release. */
	container_forward_every();
	container_forward_signals(0);
	container_block_signals(true);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, nest) < 0)
		fail_init(sock, errno, "socketpair");
	init_cpus_known = sched_getaffinity(0, sizeof(init_cpus), &init_cpus) == 0;
	/* clone() as fork() makes it, with CLONE_NEWPID, which glibc's fork()
	 * cannot take; what fork() does besides (atfork handlers, the locks
	 * of other threads) is moot in pid 1, which has no other thread. */
	pid = s->own_pidns ? (pid_t)syscall(SYS_clone, CLONE_NEWPID | SIGCHLD, 0, NULL, NULL, 0)
			   : fork();
	if (pid < 0)
		fail_init(sock, errno, "fork the workload");
	if (pid == 0) {
		keep_own_fds(s, sock, nest[1]);
		if (s->own_pidns)
			send_proc(sock, nest[1]);
		/* The engine's stdio, with a terminal, are create's own (the
		 * shim reads them to their end): the pty replaces them later. */
		if (s->engine.on && s->tty) {
			struct eci_err e = { 0 };

			if (detach_stdio(&e) < 0)
				fail_init(sock, errno, e.msg);
		}
		if (chdir("/") < 0)
			fail_init(sock, errno, "chdir /");
		init_workload(s, sock, nest[1]);
	}
	/* The workload makes its namespaces while pid 1 builds the root:
	 * beside pid 1, not behind it, until it is mapped (prepare()). */
	if (init_cpus_known)
		cpus_aside(pid, &init_cpus);
	container_forward_signals(pid);
	/* the workload in the container's cgroups: pid 1 out of its way */
	cgroup_init_aside(s->cg_v2_dir);
	close(nest[1]);
	*nest_fd = nest[0];
	return pid;
}

void init_await_proc(struct spec *s, int sock, int nest, pid_t pid)
{
	char c;

	if (!s->own_pidns || s->mnt.proc_fd >= 0)
		return;
	/* MSG_CMSG_CLOEXEC; EOF (-2): the workload failed, and said why */
	s->mnt.proc_fd = fd_recv(nest, &c, 1);
	if (s->mnt.proc_fd < 0 || c != 'p') {
		kill(pid, SIGKILL);
		fail_init(sock, 0, "the workload made no /proc");
	}
}

/*
 * With pasta or slirp4netns: the workload's network namespace's counts of
 * sockets, for its end (net/drain.c), opened through the container's /proc
 * while the workload, held before its release, is surely still in that
 * namespace.  pid 1's own; a file that does not open leaves the table to
 * be asked instead.
 */
static int sockstat_open(const struct spec *s, int proc, pid_t wpid, int fd[2])
{
	char path[64];

	if (s->net.mode != NET_PASTA && s->net.mode != NET_SLIRP)
		return 0;
	snprintf(path, sizeof(path), "%d/net/sockstat", (int)wpid);
	fd[0] = openat(proc, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	snprintf(path, sizeof(path), "%d/net/sockstat6", (int)wpid);
	fd[1] = fd[0] < 0 ? -1 : openat(proc, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	return 0;
}

void init_main(struct spec *s, int sock, int rootfd, pid_t pid, int nest)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int proc = -1;
	bool sent = false;
	int sockstat[2] = { -1, -1 };
	long long keep_uid, keep_gid;
	int failed = SYNC_FAIL, listener = -1, code;
	bool notify;

	/*
	 * The container's /proc, by fd: before pivot_root "/proc" is the
	 * host's, where the workload's pid names another process.
	 */
	proc = rootfd >= 0 ? openat(rootfd, "proc", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			   : open("/proc", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (proc < 0) {
		int err = errno;

		kill(pid, SIGKILL);
		fail_init(sock, err, "open the container's /proc");
	}
	keep_uid = s->keep_id ? (long long)s->keep_uid : -1;
	keep_gid = s->keep_id ? (long long)s->keep_gid : -1;
	/* in the workload's own pid namespace, whose /proc this is, it is 1 */
	if (nest_map(proc, s->own_pidns ? 1 : pid, nest, s->engine.nest_userns >= 0, keep_uid,
		     keep_gid, &e) < 0 || workload_cpus_back(pid) < 0 ||
	    (rootfd >= 0 && init_enter_root(s, rootfd, pid, &e) < 0) ||
	    sysctl_apply(s, pid, &e) < 0 ||
	    (s->engine.on && (exec_check(s, &e) < 0 || await_start(s, sock, &e) < 0)) ||
	    await_network(s, sock, pid, &failed, &e) < 0 ||
	    sockstat_open(s, proc, s->own_pidns ? 1 : pid, sockstat) < 0 ||
	    nest_release(nest, s->engine.on && s->tty ? s->tty_fd : -1, &e) < 0) {
		kill(pid, SIGKILL);
		sync_send_fail(sock, failed, EXIT_ECI, &e);
		_exit(EXIT_ECI);
	}
	/* eci-run in the foreground, no terminal: the socket stays for
	 * SYNC_EXITED (its readers wait for no EOF: -d's does, eci-runc's
	 * start has none).  Closed before waiting for the workload below:
	 * -d's EOF is to wait for its exec alone. */
	notify = !s->engine.on && !s->detach && !s->tty;
	if (!notify)
		close(steal_fd(sock));
	/* The workload's mount namespace, kept to the end (nest.c); then the
	 * mount supervisor's listener, once the workload has loaded its
	 * filter (none if it failed first: its end is closed then). */
	(void)fd_recv(nest, &(char){ 0 }, 1);
	if (sup_wanted(s)) {
		char c;

		listener = fd_recv(nest, &c, 1);
	}
	close(nest);
	if (s->tty_fd >= 0)
		close(s->tty_fd);	/* the workload's now */
	if (rootfd >= 0)
		close(rootfd);
	container_block_signals(false);
	close(steal_fd(proc));	/* the container's /proc: not the supervisor's view */
	if (listener >= 0 && (proc = pid1_proc(s)) < 0) {
		close(listener);	/* the workload's proc and sysfs mounts: ENOSYS */
		listener = -1;
	}
	code = listener >= 0 ? sup_serve(listener, pid, &s->mnt, proc) : reap_until(pid);
	if (s->inner_rm_fd >= 0)
		remove_inner(s);
	/*
	 * eci-run returns once it has the code, while this process and its
	 * namespaces are torn down (launcher/container.c).  By then nothing
	 * of the container may run: the workload's own pid namespace ended
	 * with it, but with --init what it left behind is in this one.
	 */
	if (notify && !s->own_pidns)
		end_the_rest();
	/* What the workload left in its TCP sockets, and the datagrams it
	 * sent last, go out through the network program, which eci-run
	 * stops once it hears of this end (net/drain.c); pid 1 is in the
	 * workload's network namespace (await_network()). */
	if (s->net.mode == NET_PASTA || s->net.mode == NET_SLIRP) {
		sent = nl_await_drained(sockstat[0], sockstat[1], NET_IFNAME,
					NET_DRAIN_TIMEOUT_MS) != 0;
		tl_mark("pid 1: sockets drained");
	}
	if (notify) {
		struct sync_msg m = { .type = SYNC_EXITED, .code = code, .sent = sent };

		/* eci-run returns on this message, maybe before this process
		 * has begun its exit: a start that comes next waits for what
		 * bears this name (subid/lease.c) */
		prctl(PR_SET_NAME, LEASE_ENDING_COMM, 0, 0, 0);
		send(sock, &m, sizeof(m), MSG_NOSIGNAL);
	}
	_exit(code);
}
