// SPDX-License-Identifier: GPL-2.0-or-later
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "err.h"

int eci_fail(struct eci_err *e, int err, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (err && n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s",
			 strerror(err));
	e->err = err;
	return err ? -err : -1;
}

int eci_prefix(struct eci_err *e, const char *fmt, ...)
{
	char old[ECI_ERR_MSG];
	va_list ap;
	int n;

	memcpy(old, e->msg, sizeof(old));
	va_start(ap, fmt);
	n = vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
	va_end(ap);
	if (n >= 0 && (size_t)n < sizeof(e->msg))
		snprintf(e->msg + n, sizeof(e->msg) - (size_t)n, ": %s", old);
	return e->err ? -e->err : -1;
}

void (*eci_warn_hook)(const char *msg);
const char *eci_program;

void eci_warn(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (eci_warn_hook)
		eci_warn_hook(msg);
	else
		fprintf(stderr, "%s: warning: %s\n", eci_program ? eci_program :
			program_invocation_short_name, msg);
}

int eci_child_start(int (*fn)(void *ctx, struct eci_err *e), void *ctx, struct eci_child *c,
		    const char *what, struct eci_err *e)
{
	int pipefd[2];

	c->pid = -1;
	c->fd = -1;
	if (pipe2(pipefd, O_CLOEXEC) < 0)
		return eci_fail(e, errno, "%s: pipe", what);
	c->pid = fork();
	if (c->pid == 0) {
		struct eci_err ce = { 0 };

		close(pipefd[0]);
		if (fn(ctx, &ce) == 0)
			_exit(0);
		if (write(pipefd[1], &ce, sizeof(ce)) < 0) { /* the exit says it */ }
		_exit(1);
	}
	if (c->pid < 0) {
		int err = errno;

		close(pipefd[0]);
		close(pipefd[1]);
		return eci_fail(e, err, "%s: fork", what);
	}
	close(pipefd[1]);
	c->fd = pipefd[0];
	return 0;
}

int eci_child_end(struct eci_child *c, const char *what, struct eci_err *e)
{
	int status = 0, ok = 0;
	pid_t r;

	while ((r = waitpid(c->pid, &status, 0)) < 0 && errno == EINTR)
		;
	if (r < 0)
		eci_fail(e, errno, "%s: wait", what);
	else if (WIFEXITED(status) && WEXITSTATUS(status) == 0)
		ok = 1;
	/* One write of less than PIPE_BUF, before it ended: all of it or
	 * nothing.  Not waiting for more: children of its own may hold the
	 * pipe open. */
	else if (fcntl(c->fd, F_SETFL, O_NONBLOCK) == 0 &&
		 read(c->fd, e, sizeof(*e)) == (ssize_t)sizeof(*e))
		e->msg[sizeof(e->msg) - 1] = '\0';
	else if (WIFSIGNALED(status))
		eci_fail(e, 0, "%s: killed by signal %d", what, WTERMSIG(status));
	else
		eci_fail(e, 0, "%s: exit status %d", what, WEXITSTATUS(status));
	close(c->fd);
	c->fd = -1;
	c->pid = -1;
	return ok ? 0 : -1;
}

int eci_in_child(int (*fn)(void *ctx, struct eci_err *e), void *ctx, const char *what,
		 struct eci_err *e)
{
	struct eci_child c;

	if (eci_child_start(fn, ctx, &c, what, e) < 0)
		return -1;
	return eci_child_end(&c, what, e);
}
