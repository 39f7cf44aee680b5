// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_detach.c - eci-run -d, logs, rm, gc, ps -a, --rm and unique names
 *
 * Containers are found through `eci-run ps --format json` and their state
 * directory (state_base()); their processes are checked on the host by pid.
 * A dead process may stay a zombie here (the host's init reaps when it
 * will), so "gone" means no /proc entry or one in state Z or X.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* eci-run ARGS must exit 0; returns its stdout (to be freed). */
static char *eci_ok(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static char *eci_ok(const char *fmt, ...)
{
	struct run_result r;
	char args[4096];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	t_ecif(&r, "%s", args);
	ck_assert_msg(r.status == 0, "eci-run %s: exit %d: %s", args, r.status, r.err);
	free(r.err);
	return r.out;
}

/* eci-run ARGS must be refused: exit @code, @words on stderr. */
static void eci_refused(int code, const char *words, const char *args)
{
	struct run_result r;

	t_ecif(&r, "%s", args);
	ck_assert_msg(r.status == code, "eci-run %s: exit %d, not %d: %s", args, r.status, code, r.err);
	ck_assert_msg(strstr(r.err, words), "eci-run %s: stderr lacks '%s': %s", args, words, r.err);
	t_run_free(&r);
}

/* -d ARGS: the id it printed (checked to be one), in @id. */
static void start(char id[ECI_ID_LEN + 1], const char *args)
{
	char *out = eci_ok("-d %s", args);

	ck_assert_msg(strlen(out) == ECI_ID_LEN + 1 && out[ECI_ID_LEN] == '\n' &&
		      strspn(out, "0123456789abcdef") == ECI_ID_LEN, "-d %s printed '%s'", args, out);
	memcpy(id, out, ECI_ID_LEN);
	id[ECI_ID_LEN] = '\0';
	free(out);
}

/* "KEY":N of the container @id in ps -a --format json, or -1. */
static long ps_field(const char *id, const char *key)
{
	char *out = eci_ok("ps -a --format json");
	json_t *all = json_loads(out, 0, NULL), *m;
	size_t i;
	long v = -1;

	ck_assert_msg(json_is_array(all), "ps -a --format json: %s", out);
	json_array_foreach(all, i, m)
		if (!strcmp(json_string_value(json_object_get(m, "id")) ?: "", id) &&
		    json_is_integer(json_object_get(m, key)))
			v = (long)json_integer_value(json_object_get(m, key));
	json_decref(all);
	free(out);
	return v;
}

static bool listed(const char *ps_args, const char *what)
{
	char *out = eci_ok("ps %s", ps_args);
	bool in = strstr(out, what) != NULL;

	free(out);
	return in;
}

static bool gone(pid_t pid)
{
	char path[64], *buf = NULL, *p;
	bool dead;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (read_all_at(AT_FDCWD, path, 4096, &buf, NULL) < 0)
		return true;
	p = strrchr(buf, ')');
	dead = p && (p[2] == 'Z' || p[2] == 'X');
	free(buf);
	return dead;
}

static bool gone_within(pid_t pid, int ms)
{
	for (int k = 0; k < ms / 20 && !gone(pid); k++)
		usleep(20000);
	return gone(pid);
}

static void state_path(char *buf, size_t size, const char *entry)
{
	char base[4096];

	state_base(base, sizeof(base));
	snprintf(buf, size, "%s/%s", base, entry);
}

static bool exists(const char *id, const char *file)
{
	char path[8300], entry[200];
	struct stat st;

	snprintf(entry, sizeof(entry), "%s%s%s", id, file ? "/" : "", file ? file : "");
	state_path(path, sizeof(path), entry);
	return lstat(path, &st) == 0;
}

/* Wait for logs NAME to hold @want (the workload writes after -d returns). */
static void log_is(const char *name, const char *want)
{
	char *out = NULL;

	for (int k = 0; k < 250; k++) {
		free(out);
		out = eci_ok("logs %s", name);
		if (!strcmp(out, want))
			break;
		usleep(20000);
	}
	ck_assert_str_eq(out, want);
	free(out);
}

START_TEST(detach_ps_logs_rm_force)
{
	char id[ECI_ID_LEN + 1], shortid[13], *out;
	pid_t launcher, init, work;

	start(id, "--name dt-run default sh -c 'echo out; echo err >&2; exec sleep 30'");
	/* It returned while the container runs: ps lists it, by name and id. */
	ck_assert(listed("", "dt-run"));
	snprintf(shortid, sizeof(shortid), "%.12s", id);
	out = eci_ok("ps");
	ck_assert_msg(strstr(out, shortid) && strstr(out, "Up "), "%s", out);
	free(out);
	ck_assert_ptr_nonnull(strstr(out = eci_ok("ps --format json"), id));
	free(out);
	log_is("dt-run", "out\nerr\n");
	log_is(id, "out\nerr\n");
	launcher = (pid_t)ps_field(id, "pid");
	init = (pid_t)ps_field(id, "init");
	ck_assert_int_gt(launcher, 1);
	ck_assert_int_gt(init, 1);
	ck_assert(!gone(launcher) && !gone(init));
	work = t_child_of(init);
	ck_assert_int_gt(work, 1);
	eci_refused(125, "rm dt-run: the container is running: stop it first (eci-run stop dt-run) "
		    "or use rm -f", "rm dt-run");
	ck_assert(listed("", "dt-run"));
	out = eci_ok("rm -f dt-run");
	ck_assert_str_eq(out, "dt-run\n");
	free(out);
	ck_assert(gone_within(work, 2000));
	ck_assert(gone_within(init, 2000));
	ck_assert(gone_within(launcher, 2000));
	ck_assert(!listed("-a", "dt-run"));
	ck_assert(!exists(id, NULL));
}
END_TEST

START_TEST(logs_follow_exit_status_rm)
{
	char id[ECI_ID_LEN + 1], *out;
	struct run_result r;

	start(id, "--name dt-exit default sh -c 'echo one; sleep 1; echo two; exit 3'");
	/* -f returns by itself once the container has exited, with all of it. */
	out = eci_ok("logs -f dt-exit");
	ck_assert_str_eq(out, "one\ntwo\n");
	free(out);
	out = eci_ok("logs --follow dt-exit");
	ck_assert_str_eq(out, "one\ntwo\n");
	free(out);
	ck_assert(!listed("", "dt-exit"));
	out = eci_ok("ps -a");
	ck_assert_msg(strstr(out, "dt-exit") && strstr(out, "Exited (3)"), "%s", out);
	free(out);
	ck_assert_int_eq(ps_field(id, "exit_code"), 3);
	ck_assert_int_gt(ps_field(id, "finished"), 0);
	/* what is kept: status, log, name; not the mount points */
	ck_assert(exists(id, "meta.json") && exists(id, "log") && exists(id, "name"));
	ck_assert(!exists(id, "rootfs") && !exists(id, "rw"));
	eci_refused(125, "logs nosuch: no such container", "logs nosuch");
	eci_refused(125, "stop dt-exit: no such running container", "stop dt-exit");
	out = eci_ok("rm dt-exit");
	ck_assert_str_eq(out, "dt-exit\n");
	free(out);
	ck_assert(!listed("-a", "dt-exit"));
	ck_assert(!exists(id, NULL));
	eci_refused(125, "rm dt-exit: no such container", "rm dt-exit");
	eci_refused(125, "logs dt-exit: no such container", "logs dt-exit");
	t_ecif(&r, "rm");
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "usage: eci-run rm"));
	t_run_free(&r);
}
END_TEST

