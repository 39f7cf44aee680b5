// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_verbs.c - eci-run start, restart, kill, wait, cp, inspect, port,
 * top, ps -q and --filter, -l/--label, image ls -q and image rm A B…
 *
 * Containers are started with -d and found by name; what they did is seen
 * through eci-run's own verbs and, for ownership, from the host.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* eci-run ARGS… must exit 0: its stdout (to be freed). */
#define OK(...) ok_out(__VA_ARGS__, (const char *)NULL)
static char *ok_out(const char *first, ...)
{
	char bin[4096], *argv[32];
	struct run_result r;
	const char *a;
	size_t n = 0;
	va_list ap;

	argv[n++] = (char *)t_bin("eci-run", bin, sizeof(bin));
	va_start(ap, first);
	for (a = first; a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "%s %s: exit %d: %s", argv[1], n > 2 ? argv[2] : "", r.status,
		      r.err);
	free(r.err);
	return r.out;
}

/* eci-run ARGS… must be refused: exit 125, @words on stderr. */
#define REFUSED(words, ...) refused(words, __VA_ARGS__, (const char *)NULL)
static void refused(const char *words, ...)
{
	char bin[4096], *argv[32];
	struct run_result r;
	const char *a;
	size_t n = 0;
	va_list ap;

	argv[n++] = (char *)t_bin("eci-run", bin, sizeof(bin));
	va_start(ap, words);
	for (a = va_arg(ap, const char *); a && n < 31; a = va_arg(ap, const char *))
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 125, "%s %s: exit %d, not 125: %s", argv[1],
		      n > 2 ? argv[2] : "", r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s %s: stderr lacks '%s': %s", argv[1],
		      n > 2 ? argv[2] : "", words, r.err);
	t_run_free(&r);
}

static void is(char *out, const char *want)
{
	ck_assert_str_eq(out, want);
	free(out);
}

/* Until exec NAME test -e PATH succeeds (the workload sets up after -d). */
static void ready(const char *name, const char *path)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"exec", (char *)name,
			 (char *)"test", (char *)"-e", (char *)path, NULL };
	struct run_result r = { 0 };

	for (int k = 0; k < 250; k++) {
		t_run_free(&r);
		ck_assert_int_eq(t_run(argv, &r), 0);
		if (r.status == 0)
			break;
		usleep(20000);
	}
	ck_assert_msg(r.status == 0, "%s never made %s: %s", name, path, r.err);
	t_run_free(&r);
}

START_TEST(label_ps_filter_inspect)
{
	char *id = OK("-d", "--name", "vb-lab", "-l", "tier=web", "--label", "a=b", "-l", "bare",
		      "default", "sleep", "30");
	char id12[13], *out, *pid;
	json_t *j, *c;

	snprintf(id12, sizeof(id12), "%.12s", id);
	out = OK("ps", "-q");
	t_has(out, id12);
	ck_assert_ptr_null(strstr(out, "ID"));
	free(out);
	t_has(out = OK("ps", "--filter", "label=tier=web"), "vb-lab");
	free(out);
	t_has(out = OK("ps", "-f", "label=bare", "--filter", "label=a"), "vb-lab");
	free(out);
	t_lacks(out = OK("ps", "--filter", "label=tier=db"), "vb-lab");
	free(out);
	t_lacks(out = OK("ps", "--filter", "label=tier=web", "--filter", "label=nosuch"), "vb-lab");
	free(out);
	t_has(out = OK("ps", "-q", "--filter", "name=vb-la", "--filter", "name=zzz"), id12);
	free(out);
	t_has(out = OK("ps", "-q", "--filter", "id=", "--filter", "status=running"), id12);
	free(out);
	/* status=exited is docker's -a: not a running one */
	t_lacks(out = OK("ps", "-q", "--filter", "status=exited"), id12);
	free(out);
	REFUSED("ps: --filter bogus=1: not one of id=ID", "ps", "--filter", "bogus=1");
	REFUSED("ps: --filter status=up: not one of", "ps", "--filter", "status=up");
	/* inspect -f and the whole record */
	pid = OK("inspect", "-f", "{{.State.Pid}}", "vb-lab");
	ck_assert_int_gt(atoi(pid), 1);
	ck_assert_int_eq(t_child_of(atoi(pid)) > 1, 1);
	free(pid);
	is(OK("inspect", "--format", "{{.State.Status}} {{.State.Running}} {{.Name}}", "vb-lab"),
	   "running true /vb-lab\n");
	is(OK("inspect", "-f", "{{json .Config.Labels}}", "vb-lab"),
	   "{\"tier\":\"web\",\"a\":\"b\",\"bare\":\"\"}\n");
	out = OK("inspect", "vb-lab");
	j = json_loads(out, 0, NULL);
	ck_assert_msg(json_is_array(j) && json_array_size(j) == 1, "%s", out);
	c = json_array_get(j, 0);
	ck_assert_str_eq(json_string_value(json_object_get(c, "Id")), strtok(id, "\n"));
	ck_assert_str_eq(json_string_value(json_object_get(json_object_get(c, "Config"), "Image")),
			 "default");
	ck_assert_str_eq(json_string_value(json_array_get(json_object_get(json_object_get(c, "Config"),
									  "Cmd"), 0)), "sleep");
	ck_assert(json_is_array(json_object_get(c, "Mounts")));
	ck_assert(json_is_object(json_object_get(json_object_get(c, "NetworkSettings"), "Ports")));
	ck_assert(json_integer_value(json_object_get(json_object_get(json_object_get(c, "Eci"),
								      "Slot"), "UidStart")) >= 65536);
	json_decref(j);
	free(out);
	free(id);
	REFUSED("inspect nosuch: no such container", "inspect", "nosuch");
	REFUSED("'{{.State.Nope}}': no field Nope", "inspect", "-f", "{{.State.Nope}}", "vb-lab");
	REFUSED("'{{range .Mounts}}' is not supported", "inspect", "-f", "{{range .Mounts}}", "vb-lab");
	REFUSED("-l : a label is KEY[=VALUE]", "-l", "", "default", "true");
	REFUSED("-l =x: a label is KEY[=VALUE]", "-l", "=x", "default", "true");
	free(OK("rm", "-f", "vb-lab"));
}
END_TEST

