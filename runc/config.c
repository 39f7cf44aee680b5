// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - config.json into eci's spec, and into the policy's request
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "runc.h"
#include "subid.h"
#include "util.h"

static const char *const standard[] = {
	"/proc", "/dev", "/dev/pts", "/dev/shm", "/dev/mqueue", "/sys", "/sys/fs/cgroup",
};

static bool is_standard(const char *dst)
{
	for (size_t i = 0; i < sizeof(standard) / sizeof(standard[0]); i++)
		if (!strcmp(dst, standard[i]))
			return true;
	return false;
}

/* mnt_reserved_dst() of @dst as the mount would be made */
static const char *reserved(const char *dst)
{
	char clean[PATH_MAX + 2];

	return strlen(dst) < PATH_MAX && mnt_clean_path(dst, clean) == 0 ? mnt_reserved_dst(clean)
									 : NULL;
}

static bool has_option(json_t *opts, const char *o)
{
	size_t i;
	json_t *v;

	json_array_foreach(opts, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), o))
			return true;
	return false;
}

/*
 * A namespace named by path is kept, for nsjoin.c to judge what it is; a
 * mount namespace is never joined (the container's view is its own).  A namespace left out is the host's, which the policy's gate
 * judges (rc->host_ns); a user namespace of the engine's is ignored: eci
 * makes its own, or shares the one of the container it joins.
 */
static int check_namespaces(struct rconfig *rc, json_t *list, struct eci_err *e)
{
	static const char *const needed[] = { "mount", "pid", "ipc", "uts", "network" };
	size_t i;
	json_t *ns;

	json_array_foreach(list, i, ns) {
		const char *type = json_string_value(json_object_get(ns, "type"));
		const char *path = json_string_value(json_object_get(ns, "path"));
		int k;

		if (!type || !path || !strcmp(type, "user"))
			continue;
		k = runc_ns_kind(type);
		if (k < 0)
			return eci_fail(e, 0, "config.json linux.namespaces %s path %s: joining a "
					"%s namespace is not supported by eci-runc", type, path, type);
		free(rc->ns_path[k]);
		rc->ns_path[k] = strdup(path);
		if (!rc->ns_path[k])
			return eci_fail(e, ENOMEM, "config.json linux.namespaces");
	}
	rc->nhost_ns = 0;
	for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++) {
		bool found = false;

		json_array_foreach(list, i, ns)
			found |= !strcmp(json_string_value(json_object_get(ns, "type")) ?: "", needed[k]);
		if (!found)
			rc->host_ns[rc->nhost_ns++] = (struct pol_host_ns){ .ns = needed[k],
									    .flag = "config.json" };
	}
	return 0;
}

/*
 * Every set of process.capabilities asks for what it lists: the gate
 * judges each against the ceiling (one that holds a capability only in
 * its ambient set still asked for it).  The workload gets each set as
 * listed, within the bounding set the gate leaves (runc_check_host()).
 */
static int capabilities(struct rconfig *rc, struct spec *s, json_t *caps, struct eci_err *e)
{
	static const char *const sets[RUNC_CAP_SETS][2] = {
		{ "bounding", "config.json process.capabilities.bounding" },
		{ "effective", "config.json process.capabilities.effective" },
		{ "inheritable", "config.json process.capabilities.inheritable" },
		{ "permitted", "config.json process.capabilities.permitted" },
		{ "ambient", "config.json process.capabilities.ambient" },
	};
	struct eci_err ignored;

	for (size_t k = 0; k < RUNC_CAP_SETS; k++) {
		struct pol_caps *a = &rc->cap_ask[k];
		size_t i;
		json_t *v;

		*a = (struct pol_caps){ .flag = sets[k][1] };
		json_array_foreach(json_object_get(caps, sets[k][0]), i, v) {
			uint64_t m;

			/* a name this kernel does not know cannot be held: ignored */
			if (json_is_string(v) &&
			    caps_parse("capability", json_string_value(v), &m, &ignored) == 0)
				a->caps |= m;
		}
	}
	s->caps = rc->cap_ask[0].caps;
	s->oci.caps_set = true;
	s->oci.effective = rc->cap_ask[1].caps;
	s->oci.inheritable = rc->cap_ask[2].caps;
	s->oci.permitted = rc->cap_ask[3].caps;
	s->oci.ambient = rc->cap_ask[4].caps;
	/* what the kernel would refuse, refused by name first */
	if (s->oci.effective & ~s->oci.permitted)
		return eci_fail(e, 0, "config.json process.capabilities.effective: a capability that "
				"is not in permitted");
	/* as runc: an ambient capability the kernel will not raise (not in
	 * both permitted and inheritable, as in `runc spec`'s own default) is
	 * left out, and the log says so */
	if (s->oci.ambient & ~(s->oci.permitted & s->oci.inheritable)) {
		runc_warn("config.json process.capabilities.ambient: a capability not in both "
			  "permitted and inheritable is not raised");
		s->oci.ambient &= s->oci.permitted & s->oci.inheritable;
	}
	return 0;
}

