// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_network.c - --network none|pasta|slirp4netns and -p, on loopback
 * addresses only: nothing here leaves the machine
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "launcher.h"
#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

static void eci(const char *flags, const char *script, struct run_result *r)
{
	char bin[4096];

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), flags, "default", script, r);
}

/* eci-run ARGS with @dir first on PATH (ARGS: shell words) */
static void eci_with(const char *dir, const char *args, struct run_result *r)
{
	char bin[4096], cmd[9000];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "PATH='%s':\"$PATH\" exec '%s' %s", dir,
		 t_bin("eci-run", bin, sizeof(bin)), args);
	ck_assert_int_eq(t_run(argv, r), 0);
}

/* A socket of @type bound to a free port of the host's 127.0.0.1, *@port. */
static int loopback_socket(int type, unsigned *port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sa);
	int fd = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&sa, &len), 0);
	*port = ntohs(sa.sin_port);
	return fd;
}

static unsigned free_port(void)
{
	unsigned port;

	close(loopback_socket(SOCK_STREAM, &port));
	return port;
}

/* A listening TCP socket on the host's 127.0.0.1:@port. */
static int host_listener(unsigned port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM, 0), one = 1;

	ck_assert_int_ge(fd, 0);
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* A server on the host's 127.0.0.1 that answers one connection. */
static pid_t serve_once(unsigned port, const char *reply)
{
	int fd = host_listener(port);
	pid_t pid;

	pid = fork();
	if (pid == 0) {
		int c = accept(fd, NULL, NULL);
		char buf[1024];

		if (c >= 0) {
			if (read(c, buf, sizeof(buf)) < 0) { /* the request: ignored */ }
			if (write(c, reply, strlen(reply)) < 0)
				_exit(1);
		}
		_exit(0);
	}
	close(fd);
	return pid;
}

/* Connect to the host's 127.0.0.1:port (retrying while the container
 * starts) and return what the peer sends. */
static char *fetch(unsigned port)
{
	static char buf[4096];

	for (int i = 0; i < 100; i++) {
		struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
					  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
		int fd = socket(AF_INET, SOCK_STREAM, 0);
		ssize_t n;

		if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0) {
			const char *req = "GET / HTTP/1.0\r\n\r\n";

			size_t got = 0;

			if (write(fd, req, strlen(req)) > 0) {
				while (got < sizeof(buf) - 1 &&
				       (n = read(fd, buf + got, sizeof(buf) - 1 - got)) > 0)
					got += (size_t)n;
				buf[got] = '\0';
				if (got) {
					close(fd);
					return buf;
				}
			}
		}
		close(fd);
		usleep(50000);
	}
	return NULL;
}

/*
 * Processes of ours whose name says pasta, passt or slirp4netns: in this
 * test's session, which eci-run and the programs it starts share (one
 * that outlived eci-run keeps it), and other runs on the host do not.
 */
static int helpers_running(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char path[300], *stat = NULL, *end;
		int sid = -1;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0)
			continue;
		/* PID (COMM) STATE PPID PGRP SESSION ...; COMM may hold ") " */
		end = strrchr(stat, ')');
		if (end && sscanf(end + 1, " %*c %*d %*d %d", &sid) == 1 && sid == getsid(0) &&
		    (!strncmp(strchr(stat, '(') + 1, "pasta", 5) ||
		     !strncmp(strchr(stat, '(') + 1, "passt", 5) ||
		     !strncmp(strchr(stat, '(') + 1, "slirp4netns", 11)))
			n++;
		free(stat);
	}
	if (d)
		closedir(d);
	return n;
}

/*
 * helpers_running() once it is at most @n, 5 s at most: eci-run ends its
 * network program and does not wait for its exit, which takes a moment
 * more (the previous test's may still be going when the next begins).
 */
