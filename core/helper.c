// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * helper.c - find and run eci-newidmap
 *
 * The helper is looked for beside eci-run, then in the compiled-in BINDIR;
 * the first one that carries cap_setuid and cap_setgid as file capabilities
 * is used.  eci-run never falls back to mapping the user's own uid: without
 * a working helper it refuses, saying what is missing and how an
 * administrator fixes it.  /etc/subuid is checked here too, with the
 * helper's own parser, only to give a plain message before any namespace is
 * created; the helper checks again and is the one that decides.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "policy.h"
#include "subid.h"
#include "util.h"

#define HELPER "eci-newidmap"
#define FIX_CAPS "an administrator must run 'make install-privileged' (setcap cap_setuid,cap_setgid=ep %s)"

static bool has_caps(const char *path)
{
	cap_t caps = cap_get_file(path);
	cap_flag_value_t u = CAP_CLEAR, g = CAP_CLEAR, eu = CAP_CLEAR, eg = CAP_CLEAR;

	if (!caps)
		return false;
	cap_get_flag(caps, CAP_SETUID, CAP_PERMITTED, &u);
	cap_get_flag(caps, CAP_SETGID, CAP_PERMITTED, &g);
	cap_get_flag(caps, CAP_SETUID, CAP_EFFECTIVE, &eu);
	cap_get_flag(caps, CAP_SETGID, CAP_EFFECTIVE, &eg);
	cap_free(caps);
	return u && g && eu && eg;
}

int helper_find(char *buf, size_t size, struct eci_err *e)
{
	char beside[4096 + 32];
	const char *found = NULL;
	const char *cand[2];
	size_t n = 0;

	if (self_exe_path(HELPER, beside, sizeof(beside)) == 0)
		cand[n++] = beside;
	cand[n++] = ECI_BINDIR "/" HELPER;
	for (size_t i = 0; i < n; i++) {
		if (access(cand[i], X_OK) < 0)
			continue;
		if (!found)
			found = cand[i];
		if (has_caps(cand[i])) {
			snprintf(buf, size, "%s", cand[i]);
			return 0;
		}
	}
	if (found)
		return eci_fail(e, 0, "%s lacks its file capabilities: " FIX_CAPS, found, found);
	return eci_fail(e, 0, HELPER " not found beside eci-run nor in " ECI_BINDIR
			": an administrator must install it ('make install', then "
			"'make install-privileged')");
}

/* Plain early message for the usual misconfiguration: no subordinate ids. */
static int check_file(const char *path, const char *name, uid_t uid, uint32_t self,
		      const char *flag, struct eci_err *e)
{
	struct subid_range r[SUBID_MAX_RANGES];
	_cleanup_free_ char *buf = NULL;
	size_t len, n;
	int ret = read_all_at(AT_FDCWD, path, SUBID_MAX_FILE, &buf, &len);

	if (ret == -ENOENT || ret == 0) {
		n = ret ? 0 : subid_parse(buf, len, name, uid, self, r, NULL, NULL);
		if (n == 0)
			return eci_fail(e, 0, "no entry for %s in %s: ask an administrator to run "
					"'usermod %s 100000-165535 %s' (any free range of 65536 ids)",
					name, path, flag, name);
		if (subid_slot_count(r, n) == 0)
			return eci_fail(e, 0, "the %s range of %s (line %u) has fewer than 65536 ids: "
					"ask an administrator for a larger one (usermod %s)",
					path, name, r[0].line, flag);
	}
	return 0;	/* unreadable: let the helper say why */
}

/*
 * The user's name as the helper finds it (subid_passwd_name(), both): in
 * /etc/passwd, read the way /etc/subuid is, not through NSS, whose
 * start-up (its configuration, its module) cost a start 0.4-0.8 ms here.
 * A uid it does not list is the helper's to explain (its lines must name
 * it by uid).
 */
int helper_check_subids(struct eci_err *e)
{
	_cleanup_free_ char *pw = NULL;
	uid_t uid = getuid();
	char name[64];
	size_t len;

	if (read_all_at(AT_FDCWD, "/etc/passwd", SUBID_MAX_FILE, &pw, &len) < 0 ||
	    !subid_passwd_name(pw, len, uid, name, sizeof(name)))
		return 0;
	if (check_file("/etc/subuid", name, uid, uid, "--add-subuids", e) < 0 ||
	    check_file("/etc/subgid", name, uid, getgid(), "--add-subgids", e) < 0)
		return -1;
	return 0;
}