/* kill: the workload's status is 128+N.  With --init the workload is pid 2
 * and gets every signal; as pid 1 (the default), only those it handles and
 * KILL. */
START_TEST(kill_wait)
{
	free(OK("-d", "--name", "vb-pid1", "default", "sleep", "30"));
	is(OK("kill", "-s", "TERM", "vb-pid1"), "vb-pid1\n");
	is(OK("exec", "vb-pid1", "sh", "-c", "sleep 0.5; cat /proc/1/comm"), "sleep\n");
	is(OK("inspect", "-f", "{{.State.Status}}", "vb-pid1"), "running\n");
	is(OK("kill", "vb-pid1"), "vb-pid1\n");
	is(OK("wait", "vb-pid1"), "137\n");
	free(OK("rm", "vb-pid1"));
	free(OK("-d", "--init", "--name", "vb-kill", "default", "sleep", "30"));
	is(OK("kill", "-s", "TERM", "vb-kill"), "vb-kill\n");
	is(OK("wait", "vb-kill"), "143\n");
	REFUSED("kill vb-kill: no such running container", "kill", "vb-kill");
	is(OK("inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.State.Pid}}", "vb-kill"),
	   "exited 143 0\n");
	free(OK("start", "vb-kill"));
	is(OK("kill", "--signal", "10", "vb-kill"), "vb-kill\n");	/* SIGUSR1 */
	is(OK("wait", "vb-kill"), "138\n");
	free(OK("start", "vb-kill"));
	free(OK("-d", "--name", "vb-kill2", "default", "sh", "-c", "exit 3"));
	is(OK("kill", "vb-kill"), "vb-kill\n");	/* KILL */
	is(OK("wait", "vb-kill", "vb-kill2"), "137\n3\n");
	REFUSED("kill: invalid signal 'BOGUS'", "kill", "-s", "BOGUS", "vb-kill");
	REFUSED("kill: invalid signal '99'", "kill", "-s", "99", "vb-kill");
	REFUSED("kill nosuch: no such running container", "kill", "nosuch");
	REFUSED("wait nosuch: no such container", "wait", "nosuch");
	REFUSED("usage: eci-run kill", "kill", "-s", "TERM");
	free(OK("rm", "vb-kill", "vb-kill2"));
}
END_TEST

/*
 * stop sends the container's stop signal (--stop-signal, else the image's
 * StopSignal, else SIGTERM) through its pid 1, which passes real-time
 * signals on too (systemd halts on SIGRTMIN+3); start keeps the flag.
 */
