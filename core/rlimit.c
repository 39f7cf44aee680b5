// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * rlimit.c - process.rlimits and process.oomScoreAdj, given to a process
 * from outside the container
 *
 * Theory of Operation: both are inherited across fork and exec, so the
 * container gets them by its first process getting them, before it runs
 * anything (eci-runc create sets pid 1's with prlimit() and its
 * /proc/PID/oom_score_adj; an exec sets its own before it joins).  Only
 * from outside: raising a hard limit or lowering the OOM score needs
 * CAP_SYS_RESOURCE of the host's user namespace, which nothing in the
 * container holds — as runc, which sets them from its parent process for
 * a container with a user namespace.
 *
 * eci-run's --ulimit NAME=SOFT[:HARD] (docker's names: nofile, nproc, ...)
 * becomes the same process.rlimits, which its launcher gives pid 1 the
 * same way.  It runs as the user, so a hard limit above the user's own is
 * refused here, before anything starts, rather than by prlimit() later.
 */
#include <errno.h>
#include <fcntl.h>
#include <ctype.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "util.h"

static const struct {
	const char *name;
	int resource;
} names[] = {
	{ "RLIMIT_AS", RLIMIT_AS },		{ "RLIMIT_CORE", RLIMIT_CORE },
	{ "RLIMIT_CPU", RLIMIT_CPU },		{ "RLIMIT_DATA", RLIMIT_DATA },
	{ "RLIMIT_FSIZE", RLIMIT_FSIZE },	{ "RLIMIT_LOCKS", RLIMIT_LOCKS },
	{ "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK },	{ "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
	{ "RLIMIT_NICE", RLIMIT_NICE },		{ "RLIMIT_NOFILE", RLIMIT_NOFILE },
	{ "RLIMIT_NPROC", RLIMIT_NPROC },	{ "RLIMIT_RSS", RLIMIT_RSS },
	{ "RLIMIT_RTPRIO", RLIMIT_RTPRIO },	{ "RLIMIT_RTTIME", RLIMIT_RTTIME },
	{ "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int rlimit_resource(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (!strcmp(name, names[i].name))
			return names[i].resource;
	return -1;
}

static const char *rlimit_name(int resource)
{
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].resource == resource)
			return names[i].name;
	return "?";
}

/* "-1", "unlimited" or a decimal number; false if it is none of them */
static bool limit_value(const char *s, uint64_t *v)
{
	char *end;

	if (!strcmp(s, "-1") || !strcmp(s, "unlimited")) {
		*v = RLIM_INFINITY;
		return true;
	}
	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*v = strtoull(s, &end, 10);
	return errno == 0 && *end == '\0' && *v < RLIM_INFINITY;
}

static void limit_text(uint64_t v, char *buf, size_t size)
{
	if (v == RLIM_INFINITY)
		snprintf(buf, size, "unlimited");
	else
		snprintf(buf, size, "%" PRIu64, v);
}

int rlimit_parse_flag(const char *arg, struct spec_rlimit *l, struct eci_err *e)
{
	char name[32] = "RLIMIT_", soft[32], hard[32], have[32];
	size_t n = strcspn(arg, "=");
	const char *colon;
	struct rlimit mine;

	if (!arg[n] || n == 0 || n > 20)
		return eci_fail(e, 0, "--ulimit %s: expected NAME=SOFT[:HARD] (nofile=1024:4096)", arg);
	for (size_t i = 0; i < n; i++)
		name[7 + i] = (char)toupper((unsigned char)arg[i]);
	name[7 + n] = '\0';
	if (!islower((unsigned char)arg[0]) || (l->resource = rlimit_resource(name)) < 0)
		return eci_fail(e, 0, "--ulimit %s: unknown limit '%.*s' (core, cpu, data, fsize, "
				"locks, memlock, msgqueue, nice, nofile, nproc, rss, rtprio, rttime, "
				"sigpending, stack, as)", arg, (int)n, arg);
	colon = strchr(arg + n + 1, ':');
	snprintf(soft, sizeof(soft), "%.*s", colon ? (int)(colon - arg - n - 1) : 31, arg + n + 1);
	snprintf(hard, sizeof(hard), "%s", colon ? colon + 1 : soft);
	if (!limit_value(soft, &l->soft) || !limit_value(hard, &l->hard))
		return eci_fail(e, 0, "--ulimit %s: a limit is a number, or -1 for none", arg);
	if (l->soft > l->hard)
		return eci_fail(e, 0, "--ulimit %s: the soft limit is above the hard one", arg);
	if (getrlimit(l->resource, &mine) < 0)
		return eci_fail(e, errno, "--ulimit %s", arg);
	if (l->hard > mine.rlim_max) {
		limit_text(mine.rlim_max, have, sizeof(have));
		return eci_fail(e, 0, "--ulimit %s: the hard limit is above your own (%s): raising it "
				"needs privileges on the host", arg, have);
	}
	return 0;
}

int rlimit_apply(pid_t pid, const struct spec_oci *o, struct eci_err *e)
{
	for (size_t i = 0; i < o->nrlimits; i++) {
		const struct spec_rlimit *l = &o->rlimit[i];
		struct rlimit r = { .rlim_cur = l->soft, .rlim_max = l->hard };

		if (prlimit(pid, l->resource, &r, NULL) < 0)
			return eci_fail(e, errno, "process.rlimits %s (soft %llu, hard %llu)",
					rlimit_name(l->resource), (unsigned long long)l->soft,
					(unsigned long long)l->hard);
	}
	if (o->oom_set) {
		char path[64], val[16];
		_cleanup_close_ int fd = -1;
		int r;

		snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", pid ? (int)pid : (int)getpid());
		snprintf(val, sizeof(val), "%d", o->oom_score_adj);
		fd = open(path, O_WRONLY | O_CLOEXEC);
		r = fd < 0 ? -errno : write_all(fd, val, strlen(val));
		if (r < 0)
			return eci_fail(e, -r, "process.oomScoreAdj %d", o->oom_score_adj);
	}
	return 0;
}
