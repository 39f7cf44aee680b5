// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_process.c - the workload's privileges, seccomp, fds, pid 1, tty,
 * user, environment and working directory, seen from inside
 */
#include <fcntl.h>
#include <pty.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

#define DOCKER_CAPS 0xa80425fbULL

/* Run eci-run with extra flags and a shell script; fills @r. */
static void eci(const char *flags, const char *script, struct run_result *r)
{
	char bin[4096];

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), flags, "default", script, r);
}

static void caps_are(const char *flags, unsigned long long bnd, unsigned long long eff,
		     unsigned long long amb)
{
	struct run_result r;

	eci(flags, "grep -E \"^Cap|^NoNew|^Seccomp:\" /proc/self/status", &r);
	ck_assert_msg(r.status == 0, "%s: %s", flags, r.err);
	ck_assert_uint_eq(t_status_hex(r.out, "CapBnd:\t"), bnd);
	ck_assert_uint_eq(t_status_hex(r.out, "CapEff:\t"), eff);
	ck_assert_uint_eq(t_status_hex(r.out, "CapPrm:\t"), eff | amb);
	ck_assert_uint_eq(t_status_hex(r.out, "CapInh:\t"), amb);
	ck_assert_uint_eq(t_status_hex(r.out, "CapAmb:\t"), amb);
	t_run_free(&r);
}

START_TEST(caps_default)
{
	caps_are("", DOCKER_CAPS, DOCKER_CAPS, 0);
}
END_TEST

START_TEST(caps_add_drop)
{
	caps_are("--cap-add NET_ADMIN --cap-drop chown", (DOCKER_CAPS | 1ULL << 12) & ~1ULL,
		 (DOCKER_CAPS | 1ULL << 12) & ~1ULL, 0);
	caps_are("--cap-add CAP_SYS_PTRACE", DOCKER_CAPS | 1ULL << 19, DOCKER_CAPS | 1ULL << 19, 0);
	caps_are("--cap-drop ALL", 0, 0, 0);
	caps_are("--cap-drop ALL --cap-add KILL", 1ULL << 5, 1ULL << 5, 0);
	caps_are("--cap-add ALL --cap-drop SYS_ADMIN", t_all_caps() & ~(1ULL << 21),
		 t_all_caps() & ~(1ULL << 21), 0);
}
END_TEST

START_TEST(caps_privileged)
{
	caps_are("--privileged", t_all_caps(), t_all_caps(), 0);
}
END_TEST

/* A non-root user keeps the bounding set but no effective capability;
 * what --cap-add granted it comes as ambient capabilities. */
START_TEST(caps_non_root)
{
	caps_are("-u nobody", DOCKER_CAPS, 0, 0);
	caps_are("-u 1000 --cap-add NET_ADMIN", DOCKER_CAPS | 1ULL << 12, 1ULL << 12, 1ULL << 12);
}
END_TEST

START_TEST(nnp_and_seccomp)
{
	struct run_result r;

	eci("", "grep -E \"^NoNewPrivs|^Seccomp:\" /proc/self/status", &r);
	ck_assert_str_eq(r.out, "NoNewPrivs:\t1\nSeccomp:\t2\n");
	t_run_free(&r);
	eci("--security-opt no-new-privileges=false --security-opt seccomp=unconfined",
	    "grep -E \"^NoNewPrivs|^Seccomp:\" /proc/self/status", &r);
	ck_assert_str_eq(r.out, "NoNewPrivs:\t0\nSeccomp:\t0\n");
	t_run_free(&r);
	eci("--security-opt no-new-privileges:false", "grep ^Seccomp: /proc/self/status", &r);
	ck_assert_str_eq(r.out, "Seccomp:\t2\n");	/* loaded without no_new_privs */
	t_run_free(&r);
}
END_TEST

/* Every call of the kernel's non-namespaced surface fails: EPERM, and the
 * keyring calls ENOSYS (a nested runc or crun takes that for "no keyrings"
 * and goes on; EPERM stops it). */
static void all_eperm(const char *flags)
{
	struct run_result r;
	char *line, *save = NULL;
	int n = 0, keyring = 0;

	eci(flags, "/probe syscalls", &r);
	ck_assert_int_eq(r.status, 0);
	for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save), n++) {
		bool key = !strncmp(line, "keyctl ", 7) || !strncmp(line, "add_key ", 8) ||
			   !strncmp(line, "request_key ", 12);

		ck_assert_msg(strstr(line, key ? " ENOSYS" : " EPERM"), "%s: %s", flags, line);
		keyring += key;
	}
	ck_assert_int_ge(n, 20);
	ck_assert_int_eq(keyring, 3);
	t_run_free(&r);
}

