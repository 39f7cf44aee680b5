// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * caps.c - the workload's capabilities
 *
 * Theory of Operation: the set starts as Docker's default 14, --privileged
 * makes it every capability the kernel knows, then --cap-add and --cap-drop
 * apply in order (names with or without CAP_, any case, or ALL).  All of it
 * is decided in the launcher; the workload process then
 *   - drops every other capability from its bounding set, so nothing it
 *     executes can ever regain one;
 *   - clears its ambient set and keeps the inheritable set empty, so a
 *     file's inheritable capabilities grant nothing on exec (CVE-2022-29162);
 *   - for root, sets permitted and effective to the set;
 *   - for a non-root -u user, keeps the set across the uid change (keep-caps)
 *     but with an empty effective set, as Docker does, and gives only the
 *     capabilities added with --cap-add as ambient ones (which the kernel
 *     requires to be inheritable too, so only then is that set non-empty).
 * These capabilities are those of the workload's own user namespace: they
 * reach nothing outside the container.
 */
#include <errno.h>
#include <linux/securebits.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "core.h"

static const cap_value_t docker_default[] = {
	CAP_CHOWN,	CAP_DAC_OVERRIDE, CAP_FSETID,	  CAP_FOWNER,	  CAP_MKNOD,
	CAP_NET_RAW,	CAP_SETGID,	  CAP_SETUID,	  CAP_SETFCAP,	  CAP_SETPCAP,
	CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,	  CAP_AUDIT_WRITE,
};

static unsigned last_cap(void)
{
	static int last = -1;

	if (last < 0)
		last = cap_max_bits() - 1;
	return (unsigned)last;
}

uint64_t caps_default(void)
{
	uint64_t set = 0;

	for (size_t i = 0; i < sizeof(docker_default) / sizeof(docker_default[0]); i++)
		set |= 1ULL << docker_default[i];
	return set;
}

uint64_t caps_all(void)
{
	return last_cap() >= 63 ? ~0ULL : (1ULL << (last_cap() + 1)) - 1;
}

int caps_parse(const char *flag, const char *name, uint64_t *mask, struct eci_err *e)
{
	char full[64];
	cap_value_t v;

	if (!strcasecmp(name, "ALL")) {
		*mask = caps_all();
		return 0;
	}
	snprintf(full, sizeof(full), "%s%s", strncasecmp(name, "CAP_", 4) ? "cap_" : "", name);
	for (char *p = full; *p; p++)
		*p = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
	if (strlen(name) > 40 || cap_from_name(full, &v) < 0 || (unsigned)v > last_cap())
		return eci_fail(e, 0, "%s %s: unknown capability", flag, name);
	*mask = 1ULL << v;
	return 0;
}

int caps_drop_bounding(uint64_t keep, struct eci_err *e)
{
	for (unsigned c = 0; c <= last_cap(); c++)
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
	for (unsigned v = 0; v <= last_cap(); v++)
		if ((set & (1ULL << v)) &&
		    cap_set_flag(c, flag, 1, (cap_value_t[]){ (cap_value_t)v }, CAP_SET) < 0)
			return -1;
	return 0;
}

int caps_apply(uint64_t set, uint64_t ambient, bool root, struct eci_err *e)
{
	cap_t c = cap_init();
	int ret = 0;

	if (!c)
		return eci_fail(e, errno, "capabilities");
	if (!root)
		ambient &= set;
	if (set_flags(c, CAP_PERMITTED, set) < 0 ||
	    set_flags(c, CAP_EFFECTIVE, root ? set : ambient) < 0 ||
	    set_flags(c, CAP_INHERITABLE, root ? 0 : ambient) < 0)
		ret = eci_fail(e, errno, "capabilities");
	else if (cap_set_proc(c) < 0)
		ret = eci_fail(e, errno, "set capabilities");
	cap_free(c);
	for (unsigned v = 0; !ret && !root && v <= last_cap(); v++)
		if ((ambient & (1ULL << v)) &&
		    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_RAISE, v, 0, 0) < 0)
			ret = eci_fail(e, errno, "raise ambient capability %u", v);
	return ret;
}
