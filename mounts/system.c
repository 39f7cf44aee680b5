// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * system.c - /proc, /sys, per-container /etc files, volumes, tmpfs and
 * --read-only; see mounts.h
 *
 * Masked and read-only paths are Docker's defaults.  A masked file gets
 * /dev/null bound over it, a masked directory an empty read-only tmpfs; a
 * read-only path is bound onto itself with the read-only flag.  The
 * workload's nested mount namespace makes all of them permanent.  /proc is
 * the procfs the workload made of its own pid namespace when it has one
 * (core/init.c), else a new one of pid 1's: masked the same either way.
 * mnt_instance() applies the same masks to a new procfs or sysfs that a
 * process of the container asks for (core/mountsup.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"
#include "util.h"

#define RO_FLAGS (MOUNT_ATTR_RDONLY | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC)

static const char *const masked[] = {
	"/proc/acpi",	     "/proc/asound",	    "/proc/kcore",
	"/proc/keys",	     "/proc/latency_stats", "/proc/timer_list",
	"/proc/timer_stats", "/proc/sched_debug",   "/proc/scsi",
	"/sys/firmware",     "/sys/devices/virtual/powercap",
};

static const char *const readonly[] = {
	"/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger",
};

/*
 * What of read-only /proc/sys a container granted CAP_SYS_ADMIN may write
 * (a nested engine sets them, systemd too): the sysctls the kernel keeps
 * per IPC namespace, and those of the network namespace when it is the
 * container's own.  The kernel itself lets container root write only the
 * ones of its own namespaces; a sysctl of the host's (vm.*, kernel.* but
 * these, fs.* but mqueue) stays under the read-only bind whatever it says.
 */
static const char *const ns_sysctls[] = {
	"/proc/sys/fs/mqueue",	       "/proc/sys/kernel/msgmax",      "/proc/sys/kernel/msgmnb",
	"/proc/sys/kernel/msgmni",     "/proc/sys/kernel/msg_next_id", "/proc/sys/kernel/sem",
	"/proc/sys/kernel/sem_next_id", "/proc/sys/kernel/shmall",     "/proc/sys/kernel/shmmax",
	"/proc/sys/kernel/shmmni",     "/proc/sys/kernel/shm_next_id",
	"/proc/sys/kernel/shm_rmid_forced",
};

static int mask(int rootfd, const char *path, struct eci_err *e)
{
	static const struct mnt_opt empty[] = { { "mode", "0555" }, { "size", "0" },
						{ "nr_inodes", "1" }, { NULL, NULL } };
	_cleanup_close_ int target = mnt_open_in(rootfd, path, O_PATH | O_NOFOLLOW,
						 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	_cleanup_close_ int null = -1;
	struct stat st;
	int m;

	if (target < 0 && errno == ENOENT)
		return 0;	/* nothing there to hide */
	if (target < 0 || fstat(target, &st) < 0)
		return eci_fail(e, errno, "mask %s", path);
	if (S_ISDIR(st.st_mode)) {
		m = mnt_fs_at(target, path, "tmpfs", empty, RO_FLAGS, e);
		if (m < 0)
			return m;
		close(m);
		return 0;
	}
	null = open_tree(rootfd, "dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (null < 0)
		return eci_fail(e, errno, "mask %s", path);
	return mnt_attach(null, target, path, e);
}

static int make_readonly(int rootfd, const char *path, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = RO_FLAGS };
	_cleanup_close_ int target = mnt_open_in(rootfd, path, O_PATH | O_NOFOLLOW,
						 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	_cleanup_close_ int tree = -1;

	if (target < 0 && errno == ENOENT)
		return 0;
	if (target < 0)
		return eci_fail(e, errno, "read-only %s", path);
	tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE |
			 AT_EMPTY_PATH);
	if (tree < 0)
		return eci_fail(e, errno, "read-only %s", path);
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "read-only %s", path);
	return mnt_attach(tree, target, path, e);
}

/* @path, under a read-only bind of ours, bound over itself writable (its
 * other flags kept). */
static int make_writable(int rootfd, const char *path, struct eci_err *e)
{
	struct mount_attr attr = { .attr_clr = MOUNT_ATTR_RDONLY };
	_cleanup_close_ int target = mnt_open_in(rootfd, path, O_PATH | O_NOFOLLOW,
						 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	_cleanup_close_ int tree = -1;

	if (target < 0 && errno == ENOENT)
		return 0;	/* not in this kernel */
	if (target < 0)
		return eci_fail(e, errno, "writable %s", path);
	tree = open_tree(target, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH);
	if (tree < 0 || mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "writable %s", path);
	return mnt_attach(tree, target, path, e);
}

/* The workload's procfs, of its own pid namespace (core/init.c), made
 * with the flags of ours: attached at @dir, its fd returned. */
static int attach_given(int *proc_fd, int dir, struct eci_err *e)
{
	int m = steal_fd(*proc_fd);

	if (mnt_attach(m, dir, "/proc", e) < 0) {
		close(m);
		return -1;
	}
	return m;
}

/*
 * With keep_procsys, /proc/sys of this very mount is kept open before the
 * read-only bind covers it: a lookup from that fd starts below the
 * covering mount, so pid 1 can still write the engine's sysctls (in the
 * namespaces it is in when it opens them, sysctl.c).  Nothing of the
 * container ever holds it.
 */
static int mount_proc(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	_cleanup_close_ int dir = mnt_dir_at(rootfd, "proc", 0555, e);
	int m;

	if (dir < 0)
		return dir;
	m = p->proc_fd >= 0 ? attach_given(&p->proc_fd, dir, e)
			    : mnt_fs_at(dir, "/proc", "proc", NULL,
					MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (m < 0)
		return m;
	if (p->keep_procsys &&
	    (p->procsys_fd = openat(m, "sys", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0) {
		int err = errno;

		close(m);
		return eci_fail(e, err, "open /proc/sys");
	}
	close(m);
	return 0;
}

/* A new sysfs needs a network namespace of our own; without one the host's
 * /sys is bound, recursively and read-only. */
static int bind_host_sys(int dir, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = RO_FLAGS };
	int tree = open_tree(AT_FDCWD, "/sys", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);

	if (tree < 0)
		return eci_fail(e, errno, "bind /sys");
	if (mount_setattr(tree, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr)) < 0 ||
	    mnt_attach(tree, dir, "/sys", e) < 0) {
		close(tree);
		return eci_fail(e, errno, "bind /sys");
	}
	return tree;
}

/* Does the host mount the v1 hierarchy of @ctrls ("cpu", "name=systemd"),
 * by the mountinfo @info?  One it does not has no cgroup of the container's
 * (core/cgroup.c makes none there): inside, it would be the host's root
 * cgroup, which a runtime inside would try to use. */
static bool host_mounts(const char *info, const char *ctrls)
{
	for (const char *l = info; l && *l; l = strchr(l, '\n'), l = l ? l + 1 : NULL) {
		const char *sep = strstr(l, " - cgroup "), *eol = strchr(l, '\n');
		char sopts[1024];

		if (!sep || (eol && sep > eol) || sscanf(sep, " - cgroup %*s %1023s", sopts) != 1)
			continue;
		if (str_has_all(sopts, ctrls))
			return true;
	}
	return false;
}

/* @line of /proc/self/cgroup ("ID:CONTROLLERS:PATH"): a v1 hierarchy the
 * host mounts, with a directory name of its own, as entry @c->n. */
static void survey_line(struct mnt_cgroups *c, char *line, const char *info)
{
	char *ctl = strchr(line, ':'), *end;

	if (c->n == CG_MAX || !ctl || !(end = strchr(++ctl, ':')) || end == ctl)
		return;
	*end = '\0';
	if (strlen(ctl) >= sizeof(c->h[0].ctrls) || !host_mounts(info, ctl))
		return;
	snprintf(c->h[c->n].dir, sizeof(c->h[0].dir), "%s", strncmp(ctl, "name=", 5) ? ctl : ctl + 5);
	if (strchr(c->h[c->n].dir, '/') || c->h[c->n].dir[0] == '.')
		return;
	strcpy(c->h[c->n].ctrls, ctl);
	c->h[c->n++].fd = -1;
}

/*
 * Which hierarchies the caller's cgroups are in: cgroup2 alone (its one
 * line "0::PATH"), or the v1 hierarchies the host mounts, and cgroup2 if
 * it is there too.
 */
static int cgroups_survey(struct mnt_cgroups *c, struct eci_err *e)
{
	_cleanup_free_ char *list = NULL, *info = NULL;
	char *line, *save = NULL;

	memset(c, 0, sizeof(*c));
	c->v2_fd = -1;
	if (read_all_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &list, NULL) < 0 ||
	    (strncmp(list, "0::", 3) == 0 && !strchr(list, '\n')[1])) {
		c->v2 = true;
		return 0;
	}
	if (read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info, NULL) < 0)
		return eci_fail(e, errno, "read /proc/self/mountinfo");
	c->v1 = true;
	for (line = strtok_r(list, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (!strncmp(line, "0::", 3))
			c->v2 = true;
		else
			survey_line(c, line, info);
	}
	return 0;
}

/* The v1 hierarchy of @ctrls, mounted (detached) with @attrs, or -1.  The
 * kernel mounts only a hierarchy that exists, exactly as it exists, rooted
 * at the caller's cgroup (its cgroup namespace). */
static int cgroup1_mount(const char *ctrls, unsigned attrs)
{
	_cleanup_close_ int fs = fsopen("cgroup", FSOPEN_CLOEXEC);
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", ctrls);
	if (fs < 0)
		return -1;
	for (char *c = strtok_r(buf, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
		if (!strncmp(c, "name=", 5)) {
			if (fsconfig(fs, FSCONFIG_SET_FLAG, "none", NULL, 0) < 0 ||
			    fsconfig(fs, FSCONFIG_SET_STRING, "name", c + 5, 0) < 0)
				return -1;
		} else if (fsconfig(fs, FSCONFIG_SET_FLAG, c, NULL, 0) < 0) {
			return -1;
		}
	}
	if (fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return -1;
	return fsmount(fs, FSMOUNT_CLOEXEC, attrs);
}

/* The hierarchies' mounts not tried yet, and cgroup2's; one the kernel
 * refuses is left out (its directory stays empty, or with cgroup2 alone,
 * /sys/fs/cgroup).  With @until >= 0, only until it is readable. */
static void cgroups_mount(struct mnt_cgroups *c, unsigned attrs, int until)
{
	_cleanup_close_ int fs = -1;
	struct pollfd pfd = { .fd = until, .events = POLLIN };

	for (; c->tried < c->n; c->tried++) {
		if (until >= 0 && poll(&pfd, 1, 0) != 0)
			return;
		c->h[c->tried].fd = cgroup1_mount(c->h[c->tried].ctrls, attrs);
	}
	if (!c->v2 || c->v2_tried || (until >= 0 && poll(&pfd, 1, 0) != 0))
		return;
	c->v2_tried = true;
	if ((fs = fsopen("cgroup2", FSOPEN_CLOEXEC)) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
		return;
	c->v2_fd = fsmount(fs, FSMOUNT_CLOEXEC, attrs);
}

static unsigned cgroup_attrs(const struct mnt_plan *p)
{
	return p && p->cgroup_rw ? MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC
				 : RO_FLAGS;
}

/*
 * Before pid 1 has its maps, while the helper works: nothing of this needs
 * a mapped id, and the start would wait for it later (/proc/self/mountinfo
 * read and a dozen mounts).  Only until @until is readable (the go): what
 * is left is mounted when the tree is built, and so is all of it if this
 * fails.  Only for a tree of this cgroup namespace.  The workload, forked
 * after, closes the fds (mnt_plan_free()).
 */
void mnt_cgroups_early(struct mnt_plan *p, int until)
{
	struct eci_err ignored = { 0 };
	struct mnt_cgroups *c = malloc(sizeof(*c));

	if (!c)
		return;
	if (cgroups_survey(c, &ignored) < 0) {
		free(c);
		return;
	}
	p->cg_early = c;
	cgroups_mount(c, cgroup_attrs(p), until);
}

/* Hierarchy @i in a directory of the tmpfs @tmp, and a link by each of its
 * controllers' names to it, as on the host ("cpu" -> "cpu,cpuacct"). */
static void cgroup1_place(int tmp, const struct mnt_cgroups *c, size_t i)
{
	_cleanup_close_ int at = -1;
	char buf[256], *save = NULL;

	if (mkdirat(tmp, c->h[i].dir, 0555) < 0 ||
	    (at = openat(tmp, c->h[i].dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return;
	strcpy(buf, c->h[i].ctrls);
	for (char *n = strtok_r(buf, ",", &save); n; n = strtok_r(NULL, ",", &save))
		if (strncmp(n, "name=", 5) && strcmp(n, c->h[i].dir) &&
		    symlinkat(c->h[i].dir, tmp, n) < 0)
			return;
	if (c->h[i].fd >= 0)	/* not mounted: the directory stays empty */
		(void)mnt_attach(c->h[i].fd, at, c->h[i].dir, &(struct eci_err){ 0 });
}

/*
 * A hybrid host (v1 hierarchies beside cgroup2, whose controllers are then
 * the v1 ones'): /sys/fs/cgroup as runc and systemd lay it out — a tmpfs
 * holding each v1 hierarchy by name and cgroup2 as unified/ — so that the
 * container sees its limits (memory/memory.limit_in_bytes …).  Each
 * hierarchy is rooted at the container's cgroup (its cgroup namespace),
 * read-only or, delegated, writable; the tmpfs is read-only.  Returns the
 * tmpfs's mount fd, or -1.
 */
static int cgroup1_tree(int cg, const struct mnt_cgroups *c, struct eci_err *e)
{
	static const struct mnt_opt opts[] = { { "mode", "0755" }, { NULL, NULL } };
	_cleanup_close_ int tmp = -1, uni = -1;
	struct mount_attr ro = { .attr_set = RO_FLAGS };

	tmp = mnt_fs_at(cg, "/sys/fs/cgroup", "tmpfs", opts,
			MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC, e);
	if (tmp < 0)
		return -1;
	for (size_t i = 0; i < c->n; i++)
		cgroup1_place(tmp, c, i);
	if (c->v2 && mkdirat(tmp, "unified", 0555) == 0 &&
	    (uni = openat(tmp, "unified", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) >= 0 &&
	    c->v2_fd >= 0)	/* not mounted: unified/ stays empty */
		(void)mnt_attach(c->v2_fd, uni, "/sys/fs/cgroup/unified", &(struct eci_err){ 0 });
	if (mount_setattr(tmp, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
		return eci_fail(e, errno, "/sys/fs/cgroup read-only");
	return steal_fd(tmp);
}

/*
 * The container's /sys/fs/cgroup, mounted on the directory @at: the v1
 * hierarchies on a tmpfs (cgroup1_tree()) or cgroup2, read-only or, where
 * @p delegates them, writable.  Returns the fd of that mount, -2 when the
 * kernel refuses cgroup2 to this namespace (the directory stays empty), or
 * -1.
 */
static int cgroup_tree(const struct mnt_plan *p, int at, struct eci_err *e)
{
	_cleanup_free_ struct mnt_cgroups *own = NULL;
	struct mnt_cgroups *c = p ? p->cg_early : NULL;
	int m = -2;

	if (!c || c->used) {	/* not made ahead, or placed in an earlier tree */
		c = own = malloc(sizeof(*own));
		if (!c)
			return eci_fail(e, ENOMEM, "/sys/fs/cgroup");
		if (cgroups_survey(c, e) < 0)
			return -1;
	}
	cgroups_mount(c, cgroup_attrs(p), -1);
	if (c->v1) {
		m = cgroup1_tree(at, c, e);
	} else if (c->v2_fd >= 0 && mnt_attach(c->v2_fd, at, "/sys/fs/cgroup", &(struct eci_err){ 0 }) == 0) {
		m = steal_fd(c->v2_fd);
	}
	mnt_cgroups_close(c);
	c->used = true;
	return m;
}

/*
 * /sys/fs/cgroup ahead of /sys.  With sys_late, sysfs is mounted only once
 * the workload's network namespace exists, which the workload makes while
 * pid 1 builds the root; the cgroup hierarchies do not depend on it.  So
 * they are built beforehand, on cgroup/ of the scratch tmpfs (rw/, which
 * the container never sees), and mount_sys() moves the tree into the new
 * sysfs whole, submounts and all.  eci-run only: eci-runc's rw/ is no
 * tmpfs of the container's.  Not with pasta or slirp4netns either: pid 1
 * asks for them once the root is built, and then this work is better done
 * while they start, as mount_sys() does it.
 */
static int cgroup_ahead(struct mnt_plan *p, struct eci_err *e)
{
	_cleanup_close_ int at = -1;

	if (!p->sys_late || p->engine || p->net_program || p->cg_tree_fd != -1)
		return 0;
	if (mkdirat(p->rw_fd, "cgroup", 0555) < 0 ||
	    (at = openat(p->rw_fd, "cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "a place for /sys/fs/cgroup");
	p->cg_tree_fd = cgroup_tree(p, at, e);
	return p->cg_tree_fd == -1 ? -1 : 0;
}

/*
 * sysfs read-only; the cgroup2 hierarchy of the container's cgroup namespace
 * read-only at /sys/fs/cgroup (writable where @p delegates them), or on a
 * hybrid host the v1 hierarchies beside it (cgroup1_tree()).  Where the
 * kernel refuses cgroup2 to this namespace, /sys/fs/cgroup stays an empty
 * directory.
 */
static int mount_sys(const struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	_cleanup_close_ int dir = mnt_dir_at(rootfd, "sys", 0555, e);
	_cleanup_close_ int sys = -1, cg = -1;
	int m;

	if (dir < 0)
		return dir;
	sys = mnt_fs_at(dir, "/sys", "sysfs", NULL, RO_FLAGS, e);
	if (sys < 0 && e->err == EPERM)
		sys = bind_host_sys(dir, e);	/* --network host: sysfs is the host's */
	if (sys < 0)
		return sys;
	cg = mnt_open_in(sys, "fs/cgroup", O_PATH | O_DIRECTORY | O_NOFOLLOW,
			 RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS);
	if (cg < 0)
		return 0;
	if (p && p->cg_tree_fd >= 0) {
		if (move_mount(p->cg_tree_fd, "", cg, "",
			       MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
			return eci_fail(e, errno, "move /sys/fs/cgroup into place");
		return 0;
	}
	if (p && p->cg_tree_fd == -2)
		return 0;
	m = cgroup_tree(p, cg, e);
	if (m >= 0)
		close(m);
	return m == -1 ? -1 : 0;
}

static int etc_file(int rwfd, int etcfd, const char *name, const char *text, struct eci_err *e)
{
	_cleanup_close_ int src = -1, tree = -1, target = -1;
	struct stat st;
	int r;

	src = openat(rwfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (src < 0 || (r = write_all(src, text, strlen(text))) < 0)
		return eci_fail(e, src < 0 ? errno : -r, "write /etc/%s", name);
	/* The image's own entry is replaced (in the container's layer). */
	if (fstatat(etcfd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 && !S_ISREG(st.st_mode) &&
	    unlinkat(etcfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0)
		return eci_fail(e, errno, "replace /etc/%s", name);
	/* An image's own file is only a mount point: O_PATH, which does not
	 * copy it up into the container's layer as opening it to write would. */
	target = openat(etcfd, name, O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (target >= 0 && (fstat(target, &st) < 0 || !S_ISREG(st.st_mode)))
		return eci_fail(e, 0, "replace /etc/%s: not a regular file", name);
	if (target < 0)
		target = openat(etcfd, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (target < 0)
		return eci_fail(e, errno, "create /etc/%s", name);
	tree = open_tree(rwfd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return eci_fail(e, errno, "bind /etc/%s", name);
	return mnt_attach(tree, target, name, e);
}

static int etc_files(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	_cleanup_close_ int etc = mnt_mkpath(rootfd, "/etc", true, "/etc", e);
	_cleanup_close_ int etcw = -1;
	_cleanup_free_ char *hosts = NULL;
	int rw = p->rw_fd;
	char hostname[128], resolv[128];

	if (etc < 0)
		return etc;
	etcw = openat(etc, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (etcw < 0)
		return eci_fail(e, errno, "open /etc");
	snprintf(hostname, sizeof(hostname), "%s\n", p->hostname);
	/* --add-host lines after eci's own, as docker writes them */
	if (asprintf(&hosts,
		     "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n"
		     "fe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\n"
		     "ff02::2\tip6-allrouters\n127.0.1.1\t%s\n%s%s%s", p->hostname,
		     p->host_ip ? p->host_ip : "", p->host_ip ? "\thost.eci.internal\n" : "",
		     p->hosts ? p->hosts : "") < 0) {
		hosts = NULL;
		return eci_fail(e, ENOMEM, "/etc/hosts");
	}
	if (p->dns)
		resolv[0] = '\0';	/* --dns: the user's servers instead */
	else if (p->dns_ip)
		snprintf(resolv, sizeof(resolv), "nameserver %s\n", p->dns_ip);
	else
		snprintf(resolv, sizeof(resolv), "# eci: no network (--network %s)\n",
			 p->net_mode ? p->net_mode : "none");
	if (etc_file(rw, etcw, "hostname", hostname, e) < 0 ||
	    etc_file(rw, etcw, "hosts", hosts, e) < 0 ||
	    etc_file(rw, etcw, "resolv.conf", p->dns ? p->dns : resolv, e) < 0)
		return -1;
	return 0;
}

/* --device: each host node, cloned and checked by mnt_open(), at its path. */
static int devices(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	for (size_t i = 0; i < p->ndev; i++) {
		struct mnt_device *d = &p->dev[i];
		char what[300];
		_cleanup_close_ int target = -1;

		snprintf(what, sizeof(what), "--device %s", d->spec);
		target = mnt_mkpath(rootfd, d->dst, false, what, e);
		if (target < 0 || mnt_attach(d->tree, target, what, e) < 0)
			return -1;
	}
	return 0;
}

static int volumes(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	for (size_t i = 0; i < p->nvol; i++) {
		struct mnt_volume *v = &p->vol[i];
		char what[300];
		_cleanup_close_ int target = -1;
		struct stat st;

		snprintf(what, sizeof(what), "%s %s", v->flag ? v->flag : "-v", v->spec);
		if (v->name && mnt_named_tree(v, e) < 0)
			return -1;
		if (fstat(v->tree, &st) < 0)
			return eci_fail(e, errno, "%s", what);
		target = mnt_mkpath(rootfd, v->dst, S_ISDIR(st.st_mode), what, e);
		if (target < 0 || mnt_attach(v->tree, target, what, e) < 0)
			return -1;
	}
	return 0;
}

static int tmpfs_mounts(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	for (size_t i = 0; i < p->ntmpfs; i++) {
		struct mnt_tmpfs *t = &p->tmpfs[i];
		struct mnt_opt opts[3] = { { NULL, NULL } };
		size_t n = 0;
		char what[300];
		_cleanup_close_ int target = -1;
		int m;

		snprintf(what, sizeof(what), "--tmpfs %s", t->spec);
		if (t->size)
			opts[n++] = (struct mnt_opt){ "size", t->size };
		opts[n++] = (struct mnt_opt){ "mode", t->mode ? t->mode : "1777" };
		target = mnt_mkpath(rootfd, t->dst, true, what, e);
		if (target < 0)
			return -1;
		m = mnt_fs_at(target, what, "tmpfs", opts, t->attrs, e);
		if (m < 0)
			return m;
		close(m);
	}
	return 0;
}

const char *const mnt_inner[MNT_NINNER] = {
	"/var/lib/docker", "/var/lib/containerd", "/var/lib/containers", "/var/lib/buildkit",
};

/* Is @dst the target of one of the user's volumes or tmpfs mounts? */
static bool taken(const struct mnt_plan *p, const char *dst)
{
	for (size_t i = 0; i < p->nvol; i++)
		if (!strcmp(p->vol[i].dst, dst))
			return true;
	for (size_t i = 0; i < p->ntmpfs; i++)
		if (!strcmp(p->tmpfs[i].dst, dst))
			return true;
	return false;
}

/*
 * The inner engines' storage: SUBDIR/NAME of p->inner_fd (made by container
 * root, mode 0700) bound on /var/lib/NAME.  Where the image has a symlink
 * or a file on the way, that one is left out: the image's layout wins,
 * and its engine runs as it would on any overlay root.
 */
static int inner_storage(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_NODEV };

	for (size_t i = 0; p->inner_fd >= 0 && i < MNT_NINNER; i++) {
		const char *name = strrchr(mnt_inner[i], '/') + 1;
		_cleanup_close_ int tree = -1, target = -1;
		char what[64];
		struct stat st;

		if (taken(p, mnt_inner[i]))
			continue;
		snprintf(what, sizeof(what), "inner storage %s", mnt_inner[i]);
		if (mkdirat(p->inner_fd, name, 0700) < 0 && errno != EEXIST)
			return eci_fail(e, errno, "%s", what);
		tree = open_tree(p->inner_fd, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC |
				 AT_SYMLINK_NOFOLLOW);
		if (tree < 0 || fstat(tree, &st) < 0)
			return eci_fail(e, errno, "%s", what);
		if (!S_ISDIR(st.st_mode))
			return eci_fail(e, 0, "%s: not a directory", what);
		if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
			return eci_fail(e, errno, "%s", what);
		target = mnt_mkpath(rootfd, mnt_inner[i], true, what, e);
		if (target < 0) {
			*e = (struct eci_err){ 0 };
			continue;
		}
		if (mnt_attach(tree, target, what, e) < 0)
			return -1;
	}
	return 0;
}

static bool in_sys(const char *path)
{
	return !strncmp(path, "/sys/", 5);
}

/* Docker's masked and read-only paths, those under /sys or the others;
 * then the namespaced sysctls of @p writable again. */
static int hide(const struct mnt_plan *p, int rootfd, bool sys, struct eci_err *e)
{
	for (size_t i = 0; i < ARRAY_SIZE(masked); i++)
		if (in_sys(masked[i]) == sys && mask(rootfd, masked[i], e) < 0)
			return -1;
	for (size_t i = 0; i < ARRAY_SIZE(readonly); i++)
		if (in_sys(readonly[i]) == sys && make_readonly(rootfd, readonly[i], e) < 0)
			return -1;
	if (sys || !p->sysctl_ns)
		return 0;
	for (size_t i = 0; i < ARRAY_SIZE(ns_sysctls); i++)
		if (make_writable(rootfd, ns_sysctls[i], e) < 0)
			return -1;
	return p->sysctl_net ? make_writable(rootfd, "/proc/sys/net", e) : 0;
}

int mnt_sys(const struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	return mount_sys(p, rootfd, e) < 0 || hide(p, rootfd, true, e) < 0 ? -1 : 0;
}

/* Proc's own options (proc(5)) that a new instance may take: which
 * processes it shows, to whom.  Anything else is refused. */
static bool proc_option_ok(const char *kv)
{
	static const char *const keys[] = { "hidepid=", "gid=", "subset=" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!strncmp(kv, keys[i], strlen(keys[i])) && kv[strlen(keys[i])])
			return true;
	return false;
}

/* Up to 8 proc options of @text ("k=v,k=v"), split in @buf, into @opts. */
static int proc_options(const char *text, char *buf, size_t size, struct mnt_opt *opts,
			size_t nopts, struct eci_err *e)
{
	char *save = NULL;
	size_t n = 0;

	if (snprintf(buf, size, "%s", text ? text : "") >= (int)size)
		return eci_fail(e, EINVAL, "proc options too long");
	for (char *kv = strtok_r(buf, ",", &save); kv; kv = strtok_r(NULL, ",", &save)) {
		char *eq = strchr(kv, '=');

		if (!proc_option_ok(kv) || n + 1 >= nopts)
			return eci_fail(e, EINVAL, "proc option %.64s refused", kv);
		*eq = '\0';
		opts[n++] = (struct mnt_opt){ kv, eq + 1 };
	}
	opts[n] = (struct mnt_opt){ NULL, NULL };
	return 0;
}

int mnt_instance(const struct mnt_plan *p, int scratch, bool sys, const char *opts,
		 unsigned attrs, struct eci_err *e)
{
	struct mnt_opt list[9];
	char buf[512];
	_cleanup_close_ int dir = -1, dev = -1, null = -1, tree = -1;
	int m;

	if (sys && opts && *opts)
		return eci_fail(e, EINVAL, "sysfs takes no options");
	if (!sys && proc_options(opts, buf, sizeof(buf), list, ARRAY_SIZE(list), e) < 0)
		return -1;
	/* mask() binds the scratch root's dev/null over files */
	dev = mnt_dir_at(scratch, "dev", 0755, e);
	if (dev < 0)
		return -1;
	null = openat(dev, "null", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
	tree = open_tree(AT_FDCWD, "/dev/null", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (null < 0 || tree < 0)
		return eci_fail(e, errno, "a scratch /dev/null");
	close(null);
	null = openat(dev, "null", O_PATH | O_NOFOLLOW | O_CLOEXEC);
	if (null < 0 || mnt_attach(tree, null, "a scratch /dev/null", e) < 0)
		return eci_fail(e, errno, "a scratch /dev/null");
	dir = mnt_dir_at(scratch, sys ? "sys" : "proc", 0555, e);
	if (dir < 0)
		return -1;
	/* sysfs read-only as the container's own; proc nosuid, nodev, noexec */
	attrs |= sys ? RO_FLAGS : MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV | MOUNT_ATTR_NOEXEC;
	m = mnt_fs_at(dir, sys ? "/sys" : "/proc", sys ? "sysfs" : "proc", sys ? NULL : list,
		      attrs, e);
	if (m < 0)
		return -1;
	close(m);
	return hide(p, scratch, sys, e);
}

int mnt_system(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	if (mnt_dev(p, rootfd, e) < 0)
		return -1;
	if (p->sys_late) {
		/* only the mount point, made while the root may still be written */
		int dir = mnt_dir_at(rootfd, "sys", 0555, e);

		if (dir < 0)
			return -1;
		close(dir);
	} else if (mnt_sys(p, rootfd, e) < 0) {
		return -1;
	}
	/* nothing of these is below /proc (mnt_reserved_dst()) */
	if ((!p->engine && etc_files(p, rootfd, e) < 0) || volumes(p, rootfd, e) < 0 ||
	    tmpfs_mounts(p, rootfd, e) < 0 || devices(p, rootfd, e) < 0 ||
	    inner_storage(p, rootfd, e) < 0)
		return -1;
	return 0;
}

int mnt_system_proc(struct mnt_plan *p, int rootfd, struct eci_err *e)
{
	if (mount_proc(p, rootfd, e) < 0 || hide(p, rootfd, false, e) < 0)
		return -1;
	if (p->read_only) {
		struct mount_attr ro = { .attr_set = MOUNT_ATTR_RDONLY };

		if (mount_setattr(rootfd, "", AT_EMPTY_PATH, &ro, sizeof(ro)) < 0)
			return eci_fail(e, errno, "--read-only");
	}
	return cgroup_ahead(p, e);
}
