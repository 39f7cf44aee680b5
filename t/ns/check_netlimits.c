// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_netlimits.c - the default network (defaultNetwork: auto, locked,
 * unlocked, refused) and --memory, --pids-limit, --cpus in cgroups an
 * administrator delegated to the account (or their refusal where none is)
 *
 * The network tests use the test build of eci-run with the policy
 * scenarios (t/policy/netdefault-*, staged by t/policy/prepare.sh).  The
 * limits need a cgroup of the account's own: t/run-checks.sh, as root,
 * makes one per hierarchy below its own and hands it to the account
 * (t/cgdeleg.sh), runs this suite in it with $ECI_NS_CGROUPS naming the
 * directories, and runs the refusals elsewhere (ECI_NS_CGROUPS=0).
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* --- the default network ------------------------------------------------- */

static const char *policy_root(void)
{
	const char *r = getenv("ECI_POLICY_ROOT");

	return r && *r ? r : NULL;
}

static const char *launcher(char *buf, size_t size)
{
	snprintf(buf, size, "%s/t/eci-run-policytest", t_prefix());
	return buf;
}

static const char *admin(char *buf, size_t size, const char *scenario, const char *file)
{
	snprintf(buf, size, "%s/%s%s%s", policy_root(), scenario, file ? "/" : "", file ? file : "");
	return buf;
}

/* The policy of @scenario; the user's settings @json (NULL: none) in a
 * fresh $XDG_CONFIG_HOME of this test's own (each test is a fork). */
static void use(const char *scenario, const char *json)
{
	char dir[4096], sub[4200], file[4300];
	int fd;

	ck_assert_int_eq(setenv("ECI_POLICY_DIR", admin(dir, sizeof(dir), scenario, NULL), 1), 0);
	if (!json) {
		ck_assert_int_eq(setenv("XDG_CONFIG_HOME", "/nonexistent/eci-t-config", 1), 0);
		return;
	}
	snprintf(dir, sizeof(dir), "/tmp/eci-t-netcfg.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(sub, sizeof(sub), "%s/eci", dir);
	ck_assert_int_eq(mkdir(sub, 0700), 0);
	snprintf(file, sizeof(file), "%s/settings.json", sub);
	fd = open(file, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, json, strlen(json)), 0);
	close(fd);
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", dir, 1), 0);
}

/* The user's settings file of use(), removed. */
static void unuse(void)
{
	const char *dir = getenv("XDG_CONFIG_HOME");
	char path[4200];

	if (!dir || strncmp(dir, "/tmp/eci-t-netcfg.", 18))
		return;
	snprintf(path, sizeof(path), "%s/eci/settings.json", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/eci", dir);
	rmdir(path);
	rmdir(dir);
}

static void eci(const char *flags, const char *script, struct run_result *r)
{
	char bin[4096];

	t_eci_sh(launcher(bin, sizeof(bin)), flags, "default", script, r);
}

/* The container's interfaces and what host.eci.internal is. */
#define IFACES "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \" | sort | tr \"\\n\" \" \"; " \
	       "grep host.eci.internal /etc/hosts | cut -f1; true"

static void net_is(const char *flags, const char *want)
{
	struct run_result r;

	eci(flags, IFACES, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(!strcmp(r.out, want), "%s: '%s', not '%s'", flags, r.out, want);
	t_run_free(&r);
}

#define NO_NET "lo "
#define PASTA "eth0 lo 192.0.2.1\n"
#define SLIRP "eth0 lo 192.0.2.2\n"

/* A server on the host's 127.0.0.1 that answers one connection. */
static pid_t serve_once(unsigned *port, const char *reply)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	pid_t pid;

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	*port = ntohs(sa.sin_port);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		int c = accept(fd, NULL, NULL);
		char buf[1024];

		if (c >= 0 && read(c, buf, sizeof(buf)) >= 0 &&
		    write(c, reply, strlen(reply)) == (ssize_t)strlen(reply))
			_exit(0);
		_exit(1);
	}
	close(fd);
	return pid;
}

