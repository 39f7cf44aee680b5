// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * config.c - config.json into eci's spec, with eci's rules applied
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/capability.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine.h"
#include "runc.h"

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

static bool has_option(json_t *opts, const char *o)
{
	size_t i;
	json_t *v;

	json_array_foreach(opts, i, v)
		if (json_is_string(v) && !strcmp(json_string_value(v), o))
			return true;
	return false;
}

/* Host namespaces and namespace paths are refused; a user namespace of
 * the engine's is ignored: eci always makes its own. */
static int check_namespaces(const struct policy *p, json_t *list, struct eci_err *e)
{
	static const char *const needed[] = { "mount", "pid", "ipc", "uts", "network" };
	size_t i;
	json_t *ns;

	json_array_foreach(list, i, ns) {
		const char *type = json_string_value(json_object_get(ns, "type"));

		if (type && strcmp(type, "user") && json_object_get(ns, "path"))
			return eci_fail(e, 0, "joining the %s namespace %s is not allowed under "
					"enhanced container isolation", type,
					json_string_value(json_object_get(ns, "path")));
	}
	for (size_t k = 0; k < sizeof(needed) / sizeof(needed[0]); k++) {
		bool found = false;

		json_array_foreach(list, i, ns)
			found |= !strcmp(json_string_value(json_object_get(ns, "type")) ?: "", needed[k]);
		/* eci-runc always makes them: a policy that would let the
		 * host's be shared still gets none */
		if (!found && policy_check_host_ns(p, needed[k], "config.json", NULL, e) == 0)
			return eci_fail(e, 0, "config.json: the host %s namespace: eci-runc always "
					"gives a container its own", needed[k]);
		if (!found)
			return -1;
	}
	return 0;
}

static int process(json_t *p, struct spec *s, struct eci_err *e)
{
	json_t *args = json_object_get(p, "args"), *env = json_object_get(p, "env"), *v;
	json_t *user = json_object_get(p, "user"), *bnd;
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
	s->caps = 0;
	bnd = json_object_get(json_object_get(p, "capabilities"), "bounding");
	json_array_foreach(bnd, i, v) {
		uint64_t m;

		if (json_is_string(v) && caps_parse("capability", json_string_value(v), &m, e) == 0)
			s->caps |= m;
	}
	return user_check(s->user, e);
}

static int one_mount(struct rconfig *rc, struct spec *s, json_t *m, struct eci_err *e)
{
	const char *dst = json_string_value(json_object_get(m, "destination"));
	const char *type = json_string_value(json_object_get(m, "type")) ?: "bind";
	const char *src = json_string_value(json_object_get(m, "source"));
	json_t *opts = json_object_get(m, "options");
	struct stat st;
	int fd;

	if (!dst || dst[0] != '/')
		return eci_fail(e, 0, "config.json: a mount has no absolute destination");
	if (is_standard(dst))
		return 0;	/* eci's system view provides these, locked */
	if (!strcmp(type, "tmpfs")) {
		struct mnt_tmpfs *t;
		char *spec;

		if (s->mnt.ntmpfs == MNT_MAX_TMPFS)
			return eci_fail(e, 0, "config.json: too many tmpfs mounts");
		t = &s->mnt.tmpfs[s->mnt.ntmpfs];
		spec = rc->tmpfs_spec[s->mnt.ntmpfs];
		snprintf(spec, sizeof(rc->tmpfs_spec[0]), "%.4096s:%s", dst,
			 has_option(opts, "exec") ? "exec" : "noexec");
		s->mnt.ntmpfs++;	/* counted first: a half-parsed entry is freed too */
		if (mnt_parse_tmpfs(t, spec, e) < 0)
			return -1;
		return 0;
	}
	if (!has_option(opts, "bind") && !has_option(opts, "rbind") && strcmp(type, "bind"))
		return eci_fail(e, 0, "config.json: mounts of type %s (%s) are not supported", type, dst);
	if (rc->nbinds == RUNC_MAX_BINDS)
		return eci_fail(e, 0, "config.json: too many bind mounts");
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
						  .dir = S_ISDIR(st.st_mode), .fd = fd };
	return 0;
}

/*
 * ECI's promise that the engine's API is never on the network without
 * TLS: a dockerd that runs this container and listens on TCP without
 * client verification gives root to anyone who reaches the port, so
 * eci-runc refuses to serve it unless the administrator said otherwise.
 */
