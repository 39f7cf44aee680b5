// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_idfile.c - subid_file_load()'s refusals of /etc/subuid-like files:
 * each must return SUBID_DENIED (eci-newidmap exits 100) or, for a system
 * error, another negative value (exit 111), with a message that says the
 * words a user needs; a line skipped is said through eci_warn().
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "err.h"
#include "subid.h"
#include "tap.h"
#include "unit.h"
#include "util.h"

static char file[64];
static char warned[4096];

static void keep_warning(const char *msg)
{
	size_t n = strlen(warned);

	snprintf(warned + n, sizeof(warned) - n, "%s\n", msg);
}

/* Load @path as ecitest's /etc/subuid: @want (SUBID_DENIED, or -1 for any
 * failure), and every word in the message or the warnings.  The file of
 * make_file() is removed then. */
static void load(const char *path, int want, const char *a, const char *b)
{
	struct subid_user u = { .uid = 4242, .gid = 4242, .name = "ecitest" };
	struct subid_file f;
	struct eci_err e = { 0 };
	const char *words[] = { a, b };
	char said[sizeof(warned) + ECI_ERR_MSG];
	int r;

	eci_warn_hook = keep_warning;
	r = subid_file_load(&f, path, 'u', &u, &e);
	ck_assert_msg(want == SUBID_DENIED ? r == SUBID_DENIED : r < 0 && !subid_refused(r),
		      "%s: returned %d: %s", path, r, e.msg);
	snprintf(said, sizeof(said), "%s%s", warned, e.msg);
	for (int i = 0; i < 2; i++)
		ck_assert_msg(!words[i] || strstr(said, words[i]), "message lacks '%s': %s",
			      words[i], said);
	if (path == file)
		unlink(file);
}

/* A file with these contents, owned by us, mode @mode. */
static const char *make_file(const char *text, mode_t mode)
{
	int fd;

	snprintf(file, sizeof(file), "/tmp/eci-t-subuid.XXXXXX");
	fd = mkstemp(file);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, text, strlen(text)), 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
	return file;
}

START_TEST(missing)
{
	load("/nonexistent/subuid", SUBID_DENIED, "/nonexistent/subuid does not exist",
	     "usermod --add-sub");
}
END_TEST

START_TEST(symlink_refused)
{
	static char link[64];

	snprintf(link, sizeof(link), "%s.link", make_file("ecitest:100000:65536\n", 0644));
	ck_assert_int_eq(symlink(file, link), 0);
	load(link, SUBID_DENIED, "is a symlink: not trusted", link);
	unlink(link);
	unlink(file);
}
END_TEST

START_TEST(directory_refused)
{
	load("/tmp", SUBID_DENIED, "/tmp is not trusted", "regular file owned by root");
}
END_TEST

START_TEST(writable_by_others)
{
	load(make_file("ecitest:100000:65536\n", 0664), SUBID_DENIED, " is not trusted",
	     "writable only by root");
}
END_TEST

START_TEST(not_owned_by_root)
{
	const char *p = make_file("ecitest:100000:65536\n", 0644);

	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	load(p, SUBID_DENIED, " is not trusted", p);
}
END_TEST

START_TEST(too_large)
{
	const char *p = make_file("ecitest:100000:65536\n", 0644);

	ck_assert_int_eq(truncate(p, SUBID_MAX_FILE + 1), 0);
	load(p, SUBID_DENIED, "is larger than 16777216 bytes", p);
}
END_TEST

START_TEST(no_entry)
{
	load(make_file("# ranges\nalice:100000:65536\necitest1:165536:65536\n", 0644),
	     SUBID_DENIED, "no usable entry for ecitest (uid 4242) in", "usermod --add-subuids");
}
END_TEST

START_TEST(range_too_small)
{
	load(make_file("ecitest:100000:65535\n", 0644), SUBID_DENIED, "hold fewer than 65536 ids",
	     "line 1");
}
END_TEST

/* Every line of the caller's is unsafe: each is named, then the refusal. */
START_TEST(only_unsafe_lines)
{
	load(make_file("ecitest:0:65536\necitest:4200:65536\necitest:x:1\n", 0644), SUBID_DENIED,
	     "line 2 skipped: range contains the user's own id", "no usable entry for ecitest");
	ck_assert_ptr_nonnull(strstr(warned, "line 1 skipped: range contains id 0"));
	ck_assert_ptr_nonnull(strstr(warned, "line 3 skipped: malformed line"));
}
END_TEST

