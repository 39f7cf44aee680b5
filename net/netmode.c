// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netmode.c - --network and -p; see netmode.h
 */
#include <arpa/inet.h>
#if defined(__x86_64__) || defined(__i386__)
#include <cpuid.h>
#endif
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/close_range.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "netmode.h"
#include "util.h"

const char *const net_mode_names[] = {
	[NET_NONE] = "none", [NET_PASTA] = "pasta", [NET_SLIRP] = "slirp4netns", [NET_HOST] = "host",
};

int net_parse_mode(const char *s, enum net_mode *m, struct eci_err *e)
{
	for (int i = 0; i <= NET_HOST; i++)
		if (!strcmp(s, net_mode_names[i])) {
			*m = (enum net_mode)i;
			return 0;
		}
	if (!strcmp(s, "slirp")) {
		*m = NET_SLIRP;
		return 0;
	}
	return eci_fail(e, 0, "--network %s: unknown network mode (none, pasta, slirp4netns, host)", s);
}

static int port_number(const char *s, size_t len, unsigned *out)
{
	unsigned v = 0;

	if (len == 0 || len > 5)
		return -1;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	if (v == 0 || v > 65535)
		return -1;
	*out = v;
	return 0;
}

/* [IP:]HOSTPORT:CTRPORT[/tcp|/udp]; an IPv6 address goes in brackets. */
int net_parse_port(const char *spec, struct net_port *p, struct eci_err *e)
{
	char buf[128], *proto, *ctr, *host;
	struct in6_addr a6;
	struct in_addr a4;

	memset(p, 0, sizeof(*p));
	p->spec = spec;
	if (strlen(spec) >= sizeof(buf))
		goto bad;
	strcpy(buf, spec);
	if ((proto = strchr(buf, '/'))) {
		*proto++ = '\0';
		if (!strcmp(proto, "udp"))
			p->udp = true;
		else if (strcmp(proto, "tcp"))
			return eci_fail(e, 0, "-p %s: unknown protocol '%s' (tcp or udp)", spec, proto);
	}
	ctr = strrchr(buf, ':');
	if (!ctr || port_number(ctr + 1, strlen(ctr + 1), &p->ctr) < 0)
		goto bad;
	*ctr = '\0';
	host = strrchr(buf, ':');
	if (host && buf[0] == '[' && host > buf && host[-1] != ']')
		host = NULL;
	if (port_number(host ? host + 1 : buf, strlen(host ? host + 1 : buf), &p->host) < 0)
		goto bad;
	strcpy(p->ip, "127.0.0.1");
	if (host) {
		*host = '\0';
		if (buf[0] == '[' && buf[strlen(buf) - 1] == ']') {
			buf[strlen(buf) - 1] = '\0';
			memmove(buf, buf + 1, strlen(buf));
		}
		if (inet_pton(AF_INET, buf, &a4) != 1 && inet_pton(AF_INET6, buf, &a6) != 1)
			return eci_fail(e, 0, "-p %s: '%s' is not an IP address", spec, buf);
		snprintf(p->ip, sizeof(p->ip), "%s", buf);
	}
	return 0;
bad:
	return eci_fail(e, 0, "-p %s: expected [IP:]HOSTPORT:CONTAINERPORT[/tcp|/udp]", spec);
}

int net_check_ports(const struct net_plan *p, struct eci_err *e)
{
	for (size_t i = 0; i < p->nports; i++) {
		const struct net_port *pt = &p->port[i];
		struct sockaddr_storage ss = { 0 };
		struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
		struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
		bool v6 = strchr(pt->ip, ':') != NULL;
		_cleanup_close_ int fd = socket(v6 ? AF_INET6 : AF_INET,
						(pt->udp ? SOCK_DGRAM : SOCK_STREAM) | SOCK_CLOEXEC, 0);

		if (v6) {
			s6->sin6_family = AF_INET6;
			s6->sin6_port = htons((uint16_t)pt->host);
			inet_pton(AF_INET6, pt->ip, &s6->sin6_addr);
		} else {
			s4->sin_family = AF_INET;
			s4->sin_port = htons((uint16_t)pt->host);
			inet_pton(AF_INET, pt->ip, &s4->sin_addr);
		}
		if (fd < 0 || bind(fd, (struct sockaddr *)&ss, v6 ? sizeof(*s6) : sizeof(*s4)) < 0)
			return eci_fail(e, errno, "-p %s: %s port %u on %s", pt->spec,
					pt->udp ? "udp" : "tcp", pt->host, pt->ip);
	}
	return 0;
}

