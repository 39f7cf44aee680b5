// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_engine.c - eci-runc under a real dockerd (t/engine/run.sh starts
 * one with --add-runtime eci and exports DOCKER_HOST), end to end
 */
#include <dirent.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "sysfeat.h"
#include "tap.h"
#include "util.h"

void docker(const char *args, struct run_result *r)
{
	char cmd[8300];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "exec docker %s", args);
	t_run(argv, r);
}

void expect(const char *args, int code, const char *out, const char *err)
{
	struct run_result r;

	docker(args, &r);
	ck_assert_msg(r.status == code, "docker %s: exit %d, want %d: %s", args, r.status, code, r.err);
	if (out)
		ck_assert_msg(strstr(r.out, out), "docker %s: stdout lacks '%s': %s", args, out, r.out);
	if (err)
		ck_assert_msg(strstr(r.err, err), "docker %s: stderr lacks '%s': %s", args, err, r.err);
	t_run_free(&r);
}

void dockerf(struct run_result *r, const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	docker(args, r);
}

void expectf(int code, const char *out, const char *err, const char *fmt, ...)
{
	char args[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	expect(args, code, out, err);
}

/* sh -c COMMAND; fills @r. */
void shf(struct run_result *r, const char *fmt, ...)
{
	char cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	t_run(argv, r);
}

struct subid_range pool(void)
{
	struct subid_range rr[SUBID_MAX_RANGES];
	struct passwd *pw = getpwnam("eci-engine");
	char *buf = NULL;
	size_t len = 0, n;

	ck_assert_ptr_nonnull(pw);
	ck_assert_int_eq(read_all_at(AT_FDCWD, "/etc/subuid", 1 << 20, &buf, &len), 0);
	n = subid_parse(buf, len, pw->pw_name, pw->pw_uid, pw->pw_uid, rr, NULL, NULL);
	free(buf);
	ck_assert_uint_gt(n, 0);
	return rr[0];
}

unsigned map_of(const char *name)
{
	char args[256], path[64], *map = NULL;
	struct run_result r;
	unsigned in = 1, start = 0, count = 0;

	snprintf(args, sizeof(args), "inspect -f '{{.State.Pid}}' %s", name);
	docker(args, &r);
	ck_assert_int_eq(r.status, 0);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", atoi(r.out));
	t_run_free(&r);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &in, &start, &count), 3);
	free(map);
	ck_assert_uint_eq(in, 0);
	ck_assert_uint_eq(count, 65536);
	return start;
}

START_TEST(root_inside_pool_outside)
{
	struct subid_range p = pool();
	unsigned a, b;

	expect("run --rm --runtime eci --network none " IMG " id", 0, "uid=0(root) gid=0(root)", NULL);
	expect("run -d --name e1 --runtime eci --network none " IMG " sleep 30", 0, NULL, NULL);
	expect("run -d --name e2 --runtime eci --network none " IMG " sleep 30", 0, NULL, NULL);
	a = map_of("e1");
	b = map_of("e2");
	ck_assert_uint_ne(a, 0);
	ck_assert_uint_ge(a, p.start);
	ck_assert_uint_lt(a, p.start + p.count);
	ck_assert_uint_ne(a, b);	/* disjoint slots */
	expect("rm -f e1 e2", 0, NULL, NULL);
}
END_TEST

START_TEST(image_files_owned_by_root)
{
	expect("run --rm --runtime eci --network none " IMG " stat -c '%u:%g' /bin/busybox /etc/passwd",
	       0, "0:0\n0:0", NULL);
	expect("run --rm --runtime eci --network none " IMG " sh -c 'echo x > /etc/new && cat /etc/new'",
	       0, "x", NULL);
}
END_TEST

