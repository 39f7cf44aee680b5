// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * parse.c - -v, --mount, --tmpfs, --device, --dns and --add-host values, checked
 * before any namespace exists
 */
#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "mounts-int.h"

int mnt_clean_path(const char *path, char *out)
{
	const char *p = path;
	char *o = out;

	if (path[0] != '/')
		return -EINVAL;
	while (*p) {
		const char *end;
		size_t len;

		while (*p == '/')
			p++;
		end = strchrnul(p, '/');
		len = (size_t)(end - p);
		if (len == 2 && !strncmp(p, "..", 2))
			return -EINVAL;
		if (len && !(len == 1 && *p == '.')) {
			*o++ = '/';
			memcpy(o, p, len);
			o += len;
		}
		p = end;
	}
	if (o == out)
		*o++ = '/';
	*o = '\0';
	return 0;
}

int mnt_clean_dst(const char *flag, const char *spec, const char *dst, char **out,
		  struct eci_err *e)
{
	_cleanup_free_ char *buf = malloc(strlen(dst) + 2);
	const char *reserved;

	if (!buf)
		return eci_fail(e, ENOMEM, "%s %s", flag, spec);
	if (mnt_clean_path(dst, buf) < 0)
		return eci_fail(e, 0, "%s %s: destination '%s' must be an absolute path without '..'",
				flag, spec, dst);
	if (!strcmp(buf, "/"))
		return eci_fail(e, 0, "%s %s: cannot mount over the container's root", flag, spec);
	reserved = mnt_reserved_dst(buf);
	if (reserved)
		return eci_fail(e, 0, "%s %s: nothing is mounted on or below %s", flag, spec, reserved);
	*out = steal_ptr(buf);
	return 0;
}

const char *mnt_reserved_dst(const char *dst)
{
	static const struct {
		const char *dir, *words;
	} reserved[] = {
		{ "/proc", "/proc: the container's own procfs is there" },
		{ "/sys", "/sys: the container's own sysfs is there" },
	};

	for (size_t i = 0; i < sizeof(reserved) / sizeof(reserved[0]); i++) {
		size_t n = strlen(reserved[i].dir);

		if (!strncmp(dst, reserved[i].dir, n) && (dst[n] == '\0' || dst[n] == '/'))
			return reserved[i].words;
	}
	return NULL;
}

bool mnt_volume_name_ok(const char *name)
{
	size_t len = strlen(name);

	if (len == 0 || len > 128 || !isalnum((unsigned char)name[0]))
		return false;
	for (const char *c = name; *c; c++)
		if (!isalnum((unsigned char)*c) && !strchr("_.-", *c))
			return false;
	return true;
}

/*
 * Docker's reading of a source: an absolute path or one that starts with
 * '.' is a host path (the latter relative to the working directory, as
 * docker 23 and later resolve it), anything else a volume's name.
 */
int mnt_volume_source(struct mnt_volume *v, const char *src, bool named_only, bool path_only,
		      struct eci_err *e)
{
	struct stat st;

	if (src[0] != '/' && src[0] != '.') {
		if (path_only)
			return eci_fail(e, 0, "%s %s: source '%s' is not a path: type=bind takes an "
					"absolute path, or one starting with '.'", v->flag, v->spec, src);
		if (!mnt_volume_name_ok(src))
			return eci_fail(e, 0, "%s %s: source '%s' is neither a path (absolute, or "
					"starting with '.') nor a volume name (" MNT_VOLUME_NAME_RULE ")",
					v->flag, v->spec, src);
		v->name = strdup(src);
		return v->name ? 0 : eci_fail(e, ENOMEM, "%s %s", v->flag, v->spec);
	}
	if (named_only)
		return eci_fail(e, 0, "%s %s: source '%s' is a path, not a volume name (a path is "
				"type=bind)", v->flag, v->spec, src);
	if (stat(src, &st) < 0 || access(src, R_OK) < 0)
		return eci_fail(e, errno, "%s %s: source %s", v->flag, v->spec, src);
	v->dev = st.st_dev;
	v->ino = st.st_ino;
	v->src = src[0] == '/' ? strdup(src) : realpath(src, NULL);
	return v->src ? 0 : eci_fail(e, errno, "%s %s: source %s", v->flag, v->spec, src);
}