/* process.user.additionalGids: exactly the groups the process gets. */
static int groups(struct spec *s, json_t *gids, struct eci_err *e)
{
	size_t i;
	json_t *v;

	s->oci.groups_set = true;
	if (json_array_size(gids) > SPEC_MAX_GROUPS)
		return eci_fail(e, 0, "config.json process.user.additionalGids: more than %d groups",
				SPEC_MAX_GROUPS);
	json_array_foreach(gids, i, v) {
		json_int_t g = json_integer_value(v);

		if (!json_is_integer(v) || g < 0 || g >= SUBID_SLOT)
			return eci_fail(e, 0, "config.json process.user.additionalGids: group %s is "
					"outside the container's ids (0 to %u)",
					json_is_integer(v) ? "given" : "not a number", SUBID_SLOT - 1);
		s->oci.groups[s->oci.ngroups++] = (gid_t)g;
	}
	return 0;
}

/* process.rlimits: [{"type": "RLIMIT_NOFILE", "soft": N, "hard": N}, …] */
static int rlimits(struct spec_oci *o, json_t *list, const char *where, struct eci_err *e)
{
	size_t i;
	json_t *v;

	json_array_foreach(list, i, v) {
		const char *type = json_string_value(json_object_get(v, "type")) ?: "";
		json_t *soft = json_object_get(v, "soft"), *hard = json_object_get(v, "hard");
		int res = rlimit_resource(type);

		if (res < 0)
			return eci_fail(e, 0, "%s.rlimits: unknown type \"%s\"", where, type);
		if (!json_is_integer(soft) || !json_is_integer(hard) ||
		    (uint64_t)json_integer_value(soft) > (uint64_t)json_integer_value(hard))
			return eci_fail(e, 0, "%s.rlimits %s: soft and hard must be numbers, soft at "
					"most hard", where, type);
		if (o->nrlimits == SPEC_MAX_RLIMITS)
			return eci_fail(e, 0, "%s.rlimits: too many", where);
		/* jansson reads 2^64-1 (unlimited) as -1: the same bits */
		o->rlimit[o->nrlimits++] = (struct spec_rlimit){
			.resource = res, .soft = (uint64_t)json_integer_value(soft),
			.hard = (uint64_t)json_integer_value(hard) };
	}
	return 0;
}

/*
 * The members of process eci-runc does not apply: refused when they ask
 * for something (AppArmor and SELinux are not enabled by eci; the
 * scheduling ones are not carried out).
 */
static int unapplied(json_t *p, const char *where, struct eci_err *e)
{
	static const char *const keys[] = { "apparmorProfile", "selinuxLabel", "ioPriority",
					    "scheduler", "execCPUAffinity" };

	for (size_t i = 0; i < ARRAY_SIZE(keys); i++) {
		json_t *v = json_object_get(p, keys[i]);

		if (v && !json_is_null(v) && !(json_is_string(v) && !json_string_length(v)))
			return eci_fail(e, 0, "%s.%s: not supported by eci-runc", where, keys[i]);
	}
	return 0;
}

int runc_process_more(json_t *p, struct spec_oci *o, unsigned short *rows, unsigned short *cols,
		      const char *where, struct eci_err *e)
{
	json_t *oom = json_object_get(p, "oomScoreAdj"), *user = json_object_get(p, "user");
	json_t *umask_ = json_object_get(user, "umask"), *size = json_object_get(p, "consoleSize");

	if (oom && !json_is_null(oom)) {
		if (!json_is_integer(oom) || json_integer_value(oom) < -1000 ||
		    json_integer_value(oom) > 1000)
			return eci_fail(e, 0, "%s.oomScoreAdj: not from -1000 to 1000", where);
		o->oom_set = true;
		o->oom_score_adj = (int)json_integer_value(oom);
	}
	if (umask_ && !json_is_null(umask_)) {
		if (!json_is_integer(umask_) || json_integer_value(umask_) < 0 ||
		    json_integer_value(umask_) > 0777)
			return eci_fail(e, 0, "%s.user.umask: not from 0 to 0777", where);
		o->umask = (int)json_integer_value(umask_);
	}
	if (size && !json_is_null(size)) {
		json_int_t h = json_integer_value(json_object_get(size, "height"));
		json_int_t w = json_integer_value(json_object_get(size, "width"));

		if (h < 0 || w < 0 || h > 65535 || w > 65535)
			return eci_fail(e, 0, "%s.consoleSize: out of range", where);
		*rows = (unsigned short)h;
		*cols = (unsigned short)w;
	}
	if (rlimits(o, json_object_get(p, "rlimits"), where, e) < 0)
		return -1;
	return unapplied(p, where, e);
}