/*
 * stop: SIGTERM first, which a workload ends by if it handles it.  As pid
 * 1 of its pid namespace, one without a handler ignores it (docker's
 * semantics), and loses pid 1 to SIGKILL after the timeout; with --init,
 * which passes it on to the workload as pid 2, it ends by it.  The status
 * is recorded all the same.
 */
START_TEST(stop_detached)
{
	char id[ECI_ID_LEN + 1], term[ECI_ID_LEN + 1], init[ECI_ID_LEN + 1], *out;

	start(term, "--name dt-term default sh -c 'trap \"exit 5\" TERM; echo ready; "
	      "sleep 30 & wait'");
	log_is("dt-term", "ready\n");
	free(eci_ok("stop -t 30 dt-term"));
	ck_assert_int_eq(ps_field(term, "exit_code"), 5);
	start(id, "--name dt-kill default sleep 30");
	free(eci_ok("stop -t 1 dt-kill"));
	ck_assert_int_eq(ps_field(id, "exit_code"), 128 + SIGKILL);
	start(init, "--init --name dt-init default sleep 30");
	free(eci_ok("stop --time=30 dt-init"));
	ck_assert_int_eq(ps_field(init, "exit_code"), 128 + SIGTERM);
	out = eci_ok("rm dt-term dt-kill dt-init");
	ck_assert_str_eq(out, "dt-term\ndt-kill\ndt-init\n");
	free(out);
	ck_assert(!listed("-a", "dt-term") && !listed("-a", "dt-kill") && !listed("-a", "dt-init"));
}
END_TEST

