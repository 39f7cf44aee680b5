/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * cleanup.h - scope-bound release of memory and file descriptors
 *
 * Theory of Operation: variables declared with one of the _cleanup_*_
 * attributes are released when they leave scope.  Ownership is handed on
 * with steal_ptr()/steal_fd(), which return the value and leave the variable
 * empty.  close() is never retried on EINTR: on Linux the descriptor is gone
 * whatever close() returns.  errno is preserved across every release so that
 * an error path can clean up and still report the original cause.
 */
#ifndef ECI_CLEANUP_H
#define ECI_CLEANUP_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static inline void cleanup_freep(void *p)
{
	int e = errno;
	free(*(void **)p);
	errno = e;
}

static inline void cleanup_closep(int *fd)
{
	if (*fd >= 0) {
		int e = errno;
		close(*fd);
		errno = e;
	}
}

static inline void cleanup_fclosep(FILE **f)
{
	if (*f) {
		int e = errno;
		fclose(*f);
		errno = e;
	}
}

#define _cleanup_free_ __attribute__((cleanup(cleanup_freep)))
#define _cleanup_close_ __attribute__((cleanup(cleanup_closep)))
#define _cleanup_fclose_ __attribute__((cleanup(cleanup_fclosep)))

#define steal_ptr(p)                                                           \
	({                                                                     \
		__typeof__(p) steal_tmp_ = (p);                                \
		(p) = NULL;                                                    \
		steal_tmp_;                                                    \
	})

#define steal_fd(fd)                                                           \
	({                                                                     \
		int steal_tmp_ = (fd);                                         \
		(fd) = -1;                                                     \
		steal_tmp_;                                                    \
	})

#endif
