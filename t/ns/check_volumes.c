// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_volumes.c - named volumes, eci-run volume, --mount, relative -v
 *
 * A volume is kept across runs with the owners its writers gave its files
 * (container root and a user inside), lives in the store owned by the
 * ids of one slot, is seen by a second container while the first runs (read-only
 * from another slot; writing from there is refused, naming the holder), and
 * goes away with volume rm, which refuses while a container uses it.  Every
 * refusal is checked by exit status and words.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <jansson.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* A volume name of this test process's own. */
static const char *vname(const char *what)
{
	static char buf[4][64];
	static int k;
	char *b = buf[k++ % 4];

	snprintf(b, 64, "ecit-%s-%d", what, (int)getpid());
	return b;
}

static void vol_rm(const char *name)
{
	struct run_result r;
	char line[128];

	T_ECI(&r, "volume", "rm", name);
	t_want(&r, 0);
	snprintf(line, sizeof(line), "%s\n", name);
	ck_assert_str_eq(r.out, line);
	t_run_free(&r);
}

/* The host path of its data, and the first host id of its slot. */
static json_t *inspect_one(const char *name)
{
	struct run_result r;
	json_t *j, *one;

	T_ECI(&r, "volume", "inspect", name);
	t_want(&r, 0);
	j = json_loads(r.out, 0, NULL);
	ck_assert_msg(json_is_array(j) && json_array_size(j) == 1, "%s", r.out);
	one = json_incref(json_array_get(j, 0));
	json_decref(j);
	t_run_free(&r);
	return one;
}

START_TEST(kept_across_runs)
{
	const char *v = vname("kept");
	char flag[128], mp[4200];
	struct subid_range first = ns_my_range();
	struct run_result r;
	struct stat st;
	json_t *j;

	snprintf(flag, sizeof(flag), "%s:/data", v);
	T_ECI(&r, "-v", flag, "default", "sh", "-c",
	      "echo root > /data/f && mkdir /data/u && chown 1000:1000 /data/u");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "-u", "1000:1000", "-v", flag, "default", "sh", "-c", "echo user > /data/u/g");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "-v", flag, "default", "sh", "-c",
	      "cat /data/f /data/u/g; stat -c '%u:%g %n' /data /data/f /data/u/g");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "root\nuser\n0:0 /data\n0:0 /data/f\n1000:1000 /data/u/g\n");
	t_run_free(&r);
	/* On the host: a slot's ids, never the user's own. */
	j = inspect_one(v);
	ck_assert_str_eq(json_string_value(json_object_get(j, "Name")), v);
	ck_assert_str_eq(json_string_value(json_object_get(j, "Driver")), "local");
	snprintf(mp, sizeof(mp), "%s", json_string_value(json_object_get(j, "Mountpoint")));
	ck_assert_int_eq(stat(mp, &st), 0);
	ck_assert_int_eq(st.st_uid, json_integer_value(json_object_get(j, "UidStart")));
	ck_assert_int_ne(st.st_uid, getuid());
	ck_assert_uint_ge(st.st_uid, first.start);
	ck_assert_uint_eq((st.st_uid - first.start) % 65536, 0);
	json_decref(j);
	vol_rm(v);
	ck_assert_int_eq(stat(mp, &st), -1);
	T_ECI(&r, "volume", "inspect", v);
	t_want(&r, 125);
	t_has(r.err, "no such volume");
	t_run_free(&r);
}
END_TEST

/*
 * A run right after another with the same volume gets its slot, though the
 * first one's pid 1 is still being torn down: here it holds 2000 mounts of
 * the workload's, whose removal outlasts the launcher.  The start waits for
 * the slot that owns the volume; it used to take another slot and refuse.
 */
