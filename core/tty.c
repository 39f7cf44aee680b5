// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * tty.c - -t: a pseudo-terminal from the container's own devpts
 *
 * Theory of Operation: the workload opens /dev/ptmx of the container's
 * devpts instance (mounted newinstance), makes the slave its controlling
 * terminal and its stdin, stdout and stderr, and passes the master to the
 * launcher over the sync socket (SCM_RIGHTS).  The launcher puts the user's
 * terminal in raw mode, relays bytes both ways, copies the window size on
 * every SIGWINCH, and restores the terminal however it returns (atexit).
 * The workload never holds the user's terminal, so it cannot push input into
 * it (TIOCSTI, CVE-2017-5226); seccomp refuses TIOCSTI anyway.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "core.h"
#include "util.h"

/* --- workload side ---------------------------------------------------- */

/* -t: the size of the user's terminal, for the container's pty to start
 * with (the launcher follows later changes, SIGWINCH). */
void tty_size(struct spec *s)
{
	struct winsize ws = { .ws_row = 24, .ws_col = 80 };	/* -dt: no terminal */

	if (s->tty) {
		ioctl(STDIN_FILENO, TIOCGWINSZ, &ws);
		s->tty_rows = ws.ws_row;
		s->tty_cols = ws.ws_col;
	}
}

/*
 * As runc: the pty is the container's /dev/console too (systemd and
 * others write their messages there), bound over an empty file of the
 * container's own /dev, in the workload's mount namespace.
 */
int tty_console(int slave, struct eci_err *e)
{
	_cleanup_close_ int file = open("/dev/console", O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
					0600);
	_cleanup_close_ int tree = -1;
	struct stat pty, st;
	char path[32];

	if (file < 0)
		return eci_fail(e, errno, "-t: create /dev/console");
	/* By its name in this mount namespace's devpts (eci-runc's pid 1 made
	 * the pty in its own, whose mounts are not ours to clone): the same
	 * device, checked. */
	if (fstat(slave, &pty) < 0)
		return eci_fail(e, errno, "-t: the pty");
	snprintf(path, sizeof(path), "/dev/pts/%u",
		 (major(pty.st_rdev) - 136) * 256 + minor(pty.st_rdev));
	tree = open_tree(AT_FDCWD, path, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_SYMLINK_NOFOLLOW);
	if (tree < 0 || fstat(tree, &st) < 0 || st.st_rdev != pty.st_rdev ||
	    move_mount(tree, "", file, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
		return eci_fail(e, errno, "-t: bind the pty on /dev/console");
	return 0;
}

int tty_child(const struct spec *s, int sock, struct eci_err *e)
{
	_cleanup_close_ int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
	_cleanup_close_ int slave = -1;
	struct winsize ws = { .ws_row = s->tty_rows, .ws_col = s->tty_cols };
	int unlock = 0;

	if (master < 0)
		return eci_fail(e, errno, "open /dev/ptmx");
	if (ioctl(master, TIOCSPTLCK, &unlock) < 0)
		return eci_fail(e, errno, "unlock the pty");
	/* Sized before the command runs: the launcher's copy may come after
	 * it asked (stty size would say nothing). */
	if ((ws.ws_row || ws.ws_col) && ioctl(master, TIOCSWINSZ, &ws) < 0)
		return eci_fail(e, errno, "size the pty");
	slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	if (slave < 0)
		return eci_fail(e, errno, "open the pty");
	if (tty_console(slave, e) < 0)
		return -1;
	struct sync_msg m = { .type = SYNC_TTY };

	if (fd_send(sock, &m, sizeof(m), master) < 0)
		return eci_fail(e, errno, "pass the terminal to eci-run");
	if (setsid() < 0 || ioctl(slave, TIOCSCTTY, 0) < 0)
		return eci_fail(e, errno, "make the pty the controlling terminal");
	for (int fd = 0; fd < 3; fd++)
		if (dup2(slave, fd) < 0)
			return eci_fail(e, errno, "dup2 the pty");
	return 0;
}

/* --- launcher side ------------------------------------------------------ */

static struct termios saved;
static bool raw;
static volatile sig_atomic_t winch;

static void restore(void)
{
	if (raw)
		tcsetattr(STDIN_FILENO, TCSADRAIN, &saved);
	raw = false;
}

static void on_winch(int sig)
{
	winch = 1;
}

static void copy_winsize(int master)
{
	struct winsize ws;

	if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
		ioctl(master, TIOCSWINSZ, &ws);
}

static int recv_fd(int sock, struct sync_msg *m)
{
	int fd = fd_recv(sock, m, sizeof(*m));

	if (fd >= 0 && m->type != SYNC_TTY) {
		close(fd);
		fd = -1;
	}
	return fd < 0 ? -1 : fd;
}

/* Copy what is there; return 0 at EOF or error. */
WAITING static int pump(int from, int to)
{
	char buf[4096];
	ssize_t n = read(from, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	return write_all(to, buf, (size_t)n) == 0;
}

WAITING static void relay(int master, int pidfd, bool interactive)
{
	bool in_open = interactive, out_open = true;

	for (;;) {
		struct pollfd p[3] = {
			{ .fd = out_open ? master : -1, .events = POLLIN },
			{ .fd = in_open ? STDIN_FILENO : -1, .events = POLLIN },
			{ .fd = pidfd, .events = POLLIN },
		};

		if (winch) {
			winch = 0;
			copy_winsize(master);
		}
		if (poll(p, 3, -1) < 0) {
			if (errno == EINTR)
				continue;
			return;
		}
		if (p[0].revents && !pump(master, STDOUT_FILENO))
			out_open = false;
		if (p[1].revents && !pump(STDIN_FILENO, master))
			in_open = false;
		if (p[2].revents) {
			while (out_open && pump(master, STDOUT_FILENO) &&
			       poll(p, 1, 0) > 0 && p[0].revents)
				;
			return;
		}
		if (!out_open && !in_open)
			return;
	}
}

int tty_master(int sock, struct sync_msg *pending)
{
	int master = recv_fd(sock, pending);

	if (master < 0)
		return -1;	/* the child failed first: @pending says why */
	pending->type = 0;
	return master;
}

int tty_relay(int master, pid_t pid, bool interactive)
{
	struct sigaction sa = { .sa_handler = on_winch, .sa_flags = SA_RESTART };
	_cleanup_close_ int pidfd = -1;

	pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	if (pidfd < 0)
		return -1;
	if (isatty(STDIN_FILENO) && tcgetattr(STDIN_FILENO, &saved) == 0) {
		struct termios t = saved;

		cfmakeraw(&t);
		atexit(restore);
		raw = tcsetattr(STDIN_FILENO, TCSADRAIN, &t) == 0;
	}
	sigemptyset(&sa.sa_mask);
	sigaction(SIGWINCH, &sa, NULL);
	copy_winsize(master);
	relay(master, pidfd, interactive);
	restore();
	return 0;
}
