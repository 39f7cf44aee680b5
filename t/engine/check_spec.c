// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_spec.c - config.json applied field by field, as docker users ask
 * for it: each flag's effect under --runtime eci is the same as under
 * --runtime runc (the harness's dockerd has both), read inside the
 * container or from its cgroups on the host; pause, unpause and update
 * answer at once; eci-runc features says what is applied.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "engine.h"
#include "util.h"

#define RUNTIMES 2
static const char *const runtimes[RUNTIMES] = { "eci", "runc" };

/* docker run --rm --runtime RT --network none FLAGS IMG sh -c 'SCRIPT' under
 * eci and runc: both succeed; their outputs (to free). */
static void both(const char *flags, const char *script, char *out[RUNTIMES])
{
	for (int i = 0; i < RUNTIMES; i++) {
		struct run_result r;

		dockerf(&r, "run --rm --runtime %s --network none %s " IMG " sh -c '%s'", runtimes[i],
			flags, script);
		ck_assert_msg(r.status == 0, "--runtime %s %s: exit %d: %s%s", runtimes[i], flags,
			      r.status, r.out, r.err);
		out[i] = strdup(r.out);
		t_run_free(&r);
	}
}

/* ... and the two say the same; eci's output (to free). */
static char *same(const char *flags, const char *script)
{
	char *out[RUNTIMES];

	both(flags, script, out);
	ck_assert_msg(!strcmp(out[0], out[1]), "%s: --runtime eci says\n%s\nbut runc says\n%s", flags,
		      out[0], out[1]);
	free(out[1]);
	return out[0];
}

/* The full id of container @name. */
static void id_of(const char *name, char *id, size_t size)
{
	struct run_result r;

	dockerf(&r, "inspect -f '{{.Id}}' %s", name);
	ck_assert_msg(r.status == 0, "inspect %s: %s", name, r.err);
	r.out[strcspn(r.out, "\n")] = '\0';
	snprintf(id, size, "%s", r.out);
	t_run_free(&r);
}

/* A file of container @name's cgroup in hierarchy @ctrl, as the host reads it. */
static void cg_read(const char *name, const char *ctrl, const char *file, char *buf, size_t size)
{
	char id[128], path[512], *text = NULL;

	id_of(name, id, sizeof(id));
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/docker/%s/%s", ctrl, id, file);
	ck_assert_msg(read_all_at(AT_FDCWD, path, 4096, &text, NULL) == 0, "%s: unreadable", path);
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, size, "%s", text);
	free(text);
}

/* --- process ------------------------------------------------------------- */

/* --ulimit, in the container and in an exec.  (Above the engine's own hard
 * limit only where the host's root holds CAP_SYS_RESOURCE: for eci-runc as
 * for runc, the limits are set from outside, by root.) */
START_TEST(ulimits_as_runc)
{
	char *out = same("--ulimit nofile=1024:2048 --ulimit nproc=500:600",
			 "ulimit -n; ulimit -Hn; ulimit -u; ulimit -Hu");

	ck_assert_str_eq(out, "1024\n2048\n500\n600\n");
	free(out);
	out = same("--ulimit nofile=2000:2000 --ulimit core=0:1000", "ulimit -n; ulimit -Hn; ulimit -c");
	ck_assert_str_eq(out, "2000\n2000\n0\n");
	free(out);
	for (int i = 0; i < RUNTIMES; i++) {
		expectf(0, NULL, NULL, "rm -f ul-%s", runtimes[i]);
		expectf(0, NULL, NULL, "run -d --name ul-%s --runtime %s --network none --ulimit "
			"nofile=1500:2500 " IMG " sleep 300", runtimes[i], runtimes[i]);
		if (i == 0) {
			expectf(0, "1500\n2500\n", NULL, "exec ul-%s sh -c 'ulimit -n; ulimit -Hn'",
				runtimes[i]);
		} else {
			/* runc 1.1 sets an exec's limits from outside (prlimit) while
			 * the Go runtime starting in the process raises the soft
			 * nofile to the hard one: which comes last is a race
			 * (opencontainers/runc#4195, fixed after Debian 12's 1.1.5),
			 * that some machines lose every time. */
			struct run_result r;

			dockerf(&r, "exec ul-runc sh -c 'ulimit -n; ulimit -Hn'");
			ck_assert_msg(r.status == 0 && (!strcmp(r.out, "1500\n2500\n") ||
							!strcmp(r.out, "2500\n2500\n")),
				      "exec ul-runc: exit %d: %s%s", r.status, r.out, r.err);
			if (strcmp(r.out, "1500\n2500\n"))
				printf("ulimits_as_runc: runc's exec got the soft nofile %.4s, not "
				       "1500 (its rlimit race); eci's got 1500\n", r.out);
			t_run_free(&r);
		}
		expectf(0, NULL, NULL, "rm -f ul-%s", runtimes[i]);
	}
}
END_TEST

