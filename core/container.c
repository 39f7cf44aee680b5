// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * container.c - the parent's side of one container's life, for both front ends
 *
 * Theory of Operation: container_clone() makes the container's first
 * process straight in its new namespaces (which ones is the front end's
 * call: eci-run leaves the network namespace to the workload, nest.c;
 * eci-runc makes the cgroup namespace later, child.c), with one
 * SOCK_SEQPACKET socket between them: one message, one record, in the
 * order core.h lists.  The parent writes the maps (eci-newidmap, or the
 * pool's lease as root), sends SYNC_GO (container_go()) and from then on
 * reads what the container reports: the messages it expects in turn
 * (container_await()), or a failure.  A failure (SYNC_FAIL, or
 * SYNC_EXEC_FAIL from the workload) stays queued on the socket after its
 * sender is gone, so one waitpid() followed by a non-blocking read tells
 * the whole story (container_outcome()).  Nothing here prints: the front
 * end says what went wrong, in its own words and log.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"

void spec_init(struct spec *s)
{
	s->statedir_fd = s->lock_fd = s->slots_fd = s->tty_fd = s->log_fd = s->ready_fd = -1;
	s->mnt.rootfs_fd = s->mnt.rw_fd = s->mnt.upper_fd = s->mnt.work_fd = -1;
	s->mnt.root_tree_fd = s->mnt.inner_fd = s->inner_rm_fd = s->userns_fd = -1;
	s->mnt.cg_tree_fd = -1;
	s->store.fd = s->store.lockfd = -1;
	s->net.exit_fd = s->net.pidfd = -1;
	s->engine.start_fd = -1;
	s->engine.nest_userns = s->engine.nest_netns = -1;
	s->mnt.procsys_fd = s->mnt.proc_fd = -1;
	s->oci.umask = -1;
	s->own_pidns = true;
}

pid_t container_clone(struct spec *s, int flags, int *sock, const int *drop, size_t ndrop)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	pid = (pid_t)syscall(SYS_clone, flags | SIGCHLD, NULL, NULL, NULL, NULL);
	if (pid == 0) {
		close(sv[0]);
		for (size_t i = 0; i < ndrop; i++)
			if (drop[i] >= 0)
				close(drop[i]);
		child_main(s, sv[1]);
	}
	close(sv[1]);
	if (pid < 0) {
		int err = errno;

		close(sv[0]);
		errno = err;
		return -1;
	}
	*sock = sv[0];
	return pid;
}

/*
 * A process that enters @join's namespaces (setns: the caller's own stay
 * as they are) and clones the first process from there with CLONE_PARENT:
 * it is the caller's child, in a pid namespace joined or made below the
 * one entered.  Its pid (the host's) comes back over a pipe.
 */
pid_t container_clone_in(struct spec *s, int flags, const struct ns_enter *join, int *sock,
			 const int *drop, size_t ndrop)
{
	const struct {
		int fd, type;
	} order[] = { { join->net, CLONE_NEWNET },  { join->user, CLONE_NEWUSER },
		      { join->ipc, CLONE_NEWIPC },  { join->pid, CLONE_NEWPID },
		      { join->uts, CLONE_NEWUTS },  { join->cgroup, CLONE_NEWCGROUP } };
	int sv[2], pipefd[2], err = 0, status;
	pid_t joiner, pid = -1;

	if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
		return -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0) {
		err = errno;
		goto out;
	}
	joiner = fork();
	if (joiner == 0) {
		close(sv[0]);
		close(pipefd[0]);
		for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
			if (order[i].fd >= 0 && setns(order[i].fd, order[i].type) < 0)
				goto failed;
		pid = (pid_t)syscall(SYS_clone, flags | CLONE_PARENT | SIGCHLD, NULL, NULL, NULL,
				     NULL);
		if (pid == 0) {
			close(pipefd[1]);
			for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
				if (order[i].fd >= 0)
					close(order[i].fd);
			for (size_t i = 0; i < ndrop; i++)
				if (drop[i] >= 0)
					close(drop[i]);
			child_main(s, sv[1]);
		}
		if (pid > 0 && write(pipefd[1], &pid, sizeof(pid)) == (ssize_t)sizeof(pid))
			_exit(0);
failed:
		err = errno;
		if (write(pipefd[1], &err, sizeof(err)) < 0) { /* the exit says it */ }
		_exit(1);
	}
	close(pipefd[1]);
	if (joiner < 0) {
		err = errno;
	} else {
		int v = 0;

		if (read(pipefd[0], &v, sizeof(v)) != (ssize_t)sizeof(v))
			v = 0;
		waitpid(joiner, &status, 0);
		if (WIFEXITED(status) && WEXITSTATUS(status) == 0 && v > 0)
			pid = v;
		else
			err = v > 0 ? v : EPROTO;
	}
	close(pipefd[0]);
out:
	close(sv[1]);
	if (pid < 0) {
		close(sv[0]);
		errno = err;
		return -1;
	}
	*sock = sv[0];
	return pid;
}

int container_go(int sock, unsigned slot)
{
	struct sync_msg go = { .type = SYNC_GO, .slot = slot };

	return send(sock, &go, sizeof(go), MSG_NOSIGNAL) == (ssize_t)sizeof(go) ? 0 : -1;
}

int container_await(int sock, int type, struct sync_msg *pending)
{
	struct sync_msg m;
	ssize_t n;

	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n != (ssize_t)sizeof(m))
		return -1;	/* gone: its failure, if any, is read later */
	if (m.type != type) {
		*pending = m;
		return -1;
	}
	return 0;
}

int container_outcome(int sock, int code, struct sync_msg *pending, struct eci_err *e)
{
	struct sync_msg m;

	if (pending && pending->type)
		m = *pending;
	else if (recv(sock, &m, sizeof(m), MSG_DONTWAIT) != (ssize_t)sizeof(m))
		return code;
	if (m.type != SYNC_FAIL && m.type != SYNC_NET_FAIL && m.type != SYNC_EXEC_FAIL)
		return code;
	m.err.msg[sizeof(m.err.msg) - 1] = '\0';
	*e = m.err;
	return m.type == SYNC_EXEC_FAIL ? m.code : EXIT_ECI;
}

/* Nobody on the socket (eci-runc's create has returned; what fails from
 * then on is the workload's start): the message on stderr, which is the
 * container's (the engine's log), rather than an exit without a word. */
void sync_send_fail(int sock, int type, int code, const struct eci_err *e)
{
	struct sync_msg m = { .type = type, .code = code, .err = *e };

	if (send(sock, &m, sizeof(m), MSG_NOSIGNAL) < 0 && e->msg[0])
		dprintf(STDERR_FILENO, "%s: %s\n", eci_program, e->msg);
}