/* Entries of the state directory, one "name\n" each. */
static void entries(char *buf, size_t size)
{
	char base[4096];
	DIR *d;
	struct dirent *de;
	size_t o = 0;

	state_base(base, sizeof(base));
	buf[0] = '\0';
	d = opendir(base);
	while (d && (de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, ".spare"))	/* the next one's (state.c) */
			o += (size_t)snprintf(buf + o, size - o, "%s\n", de->d_name);
	if (d)
		closedir(d);
}

START_TEST(detach_setup_failure)
{
	char before[8192], after[8192];
	struct run_result r;

	free(eci_ok("ps"));	/* sweeps what earlier tests' launchers left */
	entries(before, sizeof(before));
	t_ecif(&r, "-d --name dt-fail default nosuchcmd");
	ck_assert_int_eq(r.status, 127);
	ck_assert_msg(strstr(r.err, "exec nosuchcmd: executable file not found in $PATH"), "%s", r.err);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
	t_ecif(&r, "-d default /etc/passwd");
	ck_assert_int_eq(r.status, 126);
	ck_assert_msg(strstr(r.err, "exec /etc/passwd: Permission denied"), "%s", r.err);
	t_run_free(&r);
	entries(after, sizeof(after));
	ck_assert_str_eq(after, before);	/* no state left */
	ck_assert(!listed("-a", "dt-fail"));
	/* with a pty too: the failure still reaches the terminal */
	t_ecif(&r, "-dt default nosuchcmd");
	ck_assert_int_eq(r.status, 127);
	ck_assert_msg(strstr(r.err, "exec nosuchcmd: executable file not found in $PATH"), "%s", r.err);
	t_run_free(&r);
	entries(after, sizeof(after));
	ck_assert_str_eq(after, before);
	eci_refused(125, "--name bad name: use letters", "-d --name 'bad name' default true");
}
END_TEST

/* -dt: a pty of the container's (24x80, no terminal to take the size
 * from), whose output goes to the log. */
START_TEST(detach_tty)
{
	char id[ECI_ID_LEN + 1];

	start(id, "-dit --name dt-tty default sh -c 'stty size; tty; echo done'");
	log_is("dt-tty", "24 80\r\n/dev/pts/0\r\ndone\r\n");
	free(eci_ok("rm -f dt-tty"));
	ck_assert(!exists(id, NULL));
}
END_TEST

/* -i with -d: stdin is /dev/null; --rm: nothing stays after the exit. */
START_TEST(detach_stdin_and_rm)
{
	char id[ECI_ID_LEN + 1], *out;

	start(id, "-i --name dt-in default sh -c 'cat; echo \"eof $?\"; ls -l /proc/self/fd/1'");
	out = eci_ok("logs -f dt-in");
	ck_assert_msg(!strncmp(out, "eof 0\n", 6) && strstr(out, "/proc/self/fd/1 -> "), "%s", out);
	free(out);
	free(eci_ok("rm dt-in"));
	start(id, "--rm --name dt-rm default sh -c 'echo gone'");
	for (int k = 0; k < 250 && exists(id, NULL); k++)
		usleep(20000);
	ck_assert(!exists(id, NULL));
	ck_assert(!listed("-a", "dt-rm"));
}
END_TEST

START_TEST(names_unique)
{
	char id[ECI_ID_LEN + 1], run[ECI_ID_LEN + 1], *out;

	start(id, "--name dt-name default true");
	free(eci_ok("logs -f dt-name"));
	/* exited, still its name: refused in the foreground and with -d */
	eci_refused(125, "name dt-name is already in use", "--name dt-name default true");
	eci_refused(125, "name dt-name is already in use", "-d --name dt-name default true");
	start(run, "--name dt-live default sleep 30");
	eci_refused(125, "name dt-live is already in use", "--name dt-live default true");
	free(eci_ok("rm -f dt-live dt-name"));
	out = eci_ok("--name dt-name default echo again");
	ck_assert_str_eq(out, "again\n");
	free(out);
	ck_assert(!listed("-a", "dt-name"));
}
END_TEST

