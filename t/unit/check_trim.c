// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_trim.c - mem_trim(): code pages leave the resident set, data stays
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "unit.h"
#include "util.h"

#define LEN (256 * 1024)

/* Resident kB of the mapping that starts at @addr (from /proc/self/smaps). */
static long rss_at(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	bool here = false;
	long kb = -1;
	unsigned long lo;

	ck_assert_ptr_nonnull(f);
	while (kb < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%*x ", &lo) == 1 && strchr(line, ' ') > strchr(line, '-'))
			here = lo == (uintptr_t)addr;
		else if (here)
			sscanf(line, "Rss: %ld kB", &kb);
	}
	fclose(f);
	return kb;
}

/* A private mapping of the test program itself, every page read. */
static volatile char *map_self(int prot)
{
	int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	volatile char *p;
	unsigned sum = 0;

	ck_assert_int_ge(fd, 0);
	p = mmap(NULL, LEN, prot, MAP_PRIVATE, fd, 0);
	close(fd);
	ck_assert(p != MAP_FAILED);
	for (size_t i = 0; i < LEN; i += 4096)
		sum += (unsigned char)p[i];
	(void)sum;
	return p;
}

static int written = 1;	/* .data */

START_TEST(test_trim_drops_code_keeps_data)
{
	volatile char *code = map_self(PROT_READ | PROT_EXEC);
	volatile char *ro = map_self(PROT_READ);
	volatile char *rw = map_self(PROT_READ | PROT_WRITE);
	char *heap = strdup("heap");
	long code_before = rss_at((void *)code), ro_before = rss_at((void *)ro);

	written = 42;
	rw[4096] = 'x';
	ck_assert_int_gt(code_before, 0);
	mem_trim();
	ck_assert_int_eq(rss_at((void *)code), 0);
	/* read-only data stays, and what was written, allocated, copied on
	 * write is all still there */
	ck_assert_int_eq(rss_at((void *)ro), ro_before);
	ck_assert_int_eq(rw[4096], 'x');
	ck_assert_int_eq(written, 42);
	ck_assert_str_eq(heap, "heap");
	free(heap);
	munmap((void *)code, LEN);
	munmap((void *)ro, LEN);
	munmap((void *)rw, LEN);
}
END_TEST

Suite *trim_suite(void)
{
	Suite *s = suite_create("trim");
	TCase *tc = tcase_create("trim");

	tcase_add_test(tc, test_trim_drops_code_keeps_data);
	suite_add_tcase(s, tc);
	return s;
}