/* No --network, every setting at its default ("auto"): pasta, through
 * which the host's loopback is host.eci.internal. */
START_TEST(default_reaches_host_loopback)
{
	const char *reply = "HTTP/1.0 200 OK\r\nContent-Length: 14\r\n\r\nfrom the host\n";
	struct run_result r;
	char script[256];
	unsigned port;
	pid_t srv;
	int st;

	use("none", NULL);
	srv = serve_once(&port, reply);
	snprintf(script, sizeof(script), "wget -q -O - http://host.eci.internal:%u/", port);
	eci("", script, &r);
	kill(srv, SIGKILL);
	waitpid(srv, &st, 0);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "from the host\n");
	t_run_free(&r);
	net_is("", PASTA);
	net_is("--network none", NO_NET);
}
END_TEST

/* auto takes only what allowedNetworks allows: slirp4netns when pasta is not. */
START_TEST(auto_follows_allowed_networks)
{
	use("netdefault-slirp", NULL);
	net_is("", SLIRP);
	net_is("--network none", NO_NET);
}
END_TEST

/* Locked to none: no network by default, whatever the user's settings
 * say (warned); an explicit --network is judged by allowedNetworks alone. */
START_TEST(locked_none)
{
	char want[8192], file[4096];
	struct run_result r;

	use("netdefault-locked", NULL);
	net_is("", NO_NET);
	use("netdefault-locked", "{\"defaultNetwork\": \"pasta\"}");
	eci("", IFACES, &r);
	ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, NO_NET);
	snprintf(want, sizeof(want), "\"defaultNetwork\" is managed by your administrator (%s): "
		 "your value is ignored", admin(file, sizeof(file), "netdefault-locked",
					      "50-netdefault.json"));
	t_has(r.err, want);
	t_run_free(&r);
	net_is("--network pasta", PASTA);
	unuse();
}
END_TEST

/* Not locked: the user's settings choose the default, and --network wins. */
START_TEST(unlocked_user_default)
{
	use("netdefault-none", NULL);
	net_is("", NO_NET);
	use("netdefault-none", "{\"defaultNetwork\": \"pasta\"}");
	net_is("", PASTA);
	net_is("--network none", NO_NET);
	unuse();
	use("netdefault-none", "{\"defaultNetwork\": \"auto\"}");
	net_is("", PASTA);
	unuse();
}
END_TEST

/* A default that allowedNetworks refuses: 125, both settings named. */
START_TEST(default_refused)
{
	char want[16384], file[4096];
	struct run_result r;

	use("netdefault-refused", NULL);
	eci("", "echo started", &r);
	t_want(&r, 125);
	admin(file, sizeof(file), "netdefault-refused", "50-netdefault.json");
	snprintf(want, sizeof(want), "eci-run: the default network, \"defaultNetwork\" pasta (%s): "
		 "\"allowedNetworks\" is managed by your administrator (%s)\n", file, file);
	ck_assert_str_eq(r.err + strlen(r.err) - strlen(want), want);
	ck_assert_ptr_null(strstr(r.out, "started"));
	t_run_free(&r);
	net_is("--network none", NO_NET);
}
END_TEST

/* A value that is no network: 125, the file and the setting named. */
START_TEST(bad_value)
{
	char want[8192], file[4096], user[4300];
	struct run_result r;

	use("netdefault-bad", NULL);
	eci("--network none", "echo started", &r);
	t_want(&r, 125);
	snprintf(want, sizeof(want), "eci-run: %s: \"defaultNetwork\" must be \"auto\", \"none\", "
		 "\"pasta\" or \"slirp4netns\", not \"bridge\"\n",
		 admin(file, sizeof(file), "netdefault-bad", "50-netdefault.json"));
	t_has(r.err, want);
	t_run_free(&r);
	use("none", "{\"defaultNetwork\": \"host\"}");
	eci("", "echo started", &r);
	t_want(&r, 125);
	snprintf(user, sizeof(user), "%s/eci/settings.json", getenv("XDG_CONFIG_HOME"));
	snprintf(want, sizeof(want), "eci-run: %s: \"defaultNetwork\" must be \"auto\", \"none\", "
		 "\"pasta\" or \"slirp4netns\", not \"host\"\n", user);
	t_has(r.err, want);
	t_run_free(&r);
	unuse();
}
END_TEST