int mnt_parse_volume(struct mnt_volume *v, const char *spec, struct eci_err *e)
{
	_cleanup_free_ char *copy = strdup(spec);
	char *dst, *mode, *o, *save = NULL;

	memset(v, 0, sizeof(*v));
	v->flag = "-v";
	v->spec = spec;
	v->tree = v->dirfd = -1;
	if (!copy)
		return eci_fail(e, ENOMEM, "-v %s", spec);
	dst = strchr(copy, ':');
	if (!dst || dst == copy)
		return eci_fail(e, 0, "-v %s: expected SRC:DST[:OPTIONS]", spec);
	*dst++ = '\0';
	mode = strchr(dst, ':');
	if (mode)
		*mode++ = '\0';
	if (mode && !*mode)
		return eci_fail(e, 0, "-v %s: empty option (ro, rw, z or Z)", spec);
	for (o = mode ? strtok_r(mode, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save)) {
		if (!strcmp(o, "ro") || !strcmp(o, "rw"))
			v->ro = !strcmp(o, "ro");
		else if (strcmp(o, "z") && strcmp(o, "Z"))	/* SELinux labels: none here */
			return eci_fail(e, 0, "-v %s: unknown option '%s' (ro, rw, z or Z)", spec, o);
	}
	if (mnt_volume_source(v, copy, false, false, e) < 0)
		return -1;
	return mnt_clean_dst("-v", spec, dst, &v->dst, e);
}