/*
 * The helper's start does not wait for its exec.  posix_spawn() stops the
 * caller until the child has exec'd (vfork), 0.3 ms of the launcher's own
 * path here, which the launcher can spend building the spec while the
 * child execs on another CPU.  So the child is cloned with CLONE_VM and no
 * CLONE_VFORK: it shares our memory and runs beside us until its exec, and
 * so it touches nothing of ours but what spawn_slot holds, which stays
 * unchanged until the helper is reaped (one helper at a time), and its own
 * stack there.  It makes only raw system calls: glibc's wrappers would set
 * errno, which is our thread's.  Every signal is blocked around the clone,
 * so no handler of ours runs on its stack; the helper unblocks them first
 * thing (newidmap/main.c).  Its exec's failure comes back through
 * spawn_slot.err with exit status 127.  Elsewhere than x86-64 and arm64,
 * posix_spawn().
 */
#define SPAWN_ARGS 5
static struct {
	char path[4096], polenv[600], keep[32];
	char *argv[SPAWN_ARGS], *envp[2];
	int in, out;
	volatile int err;
	bool aside;		/* the child takes @cpus itself (spawn_aside()) */
	cpu_set_t cpus;
	char stack[16384] __attribute__((aligned(16)));
} spawn_slot;

#if defined(__x86_64__) || defined(__aarch64__)
#define HELPER_CLONE 1
__attribute__((no_sanitize("address", "undefined"), no_stack_protector))
static long raw_syscall3(long nr, long a, long b, long c)
{
#if defined(__x86_64__)
	long r;

	__asm__ volatile("syscall" : "=a"(r) : "a"(nr), "D"(a), "S"(b), "d"(c)
			 : "rcx", "r11", "memory");
	return r;
#else
	register long x8 __asm__("x8") = nr, x0 __asm__("x0") = a, x1 __asm__("x1") = b,
		      x2 __asm__("x2") = c;

	__asm__ volatile("svc 0" : "+r"(x0) : "r"(x8), "r"(x1), "r"(x2) : "memory");
	return x0;
#endif
}

__attribute__((no_sanitize("address", "undefined"), no_stack_protector))
static int spawn_child(void *unused)
{
	long r;

	(void)unused;
	if (spawn_slot.aside)	/* a hint: its failure is no matter */
		raw_syscall3(SYS_sched_setaffinity, 0, sizeof(spawn_slot.cpus), (long)&spawn_slot.cpus);
	r = raw_syscall3(SYS_dup3, spawn_slot.in, 0, 0);
	if (r >= 0)
		r = raw_syscall3(SYS_dup3, spawn_slot.out, 1, 0);
	if (r >= 0)
		r = raw_syscall3(SYS_execve, (long)spawn_slot.path, (long)spawn_slot.argv,
				 (long)spawn_slot.envp);
	spawn_slot.err = (int)-r;
	raw_syscall3(SYS_exit_group, 127, 0, 0);
	return 127;	/* not reached */
}
#endif

/*
 * The helper beside us, not behind us (cpus_aside()): it may run on our
 * CPUs but the one we are on; once it has the request, and the launcher
 * only waits for it, the helper takes all of ours again (newidmap/main.c:
 * we cannot, it holds capabilities we lack).  The same holds once it has
 * exec'd (EPERM: its permitted set is not a subset of ours), which a
 * launcher slower than the exec saw in one start of ten: so the cloned
 * child sets its CPUs itself, before its exec.  It is set from here as
 * well, at once: a new child is queued on our CPU and, until it is moved,
 * cannot run to set them itself (its first instruction came 0.9 ms after
 * the clone here).  posix_spawn()'s child is set from here alone.
 */
#ifndef HELPER_CLONE
static void spawn_aside(pid_t pid)
{
	cpu_set_t ours;

	if (sched_getaffinity(0, sizeof(ours), &ours) == 0)
		cpus_aside(pid, &ours);
}
#endif

