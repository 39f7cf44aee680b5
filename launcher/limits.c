// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * limits.c - --memory, --pids-limit, --cpus: limits in a cgroup the user
 * may divide
 *
 * Theory of Operation: the flags are read as docker reads them (--memory
 * 64m, at least 6 MiB; --pids-limit N, -1 or 0 for none; --cpus 1.5, a
 * CFS quota per 100 ms period).  Where they go is the core's rule
 * (cgroup_delegated(), core/cgroup.c): a directory "eci-ID" below a cgroup
 * the user may divide, in each hierarchy a limit needs, or a refusal
 * before any namespace exists.  The launcher makes the directories, writes
 * the limits and moves pid 1 in (cgroup_enter()) after the clone and
 * before SYNC_GO: pid 1 still has the user's uid then (the v1 kernel lets
 * only the same uid move a process), and the workload, forked after
 * SYNC_GO, starts in them.  When the container has ended the directories
 * are removed (cgroup_remove()).
 *
 * With CAP_SYS_ADMIN (--privileged, --cap-add SYS_ADMIN) the container
 * gets a cgroup of its own in every hierarchy where the user may divide
 * one, given to its root, for systemd or an engine inside
 * (limits_delegate()): the helper gives the directories' group to the
 * slot's first gid (newidmap/cgroups.c), the launcher makes them
 * group-writable, pid 1 makes its cgroup namespace there and mounts them
 * writable.  What the container made below is its root's: at the end a
 * child of the launcher enters the container's user namespace (kept by
 * an fd) as its root to remove it, then the launcher removes the rest.
 * Where the user may divide none, the container sees its cgroups
 * read-only, as without CAP_SYS_ADMIN.
 */
#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <math.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cgdeleg.h"
#include "cleanup.h"
#include "launcher.h"

/* docker's sizes: a number and b, k, m or g (with or without a final b) */
static int parse_bytes(const char *v, long long *out, struct eci_err *e)
{
	char *end;
	long long n;
	int shift = 0;

	errno = 0;
	n = strtoll(v, &end, 10);
	if (end != v && *end) {
		switch (*end | 0x20) {
		case 'b': shift = 0; break;
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		default: shift = -1;
		}
		end++;
		if (shift > 0 && (*end | 0x20) == 'b')
			end++;
	}
	if (errno || end == v || *end || shift < 0 || n <= 0 || n > (LLONG_MAX >> shift))
		return eci_fail(e, 0, "--memory %s: expected a size such as 512m or 2g (b, k, m, "
				"g)", v);
	*out = n << shift;
	if (*out < 6LL << 20)
		return eci_fail(e, 0, "--memory %s: the least is 6m, as with docker", v);
	return 0;
}

static int parse_pids(const char *v, long long *out, struct eci_err *e)
{
	char *end;

	errno = 0;
	*out = strtoll(v, &end, 10);
	if (errno || end == v || *end || *out < -1)
		return eci_fail(e, 0, "--pids-limit %s: expected a number of processes (-1 or 0: "
				"no limit)", v);
	if (*out == 0)
		*out = -1;
	return 0;
}

static int parse_cpus(const char *v, struct cg_limits *l, struct eci_err *e)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	char *end;
	double c;

	errno = 0;
	c = strtod(v, &end);
	if (errno || end == v || *end || !isfinite(c) || c < 0.01 || (ncpu > 0 && c > (double)ncpu))
		return eci_fail(e, 0, "--cpus %s: expected a number of CPUs from 0.01 to %ld", v,
				ncpu > 0 ? ncpu : 1);
	l->cpu_period = 100000;
	l->cpu_quota = (long long)(c * 100000 + 0.5);
	return 0;
}

int limits_build(struct spec *s, const struct opts *o, struct eci_err *e)
{
	struct cg_limits *l;
	const char *flag[3] = { NULL, NULL, NULL };
	char fm[300], fp[300], fc[300];
	long long pids = 0;

	if (!o->memory && !o->pids_limit && !o->cpus)
		return 0;
	if (o->pids_limit && parse_pids(o->pids_limit, &pids, e) < 0)
		return -1;
	if (!o->memory && !o->cpus && pids == -1)
		return 0;	/* no limit asked for after all */
	s->limits = l = calloc(1, sizeof(*l));
	s->cg = calloc(1, sizeof(*s->cg));
	if (!l || !s->cg)
		return eci_fail(e, ENOMEM, "limits");
	l->swappiness = -1;
	if (o->memory && parse_bytes(o->memory, &l->memory, e) < 0)
		return -1;
	if (o->cpus && parse_cpus(o->cpus, l, e) < 0)
		return -1;
	l->pids = pids > 0 ? pids : 0;
	snprintf(fm, sizeof(fm), "--memory %s", o->memory ? o->memory : "");
	snprintf(fp, sizeof(fp), "--pids-limit %s", o->pids_limit ? o->pids_limit : "");
	snprintf(fc, sizeof(fc), "--cpus %s", o->cpus ? o->cpus : "");
	flag[0] = o->memory ? fm : NULL;
	flag[1] = l->pids ? fp : NULL;
	flag[2] = o->cpus ? fc : NULL;
	return cgroup_delegated(s->id, l, flag, s->cg, e);
}

