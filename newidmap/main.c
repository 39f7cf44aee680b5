// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eci-newidmap - map a new container's root to a subordinate id range
 *
 * Theory of Operation: this is eci's only privileged program.  It is
 * installed with the file capabilities cap_setuid,cap_setgid=ep and never
 * setuid, so it runs as the calling user with two capabilities, and the
 * kernel marks it AT_SECURE (the dynamic loader ignores LD_* and friends).
 * Everything it receives is treated as hostile:
 *   - stdio is made sane (fds 0-2 opened on /dev/null if closed) so that a
 *     file it opens can never become someone's stdout;
 *   - the environment is cleared before anything reads it;
 *   - capabilities leave the effective set at once, and come back one at a
 *     time around the single change each is needed for (caps.c);
 *   - the pid is parsed strictly and bound to the caller's fresh child
 *     through one /proc/PID fd (target.c).
 * The flow, from top to bottom of main():
 *   1. read the caller's ranges in /etc/subuid and /etc/subgid (trusted only
 *      if root's; unsafe lines are skipped with a warning) and the ids of
 *      every process on the host (subid_pool_load()), then maxContainersPerUser
 *      from the administrator's policy;
 *   2. bind the pid to the caller's fresh child (target_open());
 *   3. with file-system ids 0, take the first slot of 65536 ids that no live
 *      container of the caller holds and publish its lease (subid_take());
 *   4. with the caller's file-system ids again, write "0 START 65536" to
 *      both maps of the target (maps.c); give the container's cgroups
 *      that came with the request to its root's group (cgroups.c: the
 *      caller's own cgroup directories, checked before step 3); print
 *      "uid:START:COUNT gid:START:COUNT" on stdout for the launcher.
 * The parsing, the scan and the leases are the subid library's (subid/,
 * shared with eci-runc), which returns its errors; only this file prints
 * and exits.
 *
 * With --keep-id UID:GID (eci-run --userns keep-id) the maps keep the
 * caller's own uid and gid as themselves, inside the slot's map
 * (subid_map_text()): only the ids the kernel says are the caller's, never
 * root's, and not when the administrator's policy locks allowKeepId to
 * false.  Container root is still the slot's first id.
 *
 * With --state-dir it only makes the caller's state directory (statedir.c)
 * and exits.
 *
 * With --stdin the launcher starts it before the container exists: it
 * reads the files, the policy and /proc first, then "PID[ PREFER]\n" from
 * stdin (EOF: the launcher gave up; it exits quietly), and goes on as with
 * a PID argument.  The lease lock is taken only after that line, so a
 * launcher that never sends it holds nobody up.
 *
 * Exit: 0 done; 100 refused (usage, subordinate ids, target); 111 system
 * error.  Every message names the file or process and the reason.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "cgdeleg.h"
#include "cleanup.h"
#include "helper.h"
#include "policy.h"
#include "util.h"

/* Make sure fds 0, 1 and 2 are open before anything else is. */
static void sanitize_stdio(void)
{
	for (int fd = 0; fd < 3; fd++) {
		if (fcntl(fd, F_GETFD) >= 0 || errno != EBADF)
			continue;
		int n = open("/dev/null", O_RDWR | O_NOCTTY);

		if (n != fd)
			_exit(EXIT_SYSERR);	/* nowhere safe to say so */
	}
}

static pid_t parse_pid(const char *s)
{
	char *end;
	long v;

	if (!*s || *s < '0' || *s > '9')
		die(EXIT_DENIED, "invalid pid '%.32s'", s);
	errno = 0;
	v = strtol(s, &end, 10);
	if (errno || *end || v < 2 || v > 4194304)
		die(EXIT_DENIED, "invalid pid '%.32s'", s);
	return (pid_t)v;
}

/* "START,START,…": slots the launcher would like (they hold the image). */
static void parse_prefer(const char *s, struct subid_request *rq)
{
	const char *q = s;

	while (*q && rq->prefer.n < SUBID_PREFER_MAX) {
		char *end;
		unsigned long v;

		if (*q < '0' || *q > '9')
			die(EXIT_DENIED, "--prefer: invalid list '%.64s'", s);
		errno = 0;
		v = strtoul(q, &end, 10);
		if (errno || v > UINT32_MAX || (*end && *end != ','))
			die(EXIT_DENIED, "--prefer: invalid list '%.64s'", s);
		rq->prefer.start[rq->prefer.n++] = (uint32_t)v;
		q = *end ? end + 1 : end;
	}
}