static bool executable(const char *file)
{
	return access(file, X_OK) == 0;
}

bool net_find_program(const char *prog, char *buf, size_t size)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	return path_find(path, prog, "", executable, buf, size);
}

static bool on_path(const char *prog)
{
	char buf[4096];

	return net_find_program(prog, buf, sizeof(buf));
}

const char *net_flag(const struct net_plan *p)
{
	return p->flag[0] ? p->flag : p->mode == NET_PASTA ? "--network pasta"
				    : p->mode == NET_SLIRP ? "--network slirp4netns" : "--network";
}

bool net_usable(enum net_mode m)
{
	if (m != NET_PASTA && m != NET_SLIRP)
		return m == NET_NONE;
	return on_path(m == NET_PASTA ? "pasta" : "slirp4netns") &&
	       access("/dev/net/tun", R_OK | W_OK) == 0;
}

/*
 * On a CPU with AVX2, pasta starts by executing "<its own binary>.avx2"
 * when that build is installed (passt's arch.c; Debian's passt ships
 * /usr/bin/passt.avx2), with the same arguments.  Starting that build
 * directly saves the second exec, a few milliseconds of every start.
 * argv[0] stays "pasta": the program takes its mode from its name.
 */
/*
 * Asked of the CPU here, only when pasta is started: __builtin_cpu_supports()
 * would link libgcc's CPU-model constructor, which executes cpuid a dozen
 * times at every start of eci-run and eci-runc (each a VM exit under a
 * hypervisor, about 0.3 ms in all measured here).  AVX2 is usable when the
 * CPU has it (leaf 7) and the kernel saves the YMM state (OSXSAVE, XCR0).
 */
static bool cpu_avx2(void)
{
#if defined(__x86_64__) || defined(__i386__)
	unsigned int a, b, c, d, lo, hi;

	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_OSXSAVE) || !(c & bit_AVX))
		return false;
	__asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
	if ((lo & 6) != 6 || __get_cpuid_max(0, NULL) < 7)
		return false;
	__cpuid_count(7, 0, a, b, c, d);
	return (b & bit_AVX2) != 0;
#else
	return false;
#endif
}

static void pasta_avx2(char *prog, size_t size)
{
	char real[PATH_MAX], avx2[PATH_MAX + 8];
	int n;

	if (!realpath(prog, real))
		return;
	n = snprintf(avx2, sizeof(avx2), "%s.avx2", real);
	if (n > 0 && (size_t)n < size && access(avx2, X_OK) == 0 && cpu_avx2())
		memcpy(prog, avx2, (size_t)n + 1);
}

bool net_find_preload(char *buf, size_t size)
{
	int n;

	if (self_exe_path("../lib/eci/" NET_PRELOAD, buf, size) == 0 && access(buf, R_OK) == 0)
		return true;
	n = snprintf(buf, size, "%s/eci/" NET_PRELOAD, ECI_LIBDIR);
	return n > 0 && (size_t)n < size && access(buf, R_OK) == 0;
}