/* --- limits ---------------------------------------------------------------- */

/* The directories t/run-checks.sh delegated ($ECI_NS_CGROUPS), one by one. */
static size_t delegated(char dirs[][1024], size_t max)
{
	const char *v = getenv("ECI_NS_CGROUPS");
	size_t n = 0;

	while (v && *v && n < max) {
		size_t len = strcspn(v, " ");

		if (len && len < 1024) {
			memcpy(dirs[n], v, len);
			dirs[n++][len] = '\0';
		}
		v += len + (v[len] == ' ');
	}
	return n;
}

/* No eci-* directory left in any of them. */
static void none_left(void)
{
	char dirs[8][1024];
	size_t n = delegated(dirs, 8);

	for (size_t i = 0; i < n; i++) {
		DIR *d = opendir(dirs[i]);
		struct dirent *de;

		ck_assert_msg(d, "%s", dirs[i]);
		while ((de = readdir(d)))
			ck_assert_msg(strncmp(de->d_name, "eci-", 4), "left: %s/%s", dirs[i], de->d_name);
		closedir(d);
	}
}

static void run(struct run_result *r, const char *flags, const char *script)
{
	char bin[4096];

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), flags, "default", script, r);
}

/* Beyond --memory, the kernel's OOM killer ends the workload: 137. */
START_TEST(memory_oom_kill)
{
	struct run_result r;

	run(&r, "--network none --memory 32m",
	    "dd if=/dev/zero of=/dev/null bs=16M count=1 2>/dev/null && echo small; "
	    "exec dd if=/dev/zero of=/dev/null bs=96M count=1");
	ck_assert_msg(r.status == 137, "exit %d: %s", r.status, r.err);
	ck_assert_str_eq(r.out, "small\n");
	t_run_free(&r);
	none_left();
	run(&r, "--network none --memory 128m", "exec dd if=/dev/zero of=/dev/null bs=96M count=1");
	t_want(&r, 0);
	t_run_free(&r);
	none_left();
}
END_TEST

/* --pids-limit: the fork beyond it is refused (busybox's sh then exits, 2);
 * eci's pid 1 and the shell count, so 6 of 8 sleeps start under 8. */
/* An exec into a limited container is held by its limits too. */
START_TEST(exec_within_limits)
{
	char bin[4096], cmd[8192], name[64];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	t_bin("eci-run", bin, sizeof(bin));
	snprintf(name, sizeof(name), "eci-t-lim-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "exec '%s' -d --rm --name %s --network none --memory 32m default "
		 "sleep 60", bin, name);
	t_run(argv, &r);
	t_want(&r, 0);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "exec '%s' exec %s dd if=/dev/zero of=/dev/null bs=96M count=1",
		 bin, name);
	t_run(argv, &r);
	ck_assert_msg(r.status == 137, "exec beyond --memory: exit %d: %s", r.status, r.err);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "exec '%s' exec %s dd if=/dev/zero of=/dev/null bs=16M count=1",
		 bin, name);
	t_run(argv, &r);
	t_want(&r, 0);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "exec '%s' stop %s", bin, name);
	t_run(argv, &r);
	t_run_free(&r);
	for (int i = 0; i < 50; i++) {
		snprintf(cmd, sizeof(cmd), "'%s' ps -q --filter name=%s", bin, name);
		t_run(argv, &r);
		bool gone = !r.out[0];

		t_run_free(&r);
		if (gone)
			break;
		usleep(100 * 1000);
	}
	none_left();
}
END_TEST

/* eci-run gc: the limits' cgroup a killed launcher left is removed, a
 * running container's is kept. */
