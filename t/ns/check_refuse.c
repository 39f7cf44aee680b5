// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_refuse.c - every way eci-run and eci-newidmap say no: the exit code
 * and the words that tell the user what to do
 */
#include <fcntl.h>
#include <limits.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/wait.h>
#include <unistd.h>

#include "fdpass.h"
#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

static void expect(char *const argv[], int code, const char *words)
{
	struct run_result r;

	t_run(argv, &r);
	ck_assert_msg(r.status == code, "%s: exit %d, want %d (stderr: %s)", argv[0], r.status,
		      code, r.err);
	ck_assert_msg(strstr(r.err, words), "stderr lacks '%s': %s", words, r.err);
	t_run_free(&r);
}

START_TEST(unknown_flag)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--no-such-flag",
			 NULL };

	expect(argv, 125, "eci-run: unknown flag: --no-such-flag\nusage: eci-run [OPTIONS]");
}
END_TEST

START_TEST(unknown_image)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--pull=never",
			 (char *)"no/such/image", (char *)"true", NULL };

	expect(argv, 125, "image 'no/such/image': no such image");
}
END_TEST

/* A corrupt layer is refused before anything runs. */
START_TEST(corrupt_image)
{
	char dir[] = "/tmp/eci-t-img.XXXXXX", store[] = "/tmp/eci-t-store.XXXXXX";
	char cmd[8192], bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), dir, (char *)"true", NULL };

	/* A store of its own: a blob already in a store is never read again. */
	ck_assert_ptr_nonnull(mkdtemp(store));
	setenv("XDG_DATA_HOME", store, 1);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd),
		 "cp -R %s/share/eci/images/default/. %s && chmod -R u+w %s && "
		 "f=$(ls -S %s/blobs/sha256 | head -n1) && printf X >> %s/blobs/sha256/$f",
		 t_prefix(), dir, dir, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	expect(argv, 125, "size mismatch");
	snprintf(cmd, sizeof(cmd),
		 "f=$(ls -S %s/blobs/sha256 | head -n1) && truncate -s -1 %s/blobs/sha256/$f && "
		 "printf X | dd of=%s/blobs/sha256/$f bs=1 seek=1000 conv=notrunc 2>/dev/null",
		 dir, dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	expect(argv, 125, "digest mismatch (got sha256:");
	/* nothing of it was kept: the manifest and config, verified and
	 * stored before the layer failed, are named by nothing and collected */
	snprintf(cmd, sizeof(cmd), "test $(ls %s/eci/blobs/sha256 | wc -l) -eq 0 && "
		 "test -z \"$(ls %s/eci/refs)\" && rm -rf %s %s", store, store, dir, store);
	ck_assert_int_eq(system(cmd), 0);
}
END_TEST

/*
 * eci-run copied where no helper stands beside it, with the image linked
 * in: it must name what is missing and never run without the helper.
 */
static char lonely[] = "/tmp/eci-t-nohelper.XXXXXX";

static void make_lonely(int with_helper)
{
	char cmd[8192];

	ck_assert_ptr_nonnull(mkdtemp(lonely));
	snprintf(cmd, sizeof(cmd),
		 "mkdir %1$s/bin && cp %2$s/bin/eci-run %1$s/bin/ && ln -s %2$s/share %1$s/share%3$s",
		 lonely, t_prefix(), with_helper ? " && cp " : "");
	if (with_helper)
		snprintf(cmd + strlen(cmd), sizeof(cmd) - strlen(cmd),
			 "%s/bin/eci-newidmap %s/bin/", t_prefix(), lonely);
	ck_assert_int_eq(system(cmd), 0);
}

static void rm_lonely(void)
{
	char cmd[4096];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", lonely);
	ck_assert_int_eq(system(cmd), 0);
}

START_TEST(no_helper)
{
	char bin[4096];
	char *argv[] = { bin, (char *)"default", (char *)"true", NULL };

	make_lonely(0);
	snprintf(bin, sizeof(bin), "%s/bin/eci-run", lonely);
	expect(argv, 125, "eci-newidmap not found beside eci-run nor in ");
	expect(argv, 125, "make install-privileged");
	rm_lonely();
}
END_TEST

START_TEST(helper_without_caps)
{
	char bin[4096];
	char *argv[] = { bin, (char *)"default", (char *)"true", NULL };

	make_lonely(1);	/* cp drops file capabilities */
	snprintf(bin, sizeof(bin), "%s/bin/eci-run", lonely);
	expect(argv, 125, "eci-newidmap lacks its file capabilities");
	expect(argv, 125, "setcap cap_setuid,cap_setgid=ep");
	rm_lonely();
}
END_TEST

