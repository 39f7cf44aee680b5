// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * detach.c - eci-run -d: the launcher goes on in the background
 *
 * Theory of Operation: the launcher supervises its container for its whole
 * life (it owns pasta or slirp4netns, the state directory's lock and the
 * exit status), so -d does not hand the container to anyone: eci-run forks
 * at once, and the child becomes the launcher, in a session of its own with
 * stdin and stdout on /dev/null.  Its stderr stays the user's until the
 * container runs, so that everything that fails during setup is said on the
 * user's terminal exactly as in the foreground; the parent only waits.
 *
 * The launcher tells the parent over a socket (send() with MSG_NOSIGNAL: a
 * parent that is gone must not kill it with SIGPIPE, and ignoring SIGPIPE
 * would pass SIG_IGN on to the workload).  It sends the container's id once
 * the workload has been exec'd: pid 1 and the workload close their end of
 * the sync socket (pid 1 after its setup, the workload by O_CLOEXEC on a
 * successful exec), so EOF there means no setup failure can come any more,
 * while a failure arrives as a message first.  The parent prints the id and
 * exits 0; if the socket closes without an id, the launcher has ended, and
 * the parent exits with its status (125, 126, 127) after the launcher has
 * said why and removed the state.
 *
 * The workload's stdout and stderr are BASE/ID/log (state.c), opened here
 * O_CLOEXEC and put on fds 1 and 2 of pid 1 just before it starts (child.c),
 * after the image's layers are unpacked (their warnings are the user's).
 * After the hand-off the launcher's own stderr goes there too.
 *
 * --restart on-failure[:N]: the launcher stays anyway, so it is the one
 * that starts the container again when the workload exits non-zero — the
 * same spec, id, name and state directory, a new first process from the
 * image (eci keeps no container layer between runs), after a pause that
 * doubles each time (0.1 s, 0.2 s, ... 1 min at most), as docker's.  Not
 * after eci-run stop (SIGTERM to the launcher), and not when the first run
 * failed before the workload ran (the user was told, with its code).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

/* The parent: the id, or the launcher's exit status. */
static int await_launcher(int sock, pid_t pid)
{
	char id[ECI_ID_LEN + 1];
	size_t n = 0;
	int status;

	while (n < ECI_ID_LEN) {
		ssize_t r = read(sock, id + n, ECI_ID_LEN - n);

		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	if (n == ECI_ID_LEN) {
		id[n] = '\0';
		printf("%s\n", id);
		return fflush(stdout) == 0 ? 0 : EXIT_ECI;
	}
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return EXIT_ECI;
	if (exit_code(status) == 0) {
		fputs("eci-run: the container ended before it was reported running\n", stderr);
		return EXIT_ECI;
	}
	return exit_code(status);
}

static int to_null(int fd, int flags)
{
	int null = open("/dev/null", flags | O_CLOEXEC);
	int r = null < 0 || dup2(null, fd) < 0 ? -1 : 0;

	if (null >= 0)
		close(null);
	return r;
}

int detach_start(struct eci_err *e)
{
	int sv[2];
	pid_t pid;

	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
		return eci_fail(e, errno, "-d: socketpair");
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		close(sv[0]);
		close(sv[1]);
		return eci_fail(e, errno, "-d: fork");
	}
	if (pid > 0) {
		close(sv[1]);
		exit(await_launcher(sv[0], pid));
	}
	close(sv[0]);
	/* No terminal's signals, and none of its input; stdout is the parent's
	 * to print the id on (a caller reading it to EOF must not wait for us). */
	if (setsid() < 0 || to_null(0, O_RDONLY) < 0 || to_null(1, O_WRONLY) < 0) {
		close(sv[1]);
		return eci_fail(e, errno, "-d: detach from the terminal");
	}
	return sv[1];
}

int detach_open_log(struct spec *s, struct eci_err *e)
{
	if (!s->detach)
		return 0;
	if (s->log_fd >= 0)	/* --restart: the previous run's */
		close(steal_fd(s->log_fd));
	s->log_fd = openat(s->lock_fd, "log", O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC,
			   0600);
	if (s->log_fd < 0)
		return eci_fail(e, errno, "create %s/log", s->statedir);
	return 0;
}

bool detach_restart_due(struct spec *s, int code)
{
	unsigned ms = 100;
	struct timespec ts;

	if (!s->restart || !s->detached || code == 0 || container_stop_asked() ||
	    (s->restart_max >= 0 && s->restarts >= s->restart_max))
		return false;
	/* the last run's network program, stopped with it, goes first */
	net_detach(&s->net);
	for (long i = 0; i < s->restarts && ms < 60000; i++)
		ms *= 2;
	ms = ms > 60000 ? 60000 : ms;
	ts = (struct timespec){ .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };
	/* no container to pass signals to meanwhile; a stop ends the wait */
	container_forward_signals(0);
	while (nanosleep(&ts, &ts) < 0 && errno == EINTR && !container_stop_asked())
		;
	if (container_stop_asked())
		return false;
	s->restarts++;
	fprintf(stderr, "eci-run: exit code %d: restarting (%ld", code, s->restarts);
	if (s->restart_max >= 0)
		fprintf(stderr, " of %ld", s->restart_max);
	fputs(")\n", stderr);
	return true;
}

int detach_ready(struct spec *s, int sock, struct sync_msg *pending)
{
	struct sync_msg m;
	ssize_t n;

	if (!s->detach)
		return 0;
	do
		n = recv(sock, &m, sizeof(m), 0);
	while (n < 0 && errno == EINTR);
	if (n == (ssize_t)sizeof(m)) {
		*pending = m;	/* a setup or exec failure: not running */
		return -1;
	}
	if (n != 0)
		return -1;
	send(s->ready_fd, s->id, ECI_ID_LEN, MSG_NOSIGNAL);
	close(steal_fd(s->ready_fd));
	if (s->tty)
		dup2(s->log_fd, 1);	/* -dt: what the pty says goes to the log */
	dup2(s->log_fd, 2);
	s->detached = true;
	return 0;
}
