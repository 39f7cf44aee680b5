// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subids.c - the test account's own subordinate ranges, for every suite
 */
#include <fcntl.h>
#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "ns.h"
#include "util.h"

size_t ns_my_ranges(struct subid_range *r)
{
	struct passwd *pw = getpwuid(getuid());
	char *buf = NULL;
	size_t len = 0, n;

	if (read_all_at(AT_FDCWD, "/etc/subuid", 1 << 20, &buf, &len) < 0)
		return 0;
	n = subid_parse(buf, len, pw ? pw->pw_name : NULL, getuid(), getuid(), r, NULL, NULL);
	free(buf);
	return n;
}

struct subid_range ns_my_range(void)
{
	struct subid_range r[SUBID_MAX_RANGES];

	ck_assert_uint_gt(ns_my_ranges(r), 0);
	return r[0];
}