/* Stop with the message of a step that did not succeed. */
static void __attribute__((noreturn)) fail(int r, const struct eci_err *e)
{
	die(subid_refused(r) ? EXIT_DENIED : EXIT_SYSERR, "%s", e->msg);
}

/*
 * The one setting the helper enforces, read from the administrator's
 * policy.d (never the user's settings); a policy that fails its ownership
 * checks stops the helper too.
 */
static struct policy policy;

static void read_limit(struct subid_request *rq)
{
	struct eci_err e = { 0 };

	if (policy_load(&policy, policy_dir(), &e) < 0)
		die(EXIT_DENIED, "%s", e.msg);
	rq->max = policy.v[POL_MAX_CONTAINERS].i;
	rq->max_source = policy.v[POL_MAX_CONTAINERS].source;
}

/* How old the scan of /proc may be when the request comes. */
#define RESCAN_MS 250

/* Whether who_am_i() found the caller's name. */
static bool named;

/* Step 1: all that can be read before the request comes; when it was read. */
static long long prepare(struct subid_pool *pool, const struct subid_user *c,
			 struct subid_request *rq)
{
	struct eci_err e = { 0 };
	long long t = mono_ms();
	int r = subid_pool_load(pool, c, &e);

	if (r < 0 && subid_refused(r) && !named)
		die(EXIT_DENIED, "%s (uid %u is not in /etc/passwd, where this program finds "
		    "user names: lines for it must name it by uid)", e.msg, (unsigned)c->uid);
	if (r < 0)
		fail(r, &e);
	read_limit(rq);
	return t;
}

/* The cgroups of the request (cgroups.c), received with it. */
static int cg_fd[CG_DELEGATED_MAX];
static size_t cg_n;

/* A read of stdin, with the fds that come along (SCM_RIGHTS, close-on-exec):
 * at most CG_DELEGATED_MAX in all, or the request is refused.  A stdin that
 * is no socket is read as it is. */
static ssize_t read_with_fds(char *buf, size_t size)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int) * CG_DELEGATED_MAX)];
	} u;
	struct iovec iov = { .iov_base = buf, .iov_len = size };
	struct msghdr msg = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = u.space,
			      .msg_controllen = sizeof(u.space) };
	ssize_t n = recvmsg(0, &msg, MSG_CMSG_CLOEXEC);

	if (n < 0 && errno == ENOTSOCK)
		return read(0, buf, size);
	if (n < 0)
		return n;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		size_t k;

		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			die(EXIT_DENIED, "stdin: invalid request (not fds)");
		k = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		if (cg_n + k > CG_DELEGATED_MAX)
			die(EXIT_DENIED, "stdin: more than %d cgroups", CG_DELEGATED_MAX);
		memcpy(cg_fd + cg_n, CMSG_DATA(c), k * sizeof(int));
		cg_n += k;
	}
	if (msg.msg_flags & MSG_CTRUNC)
		die(EXIT_DENIED, "stdin: more than %d cgroups", CG_DELEGATED_MAX);
	return n;
}

/* --stdin: "PID[ PREFER]\n", one line of at most 1021 bytes and a newline,
 * and the directory fds of the container's cgroups to give to its root. */
