// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * enforce.c - the policy applied to one container, before any namespace
 *
 * Every check here refuses with exit 125 and writes an audit line.  A flag
 * that asks for what the effective policy forbids is refused with a message
 * naming the setting and where it comes from: "managed by your
 * administrator" when the administrator locked it, "not allowed by" when
 * it is only a default or the user's own setting (which the user may
 * change).  Where the policy narrows what a flag would give without the
 * user asking for more (--privileged under a capability ceiling), the
 * container runs with less and the downgrade is audited.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "launcher.h"
#include "policy.h"

static int refuse(struct spec *s, enum pol_key k, const char *flag, struct eci_err *e)
{
	const struct pol_value *v = &s->policy.v[k];

	if (v->locked)
		eci_fail(e, 0, "%s: \"%s\" is managed by your administrator (%s)", flag,
			 pol_names[k], v->source);
	else
		eci_fail(e, 0, "%s: not allowed by \"%s\" (%s)", flag, pol_names[k], v->source);
	policy_audit(&s->policy, "refused", k, s->img.name, e->msg);
	return -1;
}

static int check_image(struct spec *s, const char *asked, struct eci_err *e)
{
	char *const *allowed = s->policy.v[POL_ALLOWED_IMAGES].list;
	char tagged[600];

	snprintf(tagged, sizeof(tagged), "%s%s", asked, strchr(asked, ':') ? "" : ":latest");
	if (policy_list_match(allowed, asked) || policy_list_match(allowed, tagged) ||
	    policy_list_match(allowed, s->img.digest))
		return 0;
	snprintf(tagged, sizeof(tagged), "image %s", asked);
	return refuse(s, POL_ALLOWED_IMAGES, tagged, e);
}

/* Is @a equal to @b, under it, or above it? */
static bool overlaps(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	size_t n = la < lb ? la : lb;

	if (!strcmp(a, "/") || !strcmp(b, "/"))
		return true;
	return !strncmp(a, b, n) && (a[n] == '\0' || a[n] == '/') && (b[n] == '\0' || b[n] == '/');
}

static bool is_socket_path(const char *p)
{
	return strstr(p, "docker.sock") || strstr(p, "containerd.sock");
}

static int check_volumes(struct spec *s, const char *image, struct eci_err *e)
{
	char *const *blocked = s->policy.v[POL_BLOCKED_MOUNTS].list;
	bool socket_ok = policy_list_match(s->policy.socket_images, image);

	if (!s->policy.v[POL_ECI].b)
		return 0;
	for (size_t i = 0; i < s->mnt.nvol; i++) {
		char src[PATH_MAX], flag[PATH_MAX + 1200];
		struct mnt_volume *v = &s->mnt.vol[i];
		struct stat st;

		/* What is checked is the file the child must then find (by
		 * device and inode), however the path is resolved later. */
		if (!realpath(v->src, src) || stat(src, &st) < 0)
			return eci_fail(e, errno, "-v %s", v->spec);
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		for (char *const *b = blocked; b && *b; b++) {
			char real[PATH_MAX];
			const char *bp = realpath(*b, real) ? real : *b;

			if (socket_ok && is_socket_path(bp))
				continue;
			if (overlaps(src, bp) || overlaps(src, *b)) {
				snprintf(flag, sizeof(flag), "-v %s: %s is, holds or is under the "
					 "blocked path %s", v->spec, src, *b);
				return refuse(s, POL_BLOCKED_MOUNTS, flag, e);
			}
		}
	}
	return 0;
}

static int check_caps(struct spec *s, const struct opts *o, struct eci_err *e)
{
	char *const *list = s->policy.v[POL_ALLOWED_CAPS].list;
	uint64_t ceiling = 0;

	for (char *const *c = list; c && *c; c++) {
		uint64_t m;

		if (caps_parse("allowedCapabilities", *c, &m, e) < 0)
			return eci_prefix(e, "policy %s", s->policy.v[POL_ALLOWED_CAPS].source);
		ceiling |= m;
	}
	for (size_t i = 0; i < o->ncap_add; i++) {
		uint64_t m;
		char flag[128];

		if (caps_parse("--cap-add", o->cap_add[i], &m, e) < 0)
			return -1;
		if (m & ~ceiling) {
			snprintf(flag, sizeof(flag), "--cap-add %s", o->cap_add[i]);
			return refuse(s, POL_ALLOWED_CAPS, flag, e);
		}
	}
	if (s->caps & ~ceiling) {
		s->caps &= ceiling;
		s->caps_added &= ceiling;
		policy_audit(&s->policy, "downgraded", POL_ALLOWED_CAPS, s->img.name,
			     "capabilities outside the ceiling dropped");
	}
	return 0;
}

static bool loopback(const char *ip)
{
	return !strncmp(ip, "127.", 4) || !strcmp(ip, "::1");
}

static int check_network(struct spec *s, struct eci_err *e)
{
	const struct policy *p = &s->policy;
	char flag[160];

	snprintf(flag, sizeof(flag), "--network %s", net_mode_names[s->net.mode]);
	if (s->net.mode == NET_HOST) {
		if (p->v[POL_ECI].b && p->v[POL_ECI].locked)
			return refuse(s, POL_ECI, flag, e);
		if (p->v[POL_ECI].b || !p->v[POL_ALLOW_HOST_NS].b)
			return refuse(s, p->v[POL_ECI].b ? POL_ECI : POL_ALLOW_HOST_NS, flag, e);
	} else if (!policy_list_match(p->v[POL_ALLOWED_NETWORKS].list, net_mode_names[s->net.mode])) {
		return refuse(s, POL_ALLOWED_NETWORKS, flag, e);
	}
	for (size_t i = 0; i < s->net.nports; i++) {
		if (loopback(s->net.port[i].ip) || p->v[POL_PUBLIC_PORTS].b)
			continue;
		snprintf(flag, sizeof(flag), "-p %s", s->net.port[i].spec);
		return refuse(s, POL_PUBLIC_PORTS, flag, e);
	}
	return 0;
}

/* Before security_build(): what the flags may ask for at all. */
int enforce_flags(struct spec *s, const struct opts *o, struct eci_err *e)
{
	const struct policy *p = &s->policy;

	if (o->privileged && !p->v[POL_ALLOW_PRIVILEGED].b)
		return refuse(s, POL_ALLOW_PRIVILEGED, "--privileged", e);
	if (check_network(s, e) < 0)
		return -1;
	for (size_t i = 0; i < o->nsecurity_opt; i++) {
		const char *opt = o->security_opt[i];

		char flag[300];

		snprintf(flag, sizeof(flag), "--security-opt %s", opt);
		if (!strncmp(opt, "seccomp", 7) && strlen(opt) > 8 &&
		    strcmp(opt + 8, p->v[POL_SECCOMP].s) && p->v[POL_SECCOMP].locked)
			return refuse(s, POL_SECCOMP, flag, e);
		if (!strncmp(opt, "no-new-privileges", 17) && p->v[POL_NNP].locked &&
		    (strstr(opt, "false") != NULL) == p->v[POL_NNP].b)
			return refuse(s, POL_NNP, flag, e);
	}
	return 0;
}

/* After the image and capabilities are known. */
int enforce_spec(struct spec *s, const struct opts *o, const char *image, struct eci_err *e)
{
	if (check_image(s, image, e) < 0 || check_volumes(s, image, e) < 0 ||
	    check_caps(s, o, e) < 0)
		return -1;
	return 0;
}
