// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - the workload's capabilities
 *
 * Theory of Operation: the set starts as Docker's default 14, --privileged
 * makes it every capability the kernel knows, then --cap-add and --cap-drop
 * apply in order (names with or without CAP_, any case, or ALL: capset.h);
 * the policy's ceiling (policy/gate.c) may refuse or narrow the result.  All
 * of it is decided before any namespace exists; the workload process then
 *   - drops every other capability from its bounding set, so nothing it
 *     executes can ever regain one;
 *   - clears its ambient set and keeps the inheritable set empty, so a
 *     file's inheritable capabilities grant nothing on exec (CVE-2022-29162);
 *   - for root, sets permitted and effective to the set;
 *   - for a non-root -u user, keeps the set across the uid change (keep-caps)
 *     but with an empty effective set, as Docker does, and gives only the
 *     capabilities added with --cap-add as ambient ones (which the kernel
 *     requires to be inheritable too, so only then is that set non-empty).
 * eci-runc instead sets the effective, permitted, inheritable and ambient
 * sets config.json lists, each narrowed to the bounding set (caps_workload).
 * These capabilities are those of the workload's own user namespace: they
 * reach nothing outside the container.
 */
#include <errno.h>
#include <linux/securebits.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "core.h"

int caps_drop_bounding(uint64_t keep, struct eci_err *e)
{
	for (unsigned c = 0; c <= caps_last(); c++)
		if (!(keep & (1ULL << c)) && prctl(PR_CAPBSET_DROP, c, 0, 0, 0) < 0)
			return eci_fail(e, errno, "drop capability %u from the bounding set", c);
	if (prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0) < 0)
		return eci_fail(e, errno, "clear ambient capabilities");
	return 0;
}

int caps_keep_across_setuid(struct eci_err *e)
{
	if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
		return eci_fail(e, errno, "PR_SET_KEEPCAPS");
	return 0;
}

static int set_flags(cap_t c, cap_flag_t flag, uint64_t set)
{
	for (unsigned v = 0; v <= caps_last(); v++)
		if ((set & (1ULL << v)) &&
		    cap_set_flag(c, flag, 1, (cap_value_t[]){ (cap_value_t)v }, CAP_SET) < 0)
			return -1;
	return 0;
}

int caps_sets(uint64_t effective, uint64_t permitted, uint64_t inheritable, uint64_t ambient,
	      struct eci_err *e)
{
	cap_t c = cap_init();
	int ret = 0;

	if (!c)
		return eci_fail(e, errno, "capabilities");
	if (set_flags(c, CAP_PERMITTED, permitted) < 0 || set_flags(c, CAP_EFFECTIVE, effective) < 0 ||
	    set_flags(c, CAP_INHERITABLE, inheritable) < 0)
		ret = eci_fail(e, errno, "capabilities");
	else if (cap_set_proc(c) < 0)
		ret = eci_fail(e, errno, "set capabilities");
	cap_free(c);
	for (unsigned v = 0; !ret && v <= caps_last(); v++)
		if ((ambient & (1ULL << v)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			ret = eci_fail(e, errno, "raise ambient capability %u", v);
	return ret;
}

int caps_apply(uint64_t set, uint64_t ambient, bool root, struct eci_err *e)
{
	if (root)
		return caps_sets(set, set, 0, 0, e);
	ambient &= set;
	return caps_sets(ambient, set, ambient, ambient, e);
}

/*
 * The workload's sets: eci-runc's as config.json lists them, each within
 * the bounding set (config.c), as runc sets them — for root, exec then
 * makes permitted and effective the bounding set whatever they were, as
 * the kernel does for uid 0; for another user only the ambient set
 * survives exec.  eci-run's derive from its one set (caps_apply()).
 */
int caps_workload(const struct spec *s, bool root, struct eci_err *e)
{
	const struct spec_oci *o = &s->oci;

	if (o->caps_set)
		return caps_sets(o->effective, o->permitted, o->inheritable, o->ambient, e);
	return caps_apply(s->caps, s->caps_added, root, e);
}
