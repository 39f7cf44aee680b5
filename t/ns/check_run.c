// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_run.c - what a container of the default image looks like from
 * inside and from the host, and eci-run's exit codes
 */
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"

START_TEST(root_inside)
{
	struct run_result r;

	t_sh("id -u; id -g", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "0\n0\n");
	t_run_free(&r);
}
END_TEST

/* The workload is pid 1 of a pid namespace of its own, as with runc:
 * eci's init, above it, is not to be seen, and a signal it has no handler
 * for does not reach it (the kernel's rule for a namespace's init). */
START_TEST(pid_namespace)
{
	struct run_result r;

	t_sh("echo $$; cat /proc/1/comm; ls /proc | grep '^[0-9]' | sort -n | tail -n1; "
	     "grep -l eci-init /proc/[0-9]*/comm | grep -c .", &r);
	t_want(&r, 1);	/* grep -c found none */
	ck_assert_int_eq(strncmp(r.out, "1\nsh\n", 5), 0);
	ck_assert_int_lt(atoi(r.out + 5), 10);	/* nothing but our own few */
	ck_assert_ptr_nonnull(strstr(r.out, "\n0\n"));
	t_run_free(&r);
	t_sh("kill -TERM $$; echo still here", &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "still here\n");
	t_run_free(&r);
}
END_TEST

START_TEST(only_loopback)
{
	struct run_result r;

	T_ECI(&r, "--network", "none", "default", "sh", "-c",
	      "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d ' '; ip -o link | grep -c UP");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "lo\n1\n");
	t_run_free(&r);
}
END_TEST

START_TEST(host_paths_invisible)
{
	const char *src = getenv("ECI_SRCDIR");
	char script[8192], base[64];
	struct run_result r;

	snprintf(script, sizeof(script),
		 "for p in '%s' '%s' /home/ecitest /work /etc/subuid /etc/shadow; do "
		 "  test -e \"$p\" && echo \"visible: $p\"; done; "
		 "ls -A /root /home; cat /proc/self/mountinfo",
		 src ? src : "/nonexistent", t_prefix());
	t_sh(script, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(!strncmp(r.out, "/home:\n\n/root:\n", 15), "%s", r.out);
	/* The old root is gone, and with it every host path: mountinfo names
	 * neither the state directory nor the prefix nor the checkout. */
	state_base(base, sizeof(base));
	ck_assert_ptr_null(strstr(r.out, base));
	ck_assert_ptr_null(strstr(r.out, t_prefix()));
	if (src)
		ck_assert_ptr_null(strstr(r.out, src));
	ck_assert_ptr_nonnull(strstr(r.out, " / / "));
	ck_assert_ptr_nonnull(strstr(r.out, " /proc "));
	ck_assert_ptr_nonnull(strstr(r.out, " /dev/null "));
	t_run_free(&r);
}
END_TEST

/* Pid 1 is forked from eci-run: its command line, host paths and all, is
 * replaced before anything of the container runs. */
START_TEST(pid1_cmdline_hidden)
{
	char bin[4096];
	struct run_result r;

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), "--init --hostname cmdline-test", "default",
		 "tr \"\\\\000\" \" \" < /proc/1/cmdline; echo; cat /proc/1/comm", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(!strncmp(r.out, "eci-init ", 9), "%s", r.out);
	ck_assert_msg(!strstr(r.out, t_prefix()) && !strstr(r.out, "cmdline-test") &&
		      !strstr(r.out, "probe"), "%s", r.out);
	t_run_free(&r);
}
END_TEST

static void check_exit(const char *flags, const char *script, int want)
{
	char bin[4096];
	struct run_result r;

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), flags, "default", script, &r);
	ck_assert_msg(r.status == want, "%s %s: exit %d, want %d (stderr: %s)", flags, script,
		      r.status, want, r.err);
	t_run_free(&r);
}

/* The workload's status; a signal N that ends it gives 128+N.  A signal it
 * sends itself reaches it only as pid 2 (--init): pid 1 of a pid namespace
 * gets none it has no handler for, not even SIGKILL, from inside. */