static pid_t read_request(struct subid_request *rq)
{
	char buf[1024], *sp;
	size_t len = 0;

	/* One line, and nothing after it: the launcher closes its end. */
	while (len < sizeof(buf) - 1 && (!len || !memchr(buf, '\n', len))) {
		ssize_t n = read_with_fds(buf + len, sizeof(buf) - 1 - len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die(EXIT_SYSERR, "read stdin: %m");
		if (n == 0 && len == 0)
			exit(EXIT_DENIED);	/* the launcher gave up: nothing to say */
		if (n == 0)
			break;
		len += (size_t)n;
	}
	if (len && buf[len - 1] == '\n')
		len--;
	if (len == 0 || len >= sizeof(buf) - 2 || memchr(buf, '\n', len) || memchr(buf, '\0', len))
		die(EXIT_DENIED, "stdin: invalid request");
	buf[len] = '\0';
	sp = strchr(buf, ' ');
	if (sp) {
		*sp = '\0';
		parse_prefer(sp + 1, rq);
	}
	return parse_pid(buf);
}

/* Only the test build (ECI_POLICY_FROM_ENV) keeps $ECI_POLICY_DIR. */
static char test_policy_dir[512];

static void keep_test_policy_dir(void)
{
#ifdef ECI_POLICY_FROM_ENV
	const char *d = getenv("ECI_POLICY_DIR");

	snprintf(test_policy_dir, sizeof(test_policy_dir), "%s", d ? d : "");
#endif
}

static void restore_test_policy_dir(void)
{
	if (test_policy_dir[0])
		setenv("ECI_POLICY_DIR", test_policy_dir, 1);
}

/*
 * The caller's name, for the lines of /etc/subuid that name it: the first
 * line of /etc/passwd with the caller's uid (subid_passwd_name(), as
 * eci-run's own check finds it), whichever libc the helper is built on,
 * and no NSS module, nscd or directory service is asked: a user known only
 * to one has the lines that name the uid.
 */
static void who_am_i(struct subid_user *c)
{
	_cleanup_free_ char *pw = NULL;
	size_t len;

	c->uid = getuid();
	c->gid = getgid();
	named = read_all_at(AT_FDCWD, "/etc/passwd", SUBID_MAX_FILE, &pw, &len) == 0 &&
		subid_passwd_name(pw, len, c->uid, c->name, sizeof(c->name));
	if (!named)
		snprintf(c->name, sizeof(c->name), "%u", (unsigned)c->uid);
}

/*
 * --keep-id UID:GID: the caller's own ids kept as themselves in the map.
 * The request names them, and they are compared with the ids the kernel
 * gave this process (who_am_i()): a request for any other id, or for
 * root's, is refused before anything is read.
 */
static const struct keep_id *keep_request(const char *arg, const struct subid_user *c,
					  struct keep_id *k)
{
	const char *why = subid_keep_id(arg, c->uid, c->gid);

	if (why)
		die(EXIT_DENIED, "--keep-id %.40s: %s (you are uid %u, gid %u)", arg, why,
		    (unsigned)c->uid, (unsigned)c->gid);
	k->uid = c->uid;
	k->gid = c->gid;
	return k;
}

/*
 * allowKeepId, as the administrator locked it: unlocked, the user's own
 * settings may change it, and eci-run's gate applies it (policy/gate.c);
 * the helper holds only the lock, which no user can lift.
 */
static void keep_allowed(void)
{
	const struct pol_value *v = &policy.v[POL_ALLOW_KEEP_ID];
	char msg[1300];

	if (v->b || !v->locked)
		return;
	snprintf(msg, sizeof(msg), "--keep-id: \"%s\" is managed by your administrator (%s)",
		 pol_names[POL_ALLOW_KEEP_ID], v->source);
	policy_audit(&policy, "refused", POL_ALLOW_KEEP_ID, NULL, msg);
	die(EXIT_DENIED, "%s", msg);
}

/*
 * eci-run starts the helper on its CPUs but the one it is on, so that it
 * runs beside the launcher (core/helper.c).  With the request, the launcher
 * only waits: the helper may run on every CPU of the launcher's again.
 */
static void launcher_cpus(pid_t parent)
{
	cpu_set_t cpus;

	if (sched_getaffinity(parent, sizeof(cpus), &cpus) == 0)
		sched_setaffinity(0, sizeof(cpus), &cpus);
}

/*
 * Answered: what is left is this process's end, which closes the pidfds
 * the scan kept (subid/scan.c), 75 here.  It comes just as the container's
 * pid 1 is told to go, while the launcher writes meta.json: on 2 CPUs,
 * pid 1 waited for one, 0.72 ms from the go to its first step (median of
 * 60 starts), 0.42 ms with this.  A task of SCHED_IDLE counts as an idle
 * CPU to the scheduler, which puts the woken pid 1 there.  The launcher
 * reaps this process once it has nothing else to do for the start.  (A
 * raw system call: musl's sched_setscheduler() only fails with ENOSYS.)
 */
static void end_aside(void)
{
	struct sched_param none = { 0 };

	syscall(SYS_sched_setscheduler, 0, SCHED_IDLE, &none);
}

/* Called with the slot picked, under the locks: a launcher killed meanwhile
 * takes its child with it (parent-death signal), so no lease and no maps for
 * a container that is going. */
static int launcher_waits(void *parent, struct eci_err *e)
{
	return getppid() == *(pid_t *)parent ? 0 : eci_fail(e, 0, "the launcher went away");
}

int main(int argc, char **argv)
{
	struct subid_request rq = { .recheck = launcher_waits };
	struct eci_err e = { 0 };
	struct subid_pool pool;
	struct subid_user c;
	struct lease l;
	struct keep_id kid;
	const struct keep_id *keep = NULL;
	const char *keep_arg = NULL;
	bool from_stdin = false;
	long long scanned;
	sigset_t none;
	pid_t parent;
	int r;

	eci_program = "eci-newidmap";
	/* eci-run starts it with every signal blocked (core/helper.c) */
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	parent = getppid();
	rq.ctx = &parent;
	sanitize_stdio();
	keep_test_policy_dir();
	clearenv();
	restore_test_policy_dir();
	umask(077);
	/* Nothing may be passed on to programs this one could run. */
	prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
	caps_minimum();
	/* Nobody may ptrace or read the memory of the privileged process. */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);

	if (argc == 2 && !strcmp(argv[1], "--state-dir")) {
		who_am_i(&c);
		r = statedir_make(&c, &e);
		if (r < 0)
			fail(r, &e);
		return 0;
	}
	while (argc >= 4 && ((!strcmp(argv[1], "--prefer") && !rq.prefer.n) ||
			     (!strcmp(argv[1], "--keep-id") && !keep_arg))) {
		if (argv[1][2] == 'p')
			parse_prefer(argv[2], &rq);
		else
			keep_arg = argv[2];
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || !strcmp(argv[1], "--help"))
		die(EXIT_DENIED, "usage: eci-newidmap [--prefer START[,START...]] [--keep-id UID:GID] "
		    "PID|--stdin\n"
		    "       eci-newidmap --state-dir");
	if (!strcmp(argv[1], "--stdin")) {
		from_stdin = true;
		die_quiet_without = parent;
		die_await_request = true;
	} else
		rq.pid = parse_pid(argv[1]);
	who_am_i(&c);
	if (keep_arg)
		keep = keep_request(keep_arg, &c, &kid);

	subid_scan_keep_pidfds();	/* closed by the exit, after the answer */
	scanned = prepare(&pool, &c, &rq);
	if (from_stdin) {
		die_await_request = false;
		rq.pid = read_request(&rq);
		launcher_cpus(parent);
		/*
		 * A request that comes late (the launcher imported an image,
		 * say): what the administrator changed meanwhile counts, so the
		 * files, the policy and /proc are read again.  One that comes
		 * at once finds them as fresh as a PID argument would.
		 */
		if (mono_ms() - scanned > RESCAN_MS) {
			subid_pool_free(&pool);
			policy_free(&policy);
			prepare(&pool, &c, &rq);
		}
	}
	if (keep)
		keep_allowed();
	rq.procfd = target_open(rq.pid, &c, &e);
	if (rq.procfd < 0)
		fail(rq.procfd, &e);
	r = cgroups_check(cg_fd, cg_n, c.uid, &e);
	if (r < 0)
		fail(r, &e);

	/* The lease directory is root's alone.  The lease is published before
	 * the maps are written, and the locks are given up before anything is
	 * written to stdout or stderr, which the caller could stall. */
	caps_fsids(0, 0);
	r = subid_take(&c, &pool, &rq, &l, &e);
	if (r == SUBID_LIMIT)
		policy_audit(&policy, "refused", POL_MAX_CONTAINERS, NULL,
			     "the container limit is reached");
	if (r < 0)
		fail(r, &e);
	subid_pool_free(&pool);
	caps_fsids(c.uid, c.gid);	/* the map files are the caller's */
	r = maps_write(rq.procfd, l.uid_start, l.gid_start, keep, &e);
	if (r < 0)
		fail(r, &e);
	close(rq.procfd);
	if (cg_n) {	/* the group the slot's root has, for these alone */
		caps_fsids(c.uid, l.gid_start);
		r = cgroups_give(cg_fd, cg_n, c.uid, l.gid_start, &e);
		caps_fsids(c.uid, c.gid);
		if (r < 0)
			fail(r, &e);
	}

	printf("uid:%u:%u gid:%u:%u\n", l.uid_start, SUBID_SLOT, l.gid_start, SUBID_SLOT);
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EXIT_SYSERR, "write to stdout: %m");
	end_aside();
	return 0;
}