START_TEST(gc_sweeps_cgroups)
{
	char dirs[8][1024], stale[1200], live[1200], bin[4096], cmd[8192], name[64], id[64];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	size_t n = delegated(dirs, 8);
	struct run_result r;

	ck_assert_uint_gt(n, 0);
	t_bin("eci-run", bin, sizeof(bin));
	snprintf(stale, sizeof(stale), "%s/eci-%s", dirs[0], "0123456789abcdef0123456789abcdef");
	ck_assert_msg(mkdir(stale, 0755) == 0, "%s: %s", stale, strerror(errno));
	snprintf(name, sizeof(name), "eci-t-gc-%d", (int)getpid());
	snprintf(cmd, sizeof(cmd), "exec '%s' -d --rm --name %s --network none --memory 64m "
		 "--pids-limit 50 default sleep 60", bin, name);
	t_run(argv, &r);
	t_want(&r, 0);
	snprintf(id, sizeof(id), "%.32s", r.out);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "exec '%s' gc", bin);
	t_run(argv, &r);
	t_want(&r, 0);
	t_has(r.out, "removed cgroup ");
	t_has(r.out, "eci-0123456789abcdef0123456789abcdef (its container is gone)");
	t_run_free(&r);
	ck_assert_msg(access(stale, F_OK) != 0, "%s is left", stale);
	for (size_t i = 0; i < n; i++) {
		snprintf(live, sizeof(live), "%s/eci-%s", dirs[i], id);
		if (access(live, F_OK) == 0)
			break;
		live[0] = '\0';
	}
	ck_assert_msg(live[0], "the running container's cgroup eci-%s is in none of %s ...", id,
		      dirs[0]);
	snprintf(cmd, sizeof(cmd), "exec '%s' stop %s", bin, name);
	t_run(argv, &r);
	t_run_free(&r);
	for (int i = 0; i < 50 && access(live, F_OK) == 0; i++)
		usleep(100 * 1000);
	none_left();
	/* and doctor says, by the same rule as a run, that limits work here */
	snprintf(cmd, sizeof(cmd), "'%s' doctor 2>&1", bin);
	t_run(argv, &r);
	t_has(r.out, "OK   cgroups delegated to you for --memory, --pids-limit and --cpus: ");
	t_run_free(&r);
}
END_TEST

START_TEST(pids_fork_refused)
{
	const char *script = "for i in 1 2 3 4 5 6 7 8; do sleep 30 & echo $i; done; echo looped";
	struct run_result r;

	run(&r, "--network none --pids-limit 8", script);
	t_want(&r, 2);
	ck_assert_str_eq(r.out, "1\n2\n3\n4\n5\n6\n");
	t_has(r.err, "can't fork: Resource temporarily unavailable");
	t_run_free(&r);
	none_left();
	run(&r, "--network none --pids-limit 12", script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "1\n2\n3\n4\n5\n6\n7\n8\nlooped\n");
	t_run_free(&r);
	none_left();
}
END_TEST

/*
 * A first start under --pids-limit 3: init, one unpacking child and one
 * task more.  The six layers of mkimage.sh's stack/ (new to the store in
 * every run) are unpacked one at a time, by children that cannot start
 * their threads (the tar reader then reads, hashes and writes by itself),
 * and whole.
 */
START_TEST(pids_limited_unpack)
{
	char dir[] = "/tmp/eci-t-pids.XXXXXX", img[64], tag[32], name[64], want[128];
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(img, sizeof(img), "%s/img", dir);
	snprintf(tag, sizeof(tag), "%d", (int)getpid());
	t_mkimage(img, tag, NULL);
	snprintf(img, sizeof(img), "%s/img/stack", dir);
	snprintf(name, sizeof(name), "pids-stack:%s", tag);
	T_ECI(&r, "image", "import", img, "--name", name);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "--network", "none", "--pids-limit", "3", name, "cat", "/stack/6", "/opq/c",
	      "/keep/y", "/tags/2", "/tags/6");
	t_want(&r, 0);
	snprintf(want, sizeof(want), "6\nc\ny\n%s\n%s\n", tag, tag);
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
	none_left();
	T_ECI(&r, "image", "rm", name);	/* the slot's copies go with the slot's next user */
	t_want(&r, 0);
	t_run_free(&r);
	t_rm_rf(dir);
}
END_TEST

