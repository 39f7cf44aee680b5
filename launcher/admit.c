// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * admit.c - eci-run's container at the policy's gate
 *
 * The checks are the policy's (policy_gate(), policy/gate.c), the same for
 * eci-runc.  Here eci-run says what its flags ask for, in their own words,
 * so that a refusal names the flag as typed: --privileged and each
 * --cap-add, --network and -p, the --security-opt values of settings the
 * administrator may lock, the image by the name given (a registry's image
 * by its full name, as fetched) and by the digests
 * of the store (re-hashed by open_image() when a digest is pinned), and
 * each -v source, opened here once: the policy judges that open file, and
 * the child must then find the same device and inode; each --device node
 * likewise, judged by the device it is.  The capability set
 * comes back narrowed to the ceiling; the seccomp filter is built after,
 * against it.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"

struct admit {
	struct pol_request r;
	struct pol_caps asks[OPT_MAX];
	char ask_flag[OPT_MAX][128];
	struct pol_override over[OPT_MAX];
	char over_flag[OPT_MAX][300];
	struct pol_host_ns host;
	struct pol_port ports[NET_MAX_PORTS];
	char port_flag[NET_MAX_PORTS][160];
	struct pol_mount mounts[MNT_MAX_VOLUMES];
	char mount_flag[MNT_MAX_VOLUMES][PATH_MAX + 8];
	struct pol_device devices[MNT_MAX_DEVICES];
	char device_flag[MNT_MAX_DEVICES][PATH_MAX + 12];
};

static int ask_caps(struct admit *a, struct spec *s, const struct opts *o, struct eci_err *e)
{
	a->r.privileged = o->privileged ? "--privileged" : NULL;
	a->r.caps = s->caps;
	for (size_t i = 0; i < o->ncap_add; i++) {
		struct pol_caps *c = &a->asks[a->r.nasks];

		snprintf(a->ask_flag[i], sizeof(a->ask_flag[i]), "--cap-add %s", o->cap_add[i]);
		if (caps_parse("--cap-add", o->cap_add[i], &c->caps, e) < 0)
			return -1;
		c->flag = a->ask_flag[i];
		c->by_name = true;
		a->r.nasks++;
	}
	a->r.asks = a->asks;
	return 0;
}

static void ask_network(struct admit *a, const struct spec *s)
{
	if (s->net.mode == NET_HOST) {
		a->host = (struct pol_host_ns){ .ns = "network", .flag = s->net.flag };
		a->r.host_ns = &a->host;
		a->r.nhost_ns = 1;
	} else {
		a->r.network = net_mode_names[s->net.mode];
		a->r.network_flag = s->net.flag;
	}
	for (size_t i = 0; i < s->net.nports; i++) {
		snprintf(a->port_flag[i], sizeof(a->port_flag[i]), "-p %s", s->net.port[i].spec);
		a->ports[i] = (struct pol_port){ .ip = s->net.port[i].ip, .flag = a->port_flag[i] };
	}
	a->r.ports = a->ports;
	a->r.nports = s->net.nports;
}

/* --security-opt seccomp=… and no-new-privileges[=…], as security.c reads them. */
static void ask_overrides(struct admit *a, const struct opts *o)
{
	for (size_t i = 0; i < o->nsecurity_opt; i++) {
		const char *opt = o->security_opt[i];
		size_t kl = strcspn(opt, "=:");
		const char *v = opt[kl] ? opt + kl + 1 : NULL;
		struct pol_override *w = &a->over[a->r.noverrides];

		if (kl == strlen("seccomp") && !strncmp(opt, "seccomp", kl) && v && *v)
			*w = (struct pol_override){ .key = POL_SECCOMP, .s = v };
		else if (kl == strlen("no-new-privileges") && !strncmp(opt, "no-new-privileges", kl))
			*w = (struct pol_override){ .key = POL_NNP, .b = !v || strcmp(v, "false") };
		else
			continue;
		snprintf(a->over_flag[i], sizeof(a->over_flag[i]), "--security-opt %s", opt);
		w->flag = a->over_flag[i];
		a->r.noverrides++;
	}
	a->r.overrides = a->over;
}

