// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_exec.c - eci-run exec: a process started in a running container
 * shares its workload's namespaces, view and privileges, runs as one of the
 * container's ids, and gets nothing of eci's
 */
#include <fcntl.h>
#include <pty.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"

#define DOCKER_CAPS 0xa80425fbULL
#define STATUS "grep -E \"^(Cap[A-Za-z]+|NoNewPrivs|Seccomp):\" /proc/self/status"

/* A container whose workload runs a setup script, says ready and sleeps;
 * pid 1 of its pid namespace, it ends on SIGTERM by a handler of its own
 * (sleep in the background: sh runs a trap only once a foreground command
 * is done). */
struct ctr {
	char name[32];
	pid_t pid;	/* eci-run, the launcher */
	int in, out;
};

static const char *probe_path(char *buf, size_t size)
{
	char *abs;

	snprintf(buf, size, "%s/t/probe", t_prefix());
	abs = realpath(buf, NULL);
	ck_assert_ptr_nonnull(abs);
	snprintf(buf, size, "%s", abs);
	free(abs);
	return buf;
}

static void start(struct ctr *c, const char *flags, const char *setup)
{
	char bin[4096], probe[4096], cmd[16384], line[64];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(c->name, sizeof(c->name), "exec-t%d", (int)getpid());
	snprintf(cmd, sizeof(cmd),
		 "exec '%s' --name %s -i -v '%s:/probe:ro' %s default sh -c '%s; "
		 "trap \"exit 0\" TERM; echo ready; sleep 60 & wait'",
		 t_bin("eci-run", bin, sizeof(bin)), c->name, probe_path(probe, sizeof(probe)), flags,
		 setup);
	c->pid = t_spawn(argv, &c->in, &c->out);
	ck_assert_int_gt(c->pid, 0);
	ck_assert_int_eq(t_read_line(c->out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
}

static void finish(struct ctr *c)
{
	int st;

	kill(c->pid, SIGTERM);
	waitpid(c->pid, &st, 0);
	close(c->in);
	close(c->out);
}

/* eci-run exec ARGS, ARGS as shell words; fills @r. */
static void x(const char *args, struct run_result *r)
{
	char bin[4096], cmd[16384];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "exec '%s' exec %s", t_bin("eci-run", bin, sizeof(bin)), args);
	t_run(argv, r);
}

/* eci-run exec FLAGS NAME sh -c SCRIPT, expected to succeed: its output. */
static char *xsh(const struct ctr *c, const char *flags, const char *script)
{
	char args[8192];
	struct run_result r;

	snprintf(args, sizeof(args), "%s %s sh -c '%s'", flags, c->name, script);
	x(args, &r);
	ck_assert_msg(r.status == 0, "exec %s: exit %d: %s", args, r.status, r.err);
	free(r.err);
	return r.out;
}

static void xsh_is(const struct ctr *c, const char *flags, const char *script, const char *want)
{
	char *out = xsh(c, flags, script);

	ck_assert_str_eq(out, want);
	free(out);
}

/* The pid namespace, the file system and every namespace of the workload,
 * which is pid 1 of its own pid namespace, eci's init not to be seen. */
START_TEST(same_namespaces)
{
	struct ctr c;
	char *out;

	start(&c, "", "echo hi > /tmp/from-workload; hostname > /tmp/host");
	out = xsh(&c, "", "echo $$; cat /tmp/from-workload /proc/1/comm; "
		  "cat /proc/[0-9]*/comm | sort -u | tr \"\\n\" \" \"");
	ck_assert_int_lt(atoi(out), 10);
	ck_assert_int_gt(atoi(out), 2);	/* after the workload and its sleep */
	ck_assert_msg(strstr(out, "\nhi\nsh\n"), "%s", out);
	ck_assert_msg(strstr(out, " sleep ") && !strstr(out, "eci-init"), "%s", out);
	free(out);
	out = xsh(&c, "", "ps -o pid,args");
	ck_assert_msg(strstr(out, " 1 sh -c ") && strstr(out, "sleep 60"), "%s", out);
	free(out);
	xsh_is(&c, "", "for n in user mnt pid net uts ipc cgroup; do "
	       "[ $(readlink /proc/1/ns/$n) = $(readlink /proc/self/ns/$n) ] || echo $n differs; "
	       "done; [ $(cat /tmp/host) = $(hostname) ] && echo same host name",
	       "same host name\n");
	/* a file it writes is the workload's too */
	xsh_is(&c, "", "echo from-exec > /tmp/from-exec; cat /proc/1/root/tmp/from-exec",
	       "from-exec\n");
	finish(&c);
}
END_TEST

/* Capabilities, no_new_privs and seccomp as the workload's: the same
 * /proc/self/status lines, and the filter says the same no. */
START_TEST(same_privileges)
{
	struct ctr c;
	char *want, *out;

	start(&c, "", STATUS " > /tmp/status");
	want = xsh(&c, "", "cat /tmp/status");
	out = xsh(&c, "", STATUS);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(t_status_hex(out, "CapBnd:\t"), DOCKER_CAPS);
	ck_assert_uint_eq(t_status_hex(out, "CapEff:\t"), DOCKER_CAPS);
	ck_assert_ptr_nonnull(strstr(out, "NoNewPrivs:\t1\nSeccomp:\t2\n"));
	free(out);
	free(want);
	xsh_is(&c, "", "/probe ns", "fsopen EPERM\nunshare-user EPERM\nclone3 ENOSYS\n"
			 "unshare-mnt EPERM\nunshare-mnt-ipc EPERM\n");
	/* a non-root user: the bounding set, nothing effective (as run -u) */
	out = xsh(&c, "-u 1000", STATUS);
	ck_assert_uint_eq(t_status_hex(out, "CapBnd:\t"), DOCKER_CAPS);
	ck_assert_uint_eq(t_status_hex(out, "CapEff:\t"), 0);
	free(out);
	finish(&c);
}
END_TEST

/* What run's flags changed is what exec applies: no filter, no
 * no_new_privs, a non-root user with an added (ambient) capability. */
START_TEST(settings_recorded)
{
	struct ctr c;
	char *want, *out;

	start(&c, "-u 1000 --cap-add NET_ADMIN --security-opt seccomp=unconfined "
		  "--security-opt no-new-privileges=false", STATUS " > /tmp/status");
	want = xsh(&c, "", "cat /tmp/status");
	out = xsh(&c, "", STATUS);
	ck_assert_str_eq(out, want);
	ck_assert_ptr_nonnull(strstr(out, "NoNewPrivs:\t0\nSeccomp:\t0\n"));
	ck_assert_uint_eq(t_status_hex(out, "CapAmb:\t"), 1ULL << 12);
	ck_assert_uint_eq(t_status_hex(out, "CapBnd:\t"), DOCKER_CAPS | 1ULL << 12);
	free(out);
	free(want);
	finish(&c);
}
END_TEST

START_TEST(privileged_kept)
{
	struct ctr c;
	char *want, *out;

	start(&c, "--privileged", STATUS " > /tmp/status");
	want = xsh(&c, "", "cat /tmp/status");
	out = xsh(&c, "", STATUS);
	ck_assert_str_eq(out, want);
	ck_assert_uint_eq(t_status_hex(out, "CapBnd:\t"), t_all_caps());
	ck_assert_uint_eq(t_status_hex(out, "CapEff:\t"), t_all_caps());
	free(out);
	free(want);
	out = xsh(&c, "", "/probe ns");
	ck_assert_msg(strstr(out, "unshare-user OK\n"), "%s", out);
	free(out);
	/* CAP_SYS_ADMIN, and still the kernel's lock on every mount */
	xsh_is(&c, "", "mount -o remount,rw /proc/sys 2>&1; umount /proc/sys 2>&1; "
	       "umount /dev/null 2>&1; touch /proc/sys/kernel/hostname 2>&1; "
	       "grep -c \" /proc/sys proc ro,\" /proc/self/mounts",
	       "mount: permission denied (are you root?)\n"
	       "umount: can't unmount /proc/sys: Invalid argument\n"
	       "umount: can't unmount /dev/null: Invalid argument\n"
	       "touch: /proc/sys/kernel/hostname: Read-only file system\n1\n");
	finish(&c);
}
END_TEST

START_TEST(default_locked)
{
	struct ctr c;

	start(&c, "", "true");
	xsh_is(&c, "", "mount -o remount,rw /proc/sys 2>&1; umount /proc/sys 2>&1; "
	       "touch /proc/sys/kernel/hostname 2>&1; "
	       "grep -c \" /proc/sys proc ro,\" /proc/self/mounts",
	       "mount: permission denied (are you root?)\n"
	       "umount: can't unmount /proc/sys: Operation not permitted\n"
	       "touch: /proc/sys/kernel/hostname: Read-only file system\n1\n");
	finish(&c);
}
END_TEST

START_TEST(only_stdio_fds)
{
	struct ctr c;

	start(&c, "", "true");
	xsh_is(&c, "", "/probe fds", "0\n1\n2\n");
	finish(&c);
}
END_TEST

static unsigned host_uid(pid_t pid)
{
	char path[64], *buf = NULL, *p;
	unsigned uid;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &buf, NULL), 0);
	p = strstr(buf, "\nUid:\t");
	ck_assert_ptr_nonnull(p);
	uid = (unsigned)strtoul(p + 6, NULL, 10);
	free(buf);
	return uid;
}