int net_check_program(struct net_plan *p, struct eci_err *e)
{
	if (p->mode == NET_PASTA && !net_find_program("pasta", p->prog, sizeof(p->prog)))
		return eci_fail(e, 0, "%s: pasta is not installed (Debian package "
				"passt: apt-get install passt)", net_flag(p));
	if (p->mode == NET_SLIRP && !net_find_program("slirp4netns", p->prog, sizeof(p->prog)))
		return eci_fail(e, 0, "%s: slirp4netns is not installed (Debian "
				"package slirp4netns: apt-get install slirp4netns)", net_flag(p));
	if ((p->mode == NET_PASTA || p->mode == NET_SLIRP) && access("/dev/net/tun", R_OK | W_OK) < 0)
		return eci_fail(e, errno, "%s: /dev/net/tun (an administrator must make it "
				"mode 0666, as Debian's udev rules do)", net_flag(p));
	if (p->mode == NET_PASTA)
		pasta_avx2(p->prog, sizeof(p->prog));
	return 0;
}

const char *net_host_address(enum net_mode m)
{
	return m == NET_SLIRP ? "192.0.2.2" : m == NET_PASTA ? "192.0.2.1" : NULL;
}

const char *net_dns_address(enum net_mode m)
{
	return m == NET_SLIRP || m == NET_PASTA ? "192.0.2.3" : NULL;
}

static const char *program(const struct net_plan *p)
{
	return p->mode == NET_PASTA ? "pasta" : "slirp4netns";
}

static void log_path(const struct net_plan *p, const char *statedir, char *buf, size_t size)
{
	snprintf(buf, size, "%s/%s.log", statedir, program(p));
}

/* The last line the program wrote to its log (where it says why it
 * failed), printable characters only; empty if none. */
static void last_line(const char *log, char *buf, size_t size)
{
	_cleanup_close_ int fd = open(log, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	char tail[512];
	struct stat st;
	ssize_t n;
	char *end, *start;
	size_t len;

	buf[0] = '\0';
	if (fd < 0 || fstat(fd, &st) < 0)
		return;
	n = pread(fd, tail, sizeof(tail) - 1,
		  st.st_size > (off_t)sizeof(tail) - 1 ? st.st_size - (off_t)sizeof(tail) + 1 : 0);
	if (n <= 0)
		return;
	tail[n] = '\0';
	for (end = tail + n; end > tail && (end[-1] == '\n' || end[-1] == ' '); end--)
		;
	*end = '\0';
	start = strrchr(tail, '\n');
	start = start ? start + 1 : tail;
	len = strlen(start) < size ? strlen(start) : size - 1;
	for (size_t i = 0; i < len; i++)
		buf[i] = (unsigned char)start[i] < 0x20 || start[i] == 0x7f ? '?' : start[i];
	buf[len] = '\0';
}

int net_fail(const struct net_plan *p, const char *statedir, int err, bool read_log,
	     struct eci_err *e)
{
	char log[4200], line[256] = "";
	const char *what = err == ETIMEDOUT ? "was not ready in time"
			   : err == ECHILD  ? "exited before it was ready"
					    : "failed";

	log_path(p, statedir, log, sizeof(log));
	if (read_log)
		last_line(log, line, sizeof(line));
	eci_fail(e, 0, "%s: %s %s%s%s (log: %s)", net_flag(p), program(p), what,
		 line[0] ? ": " : "", line, log);
	e->err = err;	/* for the launcher, to say it again with the log's words */
	return -1;
}

/*
 * The program's environment: the launcher's, with p->preload first in
 * LD_PRELOAD (which the loader splits at blanks and colons: a path with
 * one is not given).  Made before the fork, since only the launcher may
 * allocate; the strings are @buf and environ's.  NULL: environ as it is.
 */
static char **program_env(const struct net_plan *p, char *buf, size_t size)
{
	const char *theirs = getenv("LD_PRELOAD");
	char **env;
	size_t n = 0, k = 0;
	int len;

	if (!p->preload[0] || strpbrk(p->preload, " \t\n:"))
		return NULL;
	len = snprintf(buf, size, "LD_PRELOAD=%s%s%s", p->preload, theirs && *theirs ? ":" : "",
		       theirs ? theirs : "");
	if (len < 0 || (size_t)len >= size)
		return NULL;
	while (environ[n])
		n++;
	env = calloc(n + 2, sizeof(*env));
	if (!env)
		return NULL;
	for (size_t i = 0; i < n; i++)
		if (strncmp(environ[i], "LD_PRELOAD=", 11))
			env[k++] = environ[i];
	env[k] = buf;
	return env;
}

/*
 * @argv run from the program net_check_program() found (else from PATH).
 * vfork(): the child borrows our memory until its exec instead of copying
 * it, which fork() does at a cost here of 0.25 ms in the parent and about
 * 0.6 ms more before the child's first instruction (a new address space
 * under this hypervisor), all before the program can start.  So the child
 * writes nothing of ours: its own stack frame, its own fds and signal
 * actions (not shared without CLONE_FILES and CLONE_SIGHAND), and errno,
 * which the parent does not read after a vfork() that succeeded.  Every
 * signal is blocked around it, so that no handler of ours runs in the
 * child on our memory; the child resets them all before it unblocks.
 */
static pid_t start(const struct net_plan *p, char **argv, char **env, int keep_a, int keep_b,
		   const char *log)
{
	sigset_t all, old;
	pid_t pid;
	int saved;

	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &old);
	pid = vfork();
	if (pid == 0) {
		int null = open("/dev/null", O_RDWR | O_CLOEXEC);
		int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600) : null;

		struct sigaction dfl = { .sa_handler = SIG_DFL };
		sigset_t none;

		/* Its signals as any program's: what eci-run's caller ignored
		 * or eci-run blocks is not passed on (pasta will not start
		 * with SIGPIPE ignored: "Couldn't install signal handlers"). */
		for (int sig = 1; sig < NSIG; sig++)
			sigaction(sig, &dfl, NULL);	/* SIGKILL, SIGSTOP: EINVAL */
		sigemptyset(&none);
		sigprocmask(SIG_SETMASK, &none, NULL);
		/* Dies with the launcher, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
		dup2(null, 0);
		dup2(out >= 0 ? out : null, 1);
		dup2(out >= 0 ? out : null, 2);
		/* Nothing of the launcher's but what it is given. */
		syscall(SYS_close_range, 3, ~0U, CLOSE_RANGE_CLOEXEC);
		if (keep_a >= 0)
			fcntl(keep_a, F_SETFD, 0);
		if (keep_b >= 0)
			fcntl(keep_b, F_SETFD, 0);
		execvpe(p->prog[0] ? p->prog : argv[0], argv, env ? env : environ);
		_exit(127);
	}
	saved = errno;
	sigprocmask(SIG_SETMASK, &old, NULL);
	errno = saved;	/* vfork()'s, for the caller's message */
	return pid;
}

