// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * probe - run inside containers by the tests; static, so it needs nothing
 * from the image.
 *
 *   probe syscalls     try each system call that must stay closed and print
 *                      "NAME errno-name" (EPERM when the filter refused it);
 *                      arguments are zero, so a call that got through does
 *                      nothing (and fails on its arguments)
 *   probe fds          print the open file descriptors, one a line
 *   probe ns           try the new mount API, a user namespace, clone3, a
 *                      mount namespace (alone, and with an IPC one)
 *   probe fsopen TYPE  fsopen(TYPE) and print "fsopen TYPE OK|errno-name"
 *   probe tiocsti      push "echo INJECTED" into the terminal on stdin,
 *                      stdout or stderr (TIOCSTI), try TIOCLINUX; print
 *                      "NAME OK|errno-name" for each
 *   probe creat PATH MODE
 *                      create PATH with the octal MODE (O_CREAT|O_EXCL) and
 *                      print "creat PATH mode=OCTAL" as created, or the errno
 *   probe hijack SECONDS [STOPFILE]
 *                      try to take over every process that appears in the
 *                      container after the start (docker exec's joining
 *                      process), with ptrace; see hijack()
 *   probe udp ADDR PORT TEXT
 *                      send TEXT in one datagram to the IPv4 ADDR:PORT and
 *                      print "udp sent", or "udp " and the error
 *   probe send ADDR PORT BYTES
 *                      connect to the IPv4 ADDR:PORT over TCP, write BYTES
 *                      zero bytes, close and exit at once, what the kernel
 *                      has not sent yet still queued; print "sent BYTES",
 *                      or "send " and the error
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/ioctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef __NR_io_uring_setup
#define __NR_io_uring_setup 425
#define __NR_io_uring_enter 426
#define __NR_io_uring_register 427
#endif
#ifndef __NR_fsopen
#define __NR_fsopen 430
#endif

static const struct {
	const char *name;
	long nr;
} calls[] = {
	{ "keyctl", SYS_keyctl },
	{ "add_key", SYS_add_key },
	{ "request_key", SYS_request_key },
	{ "bpf", SYS_bpf },
	{ "perf_event_open", SYS_perf_event_open },
	{ "userfaultfd", SYS_userfaultfd },
	{ "io_uring_setup", __NR_io_uring_setup },
	{ "io_uring_enter", __NR_io_uring_enter },
	{ "io_uring_register", __NR_io_uring_register },
	{ "kexec_load", SYS_kexec_load },
#ifdef SYS_kexec_file_load
	{ "kexec_file_load", SYS_kexec_file_load },
#endif
	{ "init_module", SYS_init_module },
	{ "finit_module", SYS_finit_module },
	{ "delete_module", SYS_delete_module },
	{ "open_by_handle_at", SYS_open_by_handle_at },
	{ "acct", SYS_acct },
	{ "swapon", SYS_swapon },
	{ "swapoff", SYS_swapoff },
	{ "reboot", SYS_reboot },
	{ "syslog", SYS_syslog },
	{ "clock_settime", SYS_clock_settime },
	{ "settimeofday", SYS_settimeofday },
	{ "adjtimex", SYS_adjtimex },
	{ "clock_adjtime", SYS_clock_adjtime },
#ifdef SYS_iopl
	{ "iopl", SYS_iopl },
	{ "ioperm", SYS_ioperm },
#endif
};

static int syscalls(void)
{
	for (size_t i = 0; i < sizeof(calls) / sizeof(calls[0]); i++) {
		long r = syscall(calls[i].nr, 0, 0, 0, 0, 0, 0);

		printf("%s %s\n", calls[i].name, r < 0 ? strerrorname_np(errno) : "OK");
	}
	return 0;
}

static int fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int self = d ? dirfd(d) : -1;

	while (d && (de = readdir(d)))
		if (de->d_name[0] != '.' && atoi(de->d_name) != self)
			printf("%s\n", de->d_name);
	if (d)
		closedir(d);
	return d ? 0 : 1;
}