/* Each source opened once, following symlinks as the user may. */
static int open_volumes(struct admit *a, struct spec *s, struct eci_err *e)
{
	if (!s->policy.v[POL_ECI].b)
		return 0;
	for (size_t i = 0; i < s->mnt.nvol; i++) {
		struct mnt_volume *v = &s->mnt.vol[i];
		int fd = open(v->src, O_PATH | O_CLOEXEC);
		struct stat st;

		if (fd >= 0)
			a->mounts[a->r.nmounts++] = (struct pol_mount){ .fd = fd };
		if (fd < 0 || fstat(fd, &st) < 0)
			return eci_fail(e, errno, "%s %s", v->flag, v->spec);
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		snprintf(a->mount_flag[i], sizeof(a->mount_flag[i]), "%s %s", v->flag, v->spec);
		a->mounts[i].flag = a->mount_flag[i];
	}
	a->r.mounts = a->mounts;
	return 0;
}

/*
 * Each --device node opened once, following symlinks as the user may; the
 * policy judges the device it is.  The container's ids open it later with
 * the host's permission check, in which they are neither its owner nor
 * its group: only its "other" bits count (a user namespace gives no
 * CAP_DAC_OVERRIDE over ids it does not map), which is said here rather
 * than found out inside.
 */
static int open_devices(struct admit *a, struct spec *s, struct eci_err *e)
{
	for (size_t i = 0; i < s->mnt.ndev; i++) {
		struct mnt_device *d = &s->mnt.dev[i];
		int fd = open(d->src, O_PATH | O_CLOEXEC);
		struct stat st;

		if (fd >= 0)
			a->devices[a->r.ndevices++] = (struct pol_device){ .fd = fd };
		if (fd < 0 || fstat(fd, &st) < 0)
			return eci_fail(e, errno, "--device %s", d->spec);
		d->dev = st.st_dev;
		d->ino = st.st_ino;
		d->type = st.st_mode & S_IFMT;
		d->rdev = st.st_rdev;
		snprintf(a->device_flag[i], sizeof(a->device_flag[i]), "--device %s", d->spec);
		a->devices[i].flag = a->device_flag[i];
	}
	a->r.devices = a->devices;
	return 0;
}

static void warn_devices(struct admit *a)
{
	for (size_t i = 0; i < a->r.ndevices; i++) {
		struct stat st;

		if (fstat(a->devices[i].fd, &st) == 0 && (st.st_mode & 06) != 06)
			eci_warn("%s: its mode is %04o, and the container's ids get only its "
				 "permissions for others: the container may not open it",
				 a->devices[i].flag, (unsigned)(st.st_mode & 07777));
	}
}

static void close_volumes(struct admit *a)
{
	for (size_t i = 0; i < a->r.nmounts; i++)
		close(a->mounts[i].fd);
	for (size_t i = 0; i < a->r.ndevices; i++)
		close(a->devices[i].fd);
}

/*
 * A writable host path: no set-id file may be left there (seccomp.c),
 * whether or not the policy judged the volumes (enhancedContainerIsolation
 * off): the file would give the container's ids to any local user.
 */
static int setid_guard(struct spec *s, struct eci_err *e)
{
	for (size_t i = 0; i < s->mnt.nvol; i++)
		if (!s->mnt.vol[i].ro && !s->mnt.vol[i].name)	/* a volume: the store is 0700 */
			return sc_build_setid_guard(&s->setid_guard, e);
	return 0;
}

int admit(struct spec *s, const struct opts *o, struct eci_err *e)
{
	_cleanup_free_ struct admit *a = calloc(1, sizeof(*a));
	int r;

	if (!a)
		return eci_fail(e, ENOMEM, "policy");
	a->r.image = s->img.name;	/* as given, or a registry's full name */
	a->r.digest = s->img.digest;
	a->r.config_digest = s->img.config_digest;
	ask_network(a, s);
	a->r.keep_id = s->keep_id ? "--userns keep-id" : NULL;
	ask_overrides(a, o);
	r = ask_caps(a, s, o, e);
	if (r == 0)
		r = open_volumes(a, s, e);
	if (r == 0)
		r = open_devices(a, s, e);
	if (r == 0)
		r = policy_gate(&s->policy, &a->r, e);
	if (r == 0)
		warn_devices(a);
	close_volumes(a);
	if (r < 0)
		return -1;
	s->caps = a->r.caps;
	s->caps_added &= a->r.caps;
	return setid_guard(s, e);
}