/*
 * The image's identity, where the engine passes it: containerd's name
 * for it, else the OCI reference annotation; a digest is taken when the
 * name carries one (NAME@sha256:HEX).  dockerd 20.10 passes neither.
 */
static void image_identity(struct rconfig *rc, json_t *annotations)
{
	static const char *const keys[] = { "io.containerd.image.name",
					    "org.opencontainers.image.ref.name" };
	const char *name = NULL, *at;

	rc->image[0] = rc->image_digest[0] = '\0';
	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]) && !name; k++) {
		name = json_string_value(json_object_get(annotations, keys[k]));
		name = name && *name ? name : NULL;
	}
	if (!name)
		return;
	at = strstr(name, "@sha256:");
	if (at && strlen(at + 8) == 64 && strspn(at + 8, "0123456789abcdef") == 64)
		snprintf(rc->image_digest, sizeof(rc->image_digest), "%s", at + 1);
	else
		at = NULL;
	snprintf(rc->image, sizeof(rc->image), "%.*s", at ? (int)(at - name) : (int)strlen(name),
		 name);
}

static int process(struct rconfig *rc, json_t *p, struct spec *s, struct eci_err *e)
{
	json_t *args = json_object_get(p, "args"), *env = json_object_get(p, "env"), *v;
	json_t *user = json_object_get(p, "user");
	static char userbuf[64];
	size_t i;

	if (!json_is_array(args) || !json_array_size(args))
		return eci_fail(e, 0, "config.json: process.args is empty");
	s->argv = calloc(json_array_size(args) + 1, sizeof(char *));
	if (!s->argv)
		return eci_fail(e, ENOMEM, "config.json");
	json_array_foreach(args, i, v)
		s->argv[i] = strdup(json_string_value(v) ?: "");
	json_array_foreach(env, i, v)
		if (json_is_string(v) && env_set(s, json_string_value(v), true) < 0)
			return eci_fail(e, ENOMEM, "config.json");
	s->home_set = true;
	s->workdir = strdup(json_string_value(json_object_get(p, "cwd")) ?: "/");
	snprintf(userbuf, sizeof(userbuf), "%lld:%lld",
		 json_integer_value(json_object_get(user, "uid")),
		 json_integer_value(json_object_get(user, "gid")));
	s->user = userbuf;
	s->tty = json_is_true(json_object_get(p, "terminal"));
	s->interactive = true;	/* the shim's stdin is the container's */
	s->no_new_privs = s->no_new_privs || json_is_true(json_object_get(p, "noNewPrivileges"));
	if (capabilities(rc, s, json_object_get(p, "capabilities"), e) < 0 ||
	    groups(s, json_object_get(user, "additionalGids"), e) < 0 ||
	    runc_process_more(p, &s->oci, &s->tty_rows, &s->tty_cols, "config.json process", e) < 0)
		return -1;
	return user_check(s->user, e);
}

static void free_tmpfs(struct mnt_tmpfs *t)
{
	free(t->dst);
	free(t->size);
	free(t->mode);
	t->dst = t->size = t->mode = NULL;
}

/*
 * A tmpfs's options: what mnt_parse_tmpfs() takes (size=, mode=, ro, rw,
 * [no]exec, [no]suid, [no]dev, the atime ones), propagation private (eci's
 * mounts are private in any case); anything else is refused by name.
 * Executable unless noexec is listed, as runc mounts it (Docker lists
 * noexec unless asked for exec); nosuid and nodev unless suid or dev is.
 */
static int tmpfs(char *spec, size_t size, struct mnt_tmpfs *t, const char *dst, json_t *opts,
		 struct eci_err *e)
{
	size_t i, n;
	json_t *v;

	n = (size_t)snprintf(spec, size, "%.4096s:exec", dst);
	json_array_foreach(opts, i, v) {
		const char *o = json_string_value(v) ?: "";

		if (!strcmp(o, "private") || !strcmp(o, "rprivate"))
			continue;
		if (!*o || strchr(o, ':') || n + strlen(o) + 2 > size)
			return eci_fail(e, 0, "config.json mounts %s: tmpfs option \"%s\" is not "
					"supported by eci-runc", dst, o);
		n += (size_t)snprintf(spec + n, size - n, "%s%s", spec[n - 1] == ':' ? "" : ",", o);
	}
	if (mnt_parse_tmpfs(t, spec, e) < 0) {
		char why[sizeof(e->msg)];

		snprintf(why, sizeof(why), "%s", strstr(e->msg, ": ") ? strstr(e->msg, ": ") + 2 : e->msg);
		return eci_fail(e, 0, "config.json mounts %s (tmpfs): %s", dst, why);
	}
	return 0;
}