START_TEST(exit_codes)
{
	expect("run --rm --runtime eci --network none " IMG " true", 0, NULL, NULL);
	expect("run --rm --runtime eci --network none " IMG " sh -c 'exit 42'", 42, NULL, NULL);
	/* the workload is pid 1 of its pid namespace, as with runc: no signal
	 * from inside, SIGKILL included, ends it */
	expect("run --rm --runtime eci --network none " IMG
	       " sh -c 'echo pid=$$; kill -9 $$; kill -TERM $$; exit 3'", 3, "pid=1\n", NULL);
}
END_TEST

/* A program that is not there, or not executable: the create fails, as
 * runc's does, with the words docker makes 127 and 126 of (before, the
 * start failed, 125 or 127 with no word). */
START_TEST(missing_program_as_runc)
{
	static const char *const rt[] = { "runc", "eci" };

	for (size_t i = 0; i < 2; i++) {
		char args[256];

		snprintf(args, sizeof(args), "run --rm --runtime %s --network none " IMG
			 " /nonexistent", rt[i]);
		expect(args, 127, NULL, "exec: \"/nonexistent\": stat /nonexistent: no such file");
		snprintf(args, sizeof(args), "run --rm --runtime %s --network none " IMG
			 " nonexistent", rt[i]);
		expect(args, 127, NULL, "exec: \"nonexistent\": executable file not found in $PATH");
		snprintf(args, sizeof(args), "run --rm --runtime %s --network none " IMG
			 " /etc/passwd", rt[i]);
		expect(args, 126, NULL, "exec: \"/etc/passwd\": permission denied");
	}
	/* found by the image's PATH, and by a path relative to the cwd */
	expect("run --rm --runtime eci --network none -e PATH=/bin " IMG " true", 0, NULL, NULL);
	expect("run --rm --runtime eci --network none -w /bin " IMG " ./true", 0, NULL, NULL);
}
END_TEST

/* docker stop with the container's stop signal, a real-time one here
 * (systemd's SIGRTMIN+3): delivered to the workload, as runc does (eci's
 * init passes on every signal but those of faults and job control). */
START_TEST(stop_signal_as_runc)
{
	static const char *const rt[] = { "runc", "eci" };
	char args[512];

	for (size_t i = 0; i < 2; i++) {
		struct run_result r = { 0 };

		snprintf(args, sizeof(args), "run -d --name sig-%s --runtime %s --network none "
			 "--stop-signal SIGRTMIN+3 " IMG " sh -c \"trap 'exit 6' %d; touch /tmp/ready; "
			 "while :; do sleep 0.1; done\"", rt[i], rt[i], SIGRTMIN + 3);
		expect(args, 0, NULL, NULL);
		for (int k = 0; k < 100; k++) {
			t_run_free(&r);
			dockerf(&r, "exec sig-%s test -e /tmp/ready", rt[i]);
			if (r.status == 0)
				break;
			usleep(50000);
		}
		t_run_free(&r);
		snprintf(args, sizeof(args), "stop -t 30 sig-%s", rt[i]);
		expect(args, 0, NULL, NULL);
		snprintf(args, sizeof(args), "wait sig-%s", rt[i]);
		expect(args, 0, "6", NULL);
		snprintf(args, sizeof(args), "rm sig-%s", rt[i]);
		expect(args, 0, NULL, NULL);
	}
}
END_TEST

START_TEST(detach_exec_stop_logs)
{
	expect("run -d --name e3 --runtime eci --network none " IMG
	       " sh -c 'echo logged-line; exec sleep 30'", 0, NULL, NULL);
	expect("exec e3 sh -c 'id -u; exit 7'", 7, "0", NULL);
	/* the workload is pid 1, as with runc; eci's init is not to be seen */
	expect("exec e3 cat /proc/1/cmdline", 0, "sleep", NULL);
	expect("exec e3 sh -c 'grep -l eci-init /proc/[0-9]*/comm | grep -c .'", 1, "0", NULL);
	/* No more than the container's capabilities, even when asked for all. */
	expect("exec e3 grep CapBnd /proc/self/status", 0, "00000000a80425fb", NULL);
	expect("exec --privileged e3 grep CapEff /proc/self/status", 0, "00000000a80425fb", NULL);
	expect("stop -t 1 e3", 0, "e3", NULL);
	/* sleep, pid 1 of its namespace, has no handler: SIGKILL after 1 s,
	 * as with runc */
	expect("inspect -f '{{.State.ExitCode}}' e3", 0, "137", NULL);
	expect("logs e3", 0, "logged-line", NULL);
	expect("rm e3", 0, NULL, NULL);
}
END_TEST