/*
 * Seen from the host, the exec'd process (eci-run exec's grandchild) runs as
 * an id of the container's range, as the workload does; SIGTERM to eci-run
 * exec reaches it.
 */
START_TEST(host_uid_and_signal)
{
	char bin[4096], line[64];
	struct subid_range range = ns_my_range();
	struct ctr c;
	int in, out, st;
	pid_t pid, proc, workload;
	unsigned uid;

	start(&c, "", "true");
	workload = t_child_of(t_child_of(c.pid));
	ck_assert_int_gt(workload, 0);
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"exec", (char *)"-u",
			 (char *)"1000", c.name, (char *)"sh", (char *)"-c",
			 (char *)"echo ready; exec sleep 60", NULL };
	pid = t_spawn(argv, &in, &out);
	ck_assert_int_eq(t_read_line(out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
	proc = t_child_of(t_child_of(pid));
	ck_assert_int_gt(proc, 0);
	uid = host_uid(proc);
	ck_assert_uint_ne(uid, getuid());
	ck_assert_uint_eq(uid, host_uid(workload) + 1000);
	ck_assert_uint_ge(uid, range.start);
	ck_assert_uint_lt(uid, range.start + range.count);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGTERM);
	ck_assert_int_ne(kill(proc, 0), 0);	/* gone, and reaped */
	close(in);
	close(out);
	finish(&c);
}
END_TEST