static int helpers_settled(int n)
{
	int now = helpers_running();

	for (int i = 0; i < 100 && now > n; i++) {
		usleep(50 * 1000);
		now = helpers_running();
	}
	return now;
}

/*
 * got ADDR PORT WORD: WORD sent to ADDR:PORT and received there.  nc -w 5: a
 * client that gives up after connecting (a loaded machine) would leave the
 * one-shot listener an empty connection.  And busybox's listener, its
 * stdin at EOF at once (/dev/null), may end before it has read what came:
 * on a loaded machine 2 and 6 connections of 200 came out empty.  So up to
 * five listeners in turn; a loopback that does not work still hangs the
 * first one, and the test fails by its timeout.
 */
START_TEST(none_loopback_only)
{
	struct run_result r;

	eci("--network none", "tail -n +3 /proc/net/dev | cut -d: -f1 | tr -d \" \"; "
	    "got() { for t in 1 2 3 4 5; do nc -l -p $2 > /tmp/$3 & "
	    "for i in $(seq 100); do echo $3 | nc -w 5 $1 $2 && break; sleep 0.1; done; wait; "
	    "[ \"$(cat /tmp/$3)\" = $3 ] && return; done; }; "
	    "got 127.0.0.1 9000 v4; got ::1 9001 v6; "
	    "cat /tmp/v4 /tmp/v6; ip addr show lo | grep -c -E \"inet6? (127.0.0.1|::1)\"", &r);
	ck_assert_int_eq(r.status, 0);
	ck_assert_str_eq(r.out, "lo\nv4\nv6\n2\n");
	t_run_free(&r);
}
END_TEST

