// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * doctor.c - eci-run doctor: can eci run here, and if not, what fixes it
 *
 * Theory of Operation: each check prints one line, "OK", "FAIL", "WARN" or
 * "--" and what was checked, and after a failure the fix, which names the
 * file, setting or command an administrator changes.  The required checks
 * are what every container needs: the kernel, user namespaces (and the
 * sysctls and AppArmor setting that restrict them), overlayfs inside a user
 * namespace, the caller's ranges in /etc/subuid and /etc/subgid (counted in
 * slots of 65536 ids with the helper's own parser: one slot is one
 * container at a time), eci-newidmap and the policy files as eci-run
 * itself checks them before a container (policy_integrity()), and the
 * user's state directory (state.c), if it is there yet.  A failed
 * one makes the exit status 1.  The optional checks only limit some flags
 * (--network, --memory, ...) or eci-runc, and print WARN or "--" without
 * changing the exit status.
 *
 * What can be tried is tried rather than inferred from settings: a child
 * creates a user and mount namespace, maps its own ids, and mounts a tmpfs
 * and an overlay with userxattr on it (the launcher's rootfs, in small);
 * as root, another child idmaps a tmpfs of its private mount namespace
 * through a user namespace, as eci-runc does with the engine's layers.
 * Both use detached mounts or private mount namespaces only, so nothing is
 * left behind when the child exits.
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine.h"
#include "launcher.h"
#include "policy.h"
#include "subid.h"
#include "util.h"

/* The engine runtime's pool account (runc.h's RUNC_POOL_USER). */
#define POOL_USER "eci-engine"
/* Host id that root's files show as through the probe's idmapped mount:
 * any id does, nothing is written with it and the mount dies with the probe. */
#define IDMAP_PROBE_ID 4000000000u

enum verdict { V_OK, V_FAIL, V_WARN, V_NA };

static int failures;

/* "     fix: ...", folded at spaces to lines of at most 79 columns, but
 * never inside a 'quoted command', so that it can be copied whole. */
static void print_fix(const char *fix)
{
	const char *p = fix, *q;
	int col = printf("     fix:");

	while (*p) {
		size_t n = strcspn(p, " ");

		if (*p == '\'' && (q = strchr(p + 1, '\'')))
			n = (size_t)(q - p) + strcspn(q, " ");

		if (col > 10 && col + 1 + (int)n > 79)
			col = printf("\n         ") - 1;
		col += printf(" %.*s", (int)n, p);
		p += n;
		p += strspn(p, " ");
	}
	putchar('\n');
}

/*
 * One line per check; @fix (may be NULL) follows a FAIL or WARN.  Only a
 * FAIL counts against the exit status.
 */
__attribute__((format(printf, 3, 4)))
static void say(enum verdict v, const char *fix, const char *fmt, ...)
{
	static const char *const label[] = { "OK", "FAIL", "WARN", "--" };
	va_list ap;

	printf("%-4s ", label[v]);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	if ((v == V_FAIL || v == V_WARN) && fix)
		print_fix(fix);
	if (v == V_FAIL)
		failures++;
}

static long read_long(const char *path, long dflt)
{
	_cleanup_free_ char *buf = NULL;

	return read_all_at(AT_FDCWD, path, 64, &buf, NULL) == 0 ? atol(buf) : dflt;
}

/* Return: 0 or -errno. */
static int write_file(const char *path, const char *text)
{
	_cleanup_close_ int fd = open(path, O_WRONLY | O_CLOEXEC);

	return fd < 0 ? -errno : write_all(fd, text, strlen(text));
}

/* --- the kernel and its settings ----------------------------------------- */

static void check_kernel(void)
{
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	say(major > 6 || (major == 6 && minor >= 6) ? V_OK : V_FAIL,
	    "an administrator installs Linux 6.6 or later",
	    "Linux %s (6.6 or later: overlayfs keeps its marks in user xattrs on tmpfs)", u.release);
}

static void check_sysctls(void)
{
	long max = read_long("/proc/sys/user/max_user_namespaces", -1);
	long clone = read_long("/proc/sys/kernel/unprivileged_userns_clone", -1);
	long aa = read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", -1);

	if (max < 0)
		say(V_FAIL, "an administrator installs a kernel built with CONFIG_USER_NS",
		    "user namespaces enabled: this kernel has none (no user.max_user_namespaces)");
	else
		say(max > 0 ? V_OK : V_FAIL,
		    "an administrator runs 'sysctl -w user.max_user_namespaces=15000' and keeps it "
		    "in /etc/sysctl.d/ (a file such as eci.conf)",
		    "user namespaces enabled: user.max_user_namespaces = %ld", max);
	say(clone != 0 ? V_OK : V_FAIL,
	    "an administrator runs 'sysctl -w kernel.unprivileged_userns_clone=1' and keeps it in "
	    "/etc/sysctl.d/",
	    "unprivileged user namespaces allowed: %s",
	    clone < 0 ? "this kernel has no kernel.unprivileged_userns_clone"
		      : clone ? "kernel.unprivileged_userns_clone = 1"
			      : "kernel.unprivileged_userns_clone = 0");
	say(aa <= 0 ? V_OK : V_FAIL,
	    "an administrator runs 'sysctl -w kernel.apparmor_restrict_unprivileged_userns=0' "
	    "(kept in /etc/sysctl.d/), or gives eci-run an AppArmor profile with 'userns,'",
	    "AppArmor does not restrict unprivileged user namespaces: %s",
	    aa < 0 ? "this kernel has no kernel.apparmor_restrict_unprivileged_userns"
		   : aa ? "kernel.apparmor_restrict_unprivileged_userns = 1"
			: "kernel.apparmor_restrict_unprivileged_userns = 0");
}

/* --- a user namespace with an overlay, tried in a child ------------------ */

enum probe_step { STEP_USERNS, STEP_TMPFS, STEP_OVERLAY, STEP_DONE };

struct probe {
	int step;		/* the first that failed, or STEP_DONE */
	struct eci_err e;
};

static int enter_userns(struct eci_err *e)
{
	unsigned uid = (unsigned)getuid(), gid = (unsigned)getgid();
	int r;

	/* Taken before: unmapped, they read as the overflow id (65534). */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return eci_fail(e, errno, "unshare(CLONE_NEWUSER|CLONE_NEWNS)");
	/* An unprivileged process may map only its own ids, and its gid only
	 * with setgroups denied (user_namespaces(7)). */
	if ((r = write_file("/proc/self/setgroups", "deny")) < 0 ||
	    (r = idmap_write(AT_FDCWD, "/proc/self/uid_map", 0, uid, 1)) < 0)
		return eci_fail(e, -r, "map your own uid in the new user namespace");
	if ((r = idmap_write(AT_FDCWD, "/proc/self/gid_map", 0, gid, 1)) < 0)
		return eci_fail(e, -r, "map your own gid in the new user namespace");
	return 0;
}

/* A detached tmpfs holding lower/d/x, upper and work; -1 on failure. */
static int probe_tmpfs(struct eci_err *e)
{
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	int t;

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (t = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV)) < 0)
		return eci_fail(e, errno, "mount tmpfs");
	if (mkdirat(t, "lower", 0755) < 0 || mkdirat(t, "lower/d", 0755) < 0 ||
	    mkdirat(t, "lower/d/x", 0755) < 0 || mkdirat(t, "upper", 0755) < 0 ||
	    mkdirat(t, "work", 0700) < 0) {
		int err = errno;

		close(t);
		return eci_fail(e, err, "create directories on the tmpfs");
	}
	return t;
}

