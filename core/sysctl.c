// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * sysctl.c - the engine's linux.sysctl, written in the container's own
 * namespaces
 *
 * Theory of Operation: only sysctls of a namespace the container has to
 * itself are written, the ones runc allows in a container with its own
 * ipc and network namespaces: kernel.shmall, shmmax, shmmni,
 * shm_rmid_forced, msgmax, msgmnb, msgmni, kernel.sem and fs.mqueue.*
 * (the ipc namespace, pid 1's and the workload's) and net.* (the network
 * namespace the workload runs in).  Any other name is refused before
 * anything exists (sysctl_check()): it would be the host's, or a value
 * eci sets itself (kernel.hostname is config.json's hostname).
 *
 * Who writes, and when: the container's /proc/sys is read-only to
 * everything in it, so pid 1 writes, once the workload has made its
 * namespaces and before it lets it go (init.c), through /proc/sys of the
 * container's /proc opened before that was made read-only (mounts/
 * system.c).  A sysctl file resolves to the namespace of whoever opens it,
 * so pid 1 opens the ipc ones where it is and the net ones from inside the
 * workload's network namespace, which it joins for that and leaves again:
 * it holds every capability of the workload's user namespace, which its
 * own user made, and is that namespace's root for the ipc namespace.
 *
 * A network namespace the engine made and gave by path (podman, CNI) is
 * owned by the host's user namespace, where the container holds no
 * capability: its net.* sysctls are written by eci-runc's create, root on
 * the host, from inside it, before pid 1 goes (sysctl_apply_given()), and
 * with them Docker's defaults for a container of its own network — any
 * port may be bound, every group of the container may ping — which the
 * container's root could not set itself there.
 *
 * net.ipv4.ping_group_range names groups of the writer's user namespace,
 * and a group the container does not map is refused by the kernel: Docker's
 * "0 2147483647" (every group may ping) is written as the container's
 * groups, "0 65535", which is the same for every process in it.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "core.h"
#include "subid.h"
#include "util.h"

static bool is_ipc(const char *key)
{
	static const char *const ipc[] = {
		"kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
		"kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
	};

	for (size_t i = 0; i < ARRAY_SIZE(ipc); i++)
		if (!strcmp(key, ipc[i]))
			return true;
	return !strncmp(key, "fs.mqueue.", 10);
}

static bool is_net(const char *key)
{
	return !strncmp(key, "net.", 4);
}

/* "net.ipv4.ip_forward" (or "net/ipv4/ip_forward") as a path below /proc/sys */
static int key_path(const char *key, char *out, size_t size)
{
	bool slashes = strchr(key, '/') != NULL;

	if (strlen(key) >= size)
		return -ENAMETOOLONG;
	for (size_t i = 0;; i++) {
		out[i] = !slashes && key[i] == '.' ? '/' : key[i];
		if (!key[i])
			break;
	}
	for (const char *p = out; *p;) {
		size_t n = strcspn(p, "/");

		if (!n || (n == 1 && p[0] == '.') || (n == 2 && !strncmp(p, "..", 2)))
			return -EINVAL;
		p += n + (p[n] == '/');
	}
	return out[0] && out[strlen(out) - 1] != '/' ? 0 : -EINVAL;
}

int sysctl_check(const char *key, const char *value, struct eci_err *e)
{
	char path[256], norm[256];

	if (key_path(key, path, sizeof(path)) < 0 || strchr(value, '\n'))
		return eci_fail(e, 0, "config.json linux.sysctl %s: not a sysctl name and value", key);
	/* the name as runc reads it: dots between components */
	snprintf(norm, sizeof(norm), "%s", path);
	for (char *c = norm; *c; c++)
		*c = *c == '/' ? '.' : *c;
	if (!is_ipc(norm) && !is_net(norm))
		return eci_fail(e, 0, "config.json linux.sysctl %s: not a sysctl of the container's "
				"own namespaces (eci-runc writes net.*, kernel.shm*, kernel.msg*, "
				"kernel.sem and fs.mqueue.*)", key);
	return 0;
}

/* ping_group_range within the container's groups (see above). */
static void clamp_groups(const char *value, char *out, size_t size)
{
	unsigned long long lo, hi, max = SUBID_SLOT - 1;

	if (sscanf(value, "%llu %llu", &lo, &hi) != 2 || lo > hi || lo > max) {
		snprintf(out, size, "%s", value);
		return;
	}
	snprintf(out, size, "%llu %llu", lo, hi > max ? max : hi);
}

