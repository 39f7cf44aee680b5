// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * seccomp.c - the workload's system call filter, built with libseccomp
 *
 * Theory of Operation: the filter is built once, in the launcher, before any
 * namespace exists (so a bad profile is refused plainly), and exported as
 * classic BPF into memory; the workload loads it with seccomp(2): the
 * default one while pid 1 builds the root, a profile of the user's as the
 * last step before exec (init.c, lock_down_early()).  The default profile
 * is an allowlist at least as strict as Docker's default: everything not
 * listed fails with EPERM, only the native architecture is accepted
 * (libseccomp kills other ABIs), and
 *   - clone and unshare may not create namespaces, clone3 answers ENOSYS
 *     (so that libc falls back to clone, whose flags can be inspected), user
 *     namespaces included — unless CAP_SYS_ADMIN was granted; one
 *     exception, unshare(CLONE_NEWNS) alone, which the workload makes under
 *     this filter (init.c) and which the kernel refuses without that
 *     capability anyway;
 *   - the mount API, setns, pivot_root, sethostname and friends need
 *     CAP_SYS_ADMIN, chroot CAP_SYS_CHROOT, process_vm_* and kcmp
 *     CAP_SYS_PTRACE, the NUMA calls CAP_SYS_NICE;
 *   - personality() takes only the values Docker allows, socket() refuses
 *     AF_VSOCK, and ioctl() refuses TIOCSTI and TIOCLINUX, with which a
 *     workload given the user's terminal could type into the user's shell
 *     (CVE-2017-5226); arguments of type int are compared on their low 32
 *     bits, which is all the kernel reads of them;
 *   - the kernel's non-namespaced surface is never opened, whatever was
 *     granted, --privileged included: keyrings (ENOSYS, which runc and
 *     crun inside a container take for "no keyrings"), bpf, perf_event_open,
 *     userfaultfd, io_uring, kexec, modules, open_by_handle_at, acct, swap,
 *     reboot, syslog, setting the clock, iopl/ioperm.
 * --security-opt seccomp=FILE takes a profile in Docker's JSON format
 * (profile.c); seccomp=unconfined loads nothing.  Whatever the profile, a
 * workload granted CAP_SYS_ADMIN stacks the mount supervisor's filter too
 * (sc_build_supervisor(), mountsup.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "util.h"

#define NS_FLAGS                                                               \
	(CLONE_NEWNS | CLONE_NEWUTS | CLONE_NEWIPC | CLONE_NEWUSER |          \
	 CLONE_NEWPID | CLONE_NEWNET | CLONE_NEWCGROUP | CLONE_NEWTIME)
#define CAP(c) (1ULL << (c))

static const char *const allowed[] = {
	"accept", "accept4", "access", "alarm", "arch_prctl", "bind", "brk", "cachestat",
	"capget", "capset", "chdir", "chmod", "chown", "chown32", "clock_getres",
	"clock_getres_time64", "clock_gettime", "clock_gettime64", "clock_nanosleep",
	"clock_nanosleep_time64", "close", "close_range", "connect", "copy_file_range",
	"creat", "dup", "dup2", "dup3", "epoll_create", "epoll_create1", "epoll_ctl",
	"epoll_ctl_old", "epoll_pwait", "epoll_pwait2", "epoll_wait", "epoll_wait_old",
	"eventfd", "eventfd2", "execve", "execveat", "exit", "exit_group", "faccessat",
	"faccessat2", "fadvise64", "fadvise64_64", "fallocate", "fanotify_mark", "fchdir",
	"fchmod", "fchmodat", "fchmodat2", "fchown", "fchown32", "fchownat", "fcntl",
	"fcntl64", "fdatasync", "fgetxattr", "flistxattr", "flock", "fork", "fremovexattr",
	"fsetxattr", "fstat", "fstat64", "fstatat64", "fstatfs", "fstatfs64", "fsync",
	"ftruncate", "ftruncate64", "futex", "futex_requeue", "futex_time64", "futex_wait",
	"futex_waitv", "futex_wake", "futimesat", "getcpu", "getcwd", "getdents",
	"getdents64", "getegid", "getegid32", "geteuid", "geteuid32", "getgid", "getgid32",
	"getgroups", "getgroups32", "getitimer", "getpeername", "getpgid", "getpgrp",
	"getpid", "getppid", "getpriority", "getrandom", "getresgid", "getresgid32",
	"getresuid", "getresuid32", "getrlimit", "get_robust_list", "getrusage", "getsid",
	"getsockname", "getsockopt", "get_thread_area", "gettid", "gettimeofday", "getuid",
	"getuid32", "getxattr", "getxattrat", "inotify_add_watch", "inotify_init",
	"inotify_init1", "inotify_rm_watch", "io_cancel", "io_destroy", "io_getevents",
	"io_pgetevents", "io_pgetevents_time64", "ioprio_get", "ioprio_set", "io_setup",
	"io_submit", "ipc", "kill", "landlock_add_rule", "landlock_create_ruleset",
	"landlock_restrict_self", "lchown", "lchown32", "lgetxattr", "link", "linkat",
	"listen", "listmount", "listxattr", "listxattrat", "llistxattr", "_llseek",
	"lremovexattr", "lseek", "lsetxattr", "lstat", "lstat64", "madvise", "map_shadow_stack",
	"membarrier", "memfd_create", "memfd_secret", "mincore", "mkdir", "mkdirat", "mknod",
	"mknodat", "mlock", "mlock2", "mlockall", "mmap", "mmap2", "mprotect", "mq_getsetattr",
	"mq_notify", "mq_open", "mq_timedreceive", "mq_timedreceive_time64", "mq_timedsend",
	"mq_timedsend_time64", "mq_unlink", "mremap", "mseal", "msgctl", "msgget", "msgrcv",
	"msgsnd", "msync", "munlock", "munlockall", "munmap", "name_to_handle_at",
	"nanosleep", "newfstatat", "_newselect", "open", "openat", "openat2", "pause",
	"pidfd_open", "pidfd_send_signal", "pipe", "pipe2", "pkey_alloc", "pkey_free",
	"pkey_mprotect", "poll", "ppoll", "ppoll_time64", "prctl", "pread64", "preadv",
	"preadv2", "prlimit64", "process_madvise", "process_mrelease", "pselect6",
	"pselect6_time64", "ptrace", "pwrite64", "pwritev", "pwritev2", "read", "readahead",
	"readlink", "readlinkat", "readv", "recv", "recvfrom", "recvmmsg", "recvmmsg_time64",
	"recvmsg", "remap_file_pages", "removexattr", "removexattrat", "rename", "renameat",
	"renameat2", "restart_syscall", "rmdir", "rseq", "rt_sigaction", "rt_sigpending",
	"rt_sigprocmask", "rt_sigqueueinfo", "rt_sigreturn", "rt_sigsuspend",
	"rt_sigtimedwait", "rt_sigtimedwait_time64", "rt_tgsigqueueinfo",
	"sched_getaffinity", "sched_getattr", "sched_getparam", "sched_get_priority_max",
	"sched_get_priority_min", "sched_getscheduler", "sched_rr_get_interval",
	"sched_rr_get_interval_time64", "sched_setaffinity", "sched_setattr",
	"sched_setparam", "sched_setscheduler", "sched_yield", "seccomp", "select",
	"semctl", "semget", "semop", "semtimedop", "semtimedop_time64", "send", "sendfile",
	"sendfile64", "sendmmsg", "sendmsg", "sendto", "setfsgid", "setfsgid32", "setfsuid",
	"setfsuid32", "setgid", "setgid32", "setgroups", "setgroups32", "setitimer",
	"setpgid", "setpriority", "setregid", "setregid32", "setresgid", "setresgid32",
	"setresuid", "setresuid32", "setreuid", "setreuid32", "setrlimit",
	"set_robust_list", "setsid", "setsockopt", "set_thread_area", "set_tid_address",
	"setuid", "setuid32", "setxattr", "setxattrat", "shmat", "shmctl", "shmdt",
	"shmget", "shutdown", "sigaltstack", "signalfd", "signalfd4", "sigprocmask",
	"sigreturn", "socketcall", "socketpair", "splice", "stat", "stat64", "statfs",
	"statfs64", "statmount", "statx", "symlink", "symlinkat", "sync", "sync_file_range",
	"syncfs", "sysinfo", "tee", "tgkill", "time", "timer_create", "timer_delete",
	"timer_getoverrun", "timer_gettime", "timer_gettime64", "timer_settime",
	"timer_settime64", "timerfd_create", "timerfd_gettime", "timerfd_gettime64",
	"timerfd_settime", "timerfd_settime64", "times", "tkill", "truncate", "truncate64",
	"ugetrlimit", "umask", "uname", "unlink", "unlinkat", "uretprobe", "utime",
	"utimensat", "utimensat_time64", "utimes", "vfork", "vmsplice", "wait4", "waitid",
	"waitpid", "write", "writev",
};

/* Namespaced operations, opened by a granted capability. */
static const struct {
	int cap;
	const char *name;
} by_cap[] = {
	{ CAP_SYS_ADMIN, "mount" },	    { CAP_SYS_ADMIN, "umount" },
	{ CAP_SYS_ADMIN, "umount2" },	    { CAP_SYS_ADMIN, "setns" },
	{ CAP_SYS_ADMIN, "pivot_root" },    { CAP_SYS_ADMIN, "sethostname" },
	{ CAP_SYS_ADMIN, "setdomainname" }, { CAP_SYS_ADMIN, "fsopen" },
	{ CAP_SYS_ADMIN, "fsconfig" },	    { CAP_SYS_ADMIN, "fsmount" },
	{ CAP_SYS_ADMIN, "fspick" },	    { CAP_SYS_ADMIN, "move_mount" },
	{ CAP_SYS_ADMIN, "open_tree" },	    { CAP_SYS_ADMIN, "open_tree_attr" },
	{ CAP_SYS_ADMIN, "mount_setattr" }, { CAP_SYS_ADMIN, "unshare" },
	{ CAP_SYS_ADMIN, "clone" },	    { CAP_SYS_ADMIN, "clone3" },
	{ CAP_SYS_ADMIN, "fanotify_init" }, { CAP_SYS_CHROOT, "chroot" },
	{ CAP_SYS_PTRACE, "process_vm_readv" }, { CAP_SYS_PTRACE, "process_vm_writev" },
	{ CAP_SYS_PTRACE, "kcmp" },	    { CAP_SYS_PTRACE, "pidfd_getfd" },
	{ CAP_SYS_NICE, "get_mempolicy" },  { CAP_SYS_NICE, "mbind" },
	{ CAP_SYS_NICE, "set_mempolicy" },  { CAP_SYS_NICE, "set_mempolicy_home_node" },
	{ CAP_SYS_NICE, "migrate_pages" },  { CAP_SYS_NICE, "move_pages" },
	{ CAP_SYS_TTY_CONFIG, "vhangup" },
};

static int rule(scmp_filter_ctx ctx, uint32_t action, const char *name, unsigned n,
		const struct scmp_arg_cmp *cmp)
{
	int nr = seccomp_syscall_resolve_name(name);

	if (nr == __NR_SCMP_ERROR)
		return 0;	/* not a system call on this architecture */
	return seccomp_rule_add_array(ctx, action, nr, n, cmp);
}

/*
 * Allow @name unless the low 32 bits of its argument @arg are one of the
 * @n values of @deny.  The kernel reads only those bits of an int argument,
 * while a filter sees all 64: libseccomp's 32-bit comparisons (SCMP_A1_32)
 * only truncate the value compared with, so "ioctl(fd, 1 << 32 | TIOCSTI)"
 * would pass a rule "command != TIOCSTI" and still be TIOCSTI.  Nor can a
 * refusal be stacked on an unconditional allow (libseccomp keeps the
 * allow).  So the values let through are written out, as masked
 * equalities over the low 32 bits: in the binary tree of the refused
 * values, each subtree that branches off a refused value's path and holds
 * none of them is one rule, (arg & bits above) == that prefix.  A value
 * outside the set leaves the tree at such a branch; a refused value never
 * does.  At most 32 rules per refused value.
 */
static int allow_except(scmp_filter_ctx ctx, const char *name, unsigned arg,
			const uint32_t *deny, size_t n)
{
	int r = 0;

	for (size_t i = 0; i < n && !r; i++) {
		for (int bit = 31; bit >= 0 && !r; bit--) {
			uint32_t mask = ~0U << bit, prefix = (deny[i] ^ 1U << bit) & mask;
			struct scmp_arg_cmp c = { .arg = arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = mask, .datum_b = prefix };
			bool holds = false, done = false;

			for (size_t j = 0; j < n; j++) {
				holds |= (deny[j] & mask) == prefix;
				/* the same branch, seen from an earlier value */
				done |= j < i && (deny[j] & mask) == (deny[i] & mask);
			}
			if (!holds && !done)
				r = rule(ctx, SCMP_ACT_ALLOW, name, 1, &c);
		}
	}
	return r;
}

static const char *const keyring[] = { "add_key", "keyctl", "request_key" };

static int add_conditional(scmp_filter_ctx ctx, uint64_t caps)
{
	static const uint32_t personas[] = { 0x0, 0x8, 0x20000, 0x20008, 0xffffffff };
	static const uint32_t vsock[] = { AF_VSOCK };
	static const uint32_t tty_input[] = { TIOCSTI, TIOCLINUX };
	struct scmp_arg_cmp c;
	int r = 0;

	for (size_t i = 0; i < ARRAY_SIZE(personas) && !r; i++) {
		c = SCMP_A0_64(SCMP_CMP_MASKED_EQ, 0xffffffff, personas[i]);
		r = rule(ctx, SCMP_ACT_ALLOW, "personality", 1, &c);
	}
	r = r ? r : allow_except(ctx, "socket", 0, vsock, ARRAY_SIZE(vsock));
	r = r ? r : allow_except(ctx, "ioctl", 1, tty_input, ARRAY_SIZE(tty_input));
	if (caps & CAP(CAP_SYS_ADMIN))
		return r;
	c = SCMP_A0_64(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0);
	r = r ? r : rule(ctx, SCMP_ACT_ALLOW, "clone", 1, &c);
	c = SCMP_A0_32(SCMP_CMP_MASKED_EQ, NS_FLAGS, 0);
	r = r ? r : rule(ctx, SCMP_ACT_ALLOW, "unshare", 1, &c);
	/* A mount namespace alone, all 64 bits compared: the workload's own
	 * last step under this filter (init.c).  The kernel still refuses it
	 * without CAP_SYS_ADMIN, with the same EPERM. */
	c = SCMP_A0_64(SCMP_CMP_EQ, CLONE_NEWNS);
	r = r ? r : rule(ctx, SCMP_ACT_ALLOW, "unshare", 1, &c);
	r = r ? r : rule(ctx, SCMP_ACT_ERRNO(ENOSYS), "clone3", 0, NULL);
	return r;
}

int sc_export(void *ctx, struct sc_filter *f, struct eci_err *e)
{
	_cleanup_close_ int fd = memfd_create("seccomp", MFD_CLOEXEC);
	char *buf = NULL;
	size_t len;
	int r;

	if (fd < 0)
		return eci_fail(e, errno, "seccomp: memfd");
	r = seccomp_export_bpf(ctx, fd);
	if (r < 0)
		return eci_fail(e, -r, "seccomp: export the filter");
	lseek(fd, 0, SEEK_SET);
	r = read_fd_all(fd, 1 << 20, &buf, &len);
	if (r < 0)
		return eci_fail(e, -r, "seccomp: read the filter");
	if (len == 0 || len % sizeof(struct sock_filter) || len / sizeof(struct sock_filter) > BPF_MAXINSNS) {
		free(buf);
		return eci_fail(e, 0, "seccomp: filter of %zu bytes is not loadable", len);
	}
	f->insns = (struct sock_filter *)buf;
	f->len = (unsigned short)(len / sizeof(struct sock_filter));
	return 0;
}

uint64_t sc_caps_that_matter(void)
{
	uint64_t m = CAP(CAP_SYS_ADMIN);

	for (size_t i = 0; i < ARRAY_SIZE(by_cap); i++)
		m |= CAP(by_cap[i].cap);
	return m;
}

/* A filter's rules added with result @r: exported into @f, and released. */
static int finish(scmp_filter_ctx ctx, int r, struct sc_filter *f, const char *what,
		  struct eci_err *e)
{
	if (r < 0)
		eci_fail(e, -r, "seccomp: %s", what);
	else
		r = sc_export(ctx, f, e);
	seccomp_release(ctx);
	return r < 0 ? -1 : 0;
}

int sc_build_default(uint64_t caps, struct sc_filter *f, struct eci_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ERRNO(EPERM));
	int r = 0;

	if (!ctx)
		return eci_fail(e, ENOMEM, "seccomp");
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < ARRAY_SIZE(allowed) && !r; i++)
		r = rule(ctx, SCMP_ACT_ALLOW, allowed[i], 0, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(by_cap) && !r; i++)
		if (caps & CAP(by_cap[i].cap))
			r = rule(ctx, SCMP_ACT_ALLOW, by_cap[i].name, 0, NULL);
	if (!r)
		r = add_conditional(ctx, caps);
	/* Keyrings stay closed, but as a kernel without them would say:
	 * runc and crun in the container (a nested engine) go on when
	 * creating a session keyring fails with ENOSYS, not with EPERM. */
	for (size_t i = 0; i < ARRAY_SIZE(keyring) && !r; i++)
		r = rule(ctx, SCMP_ACT_ERRNO(ENOSYS), keyring[i], 0, NULL);
	if (finish(ctx, r, f, "default profile", e) < 0)
		return -1;
	f->setup_ok = true;
	return 0;
}