START_TEST(kernel_surface_closed)
{
	all_eperm("");
	all_eperm("--privileged");
	all_eperm("--cap-add ALL");
}
END_TEST

START_TEST(namespaces_need_sys_admin)
{
	struct run_result r;

	eci("", "/probe ns; /probe fsopen proc", &r);
	ck_assert_str_eq(r.out, "fsopen EPERM\nunshare-user EPERM\nclone3 ENOSYS\n"
			 "unshare-mnt EPERM\nunshare-mnt-ipc EPERM\n"
			 "fsopen proc EPERM\n");
	t_run_free(&r);
	/* With it, fsopen() of proc or sysfs answers ENOSYS, so that a nested
	 * runtime mounts them with mount(2), which pid 1 supervises
	 * (core/mountsup.c); other types are the kernel's to judge. */
	eci("--privileged", "/probe ns; /probe fsopen proc; /probe fsopen sysfs", &r);
	ck_assert_ptr_nonnull(strstr(r.out, "fsopen OK\nunshare-user OK\n"));
	ck_assert_ptr_null(strstr(r.out, "clone3 ENOSYS"));
	ck_assert_ptr_nonnull(strstr(r.out, "fsopen proc ENOSYS\nfsopen sysfs ENOSYS\n"));
	t_run_free(&r);
}
END_TEST

START_TEST(only_stdio_fds)
{
	struct run_result r;

	eci("", "/probe fds", &r);
	ck_assert_str_eq(r.out, "0\n1\n2\n");
	t_run_free(&r);
}
END_TEST

/* The default filter refuses TIOCSTI and TIOCLINUX, on the container's own
 * pty (-t) as on any terminal, the command's upper 32 bits notwithstanding. */
START_TEST(tiocsti_refused)
{
	struct run_result r;

	eci("-t", "/probe tiocsti", &r);
	ck_assert_str_eq(r.out, "tiocsti EPERM\r\ntiocsti-high EPERM\r\ntioclinux EPERM\r\n");
	t_run_free(&r);
}
END_TEST

/*
 * eci-run FLAGS /probe tiocsti on a terminal that is its controlling
 * terminal, as a user's is, and stays open as the user's shell holds it:
 * the probe's words are in the output, and nothing was pushed into the
 * terminal's input for that shell to run.
 */
static void on_terminal(const char *flags, const char *want, bool echo_ok)
{
	char bin[4096], probe[4200], cmd[16384], buf[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	int queued = -1, code;

	snprintf(cmd, sizeof(cmd), "exec '%s' -v '%s:/probe:ro' %s default /probe tiocsti",
		 t_bin("eci-run", bin, sizeof(bin)), t_probe(probe, sizeof(probe)), flags);
	code = t_pty_run_queued(argv, buf, sizeof(buf), &queued, NULL, NULL);
	ck_assert_msg(code == 0, "%s: exit %d: %s", flags, code, buf);
	ck_assert_msg(strstr(buf, want), "%s: no '%s' in: %s", flags, want, buf);
	ck_assert_msg(queued == 0, "%s: %d bytes pushed into the terminal: %s", flags, queued, buf);
	/* our terminal echoes what is pushed into it; the container's (-t)
	 * echoes what is pushed into that one, which only it reads */
	ck_assert_msg(echo_ok || !strstr(buf, "INJECTED"), "%s: echoed: %s", flags, buf);
}

/*
 * Without -t the workload inherits the user's terminal (-i; its output
 * always), but runs in a session of its own, without a controlling
 * terminal: even with no filter at all, it cannot push input into the
 * user's terminal (TIOCSTI), where dev.tty.legacy_tiocsti allows it.
 */
START_TEST(tiocsti_user_terminal)
{
	static const char no_filter[] = "tiocsti EPERM\r\ntiocsti-high EPERM\r\n";

	on_terminal("-i --security-opt seccomp=unconfined", no_filter, false);
	on_terminal("--security-opt seccomp=unconfined", no_filter, false);
	on_terminal("-i --privileged --security-opt seccomp=unconfined", no_filter, false);
	on_terminal("-i", "tiocsti EPERM\r\ntiocsti-high EPERM\r\ntioclinux EPERM\r\n", false);
	/* -t: the container's own pty takes it, the user's terminal nothing */
	on_terminal("-t --security-opt seccomp=unconfined", "tiocsti OK", true);
}
END_TEST

/* In a session of its own, the workload still gets the terminal's ^C,
 * from pid 1, and exits by it as before; with --init even a workload with
 * no handler of its own (without, it is pid 1 of its pid namespace, which
 * the kernel spares a signal it does not handle, as with runc). */
START_TEST(terminal_signals_reach_workload)
{
	char bin[4096], buf[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)"default",
			 (char *)"sh", (char *)"-c",
			 (char *)"trap 'echo got-int; exit 7' INT; echo ready; sleep 30 & wait", NULL };
	char *plain[] = { argv[0], (char *)"--init", (char *)"default", (char *)"sh", (char *)"-c",
			  (char *)"echo ready; exec sleep 30", NULL };
	int queued;

	ck_assert_int_eq(t_pty_run_queued(argv, buf, sizeof(buf), &queued, "ready", "\003"), 7);
	ck_assert_msg(strstr(buf, "got-int"), "%s", buf);
	ck_assert_int_eq(t_pty_run_queued(plain, buf, sizeof(buf), &queued, "ready", "\003"), 130);
}
END_TEST