/* /dev/shm is eci's own (mounts/dev.c), of the size and mode asked for. */
static int shm(struct rconfig *rc, struct spec *s, json_t *opts, struct eci_err *e)
{
	free_tmpfs(&rc->shm);	/* a second entry replaces the first */
	if (tmpfs(rc->shm_spec, sizeof(rc->shm_spec), &rc->shm, "/dev/shm", opts, e) < 0)
		return -1;
	s->mnt.shm_size = rc->shm.size;
	s->mnt.shm_mode = rc->shm.mode;
	return 0;
}

/*
 * A bind's options: ro and noexec as asked; nosuid and nodev always (a
 * bind is never a way to a set-id file or a device); propagation private,
 * as all of eci's mounts are.  Anything else is refused by name.
 */
static int bind_options(const char *dst, json_t *opts, struct eci_err *e)
{
	static const char *const known[] = { "bind", "rbind", "ro", "rw", "nosuid", "nodev",
					     "noexec", "exec", "private", "rprivate", "defaults" };
	size_t i, k;
	json_t *v;

	json_array_foreach(opts, i, v) {
		const char *o = json_string_value(v) ?: "";

		for (k = 0; k < ARRAY_SIZE(known) && strcmp(o, known[k]); k++)
			;
		if (k == ARRAY_SIZE(known))
			return eci_fail(e, 0, "config.json mounts %s: bind option \"%s\" is not "
					"supported by eci-runc", dst, o);
	}
	return 0;
}

static int one_mount(struct rconfig *rc, struct spec *s, json_t *m, struct eci_err *e)
{
	const char *dst = json_string_value(json_object_get(m, "destination"));
	const char *type = json_string_value(json_object_get(m, "type")) ?: "bind";
	const char *src = json_string_value(json_object_get(m, "source"));
	json_t *opts = json_object_get(m, "options");
	const char *why;
	struct stat st;
	int fd;

	if (!dst || dst[0] != '/')
		return eci_fail(e, 0, "config.json: a mount has no absolute destination");
	if (!strcmp(dst, "/dev/shm") && !strcmp(type, "tmpfs"))
		return shm(rc, s, opts, e);
	/* A writable /sys/fs/cgroup (docker's --privileged, or -v
	 * /sys/fs/cgroup:/sys/fs/cgroup:rw): the container's own delegated
	 * cgroups writable, never the host's tree, which no path gives. */
	if (!strcmp(dst, "/sys/fs/cgroup") && !has_option(opts, "ro"))
		s->mnt.cgroup_rw = true;
	if (is_standard(dst))
		return 0;	/* eci's system view provides these, locked */
	why = reserved(dst);
	if (why)
		return eci_fail(e, 0, "config.json mounts %s: nothing is mounted on or below %s", dst,
				why);
	if (!strcmp(type, "tmpfs")) {
		struct mnt_tmpfs *t;

		if (s->mnt.ntmpfs == MNT_MAX_TMPFS)
			return eci_fail(e, 0, "config.json: too many tmpfs mounts");
		t = &s->mnt.tmpfs[s->mnt.ntmpfs];
		s->mnt.ntmpfs++;	/* counted first: a half-parsed entry is freed too */
		return tmpfs(rc->tmpfs_spec[s->mnt.ntmpfs - 1], sizeof(rc->tmpfs_spec[0]), t, dst,
			     opts, e);
	}
	if (!has_option(opts, "bind") && !has_option(opts, "rbind") && strcmp(type, "bind"))
		return eci_fail(e, 0, "config.json: mounts of type %s (%s) are not supported", type, dst);
	if (rc->nbinds == RUNC_MAX_BINDS)
		return eci_fail(e, 0, "config.json: too many bind mounts");
	if (bind_options(dst, opts, e) < 0)
		return -1;
	/* Opened once, following symlinks as runc's mount(2) would: from
	 * here on the check and the mount are of this open file. */
	fd = src ? open(src, O_PATH | O_CLOEXEC) : -1;
	if (fd < 0 || fstat(fd, &st) < 0) {
		int err = src ? errno : EINVAL;

		if (fd >= 0)
			close(fd);
		return eci_fail(e, err, "mount source %s", src ? src : "(none)");
	}
	rc->bind[rc->nbinds++] = (struct rbind){ .src = strdup(src), .dst = strdup(dst),
						  .ro = has_option(opts, "ro"),
						  .noexec = has_option(opts, "noexec"),
						  .dir = S_ISDIR(st.st_mode), .fd = fd };
	return 0;
}

