/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine.h - the container engines of this host, known by what they are
 *
 * Theory of Operation: whoever can talk to a container engine's API
 * (dockerd, containerd, a shim, podman's service) can ask it for a
 * container with the host's root file system, so no container may reach
 * one of their sockets, and no engine that eci serves may listen on TCP
 * without TLS client verification.  A socket is recognised by what it is,
 * not by its name:
 *   - the engine processes are found in /proc (their executable's or
 *     command line's base name: dockerd, containerd, containerd-shim*,
 *     podman, buildkitd, ...);
 *   - the paths they were told to listen on are read from their command
 *     lines (-H/--host unix://P, --address P, -address P, --containerd P,
 *     and each program's default when none is given) and, where their fd
 *     table can be read (root, or the same user), every listening socket
 *     they hold is listed through NETLINK_SOCK_DIAG (unix_diag with
 *     UDIAG_SHOW_VFS|UDIAG_SHOW_NAME: the bound file's device and inode);
 *   - each socket is kept as the (device, inode) of its bound file, so a
 *     bind of it under another name, or of a directory above it, is
 *     still recognised; a socket with hard links is looked for beneath a
 *     directory on its device (bounded: a search cut short refuses).
 * A listening TCP socket of a dockerd (from its fd table and
 * /proc/net/tcp{,6}, or -H tcp://… on its command line) without
 * --tlsverify (command line or daemon.json) makes that engine "exposed".
 */
#ifndef ECI_ENGINE_H
#define ECI_ENGINE_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "err.h"

#define ENG_MAX_SOCKS 512
#define ENG_MAX_TCP 32

struct eng_sock {
	dev_t dev;		/* the bound file's device and inode */
	ino_t ino;
	char path[PATH_MAX];	/* where it was bound (host mount namespace) */
	pid_t pid;		/* the engine process that listens on it */
	char proc[32];		/* its name: "dockerd", "containerd", ... */
};

struct eng_tcp {
	pid_t pid;		/* the dockerd that listens */
	char addr[80];		/* "127.0.0.1:2375", "[::]:2375" or the -H value */
	bool tls_verify;	/* --tlsverify (or "tlsverify": true in daemon.json) */
};

struct engines {
	struct eng_sock sock[ENG_MAX_SOCKS];
	size_t nsock;
	struct eng_tcp tcp[ENG_MAX_TCP];
	size_t ntcp;
};

/**
 * policy_engines_scan() - find the engines' sockets on this host
 * @en: filled (large: allocate it, do not put it on a small stack)
 * @e:  error record
 *
 * Processes that vanish during the scan and fd tables that cannot be read
 * are skipped (the command lines still tell their sockets).
 * Return: 0, or negative when /proc or sock_diag cannot be read at all.
 */
int policy_engines_scan(struct engines *en, struct eci_err *e);

/**
 * policy_engine_socket() - the engine socket that @fd is, or holds
 * @en:     from policy_engines_scan()
 * @fd:     an open (O_PATH is enough) file or directory
 * @fdpath: its path as the kernel names it (readlink /proc/self/fd/N)
 *
 * A socket matches by device and inode; a directory matches when an
 * engine socket lies beneath it (its bound path is under @fdpath and that
 * path still leads to the same device and inode), or, for a socket with
 * more than one link, when a link of it is found beneath the directory.
 * Return: the socket, or NULL.
 */
const struct eng_sock *policy_engine_socket(const struct engines *en, int fd,
					     const char *fdpath);

/**
 * policy_engine_exposed() - an engine listening on TCP without TLS verification
 * @en:     from policy_engines_scan()
 * @caller: the process whose engine matters (eci-runc's parent), or 0 for
 *          any engine on the host
 *
 * With @caller, only the dockerd that runs @caller (found through its
 * ancestors, or the shim's -address and the containerd behind it, or any
 * dockerd that may use the system's containerd) counts; when the engine
 * above is found to be no dockerd (a containerd no dockerd uses, podman,
 * conmon, CRI-O), none does; when no engine is found, every dockerd does.
 * Return: the first exposed listener, or NULL.
 */
const struct eng_tcp *policy_engine_exposed(const struct engines *en, pid_t caller);

#endif