START_TEST(tty_through_console_socket)
{
	struct run_result r;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c",
			 (char *)"script -qc \"docker run --rm -t --runtime eci --network none "
				 IMG " sh -c \\\"tty; echo in-tty; stat -c 'console %t:%T' /dev/console\\\"\" "
				 "/dev/null < /dev/null", NULL };

	t_run(argv, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "/dev/pts/0") && strstr(r.out, "in-tty"), "%s", r.out);
	ck_assert_msg(strstr(r.out, "console 88:0"), "%s", r.out);	/* the pty, as runc's */
	t_run_free(&r);
}
END_TEST

START_TEST(privileged_stays_contained)
{
	expect("run --rm --runtime eci --privileged --network none " IMG
	       " sh -c 'mount -o remount,rw /proc/sys 2>&1; echo remount=$?'", 0, "remount=1", NULL);
	expect("run --rm --runtime eci --privileged --network none " IMG
	       " sh -c 'v=$(cat /proc/sys/kernel/core_pattern); echo \"$v\" > "
	       "/proc/sys/kernel/core_pattern 2>/dev/null; echo write=$?'", 0, "write=1", NULL);
	expect("run --rm --runtime eci --privileged --network none " IMG
	       " sh -c 'umount /proc/keys 2>/dev/null; echo umount=$?; ls /dev | grep -c -E \"^(vda|sda|mem|kmsg)$\"'",
	       1, "umount=1\n0", NULL);
	expect("run --rm --runtime eci --privileged --network none " IMG
	       " sh -c 'grep Seccomp: /proc/self/status'", 0, "Seccomp:\t2", NULL);
}
END_TEST

/*
 * The container's cgroups are its root's to divide (a nested engine, or
 * systemd, makes cgroups of its own): with a writable /sys/fs/cgroup
 * (--privileged) it makes one below its own, moves itself in and limits
 * it, but cannot raise its own limit; without one, /sys/fs/cgroup stays
 * read-only.  Its cgroups go with it.  D is the pids hierarchy on a hybrid
 * host, else the cgroup2 tree.
 */
#define CG_DIR "d=/sys/fs/cgroup/pids; [ -e $d/cgroup.procs ] || d=/sys/fs/cgroup; "