/* The line of /proc/PID/status that starts with @key, from @text. */
static void status_line(const char *text, const char *key, char *out, size_t size)
{
	const char *p = strstr(text, key);

	ck_assert_msg(p, "no %s in: %s", key, text);
	snprintf(out, size, "%.*s", (int)strcspn(p, "\n"), p);
}

/* The helper and the workload start on the launcher's CPUs but the one it
 * is on (cpus_aside()); the workload, pid 1 and an exec'd process end up
 * with every CPU eci-run had, and no more: all of this process's, or the
 * one taskset gave it. */
START_TEST(workload_has_launchers_cpus)
{
	char bin[4096], cmd[8192], mine[128], got[128];
	char *sh[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	t_run((char *[]){ (char *)"/bin/grep", (char *)"^Cpus_allowed:", (char *)"/proc/self/status",
			  NULL }, &r);
	status_line(r.out, "Cpus_allowed:", mine, sizeof(mine));
	t_run_free(&r);
	for (int i = 0; i < 3; i++) {
		eci("", "grep ^Cpus_allowed: /proc/self/status /proc/1/status", &r);
		ck_assert_msg(r.status == 0, "%s", r.err);
		status_line(strstr(r.out, "/proc/self/status"), "Cpus_allowed:", got, sizeof(got));
		ck_assert_str_eq(got, mine);
		status_line(strstr(r.out, "/proc/1/status"), "Cpus_allowed:", got, sizeof(got));
		ck_assert_str_eq(got, mine);
		t_run_free(&r);
	}
	/* eci-run on one CPU: the workload on that one alone */
	snprintf(cmd, sizeof(cmd), "taskset -c 0 '%s' --network none default "
		 "grep ^Cpus_allowed_list: /proc/self/status", t_bin("eci-run", bin, sizeof(bin)));
	t_run(sh, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "Cpus_allowed_list:\t0\n");
	t_run_free(&r);
}
END_TEST

START_TEST(zombies_reaped)
{
	struct run_result r;

	/* The subshell exits at once, leaving sleep to pid 1, which must reap
	 * it when it ends; no process of the container may stay a zombie. */
	eci("", "(sleep 0.1 &); sleep 0.6; cat /proc/[0-9]*/stat | cut -d\" \" -f3 | grep -c Z", &r);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
}
END_TEST

START_TEST(sigterm_to_launcher)
{
	char bin[4096], line[64], path[64];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)"--init",
			 (char *)"default", (char *)"sh", (char *)"-c", (char *)"echo ready; exec sleep 30",
			 NULL };
	int in, out, st;
	pid_t pid = t_spawn(argv, &in, &out);

	ck_assert_int_eq(t_read_line(out, line, sizeof(line)), 0);
	usleep(50000);
	ck_assert_int_eq(kill(pid, SIGTERM), 0);
	waitpid(pid, &st, 0);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGTERM);
	/* and nothing of the container is left: eci-run's child is gone */
	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)pid, (int)pid);
	ck_assert_int_ne(access(path, F_OK), 0);
	close(in);
	close(out);
}
END_TEST