static int tmpfs_option(struct mnt_tmpfs *t, const char *o, struct eci_err *e)
{
	static const struct {
		const char *name;
		unsigned set, clear;
	} flags[] = {
		{ "ro", MOUNT_ATTR_RDONLY, 0 },	   { "rw", 0, MOUNT_ATTR_RDONLY },
		{ "exec", 0, MOUNT_ATTR_NOEXEC },  { "noexec", MOUNT_ATTR_NOEXEC, 0 },
		{ "suid", 0, MOUNT_ATTR_NOSUID },  { "nosuid", MOUNT_ATTR_NOSUID, 0 },
		{ "dev", 0, MOUNT_ATTR_NODEV },	   { "nodev", MOUNT_ATTR_NODEV, 0 },
		{ "noatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR_STRICTATIME },
		{ "strictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR_NOATIME },
		{ "relatime", 0, MOUNT_ATTR_NOATIME | MOUNT_ATTR_STRICTATIME },
		{ "atime", 0, MOUNT_ATTR_NOATIME },
		{ "nodiratime", MOUNT_ATTR_NODIRATIME, 0 }, { "diratime", 0, MOUNT_ATTR_NODIRATIME },
	};

	/* a later size= or mode= replaces an earlier one, as mount(8) takes them */
	if (!strncmp(o, "size=", 5) && o[5]) {
		free(t->size);
		return (t->size = strdup(o + 5)) ? 0 : eci_fail(e, ENOMEM, "--tmpfs");
	}
	if (!strncmp(o, "mode=", 5) && o[5] && strspn(o + 5, "01234567") == strlen(o + 5)) {
		free(t->mode);
		return (t->mode = strdup(o + 5)) ? 0 : eci_fail(e, ENOMEM, "--tmpfs");
	}
	for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
		if (!strcmp(o, flags[i].name)) {
			t->attrs = (t->attrs | flags[i].set) & ~flags[i].clear;
			return 0;
		}
	return eci_fail(e, 0, "--tmpfs %s: unknown option '%s'", t->spec, o);
}

int mnt_parse_tmpfs(struct mnt_tmpfs *t, const char *spec, struct eci_err *e)
{
	_cleanup_free_ char *copy = strdup(spec);
	char *opts, *o, *save = NULL;

	memset(t, 0, sizeof(*t));
	t->spec = spec;
	t->attrs = MOUNT_ATTR_NOEXEC | MOUNT_ATTR_NOSUID | MOUNT_ATTR_NODEV;
	if (!copy)
		return eci_fail(e, ENOMEM, "--tmpfs %s", spec);
	opts = strchr(copy, ':');
	if (opts)
		*opts++ = '\0';
	if (mnt_clean_dst("--tmpfs", spec, copy, &t->dst, e) < 0)
		return -1;
	for (o = opts ? strtok_r(opts, ",", &save) : NULL; o; o = strtok_r(NULL, ",", &save))
		if (tmpfs_option(t, o, e) < 0) {
			free(t->size);
			free(t->mode);
			t->size = t->mode = NULL;
			return -1;
		}
	return 0;
}

int mnt_parse_device(struct mnt_device *d, const char *spec, struct eci_err *e)
{
	_cleanup_free_ char *copy = strdup(spec);
	char *dst, *perms;

	memset(d, 0, sizeof(*d));
	d->spec = spec;
	d->tree = -1;
	if (!copy)
		return eci_fail(e, ENOMEM, "--device %s", spec);
	dst = strchr(copy, ':');
	if (dst)
		*dst++ = '\0';
	perms = dst ? strchr(dst, ':') : NULL;
	if (perms)
		*perms++ = '\0';
	/* docker's short form HOST:PERMS */
	if (dst && !perms && *dst && strspn(dst, "rwm") == strlen(dst)) {
		perms = dst;
		dst = NULL;
	}
	if (copy[0] != '/')
		return eci_fail(e, 0, "--device %s: the host device '%s' must be an absolute path",
				spec, copy);
	if (perms && (strspn(perms, "rwm") != strlen(perms) || !strchr(perms, 'r') ||
		      !strchr(perms, 'w')))
		return eci_fail(e, 0, "--device %s: permissions '%s': eci gives a device as it is, "
				"read and write (rw or rwm); it cannot narrow it to less", spec, perms);
	if (mnt_clean_dst("--device", spec, dst && *dst ? dst : copy, &d->dst, e) < 0)
		return -1;
	d->src = steal_ptr(copy);
	return 0;
}

/* Appends printf(@fmt, ...) to *@buf (NULL: empty). */
static int append(char **buf, const char *fmt, const char *a, const char *b)
{
	size_t old = *buf ? strlen(*buf) : 0;
	int n = snprintf(NULL, 0, fmt, a, b);
	char *nb = n < 0 ? NULL : realloc(*buf, old + (size_t)n + 1);

	if (!nb)
		return -ENOMEM;
	snprintf(nb + old, (size_t)n + 1, fmt, a, b);
	*buf = nb;
	return 0;
}

static bool is_ip(const char *s)
{
	unsigned char addr[16];

	return inet_pton(AF_INET, s, addr) == 1 || inet_pton(AF_INET6, s, addr) == 1;
}

int mnt_add_dns(struct mnt_plan *p, const char *ip, struct eci_err *e)
{
	if (!is_ip(ip))
		return eci_fail(e, 0, "--dns %s: not an IPv4 or IPv6 address", ip);
	return append(&p->dns, "nameserver %s%s\n", ip, "") < 0 ? eci_fail(e, ENOMEM, "--dns") : 0;
}

int mnt_add_host(struct mnt_plan *p, const char *spec, const char *gateway, struct eci_err *e)
{
	_cleanup_free_ char *copy = strdup(spec);
	size_t n;
	char *ip;

	if (!copy)
		return eci_fail(e, ENOMEM, "--add-host");
	/* NAME=IP, or NAME:IP (an IPv6 address holds ':' itself) */
	n = strcspn(copy, "=:");
	if (!copy[n] || n == 0)
		return eci_fail(e, 0, "--add-host %s: expected NAME:IP", spec);
	copy[n] = '\0';
	ip = copy + n + 1;
	if (ip[0] == '[' && ip[strlen(ip) - 1] == ']') {
		ip[strlen(ip) - 1] = '\0';
		ip++;
	}
	if (strspn(copy, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-._") != n ||
	    n > 253)
		return eci_fail(e, 0, "--add-host %s: '%s' is not a host name", spec, copy);
	if (!strcmp(ip, "host-gateway")) {
		if (!gateway)
			return eci_fail(e, 0, "--add-host %s: host-gateway is the host's address on the "
					"container's network, and this network has none (use "
					"--network pasta or slirp4netns)", spec);
		ip = (char *)gateway;
	}
	if (!is_ip(ip))
		return eci_fail(e, 0, "--add-host %s: '%s' is not an IPv4 or IPv6 address", spec, ip);
	return append(&p->hosts, "%s\t%s\n", ip, copy) < 0 ? eci_fail(e, ENOMEM, "--add-host") : 0;
}

/* What the plan holds is freed here, beside the plan: what links the parser
 * alone (the fuzzers) needs none of system.c. */
void mnt_cgroups_close(struct mnt_cgroups *c)
{
	for (size_t i = 0; i < c->tried; i++)
		if (c->h[i].fd >= 0)
			close(steal_fd(c->h[i].fd));
	if (c->v2_fd >= 0)
		close(steal_fd(c->v2_fd));
}

void mnt_cgroups_free(struct mnt_plan *p)
{
	if (p->cg_early) {
		mnt_cgroups_close(p->cg_early);
		free(p->cg_early);
		p->cg_early = NULL;
	}
}

void mnt_plan_free(struct mnt_plan *p)
{
	mnt_cgroups_free(p);
	for (size_t i = 0; i < p->ndev; i++) {
		free(p->dev[i].src);
		free(p->dev[i].dst);
		if (p->dev[i].tree >= 0)
			close(p->dev[i].tree);
	}
	p->ndev = 0;
	free(p->dns);
	free(p->hosts);
	p->dns = p->hosts = NULL;
	for (size_t i = 0; i < p->nvol; i++) {
		free(p->vol[i].src);
		free(p->vol[i].dst);
		if (p->vol[i].name && p->vol[i].dirfd >= 0)
			close(p->vol[i].dirfd);
		free(p->vol[i].name);
		if (p->vol[i].tree >= 0)
			close(p->vol[i].tree);
	}
	for (size_t i = 0; i < p->ntmpfs; i++) {
		free(p->tmpfs[i].dst);
		free(p->tmpfs[i].size);
		free(p->tmpfs[i].mode);
	}
	p->nvol = p->ntmpfs = 0;
}
