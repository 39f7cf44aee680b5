// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * netmode.c - --network and -p; see netmode.h
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
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

bool net_find_program(const char *prog, char *buf, size_t size)
{
	const char *path = getenv("PATH");

	if (!path || !*path)
		path = "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin";
	for (const char *p = path; *p;) {
		size_t len = strcspn(p, ":");

		snprintf(buf, size, "%.*s/%s", (int)len, p, prog);
		if (access(buf, X_OK) == 0)
			return true;
		p += len + (p[len] == ':');
	}
	buf[0] = '\0';
	return false;
}

static bool on_path(const char *prog)
{
	char buf[4096];

	return net_find_program(prog, buf, sizeof(buf));
}

/* The words that chose @p's mode, for a message. */
static const char *flag_of(const struct net_plan *p)
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

int net_check_program(const struct net_plan *p, struct eci_err *e)
{
	if (p->mode == NET_PASTA && !on_path("pasta"))
		return eci_fail(e, 0, "%s: pasta is not installed (Debian package "
				"passt: apt-get install passt)", flag_of(p));
	if (p->mode == NET_SLIRP && !on_path("slirp4netns"))
		return eci_fail(e, 0, "%s: slirp4netns is not installed (Debian "
				"package slirp4netns: apt-get install slirp4netns)", flag_of(p));
	if ((p->mode == NET_PASTA || p->mode == NET_SLIRP) && access("/dev/net/tun", R_OK | W_OK) < 0)
		return eci_fail(e, errno, "%s: /dev/net/tun (an administrator must make it "
				"mode 0666, as Debian's udev rules do)", flag_of(p));
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

static pid_t spawn(char **argv, int keep_a, int keep_b, const char *log)
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		int out = log ? open(log, O_WRONLY | O_CREAT | O_APPEND, 0600) : null;

		/* Dies with the launcher, whatever kills it. */
		prctl(PR_SET_PDEATHSIG, SIGTERM, 0, 0, 0);
		dup2(null, 0);
		dup2(out >= 0 ? out : null, 1);
		dup2(out >= 0 ? out : null, 2);
		for (int fd = 3; fd < 1024; fd++)
			if (fd != keep_a && fd != keep_b)
				close(fd);
		execvp(argv[0], argv);
		_exit(127);
	}
	return pid;
}

/* Wait for @path to appear (pasta writes its pid file once configured). */
static int await_file(const char *path, pid_t child)
{
	for (int i = 0; i < 500; i++) {
		struct stat st;
		int status;

		if (stat(path, &st) == 0 && st.st_size > 0)
			return 0;
		if (waitpid(child, &status, WNOHANG) == child)
			return -1;
		usleep(5000);
	}
	return -1;
}

static int attach_pasta(struct net_plan *p, pid_t pid, const char *statedir, struct eci_err *e)
{
	char *argv[16 + 2 * NET_MAX_PORTS], target[16], pidfile[4200], log[4200];
	char fwd[NET_MAX_PORTS][96];
	size_t n = 0;

	snprintf(target, sizeof(target), "%d", (int)pid);
	snprintf(pidfile, sizeof(pidfile), "%s/pasta.pid", statedir);
	snprintf(log, sizeof(log), "%s/pasta.log", statedir);
	argv[n++] = (char *)"pasta";
	argv[n++] = (char *)"-f";
	argv[n++] = (char *)"-q";
	argv[n++] = (char *)"-4";
	argv[n++] = (char *)"--config-net";
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
	}
	argv[n++] = (char *)"-P";
	argv[n++] = pidfile;
	argv[n++] = target;
	argv[n] = NULL;
	p->helper = spawn(argv, -1, -1, log);
	if (p->helper < 0)
		return eci_fail(e, errno, "%s: start pasta", flag_of(p));
	if (await_file(pidfile, p->helper) < 0) {
		_cleanup_free_ char *msg = NULL;

		net_detach(p);
		read_all_at(AT_FDCWD, log, 4096, &msg, NULL);
		if (msg)
			msg[strcspn(msg, "\n")] = '\0';
		return eci_fail(e, 0, "%s: pasta failed%s%s", flag_of(p), msg && *msg ? ": " : "",
				msg ? msg : "");
	}
	return 0;
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

static int attach_slirp(struct net_plan *p, pid_t pid, const char *statedir, struct eci_err *e)
{
	char target[16], readyarg[32], exitarg[32], api[4200], apiarg[4300], log[4200];
	int ready[2], ex[2];
	char c;
	char *argv[] = { (char *)"slirp4netns", (char *)"--configure", (char *)"--mtu=65520",
			 (char *)"--cidr=192.0.2.0/24", readyarg, exitarg, apiarg, target,
			 (char *)"eth0", NULL };

	if (pipe2(ready, O_CLOEXEC) < 0 || pipe2(ex, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "--network slirp4netns: pipe");
	snprintf(target, sizeof(target), "%d", (int)pid);
	snprintf(readyarg, sizeof(readyarg), "--ready-fd=%d", ready[1]);
	snprintf(exitarg, sizeof(exitarg), "--exit-fd=%d", ex[0]);
	snprintf(api, sizeof(api), "%s/slirp.sock", statedir);
	snprintf(apiarg, sizeof(apiarg), "--api-socket=%s", api);
	snprintf(log, sizeof(log), "%s/slirp4netns.log", statedir);
	fcntl(ready[1], F_SETFD, 0);
	fcntl(ex[0], F_SETFD, 0);
	p->helper = spawn(argv, ready[1], ex[0], log);
	close(ready[1]);
	close(ex[0]);
	p->exit_fd = ex[1];
	if (p->helper < 0 || read(ready[0], &c, 1) != 1) {
		close(ready[0]);
		net_detach(p);
		return eci_fail(e, 0, "%s: slirp4netns failed (see %s)", flag_of(p), log);
	}
	close(ready[0]);
	return slirp_ports(p, api, e);
}

int net_attach(struct net_plan *p, pid_t pid, const char *statedir, struct eci_err *e)
{
	p->exit_fd = -1;
	if (p->mode == NET_PASTA)
		return attach_pasta(p, pid, statedir, e);
	if (p->mode == NET_SLIRP)
		return attach_slirp(p, pid, statedir, e);
	return 0;
}

void net_detach(struct net_plan *p)
{
	if (p->exit_fd >= 0)
		close(steal_fd(p->exit_fd));
	if (p->helper > 0) {
		kill(p->helper, SIGTERM);
		while (waitpid(p->helper, NULL, 0) < 0 && errno == EINTR)
			;
		p->helper = 0;
	}
}