START_TEST(next_run_waits_for_the_owner_slot)
{
	const char *v = vname("next");
	char flag[128];
	struct run_result r;

	snprintf(flag, sizeof(flag), "%s:/data", v);
	for (int round = 0; round < 3; round++) {
		T_ECI(&r, "--privileged", "-v", flag, "default", "sh", "-c",
		      "mkdir -p /tmp/m && mount -t tmpfs t /tmp/m && i=0 && "
		      "while [ $i -lt 2000 ]; do mount --bind /tmp/m /tmp/m || exit 9; i=$((i+1)); done; "
		      "echo first > /data/f");
		t_want(&r, 0);
		t_run_free(&r);
		T_ECI(&r, "-v", flag, "default", "cat", "/data/f");
		t_want(&r, 0);
		ck_assert_str_eq(r.out, "first\n");
		t_run_free(&r);
	}
	vol_rm(v);
}
END_TEST

/* Two containers at once: the same data; writing from a second slot refused. */
START_TEST(shared_while_running)
{
	const char *v = vname("shared"), *name = vname("holder");
	char flag[128], ro[128], want[256];
	struct run_result r;

	snprintf(flag, sizeof(flag), "%s:/v", v);
	snprintf(ro, sizeof(ro), "%s:/v:ro", v);
	T_ECI(&r, "-d", "--name", name, "-v", flag, "default", "sh", "-c",
	      "echo live > /v/live.tmp && mv /v/live.tmp /v/live && exec sleep 600");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "-v", ro, "default", "sh", "-c",
	      "while [ ! -e /v/live ]; do sleep 0.1; done; cat /v/live; "
	      "touch /v/x 2>/dev/null || echo read-only");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "live\nread-only\n");
	t_run_free(&r);
	T_ECI(&r, "-v", flag, "default", "echo", "started");
	t_want(&r, 125);
	t_lacks(r.out, "started");
	snprintf(want, sizeof(want), "-v %s: volume %s belongs to the ids of slot", flag, v);
	t_has(r.err, want);
	snprintf(want, sizeof(want), "which container %s holds now", name);
	t_has(r.err, want);
	t_run_free(&r);
	T_ECI(&r, "volume", "rm", v);
	t_want(&r, 125);
	snprintf(want, sizeof(want), "volume rm %s: the volume is in use by container %s (running)",
		 v, name);
	t_has(r.err, want);
	t_run_free(&r);
	T_ECI(&r, "stop", "-t", "1", name);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "rm", name);
	t_want(&r, 0);
	t_run_free(&r);
	/* The next container of the slot writes it again. */
	T_ECI(&r, "-v", flag, "default", "sh", "-c", "echo again >> /v/live && cat /v/live");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "live\nagain\n");
	t_run_free(&r);
	vol_rm(v);
}
END_TEST

START_TEST(cli)
{
	const char *v = vname("cli");
	char line[256];
	struct run_result r;

	T_ECI(&r, "volume", "create", v);
	t_want(&r, 0);
	snprintf(line, sizeof(line), "%s\n", v);
	ck_assert_str_eq(r.out, line);
	t_run_free(&r);
	T_ECI(&r, "volume", "create", v);	/* docker: the existing one */
	t_want(&r, 0);
	ck_assert_str_eq(r.out, line);
	t_run_free(&r);
	T_ECI(&r, "volume", "ls");
	t_want(&r, 0);
	ck_assert_msg(!strncmp(r.out, "DRIVER    VOLUME NAME\n", 22), "%s", r.out);
	snprintf(line, sizeof(line), "\nlocal     %s\n", v);
	t_has(r.out, line);
	t_run_free(&r);
	T_ECI(&r, "volume", "ls", "-q");
	t_want(&r, 0);
	snprintf(line, sizeof(line), "%s\n", v);
	t_has(r.out, line);
	t_lacks(r.out, "DRIVER");
	t_run_free(&r);
	T_ECI(&r, "volume", "inspect", v);
	t_want(&r, 0);
	t_has(r.out, "[\n    {\n        \"CreatedAt\": \"");
	t_has(r.out, "\"Scope\": \"local\"");
	t_has(r.out, "\"UidStart\": null");	/* no container has used it yet */
	t_run_free(&r);
	T_ECI(&r, "volume", "create");	/* a random name */
	t_want(&r, 0);
	ck_assert_uint_eq(strlen(r.out), 65);
	ck_assert_uint_eq(strspn(r.out, "0123456789abcdef"), 64);
	r.out[64] = '\0';
	vol_rm(r.out);
	t_run_free(&r);
	vol_rm(v);
}
END_TEST