/* The one container's "eci-ID" in @dir that has @file: its path in @out. */
static bool container_file(const char *dir, const char *file, char *out, size_t size)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	bool found = false;

	while (d && !found && (de = readdir(d)))
		if (!strncmp(de->d_name, "eci-", 4) && strlen(de->d_name) == 36) {
			snprintf(out, size, "%s/%s/%s", dir, de->d_name, file);
			found = access(out, F_OK) == 0;
		}
	if (d)
		closedir(d);
	return found;
}

/* --cpus 0.5: a CFS quota of 50 ms per 100 ms, in the container's own
 * cpu cgroup, which the workload is in from the start; its cgroup
 * namespace is rooted there, every hierarchy "/" to it. */
START_TEST(cpus_quota)
{
	char dirs[8][1024], path[2200], *val = NULL;
	size_t n = delegated(dirs, 8);
	int pfd[2];
	pid_t pid;
	char id[64] = "";
	bool found = false;

	ck_assert_int_eq(pipe(pfd), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char bin[4096];

		close(pfd[0]);
		dup2(pfd[1], 1);
		execl(t_bin("eci-run", bin, sizeof(bin)), "eci-run", "--network", "none", "--cpus",
		      "0.5", "default", "sh", "-c",
		      "echo $(cut -d: -f3 /proc/self/cgroup | sort -u); sleep 30", (char *)NULL);
		_exit(127);
	}
	close(pfd[1]);
	ck_assert_int_eq(t_read_line(pfd[0], id, sizeof(id)), 0);
	for (size_t i = 0; i < n && !found; i++)
		found = container_file(dirs[i], "cpu.cfs_quota_us", path, sizeof(path)) ||
			container_file(dirs[i], "cpu.max", path, sizeof(path));
	if (found)
		ck_assert_int_eq(read_all_at(AT_FDCWD, path, 256, &val, NULL), 0);
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
	close(pfd[0]);
	ck_assert_msg(!strcmp(id, "/"), "the container's cgroups, as it sees them: %s", id);
	ck_assert_msg(found, "no container's cpu cgroup in %s", getenv("ECI_NS_CGROUPS"));
	ck_assert_msg(!strcmp(val, "50000\n") || !strcmp(val, "50000 100000\n"), "%s: %s", path, val);
	free(val);
	none_left();
}
END_TEST

/* Bad values: 125 and the flag, before any cgroup is looked at. */
START_TEST(limits_bad_values)
{
	struct run_result r;
	static const char *const bad[][2] = {
		{ "--memory 12q", "--memory 12q: expected a size such as 512m" },
		{ "--memory 1m", "--memory 1m: the least is 6m" },
		{ "--pids-limit x", "--pids-limit x: expected a number of processes" },
		{ "--cpus 0", "--cpus 0: expected a number of CPUs from 0.01 to" },
		{ "--cpus 100000", "--cpus 100000: expected a number of CPUs" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		run(&r, bad[i][0], "echo started");
		t_want(&r, 125);
		t_has(r.err, bad[i][1]);
		t_lacks(r.out, "started");
		t_run_free(&r);
	}
}
END_TEST

/* Where no cgroup is the account's: each flag refused, 125, naming the
 * flag and the cgroup; nothing runs. */
START_TEST(limits_refused_without_delegation)
{
	static const char *const flags[][2] = {
		{ "--memory 64m", "--memory 64m: " },
		{ "--pids-limit 10", "--pids-limit 10: " },
		{ "--cpus 1", "--cpus 1: " },
	};
	struct run_result r;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++) {
		run(&r, flags[i][0], "echo started");
		t_want(&r, 125);
		t_has(r.err, flags[i][1]);
		ck_assert_msg(strstr(r.err, "delegated to you") || strstr(r.err, "no "),
			      "%s", r.err);
		t_has(r.err, "cgroup");
		t_lacks(r.out, "started");
		t_run_free(&r);
	}
	/* no limit after all: runs as without the flag */
	run(&r, "--network none --pids-limit -1", "echo ran");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "ran\n");
	t_run_free(&r);
}
END_TEST