/*
 * An overlay with userxattr over @t's directories, detached as the tmpfs
 * is.  Removing lower's d and making it again needs the opaque mark that
 * overlayfs can keep only in user xattrs here: without it x would show
 * through the new d (or the mkdir fails with EIO).
 */
static int probe_overlay(int t, struct eci_err *e)
{
	_cleanup_close_ int lo = openat(t, "lower", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int up = openat(t, "upper", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int wk = openat(t, "work", O_PATH | O_DIRECTORY | O_CLOEXEC);
	_cleanup_close_ int fs = fsopen("overlay", FSOPEN_CLOEXEC), ov = -1;
	char l[32], u[32], w[32];
	struct stat st;

	snprintf(l, sizeof(l), "/proc/self/fd/%d", lo);
	snprintf(u, sizeof(u), "/proc/self/fd/%d", up);
	snprintf(w, sizeof(w), "/proc/self/fd/%d", wk);
	if (lo < 0 || up < 0 || wk < 0 || fs < 0 ||
	    fsconfig(fs, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "lowerdir", l, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "upperdir", u, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_SET_STRING, "workdir", w, 0) < 0 ||
	    fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (ov = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NODEV)) < 0)
		return eci_fail(e, errno, "mount overlay (userxattr) on it");
	if (unlinkat(ov, "d/x", AT_REMOVEDIR) < 0 || unlinkat(ov, "d", AT_REMOVEDIR) < 0 ||
	    mkdirat(ov, "d", 0755) < 0)
		return eci_fail(e, errno, "remove a lower directory in the overlay and make it again");
	if (fstatat(ov, "d/x", &st, AT_SYMLINK_NOFOLLOW) == 0)
		return eci_fail(e, 0, "a directory made again in the overlay shows the removed one's "
				"contents");
	return 0;
}

static void probe_child(int fd)
{
	struct probe r = { .step = STEP_USERNS };
	int t;

	if (enter_userns(&r.e) == 0) {
		r.step = STEP_TMPFS;
		t = probe_tmpfs(&r.e);
		if (t >= 0) {
			r.step = STEP_OVERLAY;
			if (probe_overlay(t, &r.e) == 0)
				r.step = STEP_DONE;
			close(t);
		}
	}
	_exit(write_all(fd, &r, sizeof(r)) < 0);
}

static void run_probe(struct probe *r)
{
	int p[2], status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		eci_fail(&r->e, errno, "start a child process");
		return;
	}
	if (pid == 0) {
		close(p[0]);
		probe_child(p[1]);
	}
	close(p[1]);
	if (read(p[0], r, sizeof(*r)) != (ssize_t)sizeof(*r)) {
		memset(r, 0, sizeof(*r));
		eci_fail(&r->e, 0, "the child process trying it died");
	}
	close(p[0]);
	waitpid(pid, &status, 0);
}