/*
 * The policy's gate (policy/gate.c), once create has told the container's
 * own storage from other host paths (classify()): capabilities, host
 * namespaces and the image from config.json, the host paths to be bound,
 * and the engine that runs us (getppid()), which must not listen on TCP
 * without TLS.  Then what is eci-runc's own: it cannot share a host
 * namespace even where the policy would, and it builds the seccomp
 * filter against the capabilities the gate left.
 */
int runc_check_host(struct rconfig *rc, struct spec *s, struct eci_err *e)
{
	static struct pol_mount mounts[RUNC_MAX_BINDS];
	static struct pol_device devs[RUNC_MAX_BINDS];
	static char flags[RUNC_MAX_BINDS][PATH_MAX + 32];
	struct pol_request r = {
		.image = rc->image[0] ? rc->image : NULL,
		.digest = rc->image_digest[0] ? rc->image_digest : NULL,
		.asks = rc->cap_ask, .nasks = RUNC_CAP_SETS, .caps = s->caps,
		.host_ns = rc->host_ns, .nhost_ns = rc->nhost_ns,
		.mounts = mounts, .devices = devs, .engine = getppid(),
	};
	bool volume = false;

	for (size_t i = 0; i < rc->nbinds; i++) {
		struct rbind *b = &rc->bind[i];

		if (b->device) {
			snprintf(flags[i], sizeof(flags[0]), "config.json linux.devices %.4000s",
				 b->src);
			devs[r.ndevices++] = (struct pol_device){ .fd = b->fd, .flag = flags[i] };
			continue;
		}
		if (b->kind == RBIND_STORAGE) {
			if (b->dir && !b->ro)
				volume = true;
			continue;	/* this container's own files and volumes */
		}
		snprintf(flags[i], sizeof(flags[0]), "mount %.4000s", b->src);
		mounts[r.nmounts] = (struct pol_mount){ .fd = b->fd, .flag = flags[i] };
		r.nmounts++;
		rc->setid_guard |= !b->ro;
	}
	if (policy_gate(&s->policy, &r, e) < 0)
		return -1;
	if (rc->nhost_ns)
		return eci_fail(e, 0, "config.json: the host %s namespace: eci-runc always gives a "
				"container its own", rc->host_ns[0].ns);
	s->caps = r.caps;
	/*
	 * A writable named volume is idmapped: what container root leaves
	 * there is host root's on disk, and outlives the container.  So no
	 * set-id bit there either, and no file capability: set through an
	 * idmapped mount, security.capability is stored for host root (v2),
	 * valid in every namespace, and seccomp cannot tell that xattr by name.
	 */
	if (volume) {
		rc->setid_guard = true;
		if (s->caps & (1ULL << CAP_SETFCAP))
			policy_audit(&s->policy, "downgraded", POL_NKEYS, r.image, "engine container "
				     "with a writable volume: CAP_SETFCAP dropped");
		s->caps &= ~(1ULL << CAP_SETFCAP);
	}
	/* no set beyond the bounding set left now */
	s->oci.effective &= s->caps;
	s->oci.permitted &= s->caps;
	s->oci.inheritable &= s->caps;
	s->oci.ambient &= s->caps;
	if (rc->setid_guard && sc_build_setid_guard(&s->setid_guard, e) < 0)
		return -1;
	return sc_default(s->caps, &s->seccomp, e);
}

/* --- linux.resources ------------------------------------------------------ */

/*
 * What each member of linux.resources becomes: a field of struct
 * cg_limits, or nothing — a member eci-runc does not apply is refused
 * unless it asks for nothing (zero, false, empty, null), as an engine
 * passes members it leaves unset.  devices: eci's /dev is its own, fixed
 * set (mounts/dev.c), never the host's nodes, so the device rules add
 * nothing to it.
 */
enum res_kind { R_LL, R_ULL, R_UINT, R_STR, R_BOOL, R_SWAPPINESS, R_UNSET, R_ANY };

struct res_field {
	const char *name;
	enum res_kind kind;
	size_t off;
};

