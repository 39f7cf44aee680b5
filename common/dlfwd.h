/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * dlfwd.h - a library's functions, forwarded to it once it is loaded
 *
 * For libraries that most runs of eci never call (libarchive, libcrypto):
 * linked, they cost every exec their relocations and constructors.  A
 * user file lists the functions once, as
 *   #define FUNCS(X) X(kind, return type, name, (parameters), (arguments)) ...
 * with kind NEW for the functions that come first in every use (they load
 * the library and return NULL, errno ELIBACC, without it), VOID for those
 * returning nothing and FN for the rest, defines DL_TABLE (its struct of
 * pointers, made with DL_POINTER) and DL_LOADER (its load function, which
 * calls dl_load() with DL_NAME and DL_SLOT tables), and expands
 * FUNCS(DL_FORWARD).  The library's own header declares every function, so
 * each forwarder is checked against the real prototype.
 */
#ifndef ECI_DLFWD_H
#define ECI_DLFWD_H

#include <errno.h>
#include <stddef.h>

#include "err.h"

/* dlopen() @soname once (*@handle), and fill every @slots[i] with the
 * address of @names[i]; errors name the Debian @package to install. */
int dl_load(void **handle, const char *soname, const char *package, const char *const *names,
	    void **const *slots, size_t n, struct eci_err *e);

#define DL_POINTER(kind, ret, name, params, args) ret(*name) params;
#define DL_NAME(kind, ret, name, params, args) #name,
#define DL_SLOT(kind, ret, name, params, args) (void **)&DL_TABLE.name,
#define DL_FORWARD(kind, ret, name, params, args) DL_FORWARD_##kind(ret, name, params, args)
#define DL_FORWARD_FN(ret, name, params, args)                                             \
	ret name params                                                                    \
	{                                                                                  \
		return DL_TABLE.name args;                                                 \
	}
#define DL_FORWARD_VOID(ret, name, params, args)                                           \
	ret name params                                                                    \
	{                                                                                  \
		if (DL_TABLE.name) /* the free functions, on error paths */                \
			DL_TABLE.name args;                                                \
	}
#define DL_FORWARD_NEW(ret, name, params, args)                                            \
	ret name params                                                                    \
	{                                                                                  \
		if (DL_LOADER(&(struct eci_err){ 0 }) < 0) {                               \
			errno = ELIBACC;                                                   \
			return NULL;                                                       \
		}                                                                          \
		return DL_TABLE.name args;                                                 \
	}

#endif