/* eci-newidmap run by hand: hostile arguments. */
START_TEST(helper_usage)
{
	char bin[4096];
	char *none[] = { (char *)t_helper(bin, sizeof(bin)), NULL };
	char *junk[] = { bin, (char *)"12abc", NULL };
	char *neg[] = { bin, (char *)"-5", NULL };
	char *huge[] = { bin, (char *)"99999999999999999999", NULL };
	char *two[] = { bin, (char *)"1", (char *)"2", NULL };

	expect(none, 100, "usage: eci-newidmap [--prefer START[,START...]] [--keep-id UID:GID] PID");
	expect(two, 100, "usage: eci-newidmap [--prefer");
	expect(junk, 100, "invalid pid '12abc'");
	expect(neg, 100, "invalid pid '-5'");
	expect(huge, 100, "invalid pid");
}
END_TEST

/* eci-newidmap --stdin (as eci-run starts it): a hostile request line. */
START_TEST(helper_stdin_request)
{
	char bin[4096], cmd[8192];
	char *sh[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;
	static const struct {
		const char *input, *words;
	} bad[] = {
		{ "printf '12abc\\n'", "invalid pid '12abc'" },
		{ "printf '\\n'", "stdin: invalid request" },
		{ "head -c 2000 /dev/zero | tr '\\0' 7", "stdin: invalid request" },
		{ "printf '2\\0003\\n'", "stdin: invalid request" },
		{ "printf '2\\n3\\n'", "stdin: invalid request" },
		{ "printf '1\\n'", "invalid pid '1'" },
		{ "printf '2 x,y\\n'", "--prefer: invalid list 'x,y'" },
		{ "printf '2\\n'", "process 2 is not yours" },
	};

	t_helper(bin, sizeof(bin));
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(cmd, sizeof(cmd), "%s | '%s' --stdin", bad[i].input, bin);
		t_run(sh, &r);
		ck_assert_msg(r.status == 100, "%s: exit %d (%s)", bad[i].input, r.status, r.err);
		ck_assert_msg(strstr(r.err, bad[i].words), "%s: stderr lacks '%s': %s", bad[i].input,
			      bad[i].words, r.err);
		t_run_free(&r);
	}
	/* A process it cannot read ends the scan, never passes for harmless:
	 * with 4 fds (the harness's own closed), the first pidfd and then
	 * /proc/PID/status fail. */
	snprintf(cmd, sizeof(cmd), "exec 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&-; "
		 "echo 2 | prlimit --nofile=4 '%s' --stdin", bin);
	t_run(sh, &r);
	/* A sanitized helper ends its scan the same way, then its leak
	 * check fails at exit for want of fds (status 1): the message is
	 * what counts there. */
	ck_assert_msg(r.status == 111 || (r.status == 1 && strstr(r.err, "LeakSanitizer")),
		      "exit %d (%s)", r.status, r.err);
	/* EMFILE in the words of glibc, or of musl (a helper built on it) */
	ck_assert_msg(strstr(r.err, "/status: Too many open files") ||
		      strstr(r.err, "/status: No file descriptors available"), "%s", r.err);
	t_run_free(&r);
	/* EOF before a request: the launcher gave up; nothing to say. */
	snprintf(cmd, sizeof(cmd), "'%s' --stdin < /dev/null", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 100);
	ck_assert_str_eq(r.err, "");
	t_run_free(&r);
	/* A refusal found before the request waits for it: said once one
	 * comes, never to a launcher that gave up (which told the user why
	 * itself: its check of /etc/subuid runs while the helper starts). */
	snprintf(cmd, sizeof(cmd), "'%s' --keep-id 1:1 --stdin < /dev/null", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 100);
	ck_assert_str_eq(r.err, "");
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "echo 2 | '%s' --keep-id 1:1 --stdin", bin);
	t_run(sh, &r);
	ck_assert_int_eq(r.status, 100);
	ck_assert_msg(strstr(r.err, "--keep-id 1:1: keep-id maps only your own uid and gid"), "%s",
		      r.err);
	t_run_free(&r);
}
END_TEST

/* A helper waiting for its request (or stopped there) holds no lock:
 * other starts go on. */