static int check_exposure(const struct spec *s, const struct engines *en, struct eci_err *e)
{
	const struct eng_tcp *t;
	char what[300];

	if (s->policy.v[POL_EXPOSE_TCP].b || !(t = policy_engine_exposed(en, getppid())))
		return 0;
	snprintf(what, sizeof(what), "the engine (dockerd, pid %d) listens on tcp %s without TLS "
		 "client verification: no container is created for it under enhanced container "
		 "isolation", (int)t->pid, t->addr);
	return policy_refuse(&s->policy, POL_EXPOSE_TCP, what, NULL, e);
}

int runc_check_host(struct rconfig *rc, struct spec *s, struct eci_err *e)
{
	_cleanup_free_ struct engines *en = calloc(1, sizeof(*en));
	bool volume = false;

	if (!en)
		return eci_fail(e, ENOMEM, "engines");
	if (policy_engines_scan(en, e) < 0 || check_exposure(s, en, e) < 0)
		return -1;
	for (size_t i = 0; i < rc->nbinds; i++) {
		struct rbind *b = &rc->bind[i];
		char flag[PATH_MAX + 16];

		if (b->kind == RBIND_STORAGE) {
			if (b->dir && !b->ro)
				volume = true;
			continue;	/* this container's own files and volumes */
		}
		snprintf(flag, sizeof(flag), "mount %.4000s", b->src);
		if (policy_check_mount(&s->policy, b->fd, flag, NULL, en, e) < 0)
			return -1;
		rc->setid_guard |= !b->ro;
	}
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
			policy_audit(&s->policy, "downgraded", POL_NKEYS, NULL, "engine container "
				     "with a writable volume: CAP_SETFCAP dropped");
		s->caps &= ~(1ULL << CAP_SETFCAP);
	}
	return rc->setid_guard ? sc_build_setid_guard(&s->setid_guard, e) : 0;
}

/*
 * allowPrivileged and allowedCapabilities, as for eci-run: a container asking
 * for every capability (--privileged) is refused when the policy forbids
 * it; capabilities above the ceiling are dropped, and the drop audited.
 */
static int check_privileges(struct spec *s, struct eci_err *e)
{
	const struct policy *p = &s->policy;
	uint64_t ceiling = 0;

	/* docker run --privileged lists every capability it knows; nothing
	 * else asks for CAP_SYS_MODULE together with CAP_SYS_ADMIN. */
	bool privileged = (s->caps & (1ULL << CAP_SYS_ADMIN)) && (s->caps & (1ULL << CAP_SYS_MODULE));

	if (privileged && !p->v[POL_ALLOW_PRIVILEGED].b) {
		eci_fail(e, 0, "--privileged is not allowed under enhanced container isolation "
			 "(\"allowPrivileged\", %s)", p->v[POL_ALLOW_PRIVILEGED].source);
		policy_audit(p, "refused", POL_ALLOW_PRIVILEGED, NULL, e->msg);
		return -1;
	}
	for (char *const *c = p->v[POL_ALLOWED_CAPS].list; c && *c; c++) {
		uint64_t m;

		if (caps_parse("allowedCapabilities", *c, &m, e) < 0)
			return -1;
		ceiling |= m;
	}
	if (s->caps & ~ceiling) {
		s->caps &= ceiling;
		policy_audit(p, "downgraded", POL_ALLOWED_CAPS, NULL,
			     "engine container: capabilities outside the ceiling dropped");
	}
	return 0;
}

static int resources(struct rconfig *rc, json_t *linux_, struct eci_err *e)
{
	json_t *res = json_object_get(linux_, "resources");

	snprintf(rc->cgroups_path, sizeof(rc->cgroups_path), "%s",
		 json_string_value(json_object_get(linux_, "cgroupsPath")) ?: "");
	if (strstr(rc->cgroups_path, ".."))
		return eci_fail(e, 0, "config.json: cgroupsPath %s", rc->cgroups_path);
	rc->memory = json_integer_value(json_object_get(json_object_get(res, "memory"), "limit"));
	rc->pids = json_integer_value(json_object_get(json_object_get(res, "pids"), "limit"));
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
	if (check_namespaces(&s->policy, json_object_get(linux_, "namespaces"), e) < 0 ||
	    process(json_object_get(cfg, "process"), s, e) < 0 || resources(rc, linux_, e) < 0)
		return -1;
	json_array_foreach(json_object_get(cfg, "mounts"), i, m)
		if (one_mount(rc, s, m, e) < 0)
			return -1;
	rc->hooks = json_incref(json_object_get(cfg, "hooks"));
	if (check_privileges(s, e) < 0)
		return -1;
	return sc_default(s->caps, &s->seccomp, e);
}