/*
 * The set-id guard.  A container that can write to a host path (a bind
 * mount that is not its own storage) acts there as ids of its range, or,
 * under filesharingAllowedDirectories, as the directory's owner.  A
 * set-user-ID or set-group-ID file it left there would hand those ids to
 * any local user who runs it — the owner's files and every running
 * container of the range — whatever nosuid the container's own mount
 * carries.  So such a container may not set those bits at all: chmod and
 * its relatives, and the calls that create a file with a mode (open,
 * openat, creat, mknod, mknodat), fail with EPERM when the mode holds
 * S_ISUID or S_ISGID; openat2(), whose mode the filter cannot read,
 * answers ENOSYS, so that callers fall back to openat(), and io_uring,
 * which opens files outside any system call, is refused.  It is a filter
 * of its own, stacked under whatever profile the container runs with
 * (seccomp=unconfined included): the kernel applies the strictest answer.
 * Set-group-ID on a directory is harmless (it only names the group of new
 * entries) and mkdir is left alone.
 *
 * The kernel copies set-id files itself too: an overlay whose upper layer
 * is in the host path copies a file up, mode and all, when it is touched,
 * and the lower layer can be the image's own set-user-ID files, or a FUSE
 * file system of the container's.  Container root may mount an overlay
 * with CAP_SYS_ADMIN (--privileged), or in a user namespace of its own (a
 * profile that allows one), and neither seccomp nor a mount attribute can
 * tell an overlay, or the upper directory it names, from another mount.
 * So such a container mounts no new file system at all: fsopen() fails,
 * and so does mount() unless it binds, moves, remounts or changes
 * propagation (MS_BIND, MS_MOVE, MS_REMOUNT, MS_SHARED and friends), which
 * make no new superblock.
 */
