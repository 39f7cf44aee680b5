// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * spec.c - from flags and image to one immutable spec
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <uuid.h>

#include "launcher.h"

static size_t strv_len(char **v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

/* Docker's rule: the entrypoint, then the user's command or the image's. */
static int build_argv(struct spec *s, char **cmd, struct eci_err *e)
{
	char **tail = cmd ? cmd : s->img.cmd;
	size_t ne = strv_len(s->img.entrypoint), nt = strv_len(tail), k = 0;

	if (ne + nt == 0)
		return eci_fail(e, 0, "image %s has no command and none was given",
				s->img.name);
	s->argv = calloc(ne + nt + 1, sizeof(char *));
	if (!s->argv)
		return eci_fail(e, ENOMEM, "command");
	for (size_t i = 0; i < ne; i++)
		s->argv[k++] = s->img.entrypoint[i];
	for (size_t i = 0; i < nt; i++)
		s->argv[k++] = tail[i];
	return 0;
}

static int resolve_image(const char *name, char *path, size_t size, struct eci_err *e)
{
	struct stat st;

	if (!name || !strcmp(name, "default")) {
		if (img_default_path(path, size) < 0)
			return eci_fail(e, 0, "the default image is not installed (looked beside "
					"eci-run and in " ECI_DATADIR "/eci/images/default)");
		return 0;
	}
	if (stat(name, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(path, size, "%s", name);
		return 0;
	}
	return eci_fail(e, 0, "image '%s': no such image (give 'default' or a directory "
			"holding an OCI image layout)", name);
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

int spec_build(struct spec *s, const struct opts *o, struct eci_err *e)
{
	char path[4096];
	uuid_t u;

	memset(s, 0, sizeof(*s));
	s->statedir_fd = s->lock_fd = -1;
	s->mnt.rootfs_fd = s->mnt.image_fd = s->mnt.rw_fd = -1;
	s->mnt.statedir = s->statedir;
	s->mnt.hostname = s->hostname;
	s->mnt.read_only = o->read_only;
	uuid_generate_random(u);
	for (int i = 0; i < 16; i++)
		sprintf(s->id + 2 * i, "%02x", u[i]);
	snprintf(s->hostname, sizeof(s->hostname), "%.12s", s->id);
	if (o->hostname) {
		if (!valid_hostname(o->hostname))
			return eci_fail(e, 0, "--hostname %s: not a valid host name (letters, digits, "
					"'-' and '.', labels of 1 to 63, at most 64 in all)", o->hostname);
		snprintf(s->hostname, sizeof(s->hostname), "%s", o->hostname);
	}
	/* Counted before parsing, so that a half-parsed entry is freed too. */
	for (size_t i = 0; i < o->nvolumes; i++)
		if (s->mnt.nvol++, mnt_parse_volume(&s->mnt.vol[i], o->volumes[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->ntmpfs; i++)
		if (s->mnt.ntmpfs++, mnt_parse_tmpfs(&s->mnt.tmpfs[i], o->tmpfs[i], e) < 0)
			return -1;
	if (resolve_image(o->image, path, sizeof(path), e) < 0 ||
	    img_load(path, NULL, &s->img, e) < 0 || build_argv(s, o->cmd, e) < 0 ||
	    env_build(s, o, e) < 0 || security_build(s, o, e) < 0)
		return -1;
	s->workdir = o->workdir ? o->workdir : s->img.workdir ? s->img.workdir : "/";
	if (s->workdir[0] != '/')
		return eci_fail(e, 0, "-w %s: the working directory must be an absolute path",
				s->workdir);
	s->user = o->user ? o->user : s->img.user ? s->img.user : "0";
	if (user_check(s->user, e) < 0)
		return -1;
	s->tty = o->tty;
	s->interactive = o->interactive;
	return 0;
}

void spec_free(struct spec *s)
{
	free(s->argv);
	env_free(s);
	free(s->seccomp.insns);
	mnt_plan_free(&s->mnt);
	img_free(&s->img);
}