static pid_t spawn(const struct net_plan *p, char **argv, int keep_a, int keep_b, const char *log)
{
	char preload[PATH_MAX + 4096];
	char **env = program_env(p, preload, sizeof(preload));
	pid_t pid = start(p, argv, env, keep_a, keep_b, log);
	int saved = errno;

	free(env);
	errno = saved;
	return pid;
}

/*
 * The program joins the network namespace of @pid: the workload's, which
 * it made.  Never the launcher's own, the host's, where pid 1 also is until
 * it joins the workload's: a program started against it would configure
 * the host (it would fail, lacking the privilege, but it must not try).
 */
static int other_netns(pid_t pid, struct eci_err *e)
{
	char path[64];
	struct stat theirs, ours;

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	if (stat(path, &theirs) < 0 || stat("/proc/self/ns/net", &ours) < 0)
		return eci_fail(e, errno, "the workload's network namespace");
	if (theirs.st_dev == ours.st_dev && theirs.st_ino == ours.st_ino)
		return eci_fail(e, 0, "the workload has no network namespace of its own");
	return 0;
}

/* spawn()'s result: the program's pidfd, which tells when it exits. */
static int started(struct net_plan *p, struct eci_err *e)
{
	if (p->helper < 0)
		return eci_fail(e, errno, "%s: start %s", net_flag(p), program(p));
	p->pidfd = (int)syscall(SYS_pidfd_open, p->helper, 0);
	if (p->pidfd < 0) {
		int err = errno;

		net_detach(p);
		return eci_fail(e, err, "%s: pidfd of %s", net_flag(p), program(p));
	}
	return 0;
}