/*
 * Every session of the user finds the same containers, and the same names,
 * whatever its XDG_RUNTIME_DIR (the suite runs without one): the state
 * directory is one per user, /run/eci/users/UID, which only the helper
 * makes and nobody else can make first.
 */
START_TEST(one_state_dir_every_session)
{
	char id[ECI_ID_LEN + 1], base[64], other[] = "/tmp/eci-t-xdg.XXXXXX", dir[4200];
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(other));
	start(id, "--name dt-session default sleep 30");
	ck_assert_int_eq(setenv("XDG_RUNTIME_DIR", other, 1), 0);
	ck_assert(listed("", "dt-session"));
	eci_refused(125, "name dt-session is already in use", "--name dt-session default true");
	free(eci_ok("rm -f dt-session"));
	ck_assert_int_eq(unsetenv("XDG_RUNTIME_DIR"), 0);
	ck_assert(!listed("-a", "dt-session"));
	snprintf(dir, sizeof(dir), "%s/eci", other);
	ck_assert_int_ne(lstat(dir, &st), 0);	/* nothing made there */
	ck_assert_int_eq(rmdir(other), 0);
	/* the user's own, closed to others, in a directory nobody else may write */
	ck_assert_int_eq(state_base(base, sizeof(base)), snprintf(dir, sizeof(dir),
				"/run/eci/users/%u", (unsigned)getuid()));
	ck_assert_str_eq(base, dir);
	ck_assert_int_eq(stat(base, &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	ck_assert_uint_eq(st.st_mode & 07777, 0700);
	ck_assert_int_eq(stat("/run/eci/users", &st), 0);
	ck_assert(st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == 01731);
	/* a name no one has (another account's may exist: EEXIST comes first) */
	snprintf(dir, sizeof(dir), "/run/eci/users/eci-t-%d", (int)getpid());
	ck_assert_int_ne(mkdir(dir, 0700), 0);
	ck_assert_int_eq(errno, EACCES);
}
END_TEST

/* gc: a launcher killed by SIGKILL leaves its directory (pid 1 dies with
 * it); gc removes that and old .new-* leftovers, and keeps exited ones. */
START_TEST(gc_stale_keeps_exited)
{
	char bin[4096], kept[ECI_ID_LEN + 1], stale[ECI_ID_LEN + 1], line[64], path[8300], *out;
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--name",
			 (char *)"dt-fg", (char *)"-i", (char *)"default", (char *)"sh", (char *)"-c",
			 (char *)"echo ready; exec sleep 60", NULL };
	struct timespec old[2] = { { .tv_sec = 1000000000 }, { .tv_sec = 1000000000 } };
	int in, fdout, st;
	pid_t launcher, init, work;
	char *p;

	start(kept, "--name dt-kept default echo kept");
	free(eci_ok("logs -f dt-kept"));
	launcher = t_spawn(argv, &in, &fdout);
	ck_assert_int_eq(t_read_line(fdout, line, sizeof(line)), 0);
	out = eci_ok("ps --format json");
	p = strstr(out, "\"name\":\"dt-fg\"");
	ck_assert_ptr_nonnull(p);
	while (p > out && strncmp(p, "\"id\":\"", 6))
		p--;
	memcpy(stale, p + 6, ECI_ID_LEN);
	stale[ECI_ID_LEN] = '\0';
	free(out);
	eci_refused(125, "logs dt-fg: no log: its output goes where eci-run's went", "logs dt-fg");
	init = t_child_of(launcher);
	ck_assert_int_gt(init, 1);
	work = t_child_of(init);
	ck_assert_int_gt(work, 1);
	ck_assert_int_eq(kill(launcher, SIGKILL), 0);
	waitpid(launcher, &st, 0);
	close(in);
	close(fdout);
	/* the stale case leaves no process */
	ck_assert(gone_within(init, 2000));
	ck_assert(gone_within(work, 2000));
	ck_assert(exists(stale, NULL));
	state_path(path, sizeof(path), ".new-0123456789abcdef0123456789abcdef");
	ck_assert_int_eq(mkdir(path, 0700), 0);
	ck_assert_int_eq(utimensat(AT_FDCWD, path, old, 0), 0);
	out = eci_ok("gc");
	ck_assert_msg(strstr(out, stale) && strstr(out, "its launcher is gone"), "%s", out);
	ck_assert_msg(strstr(out, ".new-0123456789abcdef0123456789abcdef (a start that never "
			     "finished)"), "%s", out);
	ck_assert_ptr_null(strstr(out, kept));
	free(out);
	ck_assert(!exists(stale, NULL));
	ck_assert(!exists(".new-0123456789abcdef0123456789abcdef", NULL));
	ck_assert(exists(kept, "log"));
	ck_assert(listed("-a", "dt-kept"));
	out = eci_ok("gc");
	ck_assert_str_eq(out, "");	/* nothing more to remove */
	free(out);
	free(eci_ok("rm dt-kept"));
}
END_TEST

