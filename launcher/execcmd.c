// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * execcmd.c - eci-run exec: a new process in a running container
 *
 * Theory of Operation: the container is looked up in the state directory
 * (ops_find_meta) and its workload, the first child of its pid 1, is opened as a
 * pidfd.  Three processes take part:
 *   - eci-run exec itself stays on the host: it relays the tty, passes the
 *     signals it gets on, and exits with the command's status;
 *   - its child joins the workload's user, mount, pid, net, uts, ipc and
 *     cgroup namespaces with one setns() on the pidfd.  The workload's user
 *     and mount namespaces are the nested ones of nest.c, so the new process
 *     gets the same locked system view.  The caller owns the container's
 *     outer user namespace and so holds every capability in it and in the
 *     namespaces below it, which is what setns() asks for; it needs no
 *     ptrace access to the workload.  Joining a pid namespace applies to
 *     children only, so this process forks once more, passes signals on to
 *     that child and exits with its status;
 *   - the grandchild, in the container's pid namespace, becomes container
 *     root and takes the workload's own last steps (init_workload): tty,
 *     user, working directory, bounding set, no_new_privs, the very seccomp
 *     filter the workload got (kept by state.c), fds 0-2 only, exec.
 * Until exec both are non-dumpable: a container process with the same uid,
 * or with CAP_SYS_PTRACE in the container, can neither ptrace them nor open
 * their /proc/PID/exe or fds, which are the host's.
 *
 * A pid read from /proc may be reused by the time it is opened, so each
 * link (launcher, pid 1, workload) is checked after pidfd_open(), and the
 * pidfd must still be alive after the checks: the pid of a live process is
 * not reused, so they were about it.  The workload must already be in its
 * nested namespaces: joining the ones it starts in (for a moment, while the
 * container starts) would give the new process the unlocked view.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
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
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

#define JOIN_FLAGS                                                             \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWNET |          \
	 CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWCGROUP)

struct xopts {
	const char *what;		/* NAME or ID */
	char **cmd;
	const char *user, *workdir;	/* -u, -w */
	const char *env[OPT_MAX];	/* -e */
	size_t nenv;
	bool tty, interactive;		/* -t, -i */
};

static void usage(FILE *f)
{
	fputs("usage: eci-run exec [OPTIONS] NAME|ID COMMAND [ARG...]\n", f);
}

static void help(void)
{
	usage(stdout);
	fputs("\nRun COMMAND in a running container started by eci-run, with the\n"
	      "container's user, environment, working directory and privileges.\n\n"
	      "Options:\n"
	      "  -e, --env KEY[=VALUE]     set an environment variable\n"
	      "  -i, --interactive         keep stdin open (else it is /dev/null)\n"
	      "  -t, --tty                 allocate a pseudo-terminal\n"
	      "  -u, --user USER[:GROUP]   run as this user (name or id, from the image)\n"
	      "  -w, --workdir DIR         working directory (created if missing)\n"
	      "  -h, --help                show this help and exit\n\n"
	      "Exit status: the command's; 128+N if it was killed by signal N;\n"
	      "125 if eci-run failed; 126 if the command cannot be invoked;\n"
	      "127 if it was not found.\n",
	      stdout);
}

