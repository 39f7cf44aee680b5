// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_keepid.c - eci-run --userns keep-id, as a user: the user's own uid
 * and gid inside, what the container writes in a directory of the user's
 * is the user's on the host, container root still the slot's first id (a
 * file it writes, its maps seen from the host), exec and ps, the flag's and
 * the helper's refusals (a request for ids that are not the caller's), and
 * the slot kept exclusive by the leases and the scan while the user's own
 * uid is mapped.
 */
#include <fcntl.h>
#include <jansson.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* A directory of the user's, for -v; @dir receives its path. */
static void user_dir(char dir[64])
{
	snprintf(dir, 64, "/tmp/eci-t-keepid.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void owner_is(const char *dir, const char *file, uid_t uid, gid_t gid)
{
	char path[256];
	struct stat st;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ck_assert_msg(lstat(path, &st) == 0, "%s is missing", path);
	ck_assert_msg(st.st_uid == uid && st.st_gid == gid, "%s is %u:%u, not %u:%u", path,
		      (unsigned)st.st_uid, (unsigned)st.st_gid, (unsigned)uid, (unsigned)gid);
}

/* The container's record in ps --format json (json_decref it). */
static json_t *ps_record(const char *name)
{
	struct run_result r;
	json_t *all, *found = NULL, *m;
	size_t i;

	T_ECI(&r, "ps", "--format", "json");
	t_want(&r, 0);
	all = json_loads(r.out, 0, NULL);
	ck_assert_msg(json_is_array(all), "ps --format json: %s", r.out);
	json_array_foreach(all, i, m)
		if (!strcmp(json_string_value(json_object_get(m, "name")) ?: "", name))
			found = json_incref(m);
	json_decref(all);
	ck_assert_msg(found, "%s is not in: %s", name, r.out);
	t_run_free(&r);
	return found;
}

static void stop(const char *name)
{
	struct run_result r;

	T_ECI(&r, "stop", "-t", "1", name);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "rm", name);
	t_run_free(&r);
}

/* Is @start the first id of one of the account's slots? */
static bool slot_start(unsigned long long start)
{
	struct subid_range r[SUBID_MAX_RANGES];
	size_t n = ns_my_ranges(r);

	for (size_t i = 0; i < subid_slot_count(r, n); i++) {
		uint32_t s;

		if (subid_slot(r, n, i, &s, NULL) == 0 && s == start)
			return true;
	}
	return false;
}

/* The acceptance line of the issue: a file written in the user's own
 * directory is the user's on the host, and the workload is the user. */
START_TEST(writes_as_the_user)
{
	char dir[64], vol[128], want[64];
	struct run_result r;

	user_dir(dir);
	snprintf(vol, sizeof(vol), "%s:/src", dir);
	T_ECI(&r, "--userns", "keep-id", "-v", vol, "-w", "/src", "default", "sh", "-c",
	      "id -u; id -g; touch out.txt && mkdir sub && echo hi > sub/f");
	t_want(&r, 0);
	snprintf(want, sizeof(want), "%u\n%u\n", (unsigned)getuid(), (unsigned)getgid());
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
	owner_is(dir, "out.txt", getuid(), getgid());
	owner_is(dir, "sub", getuid(), getgid());
	owner_is(dir, "sub/f", getuid(), getgid());
	/* Without keep-id the user's files are nobody's inside, as before. */
	ck_assert_int_eq(chmod(dir, 0755), 0);
	T_ECI(&r, "-v", vol, "default", "sh", "-c", "stat -c %u /src/out.txt; touch /src/x");
	t_want(&r, 1);
	ck_assert_str_eq(r.out, "65534\n");
	t_has(r.err, "Permission denied");
	t_run_free(&r);
	t_rm_rf(dir);
}
END_TEST

/*
 * Container root stays the slot's first id: its file in the user's
 * directory lands as that id on the host, and pid 1's maps, read from the
 * host, are the slot's with only the user's own ids kept.  exec runs as
 * the user by default, as the workload does; ps says keep-id.
 */
START_TEST(root_stays_subordinate)
{
	char dir[64], vol[128], path[128], want[64];
	unsigned long long slot, init, in, out, count;
	unsigned long long u = getuid();
	struct run_result r;
	char *map = NULL;
	json_t *m;
	struct stat st;

	user_dir(dir);
	snprintf(vol, sizeof(vol), "%s:/src", dir);
	T_ECI(&r, "-d", "--name", "eci-t-keepid", "--userns", "keep-id", "-v", vol, "default",
	      "sleep", "60");
	t_want(&r, 0);
	t_run_free(&r);
	m = ps_record("eci-t-keepid");
	ck_assert_str_eq(json_string_value(json_object_get(m, "userns")), "keep-id");
	slot = (unsigned long long)json_integer_value(json_object_get(m, "uid_start"));
	init = (unsigned long long)json_integer_value(json_object_get(m, "init"));
	json_decref(m);
	ck_assert_msg(slot_start(slot), "uid_start %llu is not a slot of the account", slot);

	T_ECI(&r, "exec", "eci-t-keepid", "sh", "-c", "id -u; touch /src/user.txt");
	t_want(&r, 0);
	snprintf(want, sizeof(want), "%llu\n", u);
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
	owner_is(dir, "user.txt", getuid(), getgid());
	T_ECI(&r, "exec", "-u", "0", "eci-t-keepid", "sh", "-c", "id -u; touch /src/root.txt");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
	snprintf(path, sizeof(path), "%s/root.txt", dir);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, slot);
	ck_assert_uint_ne(st.st_uid, getuid());
	ck_assert_uint_ne(st.st_uid, 0);

	/* pid 1's uid_map from the host: "0 SLOT U", "U U 1", "U+1 SLOT+U+1 65535-U" */
	snprintf(path, sizeof(path), "/proc/%llu/uid_map", init);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%llu %llu %llu", &in, &out, &count), 3);
	ck_assert_msg(in == 0 && out == slot && count == u, "%s", map);
	ck_assert_int_eq(sscanf(strchr(map, '\n') + 1, "%llu %llu %llu", &in, &out, &count), 3);
	ck_assert_msg(in == u && out == u && count == 1, "%s", map);
	ck_assert_int_eq(sscanf(strchr(strchr(map, '\n') + 1, '\n') + 1, "%llu %llu %llu", &in, &out,
				&count), 3);
	ck_assert_msg(in == u + 1 && out == slot + u + 1 && count == 65535 - u, "%s", map);
	free(map);

	T_ECI(&r, "ps");
	t_want(&r, 0);
	t_has(r.out, "USERNS");
	t_has(r.out, "keep-id");
	t_run_free(&r);
	stop("eci-t-keepid");
	t_rm_rf(dir);
}
END_TEST

