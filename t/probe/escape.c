// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * escape.c - "probe escape": every escape attempt of the catalogue, one
 * line each: "NAME BLOCKED (why)" or "NAME ESCAPED (what worked)".  Every
 * attempt is harmless if it works: written values are the existing ones,
 * nothing is triggered, devices are only opened.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <linux/keyctl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

int escape_main(int argc, char **argv);

static int escaped, total;

static void report(const char *name, int ok_escape, const char *detail)
{
	total++;
	escaped += ok_escape;
	printf("%-28s %s (%s)\n", name, ok_escape ? "ESCAPED" : "BLOCKED", detail);
}

/* A syscall that must fail. */
static void must_fail(const char *name, long r)
{
	report(name, r >= 0, r >= 0 ? "succeeded" : strerrorname_np(errno));
}

static void remount_proc_sys(const char *tag)
{
	char name[64];

	snprintf(name, sizeof(name), "%sremount /proc/sys rw", tag);
	must_fail(name, mount(NULL, "/proc/sys", NULL, MS_REMOUNT | MS_BIND, NULL));
	snprintf(name, sizeof(name), "%sumount /proc/sys", tag);
	must_fail(name, umount2("/proc/sys", MNT_DETACH));
	snprintf(name, sizeof(name), "%sumount a masked path", tag);
	must_fail(name, umount2(access("/proc/keys", F_OK) == 0 ? "/proc/keys" : "/sys/firmware",
				MNT_DETACH));
	if (access("/ro", F_OK) == 0) {
		snprintf(name, sizeof(name), "%sumount a :ro volume", tag);
		must_fail(name, umount2("/ro", MNT_DETACH));
		snprintf(name, sizeof(name), "%sremount a :ro volume rw", tag);
		must_fail(name, mount(NULL, "/ro", NULL, MS_REMOUNT | MS_BIND, NULL));
	}
}

static void core_pattern(void)
{
	char buf[512] = "";
	int fd = open("/proc/sys/kernel/core_pattern", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;

	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	fd = open("/proc/sys/kernel/core_pattern", O_WRONLY);
	/* the existing value, written back: never a change */
	must_fail("write core_pattern", fd < 0 ? -1 : write(fd, buf, strlen(buf)));
	if (fd >= 0)
		close(fd);
}

static void nested(void)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0) {
			static const char *const names[] = {
				"remount /proc/sys rw", "umount /proc/sys", "umount a masked path",
				"umount a :ro volume", "remount a :ro volume rw",
			};
			const char *why = strerrorname_np(errno);

			/* Not even a nested namespace to try them from. */
			for (int i = 0; i < (access("/ro", F_OK) == 0 ? 5 : 3); i++)
				printf("nested: %-20s BLOCKED (unshare: %s)\n", names[i], why);
			_exit(0);
		}
		remount_proc_sys("nested: ");
		fflush(stdout);
		_exit(escaped ? 1 : 0);
	}
	waitpid(p, &st, 0);
	total += 3;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		escaped++;
}

/*
 * A new procfs, as a nested runtime mounts one (pid 1 does it for a
 * container granted CAP_SYS_ADMIN, core/mountsup.c): its masks and its
 * read-only sys/ must hold as the container's own do.  Where the mount
 * itself is refused, so is each attempt through it.
 */
#define NEW_PROC "/tmp/eci-newproc"

static void through_new_proc(void)
{
	static const char *const masks[] = { "keys", "timer_list", "acpi", "kcore" };
	char buf[512] = "", path[64] = NEW_PROC "/keys";
	ssize_t n;
	int fd;

	for (size_t i = 0; i < sizeof(masks) / sizeof(masks[0]); i++) {
		snprintf(path, sizeof(path), NEW_PROC "/%s", masks[i]);
		if (access(path, F_OK) == 0)
			break;
	}
	must_fail("new /proc: remount sys rw",
		  mount(NULL, NEW_PROC "/sys", NULL, MS_REMOUNT | MS_BIND, NULL));
	must_fail("new /proc: umount sys", umount2(NEW_PROC "/sys", MNT_DETACH));
	must_fail("new /proc: umount a mask", umount2(path, MNT_DETACH));
	fd = open(NEW_PROC "/sys/kernel/core_pattern", O_RDONLY);
	n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = '\0';
	fd = open(NEW_PROC "/sys/kernel/core_pattern", O_WRONLY);
	/* the existing value, written back: never a change */
	must_fail("new /proc: write core_pattern", fd < 0 ? -1 : write(fd, buf, strlen(buf)));
	if (fd >= 0)
		close(fd);
}

