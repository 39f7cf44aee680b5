// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * thp.c - thp-probe: the VmFlags of the mapping that holds its 16 MB of
 * zero-filled static data, as /proc/self/smaps says them, on one line.
 * "thp-probe stack": the Rss and VmFlags lines of the mapping 3 MB below
 * main()'s frame, where pasta's main() keeps its context, before anything
 * there is used; "unmapped" if there is none.  Dynamically linked, as
 * pasta is, so that LD_PRELOAD applies to it (t/unit/check_thp.c runs it
 * with eci-thp.so and without).
 */
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

static char big[16 << 20];

int main(int argc, char **argv)
{
	bool stack = argc > 1 && !strcmp(argv[1], "stack");
	uintptr_t at = stack ? (uintptr_t)__builtin_frame_address(0) - (3UL << 20)
			     : (uintptr_t)&big[8 << 20];
	uintptr_t lo, hi;
	char line[512];
	int in = 0, found = 0;
	FILE *f = fopen("/proc/self/smaps", "re");

	if (!f)
		return 2;
	big[8 << 20] = 1;	/* a page of it resident, and used */
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2 && strchr(line, '-') < strchr(line, ' ')) {
			in = lo <= at && at < hi;
			found |= in;
		} else if (in && stack && !strncmp(line, "Rss:", 4)) {
			fputs(line, stdout);
		} else if (in && !strncmp(line, "VmFlags:", 8)) {
			fputs(line, stdout);
			fclose(f);
			return big[8 << 20] == 1 ? 0 : 3;
		}
	}
	fclose(f);
	if (stack && !found) {
		puts("unmapped");
		return 0;
	}
	return 1;
}