START_TEST(exit_codes)
{
	check_exit("", "true", 0);
	check_exit("", "exit 42", 42);
	check_exit("", "exit 125", 125);	/* the workload's own 125 passes through */
	check_exit("", "kill -KILL $$; exit 3", 3);
	check_exit("--init", "kill -TERM $$", 128 + SIGTERM);
	check_exit("--init", "kill -KILL $$", 128 + SIGKILL);
}
END_TEST

/* An orphan is re-parented to the pid namespace's init: the workload (sh
 * here, which reaps it), or eci's init with --init. */
START_TEST(orphans_reparented)
{
	static const char script[] =
		"(sleep 3 & echo $! > /tmp/orphan); p=$(cat /tmp/orphan); "
		"set -- $(cat /proc/$p/stat); echo ppid=$4 $(cat /proc/$4/comm); "
		"kill $p; wait; sleep 0.2; [ -e /proc/$p ] && echo left || echo reaped";
	char bin[4096];
	struct run_result r;

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), "", "default", script, &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "ppid=1 sh\nreaped\n");
	t_run_free(&r);
	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), "--init", "default", script, &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "ppid=1 eci-init\nreaped\n");
	t_run_free(&r);
}
END_TEST

START_TEST(command_not_found)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"default",
			 (char *)"no-such-command", NULL };
	struct run_result r;

	t_run(argv, &r);
	ck_assert_int_eq(r.status, 127);
	ck_assert_ptr_nonnull(strstr(r.err, "no-such-command: executable file not found"));
	t_run_free(&r);
}
END_TEST

START_TEST(command_not_executable)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"default",
			 (char *)"/etc/passwd", NULL };
	struct run_result r;

	t_run(argv, &r);
	ck_assert_int_eq(r.status, 126);
	ck_assert_ptr_nonnull(strstr(r.err, "exec /etc/passwd: Permission denied"));
	t_run_free(&r);
}
END_TEST

START_TEST(default_command_is_sh)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), NULL };
	struct run_result r;

	/* stdin is /dev/null: the image's /bin/sh reads EOF and exits 0. */
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.err, "");
	t_run_free(&r);
}
END_TEST

/*
 * Container root is a subordinate id on the host: read from outside, the
 * container's uid_map starts inside the caller's /etc/subuid range, never
 * at the caller's own uid nor at 0, and its processes run as that id.
 */
START_TEST(mapped_to_subordinate_range)
{
	struct subid_range mine = ns_my_range();
	char bin[4096], line[256], path[64], *map = NULL, *status = NULL;
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)"default",
			 (char *)"/bin/sh", (char *)"-c", (char *)"echo ready; read x", NULL };
	unsigned inside, start, count, uid;
	int in, out, st;
	pid_t pid = t_spawn(argv, &in, &out), init;

	ck_assert_int_eq(t_read_line(out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
	init = t_child_of(pid);
	ck_assert_int_gt(init, 0);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)init);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &inside, &start, &count), 3);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)init);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 8192, &status, NULL), 0);
	ck_assert_int_eq(sscanf(strstr(status, "\nUid:") + 5, "%u", &uid), 1);
	ck_assert_int_eq(write(in, "\n", 1), 1);
	close(in);
	waitpid(pid, &st, 0);
	ck_assert_uint_eq(inside, 0);
	ck_assert_uint_eq(count, 65536);
	ck_assert_uint_ge(start, mine.start);
	ck_assert_uint_le((unsigned long)start + count, (unsigned long)mine.start + mine.count);
	ck_assert_uint_ne(start, getuid());
	ck_assert_uint_ne(start, 0);
	ck_assert_uint_eq(uid, start);	/* container root, seen from the host */
	ck_assert_int_eq(WEXITSTATUS(st), 0);
	free(map);
	free(status);
}
END_TEST

