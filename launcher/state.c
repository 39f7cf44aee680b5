// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * state.c - the container's state directory
 *
 * Base: STATE_USERS_DIR/UID (/run/eci/users/UID, root's too), whatever
 * XDG_RUNTIME_DIR says: one place per user, so that every session of the
 * user finds the same containers and the same --name, however it was
 * started, and that no other user can create first (where anyone could,
 * in a shared /tmp, eci-run had to refuse to run).  Only eci-newidmap
 * makes it (newidmap/statedir.c), the first time eci-run finds none; /run
 * goes at reboot, as the state does.  A base that is there is used only if
 * it is a real directory owned by the user and closed to everyone else;
 * one that is not is named, audited and never used.  Each container
 * gets BASE/ID (mode 0700) holding the mount points of its root file system
 * (rootfs/) and of its writable layer (rw/), and the files that describe it
 * to eci-run ps and exec (meta.json, env, seccomp.bpf); the
 * file systems mounted there exist only in the container's mount namespace,
 * and the directory is removed when the container is gone.
 *
 * The directory of a container that is gone is emptied but for its two
 * mount points and kept as BASE/.spare, one at most, which the next
 * container takes instead of making its own.  Where /run is on a disk
 * file system a directory costs a block, and freeing one can cost a
 * synchronous discard (ext4 without a journal, mounted with discard, as on
 * some VMs: 0.15-0.4 ms each, three on every run's way out).  The files
 * in it cost nothing of the kind: removed soon after they were written,
 * they never got a block.  A dead launcher's directory is never made a
 * spare, and sweeps leave .spare alone; it is touched before it is taken,
 * as a .new-ID is judged by its mtime.
 *
 * A launcher killed by SIGKILL cannot remove its directory, so each one
 * holds an flock() on it for its lifetime (the kernel drops it with the
 * process): the next eci-run removes every directory it can lock.  The
 * container's own processes close their copy of that fd at once.
 *
 * A detached container's directory (eci-run -d) outlives it, for `logs` and
 * `ps -a`: its launcher, still holding the lock, removes the mount points
 * and records the exit status in meta.json ("exit_code", "finished"); a
 * directory whose meta.json says "finished" is kept by the sweeps above
 * until `eci-run rm`.  One without it, unlocked, belongs to a launcher that
 * died: removed as before.
 *
 * --name is unique among running and exited containers: the launcher checks
 * and records it (BASE/ID/name) under an flock() of BASE itself, so that two
 * launchers started with the same name cannot both pass.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/filter.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "subid.h"
#include "util.h"

/* BASE/.spare: a gone container's directory, for the next one to take */
#define SPARE ".spare"
/* entries of the state directory a start sweeps (state_sweep_some()) */
#define SWEEP_AT_START 8

int state_base(char *buf, size_t size)
{
	return snprintf(buf, size, STATE_USERS_DIR "/%u", (unsigned)getuid());
}

int state_check_base(const char *base, int *fd, struct eci_err *e)
{
	struct stat st;
	int err;

	*fd = open(base, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	err = errno;
	if (*fd < 0 ? lstat(base, &st) < 0 : fstat(*fd, &st) < 0) {
		/* none, or one we cannot reach (an older eci's /run/eci of
		 * mode 0700): the helper makes it, and repairs the way */
		if (*fd < 0 && (errno == ENOENT || errno == EACCES))
			return 0;
		return eci_fail(e, *fd < 0 ? err : errno, "state directory %s", base);
	}
	if (*fd >= 0 && st.st_uid == getuid() && !(st.st_mode & 077))
		return 1;
	if (*fd >= 0)
		close(steal_fd(*fd));
	if (st.st_uid != getuid() || !S_ISDIR(st.st_mode))
		return eci_fail(e, 0, "state directory %s is not yours (owner %u, %s): someone else "
				"made it, and it is never used; an administrator must remove it",
				base, (unsigned)st.st_uid,
				S_ISDIR(st.st_mode) ? "a directory" : "not a directory");
	return eci_fail(e, 0, "state directory %s is open to others (mode %04o): it must be "
			"closed to them ('chmod 0700 %s')", base, (unsigned)(st.st_mode & 07777), base);
}

/* A refusal (not a failure of the system) goes to the audit log too. */
static void audit_refusal(const struct eci_err *e)
{
	struct policy p;
	struct eci_err ignored;

	if (e->err)
		return;
	/* only the administrator's auditLog counts; unreadable: syslog */
	if (policy_load(&p, policy_dir(), &ignored) < 0) {
		policy_free(&p);
		policy_defaults(&p);
	}
	policy_audit(&p, "refused", POL_NKEYS, NULL, e->msg);
	policy_free(&p);
}

int state_open_base(const char *base, struct eci_err *e)
{
	int fd, r = state_check_base(base, &fd, e);

	if (r == 0) {
		struct eci_err made = { 0 };
		int h = helper_state_dir(&made);

		/* the helper's own refusal, seen as it is now, if it can be */
		r = state_check_base(base, &fd, e);
		if (r == 0) {
			*e = made;
			r = h < 0 ? -1 : eci_fail(e, ENOENT, "state directory %s", base);
		}
	}
	if (r < 0) {
		audit_refusal(e);
		return -1;
	}
	return fd;
}

/* Remove what launchers that died without cleaning up left behind. */
void state_remove_stale(int basefd)
{
	state_sweep(basefd, NULL);
}

/*
 * A container's directory (32 hex digits) that no launcher holds: its
 * launcher was killed.  Removed, and @removed told, as is a .new- one
 * older than 10 s: a start that never finished (a live one gets the moment
 * between mkdir and flock before it is taken).
 */
static void sweep_one(int basefd, const char *name, void (*removed)(const char *, const char *))
{
	_cleanup_close_ int fd = -1;
	struct stat st;

	if (!strncmp(name, ".new-", 5)) {
		if (fstatat(basefd, name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    st.st_mtime + 10 < time(NULL) && rm_rf_at(basefd, name) == 0 && removed)
			removed(name, "a start that never finished");
		return;
	}
	fd = openat(basefd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) == 0 && !state_finished(fd) &&
	    rm_rf_at(basefd, name) == 0 && removed)
		removed(name, "its launcher is gone");
}

static bool sweepable(const char *name)
{
	return !strncmp(name, ".new-", 5) || (name[0] != '.' && strlen(name) == ECI_ID_LEN);
}

/*
 * The entries of @basefd that may be left behind, all of them (@most 0) or
 * @most of them in a row from a place of the list picked at random.
 */
static void sweep(int basefd, size_t most, void (*removed)(const char *name, const char *why))
{
	_cleanup_close_ int dup_fd = dup(basefd);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;
	size_t n = 0, from = 0, i = 0;

	if (!d)
		return;
	dup_fd = -1;
	if (most) {
		rewinddir(d);
		while ((de = readdir(d)))
			n += sweepable(de->d_name);
		if (n > most)
			from = (size_t)(getpid() ^ time(NULL)) % n;
	}
	rewinddir(d);
	while ((de = readdir(d))) {
		if (!sweepable(de->d_name))
			continue;
		/* the picked run of @most, wrapping around the list's end */
		if (!most || n <= most || (i - from + n) % n < most)
			sweep_one(basefd, de->d_name, removed);
		i++;
	}
	closedir(d);
}

void state_sweep(int basefd, void (*removed)(const char *name, const char *why))
{
	sweep(basefd, 0, removed);
}

/*
 * At a start, a few entries only: with a hundred containers running, the
 * whole list cost 0.5 ms of each start, to find what is left only where a
 * launcher was killed.  Over the starts every entry gets its turn, and ps,
 * logs, rm and the others still sweep the whole list (ops_open_state()).
 */
void state_sweep_some(int basefd)
{
	sweep(basefd, SWEEP_AT_START, NULL);
}

/* BASE/ID/meta.json, or NULL. */
static json_t *load_meta(int dirfd)
{
	_cleanup_free_ char *buf = NULL;

	if (read_all_at(dirfd, "meta.json", 1 << 16, &buf, NULL) < 0)
		return NULL;
	return json_loads(buf, 0, NULL);
}

bool state_finished(int dirfd)
{
	json_t *m = load_meta(dirfd);
	bool done = m && json_object_get(m, "finished");

	json_decref(m);
	return done;
}

/* Is @name the --name of the container in @dir, or the name ps shows? */
static bool has_name(int base, const char *dir, const char *name)
{
	_cleanup_close_ int fd = openat(base, dir, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	_cleanup_free_ char *own = NULL;
	json_t *m;
	bool same;

	if (fd < 0)
		return false;
	if (read_all_at(fd, "name", 256, &own, NULL) == 0 && !strcmp(own, name))
		return true;
	m = load_meta(fd);
	same = m && !strcmp(json_string_value(json_object_get(m, "name")) ?: "", name);
	json_decref(m);
	return same;
}

/* Take BASE's lock (released by state_create) and check @s->name is free. */
static int claim_name(struct spec *s, struct eci_err *e)
{
	_cleanup_close_ int dup_fd = -1;
	struct dirent *de;
	bool taken = false;
	DIR *d;

	if (flock(s->statedir_fd, LOCK_EX) < 0)
		return eci_fail(e, errno, "lock the state directory of %s", s->statedir);
	dup_fd = dup(s->statedir_fd);
	d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	if (d) {
		dup_fd = -1;
		rewinddir(d);
		while (!taken && (de = readdir(d)))
			taken = de->d_name[0] != '.' && has_name(s->statedir_fd, de->d_name, s->name);
		closedir(d);
	}
	if (!d || taken) {
		int err = d ? 0 : errno;

		flock(s->statedir_fd, LOCK_UN);
		if (!d)
			return eci_fail(e, err, "read %s", s->statedir);
		return eci_fail(e, 0, "name %s is already in use by a container (see eci-run ps -a; "
				"eci-run rm %s removes an exited one)", s->name, s->name);
	}
	return 0;
}

static int write_name(int dir, const char *name)
{
	_cleanup_close_ int fd = openat(dir, "name", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
					O_CLOEXEC, 0600);

	return fd < 0 ? -1 : write_all(fd, name, strlen(name)) < 0 ? -1 : 0;
}

/* BASE/ID/@name, an empty directory to mount on (a spare has it already). */
static int mount_point(int dir, const char *name)
{
	return mkdirat(dir, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
}

/* BASE/.spare as BASE/@tmp, or mkdir: the directory, open, or -1. */
static int new_dir(int base, const char *tmp)
{
	if (spare_take(base, SPARE, tmp, 0700) < 0 && mkdirat(base, tmp, 0700) < 0)
		return -1;
	return openat(base, tmp, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
}

int state_create(struct spec *s, struct eci_err *e)
{
	char base[4096], tmp[ECI_ID_LEN + 8];
	int dir;

	if (state_base(base, sizeof(base)) >= (int)sizeof(base))
		return eci_fail(e, ENAMETOOLONG, "state directory");
	s->statedir_fd = state_open_base(base, e);
	if (s->statedir_fd < 0)
		return -1;
	/* A --name must not be refused for a dead launcher's directory;
	 * without one the sweep waits until the container runs (container.c). */
	if (s->name[0])
		state_remove_stale(s->statedir_fd);
	if (snprintf(s->statedir, sizeof(s->statedir), "%.4000s/%s", base, s->id) < 0)
		return eci_fail(e, EINVAL, "state directory");
	if (s->name[0] && claim_name(s, e) < 0)
		return -1;
	/* Created under a hidden name and locked before it gets its real
	 * one, so that no other launcher ever sees it unlocked. */
	snprintf(tmp, sizeof(tmp), ".new-%s", s->id);
	dir = new_dir(s->statedir_fd, tmp);
	if (dir < 0)
		return eci_fail(e, errno, "create %s", s->statedir);
	s->lock_fd = dir;
	if (flock(dir, LOCK_EX) < 0 || mount_point(dir, "rootfs") < 0 ||
	    mount_point(dir, "rw") < 0 || (s->name[0] && write_name(dir, s->name) < 0) ||
	    renameat(s->statedir_fd, tmp, s->statedir_fd, s->id) < 0) {
		int err = errno;

		rm_rf_at(s->statedir_fd, tmp);
		if (s->name[0])
			flock(s->statedir_fd, LOCK_UN);
		return eci_fail(e, err, "create %s", s->statedir);
	}
	if (s->name[0])
		flock(s->statedir_fd, LOCK_UN);
	return 0;
}

/*
 * eci-run start: the exited container's own directory, locked again by
 * this launcher; its log, name and meta.json stay (meta.json is written
 * anew once it runs), the mount points are made again.
 */
int state_reopen(struct spec *s, struct eci_err *e)
{
	char base[4096];

	state_base(base, sizeof(base));
	s->statedir_fd = state_open_base(base, e);
	if (s->statedir_fd < 0)
		return -1;
	snprintf(s->statedir, sizeof(s->statedir), "%.4000s/%s", base, s->id);
	s->lock_fd = openat(s->statedir_fd, s->id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (s->lock_fd < 0)
		return eci_fail(e, errno, "open %s", s->statedir);
	if (flock(s->lock_fd, LOCK_EX | LOCK_NB) < 0)
		return eci_fail(e, 0, "it is running, or being started or removed");
	if (!state_finished(s->lock_fd))
		return eci_fail(e, 0, "it has not exited");
	if (mount_point(s->lock_fd, "rootfs") < 0 || mount_point(s->lock_fd, "rw") < 0)
		return eci_fail(e, errno, "create %s/rootfs", s->statedir);
	return 0;
}

/*
 * BASE/ID/env and BASE/ID/seccomp.bpf: what eci-run exec needs beside the
 * "process" record of meta.json to give a new process exactly what the
 * workload has.  The environment is kept as the kernel takes it (entries
 * ended by NUL: they need not be UTF-8, which JSON would require), the
 * filter as compiled (struct sock_filter), never built again.  Written
 * before meta.json, which names them: a reader that sees meta.json sees them
 * whole.  The directory is the user's (0700) and no container reaches it.
 */
static int write_file(const struct spec *s, const char *name, const void *buf, size_t len)
{
	char path[4200];
	_cleanup_close_ int fd = -1;

	snprintf(path, sizeof(path), "%s/%s", s->statedir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return -errno;
	return write_all(fd, buf, len);
}

static int write_process(const struct spec *s)
{
	_cleanup_free_ char *env = NULL;
	size_t len = 0;
	int r;

	for (size_t i = 0; i < s->nenv; i++)
		len += strlen(s->env[i]) + 1;
	env = malloc(len + 1);
	if (!env)
		return -ENOMEM;
	len = 0;
	for (size_t i = 0; i < s->nenv; i++) {
		size_t n = strlen(s->env[i]) + 1;

		memcpy(env + len, s->env[i], n);
		len += n;
	}
	r = write_file(s, STATE_ENV, env, len);
	if (r == 0 && s->seccomp.insns)
		r = write_file(s, STATE_SECCOMP, s->seccomp.insns,
			       s->seccomp.len * sizeof(*s->seccomp.insns));
	return r;
}

/* @v as a JSON array of strings, or NULL (one is not UTF-8: JSON cannot
 * hold it). */
static json_t *strings(char *const *v, size_t n)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < n && v[i]; i++)
		if (json_array_append_new(a, json_string(v[i])) < 0) {
			json_decref(a);
			return NULL;
		}
	return a;
}

/* -l KEY[=VALUE] as an object; a later KEY wins, as in docker. */
static json_t *labels(const struct spec *s)
{
	json_t *o = json_object();

	for (size_t i = 0; o && i < s->nlabels; i++) {
		const char *eq = strchr(s->labels[i], '=');
		char key[256];

		snprintf(key, sizeof(key), "%.*s", (int)(eq ? eq - s->labels[i] : 255), s->labels[i]);
		json_object_set_new(o, key, json_string(eq ? eq + 1 : ""));
	}
	return o;
}

/* -p and -v, -tmpfs: what inspect shows as ports and mounts. */
static json_t *ports_mounts(const struct spec *s, json_t **mounts)
{
	json_t *ports = json_array();

	*mounts = json_array();
	for (size_t i = 0; ports && i < s->net.nports; i++) {
		const struct net_port *p = &s->net.port[i];

		json_array_append_new(ports, json_pack("{s:s, s:I, s:I, s:s}", "host_ip", p->ip,
						       "host_port", (json_int_t)p->host, "port",
						       (json_int_t)p->ctr, "proto", p->udp ? "udp" : "tcp"));
	}
	for (size_t i = 0; *mounts && i < s->mnt.nvol; i++)
		json_array_append_new(*mounts, json_pack("{s:s, s:s?, s:s?, s:b}", "type", "bind",
							 "source", s->mnt.vol[i].src, "destination",
							 s->mnt.vol[i].dst, "rw", !s->mnt.vol[i].ro));
	for (size_t i = 0; *mounts && i < s->mnt.ntmpfs; i++)
		json_array_append_new(*mounts, json_pack("{s:s, s:s, s:s?, s:b}", "type", "tmpfs",
							 "source", "", "destination",
							 s->mnt.tmpfs[i].dst, "rw", !(s->mnt.tmpfs[i].attrs &
										MOUNT_ATTR_RDONLY)));
	return ports;
}

/*
 * What `eci-run start` runs again and `inspect` shows: the command line
 * (run again as it was, from the directory it was given in), the labels,
 * the image's entrypoint and the command, ports and mounts.  "created" is
 * the first start's, kept by a later one.
 */
static void add_config(json_t *j, const struct spec *s)
{
	size_t ne = 0, n = 0;
	char cwd[4096];
	json_t *mounts, *old = load_meta(s->lock_fd);
	json_t *created = json_object_get(old, "created");

	while (s->img.entrypoint && s->img.entrypoint[ne])
		ne++;
	while (s->argv && s->argv[n])
		n++;
	if (s->cli_args)
		json_object_set_new(j, "args", strings(s->cli_args, (size_t)-1));
	if (getcwd(cwd, sizeof(cwd)))
		json_object_set_new(j, "cwd", json_string(cwd));
	json_object_set_new(j, "created", created ? json_incref(created) :
			    json_integer((json_int_t)time(NULL)));
	json_decref(old);
	json_object_set_new(j, "labels", labels(s));
	json_object_set_new(j, "entrypoint", strings(s->argv, ne < n ? ne : n));
	json_object_set_new(j, "cmd", strings(s->argv + (ne < n ? ne : n), n - (ne < n ? ne : n)));
	json_object_set_new(j, "hostname", json_string(s->hostname));
	json_object_set_new(j, "ports", ports_mounts(s, &mounts));
	json_object_set_new(j, "mounts", mounts);
	json_object_set_new(j, "read_only", json_boolean(s->mnt.read_only));
	json_object_set_new(j, "auto_remove", json_boolean(s->rm));
	json_object_set_new(j, "tty", json_boolean(s->tty));
	json_object_set_new(j, "interactive", json_boolean(s->interactive));
}

/*
 * BASE/ID/meta.json: what `eci-run ps` shows, and under "process" what
 * `eci-run exec` applies.  Written by the launcher once the container has
 * its range; its directory lock says whether it lives.
 */
struct json_t *state_meta_prepare(const struct spec *s, pid_t init)
{
	char cmd[1024] = "";
	json_t *j, *proc = NULL;
	size_t o = 0;

	for (char **a = s->argv; a && *a && o + 2 < sizeof(cmd); a++)
		o += (size_t)snprintf(cmd + o, sizeof(cmd) - o, "%s%s", o ? " " : "", *a);
	/* Without its files, or with a user or directory JSON cannot hold,
	 * no record: exec refuses rather than guess. */
	if (write_process(s) == 0)
		proc = json_pack("{s:s, s:s, s:I, s:I, s:b, s:b, s:b}", "user", s->user, "workdir",
				 s->workdir, "caps", (json_int_t)s->caps, "caps_added",
				 (json_int_t)s->caps_added, "no_new_privs", s->no_new_privs,
				 "seccomp", s->seccomp.insns != NULL, "setid_guard",
				 s->setid_guard.insns != NULL);
	/* --ulimit: an exec gets the workload's limits too */
	if (proc && s->oci.nrlimits) {
		json_t *rl = json_array();

		for (size_t i = 0; rl && i < s->oci.nrlimits; i++)
			json_array_append_new(rl, json_pack("[i, I, I]", s->oci.rlimit[i].resource,
							    (json_int_t)s->oci.rlimit[i].soft,
							    (json_int_t)s->oci.rlimit[i].hard));
		json_object_set_new(proc, "rlimits", rl);
	}
	j = json_pack("{s:s, s:s, s:s, s:s, s:i, s:i, s:s, s:s, s:I}", "id", s->id, "name",
		      s->name[0] ? s->name : s->hostname, "image", s->img.name ? s->img.name : "",
		      "command", cmd, "pid", (int)getpid(), "init", (int)init, "network",
		      net_mode_names[s->net.mode], "userns", s->keep_id ? "keep-id" : "private",
		      "started", (json_int_t)time(NULL));
	if (j)
		add_config(j, s);
	if (j && proc)
		json_object_set(j, "process", proc);
	if (j)
		json_object_set_new(j, "volumes", volume_names(s));
	if (j && s->restarts)
		json_object_set_new(j, "restarts", json_integer(s->restarts));
	json_decref(proc);
	return j;
}

void state_meta_commit(const struct spec *s, struct json_t *j, unsigned slot)
{
	char path[4200], tmp[4200];

	snprintf(path, sizeof(path), "%s/meta.json", s->statedir);
	snprintf(tmp, sizeof(tmp), "%s/.meta.json", s->statedir);
	if (j && json_object_set_new(j, "uid_start", json_integer(slot)) == 0 &&
	    json_dump_file(j, tmp, JSON_COMPACT) == 0)
		rename(tmp, path);
	json_decref(j);
}

static int load_env(int dir, struct spec *s, struct eci_err *e)
{
	_cleanup_free_ char *buf = NULL;
	size_t len;
	int r = read_all_at(dir, STATE_ENV, 1 << 24, &buf, &len);

	if (r < 0)
		return eci_fail(e, -r, "the container's environment (" STATE_ENV ")");
	for (size_t i = 0; i < len && r == 0; i += strlen(buf + i) + 1)
		r = env_set(s, buf + i, true);
	return r < 0 ? eci_fail(e, -r, "the container's environment") : 0;
}

static int load_filter(int dir, struct sc_filter *f, struct eci_err *e)
{
	char *buf = NULL;
	size_t len;
	int r = read_all_at(dir, STATE_SECCOMP, 1 << 20, &buf, &len);

	if (r < 0)
		return eci_fail(e, -r, "the container's seccomp filter (" STATE_SECCOMP ")");
	if (len == 0 || len % sizeof(*f->insns) || len / sizeof(*f->insns) > BPF_MAXINSNS) {
		free(buf);
		return eci_fail(e, 0, "the container's seccomp filter (" STATE_SECCOMP ") is damaged");
	}
	f->insns = (struct sock_filter *)buf;
	f->len = (unsigned short)(len / sizeof(*f->insns));
	return 0;
}

int state_load_process(int dir, const json_t *meta, struct spec *s, struct eci_err *e)
{
	json_t *p = json_object_get(meta, "process");
	const char *user = json_string_value(json_object_get(p, "user"));
	const char *workdir = json_string_value(json_object_get(p, "workdir"));

	if (!json_is_object(p) || !user || !workdir || !json_is_integer(json_object_get(p, "caps")))
		return eci_fail(e, 0, "it has no process record (started by an older eci-run?)");
	s->user = user;
	s->workdir = workdir;
	s->caps = (uint64_t)json_integer_value(json_object_get(p, "caps"));
	s->caps_added = (uint64_t)json_integer_value(json_object_get(p, "caps_added"));
	s->no_new_privs = json_is_true(json_object_get(p, "no_new_privs"));
	{
		size_t i;
		json_t *rl;

		json_array_foreach(json_object_get(p, "rlimits"), i, rl) {
			if (s->oci.nrlimits == SPEC_MAX_RLIMITS)
				break;
			s->oci.rlimit[s->oci.nrlimits++] = (struct spec_rlimit){
				.resource = (int)json_integer_value(json_array_get(rl, 0)),
				.soft = (uint64_t)json_integer_value(json_array_get(rl, 1)),
				.hard = (uint64_t)json_integer_value(json_array_get(rl, 2)) };
		}
	}
	if (load_env(dir, s, e) < 0)
		return -1;
	if (json_is_true(json_object_get(p, "setid_guard")) &&
	    sc_build_setid_guard(&s->setid_guard, e) < 0)
		return -1;
	if (json_is_true(json_object_get(p, "seccomp")))
		return load_filter(dir, &s->seccomp, e);
	return 0;
}

static bool mount_point_name(const char *name)
{
	return !strcmp(name, "rootfs") || !strcmp(name, "rw");
}

void state_remove(struct spec *s)
{
	if (s->statedir_fd >= 0) {
		/* still locked: no sweep sees it half emptied */
		if (s->lock_fd < 0 || spare_put(s->statedir_fd, s->id, SPARE, mount_point_name) < 0)
			rm_rf_at(s->statedir_fd, s->id);
		if (s->lock_fd >= 0)
			close(steal_fd(s->lock_fd));
		close(steal_fd(s->statedir_fd));
	}
}

/*
 * -d: keep meta.json (now with the exit status), the log, the name and the
 * environment (inspect shows it, as docker's does); the mount points and
 * the network helpers' files go.  Still under the lock, so that no sweep
 * sees it half done.
 */
static int keep(struct spec *s, int code)
{
	_cleanup_close_ int fd = fcntl(s->lock_fd, F_DUPFD_CLOEXEC, 3), out = -1;
	json_t *m = load_meta(s->lock_fd);
	DIR *d = fd >= 0 && m ? fdopendir(fd) : NULL;
	struct dirent *de;
	int r = -1;

	if (!d)
		goto out;
	fd = -1;
	rewinddir(d);	/* a dup shares the offset */
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, "..") &&
		    strcmp(de->d_name, "meta.json") && strcmp(de->d_name, "log") &&
		    strcmp(de->d_name, "name") && strcmp(de->d_name, STATE_ENV))
			rm_rf_at(dirfd(d), de->d_name);
	closedir(d);
	json_object_set_new(m, "exit_code", json_integer(code));
	json_object_set_new(m, "finished", json_integer((json_int_t)time(NULL)));
	out = openat(s->lock_fd, ".meta.json", O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (out >= 0 && json_dumpfd(m, out, JSON_COMPACT) == 0 &&
	    renameat(s->lock_fd, ".meta.json", s->lock_fd, "meta.json") == 0)
		r = 0;
out:
	json_decref(m);
	return r;
}

void state_exit(struct spec *s, int code)
{
	/* start: a container that fails to run again stays, exited */
	if (s->statedir_fd >= 0 && s->detach && (s->detached || s->want_slot) && !s->rm &&
	    keep(s, code) == 0) {
		close(steal_fd(s->lock_fd));
		close(steal_fd(s->statedir_fd));
		return;
	}
	state_remove(s);
}