static void new_proc(void)
{
	static const char *const names[] = { "new /proc: remount sys rw", "new /proc: umount sys",
					     "new /proc: umount a mask",
					     "new /proc: write core_pattern" };
	pid_t p = fork();
	int st;

	if (p == 0) {
		const char *why = NULL;
		pid_t c;

		if (unshare(CLONE_NEWPID | CLONE_NEWNS) < 0)
			why = "unshare";
		else if ((c = fork()) == 0) {
			mkdir(NEW_PROC, 0755);
			if (mount("proc", NEW_PROC, "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0) {
				why = strerrorname_np(errno);
				for (int i = 0; i < 4; i++)
					printf("%-28s BLOCKED (mount: %s)\n", names[i], why);
				_exit(0);
			}
			through_new_proc();
			umount2(NEW_PROC, MNT_DETACH);
			_exit(escaped ? 1 : 0);
		} else if (c > 0 && waitpid(c, &st, 0) == c) {
			_exit(WIFEXITED(st) ? WEXITSTATUS(st) : 1);
		} else {
			why = "fork";
		}
		for (int i = 0; i < 4; i++)
			printf("%-28s BLOCKED (%s: %s)\n", names[i], why, strerrorname_np(errno));
		_exit(0);
	}
	waitpid(p, &st, 0);
	total += 4;
	if (!WIFEXITED(st) || WEXITSTATUS(st))
		escaped++;
}

static void shocker(void)
{
	struct {
		struct file_handle h;
		unsigned char buf[128];
	} fh = { .h.handle_bytes = 128 };
	int mid, root = open("/", O_RDONLY | O_DIRECTORY);

	if (name_to_handle_at(AT_FDCWD, "/", &fh.h, &mid, 0) < 0) {
		report("open_by_handle_at (shocker)", 0, strerrorname_np(errno));
		return;
	}
	/* inode 2 of the file system: the root the container must not reach */
	memset(fh.h.f_handle, 0, fh.h.handle_bytes);
	*(unsigned *)fh.h.f_handle = 2;
	must_fail("open_by_handle_at (shocker)", open_by_handle_at(root, &fh.h, O_RDONLY));
	close(root);
}

static void kernel_calls(void)
{
	must_fail("keyctl", syscall(SYS_keyctl, KEYCTL_GET_KEYRING_ID, KEY_SPEC_USER_KEYRING, 0));
	must_fail("add_key", syscall(SYS_add_key, "user", "eci", "x", 1, KEY_SPEC_PROCESS_KEYRING));
	must_fail("bpf", syscall(SYS_bpf, 0, NULL, 0));
	must_fail("perf_event_open", syscall(SYS_perf_event_open, NULL, 0, -1, -1, 0));
	must_fail("userfaultfd", syscall(SYS_userfaultfd, 0));
	must_fail("io_uring_setup", syscall(425, 1, NULL));
	must_fail("kexec_load", syscall(SYS_kexec_load, 0, 0, NULL, 0));
	must_fail("init_module", syscall(SYS_init_module, NULL, 0, ""));
}

static void devices(void)
{
	static const char *const host[] = { "/dev/vda", "/dev/sda", "/dev/mem", "/dev/kmsg" };

	unlink("/tmp/eci-blk");
	if (mknod("/tmp/eci-blk", S_IFBLK | 0600, makedev(8, 0)) == 0 ||
	    mknod("/eci-blk", S_IFBLK | 0600, makedev(8, 0)) == 0) {
		int fd = open(access("/tmp/eci-blk", F_OK) == 0 ? "/tmp/eci-blk" : "/eci-blk", O_RDONLY);
		char b;

		must_fail("mknod + read a block device", fd < 0 ? -1 : read(fd, &b, 1));
	} else {
		report("mknod + read a block device", 0, strerrorname_np(errno));
	}
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		char name[64];

		snprintf(name, sizeof(name), "open host %s", host[i]);
		must_fail(name, open(host[i], O_RDONLY));
	}
}

