// SPDX-License-Identifier: GPL-2.0-or-later
#include <stdio.h>
#include <stdlib.h>

#include "tap.h"

static int skipped;

void test_skip(const char *name, const char *why)
{
	printf("SKIP %s: %s\n", name, why);
	skipped++;
}

int test_main(Suite *(*const suites[])(void))
{
	SRunner *sr = srunner_create(NULL);
	int failed, run;

	for (size_t i = 0; suites[i]; i++)
		srunner_add_suite(sr, suites[i]());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	run = srunner_ntests_run(sr);
	srunner_free(sr);
	printf("Skipped: %d\n", skipped);
	return failed == 0 && run > 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
