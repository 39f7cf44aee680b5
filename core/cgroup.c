// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup.c - a container's cgroups, and joining them
 *
 * Theory of Operation: an engine names the container's cgroup (its
 * cgroupsPath) and its limits; the same path is made in every hierarchy
 * the host mounts under /sys/fs/cgroup — each v1 controller's (but
 * cpuset, whose empty cpus and mems would refuse every process) or the
 * one v2 tree — with the memory and pids limits, and pid 1 is moved there
 * before it makes its cgroup namespace (child.c), so that docker stats and
 * the OOM killer see the container, and the namespace is rooted at its
 * own cgroup.  A process that joins the container (an exec) first moves
 * itself, still on the host, into pid 1's cgroup in every hierarchy pid 1
 * lists: its /proc/PID/cgroup, read from the host, shows host paths
 * whatever its cgroup namespace, and each is found where this host
 * mounts that hierarchy (hybrid hosts put v2 on /sys/fs/cgroup/unified).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "util.h"

#define CG_ROOT "/sys/fs/cgroup"

static void cg_write(const char *dir, const char *file, long long v)
{
	char path[4200], val[32];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	snprintf(val, sizeof(val), "%lld", v);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (write(fd, val, strlen(val)) < 0) { /* a controller without it */ }
		close(fd);
	}
}

static bool cg_v2(void)
{
	return access(CG_ROOT "/cgroup.controllers", F_OK) == 0;
}

/* One hierarchy's directory: made, limited, @pid moved in. */
static void cg_one(const char *dir, const char *ctrl, pid_t pid, const struct cg_limits *l)
{
	if (mkdir_p(dir, 0755, 0755) < 0)
		return;
	if (l->memory > 0 && (!ctrl || !strcmp(ctrl, "memory")))
		cg_write(dir, ctrl ? "memory.limit_in_bytes" : "memory.max", l->memory);
	if (l->pids > 0 && (!ctrl || !strcmp(ctrl, "pids")))
		cg_write(dir, "pids.max", l->pids);
	cg_write(dir, "cgroup.procs", pid);
}

void cgroup_enter(const char *path, pid_t pid, const struct cg_limits *l)
{
	char dir[4200];
	struct dirent *de;
	DIR *d;

	if (!path[0])
		return;
	if (cg_v2()) {
		snprintf(dir, sizeof(dir), CG_ROOT "%s", path);
		cg_one(dir, NULL, pid, l);
		return;
	}
	if (!(d = opendir(CG_ROOT)))
		return;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !strcmp(de->d_name, "cpuset"))
			continue;
		snprintf(dir, sizeof(dir), CG_ROOT "/%s%s", de->d_name, path);
		cg_one(dir, de->d_name, pid, l);
	}
	closedir(d);
}

/* @fn on @path in the v2 tree and under each entry of /sys/fs/cgroup;
 * stops at the first that returns true. */
static bool cg_each(const char *path, bool (*fn)(const char *dir))
{
	char dir[4200];
	struct dirent *de;
	bool done;
	DIR *d;

	snprintf(dir, sizeof(dir), CG_ROOT "%s", path);
	done = fn(dir);
	if (!(d = opendir(CG_ROOT)))
		return done;
	while (!done && (de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(dir, sizeof(dir), CG_ROOT "/%s%s", de->d_name, path);
		done = fn(dir);
	}
	closedir(d);
	return done;
}

static bool cg_rmdir(const char *dir)
{
	rmdir(dir);
	return false;
}

static bool cg_exists(const char *dir)
{
	return access(dir, F_OK) == 0;
}

void cgroup_remove(const char *path)
{
	if (path[0])
		cg_each(path, cg_rmdir);
}

bool cgroup_left(const char *path)
{
	return path[0] && cg_each(path, cg_exists);
}

/* --- joining ------------------------------------------------------------- */

/* Is @name (@n bytes) one of the comma-separated @list? */
static bool in_list(const char *list, const char *name, size_t n)
{
	while (*list) {
		size_t len = strcspn(list, ",");

		if (len == n && !strncmp(list, name, n))
			return true;
		list += len + (list[len] == ',');
	}
	return false;
}

/* Does the comma-separated @opts hold each name of the comma-separated @want? */
static bool has_opts(const char *opts, const char *want)
{
	while (*want) {
		size_t n = strcspn(want, ",");

		if (!in_list(opts, want, n))
			return false;
		want += n + (want[n] == ',');
	}
	return true;
}

/* Where the hierarchy of a /proc/PID/cgroup line (@ctrls: "" for v2)
 * shows @path, from our mountinfo. */
static int cg_dir(const char *mountinfo, const char *ctrls, const char *path, char *out,
		  size_t size)
{
	_cleanup_free_ char *info = strdup(mountinfo);
	char *save = NULL;

	if (!info)
		return -ENOMEM;
	for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[4096], mp[4096], fstype[64], sopts[1024];
		const char *sep = strstr(l, " - "), *rel = path;
		size_t rl;

		if (!sep || sscanf(l, "%*s %*s %*s %4095s %4095s", root, mp) != 2 ||
		    sscanf(sep, " - %63s %*s %1023s", fstype, sopts) != 2)
			continue;
		if (ctrls[0] ? strcmp(fstype, "cgroup") || !has_opts(sopts, ctrls)
			     : strcmp(fstype, "cgroup2"))
			continue;
		rl = strlen(root);
		if (strcmp(root, "/")) {	/* a mount of part of the hierarchy */
			if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
				continue;
			rel = path + rl;
		}
		return snprintf(out, size, "%s%s", mp, rel) < (int)size ? 0 : -ENAMETOOLONG;
	}
	return -ENOENT;
}

static int cg_join(const char *dir, struct eci_err *e)
{
	char path[4300], pid[32];
	_cleanup_close_ int fd = -1;
	int r;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	snprintf(pid, sizeof(pid), "%d", (int)getpid());
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "join the container's cgroup %s", dir);
	r = write_all(fd, pid, strlen(pid));
	return r < 0 ? eci_fail(e, -r, "join the container's cgroup %s", dir) : 0;
}

/* A line of /proc/PID/cgroup, "ID:controllers:/path": join that cgroup. */
static int cg_line(char *line, const char *mountinfo, struct eci_err *e)
{
	char *ctrls = strchr(line, ':'), *where, dir[4200];
	size_t n;
	int r;

	if (!ctrls || !(where = strchr(++ctrls, ':')))
		return 0;
	*where++ = '\0';
	n = strlen(where);
	if (where[0] != '/' || strstr(where, "/../") || (n >= 3 && !strcmp(where + n - 3, "/..")))
		return eci_fail(e, 0, "the container's cgroup %s is not a plain path", where);
	r = cg_dir(mountinfo, ctrls, where, dir, sizeof(dir));
	if (r == -ENOENT)
		return 0;	/* a hierarchy not mounted here has nothing to join */
	if (r < 0)
		return eci_fail(e, -r, "the container's cgroup %s", where);
	return cg_join(dir, e);
}

int cgroup_join_of(pid_t pid, int pidfd, struct eci_err *e)
{
	_cleanup_free_ char *cg = NULL, *info = NULL;
	char path[64], *save = NULL;
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_all_at(AT_FDCWD, path, 1 << 16, &cg, NULL) < 0 || !pidfd_alive(pidfd))
		return eci_fail(e, 0, "the container's cgroups: pid 1 is gone");
	r = read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info, NULL);
	if (r < 0)
		return eci_fail(e, -r, "read /proc/self/mountinfo");
	for (char *l = strtok_r(cg, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (cg_line(l, info, e) < 0)
			return -1;
	return 0;
}