static void cgroups(void)
{
	must_fail("mount cgroup v1 (release_agent)",
		  mount("cgroup", "/tmp", "cgroup", 0, "rdma"));
	static const char *const v1[] = { "", "blkio/", "cpu/", "cpuacct/", "cpuset/", "devices/",
					  "freezer/", "memory/", "pids/", "systemd/", "net_cls/",
					  "perf_event/", "hugetlb/", "rdma/", "misc/" };

	/* cgroup2's /sys/fs/cgroup, or each v1 hierarchy of a hybrid host */
	for (size_t i = 0; i < sizeof(v1) / sizeof(v1[0]); i++) {
		char path[64], name[96];
		int fd;

		snprintf(path, sizeof(path), "/sys/fs/cgroup/%srelease_agent", v1[i]);
		snprintf(name, sizeof(name), "write %s", path);
		fd = open(path, O_WRONLY);
		must_fail(name, fd < 0 ? -1 : (int)write(fd, "/x", 2));
		if (fd >= 0)
			close(fd);
	}
}

static void identity(void)
{
	int fd = open("/proc/self/uid_map", O_WRONLY);

	must_fail("write own uid_map", fd < 0 ? -1 : write(fd, "0 0 1\n", 6));
	must_fail("open /proc/self/exe for writing", open("/proc/self/exe", O_WRONLY));
	must_fail("open /proc/1/exe for writing", open("/proc/1/exe", O_WRONLY));
}

static void fds_and_cwd(void)
{
	char cwd[4096];
	int leaked = 0;

	for (int fd = 3; fd < 1024; fd++)
		if (fcntl(fd, F_GETFD) >= 0)
			leaked++;
	report("inherited fd (CVE-2024-21626)", leaked > 0, leaked ? "an fd beyond 2 is open" : "only 0-2");
	report("cwd outside the root", !getcwd(cwd, sizeof(cwd)) || cwd[0] != '/',
	       getcwd(cwd, sizeof(cwd)) ? cwd : "unreachable");
}

static void sockets_and_paths(const char *canary)
{
	static const char *const socks[] = { "/var/run/docker.sock", "/run/docker.sock",
					     "/run/containerd/containerd.sock" };

	for (size_t i = 0; i < sizeof(socks) / sizeof(socks[0]); i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		int fd = socket(AF_UNIX, SOCK_STREAM, 0);
		char name[80];

		snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", socks[i]);
		snprintf(name, sizeof(name), "connect %s", socks[i]);
		must_fail(name, connect(fd, (struct sockaddr *)&sa, sizeof(sa)));
		close(fd);
	}
	if (canary)
		must_fail("reach a host path", access(canary, F_OK));
}

/*
 * Host directories bound in by t/escape/run.sh: /rootdir is root's (0755)
 * with a file root may write (0644) and one only root may read (0600);
 * /wdir is writable by everyone (0777).  Container root is not host root:
 * it may do in /rootdir only what others may, and leaves no set-user-ID or
 * set-group-ID file in /wdir (the bits refused, or stripped).  What could
 * change /rootdir changes only the run's own fixture, and run.sh checks
 * that fixture from the host afterwards.
 */
static void root_dir(void)
{
	int fd;

	fd = open("/rootdir/file", O_WRONLY | O_APPEND);	/* nothing is written */
	must_fail("write root's file in a bind", fd);
	if (fd >= 0)
		close(fd);
	fd = open("/rootdir/eci-new", O_CREAT | O_EXCL | O_WRONLY, 0644);
	must_fail("create in root's dir in a bind", fd);
	if (fd >= 0)
		close(fd), unlink("/rootdir/eci-new");
	must_fail("chmod root's file in a bind", chmod("/rootdir/file", 0644));
	must_fail("chown root's file in a bind", chown("/rootdir/file", 0, 0));
	fd = open("/rootdir/secret", O_RDONLY);
	must_fail("read root-only file in a bind", fd);
	if (fd >= 0)
		close(fd);
}

/* The ways to a set-id file at @p: 0 or -1 (errno set); a file to chmod
 * is made first where the way needs one. */
enum way { CHMOD_U, CHMOD_G, CREATE_U, CREATE_G, FCHMODAT, FCHMODAT2, OPENAT2, MKNOD, ABI32, X32 };

struct open_how_v0 {
	unsigned long long flags, mode, resolve;
};

static long chmod_32bit_abi(const char *p)
{
#ifdef __x86_64__
	static char path[64];	/* below 4 GiB: the probe is static, not PIE */
	long r;

	snprintf(path, sizeof(path), "%s", p);
	/* chmod is 15 in the i386 table */
	__asm__ volatile("int $0x80" : "=a"(r) : "a"(15L), "b"(path), "c"(04755L) : "memory");
	errno = r < 0 ? (int)-r : 0;
	return r < 0 ? -1 : 0;
#else
	(void)p;
	errno = ENOSYS;
	return -1;
#endif
}