START_TEST(delegated_cgroups)
{
	struct run_result r;
	char id[80], cmd[512];

	expect("run --rm --runtime eci --network none " IMG " sh -c '" CG_DIR
	       "mkdir $d/inner 2>/dev/null; echo mkdir=$?'", 0, "mkdir=1", NULL);
	expect("run -d --name cg1 --runtime eci --privileged --network none " IMG " sleep 300", 0,
	       NULL, NULL);
	expect("exec cg1 sh -c '" CG_DIR "mkdir $d/inner && echo $$ > $d/inner/cgroup.procs && "
	       "echo 10 > $d/inner/pids.max && echo moved=$(grep -c :/inner /proc/self/cgroup); "
	       "echo 1000 > $d/pids.max 2>/dev/null; echo own=$?; ls $d | grep -c ^docker'",
	       1, "moved=1\nown=1\n0", NULL);
	/* every hierarchy it sees is its own: none is the host's root,
	 * which a runtime inside would try (the host does not mount some) */
	expect("exec cg1 sh -c 'for h in /sys/fs/cgroup/*; do [ -L $h ] || "
	       "mkdir $h/all 2>/dev/null || echo not $h; done; echo done'", 0, "done", NULL);
	/* as docker:dind's entrypoint on cgroup v2: eci's init, which it
	 * cannot see nor move, holds no controller back (the exec is beside
	 * it, in its leaf) */
	docker("exec cg1 sh -c '" SYS_ENABLE_ALL "'", &r);
	if (r.out && !strcmp(r.out, "none\n"))
		printf("delegated_cgroups: this host's cgroup2 tree has no controller to enable\n");
	else
		ck_assert_msg(r.status == 0 && r.out && !strcmp(r.out, "enabled\n"),
			      "enable the controllers of its cgroup2 root: exit %d: %s%s", r.status,
			      r.out ? r.out : "", r.err ? r.err : "");
	t_run_free(&r);
	expect("exec cg1 sh -c '" SYS_INIT_HELD "'", 0, "held", NULL);
	docker("exec cg1 sh -c '" SYS_INIT_HELD "'", &r);
	ck_assert_msg(!strstr(r.out, "wrote"), "eci's init is the container's to control: %s", r.out);
	t_run_free(&r);
	docker("inspect -f '{{.Id}}' cg1", &r);
	ck_assert_int_eq(r.status, 0);
	snprintf(id, sizeof(id), "%.64s", r.out);
	t_run_free(&r);
	/* on the host: below the engine's cgroup of the container */
	snprintf(cmd, sizeof(cmd), "find /sys/fs/cgroup -type d -path '*%s/inner' | grep -c .", id);
	t_host_sh(cmd, &r);
	ck_assert_msg(atoi(r.out) >= 1, "no inner cgroup on the host: %s", r.out);
	t_run_free(&r);
	expect("rm -f cg1", 0, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "find /sys/fs/cgroup -type d -path '*%s*' | grep -c .", id);
	t_host_sh(cmd, &r);
	ck_assert_msg(atoi(r.out) == 0, "the container's cgroups are left: %s", r.out);
	t_run_free(&r);
}
END_TEST

/*
 * --privileged: an engine inside keeps its layers in eci-inner beside the
 * container's upper directory (overlayfs refuses the container's overlay
 * root as an upper), kept from one start to the next, gone with docker rm.
 */
START_TEST(inner_storage)
{
	static const char overlay[] =
		"cd /var/lib/docker && mkdir -p l u w m && echo hi > l/f && "
		"mount -t overlay o -o lowerdir=l,upperdir=u,workdir=w m && cat m/f && "
		"echo x > m/g && ls u && stat -c %u:%g .";
	struct run_result r;
	char cmd[512], dir[300];

	expect("run --rm --runtime eci --network none " IMG
	       " grep -c ' /var/lib/docker ' /proc/self/mountinfo", 1, "0", NULL);
	snprintf(cmd, sizeof(cmd), "run --name in1 --runtime eci --privileged --network none "
		 IMG " sh -c '%s'", overlay);
	expect(cmd, 0, "hi\ng\n0:0", NULL);
	docker("inspect -f '{{.GraphDriver.Data.UpperDir}}' in1", &r);
	ck_assert_int_eq(r.status, 0);
	snprintf(dir, sizeof(dir), "%.*s/../eci-inner", (int)strcspn(r.out, "\n"), r.out);
	t_run_free(&r);
	/* the container's root is the host's root there, through the idmap */
	snprintf(cmd, sizeof(cmd), "stat -c '%%u %%a' %s/docker/u/g", dir);
	t_host_sh(cmd, &r);
	ck_assert_str_eq(r.out, "0 644\n");
	t_run_free(&r);
	expect("start -a in1", 0, "hi\ng\n0:0", NULL);
	expect("rm in1", 0, NULL, NULL);
	snprintf(cmd, sizeof(cmd), "test -e %s; echo $?", dir);
	t_host_sh(cmd, &r);
	ck_assert_str_eq(r.out, "1\n");
	t_run_free(&r);
}
END_TEST

