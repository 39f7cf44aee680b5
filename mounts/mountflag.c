// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * mountflag.c - --mount type=bind|volume|tmpfs with docker's keys
 *
 * The value becomes the same record as -v (a bind or a named volume) or
 * --tmpfs would give, so that everything after the parse — the policy's
 * judgement of a bind's source, the child's mount — is one path for both
 * spellings.  Keys docker has and eci does not apply (bind-propagation,
 * volume-opt, ...) are refused by name rather than ignored.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>

#include "cleanup.h"
#include "mounts-int.h"

enum { T_VOLUME, T_BIND, T_TMPFS };

struct mount_req {
	int type;
	const char *src, *dst, *size, *mode;
	bool ro;
};

static int key_bool(const char *spec, const char *key, const char *v, bool *out,
		    struct eci_err *e)
{
	if (!v || !strcmp(v, "true") || !strcmp(v, "1"))
		*out = true;
	else if (!strcmp(v, "false") || !strcmp(v, "0"))
		*out = false;
	else
		return eci_fail(e, 0, "--mount %s: %s=%s: expected true or false", spec, key, v);
	return 0;
}

static int one_key(struct mount_req *r, const char *spec, char *kv, struct eci_err *e)
{
	char *v = strchr(kv, '=');

	if (v)
		*v++ = '\0';
	if (!strcmp(kv, "readonly") || !strcmp(kv, "ro"))
		return key_bool(spec, kv, v, &r->ro, e);
	if (!v || !*v)
		return eci_fail(e, 0, "--mount %s: key '%s' needs a value", spec, kv);
	if (!strcmp(kv, "type")) {
		if (!strcmp(v, "volume") || !strcmp(v, "bind") || !strcmp(v, "tmpfs"))
			r->type = !strcmp(v, "volume") ? T_VOLUME : !strcmp(v, "bind") ? T_BIND
											: T_TMPFS;
		else
			return eci_fail(e, 0, "--mount %s: type '%s' is not supported (bind, volume "
					"or tmpfs)", spec, v);
	} else if (!strcmp(kv, "source") || !strcmp(kv, "src")) {
		r->src = v;
	} else if (!strcmp(kv, "target") || !strcmp(kv, "dst") || !strcmp(kv, "destination")) {
		r->dst = v;
	} else if (!strcmp(kv, "tmpfs-size")) {
		size_t n = strspn(v, "0123456789");

		if (n == 0 || (v[n] && (strchr("kKmMgG", v[n]) == NULL || v[n + 1])))
			return eci_fail(e, 0, "--mount %s: tmpfs-size=%s: expected bytes, or a number "
					"with k, m or g", spec, v);
		r->size = v;
	} else if (!strcmp(kv, "tmpfs-mode")) {
		if (strspn(v, "01234567") != strlen(v) || strtoul(v, NULL, 8) > 07777)
			return eci_fail(e, 0, "--mount %s: tmpfs-mode=%s: expected an octal mode",
					spec, v);
		r->mode = v;
	} else {
		return eci_fail(e, 0, "--mount %s: key '%s' is not supported (type, source, "
				"target, readonly, tmpfs-size, tmpfs-mode)", spec, kv);
	}
	return 0;
}

static int as_tmpfs(struct mnt_plan *p, const struct mount_req *r, const char *spec,
		    struct eci_err *e)
{
	struct mnt_tmpfs *t = &p->tmpfs[p->ntmpfs];

	if (p->ntmpfs == MNT_MAX_TMPFS)
		return eci_fail(e, 0, "--mount %s: at most %d tmpfs mounts", spec, MNT_MAX_TMPFS);
	if (r->src)
		return eci_fail(e, 0, "--mount %s: type=tmpfs takes no source", spec);
	memset(t, 0, sizeof(*t));
	p->ntmpfs++;	/* before filling: a half-made entry is freed too */
	t->spec = spec;
	t->attrs = MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV |
		   (r->ro ? MOUNT_ATTR_RDONLY : 0);
	if ((r->size && !(t->size = strdup(r->size))) || (r->mode && !(t->mode = strdup(r->mode))))
		return eci_fail(e, ENOMEM, "--mount %s", spec);
	return mnt_clean_dst("--mount", spec, r->dst, &t->dst, e);
}

static int as_volume(struct mnt_plan *p, const struct mount_req *r, const char *spec,
		     struct eci_err *e)
{
	struct mnt_volume *v = &p->vol[p->nvol];

	if (p->nvol == MNT_MAX_VOLUMES)
		return eci_fail(e, 0, "--mount %s: at most %d volumes", spec, MNT_MAX_VOLUMES);
	if (r->size || r->mode)
		return eci_fail(e, 0, "--mount %s: %s is only for type=tmpfs", spec,
				r->size ? "tmpfs-size" : "tmpfs-mode");
	if (!r->src)
		return eci_fail(e, 0, "--mount %s: a source is needed (%s)", spec,
				r->type == T_BIND ? "the host path" :
				"the volume's name: eci has no anonymous volumes");
	memset(v, 0, sizeof(*v));
	p->nvol++;
	v->flag = "--mount";
	v->spec = spec;
	v->tree = v->dirfd = -1;
	v->ro = r->ro;
	if (mnt_volume_source(v, r->src, r->type == T_VOLUME, r->type == T_BIND, e) < 0)
		return -1;
	return mnt_clean_dst("--mount", spec, r->dst, &v->dst, e);
}

int mnt_parse_mount(struct mnt_plan *p, const char *spec, struct eci_err *e)
{
	_cleanup_free_ char *copy = strdup(spec);
	struct mount_req r = { .type = T_VOLUME };
	char *kv, *save = NULL;

	if (!copy)
		return eci_fail(e, ENOMEM, "--mount %s", spec);
	for (kv = strtok_r(copy, ",", &save); kv; kv = strtok_r(NULL, ",", &save))
		if (one_key(&r, spec, kv, e) < 0)
			return -1;
	if (!r.dst)
		return eci_fail(e, 0, "--mount %s: a target is needed (target=PATH)", spec);
	return r.type == T_TMPFS ? as_tmpfs(p, &r, spec, e) : as_volume(p, &r, spec, e);
}