/* Start the child that execs spawn_slot's helper; its pid, or -errno. */
static pid_t spawn(void)
{
#ifdef HELPER_CLONE
	sigset_t all, old;
	cpu_set_t ours;
	pid_t pid;
	int saved;

	spawn_slot.err = 0;
	spawn_slot.aside = sched_getaffinity(0, sizeof(ours), &ours) == 0 &&
			   cpus_others(&ours, &spawn_slot.cpus);
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = clone(spawn_child, spawn_slot.stack + sizeof(spawn_slot.stack), CLONE_VM | SIGCHLD,
		    NULL);
	saved = errno;
	/* moved at once (see above); EPERM once it has exec'd: no matter */
	if (pid > 0 && spawn_slot.aside)
		sched_setaffinity(pid, sizeof(spawn_slot.cpus), &spawn_slot.cpus);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return pid < 0 ? -saved : pid;
#else
	posix_spawn_file_actions_t fa;
	pid_t pid;
	int r;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, spawn_slot.in, 0);
	posix_spawn_file_actions_adddup2(&fa, spawn_slot.out, 1);
	r = posix_spawn(&pid, spawn_slot.path, &fa, NULL, spawn_slot.argv, spawn_slot.envp);
	posix_spawn_file_actions_destroy(&fa);
	if (!r)
		spawn_aside(pid);
	return r ? -r : pid;
#endif
}

/* @fd, at 3 or above (close-on-exec), so that the child's dup3() onto 0 and
 * 1 neither meets itself nor the other. */
static int above_stdio(int fd)
{
	int n;

	if (fd < 0 || fd > 2)
		return fd;
	n = fcntl(fd, F_DUPFD_CLOEXEC, 3);
	close(fd);
	return n;
}

/*
 * Start the helper (eci-newidmap [--keep-id UID:GID] --stdin) before the
 * container exists: it
 * reads /etc/subuid, the policy and /proc while the launcher builds the
 * spec and clones the child, then waits for the child's pid on its stdin.
 * Its stderr is ours, so its own message reaches the user; its stdout (the
 * range) is read through a pipe.
 */
int helper_start(struct helper_proc *h, const char *helper, bool keep_id, struct eci_err *e)
{
	char **argv = spawn_slot.argv;
	int in[2], out[2];
	pid_t pid;

	h->pid = -1;
	h->in = h->out = -1;
	h->cg_n = 0;
	if (strlen(helper) >= sizeof(spawn_slot.path))
		return eci_fail(e, ENAMETOOLONG, "run %s", helper);
	strcpy(spawn_slot.path, helper);
	/* Only a test build reads policy from elsewhere; the installed helper
	 * ignores its environment altogether. */
	snprintf(spawn_slot.polenv, sizeof(spawn_slot.polenv), "ECI_POLICY_DIR=%s", policy_dir());
	spawn_slot.envp[0] = spawn_slot.polenv;
	spawn_slot.envp[1] = NULL;
	argv[0] = (char *)HELPER;
	argv[1] = (char *)"--stdin";
	argv[2] = argv[3] = argv[4] = NULL;
	/* --userns keep-id: the helper checks these against its own ids */
	if (keep_id) {
		snprintf(spawn_slot.keep, sizeof(spawn_slot.keep), "%u:%u", (unsigned)getuid(),
			 (unsigned)getgid());
		argv[1] = (char *)"--keep-id";
		argv[2] = spawn_slot.keep;
		argv[3] = (char *)"--stdin";
	}
	/* stdin a socket: send() to a helper that already exited (it refused)
	 * must fail with EPIPE, not raise SIGPIPE. */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, in) < 0)
		return eci_fail(e, errno, "socketpair");
	if (pipe2(out, O_CLOEXEC) < 0) {
		close(in[0]);
		close(in[1]);
		return eci_fail(e, errno, "pipe");
	}
	in[0] = above_stdio(in[0]);
	out[1] = above_stdio(out[1]);
	spawn_slot.in = in[0];
	spawn_slot.out = out[1];
	pid = in[0] < 0 || out[1] < 0 ? -EMFILE : spawn();
	if (in[0] >= 0)
		close(in[0]);
	if (out[1] >= 0)
		close(out[1]);
	h->in = in[1];
	h->out = out[0];
	if (pid < 0) {
		helper_abandon(h);
		return eci_fail(e, (int)-pid, "run %s", helper);
	}
	h->pid = pid;
	return 0;
}

/* The container will not be: the helper reads EOF and exits quietly. */
void helper_abandon(struct helper_proc *h)
{
	for (size_t i = 0; i < h->cg_n; i++)
		close(h->cg_fd[i]);
	h->cg_n = 0;
	if (h->in >= 0)
		close(steal_fd(h->in));
	if (h->out >= 0)
		close(steal_fd(h->out));
	if (h->pid > 0)
		while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
			;
	h->pid = -1;
}