/* A read error is a system error (111), not a refusal. */
START_TEST(read_error)
{
	if (geteuid() == 0)
		load("/proc/self/mem", -1, "read /proc/self/mem", "Input/output error");
	else
		load("/etc/shadow", -1, "open /etc/shadow", "Permission denied");
}
END_TEST

START_TEST(good_file)
{
	const char *p = make_file("ecitest:100000:65536\nbob:1:2\n4242:300000:131072\n", 0644);
	struct subid_user u = { .uid = 4242, .gid = 4242, .name = "ecitest" };
	struct eci_err e = { 0 };
	struct subid_file f;

	ck_assert_int_eq(subid_file_load(&f, p, 'u', &u, &e), 0);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.first_line, 1);
	ck_assert_uint_eq(subid_slot_count(f.r, f.n), 3);
	unlink(p);
}
END_TEST

/* The name eci-run looks up for its own check, as the helper finds it. */
static const char *name_of(const char *passwd, uid_t uid, size_t size)
{
	static char name[64];

	return subid_passwd_name(passwd, strlen(passwd), uid, name, size) ? name : NULL;
}

START_TEST(passwd_name)
{
	const char *pw = "root:x:0:0:root:/root:/bin/bash\n"
			 "# ecitest:x:4242:4242::/:/bin/sh\n"
			 "+nis:x:4242:4242::/:/bin/sh\n"
			 "-nis:x:4242:4242::/:/bin/sh\n"
			 ":x:4242:4242::/:/bin/sh\n"
			 "short:x:4242\n"
			 "bad:x:42x42:4242::/:/bin/sh\n"
			 "big:x:99999999999:0::/:/bin/sh\n"
			 "ecitest:x:4242:4242::/home/ecitest:/bin/sh\n"
			 "again:x:4242:4242::/:/bin/sh\n"
			 "last:x:77:77::/:/bin/sh";

	ck_assert_str_eq(name_of(pw, 0, 64), "root");
	/* the first line of the uid that names a user: not a comment, not
	 * NIS's, not one without a name or with a field short or malformed */
	ck_assert_str_eq(name_of(pw, 4242, 64), "ecitest");
	ck_assert_str_eq(name_of(pw, 77, 64), "last");	/* no newline at the end */
	ck_assert_ptr_null(name_of(pw, 4243, 64));
	/* "ecitest" and its NUL need 8: no name, not the next line's */
	ck_assert_ptr_null(name_of(pw, 4242, 7));
	ck_assert_str_eq(name_of(pw, 4242, 8), "ecitest");
	ck_assert_ptr_null(name_of("", 0, 64));
	/* a NUL byte in a name: not a name */
	ck_assert(!subid_passwd_name("ro\0t:x:0:0::/:/bin/sh\n", 22, 0, (char[64]){ 0 }, 64));
}
END_TEST

Suite *idfile_suite(void)
{
	Suite *s = suite_create("idfile");
	TCase *tc = tcase_create("subordinate id files");
	bool root = geteuid() == 0;

	tcase_add_test(tc, missing);
	tcase_add_test(tc, symlink_refused);
	tcase_add_test(tc, directory_refused);
	tcase_add_test(tc, writable_by_others);
	tcase_add_test(tc, read_error);
	tcase_add_test(tc, passwd_name);
	if (!root) {
		const char *why = "needs root to make a root-owned file";

		test_skip("not_owned_by_root", why);
		test_skip("too_large", why);
		test_skip("no_entry", why);
		test_skip("range_too_small", why);
		test_skip("only_unsafe_lines", why);
		test_skip("good_file", why);
	} else {
		tcase_add_test(tc, not_owned_by_root);
		tcase_add_test(tc, too_large);
		tcase_add_test(tc, no_entry);
		tcase_add_test(tc, range_too_small);
		tcase_add_test(tc, only_unsafe_lines);
		tcase_add_test(tc, good_file);
	}
	suite_add_tcase(s, tc);
	return s;
}
