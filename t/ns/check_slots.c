// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_slots.c - exclusive subordinate ranges: concurrent containers never
 * share a host id, and a slot comes back however its container ended
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "launcher.h"
#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"

#define MAX_RUNNING 8

struct box {
	pid_t launcher;
	pid_t init;
	int in, out;
	unsigned uid_start, gid_start;
};

static size_t my_slots(unsigned *first_line)
{
	struct subid_range r[SUBID_MAX_RANGES];
	size_t n = ns_my_ranges(r);

	if (first_line)
		*first_line = n ? r[0].line : 0;
	return subid_slot_count(r, n);
}

static unsigned map_start(pid_t pid, const char *file)
{
	char path[64], *map = NULL;
	unsigned inside = 1, start = 0, count = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &inside, &start, &count), 3);
	ck_assert_uint_eq(inside, 0);
	ck_assert_uint_eq(count, 65536);
	free(map);
	return start;
}

/* Start a container that says "ready" and waits for a line on stdin. */
static void box_start(struct box *b)
{
	char bin[4096], line[64];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)"default",
			 (char *)"/bin/sh", (char *)"-c", (char *)"echo ready; read x", NULL };

	b->launcher = t_spawn(argv, &b->in, &b->out);
	ck_assert_int_gt(b->launcher, 0);
	ck_assert_int_eq(t_read_line(b->out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
	b->init = t_child_of(b->launcher);
	ck_assert_int_gt(b->init, 0);
	b->uid_start = map_start(b->init, "uid_map");
	b->gid_start = map_start(b->init, "gid_map");
}

static int box_stop(struct box *b)
{
	int st;

	t_let_go(b->in);
	close(b->out);
	waitpid(b->launcher, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Wait until a pid is gone (or a zombie nobody reaped yet). */
static void await_gone(pid_t pid)
{
	char path[64], *stat = NULL;

	for (int i = 0; i < 500; i++) {
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
		if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0)
			return;
		bool zombie = strstr(stat, ") Z ") != NULL;

		free(stat);
		if (zombie)
			return;
		usleep(10000);
	}
	ck_abort_msg("process %d did not go away", (int)pid);
}

START_TEST(concurrent_disjoint)
{
	struct box b[3];

	for (int i = 0; i < 3; i++)
		box_start(&b[i]);
	for (int i = 0; i < 3; i++)
		for (int k = i + 1; k < 3; k++) {
			/* Slots are 65536 apart: distinct starts never overlap. */
			ck_assert_uint_ne(b[i].uid_start, b[k].uid_start);
			ck_assert_uint_ne(b[i].gid_start, b[k].gid_start);
			ck_assert_uint_ge(abs((int)(b[i].uid_start - b[k].uid_start)), 65536);
		}
	for (int i = 0; i < 3; i++)
		ck_assert_int_eq(box_stop(&b[i]), 0);
}
END_TEST

START_TEST(all_slots_busy)
{
	unsigned line = 0;
	size_t n = my_slots(&line);
	char words[256];
	struct box b[MAX_RUNNING];
	struct run_result r;

	for (size_t i = 0; i < n; i++)
		box_start(&b[i]);
	t_sh("true", &r);
	ck_assert_int_eq(r.status, 125);
	snprintf(words, sizeof(words), "eci-newidmap: all %zu subordinate ranges of user %s are "
		 "in use by running containers (/etc/subuid line %u)", n,
		 getpwuid(getuid())->pw_name, line);
	ck_assert_msg(strstr(r.err, words), "stderr lacks '%s': %s", words, r.err);
	t_run_free(&r);
	for (size_t i = 0; i < n; i++)
		box_stop(&b[i]);
	/* and once they are gone, a slot is there again */
	t_sh("true", &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
}
END_TEST

START_TEST(kill_launcher_frees_slot)
{
	struct box a, b;

	box_start(&a);
	kill(a.launcher, SIGKILL);
	ck_assert_int_eq(box_stop(&a), 128 + SIGKILL);
	await_gone(a.init);	/* pid 1 follows its launcher (parent-death signal) */
	box_start(&b);
	ck_assert_uint_eq(b.uid_start, a.uid_start);
	ck_assert_int_eq(box_stop(&b), 0);
}
END_TEST

START_TEST(kill_init_frees_slot)
{
	struct box a, b;

	box_start(&a);
	ck_assert_int_eq(kill(a.init, SIGKILL), 0);
	ck_assert_int_eq(box_stop(&a), 128 + SIGKILL);
	box_start(&b);
	ck_assert_uint_eq(b.uid_start, a.uid_start);
	ck_assert_int_eq(box_stop(&b), 0);
}
END_TEST

/* A killed launcher's state directory is cleaned by the next eci-run. */
START_TEST(killed_launcher_state_cleaned)
{
	char base[64];
	struct box a;
	struct run_result r;
	DIR *d;
	struct dirent *de;
	int entries = 0;

	box_start(&a);
	kill(a.launcher, SIGKILL);
	box_stop(&a);
	t_sh("true", &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
	state_base(base, sizeof(base));
	d = opendir(base);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			entries++;
	closedir(d);
	ck_assert_int_eq(entries, 0);
}
END_TEST

/* Any live process with a uid of our subordinate ranges? */
static int slot_processes(void)
{
	unsigned line;
	size_t n = my_slots(&line);
	struct subid_range r[SUBID_MAX_RANGES];
	struct passwd *pw = getpwuid(getuid());
	char *buf = NULL;
	size_t len = 0, nr;
	DIR *d;
	struct dirent *de;
	int found = 0;

	(void)n;
	ck_assert_int_eq(read_all_at(AT_FDCWD, "/etc/subuid", 1 << 20, &buf, &len), 0);
	nr = subid_parse(buf, len, pw->pw_name, getuid(), getuid(), r, NULL, NULL);
	free(buf);
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		char path[300], *st = NULL, *u;
		unsigned uid;

		snprintf(path, sizeof(path), "/proc/%s/status", de->d_name);
		if (read_all_at(AT_FDCWD, path, 1 << 16, &st, NULL) < 0)
			continue;
		u = strstr(st, "\nUid:");
		if (u && sscanf(u + 5, "%u", &uid) == 1 && !strstr(st, "State:\tZ"))
			for (size_t i = 0; i < nr; i++)
				found += uid >= r[i].start && uid < r[i].start + r[i].count;
		free(st);
	}
	if (d)
		closedir(d);
	return found;
}

/*
 * SIGKILL the launcher at every stage of a start — clone, maps, image,
 * mounts, pivot, running — by killing it after 0 to 40 ms; after each:
 * no process of the container, no mount of it on the host, and the next
 * container gets the first slot and cleans the state directory.
 */
START_TEST(kill_at_every_stage)
{
	char bin[4096], base[64];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)"default",
			 (char *)"sh", (char *)"-c", (char *)"echo ready; read x", NULL };
	struct box first;

	box_start(&first);
	ck_assert_int_eq(box_stop(&first), 0);
	for (int delay = 0; delay <= 40; delay += 2) {
		int in, out, st;
		pid_t pid = t_spawn(argv, &in, &out);
		char *mounts = NULL;
		struct box b;

		usleep((useconds_t)delay * 1000);
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		close(in);
		close(out);
		for (int i = 0; i < 200 && slot_processes(); i++)
			usleep(10000);
		ck_assert_msg(slot_processes() == 0, "delay %d ms: a process of the container is left",
			      delay);
		ck_assert_int_eq(read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &mounts, NULL), 0);
		state_base(base, sizeof(base) - 1);
		strcat(base, "/");
		ck_assert_msg(!strstr(mounts, base), "delay %d ms: a mount is left", delay);
		free(mounts);
		box_start(&b);
		ck_assert_msg(b.uid_start == first.uid_start, "delay %d ms: slot not free", delay);
		ck_assert_int_eq(box_stop(&b), 0);
	}
}
END_TEST