/* -u still chooses; the image's own user and root stay reachable. */
START_TEST(user_flag_wins)
{
	struct run_result r;

	T_ECI(&r, "--userns", "keep-id", "-u", "0", "default", "id", "-u");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "0\n");
	t_run_free(&r);
	T_ECI(&r, "--userns", "keep-id", "-u", "nobody", "default", "id", "-un");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "nobody\n");
	t_run_free(&r);
}
END_TEST

START_TEST(flag_refused)
{
	struct run_result r;

	T_ECI(&r, "--userns", "host", "default", "true");
	t_want(&r, 125);
	t_has(r.err, "--userns host: eci knows only keep-id");
	t_run_free(&r);
	T_ECI(&r, "--userns=keep-id:uid=5", "default", "true");
	t_want(&r, 125);
	t_has(r.err, "--userns keep-id:uid=5: eci knows only keep-id");
	t_run_free(&r);
	T_ECI(&r, "--userns");
	t_want(&r, 125);
	t_has(r.err, "flag --userns needs a value");
	t_run_free(&r);
}
END_TEST

/* A child in a new, unmapped user namespace, waiting on @p[0]. */
static pid_t unmapped_child(int p[2])
{
	pid_t c;

	ck_assert_int_eq(pipe(p), 0);
	c = fork();
	if (c == 0) {
		char x;

		close(p[1]);
		if (unshare(CLONE_NEWUSER) < 0)
			_exit(1);
		if (read(p[0], &x, 1) < 0)
			_exit(1);
		_exit(0);
	}
	close(p[0]);
	usleep(100000);
	return c;
}

/*
 * The helper is asked for keep-id by hand, for ids that are not the
 * caller's: refused (100, the reason and the caller's real ids), and the
 * child's maps stay unwritten.  Its own ids are mapped.
 */