static void expect_out(const char *flags, const char *script, const char *want)
{
	struct run_result r;

	eci(flags, script, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
}

START_TEST(user_env_workdir)
{
	expect_out("-u nobody", "id", "uid=65534(nobody) gid=65534(nogroup)\n");
	expect_out("-u 1000:1000", "id -u; id -g; echo $HOME", "1000\n1000\n/\n");
	expect_out("-u root:tty", "id -g", "5\n");
	expect_out("-e FOO=bar -e EMPTY=", "echo \"$FOO[$EMPTY]\"", "bar[]\n");
	expect_out("-w /new/dir", "pwd", "/new/dir\n");
	expect_out("", "echo $HOME; pwd; echo $PATH",
		   "/root\n/\n/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin\n");
	expect_out("-t", "echo $TERM", "xterm\r\n");
}
END_TEST

START_TEST(env_file)
{
	char path[] = "/tmp/eci-t-env.XXXXXX", flags[128];
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, "# comment\n\nA=1\nB=two words\nA=3\n", 30), 0);
	close(fd);
	snprintf(flags, sizeof(flags), "--env-file %s -e B=flag", path);
	expect_out(flags, "echo \"$A/$B\"", "3/flag\n");
	unlink(path);
}
END_TEST

static void refused(const char *flags, const char *words)
{
	struct run_result r;

	eci(flags, "echo started", &r);
	ck_assert_msg(r.status == 125, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", flags, words, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	t_run_free(&r);
}

START_TEST(bad_input)
{
	refused("--cap-add BOGUS", "--cap-add BOGUS: unknown capability");
	refused("--cap-drop CAP_NOPE", "--cap-drop CAP_NOPE: unknown capability");
	refused("-u nosuchuser", "-u nosuchuser: no such user in the image's /etc/passwd");
	refused("-u 70000", "-u 70000: outside the container's ids");
	refused("-u 0:99999", "-u 0:99999: outside the container's ids");
	refused("-u root:nosuchgroup", "no such group 'nosuchgroup'");
	refused("-w relative", "-w relative: the working directory must be an absolute path");
	refused("--security-opt bogus", "--security-opt bogus: unknown option");
	refused("--security-opt no-new-privileges=maybe", "expected true or false");
	refused("--env-file /nonexistent/env", "--env-file /nonexistent/env: No such file");
	refused("-e =x", "-e '=x': expected KEY=VALUE");
}
END_TEST

static void profile_file(char *path, const char *json)
{
	int fd = mkstemp(path);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, json, strlen(json)), 0);
	close(fd);
}

START_TEST(seccomp_profile_file)
{
	char bad[] = "/tmp/eci-t-seccomp.XXXXXX", good[] = "/tmp/eci-t-seccomp.XXXXXX";
	char flags[128], words[128];

	profile_file(bad, "{\n  \"defaultAction\": \"SCMP_ACT_ALLOW\",\n  \"syscalls\": [\n}\n");
	snprintf(flags, sizeof(flags), "--security-opt seccomp=%s", bad);
	snprintf(words, sizeof(words), "seccomp profile %s: line 4 column", bad);
	refused(flags, words);
	profile_file(good, "{\"defaultAction\": \"SCMP_ACT_ALLOW\", \"syscalls\": [{\"names\": "
			   "[\"mkdir\", \"mkdirat\"], \"action\": \"SCMP_ACT_ERRNO\"}]}");
	snprintf(flags, sizeof(flags), "--security-opt seccomp=%s", good);
	expect_out(flags, "mkdir /x 2>&1; touch /y && echo touched",
		   "mkdir: can't create directory '/x': Operation not permitted\ntouched\n");
	unlink(bad);
	unlink(good);
}
END_TEST

/* -t: a pty of the container's, its size from ours, and our terminal
 * restored afterwards; the pty is /dev/console too, as runc makes it. */