/* Plain eci-run on a terminal: a shell, interactive, on a pty of its own
 * (as README and eci-run(1) say), not a shell that reads nothing. */
START_TEST(plain_on_terminal_is_shell)
{
	char bin[4096], buf[16384];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), NULL };
	int queued = -1, st;

	st = t_pty_run_queued(argv, buf, sizeof(buf), &queued, "# ",
			      "tty; echo pty-$((40+2)); exit 3\n");
	ck_assert_msg(st == 3, "exit %d: %s", st, buf);
	t_has(buf, "/dev/pts/0");
	t_has(buf, "pty-42");
}
END_TEST

/* Inside: the pids hierarchy (v1's, or cgroup2 at /sys/fs/cgroup); a
 * child cgroup "t" made and the shell moved into it; its own pids.max,
 * which stays the user's, written. */
#define DIVIDE \
	"for d in /sys/fs/cgroup/pids /sys/fs/cgroup; do [ -f $d/pids.max ] && break; done; " \
	"mkdir $d/t 2>&1 && echo $$ > $d/t/cgroup.procs && grep -q ':/t$' /proc/self/cgroup && " \
	"echo moved; { echo 5 > $d/pids.max; } 2>/dev/null && echo raised || echo held"

/*
 * --privileged where the user may divide a cgroup (issue 24): the
 * container's own is its root's, to make cgroups below and move its
 * processes (systemd, an inner engine), never to raise its own limits;
 * what it made is gone with it.  Without CAP_SYS_ADMIN, read-only.
 */
START_TEST(root_divides_own_cgroup)
{
	struct run_result r;

	run(&r, "--network none --privileged", DIVIDE);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "moved\nheld\n");
	t_run_free(&r);
	none_left();
	run(&r, "--network none", DIVIDE);
	t_want(&r, 0);
	t_has(r.out, "Read-only file system");
	t_lacks(r.out, "moved");
	t_run_free(&r);
	none_left();
}
END_TEST

/* The log of the detached container @name once it has @word (five
 * seconds at most), to be freed; NULL if it has none. */
static char *log_with(const char *name, const char *word)
{
	struct run_result r;
	char *log = NULL;

	for (int i = 0; i < 100 && !log; i++) {
		t_ecif(&r, "logs %s", name);
		if (r.out && strstr(r.out, word))
			log = strdup(r.out);
		t_run_free(&r);
		if (!log)
			usleep(50000);
	}
	return log;
}

/* The same, ended by rm -f (its pid 1 killed): nothing is left either. */
START_TEST(root_divides_killed)
{
	char bin[4096], name[64], flags[128], *log;
	struct run_result r;

	snprintf(name, sizeof(name), "div-%d", (int)getpid());
	snprintf(flags, sizeof(flags), "-d --network none --privileged --name %s", name);
	t_bin("eci-run", bin, sizeof(bin));
	t_eci_sh(bin, flags, "default", DIVIDE "; sleep 600", &r);
	t_want(&r, 0);
	t_run_free(&r);
	log = log_with(name, "held");	/* the shell moved */
	t_ecif(&r, "rm -f %s", name);
	t_want(&r, 0);
	t_run_free(&r);
	ck_assert_msg(log && !strcmp(log, "moved\nheld\n"), "log: %s", log ? log : "");
	free(log);
	none_left();
}
END_TEST

/* The same, its launcher killed (its pid 1 follows): gc removes what the
 * container made, as its slot's root, then its cgroups. */