static void host_reachable(const char *mode)
{
	unsigned port = free_port();
	char script[512], flags[64];
	pid_t server = serve_once(port, "HTTP/1.0 200 OK\r\nContent-Length: 16\r\n\r\nhello-from-host\n");
	struct run_result r;
	int before = helpers_settled(0);

	snprintf(flags, sizeof(flags), "--network %s", mode);
	snprintf(script, sizeof(script),
		 "grep host.eci.internal /etc/hosts >/dev/null && grep -c nameserver /etc/resolv.conf; "
		 "wget -q -O - http://host.eci.internal:%u/", port);
	eci(flags, script, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", mode, r.status, r.err);
	ck_assert_str_eq(r.out, "1\nhello-from-host\n");
	t_run_free(&r);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	ck_assert_int_eq(helpers_settled(before), before);	/* nothing left running */
}

/* A listener on the host's 127.0.0.1 that counts the bytes of one
 * connection, to its end, and writes the count to *@count_fd; it reads
 * nothing for the first @delay_ms after the connection comes. */
static pid_t count_once(unsigned port, int delay_ms, int *count_fd)
{
	int fd = host_listener(port), p[2];
	pid_t pid;

	ck_assert_int_eq(pipe(p), 0);
	pid = fork();
	if (pid == 0) {
		int c = accept(fd, NULL, NULL);
		unsigned long long n = 0;
		char buf[65536];
		ssize_t k;

		poll(NULL, 0, delay_ms);
		while (c >= 0 && (k = read(c, buf, sizeof(buf))) > 0)
			n += (unsigned long long)k;
		dprintf(p[1], "%llu", n);
		_exit(0);
	}
	close(fd);
	close(p[1]);
	*count_fd = p[0];
	return pid;
}

/*
 * What the workload sends just before it ends all reaches the host: the
 * network program stays until the sockets the workload left have
 * delivered what they hold (net/drain.c), however early eci-run hears the
 * workload's code.  The probe writes 32 MiB to a host listener that reads
 * nothing for its first 0.3 s, closes and exits at once: megabytes are
 * still queued in the container's socket then, and go out only afterwards.
 * Three times.
 */
static void last_bytes(const char *mode)
{
	char probe[4096], args[4600], got[32];

	for (int i = 0; i < 3; i++) {
		unsigned port = free_port();
		int count_fd;
		pid_t sink = count_once(port, 300, &count_fd);
		struct run_result r;
		ssize_t n;

		snprintf(args, sizeof(args), "-v '%s:/probe:ro' --network %s default /probe send %s %u "
			 "33554432", t_probe(probe, sizeof(probe)), mode,
			 !strcmp(mode, "pasta") ? "192.0.2.1" : "192.0.2.2", port);
		eci_with("/nonexistent", args, &r);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", mode, r.status, r.out, r.err);
		ck_assert_str_eq(r.out, "sent 33554432\n");
		t_run_free(&r);
		n = read(count_fd, got, sizeof(got) - 1);
		got[n > 0 ? n : 0] = '\0';
		close(count_fd);
		kill(sink, SIGKILL);
		waitpid(sink, NULL, 0);
		ck_assert_msg(!strcmp(got, "33554432"), "%s, run %d: the host got %s of 33554432 bytes",
			      mode, i + 1, got);
	}
}

/*
 * A peer that reads nothing holds a container's end no longer than
 * NET_DRAIN_TIMEOUT_MS: the host listener takes the connection and never
 * reads, the probe fills what the sockets hold and is killed, and its
 * socket stays with megabytes its peer will not acknowledge.  eci-run
 * still ends, with the workload's code, and leaves no process behind.
 */
static void stuck_peer(const char *mode)
{
	unsigned port = free_port();
	int fd = host_listener(port), before = helpers_settled(0);
	char probe[4096], args[4800];
	struct run_result r;

	snprintf(args, sizeof(args), "-v '%s:/probe:ro' --network %s default sh -c "
		 "'/probe send %s %u 1073741824 & sleep 1; kill $!; wait; echo stopped'",
		 t_probe(probe, sizeof(probe)), mode,
		 !strcmp(mode, "pasta") ? "192.0.2.1" : "192.0.2.2", port);
	eci_with("/nonexistent", args, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", mode, r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "stopped\n");
	t_run_free(&r);
	close(fd);	/* the connection it queued goes with it */
	ck_assert_int_eq(helpers_settled(before), before);
}

START_TEST(pasta_stuck_peer)
{
	stuck_peer("pasta");
}
END_TEST

START_TEST(slirp_stuck_peer)
{
	stuck_peer("slirp4netns");
}
END_TEST

/*
 * With -p, eci-run returns once the program is gone, reaped: the host port
 * it listened on is free for the next start at once.  (Without -p eci-run
 * kills it and does not wait for its exit: net_release().)
 */
static void port_free_at_end(const char *mode)
{
	unsigned port = free_port();
	int before = helpers_settled(0);
	char args[128];
	struct run_result r;

	snprintf(args, sizeof(args), "--network %s -p %u:80 default true", mode, port);
	eci_with("/nonexistent", args, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", mode, r.status, r.out, r.err);
	t_run_free(&r);
	ck_assert_int_eq(helpers_running(), before);	/* not even exiting */
	close(host_listener(port));	/* bound and listening, or the test fails */
}

START_TEST(pasta_port_free_at_end)
{
	port_free_at_end("pasta");
}
END_TEST

START_TEST(slirp_port_free_at_end)
{
	port_free_at_end("slirp4netns");
}
END_TEST

START_TEST(pasta_last_bytes)
{
	last_bytes("pasta");
}
END_TEST

START_TEST(slirp_last_bytes)
{
	last_bytes("slirp4netns");
}
END_TEST

START_TEST(pasta_reaches_host)
{
	host_reachable("pasta");
}
END_TEST

START_TEST(slirp_reaches_host)
{
	host_reachable("slirp4netns");
}
END_TEST

static void published(const char *mode)
{
	unsigned port = free_port();
	char bin[4096], flag[32], net[32];
	/* --init: httpd has no SIGTERM handler, which as pid 1 would keep it */
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"--init",
			 (char *)"--network", net, (char *)"-p", flag, (char *)"default", (char *)"sh",
			 (char *)"-c",
			 (char *)"mkdir /www && echo served-by-container > /www/index.html && "
				 "exec httpd -f -p 80 -h /www", NULL };
	int in, out, st, before = helpers_settled(0);
	pid_t pid;
	char *got;

	snprintf(net, sizeof(net), "%s", mode);
	snprintf(flag, sizeof(flag), "%u:80", port);
	pid = t_spawn(argv, &in, &out);
	got = fetch(port);
	kill(pid, SIGTERM);
	waitpid(pid, &st, 0);
	close(in);
	close(out);
	ck_assert_ptr_nonnull(got);
	ck_assert_msg(strstr(got, "served-by-container"), "%s", got);
	ck_assert(WIFEXITED(st));
	ck_assert_int_eq(WEXITSTATUS(st), 128 + SIGTERM);
	ck_assert_int_eq(helpers_settled(before), before);
}

START_TEST(pasta_publish)
{
	published("pasta");
}
END_TEST

START_TEST(slirp_publish)
{
	published("slirp4netns");
}
END_TEST

static void refused(const char *flags, const char *words)
{
	struct run_result r;

	eci(flags, "echo started", &r);
	ck_assert_msg(r.status == 125, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", flags, words, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	t_run_free(&r);
}

START_TEST(bad_input)
{
	unsigned port = free_port();
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int busy = socket(AF_INET, SOCK_STREAM, 0);
	char flags[128], words[128];

	refused("--network bogus", "--network bogus: unknown network mode");
	refused("--network pasta -p 80", "-p 80: expected [IP:]HOSTPORT:CONTAINERPORT");
	refused("--network pasta -p 8080:80/sctp", "unknown protocol 'sctp'");
	refused("--network pasta -p 99999:80", "expected [IP:]HOSTPORT");
	refused("--network pasta -p nothost:8080:80", "'nothost' is not an IP address");
	refused("--network none -p 8080:80",
		"-p 8080:80: publishing ports needs --network pasta or slirp4netns (--network none)");
	/* "not allowed by", or "managed by your administrator" under an installed policy */
	refused("--network host", "--network host: ");
	refused("--network host", "\"enhancedContainerIsolation\"");
	refused("--network pasta -p 0.0.0.0:8080:80", "not allowed by \"allowPublicPorts\"");
	ck_assert_int_eq(bind(busy, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(busy, 1), 0);
	snprintf(flags, sizeof(flags), "--network pasta -p %u:80", port);
	snprintf(words, sizeof(words), "tcp port %u on 127.0.0.1: Address already in use", port);
	refused(flags, words);
	close(busy);
}
END_TEST

/*
 * eci-run started with SIGPIPE ignored (as Python starts its children, and
 * a shell's trap '' does): the network program gets its signals as any
 * program would, and pasta starts (it refused to, before, with "Couldn't
 * install signal handlers").
 */
START_TEST(signals_of_the_caller)
{
	static const char *const modes[] = { "pasta", "slirp4netns" };
	struct run_result r;
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	for (size_t i = 0; i < sizeof(modes) / sizeof(modes[0]); i++) {
		snprintf(cmd, sizeof(cmd), "trap '' PIPE XFSZ; exec '%s' --network %s default "
			 "echo started", t_bin("eci-run", bin, sizeof(bin)), modes[i]);
		t_run(argv, &r);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "started\n"), "--network %s: exit %d: %s%s",
			      modes[i], r.status, r.out, r.err);
		t_run_free(&r);
	}
}
END_TEST

/* Without the program, the refusal names the Debian package. */
START_TEST(program_missing)
{
	struct run_result r;
	char bin[4096], cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	snprintf(cmd, sizeof(cmd), "PATH=/nonexistent exec '%s' --network pasta default true",
		 t_bin("eci-run", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "pasta is not installed (Debian package passt"));
	t_run_free(&r);
	snprintf(cmd, sizeof(cmd), "PATH=/nonexistent exec '%s' --network slirp4netns default true",
		 t_bin("eci-run", bin, sizeof(bin)));
	t_run(argv, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_ptr_nonnull(strstr(r.err, "apt-get install slirp4netns"));
	t_run_free(&r);
}
END_TEST

/* --- the network at the workload's first instruction ----------------------- */

/* A directory to put first on eci-run's PATH, holding a program named
 * @name: a shell script that runs @body. */
static void tool_dir(char dir[32], const char *name, const char *body)
{
	char path[96];
	FILE *f;

	snprintf(dir, 32, "/tmp/eci-t-net-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "w");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "#!/bin/sh\n%s\n", body);
	ck_assert_int_eq(fclose(f), 0);
	ck_assert_int_eq(chmod(path, 0755), 0);
}

/* The real @tool, started @delay seconds late: what the workload must wait
 * for is not there when it could first run. */
static void slow_tool(char dir[32], const char *tool, const char *delay)
{
	char body[128];

	snprintf(body, sizeof(body), "sleep %s; PATH=${PATH#*:} exec %s \"$@\"", delay, tool);
	tool_dir(dir, tool, body);
}

/*
 * TCP (an HTTP request), then UDP, to listeners on the host's loopback,
 * from the workload's very first instructions, while pasta or slirp4netns
 * starts 0.3 s late: the workload must not run before its interface is
 * configured.  (Not busybox nc: after the server's close it keeps waiting
 * with this pasta, whatever eci-run does; nor wget -T, which crashes.)
 */
static void first_instruction(const char *mode)
{
	unsigned tport = free_port(), uport;
	pid_t server = serve_once(tport, "HTTP/1.0 200 OK\r\nContent-Length: 16\r\n\r\n"
					 "hello-from-host\n");
	int u = loopback_socket(SOCK_DGRAM, &uport), before = helpers_settled(0);
	struct pollfd pfd = { .fd = u, .events = POLLIN };
	char dir[32], probe[4096], args[8400], got[16] = "";
	struct run_result r;

	slow_tool(dir, mode, "0.3");
	snprintf(args, sizeof(args), "-v '%s:/probe:ro' --network %s default sh -c "
		 "'wget -q -O - http://host.eci.internal:%u/ && /probe udp %s %u ping'",
		 t_probe(probe, sizeof(probe)), mode, tport,
		 !strcmp(mode, "pasta") ? "192.0.2.1" : "192.0.2.2", uport);
	eci_with(dir, args, &r);
	t_rm_rf(dir);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", mode, r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "hello-from-host\nudp sent\n");
	ck_assert_int_eq(poll(&pfd, 1, 5000), 1);
	ck_assert_int_eq(recv(u, got, sizeof(got) - 1, 0), 4);
	ck_assert_str_eq(got, "ping");
	t_run_free(&r);
	close(u);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	ck_assert_int_eq(helpers_settled(before), before);
}

START_TEST(pasta_first_instruction)
{
	first_instruction("pasta");
}
END_TEST

START_TEST(slirp_first_instruction)
{
	first_instruction("slirp4netns");
}
END_TEST

/*
 * A datagram sent as the workload's very last act reaches the host: the
 * container's end waits until the program has read it from the tap and is
 * done with it (net/drain.c, net_stop()).  Three in a row, since a loss
 * is a race the program may win.
 */
static void last_datagram(const char *mode)
{
	char flags[64], script[256];
	int before = helpers_settled(0);

	for (int i = 0; i < 3; i++) {
		unsigned port;
		int u = loopback_socket(SOCK_DGRAM, &port);
		struct pollfd pfd = { .fd = u, .events = POLLIN };
		struct run_result r;
		char got[16] = "";

		snprintf(flags, sizeof(flags), "--network %s", mode);	/* and /probe */
		snprintf(script, sizeof(script), "exec /probe udp %s %u last",
			 !strcmp(mode, "pasta") ? "192.0.2.1" : "192.0.2.2", port);
		eci(flags, script, &r);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", mode, r.status, r.out, r.err);
		ck_assert_msg(poll(&pfd, 1, 2000) == 1, "%s: run %d: the datagram was lost", mode, i);
		ck_assert_int_eq(recv(u, got, sizeof(got) - 1, 0), 4);
		ck_assert_str_eq(got, "last");
		t_run_free(&r);
		close(u);
	}
	ck_assert_int_eq(helpers_settled(before), before);
}

START_TEST(pasta_last_datagram)
{
	last_datagram("pasta");
}
END_TEST

START_TEST(slirp_last_datagram)
{
	last_datagram("slirp4netns");
}
END_TEST

/*
 * pasta starts with the prefix's eci-thp.so preloaded (net/thp.c), ahead
 * of what the caller preloads, and the network works as before.
 */
START_TEST(pasta_preloaded)
{
	unsigned port = free_port();
	pid_t server = serve_once(port, "HTTP/1.0 200 OK\r\nContent-Length: 16\r\n\r\n"
					"hello-from-host\n");
	char dir[32], bin[4096], cmd[9000], lib[4200], want[4200 + 64], path[96];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	char *got = NULL;
	struct run_result r;

	snprintf(lib, sizeof(lib), "%s/lib/eci/" NET_PRELOAD, t_prefix());
	ck_assert_ptr_nonnull(realpath(lib, want));
	strcat(want, ":/nonexistent/eci-t.so\n");
	tool_dir(dir, "pasta", "printf '%s\\n' \"$LD_PRELOAD\" > \"${0%/*}/preload\"; "
		 "PATH=${PATH#*:} exec pasta \"$@\"");
	snprintf(cmd, sizeof(cmd), "PATH='%s':\"$PATH\" LD_PRELOAD=/nonexistent/eci-t.so "
		 "exec '%s' --network pasta default wget -q -O - http://host.eci.internal:%u/",
		 dir, t_bin("eci-run", bin, sizeof(bin)), port);
	ck_assert_int_eq(t_run(argv, &r), 0);
	snprintf(path, sizeof(path), "%s/preload", dir);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 8192, &got, NULL), 0);
	t_rm_rf(dir);
	kill(server, SIGKILL);
	waitpid(server, NULL, 0);
	ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "hello-from-host\n");
	ck_assert_str_eq(got, want);
	free(got);
	t_run_free(&r);
}
END_TEST

/* A name no resolver knows (RFC 6761): any answer, NXDOMAIN most often,
 * shows the query went through. */
static void dns_first_instruction(const char *mode)
{
	char dir[32], args[256];
	struct run_result r;

	slow_tool(dir, mode, "0.3");
	snprintf(args, sizeof(args), "--network %s default nslookup eci-test.invalid", mode);
	eci_with(dir, args, &r);
	t_rm_rf(dir);
	ck_assert_msg(strstr(r.out, "can't find eci-test.invalid"), "%s: exit %d: %s%s", mode,
		      r.status, r.out, r.err);
	t_run_free(&r);
}

START_TEST(pasta_dns_first_instruction)
{
	dns_first_instruction("pasta");
}
END_TEST

START_TEST(slirp_dns_first_instruction)
{
	dns_first_instruction("slirp4netns");
}
END_TEST

/*
 * Does the host's resolver (the first nameserver of /etc/resolv.conf,
 * where pasta and slirp4netns forward queries) answer within 2 s?
 */
static bool resolver_answers(void)
{
	static const unsigned char query[] = {
		0x45, 0x43, 0x01, 0x00, 0, 1, 0, 0, 0, 0, 0, 0,	/* id, RD, one question */
		8, 'e', 'c', 'i', '-', 't', 'e', 's', 't', 7, 'i', 'n', 'v', 'a', 'l', 'i', 'd', 0,
		0, 1, 0, 1,					/* A, IN */
	};
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(53) };
	char *conf = NULL, *ns, buf[512];
	struct pollfd pfd = { .events = POLLIN };
	bool ok = false;

	if (read_all_at(AT_FDCWD, "/etc/resolv.conf", 1 << 16, &conf, NULL) < 0)
		return false;
	ns = strstr(conf, "nameserver");
	if (ns && sscanf(ns, "nameserver %63s", buf) == 1 && inet_pton(AF_INET, buf, &sa.sin_addr) == 1) {
		pfd.fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		ok = pfd.fd >= 0 &&
		     sendto(pfd.fd, query, sizeof(query), 0, (struct sockaddr *)&sa, sizeof(sa)) > 0 &&
		     poll(&pfd, 1, 2000) == 1 && recv(pfd.fd, buf, sizeof(buf), 0) > 0;
		if (pfd.fd >= 0)
			close(pfd.fd);
	}
	free(conf);
	return ok;
}