/* A helper that said its range: collect its exit. */
void helper_reap(struct helper_proc *h)
{
	if (h->pid > 0)
		while (waitpid(h->pid, NULL, 0) < 0 && errno == EINTR)
			;
	h->pid = -1;
}

/* Send the child's pid (and the preferred slots), read the range. */
/* The request, with the cgroups' fds attached (SCM_RIGHTS). */
static ssize_t send_with_fds(int sock, const char *buf, size_t len, const int *fd, size_t n)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * 16)];
	} u;
	struct iovec iov = { .iov_base = (void *)buf, .iov_len = len };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1 };

	if (n && n <= 16) {
		memset(&u, 0, sizeof(u));
		msg.msg_control = u.space;
		msg.msg_controllen = CMSG_SPACE(sizeof(int) * n);
		CMSG_FIRSTHDR(&msg)->cmsg_level = SOL_SOCKET;
		CMSG_FIRSTHDR(&msg)->cmsg_type = SCM_RIGHTS;
		CMSG_FIRSTHDR(&msg)->cmsg_len = CMSG_LEN(sizeof(int) * n);
		memcpy(CMSG_DATA(CMSG_FIRSTHDR(&msg)), fd, sizeof(int) * n);
	}
	return sendmsg(sock, &msg, MSG_NOSIGNAL);
}

int helper_ask(struct helper_proc *h, pid_t pid, const char *prefer)
{
	char req[1100];
	int len;
	ssize_t n;

	len = snprintf(req, sizeof(req), "%d%s%.1000s\n", (int)pid, prefer && *prefer ? " " : "",
		       prefer ? prefer : "");
	n = send_with_fds(h->in, req, (size_t)len, h->cg_fd, h->cg_n);
	for (size_t i = 0; i < h->cg_n; i++)
		close(h->cg_fd[i]);
	h->cg_n = 0;
	close(steal_fd(h->in));
	return n == len ? 0 : -1;
}

int helper_map(struct helper_proc *h, pid_t pid, const char *prefer, char *range, size_t size,
	       struct eci_err *e)
{
	return helper_answer(h, helper_ask(h, pid, prefer), range, size, e);
}

int helper_answer(struct helper_proc *h, int asked, char *range, size_t size, struct eci_err *e)
{
	int status;
	ssize_t n;

	do
		n = asked == 0 ? read(h->out, range, size - 1) : -1;
	while (n < 0 && asked == 0 && errno == EINTR);
	range[n > 0 ? n : 0] = '\0';
	close(steal_fd(h->out));
	/*
	 * The helper prints the range (in one write) only once the maps are
	 * written: a whole line is its success, and the container need not
	 * wait for its exit, which helper_reap() collects later.
	 */
	if (n > 0 && range[n - 1] == '\n' && !strncmp(range, "uid:", 4)) {
		range[n - 1] = '\0';
		return 0;
	}
	range[strcspn(range, "\n")] = '\0';
	while (waitpid(h->pid, &status, 0) < 0)
		if (errno != EINTR)
			return eci_fail(e, errno, "wait for %s", HELPER);
	h->pid = -1;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127 && spawn_slot.err)
		return eci_fail(e, spawn_slot.err, "run %s", spawn_slot.path);
	if (WIFEXITED(status))
		return eci_fail(e, 0, "%s refused to map the container's ids (exit %d)", HELPER,
				WEXITSTATUS(status));
	return eci_fail(e, 0, "%s was killed by signal %d", HELPER, WTERMSIG(status));
}

/*
 * eci-newidmap --state-dir: the user's state directory is made by the
 * helper alone, the first time (newidmap/statedir.c); it says on our
 * stderr why it could not.
 */
int helper_state_dir(struct eci_err *e)
{
	char helper[4096];
	char *envp[] = { NULL };
	char *argv[] = { (char *)HELPER, (char *)"--state-dir", NULL };
	int r, status;
	pid_t pid;

	if (helper_find(helper, sizeof(helper), e) < 0 || policy_check_helper(helper, e) < 0)
		return -1;
	r = posix_spawn(&pid, helper, NULL, NULL, argv, envp);
	if (r)
		return eci_fail(e, r, "run %s", helper);
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return eci_fail(e, errno, "wait for %s", HELPER);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		return 0;
	return eci_fail(e, 0, "%s --state-dir could not make the state directory (%s %d)", helper,
			WIFEXITED(status) ? "exit" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status));
}
