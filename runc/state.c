// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - containers under --root: ROOT/ID/state.json and exec.fifo
 *
 * A container is "created" while its exec.fifo exists (pid 1 waits on it),
 * "running" once start has removed it and pid 1 lives, "stopped" after.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "runc.h"
#include "util.h"

int runc_state_dir(const char *root, const char *id, char *out, size_t size)
{
	if (!*id || strchr(id, '/') || !strcmp(id, ".") || !strcmp(id, "..") || strlen(id) > 200)
		return -EINVAL;
	return snprintf(out, size, "%s/%s", root, id) < (int)size ? 0 : -ENAMETOOLONG;
}

int runc_save_state(const struct rconfig *rc, pid_t pid, unsigned slot)
{
	char path[4200], tmp[4200], when[40];
	time_t now = time(NULL);
	json_t *j;
	int r;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	j = json_pack("{s:s, s:s, s:i, s:s, s:s, s:i, s:s}", "ociVersion", "1.0.2", "id", rc->id,
		      "pid", (int)pid, "bundle", rc->bundle, "created", when, "slot", (int)slot,
		      "cgroupsPath", rc->cgroups_path);
	snprintf(path, sizeof(path), "%s/state.json", rc->state);
	snprintf(tmp, sizeof(tmp), "%s/.state.json", rc->state);
	r = j ? json_dump_file(j, tmp, JSON_COMPACT) : -1;
	json_decref(j);
	return r == 0 && rename(tmp, path) == 0 ? 0 : -1;
}

int runc_read_state(const char *root, const char *id, pid_t *pid, char *bundle, size_t bsize)
{
	char dir[4200], path[4300];
	json_error_t je;
	json_t *j;

	if (runc_state_dir(root, id, dir, sizeof(dir)) < 0)
		return -EINVAL;
	snprintf(path, sizeof(path), "%s/state.json", dir);
	j = json_load_file(path, 0, &je);
	if (!j)
		return -ENOENT;
	*pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	if (bundle)
		snprintf(bundle, bsize, "%s", json_string_value(json_object_get(j, "bundle")) ?: "");
	json_decref(j);
	return 0;
}

/* Is @pid still our container's pid 1 (not a reused pid)? */
static bool alive(pid_t pid)
{
	char path[64], *stat = NULL;
	bool ok;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0)
		return false;
	ok = strstr(stat, ") Z ") == NULL;
	free(stat);
	return ok;
}

const char *runc_status(const char *root, const char *id, pid_t pid)
{
	char dir[4200], fifo[4300];

	if (!alive(pid))
		return "stopped";
	if (runc_state_dir(root, id, dir, sizeof(dir)) == 0) {
		snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
		if (access(fifo, F_OK) == 0)
			return "created";
	}
	return "running";
}

int runc_state_begin(struct rconfig *rc, struct eci_err *e)
{
	rc->lock_fd = -1;
	if (mkdir(rc->state, 0711) < 0)
		return eci_fail(e, errno, errno == EEXIST ? "container %s already exists"
							   : "state directory for %s", rc->id);
	return 0;
}

void runc_gc(const char *root)
{
	(void)root;
}