static int parse(int argc, char **argv, struct xopts *x, struct eci_err *e)
{
	static const struct option longopts[] = {
		{ "env", required_argument, NULL, 'e' },
		{ "interactive", no_argument, NULL, 'i' },
		{ "tty", no_argument, NULL, 't' },
		{ "user", required_argument, NULL, 'u' },
		{ "workdir", required_argument, NULL, 'w' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(x, 0, sizeof(*x));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:he:itu:w:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			exit(0);
		case 'e':
			if (x->nenv == OPT_MAX)
				return eci_fail(e, 0, "exec: -e given too many times");
			x->env[x->nenv++] = optarg;
			break;
		case 'i':
			x->interactive = true;
			break;
		case 't':
			x->tty = true;
			break;
		case 'u':
			x->user = optarg;
			break;
		case 'w':
			x->workdir = optarg;
			break;
		case ':':
			return eci_fail(e, 0, "exec: flag %s needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256 && optopt != '?')
				return eci_fail(e, 0, "exec: unknown flag: -%c", optopt);
			return eci_fail(e, 0, "exec: unknown flag: %s", argv[optind - 1]);
		}
	}
	if (optind >= argc)
		return eci_fail(e, 0, "exec: no container given (NAME or ID)");
	x->what = argv[optind++];
	if (optind >= argc)
		return eci_fail(e, 0, "exec %s: no command given", x->what);
	x->cmd = argv + optind;
	if (x->user && user_check(x->user, e) < 0)
		return -1;
	if (x->workdir && x->workdir[0] != '/')
		return eci_fail(e, 0, "-w %s: the working directory must be an absolute path",
				x->workdir);
	return 0;
}

/* The container's user, directory, environment and privileges; the flags. */
static int build(struct spec *s, int dir, const json_t *meta, const struct xopts *x,
		 struct eci_err *e)
{
	spec_init(s);
	if (state_load_process(dir, meta, s, e) < 0)
		return -1;
	for (size_t i = 0; i < x->nenv; i++)
		if (env_flag(s, "-e", x->env[i], e) < 0)
			return -1;
	if (x->tty && env_set(s, "TERM=xterm", false) < 0)
		return eci_fail(e, ENOMEM, "environment");
	/* HOME: the container's or -e's, else the user's from /etc/passwd */
	for (size_t i = 0; i < s->nenv; i++)
		s->home_set |= !strncmp(s->env[i], "HOME=", 5);
	s->user = x->user ? x->user : s->user;
	s->workdir = x->workdir ? x->workdir : s->workdir;
	s->argv = x->cmd;
	s->tty = x->tty;
	tty_size(s);
	s->interactive = x->interactive;
	return 0;
}

static pid_t ppid_of(pid_t pid)
{
	pid_t ppid;

	return proc_stat(pid, &ppid, NULL) < 0 ? -1 : ppid;
}

/* Is @pid in a user namespace below the container's (nest.c), mapped? */
static bool nested(pid_t pid)
{
	_cleanup_close_ int ns = -1, parent = -1;
	_cleanup_free_ char *map = NULL;
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	ns = open(path, O_RDONLY | O_CLOEXEC);
	if (ns < 0)
		return false;
	/* The container's own user namespace is a child of ours. */
	parent = ioctl(ns, NS_GET_PARENT);
	if (parent < 0 || fstat(parent, &a) < 0 || stat("/proc/self/ns/user", &b) < 0 ||
	    (a.st_dev == b.st_dev && a.st_ino == b.st_ino))
		return false;
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	return read_all_at(AT_FDCWD, path, 4096, &map, NULL) == 0 && map[0];
}

static bool alive(int pidfd)
{
	struct pollfd p = { .fd = pidfd, .events = POLLIN };

	return poll(&p, 1, 0) == 0;	/* readable once it has exited */
}

/* The workload as a pidfd, checked to be the one of this container. */
static int open_workload(const json_t *meta, struct eci_err *e)
{
	pid_t launcher = (pid_t)json_integer_value(json_object_get(meta, "pid"));
	pid_t init = (pid_t)json_integer_value(json_object_get(meta, "init"));
	_cleanup_free_ char *kids = NULL;
	_cleanup_close_ int pidfd = -1;
	char path[64];
	pid_t w = 0;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init, (int)init);
	if (init > 0 && read_all_at(AT_FDCWD, path, 4096, &kids, NULL) == 0)
		w = (pid_t)atoi(kids);
	if (w <= 0)
		return eci_fail(e, 0, "its workload is not running (yet); try again");
	pidfd = (int)syscall(SYS_pidfd_open, w, 0);
	if (pidfd < 0)
		return eci_fail(e, errno, "open its workload (pid %d)", (int)w);
	if (ppid_of(init) != launcher || ppid_of(w) != init)
		return eci_fail(e, 0, "its workload is gone (the container is stopping)");
	if (!nested(w))
		return eci_fail(e, 0, "its workload is not in its namespaces yet; try again");
	if (!alive(pidfd))
		return eci_fail(e, 0, "its workload is gone (the container is stopping)");
	return steal_fd(pidfd);
}