/* -u and --group-add: exactly the groups runc gives, in the container and
 * in an exec. */
START_TEST(groups_as_runc)
{
	static const char *const flags[] = {
		"", "-u 1000:1000", "-u 1000", "--group-add 27 --group-add tty -u 1000:1000",
		"--group-add 4242",
	};

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		free(same(flags[i], "id; grep Groups: /proc/self/status"));
	for (int i = 0; i < RUNTIMES; i++) {
		expectf(0, NULL, NULL, "rm -f gr-%s", runtimes[i]);
		expectf(0, NULL, NULL, "run -d --name gr-%s --runtime %s --network none --group-add 27 "
			"-u 1000:1000 " IMG " sleep 300", runtimes[i], runtimes[i]);
		expectf(0, "uid=1000 gid=1000 groups=27,1000", NULL, "exec gr-%s id", runtimes[i]);
		expectf(0, NULL, NULL, "rm -f gr-%s", runtimes[i]);
	}
}
END_TEST

/* --oom-score-adj, no-new-privileges, and the capabilities of root and of
 * another user. */
START_TEST(process_fields_as_runc)
{
	static const char *const flags[] = {
		"--oom-score-adj 300", "--oom-score-adj 1000", "--cap-add SYS_ADMIN --cap-drop CHOWN",
		"-u 1000:1000 --cap-add NET_ADMIN",
	};
	char *out;

	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		free(same(flags[i], "cat /proc/self/oom_score_adj; grep ^Cap /proc/self/status"));
	out = same("--oom-score-adj 400 --security-opt no-new-privileges",
		   "cat /proc/self/oom_score_adj; grep NoNewPrivs /proc/self/status");
	ck_assert_str_eq(out, "400\nNoNewPrivs:\t1\n");
	free(out);
}
END_TEST

/* --- cgroups --------------------------------------------------------------- */

/* The limits as the host's cgroup files hold them. */
static const struct {
	const char *ctrl, *file;
} limit_files[] = {
	{ "cpu", "cpu.cfs_quota_us" },	     { "cpu", "cpu.cfs_period_us" },
	{ "cpu", "cpu.shares" },	     { "cpuset", "cpuset.cpus" },
	{ "cpuset", "cpuset.mems" },	     { "memory", "memory.limit_in_bytes" },
	{ "memory", "memory.memsw.limit_in_bytes" }, { "memory", "memory.soft_limit_in_bytes" },
	{ "pids", "pids.max" },
};

#define NLIMITS (sizeof(limit_files) / sizeof(limit_files[0]))

/* Each runtime's container @prefix-RT: its limit files, in @got[RT][i]. */
static void read_limits(const char *prefix, char got[RUNTIMES][NLIMITS][64])
{
	for (int i = 0; i < RUNTIMES; i++) {
		char name[64];

		snprintf(name, sizeof(name), "%s-%s", prefix, runtimes[i]);
		for (size_t k = 0; k < NLIMITS; k++)
			cg_read(name, limit_files[k].ctrl, limit_files[k].file, got[i][k],
				sizeof(got[i][k]));
	}
	for (size_t k = 0; k < NLIMITS; k++)
		ck_assert_msg(!strcmp(got[0][k], got[1][k]), "%s: eci has %s, runc %s",
			      limit_files[k].file, got[0][k], got[1][k]);
}

