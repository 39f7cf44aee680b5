// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_sys.c - system containers standalone (issue 24): systemd and
 * Docker-in-Docker in eci-run --privileged, on the Debian image of
 * t/images/sysimage.sh
 *
 * Run alone (ECI_NS_SYS), as the test account, after root has built the
 * image ($ECI_SYS_IMAGE, the archive of the cache) and the directory of
 * sysimage.sh --inner ($ECI_SYS_DIR, readable by the account), bound into
 * every container at /eci-sys.  The suite imports the image into the
 * account's store as eci-sys, asks a container of it which features eci
 * lacks (sysfeat.h) and skips, with the reason, the tests that need them.
 * The steps run inside are syscheck.sh's, as for the engine's suite
 * (t/engine/check_sys.c).
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "sysfeat.h"
#include "tap.h"
#include "util.h"

/* A detached --privileged container NAME of eci-sys running COMMAND, with
 * eci-run's @flags besides. */
static void outer(const char *name, const char *flags, const char *command)
{
	struct run_result r;

	t_ecif(&r, "rm -f %s", name);
	t_run_free(&r);
	t_ecif(&r, "-d --name %s --privileged --network none %s -v %s:/eci-sys:ro eci-sys %s", name,
	       flags, getenv("ECI_SYS_DIR"), command);
	t_want(&r, 0);
	t_run_free(&r);
}

static void step(const char *name, const char *stp, const char *want)
{
	char bin[4096];

	sys_step(t_bin("eci-run", bin, sizeof(bin)), name, stp, want);
}

static void gone(const char *name)
{
	struct run_result r;

	t_ecif(&r, "rm -f %s", name);
	t_want(&r, 0);
	t_run_free(&r);
}

START_TEST(systemd_boots)
{
	struct run_result r;

	/* the image's StopSignal is SIGRTMIN+3 (sysimage.sh), as systemd's
	 * images have it */
	outer("sys-sd", "", "/sbin/init");
	/* It exits 0 for running or degraded only. */
	step("sys-sd", "boot", "state=");
	step("sys-sd", "unit", "unit=started\ntouched=yes\njournal=yes");
	/* eci-run stop with the image's stop signal halts it: status 0, not 137 */
	t_ecif(&r, "stop -t 60 sys-sd");
	t_want(&r, 0);
	t_run_free(&r);
	t_ecif(&r, "wait sys-sd");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
	gone("sys-sd");
}
END_TEST

/* The nested dockerd starts on overlay2 and loads the inner image. */
static void daemon_up(const char *name)
{
	outer(name, "", "sh /eci-sys/check.sh serve");
	/* /var/lib/docker is eci-run's mount, on its store's file system. */
	step(name, "dockerd", "inner=runtime\ndriver=overlay2");
	step(name, "load", "loaded=eci-inner:latest");
}

START_TEST(dind_daemon)
{
	daemon_up("sys-dd");
	gone("sys-dd");
}
END_TEST

/*
 * Inner containers run as root inside, answer on a published port from
 * the outer container, run on the host as ids of the outer container's
 * slot (one of the account's ranges), and find no way out.
 */
START_TEST(dind_runs)
{
	struct subid_range rr[SUBID_MAX_RANGES];
	size_t n = ns_my_ranges(rr);
	char tag[32], stp[64], want[64], path[64], *map = NULL;
	unsigned long in, start, count;
	bool inside = false;
	long uid;
	int pid;

	snprintf(tag, sizeof(tag), "ns-%d", (int)getpid());
	daemon_up("sys-dind");
	step("sys-dind", "id", "uid=0(root) gid=0(root)");
	snprintf(stp, sizeof(stp), "publish %s", tag);
	snprintf(want, sizeof(want), "served=%s\n", tag);
	step("sys-dind", stp, want);
	snprintf(want, sizeof(want), "/www-%s", tag);
	pid = sys_pid_with(want);
	ck_assert_msg(pid > 0, "no host process holds %s", want);
	uid = sys_host_uid(pid);
	/* The user namespace it is in: the outer container's, or one inside. */
	snprintf(path, sizeof(path), "/proc/%d/uid_map", pid);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%lu %lu %lu", &in, &start, &count), 3);
	free(map);
	ck_assert_msg(uid >= (long)start && uid < (long)(start + count),
		      "inner httpd (host pid %d) runs as host uid %ld, outside %lu+%lu", pid, uid, start,
		      count);
	for (size_t i = 0; i < n; i++)
		inside |= start >= rr[i].start && start + count <= (unsigned long)rr[i].start + rr[i].count;
	ck_assert_msg(inside, "the inner httpd's ids %lu+%lu are not the account's", start, count);
	step("sys-dind", "escape", ", 0 escaped");
	gone("sys-dind");
}
END_TEST

/* As docker:dind's entrypoint on cgroup v2: eci's init, which the
 * container cannot see nor move, holds none of its root's controllers
 * back from its children (on busybox's image). */
START_TEST(controllers_for_children)
{
	struct run_result r;

	t_ecif(&r, "--privileged --network none default sh -c '%s'", SYS_ENABLE_ALL);
	if (r.out && !strcmp(r.out, "none\n"))
		printf("controllers_for_children: this host's cgroup2 tree has no controller\n");
	else
		ck_assert_msg(r.status == 0 && r.out && !strcmp(r.out, "enabled\n"),
			      "exit %d: %s%s", r.status, r.out ? r.out : "", r.err ? r.err : "");
	t_run_free(&r);
	/* and eci's init is not the container's to freeze, kill or limit */
	t_ecif(&r, "--privileged --network none default sh -c '%s'", SYS_INIT_HELD);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "held\n");
	t_run_free(&r);
}
END_TEST

/* The image into the store; what a container of it lacks.  (Outside a
 * test: no ck_assert here.) */
static void prepare(struct sys_features *f)
{
	char bin[4096], cmd[8400];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	memset(f, 0, sizeof(*f));
	t_bin("eci-run", bin, sizeof(bin));
	snprintf(cmd, sizeof(cmd), "exec '%s' image import '%s' --name eci-sys", bin,
		 getenv("ECI_SYS_IMAGE"));
	if (t_run(argv, &r) != 0 || r.status != 0) {
		/* The tests run, and fail at their first container. */
		printf("sys: %s: exit %d: %s\n", cmd, r.status, r.err ? r.err : "");
		t_run_free(&r);
		return;
	}
	t_run_free(&r);
	sys_features_probe(f, "exec '%s' --privileged --network none -v %s:/eci-sys:ro eci-sys "
			   "sh /eci-sys/check.sh features", bin, getenv("ECI_SYS_DIR"));
}

Suite *sys_suite(void)
{
	Suite *s = suite_create("sys");
	TCase *tc = tcase_create("system containers, eci-run --privileged");
	struct sys_features f;

	tcase_set_timeout(tc, 600);
	prepare(&f);
	sys_add(tc, systemd_boots, &f, SYS_PID1 | SYS_SDCGROUP);
	tcase_add_test(tc, dind_daemon);
	tcase_add_test(tc, controllers_for_children);
	sys_add(tc, dind_runs, &f, SYS_PROC | SYS_SYSFS | SYS_CGROUPS);
	suite_add_tcase(s, tc);
	return s;
}