static void check_userns_overlay(void)
{
	struct probe r;

	run_probe(&r);
	say(r.step > STEP_USERNS ? V_OK : V_FAIL,
	    r.e.err == ENOSPC ? "user.max_user_namespaces is reached: an administrator raises it"
			      : "see the settings above; inside a container or under a seccomp "
				"filter that refuses unshare(2), eci cannot run",
	    "a user namespace for you%s%s", r.step > STEP_USERNS ? ", mapping your own ids" : ": ",
	    r.step > STEP_USERNS ? "" : r.e.msg);
	if (r.step == STEP_DONE)
		say(V_OK, NULL, "overlayfs in a user namespace: an overlay (userxattr) on a tmpfs");
	else if (r.step == STEP_USERNS)
		say(V_FAIL, "see the line above", "overlayfs in a user namespace: not tried, no "
		    "user namespace");
	else
		say(V_FAIL, "an administrator loads overlayfs ('modprobe overlay') on Linux 6.6 or "
		    "later, which mounts it and tmpfs inside user namespaces",
		    "overlayfs in a user namespace: %s", r.e.msg);
}

/* --- /etc/subuid and /etc/subgid --------------------------------------- */

struct ids {
	size_t ranges, slots;
	unsigned line;		/* of the first usable range */
	int err;		/* reading the file, as -errno */
	char notes[768];	/* lines of the caller's that were skipped */
};

static void note_skipped(void *ctx, unsigned line, const char *why)
{
	struct ids *ids = ctx;
	size_t o = strlen(ids->notes);

	snprintf(ids->notes + o, sizeof(ids->notes) - o, "     note: line %u skipped: %s\n", line,
		 why);
}

/* The caller's usable ranges in @file, counted as eci-newidmap counts them. */
static void count_ids(const char *file, const char *name, uid_t uid, uint32_t self,
		      struct ids *ids)
{
	struct subid_range r[SUBID_MAX_RANGES];
	_cleanup_free_ char *buf = NULL;
	size_t len;

	memset(ids, 0, sizeof(*ids));
	ids->err = read_all_at(AT_FDCWD, file, SUBID_MAX_FILE, &buf, &len);
	if (ids->err < 0)
		return;
	ids->ranges = subid_parse(buf, len, name, uid, self, r, note_skipped, ids);
	ids->slots = subid_slot_count(r, ids->ranges);
	ids->line = ids->ranges ? r[0].line : 0;
}

/* The first id above every range of both files (at least 100000), so
 * that the range the fix suggests is nobody's yet. */
static unsigned long long next_free(void)
{
	static const char *const files[] = { "/etc/subuid", "/etc/subgid" };
	unsigned long long top = 100000;

	for (size_t i = 0; i < 2; i++) {
		_cleanup_free_ char *buf = NULL;
		unsigned long long start, count;

		if (read_all_at(AT_FDCWD, files[i], SUBID_MAX_FILE, &buf, NULL) < 0)
			continue;
		for (const char *line = buf; line; line = strchr(line, '\n')) {
			line += *line == '\n';
			if (sscanf(line, "%*[^:\n]:%llu:%llu", &start, &count) == 2 &&
			    start + count > top)
				top = start + count;
		}
	}
	return top;
}

static void check_ids(const char *file, const char *flag, const char *name, uid_t uid,
		      uint32_t self, size_t *slots)
{
	unsigned long long start = next_free();
	char fix[512];
	struct ids ids;

	count_ids(file, name, uid, self, &ids);
	*slots = ids.slots;
	if (start + SUBID_SLOT - 1 > 4294967294ull)
		snprintf(fix, sizeof(fix), "an administrator runs 'usermod %s START-END %s' with a "
			 "free range of 65536 ids (or a multiple: one per container at a time)",
			 flag, name);
	else
		snprintf(fix, sizeof(fix), "an administrator runs 'usermod %s %llu-%llu %s' (65536 "
			 "ids, free in both files; a multiple gives one slot each)", flag, start,
			 start + SUBID_SLOT - 1, name);
	if (ids.err < 0 && ids.err != -ENOENT) {
		snprintf(fix, sizeof(fix), "an administrator makes it readable by all: 'chmod 0644 "
			 "%s' (eci-newidmap reads it with your uid)", file);
		say(V_FAIL, fix, "%s: %s", file, strerror(-ids.err));
	}
	else if (ids.ranges == 0)
		say(V_FAIL, fix, "%s: no usable range for %s%s", file, name,
		    ids.err == -ENOENT ? " (there is no such file)" : "");
	else if (ids.slots == 0)
		say(V_FAIL, fix, "%s: the range of %s (line %u) has fewer than 65536 ids", file,
		    name, ids.line);
	else
		say(V_OK, NULL, "%s: %zu slot%s of 65536 ids for %s (from line %u): %zu container%s "
		    "at once", file, ids.slots, ids.slots == 1 ? "" : "s", name, ids.line, ids.slots,
		    ids.slots == 1 ? "" : "s");
	fputs(ids.notes, stdout);
}

