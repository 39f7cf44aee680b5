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
 *     time around the single write each is needed for (caps.c);
 *   - the pid is parsed strictly and bound to the caller's fresh child
 *     through one /proc/PID fd (target.c);
 *   - /etc/subuid and /etc/subgid are trusted only if root owns them and
 *     nobody else can write them; ranges that contain id 0, the caller's own
 *     id, wrap, or overlap are skipped with a warning (idfile.c, subid.c).
 * It then takes the first slot of 65536 ids that no live container of the
 * caller holds (lease.c), writes "0 START 65536" to both maps of the target,
 * records the lease, and prints "uid:START:COUNT gid:START:COUNT" on stdout
 * for the launcher.
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
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "helper.h"
#include "policy.h"

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
static void parse_prefer(const char *s, struct prefer *p)
{
	const char *q = s;

	while (*q && p->n < PREFER_MAX) {
		char *end;
		unsigned long v;

		if (*q < '0' || *q > '9')
			die(EXIT_DENIED, "--prefer: invalid list '%.64s'", s);
		errno = 0;
		v = strtoul(q, &end, 10);
		if (errno || v > UINT32_MAX || (*end && *end != ','))
			die(EXIT_DENIED, "--prefer: invalid list '%.64s'", s);
		p->start[p->n++] = (uint32_t)v;
		q = *end ? end + 1 : end;
	}
}

/*
 * The one setting the helper enforces, read from the administrator's
 * policy.d (never the user's settings); a policy that fails its ownership
 * checks stops the helper too.
 */
static struct policy policy;

static void audit_limit(const struct limit *lim, const char *detail)
{
	policy_audit(lim->policy, "refused", POL_MAX_CONTAINERS, NULL, detail);
}

static void read_limit(struct limit *lim)
{
	struct eci_err e = { 0 };

	if (policy_load(&policy, policy_dir(), &e) < 0)
		die(EXIT_DENIED, "%s", e.msg);
	lim->max = policy.v[POL_MAX_CONTAINERS].i;
	snprintf(lim->source, sizeof(lim->source), "%s", policy.v[POL_MAX_CONTAINERS].source);
	lim->audit = audit_limit;
	lim->policy = &policy;
}

/* How old the scan of /proc may be when the request comes. */
#define RESCAN_MS 250

static long long now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* --stdin: "PID[ PREFER]\n", one line of at most 1021 bytes and a newline. */
static pid_t read_request(struct prefer *prefer)
{
	char buf[1024], *sp;
	size_t len = 0;

	/* One line, and nothing after it: the launcher closes its end. */
	while (len < sizeof(buf) - 1 && (!len || !memchr(buf, '\n', len))) {
		ssize_t n = read(0, buf + len, sizeof(buf) - 1 - len);

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
		parse_prefer(sp + 1, prefer);
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

static void who_am_i(struct caller *c)
{
	struct passwd *pw;

	c->uid = getuid();
	c->gid = getgid();
	errno = 0;
	pw = getpwuid(c->uid);
	if (pw && strlen(pw->pw_name) < sizeof(c->name))
		strcpy(c->name, pw->pw_name);
	else
		snprintf(c->name, sizeof(c->name), "%u", (unsigned)c->uid);
}

int main(int argc, char **argv)
{
	struct idfile uids, gids;
	struct prefer prefer = { 0 };
	struct limit lim = { 0 };
	struct leases ls;
	struct lease l;
	struct caller c;
	bool from_stdin = false;
	_cleanup_free_ bool *busy = NULL;
	long long scanned;
	unsigned long long starttime;
	pid_t parent;
	int procfd;
	pid_t pid = 0;

	eci_program = "eci-newidmap";
	parent = getppid();
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

	if (argc == 4 && !strcmp(argv[1], "--prefer")) {
		parse_prefer(argv[2], &prefer);
		argv += 2;
		argc -= 2;
	}
	if (argc != 2 || !strcmp(argv[1], "--help"))
		die(EXIT_DENIED, "usage: eci-newidmap [--prefer START[,START...]] PID|--stdin");
	if (!strcmp(argv[1], "--stdin")) {
		from_stdin = true;
		die_quiet_without = parent;
	} else
		pid = parse_pid(argv[1]);
	who_am_i(&c);

	idfile_load(&uids, SUBUID_PATH, 'u', &c, c.uid);
	idfile_load(&gids, SUBGID_PATH, 'g', &c, c.gid);
	read_limit(&lim);
	busy = calloc(lease_slot_count(&uids, &gids) + 1, sizeof(*busy));
	if (!busy)
		die(EXIT_SYSERR, "out of memory");
	scanned = now_ms();
	lease_scan(&uids, &gids, busy);
	if (from_stdin) {
		pid = read_request(&prefer);
		/*
		 * A request that comes late (the launcher imported an image,
		 * say): what the administrator changed meanwhile counts, so the
		 * files, the policy and /proc are read again.  One that comes
		 * at once finds them as fresh as a PID argument would.
		 */
		if (now_ms() - scanned > RESCAN_MS) {
			idfile_load(&uids, SUBUID_PATH, 'u', &c, c.uid);
			idfile_load(&gids, SUBGID_PATH, 'g', &c, c.gid);
			policy_free(&policy);
			read_limit(&lim);
			free(busy);
			busy = calloc(lease_slot_count(&uids, &gids) + 1, sizeof(*busy));
			if (!busy)
				die(EXIT_SYSERR, "out of memory");
			lease_scan(&uids, &gids, busy);
		}
	}
	procfd = target_open(pid, &c);
	starttime = target_starttime(procfd, pid);

	leases_as_root();
	leases_open(&ls, c.uid);
	lease_pick(&ls, &c, &uids, &gids, &prefer, &lim, busy, &l);
	l.pid = pid;
	l.starttime = starttime;
	/* A launcher killed meanwhile takes its child with it (parent-death
	 * signal): no lease and no maps for a container that is going. */
	if (getppid() != parent)
		die(EXIT_SYSERR, "the launcher went away");
	/* Published before the maps are written: no mapped process ever
	 * stands without a lease; if the write fails, the launcher kills the
	 * child and the lease dies with it.  The locks go before anything is
	 * written to stdout or stderr, which the caller could stall. */
	lease_commit(&ls, &l);
	leases_close(&ls);
	leases_as_caller(&c);	/* the map files are the caller's */
	maps_write(procfd, l.uid_start, l.gid_start, SUBID_SLOT);
	close(procfd);

	printf("uid:%u:%u gid:%u:%u\n", l.uid_start, SUBID_SLOT, l.gid_start, SUBID_SLOT);
	if (fflush(stdout) == EOF || ferror(stdout))
		die(EXIT_SYSERR, "write to stdout: %m");
	return 0;
}