/* docker VERB lim-RT, which must be done within 20 seconds. */
static void fast(const char *verb, const char *rt)
{
	struct run_result r;

	shf(&r, "timeout 20 docker %s lim-%s", verb, rt);
	ck_assert_msg(r.status == 0, "docker %s under --runtime %s: exit %d (124: no answer in 20 "
		      "seconds): %s", verb, rt, r.status, r.err);
	t_run_free(&r);
}

static void freezer_is(const char *rt, const char *state)
{
	char name[64], got[64];

	snprintf(name, sizeof(name), "lim-%s", rt);
	cg_read(name, "freezer", "freezer.state", got, sizeof(got));
	ck_assert_msg(!strcmp(got, state), "--runtime %s: freezer.state %s, want %s", rt, got, state);
}

/* --cpus, --cpu-shares, --cpuset-cpus, --memory, --memory-reservation,
 * --pids-limit; then docker update of them; pause and unpause (under a
 * timeout each); then all removed. */
START_TEST(cgroup_limits_update_pause_as_runc)
{
	static char got[RUNTIMES][NLIMITS][64];
	char id[128], path[512];

	for (int i = 0; i < RUNTIMES; i++) {
		expectf(0, NULL, NULL, "rm -f lim-%s", runtimes[i]);
		expectf(0, NULL, NULL, "run -d --name lim-%s --runtime %s --network none --cpus 0.5 "
			"--cpu-shares 512 --cpuset-cpus 0 --memory 64m --memory-reservation 32m "
			"--pids-limit 50 " IMG " sleep 300", runtimes[i], runtimes[i]);
	}
	read_limits("lim", got);
	ck_assert_str_eq(got[0][0], "50000");
	ck_assert_str_eq(got[0][3], "0");
	ck_assert_str_eq(got[0][5], "67108864");
	ck_assert_str_eq(got[0][8], "50");
	for (int i = 0; i < RUNTIMES; i++)
		expectf(0, NULL, NULL, "update --memory 100m --memory-swap 200m --cpus 1.5 "
			"--cpu-shares 256 --pids-limit 77 lim-%s", runtimes[i]);
	read_limits("lim", got);
	ck_assert_str_eq(got[0][0], "150000");
	ck_assert_str_eq(got[0][5], "104857600");
	ck_assert_str_eq(got[0][8], "77");
	for (int i = 0; i < RUNTIMES; i++) {
		expectf(0, NULL, NULL, "exec lim-%s true", runtimes[i]);
		fast("pause", runtimes[i]);
		expectf(0, "true", NULL, "inspect -f '{{.State.Paused}}' lim-%s", runtimes[i]);
		freezer_is(runtimes[i], "FROZEN");
		fast("unpause", runtimes[i]);
		freezer_is(runtimes[i], "THAWED");
		expectf(0, "in-again", NULL, "exec lim-%s echo in-again", runtimes[i]);
		/* paused, then removed: the kill must reach frozen processes */
		fast("pause", runtimes[i]);
		id_of(i ? "lim-runc" : "lim-eci", id, sizeof(id));
		fast("rm -f", runtimes[i]);
		snprintf(path, sizeof(path), "/sys/fs/cgroup/freezer/docker/%s", id);
		for (int t = 0; t < 40 && access(path, F_OK) == 0; t++)
			usleep(50 * 1000);
		ck_assert_msg(access(path, F_OK) != 0, "--runtime %s: %s is left", runtimes[i], path);
	}
}
END_TEST

/* --- sysctls, tmpfs ------------------------------------------------------------ */

