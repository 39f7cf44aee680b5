// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spec.c - from flags and image to one immutable spec
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <uuid.h>

#include "cleanup.h"
#include "image-int.h"
#include "launcher.h"
#include "util.h"

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/*
 * Docker's rule: the entrypoint, then the user's command or the image's.
 * --entrypoint CMD replaces the image's entrypoint and drops its command;
 * --entrypoint "" only clears the entrypoint (the command is the user's or
 * else the image's, as podman does).
 */
static int build_argv(struct spec *s, const struct opts *o, struct eci_err *e)
{
	char *given[] = { (char *)o->entrypoint, NULL };
	char **entry = !o->entrypoint ? s->img.entrypoint : o->entrypoint[0] ? given : NULL;
	char **tail = o->cmd ? o->cmd : o->entrypoint && o->entrypoint[0] ? NULL : s->img.cmd;
	size_t ne = strv_len(entry), nt = strv_len(tail), k = 0;

	if (ne + nt == 0)
		return eci_fail(e, 0, "image %s has no command and none was given",
				s->img.name);
	s->argv = calloc(ne + nt + 1, sizeof(char *));
	if (!s->argv)
		return eci_fail(e, ENOMEM, "command");
	for (size_t i = 0; i < ne; i++)
		s->argv[k++] = entry[i];
	for (size_t i = 0; i < nt; i++)
		s->argv[k++] = tail[i];
	return 0;
}

/* Does the layout at @path still name manifest @digest? */
static bool layout_current(const char *path, const char *digest)
{
	_cleanup_close_ int fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	struct eci_err e;
	json_t *desc = fd >= 0 ? img_pick_manifest(fd, NULL, &e) : NULL;
	bool same = desc && !strcmp(json_string_value(json_object_get(desc, "digest")) ?: "", digest);

	json_decref(desc);
	return same;
}

/* A path (or DIR:TAG) rather than a name of the store? */
static bool is_path(const char *name)
{
	char copy[4096], *colon;
	struct stat st;

	if (name[0] == '/' || name[0] == '.' || stat(name, &st) == 0)
		return true;
	snprintf(copy, sizeof(copy), "%s", name);
	colon = strrchr(copy, ':');
	if (colon)
		*colon = '\0';
	return stat(copy, &st) == 0;
}

/*
 * A name: of the store as given (an import's --name), else a registry's
 * reference, by its full name in the store, else fetched (--pull).  The
 * image is then known, and judged, by that full name.
 */
static int open_named(struct spec *s, const char *name, enum img_pull_mode pull,
		      unsigned verify, struct eci_err *e)
{
	struct img_ref ref;
	char digest[72];

	if (pull != IMG_PULL_ALWAYS && store_get_ref(&s->store, name, digest) == 0)
		return store_load(&s->store, digest, name, verify, &s->img, e);
	if (img_ref_parse(name, &ref, e) < 0)
		return -1;
	if (pull != IMG_PULL_ALWAYS && store_get_ref(&s->store, ref.full, digest) == 0)
		return store_load(&s->store, digest, ref.full, verify, &s->img, e);
	if (pull == IMG_PULL_NEVER)
		return eci_fail(e, 0, "image '%s': no such image in %s (see 'eci-run image ls'), "
				"and --pull=never", name, s->store.path);
	if (image_fetch(&s->policy, &s->store, &ref, digest, e) < 0)
		return -1;
	return store_load(&s->store, digest, ref.full, verify, &s->img, e);
}

/*
 * An image of the store, by name, or a path imported on the way
 * (content-addressed: a layout already in the store is not copied again).
 */
static int open_image(struct spec *s, const char *name, enum img_pull_mode pull,
		      struct eci_err *e)
{
	unsigned verify = policy_images_pinned(&s->policy) ? IMG_VERIFY_META : 0;
	char path[4096], digest[72];
	const char *ref = NULL;

	if (store_open(&s->store, e) < 0)
		return -1;
	if (!name || !strcmp(name, "default")) {
		if (img_default_path(path, sizeof(path)) < 0)
			return eci_fail(e, 0, "the default image is not installed (looked beside "
					"eci-run and in " ECI_DATADIR "/eci/images/default)");
		name = "default";
		ref = "default:latest";
	} else if (is_path(name)) {
		snprintf(path, sizeof(path), "%s", name);
	} else {
		return open_named(s, name, pull, verify, e);
	}
	if (store_get_ref(&s->store, ref ? ref : "", digest) == 0 && ref &&
	    store_load(&s->store, digest, name, verify, &s->img, e) == 0 &&
	    layout_current(path, digest))
		return 0;
	img_free(&s->img);
	if (img_import(&s->store, path, ref, digest, e) < 0)
		return -1;
	return store_load(&s->store, digest, name, verify, &s->img, e);
}