START_TEST(helper_forged_request)
{
	char bin[4096], pid[16], other[32], mine[32], words[256], *map = NULL, path[64];
	char *argv[] = { (char *)t_helper(bin, sizeof(bin)), (char *)"--keep-id", other, pid, NULL };
	static const char *const bad[][2] = {
		{ "0:0", "keep-id maps only your own uid and gid" },
		{ "junk", "expected UID:GID" },
		{ "1000", "expected UID:GID" },
	};
	struct run_result r;
	int p[2];
	pid_t c = unmapped_child(p);

	snprintf(pid, sizeof(pid), "%d", (int)c);
	snprintf(other, sizeof(other), "%u:%u", (unsigned)getuid() + 1, (unsigned)getgid());
	snprintf(words, sizeof(words), "--keep-id %s: keep-id maps only your own uid and gid "
		 "(you are uid %u, gid %u)", other, (unsigned)getuid(), (unsigned)getgid());
	ck_assert_int_eq(t_run(argv, &r), 0);
	t_want(&r, 100);
	t_has(r.err, words);
	t_run_free(&r);
	snprintf(other, sizeof(other), "%u:%u", (unsigned)getuid(), (unsigned)getgid() + 1);
	ck_assert_int_eq(t_run(argv, &r), 0);
	t_want(&r, 100);
	t_has(r.err, "keep-id maps only your own uid and gid");
	t_run_free(&r);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		snprintf(other, sizeof(other), "%s", bad[i][0]);
		ck_assert_int_eq(t_run(argv, &r), 0);
		t_want(&r, 100);
		t_has(r.err, bad[i][1]);
		t_run_free(&r);
	}
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)c);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_str_eq(map, "");
	free(map);

	/* The same request, the caller's own ids: mapped, the user's uid kept. */
	snprintf(mine, sizeof(mine), "%u:%u", (unsigned)getuid(), (unsigned)getgid());
	argv[2] = mine;
	ck_assert_int_eq(t_run(argv, &r), 0);
	t_want(&r, 0);
	t_has(r.out, "uid:");
	t_run_free(&r);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	snprintf(words, sizeof(words), "%10u %10u %10u", (unsigned)getuid(), (unsigned)getuid(), 1);
	t_has(map, words);
	free(map);
	close(p[1]);
	waitpid(c, NULL, 0);
}
END_TEST

/* As eci-run starts it: --keep-id before --stdin, forged the same way. */
START_TEST(helper_forged_stdin)
{
	char bin[4096], cmd[8300];
	struct run_result r;
	int p[2];
	pid_t c = unmapped_child(p);

	snprintf(cmd, sizeof(cmd), "echo %d | '%s' --keep-id %u:%u --stdin", (int)c,
		 t_helper(bin, sizeof(bin)), (unsigned)getuid() + 7, (unsigned)getgid());
	t_host_sh(cmd, &r);
	t_want(&r, 100);
	t_has(r.err, "keep-id maps only your own uid and gid");
	t_run_free(&r);
	/* given twice: the usage, not the second one */
	snprintf(cmd, sizeof(cmd), "'%s' --keep-id %u:%u --keep-id 1:1 %d", bin, (unsigned)getuid(),
		 (unsigned)getgid(), (int)c);
	t_host_sh(cmd, &r);
	t_want(&r, 100);
	t_has(r.err, "usage: eci-newidmap [--prefer START[,START...]] [--keep-id UID:GID]");
	t_run_free(&r);
	close(p[1]);
	waitpid(c, NULL, 0);
}
END_TEST

/*
 * The slot stays exclusive.  While a keep-id container runs (its workload
 * as the user, whose uid is in no slot), its lease holds its slot: other
 * containers, keep-id or not, get other slots.  Once it is gone, the
 * user's own processes (this test among them, all of the user's uid) do
 * not make the slot look busy: every slot of the account can be taken at
 * once again.
 */