START_TEST(cli_refusals)
{
	static const char *const cases[][4] = {
		{ "create", "bad/name", "volume create bad/name: not a valid volume name", NULL },
		{ "create", "_x", "volume create _x: not a valid volume name", NULL },
		{ "create", "--driver", "nfs", "--driver nfs: only the local driver" },
		{ "rm", "ecit-nosuch", "volume rm ecit-nosuch: no such volume", NULL },
		{ "inspect", "ecit-nosuch", "volume inspect ecit-nosuch: no such volume", NULL },
		{ "ls", "--bogus", "volume ls: unknown flag --bogus", NULL },
		{ "prune", NULL, "volume: unknown command 'prune'", NULL },
	};
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *last = cases[i][3] ? cases[i][3] : cases[i][2];

		if (!cases[i][1])
			T_ECI(&r, "volume", cases[i][0]);
		else if (cases[i][3])
			T_ECI(&r, "volume", cases[i][0], cases[i][1], cases[i][2]);
		else
			T_ECI(&r, "volume", cases[i][0], cases[i][1]);
		t_want(&r, 125);
		t_has(r.err, last);
		t_run_free(&r);
	}
	T_ECI(&r, "volume", "rm", "-f", "ecit-nosuch");	/* -f: missing is fine */
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "volume", "--help");
	t_want(&r, 0);
	t_has(r.out, "usage: eci-run volume COMMAND");
	t_run_free(&r);
}
END_TEST

/* --mount: each type, as -v and --tmpfs would do it */
START_TEST(mount_types)
{
	const char *v = vname("mount");
	char dir[] = "/tmp/eci-t-mount.XXXXXX", flag[256], file[128];
	struct run_result r;
	char *text = NULL;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);	/* for the container's root */
	snprintf(flag, sizeof(flag), "type=bind,source=%s,target=/b", dir);
	T_ECI(&r, "--mount", flag, "default", "sh", "-c", "echo bound > /b/f; chmod 644 /b/f");
	t_want(&r, 0);
	t_run_free(&r);
	snprintf(file, sizeof(file), "%s/f", dir);
	ck_assert_int_eq(read_all_at(AT_FDCWD, file, 64, &text, NULL), 0);
	ck_assert_str_eq(text, "bound\n");
	free(text);
	snprintf(flag, sizeof(flag), "type=bind,src=%s,dst=/b,readonly", dir);
	T_ECI(&r, "--mount", flag, "default", "sh", "-c", "cat /b/f; touch /b/g");
	ck_assert_int_ne(r.status, 0);
	ck_assert_str_eq(r.out, "bound\n");
	t_has(r.err, "Read-only file system");
	t_run_free(&r);
	snprintf(flag, sizeof(flag), "type=volume,src=%s,destination=/v", v);
	T_ECI(&r, "--mount", flag, "default", "sh", "-c", "echo vol > /v/f");
	t_want(&r, 0);
	t_run_free(&r);
	snprintf(flag, sizeof(flag), "source=%s,target=/w,ro=true", v);	/* type: volume */
	T_ECI(&r, "--mount", flag, "default", "cat", "/w/f");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "vol\n");
	t_run_free(&r);
	T_ECI(&r, "--mount", "type=tmpfs,target=/t,tmpfs-size=1m,tmpfs-mode=1770", "default", "sh",
	      "-c", "grep ' /t ' /proc/mounts");
	t_want(&r, 0);
	t_has(r.out, "tmpfs rw,nosuid,nodev,noexec");
	t_has(r.out, "size=1024k,mode=1770");
	t_run_free(&r);
	vol_rm(v);
	t_rm_rf(dir);
}
END_TEST

