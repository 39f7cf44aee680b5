// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * scdefault.c - the default seccomp filter, built when eci was built
 *
 * Theory of Operation: building the default filter with libseccomp takes a
 * couple of milliseconds, on every start, and its result depends only on
 * which of the capabilities that open system calls (sc_caps_that_matter())
 * the workload holds.  So the build runs scgen, which builds the filter for
 * every such set without CAP_SYS_ADMIN (Docker's default, runc's smaller
 * one, --cap-drop ALL, --cap-add SYS_PTRACE: 16 sets, 5 KiB each) and for
 * every capability (--privileged) with the same code as at run time and
 * writes them out as C (sc-prebuilt.c in the build tree); sc_default()
 * hands out a copy of the one that matches and builds any other set (one
 * with CAP_SYS_ADMIN but not all) as before.  A unit test checks that both
 * ways give the same program, instruction for instruction.
 */
#include <errno.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "scprebuilt.h"

int sc_default(uint64_t caps, struct sc_filter *f, struct eci_err *e)
{
	uint64_t matter = sc_caps_that_matter();

	for (size_t i = 0; i < sc_nprebuilt; i++) {
		const struct sc_prebuilt *p = &sc_prebuilt[i];
		size_t size = p->len * sizeof(struct sock_filter);

		if ((p->caps & matter) != (caps & matter))
			continue;
		f->insns = malloc(size);
		if (!f->insns)
			return eci_fail(e, ENOMEM, "seccomp");
		memcpy(f->insns, p->insns, size);
		f->len = p->len;
		f->setup_ok = true;
		return 0;
	}
	return sc_build_default(caps, f, e);
}