/*
 * Containers run one after the other get the same slot, though the last
 * one's pid 1 is still being torn down (here with 20000 files in its
 * /dev/shm, which go with the container's mounts at pid 1's exit; a
 * writable host directory keeps the workload from making mounts): what it
 * wrote to a shared directory (sticky, world-writable) stays the next
 * one's to change.  The image is unpacked in two slots first, so that the
 * next start has a free slot it prefers as much; it used to take that
 * one, whose root may not write the file.
 */
START_TEST(next_run_same_slot)
{
	char dir[] = "/tmp/eci-t-next.XXXXXX", spec[64], path[64];
	struct run_result r;
	struct box b;

	box_start(&b);
	T_ECI(&r, "--network", "none", "default", "true");	/* in a second slot */
	t_want(&r, 0);
	t_run_free(&r);
	ck_assert_int_eq(box_stop(&b), 0);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 01777), 0);
	snprintf(spec, sizeof(spec), "%s:/w", dir);
	for (int round = 0; round < 3; round++) {
		T_ECI(&r, "--network", "none", "-v", spec, "default", "sh", "-c",
		      "cd /dev/shm && seq 1 20000 | xargs touch && echo first > /w/f");
		t_want(&r, 0);
		t_run_free(&r);
		T_ECI(&r, "--network", "none", "-v", spec, "default", "sh", "-c",
		      "echo next >> /w/f && cat /w/f");
		t_want(&r, 0);
		ck_assert_str_eq(r.out, "first\nnext\n");
		t_run_free(&r);
		snprintf(path, sizeof(path), "%s/f", dir);
		ck_assert_int_eq(unlink(path), 0);	/* the sticky directory's owner may */
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

Suite *slots_suite(void)
{
	Suite *s = suite_create("slots");
	TCase *tc = tcase_create("exclusive ranges");
	size_t n = my_slots(NULL);

	tcase_set_timeout(tc, 180);
	if (n < 3)
		test_skip("concurrent_disjoint", "the account has fewer than 3 slots");
	else
		tcase_add_test(tc, concurrent_disjoint);
	if (n > MAX_RUNNING)
		test_skip("all_slots_busy", "the account has more than 8 slots");
	else
		tcase_add_test(tc, all_slots_busy);
	tcase_add_test(tc, kill_launcher_frees_slot);
	tcase_add_test(tc, kill_init_frees_slot);
	tcase_add_test(tc, killed_launcher_state_cleaned);
	tcase_add_test(tc, kill_at_every_stage);
	tcase_add_test(tc, next_run_same_slot);
	suite_add_tcase(s, tc);
	return s;
}

/*
 * Run by t/run-checks.sh as an account with exactly one slot: a second
 * container must be refused while the first runs.
 */
START_TEST(one_slot_in_use)
{
	struct box a;
	struct run_result r;

	ck_assert_uint_eq(my_slots(NULL), 1);
	box_start(&a);
	t_sh("true", &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "eci-newidmap: all 1 subordinate ranges of user "));
	ck_assert_ptr_nonnull(strstr(r.err, "are in use by running containers (/etc/subuid line "));
	t_run_free(&r);
	ck_assert_int_eq(box_stop(&a), 0);
	t_sh("id -u", &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
}
END_TEST

/*
 * Containers one after the other, as a script runs them: eci-run returns as
 * soon as the workload's code is known, while the kernel still tears down
 * pid 1 and its namespaces, here slowly (400 MiB written into the
 * container's writable layer to free).  The next start waits for that
 * pid 1 (the helper's settle()) and gets the slot, where eci-run that waited
 * for nothing would be refused.  No network program: with one, eci-run
 * waits for pid 1 itself.
 */
START_TEST(one_slot_back_to_back)
{
	char bin[4096];
	char *big[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--network",
			(char *)"none", (char *)"default", (char *)"/bin/sh", (char *)"-c",
			(char *)"dd if=/dev/zero of=/big bs=1M count=400 2>/dev/null && echo wrote",
			NULL };
	char *next[] = { bin, (char *)"--network", (char *)"none", (char *)"default",
			 (char *)"/bin/echo", (char *)"next", NULL };
	struct run_result r;

	ck_assert_uint_eq(my_slots(NULL), 1);
	for (int i = 0; i < 3; i++) {
		ck_assert_int_eq(t_run(big, &r), 0);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "wrote\n"), "exit %d: %s%s",
			      r.status, r.out, r.err);
		t_run_free(&r);
		ck_assert_int_eq(t_run(next, &r), 0);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "next\n"),
			      "the start right after: exit %d: %s%s", r.status, r.out, r.err);
		t_run_free(&r);
	}
}
END_TEST

