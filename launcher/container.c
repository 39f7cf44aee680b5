// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * container.c - the launcher's side of one container's life
 *
 * Theory of Operation: eci-run's part of the parent's side; the rest is
 * the core's (core/container.c).  The child is cloned into new user,
 * mount, pid, uts, ipc and cgroup namespaces (the network namespace is the
 * workload's, see nest.c); eci-newidmap, started before it, writes its
 * maps; then the parent sends SYNC_GO and, in turn: attaches pasta or
 * slirp4netns when the workload asks (SYNC_NET: its network namespace and
 * tap exist, while pid 1 still builds; net/netmode.h), takes the pty's master
 * (-t), tells a waiting `eci-run -d` the container runs, relays the
 * terminal and waits (in the foreground without -t, pid 1 says the code
 * as soon as the workload is reaped, SYNC_EXITED, and the state is put
 * away while pid 1's namespaces are torn down: await_end()).  The helper's
 * request is sent as soon as pid 1 is cloned; what does not need its
 * answer (meta.json but the slot, the sweep of stale state) is done while
 * it works, since its answer is what a start waits for longest.  Signals sent to eci-run (kill, docker-style stop) are passed on
 * to the container's pid 1 (core/signals.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <stdlib.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "launcher.h"
#include "util.h"

/* No network namespace here: pid 1 joins the workload's (nest.c). */
#define CLONE_FLAGS                                                            \
	(CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS |          \
	 CLONE_NEWIPC | CLONE_NEWCGROUP)

/* A message left on the socket (or read already) overrides the status. */
int container_report(int sock, int code, struct sync_msg *pending)
{
	struct eci_err e = { 0 };
	int r = container_outcome(sock, code, pending, &e);

	if (e.msg[0])
		fprintf(stderr, "eci-run: %s\n", e.msg);
	return r;
}

/* The workload: the first child of the container's pid 1, seen from here. */
static pid_t workload_pid(pid_t init)
{
	char path[64], *buf = NULL;
	pid_t pid = -1;

	snprintf(path, sizeof(path), "/proc/%d/task/%d/children", (int)init, (int)init);
	if (read_all_at(AT_FDCWD, path, 256, &buf, NULL) == 0)
		pid = (pid_t)atoi(buf);
	free(buf);
	return pid > 0 ? pid : -1;
}

/*
 * pasta starts with eci-thp.so preloaded (net/thp.c) when the library is
 * the administrator's, as the helper must be (policy_check_owner()): it
 * runs in the user's pasta, and whoever could write it would run there.
 * Anything else only leaves pasta slower, so it is not an error.  Looked
 * up while the launcher waits for the workload's namespaces, not on the
 * start's path.
 */
static void net_preload(struct net_plan *p)
{
	struct eci_err ignored = { 0 };
	char found[PATH_MAX];

	p->preload[0] = '\0';
	if (p->mode != NET_PASTA || !net_find_preload(found, sizeof(found)) ||
	    policy_check_owner(found, &ignored) < 0 || !realpath(found, p->preload))
		p->preload[0] = '\0';
}

/*
 * --network pasta|slirp4netns: once the workload says its network
 * namespace is there (core/nest.c), start the program on it and answer
 * pid 1 with its pidfd:
 * with -p once the program is ready, its ports bound; without, at once
 * (pid 1 waits for the interface, net/netmode.h).  A failure pid 1 reports
 * meanwhile ends the wait, and is what the user reads.
 */
static int attach_network(struct spec *s, int sock, pid_t init, struct sync_msg *pending)
{
	struct sync_msg m = { .type = SYNC_NET_DONE };
	struct eci_err e = { 0 };
	pid_t w;

	if (s->net.mode != NET_PASTA && s->net.mode != NET_SLIRP)
		return 0;
	net_preload(&s->net);
	if (container_await(sock, SYNC_NET, pending) < 0)
		return -1;
	w = workload_pid(init);
	if (w < 0 || net_attach(&s->net, w, s->statedir, sock, &e) < 0) {
		struct sync_msg q;

		if (w < 0)
			eci_fail(&e, 0, "%s: cannot find the workload", net_flag(&s->net));
		/* A workload that failed meanwhile (its lock-down, core/init.c)
		 * took its network namespace along: its own message is the
		 * cause, the program's only the consequence. */
		if (recv(sock, &q, sizeof(q), MSG_DONTWAIT) == (ssize_t)sizeof(q) &&
		    q.type == SYNC_FAIL) {
			*pending = q;
		} else if (e.msg[0]) {
			pending->type = SYNC_FAIL;
			pending->err = e;
		}
		return -1;
	}
	tl_mark("network program started");
	return fd_send(sock, &m, sizeof(m), s->net.pidfd) < 0 ? -1 : 0;
}

/* container_report(), and when pid 1 saw the network program exit, the
 * last line of its log, which pid 1 cannot read, in the message. */
static int report(struct spec *s, int sock, int code, struct sync_msg *pending)
{
	if (!pending->type && recv(sock, pending, sizeof(*pending), MSG_DONTWAIT) !=
				      (ssize_t)sizeof(*pending))
		memset(pending, 0, sizeof(*pending));
	if (pending->type == SYNC_NET_FAIL)
		net_fail(&s->net, s->statedir, pending->err.err, true, &pending->err);
	return container_report(sock, code, pending);
}

/* CAP_SYS_ADMIN with cgroups the user may divide (limits.c): their
 * directories for the helper, and the container's user namespace, by
 * which their end is cleared. */
static int delegate_prepare(struct spec *s, pid_t pid, struct helper_proc *hp, struct eci_err *e)
{
	char path[64];

	if (!s->cg_delegated)
		return 0;
	snprintf(path, sizeof(path), "/proc/%d/ns/user", (int)pid);
	if (s->userns_fd < 0 && (s->userns_fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "open %s", path);
	return limits_delegate_open(s, hp->cg_fd, sizeof(hp->cg_fd) / sizeof(hp->cg_fd[0]),
				    &hp->cg_n, e);
}

/*
 * eci-run in the foreground without a terminal: pid 1 says the workload's
 * code as soon as it has reaped it (SYNC_EXITED), and ends.  The launcher
 * removes the state directory (such a container is never kept) and, as
 * bubblewrap does, returns the code without waiting while the kernel
 * tears down pid 1 and its namespaces: nothing of the container can run
 * any more (pid 1 exits, and the kernel kills what else is in its pid
 * namespace), the lease ends with pid 1 by itself (subid/lease.c), and a
 * start that comes meanwhile waits for it there.  Pid 1 is collected by
 * whoever reaps the launcher's orphans.
 *
 * The network program is stopped then too: pid 1 says the code only once
 * the TCP sockets the workload left have delivered what they held
 * (net/drain.c), which is all that still goes out through the program.
 * The launcher still waits for pid 1 when the container's cgroups end
 * with it (they must be empty to be removed).  A
 * failure's message is kept for report(); without SYNC_EXITED (pid 1
 * killed) nothing is done early.  Both ends are watched, the socket and
 * pid 1 itself, so nothing else holding the socket can make this wait.
 */
WAITING static int await_end(struct spec *s, int sock, pid_t pid, struct sync_msg *pending)
{
	_cleanup_close_ int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	struct pollfd fds[2] = { { .fd = sock, .events = POLLIN }, { .fd = pidfd, .events = POLLIN } };
	bool trimmed = false;

	while (pidfd >= 0) {
		struct sync_msg m;
		ssize_t n;
		int r = poll(fds, 2, trimmed ? -1 : MEM_TRIM_AFTER_MS);

		if (r == 0) {
			mem_trim();
			trimmed = true;
			continue;
		}
		if (r < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (!(fds[0].revents & (POLLIN | POLLHUP)))
			break;	/* pid 1 has ended */
		n = recv(sock, &m, sizeof(m), MSG_DONTWAIT);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n != (ssize_t)sizeof(m))
			break;	/* EOF */
		if (m.type != SYNC_EXITED) {
			if (!pending->type)
				*pending = m;
			continue;
		}
		if (pending->type)
			break;
		s->net.sent = m.sent;
		if (!s->cg_made) {
			net_stop(&s->net);	/* its exit beside the state's removal */
			state_exit(s, m.code);
			return m.code;
		}
		state_exit(s, m.code);
		break;
	}
	return container_wait(pid);
}

int container_run(struct spec *s, struct helper_proc *hp)
{
	struct sync_msg pending = { 0 };
	int code;
	struct eci_err e = { 0 };
	char range[128];
	_cleanup_close_ int psock = -1, master = -1;
	/* the child closes: the helper's pipes, the state directory's lock
	 * (it must die with eci-run), -d's pipe to the waiting eci-run */
	const int drop[] = { hp->in, hp->out, s->lock_fd, s->detach ? s->ready_fd : -1 };
	unsigned slot, gslot;
	json_t *meta;
	bool ready;
	int asked;
	pid_t pid;

	/* --restart: as at the first run, which the helper needs (see below) */
	if (s->restarts)
		prctl(PR_SET_DUMPABLE, 1, 0, 0, 0);
	if (detach_open_log(s, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		helper_abandon(hp);
		return EXIT_ECI;
	}
	/* in cgroups of its own, pid 1 makes its cgroup namespace once it is
	 * in them (child.c), so that it is rooted there */
	pid = container_clone(s, s->cg && s->cg->n ? CLONE_FLAGS & ~CLONE_NEWCGROUP : CLONE_FLAGS,
			      &psock, drop, sizeof(drop) / sizeof(drop[0]));
	if (pid < 0) {
		fprintf(stderr, "eci-run: create namespaces: %s%s\n", strerror(errno),
			errno == EPERM || errno == ENOSPC ? " (are user namespaces enabled? see "
			"/proc/sys/user/max_user_namespaces)" : "");
		helper_abandon(hp);
		return EXIT_ECI;
	}
	tl_mark("cloned");
	/* --ulimit: pid 1's, before it runs anything, and so the workload's;
	 * pid 1, which still has our uid, into its cgroups (limits.c), those
	 * it gets for its root sent along with the helper's request */
	if (rlimit_apply(pid, &s->oci, &e) < 0 || limits_enter(s, pid, &e) < 0 ||
	    delegate_prepare(s, pid, hp, &e) < 0) {
		helper_abandon(hp);
		kill(pid, SIGKILL);
		container_wait(pid);
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	asked = helper_ask(hp, pid, s->prefer);
	/* While the helper works, its answer being what the start waits for:
	 * meta.json as far as it is known, and the sweep for what launchers
	 * killed before their end left (state.c). */
	meta = state_meta_prepare(s, pid);
	if (!s->name[0])
		state_sweep_some(s->statedir_fd);
	if (helper_answer(hp, asked, range, sizeof(range), &e) < 0 ||
	    sscanf(range, "uid:%u:%*u gid:%u:", &slot, &gslot) != 2 ||
	    volume_check_slot(s, slot, &e) < 0 ||
	    (s->cg_delegated && limits_delegate_finish(s, gslot, &e) < 0)) {
		if (!e.msg[0])
			eci_fail(&e, 0, "eci-newidmap said '%s', not the range it mapped", range);
		json_decref(meta);
		helper_reap(hp);
		kill(pid, SIGKILL);
		container_wait(pid);
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (s->want_slot && slot != s->want_slot) {
		/* start: its files have the ids of that slot, and only of it */
		json_decref(meta);
		helper_reap(hp);
		kill(pid, SIGKILL);
		container_wait(pid);
		fprintf(stderr, "eci-run: its writable layer is in the slot of host uids %u-%u, "
			"which another container of yours holds now: stop that one and start "
			"this again\n", s->want_slot, s->want_slot + 65535);
		return EXIT_ECI;
	}
	tl_mark("mapped by the helper");
	/*
	 * Not before: the helper checks the child through /proc, which needs
	 * it dumpable, and a child inherits this flag.  From now on nothing
	 * of the user's may ptrace the launcher or read its memory.
	 */
	prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	container_stop_signal(s->stop_signal);
	container_forward_signals(pid);
	if (container_go(psock, slot) < 0) {
		json_decref(meta);
		helper_reap(hp);
		kill(pid, SIGKILL);
		container_wait(pid);
		return container_report(psock, EXIT_ECI, NULL);
	}
	/* While the child builds the root: nothing reads it before the
	 * workload runs (exec needs the workload's namespaces). */
	state_meta_commit(s, meta, slot);
	tl_mark("meta written");
	if (attach_network(s, psock, pid, &pending) < 0) {
		helper_reap(hp);
		kill(pid, SIGKILL);
		container_wait(pid);
		code = report(s, psock, EXIT_ECI, &pending);
		net_detach(&s->net);
		return code;
	}
	if (s->tty)
		master = tty_master(psock, &pending);
	/* -d: the workload runs, or said why not; -dt: its pty goes to the log */
	ready = (!s->tty || master >= 0) && detach_ready(s, psock, &pending) == 0;
	/* Not before: the helper, which said its range, may still be ending,
	 * and the network is not to wait for that. */
	helper_reap(hp);
	if (!s->detach && !s->tty) {
		code = await_end(s, psock, pid, &pending);
	} else if (ready && master >= 0) {
		mem_trim();	/* the relay waits for no quiet moment */
		tty_relay(master, pid, s->interactive && !s->detach);
		code = container_wait(pid);
	} else {
		mem_trim_later(pid);
		code = container_wait(pid);
	}
	tl_mark("ended: the code known, the state put away");
	code = report(s, psock, code, &pending);
	net_stop(&s->net);	/* reaped by the caller (startcmd.c) */
	return code;
}
