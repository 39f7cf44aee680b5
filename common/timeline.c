// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * timeline.c - when each step of a start happened, for make bench
 *
 * Theory of Operation: with ECI_TIMELINE=FILE in eci-run's (or eci-runc's)
 * environment, each step of a container's start appends one line
 * "NANOSECONDS STEP" to FILE: CLOCK_MONOTONIC, which every process of the
 * container shares with the host, so that the launcher's, pid 1's and the
 * workload's steps make one timeline (tools/timeline.py reads it).  One
 * write(2) per line to a file opened O_APPEND, so lines of several
 * processes never mix.  The fd is opened once, by the caller as the user,
 * with O_CLOEXEC: the workload's exec closes it; pid 1, which never execs,
 * keeps it to its end (the workload, in a user namespace below pid 1's,
 * cannot reach pid 1's fds).  Without the variable every mark is a test of
 * one int.  The privileged helper never reads it.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "util.h"

static int tl_fd = -1;

void tl_init(void)
{
	const char *path = getenv("ECI_TIMELINE");

	if (path && *path && tl_fd < 0)
		tl_fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
}

void tl_mark(const char *step)
{
	struct timespec ts;
	char line[96];
	int n;

	if (tl_fd < 0)
		return;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	n = snprintf(line, sizeof(line), "%lld %s\n",
		     (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec, step);
	if (n > 0 && (size_t)n < sizeof(line) && write(tl_fd, line, (size_t)n) < 0)
		tl_close();
}

int tl_fileno(void)
{
	return tl_fd;
}

void tl_close(void)
{
	if (tl_fd >= 0)
		close(tl_fd);
	tl_fd = -1;
}
