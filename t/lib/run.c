// SPDX-License-Identifier: GPL-2.0-or-later
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <poll.h>
#include <pty.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <check.h>

#include "run.h"
#include "util.h"

const char *t_prefix(void)
{
	const char *p = getenv("ECI_PREFIX");

	return p && *p ? p : "build";
}

const char *t_bin(const char *name, char *buf, size_t size)
{
	snprintf(buf, size, "%s/bin/%s", t_prefix(), name);
	return buf;
}

static int capable_file(const char *path)
{
	cap_t caps = cap_get_file(path);
	cap_flag_value_t v = CAP_CLEAR;

	if (caps) {
		cap_get_flag(caps, CAP_SETUID, CAP_PERMITTED, &v);
		cap_free(caps);
	}
	return v == CAP_SET;
}

const char *t_helper(char *buf, size_t size)
{
	t_bin("eci-newidmap", buf, size);
	if (!capable_file(buf))
		snprintf(buf, size, "%s/eci-newidmap", ECI_BINDIR);
	return buf;
}

static char *slurp(int fd)
{
	char *s = NULL;

	lseek(fd, 0, SEEK_SET);
	if (read_fd_all(fd, 1 << 24, &s, NULL) < 0)
		s = strdup("");
	close(fd);
	return s;
}

int t_run(char *const argv[], struct run_result *r)
{
	int out = memfd_create("out", MFD_CLOEXEC), err = memfd_create("err", MFD_CLOEXEC);
	int status;
	pid_t pid;

	memset(r, 0, sizeof(*r));
	if (out < 0 || err < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDONLY);

		dup2(null, 0);
		dup2(out, 1);
		dup2(err, 2);
		execv(argv[0], argv);
		_exit(99);
	}
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	r->status = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
	r->out = slurp(out);
	r->err = slurp(err);
	return 0;
}

void t_run_free(struct run_result *r)
{
	free(r->out);
	free(r->err);
}

int t_sh(const char *script, struct run_result *r)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"default",
			 (char *)"/bin/sh", (char *)"-c", (char *)script, NULL };

	return t_run(argv, r);
}

pid_t t_spawn(char *const argv[], int *in, int *out)
{
	int pi[2], po[2];
	pid_t pid;

	if (pipe2(pi, O_CLOEXEC) < 0 || pipe2(po, O_CLOEXEC) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		dup2(pi[0], 0);
		dup2(po[1], 1);
		execv(argv[0], argv);
		_exit(99);
	}
	close(pi[0]);
	close(po[1]);
	*in = pi[1];
	*out = po[0];
	return pid;
}

int t_read_line(int fd, char *buf, size_t size)
{
	size_t n = 0;

	while (n + 1 < size) {
		char c;
		ssize_t r = read(fd, &c, 1);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -1;
		if (c == '\n')
			break;
		buf[n++] = c;
	}
	buf[n] = '\0';
	return 0;
}

pid_t t_child_of(pid_t parent)
{
	char path[300], *buf = NULL;
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && (de = readdir(d)) && !found) {
		int ppid;
		char *p;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_all_at(AT_FDCWD, path, 4096, &buf, NULL) < 0)
			continue;
		p = strrchr(buf, ')');
		/* eci-run reaps its helper while the container starts: not it */
		if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == parent &&
		    !strstr(buf, "(eci-newidmap)"))
			found = atoi(de->d_name);
		free(buf);
	}
	if (d)
		closedir(d);
	return found;
}

static const char *mkimage_path(void)
{
	static char path[4096];
	const char *src = getenv("ECI_SRCDIR");

	snprintf(path, sizeof(path), "%s/t/images/mkimage.sh", t_prefix());
	if (access(path, R_OK) == 0)
		return path;
	if (src) {
		snprintf(path, sizeof(path), "%s/t/images/mkimage.sh", src);
		if (access(path, R_OK) == 0)
			return path;
	}
	return "t/images/mkimage.sh";
}

void t_mkimage(const char *a1, const char *a2, const char *a3)
{
	char *argv[] = { (char *)"/bin/sh", (char *)mkimage_path(), (char *)a1, (char *)a2,
			 (char *)a3, NULL };
	struct run_result r;

	ck_assert_int_eq(t_run(argv, &r), 0);
	t_want(&r, 0);
	t_run_free(&r);
}

const char *t_probe(char *buf, size_t size)
{
	snprintf(buf, size, "%s/t/probe", t_prefix());
	if (buf[0] != '/') {
		char *abs = realpath(buf, NULL);

		snprintf(buf, size, "%s", abs ? abs : "/nonexistent");
		free(abs);
	}
	return buf;
}

void t_eci_sh(const char *bin, const char *flags, const char *image, const char *script,
	      struct run_result *r)
{
	char probe[4200], cmd[16384];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "exec '%s' -v '%s:/probe:ro' %s '%s' /bin/sh -c '%s'", bin,
		 t_probe(probe, sizeof(probe)), flags, image, script);
	t_run(argv, r);
}

unsigned long long t_status_hex(const char *out, const char *key)
{
	const char *p = strstr(out, key);

	ck_assert_msg(p, "no %s in: %s", key, out);
	return strtoull(p + strlen(key), NULL, 16);
}

unsigned long long t_all_caps(void)
{
	char *buf = NULL;
	int last;

	ck_assert_int_eq(read_all_at(AT_FDCWD, "/proc/sys/kernel/cap_last_cap", 64, &buf, NULL), 0);
	last = atoi(buf);
	free(buf);
	return last >= 63 ? ~0ULL : (1ULL << (last + 1)) - 1;
}