START_TEST(stop_signal)
{
	char trap[128];

	snprintf(trap, sizeof(trap), "trap 'exit 6' %d; touch /tmp/ready; "
		 "while :; do sleep 0.1; done", SIGRTMIN + 3);
	free(OK("-d", "--name", "vb-stop", "--stop-signal", "SIGRTMIN+3", "default", "sh", "-c",
		trap));
	ready("vb-stop", "/tmp/ready");
	is(OK("stop", "-t", "30", "vb-stop"), "vb-stop\n");
	is(OK("wait", "vb-stop"), "6\n");
	free(OK("start", "vb-stop"));
	ready("vb-stop", "/tmp/ready");
	is(OK("stop", "-t", "30", "vb-stop"), "vb-stop\n");
	is(OK("wait", "vb-stop"), "6\n");
	/* with --init, eci's init is the workload's pid 1 and passes it on */
	free(OK("-d", "--init", "--name", "vb-stop2", "--stop-signal", "usr1", "default", "sh", "-c",
		"trap 'exit 7' USR1; touch /tmp/ready; while :; do sleep 0.1; done"));
	ready("vb-stop2", "/tmp/ready");
	is(OK("stop", "-t", "30", "vb-stop2"), "vb-stop2\n");
	is(OK("wait", "vb-stop2"), "7\n");
	REFUSED("--stop-signal BOGUS: not a signal a container can be stopped with", "--stop-signal",
		"BOGUS", "default", "true");
	REFUSED("--stop-signal SIGSTOP: not a signal", "--stop-signal", "SIGSTOP", "default", "true");
	REFUSED("--stop-signal RTMIN+99: not a signal", "--stop-signal", "RTMIN+99", "default",
		"true");
	free(OK("rm", "vb-stop", "vb-stop2"));
}
END_TEST

/* An image whose StopSignal is no signal is refused, naming it; the flag
 * overrides it. */
START_TEST(image_stop_signal_refused)
{
	char dir[] = "/tmp/eci-t-stop.XXXXXX", img[64], lay[80], tag[32];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(tag, sizeof(tag), "%d", (int)getpid());
	t_mkimage(img, tag, NULL);
	snprintf(lay, sizeof(lay), "%s/badstop", img);
	free(OK("image", "import", lay, "--name", "vb-badstop:t"));
	REFUSED("the image's StopSignal \"SIGBOGUS\" is not a signal", "--network", "none",
		"vb-badstop:t", "true");
	is(OK("--network", "none", "--stop-signal", "TERM", "vb-badstop:t", "echo", "ran"),
	   "ran\n");
	free(OK("image", "rm", "vb-badstop:t"));
	t_rm_rf(dir);
}
END_TEST

/* What the container wrote to its root stays across stop and start, in
 * its slot of the store; start of a running one does nothing. */