static void check_subids(const char *name)
{
	size_t u, g;

	check_ids("/etc/subuid", "--add-subuids", name, getuid(), getuid(), &u);
	/* Matched by the uid, as shadow does; getgid() is what must not be mapped. */
	check_ids("/etc/subgid", "--add-subgids", name, getuid(), getgid(), &g);
	if (u && g && u != g)
		printf("     note: %zu and %zu slots: %zu containers at once, the smaller count\n",
		       u, g, u < g ? u : g);
}

/* --- the helper and the policy ------------------------------------------- */

/* @p: the policy as eci-run reads it, for the checks after; freed by the caller. */
static void check_integrity(struct policy *p)
{
	struct integrity in;
	long max;

	policy_integrity(p, &in);
	if (in.helper_ok)
		say(V_OK, NULL, "eci-newidmap: %s: owned by root, writable by root only, file "
		    "capabilities exactly cap_setuid,cap_setgid=ep", in.helper_path);
	else
		say(V_FAIL, "an administrator runs 'make install' and 'make install-privileged' "
		    "(eci-newidmap owned by root, mode 0755, setcap cap_setuid,cap_setgid=ep, no "
		    "setuid bit)", "eci-newidmap: %s", in.helper.msg);
	if (in.policy_ok)
		say(V_OK, NULL, "policy intact: %s (every file and directory above it root's, "
		    "writable by root only); your own settings, if any, well formed", policy_dir());
	else
		say(V_FAIL, "an administrator makes the policy files and the directories above "
		    "them owned by root and writable by root only (chown root:root; chmod go-w), "
		    "or fixes the file named; a malformed settings file of yours: fix or remove it",
		    "policy: %s", in.policy.msg);
	max = in.policy_ok ? (long)p->v[POL_MAX_CONTAINERS].i : 0;
	if (max > 0)
		printf("     note: maxContainersPerUser = %ld (%s): at most %ld containers at once\n",
		       max, p->v[POL_MAX_CONTAINERS].source, max);
}

/* The user's state directory: the user's own, or not there yet (the helper
 * makes it at the first container); one someone else made is never used. */
static void check_state(void)
{
	struct eci_err e = { 0 };
	char base[4096], fix[4400];
	int fd;

	state_base(base, sizeof(base));
	switch (state_check_base(base, &fd, &e)) {
	case 1:
		close(fd);
		say(V_OK, NULL, "state directory %s: yours, closed to others", base);
		break;
	case 0:
		say(V_OK, NULL, "state directory %s: made for you by eci-newidmap at the first "
		    "container", base);
		break;
	default:
		snprintf(fix, sizeof(fix), "an administrator finds out who made it, then removes it: "
			 "'rm -r %s' (eci-newidmap makes it anew)", base);
		say(V_FAIL, e.err ? NULL : fix, "%s", e.msg);
	}
}

/* --- optional: networking ------------------------------------------------ */

static void check_network(void)
{
	_cleanup_close_ int tun = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	int err = errno;	/* before the PATH lookups change it */
	char pasta[4096], slirp[4096];
	bool hp = net_find_program("pasta", pasta, sizeof(pasta));
	bool hs = net_find_program("slirp4netns", slirp, sizeof(slirp));

	if (tun >= 0)
		say(V_OK, NULL, "/dev/net/tun usable (--network pasta|slirp4netns)");
	else
		say(V_WARN, "an administrator makes it mode 0666, as Debian's udev rules do "
		    "('chmod 0666 /dev/net/tun'; 'modprobe tun' if it is missing)",
		    "/dev/net/tun (--network pasta|slirp4netns): %s", strerror(err));
	if (hp && hs)
		say(V_OK, NULL, "pasta (%s) and slirp4netns (%s) present: --network pasta and "
		    "--network slirp4netns", pasta, slirp);
	else if (hp || hs)
		say(V_OK, NULL, "%s (%s) present, %s not: --network %s (one of them is enough)",
		    hp ? "pasta" : "slirp4netns", hp ? pasta : slirp, hp ? "slirp4netns" : "pasta",
		    hp ? "pasta" : "slirp4netns");
	else
		say(V_WARN, "an administrator installs one: 'apt-get install passt' (pasta) or "
		    "'apt-get install slirp4netns'",
		    "neither pasta nor slirp4netns on PATH: --network pasta|slirp4netns cannot work");
}