/* await_ready()'s result as attach's: -1 with @e empty when the container
 * spoke (the caller reads why), else the program's failure. */
static int ready_or_fail(const struct net_plan *p, const char *statedir, int r,
			 struct eci_err *e)
{
	if (r == -ECANCELED) {
		e->msg[0] = '\0';
		return -1;
	}
	return r < 0 ? net_fail(p, statedir, -r, true, e) : 0;
}

/*
 * Wait until the program writes to @fd, the read end of a pipe or FIFO,
 * or exits (its pidfd), or @watch (the container's sync socket) has
 * something to say: the container failed meanwhile.  0 when ready, else
 * -ECHILD, -ETIMEDOUT, -ECANCELED (@watch) or another -errno.
 */
static int await_ready(const struct net_plan *p, int fd, int watch)
{
	for (;;) {
		struct pollfd pfd[3] = { { .fd = fd, .events = POLLIN },
					 { .fd = p->pidfd, .events = POLLIN },
					 { .fd = watch, .events = POLLIN } };
		int n = poll(pfd, 3, NET_READY_TIMEOUT_MS);
		char c;

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -ETIMEDOUT;
		if (pfd[0].revents) {
			/* end of file: closed unwritten, the program is going */
			n = (int)read(fd, &c, 1);
			if (n < 0 && (errno == EAGAIN || errno == EINTR))
				continue;
			return n > 0 ? 0 : n == 0 ? -ECHILD : -errno;
		}
		return pfd[1].revents ? -ECHILD : -ECANCELED;
	}
}

static int attach_pasta(struct net_plan *p, pid_t pid, const char *statedir, int watch,
			struct eci_err *e)
{
	char *argv[24 + 2 * NET_MAX_PORTS], target[16], pidfile[4200], log[4200];
	char fwd[NET_MAX_PORTS][96];
	_cleanup_close_ int fifo = -1;
	size_t n = 0;

