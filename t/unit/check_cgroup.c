// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_cgroup.c - where a cgroupsPath is (core/cgroup.c) and the record
 * of it; which sysctls and rlimits config.json may name (core/sysctl.c,
 * core/rlimit.c)
 *
 * cgroup_plan() reads this process's own /proc/self/cgroup and mountinfo:
 * the directories it gives are checked by their ends, whatever this host
 * mounts; a host without any cgroup hierarchy skips those checks, loudly.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "core.h"
#include "unit.h"

static bool ends_with(const char *s, const char *end)
{
	size_t n = strlen(s), m = strlen(end);

	return n >= m && !strcmp(s + n - m, end);
}

/* Every directory of @path's plan ends with @end. */
static void plan_ends(const char *path, bool systemd, const char *end)
{
	static struct cgroups cg;
	struct eci_err e = { 0 };

	ck_assert_msg(cgroup_plan(path, "the-id", systemd, &cg, &e) == 0, "%s: %s", path, e.msg);
	ck_assert_uint_gt(cg.n, 0);
	for (size_t i = 0; i < cg.n; i++)
		ck_assert_msg(ends_with(cg.d[i].path, end), "%s: %s does not end with %s", path,
			      cg.d[i].path, end);
}

static void plan_refused(const char *path, bool systemd, const char *words)
{
	static struct cgroups cg;
	struct eci_err e = { 0 };

	ck_assert_msg(cgroup_plan(path, "the-id", systemd, &cg, &e) < 0, "%s: planned", path);
	ck_assert_msg(strstr(e.msg, words), "%s: '%s' lacks '%s'", path, e.msg, words);
}

static bool have_cgroups(void)
{
	static struct cgroups cg;
	struct eci_err e;

	if (cgroup_plan("/x", "", false, &cg, &e) == 0)
		return true;
	printf("SKIP cgroup plans: this host mounts no cgroup hierarchy\n");
	return false;
}

START_TEST(cgroups_path_forms)
{
	if (!have_cgroups())
		return;
	plan_ends("/docker/abc", false, "/docker/abc");
	plan_ends("//a/./b//c/", false, "/a/b/c");
	plan_ends("rel/x", false, "/rel/x");
	plan_ends("", false, "/the-id");
	plan_ends("a-b.slice:pre:name", true, "/a.slice/a-b.slice/pre-name.scope");
	plan_ends(":pre:name", true, "/system.slice/pre-name.scope");
	plan_ends("-.slice:pre:name", true, "/pre-name.scope");
	plan_ends("", true, "/system.slice/runc-the-id.scope");
	plan_refused("../x", false, "cgroupsPath \"../x\": not a plain cgroup path");
	plan_refused("/a/../b", false, "not a plain cgroup path");
	plan_refused("/", false, "not a plain cgroup path");
	plan_refused("a\nb", false, "not a plain cgroup path");
	plan_refused("/docker/abc", true, "it must be slice:prefix:name");
	plan_refused("a:b", true, "it must be slice:prefix:name");
	plan_refused("a.slice:p:n:x", true, "it must be slice:prefix:name");
	plan_refused("notaslice:p:n", true, "not a systemd slice:prefix:name");
	plan_refused("a--b.slice:p:n", true, "not a systemd slice:prefix:name");
	plan_refused("a.slice:p:x/y", true, "not a systemd slice:prefix:name");
	plan_refused("a.slice:p:x.slice", true, "a slice as the container's own unit");
}
END_TEST

/* A relative path is below our own cgroup of each v1 hierarchy. */
START_TEST(cgroups_path_relative_to_ours)
{
	static struct cgroups rel, abs;
	struct eci_err e = { 0 };

	if (!have_cgroups())
		return;
	ck_assert_int_eq(cgroup_plan("r", "", false, &rel, &e), 0);
	ck_assert_int_eq(cgroup_plan("/r", "", false, &abs, &e), 0);
	ck_assert_uint_eq(rel.n, abs.n);
	for (size_t i = 0; i < rel.n; i++) {
		/* the same hierarchy, and (our own cgroup being the root or not) the
		 * relative one at or below the absolute one's parent */
		size_t n = strlen(abs.d[i].path) - 2;

		ck_assert_str_eq(rel.d[i].ctrls, abs.d[i].ctrls);
		ck_assert_msg(!strncmp(rel.d[i].path, abs.d[i].path, n) && ends_with(rel.d[i].path, "/r"),
			      "%s beside %s", rel.d[i].path, abs.d[i].path);
	}
}
END_TEST

