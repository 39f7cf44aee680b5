// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_scan.c - the scan of /proc (subid/scan.c), on real processes
 *
 * lease_scan() reads every process's ids through a pidfd (PIDFD_GET_INFO),
 * and a readable pidfd marks a zombie, which holds none; /proc/PID/status
 * is the reader of kernels without PIDFD_GET_INFO.
 * Two readers must agree: a struct pidfd_info laid out wrongly would read
 * the wrong fields, so the pidfd ids of this process, of its parent and of
 * a child given eight different ids are held against /proc/PID/status.
 * Then the scan itself: a live child holding a slot's id makes the slot
 * busy, a zombie does not, with the pidfd path and without it.  Children
 * with chosen ids need root; without it, those tests are skipped (counted).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/fsuid.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subid-int.h"
#include "tap.h"
#include "unit.h"

/* Three slots far above any account's ids. */
#define SCAN_U 3900000000u
#define SCAN_G 3910000000u

static void read_status(pid_t pid, char *buf, size_t size)
{
	char path[64];
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, f);
	fclose(f);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, size - 1);
	buf[n] = '\0';
}

/* Both readers, all eight ids; the pidfd ones are left in @ids. */
static void ck_same_ids(pid_t pid, unsigned long long ids[8])
{
	unsigned long long st[8];
	char buf[8192];

	ck_assert_int_eq(lease_pidfd_ids(pid, ids, NULL, NULL), LEASE_PIDFD_IDS);
	read_status(pid, buf, sizeof(buf));
	ck_assert(lease_status_ids(buf, st));
	for (int k = 0; k < 8; k++)
		ck_assert_msg(ids[k] == st[k], "process %d, id %d: pidfd %llu, status %llu",
			      (int)pid, k, ids[k], st[k]);
}

START_TEST(test_pidfd_self_parent)
{
	unsigned long long ids[8];

	ck_same_ids(_i ? getppid() : getpid(), ids);
}
END_TEST

/*
 * A child that takes @want (real, effective, saved, fs uid; the same for
 * gids), says so on a pipe and then waits to be killed (STAY), exits at
 * once (EXIT: a zombie until reaped), or lets its main thread exit while a
 * second thread waits (LEADER_EXITS: the leader is a zombie, the process
 * lives).  The effective uid must stay 0 if the
 * fs uid is to differ from it: setfsuid() needs CAP_SETUID then.
 */
enum child_end { STAY, EXIT, LEADER_EXITS };

static void *wait_forever(void *arg)
{
	(void)arg;
	for (;;)
		pause();
	return NULL;
}

static pid_t child_with_ids(const unsigned want[8], enum child_end end)
{
	int p[2];
	char c = 'x';
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		close(p[0]);
		if (setresgid(want[4], want[5], want[6]) == 0 && (setfsgid(want[7]), 1) &&
		    (gid_t)setfsgid((gid_t)-1) == want[7] &&
		    setresuid(want[0], want[1], want[2]) == 0 && (setfsuid(want[3]), 1) &&
		    (uid_t)setfsuid((uid_t)-1) == want[3])
			c = 'o';
		if (end == LEADER_EXITS) {
			pthread_t th;

			if (pthread_create(&th, NULL, wait_forever, NULL) != 0)
				c = 'x';
		}
		if (write(p[1], &c, 1) != 1 || end == EXIT)
			_exit(0);
		if (end == LEADER_EXITS)
			pthread_exit(NULL);	/* the process lives on in its thread */
		for (;;)
			pause();
	}
	close(p[1]);
	ck_assert_int_eq(read(p[0], &c, 1), 1);
	close(p[0]);
	if (c != 'o') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		ck_abort_msg("the child could not take its ids");
	}
	return pid;
}

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}

/* Eight different ids, each where the kernel's struct must put it. */
START_TEST(test_pidfd_distinct)
{
	static const unsigned want[8] = { 1001, 0, 1003, 1004, 2001, 2002, 2003, 2004 };
	unsigned long long ids[8];
	pid_t pid = child_with_ids(want, STAY);

	ck_same_ids(pid, ids);
	for (int k = 0; k < 8; k++)
		ck_assert_msg(ids[k] == want[k], "id %d: %llu, want %u", k, ids[k], want[k]);
	reap(pid);
}
END_TEST

static const struct {
	const char *what;
	unsigned ids[8];
	enum child_end end;
	bool busy[3];
} scans[] = {
	{ "live, real uid in slot 1", { SCAN_U + 65536 + 7, 0, 0, 0, 0, 0, 0, 0 }, STAY,
	  { false, true, false } },
	{ "live, saved gid at the end of slot 2", { 0, 0, 0, 0, 0, 0, SCAN_G + 3 * 65536 - 1, 0 },
	  STAY, { false, false, true } },
	{ "live, fs gid one past slot 2", { 0, 0, 0, 0, 0, 0, 0, SCAN_G + 3 * 65536 }, STAY,
	  { false, false, false } },
	{ "zombie, all ids in slot 0", { SCAN_U, SCAN_U, SCAN_U, SCAN_U, SCAN_G, SCAN_G, SCAN_G,
	  SCAN_G }, EXIT, { false, false, false } },
	{ "zombie leader, live thread, all ids in slot 1", { SCAN_U + 65536, SCAN_U + 65536,
	  SCAN_U + 65536, SCAN_U + 65536, SCAN_G + 65536, SCAN_G + 65536, SCAN_G + 65536,
	  SCAN_G + 65536 }, LEADER_EXITS, { false, true, false } },
};