	snprintf(target, sizeof(target), "%d", (int)pid);
	snprintf(pidfile, sizeof(pidfile), "%s/pasta.pid", statedir);
	log_path(p, statedir, log, sizeof(log));
	argv[n++] = (char *)"pasta";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"-4";
	argv[n++] = (char *)"--config-net";
	argv[n++] = (char *)"-I";	/* the device the workload made */
	argv[n++] = (char *)NET_IFNAME;
	/* eci-run stops it; the inotify watch this needs would slow its end */
	argv[n++] = (char *)"--no-netns-quit";
	argv[n++] = (char *)"-a";
	argv[n++] = (char *)"192.0.2.100";
	argv[n++] = (char *)"-n";
	argv[n++] = (char *)"24";
	argv[n++] = (char *)"-g";
	argv[n++] = (char *)"192.0.2.1";
	argv[n++] = (char *)"--dns-forward";
	argv[n++] = (char *)"192.0.2.3";
	argv[n++] = (char *)"-T";
	argv[n++] = (char *)"none";
	argv[n++] = (char *)"-U";
	argv[n++] = (char *)"none";
	for (size_t i = 0; i < p->nports; i++) {
		snprintf(fwd[i], sizeof(fwd[i]), "%s/%u:%u", p->port[i].ip, p->port[i].host,
			 p->port[i].ctr);
		argv[n++] = (char *)(p->port[i].udp ? "-u" : "-t");
		argv[n++] = fwd[i];
	}
	if (!p->nports) {
		argv[n++] = (char *)"-t";
		argv[n++] = (char *)"none";
		argv[n++] = (char *)"-u";
		argv[n++] = (char *)"none";
	} else {
		argv[n++] = (char *)"-P";
		argv[n++] = pidfile;
	}
	argv[n++] = target;
	argv[n] = NULL;
	/*
	 * -p: pasta writes its pid file, which it opens at its start, once it
	 * has bound the ports.  The file is a FIFO of ours, whose read end
	 * hears that write (inotify would too, but releasing an inotify
	 * instance waits for an SRCU grace period, 5-20 ms measured).  A
	 * restarted container has the state directory, and the pid file, of
	 * its last run: that one is gone first, whether -p is given or not.
	 */
	if (unlink(pidfile) < 0 && errno != ENOENT)
		return eci_fail(e, errno, "%s: remove %s", net_flag(p), pidfile);
	if (p->nports && mkfifo(pidfile, 0600) < 0)
		return eci_fail(e, errno, "%s: make %s", net_flag(p), pidfile);
	/* before pasta starts: its open for writing waits for a reader */
	if (p->nports &&
	    (fifo = open(pidfile, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "%s: open %s", net_flag(p), pidfile);
	p->helper = spawn(p, argv, -1, -1, log);
	p->stopped = false;
	if (started(p, e) < 0)
		return -1;
	if (!p->nports)
		return 0;
	return ready_or_fail(p, statedir, await_ready(p, fifo, watch), e);
}

/* slirp4netns: ports through its API socket, one JSON request each. */
static int slirp_ports(struct net_plan *p, const char *sock, struct eci_err *e)
{
	for (size_t i = 0; i < p->nports; i++) {
		struct sockaddr_un sa = { .sun_family = AF_UNIX };
		_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		char req[256], resp[512] = "";
		ssize_t r;

		if (strlen(sock) >= sizeof(sa.sun_path))
			return eci_fail(e, ENAMETOOLONG, "-p %s: slirp4netns API %s", p->port[i].spec, sock);
		memcpy(sa.sun_path, sock, strlen(sock) + 1);
		snprintf(req, sizeof(req),
			 "{\"execute\":\"add_hostfwd\",\"arguments\":{\"proto\":\"%s\",\"host_addr\":"
			 "\"%s\",\"host_port\":%u,\"guest_port\":%u}}", p->port[i].udp ? "udp" : "tcp",
			 p->port[i].ip, p->port[i].host, p->port[i].ctr);
		if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
		    write_all(fd, req, strlen(req)) < 0 || shutdown(fd, SHUT_WR) < 0)
			return eci_fail(e, errno, "-p %s: slirp4netns API", p->port[i].spec);
		r = read(fd, resp, sizeof(resp) - 1);
		resp[r > 0 ? r : 0] = '\0';
		if (!strstr(resp, "\"return\""))
			return eci_fail(e, 0, "-p %s: slirp4netns: %s", p->port[i].spec, resp);
	}
	return 0;
}

/*
 * --exit-fd: slirp4netns ends when the launcher closes its end, or dies.
 * Without -p neither --ready-fd nor the API socket: nothing waits for them.
 */
static int attach_slirp(struct net_plan *p, pid_t pid, const char *statedir, int watch,
			struct eci_err *e)
{
	char target[16], readyarg[32], exitarg[32], api[4200], apiarg[4300], log[4200];
	int ready[2] = { -1, -1 }, ex[2], r;
	char *argv[12];
	size_t n = 0;