/* How many of the stale directories named s-*-N (N < @n) are left. */
static size_t stale_left(size_t n)
{
	char id[ECI_ID_LEN + 1];
	size_t left = 0;

	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "5a1e%028zx", i);
		left += exists(id, NULL);
	}
	return left;
}

/*
 * A start sweeps a few entries of the state directory, picked at random
 * (with a hundred containers running the whole list cost 0.5 ms a start);
 * ps sweeps them all.  Directories like a killed launcher's: unlocked,
 * not finished.
 */
START_TEST(start_sweeps_some)
{
	char id[ECI_ID_LEN + 1], path[8300];
	const size_t n = 20;

	free(eci_ok("ps"));	/* nothing stale before */
	for (size_t i = 0; i < n; i++) {
		snprintf(id, sizeof(id), "5a1e%028zx", i);
		state_path(path, sizeof(path), id);
		ck_assert_msg(mkdir(path, 0700) == 0, "%s: %s", path, strerror(errno));
	}
	free(eci_ok("--network none default true"));
	/* 8 entries in a row, of which the start's own (locked) may be one */
	ck_assert_msg(stale_left(n) >= n - 8 && stale_left(n) <= n - 6, "%zu left of %zu",
		      stale_left(n), n);
	free(eci_ok("ps"));
	ck_assert_uint_eq(stale_left(n), 0);
}
END_TEST

START_TEST(help_texts)
{
	static const char *const cmd[][2] = {
		{ "logs --help", "usage: eci-run logs [-f|--follow] NAME|ID" },
		{ "rm --help", "usage: eci-run rm [-f|--force] NAME|ID..." },
		{ "gc --help", "usage: eci-run gc" },
		{ "ps --help", "usage: eci-run ps [-a|--all] [-q|--quiet] [-f|--filter KEY=VALUE]... "
		  "[--format json]" },
		{ "--help", "-d, --detach" },
		{ "--help", "--rm  " },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++) {
		char *out = eci_ok("%s", cmd[i][0]);

		ck_assert_msg(strstr(out, cmd[i][1]), "%s: %s", cmd[i][0], out);
		free(out);
	}
	eci_refused(125, "logs: unknown flag -x", "logs -x name");
	eci_refused(125, "usage: eci-run logs", "logs -f");
	eci_refused(125, "rm: unknown flag -x", "rm -x name");
	eci_refused(125, "usage: eci-run gc", "gc extra");
	eci_refused(125, "ps: unknown argument -x", "ps -x");
}
END_TEST

Suite *detach_suite(void)
{
	Suite *s = suite_create("detach");
	TCase *tc = tcase_create("detach, logs, rm, gc");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, detach_ps_logs_rm_force);
	tcase_add_test(tc, logs_follow_exit_status_rm);
	tcase_add_test(tc, stop_detached);
	tcase_add_test(tc, detach_setup_failure);
	tcase_add_test(tc, detach_tty);
	tcase_add_test(tc, detach_stdin_and_rm);
	tcase_add_test(tc, names_unique);
	tcase_add_test(tc, one_state_dir_every_session);
	tcase_add_test(tc, gc_stale_keeps_exited);
	tcase_add_test(tc, start_sweeps_some);
	tcase_add_test(tc, help_texts);
	suite_add_tcase(s, tc);
	return s;
}
