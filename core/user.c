// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * user.c - -u USER[:GROUP], resolved inside the container
 *
 * Names are looked up in the image's /etc/passwd and /etc/group, read by
 * the workload process after pivot_root, so that the files are the
 * container's own and any symlink in them resolves inside the rootfs.  A
 * numeric id needs no entry (gid then defaults to the entry's or 0, as with
 * Docker); every id must fall in the container's 65536 ids, which the
 * launcher checks before anything starts.  Supplementary groups are those
 * that list the user by name in /etc/group; eci-runc's are those
 * config.json lists (process.user.additionalGids), as runc's are.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "subid.h"

static int numeric(const char *s, unsigned long *v)
{
	char *end;

	if (!*s || *s < '0' || *s > '9')
		return 0;
	errno = 0;
	*v = strtoul(s, &end, 10);
	return !errno && !*end;
}

int user_check(const char *arg, struct eci_err *e)
{
	char copy[256];
	char *group;
	unsigned long v;

	if (strlen(arg) >= sizeof(copy) || !*arg)
		return eci_fail(e, 0, "-u '%s': invalid user", arg);
	strcpy(copy, arg);
	group = strchr(copy, ':');
	if (group)
		*group++ = '\0';
	if ((numeric(copy, &v) && v >= SUBID_SLOT) || (group && numeric(group, &v) && v >= SUBID_SLOT))
		return eci_fail(e, 0, "-u %s: outside the container's ids (0 to %u)", arg,
				SUBID_SLOT - 1);
	if (!*copy || (group && !*group))
		return eci_fail(e, 0, "-u '%s': invalid user", arg);
	return 0;
}

static int find_user(const char *name, struct user *u, struct eci_err *e)
{
	FILE *f = fopen("/etc/passwd", "re");
	unsigned long v;
	struct passwd *pw;
	bool num = numeric(name, &v);

	while (f && (pw = fgetpwent(f)))
		if (num ? pw->pw_uid == v : !strcmp(pw->pw_name, name)) {
			u->uid = pw->pw_uid;
			u->gid = pw->pw_gid;
			snprintf(u->name, sizeof(u->name), "%s", pw->pw_name);
			snprintf(u->home, sizeof(u->home), "%s", pw->pw_dir);
			fclose(f);
			return 0;
		}
	if (f)
		fclose(f);
	if (!num)
		return eci_fail(e, 0, "-u %s: no such user in the image's /etc/passwd", name);
	u->uid = (uid_t)v;
	u->gid = 0;
	u->name[0] = '\0';
	strcpy(u->home, "/");
	return 0;
}

static int find_groups(const char *group, struct user *u, struct eci_err *e)
{
	FILE *f = fopen("/etc/group", "re");
	bool num = false, found = !group;
	unsigned long v = 0;
	struct group *gr;

	if (group)
		num = numeric(group, &v);
	u->ngroups = 0;
	while (f && (gr = fgetgrent(f))) {
		if (group && (num ? gr->gr_gid == v : !strcmp(gr->gr_name, group))) {
			u->gid = gr->gr_gid;
			found = true;
		}
		for (char **m = gr->gr_mem; u->name[0] && m && *m; m++)
			if (!strcmp(*m, u->name) && u->ngroups < USER_MAX_GROUPS)
				u->groups[u->ngroups++] = gr->gr_gid;
	}
	if (f)
		fclose(f);
	if (group && !found && num)
		u->gid = (gid_t)v, found = true;
	if (!found)
		return eci_fail(e, 0, "-u: no such group '%s' in the image's /etc/group", group);
	return 0;
}

int user_resolve(const char *arg, struct user *u, struct eci_err *e)
{
	char copy[256];
	char *group;

	snprintf(copy, sizeof(copy), "%s", arg);
	group = strchr(copy, ':');
	if (group)
		*group++ = '\0';
	if (find_user(copy, u, e) < 0 || find_groups(group, u, e) < 0)
		return -1;
	return 0;
}

int user_of_spec(const struct spec *s, struct user *u, struct eci_err *e)
{
	if (user_resolve(s->user, u, e) < 0)
		return -1;
	/* eci-runc: the engine's additionalGids, exactly, as runc gives them */
	if (s->oci.groups_set) {
		u->ngroups = (int)s->oci.ngroups;
		memcpy(u->groups, s->oci.groups, s->oci.ngroups * sizeof(gid_t));
	}
	return 0;
}