static void exits(const struct ctr *c, const char *cmd, int code, const char *words)
{
	char args[4096];
	struct run_result r;

	snprintf(args, sizeof(args), "%s %s", c->name, cmd);
	x(args, &r);
	ck_assert_msg(r.status == code, "%s: exit %d: %s", cmd, r.status, r.err);
	if (words)
		ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", cmd, words, r.err);
	t_run_free(&r);
}

START_TEST(exit_status)
{
	struct ctr c;

	start(&c, "", "true");
	exits(&c, "sh -c 'exit 7'", 7, NULL);
	exits(&c, "true", 0, NULL);
	exits(&c, "sh -c 'kill -KILL $$'", 128 + SIGKILL, NULL);
	exits(&c, "nosuchcmd", 127, "eci-run: exec nosuchcmd: executable file not found in $PATH");
	exits(&c, "/no/such/file", 127, "eci-run: exec /no/such/file: No such file or directory");
	exits(&c, "/etc", 126, "eci-run: exec /etc: Permission denied");
	finish(&c);
}
END_TEST

/* The container's user, working directory and environment by default;
 * -u, -w and -e override them, as with docker exec. */
START_TEST(user_env_workdir)
{
	struct ctr c;

	start(&c, "-u nobody -w /tmp -e RUNENV=run", "true");
	xsh_is(&c, "", "id -u; pwd; echo $RUNENV $HOME",
	       "65534\n/tmp\nrun /nonexistent\n");
	xsh_is(&c, "-u 1000", "id -u", "1000\n");
	xsh_is(&c, "-u 0:5", "id -u; id -g; echo $HOME", "0\n5\n/root\n");
	xsh_is(&c, "-e FOO=bar -e RUNENV=exec -e HOME=/h", "echo $FOO $RUNENV $HOME",
	       "bar exec /h\n");
	xsh_is(&c, "-w /new/dir", "pwd", "/new/dir\n");
	xsh_is(&c, "--user root --workdir / --env A=1", "id -u; pwd; echo $A", "0\n/\n1\n");
	finish(&c);
}
END_TEST