/* --- readiness with -p, and failures ------------------------------------------ */

/* The state directory of the container @id (state.c) */
static void state_dir(const char *id, char *buf, size_t size)
{
	char base[4096];

	ck_assert_int_lt(state_base(base, sizeof(base)), (int)sizeof(base));
	snprintf(buf, size, "%s/%s", base, id);
}

/*
 * A container's workload runs only once its published ports are bound: a
 * pid file left in its state directory (a run before leaves one there, as
 * a restart does) is no sign of that, pasta's new one is.  pasta starts
 * 0.5 s late; when `start` returns, the port takes connections at once.
 */
START_TEST(stale_pid_file)
{
	unsigned port = free_port();
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	char dir[32], args[256], sdir[4200], pidfile[4300], id[64];
	struct run_result r;
	int fd;
	FILE *f;

	slow_tool(dir, "pasta", "0.5");
	eci_with(dir, "rm -f nt-stale", &r);	/* left by a run that failed */
	t_run_free(&r);
	snprintf(args, sizeof(args), "-d --name nt-stale --network pasta -p 127.0.0.1:%u:80 "
		 "default httpd -f -p 80", port);
	eci_with(dir, args, &r);
	ck_assert_msg(r.status == 0 && sscanf(r.out, "%63s", id) == 1, "exit %d: %s", r.status,
		      r.err);
	t_run_free(&r);
	eci_with(dir, "stop -t 0 nt-stale", &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
	state_dir(id, sdir, sizeof(sdir));
	snprintf(pidfile, sizeof(pidfile), "%s/pasta.pid", sdir);
	unlink(pidfile);
	f = fopen(pidfile, "w");
	ck_assert_msg(f != NULL, "%s: %s", pidfile, strerror(errno));
	fprintf(f, "1\n");
	ck_assert_int_eq(fclose(f), 0);
	eci_with(dir, "start nt-stale", &r);
	ck_assert_msg(r.status == 0, "start: exit %d: %s", r.status, r.err);
	t_run_free(&r);
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_msg(connect(fd, (struct sockaddr *)&sa, sizeof(sa)) == 0,
		      "port %u right after start: %s", port, strerror(errno));
	close(fd);
	eci_with(dir, "stop -t 0 nt-stale", &r);
	t_run_free(&r);
	eci_with(dir, "rm nt-stale", &r);
	ck_assert_int_eq(r.status, 0);
	t_run_free(&r);
	t_rm_rf(dir);
}
END_TEST

/*
 * The program fails: eci-run exits 125 with what it said, names --network
 * and its log, and leaves nothing behind (no process, no container).
 * Without -p pid 1 sees the program end (its pidfd); with -p the launcher.
 */
static void tool_fails(const char *tool, const char *ports)
{
	char dir[32], body[128], args[256], words[128];
	int before = helpers_settled(0);
	struct run_result r;

	snprintf(body, sizeof(body), "echo 'fake %s: no luck' >&2; exit 1", tool);
	tool_dir(dir, tool, body);
	snprintf(args, sizeof(args), "--name nt-fails --network %s %s default echo started", tool,
		 ports);
	eci_with(dir, args, &r);
	t_rm_rf(dir);
	ck_assert_msg(r.status == 125, "%s %s: exit %d: %s", tool, ports, r.status, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	snprintf(words, sizeof(words), "eci-run: --network %s: %s exited before it was ready: "
		 "fake %s: no luck (log: ", tool, tool, tool);
	ck_assert_msg(strstr(r.err, words), "%s %s: stderr lacks '%s': %s", tool, ports, words,
		      r.err);
	snprintf(words, sizeof(words), "/%s.log)", tool);
	ck_assert_msg(strstr(r.err, words), "%s: %s", words, r.err);
	t_run_free(&r);
	eci_with(dir, "ps -a", &r);	/* @dir is gone: PATH as it was */
	ck_assert_ptr_null(strstr(r.out, "nt-fails"));
	t_run_free(&r);
	ck_assert_int_eq(helpers_settled(before), before);
}

START_TEST(tool_fails_without_ports)
{
	tool_fails("pasta", "");
	tool_fails("slirp4netns", "");
}
END_TEST

START_TEST(tool_fails_with_ports)
{
	char ports[64];

	snprintf(ports, sizeof(ports), "-p 127.0.0.1:%u:80", free_port());
	tool_fails("pasta", ports);
	snprintf(ports, sizeof(ports), "-p 127.0.0.1:%u:80", free_port());
	tool_fails("slirp4netns", ports);
}
END_TEST

Suite *network_suite(void)
{
	Suite *s = suite_create("network");
	TCase *tc = tcase_create("modes");
	bool tun = access("/dev/net/tun", R_OK | W_OK) == 0;
	const char *only = getenv("CK_RUN_SUITE");

	tcase_set_timeout(tc, 60);
	tcase_add_test(tc, none_loopback_only);
	if (!tun) {
		test_skip("pasta/slirp4netns tests", "/dev/net/tun is not usable by this account");
	} else {
		tcase_add_test(tc, pasta_reaches_host);
		tcase_add_test(tc, slirp_reaches_host);
		tcase_add_test(tc, pasta_last_bytes);
		tcase_add_test(tc, slirp_last_bytes);
		tcase_add_test(tc, pasta_stuck_peer);
		tcase_add_test(tc, slirp_stuck_peer);
		tcase_add_test(tc, pasta_publish);
		tcase_add_test(tc, slirp_publish);
		tcase_add_test(tc, pasta_port_free_at_end);
		tcase_add_test(tc, slirp_port_free_at_end);
		tcase_add_test(tc, pasta_first_instruction);
		tcase_add_test(tc, pasta_preloaded);
		tcase_add_test(tc, pasta_last_datagram);
		tcase_add_test(tc, slirp_last_datagram);
		tcase_add_test(tc, slirp_first_instruction);
		tcase_add_test(tc, stale_pid_file);
		tcase_add_test(tc, tool_fails_without_ports);
		tcase_add_test(tc, tool_fails_with_ports);
		tcase_add_test(tc, signals_of_the_caller);
		/* the resolver is the host's: asked only when this suite runs */
		if (!only || !strcmp(only, "network")) {
			if (resolver_answers()) {
				tcase_add_test(tc, pasta_dns_first_instruction);
				tcase_add_test(tc, slirp_dns_first_instruction);
			} else {
				test_skip("pasta_dns_first_instruction, slirp_dns_first_instruction",
					  "the host's resolver (/etc/resolv.conf) did not answer");
			}
		}
	}
	tcase_add_test(tc, bad_input);
	tcase_add_test(tc, program_missing);
	suite_add_tcase(s, tc);
	return s;
}
