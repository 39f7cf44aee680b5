// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * security.c - --privileged, --cap-add, --cap-drop and --security-opt
 *
 * Capabilities follow Docker: the base is the default 14 (every capability
 * with --privileged); "--cap-drop ALL" empties it before the additions,
 * "--cap-add ALL" fills it before the drops; otherwise additions and drops
 * apply to the base, a capability both added and dropped staying dropped.
 * --security-opt takes no-new-privileges[=true|false] (on by default) and
 * seccomp=unconfined|FILE, also in the older KEY:VALUE form.  The seccomp
 * filter is built here, once, against the final capability set.
 */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "launcher.h"

static int cap_list(const char *flag, const char *const *names, size_t n, uint64_t *mask,
		    bool *all, struct eci_err *e)
{
	*mask = 0;
	*all = false;
	for (size_t i = 0; i < n; i++) {
		uint64_t m;

		if (caps_parse(flag, names[i], &m, e) < 0)
			return -1;
		if (!strcasecmp(names[i], "ALL"))
			*all = true;
		*mask |= m;
	}
	return 0;
}

static int compute_caps(struct spec *s, const struct opts *o, struct eci_err *e)
{
	uint64_t add, drop;
	bool add_all, drop_all;

	if (cap_list("--cap-add", o->cap_add, o->ncap_add, &add, &add_all, e) < 0 ||
	    cap_list("--cap-drop", o->cap_drop, o->ncap_drop, &drop, &drop_all, e) < 0)
		return -1;
	s->caps = o->privileged ? caps_all() : caps_default();
	if (drop_all)
		s->caps = add;
	else if (add_all)
		s->caps = caps_all() & ~drop;
	else
		s->caps = (s->caps | add) & ~drop;
	s->caps_added = add & s->caps;
	return 0;
}

static int parse_opt(struct spec *s, const char *opt, const char **seccomp, struct eci_err *e)
{
	size_t kl = strcspn(opt, "=:");
	const char *v = opt[kl] ? opt + kl + 1 : NULL;

	if (kl == strlen("no-new-privileges") && !strncmp(opt, "no-new-privileges", kl)) {
		if (!v || !strcmp(v, "true"))
			s->no_new_privs = true;
		else if (!strcmp(v, "false"))
			s->no_new_privs = false;
		else
			return eci_fail(e, 0, "--security-opt %s: expected true or false", opt);
		return 0;
	}
	if (kl == strlen("seccomp") && !strncmp(opt, "seccomp", kl) && v && *v) {
		*seccomp = v;
		return 0;
	}
	return eci_fail(e, 0, "--security-opt %s: unknown option (no-new-privileges, "
			"seccomp=unconfined|FILE)", opt);
}

int security_build(struct spec *s, const struct opts *o, struct eci_err *e)
{
	const char *seccomp = NULL;

	s->no_new_privs = s->policy.v[POL_NNP].b;
	seccomp = s->policy.v[POL_SECCOMP].s;
	if (seccomp && !strcmp(seccomp, "default"))
		seccomp = NULL;
	if (compute_caps(s, o, e) < 0)
		return -1;
	for (size_t i = 0; i < o->nsecurity_opt; i++)
		if (parse_opt(s, o->security_opt[i], &seccomp, e) < 0)
			return -1;
	if (seccomp && !strcmp(seccomp, "default"))
		seccomp = NULL;
	s->seccomp_profile = seccomp;
	return 0;
}

/* After the policy's capability ceiling: the filter follows the final set. */
int security_filter(struct spec *s, struct eci_err *e)
{
	const char *profile = s->seccomp_profile;

	if (profile && !strcmp(profile, "unconfined"))
		return 0;
	if (profile)
		return sc_build_file(profile, s->caps, &s->seccomp, e);
	return sc_default(s->caps, &s->seccomp, e);
}
