// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cgroup.c - a container's cgroups: where, made, limited, frozen, joined,
 * removed
 *
 * Theory of Operation: an engine names the container's cgroup (its
 * cgroupsPath) and its limits (linux.resources).  cgroup_plan() turns the
 * name into one directory per hierarchy this host mounts — each v1
 * hierarchy (a controller's, or a named one such as name=systemd) and the
 * v2 tree, found from our own /proc/self/cgroup and mountinfo, so that
 * hybrid hosts (v2 on /sys/fs/cgroup/unified) and split mounts are right.
 * As runc does: an absolute path is below each hierarchy's root; a
 * relative one is below our own cgroup of that hierarchy (v2: below its
 * parent, which has no processes of its own); an empty one is the
 * container's id, relative; with --systemd-cgroup the path is
 * "slice:prefix:name", the directory systemd would give the scope
 * (slice "a-b.slice" is /a.slice/a-b.slice, the scope prefix-name.scope).
 * The set is what create records and delete removes, whichever cgroup the
 * deleting process runs in (cgroup_format(), cgroup_parse()).
 *
 * cgroup_enter() makes the directories (a v1 cpuset directory inherits
 * its parent's cpus and mems, without which it refuses every process; a
 * v2 parent enables its controllers for its children), writes the limits
 * and moves pid 1 in, before it makes its cgroup namespace (child.c), so
 * that docker stats and the OOM killer see the container and the
 * namespace is rooted at its own cgroup.  A limit asked for that cannot be
 * written fails the create, naming the field; none is left out quietly.
 * cgroup_freeze() is pause and resume: the v1 freezer where it is
 * mounted, else v2's cgroup.freeze, waited for, a few seconds at most.
 *
 * cgroup_delegate() gives the directories to container root (eci-runc, for
 * a nested engine or systemd): the directory and cgroup.procs, tasks,
 * cgroup.threads and cgroup.subtree_control, as systemd delegates
 * (common/cgdeleg.h); the limit files stay root's, so the container makes
 * and limits cgroups below its own but cannot raise its own limits, and a
 * limit below is held by its own (the kernel's hierarchy).  eci-run, which
 * cannot chown, has the helper give the same objects' group to container
 * root and makes them group-writable (cgroup_delegable(),
 * cgroup_group_writable(), launcher/limits.c).  Its cgroup namespace and
 * the mount rooted there show it no other cgroup.  On cgroup v2, pid 1
 * (eci's init, which the container cannot see) leaves the container's
 * cgroup for a leaf below it once the workload is in (cgroup_init_aside()),
 * since v2 gives no controllers to the children of a cgroup with
 * processes.  What the container made is killed and removed with it,
 * deepest first.
 *
 * A process that joins the container (an exec) first moves itself, still
 * on the host, into pid 1's cgroup in every hierarchy pid 1 lists: its
 * /proc/PID/cgroup, read from the host, shows host paths whatever its
 * cgroup namespace, and each is found where this host mounts that
 * hierarchy.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgdeleg.h"
#include "cleanup.h"
#include "core.h"
#include "util.h"

/* --- small file writes ------------------------------------------------------ */

/* Write @val to @dir/@file: 0, or -errno. */
static int cg_put(const char *dir, const char *file, const char *val)
{
	char path[CG_PATH_MAX + 64];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	fd = open(path, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	return write_all(fd, val, strlen(val));
}

/* @dir/@file's first line, in @buf: 0, or -errno. */
static int cg_get(const char *dir, const char *file, char *buf, size_t size)
{
	char path[CG_PATH_MAX + 64];
	_cleanup_free_ char *text = NULL;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	r = read_all_at(AT_FDCWD, path, 1 << 16, &text, NULL);
	if (r < 0)
		return r;
	text[strcspn(text, "\n")] = '\0';
	snprintf(buf, size, "%s", text);
	return 0;
}

static bool cg_has(const char *dir, const char *file)
{
	char path[CG_PATH_MAX + 64];

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	return access(path, F_OK) == 0;
}

/* --- where: the hierarchies, and the container's directory in each ----------- */

/* Where the hierarchy of a /proc/PID/cgroup line (@ctrls: "" for v2)
 * shows @path, from a mountinfo; *@base: the length of its mount point. */
static int cg_dir(const char *mountinfo, const char *ctrls, const char *path, char *out,
		  size_t size, size_t *base)
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
		if (ctrls[0] ? strcmp(fstype, "cgroup") || !str_has_all(sopts, ctrls)
			     : strcmp(fstype, "cgroup2"))
			continue;
		rl = strlen(root);
		if (strcmp(root, "/")) {	/* a mount of part of the hierarchy */
			if (strncmp(path, root, rl) || (path[rl] && path[rl] != '/'))
				continue;
			rel = path + rl;
		}
		if (base)
			*base = strlen(mp);
		return snprintf(out, size, "%s%s", mp, rel) < (int)size ? 0 : -ENAMETOOLONG;
	}
	return -ENOENT;
}

/* @in, a cgroup path, with "." and empty components dropped, in @out
 * (absolute stays absolute); -EINVAL for "..", a control character, or
 * nothing left. */
static int cg_clean(const char *in, char *out, size_t size)
{
	size_t n = 0;

	for (const char *c = in; *c; c++)
		if ((unsigned char)*c < 0x20 || *c == 0x7f)
			return -EINVAL;
	if (in[0] == '/' && size > 1)
		out[n++] = '/';
	for (const char *p = in; *p;) {
		size_t len = strcspn(p, "/");

		if (len == 2 && !strncmp(p, "..", 2))
			return -EINVAL;
		if (len && !(len == 1 && *p == '.')) {
			bool slash = n && out[n - 1] != '/';

			if (n + slash + len + 1 > size)
				return -ENAMETOOLONG;
			if (slash)
				out[n++] = '/';
			memcpy(out + n, p, len);
			n += len;
		}
		p += len + (p[len] == '/');
	}
	out[n] = '\0';
	return n && strcmp(out, "/") ? 0 : -EINVAL;
}

/* A systemd slice's directory: "a-b.slice" is /a.slice/a-b.slice, "-.slice" the root. */
static int cg_slice(const char *slice, char *out, size_t size)
{
	size_t n = strlen(slice), o = 0;

	out[0] = '\0';
	if (n < 7 || strcmp(slice + n - 6, ".slice") || strchr(slice, '/'))
		return -EINVAL;
	if (!strcmp(slice, "-.slice"))
		return 0;
	n -= 6;
	if (slice[0] == '-' || slice[n - 1] == '-' || strstr(slice, "--"))
		return -EINVAL;
	for (size_t i = 0; i <= n; i++) {
		if (i < n && slice[i] != '-')
			continue;
		if (o + i + 8 > size)
			return -ENAMETOOLONG;
		o += (size_t)snprintf(out + o, size - o, "/%.*s.slice", (int)i, slice);
	}
	return 0;
}

/* --systemd-cgroup: "slice:prefix:name" as the directory of its scope. */
static int cg_systemd(const char *path, const char *id, char *out, size_t size,
		      struct eci_err *e)
{
	char slice[256], prefix[256], name[256], dir[1024];
	const char *a = strchr(path, ':'), *b = a ? strchr(a + 1, ':') : NULL;

	if (!path[0]) {		/* runc's default */
		snprintf(slice, sizeof(slice), "system.slice");
		snprintf(prefix, sizeof(prefix), "runc");
		snprintf(name, sizeof(name), "%s", id);
	} else if (!b || strchr(b + 1, ':') || a - path >= 256 || b - a > 256 || strlen(b) > 256) {
		return eci_fail(e, 0, "cgroupsPath \"%s\": with --systemd-cgroup it must be "
				"slice:prefix:name", path);
	} else {
		snprintf(slice, sizeof(slice), "%.*s", (int)(a - path), path);
		snprintf(prefix, sizeof(prefix), "%.*s", (int)(b - a - 1), a + 1);
		snprintf(name, sizeof(name), "%s", b + 1);
	}
	if (!slice[0])
		snprintf(slice, sizeof(slice), "system.slice");
	if (cg_slice(slice, dir, sizeof(dir)) < 0 || !name[0] || strchr(name, '/') ||
	    strchr(prefix, '/') || !strcmp(name, ".") || !strcmp(name, ".."))
		return eci_fail(e, 0, "cgroupsPath \"%s\": not a systemd slice:prefix:name", path);
	if (strlen(name) > 6 && !strcmp(name + strlen(name) - 6, ".slice"))
		return eci_fail(e, 0, "cgroupsPath \"%s\": a slice as the container's own unit is "
				"not supported", path);
	if (snprintf(out, size, "%s/%s%s%s.scope", dir, prefix, prefix[0] ? "-" : "", name) >=
	    (int)size)
		return eci_fail(e, ENAMETOOLONG, "cgroupsPath \"%s\"", path);
	return 0;
}

/* The path asked for, absolute or relative, cleaned. */
static int cg_wanted(const char *path, const char *id, bool systemd, char *out, size_t size,
		     struct eci_err *e)
{
	char tmp[CG_PATH_MAX];

	if (systemd && cg_systemd(path, id, tmp, sizeof(tmp), e) < 0)
		return -1;
	if (!systemd)
		snprintf(tmp, sizeof(tmp), "%s", path[0] ? path : id);
	if (cg_clean(tmp, out, size) < 0)
		return eci_fail(e, 0, "cgroupsPath \"%s\": not a plain cgroup path (no \"..\", no "
				"control characters)", path[0] ? path : id);
	return 0;
}

static int cg_add(struct cgroups *cg, const char *ctrls, const char *path, size_t base,
		  struct eci_err *e)
{
	for (size_t i = 0; i < cg->n; i++)
		if (!strcmp(cg->d[i].path, path))
			return 0;	/* the same hierarchy, listed twice */
	if (cg->n == CG_MAX_HIER || strlen(ctrls) >= sizeof(cg->d[0].ctrls) ||
	    strlen(path) >= sizeof(cg->d[0].path))
		return eci_fail(e, E2BIG, "the container's cgroup %s", path);
	snprintf(cg->d[cg->n].ctrls, sizeof(cg->d[0].ctrls), "%s", ctrls);
	snprintf(cg->d[cg->n].path, sizeof(cg->d[0].path), "%s", path);
	cg->d[cg->n++].base = base;
	return 0;
}

/* One line of our /proc/self/cgroup, "ID:controllers:/own": the
 * container's directory in that hierarchy, if this host mounts it. */
static int cg_plan_line(char *line, const char *info, const char *want, struct cgroups *cg,
			struct eci_err *e)
{
	char *ctrls = strchr(line, ':'), *own, full[CG_PATH_MAX], dir[CG_PATH_MAX];
	size_t base = 0;
	int r;

	if (!ctrls || !(own = strchr(++ctrls, ':')))
		return 0;
	*own++ = '\0';
	if (want[0] == '/') {
		snprintf(full, sizeof(full), "%s", want);
	} else {
		/* v2: below our cgroup's parent, which holds no process */
		char *cut = ctrls[0] ? NULL : strrchr(own, '/');

		if (cut)
			*cut = '\0';
		if (snprintf(full, sizeof(full), "%s/%s", strcmp(own, "/") ? own : "", want) >=
		    (int)sizeof(full))
			return eci_fail(e, ENAMETOOLONG, "the container's cgroup %s", want);
	}
	r = cg_dir(info, ctrls, full, dir, sizeof(dir), &base);
	if (r == -ENOENT)
		return 0;	/* a hierarchy not mounted here */
	if (r < 0)
		return eci_fail(e, -r, "the container's cgroup %s", full);
	return cg_add(cg, ctrls, dir, base, e);
}

int cgroup_plan(const char *path, const char *id, bool systemd, struct cgroups *cg,
		struct eci_err *e)
{
	_cleanup_free_ char *own = NULL, *info = NULL;
	char want[CG_PATH_MAX], *save = NULL;
	int r;

	cg->n = 0;
	if (cg_wanted(path, id, systemd, want, sizeof(want), e) < 0)
		return -1;
	if ((r = read_all_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &own, NULL)) < 0 ||
	    (r = read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info, NULL)) < 0)
		return eci_fail(e, -r, "read our own cgroups");
	for (char *l = strtok_r(own, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
		if (cg_plan_line(l, info, want, cg, e) < 0)
			return -1;
	if (!cg->n)
		return eci_fail(e, 0, "cgroupsPath \"%s\": this host mounts no cgroup hierarchy",
				want);
	return 0;
}

/* --- the record: one "CONTROLLERS<TAB>DIRECTORY" line per hierarchy -------- */

int cgroup_format(const struct cgroups *cg, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < cg->n; i++) {
		int w = snprintf(buf + n, size - n, "%s\t%s\n", cg->d[i].ctrls, cg->d[i].path);

		if (w < 0 || (size_t)w >= size - n)
			return -ENAMETOOLONG;
		n += (size_t)w;
	}
	return 0;
}

/* A recorded directory: absolute, no "..", under a cgroup file system. */
static bool cg_sane(const char *path)
{
	char clean[CG_PATH_MAX];

	return path[0] == '/' && cg_clean(path, clean, sizeof(clean)) == 0 &&
	       !strcmp(clean, path);
}

int cgroup_parse(const char *text, struct cgroups *cg)
{
	_cleanup_free_ char *copy = strdup(text);
	char *save = NULL;
	struct eci_err e;

	cg->n = 0;
	if (!copy)
		return -ENOMEM;
	/* What an older eci-runc recorded: the cgroupsPath itself, absolute. */
	if (copy[0] == '/' && !strchr(copy, '\t')) {
		copy[strcspn(copy, "\n")] = '\0';
		return cgroup_plan(copy, "", false, cg, &e) < 0 ? -EINVAL : 0;
	}
	for (char *l = strtok_r(copy, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char *tab = strchr(l, '\t');

		if (!tab || !cg_sane(tab + 1))
			return -EINVAL;
		*tab = '\0';
		if (cg_add(cg, l, tab + 1, 0, &e) < 0)
			return -EINVAL;
	}
	return 0;
}

/* --- made, limited, entered -------------------------------------------------- */

/* A new v1 cpuset directory has no cpus nor mems: its parent's, as runc gives. */
static void cg_cpuset_inherit(const char *dir)
{
	static const char *const files[] = { "cpuset.cpus", "cpuset.mems" };
	char parent[CG_PATH_MAX], val[4096];

	snprintf(parent, sizeof(parent), "%s", dir);
	*strrchr(parent, '/') = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(files); i++)
		if (cg_get(dir, files[i], val, sizeof(val)) == 0 && !val[0] &&
		    cg_get(parent, files[i], val, sizeof(val)) == 0)
			cg_put(dir, files[i], val);
}

/* A v2 parent: its controllers for its children, one by one (one the
 * kernel refuses is found missing when a limit needs it). */
static void cg_v2_enable(const char *dir)
{
	char ctrls[1024], one[80];

	if (cg_get(dir, "cgroup.controllers", ctrls, sizeof(ctrls)) < 0)
		return;
	for (char *save = NULL, *c = strtok_r(ctrls, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
		snprintf(one, sizeof(one), "+%s", c);
		cg_put(dir, "cgroup.subtree_control", one);
	}
}

/* The directory and those missing above it, below the mount point. */
static int cg_make(const struct cg_dir *d, struct eci_err *e)
{
	char p[CG_PATH_MAX];
	bool v2 = !d->ctrls[0], cpuset = str_in_list(d->ctrls, "cpuset", 6, ',');
	size_t n = strlen(d->path);

	snprintf(p, sizeof(p), "%s", d->path);
	for (size_t i = d->base + 1; i <= n; i++) {
		if (p[i] != '/' && p[i] != '\0')
			continue;
		p[i] = '\0';
		if (v2) {	/* the parent of what comes next */
			char parent[CG_PATH_MAX];

			snprintf(parent, sizeof(parent), "%s", p);
			*strrchr(parent, '/') = '\0';
			cg_v2_enable(parent);
		}
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			return eci_fail(e, errno, "create the container's cgroup %s", p);
		if (cpuset)
			cg_cpuset_inherit(p);
		p[i] = d->path[i];
	}
	return 0;
}

/* The directory of @cg where controller @c is: v1's that lists it, or
 * v2's whose cgroup.controllers does; NULL if none. */
static const struct cg_dir *cg_find(const struct cgroups *cg, const char *c, bool *v2)
{
	char avail[1024];

	for (size_t i = 0; i < cg->n; i++)
		if (cg->d[i].ctrls[0] && str_in_list(cg->d[i].ctrls, c, strlen(c), ',')) {
			*v2 = false;
			return &cg->d[i];
		}
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->d[i].ctrls[0] &&
		    cg_get(cg->d[i].path, "cgroup.controllers", avail, sizeof(avail)) == 0 &&
		    str_in_list(avail, c, strlen(c), ' ')) {
			*v2 = true;
			return &cg->d[i];
		}
	return NULL;
}

/* Write one limit; the message names the field of linux.resources. */
static int cg_set(const struct cg_dir *d, const char *file, const char *val, const char *field,
		  struct eci_err *e)
{
	int r = cg_put(d->path, file, val);

	return r < 0 ? eci_fail(e, -r, "linux.resources.%s: write %s to %s/%s", field, val,
				d->path, file) : 0;
}

static int cg_set_ll(const struct cg_dir *d, const char *file, long long v, const char *field,
		     struct eci_err *e)
{
	char val[32];

	snprintf(val, sizeof(val), "%lld", v);
	return cg_set(d, file, val, field, e);
}

/* v2's "max" for no limit (-1). */
static int cg_set_max(const struct cg_dir *d, const char *file, long long v, const char *field,
		      struct eci_err *e)
{
	return v < 0 ? cg_set(d, file, "max", field, e) : cg_set_ll(d, file, v, field, e);
}

/* v1: memory and memory+swap, in the order the kernel accepts (the total
 * is never below the memory limit). */
static int cg_memory_v1(const struct cg_dir *d, const struct cg_limits *l, struct eci_err *e)
{
	long long mem = l->memory, swap = l->memory_swap;
	bool memsw = cg_has(d->path, "memory.memsw.limit_in_bytes");
	char cur[64];

	if (mem == -1 && swap == 0)
		swap = -1;
	if (swap == -1 && !memsw)
		swap = 0;	/* no swap accounting: unlimited already */
	if (mem && swap && cg_get(d->path, "memory.limit_in_bytes", cur, sizeof(cur)) == 0 &&
	    (swap == -1 || strtoull(cur, NULL, 10) < (unsigned long long)swap)) {
		if (cg_set_ll(d, "memory.memsw.limit_in_bytes", swap, "memory.swap", e) < 0 ||
		    cg_set_ll(d, "memory.limit_in_bytes", mem, "memory.limit", e) < 0)
			return -1;
	} else if ((mem && cg_set_ll(d, "memory.limit_in_bytes", mem, "memory.limit", e) < 0) ||
		   (swap && cg_set_ll(d, "memory.memsw.limit_in_bytes", swap, "memory.swap", e) < 0)) {
		return -1;
	}
	if (l->memory_reservation &&
	    cg_set_ll(d, "memory.soft_limit_in_bytes", l->memory_reservation, "memory.reservation",
		      e) < 0)
		return -1;
	if (l->swappiness >= 0 &&
	    cg_set_ll(d, "memory.swappiness", l->swappiness, "memory.swappiness", e) < 0)
		return -1;
	if (l->no_oom_kill && cg_set(d, "memory.oom_control", "1", "memory.disableOOMKiller", e) < 0)
		return -1;
	return 0;
}

/* v2: memory.max, memory.swap.max (swap beyond memory), memory.low. */
static int cg_memory_v2(const struct cg_dir *d, const struct cg_limits *l, struct eci_err *e)
{
	long long mem = l->memory, swap = l->memory_swap;

	if (l->swappiness >= 0)
		return eci_fail(e, 0, "linux.resources.memory.swappiness: not available with cgroup v2");
	if (l->no_oom_kill)
		return eci_fail(e, 0, "linux.resources.memory.disableOOMKiller: not available with "
				"cgroup v2");
	if (mem == -1 && swap == 0)
		swap = -1;
	if (swap > 0) {
		if (mem <= 0 || swap < mem)
			return eci_fail(e, 0, "linux.resources.memory.swap %lld: must be at least "
					"memory.limit", swap);
		swap -= mem;
	}
	if (swap == -1 && !cg_has(d->path, "memory.swap.max"))
		swap = 0;
	if ((mem && cg_set_max(d, "memory.max", mem, "memory.limit", e) < 0) ||
	    (swap && cg_set_max(d, "memory.swap.max", swap, "memory.swap", e) < 0) ||
	    (l->memory_reservation &&
	     cg_set_max(d, "memory.low", l->memory_reservation, "memory.reservation", e) < 0))
		return -1;
	return 0;
}

static int cg_cpu(const struct cg_dir *d, bool v2, const struct cg_limits *l, struct eci_err *e)
{
	if (v2) {
		char max[64];

		if (l->cpu_shares && cg_set_ll(d, "cpu.weight",
					       1 + ((long long)l->cpu_shares - 2) * 9999 / 262142,
					       "cpu.shares", e) < 0)
			return -1;
		if (!l->cpu_quota && !l->cpu_period)
			return 0;
		if (l->cpu_quota > 0)
			snprintf(max, sizeof(max), "%lld", l->cpu_quota);
		else
			snprintf(max, sizeof(max), "max");
		if (l->cpu_period)
			snprintf(max + strlen(max), sizeof(max) - strlen(max), " %llu", l->cpu_period);
		return cg_set(d, "cpu.max", max, l->cpu_quota ? "cpu.quota" : "cpu.period", e);
	}
	if (l->cpu_shares && cg_set_ll(d, "cpu.shares", (long long)l->cpu_shares, "cpu.shares", e) < 0)
		return -1;
	if (l->cpu_period) {
		char val[32];
		int r;

		snprintf(val, sizeof(val), "%llu", l->cpu_period);
		r = cg_put(d->path, "cpu.cfs_period_us", val);
		/* a period the current quota does not fit: the quota first */
		if (r == -EINVAL && l->cpu_quota)
			return cg_set_ll(d, "cpu.cfs_quota_us", l->cpu_quota, "cpu.quota", e) < 0 ? -1
			       : cg_set(d, "cpu.cfs_period_us", val, "cpu.period", e);
		if (r < 0)
			return eci_fail(e, -r, "linux.resources.cpu.period: write %s to %s/%s", val,
					d->path, "cpu.cfs_period_us");
	}
	if (l->cpu_quota && cg_set_ll(d, "cpu.cfs_quota_us", l->cpu_quota, "cpu.quota", e) < 0)
		return -1;
	return 0;
}

static int cg_blkio(const struct cg_dir *d, bool v2, const struct cg_limits *l, struct eci_err *e)
{
	static const char *const v1[] = { "blkio.weight", "blkio.bfq.weight" };
	static const char *const v2f[] = { "io.bfq.weight", "io.weight" };
	const char *const *files = v2 ? v2f : v1;
	char val[32];

	snprintf(val, sizeof(val), "%s%u", v2 ? "default " : "", l->blkio_weight);
	for (size_t i = 0; i < 2; i++)
		if (cg_has(d->path, files[i]))
			return cg_set(d, files[i], val, "blockIO.weight", e);
	return eci_fail(e, 0, "linux.resources.blockIO.weight: this host's block I/O controller "
			"has no weight (%s)", files[0]);
}

/* A controller asked for and missing: the first field that needs it. */
static int cg_missing(const char *ctrl, const char *field, struct eci_err *e)
{
	return eci_fail(e, 0, "linux.resources.%s: this host has no %s cgroup controller for the "
			"container", field, ctrl);
}

int cgroup_limit(const struct cgroups *cg, const struct cg_limits *l, struct eci_err *e)
{
	const struct cg_dir *d;
	bool v2;

	if (l->memory || l->memory_swap || l->memory_reservation || l->swappiness >= 0 ||
	    l->no_oom_kill) {
		if (!(d = cg_find(cg, "memory", &v2)))
			return cg_missing("memory", "memory", e);
		if ((v2 ? cg_memory_v2 : cg_memory_v1)(d, l, e) < 0)
			return -1;
	}
	if (l->cpu_shares || l->cpu_quota || l->cpu_period) {
		if (!(d = cg_find(cg, "cpu", &v2)))
			return cg_missing("cpu", "cpu", e);
		if (cg_cpu(d, v2, l, e) < 0)
			return -1;
	}
	if ((l->cpus && l->cpus[0]) || (l->mems && l->mems[0])) {
		if (!(d = cg_find(cg, "cpuset", &v2)))
			return cg_missing("cpuset", l->cpus && l->cpus[0] ? "cpu.cpus" : "cpu.mems", e);
		if ((l->cpus && l->cpus[0] && cg_set(d, "cpuset.cpus", l->cpus, "cpu.cpus", e) < 0) ||
		    (l->mems && l->mems[0] && cg_set(d, "cpuset.mems", l->mems, "cpu.mems", e) < 0))
			return -1;
	}
	if (l->pids) {
		if (!(d = cg_find(cg, "pids", &v2)))
			return cg_missing("pids", "pids.limit", e);
		if (cg_set_max(d, "pids.max", l->pids, "pids.limit", e) < 0)
			return -1;
	}
	if (l->blkio_weight) {
		if (!(d = cg_find(cg, "blkio", &v2)) && !(d = cg_find(cg, "io", &v2)))
			return cg_missing("block I/O", "blockIO.weight", e);
		if (cg_blkio(d, v2, l, e) < 0)
			return -1;
	}
	return 0;
}

int cgroup_enter(const struct cgroups *cg, pid_t pid, const struct cg_limits *l,
		 struct eci_err *e)
{
	char val[32];

	for (size_t i = 0; i < cg->n; i++)
		if (cg_make(&cg->d[i], e) < 0)
			return -1;
	if (cgroup_limit(cg, l, e) < 0)
		return -1;
	snprintf(val, sizeof(val), "%d", (int)pid);
	for (size_t i = 0; i < cg->n; i++) {
		int r = cg_put(cg->d[i].path, "cgroup.procs", val);

		if (r < 0)
			return eci_fail(e, -r, "move the container into its cgroup %s", cg->d[i].path);
	}
	return 0;
}

/* --- frozen, killed, removed ------------------------------------------------- */

/* The freezer: v1's where it is mounted, else the v2 directory. */
static const struct cg_dir *cg_freezer(const struct cgroups *cg, bool *v2)
{
	for (size_t i = 0; i < cg->n; i++)
		if (str_in_list(cg->d[i].ctrls, "freezer", 7, ',')) {
			*v2 = false;
			return &cg->d[i];
		}
	for (size_t i = 0; i < cg->n; i++)
		if (!cg->d[i].ctrls[0] && cg_has(cg->d[i].path, "cgroup.freeze")) {
			*v2 = true;
			return &cg->d[i];
		}
	return NULL;
}

/* Is the freezer's state @frozen (v2: done, "frozen 1" in cgroup.events)? */
static bool cg_state_is(const struct cg_dir *d, bool v2, bool frozen)
{
	_cleanup_free_ char *text = NULL;
	char path[CG_PATH_MAX + 32], val[32];

	if (!v2)
		return cg_get(d->path, "freezer.state", val, sizeof(val)) == 0 &&
		       !strcmp(val, frozen ? "FROZEN" : "THAWED");
	snprintf(path, sizeof(path), "%s/cgroup.events", d->path);
	if (read_all_at(AT_FDCWD, path, 4096, &text, NULL) < 0)
		return false;
	return strstr(text, frozen ? "frozen 1" : "frozen 0") != NULL;
}

bool cgroup_frozen(const struct cgroups *cg)
{
	char val[32];
	bool v2;
	const struct cg_dir *d = cg_freezer(cg, &v2);

	if (!d)
		return false;
	if (v2)
		return cg_get(d->path, "cgroup.freeze", val, sizeof(val)) == 0 && !strcmp(val, "1");
	return cg_get(d->path, "freezer.state", val, sizeof(val)) == 0 && strcmp(val, "THAWED");
}

/*
 * Freezing takes a moment (each task stops at its next return to user
 * space); v1 may need the state written again while tasks are still being
 * forked.  Five seconds at most: a verb the engine waits on never hangs.
 */
int cgroup_freeze(const struct cgroups *cg, bool freeze, struct eci_err *e)
{
	bool v2;
	const struct cg_dir *d = cg_freezer(cg, &v2);
	const char *val = v2 ? (freeze ? "1" : "0") : (freeze ? "FROZEN" : "THAWED");
	const char *file = v2 ? "cgroup.freeze" : "freezer.state";

	if (!d)
		return eci_fail(e, 0, "%s: the container has no freezer cgroup (cgroup v1 freezer or "
				"cgroup v2)", freeze ? "pause" : "resume");
	for (int i = 0; i < 500; i++) {
		int r = i % 10 ? 0 : cg_put(d->path, file, val);

		if (r < 0)
			return eci_fail(e, -r, "%s: write %s to %s/%s", freeze ? "pause" : "resume",
					val, d->path, file);
		if (cg_state_is(d, v2, freeze))
			return 0;
		usleep(10000);
	}
	if (freeze)
		cg_put(d->path, file, v2 ? "0" : "THAWED");
	return eci_fail(e, EBUSY, "%s: the container's processes were not %s within 5 seconds",
			freeze ? "pause" : "resume", freeze ? "frozen" : "thawed");
}

/* "." or "..": a cgroup's own name may begin with a dot (CG_INIT_LEAF) */
static bool is_dot(const char *name)
{
	return name[0] == '.' && (!name[1] || (name[1] == '.' && !name[2]));
}

/* The directories the container made below its own cgroup @dir, deepest
 * first, @fn called on each (then on @dir itself); @depth bounds it. */
static void cg_walk(const char *dir, int depth, void (*fn)(const char *dir))
{
	_cleanup_close_ int fd = -1;
	struct dirent *de;
	DIR *d;

	if (depth > 0 && (fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
	    (d = fdopendir(fd))) {
		fd = -1;
		while ((de = readdir(d))) {
			char sub[CG_PATH_MAX];

			if (de->d_type != DT_DIR || is_dot(de->d_name) ||
			    snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name) >= (int)sizeof(sub))
				continue;
			cg_walk(sub, depth - 1, fn);
		}
		closedir(d);
	}
	fn(dir);
}

/* How deep a container's own cgroups are followed (a nested engine's
 * docker/ID/... is 3 or 4). */
#define CG_DEPTH 16

/* The signal cg_signal_procs() sends (cg_walk() passes no context). */
static int cg_walk_sig = SIGKILL;

static void cg_signal_procs(const char *dir)
{
	char path[CG_PATH_MAX + 32];
	_cleanup_free_ char *procs = NULL;
	char *save = NULL;

	snprintf(path, sizeof(path), "%s/cgroup.procs", dir);
	if (read_all_at(AT_FDCWD, path, 1 << 20, &procs, NULL) < 0)
		return;
	for (char *p = strtok_r(procs, "\n", &save); p; p = strtok_r(NULL, "\n", &save)) {
		int fd = (int)syscall(SYS_pidfd_open, atoi(p), 0);

		if (fd >= 0) {
			syscall(SYS_pidfd_send_signal, fd, cg_walk_sig, NULL, 0);
			close(fd);
		}
	}
}

void cgroup_signal(const struct cgroups *cg, int sig)
{
	if (!cg->n)
		return;
	cg_walk_sig = sig;
	cg_walk(cg->d[0].path, CG_DEPTH, cg_signal_procs);
	cg_walk_sig = SIGKILL;
}

static void cg_rmdir(const char *dir)
{
	rmdir(dir);
}

/* Every process of @cg and of the cgroups it made: SIGKILL (v2's
 * cgroup.kill, else one by one), and thawed, so that a paused one dies. */
void cgroup_kill(const struct cgroups *cg)
{
	const struct cg_dir *f;
	bool done = false, v2;

	for (size_t i = 0; i < cg->n && !done; i++)
		done = !cg->d[i].ctrls[0] && cg_put(cg->d[i].path, "cgroup.kill", "1") == 0;
	for (size_t i = 0; i < cg->n && !done; i++)
		if (access(cg->d[i].path, F_OK) == 0) {
			cg_walk(cg->d[i].path, CG_DEPTH, cg_signal_procs);
			done = true;
		}
	if ((f = cg_freezer(cg, &v2)))
		cg_put(f->path, v2 ? "cgroup.freeze" : "freezer.state", v2 ? "0" : "THAWED");
}

bool cgroup_left(const struct cgroups *cg)
{
	for (size_t i = 0; i < cg->n; i++)
		if (access(cg->d[i].path, F_OK) == 0)
			return true;
	return false;
}

/*
 * A process leaves its cgroups last of all when it exits, after its files
 * (the shim may learn of pid 1's end and delete before the others are
 * gone): tried again for two seconds at most.  The cgroups the container
 * made go first.
 */
bool cgroup_remove(const struct cgroups *cg)
{
	for (int i = 0; i < 200; i++) {
		for (size_t k = 0; k < cg->n; k++)
			cg_walk(cg->d[k].path, CG_DEPTH, cg_rmdir);
		if (!cgroup_left(cg))
			return true;
		usleep(10000);
	}
	return false;
}

int cgroup_delegate(const struct cgroups *cg, uid_t uid, gid_t gid, struct eci_err *e)
{
	static const char *const files[] = CG_DELEGATED_FILES;

	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_close_ int dir = open(cg->d[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);

		if (dir < 0 || fchown(dir, uid, gid) < 0)
			return eci_fail(e, errno, "delegate the cgroup %s", cg->d[i].path);
		/* v2: pid 1's leaf (cgroup_init_aside()), root's but for its
		 * cgroup.procs, which pid 1 writes: the container cannot
		 * freeze, limit or kill eci's init there */
		if (!cg->d[i].ctrls[0] &&
		    ((mkdirat(dir, CG_INIT_LEAF, 0755) < 0 && errno != EEXIST) ||
		     fchownat(dir, CG_INIT_LEAF "/cgroup.procs", uid, gid, AT_SYMLINK_NOFOLLOW) < 0))
			return eci_fail(e, errno, "delegate the cgroup %s (%s)", cg->d[i].path,
					CG_INIT_LEAF);
		for (size_t k = 0; k < sizeof(files) / sizeof(files[0]); k++)
			if (fchownat(dir, files[k], uid, gid, AT_SYMLINK_NOFOLLOW) < 0 &&
			    errno != ENOENT)
				return eci_fail(e, errno, "delegate the cgroup %s (%s)", cg->d[i].path,
						files[k]);
	}
	return 0;
}

int cgroup_open_dirs(const struct cgroups *cg, int *fd, struct eci_err *e)
{
	for (size_t i = 0; i < cg->n; i++) {
		fd[i] = open(cg->d[i].path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
		if (fd[i] < 0) {
			int err = errno;

			while (i)
				close(fd[--i]);
			return eci_fail(e, err, "open the container's cgroup %s", cg->d[i].path);
		}
	}
	return 0;
}

/* @name beside @dir (NULL: @dir) group-writable, if its group is @gid. */
static int cg_group_write(int dir, const char *name, gid_t gid, const char *path,
			  struct eci_err *e)
{
	_cleanup_close_ int fd = name ? openat(dir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC) : -1;
	struct stat st;

	if (name && fd < 0)
		return errno == ENOENT ? 0 : eci_fail(e, errno, "delegate the cgroup %s (%s)",
						      path, name);
	if (fstat(name ? fd : dir, &st) < 0)
		return eci_fail(e, errno, "delegate the cgroup %s", path);
	if (st.st_gid != gid)
		return eci_fail(e, 0, "delegate the cgroup %s: eci-newidmap did not give %s to "
				"gid %u (is it older than eci-run? an administrator runs 'make "
				"install-privileged')", path, name ? name : "it", (unsigned)gid);
	if (fchmod(name ? fd : dir, (st.st_mode & 07777) | S_IWGRP) < 0)
		return eci_fail(e, errno, "delegate the cgroup %s (%s)", path, name ? name : ".");
	return 0;
}

int cgroup_group_writable(const struct cgroups *cg, gid_t gid, struct eci_err *e)
{
	static const char *const files[] = CG_DELEGATED_FILES;

	for (size_t i = 0; i < cg->n; i++) {
		_cleanup_close_ int dir = open(cg->d[i].path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
					       O_CLOEXEC);

		if (dir < 0)
			return eci_fail(e, errno, "delegate the cgroup %s", cg->d[i].path);
		if (cg_group_write(dir, NULL, gid, cg->d[i].path, e) < 0)
			return -1;
		for (size_t k = 0; k < ARRAY_SIZE(files); k++)
			if (cg_group_write(dir, files[k], gid, cg->d[i].path, e) < 0)
				return -1;
	}
	return 0;
}

/* One pass over the directories below @dir, deepest first; are any left? */
static bool cg_clear_pass(const char *dir)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	bool left = false;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd)))
		return false;
	fd = -1;
	while ((de = readdir(d))) {
		char sub[CG_PATH_MAX + 300];

		if (de->d_type != DT_DIR || is_dot(de->d_name))
			continue;
		snprintf(sub, sizeof(sub), "%s/%s", dir, de->d_name);
		cg_walk(sub, CG_DEPTH, cg_rmdir);
		left |= access(sub, F_OK) == 0;
	}
	closedir(d);
	return left;
}