START_TEST(helper_waiting_holds_no_lock)
{
	char bin[4096], eci[4096];
	char *helper[] = { (char *)t_helper(bin, sizeof(bin)), (char *)"--stdin", NULL };
	char *run[] = { (char *)t_bin("eci-run", eci, sizeof(eci)), (char *)"default",
			(char *)"true", NULL };
	struct run_result r;
	int in, out, st;
	pid_t h = t_spawn(helper, &in, &out);

	usleep(200000);
	kill(h, SIGSTOP);
	t_run(run, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	t_run_free(&r);
	kill(h, SIGCONT);
	close(in);	/* EOF: it exits without a word */
	close(out);
	ck_assert_int_eq(waitpid(h, &st, 0), h);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) == 100);
}
END_TEST

START_TEST(helper_not_your_process)
{
	char bin[4096];
	/* pid 2 is kthreadd, root's; pid 1 is refused before any lookup. */
	char *kthreadd[] = { (char *)t_helper(bin, sizeof(bin)), (char *)"2", NULL };
	char *init[] = { bin, (char *)"1", NULL };

	expect(kthreadd, 100, "process 2 is not yours (owned by uid 0)");
	expect(init, 100, "invalid pid '1'");
}
END_TEST

START_TEST(helper_own_namespace)
{
	char bin[4096], pid[16];
	char *argv[] = { (char *)t_helper(bin, sizeof(bin)), pid, NULL };

	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	expect(argv, 100, "is in your own user namespace");
}
END_TEST

START_TEST(helper_no_such_process)
{
	char bin[4096], pid[16];
	char *argv[] = { (char *)t_helper(bin, sizeof(bin)), pid, NULL };
	pid_t p = fork();

	if (p == 0)
		_exit(0);
	waitpid(p, NULL, 0);
	snprintf(pid, sizeof(pid), "%d", (int)p);
	expect(argv, 100, "No such file or directory");
}
END_TEST

/* A child of ours in a new user namespace of its own, its maps not
 * written, until *@hold is closed. */
static pid_t userns_child(int *hold)
{
	int p[2];
	pid_t c;

	ck_assert_int_eq(pipe(p), 0);
	c = fork();
	if (c == 0) {
		char x;

		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		close(p[1]);
		_exit(read(p[0], &x, 1) < 0);
	}
	ck_assert_int_gt(c, 0);
	close(p[0]);
	usleep(100000);
	*hold = p[1];
	return c;
}