int limits_delegate(struct spec *s, struct eci_err *e)
{
	struct eci_err ignored;
	int n;

	if (!((s->caps >> CAP_SYS_ADMIN) & 1))
		return 0;
	if (!s->limits) {
		if (!(s->limits = calloc(1, sizeof(*s->limits))))
			return eci_fail(e, ENOMEM, "cgroups");
		s->limits->swappiness = -1;
	}
	if (!s->cg && !(s->cg = calloc(1, sizeof(*s->cg))))
		return eci_fail(e, ENOMEM, "cgroups");
	/* none the user may divide (or no cgroup at all): read-only, as
	 * without CAP_SYS_ADMIN */
	n = cgroup_delegable(s->id, s->cg, &ignored);
	if (n > 0) {
		s->cg_delegated = true;
		s->mnt.cgroup_rw = true;
		for (size_t i = 0; i < s->cg->n; i++)
			if (!s->cg->d[i].ctrls[0])
				s->cg_v2_dir = s->cg->d[i].path;
	}
	return 0;
}

int limits_enter(struct spec *s, pid_t pid, struct eci_err *e)
{
	if (!s->cg || !s->cg->n)
		return 0;
	s->cg_made = true;
	return cgroup_enter(s->cg, pid, s->limits, e);
}

/* The container's cgroups and, on cgroup v2, the leaf its pid 1 moves to
 * (core/cgroup.c, cgroup_init_aside()), made here so that it is the
 * user's as eci-ID is: an exec (the user's) joins pid 1 there. */
static int aside_leaf(const struct spec *s, struct cgroups *leaf, bool make, struct eci_err *e)
{
	leaf->n = 0;
	if (!s->cg_v2_dir)
		return 0;
	leaf->n = 1;
	leaf->d[0].ctrls[0] = '\0';
	if (snprintf(leaf->d[0].path, sizeof(leaf->d[0].path), "%s/%s", s->cg_v2_dir,
		     CG_INIT_LEAF) >= (int)sizeof(leaf->d[0].path))
		return eci_fail(e, ENAMETOOLONG, "the container's cgroup %s", s->cg_v2_dir);
	if (make && mkdir(leaf->d[0].path, 0755) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "create the container's cgroup %s", leaf->d[0].path);
	return 0;
}

int limits_delegate_open(struct spec *s, int *fd, size_t max, size_t *n, struct eci_err *e)
{
	struct cgroups leaf;

	*n = 0;
	if (aside_leaf(s, &leaf, true, e) < 0)
		return -1;
	if (s->cg->n + leaf.n > max)
		return eci_fail(e, E2BIG, "the container's cgroups");
	if (cgroup_open_dirs(s->cg, fd, e) < 0)
		return -1;
	if (cgroup_open_dirs(&leaf, fd + s->cg->n, e) < 0) {
		for (size_t i = 0; i < s->cg->n; i++)
			close(fd[i]);
		return -1;
	}
	*n = s->cg->n + leaf.n;
	return 0;
}

int limits_delegate_finish(struct spec *s, gid_t gid, struct eci_err *e)
{
	struct cgroups leaf;

	return aside_leaf(s, &leaf, false, e) < 0 || cgroup_group_writable(s->cg, gid, e) < 0 ||
	       cgroup_group_writable(&leaf, gid, e) < 0 ? -1 : 0;
}

/* As container root, in its user namespace: what it made below its own
 * cgroups (limits.c's theory). */
static void clear_delegated(struct spec *s)
{
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		if (setns(s->userns_fd, CLONE_NEWUSER) < 0 || setresgid(0, 0, 0) < 0 ||
		    setresuid(0, 0, 0) < 0)
			_exit(1);
		_exit(cgroup_clear_below(s->cg) ? 0 : 1);
	}
	while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
}

void limits_remove(struct spec *s)
{
	if (s->cg && s->cg_made && s->cg_delegated && s->userns_fd >= 0)
		clear_delegated(s);
	if (s->userns_fd >= 0)
		close(steal_fd(s->userns_fd));
	if (s->cg && s->cg_made && !cgroup_remove(s->cg))
		eci_warn("the container's cgroup %s is still there", s->cg->d[0].path);
	s->cg_made = false;	/* made again by a restart */
}