START_TEST(slot_stays_exclusive)
{
	size_t slots = ns_my_slots();
	long long held, other;
	struct run_result r;
	char name[48];
	json_t *m;

	T_ECI(&r, "-d", "--name", "eci-t-keep-a", "--userns", "keep-id", "default", "sleep", "60");
	t_want(&r, 0);
	t_run_free(&r);
	m = ps_record("eci-t-keep-a");
	held = json_integer_value(json_object_get(m, "uid_start"));
	json_decref(m);
	for (int k = 0; k < 2; k++) {
		snprintf(name, sizeof(name), "eci-t-keep-b%d", k);
		if (k)
			T_ECI(&r, "-d", "--name", name, "--userns", "keep-id", "default", "sleep", "60");
		else
			T_ECI(&r, "-d", "--name", name, "default", "sleep", "60");
		t_want(&r, 0);
		t_run_free(&r);
		m = ps_record(name);
		other = json_integer_value(json_object_get(m, "uid_start"));
		json_decref(m);
		ck_assert_msg(other != held, "%s got the slot %lld of a running keep-id container",
			      name, held);
		stop(name);
	}
	stop("eci-t-keep-a");
	for (size_t k = 0; k < slots; k++) {
		snprintf(name, sizeof(name), "eci-t-keep-c%zu", k);
		if (k % 2)
			T_ECI(&r, "-d", "--name", name, "--userns", "keep-id", "default", "sleep", "60");
		else
			T_ECI(&r, "-d", "--name", name, "default", "sleep", "60");
		t_want(&r, 0);
		t_run_free(&r);
	}
	for (size_t k = 0; k < slots; k++) {
		snprintf(name, sizeof(name), "eci-t-keep-c%zu", k);
		stop(name);
	}
}
END_TEST

/*
 * An image's file of the user's own uid and gid, unpacked by a keep-id
 * container into the user's store, is the user's there: it keeps no
 * set-id bit, so that nobody who reaches the store gets the user's ids.
 * Root's set-uid file keeps its bit: root inside is the slot's first id.
 */
START_TEST(unpacked_setid_dropped)
{
	char scratch[] = "/tmp/eci-t-keepimg.XXXXXX", cmd[8192], want[128], bin[4096];
	char path[8192], slots[64];
	struct run_result r;
	struct stat st;

	ck_assert_ptr_nonnull(mkdtemp(scratch));
	snprintf(cmd, sizeof(cmd), "sh '%s/t/images/mkimage.sh' %s/img k%d && mkdir %s/data",
		 t_prefix(), scratch, (int)getpid(), scratch);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "XDG_DATA_HOME=%s/data '%s' --userns keep-id %s/img/keepid "
		 "stat -c '%%a %%u %%g' /setid /rootsuid", scratch,
		 t_bin("eci-run", bin, sizeof(bin)), scratch);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	snprintf(want, sizeof(want), "755 %u %u\n4755 0 0\n", (unsigned)getuid(), (unsigned)getgid());
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
	/* in the store, on the host */
	snprintf(cmd, sizeof(cmd), "ls -d %s/data/eci/slots/[0-9]*/layers/*/setid", scratch);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	snprintf(path, sizeof(path), "%.*s", (int)strcspn(r.out, "\n"), r.out);
	t_run_free(&r);
	ck_assert_int_eq(lstat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	ck_assert_uint_eq(st.st_gid, getgid());
	ck_assert_uint_eq(st.st_mode & 07777, 0755);
	/* the slot's copy is its container root's: a container of that slot
	 * removes it (subids.c), the account the rest */
	snprintf(slots, sizeof(slots), "%s/data/eci/slots", scratch);
	ns_slots_clear(slots, "*", 5);
	snprintf(cmd, sizeof(cmd), "chmod -R u+rwX %s/data 2>/dev/null; rm -rf %s", scratch, scratch);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	t_run_free(&r);
}
END_TEST

Suite *keepid_suite(void)
{
	Suite *s = suite_create("keepid");
	TCase *tc = tcase_create("keep-id");

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, writes_as_the_user);
	tcase_add_test(tc, root_stays_subordinate);
	tcase_add_test(tc, user_flag_wins);
	tcase_add_test(tc, flag_refused);
	tcase_add_test(tc, helper_forged_request);
	tcase_add_test(tc, helper_forged_stdin);
	tcase_add_test(tc, unpacked_setid_dropped);
	if (ns_my_slots() >= 2 && ns_my_slots() <= 8)
		tcase_add_test(tc, slot_stays_exclusive);
	else
		test_skip("slot_stays_exclusive", "the account needs 2 to 8 slots (it takes them all)");
	suite_add_tcase(s, tc);
	return s;
}