START_TEST(host_namespaces_and_socket_refused)
{
	expect("run --rm --runtime eci -v /var/run/docker.sock:/s " IMG " true", 125, NULL,
	       "is, holds or is under the blocked path /var/run/docker.sock (\"blockedMounts\"");
	expect("run --rm --runtime eci --network none --pid host " IMG " true", 125, NULL,
	       "the host pid namespace is not allowed");
	expect("run --rm --runtime eci --net host " IMG " true", 125, NULL,
	       "network namespace");
	expect("run --rm --runtime eci --net host " IMG " true", 125, NULL,
	       "is not allowed under enhanced container isolation");
}
END_TEST

/* docker run -v SRC:/sys/...: refused by eci-runc, naming the mount, rather
 * than hidden under the container's sysfs (mounted last) without a word */
START_TEST(mount_under_sys_refused)
{
	expect("run --rm --runtime eci --network none -v /var/tmp:/sys/kernel/x " IMG " true", 125,
	       NULL, "mounts /sys/kernel/x: nothing is mounted on or below /sys");
	expect("run --rm --runtime eci --network none --tmpfs /proc/x " IMG " true", 125, NULL,
	       "mounts /proc/x: nothing is mounted on or below /proc");
}
END_TEST

/* Killed by the kernel at its limit, and the engine told so; where the
 * engine tells it of runc's container neither (its OOM watch gets no
 * event on some hosts), that is said and counted as a skip. */
START_TEST(memory_limit_oom)
{
#define HOG " --network none --memory 32m " IMG " sh -c 'x=a; while true; do x=$x$x; done'"
	struct run_result r;

	expect("run --name e4r --runtime runc" HOG, 137, NULL, NULL);
	docker("inspect -f '{{.State.OOMKilled}}' e4r", &r);
	expect("rm e4r", 0, NULL, NULL);
	expect("run --name e4 --runtime eci" HOG, 137, NULL, NULL);
	if (strstr(r.out, "true"))
		expect("inspect -f '{{.State.OOMKilled}}' e4", 0, "true", NULL);
	else
		test_skip("memory_limit_oom", "dockerd reports OOMKilled false for runc's container "
			  "too on this host: the engine's OOM watch sees no event");
	t_run_free(&r);
	expect("rm e4", 0, NULL, NULL);
#undef HOG
}
END_TEST

/*
 * Fifty engine containers running at once: each on a slot of its own, all
 * inside the pool (sampled while all of them run), then all removed.
 */
