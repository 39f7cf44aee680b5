// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_readall.c - read_fd_all() and read_all_at(): the whole file, to
 * the byte, on either side of the stack buffer's size and of each doubling;
 * a pipe that hands it over in pieces; the size limit, to the byte
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

/* Byte i of a test file: no two neighbouring pages alike, no NUL. */
static char byte_at(size_t i)
{
	return (char)('A' + (i * 7 + i / 4096) % 26);
}

static char *pattern(size_t n)
{
	char *p = malloc(n + 1);

	ck_assert_ptr_nonnull(p);
	for (size_t i = 0; i < n; i++)
		p[i] = byte_at(i);
	return p;
}

/* A file of @n pattern bytes in a new directory; its fd. */
static int scratch_file(size_t n, char *dir, size_t size)
{
	char *p = pattern(n);
	int dfd, fd;

	snprintf(dir, size, "/tmp/eci-readall.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	dfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(dfd, 0);
	fd = openat(dfd, "f", O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, p, n), 0);
	close(fd);
	free(p);
	return dfd;
}

static void scratch_remove(int dfd, const char *dir)
{
	unlinkat(dfd, "f", 0);
	close(dfd);
	rmdir(dir);
}

static const size_t sizes[] = { 0, 1, 4095, 4096, 4097, 8191, 8192, 8193, 16385, 70000 };

START_TEST(test_whole_file)
{
	size_t n = sizes[_i], len = 12345;
	char dir[64], *out = NULL, *want = pattern(n);
	int dfd = scratch_file(n, dir, sizeof(dir));

	ck_assert_int_eq(read_all_at(dfd, "f", 1 << 20, &out, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(out, want, n), 0);
	ck_assert_int_eq(out[n], '\0');
	free(out);
	free(want);
	scratch_remove(dfd, dir);
}
END_TEST

/* The limit is the largest size taken: at it, read; one byte more, EFBIG. */
START_TEST(test_limit)
{
	size_t n = sizes[_i];
	char dir[64], *out = NULL;
	int dfd = scratch_file(n, dir, sizeof(dir));

	ck_assert_int_eq(read_all_at(dfd, "f", n, &out, NULL), 0);
	free(out);
	out = NULL;
	if (n > 0) {
		ck_assert_int_eq(read_all_at(dfd, "f", n - 1, &out, NULL), -EFBIG);
		ck_assert_ptr_null(out);
	}
	scratch_remove(dfd, dir);
}
END_TEST

/* A writer that hands over @n bytes in pieces of @piece, pausing between. */
static pid_t slow_writer(int fd, size_t n, size_t piece)
{
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		char *p = pattern(n);

		for (size_t off = 0; off < n; off += piece) {
			if (write_all(fd, p + off, n - off < piece ? n - off : piece) < 0)
				_exit(1);
			usleep(2000);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

START_TEST(test_pipe_in_pieces)
{
	const size_t n = 9000;
	char *out = NULL, *want = pattern(n);
	size_t len = 0;
	int p[2], status;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = slow_writer(p[1], n, 1000);
	ck_assert_int_eq(read_fd_all(p[0], 1 << 20, &out, &len), 0);
	ck_assert_uint_eq(len, n);
	ck_assert_int_eq(memcmp(out, want, n), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(p[0]);
	free(out);
	free(want);
}
END_TEST

Suite *readall_suite(void)
{
	Suite *s = suite_create("readall");
	TCase *tc = tcase_create("read_all_at");
	int n = (int)(sizeof(sizes) / sizeof(sizes[0]));

	tcase_add_loop_test(tc, test_whole_file, 0, n);
	tcase_add_loop_test(tc, test_limit, 0, n);
	tcase_add_test(tc, test_pipe_in_pieces);
	suite_add_tcase(s, tc);
	return s;
}