START_TEST(root_divides_launcher_killed)
{
	char bin[4096], name[64], flags[128], path[64], *stat = NULL, *p;
	struct run_result r;
	int init = 0, launcher = 0;

	snprintf(name, sizeof(name), "divk-%d", (int)getpid());
	snprintf(flags, sizeof(flags), "-d --network none --privileged --name %s", name);
	t_bin("eci-run", bin, sizeof(bin));
	t_eci_sh(bin, flags, "default", DIVIDE "; sleep 600", &r);
	t_want(&r, 0);
	t_run_free(&r);
	free(log_with(name, "held"));
	t_ecif(&r, "inspect -f {{.State.Pid}} %s", name);
	t_want(&r, 0);
	init = atoi(r.out);
	t_run_free(&r);
	snprintf(path, sizeof(path), "/proc/%d/stat", init);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &stat, NULL), 0);
	p = strrchr(stat, ')');
	ck_assert_int_eq(sscanf(p + 2, "%*c %d", &launcher), 1);
	free(stat);
	ck_assert_int_gt(launcher, 1);
	ck_assert_int_eq(kill(launcher, SIGKILL), 0);
	for (int i = 0; i < 100 && kill(init, 0) == 0; i++)
		usleep(50000);
	t_ecif(&r, "gc");
	t_want(&r, 0);
	t_has(r.out, "removed cgroup ");
	t_run_free(&r);
	none_left();
}
END_TEST

/* Where nothing is delegated, --privileged runs with its cgroups read-only. */
START_TEST(privileged_cgroups_read_only)
{
	struct run_result r;

	run(&r, "--network none --privileged", DIVIDE);
	t_want(&r, 0);
	t_has(r.out, "Read-only file system");
	t_lacks(r.out, "moved");
	t_run_free(&r);
}
END_TEST

Suite *netlimits_suite(void)
{
	Suite *s = suite_create("netlimits");
	TCase *net = tcase_create("default network");
	TCase *lim = tcase_create("limits");
	const TTest *net_tests[] = {
		default_reaches_host_loopback, auto_follows_allowed_networks, locked_none,
		unlocked_user_default, default_refused, bad_value,
	};
	const TTest *deleg_tests[] = { memory_oom_kill, exec_within_limits, gc_sweeps_cgroups,
				       pids_fork_refused, pids_limited_unpack, cpus_quota,
				       root_divides_own_cgroup, root_divides_killed,
				       root_divides_launcher_killed };
	const char *cg = getenv("ECI_NS_CGROUPS"), *why = NULL;
	char path[4096];

	if (!policy_root())
		why = "no $ECI_POLICY_ROOT: the scenarios are made when root stages the build "
		      "(t/run-checks.sh)";
	else if (access(admin(path, sizeof(path), "netdefault-locked", NULL), F_OK) < 0)
		why = "no netdefault scenarios under $ECI_POLICY_ROOT (t/policy/prepare.sh)";
	else if (access(launcher(path, sizeof(path)), X_OK) < 0)
		why = "no test build of eci-run (t/eci-run-policytest) in $ECI_PREFIX";
	tcase_set_timeout(net, 90);
	tcase_set_timeout(lim, 90);
	for (size_t i = 0; i < sizeof(net_tests) / sizeof(*net_tests); i++)
		if (why)
			test_skip(net_tests[i]->name, why);
		else
			tcase_add_test(net, net_tests[i]);
	tcase_add_test(net, plain_on_terminal_is_shell);
	tcase_add_test(lim, limits_bad_values);
	/* ECI_NS_CGROUPS: "0" where the harness runs the delegated tests in a
	 * run of their own; directories there; unset: not run by it */
	if (!cg || !strcmp(cg, "0")) {
		tcase_add_test(lim, limits_refused_without_delegation);
		tcase_add_test(lim, privileged_cgroups_read_only);
	}
	for (size_t i = 0; i < sizeof(deleg_tests) / sizeof(*deleg_tests); i++)
		if (cg && strcmp(cg, "0"))
			tcase_add_test(lim, deleg_tests[i]);
		else if (!cg)
			test_skip(deleg_tests[i]->name, "no cgroup delegated to this account "
				  "($ECI_NS_CGROUPS; t/run-checks.sh, as root, makes one)");
	suite_add_tcase(s, net);
	suite_add_tcase(s, lim);
	return s;
}