/* Until /proc/PID/stat says the leader is a zombie. */
static void await_zombie(pid_t pid)
{
	char path[64], buf[512];

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(path, "re");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;

		if (f)
			fclose(f);
		buf[n] = '\0';
		if (strstr(buf, ") Z "))
			return;
		usleep(2000);
	}
	ck_abort_msg("process %d: its leader did not become a zombie", (int)pid);
}

/* scans[_i / 2], with the pidfd path (_i even) and with /proc alone. */
START_TEST(test_scan_child)
{
	const __typeof__(scans[0]) *t = &scans[_i / 2];
	struct subid_file u = { .path = "test subuid", .n = 1, .first_line = 1 };
	struct subid_file g = { .path = "test subgid", .n = 1, .first_line = 1 };
	struct eci_err e = { 0 };
	bool busy[4] = { false, false, false, false };
	siginfo_t si;
	pid_t pid;

	u.r[0] = (struct subid_range){ .start = SCAN_U, .count = 3 * 65536, .line = 1 };
	g.r[0] = (struct subid_range){ .start = SCAN_G, .count = 3 * 65536, .line = 1 };
	ck_assert_uint_eq(lease_slot_count(&u, &g), 3);
	pid = child_with_ids(t->ids, t->end);
	if (t->end == EXIT) {
		memset(&si, 0, sizeof(si));
		ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	} else if (t->end == LEADER_EXITS) {
		await_zombie(pid);
	}
	ck_assert_msg(lease_scan(&u, &g, busy, _i % 2 == 0, &e) == 0, "scan: %s", e.msg);
	reap(pid);
	for (int i = 0; i < 3; i++)
		ck_assert_msg(busy[i] == t->busy[i], "%s (%s): slot %d %s", t->what,
			      _i % 2 ? "/proc" : "pidfd", i, busy[i] ? "busy" : "free");
	ck_assert(!busy[3]);
}
END_TEST

/*
 * The scan's pidfds kept open, as the helper has it: with fewer fds free
 * than there are processes, the scan closes what it kept and goes on, and
 * still sees the child, which is among the last in /proc.  In a child
 * process of its own: the limit and the kept pidfds are the process's.
 */
START_TEST(test_scan_kept_pidfds)
{
	struct subid_file u = { .path = "test subuid", .n = 1, .first_line = 1 };
	struct subid_file g = { .path = "test subgid", .n = 1, .first_line = 1 };
	pid_t pid = child_with_ids(scans[0].ids, STAY), scanner;
	int status;

	u.r[0] = (struct subid_range){ .start = SCAN_U, .count = 3 * 65536, .line = 1 };
	g.r[0] = (struct subid_range){ .start = SCAN_G, .count = 3 * 65536, .line = 1 };
	scanner = fork();
	ck_assert_int_ge(scanner, 0);
	if (scanner == 0) {
		struct eci_err e = { 0 };
		bool busy[4] = { false, false, false, false };
		int free_fd = dup(0);
		struct rlimit rl = { .rlim_cur = (rlim_t)free_fd + 8, .rlim_max = (rlim_t)free_fd + 8 };
		DIR *d = opendir("/proc");
		struct dirent *de;
		int procs = 0;

		while (d && (de = readdir(d)))
			procs += de->d_name[0] >= '1' && de->d_name[0] <= '9';
		if (d)
			closedir(d);
		close(free_fd);
		if (procs < 16 || setrlimit(RLIMIT_NOFILE, &rl) < 0)
			_exit(2);	/* nothing would run out */
		subid_scan_keep_pidfds();
		if (lease_scan(&u, &g, busy, true, &e) < 0)
			_exit(3);
		_exit(!busy[0] && busy[1] && !busy[2] ? 0 : 4);
	}
	ck_assert_int_eq(waitpid(scanner, &status, 0), scanner);
	reap(pid);
	ck_assert_msg(WIFEXITED(status) && WEXITSTATUS(status) == 0,
		      "the scan with pidfds kept and 8 fds free: status %#x (2: too few processes "
		      "to run out, 3: it failed, 4: it missed the child's slot)", status);
}
END_TEST

Suite *scan_suite(void)
{
	Suite *s = suite_create("scan");
	TCase *tc = tcase_create("pidfd and /proc");
	unsigned long long ids[8];
	bool root = geteuid() == 0;
	int nscans = (int)(sizeof(scans) / sizeof(scans[0]));

	if (lease_pidfd_ids(getpid(), ids, NULL, NULL) != LEASE_PIDFD_IDS) {
		const char *why = "this kernel has no PIDFD_GET_INFO (Linux 6.13)";

		test_skip("pidfd_self_parent", why);
		test_skip("pidfd_distinct", why);
	} else {
		tcase_add_loop_test(tc, test_pidfd_self_parent, 0, 2);
		if (root)
			tcase_add_test(tc, test_pidfd_distinct);
		else
			test_skip("pidfd_distinct", "needs root to give a child its ids");
	}
	if (root) {
		tcase_add_loop_test(tc, test_scan_child, 0, 2 * nscans);
		tcase_add_test(tc, test_scan_kept_pidfds);
	} else {
		test_skip("scan_child", "needs root to give a child ids in a slot");
		test_skip("scan_kept_pidfds", "needs root to give a child ids in a slot");
	}
	suite_add_tcase(s, tc);
	return s;
}
