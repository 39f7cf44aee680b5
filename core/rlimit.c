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
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
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