/* Namespaced sysctls, in the container's namespaces only: the host's stay. */
START_TEST(sysctls_as_runc)
{
	static const char *const host[] = { "/proc/sys/kernel/shmmax",
					     "/proc/sys/net/ipv4/ip_unprivileged_port_start",
					     "/proc/sys/fs/mqueue/msg_max" };
	char *before[3], *after, *out;

	for (size_t i = 0; i < 3; i++)
		ck_assert_int_eq(read_all_at(AT_FDCWD, host[i], 256, &before[i], NULL), 0);
	out = same("--sysctl net.ipv4.ip_unprivileged_port_start=80 --sysctl kernel.shmmax=1000000 "
		   "--sysctl fs.mqueue.msg_max=20 --sysctl kernel.shm_rmid_forced=1 "
		   "--sysctl net.ipv4.tcp_syncookies=0",
		   "cat /proc/sys/net/ipv4/ip_unprivileged_port_start /proc/sys/kernel/shmmax "
		   "/proc/sys/fs/mqueue/msg_max /proc/sys/kernel/shm_rmid_forced "
		   "/proc/sys/net/ipv4/tcp_syncookies");
	ck_assert_str_eq(out, "80\n1000000\n20\n1\n0\n");
	free(out);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(read_all_at(AT_FDCWD, host[i], 256, &after, NULL), 0);
		ck_assert_msg(!strcmp(before[i], after), "the host's %s changed", host[i]);
		free(after);
		free(before[i]);
	}
	/* Docker's default: every group of the container may ping (runc: of the host). */
	expect("run --rm --runtime eci --network none " IMG " cat /proc/sys/net/ipv4/ping_group_range",
	       0, "0\t65535", NULL);
}
END_TEST

/* --tmpfs size= and mode=, exec when asked; --shm-size. */
START_TEST(tmpfs_options_as_runc)
{
	char *out = same("--tmpfs /t:size=1m,mode=1777 --tmpfs /x:size=2m,mode=0710,exec "
			 "--shm-size 16m",
			 "df -k /t /x /dev/shm | awk \"NR>1 {print \\$2}\"; stat -c %a /t /x; "
			 "printf \"#!/bin/sh\\necho ran\\n\" > /x/s; chmod +x /x/s; /x/s; "
			 "cp /x/s /t/s; /t/s 2>/dev/null || echo noexec");

	ck_assert_str_eq(out, "1024\n2048\n16384\n1777\n710\nran\nnoexec\n");
	free(out);
}
END_TEST

/* --- verbs --------------------------------------------------------------------- */

/* features names what is applied: the verbs and fields added here. */
START_TEST(features_lists_what_is_applied)
{
	char bin[4096], cmd[4200];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "exec '%s' features", t_bin("eci-runc", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_msg(strstr(r.out, "\"hooks\": [\n    \"prestart\",\n    \"createRuntime\"\n  ]"),
		      "%s", r.out);
	for (const char *const *w = (const char *const[]){
		     "\"v1\": true", "\"v2\": true", "\"systemd\": false",
		     "pause,resume,update", "rlimits", "user.additionalGids", "capabilities.ambient",
		     "oomScoreAdj", "cpu.quota", "cpu.cpus", "pids.limit", "net.*", "fs.mqueue.*",
		     "\"CAP_SYS_ADMIN\"", "\"strictatime\"", NULL };
	     *w; w++)
		ck_assert_msg(strstr(r.out, *w), "features lacks %s:\n%s", *w, r.out);
	t_run_free(&r);
}
END_TEST

Suite *spec_suite(void)
{
	Suite *s = suite_create("engine spec");
	TCase *tc = tcase_create("config.json as runc applies it");

	tcase_set_timeout(tc, 600);
	tcase_add_test(tc, ulimits_as_runc);
	tcase_add_test(tc, groups_as_runc);
	tcase_add_test(tc, process_fields_as_runc);
	tcase_add_test(tc, cgroup_limits_update_pause_as_runc);
	tcase_add_test(tc, sysctls_as_runc);
	tcase_add_test(tc, tmpfs_options_as_runc);
	tcase_add_test(tc, features_lists_what_is_applied);
	suite_add_tcase(s, tc);
	return s;
}
