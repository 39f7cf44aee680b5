// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * capset.c - capability sets as bit masks, and their names (capset.h)
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <sys/capability.h>

#include "capset.h"

static const cap_value_t docker_default[] = {
	CAP_CHOWN,	CAP_DAC_OVERRIDE, CAP_FSETID,	  CAP_FOWNER,	  CAP_MKNOD,
	CAP_NET_RAW,	CAP_SETGID,	  CAP_SETUID,	  CAP_SETFCAP,	  CAP_SETPCAP,
	CAP_NET_BIND_SERVICE, CAP_SYS_CHROOT, CAP_KILL,	  CAP_AUDIT_WRITE,
};

unsigned caps_last(void)
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
	return caps_last() >= 63 ? ~0ULL : (1ULL << (caps_last() + 1)) - 1;
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
	if (strlen(name) > 40 || cap_from_name(full, &v) < 0 || (unsigned)v > caps_last())
		return eci_fail(e, 0, "%s %s: unknown capability", flag, name);
	*mask = 1ULL << v;
	return 0;
}

const char *caps_name(unsigned cap, char *buf, size_t size)
{
	char *n = cap_to_name((cap_value_t)cap);

	snprintf(buf, size, "%s", n ? n : "?");
	cap_free(n);
	for (char *p = buf; *p; p++)
		*p = (char)(*p >= 'a' && *p <= 'z' ? *p - 'a' + 'A' : *p);
	return buf;
}