/* Without -i stdin is /dev/null; with it, ours. */
START_TEST(stdin_interactive)
{
	char bin[4096], line[64];
	struct ctr c;
	int in, out, st;

	start(&c, "", "true");
	for (int i = 0; i < 2; i++) {
		char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"exec",
				 (char *)(i ? "-i" : "-eX=1"), c.name, (char *)"sh", (char *)"-c",
				 (char *)"cat; echo end", NULL };
		pid_t pid = t_spawn(argv, &in, &out);

		ck_assert_int_eq(write_all(in, "typed\n", 6), 0);
		close(in);
		ck_assert_int_eq(t_read_line(out, line, sizeof(line)), 0);
		ck_assert_str_eq(line, i ? "typed" : "end");
		waitpid(pid, &st, 0);
		ck_assert_int_eq(WEXITSTATUS(st), 0);
		close(out);
	}
	finish(&c);
}
END_TEST

/* -t: a pty of the container's devpts, its size from ours, TERM set, and
 * our terminal as it was afterwards. */
START_TEST(tty)
{
	char bin[4096], buf[4096];
	struct ctr c;
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"exec", (char *)"-t",
			 c.name, (char *)"sh", (char *)"-c",
			 (char *)"stty size; tty; echo $TERM; exit 3", NULL };

	start(&c, "", "true");
	ck_assert_int_eq(t_pty_run(argv, buf, sizeof(buf)), 3);
	ck_assert_msg(strstr(buf, "33 101\r\n"), "%s", buf);
	ck_assert_msg(strstr(buf, "/dev/pts/"), "%s", buf);
	ck_assert_msg(strstr(buf, "xterm\r\n"), "%s", buf);
	finish(&c);
}
END_TEST

/*
 * -i without -t, on the user's terminal: the new process runs in a session
 * of its own, like the workload, so that in a container without a filter
 * it cannot push input into that terminal either (TIOCSTI); the terminal's
 * ^C still reaches it, passed on by eci-run exec's child.
 */
START_TEST(user_terminal)
{
	char bin[4096], buf[4096];
	struct ctr c;
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"exec", (char *)"-i",
			 c.name, (char *)"/probe", (char *)"tiocsti", NULL };
	char *intr[] = { argv[0], argv[1], argv[2], c.name, (char *)"sh", (char *)"-c",
			 (char *)"trap 'echo got-int; exit 7' INT; echo ready; sleep 30 & wait", NULL };
	int queued = -1;

	start(&c, "--security-opt seccomp=unconfined", "true");
	ck_assert_int_eq(t_pty_run_queued(argv, buf, sizeof(buf), &queued, NULL, NULL), 0);
	ck_assert_msg(strstr(buf, "tiocsti EPERM\r\ntiocsti-high EPERM\r\n"), "%s", buf);
	ck_assert_msg(!strstr(buf, "INJECTED"), "%s", buf);
	ck_assert_int_eq(queued, 0);
	ck_assert_int_eq(t_pty_run_queued(intr, buf, sizeof(buf), &queued, "ready", "\003"), 7);
	ck_assert_msg(strstr(buf, "got-int"), "%s", buf);
	finish(&c);
}
END_TEST