#define L(f) offsetof(struct cg_limits, f)
static const struct res_field memory_fields[] = {
	{ "limit", R_LL, L(memory) },	      { "reservation", R_LL, L(memory_reservation) },
	{ "swap", R_LL, L(memory_swap) },     { "swappiness", R_SWAPPINESS, L(swappiness) },
	{ "disableOOMKiller", R_BOOL, L(no_oom_kill) }, { "kernel", R_UNSET, 0 },
	{ "kernelTCP", R_UNSET, 0 },	      { "useHierarchy", R_ANY, 0 },
	{ "checkBeforeUpdate", R_UNSET, 0 },  { NULL, R_ANY, 0 },
};
static const struct res_field cpu_fields[] = {
	{ "shares", R_ULL, L(cpu_shares) },   { "quota", R_LL, L(cpu_quota) },
	{ "period", R_ULL, L(cpu_period) },   { "cpus", R_STR, L(cpus) },
	{ "mems", R_STR, L(mems) },	      { "burst", R_UNSET, 0 },
	{ "realtimeRuntime", R_UNSET, 0 },    { "realtimePeriod", R_UNSET, 0 },
	{ "idle", R_UNSET, 0 },		      { NULL, R_ANY, 0 },
};
static const struct res_field pids_fields[] = {
	{ "limit", R_LL, L(pids) }, { NULL, R_ANY, 0 },
};
static const struct res_field blkio_fields[] = {
	{ "weight", R_UINT, L(blkio_weight) },	{ "leafWeight", R_UNSET, 0 },
	{ "weightDevice", R_UNSET, 0 },		{ "throttleReadBpsDevice", R_UNSET, 0 },
	{ "throttleWriteBpsDevice", R_UNSET, 0 }, { "throttleReadIOPSDevice", R_UNSET, 0 },
	{ "throttleWriteIOPSDevice", R_UNSET, 0 }, { NULL, R_ANY, 0 },
};
#undef L

/* Does @v ask for nothing: null, 0, false, "", [], {} (of nothing)? */
static bool asks_nothing(json_t *v)
{
	const char *k;
	json_t *m;

	if (json_is_object(v)) {
		json_object_foreach(v, k, m)
			if (!asks_nothing(m))
				return false;
		return true;
	}
	return json_is_null(v) || json_is_false(v) || (json_is_integer(v) && !json_integer_value(v)) ||
	       (json_is_real(v) && json_real_value(v) == 0) ||
	       (json_is_string(v) && !json_string_length(v)) ||
	       (json_is_array(v) && !json_array_size(v));
}

static int res_value(const struct res_field *f, json_t *v, struct cg_limits *l, const char *path,
		     struct eci_err *e)
{
	char *at = (char *)l + f->off;
	json_int_t n = json_integer_value(v);

	if (json_is_null(v))
		return 0;
	switch (f->kind) {
	case R_ANY:
		return 0;
	case R_UNSET:
		return asks_nothing(v) ? 0 : eci_fail(e, 0, "%s: not supported by eci-runc", path);
	case R_BOOL:
		if (!json_is_boolean(v))
			break;
		*(bool *)at = json_is_true(v);
		return 0;
	case R_STR:
		if (!json_is_string(v))
			break;
		if (!(*(char **)at = strdup(json_string_value(v))))
			return eci_fail(e, ENOMEM, "%s", path);
		return 0;
	default:
		if (!json_is_integer(v) || (f->kind != R_LL && n < 0) ||
		    (f->kind == R_LL && n < -1) || (f->kind == R_UINT && n > 65535) ||
		    (f->kind == R_SWAPPINESS && n > 100))
			break;
		if (f->kind == R_ULL)
			*(unsigned long long *)at = (unsigned long long)n;
		else if (f->kind == R_UINT)
			*(unsigned *)at = (unsigned)n;
		else
			*(long long *)at = n;
		return 0;
	}
	return eci_fail(e, 0, "%s: invalid value", path);
}

static int res_object(json_t *o, const struct res_field *fields, struct cg_limits *l,
		      const char *where, struct eci_err *e)
{
	const char *k;
	json_t *v;

	if (o && !json_is_object(o) && !json_is_null(o))
		return eci_fail(e, 0, "%s: not an object", where);
	json_object_foreach(o, k, v) {
		char path[256];
		size_t i = 0;

		snprintf(path, sizeof(path), "%s.%.64s", where, k);
		while (fields[i].name && strcmp(fields[i].name, k))
			i++;
		if (!fields[i].name) {
			if (!asks_nothing(v))
				return eci_fail(e, 0, "%s: not supported by eci-runc", path);
			continue;
		}
		if (res_value(&fields[i], v, l, path, e) < 0)
			return -1;
	}
	return 0;
}

int runc_resources(json_t *res, struct cg_limits *l, const char *where, struct eci_err *e)
{
	static const struct {
		const char *name;
		const struct res_field *fields;
	} parts[] = {
		{ "memory", memory_fields }, { "cpu", cpu_fields }, { "pids", pids_fields },
		{ "blockIO", blkio_fields },
	};
	const char *k;
	json_t *v;

	memset(l, 0, sizeof(*l));
	l->swappiness = -1;
	if (res && !json_is_object(res) && !json_is_null(res))
		return eci_fail(e, 0, "%s: not an object", where);
	json_object_foreach(res, k, v) {
		char path[128];
		size_t i = 0;

		snprintf(path, sizeof(path), "%s.%.64s", where, k);
		if (!strcmp(k, "devices"))
			continue;	/* eci's /dev is fixed: see above */
		while (i < ARRAY_SIZE(parts) && strcmp(parts[i].name, k))
			i++;
		if (i < ARRAY_SIZE(parts) && res_object(v, parts[i].fields, l, path, e) < 0)
			return -1;
		if (i == ARRAY_SIZE(parts) && !asks_nothing(v))
			return eci_fail(e, 0, "%s: not supported by eci-runc", path);
	}
	return 0;
}

