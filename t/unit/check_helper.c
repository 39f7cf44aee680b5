// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_helper.c - eci-newidmap's refusals of /etc/subuid-like files, each
 * as a Check exit test: the exit code must be 100 (refused) or 111 (system
 * error), and an atexit() hook checks the message the helper printed, turning
 * a wrong message into exit 99.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helper.h"
#include "tap.h"
#include "unit.h"
#include "util.h"

static const char *want[4];
static int errfd = -1, real_stderr = -1;
static char file[64];

static void verify_message(void)
{
	char *msg = NULL;

	fflush(stderr);
	lseek(errfd, 0, SEEK_SET);
	if (read_fd_all(errfd, 1 << 16, &msg, NULL) < 0)
		_exit(98);
	for (int i = 0; i < 4 && want[i]; i++)
		if (!strstr(msg, want[i])) {
			dprintf(real_stderr, "message lacks '%s': %s\n", want[i], msg);
			_exit(99);
		}
	free(msg);
}

/* Capture stderr; at exit, every word must have been said. */
static void expect_message(const char *a, const char *b)
{
	want[0] = a;
	want[1] = b;
	errfd = memfd_create("stderr", MFD_CLOEXEC);
	real_stderr = dup(2);
	dup2(errfd, 2);
	atexit(verify_message);
}

static void load(const char *path)
{
	struct caller c = { .uid = 4242, .gid = 4242, .name = "ecitest" };
	struct idfile f;

	idfile_load(&f, path, 'u', &c, 4242);
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
	expect_message("/nonexistent/subuid does not exist", "usermod --add-sub");
	load("/nonexistent/subuid");
}
END_TEST

START_TEST(symlink_refused)
{
	static char link[64];

	snprintf(link, sizeof(link), "%s.link", make_file("ecitest:100000:65536\n", 0644));
	ck_assert_int_eq(symlink(file, link), 0);
	expect_message("is a symlink: not trusted", link);
	load(link);
}
END_TEST

START_TEST(directory_refused)
{
	expect_message("/tmp is not trusted", "regular file owned by root");
	load("/tmp");
}
END_TEST

START_TEST(writable_by_others)
{
	const char *p = make_file("ecitest:100000:65536\n", 0664);

	expect_message(" is not trusted", "writable only by root");
	load(p);
}
END_TEST

START_TEST(not_owned_by_root)
{
	const char *p = make_file("ecitest:100000:65536\n", 0644);

	ck_assert_int_eq(chown(p, 65534, 65534), 0);
	expect_message(" is not trusted", p);
	load(p);
}
END_TEST

START_TEST(too_large)
{
	const char *p = make_file("ecitest:100000:65536\n", 0644);

	ck_assert_int_eq(truncate(p, SUBID_MAX_FILE + 1), 0);
	expect_message("is larger than 16777216 bytes", p);
	load(p);
}
END_TEST

START_TEST(no_entry)
{
	const char *p = make_file("# ranges\nalice:100000:65536\necitest1:165536:65536\n", 0644);

	expect_message("no usable entry for ecitest (uid 4242) in", "usermod --add-subuids");
	load(p);
}
END_TEST

START_TEST(range_too_small)
{
	const char *p = make_file("ecitest:100000:65535\n", 0644);

	expect_message("hold fewer than 65536 ids", "line 1");
	load(p);
}
END_TEST

/* Every line of the caller's is unsafe: each is named, then the refusal. */
START_TEST(only_unsafe_lines)
{
	const char *p = make_file("ecitest:0:65536\necitest:4200:65536\necitest:x:1\n", 0644);

	expect_message("line 2 skipped: range contains the user's own id",
		       "no usable entry for ecitest");
	load(p);
}
END_TEST

/* A read error is a system error (111), not a refusal. */
START_TEST(read_error)
{
	if (geteuid() == 0) {
		expect_message("read /proc/self/mem", "Input/output error");
		load("/proc/self/mem");	/* root's, 0600, regular, unreadable */
	} else {
		expect_message("open /etc/shadow", "Permission denied");
		load("/etc/shadow");
	}
}
END_TEST

START_TEST(good_file)
{
	const char *p = make_file("ecitest:100000:65536\nbob:1:2\n4242:300000:131072\n", 0644);
	struct caller c = { .uid = 4242, .gid = 4242, .name = "ecitest" };
	struct idfile f;

	idfile_load(&f, p, 'u', &c, 4242);
	ck_assert_uint_eq(f.n, 2);
	ck_assert_uint_eq(f.first_line, 1);
	ck_assert_uint_eq(subid_slot_count(f.r, f.n), 3);
	unlink(p);
}
END_TEST

Suite *helper_suite(void)
{
	Suite *s = suite_create("helper");
	TCase *tc = tcase_create("subordinate id files");
	bool root = geteuid() == 0;

	tcase_add_exit_test(tc, missing, EXIT_DENIED);
	tcase_add_exit_test(tc, symlink_refused, EXIT_DENIED);
	tcase_add_exit_test(tc, directory_refused, EXIT_DENIED);
	tcase_add_exit_test(tc, writable_by_others, EXIT_DENIED);
	tcase_add_exit_test(tc, read_error, EXIT_SYSERR);
	if (!root) {
		const char *why = "needs root to make a root-owned file";

		test_skip("not_owned_by_root", why);
		test_skip("too_large", why);
		test_skip("no_entry", why);
		test_skip("range_too_small", why);
		test_skip("only_unsafe_lines", why);
		test_skip("good_file", why);
	} else {
		tcase_add_exit_test(tc, not_owned_by_root, EXIT_DENIED);
		tcase_add_exit_test(tc, too_large, EXIT_DENIED);
		tcase_add_exit_test(tc, no_entry, EXIT_DENIED);
		tcase_add_exit_test(tc, range_too_small, EXIT_DENIED);
		tcase_add_exit_test(tc, only_unsafe_lines, EXIT_DENIED);
		tcase_add_test(tc, good_file);
	}
	suite_add_tcase(s, tc);
	return s;
}
