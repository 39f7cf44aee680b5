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
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "sysfeat.h"
#include "tap.h"
#include "util.h"

/* eci-run ARGS (shell words, formatted); fills @r. */
__attribute__((format(printf, 2, 3))) static void eci(struct run_result *r, const char *fmt, ...)
{
	char bin[4096], args[4096], cmd[8400];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "exec '%s' %s", t_bin("eci-run", bin, sizeof(bin)), args);
	t_run(argv, r);
}

/* A detached --privileged container NAME of eci-sys running COMMAND. */
static void outer(const char *name, const char *command)
{
	struct run_result r;

	eci(&r, "rm -f %s", name);
	t_run_free(&r);
	eci(&r, "-d --name %s --privileged --network none -v %s:/eci-sys:ro eci-sys %s", name,
	    getenv("ECI_SYS_DIR"), command);
	t_want(&r, 0);
	t_run_free(&r);
}

/* eci-run exec NAME sh /eci-sys/check.sh STEP: exits 0 and prints @want;
 * otherwise the container's last lines are in the message. */
static void step(const char *name, const char *stp, const char *want)
{
	struct run_result r, logs;

	eci(&r, "exec %s sh /eci-sys/check.sh %s", name, stp);
	if (r.status == 0 && strstr(r.out, want)) {
		t_run_free(&r);
		return;
	}
	eci(&logs, "logs %s 2>&1 | tail -n 5", name);
	ck_abort_msg("%s: check.sh %s: exit %d, want '%s': %s%s\nthe container's log: %s", name, stp,
		     r.status, want, r.out, r.err, logs.out);
}

static void gone(const char *name)
{
	struct run_result r;

	eci(&r, "rm -f %s", name);
	t_want(&r, 0);
	t_run_free(&r);
}

START_TEST(systemd_boots)
{
	outer("sys-sd", "/sbin/init");
	/* It exits 0 for running or degraded only. */
	step("sys-sd", "boot", "state=");
	step("sys-sd", "unit", "unit=started\ntouched=yes\njournal=yes");
	gone("sys-sd");
}
END_TEST

START_TEST(dind_daemon)
{
	outer("sys-dd", "sleep infinity");
	step("sys-dd", "dockerd", "driver=overlay2");
	step("sys-dd", "load", "loaded=eci-inner:latest");
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
	outer("sys-dind", "sleep infinity");
	step("sys-dind", "dockerd", "driver=overlay2");
	step("sys-dind", "load", "loaded=eci-inner:latest");
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

/* The image into the store; what a container of it lacks. */
static void prepare(struct sys_features *f)
{
	struct run_result r;

	memset(f, 0, sizeof(*f));
	eci(&r, "image import '%s' --name eci-sys", getenv("ECI_SYS_IMAGE"));
	if (r.status != 0) {
		/* The tests run, and fail at their first container. */
		printf("sys: eci-run image import %s: exit %d: %s\n", getenv("ECI_SYS_IMAGE"), r.status,
		       r.err);
		t_run_free(&r);
		return;
	}
	t_run_free(&r);
	eci(&r, "--privileged --network none -v %s:/eci-sys:ro eci-sys sh /eci-sys/check.sh features",
	    getenv("ECI_SYS_DIR"));
	if (sys_features_parse(r.out, f) < 0)
		printf("sys: the features probe did not finish (exit %d), every test runs: %s%s\n",
		       r.status, r.out, r.err);
	t_run_free(&r);
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
	sys_add(tc, dind_runs, &f, SYS_PROC | SYS_SYSFS | SYS_CGROUPS);
	suite_add_tcase(s, tc);
	return s;
}