/* Slots of the store that hold every layer of the image unpacked. */
static void find_prefer(struct spec *s)
{
	_cleanup_close_ int fd = openat(s->store.fd, "slots", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
	struct dirent *de;
	size_t o = 0;

	if (!d)
		return;
	fd = -1;
	while ((de = readdir(d)) && o + 16 < sizeof(s->prefer)) {
		bool all = de->d_name[0] >= '1' && de->d_name[0] <= '9';

		for (size_t i = 0; all && i < s->img.nlayers; i++) {
			char p[128];
			struct stat st;

			snprintf(p, sizeof(p), "%.15s/layers/%s", de->d_name, s->img.diff_id[i] + 7);
			all = fstatat(dirfd(d), p, &st, AT_SYMLINK_NOFOLLOW) == 0;
		}
		if (all)
			o += (size_t)snprintf(s->prefer + o, sizeof(s->prefer) - o, "%s%.15s",
					      o ? "," : "", de->d_name);
	}
	closedir(d);
}

/* RFC 1123 host name, at most what sethostname() takes (64). */
static bool valid_hostname(const char *h)
{
	size_t len = strlen(h), label = 0;

	if (len == 0 || len > 64 || h[0] == '.' || h[len - 1] == '.')
		return false;
	for (const char *p = h; *p; p++) {
		if (*p == '.') {
			if (label == 0 || p[-1] == '-')
				return false;
			label = 0;
			continue;
		}
		if (!((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
		      (*p >= '0' && *p <= '9') || (*p == '-' && label > 0)))
			return false;
		if (++label > 63)
			return false;
	}
	return h[len - 1] != '-';
}

/*
 * Without --network: the policy's defaultNetwork.  "auto", as podman
 * chooses, is pasta where it is installed and allowedNetworks allows it,
 * else slirp4netns on the same terms, else none.  A mode the administrator
 * names is taken as named: allowedNetworks still judges it (admit.c), and
 * a missing program is an error that names the setting.
 */
static int default_net(struct spec *s, struct eci_err *e)
{
	const struct pol_value *v = &s->policy.v[POL_DEFAULT_NETWORK];
	static const enum net_mode order[] = { NET_PASTA, NET_SLIRP };

	if (strcmp(v->s, "auto")) {
		snprintf(s->net.flag, sizeof(s->net.flag), "the default network, \"%s\" %s (%s)",
			 pol_names[POL_DEFAULT_NETWORK], v->s, v->source);
		return net_parse_mode(v->s, &s->net.mode, e);
	}
	s->net.mode = NET_NONE;
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
		if (policy_list_match(s->policy.v[POL_ALLOWED_NETWORKS].list,
				      net_mode_names[order[i]]) && net_usable(order[i])) {
			s->net.mode = order[i];
			break;
		}
	snprintf(s->net.flag, sizeof(s->net.flag), "the default network %s (\"%s\" auto, %s)",
		 net_mode_names[s->net.mode], pol_names[POL_DEFAULT_NETWORK], v->source);
	return 0;
}

static int build_net(struct spec *s, const struct opts *o, struct eci_err *e)
{
	s->net.exit_fd = s->net.pidfd = -1;
	if (o->network && net_parse_mode(o->network, &s->net.mode, e) < 0)
		return -1;
	if (o->network)
		snprintf(s->net.flag, sizeof(s->net.flag), "--network %s", o->network);
	else if (default_net(s, e) < 0)
		return -1;
	for (size_t i = 0; i < o->npublish; i++)
		if (net_parse_port(o->publish[i], &s->net.port[s->net.nports++], e) < 0)
			return -1;
	if (s->net.nports && s->net.mode != NET_PASTA && s->net.mode != NET_SLIRP)
		return eci_fail(e, 0, "-p %s: publishing ports needs --network pasta or slirp4netns "
				"(%s)", o->publish[0], s->net.flag);
	s->mnt.host_ip = net_host_address(s->net.mode);
	s->mnt.dns_ip = net_dns_address(s->net.mode);
	s->mnt.net_mode = net_mode_names[s->net.mode];
	s->mnt.sys_late = s->net.mode != NET_HOST;	/* see nest.c */
	s->mnt.net_program = s->net.mode == NET_PASTA || s->net.mode == NET_SLIRP;
	for (size_t i = 0; i < o->ndns; i++)
		if (mnt_add_dns(&s->mnt, o->dns[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->nadd_host; i++)
		if (mnt_add_host(&s->mnt, o->add_host[i], s->mnt.host_ip, e) < 0)
			return -1;
	return 0;
}

/* docker's --shm-size: bytes, or with a unit b, k, m or g (either case; kb,
 * mb, gb too): 64m, 1G */
static int shm_size(struct spec *s, const char *arg, struct eci_err *e)
{
	static const char units[] = "bkmg";
	unsigned long long n;
	unsigned shift = 0;
	char *end;

	errno = 0;
	n = strtoull(arg, &end, 10);
	if (*end) {
		const char *u = strchr(units, tolower((unsigned char)*end));

		shift = u ? (unsigned)(u - units) * 10 : 0;
		if (u && shift && tolower((unsigned char)end[1]) == 'b')
			end++;
		end += u ? 1 : 0;
	}
	if (!isdigit((unsigned char)arg[0]) || errno || *end || (n >> (63 - shift)))
		return eci_fail(e, 0, "--shm-size %s: expected a size such as 64m (bytes, or with "
				"b, k, m or g)", arg);
	if (n == 0)
		return eci_fail(e, 0, "--shm-size %s: the size must be above 0", arg);
	snprintf(s->shm_size, sizeof(s->shm_size), "%llu", n << shift);
	s->mnt.shm_size = s->shm_size;
	return 0;
}

/* --restart no | on-failure[:N]; with -d only (the launcher in the
 * background is the one that restarts, detach.c). */
/* --stop-signal, else the image's StopSignal, else SIGTERM (as docker). */
static int stop_signal(struct spec *s, const struct opts *o, struct eci_err *e)
{
	const char *v = o->stop_signal ? o->stop_signal : s->img.stop_signal;

	s->stop_signal = v ? signal_parse(v) : SIGTERM;
	if (s->stop_signal <= 0 || s->stop_signal == SIGSTOP)
		return o->stop_signal
		       ? eci_fail(e, 0, "--stop-signal %s: not a signal a container can be stopped "
				  "with (a number, or a name such as SIGTERM or SIGRTMIN+3)", v)
		       : eci_fail(e, 0, "the image's StopSignal \"%s\" is not a signal", v);
	return 0;
}

static int restart_policy(struct spec *s, const struct opts *o, struct eci_err *e)
{
	const char *r = o->restart;
	char *end;

	if (!r || !strcmp(r, "no"))
		return 0;
	if (!strcmp(r, "always") || !strcmp(r, "unless-stopped"))
		return eci_fail(e, 0, "--restart %s: not supported (eci-run has no daemon to start "
				"containers again after a reboot or a stop); use on-failure[:N]", r);
	if (strncmp(r, "on-failure", 10) || (r[10] && r[10] != ':'))
		return eci_fail(e, 0, "--restart %s: expected no or on-failure[:N]", r);
	s->restart = true;
	s->restart_max = -1;
	if (r[10]) {
		errno = 0;
		s->restart_max = strtol(r + 11, &end, 10);
		if (!isdigit((unsigned char)r[11]) || *end || errno || s->restart_max > 1000000)
			return eci_fail(e, 0, "--restart %s: N must be a number of restarts", r);
	}
	if (!o->detach)
		return eci_fail(e, 0, "--restart %s: only for a container run in the background "
				"(-d), whose launcher stays to restart it", r);
	return 0;
}

/* --ulimit: the last one given for a limit wins */
static int ulimits(struct spec *s, const struct opts *o, struct eci_err *e)
{
	for (size_t i = 0; i < o->nulimit; i++) {
		struct spec_rlimit l;
		size_t j = 0;

		if (rlimit_parse_flag(o->ulimit[i], &l, e) < 0)
			return -1;
		while (j < s->oci.nrlimits && s->oci.rlimit[j].resource != l.resource)
			j++;
		s->oci.rlimit[j] = l;
		if (j == s->oci.nrlimits)
			s->oci.nrlimits++;
	}
	return 0;
}

/* --userns keep-id: the caller's own ids (eci-newidmap checks them again). */
static int build_userns(struct spec *s, const struct opts *o, struct eci_err *e)
{
	if (!o->userns)
		return 0;
	s->keep_id = true;
	s->keep_uid = getuid();
	s->keep_gid = getgid();
	if (s->keep_uid == 0 || s->keep_gid == 0)
		return eci_fail(e, 0, "--userns keep-id: not for root (container ids would be "
				"host root's); root's containers use subordinate ids only");
	snprintf(s->keep_user, sizeof(s->keep_user), "%u:%u", (unsigned)s->keep_uid,
		 (unsigned)s->keep_gid);
	return 0;
}

static int load_policy(struct spec *s, struct eci_err *e)
{
	char user[4096];

	if (policy_load(&s->policy, policy_dir(), e) < 0)
		return -1;
	if (policy_user_path(user, sizeof(user)) == 0 && policy_load_user(&s->policy, user, e) < 0)
		return -1;
	return 0;
}

int spec_build(struct spec *s, const struct opts *o, struct eci_err *e)
{
	uuid_t u;

	spec_init(s);
	s->detach = o->detach;
	s->rm = o->rm;
	/* -d keeps an exited container for start: its writable layer too */
	s->keep_upper = o->detach && !o->rm;
	s->want_slot = o->slot;
	s->cli_args = o->args;
	s->labels = o->labels;
	s->nlabels = o->nlabels;
	s->mnt.statedir = s->statedir;
	s->mnt.hostname = s->hostname;
	s->mnt.read_only = o->read_only;
	uuid_generate_random(u);
	for (int i = 0; i < 16; i++)
		sprintf(s->id + 2 * i, "%02x", u[i]);
	if (o->id)
		snprintf(s->id, sizeof(s->id), "%s", o->id);
	snprintf(s->hostname, sizeof(s->hostname), "%.12s", s->id);
	if (o->hostname) {
		if (!valid_hostname(o->hostname))
			return eci_fail(e, 0, "--hostname %s: not a valid host name (letters, digits, "
					"'-' and '.', labels of 1 to 63, at most 64 in all)", o->hostname);
		snprintf(s->hostname, sizeof(s->hostname), "%s", o->hostname);
	}
	/* Counted before parsing, so that a half-parsed entry is freed too. */
	for (size_t i = 0; i < o->nvolumes; i++)
		if (s->mnt.nvol++, mnt_parse_volume(&s->mnt.vol[s->mnt.nvol - 1], o->volumes[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->nmounts; i++)
		if (mnt_parse_mount(&s->mnt, o->mounts[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->ntmpfs; i++)
		if (s->mnt.ntmpfs == MNT_MAX_TMPFS)
			return eci_fail(e, 0, "--tmpfs: at most %d with --mount type=tmpfs", MNT_MAX_TMPFS);
		else if (s->mnt.ntmpfs++, mnt_parse_tmpfs(&s->mnt.tmpfs[s->mnt.ntmpfs - 1], o->tmpfs[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->ndevices; i++)
		if (s->mnt.ndev++, mnt_parse_device(&s->mnt.dev[i], o->devices[i], e) < 0)
			return -1;
	if ((o->shm_size && shm_size(s, o->shm_size, e) < 0) || ulimits(s, o, e) < 0 ||
	    restart_policy(s, o, e) < 0)
		return -1;
	if (o->name && !valid_hostname(o->name))
		return eci_fail(e, 0, "--name %s: use letters, digits, '-' and '.'", o->name);
	snprintf(s->name, sizeof(s->name), "%s", o->name ? o->name : "");
	if (limits_build(s, o, e) < 0)
		return -1;
	if (load_policy(s, e) < 0 || build_net(s, o, e) < 0 || build_userns(s, o, e) < 0)
		return -1;
	if (open_image(s, o->image, o->pull, e) < 0 || volume_resolve(s, e) < 0 ||
	    build_argv(s, o, e) < 0 ||
	    env_build(s, o, e) < 0 || security_build(s, o, e) < 0 || admit(s, o, e) < 0 ||
	    net_check_program(&s->net, e) < 0 || net_check_ports(&s->net, e) < 0 ||
	    security_filter(s, e) < 0 || limits_delegate(s, e) < 0)
		return -1;
	if (stop_signal(s, o, e) < 0)
		return -1;
	s->workdir = o->workdir ? o->workdir : s->img.workdir ? s->img.workdir : "/";
	if (s->workdir[0] != '/')
		return eci_fail(e, 0, "-w %s: the working directory must be an absolute path",
				s->workdir);
	s->user = o->user ? o->user : s->keep_id ? s->keep_user : s->img.user ? s->img.user : "0";
	if ((!s->keep_id || o->user) && user_check(s->user, e) < 0)
		return -1;
	s->tty = o->tty;
	s->own_pidns = !o->init;	/* --init: eci-init stays the workload's pid 1 */
	tty_size(s);
	s->interactive = o->interactive;
	find_prefer(s);
	volume_prefer(s);
	if (s->want_slot)	/* start: its writable layer is that slot's */
		snprintf(s->prefer, sizeof(s->prefer), "%u", s->want_slot);
	s->slots_fd = openat(s->store.fd, "slots", O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->slots_fd < 0)
		return eci_fail(e, errno, "%s/slots", s->store.path);
	return 0;
}

void spec_free(struct spec *s)
{
	free(s->argv);
	free(s->limits);
	free(s->cg);
	env_free(s);
	free(s->seccomp.insns);
	free(s->setid_guard.insns);
	mnt_plan_free(&s->mnt);
	policy_free(&s->policy);
	img_free(&s->img);
	if (s->slots_fd >= 0)
		close(s->slots_fd);
	store_close(&s->store);
}