/* The container's processes leave their cgroups as they exit, a moment
 * after pid 1's end: tried again for two seconds at most. */
bool cgroup_clear_below(const struct cgroups *cg)
{
	for (int i = 0; i < 200; i++) {
		bool left = false;

		for (size_t k = 0; k < cg->n; k++)
			left |= cg_clear_pass(cg->d[k].path);
		if (!left)
			return true;
		usleep(10000);
	}
	return false;
}

void cgroup_init_aside(const char *v2dir)
{
	_cleanup_close_ int dir = -1, procs = -1;

	if (!v2dir || (dir = open(v2dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0 ||
	    (mkdirat(dir, CG_INIT_LEAF, 0755) < 0 && errno != EEXIST) ||
	    (procs = openat(dir, CG_INIT_LEAF "/cgroup.procs", O_WRONLY | O_NOFOLLOW |
			    O_CLOEXEC)) < 0)
		return;
	write_all(procs, "0", 1);	/* the writer itself */
}

/* --- joining ------------------------------------------------------------- */

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
	r = cg_dir(mountinfo, ctrls, where, dir, sizeof(dir), NULL);
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

int cgroup_join_leaf(pid_t pid, int pidfd, const char *leaf, struct eci_err *e)
{
	_cleanup_free_ char *cg = NULL, *info = NULL;
	char path[64], *save = NULL;
	size_t n = strlen(leaf);
	int r;

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	if (read_all_at(AT_FDCWD, path, 1 << 16, &cg, NULL) < 0 || !pidfd_alive(pidfd))
		return eci_fail(e, 0, "the container's cgroups: it is gone");
	for (char *l = strtok_r(cg, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		size_t len = strlen(l);
		const size_t aside = sizeof("/" CG_INIT_LEAF) - 1;

		/* pid 1 set aside (cgroup_init_aside()): joined there, a leaf,
		 * which no cgroup below holds processes back from */
		if (len > n + aside && !strcmp(l + len - aside, "/" CG_INIT_LEAF))
			len -= aside;
		if (len <= n + 1 || strncmp(l + len - n, leaf, n) || l[len - n - 1] != '/')
			continue;
		if (!info && (r = read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info,
					      NULL)) < 0)
			return eci_fail(e, -r, "read /proc/self/mountinfo");
		if (cg_line(l, info, e) < 0)
			return -1;
	}
	return 0;
}

/* --- delegated to the user: eci-run's limits --------------------------------- */

/*
 * eci-run runs as the user, who may divide a cgroup only where it is
 * theirs: a v1 or v2 directory an administrator hands them (chown of the
 * directory and its cgroup.procs), or what systemd's Delegate=yes gives.
 * The container's directory is cgroup_plan()'s for "eci-ID": in v1 below
 * the user's own cgroup, in v2 below its parent (a v2 cgroup with
 * processes cannot give its children controllers, and moving pid 1 needs
 * the common parent's cgroup.procs).  That parent must be writable by the
 * user, and its cgroup.procs too, in the hierarchy of each controller a
 * limit needs; else the flag is refused, naming why.
 */
static const struct cg_dir *cg_deleg_find(const struct cgroups *all, const char *c,
					  char *parent, size_t size)
{
	char avail[1024];

	for (int v2 = 0; v2 <= 1; v2++)
		for (size_t i = 0; i < all->n; i++) {
			const struct cg_dir *d = &all->d[i];

			if (v2 == !!d->ctrls[0])
				continue;
			snprintf(parent, size, "%s", d->path);
			*strrchr(parent, '/') = '\0';
			if (v2 ? cg_get(parent, "cgroup.controllers", avail, sizeof(avail)) == 0 &&
				 str_in_list(avail, c, strlen(c), ' ')
			       : str_in_list(d->ctrls, c, strlen(c), ','))
				return d;
		}
	return NULL;
}

/* The parent of the container's directory @d, if the user may divide
 * it: it and its cgroup.procs writable. */
static bool cg_user_divides(const struct cg_dir *d, char *parent, size_t size)
{
	char procs[CG_PATH_MAX + 16];

	snprintf(parent, size, "%s", d->path);
	*strrchr(parent, '/') = '\0';
	snprintf(procs, sizeof(procs), "%s/cgroup.procs", parent);
	return access(parent, W_OK) == 0 && access(procs, W_OK) == 0;
}

int cgroup_delegable(const char *id, struct cgroups *cg, struct eci_err *e)
{
	char name[64 + ECI_ID_LEN], parent[CG_PATH_MAX];
	struct cgroups all;
	size_t before = cg->n;

	snprintf(name, sizeof(name), "eci-%s", id);
	if (cgroup_plan(name, id, false, &all, e) < 0)
		return -1;
	for (size_t i = 0; i < all.n; i++)
		if (cg_user_divides(&all.d[i], parent, sizeof(parent)) &&
		    cg_add(cg, all.d[i].ctrls, all.d[i].path, all.d[i].base, e) < 0)
			return -1;
	return (int)(cg->n - before);
}

/* The owner of a cgroup below @dir that is not the caller's (its
 * container's root made it): true, in *@owner. */
static bool cg_made_below(const char *dir, uid_t *owner)
{
	_cleanup_close_ int fd = open(dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	struct dirent *de;
	bool found = false;
	DIR *d;

	if (fd < 0 || !(d = fdopendir(fd)))
		return false;
	fd = -1;
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (de->d_type == DT_DIR && !is_dot(de->d_name) &&
		    fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_uid != getuid()) {
			*owner = st.st_uid;
			found = true;
		}
	}
	closedir(d);
	return found;
}

void cgroup_delegated_sweep(bool (*live)(const char *id, void *ctx), void *ctx,
			    void (*removed)(const char *path),
			    bool (*clear)(const char *path, uid_t owner))
{
	char parent[CG_PATH_MAX], seen[CG_MAX_HIER][CG_PATH_MAX];
	struct cgroups all;
	struct eci_err e;

	if (cgroup_plan("eci-sweep", "sweep", false, &all, &e) < 0)
		return;
	for (size_t k = 0; k < all.n; k++) {
		struct dirent *de;
		DIR *d;
		bool again = false;

		seen[k][0] = '\0';
		if (!cg_user_divides(&all.d[k], parent, sizeof(parent)))
			continue;
		for (size_t j = 0; j < k; j++)
			again |= !strcmp(seen[j], parent);
		snprintf(seen[k], sizeof(seen[k]), "%s", parent);
		if (again || !(d = opendir(parent)))
			continue;
		while ((de = readdir(d))) {
			char path[CG_PATH_MAX + 300];
			uid_t owner;

			if (strncmp(de->d_name, "eci-", 4) || strlen(de->d_name + 4) != ECI_ID_LEN ||
			    strspn(de->d_name + 4, "0123456789abcdef") != ECI_ID_LEN ||
			    live(de->d_name + 4, ctx))
				continue;
			snprintf(path, sizeof(path), "%s/%s", parent, de->d_name);
			/* empty only: none of it runs */
			if (rmdir(path) < 0 && (errno == EBUSY || errno == ENOTEMPTY) && clear &&
			    cg_made_below(path, &owner) && clear(path, owner))
				rmdir(path);
			if (access(path, F_OK) < 0 && removed)
				removed(path);
		}
		closedir(d);
	}
}

int cgroup_delegated(const char *id, struct cg_limits *l, const char *const flag[3],
		     struct cgroups *cg, struct eci_err *e)
{
	static const char *const ctrl[3] = { "memory", "pids", "cpu" };
	char name[64 + ECI_ID_LEN], parent[CG_PATH_MAX], procs[CG_PATH_MAX + 16];
	struct cgroups all;

	cg->n = 0;
	snprintf(name, sizeof(name), "eci-%s", id);
	if (cgroup_plan(name, id, false, &all, e) < 0)
		return -1;
	for (int k = 0; k < 3; k++) {
		const struct cg_dir *d;

		if (!flag[k])
			continue;
		d = cg_deleg_find(&all, ctrl[k], parent, sizeof(parent));
		if (!d)
			return eci_fail(e, 0, "%s: this host has no %s cgroup controller for "
					"eci-run's containers", flag[k], ctrl[k]);
		snprintf(procs, sizeof(procs), "%s/cgroup.procs", parent);
		if (access(parent, W_OK) < 0 || access(procs, W_OK) < 0)
			return eci_fail(e, 0, "%s: needs a %s cgroup delegated to you, and your "
					"cgroup %s is not yours to divide (an administrator "
					"delegates one: see eci-run(1), LIMITS)", flag[k], ctrl[k],
					parent);
		if (cg_add(cg, d->ctrls, d->path, d->base, e) < 0)
			return -1;
		/* docker's default: as much swap as memory, where swap is counted */
		if (k == 0 && !l->memory_swap && l->memory > 0 &&
		    cg_has(parent, d->ctrls[0] ? "memory.memsw.limit_in_bytes" : "memory.swap.max"))
			l->memory_swap = 2 * l->memory;
	}
	return 0;
}
