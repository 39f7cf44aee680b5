// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_sys.c - system containers under dockerd (issue 24): systemd and
 * Docker-in-Docker in a --privileged container of the Debian image of
 * t/images/sysimage.sh, with runc as the baseline and with eci
 *
 * t/engine/run.sh's part "sys" loads the image ($ECI_SYS_IMAGE), makes the
 * directory of sysimage.sh --inner ($ECI_SYS_DIR: the inner image, the
 * probe, syscheck.sh as check.sh), bound into every container at /eci-sys,
 * and names the baseline's runtime ($ECI_SYS_RUNC: runc, or runc with the
 * capabilities the host's root lacks taken out of --privileged, which runc
 * refuses to grant otherwise).  The steps run inside are syscheck.sh's; the
 * tests assert on what they print.
 *
 * eci's tests need features it does not have yet (sysfeat.h): the suite
 * asks a --runtime eci --privileged container which are missing, and skips,
 * with the reason, the tests that need them.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "sysfeat.h"
#include "tap.h"
#include "util.h"

static const char *sys_image(void)
{
	return getenv("ECI_SYS_IMAGE");
}

static const char *runc_rt(void)
{
	const char *r = getenv("ECI_SYS_RUNC");

	return r && *r ? r : "runc";
}

/* A detached --privileged container NAME of the image running COMMAND,
 * with docker run's @flags besides. */
static void outer(const char *name, const char *runtime, const char *flags, const char *command)
{
	struct run_result r;

	dockerf(&r, "rm -f %s", name);
	t_run_free(&r);
	/* The label: t/engine/run.sh removes what a failed test leaves. */
	expectf(0, NULL, NULL, "run -d --name %s --label eci-sys-test --runtime %s --privileged "
		"--network none %s -v %s:/eci-sys:ro %s %s", name, runtime, flags,
		getenv("ECI_SYS_DIR"), sys_image(), command);
}

static void step(const char *name, const char *stp, const char *want)
{
	sys_step("docker", name, stp, want);
}

/* systemd boots to running or degraded; a unit of ours starts and logs;
 * docker stop with its stop signal (SIGRTMIN+3) halts it: status 0. */
static void systemd_boots(const char *runtime)
{
	char name[64];

	snprintf(name, sizeof(name), "sys-sd-%s", runtime);
	outer(name, runtime, "--stop-signal SIGRTMIN+3", "/sbin/init");
	/* It exits 0 for running or degraded only. */
	step(name, "boot", "state=");
	step(name, "unit", "unit=started\ntouched=yes\njournal=yes");
	expectf(0, NULL, NULL, "stop -t 60 %s", name);
	expectf(0, "0\n", NULL, "wait %s", name);
	expectf(0, NULL, NULL, "rm -f %s", name);
}

/* The nested dockerd starts on overlay2 and loads the inner image. */
static void dind_daemon(const char *name, const char *runtime)
{
	outer(name, runtime, "", "sh /eci-sys/check.sh serve");
	/* eci's /var/lib/docker is its own mount, on its store's file system. */
	step(name, "dockerd", strcmp(runtime, runc_rt()) ? "inner=runtime\ndriver=overlay2" :
							   "driver=overlay2");
	step(name, "load", "loaded=eci-inner:latest");
}

/* The host's uid map of the outer container: its root's uid, how many. */
static void outer_map(const char *name, unsigned long *start, unsigned long *count)
{
	char path[64], *map = NULL;
	struct run_result r;
	unsigned long in;

	dockerf(&r, "inspect -f '{{.State.Pid}}' %s", name);
	ck_assert_int_eq(r.status, 0);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", atoi(r.out));
	t_run_free(&r);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%lu %lu %lu", &in, start, count), 3);
	ck_assert_uint_eq(in, 0);
	free(map);
}

/*
 * Inner containers run as root inside, and answer on a published port
 * from the outer container; on the host, their processes' uid is one of
 * the outer container's (for eci: of its slot in the engine's pool, not
 * host root), and the escape catalogue from inside one finds nothing.
 */
static void dind_runs(const char *runtime)
{
	char name[64], tag[64], stp[96], want[96];
	unsigned long start, count;
	long uid;
	int pid;

	snprintf(name, sizeof(name), "sys-dind-%s", runtime);
	snprintf(tag, sizeof(tag), "%s-%d", runtime, (int)getpid());
	dind_daemon(name, runtime);
	step(name, "id", "uid=0(root) gid=0(root)");
	snprintf(stp, sizeof(stp), "publish %s", tag);
	snprintf(want, sizeof(want), "served=%s\n", tag);
	step(name, stp, want);
	snprintf(want, sizeof(want), "/www-%s", tag);
	pid = sys_pid_with(want);
	ck_assert_msg(pid > 0, "no host process holds %s", want);
	outer_map(name, &start, &count);
	uid = sys_host_uid(pid);
	ck_assert_msg(uid >= (long)start && uid < (long)(start + count),
		      "inner httpd (host pid %d) runs as host uid %ld, outside the outer container's "
		      "%lu+%lu", pid, uid, start, count);
	if (strcmp(runtime, runc_rt())) {
		struct subid_range p = pool();

		/* eci's: a slot of the engine's pool, not host root. */
		ck_assert_msg(start >= p.start && start + count <= (unsigned long)p.start + p.count,
			      "%s: the outer container's ids %lu+%lu are not the pool's", runtime, start,
			      count);
		ck_assert_uint_ne(uid, 0);
	}
	step(name, "escape", ", 0 escaped");
	expectf(0, NULL, NULL, "rm -f %s", name);
}

START_TEST(systemd_runc)
{
	systemd_boots(runc_rt());
}
END_TEST

START_TEST(systemd_eci)
{
	systemd_boots("eci");
}
END_TEST

START_TEST(dind_runc)
{
	dind_runs(runc_rt());
}
END_TEST

START_TEST(dind_daemon_eci)
{
	dind_daemon("sys-dd-eci", "eci");
	expect("rm -f sys-dd-eci", 0, NULL, NULL);
}
END_TEST

START_TEST(dind_eci)
{
	dind_runs("eci");
}
END_TEST

Suite *sys_suite(void)
{
	Suite *s = suite_create("sys");
	TCase *tc = tcase_create("system containers, docker --privileged");
	struct sys_features f;

	tcase_set_timeout(tc, 600);
	/* What a --runtime eci --privileged container of the image lacks. */
	sys_features_probe(&f, "exec docker run --rm --runtime eci --privileged --network none "
			   "-v %s:/eci-sys:ro %s sh /eci-sys/check.sh features",
			   getenv("ECI_SYS_DIR"), sys_image());
	tcase_add_test(tc, systemd_runc);
	tcase_add_test(tc, dind_runc);
	sys_add(tc, systemd_eci, &f, SYS_PID1 | SYS_SDCGROUP);
	tcase_add_test(tc, dind_daemon_eci);
	sys_add(tc, dind_eci, &f, SYS_PROC | SYS_SYSFS | SYS_CGROUPS);
	suite_add_tcase(s, tc);
	return s;
}