/* Nothing is left in the state directory once eci-run is done. */
START_TEST(state_removed)
{
	char base[4096];
	struct run_result r;
	DIR *d;
	struct dirent *de;
	int entries = 0;

	check_exit("", "true", 0);
	t_sh("exit 3", &r);
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

/* "NAME MODE\n" of each entry of BASE/.spare, sorted by name ("" if none). */
static void spare_entries(char *buf, size_t size)
{
	char base[4096], dir[4200], line[300];
	struct dirent **v;
	struct stat st;
	size_t o = 0;
	int n;

	state_base(base, sizeof(base));
	snprintf(dir, sizeof(dir), "%s/.spare", base);
	buf[0] = '\0';
	n = scandir(dir, &v, NULL, alphasort);
	for (int i = 0; i < n; i++) {
		char sub[4500];
		int k = 0;

		snprintf(sub, sizeof(sub), "%s/%s", dir, v[i]->d_name);
		if (v[i]->d_name[0] != '.' && lstat(sub, &st) == 0) {
			DIR *d = opendir(sub);
			struct dirent *de;

			while (d && (de = readdir(d)))
				k += de->d_name[0] != '.';
			if (d)
				closedir(d);
			snprintf(line, sizeof(line), "%s %o %d\n", v[i]->d_name,
				 (unsigned)(st.st_mode & 07777), k);
			o += (size_t)snprintf(buf + o, size - o, "%s", line);
		}
		free(v[i]);
	}
	if (n >= 0)
		free(v);
}

/*
 * A gone container's directory is kept as BASE/.spare, emptied but for its
 * two mount points (themselves empty), and the next container takes it: a
 * run leaves the same one spare; a .spare that is not a directory of the
 * user's with mode 0700 is not taken, and is removed.
 */
START_TEST(state_spare)
{
	char base[4096], spare[4200], name[4300], got[1024];
	struct stat st;
	int fd;

	check_exit("", "true", 0);
	state_base(base, sizeof(base));
	snprintf(spare, sizeof(spare), "%s/.spare", base);
	ck_assert_int_eq(lstat(spare, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_uint_eq(st.st_uid, getuid());
	spare_entries(got, sizeof(got));
	ck_assert_str_eq(got, "rootfs 755 0\nrw 755 0\n");
	/* the same directory again: taken by the next run, and left again */
	check_exit("--name spare-t -e A=1", "ls / >/dev/null", 0);
	spare_entries(got, sizeof(got));
	ck_assert_str_eq(got, "rootfs 755 0\nrw 755 0\n");
	/* not a directory: removed, and a directory made as before */
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, spare), 0);
	fd = open(spare, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	check_exit("", "true", 0);
	ck_assert_int_eq(lstat(spare, &st), 0);
	ck_assert(S_ISDIR(st.st_mode));
	/* a directory of another mode, with something in it: not taken */
	ck_assert_int_eq(rm_rf_at(AT_FDCWD, spare), 0);
	ck_assert_int_eq(mkdir(spare, 0755), 0);
	snprintf(name, sizeof(name), "%s/name", spare);
	fd = open(name, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	close(fd);
	check_exit("", "true", 0);
	ck_assert_int_eq(lstat(spare, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	spare_entries(got, sizeof(got));
	ck_assert_str_eq(got, "rootfs 755 0\nrw 755 0\n");
}
END_TEST

Suite *run_suite(void)
{
	Suite *s = suite_create("run");
	TCase *tc = tcase_create("default image");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, root_inside);
	tcase_add_test(tc, pid_namespace);
	tcase_add_test(tc, only_loopback);
	tcase_add_test(tc, host_paths_invisible);
	tcase_add_test(tc, pid1_cmdline_hidden);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, orphans_reparented);
	tcase_add_test(tc, command_not_found);
	tcase_add_test(tc, command_not_executable);
	tcase_add_test(tc, default_command_is_sh);
	tcase_add_test(tc, mapped_to_subordinate_range);
	tcase_add_test(tc, state_removed);
	tcase_add_test(tc, state_spare);
	suite_add_tcase(s, tc);
	return s;
}