/* A child in a new user namespace whose maps are written refuses a second. */
START_TEST(helper_maps_written)
{
	char bin[4096], pid[16], cmd[8192];
	char *argv[] = { (char *)t_helper(bin, sizeof(bin)), pid, NULL };
	char *sh[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;
	int hold;
	pid_t c;

	c = userns_child(&hold);
	snprintf(pid, sizeof(pid), "%d", (int)c);
	/* As eci-run starts it, with a request that comes late: the helper
	 * scans /proc again, and maps. */
	snprintf(cmd, sizeof(cmd), "{ sleep 0.4; echo %d; } | '%s' --stdin", (int)c, bin);
	t_run(sh, &r);
	ck_assert_msg(r.status == 0, "first map: exit %d: %s", r.status, r.err);
	ck_assert_ptr_nonnull(strstr(r.out, "uid:"));
	t_run_free(&r);
	expect(argv, 100, "its uid_map is already written");
	close(hold);
	waitpid(c, NULL, 0);
}
END_TEST

/*
 * The helper's request with a directory fd attached (SCM_RIGHTS on its
 * stdin, as eci-run sends the container's cgroups): the helper's exit
 * status, its stderr in @err, and whether the child's maps were written.
 */
static int helper_with_fd(int fd, char *err, size_t size, bool *mapped)
{
	char bin[4096], req[32], *map = NULL, path[64];
	int sv[2], ep[2], hold, status = -1;
	pid_t c, h;
	ssize_t n, got = 0;

	c = userns_child(&hold);
	t_helper(bin, sizeof(bin));
	ck_assert_int_eq(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	ck_assert_int_eq(pipe2(ep, O_CLOEXEC), 0);
	h = fork();
	if (h == 0) {
		dup2(sv[1], 0);
		dup2(ep[1], 2);
		execl(bin, "eci-newidmap", "--stdin", (char *)NULL);
		_exit(127);
	}
	close(sv[1]);
	close(ep[1]);
	snprintf(req, sizeof(req), "%d\n", (int)c);
	ck_assert_int_eq(fd_send(sv[0], req, strlen(req), fd), 0);
	shutdown(sv[0], SHUT_WR);
	while (got < (ssize_t)size - 1 && (n = read(ep[0], err + got, size - 1 - (size_t)got)) > 0)
		got += n;
	err[got] = '\0';
	waitpid(h, &status, 0);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	*mapped = map[0] != '\0';
	free(map);
	close(hold);
	waitpid(c, NULL, 0);
	close(sv[0]);
	close(ep[0]);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* A cgroup fd that is no cgroup directory, or not the caller's, is
 * refused before any map is written or any group given. */
START_TEST(helper_cgroup_fd_checked)
{
	char err[4096];
	bool mapped;
	int fd = open("/tmp", O_PATH | O_DIRECTORY | O_CLOEXEC), code;

	ck_assert_int_ge(fd, 0);
	code = helper_with_fd(fd, err, sizeof(err), &mapped);
	close(fd);
	ck_assert_msg(code == 100, "exit %d: %s", code, err);
	t_has(err, "cgroup 1 of the request is not a cgroup directory");
	ck_assert_msg(!mapped, "the maps were written");
	/* the root of a cgroup hierarchy: root's */
	fd = open("/sys/fs/cgroup/unified", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		fd = open("/sys/fs/cgroup", O_PATH | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	code = helper_with_fd(fd, err, sizeof(err), &mapped);
	close(fd);
	ck_assert_msg(code == 100, "exit %d: %s", code, err);
	t_has(err, "cgroup 1 of the request is uid 0's, not yours");
	ck_assert_msg(!mapped, "the maps were written");
}
END_TEST

/* A user namespace two levels down is not the caller's direct child. */
START_TEST(helper_nested_namespace)
{
	char bin[4096], pid[16];
	char *argv[] = { (char *)t_helper(bin, sizeof(bin)), pid, NULL };
	int p[2], q[2];
	pid_t c, grandchild = 0;

	ck_assert_int_eq(pipe(p), 0);
	ck_assert_int_eq(pipe(q), 0);
	c = fork();
	if (c == 0) {
		char x;

		close(p[1]);
		close(q[0]);
		char map[64], gmap[64];
		int n = snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)getuid());
		int gn = snprintf(gmap, sizeof(gmap), "0 %u 1\n", (unsigned)getgid());
		int m;

		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		/* Map ourselves (one id, no helper) so that we may nest. */
		if ((m = open("/proc/self/uid_map", O_WRONLY)) < 0 || write(m, map, (size_t)n) != n)
			_exit(1);
		close(m);
		if ((m = open("/proc/self/setgroups", O_WRONLY)) < 0 || write(m, "deny", 4) != 4)
			_exit(1);
		close(m);
		if ((m = open("/proc/self/gid_map", O_WRONLY)) < 0 || write(m, gmap, (size_t)gn) != gn)
			_exit(1);
		close(m);
		pid_t g = fork();

		if (g == 0) {
			if (unshare(CLONE_NEWUSER) < 0)
				_exit(1);
			if (write(q[1], &(pid_t){ getpid() }, sizeof(pid_t)) < 0 ||
			    read(p[0], &x, 1) < 0)
				_exit(1);
			_exit(0);
		}
		waitpid(g, NULL, 0);
		_exit(0);
	}
	close(p[0]);
	close(q[1]);
	ck_assert_int_eq(read(q[0], &grandchild, sizeof(grandchild)), sizeof(grandchild));
	usleep(50000);	/* let it finish unshare() */
	snprintf(pid, sizeof(pid), "%d", (int)grandchild);
	expect(argv, 100, "is not a direct child of yours");
	close(p[1]);
	waitpid(c, NULL, 0);
}
END_TEST

/* Faults of the environment: clear errors, exit 125, nothing left. */
static void env_fault(const char *prefix, const char *words)
{
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "%s '%s' default true", prefix, t_bin("eci-run", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_msg(r.status == 125, "%s: exit %d: %s", prefix, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", prefix, words, r.err);
	t_run_free(&r);
}

START_TEST(environment_faults)
{
	char ro[] = "/tmp/eci-t-ro.XXXXXX", cmd[4200];

	ck_assert_ptr_nonnull(mkdtemp(ro));
	ck_assert_int_eq(chmod(ro, 0500), 0);
	env_fault("ulimit -n 6; exec", "Too many open files");
	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s exec", ro);
	env_fault(cmd, "image store");
	ck_assert_int_eq(rmdir(ro), 0);	/* and nothing was made in it */
}
END_TEST

/* The small store still runs a container; @big, the test's, removed. */
static void still_usable(const char *small, const char *big)
{
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s exec '%s' default echo still-usable", small,
		 t_bin("eci-run", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "still-usable\n");
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", big);
	ck_assert_int_eq(system(cmd), 0);
}

/*
 * A full disk during an import (an 8 MiB tmpfs as the store, made by
 * t/run-checks.sh): a clear error, and the store still consistent and
 * usable once there is room again.
 */
START_TEST(full_disk_import)
{
	const char *small = getenv("ECI_SMALL_STORE");
	char bin[4096], cmd[8192], big[] = "/tmp/eci-t-big.XXXXXX";
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(big));
	/* a rootfs directory of 10 MiB: its layer cannot fit */
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/bin && head -c 10485760 /dev/urandom > %s/bin/blob", big, big);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s exec '%s' image import %s --name big", small,
		 t_bin("eci-run", bin, sizeof(bin)), big);
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "No space left on device"), "%s", r.err);
	t_run_free(&r);
	/* nothing half-written is left, and the store still works */
	snprintf(cmd, sizeof(cmd), "test -z \"$(ls %s/eci/tmp)\" && test -z \"$(ls %s/eci/refs)\"", small, small);
	ck_assert_int_eq(system(cmd), 0);
	still_usable(small, big);
}
END_TEST

/*
 * A full disk while a layer is unpacked, in a writer thread (a file too
 * big to be written by the tar reader itself): the start fails with the
 * layer, the file and why, leaves no half-made layer, and the store works
 * again once the image is gone.  The image takes 3/5 of the room left:
 * it is imported, and cannot be unpacked beside its blob.
 */
START_TEST(full_disk_unpack)
{
	const char *small = getenv("ECI_SMALL_STORE");
	char bin[4096], cmd[8192], big[] = "/tmp/eci-t-big.XXXXXX";
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;
	struct statvfs vfs;

	ck_assert_ptr_nonnull(mkdtemp(big));
	ck_assert_int_eq(statvfs(small, &vfs), 0);
	snprintf(cmd, sizeof(cmd), "mkdir -p %s/bin && head -c %llu /dev/urandom > %s/bin/blob", big,
		 (unsigned long long)vfs.f_bavail * vfs.f_frsize / 5 * 3, big);
	ck_assert_int_eq(system(cmd), 0);
	t_bin("eci-run", bin, sizeof(bin));
	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s exec '%s' image import %s --name fill", small,
		 bin, big);
	t_run(argv, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s exec '%s' fill /bin/true", small, bin);
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "layer 1: ") && strstr(r.err, "bin/blob: No space left on device"),
		      "%s", r.err);
	t_run_free(&r);
	/* in the slots, the default image's layer (the biggest blob) alone */
	snprintf(cmd, sizeof(cmd), "d=$(ls -S %s/share/eci/images/default/blobs/sha256 | head -n1); "
		 "ls -A %s/eci/slots/*/layers | grep -v '^/' | grep . | grep -vx \"$d\"; "
		 "XDG_DATA_HOME=%s exec '%s' image rm fill >/dev/null", t_prefix(), small, small, bin);
	t_run(argv, &r);
	ck_assert_msg(r.status == 0, "%s", r.err);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
	still_usable(small, big);
}
END_TEST

