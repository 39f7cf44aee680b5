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
 *   probe ns           try the new mount API, a user namespace, clone3
 *   probe tiocsti      push a byte into the terminal on stdin (TIOCSTI)
 */
#define _GNU_SOURCE
#include <dirent.h>
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
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
	return 0;
}

static int tiocsti(void)
{
	char c = 'x';
	int r = ioctl(0, TIOCSTI, &c);

	printf("tiocsti %s\n", r < 0 ? strerrorname_np(errno) : "OK");
	return 0;
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
	fprintf(stderr, "usage: probe syscalls|fds|ns|tiocsti|escape [CANARY]\n");
	return 2;
}