/* --- optional: cgroup v2 delegation ------------------------------------- */

/* The first cgroup2 mount: its mount point in @dir, its root in @root. */
static int cgroup2_mount(char *dir, size_t dsize, char *root, size_t rsize)
{
	_cleanup_free_ char *info = NULL;
	char *line, *save = NULL;

	if (read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &info, NULL) < 0)
		return -1;
	for (line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char r[1024], m[1024];
		const char *sep = strstr(line, " - ");

		if (!sep || strncmp(sep + 3, "cgroup2 ", 8) ||
		    sscanf(line, "%*s %*s %*s %1023s %1023s", r, m) != 2)
			continue;
		snprintf(dir, dsize, "%s", m);
		snprintf(root, rsize, "%s", r);
		return 0;
	}
	return -1;
}

/* Is @w one of the space-separated words of @list? */
static bool has_word(const char *list, const char *w)
{
	size_t n = strlen(w);

	for (const char *p = list; (p = strstr(p, w)); p += n)
		if ((p == list || p[-1] == ' ') && (!p[n] || p[n] == ' ' || p[n] == '\n'))
			return true;
	return false;
}

/* Does @dir's cgroup.controllers list memory, pids and cpu?  The missing
 * ones go to @missing, what it lists to @have. */
static bool has_controllers(const char *dir, char *missing, size_t msize, char *have,
			    size_t hsize)
{
	static const char *const want[] = { "memory", "pids", "cpu" };
	_cleanup_free_ char *buf = NULL;
	char path[4200];

	snprintf(path, sizeof(path), "%s/cgroup.controllers", dir);
	if (read_all_at(AT_FDCWD, path, 4096, &buf, NULL) < 0 && !(buf = strdup("")))
		return false;
	buf[strcspn(buf, "\n")] = '\0';
	snprintf(have, hsize, "%s", buf[0] ? buf : "no controller");
	missing[0] = '\0';
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		if (!has_word(buf, want[i]))
			snprintf(missing + strlen(missing), msize - strlen(missing), "%s%s",
				 missing[0] ? ", " : "", want[i]);
	return !missing[0];
}

/* The caller's own cgroup v2 directory, from /proc/self/cgroup's "0::". */
static int own_cgroup(const char *mnt, const char *root, char *buf, size_t size)
{
	_cleanup_free_ char *self = NULL;
	const char *p;
	size_t n, r = strlen(root);

	if (read_all_at(AT_FDCWD, "/proc/self/cgroup", 1 << 16, &self, NULL) < 0 ||
	    !(p = strstr(self, "0::")))
		return -1;
	p += 3;
	n = strcspn(p, "\n");
	/* Relative to the mount's root when the mount shows a subtree. */
	if (r > 1 && !strncmp(p, root, r) && (p[r] == '/' || p[r] == '\n' || !p[r])) {
		p += r;
		n -= r;
	}
	if (n && p[n - 1] == '/')
		n--;	/* the root cgroup, "/" */
	snprintf(buf, size, "%s%.*s", mnt, (int)n, p);
	return 0;
}

/*
 * Cut @dir back to the topmost directory between it and the mount point
 * @mnt that is the caller's, with cgroup.procs and cgroup.subtree_control
 * the caller may write: the delegated subtree.  A login shell sits in a
 * session scope of its own while systemd delegates user@UID.service, so
 * the subtree may also be a sibling: that one is taken when @dir has none.
 */
static int delegated(const char *mnt, char *dir)
{
	char cur[4096], best[4096] = "", path[4200];
	size_t m = strlen(mnt);
	struct stat st;

	snprintf(cur, sizeof(cur), "%s", dir);
	for (;;) {
		bool mine = stat(cur, &st) == 0 && st.st_uid == getuid();

		snprintf(path, sizeof(path), "%s/cgroup.procs", cur);
		mine = mine && access(path, W_OK) == 0;
		snprintf(path, sizeof(path), "%s/cgroup.subtree_control", cur);
		if (mine && access(path, W_OK) == 0)
			snprintf(best, sizeof(best), "%s", cur);
		if (strlen(cur) <= m || !strrchr(cur, '/'))
			break;
		*strrchr(cur, '/') = '\0';
	}
	if (best[0]) {
		snprintf(dir, 4096, "%s", best);
		return 0;
	}
	snprintf(cur, sizeof(cur), "%s/user.slice/user-%u.slice/user@%u.service", mnt,
		 (unsigned)getuid(), (unsigned)getuid());
	if (stat(cur, &st) < 0 || st.st_uid != getuid())
		return -1;
	snprintf(dir, 4096, "%s", cur);
	return 0;
}