Suite *refuse_suite(void)
{
	Suite *s = suite_create("refuse");
	TCase *tc = tcase_create("eci-run");
	TCase *th = tcase_create("eci-newidmap");
	char helper[4096];

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, unknown_flag);
	tcase_add_test(tc, unknown_image);
	tcase_add_test(tc, corrupt_image);
	tcase_add_test(tc, environment_faults);
	if (getenv("ECI_SMALL_STORE")) {
		tcase_add_test(tc, full_disk_import);
		tcase_add_test(tc, full_disk_unpack);
	} else {
		test_skip("full_disk_import", "no small store (made by t/run-checks.sh as root)");
		test_skip("full_disk_unpack", "no small store (made by t/run-checks.sh as root)");
	}
	snprintf(helper, sizeof(helper), "%s/eci-newidmap", ECI_BINDIR);
	if (access(helper, X_OK) == 0) {
		test_skip("no_helper", "a helper is installed in " ECI_BINDIR);
		test_skip("helper_without_caps", "a helper is installed in " ECI_BINDIR);
	} else {
		tcase_add_test(tc, no_helper);
		tcase_add_test(tc, helper_without_caps);
	}
	suite_add_tcase(s, tc);
	tcase_add_test(th, helper_usage);
	tcase_add_test(th, helper_stdin_request);
	tcase_add_test(th, helper_cgroup_fd_checked);
	tcase_add_test(th, helper_waiting_holds_no_lock);
	tcase_add_test(th, helper_not_your_process);
	tcase_add_test(th, helper_own_namespace);
	tcase_add_test(th, helper_no_such_process);
	tcase_add_test(th, helper_maps_written);
	tcase_add_test(th, helper_nested_namespace);
	suite_add_tcase(s, th);
	return s;
}