static void fail(int sock, int err, const char *what) __attribute__((noreturn));
static void fail(int sock, int err, const char *what)
{
	struct eci_err e;

	eci_fail(&e, err, "%s", what);
	sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, &e);
	_exit(EXIT_ECI);
}

/* The child: into the namespaces, then the process itself one level down. */
static void join(struct spec *s, int pidfd, int flags, int sock, const sigset_t *mask)
	__attribute__((noreturn));
static void join(struct spec *s, int pidfd, int flags, int sock, const sigset_t *mask)
{
	struct eci_err e = { 0 };
	pid_t pid;

	/* Before entering: its children inherit the flag until they exec. */
	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		fail(sock, errno, "PR_SET_DUMPABLE");
	if (setns(pidfd, flags) < 0)
		fail(sock, errno, "join the container's namespaces");
	close(pidfd);
	pid = fork();
	if (pid < 0)
		fail(sock, errno, "fork in the container's pid namespace");
	if (pid == 0) {
		if (child_become_root(&e) < 0) {
			sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, &e);
			_exit(EXIT_ECI);
		}
		init_workload(s, sock, -1);
	}
	close(sock);
	container_forward_signals(pid);
	sigprocmask(SIG_SETMASK, mask, NULL);
	_exit(container_wait(pid));
}

/* Start the process; return eci-run exec's exit code. */
static int run(struct spec *s, int pidfd, int flags)
{
	struct sync_msg pending = { 0 };
	_cleanup_close_ int psock = -1;
	int master;
	sigset_t all, old;
	int sock[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sock) < 0) {
		fprintf(stderr, "eci-run: socketpair: %s\n", strerror(errno));
		return EXIT_ECI;
	}
	psock = sock[0];
	/* Held until each process passes signals on; the last one unblocks
	 * them (init_workload). */
	sigfillset(&all);
	sigprocmask(SIG_BLOCK, &all, &old);
	pid = fork();
	if (pid == 0) {
		close(sock[0]);
		join(s, pidfd, flags, sock[1], &old);
	}
	close(sock[1]);
	if (pid < 0) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		fprintf(stderr, "eci-run: fork: %s\n", strerror(errno));
		return EXIT_ECI;
	}
	container_forward_signals(pid);
	sigprocmask(SIG_SETMASK, &old, NULL);
	if (s->tty && (master = tty_master(psock, &pending)) >= 0) {
		tty_relay(master, pid, s->interactive);
		close(master);
	}
	return container_report(psock, container_wait(pid), &pending);
}

int exec_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct xopts x;
	struct spec s = { 0 };
	_cleanup_close_ int dir = -1, pidfd = -1;
	json_t *meta = NULL;
	int flags = JOIN_FLAGS, code = EXIT_ECI;

	if (parse(argc, argv, &x, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		usage(stderr);
		return EXIT_ECI;
	}
	dir = ops_find_meta(x.what, &meta, &e);
	if (dir < 0 || build(&s, dir, meta, &x, &e) < 0 || (pidfd = open_workload(meta, &e)) < 0) {
		fprintf(stderr, "eci-run: exec %s: %s\n", x.what, e.msg);
		goto out;
	}
	close(steal_fd(dir));
	/* --network host: the host's, which is not the container's to join */
	if (!strcmp(json_string_value(json_object_get(meta, "network")) ?: "", "host"))
		flags &= ~CLONE_NEWNET;
	code = run(&s, pidfd, flags);
out:
	env_free(&s);
	free(s.seccomp.insns);
	free(s.setid_guard.insns);
	json_decref(meta);
	return code;
}