void t_let_go(int fd)
{
	struct timespec zero = { 0, 0 };
	sigset_t sigpipe, old;

	sigemptyset(&sigpipe);
	sigaddset(&sigpipe, SIGPIPE);
	sigprocmask(SIG_BLOCK, &sigpipe, &old);
	if (write(fd, "\n", 1) < 0 && errno == EPIPE)
		sigtimedwait(&sigpipe, NULL, &zero);
	sigprocmask(SIG_SETMASK, &old, NULL);
	close(fd);
}

/* argv on a new pty as its controlling terminal; the slave's modes in @before */
static pid_t pty_spawn(char *const argv[], int *master, int *slave, struct termios *before)
{
	struct winsize ws = { .ws_row = 33, .ws_col = 101 };
	pid_t pid;

	ck_assert_int_eq(openpty(master, slave, NULL, NULL, &ws), 0);
	ck_assert_int_eq(tcgetattr(*slave, before), 0);
	pid = fork();
	if (pid == 0) {
		setsid();
		ioctl(*slave, TIOCSCTTY, 0);
		dup2(*slave, 0);
		dup2(*slave, 1);
		dup2(*slave, 2);
		execv(argv[0], argv);
		_exit(99);
	}
	return pid;
}

/* The terminal's modes are as they were; its exit status. */
static int pty_done(int slave, const struct termios *before, int st)
{
	struct termios after;

	ck_assert_int_eq(tcgetattr(slave, &after), 0);
	ck_assert_uint_eq(after.c_lflag, before->c_lflag);
	ck_assert_uint_eq(after.c_iflag, before->c_iflag);
	ck_assert_uint_eq(after.c_oflag, before->c_oflag);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

int t_pty_run(char *const argv[], char *buf, size_t size)
{
	struct termios before;
	int master, slave, st, code;
	size_t n = 0;
	ssize_t k;
	pid_t pid = pty_spawn(argv, &master, &slave, &before);

	close(slave);
	while (n < size - 1 && (k = read(master, buf + n, size - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	slave = open(ptsname(master), O_RDWR | O_NOCTTY);
	ck_assert_int_ge(slave, 0);
	code = pty_done(slave, &before, st);
	close(slave);
	close(master);
	return code;
}

int t_pty_run_queued(char *const argv[], char *buf, size_t size, int *queued, const char *when,
		     const char *type)
{
	struct termios before;
	int master, slave, st, code, quiet = 0;
	size_t n = 0;
	pid_t pid = pty_spawn(argv, &master, &slave, &before), done = 0;

	/* The slave stays open here, as the user's shell holds it: what is
	 * queued survives eci-run.  Read until it has exited and 200 ms pass
	 * without output. */
	while (quiet < 2) {
		buf[n] = '\0';
		if (when && strstr(buf, when)) {
			ck_assert_int_eq(write_all(master, type, strlen(type)), 0);
			when = NULL;
		}
		struct pollfd p = { .fd = master, .events = POLLIN };
		ssize_t k;

		if (!done && (done = waitpid(pid, &st, WNOHANG)) < 0)
			ck_abort_msg("waitpid: %s", strerror(errno));
		if (poll(&p, 1, 100) > 0 && n < size - 1 &&
		    (k = read(master, buf + n, size - 1 - n)) > 0) {
			n += (size_t)k;
			quiet = 0;
		} else if (done) {
			quiet++;
		}
	}
	buf[n] = '\0';
	ck_assert_int_eq(ioctl(slave, FIONREAD, queued), 0);
	code = pty_done(slave, &before, st);
	close(slave);
	close(master);
	return code;
}

static bool slots_busy(const struct run_result *r)
{
	return r->status == 125 && strstr(r->err, "subordinate ranges of user") &&
	       strstr(r->err, "are in use by running containers");
}

void t_eci(struct run_result *r, ...)
{
	char bin[4096];
	char *argv[32];
	const char *a;
	size_t n = 0;
	va_list ap;

	argv[n++] = (char *)t_bin("eci-run", bin, sizeof(bin));
	va_start(ap, r);
	while ((a = va_arg(ap, const char *)) && n < 31)
		argv[n++] = (char *)a;
	va_end(ap);
	argv[n] = NULL;
	for (int i = 0; i < 100; i++) {
		ck_assert_int_eq(t_run(argv, r), 0);
		if (!slots_busy(r))
			return;
		t_run_free(r);
		usleep(200000);
	}
	ck_assert_int_eq(t_run(argv, r), 0);
}

void t_ecif(struct run_result *r, const char *fmt, ...)
{
	char bin[4096], args[4096], cmd[8400];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	snprintf(cmd, sizeof(cmd), "exec '%s' %s", t_bin("eci-run", bin, sizeof(bin)), args);
	ck_assert_int_eq(t_run(argv, r), 0);
}

void t_host_sh(const char *cmd, struct run_result *r)
{
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)cmd, NULL };

	ck_assert_int_eq(t_run(argv, r), 0);
}

void t_want(const struct run_result *r, int code)
{
	ck_assert_msg(r->status == code, "exit %d, want %d\nstdout: %s\nstderr: %s", r->status,
		      code, r->out, r->err);
}

void t_has(const char *s, const char *words)
{
	ck_assert_msg(strstr(s, words), "lacks '%s' in:\n%s", words, s);
}

void t_lacks(const char *s, const char *words)
{
	ck_assert_msg(!strstr(s, words), "has '%s' in:\n%s", words, s);
}

void t_rm_rf(const char *path)
{
	char cmd[4200];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", path);
	ck_assert_int_eq(system(cmd), 0);
}