START_TEST(fifty_at_once)
{
	struct subid_range p = pool();
	unsigned starts[50];
	char args[256];
	struct run_result r;

	ck_assert_uint_ge(p.count, 50 * 65536);
	for (int i = 0; i < 50; i++) {
		snprintf(args, sizeof(args), "run -d --name f%d --runtime eci --network none "
			 IMG " sleep 600", i);
		expect(args, 0, NULL, NULL);
	}
	for (int i = 0; i < 50; i++) {
		snprintf(args, sizeof(args), "f%d", i);
		starts[i] = map_of(args);
		ck_assert_uint_ge(starts[i], p.start);
		ck_assert_uint_le(starts[i] + 65536, p.start + p.count);
		for (int j = 0; j < i; j++)
			ck_assert_msg(starts[i] != starts[j], "f%d and f%d share uid %u", i, j,
				      starts[i]);
	}
	expect("rm -f $(docker ps -aq --filter name=^f[0-9])", 0, NULL, NULL);
	docker("ps -aq --filter name=^f[0-9]", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
}
END_TEST

/* "/proc/PID/FILE" of @pid into a new string (NULs as spaces), or NULL. */
static char *proc_text(pid_t pid, const char *file)
{
	char path[64], *text = NULL;
	size_t len = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	if (read_all_at(AT_FDCWD, path, 1 << 16, &text, &len) < 0)
		return NULL;
	for (size_t i = 0; i + 1 < len; i++)
		if (!text[i])
			text[i] = ' ';
	return text;
}

/*
 * Is @pid an eci-init of this suite's engine?  Another dockerd on the same
 * host (another run of the suite) has containers of its own: an eci-init
 * counts when, above it and its eci-init parent, is a shim of the engine
 * under ECI_ENGINE_RUN.
 */
static bool our_eci_init(pid_t pid)
{
	const char *run = getenv("ECI_ENGINE_RUN");
	char *comm = proc_text(pid, "comm"), *stat, *cmd;
	bool ours = false;

	for (int up = 0; comm && !strcmp(comm, "eci-init\n") && up < 3; up++) {
		char *p;

		free(comm);
		comm = NULL;
		stat = proc_text(pid, "stat");
		p = stat ? strrchr(stat, ')') : NULL;
		pid = p ? (pid_t)strtol(p + 4, NULL, 10) : 0;	/* ") S PPID" */
		free(stat);
		comm = pid > 1 ? proc_text(pid, "comm") : NULL;
		if (comm && strcmp(comm, "eci-init\n")) {
			cmd = proc_text(pid, "cmdline");
			ours = !run || (cmd && strstr(cmd, run));
			free(cmd);
		}
	}
	free(comm);
	return ours;
}

/* Nothing is left behind: no container process, no state, no mount. */
START_TEST(nothing_left_behind)
{
	char *mounts = NULL;
	const char *root = getenv("ECI_RUNC_ROOT");
	int left = 0;
	DIR *d;
	struct dirent *de;

	for (int i = 0; i < 50; i++)
		expect("run --rm --runtime eci --network none " IMG " true", 0, NULL, NULL);
	ck_assert_int_eq(read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &mounts, NULL), 0);
	ck_assert_ptr_null(strstr(mounts, "runtime-runc/moby/"));
	free(mounts);
	d = root ? opendir(root) : NULL;
	while (d && (de = readdir(d)))
		left += de->d_name[0] != '.';
	if (d)
		closedir(d);
	ck_assert_int_eq(left, 0);
	/* the last one's directory, kept for the next create (runc/state.c):
	 * its mount points alone, empty */
	if (root) {
		char spare[4200], sub[4600];

		snprintf(spare, sizeof(spare), "%s/.eci-spare", root);
		d = opendir(spare);
		ck_assert_msg(d != NULL, "%s: %m", spare);
		while ((de = readdir(d))) {
			DIR *in;
			struct dirent *e2;

			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			ck_assert_msg(!strcmp(de->d_name, "rootfs") || !strcmp(de->d_name, "rw") ||
				      !strcmp(de->d_name, "u") || de->d_name[0] == 'l',
				      "left in %s: %s", spare, de->d_name);
			snprintf(sub, sizeof(sub), "%s/%s", spare, de->d_name);
			in = opendir(sub);
			ck_assert_ptr_nonnull(in);
			while ((e2 = readdir(in)))
				ck_assert_msg(!strcmp(e2->d_name, ".") || !strcmp(e2->d_name, ".."),
					      "left in %s: %s", sub, e2->d_name);
			closedir(in);
		}
		closedir(d);
	}
	d = opendir("/proc");
	while ((de = readdir(d)))
		if (de->d_name[0] >= '1' && de->d_name[0] <= '9')
			left += our_eci_init((pid_t)atoi(de->d_name));
	closedir(d);
	ck_assert_int_eq(left, 0);
}
END_TEST

/*
 * What a container writes lands in the engine's own upper directory, owned
 * by the ids the container sees: docker diff and commit see it, and it is
 * still there after a stop and a start.
 */
