// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_trim.c - mem_trim(): code pages leave the resident set, data stays
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "util.h"

#define BIG (512 * 1024)

/* Read-only data of this program, in a segment of its own program headers;
 * not zero, or it would be .bss. */
static const unsigned char big[BIG] = { 1 };
/* A pointer the loader relocates: it lives in RELRO, written then sealed. */
static const char *const relro = "relocated";
static int written = 1;	/* .data */

/* Resident kB of the mapping that holds @addr (from /proc/self/smaps). */
static long rss_at(const void *addr)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	bool here = false;
	long kb = -1;
	unsigned long lo, hi;

	ck_assert_ptr_nonnull(f);
	while (kb < 0 && fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, ' ') > strchr(line, '-'))
			here = lo <= (uintptr_t)addr && (uintptr_t)addr < hi;
		else if (here)
			sscanf(line, "Rss: %ld kB", &kb);
	}
	fclose(f);
	return kb;
}

START_TEST(test_trim_drops_code_keeps_data)
{
	volatile const unsigned char *ro = big;
	char *heap = strdup("heap");
	unsigned sum = 0;
	long before, after;

	for (size_t i = 0; i < BIG; i += 4096)
		sum += ro[i];
	ck_assert_uint_eq(sum, 1);
	written = 42;
	before = rss_at(big);
	ck_assert_int_ge(before, BIG / 1024);
	mem_trim();
	after = rss_at(big);
	/* what the assertions touch since faults back in, a few 64 KiB at most */
	ck_assert_msg(after <= before - BIG / 1024 / 2, "read-only data resident before %ld kB, "
		      "after %ld kB", before, after);
	/* what was written, relocated or allocated is all still there */
	ck_assert_int_eq(written, 42);
	ck_assert_str_eq(relro, "relocated");
	ck_assert_str_eq(heap, "heap");
	ck_assert_uint_eq(ro[BIG - 4096], 0);
	free(heap);
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