/*
 * @action for the calls that make a new superblock: mount() unless it
 * binds, moves, remounts or changes propagation, and fsopen().  The set-id
 * guard refuses them (sc_build_setid_guard), the mount supervisor hears of
 * them (sc_build_supervisor).
 */
static int new_mounts(scmp_filter_ctx ctx, uint32_t action)
{
	const uint64_t no_sb = MS_BIND | MS_MOVE | MS_REMOUNT | MS_SHARED | MS_PRIVATE |
			       MS_SLAVE | MS_UNBINDABLE;
	struct scmp_arg_cmp c = SCMP_A3_64(SCMP_CMP_MASKED_EQ, no_sb, 0);
	int nr = seccomp_syscall_resolve_name("fsopen"), r;

#ifdef __x86_64__
	if (nr == __NR_SCMP_ERROR)
		nr = 430;
#endif
	r = rule(ctx, action, "mount", 1, &c);
	if (!r && nr >= 0)
		r = seccomp_rule_add(ctx, action, nr, 0);
	return r;
}

int sc_build_setid_guard(struct sc_filter *f, struct eci_err *e)
{
	static const struct {
		const char *name;
		int nr;		/* x86-64 number when libseccomp is older than the call */
		unsigned arg;	/* which argument is the mode */
	} calls[] = {
		{ "chmod", -1, 1 },  { "fchmod", -1, 1 },	{ "fchmodat", -1, 2 },
		{ "fchmodat2", 452, 2 }, { "open", -1, 2 },	{ "openat", -1, 3 },
		{ "creat", -1, 1 },  { "mknod", -1, 1 },	{ "mknodat", -1, 2 },
	};
	static const char *const uring[] = { "io_uring_setup", "io_uring_enter",
					       "io_uring_register" };
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);
	int r = 0, nr;

	if (!ctx)
		return eci_fail(e, ENOMEM, "seccomp: set-id guard");
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	for (size_t i = 0; i < ARRAY_SIZE(calls) && !r; i++) {
		nr = seccomp_syscall_resolve_name(calls[i].name);
#ifdef __x86_64__
		if (nr == __NR_SCMP_ERROR)
			nr = calls[i].nr;
#endif
		if (nr < 0)
			continue;	/* not a system call on this architecture */
		for (unsigned bit = S_ISGID; bit <= S_ISUID && !r; bit <<= 1) {
			struct scmp_arg_cmp c = { .arg = calls[i].arg, .op = SCMP_CMP_MASKED_EQ,
						  .datum_a = bit, .datum_b = bit };

			r = seccomp_rule_add_array(ctx, SCMP_ACT_ERRNO(EPERM), nr, 1, &c);
		}
	}
	nr = seccomp_syscall_resolve_name("openat2");
