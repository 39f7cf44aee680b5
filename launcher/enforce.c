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
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include "cleanup.h"
#include "engine.h"
#include "launcher.h"
#include "policy.h"

static int refuse(struct spec *s, enum pol_key k, const char *flag, struct eci_err *e)
{
	return policy_refuse(&s->policy, k, flag, s->img.name, e);
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

/*
 * Each source is opened once, here, following symlinks as the user may;
 * the gate judges that open file (by the path the kernel gives it and by
 * what it is), and the child must then find the same device and inode.
 * Engines are looked for only when there is something to mount.
 */
static int check_volumes(struct spec *s, const char *image, struct eci_err *e)
{
	_cleanup_free_ struct engines *en = NULL;
	bool writable = false;

	if (!s->policy.v[POL_ECI].b || !s->mnt.nvol)
		return 0;
	en = calloc(1, sizeof(*en));
	if (!en || policy_engines_scan(en, e) < 0)
		return en ? -1 : eci_fail(e, ENOMEM, "engines");
	for (size_t i = 0; i < s->mnt.nvol; i++) {
		struct mnt_volume *v = &s->mnt.vol[i];
		_cleanup_close_ int fd = open(v->src, O_PATH | O_CLOEXEC);
		char flag[PATH_MAX + 8];
		struct stat st;

		if (fd < 0 || fstat(fd, &st) < 0)
			return eci_fail(e, errno, "-v %s", v->spec);
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		snprintf(flag, sizeof(flag), "-v %s", v->spec);
		if (policy_check_mount(&s->policy, fd, flag, image, en, e) < 0)
			return -1;
		writable |= !v->ro;
	}
	/* A writable host path: no set-id file may be left there (seccomp.c). */
	return writable ? sc_build_setid_guard(&s->setid_guard, e) : 0;
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
		if (policy_check_host_ns(p, "network", flag, s->img.name, e) < 0)
			return -1;
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