static long try_way(enum way w, const char *p)
{
	struct open_how_v0 how = { .flags = O_CREAT | O_EXCL | O_WRONLY, .mode = 04755 };
	int fd = -1;
	long r;

	if (w <= CHMOD_G || w == FCHMODAT || w == FCHMODAT2 || w >= ABI32) {
		if ((fd = open(p, O_CREAT | O_EXCL | O_WRONLY, 0755)) < 0)
			return -1;
		close(fd);
	}
	switch (w) {
	case CHMOD_U:
	case CHMOD_G:
		if ((fd = open(p, O_WRONLY)) < 0)
			return -1;
		r = fchmod(fd, w == CHMOD_U ? 04755 : 02755);
		close(fd);
		return r < 0 ? r : chmod(p, w == CHMOD_U ? 04755 : 02755);
	case CREATE_U:
	case CREATE_G:
		fd = open(p, O_CREAT | O_EXCL | O_WRONLY, w == CREATE_U ? 04755 : 02755);
		break;
	case FCHMODAT:
		return fchmodat(AT_FDCWD, p, 04755, 0);
	case FCHMODAT2:
		return syscall(452, AT_FDCWD, p, 04755, 0);
	case OPENAT2:
		fd = (int)syscall(437, AT_FDCWD, p, &how, sizeof(how));
		break;
	case MKNOD:
		return mknod(p, S_IFREG | 04755, 0);
	case ABI32:
		return chmod_32bit_abi(p);
	case X32:
		return syscall(0x40000000 | 90, p, 04755);	/* chmod, x32 */
	}
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/*
 * Each way in a child of its own: a filter may kill it (SIGSYS, another
 * ABI).  BLOCKED when the call failed, or went through without leaving a
 * set-id bit.
 */
static void setid_files(void)
{
	static const struct {
		const char *name;
		enum way way;
	} ways[] = {
		{ "chmod u+s in a writable bind", CHMOD_U },
		{ "chmod g+s in a writable bind", CHMOD_G },
		{ "create set-uid in a writable bind", CREATE_U },
		{ "create set-gid in a writable bind", CREATE_G },
		{ "fchmodat u+s in a writable bind", FCHMODAT },
		{ "fchmodat2 u+s in a writable bind", FCHMODAT2 },
		{ "openat2 set-uid in a writable bind", OPENAT2 },
		{ "mknod set-uid in a writable bind", MKNOD },
		{ "chmod u+s by the i386 ABI in a bind", ABI32 },
		{ "chmod u+s by the x32 ABI in a bind", X32 },
	};
	char path[64], detail[64];

	for (size_t i = 0; i < sizeof(ways) / sizeof(ways[0]); i++) {
		struct stat st;
		int pipefd[2], err = 0, wst;
		pid_t pid;
		bool set;

		snprintf(path, sizeof(path), "/wdir/eci-setid.%d.%zu", (int)getpid(), i);
		if (pipe(pipefd) < 0 || (pid = fork()) < 0) {
			report(ways[i].name, 1, "cannot fork to try it");
			continue;
		}
		if (pid == 0) {
			err = try_way(ways[i].way, path) < 0 ? errno : 0;
			if (write(pipefd[1], &err, sizeof(err)) < 0)
				_exit(1);
			_exit(0);
		}
		close(pipefd[1]);
		if (read(pipefd[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
			err = -1;
		close(pipefd[0]);
		waitpid(pid, &wst, 0);
		set = stat(path, &st) == 0 && (st.st_mode & (S_ISUID | S_ISGID)) && S_ISREG(st.st_mode);
		if (WIFSIGNALED(wst))
			snprintf(detail, sizeof(detail), "killed by signal %d", WTERMSIG(wst));
		else if (err)
			snprintf(detail, sizeof(detail), "%s", strerrorname_np(err));
		else
			snprintf(detail, sizeof(detail), "%s", set ? "the bit is set" : "the bit was stripped");
		report(ways[i].name, set, detail);
		unlink(path);
	}
}

/*
 * An overlay whose upper layer is in /wdir copies a file up, mode and
 * all, when it is touched: with a set-user-ID file of the image below,
 * that leaves it on the host.  Mounting one at all is the escape (the
 * default image has no set-id file to copy; /bin holds no mount, which
 * an overlay's layer may not); tried with the capabilities
 * the container has, else in a user namespace of its own.  Whatever is
 * mounted is in this process's mount namespace only, and removed.
 */
static int overlay_on_wdir(bool new_api)
{
	char up[64], work[64], opts[200];
	int r, fs;

	snprintf(up, sizeof(up), "/wdir/eci-up.%d", (int)getpid());
	snprintf(work, sizeof(work), "/wdir/eci-work.%d", (int)getpid());
	snprintf(opts, sizeof(opts), "lowerdir=/bin,upperdir=%s,workdir=%s", up, work);
	mkdir(up, 0755);
	mkdir(work, 0755);
	mkdir("/tmp/eci-ovl", 0755);
	if (!new_api) {
		r = mount("overlay", "/tmp/eci-ovl", "overlay", 0, opts);
		if (r == 0)
			umount2("/tmp/eci-ovl", MNT_DETACH);
	} else {
		fs = (int)syscall(430, "overlay", 0);	/* fsopen */
		r = fs < 0 ? -1 : 0;
		if (fs >= 0)
			close(fs);
	}
	r = r < 0 ? errno : 0;
	rmdir("/tmp/eci-ovl");
	rmdir(up);
	/* an overlay's work directory holds a work/ of root's mode 0 */
	snprintf(opts, sizeof(opts), "%s/work", work);
	rmdir(opts);
	rmdir(work);
	return r;
}

/* In a new user namespace: its root is the container's root (0 0 1). */
static int own_maps(void)
{
	static const char *const files[] = { "/proc/self/setgroups", "/proc/self/uid_map",
					     "/proc/self/gid_map" };
	static const char *const text[] = { "deny", "0 0 1", "0 0 1" };

	for (size_t i = 0; i < 3; i++) {
		int fd = open(files[i], O_WRONLY);
		ssize_t n = fd < 0 ? -1 : write(fd, text[i], strlen(text[i]));

		if (fd >= 0)
			close(fd);
		if (n < 0)
			return -1;
	}
	return 0;
}

static void overlay(const char *name, bool new_api)
{
	int err = overlay_on_wdir(new_api), st, pipefd[2];
	pid_t pid;

	if (err == EPERM && pipe(pipefd) == 0 && (pid = fork()) >= 0) {
		if (pid == 0) {
			if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
				err = -errno;	/* not even a namespace to try it in */
			else
				err = own_maps() < 0 ? errno : overlay_on_wdir(new_api);
			if (write(pipefd[1], &err, sizeof(err)) < 0)
				_exit(1);
			_exit(0);
		}
		close(pipefd[1]);
		if (read(pipefd[0], &err, sizeof(err)) != (ssize_t)sizeof(err))
			err = EPERM;
		close(pipefd[0]);
		waitpid(pid, &st, 0);
	}
	report(name, err == 0, err == 0 ? (new_api ? "opened" : "mounted")
			       : err < 0 ? "unshare refused" : strerrorname_np(err));
}

static void host_binds(void)
{
	if (access("/rootdir", F_OK) == 0)
		root_dir();
	if (access("/wdir", F_OK) != 0)
		return;
	setid_files();
	overlay("overlay with its upper in a writable bind", false);
	overlay("fsopen an overlay (writable bind)", true);
}

static void other_processes(void)
{
	must_fail("ptrace pid 1 (eci's init)", ptrace(PTRACE_ATTACH, 1, NULL, NULL));
}

int escape_main(int argc, char **argv)
{
	const char *canary = argc > 2 ? argv[2] : NULL;

	setvbuf(stdout, NULL, _IOLBF, 0);
	fds_and_cwd();	/* first, before this program opens anything */
	remount_proc_sys("");
	core_pattern();
	if (access("/proc/sysrq-trigger", F_OK) == 0)
		must_fail("write sysrq-trigger", open("/proc/sysrq-trigger", O_WRONLY));
	nested();
	new_proc();
	shocker();
	kernel_calls();
	devices();
	cgroups();
	identity();
	sockets_and_paths(canary);
	host_binds();
	other_processes();
	if (isatty(0)) {
		char c = '\n';

		must_fail("TIOCSTI into the terminal", ioctl(0, TIOCSTI, &c));
	}
	printf("TOTAL %d attempts, %d escaped\n", total, escaped);
	return escaped ? 1 : 0;
}