START_TEST(tty_size_and_restore)
{
	char bin[4096], buf[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-t", (char *)"default",
			 (char *)"sh", (char *)"-c",
			 (char *)"stty size; tty; stat -c 'console %t:%T' /dev/console; "
			 "echo to-console > /dev/console", NULL };

	ck_assert_int_eq(t_pty_run(argv, buf, sizeof(buf)), 0);
	ck_assert_msg(strstr(buf, "33 101"), "%s", buf);
	ck_assert_msg(strstr(buf, "/dev/pts/0"), "%s", buf);
	ck_assert_msg(strstr(buf, "console 88:0"), "%s", buf);
	ck_assert_msg(strstr(buf, "to-console"), "%s", buf);
}
END_TEST

Suite *process_suite(void)
{
	Suite *s = suite_create("process");
	TCase *priv = tcase_create("privileges");
	TCase *rt = tcase_create("runtime");

	tcase_set_timeout(priv, 60);
	tcase_set_timeout(rt, 60);
	tcase_add_test(priv, caps_default);
	tcase_add_test(priv, caps_add_drop);
	tcase_add_test(priv, caps_privileged);
	tcase_add_test(priv, caps_non_root);
	tcase_add_test(priv, nnp_and_seccomp);
	tcase_add_test(priv, kernel_surface_closed);
	tcase_add_test(priv, namespaces_need_sys_admin);
	tcase_add_test(priv, seccomp_profile_file);
	tcase_add_test(priv, bad_input);
	suite_add_tcase(s, priv);
	tcase_add_test(rt, only_stdio_fds);
	tcase_add_test(rt, tiocsti_refused);
	tcase_add_test(rt, tiocsti_user_terminal);
	tcase_add_test(rt, terminal_signals_reach_workload);
	tcase_add_test(rt, zombies_reaped);
	tcase_add_test(rt, workload_has_launchers_cpus);
	tcase_add_test(rt, sigterm_to_launcher);
	tcase_add_test(rt, user_env_workdir);
	tcase_add_test(rt, env_file);
	tcase_add_test(rt, tty_size_and_restore);
	suite_add_tcase(s, rt);
	return s;
}

/* eci-run ps, stop and doctor; --name; resource limits refused plainly.
 * stop's SIGTERM reaches a workload that handles it (its status, not
 * SIGKILL's after the 60 s). */
START_TEST(ps_stop_doctor)
{
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--name",
			 (char *)"ops-test", (char *)"-i", (char *)"default", (char *)"sh", (char *)"-c",
			 (char *)"trap 'exit 3' TERM; echo ready; sleep 60 & wait", NULL };
	char *sh[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	char line[64];
	int in, out, st;
	pid_t pid = t_spawn(argv, &in, &out);
	struct run_result r;

	ck_assert_int_eq(t_read_line(out, line, sizeof(line)), 0);
	snprintf(cmd, sizeof(cmd), "'%s' ps", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "ops-test") && strstr(r.out, "sh -c trap"), "%s", r.out);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' ps --format json", bin);
	t_run(sh, &r);
	ck_assert_ptr_nonnull(strstr(r.out, "\"name\":\"ops-test\""));
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' stop --time 60 ops-test", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
	waitpid(pid, &st, 0);
	ck_assert_int_eq(WEXITSTATUS(st), 3);
	close(in);
	close(out);
	snprintf(cmd, sizeof(cmd), "'%s' ps | grep -c ops-test", bin);
	t_run(sh, &r);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' stop ops-test", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "stop ops-test: no such running container"));
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' doctor", bin);
	t_run(sh, &r);
	ck_assert_msg(r.status == 0, "doctor: exit %d\n%s", r.status, r.out);
	ck_assert_ptr_nonnull(strstr(r.out, "OK   user namespaces enabled: user.max_user_namespaces = "));
	ck_assert_ptr_nonnull(strstr(r.out, "OK   overlayfs in a user namespace"));
	ck_assert_ptr_nonnull(strstr(r.out, "OK   /etc/subuid: "));
	ck_assert_ptr_nonnull(strstr(r.out, "OK   /etc/subgid: "));
	ck_assert_ptr_nonnull(strstr(r.out, "containers at once"));
	ck_assert_ptr_nonnull(strstr(r.out, "eci can run here"));
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' --name 'bad name' default true", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "--name bad name: use letters, digits"));
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "'%s' --memory 1m default true", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "--memory 1m: the least is 6m"));
	t_run_free(&r);
}
END_TEST

Suite *ops_suite(void)
{
	Suite *s = suite_create("ops");
	TCase *tc = tcase_create("ps, stop, doctor");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, ps_stop_doctor);
	suite_add_tcase(s, tc);
	return s;
}