START_TEST(cgroups_record)
{
	static const char text[] = "cpu,cpuacct\t/sys/fs/cgroup/cpu,cpuacct/docker/x\n"
				   "name=systemd\t/sys/fs/cgroup/systemd/docker/x\n"
				   "\t/sys/fs/cgroup/unified/docker/x\n";
	static struct cgroups cg;
	char back[sizeof(text) + 64];

	ck_assert_int_eq(cgroup_parse(text, &cg), 0);
	ck_assert_uint_eq(cg.n, 3);
	ck_assert_str_eq(cg.d[2].ctrls, "");
	ck_assert_str_eq(cg.d[0].path, "/sys/fs/cgroup/cpu,cpuacct/docker/x");
	ck_assert_int_eq(cgroup_format(&cg, back, sizeof(back)), 0);
	ck_assert_str_eq(back, text);
	ck_assert_int_lt(cgroup_parse("cpu\t/sys/fs/cgroup/cpu/../../etc\n", &cg), 0);
	ck_assert_int_lt(cgroup_parse("cpu\tsys/fs/cgroup/cpu/x\n", &cg), 0);
	ck_assert_int_lt(cgroup_parse("cpu /sys/fs/cgroup/cpu/x\n", &cg), 0);
	ck_assert_int_eq(cgroup_parse("", &cg), 0);
	ck_assert_uint_eq(cg.n, 0);
	ck_assert_int_lt(cgroup_format(&(struct cgroups){ .n = 1 }, back, 1), 0);
}
END_TEST

START_TEST(sysctl_names)
{
	static const char *const ok[] = { "net.ipv4.ip_unprivileged_port_start", "net/ipv4/ping_group_range",
					  "kernel.shmmax", "kernel.sem", "kernel.msgmnb",
					  "kernel.shm_rmid_forced", "fs.mqueue.msg_max" };
	static const char *const refused[] = { "vm.swappiness", "kernel.hostname", "kernel.domainname",
					       "kernel.shmmaxx", "fs.file-max", "user.max_user_namespaces",
					       "net..x", "net.ipv4/../../x", "", "net." };
	struct eci_err e;

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		ck_assert_msg(sysctl_check(ok[i], "1", &e) == 0, "%s: %s", ok[i], e.msg);
	for (size_t i = 0; i < sizeof(refused) / sizeof(refused[0]); i++) {
		ck_assert_msg(sysctl_check(refused[i], "1", &e) < 0, "%s accepted", refused[i]);
		ck_assert_msg(strstr(e.msg, "config.json linux.sysctl"), "%s", e.msg);
	}
	ck_assert_int_lt(sysctl_check("net.ipv4.tcp_syncookies", "1\n2", &e), 0);
}
END_TEST

START_TEST(rlimit_names)
{
	ck_assert_int_eq(rlimit_resource("RLIMIT_NOFILE"), RLIMIT_NOFILE);
	ck_assert_int_eq(rlimit_resource("RLIMIT_RTTIME"), RLIMIT_RTTIME);
	ck_assert_int_eq(rlimit_resource("RLIMIT_STACK"), RLIMIT_STACK);
	ck_assert_int_eq(rlimit_resource("nofile"), -1);
	ck_assert_int_eq(rlimit_resource("RLIMIT_FOO"), -1);
}
END_TEST

Suite *cgroup_suite(void)
{
	Suite *s = suite_create("cgroup, sysctl, rlimit");
	TCase *tc = tcase_create("config.json's names");

	tcase_add_test(tc, cgroups_path_forms);
	tcase_add_test(tc, cgroups_path_relative_to_ours);
	tcase_add_test(tc, cgroups_record);
	tcase_add_test(tc, sysctl_names);
	tcase_add_test(tc, rlimit_names);
	suite_add_tcase(s, tc);
	return s;
}