static int resources(struct rconfig *rc, json_t *linux_, struct eci_err *e)
{
	snprintf(rc->cgroups_path, sizeof(rc->cgroups_path), "%s",
		 json_string_value(json_object_get(linux_, "cgroupsPath")) ?: "");
	return runc_resources(json_object_get(linux_, "resources"), &rc->limits,
			      "config.json linux.resources", e);
}

/* linux.sysctl: checked now (core/sysctl.c), written by pid 1 */
static int sysctls(struct spec *s, json_t *map, struct eci_err *e)
{
	const char *k;
	json_t *v;

	json_object_foreach(map, k, v) {
		const char *val = json_string_value(v);

		if (!val)
			return eci_fail(e, 0, "config.json linux.sysctl %s: the value is not a string", k);
		if (sysctl_check(k, val, e) < 0)
			return -1;
		if (s->oci.nsysctls == SPEC_MAX_SYSCTLS)
			return eci_fail(e, 0, "config.json linux.sysctl: more than %d", SPEC_MAX_SYSCTLS);
		s->oci.sysctl[s->oci.nsysctls++] = (struct spec_sysctl){ .key = strdup(k),
									 .value = strdup(val) };
	}
	s->mnt.keep_procsys = s->oci.nsysctls > 0;
	return 0;
}

/*
 * What eci-runc does not carry out, refused when config.json asks for it:
 * hooks of the stages it does not run (it runs prestart and
 * createRuntime), SELinux and Intel RDT, a personality, time offsets,
 * network devices, a memory policy, shared or slave propagation of the
 * root (eci's mounts are private to the container).
 */
/*
 * linux.devices: host device nodes the engine gives (docker run --device).
 * Each is the node at its path on the host, opened once and checked to be
 * the device config.json names; the policy's gate judges it by what it is
 * (allowedDevices, empty by default: refused, naming the setting), and it
 * is bound as it is, nosuid and noexec (mknod means nothing in a user
 * namespace).  --privileged asks for every host device at once (a device
 * rule that allows all, linux.resources.devices): under enhanced container
 * isolation, privileged is privileged inside the container's own user
 * namespace, and its /dev stays eci's own (mounts/dev.c), as Docker's ECI
 * does; its device list is then not given, and the log says so.
 */
static bool all_devices(json_t *linux_)
{
	size_t i;
	json_t *r;

	json_array_foreach(json_object_get(json_object_get(linux_, "resources"), "devices"), i, r) {
		const char *type = json_string_value(json_object_get(r, "type"));

		if (json_is_true(json_object_get(r, "allow")) && (!type || !strcmp(type, "a")) &&
		    !json_object_get(r, "major") && !json_object_get(r, "minor"))
			return true;
	}
	return false;
}

static int devices(struct rconfig *rc, json_t *linux_, struct eci_err *e)
{
	json_t *list = json_object_get(linux_, "devices"), *d;
	size_t i;

	if (!json_array_size(list))
		return 0;
	if (all_devices(linux_)) {
		runc_warn("config.json linux.devices: the host's devices of a privileged container are "
			  "not given under enhanced container isolation (its /dev is its own)");
		return 0;
	}
	json_array_foreach(list, i, d) {
		const char *path = json_string_value(json_object_get(d, "path"));
		const char *type = json_string_value(json_object_get(d, "type")) ?: "";
		long long maj = json_integer_value(json_object_get(d, "major"));
		long long min = json_integer_value(json_object_get(d, "minor"));
		struct stat st;
		int fd;

		if (!path || path[0] != '/' || (strcmp(type, "c") && strcmp(type, "b")))
			return eci_fail(e, 0, "config.json linux.devices[%zu]: expected an absolute path "
					"and type c or b", i);
		if (rc->nbinds == RUNC_MAX_BINDS)
			return eci_fail(e, 0, "config.json: too many bind mounts and devices");
		fd = open(path, O_PATH | O_CLOEXEC);
		if (fd < 0 || fstat(fd, &st) < 0 ||
		    (type[0] == 'c' ? !S_ISCHR(st.st_mode) : !S_ISBLK(st.st_mode)) ||
		    st.st_rdev != makedev((unsigned)maj, (unsigned)min)) {
			if (fd >= 0)
				close(fd);
			return eci_fail(e, 0, "config.json linux.devices %s (%s %lld:%lld): no such "
					"device node at that path on the host", path, type, maj, min);
		}
		rc->bind[rc->nbinds++] = (struct rbind){ .src = strdup(path), .dst = strdup(path),
							  .device = true, .fd = fd };
	}
	return 0;
}

