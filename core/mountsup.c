// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mountsup.c - a new procfs or sysfs for a process of the container, masked
 *
 * Theory of Operation: a container granted CAP_SYS_ADMIN (--privileged)
 * may mount, but the kernel refuses it a new procfs or sysfs: the masks
 * over the container's /proc and /sys (mounts/system.c) are locked in the
 * workload's mount namespace (nest.c), and the kernel mounts neither for a
 * user namespace unless an instance of it is fully visible already, with
 * nothing locked over a file or a directory that is not empty.  A nested
 * runtime (runc, crun: docker in the container) and unshare --mount-proc
 * fail there.  So pid 1 mounts them on the container's behalf, masked
 * exactly as the first:
 *
 *   - the workload stacks a filter of its own (sc_build_supervisor()) that
 *     makes every mount() of a new superblock, and fsopen(), a user
 *     notification, and passes its listener to pid 1 over the nest socket
 *     (its descendants inherit the filter; eci-run exec and eci-runc exec
 *     do not load it: a process they start gets the kernel's EPERM);
 *   - pid 1 reads the call's file system type from the caller's memory
 *     (/proc/PID/mem, every string bounded) and answers CONTINUE for any
 *     type but proc and sysfs: the kernel then checks the call as it would
 *     without the filter, so a string changed after the read meets only
 *     the kernel's own refusal.  fsopen("proc") and fsopen("sysfs") fail
 *     with ENOSYS, on which runc, crun and libmount use mount(2): an
 *     fs_context cannot carry the masks;
 *   - for proc and sysfs it holds the caller by /proc/PID before it checks
 *     that the notification is still pending (the pid cannot have been
 *     reused then), checks what the kernel would: CAP_SYS_ADMIN effective
 *     in a user namespace that owns (or is an ancestor of the owner of) the
 *     caller's mount namespace and its pid (proc) or network (sysfs)
 *     namespace, flags among ro, nosuid, nodev, noexec and the atime ones,
 *     proc's options hidepid=, gid=, subset= only (EINVAL otherwise);
 *   - a child of pid 1 (non-dumpable; pid 1 is container root, in a mount
 *     namespace whose /proc and /sys are its own, unlocked, so fully
 *     visible) forks a builder, which enters the caller's pid (or network)
 *     namespace, takes a private copy of pid 1's mount namespace, forks
 *     once more so that the pid namespace is its own, and there mounts the
 *     instance on a scratch tmpfs with the container's masks
 *     (mnt_instance(), the same rule as mnt_system()).  It then unshares a
 *     user namespace with a mount namespace: the kernel locks every mount
 *     it copies into a less privileged one (MNT_LOCKED and the MNT_LOCK_*
 *     flags), and open_tree(OPEN_TREE_CLONE | AT_RECURSIVE) takes the
 *     instance and its masks from there, detached and locked, back to the
 *     child;
 *   - the child enters the caller's mount namespace, takes the caller's
 *     root and working directory (chroot, so that the target's symlinks
 *     and ".." stay inside; no magic links), opens the target and moves
 *     the tree there.  The caller can unmount the new instance, not a mask
 *     in it, nor make /proc/sys or /sys writable.
 *
 * Pid 1 serves one notification at a time, between reaping its children.
 * The kernel allows one listener in a process's filters: a nested runtime
 * that wants one of its own (seccomp notify) gets EBUSY.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/capability.h>
#include <linux/nsfs.h>
#include <linux/openat2.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "fdpass.h"
#include "mounts.h"
#include "util.h"

#define PAGE 4096
#define ATTACH_TIMEOUT_S 10	/* SIGALRM ends a child that takes longer */
#define OPTS_MAX 512		/* proc options: mnt_instance()'s bound */
#define FLAGS_OK                                                               \
	(MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | MS_NODIRATIME |  \
	 MS_RELATIME | MS_STRICTATIME | MS_SILENT | MS_REC)

bool sup_wanted(const struct spec *s)
{
	return s->caps & (1ULL << CAP_SYS_ADMIN);
}

/* One request: what to mount, for whom; fds of pid 1's, on the caller. */
struct job {
	bool sys;			/* sysfs, else proc */
	unsigned attrs;			/* MOUNT_ATTR_* */
	char target[PATH_MAX];
	char opts[OPTS_MAX];
	int ns;				/* the caller's pid (proc) or network namespace */
	int mnt, root, cwd;		/* its mount namespace, root, working directory */
	int target_fd;			/* the caller's fd the target names, or -1 */
	int sock;			/* builder -> child: the tree */
	const struct mnt_plan *plan;
};

/* What pid 1 serves with. */
struct sup {
	int listener;
	const struct mnt_plan *plan;
	int proc;			/* a procfs of pid 1's pid namespace */
	int pid_ns;			/* the container's pid namespace: the workload's */
	int user_ns;			/* the workload's user namespace */
};

/*
 * The string at @addr of the caller's memory @mem, NUL included, into @buf
 * of @size: 0, -EFAULT where it cannot be read, -ENAMETOOLONG if it does
 * not end within @size.  Read page by page: a string may end just before an
 * unmapped one.
 */
static int read_string(int mem, uint64_t addr, char *buf, size_t size)
{
	size_t got = 0;

	if (!addr || addr > (uint64_t)INT64_MAX - size)
		return -EFAULT;
	while (got < size) {
		size_t chunk = PAGE - (size_t)((addr + got) % PAGE);
		ssize_t n;

		if (chunk > size - got)
			chunk = size - got;
		n = pread(mem, buf + got, chunk, (off_t)(addr + got));
		if (n <= 0)
			return -EFAULT;
		if (memchr(buf + got, '\0', (size_t)n))
			return 0;
		got += (size_t)n;
	}
	return -ENAMETOOLONG;
}

static bool same_file(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 && sa.st_dev == sb.st_dev &&
	       sa.st_ino == sb.st_ino;
}

/* Is user namespace @user the owner of namespace @ns, or an ancestor of it? */
static bool owns(int user, int ns)
{
	int cur = ioctl(ns, NS_GET_USERNS);

	while (cur >= 0) {
		int parent;

		if (same_file(cur, user)) {
			close(cur);
			return true;
		}
		parent = ioctl(cur, NS_GET_PARENT);	/* EPERM beyond pid 1's */
		close(cur);
		cur = parent;
	}
	return false;
}

/* CAP_SYS_ADMIN in the caller's effective set (/proc/PID/status)? */
static bool admin(int dir)
{
	_cleanup_free_ char *text = NULL;
	unsigned long long eff;
	const char *line;

	if (read_all_at(dir, "status", 1 << 16, &text, NULL) < 0 ||
	    !(line = strstr(text, "\nCapEff:")) || sscanf(line + 8, "%llx", &eff) != 1)
		return false;
	return eff & (1ULL << CAP_SYS_ADMIN);
}

/* mount(2)'s flags as mount attributes; -EINVAL for any other flag. */
static int attrs_of(uint64_t flags, unsigned *attrs)
{
	static const struct {
		uint64_t flag;
		unsigned attr;
	} map[] = {
		{ MS_RDONLY, MOUNT_ATTR_RDONLY },     { MS_NOSUID, MOUNT_ATTR_NOSUID },
		{ MS_NODEV, MOUNT_ATTR_NODEV },	      { MS_NOEXEC, MOUNT_ATTR_NOEXEC },
		{ MS_NOATIME, MOUNT_ATTR_NOATIME },   { MS_NODIRATIME, MOUNT_ATTR_NODIRATIME },
		{ MS_STRICTATIME, MOUNT_ATTR_STRICTATIME },
	};

	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(uint64_t)MS_MGC_MSK;	/* the old magic, as the kernel drops it */
	if (flags & ~(uint64_t)FLAGS_OK)
		return -EINVAL;
	*attrs = 0;
	for (size_t i = 0; i < ARRAY_SIZE(map); i++)
		if (flags & map[i].flag)
			*attrs |= map[i].attr;
	return 0;
}

/*
 * The builder's last process, in the caller's pid (or network) namespace
 * and a private copy of pid 1's mount namespace: a scratch tmpfs, the
 * instance on it, then the lock, and the tree to the child.  The scratch
 * is attached in the copy, so that the copy's copy holds it, over the
 * container's /sys while proc is built and over /proc while sysfs is
 * (the kernel wants the container's own instance of the type in sight, not
 * the other); not over "/": the kernel takes a process whose root is
 * covered for one in a chroot, and refuses it a user namespace.
 */
static int build_in(void *ctx, struct eci_err *e)
{
	struct job *j = ctx;
	_cleanup_close_ int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
	_cleanup_close_ int scratch = -1, tree = -1;

	if (fs < 0 || fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0 ||
	    (scratch = fsmount(fs, FSMOUNT_CLOEXEC, 0)) < 0 ||
	    move_mount(scratch, "", AT_FDCWD, j->sys ? "/proc" : "/sys",
		       MOVE_MOUNT_F_EMPTY_PATH) < 0 ||
	    fchdir(scratch) < 0)
		return eci_fail(e, errno, "a scratch tmpfs");
	if (mnt_instance(j->plan, scratch, j->sys, j->opts, j->attrs, e) < 0)
		return -1;
	/* the working directory moves into the copy */
	if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
		return eci_fail(e, errno, "lock the new instance");
	tree = open_tree(AT_FDCWD, j->sys ? "sys" : "proc",
			 OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_RECURSIVE);
	if (tree < 0)
		return eci_fail(e, errno, "take the new instance");
	if (fd_send(j->sock, "t", 1, tree) < 0)
		return eci_fail(e, errno, "pass the new instance");
	return 0;
}

static int build(void *ctx, struct eci_err *e)
{
	struct job *j = ctx;

	if (setns(j->ns, j->sys ? CLONE_NEWNET : CLONE_NEWPID) < 0)
		return eci_fail(e, errno, "enter the caller's namespace");
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return eci_fail(e, errno, "a mount namespace to build in");
	/* forked: a pid namespace entered is its children's */
	return eci_in_child(build_in, j, "build", e);
}

/* Pid 1's child: the tree built, then attached at the caller's target. */
static int attach(void *ctx, struct eci_err *e)
{
	struct job *j = ctx;
	struct open_how how = { .flags = O_PATH | O_CLOEXEC, .resolve = RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int tree = -1, target = -1;
	int sv[2], r;
	char c;

	if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_DUMPABLE");
	/* The target's path is the caller's: a FUSE mount of its own on the
	 * way could hold the lookup, and pid 1 waits for this process. */
	signal(SIGALRM, SIG_DFL);	/* pid 1 passes its own on (signals.c) */
	alarm(ATTACH_TIMEOUT_S);
	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return eci_fail(e, errno, "socketpair");
	j->sock = sv[1];
	r = eci_in_child(build, j, "build", e);
	close(sv[1]);
	tree = r < 0 ? -1 : fd_recv(sv[0], &c, 1);
	close(sv[0]);
	if (r < 0)
		return -1;
	if (tree < 0)
		return eci_fail(e, EIO, "no tree from the builder");
	if (setns(j->mnt, CLONE_NEWNS) < 0 || fchdir(j->root) < 0 || chroot(".") < 0 ||
	    fchdir(j->cwd) < 0)
		return eci_fail(e, errno, "enter the caller's mount namespace");
	target = j->target_fd >= 0 ? fcntl(j->target_fd, F_DUPFD_CLOEXEC, 3)
				   : (int)syscall(SYS_openat2, AT_FDCWD, j->target, &how, sizeof(how));
	if (target < 0)
		return eci_fail(e, errno, "open %s", j->target);
	if (move_mount(tree, "", target, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return eci_fail(e, errno, "attach at %s", j->target);
	return 0;
}

static void job_close(struct job *j)
{
	int *fds[] = { &j->ns, &j->mnt, &j->root, &j->cwd, &j->target_fd };

	for (size_t i = 0; i < ARRAY_SIZE(fds); i++) {
		if (*fds[i] >= 0)
			close(*fds[i]);
		*fds[i] = -1;
	}
}

/* The caller's namespaces, root and working directory, from /proc/PID @dir. */
static int job_open(struct job *j, int dir)
{
	j->ns = openat(dir, j->sys ? "ns/net" : "ns/pid", O_RDONLY | O_CLOEXEC);
	j->mnt = openat(dir, "ns/mnt", O_RDONLY | O_CLOEXEC);
	j->root = openat(dir, "root", O_PATH | O_DIRECTORY | O_CLOEXEC);
	j->cwd = openat(dir, "cwd", O_PATH | O_DIRECTORY | O_CLOEXEC);
	return j->ns < 0 || j->mnt < 0 || j->root < 0 || j->cwd < 0 ? -errno : 0;
}

/*
 * runc and crun name the target by an fd of theirs, "/proc/self/fd/N" (the
 * path of a file they opened, checked, in the rootfs they build): that is
 * the caller's fd N, opened from its /proc/PID @dir, not pid 1's own; no
 * other magic link is followed.  0, -errno, or 1 when @j->target is no
 * such name.
 */
static int target_by_fd(struct job *j, int dir)
{
	static const char *const prefixes[] = { "/proc/self/fd/", "/proc/thread-self/fd/" };
	char path[32];
	const char *n = NULL;

	for (size_t i = 0; i < ARRAY_SIZE(prefixes) && !n; i++)
		if (!strncmp(j->target, prefixes[i], strlen(prefixes[i])))
			n = j->target + strlen(prefixes[i]);
	if (!n || !*n || strspn(n, "0123456789") != strlen(n) || strlen(n) > 9)
		return 1;
	snprintf(path, sizeof(path), "fd/%s", n);
	j->target_fd = openat(dir, path, O_PATH | O_CLOEXEC);
	return j->target_fd < 0 ? -errno : 0;
}

/*
 * May the caller, in user namespace @user, have @j mounted?  What the kernel
 * asks: CAP_SYS_ADMIN over the owners of its mount namespace and of the
 * pid or network namespace of the instance.  And where the workload's own
 * user namespace asks for a procfs of the container's pid namespace (the
 * workload's, its own or pid 1's, made in the container's user namespace:
 * not owned by the nested one), what container root would be granted: the
 * container's /proc shows it already.
 */
static bool allowed(const struct sup *sv, const struct job *j, int dir, int user)
{
	if (!admin(dir) || !owns(user, j->mnt))
		return false;
	if (owns(user, j->ns))
		return true;
	return !j->sys && same_file(j->ns, sv->pid_ns) && same_file(user, sv->user_ns);
}

/* A mount(2) of proc or sysfs: 0 or an errno for the caller. */
static int mount_for(const struct sup *sv, struct job *j, int dir, int mem,
		     const struct seccomp_data *d)
{
	_cleanup_close_ int user = openat(dir, "ns/user", O_RDONLY | O_CLOEXEC);
	struct eci_err e = { 0 };
	int r = attrs_of(d->args[3], &j->attrs);

	if (r < 0)
		return -r;
	if (user < 0 || job_open(j, dir) < 0)
		return ESRCH;
	if (!allowed(sv, j, dir, user))
		return EPERM;
	r = read_string(mem, d->args[1], j->target, sizeof(j->target));
	if (r == 0 && d->args[4])
		r = read_string(mem, d->args[4], j->opts, sizeof(j->opts));
	if (r == -ENAMETOOLONG && d->args[4])
		r = -EINVAL;	/* options longer than any we take */
	if (r == 0 && (r = target_by_fd(j, dir)) > 0)
		r = 0;	/* a path */
	if (r < 0)
		return -r;
	if (eci_in_child(attach, j, j->sys ? "mount sysfs" : "mount proc", &e) < 0)
		return e.err ? e.err : EPERM;
	return 0;
}

enum { ANSWER_CONTINUE = -1 };

/* The answer for @req: ANSWER_CONTINUE, 0 (done) or an errno. */
static int decide(const struct sup *sv, struct seccomp_notif *req)
{
	struct job j = { .ns = -1, .mnt = -1, .root = -1, .cwd = -1, .target_fd = -1,
			 .plan = sv->plan };
	_cleanup_close_ int dir = -1, mem = -1;
	char path[32], type[8];
	bool mount_call = req->data.nr == SYS_mount;
	int r;

	/* the pid as pid 1 sees it: its own procfs, not the container's /proc
	 * (the workload's pid namespace's, where pid 1 has no entry) */
	snprintf(path, sizeof(path), "%d", (int)req->pid);
	dir = req->pid > 0 ? openat(sv->proc, path, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
			   : -1;
	/* After the open: the pid is the caller's, still blocked in the call. */
	if (dir < 0 || ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_ID_VALID, &req->id) < 0)
		return ESRCH;
	mem = openat(dir, "mem", O_RDONLY | O_CLOEXEC);
	if (mem < 0)
		return EPERM;
	r = read_string(mem, req->data.args[mount_call ? 2 : 0], type, sizeof(type));
	if (r == -EFAULT && mount_call && !req->data.args[2])
		return ANSWER_CONTINUE;	/* no type: the kernel says what that is */
	if (r == -EFAULT)
		return EFAULT;
	if (r < 0 || (strcmp(type, "proc") && strcmp(type, "sysfs")))
		return ANSWER_CONTINUE;
	if (!mount_call)
		return ENOSYS;	/* fsopen: mount(2), please */
	j.sys = !strcmp(type, "sysfs");
	r = mount_for(sv, &j, dir, mem, &req->data);
	job_close(&j);
	return r;
}

static void serve_one(const struct sup *sv)
{
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;
	int r;

	memset(&req, 0, sizeof(req));
	if (ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
		return;	/* EINTR, or the caller is gone (ENOENT) */
	r = decide(sv, &req);
	memset(&resp, 0, sizeof(resp));
	resp.id = req.id;
	if (r == ANSWER_CONTINUE)
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
	else
		resp.error = -r;
	if (ioctl(sv->listener, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0) {
		/* the caller is gone (ENOENT): nothing to tell */
	}
}

static void on_child(int sig)
{
	(void)sig;	/* only to wake ppoll() */
}

WAITING int sup_serve(int listener, pid_t main_pid, const struct mnt_plan *plan, int proc)
{
	struct sigaction sa = { .sa_handler = on_child, .sa_flags = SA_NOCLDSTOP };
	struct sup sv = { .listener = listener, .plan = plan, .proc = proc };
	char path[64];
	sigset_t chld, waiting;
	bool trimmed = false;

	snprintf(path, sizeof(path), "%d/ns/user", (int)main_pid);
	sv.user_ns = openat(proc, path, O_RDONLY | O_CLOEXEC);
	snprintf(path, sizeof(path), "%d/ns/pid", (int)main_pid);
	sv.pid_ns = openat(proc, path, O_RDONLY | O_CLOEXEC);

	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, &waiting);
	sigdelset(&waiting, SIGCHLD);
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	for (;;) {
		struct pollfd p = { .fd = sv.listener, .events = POLLIN };
		struct timespec idle = { .tv_nsec = MEM_TRIM_AFTER_MS * 1000000L };
		int status, r;
		pid_t pid;

		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			if (pid == main_pid) {
				tl_mark("pid 1: workload reaped");
				return exit_code(status);
			}
		}
		if (pid < 0 && errno != EINTR)
			return EXIT_ECI;
		r = ppoll(&p, 1, trimmed ? NULL : &idle, &waiting);
		if (r == 0) {
			mem_trim();	/* from here on it mostly waits */
			trimmed = true;
		}
		if (r <= 0)
			continue;	/* a signal, or the trim */
		if (p.revents & POLLIN) {
			serve_one(&sv);
		} else if (p.revents) {
			close(sv.listener);	/* no process left under the filter */
			sv.listener = -1;
		}
	}
}