static int ns(void)
{
	long r = syscall(__NR_fsopen, "tmpfs", 0);

	printf("fsopen %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	r = syscall(SYS_unshare, CLONE_NEWUSER);
	printf("unshare-user %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	r = syscall(SYS_clone3, NULL, 0);
	printf("clone3 %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	/* the default filter lets this one through (the workload's last
	 * step), for the kernel to refuse without CAP_SYS_ADMIN */
	r = syscall(SYS_unshare, CLONE_NEWNS);
	printf("unshare-mnt %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	r = syscall(SYS_unshare, CLONE_NEWNS | CLONE_NEWIPC);
	printf("unshare-mnt-ipc %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	return 0;
}

static int fsopen_type(const char *type)
{
	long r = syscall(__NR_fsopen, type, 0);

	printf("fsopen %s %s\n", type, r < 0 ? strerrorname_np(errno) : "OK");
	return 0;
}

/*
 * Push "echo INJECTED" and a newline into the terminal on stdin (or on
 * stdout or stderr: -i may not have been given), one byte at a time, as an
 * attack would; then the same ioctl with bits above the 32 the kernel reads
 * (a filter must not be fooled by them), and TIOCLINUX (subcode 2, a
 * selection paste on a virtual console).
 */
static int tiocsti(void)
{
	static const char text[] = "echo INJECTED\n";
	char sel = 2;
	long r = 0;
	int fd = 0;

	while (fd < 2 && !isatty(fd))
		fd++;
	for (size_t i = 0; i + 1 < sizeof(text) && r == 0; i++)
		r = ioctl(fd, TIOCSTI, &text[i]);
	printf("tiocsti %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	r = syscall(SYS_ioctl, fd, 0x100000000UL | TIOCSTI, "\n");
	printf("tiocsti-high %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	r = ioctl(fd, TIOCLINUX, &sel);
	printf("tioclinux %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	return 0;
}

static int creat_mode(const char *path, const char *mode)
{
	int fd = open(path, O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, (mode_t)strtoul(mode, NULL, 8));
	struct stat st;

	if (fd < 0 || fstat(fd, &st) < 0) {
		printf("creat %s %s\n", path, strerrorname_np(errno));
		return 1;
	}
	close(fd);
	printf("creat %s mode=%o\n", path, (unsigned)(st.st_mode & 07777));
	return 0;
}

/* "Key:\tv1\tv2..." of /proc/PID/status: the line's text after the tab. */
static const char *status_field(const char *status, const char *key)
{
	const char *p = strstr(status, key);

	return p ? p + strlen(key) : "";
}

/*
 * Seize @pid, stop it, look at who it is while it cannot change, and let
 * it go.  Returns 0 when it could not be attached, 1 when it was, 2 when
 * what was attached is not the container's: a uid this namespace does not
 * map (shown as the overflow uid 65534) is an id of the host — typically
 * host root in a joining process that has not dropped its ids yet.  The
 * containers of the tests never run anything as 65534 themselves.
 */
static int take_over(pid_t pid)
{
	char path[64], status[4096] = "", comm[64] = "";
	unsigned ruid = 0, euid = 0, suid = 0, fsuid = 0;
	int st = 0, fd, sig = 0, r = 1;
	ssize_t n;

	if (ptrace(PTRACE_SEIZE, pid, NULL, NULL) < 0)
		return 0;
	if (ptrace(PTRACE_INTERRUPT, pid, NULL, NULL) == 0 &&
	    waitpid(pid, &st, __WALL) == pid && WIFSTOPPED(st) &&
	    !(WSTOPSIG(st) == SIGTRAP && (st >> 16) == PTRACE_EVENT_STOP))
		sig = WSTOPSIG(st);	/* a signal on its way: hand it back */
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) >= 0) {
		n = read(fd, status, sizeof(status) - 1);
		status[n > 0 ? n : 0] = '\0';
		close(fd);
	}
	if (!status[0]) {	/* it ended before it could be looked at */
		ptrace(PTRACE_DETACH, pid, NULL, NULL);
		printf("ATTACHED pid=%d (ended)\n", (int)pid);
		return 1;
	}
	sscanf(status_field(status, "Name:"), "%63s", comm);
	sscanf(status_field(status, "Uid:"), "%u %u %u %u", &ruid, &euid, &suid, &fsuid);
	if (ruid == 65534 || euid == 65534 || suid == 65534 || fsuid == 65534)
		r = 2;
	printf("%s pid=%d comm=%s uid=%u/%u/%u/%u capeff=%.16s\n", r == 2 ? "HIJACK" : "ATTACHED",
	       (int)pid, comm, ruid, euid, suid, fsuid, status_field(status, "CapEff:\t"));
	ptrace(PTRACE_DETACH, pid, NULL, (void *)(long)sig);
	return r;
}

/*
 * probe hijack SECONDS [STOPFILE]: until SECONDS pass or STOPFILE exists,
 * scan /proc without pause for processes that were not there at the
 * start, and try to take each over (take_over()) until it was attached
 * once or is gone: a process joining the container from outside (docker
 * exec) must never be attachable while it still holds host ids.  Prints
 * "READY", a line per attached process, and "SUMMARY ..."; exit status 1
 * when something was hijacked.
 */
static int hijack(int argc, char **argv)
{
	static unsigned char state[4194304];	/* per pid: 1 there at the start, 2 done */
	time_t end = time(NULL) + atoi(argv[2]);
	const char *stop = argc > 3 ? argv[3] : NULL;
	unsigned long tries = 0, attached = 0, hijacked = 0, rounds = 0;
	struct dirent *de;
	DIR *d;

	if (!(d = opendir("/proc")))
		return 2;
	while ((de = readdir(d)))
		if (atoi(de->d_name) > 0 && atoi(de->d_name) < (int)sizeof(state))
			state[atoi(de->d_name)] = 1;
	printf("READY\n");
	fflush(stdout);
	while (time(NULL) < end && !(stop && access(stop, F_OK) == 0)) {
		rewinddir(d);
		rounds++;
		while ((de = readdir(d))) {
			int pid = atoi(de->d_name), r;

			if (pid <= 0 || pid >= (int)sizeof(state) || state[pid] || pid == getpid())
				continue;
			tries++;
			if ((r = take_over(pid)) > 0) {
				state[pid] = 2;
				attached++;
				hijacked += r == 2;
				fflush(stdout);
			}
		}
	}
	closedir(d);
	printf("SUMMARY rounds=%lu tries=%lu attached=%lu hijacked=%lu\n", rounds, tries, attached,
	       hijacked);
	return hijacked ? 1 : 0;
}

/* The busybox of the default image has no UDP client. */
static int udp(const char *addr, const char *port, const char *text)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    sendto(fd, text, strlen(text), 0, (struct sockaddr *)&sa, sizeof(sa)) < 0) {
		printf("udp %s\n", strerror(errno));
		return 1;
	}
	close(fd);
	printf("udp sent\n");
	return 0;
}

/* Writes and is gone: the socket's queue is the kernel's to send. */
static int send_bytes(const char *addr, const char *port, const char *bytes)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)atoi(port)) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	long long left = atoll(bytes);
	static char buf[65536];

	if (fd < 0 || inet_pton(AF_INET, addr, &sa.sin_addr) != 1 ||
	    connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		goto fail;
	while (left > 0) {
		ssize_t n = write(fd, buf, left < (long long)sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			goto fail;
		left -= n;
	}
	if (close(fd) < 0)
		goto fail;
	printf("sent %s\n", bytes);
	return 0;
fail:
	printf("send %s\n", strerror(errno));
	return 1;
}

int escape_main(int argc, char **argv);

int main(int argc, char **argv)
{
	if (argc >= 2 && !strcmp(argv[1], "escape"))
		return escape_main(argc, argv);
	if (argc == 2 && !strcmp(argv[1], "tiocsti"))
		return tiocsti();
	if (argc == 2 && !strcmp(argv[1], "syscalls"))
		return syscalls();
	if (argc == 2 && !strcmp(argv[1], "fds"))
		return fds();
	if (argc == 2 && !strcmp(argv[1], "ns"))
		return ns();
	if (argc == 3 && !strcmp(argv[1], "fsopen"))
		return fsopen_type(argv[2]);
	if (argc == 4 && !strcmp(argv[1], "creat"))
		return creat_mode(argv[2], argv[3]);
	if (argc >= 3 && !strcmp(argv[1], "hijack"))
		return hijack(argc, argv);
	if (argc == 5 && !strcmp(argv[1], "udp"))
		return udp(argv[2], argv[3], argv[4]);
	if (argc == 5 && !strcmp(argv[1], "send"))
		return send_bytes(argv[2], argv[3], argv[4]);
	fprintf(stderr, "usage: probe syscalls|fds|ns|tiocsti|escape [CANARY]|creat PATH MODE|"
		"hijack SECONDS [STOPFILE]|udp ADDR PORT TEXT|send ADDR PORT BYTES\n");
	return 2;
}