START_TEST(start_restart_keep_layer)
{
	char *id = OK("-d", "--name", "vb-st", "default", "sleep", "30"), *pid, *pid2, *slot;
	char path[8300];
	const char *data = getenv("XDG_DATA_HOME");
	struct stat st;

	strtok(id, "\n");
	free(OK("exec", "vb-st", "sh", "-c", "echo kept > /etc/kept; rm -f /bin/true"));
	is(OK("start", "vb-st"), "vb-st\n");	/* running: left as it is */
	free(OK("stop", "-t", "0", "vb-st"));
	REFUSED("exec vb-st: no such running container", "exec", "vb-st", "true");
	is(OK("start", "vb-st"), "vb-st\n");
	is(OK("exec", "vb-st", "cat", "/etc/kept"), "kept\n");
	is(OK("exec", "vb-st", "sh", "-c", "test -e /bin/true || echo deleted"), "deleted\n");
	pid = OK("inspect", "-f", "{{.State.Pid}}", "vb-st");
	is(OK("restart", "-t", "0", "vb-st"), "vb-st\n");
	pid2 = OK("inspect", "-f", "{{.State.Pid}} {{.State.Status}} {{.Id}}", "vb-st");
	ck_assert_str_ne(pid, pid2);
	t_has(pid2, " running ");
	t_has(pid2, id);
	is(OK("exec", "vb-st", "cat", "/etc/kept"), "kept\n");
	/* the layer is the slot's, in the store (its files the slot's ids) */
	slot = OK("inspect", "-f", "{{.Eci.Slot.UidStart}}", "vb-st");
	if (data)
		snprintf(path, sizeof(path), "%s/eci", data);
	else
		snprintf(path, sizeof(path), "%s/.local/share/eci", getenv("HOME"));
	snprintf(path + strlen(path), sizeof(path) - strlen(path),
		 "/slots/%s/containers/%s/upper/etc/kept", strtok(slot, "\n"), id);
	free(slot);
	ck_assert_msg(lstat(path, &st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_uint_ne(st.st_uid, getuid());
	ck_assert_uint_ge(st.st_uid, 65536);
	free(pid);
	free(pid2);
	free(id);
	REFUSED("start nosuch: no such container", "start", "nosuch");
	REFUSED("restart -t x: not a number of seconds", "restart", "-t", "x", "vb-st");
	REFUSED("usage: eci-run start", "start");
	free(OK("rm", "-f", "vb-st"));
	REFUSED("start vb-st: no such container", "start", "vb-st");
}
END_TEST

START_TEST(cp_both_ways)
{
	char dir[] = "/tmp/eci-t-cp.XXXXXX", path[4200], cmd[4300], *out;
	struct stat st;
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	free(OK("-d", "--name", "vb-cp", "default", "sh", "-c",
		"ln -s / /esc; ln -s ../../../../../../.. /rel; mkdir -p /d/e; echo x > /d/e/y; "
		"echo inside > /etc/ctr-only; cp /bin/busybox /su; chmod 4755 /su; touch /ready; "
		"exec sleep 30"));
	ready("vb-cp", "/ready");
	/* out: a file into a directory, a directory under a new name, contents */
	free(OK("cp", "vb-cp:/d/e/y", dir));
	snprintf(path, sizeof(path), "%s/y", dir);
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());	/* the user's */
	free(OK("cp", "vb-cp:/d", strcat(strcpy(path, dir), "/dd")));
	ck_assert_int_eq(stat(strcat(path, "/e/y"), &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	free(OK("cp", "vb-cp:/d/.", strcat(strcpy(path, dir), "/contents")));
	ck_assert_int_eq(stat(strcat(path, "/e/y"), &st), 0);
	/* symlinks out of the root resolve in it: the container's /etc */
	free(OK("cp", "vb-cp:/esc/etc/ctr-only", strcat(strcpy(path, dir), "/a")));
	ck_assert_int_eq(stat(path, &st), 0);
	free(OK("cp", "vb-cp:/rel/etc/passwd", strcat(strcpy(path, dir), "/pw")));
	snprintf(cmd, sizeof(cmd), "cat %s", path);
	t_host_sh(cmd, &r);	/* (the host's has this account) */
	t_lacks(r.out, "ecitest");
	t_has(r.out, "root:x:0:0:");
	t_run_free(&r);
	/* set-id bits are not brought out */
	free(OK("cp", "vb-cp:/su", strcat(strcpy(path, dir), "/su")));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	/* in: container root's, through symlinks that stay inside */
	snprintf(path, sizeof(path), "%s/h", dir);
	{
		int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);

		ck_assert_int_ge(fd, 0);
		ck_assert_int_eq(write(fd, "host\n", 5), 5);
		close(fd);
	}
	free(OK("cp", path, "vb-cp:/h"));
	is(OK("exec", "vb-cp", "stat", "-c", "%u:%g %a", "/h"), "0:0 640\n");
	free(OK("cp", path, "vb-cp:/esc/tmp/"));
	is(OK("exec", "vb-cp", "cat", "/tmp/h"), "host\n");
	free(OK("cp", path, "vb-cp:/rel/hr"));
	is(OK("exec", "vb-cp", "cat", "/hr"), "host\n");
	free(OK("cp", dir, "vb-cp:/"));
	out = OK("exec", "vb-cp", "sh", "-c", "cat /eci-t-cp.*/*/e/y");
	ck_assert_str_eq(out, "x\nx\n");
	free(out);
	/* refusals */
	REFUSED("cp nosuch: no such container", "cp", "nosuch:/f", dir);
	REFUSED("vb-cp:/nosuch: /nosuch: No such file or directory", "cp", "vb-cp:/nosuch", dir);
	REFUSED("cp: /nosuch: No such file or directory", "cp", "vb-cp:/d/e/y", "/nosuch/x");
	REFUSED("vb-cp:/nodir/x: /nodir: No such file or directory", "cp", path, "vb-cp:/nodir/x");
	REFUSED("/tmp/no-such-eci-file: No such file or directory", "cp", "/tmp/no-such-eci-file",
		"vb-cp:/");
	REFUSED("one of SRC and DEST must be CONTAINER:PATH", "cp", path, "/tmp/x");
	REFUSED("copying between containers is not supported", "cp", "vb-cp:/a", "vb-cp:/b");
	REFUSED("usage: eci-run cp", "cp", path);
	free(OK("stop", "-t", "0", "vb-cp"));
	REFUSED("cp vb-cp: the container is not running", "cp", "vb-cp:/d", dir);
	free(OK("rm", "vb-cp"));
	t_rm_rf(dir);
}
END_TEST

START_TEST(top_and_port)
{
	char *out, *pid;

	free(OK("-d", "--name", "vb-top", "--network", "pasta", "-p", "127.0.0.1:18093:80", "-p",
		"18094:53/udp", "default", "sleep", "30"));
	pid = OK("inspect", "-f", "{{.State.Pid}}", "vb-top");
	out = OK("top", "vb-top");
	t_has(out, "PID");
	t_has(out, strtok(pid, "\n"));
	t_has(out, "sleep 30");
	free(out);
	free(pid);
	is(OK("port", "vb-top"), "80/tcp -> 127.0.0.1:18093\n53/udp -> 127.0.0.1:18094\n");
	is(OK("port", "vb-top", "80"), "127.0.0.1:18093\n");
	is(OK("port", "vb-top", "53/udp"), "127.0.0.1:18094\n");
	REFUSED("port vb-top: no public port '81/tcp' published", "port", "vb-top", "81");
	REFUSED("port vb-top: 'x' is not PORT[/tcp|udp]", "port", "vb-top", "x");
	REFUSED("port nosuch: no such container", "port", "nosuch");
	REFUSED("top nosuch: no such running container", "top", "nosuch");
	free(OK("stop", "-t", "0", "vb-top"));
	REFUSED("top vb-top: no such running container", "top", "vb-top");
	free(OK("rm", "vb-top"));
}
END_TEST

START_TEST(image_ls_q_rm_many)
{
	char layout[4200], *out, *ids;

	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	free(OK("image", "import", "--name", "vb-a", layout));
	free(OK("image", "import", "--name", "vb-b:1", layout));
	ids = OK("image", "ls", "-q");
	ck_assert_uint_ge(strlen(ids), 13);
	ck_assert_uint_eq(strspn(ids, "0123456789abcdef\n"), strlen(ids));
	ck_assert_int_eq(ids[12], '\n');
	free(ids);
	{
		char bin[4096];
		char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"image",
				 (char *)"rm", (char *)"vb-a", (char *)"vb-nosuch", (char *)"vb-b:1",
				 NULL };
		struct run_result r;

		ck_assert_int_eq(t_run(argv, &r), 0);
		ck_assert_int_eq(r.status, 125);	/* one failed; the others went */
		ck_assert_str_eq(r.out, "vb-a\nvb-b:1\n");
		t_has(r.err, "image rm vb-nosuch: no such image");
		t_run_free(&r);
	}
	out = OK("image", "ls");
	t_lacks(out, "vb-a");
	t_lacks(out, "vb-b");
	free(out);
	REFUSED("usage: eci-run image", "image", "rm");
}
END_TEST

START_TEST(verb_help)
{
	static const char *const cmd[][2] = {
		{ "start", "usage: eci-run start NAME|ID..." },
		{ "restart", "usage: eci-run restart [-t SECONDS] NAME|ID..." },
		{ "kill", "usage: eci-run kill [-s SIGNAL] NAME|ID..." },
		{ "wait", "usage: eci-run wait NAME|ID..." },
		{ "cp", "usage: eci-run cp CONTAINER:PATH HOSTPATH" },
		{ "inspect", "usage: eci-run inspect [-f FORMAT] NAME|ID..." },
		{ "port", "usage: eci-run port NAME|ID [PORT[/PROTO]]" },
		{ "top", "usage: eci-run top NAME|ID [ps OPTIONS]" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(cmd); i++) {
		char *out = OK(cmd[i][0], "--help");

		ck_assert_msg(strstr(out, cmd[i][1]), "%s --help: %s", cmd[i][0], out);
		free(out);
	}
	static const char *const more[][3] = {
		{ "ps", "--help", "-f, --filter KEY=VALUE" },
		{ "image", "ls", "-q, --quiet" },
		{ "--help", NULL, "-l, --label KEY[=VALUE]" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(more); i++) {
		char *out = more[i][1] ? OK(more[i][0], more[i][1], "--help") : OK(more[i][0]);

		t_has(out, more[i][2]);
		free(out);
	}
}
END_TEST

Suite *verbs_suite(void)
{
	Suite *s = suite_create("verbs");
	TCase *tc = tcase_create("start, kill, wait, cp, inspect, port, top, ps, image");

	tcase_set_timeout(tc, 90);
	tcase_add_test(tc, label_ps_filter_inspect);
	tcase_add_test(tc, kill_wait);
	tcase_add_test(tc, stop_signal);
	tcase_add_test(tc, image_stop_signal_refused);
	tcase_add_test(tc, start_restart_keep_layer);
	tcase_add_test(tc, cp_both_ways);
	tcase_add_test(tc, top_and_port);
	tcase_add_test(tc, image_ls_q_rm_many);
	tcase_add_test(tc, verb_help);
	suite_add_tcase(s, tc);
	return s;
}