/* Bad --mount and -v values: refused before anything is made, named. */
START_TEST(mount_refusals)
{
	static const char *const cases[][3] = {
		{ "--mount", "type=bind,src=/tmp,target=/x,bogus=1", "key 'bogus' is not supported" },
		{ "--mount", "type=bind,src=/tmp,target=/x,bind-propagation=shared",
		  "key 'bind-propagation' is not supported" },
		{ "--mount", "type=volume,src=v,target=/x,volume-opt=o=bind",
		  "key 'volume-opt' is not supported" },
		{ "--mount", "type=nfs,target=/x", "type 'nfs' is not supported" },
		{ "--mount", "type=bind,src=/tmp", "a target is needed" },
		{ "--mount", "type=bind,target=/x", "a source is needed (the host path)" },
		{ "--mount", "type=volume,target=/x", "eci has no anonymous volumes" },
		{ "--mount", "type=bind,src=name,target=/x", "source 'name' is not a path" },
		{ "--mount", "type=volume,src=/tmp,target=/x", "source '/tmp' is a path" },
		{ "--mount", "type=bind,src=/tmp,target=/x,tmpfs-size=1m",
		  "tmpfs-size is only for type=tmpfs" },
		{ "--mount", "type=tmpfs,src=/tmp,target=/x", "type=tmpfs takes no source" },
		{ "--mount", "type=tmpfs,target=/x,tmpfs-size=lots", "tmpfs-size=lots: expected" },
		{ "--mount", "type=tmpfs,target=/x,tmpfs-mode=999", "tmpfs-mode=999: expected" },
		{ "--mount", "type=bind,src=/tmp,target=/x,readonly=maybe", "expected true or false" },
		{ "--mount", "type=bind,src=/tmp,target=rel", "must be an absolute path" },
		{ "--mount", "type=bind,src=/nonexistent-eci,target=/x", "No such file or directory" },
		{ "-v", "a/b:/x", "neither a path (absolute, or starting with '.') nor a volume name" },
		{ "-v", "_bad:/x", "nor a volume name ([a-zA-Z0-9][a-zA-Z0-9_.-]*" },
		{ "-v", "/tmp:/x:q", "unknown option 'q' (ro, rw, z or Z)" },
		{ "-v", "./nonexistent-eci:/x", "No such file or directory" },
	};
	char head[256];
	struct run_result r;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		T_ECI(&r, cases[i][0], cases[i][1], "default", "echo", "started");
		t_want(&r, 125);
		t_lacks(r.out, "started");
		snprintf(head, sizeof(head), "eci-run: %s %s: ", cases[i][0], cases[i][1]);
		t_has(r.err, head);
		t_has(r.err, cases[i][2]);
		t_run_free(&r);
	}
}
END_TEST

/* -v ./DIR and :z, :Z as docker 23 and later take them */
START_TEST(relative_and_labels)
{
	char dir[] = "/tmp/eci-t-rel.XXXXXX", sub[64];
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0755), 0);
	snprintf(sub, sizeof(sub), "%s/sub", dir);
	ck_assert_int_eq(mkdir(sub, 0755), 0);
	ck_assert_int_eq(chmod(sub, 0755), 0);
	ck_assert_int_eq(chdir(dir), 0);	/* Check forks each test */
	T_ECI(&r, "-v", "./sub:/x:ro,z", "default", "sh", "-c", "ls -a /x; grep -c ' /x ' /proc/mounts");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, ".\n..\n1\n");
	t_run_free(&r);
	T_ECI(&r, "-v", ".:/x:Z", "default", "ls", "/x");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "sub\n");
	t_run_free(&r);
	ck_assert_int_eq(chdir("/"), 0);
	t_rm_rf(dir);
}
END_TEST

Suite *volumes_suite(void)
{
	Suite *s = suite_create("volumes");
	TCase *tc = tcase_create("volumes");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, kept_across_runs);
	tcase_add_test(tc, next_run_waits_for_the_owner_slot);
	tcase_add_test(tc, shared_while_running);
	tcase_add_test(tc, cli);
	tcase_add_test(tc, cli_refusals);
	tcase_add_test(tc, mount_types);
	tcase_add_test(tc, mount_refusals);
	tcase_add_test(tc, relative_and_labels);
	suite_add_tcase(s, tc);
	return s;
}