START_TEST(writes_kept_by_the_engine)
{
	expect("run -d --name w1 --runtime eci --network none " IMG " sleep 300", 0, NULL, NULL);
	expect("exec w1 sh -c 'echo kept > /data.txt; rm /bin/true; mkdir /newdir'", 0, NULL, NULL);
	expect("diff w1", 0, "A /data.txt", NULL);
	expect("diff w1", 0, "D /bin/true", NULL);
	expect("diff w1", 0, "A /newdir", NULL);
	expect("stop -t 1 w1", 0, NULL, NULL);
	expect("start w1", 0, NULL, NULL);
	expect("exec w1 cat /data.txt", 0, "kept", NULL);
	expect("exec w1 stat -c %u:%g /data.txt", 0, "0:0", NULL);
	expect("exec w1 ls /bin/true", 1, NULL, "No such file");
	expect("commit w1 eci-committed", 0, NULL, NULL);
	expect("rm -f w1", 0, NULL, NULL);
	expect("run --rm --runtime eci --network none eci-committed cat /data.txt", 0, "kept", NULL);
	expect("rmi eci-committed", 0, NULL, NULL);
}
END_TEST

/* eci-runc's own refusals, as the shim would see them (exit 1, message). */
START_TEST(runtime_refusals)
{
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	static const struct {
		const char *args, *words;
	} cases[] = {
		{ "state nosuch", "container \"nosuch\" does not exist" },
		{ "start nosuch", "container nosuch does not exist" },
		{ "kill nosuch 9", "container nosuch does not exist" },
		{ "delete nosuch", "container nosuch does not exist" },
		{ "create --bundle /nonexistent ../x", "invalid container id '../x'" },
		/* the name of the directory a delete leaves for the next create */
		{ "create --bundle /nonexistent .eci-spare", "invalid container id '.eci-spare'" },
		{ "frobnicate", "unknown or unsupported command 'frobnicate'" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_result r;

		snprintf(cmd, sizeof(cmd), "exec '%s' --root /tmp/eci-t-runc-root %s",
			 t_bin("eci-runc", bin, sizeof(bin)), cases[i].args);
		t_run(argv, &r);
		ck_assert_msg(r.status == 1, "%s: exit %d", cases[i].args, r.status);
		ck_assert_msg(strstr(r.err, cases[i].words), "%s: %s", cases[i].args, r.err);
		t_run_free(&r);
	}
	/* as runc's: --force of one that is not there is no error, and quiet */
	snprintf(cmd, sizeof(cmd), "exec '%s' --root /tmp/eci-t-runc-root delete --force nosuch",
		 t_bin("eci-runc", bin, sizeof(bin)));
	{
		struct run_result r;

		t_run(argv, &r);
		ck_assert_msg(r.status == 0 && !r.err[0], "delete --force nosuch: exit %d: %s",
			      r.status, r.err);
		t_run_free(&r);
	}
}
END_TEST

static Suite *engine_suite(void)
{
	Suite *s = suite_create("engine");
	TCase *tc = tcase_create("docker --runtime eci");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, root_inside_pool_outside);
	tcase_add_test(tc, image_files_owned_by_root);
	tcase_add_test(tc, exit_codes);
	tcase_add_test(tc, missing_program_as_runc);
	tcase_add_test(tc, stop_signal_as_runc);
	tcase_add_test(tc, detach_exec_stop_logs);
	tcase_add_test(tc, tty_through_console_socket);
	tcase_add_test(tc, privileged_stays_contained);
	tcase_add_test(tc, delegated_cgroups);
	tcase_add_test(tc, inner_storage);
	tcase_add_test(tc, host_namespaces_and_socket_refused);
	tcase_add_test(tc, mount_under_sys_refused);
	tcase_add_test(tc, memory_limit_oom);
	tcase_add_test(tc, writes_kept_by_the_engine);
	tcase_add_test(tc, fifty_at_once);
	tcase_add_test(tc, nothing_left_behind);
	tcase_add_test(tc, runtime_refusals);
	suite_add_tcase(s, tc);
	return s;
}

int main(void)
{
	static Suite *(*const suites[])(void) = { engine_suite, isolation_suite, spec_suite,
						    network_suite, NULL };
	static Suite *(*const sys[])(void) = { sys_suite, NULL };

	return test_main(getenv("ECI_SYS_IMAGE") ? sys : suites);
}
