// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * dl.c - load a library on first use (see dlfwd.h)
 */
#include <dlfcn.h>
#include <errno.h>

#include "dlfwd.h"

int dl_load(void **handle, const char *soname, const char *package, const char *const *names,
	    void **const *slots, size_t n, struct eci_err *e)
{
	void *h;

	if (*handle)
		return 0;
	h = dlopen(soname, RTLD_NOW | RTLD_LOCAL);
	if (!h)
		return eci_fail(e, ELIBACC, "load %s (Debian package %s): %s", soname, package,
				dlerror());
	for (size_t i = 0; i < n; i++) {
		*slots[i] = dlsym(h, names[i]);
		if (!*slots[i]) {
			dlclose(h);
			return eci_fail(e, ELIBBAD, "%s has no %s", soname, names[i]);
		}
	}
	*handle = h;
	return 0;
}