	if (pipe2(ex, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "%s: pipe", net_flag(p));
	if (p->nports && pipe2(ready, O_CLOEXEC) < 0) {
		r = eci_fail(e, errno, "%s: pipe", net_flag(p));
		close(ex[0]);
		close(ex[1]);
		return r;
	}
	snprintf(target, sizeof(target), "%d", (int)pid);
	snprintf(exitarg, sizeof(exitarg), "--exit-fd=%d", ex[0]);
	snprintf(readyarg, sizeof(readyarg), "--ready-fd=%d", ready[1]);
	snprintf(api, sizeof(api), "%s/slirp.sock", statedir);
	snprintf(apiarg, sizeof(apiarg), "--api-socket=%s", api);
	log_path(p, statedir, log, sizeof(log));
	argv[n++] = (char *)"slirp4netns";
	argv[n++] = (char *)"--configure";
	argv[n++] = (char *)"--mtu=65520";
	argv[n++] = (char *)"--cidr=192.0.2.0/24";
	argv[n++] = exitarg;
	if (p->nports) {
		argv[n++] = readyarg;
		argv[n++] = apiarg;
		unlink(api);	/* the last run's, if restarted */
	}
	argv[n++] = target;
	argv[n++] = (char *)NET_IFNAME;
	argv[n] = NULL;
	p->helper = spawn(p, argv, ex[0], ready[1], log);
	p->stopped = false;
	close(ex[0]);
	if (ready[1] >= 0)
		close(ready[1]);
	p->exit_fd = ex[1];
	if (started(p, e) < 0) {
		if (ready[0] >= 0)
			close(ready[0]);
		return -1;
	}
	if (!p->nports)
		return 0;
	r = await_ready(p, ready[0], watch);
	close(ready[0]);
	if (ready_or_fail(p, statedir, r, e) < 0)
		return -1;
	return slirp_ports(p, api, e);
}

int net_attach(struct net_plan *p, pid_t pid, const char *statedir, int watch,
	       struct eci_err *e)
{
	p->exit_fd = p->pidfd = -1;
	p->sent = false;	/* a restart's run: what the last one sent is gone */
	if (p->mode != NET_PASTA && p->mode != NET_SLIRP)
		return 0;
	if (other_netns(pid, e) < 0)
		return eci_prefix(e, "%s", net_flag(p));
	if (p->mode == NET_PASTA)
		return attach_pasta(p, pid, statedir, watch, e);
	return attach_slirp(p, pid, statedir, watch, e);
}

/* Is @pid running, or waiting uninterruptibly (mid-task), rather than
 * asleep?  The state of /proc/PID/stat, which any process may read. */
static bool busy(int stat)
{
	char buf[1024], *p;
	ssize_t n = stat >= 0 ? pread(stat, buf, sizeof(buf) - 1, 0) : -1;

	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');	/* comm may hold anything: the state follows the last ')' */
	return p && p[1] == ' ' && (p[2] == 'R' || p[2] == 'D');
}

/*
 * Before the program is told to stop: until it is asleep, in its event
 * loop.  pid 1 waited until the program had read every frame the
 * workload sent (drain.c), but a frame read is not yet a frame sent on:
 * pasta exits at SIGTERM mid-batch, and with it the datagram it had just
 * read.  Asleep, it has done with what it read.  At most NET_SETTLE_MS:
 * a program that never sleeps is stopped all the same.  Only when frames
 * went through it (p->sent): a program that was handed none may still be
 * busy starting, which nothing needs any more.
 */
static void settle(pid_t pid)
{
	char path[64];
	long long end = mono_ms() + NET_SETTLE_MS;
	long pause_ns = 100000;
	_cleanup_close_ int stat = -1;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = open(path, O_RDONLY | O_CLOEXEC);
	while (busy(stat) && mono_ms() < end) {
		nanosleep(&(struct timespec){ .tv_nsec = pause_ns }, NULL);
		if (pause_ns < 4000000)
			pause_ns *= 2;
	}
}

void net_stop(struct net_plan *p)
{
	if (p->helper > 0 && !p->stopped && p->sent)
		settle(p->helper);
	if (p->pidfd >= 0)
		close(steal_fd(p->pidfd));
	if (p->exit_fd >= 0)
		close(steal_fd(p->exit_fd));
	/* not reaped yet: the pid is still the program's; told once */
	if (p->helper > 0 && !p->stopped)
		kill(p->helper, SIGTERM);
	p->stopped = true;
}

void net_detach(struct net_plan *p)
{
	net_stop(p);
	if (p->helper > 0) {
		while (waitpid(p->helper, NULL, 0) < 0 && errno == EINTR)
			;
		p->helper = 0;
	}
}

void net_release(struct net_plan *p)
{
	net_stop(p);
	if (p->helper > 0 && !p->nports) {
		kill(p->helper, SIGKILL);
		p->helper = 0;
		return;
	}
	net_detach(p);
}