static void refused(const char *args, const char *words)
{
	struct run_result r;

	x(args, &r);
	ck_assert_msg(r.status == 125, "exec %s: exit %d: %s", args, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "exec %s: stderr lacks '%s': %s", args, words, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	t_run_free(&r);
}

START_TEST(refusals)
{
	char args[256], words[256];
	struct run_result r;
	struct ctr c;

	refused("no-such-ctr echo started", "eci-run: exec no-such-ctr: no such running container");
	refused("", "eci-run: exec: no container given (NAME or ID)");
	refused("--bogus x echo started", "eci-run: exec: unknown flag: --bogus");
	refused("-z x echo started", "eci-run: exec: unknown flag: -z");
	refused("-u", "eci-run: exec: flag -u needs a value");
	refused("-w relative x echo started",
		"-w relative: the working directory must be an absolute path");
	refused("-u 70000 x echo started", "-u 70000: outside the container's ids");
	start(&c, "", "true");
	snprintf(args, sizeof(args), "%s", c.name);
	snprintf(words, sizeof(words), "eci-run: exec %s: no command given", c.name);
	refused(args, words);
	snprintf(args, sizeof(args), "-u nosuchuser %s echo started", c.name);
	refused(args, "-u nosuchuser: no such user in the image's /etc/passwd");
	snprintf(args, sizeof(args), "-e =x %s echo started", c.name);
	refused(args, "-e '=x': expected KEY=VALUE");
	x("--help", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_ptr_nonnull(strstr(r.out, "usage: eci-run exec [OPTIONS] NAME|ID COMMAND"));
	t_run_free(&r);
	finish(&c);
	snprintf(args, sizeof(args), "%s echo started", c.name);
	snprintf(words, sizeof(words), "eci-run: exec %s: no such running container", c.name);
	refused(args, words);
}
END_TEST

/* Found by a prefix of its id too; ps --format json keeps exec's record
 * (the environment) to itself. */
START_TEST(by_id)
{
	char bin[4096], cmd[8192], id[16];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;
	struct ctr c;
	const char *p;

	start(&c, "-e SECRET=hidden", "true");
	snprintf(cmd, sizeof(cmd), "'%s' ps --format json", t_bin("eci-run", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(!strstr(r.out, "hidden") && !strstr(r.out, "\"process\""), "%s", r.out);
	/* {"id":"<32 hex>","name":"NAME",... */
	snprintf(cmd, sizeof(cmd), "\",\"name\":\"%s\"", c.name);
	p = strstr(r.out, cmd);
	ck_assert_msg(p && p - r.out >= 38, "%s", r.out);
	snprintf(id, sizeof(id), "%.12s", p - 32);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "%s sh -c 'echo $SECRET'", id);
	x(cmd, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "hidden\n");
	t_run_free(&r);
	finish(&c);
}
END_TEST

Suite *exec_suite(void)
{
	Suite *s = suite_create("exec");
	TCase *ns = tcase_create("namespaces and privileges");
	TCase *proc = tcase_create("process");

	tcase_set_timeout(ns, 60);
	tcase_set_timeout(proc, 60);
	tcase_add_test(ns, same_namespaces);
	tcase_add_test(ns, same_privileges);
	tcase_add_test(ns, settings_recorded);
	tcase_add_test(ns, privileged_kept);
	tcase_add_test(ns, default_locked);
	tcase_add_test(ns, only_stdio_fds);
	tcase_add_test(ns, host_uid_and_signal);
	suite_add_tcase(s, ns);
	tcase_add_test(proc, exit_status);
	tcase_add_test(proc, user_env_workdir);
	tcase_add_test(proc, stdin_interactive);
	tcase_add_test(proc, tty);
	tcase_add_test(proc, user_terminal);
	tcase_add_test(proc, refusals);
	tcase_add_test(proc, by_id);
	suite_add_tcase(s, proc);
	return s;
}