#define CG_DELEGATE "delegates a cgroup v2 subtree with the memory, pids and cpu " \
	"controllers to you: with systemd, 'systemctl edit user@.service' and add [Service] " \
	"Delegate=yes (or Delegate=memory pids cpu); without it, a directory in the cgroup v2 " \
	"hierarchy, chowned to you with its cgroup.procs, cgroup.threads and " \
	"cgroup.subtree_control, under a parent whose cgroup.subtree_control has +memory +pids " \
	"+cpu, and your session started in it"

/*
 * Whether eci-run can apply --memory, --pids-limit and --cpus here: the
 * very rule a run follows (cgroup_delegated(), core/cgroup.c), for a
 * container that asked for all three.  Where it cannot, the v2 details
 * below say what an administrator changes.
 */
static void check_cgroup(void)
{
	static const char *const flags[3] = { "--memory", "--pids-limit", "--cpus" };
	const char *why = "--memory, --pids-limit and --cpus need it";
	char mnt[1024], root[1024], dir[4096], missing[64], have[256], where[1024] = "";
	struct cg_limits l = { .memory = 64 << 20 };
	struct cgroups cg;
	struct eci_err e = { 0 };

	if (cgroup_delegated("doctor", &l, flags, &cg, &e) == 0) {
		for (size_t i = 0; i < cg.n; i++) {
			char *slash = strrchr(cg.d[i].path, '/');
			size_t n = strlen(where);

			if (slash && n + 2 < sizeof(where))
				snprintf(where + n, sizeof(where) - n, "%s%.*s", n ? ", " : "",
					 (int)(slash - cg.d[i].path), cg.d[i].path);
		}
		say(V_OK, NULL, "cgroups delegated to you for --memory, --pids-limit and --cpus: %s",
		    where);
		return;
	}
	if (cgroup2_mount(mnt, sizeof(mnt), root, sizeof(root)) < 0) {
		say(V_WARN, "an administrator mounts the unified hierarchy: boot with "
		    "systemd.unified_cgroup_hierarchy=1, or 'mount -t cgroup2 none /sys/fs/cgroup'",
		    "cgroup delegation (%s): %s; no cgroup v2 hierarchy is mounted", why, e.msg);
		return;
	}
	if (!has_controllers(mnt, missing, sizeof(missing), have, sizeof(have))) {
		say(V_WARN, "an administrator hands you a directory in each cgroup v1 hierarchy "
		    "(memory, pids, cpu: chowned to you with its cgroup.procs and tasks) and starts "
		    "your session in it; or moves the controllers to cgroup v2 by booting with "
		    "systemd.unified_cgroup_hierarchy=1, then " CG_DELEGATE,
		    "cgroup delegation (%s): %s (the cgroup v2 hierarchy at %s has %s, not %s: "
		    "cgroup v1 holds them)", why, e.msg, mnt, have, missing);
		return;
	}
	if (own_cgroup(mnt, root, dir, sizeof(dir)) < 0) {
		say(V_WARN, "an administrator " CG_DELEGATE, "cgroup v2 delegation (%s): %s; "
		    "/proc/self/cgroup names no cgroup v2 group", why, e.msg);
		return;
	}
	if (delegated(mnt, dir) < 0) {
		say(V_WARN, "an administrator " CG_DELEGATE, "cgroup v2 delegation (%s): neither your "
		    "cgroup %s nor one above it is yours", why, dir);
		return;
	}
	if (!has_controllers(dir, missing, sizeof(missing), have, sizeof(have))) {
		say(V_WARN, "an administrator " CG_DELEGATE, "cgroup v2 delegation (%s): %s is yours "
		    "but has %s, not %s", why, dir, have, missing);
		return;
	}
	say(V_WARN, "an administrator " CG_DELEGATE, "cgroup delegation (%s): %s", why, e.msg);
}

/*
 * Which cgroups a --privileged container would get for its root (systemd,
 * an engine inside): the rule of a run (cgroup_delegable()), every
 * hierarchy where the user may divide one.
 */
static void check_cgroup_root(void)
{
	char where[1024] = "";
	struct cgroups cg = { 0 };
	struct eci_err e = { 0 };
	size_t n;

	if (cgroup_delegable("doctor", &cg, &e) <= 0) {
		say(V_NA, NULL, "cgroups for --privileged (systemd, an engine inside): none may be "
		    "divided by you, so such a container sees its cgroups read-only (eci-run(1), "
		    "LIMITS)");
		return;
	}
	for (size_t i = 0; i < cg.n; i++) {
		n = strlen(where);
		snprintf(where + n, sizeof(where) - n, "%s%s", n ? " " : "",
			 cg.d[i].ctrls[0] ? cg.d[i].ctrls : "cgroup2");
	}
	say(V_OK, NULL, "cgroups for --privileged (systemd, an engine inside), given to "
	    "container root: %s", where);
}

/* --- optional, root only: idmapped mounts and eci-runc's pool ------------ */

