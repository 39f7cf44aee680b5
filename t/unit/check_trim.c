// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_trim.c - mem_trim(): code pages leave the resident set, data stays;
 * mem_trim_later(): not for a child that has ended, for one that runs on;
 * mem_clear(), and fds_keep_only()
 */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "run.h"
#include "unit.h"
#include "util.h"

#define BIG (512 * 1024)

/* Read-only data of this program, in a segment of its own program headers;
 * not zero, or it would be .bss. */
static const unsigned char big[BIG] = { 1 };
/* A pointer the loader relocates: it lives in RELRO, written then sealed. */
static const char *const relro = "relocated";
static int written = 1;	/* .data */

/*
 * How many pages of big[] are mapped in this process (@pagemap, this
 * process's /proc/self/pagemap: bit 63), counting only whole 64 KiB
 * windows inside it: a fault nearby maps the whole aligned window around it
 * (fault-around), or the whole large folio of the page cache, and what is
 * shared with other read-only data may come back as that data is read.  So
 * nothing here reads read-only data (a path, an assertion's file name)
 * until it has counted: -1 if a read failed.
 */
static long present_in_big(int pagemap)
{
	const uintptr_t win = 64 * 1024, page = 4096;
	uintptr_t lo = ((uintptr_t)big + win - 1) & ~(win - 1);
	uintptr_t hi = ((uintptr_t)big + BIG) & ~(win - 1);
	long n = 0;

	for (uintptr_t a = lo; a < hi; a += page) {
		uint64_t e;

		if (pread(pagemap, &e, sizeof(e), (off_t)(a / page * sizeof(e))) != sizeof(e))
			return -1;
		n += (long)(e >> 63);
	}
	return hi > lo ? n : -1;
}

START_TEST(test_trim_drops_code_keeps_data)
{
	volatile const unsigned char *ro = big;
	char *heap = strdup("heap");
	unsigned sum = 0;
	long before, after;
	int pagemap;

	for (size_t i = 0; i < BIG; i += 4096)
		sum += ro[i];
	ck_assert_uint_eq(sum, 1);
	pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	ck_assert_int_ge(pagemap, 0);
	written = 42;
	before = present_in_big(pagemap);
	ck_assert_int_ge(before, BIG / 4096 / 2);
	mem_trim();
	/* A read nearby may map back a whole large folio of the file: how
	 * large depends on how the page cache holds the freshly linked test
	 * binary (up to a quarter of big[] was seen back), so at least half
	 * must be gone; without the trim all of it stays. */
	after = present_in_big(pagemap);
	close(pagemap);
	ck_assert_int_ge(after, 0);
	ck_assert_msg(after <= before / 2, "%ld of %ld pages still mapped", after, before);
	/* what was written, relocated or allocated is all still there */
	ck_assert_int_eq(written, 42);
	ck_assert_str_eq(relro, "relocated");
	ck_assert_str_eq(heap, "heap");
	ck_assert_uint_eq(ro[BIG - 4096], 0);
	free(heap);
}
END_TEST

/* big[] read in: the pages of it mapped now (see present_in_big()). */
static long big_in(int pagemap)
{
	volatile const unsigned char *ro = big;
	unsigned sum = 0;

	for (size_t i = 0; i < BIG; i += 4096)
		sum += ro[i];
	ck_assert_uint_eq(sum, 1);
	return present_in_big(pagemap);
}

/* A child that has ended (a zombie, not yet waited for): no trim. */
START_TEST(test_trim_later_ended)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	siginfo_t si;
	long before, after;
	pid_t pid;

	ck_assert_int_ge(pagemap, 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0)
		_exit(0);
	ck_assert_int_eq(waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT), 0);
	before = big_in(pagemap);
	mem_trim_later(pid);
	after = present_in_big(pagemap);
	close(pagemap);
	ck_assert_int_ge(before, BIG / 4096 / 2);
	ck_assert_msg(after == before, "%ld of %ld pages still mapped", after, before);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

/* A child that runs on past MEM_TRIM_AFTER_MS: the trim, then the return. */
START_TEST(test_trim_later_runs_on)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC), p[2];
	long before, after;
	pid_t pid;
	char c;

	ck_assert_int_ge(pagemap, 0);
	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[1]);
		_exit(read(p[0], &c, 1) == 0 ? 0 : 1);	/* until the parent closes */
	}
	close(p[0]);
	before = big_in(pagemap);
	mem_trim_later(pid);
	after = present_in_big(pagemap);
	close(pagemap);
	close(p[1]);
	ck_assert_int_ge(before, BIG / 4096 / 2);
	ck_assert_msg(after <= before / 2, "%ld of %ld pages still mapped", after, before);
	ck_assert_int_eq(waitpid(pid, NULL, 0), pid);
}
END_TEST

