/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * err.h - the launcher's one error type
 *
 * Theory of Operation: an eci_err is a fixed-size record, so that the child
 * can fill it after clone() without allocating and write it over the sync
 * socket as it is.  Fallible functions return a negative value and fill the
 * record; callers add nothing unless they have context the callee lacked.
 */
#ifndef ECI_ERR_H
#define ECI_ERR_H

#include <stdarg.h>
#include <sys/types.h>

#define ECI_ERR_MSG 256

struct eci_err {
	int err;		/* errno, or 0 for a refusal that has none */
	char msg[ECI_ERR_MSG];	/* "mount /proc: Operation not permitted" */
};

/**
 * eci_fail() - record an error
 * @e:    error record to fill
 * @err:  errno value (positive), or 0 when the message says it all
 * @fmt:  printf format of what was being done; ": strerror(err)" is appended
 *
 * Return: -err, or -1 when @err is 0, so callers can "return eci_fail(...)".
 */
int eci_fail(struct eci_err *e, int err, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/**
 * eci_prefix() - put context in front of an existing message
 * @e:   error record already filled
 * @fmt: printf format of the context; ": " is put between
 *
 * Return: -e->err, or -1 when it is 0.
 */
int eci_prefix(struct eci_err *e, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/**
 * eci_warn() - the one way library code warns: "PROGRAM: warning: ..." on
 * stderr, PROGRAM being eci_program (set by main(); else the name the
 * program was run by), or through eci_warn_hook when a front end set one
 * (eci-runc: its log).
 */
/**
 * eci_in_child() - @fn(@ctx) in a forked child (a namespace entered there
 * is left behind with it)
 *
 * Return: 0, or -1 with the child's @e (else "@what" and how it ended).
 */
int eci_in_child(int (*fn)(void *ctx, struct eci_err *e), void *ctx, const char *what,
		 struct eci_err *e);

/* eci_in_child() in two halves, for children that run side by side: the
 * child started (c->fd, readable once it ended, is for poll()) ... */
struct eci_child {
	pid_t pid;
	int fd;
};
int eci_child_start(int (*fn)(void *ctx, struct eci_err *e), void *ctx, struct eci_child *c,
		    const char *what, struct eci_err *e);
/* ... and waited for: 0, or -1 with the child's @e (else "@what"). */
int eci_child_end(struct eci_child *c, const char *what, struct eci_err *e);

void eci_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern void (*eci_warn_hook)(const char *msg);
extern const char *eci_program;

#endif