#ifdef __x86_64__
	if (nr == __NR_SCMP_ERROR)
		nr = 437;
#endif
	if (!r && nr >= 0)
		r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(ENOSYS), nr, 0);
	/* io_uring opens and creates files with modes no filter can read */
	for (size_t i = 0; i < ARRAY_SIZE(uring) && !r; i++)
		if ((nr = seccomp_syscall_resolve_name(uring[i])) >= 0)
			r = seccomp_rule_add(ctx, SCMP_ACT_ERRNO(EPERM), nr, 0);
	if (!r)
		r = new_mounts(ctx, SCMP_ACT_ERRNO(EPERM));
	return finish(ctx, r, f, "set-id guard", e);
}

/*
 * The mount supervisor's filter (mountsup.c), stacked like the guard: a
 * new mount is a user notification, everything else is left to the
 * profile.  The kernel takes the strictest answer of all filters, so a
 * profile or the guard that refuses mounts still refuses them.
 */
int sc_build_supervisor(struct sc_filter *f, struct eci_err *e)
{
	scmp_filter_ctx ctx = seccomp_init(SCMP_ACT_ALLOW);

	if (!ctx)
		return eci_fail(e, ENOMEM, "seccomp: mount supervisor");
	seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
	/* it refuses nothing itself: another ABI is the profile's to judge */
	seccomp_attr_set(ctx, SCMP_FLTATR_ACT_BADARCH, SCMP_ACT_ALLOW);
	return finish(ctx, new_mounts(ctx, SCMP_ACT_NOTIFY), f, "mount supervisor", e);
}

int sc_load_listener(const struct sc_filter *f, struct eci_err *e)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };
	int fd = (int)syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			      SECCOMP_FILTER_FLAG_NEW_LISTENER, &prog);

	if (fd < 0)
		return eci_fail(e, errno, "load the mount supervisor's filter");
	/* the kernel makes it close-on-exec already; said here all the same */
	if (fcntl(fd, F_SETFD, FD_CLOEXEC) < 0) {
		close(fd);
		return eci_fail(e, errno, "load the mount supervisor's filter");
	}
	return fd;
}

int sc_load(const struct sc_filter *f, struct eci_err *e)
{
	struct sock_fprog prog = { .len = f->len, .filter = f->insns };

	if (!f->insns)
		return 0;	/* unconfined */
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return eci_fail(e, errno, "load the seccomp filter");
	return 0;
}
