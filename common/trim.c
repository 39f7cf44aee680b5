// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * trim.c - give back the memory of setup once a process only waits
 *
 * Theory of Operation: eci-run and the container's pid 1 live as long as
 * the container, but after the start they only wait, pass signals on and
 * clean up.  What they touched while setting up stays resident: the code of
 * the parsers, the seccomp builder and the mount setup (eci-run's own and
 * libc's) and freed heap.  mem_trim() drops it:
 *
 *   - code: every private, read-and-execute file mapping.  Code is never
 *     written, so each page is still the file's and MADV_DONTNEED only
 *     takes it out of this process's page tables: it stays in the page
 *     cache, and the little that runs again faults back in from there.
 *     Writable or read-only data (relocated, copied on write) is never
 *     touched: dropping it would lose what was written.
 *   - the heap's free memory (malloc_trim).
 *
 * It changes what the process holds, not what it does; a failure (no /proc,
 * an unexpected line) leaves the rest as it was.
 */
#include <fcntl.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "util.h"

static void trim_line(const char *line)
{
	unsigned long lo, hi;
	char perms[8];
	int path = 0;

	if (sscanf(line, "%lx-%lx %7s %*s %*s %*s %n", &lo, &hi, perms, &path) != 3 || hi <= lo)
		return;
	if (!strcmp(perms, "r-xp") && path > 0 && line[path] == '/')
		madvise((void *)lo, hi - lo, MADV_DONTNEED);
}

void mem_trim(void)
{
	char *maps = NULL, *line, *next;

	malloc_trim(0);
	if (read_all_at(AT_FDCWD, "/proc/self/maps", 1 << 20, &maps, NULL) < 0)
		return;
	for (line = maps; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		trim_line(line);
	}
	free(maps);
}
