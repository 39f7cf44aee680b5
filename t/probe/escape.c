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
	must_fail("write release_agent",
		  open("/sys/fs/cgroup/release_agent", O_WRONLY) < 0 ? -1 : 0);
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
static void host_binds(void)
{
	static const struct {
		const char *name;
		mode_t mode, bit;
		bool creat;
	} setid[] = {
		{ "chmod u+s in a writable bind", 04755, S_ISUID, false },
		{ "chmod g+s in a writable bind", 02755, S_ISGID, false },
		{ "create set-uid in a writable bind", 04755, S_ISUID, true },
	};
	char path[64];
	int fd;

	if (access("/rootdir", F_OK) == 0) {
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
	if (access("/wdir", F_OK) != 0)
		return;
	for (size_t i = 0; i < sizeof(setid) / sizeof(setid[0]); i++) {
		struct stat st;
		int r, err;

		snprintf(path, sizeof(path), "/wdir/eci-setid.%d.%zu", (int)getpid(), i);
		fd = open(path, O_CREAT | O_EXCL | O_WRONLY, setid[i].creat ? setid[i].mode : 0755);
		err = errno;
		if (!setid[i].creat && fd >= 0) {
			r = fchmod(fd, setid[i].mode) == 0 ? chmod(path, setid[i].mode) : -1;
			err = errno;
		} else {
			r = fd;
		}
		if (fd < 0 && !setid[i].creat) {
			report(setid[i].name, 0, strerrorname_np(err));	/* cannot even create */
		} else if (r < 0) {
			report(setid[i].name, 0, strerrorname_np(err));
		} else {
			/* the call went through: the bit must not be there */
			bool set = stat(path, &st) == 0 && (st.st_mode & setid[i].bit);

			report(setid[i].name, set, set ? "the bit is set" : "the bit was stripped");
		}
		if (fd >= 0)
			close(fd);
		unlink(path);
	}
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