/* One it cannot watch (no such process): the trim at once. */
START_TEST(test_trim_later_unwatched)
{
	int pagemap = open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
	long before, after;

	ck_assert_int_ge(pagemap, 0);
	before = big_in(pagemap);
	mem_trim_later(-1);
	after = present_in_big(pagemap);
	close(pagemap);
	ck_assert_int_ge(before, BIG / 4096 / 2);
	ck_assert_msg(after <= before / 2, "%ld of %ld pages still mapped", after, before);
}
END_TEST

/*
 * eci-run's waiting code (WAITING, common/util.h) lies together at the
 * start of its text, within a fault-around window (64 KiB) of _init and
 * the PLT beside it, so that after the trim eci-run and pid 1 map back one
 * or two windows of it, not three (nm -n: the addresses of the program's
 * own symbols).  Fails where the loops were inlined or spread out.
 */
START_TEST(test_waiting_code_together)
{
	static const char *const waiting[] = { "mem_trim", "mem_trim_later", "zap", "await_end",
					       "reap_until", "container_wait", "sup_serve",
					       "relay", "pump" };
	char bin[4096], cmd[4200], line[512];
	unsigned long init = 0, lo = ~0UL, hi = 0;
	size_t found = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "nm -n --defined-only '%s'", t_bin("eci-run", bin, sizeof(bin)));
	f = popen(cmd, "r");
	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long a;
		char type, name[256];

		if (sscanf(line, "%lx %c %255s", &a, &type, name) != 3)
			continue;
		if (!strcmp(name, "_init"))
			init = a;
		for (size_t i = 0; i < sizeof(waiting) / sizeof(waiting[0]); i++)
			if (!strcmp(name, waiting[i])) {
				found++;
				lo = a < lo ? a : lo;
				hi = a > hi ? a : hi;
			}
	}
	ck_assert_int_eq(pclose(f), 0);
	ck_assert_msg(init, "%s: no _init in its symbols (stripped?)", bin);
	ck_assert_msg(found == sizeof(waiting) / sizeof(waiting[0]),
		      "%zu of %zu waiting functions in eci-run's symbols (inlined?)", found,
		      sizeof(waiting) / sizeof(waiting[0]));
	ck_assert_msg(lo > init && hi - init < 64 * 1024,
		      "the waiting code spans %#lx-%#lx, _init is at %#lx", lo, hi, init);
}
END_TEST

/* Zero everywhere after, across pages and from an odd address; a page
 * that was zero already is left as it was. */
START_TEST(test_mem_clear)
{
	const size_t n = 5 * 4096;
	unsigned char *m = aligned_alloc(4096, n), *p = m + 7;

	ck_assert_ptr_nonnull(m);
	memset(m, 0xa5, n);
	memset(m + 2 * 4096, 0, 4096);
	mem_clear(p, n - 14);
	ck_assert_uint_eq(m[6], 0xa5);
	ck_assert_uint_eq(m[n - 7], 0xa5);
	for (size_t i = 7; i < n - 7; i++)
		ck_assert_msg(m[i] == 0, "byte %zu: %#x", i, m[i]);
	free(m);
}
END_TEST

/*
 * fds_keep_only() in a child (Check's own pipe must live): of six fds, the
 * two kept stay, given unsorted, twice, beside a negative one; the others,
 * and one far above them, are closed.  Too many to keep: EINVAL.
 */
START_TEST(test_fds_keep_only)
{
	int fd[6], st, high;
	pid_t pid;

	for (int i = 0; i < 6; i++) {
		fd[i] = open("/dev/null", O_RDONLY | O_CLOEXEC);
		ck_assert_int_ge(fd[i], 3);
	}
	high = dup2(fd[0], 900);
	ck_assert_int_eq(high, 900);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		const int keep[] = { 0, fd[3], 1, -1, fd[1], 2, fd[3] };
		int mask = 0;

		if (fds_keep_only(keep, sizeof(keep) / sizeof(keep[0])) < 0)
			_exit(255);
		for (int i = 0; i < 6; i++)
			if (fcntl(fd[i], F_GETFD) >= 0)
				mask |= 1 << i;
		if (fcntl(high, F_GETFD) >= 0)
			mask |= 1 << 6;
		if (fcntl(1, F_GETFD) < 0)	/* stdio kept */
			mask |= 1 << 7;
		_exit(mask);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), (1 << 1) | (1 << 3));
	for (int i = 0; i < 6; i++)
		close(fd[i]);
	close(high);
	ck_assert_int_eq(fds_keep_only((int[17]){ 0 }, 17), -EINVAL);
}
END_TEST

Suite *trim_suite(void)
{
	Suite *s = suite_create("trim");
	TCase *tc = tcase_create("trim");

	tcase_add_test(tc, test_trim_drops_code_keeps_data);
	tcase_add_test(tc, test_trim_later_ended);
	tcase_add_test(tc, test_trim_later_runs_on);
	tcase_add_test(tc, test_trim_later_unwatched);
	tcase_add_test(tc, test_waiting_code_together);
	tcase_add_test(tc, test_mem_clear);
	tcase_add_test(tc, test_fds_keep_only);
	suite_add_tcase(s, tc);
	return s;
}