/*
 * Load, run as an account with 24 slots (ECI_NS_LOAD): 20 containers at
 * once hold 20 disjoint ranges (sampled while all run), then 200 in a row;
 * afterwards no process, state directory or fd is left.
 */
START_TEST(twenty_at_once_then_two_hundred)
{
	struct box b[20];
	char base[64];
	struct run_result r;
	DIR *d;
	struct dirent *de;
	int fds_before = 0, fds_after = 0, left = 0;

	d = opendir("/proc/self/fd");
	while ((de = readdir(d)))
		fds_before++;
	closedir(d);
	for (int i = 0; i < 20; i++)
		box_start(&b[i]);
	for (int i = 0; i < 20; i++)
		for (int k = i + 1; k < 20; k++)
			ck_assert_uint_ne(b[i].uid_start, b[k].uid_start);
	for (int i = 0; i < 20; i++)
		ck_assert_int_eq(box_stop(&b[i]), 0);
	for (int i = 0; i < 200; i++) {
		t_sh("true", &r);
		ck_assert_msg(r.status == 0, "run %d: %s", i, r.err);
		t_run_free(&r);
	}
	/* eci-run may return while the kernel still tears down the last
	 * pid 1 (launcher/container.c): a moment for that, then none */
	for (int i = 0; i < 200 && slot_processes(); i++)
		usleep(10000);
	ck_assert_int_eq(slot_processes(), 0);
	state_base(base, sizeof(base));
	d = opendir(base);
	while (d && (de = readdir(d)))
		left += de->d_name[0] != '.';
	if (d)
		closedir(d);
	ck_assert_int_eq(left, 0);
	d = opendir("/proc/self/fd");
	while ((de = readdir(d)))
		fds_after++;
	closedir(d);
	ck_assert_int_eq(fds_after, fds_before);
}
END_TEST

Suite *load_suite(void)
{
	Suite *s = suite_create("load");
	TCase *tc = tcase_create("load");

	tcase_set_timeout(tc, 300);
	tcase_add_test(tc, twenty_at_once_then_two_hundred);
	suite_add_tcase(s, tc);
	return s;
}

Suite *oneslot_suite(void)
{
	Suite *s = suite_create("oneslot");
	TCase *tc = tcase_create("one slot");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, one_slot_in_use);
	tcase_add_test(tc, one_slot_back_to_back);
	suite_add_tcase(s, tc);
	return s;
}