static int write_one(int procsys, const struct spec_sysctl *c, struct eci_err *e)
{
	struct open_how how = { .flags = O_WRONLY | O_CLOEXEC,
				.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS |
					   RESOLVE_NO_MAGICLINKS };
	char path[256], value[256];
	_cleanup_close_ int fd = -1;
	int r;

	if (key_path(c->key, path, sizeof(path)) < 0)
		return eci_fail(e, EINVAL, "linux.sysctl %s", c->key);
	snprintf(value, sizeof(value), "%s", c->value);
	if (!strcmp(path, "net/ipv4/ping_group_range"))
		clamp_groups(c->value, value, sizeof(value));
	fd = (int)syscall(SYS_openat2, procsys, path, &how, sizeof(how));
	if (fd < 0)
		return eci_fail(e, errno, "linux.sysctl %s: open /proc/sys/%s", c->key, path);
	r = write_all(fd, value, strlen(value));
	return r < 0 ? eci_fail(e, -r, "linux.sysctl %s=%s", c->key, value) : 0;
}

/* The net ones, from the workload's network namespace, then back to ours.
 * Ours by a pidfd of pid 1, not by /proc: pivoted, /proc is the workload's
 * pid namespace's, where pid 1 has no entry (init.c). */
static int write_net(struct spec *s, pid_t pid, struct eci_err *e)
{
	_cleanup_close_ int own = (int)syscall(SYS_pidfd_open, getpid(), 0);
	_cleanup_close_ int theirs = (int)syscall(SYS_pidfd_open, pid, 0);
	int r = 0;

	if (own < 0 || theirs < 0 || setns(theirs, CLONE_NEWNET) < 0)
		return eci_fail(e, errno, "linux.sysctl: join the workload's network namespace");
	for (size_t i = 0; i < s->oci.nsysctls && r == 0; i++)
		if (is_net(s->oci.sysctl[i].key) || !strncmp(s->oci.sysctl[i].key, "net/", 4))
			r = write_one(s->mnt.procsys_fd, &s->oci.sysctl[i], e);
	if (setns(own, CLONE_NEWNET) < 0)
		return eci_fail(e, errno, "linux.sysctl: leave the workload's network namespace");
	return r;
}

/* As root on the host: the container's groups are @gid0 … @gid0 + 65535. */
static int write_given(int procsys, const struct spec_sysctl *c, gid_t gid0, struct eci_err *e)
{
	struct spec_sysctl host = *c;
	unsigned long long lo, hi;
	char value[64];

	if (!strcmp(c->key, "net.ipv4.ping_group_range") ||
	    !strcmp(c->key, "net/ipv4/ping_group_range")) {
		clamp_groups(c->value, value, sizeof(value));
		if (sscanf(value, "%llu %llu", &lo, &hi) == 2 && lo <= hi && hi < SUBID_SLOT)
			snprintf(value, sizeof(value), "%llu %llu", lo + gid0, hi + gid0);
		host.value = value;
	}
	return write_one(procsys, &host, e);
}

struct given {
	const struct spec *s;
	int netns;
	gid_t gid0;
};

/* In a child: into the engine's namespace, Docker's defaults where
 * config.json sets none, then config.json's net.* ones. */
static int write_all_given(void *ctx, struct eci_err *e)
{
	static const struct spec_sysctl defaults[] = {
		{ (char *)"net.ipv4.ip_unprivileged_port_start", (char *)"0" },
		{ (char *)"net.ipv4.ping_group_range", (char *)"0 2147483647" },
	};
	const struct given *g = ctx;
	const struct spec_oci *o = &g->s->oci;
	_cleanup_close_ int procsys = -1;
	int r = 0;

	if (setns(g->netns, CLONE_NEWNET) < 0 ||
	    (procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC)) < 0)
		return eci_fail(e, errno, "linux.namespaces network: enter it");
	for (size_t i = 0; i < ARRAY_SIZE(defaults) && r == 0; i++) {
		bool given = false;

		for (size_t k = 0; k < o->nsysctls; k++)
			given |= !strcmp(o->sysctl[k].key, defaults[i].key);
		if (!given)
			r = write_given(procsys, &defaults[i], g->gid0, e);
	}
	for (size_t i = 0; i < o->nsysctls && r == 0; i++)
		if (is_net(o->sysctl[i].key) || !strncmp(o->sysctl[i].key, "net/", 4))
			r = write_given(procsys, &o->sysctl[i], g->gid0, e);
	return r < 0 ? -1 : 0;
}

int sysctl_apply_given(const struct spec *s, int netns, gid_t gid0, struct eci_err *e)
{
	struct given g = { s, netns, gid0 };

	return eci_in_child(write_all_given, &g, "linux.sysctl", e);
}

int sysctl_apply(struct spec *s, pid_t pid, struct eci_err *e)
{
	bool net = false;
	int r = 0;

	if (!s->oci.nsysctls)
		return 0;
	for (size_t i = 0; i < s->oci.nsysctls && r == 0; i++) {
		const char *k = s->oci.sysctl[i].key;

		if (is_net(k) || !strncmp(k, "net/", 4))
			net = true;
		else
			r = write_one(s->mnt.procsys_fd, &s->oci.sysctl[i], e);
	}
	/* a network namespace the engine gave: written by the parent */
	if (r == 0 && net && !s->engine.netns_given)
		r = write_net(s, pid, e);
	close(s->mnt.procsys_fd);
	s->mnt.procsys_fd = -1;
	return r;
}
