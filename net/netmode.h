/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * netmode.h - --network and -p: rootless networking through pasta or
 * slirp4netns
 *
 * Theory of Operation: with --network pasta (or slirp4netns) the launcher
 * starts that program, from Debian's passt (or slirp4netns) package, as a
 * child of its own with the parent-death signal set, against the
 * workload's network namespace as soon as that exists: pid 1 tells the
 * launcher (SYNC_NET) once it has mapped the workload's namespaces, and
 * builds on meanwhile.  The launcher answers SYNC_NET_DONE with the
 * program's pidfd, and pid 1, inside the workload's network namespace,
 * waits just before it lets the workload go for the default route the
 * program adds last when it configures the interface
 * (nl_await_default_route()), or for the program's end.
 *
 * Without -p that is all the workload needs: both programs configure the
 * interface first, before they open their sockets, and a packet sent
 * before their loop runs waits in the tap queue; so the launcher answers
 * at once.  With published ports the workload must not run before they are
 * bound: the launcher answers once the program is wholly ready (pasta
 * writes its pid file then, a FIFO the launcher reads; slirp4netns writes
 * to --ready-fd and then takes the ports over its API socket).  Every wait
 * ends, with the program's log named, if the program exits first; the
 * launcher's also if the container reports a failure.
 *
 * The tap device is the workload's, persistent, so that the program's end
 * is quick (net.h).  The program is stopped when the container ends,
 * once what the workload left in its TCP sockets, and the frames it sent
 * last, have gone out through it (pid 1 waits for that, at most
 * NET_DRAIN_TIMEOUT_MS: net/drain.c; then the launcher, at most
 * NET_SETTLE_MS, until the program is done with what it read), and
 * eci-run returns without waiting for its exit unless it listens on
 * published ports (net_release()); if the launcher is killed, the parent-death signal (pasta) or the closing
 * of --exit-fd (slirp4netns) ends it: no orphan keeps running.
 *
 * Inside, the container has eth0 on 192.0.2.0/24 (TEST-NET-1, never routed):
 * the gateway maps to the host's loopback, so host.eci.internal (in
 * /etc/hosts) reaches the invoking host's 127.0.0.1, and DNS queries to
 * 192.0.2.3 are forwarded to the host's resolver.  -p publishes a
 * container port on the host, on 127.0.0.1 unless an address is given.
 */
#ifndef ECI_NETMODE_H
#define ECI_NETMODE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

enum net_mode { NET_NONE, NET_PASTA, NET_SLIRP, NET_HOST };

#define NET_MAX_PORTS 32

/* The container's interface, made by the workload (net_tap_prepare()). */
#define NET_IFNAME "eth0"

/* Preloaded into pasta (net/thp.c), from LIBDIR/eci. */
#define NET_PRELOAD "eci-thp.so"

/* How long pasta or slirp4netns may take to be ready (or, without -p, to
 * configure the interface) under load. */
#define NET_READY_TIMEOUT_MS 10000

/* How long the end of a container waits at most for its TCP sockets to
 * deliver what the workload left in them (net/drain.c). */
#define NET_DRAIN_TIMEOUT_MS 2000

/* How long eci-run waits at most for the program to be done with what it
 * read before it is stopped (net_stop()). */
#define NET_SETTLE_MS 100

struct net_port {
	const char *spec;	/* the flag's value */
	char ip[64];		/* host address, default 127.0.0.1 */
	unsigned host, ctr;
	bool udp;
};

struct net_plan {
	enum net_mode mode;
	struct net_port port[NET_MAX_PORTS];
	size_t nports;
	char flag[1300];	/* what chose the mode, for messages: "--network pasta",
				 * or the default and the setting that made it */
	char prog[PATH_MAX + 8];	/* its binary, found before anything runs */
	char preload[PATH_MAX];	/* pasta: eci-thp.so (net/thp.c), or empty */
	pid_t helper;		/* pasta or slirp4netns, when running */
	bool stopped;		/* net_stop() has told it to stop */
	bool sent;		/* frames went out through it: net_stop() first
				 * lets it finish with them */
	int pidfd;		/* its pidfd, readable once it has exited */
	int exit_fd;		/* slirp4netns: closing it stops it */
};

extern const char *const net_mode_names[];

int net_parse_mode(const char *s, enum net_mode *m, struct eci_err *e);

/* Is --network @m's program installed and /dev/net/tun usable (pasta,
 * slirp4netns; none always is)? */
bool net_usable(enum net_mode m);
int net_parse_port(const char *spec, struct net_port *p, struct eci_err *e);

/* Bind each published host port once, to refuse one in use up front. */
int net_check_ports(const struct net_plan *p, struct eci_err *e);

/* @prog's path on $PATH (a default PATH when unset) in @buf; false if none. */
bool net_find_program(const char *prog, char *buf, size_t size);

/* The program that --network needs, found on PATH (p->prog), or an error
 * naming the Debian package to install. */
int net_check_program(struct net_plan *p, struct eci_err *e);

/*
 * Where eci-thp.so (net/thp.c) is installed: beside eci-run's prefix
 * (BIN/../lib/eci), else in ECI_LIBDIR/eci; the path in @buf, or false if
 * neither has it.  Whose the file is, is the caller's to check.
 */
bool net_find_preload(char *buf, size_t size);

/* The words that chose @p's mode, for a message: "--network pasta", or
 * the default and the setting that made it. */
const char *net_flag(const struct net_plan *p);

/*
 * Start the program against the network namespace of @pid (the workload's;
 * refused if it is the caller's own).  With -p, wait until it is ready, its
 * ports bound; without, return once it runs (the container waits for its
 * interface with p->pidfd, see above).  Return: 0; -1 with @e, the
 * program's failure (it is stopped); -1 with @e->msg empty when @watch (the
 * container's sync socket) became readable first: the container's own
 * report says why.
 */
int net_attach(struct net_plan *p, pid_t pid, const char *statedir, int watch,
	       struct eci_err *e);

/*
 * The failure of the program, for a message: @err is ECHILD (it exited
 * before it was ready), ETIMEDOUT (not ready in time) or another
 * errno; the last line of its log is added when @read_log (the launcher;
 * pid 1 cannot read it) and the log's path is named.  Return: -1.
 */
int net_fail(const struct net_plan *p, const char *statedir, int err, bool read_log,
	     struct eci_err *e);

/* Tell it to stop, and go on (no-op when nothing runs): its end, which
 * takes a millisecond or two, overlaps what the caller does next. */
void net_stop(struct net_plan *p);

/* Stop it and wait until it is gone (no-op when nothing runs). */
void net_detach(struct net_plan *p);

/*
 * At eci-run's end: stop it and, holding no published port, kill it and
 * go without waiting for its exit (1-2 ms of freeing its memory, measured
 * here), as eci-run does not wait for pid 1's: killed, it runs nothing
 * more; its tap and sockets go with its exit and its network namespace;
 * whoever reaps eci-run's orphans collects it.  With -p, net_detach():
 * its exit closes the host ports it listens on, which the next start may
 * bind (its memory is freed first).
 */
void net_release(struct net_plan *p);

/* host.eci.internal and the resolver, for /etc/hosts and resolv.conf. */
const char *net_host_address(enum net_mode m);
const char *net_dns_address(enum net_mode m);

#endif
