// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * env.c - the workload's environment, as docker run builds it
 *
 * In order, later entries replacing earlier ones with the same name: with
 * --env-host the launcher's own environment (as podman's), the image's Env, then --env-file files, then -e flags (KEY=VALUE, or KEY alone
 * to pass the launcher's value on if it has one); then PATH, HOSTNAME, HOME
 * (the user's home from the image's /etc/passwd, resolved in the container)
 * and, with -t, TERM=xterm, each only if still unset.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

#define DEFAULT_PATH "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

/* "KEY=VALUE" as given, or "KEY" taking the launcher's value. */
int env_flag(struct spec *s, const char *flag, const char *arg, struct eci_err *e)
{
	char buf[8192];
	const char *v;
	int r;

	if (!*arg || *arg == '=' || strlen(arg) >= sizeof(buf))
		return eci_fail(e, 0, "%s '%s': expected KEY=VALUE", flag, arg);
	if (!strchr(arg, '=')) {
		v = getenv(arg);
		if (!v)
			return 0;
		snprintf(buf, sizeof(buf), "%s=%s", arg, v);
		arg = buf;
	}
	r = env_set(s, arg, true);
	return r < 0 ? eci_fail(e, -r, "%s %s", flag, arg) : 0;
}

static int env_file(struct spec *s, const char *path, struct eci_err *e)
{
	_cleanup_fclose_ FILE *f = fopen(path, "re");
	char line[8192];
	unsigned n = 0;

	if (!f)
		return eci_fail(e, errno, "--env-file %s", path);
	while (fgets(line, sizeof(line), f)) {
		char what[4200];

		n++;
		line[strcspn(line, "\r\n")] = '\0';
		if (!line[strspn(line, " \t")] || line[strspn(line, " \t")] == '#')
			continue;
		snprintf(what, sizeof(what), "--env-file %s line %u:", path, n);
		if (env_flag(s, what, line, e) < 0)
			return -1;
	}
	return 0;
}

int env_build(struct spec *s, const struct opts *o, struct eci_err *e)
{
	char host[96];
	int r = 0;

	for (char **p = o->env_host ? environ : NULL; p && *p && !r; p++)
		if (**p != '=' && strchr(*p, '='))
			r = env_set(s, *p, true);
	if (r < 0)
		return eci_fail(e, -r, "--env-host");
	for (char **p = s->img.env; p && *p && !r; p++)
		r = env_set(s, *p, true);
	if (r < 0)
		return eci_fail(e, -r, "image Env");
	for (size_t i = 0; i < o->nenv_files; i++)
		if (env_file(s, o->env_files[i], e) < 0)
			return -1;
	for (size_t i = 0; i < o->nenv; i++)
		if (env_flag(s, "-e", o->env[i], e) < 0)
			return -1;
	snprintf(host, sizeof(host), "HOSTNAME=%s", s->hostname);
	s->home_set = env_find(s->env, s->nenv, "HOME=") >= 0;
	if ((r = env_set(s, DEFAULT_PATH, false)) < 0 || (r = env_set(s, host, false)) < 0 ||
	    (o->tty && (r = env_set(s, "TERM=xterm", false)) < 0))
		return eci_fail(e, -r, "environment");
	return 0;
}