static int unapplied_linux(json_t *cfg, json_t *linux_, struct eci_err *e)
{
	static const char *const keys[] = { "mountLabel", "intelRdt", "personality", "timeOffsets",
					    "netDevices", "memoryPolicy" };
	const char *prop = json_string_value(json_object_get(linux_, "rootfsPropagation"));
	const char *k;
	json_t *v;

	json_object_foreach(json_object_get(cfg, "hooks"), k, v)
		if (strcmp(k, "prestart") && strcmp(k, "createRuntime") && json_array_size(v))
			return eci_fail(e, 0, "config.json hooks.%s: not supported by eci-runc (it runs "
					"prestart and createRuntime hooks)", k);
	for (size_t i = 0; i < ARRAY_SIZE(keys); i++)
		if (!asks_nothing(json_object_get(linux_, keys[i]) ?: json_null()))
			return eci_fail(e, 0, "config.json linux.%s: not supported by eci-runc", keys[i]);
	if (prop && *prop && strcmp(prop, "private") && strcmp(prop, "rprivate"))
		return eci_fail(e, 0, "config.json linux.rootfsPropagation %s: not supported by "
				"eci-runc (the container's mounts are private)", prop);
	return 0;
}

int runc_load_config(struct rconfig *rc, struct spec *s, struct eci_err *e)
{
	char path[4200];
	json_error_t je;
	json_auto_t *cfg = NULL;
	json_t *linux_, *m, *root;
	size_t i;

	snprintf(path, sizeof(path), "%s/config.json", rc->bundle);
	cfg = json_load_file(path, 0, &je);
	if (!cfg)
		return eci_fail(e, 0, "%s: line %d column %d: %s", path, je.line, je.column, je.text);
	linux_ = json_object_get(cfg, "linux");
	root = json_object_get(cfg, "root");
	snprintf(rc->rootfs, sizeof(rc->rootfs), "%s", json_string_value(json_object_get(root, "path")) ?: "");
	if (rc->rootfs[0] != '/')	/* relative to the bundle */
		snprintf(rc->rootfs, sizeof(rc->rootfs), "%.3000s/%.1000s", rc->bundle,
			 json_string_value(json_object_get(root, "path")) ?: "rootfs");
	rc->readonly_root = json_is_true(json_object_get(root, "readonly"));
	snprintf(s->hostname, sizeof(s->hostname), "%.64s",
		 json_string_value(json_object_get(cfg, "hostname")) ?: s->id);
	s->mnt.read_only = rc->readonly_root;
	s->mnt.engine = true;
	s->mnt.sys_late = true;		/* in the workload's network namespace */
	if (check_namespaces(rc, json_object_get(linux_, "namespaces"), e) < 0 ||
	    process(rc, json_object_get(cfg, "process"), s, e) < 0 || resources(rc, linux_, e) < 0 ||
	    sysctls(s, json_object_get(linux_, "sysctl"), e) < 0 || devices(rc, linux_, e) < 0 ||
	    unapplied_linux(cfg, linux_, e) < 0)
		return -1;
	image_identity(rc, json_object_get(cfg, "annotations"));
	json_array_foreach(json_object_get(cfg, "mounts"), i, m)
		if (one_mount(rc, s, m, e) < 0)
			return -1;
	rc->hooks = json_incref(json_object_get(cfg, "hooks"));
	return 0;
}

void runc_free_config(struct rconfig *rc, struct spec *s)
{
	for (char **a = s->argv; a && *a; a++)
		free(*a);
	free(s->argv);
	s->argv = NULL;
	env_free(s);
	free(s->seccomp.insns);
	free(s->setid_guard.insns);
	s->seccomp.insns = s->setid_guard.insns = NULL;
	free((char *)s->workdir);
	s->workdir = NULL;
	for (size_t i = 0; i < rc->nbinds; i++) {
		free(rc->bind[i].src);
		free(rc->bind[i].dst);
		if (rc->bind[i].fd >= 0)
			close(rc->bind[i].fd);
	}
	rc->nbinds = 0;
	mnt_plan_free(&s->mnt);
	free_tmpfs(&rc->shm);
	s->mnt.shm_size = s->mnt.shm_mode = NULL;
	for (size_t i = 0; i < s->oci.nsysctls; i++) {
		free(s->oci.sysctl[i].key);
		free(s->oci.sysctl[i].value);
	}
	s->oci.nsysctls = 0;
	free((char *)rc->limits.cpus);
	free((char *)rc->limits.mems);
	rc->limits.cpus = rc->limits.mems = NULL;
	json_decref(rc->hooks);
	rc->hooks = NULL;
	runc_join_free(rc);
}