/*
 * A child in a user namespace of its own, whose maps the caller writes:
 * the user namespace an idmapped mount takes.  It waits on @hold until the
 * caller has opened its namespace, then exits.
 */
static pid_t userns_child(int ready[2], int hold[2])
{
	pid_t pid = fork();
	char c;

	if (pid != 0)
		return pid;
	close(ready[0]);
	close(hold[1]);
	if (unshare(CLONE_NEWUSER) < 0 || write(ready[1], "u", 1) != 1)
		_exit(1);
	while (read(hold[0], &c, 1) < 0 && errno == EINTR)
		;
	_exit(0);
}

/* The user namespace fd of a child mapped 0 -> IDMAP_PROBE_ID, or -1. */
static int probe_userns(struct eci_err *e)
{
	int ready[2] = { -1, -1 }, hold[2] = { -1, -1 }, fd = -1, r;
	char path[64], map[64], c;
	pid_t pid;

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(hold, O_CLOEXEC) < 0 ||
	    (pid = userns_child(ready, hold)) < 0)
		return eci_fail(e, errno, "start a child process");
	close(ready[1]);
	close(hold[0]);
	if (read(ready[0], &c, 1) != 1) {
		eci_fail(e, 0, "the child could not create a user namespace");
	} else {
		snprintf(map, sizeof(map), "0 %u 1\n", IDMAP_PROBE_ID);
		snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
		if ((r = write_file(path, map)) < 0)
			eci_fail(e, -r, "write %s", path);
		snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
		if (!e->msg[0] && (r = write_file(path, map)) < 0)
			eci_fail(e, -r, "write %s", path);
		snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
		if (!e->msg[0] && (fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
			eci_fail(e, errno, "open %s", path);
	}
	close(ready[0]);
	close(hold[1]);	/* lets the child go; the namespace lives on in fd */
	waitpid(pid, NULL, 0);
	return fd;
}

/*
 * In a private mount namespace: a tmpfs over /tmp (seen by this process
 * only) holding a file of root's, a detached open_tree() clone of it
 * idmapped through probe_userns(), and the file's owner read through the
 * clone: IDMAP_PROBE_ID if the idmapping took.
 */
static int try_idmap(struct eci_err *e)
{
	_cleanup_close_ int userns = -1, tree = -1, f = -1;
	struct mount_attr attr = { .attr_set = MOUNT_ATTR_IDMAP };
	struct stat st;

	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return eci_fail(e, errno, "a private mount namespace");
	if (mount("eci-doctor", "/tmp", "tmpfs", MS_NOSUID | MS_NODEV | MS_NOEXEC, "mode=0700") < 0)
		return eci_fail(e, errno, "mount tmpfs");
	f = open("/tmp/f", O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	if (f < 0)
		return eci_fail(e, errno, "create a file on the tmpfs");
	if ((userns = probe_userns(e)) < 0)
		return -1;
	attr.userns_fd = (uint64_t)userns;
	tree = open_tree(AT_FDCWD, "/tmp", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
	if (tree < 0)
		return eci_fail(e, errno, "open_tree(OPEN_TREE_CLONE)");
	if (mount_setattr(tree, "", AT_EMPTY_PATH, &attr, sizeof(attr)) < 0)
		return eci_fail(e, errno, "mount_setattr(MOUNT_ATTR_IDMAP)");
	if (fstatat(tree, "f", &st, AT_SYMLINK_NOFOLLOW) < 0)
		return eci_fail(e, errno, "stat through the idmapped mount");
	if (st.st_uid != IDMAP_PROBE_ID || st.st_gid != IDMAP_PROBE_ID)
		return eci_fail(e, 0, "a file of root's shows as %u:%u through the idmapped mount, "
				"not %u:%u", (unsigned)st.st_uid, (unsigned)st.st_gid, IDMAP_PROBE_ID,
				IDMAP_PROBE_ID);
	return 0;
}

static void check_idmap(void)
{
	struct eci_err e = { 0 };
	int p[2], status;
	pid_t pid;

	if (getuid() != 0) {
		say(V_NA, NULL, "idmapped mounts: checked for root only (eci-runc, which the engine "
		    "runs as root, uses them; eci-run does not)");
		return;
	}
	fflush(stdout);
	if (pipe2(p, O_CLOEXEC) < 0 || (pid = fork()) < 0) {
		eci_fail(&e, errno, "start a child process");
	} else if (pid == 0) {
		close(p[0]);
		try_idmap(&e);
		_exit(write_all(p[1], &e, sizeof(e)) < 0);
	} else {
		close(p[1]);
		if (read(p[0], &e, sizeof(e)) != (ssize_t)sizeof(e))
			eci_fail(&e, 0, "the child process trying it died");
		close(p[0]);
		waitpid(pid, &status, 0);
	}
	if (!e.msg[0])
		say(V_OK, NULL, "idmapped mounts (eci-runc): a tmpfs file of root's shows as uid %u "
		    "through an idmapped clone", IDMAP_PROBE_ID);
	else
		say(V_WARN, "eci-runc needs Linux 5.12 or later and file systems that support "
		    "idmapped mounts (ext4, xfs, btrfs, tmpfs) for the engine's layers and volumes",
		    "idmapped mounts (eci-runc): %s", e.msg);
}

static void check_pool(void)
{
	struct passwd *pw;
	struct ids u, g;

	if (getuid() != 0)
		return;
	pw = getpwnam(POOL_USER);
	if (!pw) {
		say(V_WARN, "an administrator runs 'make install-privileged' (it creates the "
		    "account with 64 slots)", "eci-runc's pool account " POOL_USER
		    " does not exist: the engine's containers cannot start");
		return;
	}
	count_ids("/etc/subuid", pw->pw_name, pw->pw_uid, pw->pw_uid, &u);
	count_ids("/etc/subgid", pw->pw_name, pw->pw_uid, pw->pw_gid, &g);
	if (u.slots && g.slots)
		say(V_OK, NULL, "eci-runc's pool account " POOL_USER ": %zu slots: %zu engine "
		    "containers at once", u.slots < g.slots ? u.slots : g.slots,
		    u.slots < g.slots ? u.slots : g.slots);
	else
		say(V_WARN, "an administrator runs 'sh tools/account.sh " POOL_USER " 64' (or "
		    "'make install-privileged')", "eci-runc's pool account " POOL_USER ": no slot "
		    "of 65536 ids in %s", u.slots ? "/etc/subgid" : "/etc/subuid");
}

/* --- optional: the docker API on TCP ------------------------------------ */

#define TCP_FIX "an administrator removes the TCP listener (-H tcp://... or \"hosts\" in " \
	"daemon.json) or makes dockerd verify its clients (--tlsverify with --tlscacert, " \
	"--tlscert and --tlskey)"

/*
 * ECI's promise that the engine's API is never on the network without
 * TLS client verification, as eci-runc checks it before each container
 * (policy_engine_exposed()).  Without root only the engines' command lines
 * and daemon.json are read, not their sockets.
 */
static void check_engine_tcp(const struct policy *p)
{
	_cleanup_free_ struct engines *en = calloc(1, sizeof(*en));
	const struct pol_value *v = &p->v[POL_EXPOSE_TCP];
	struct eci_err e = { 0 };
	const struct eng_tcp *t;

	if (!en || policy_engines_scan(en, &e) < 0) {
		say(V_WARN, NULL, "docker API on TCP: cannot tell: %s", en ? e.msg : "out of memory");
		return;
	}
	t = policy_engine_exposed(en, 0);
	if (!t && en->ntcp)
		say(V_OK, NULL, "docker API on TCP: dockerd (pid %d) on tcp %s verifies TLS clients",
		    (int)en->tcp[0].pid, en->tcp[0].addr);
	else if (!t)
		say(V_OK, NULL, "docker API on TCP: none found%s", getuid() ? " (from the engines' "
		    "command lines; root also reads their sockets)" : "");
	else if (!v->b)
		say(V_WARN, TCP_FIX, "dockerd (pid %d) listens on tcp %s without TLS client "
		    "verification: eci-runc refuses its containers (%s is false, %s)", (int)t->pid,
		    t->addr, pol_names[POL_EXPOSE_TCP], v->source);
	else
		say(V_WARN, TCP_FIX, "dockerd (pid %d) listens on tcp %s without TLS client "
		    "verification, allowed by %s (%s): whoever reaches it is root here", (int)t->pid,
		    t->addr, pol_names[POL_EXPOSE_TCP], v->source);
}

/* --- eci-run doctor ------------------------------------------------------- */

int doctor_main(int argc, char **argv)
{
	struct passwd *pw = getpwuid(getuid());
	struct policy p;
	char name[64];

	if (argc > 1) {
		fprintf(stderr, "eci-run: doctor: unknown argument %s\nusage: eci-run doctor\n",
			argv[1]);
		return EXIT_ECI;
	}
	snprintf(name, sizeof(name), "%s", pw ? pw->pw_name : "");
	if (!pw)
		snprintf(name, sizeof(name), "%u", (unsigned)getuid());
	failures = 0;
	printf("Required: eci-run runs no container without these\n");
	check_kernel();
	check_sysctls();
	check_userns_overlay();
	check_subids(name);
	check_integrity(&p);
	check_state();
	printf("\nOptional: without these some flags%s do not work\n",
	       getuid() ? "" : " or eci-runc");
	check_network();
	check_cgroup();
	check_cgroup_root();
	check_idmap();
	check_pool();
	check_engine_tcp(&p);
	policy_free(&p);
	if (failures)
		printf("\neci cannot run here: %d required check%s failed (exit status 1); see the "
		       "fixes above\n", failures, failures == 1 ? "" : "s");
	else
		printf("\neci can run here: every required check passed (exit status 0)\n");
	return failures ? 1 : 0;
}
