// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * execcmd.c - eci-run exec: a new process in a running container
 *
 * Theory of Operation: the container is looked up in the state directory
 * (ops_find_meta); its pid 1 is opened as a pidfd and checked to be the
 * child of the container's launcher, and the core finds and checks its
 * workload (core/join.c, as for eci-runc exec).  Three processes take part:
 *   - eci-run exec itself stays on the host: it relays the tty, passes the
 *     signals it gets on, and exits with the command's status;
 *   - its child joins the container (join_enter(): non-dumpable first, then
 *     pid 1's cgroup, ipc, uts and pid namespaces and the workload's nested
 *     user, mount and network namespaces, so the new process gets the same
 *     locked system view).  The caller owns the container's outer user
 *     namespace and so holds every capability in it and in the namespaces
 *     below it, which is what setns() asks for; it needs no ptrace access
 *     to the workload.  Joining a pid namespace applies to children only,
 *     so this process forks once more, passes signals on to that child and
 *     exits with its status;
 *   - the grandchild, in the container's pid namespace, becomes container
 *     root and takes the workload's own last steps (init_workload): tty,
 *     user, working directory, bounding set, no_new_privs, the very seccomp
 *     filter the workload got (kept by state.c), fds 0-2 only, exec.
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

/* pid 1, checked to be the child of the container's launcher, and the
 * workload under it (core/join.c). */
int ops_open_target(const json_t *meta, struct join_target *t, struct eci_err *e)
{
	pid_t launcher = (pid_t)json_integer_value(json_object_get(meta, "pid"));
	pid_t ppid = 0;

	t->init = (pid_t)json_integer_value(json_object_get(meta, "init"));
	t->init_fd = t->init > 0 ? (int)syscall(SYS_pidfd_open, t->init, 0) : -1;
	if (t->init_fd < 0)
		return eci_fail(e, 0, "it is not running");
	/* After the open: while it lives, the process of that pid is it. */
	if (proc_stat(t->init, &ppid, NULL) < 0 || ppid != launcher || !pidfd_alive(t->init_fd))
		return eci_fail(e, 0, "it is not running (its launcher is gone)");
	return join_open(t, e);
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
static void join(struct spec *s, struct join_target *t, bool host_net, int sock,
		 const sigset_t *mask) __attribute__((noreturn));
static void join(struct spec *s, struct join_target *t, bool host_net, int sock,
		 const sigset_t *mask)
{
	struct eci_err e = { 0 };
	pid_t pid;

	/* --ulimit of the container: the exec's too (while still ourselves) */
	if (rlimit_apply(0, &s->oci, &e) < 0 || join_enter(t, host_net, &e) < 0) {
		sync_send_fail(sock, SYNC_FAIL, EXIT_ECI, &e);
		_exit(EXIT_ECI);
	}
	join_close(t);
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
static int run(struct spec *s, struct join_target *t, bool host_net)
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
		join(s, t, host_net, sock[1], &old);
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
	struct join_target t = { .init_fd = -1, .workload_fd = -1, .only_workload = true };
	_cleanup_close_ int dir = -1;
	json_t *meta = NULL;
	int code = EXIT_ECI;
	char leaf[128];

	if (parse(argc, argv, &x, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		usage(stderr);
		return EXIT_ECI;
	}
	dir = ops_find_meta(x.what, &meta, &e);
	if (dir < 0 || build(&s, dir, meta, &x, &e) < 0 || ops_open_target(meta, &t, &e) < 0) {
		fprintf(stderr, "eci-run: exec %s: %s\n", x.what, e.msg);
		goto out;
	}
	close(steal_fd(dir));
	/* --memory, --pids-limit, --cpus: the exec is held by the container's
	 * limits too (its cgroups "eci-ID", where pid 1 is; the user's) */
	snprintf(leaf, sizeof(leaf), "eci-%s", json_string_value(json_object_get(meta, "id")) ?: "");
	if (cgroup_join_leaf(t.init, t.init_fd, leaf, &e) < 0) {
		fprintf(stderr, "eci-run: exec %s: %s\n", x.what, e.msg);
		goto out;
	}
	/* --network host: the host's, which is not the container's to join */
	code = run(&s, &t, !strcmp(json_string_value(json_object_get(meta, "network")) ?: "", "host"));
out:
	join_close(&t);
	env_free(&s);
	free(s.seccomp.insns);
	free(s.setid_guard.insns);
	json_decref(meta);
	return code;
}
