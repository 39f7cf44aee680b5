// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * create.c - eci-runc create: the container up to the point where pid 1
 * waits for start
 *
 * Theory of Operation: the engine's input, made into what the core
 * carries out.  The engine's overlay root is read back into its layers and
 * upper directory (engine_layers()); each bind source is classified by
 * what it is (classify()) and judged by the policy gate (config.c); a slot
 * of the pool account is leased for pid 1 (subid/, the registry eci-newidmap
 * shares) and its maps written.  Then the core's life runs: pid 1 is
 * cloned (core/container.c), the layers, the engine's upper directory —
 * idmapped, so that what the container writes stays the engine's, for
 * docker diff, commit and the next start — and the binds are placed in
 * its mount namespace (mounts/idmap.c), it is put in its cgroups, which
 * are delegated to its root (core/cgroup.c), given its rlimits and OOM score (core/rlimit.c) and let
 * go; it builds the root and waits on exec.fifo
 * (core/child.c).  The parent runs the prestart hooks, records the state,
 * writes the pid file and exits, leaving pid 1 to the shim (a subreaper).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/capability.h>
#include <pwd.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "fdpass.h"
#include "runc.h"
#include "subid.h"
#include "util.h"

/* No CLONE_NEWCGROUP: pid 1 makes its cgroup namespace once the parent has
 * put it in the container's cgroups, so that the namespace is rooted there
 * (core/child.c), not at the shim's cgroup.  No CLONE_NEWNET: the network
 * namespace is the workload's, owned by its nested user namespace so that
 * its capabilities work there; pid 1 joins it before it reports ready, so
 * the engine's hooks configure it through pid 1's (core/nest.c). */
#define CLONE_ALL (CLONE_NEWUSER | CLONE_NEWNS | CLONE_NEWPID | CLONE_NEWUTS | CLONE_NEWIPC)

struct layers {
	char path[IMG_MAX_LAYERS][PATH_MAX];	/* bottom first */
	size_t n;
	char dir[PATH_MAX];		/* the directory of the upper (…/overlay2/ID), or
					 * a plain-directory root */
	char upper[256];		/* the upper's name in dir: diff, fs …; "": plain */
	int inner_fd;			/* dir/ENGINE_INNERDIR (inner_dir()), or -1 */
};

/* --- the engine's root: its overlay's layers, or a plain directory ------ */

/*
 * A plain-directory root is idmapped with the container's range: its
 * files owned by the host's root become container root's.  The host's own
 * system tree never is: not the host's root directory or a directory
 * directly in it (/usr, /etc, /var, /root …), nor one that holds the
 * host's /etc — judged by inode (a bind of / elsewhere is still /), not by
 * name.  Only root chooses root.path (an engine's user cannot: dockerd
 * always gives its own overlay); this is the floor under a mistake.
 */
static int plain_root(const char *real, struct layers *L, struct eci_err *e)
{
	static const char *const host[] = { "/", "/etc" };
	struct stat st, parent, h;
	char p[PATH_MAX + 4];
	bool system = false;

	if (stat(real, &st) < 0)
		return eci_fail(e, errno, "config.json root.path %s", real);
	if (!S_ISDIR(st.st_mode))
		return eci_fail(e, ENOTDIR, "config.json root.path %s", real);
	snprintf(p, sizeof(p), "%s/..", real);
	if (stat(p, &parent) < 0)
		return eci_fail(e, errno, "%s", p);
	for (size_t i = 0; i < sizeof(host) / sizeof(host[0]); i++) {
		if (stat(host[i], &h) < 0)
			return eci_fail(e, errno, "%s", host[i]);
		system |= h.st_dev == st.st_dev && h.st_ino == st.st_ino;
		if (i == 0)	/* "/": a directory in it is the host's too */
			system |= h.st_dev == parent.st_dev && h.st_ino == parent.st_ino;
	}
	if (system)
		return eci_fail(e, 0, "config.json root.path %s: a directory of the host's own tree "
				"cannot be a container's root under enhanced container isolation",
				real);
	snprintf(L->dir, sizeof(L->dir), "%s", real);
	L->upper[0] = '\0';
	L->n = 0;
	return 0;
}

/* The overlay's options @opts: its layers (lowerdir, top first) and upper. */
static int overlay_layers(const char *real, char *opts, struct layers *L, struct eci_err *e)
{
	char *lower = strstr(opts, "lowerdir="), *upper = strstr(opts, "upperdir="), *end;
	char base[PATH_MAX], *tops[IMG_MAX_LAYERS], *leaf;
	size_t nt = 0;

	if (!lower || !upper)
		return eci_fail(e, 0, "config.json root.path %s: an overlay with no %s (a read-only "
				"overlay root is not supported)", real, lower ? "upperdir" : "lowerdir");
	upper += 9;
	if ((end = strchr(upper, ',')))
		*end = '\0';
	leaf = strrchr(upper, '/');
	if (!leaf || leaf == upper || strlen(leaf + 1) >= sizeof(L->upper) || !leaf[1])
		return eci_fail(e, 0, "config.json root.path %s: upper directory %s", real, upper);
	snprintf(L->upper, sizeof(L->upper), "%s", leaf + 1);
	snprintf(base, sizeof(base), "%.*s", (int)(leaf - upper), upper);
	if (!realpath(base, L->dir))	/* …/overlay2/ID, …/snapshots/N */
		return eci_fail(e, errno, "config.json root.path %s: upper directory %s", real, upper);
	*strrchr(base, '/') = '\0';	/* …/overlay2: dockerd's relative lowers */
	lower += 9;
	if ((end = strchr(lower, ',')))
		*end = '\0';
	for (char *t = strtok(lower, ":"); t && nt < IMG_MAX_LAYERS - 1; t = strtok(NULL, ":"))
		tops[nt++] = t;
	L->n = 0;
	for (size_t i = nt; i-- > 0;) {	/* lowerdir lists the top first */
		char p[PATH_MAX * 2];

		snprintf(p, sizeof(p), "%s%s%s", tops[i][0] == '/' ? "" : base,
			 tops[i][0] == '/' ? "" : "/", tops[i]);
		if (!realpath(p, L->path[L->n++]))
			return eci_fail(e, errno, "layer %s", p);
	}
	return 0;
}

/*
 * The engine's root: an overlay it mounted (dockerd's overlay2, podman's
 * and containerd's overlay snapshotters) is read back into its layers and
 * upper; anything else is a plain directory (containerd's native
 * snapshotter binds one there, podman's vfs gives one, a bundle has one).
 */
static int engine_layers(const char *rootfs, struct layers *L, struct eci_err *e)
{
	_cleanup_free_ char *info = NULL;
	char real[PATH_MAX], *line, *save = NULL, *found = NULL;

	if (!realpath(rootfs, real))
		return eci_fail(e, errno, "config.json root.path %s", rootfs);
	if (read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 24, &info, NULL) < 0)
		return eci_fail(e, errno, "mountinfo");
	/* the last mount on the path is the one seen there */
	for (line = strtok_r(info, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char mp[PATH_MAX];

		if (sscanf(line, "%*s %*s %*s %*s %4095s %*s", mp) == 1 && !strcmp(mp, real))
			found = line;
	}
	if (found) {
		static char opts[16384];
		char fstype[64];

		if (sscanf(strstr(found, " - ") ?: "", " - %63s %*s %16383s", fstype, opts) == 2 &&
		    !strcmp(fstype, "overlay"))
			return overlay_layers(real, opts, L, e);
	}
	return plain_root(real, L, e);
}

/*
 * Can a host account other than root reach @path (search every directory
 * on the way)?  What the container's root writes in its root's files — a
 * plain directory, or the engine's upper directory — is host root's on
 * disk, set-id bits included: where another account can reach it, a
 * set-user-ID file left there would be root's for that account to run.
 * Private storage (dockerd's 0710 overlay2, containerd's and podman's 0700
 * directories, root's) is not reachable, a bundle under /tmp or /var/tmp is.
 */
static bool reachable(const char *path)
{
	char p[PATH_MAX];
	size_t n = strlen(path);

	if (n >= sizeof(p))
		return true;
	memcpy(p, path, n + 1);
	for (size_t i = 1; i <= n; i++) {
		struct stat st;

		if (i < n && p[i] != '/')
			continue;
		p[i] = '\0';
		if (stat(p, &st) < 0)
			return true;
		if (i < n)
			p[i] = '/';
		if (st.st_uid == 0 && !(st.st_mode & S_IXOTH) &&
		    (!(st.st_mode & S_IXGRP) || st.st_gid == 0))
			return false;	/* only root searches it */
	}
	return true;
}

/* --- the pool slot ----------------------------------------------------- */

static int lease_slot(pid_t child, unsigned *slot, unsigned *gslot, struct eci_err *e)
{
	struct passwd *pw = getpwnam(RUNC_POOL_USER);
	struct subid_request rq = { .pid = child };	/* no preference, no limit */
	struct subid_user u = { 0 };
	_cleanup_close_ int procfd = -1;
	struct lease l;
	char path[64];
	int r;

	if (!pw)
		return eci_fail(e, 0, "the pool account %s does not exist: an administrator must run "
				"'make install-privileged'", RUNC_POOL_USER);
	u.uid = pw->pw_uid;
	u.gid = pw->pw_gid;
	snprintf(u.name, sizeof(u.name), "%s", pw->pw_name);
	snprintf(path, sizeof(path), "/proc/%d", (int)child);
	procfd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (procfd < 0)
		return eci_fail(e, errno, "%s", path);
	rq.procfd = procfd;
	r = subid_take(&u, NULL, &rq, &l, e);
	if (r < 0)
		return r;
	/* published before the maps, as eci-newidmap does */
	if ((r = idmap_write(procfd, "uid_map", 0, l.uid_start, SUBID_SLOT)) < 0)
		return eci_fail(e, -r, "write the container's uid_map");
	if ((r = idmap_write(procfd, "gid_map", 0, l.gid_start, SUBID_SLOT)) < 0)
		return eci_fail(e, -r, "write the container's gid_map");
	*slot = l.uid_start;
	*gslot = l.gid_start;
	return 0;
}

/* A pod member: the slot of the container it joins, as its pid 1's maps say. */
static int joined_slot(const struct rconfig *rc, unsigned *slot, unsigned *gslot,
		       struct eci_err *e)
{
	const char *files[2] = { "uid_map", "gid_map" };
	unsigned *out[2] = { slot, gslot };

	for (int i = 0; i < 2; i++) {
		_cleanup_free_ char *map = NULL;
		char path[64];
		unsigned inside, count;

		snprintf(path, sizeof(path), "/proc/%d/%s", (int)rc->join.pid, files[i]);
		if (read_all_at(AT_FDCWD, path, 4096, &map, NULL) < 0 ||
		    sscanf(map, "%u %u %u", &inside, out[i], &count) != 3 || inside != 0 ||
		    count != SUBID_SLOT || !runc_join_alive(rc))
			return eci_fail(e, 0, "the slot of container %s, whose namespaces this one "
					"joins", rc->join.target);
	}
	return 0;
}

/*
 * pid 1, cloned in the namespaces config.json names by path (nsjoin.c), or
 * in new ones.  A pod member is cloned inside the other container's user
 * namespace, where it makes the namespaces it does not share; its
 * workload joins the other's network namespace with the other's nested
 * user namespace (core/nest.c).  A fresh network namespace of the
 * engine's is entered before anything else, while still the host's root.
 */
static pid_t clone_pid1(struct rconfig *rc, struct spec *s, int *sock, const int *drop,
			size_t ndrop)
{
	struct rjoin *j = &rc->join;
	struct ns_enter in = { .net = -1, .user = j->user, .ipc = j->fd[RNS_IPC],
			       .pid = j->fd[RNS_PID], .uts = j->fd[RNS_UTS],
			       .cgroup = j->fd[RNS_CGROUP] };
	int flags = CLONE_ALL;

	if (j->user < 0 && !j->net_fresh && in.ipc < 0 && in.pid < 0 && in.uts < 0)
		return container_clone(s, flags, sock, drop, ndrop);
	/* pid 1 makes no cgroup namespace of its own in the one it joins */
	s->engine.cgroupns_joined = in.cgroup >= 0;
	if (j->user >= 0)
		flags &= ~CLONE_NEWUSER;
	if (in.ipc >= 0)
		flags &= ~CLONE_NEWIPC;
	if (in.pid >= 0) {
		flags &= ~CLONE_NEWPID;
		s->own_pidns = false;	/* the workload shares that one too */
	}
	if (in.uts >= 0)
		flags &= ~CLONE_NEWUTS;
	if (j->net_fresh) {
		in.net = j->fd[RNS_NET];
		s->engine.netns_given = true;
	} else if (j->nested >= 0) {
		s->engine.nest_userns = j->nested;
		s->engine.nest_netns = j->fd[RNS_NET];
	}
	return container_clone_in(s, flags, &in, sock, drop, ndrop);
}

/* --- what each bind source is ------------------------------------------- */

/*
 * The files dockerd writes for one container and binds into it.  Not
 * every file of containers/ID: config.v2.json and hostconfig.json, which
 * the engine reads back when it restarts, must never be the container's.
 */
static bool engine_file(const char *path, const char *dir)
{
	static const char *const names[] = { "hosts", "hostname", "resolv.conf" };
	size_t n = strlen(dir);

	if (strncmp(path, dir, n) || path[n] != '/')
		return false;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (!strcmp(path + n + 1, names[i]))
			return true;
	return false;
}

/* @path is @dir/NAME/@leaf, NAME one component. */
static bool one_below(const char *path, const char *dir, const char *leaf)
{
	size_t n = strlen(dir);
	const char *name = path + n + 1, *slash;

	if (strncmp(path, dir, n) || path[n] != '/' || !*name || *name == '.')
		return false;
	slash = strchr(name, '/');
	return slash && slash > name && !strcmp(slash + 1, leaf);
}

static int mnt_id_of(int fd, struct statx *sx)
{
	return statx(fd, "", AT_EMPTY_PATH | AT_SYMLINK_NOFOLLOW,
		     STATX_BASIC_STATS | STATX_MNT_ID, sx) < 0 ? -errno : 0;
}

/*
 * Under a directory of filesharingAllowedDirectories, a directory owned by
 * a regular user (UID_MIN..UID_MAX of /etc/login.defs: not root, not a
 * system account, not a subordinate id) is shared as that user: the
 * container's root acts there as its owner.  Its group goes with it when
 * it is a regular group too, else the owner's own.
 */
static bool shared_owner(const struct policy *p, const char *path, const struct statx *sx,
			 struct rbind *b)
{
	unsigned long umin, umax, gmin, gmax;
	struct passwd *pw;
	bool listed = false;

	/* The listed path as written, never resolved: a symlink planted in
	 * it (by the user whose directory it is) must not make another
	 * user's directory "listed". */
	for (char *const *d = p->v[POL_FILESHARING].list; d && *d && !listed; d++)
		listed = policy_path_under(path, *d);
	if (!listed || !S_ISDIR(sx->stx_mode))
		return false;
	umin = login_defs_id("UID_MIN", 1000), umax = login_defs_id("UID_MAX", 60000);
	gmin = login_defs_id("GID_MIN", 1000), gmax = login_defs_id("GID_MAX", 60000);
	if (sx->stx_uid < umin || sx->stx_uid > umax)
		return false;
	b->owner = sx->stx_uid;
	if (sx->stx_gid >= gmin && sx->stx_gid <= gmax)
		b->group = sx->stx_gid;
	else if ((pw = getpwuid(sx->stx_uid)) && pw->pw_gid >= gmin && pw->pw_gid <= gmax)
		b->group = pw->pw_gid;
	else
		return false;
	return true;
}

/*
 * Container storage or a host path, decided from what the opened source
 * is.  The engine's data root is the directory above overlay2/ of the
 * container's own layers.  Storage is: the engine's hosts, hostname or
 * resolv.conf of this container (in containers/ID/ of the data root), or a
 * volume's directory volumes/NAME/_data — each on the very mount of the
 * data root, so that a volume which is really a mount of something else
 * (the local driver's o=bind,device=/etc) or a bind planted there is not
 * storage.  Everything else is the host's.
 */
static int classify(struct rconfig *rc, const struct spec *s, const struct layers *L,
		    struct eci_err *e)
{
	char root[PATH_MAX], own[PATH_MAX + 300], vols[PATH_MAX + 16];
	_cleanup_close_ int rootfd = -1;
	struct statx rx;
	char *cut;

	snprintf(root, sizeof(root), "%s", L->dir);		/* …/overlay2/ID */
	for (int i = 0; i < 2 && (cut = strrchr(root, '/')) && cut > root; i++)
		*cut = '\0';
	/* not dockerd's (no overlay2/ID upper): no bind is its storage */
	if (L->upper[0])
		rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (rootfd >= 0 && mnt_id_of(rootfd, &rx) < 0)
		return eci_fail(e, errno, "the engine's data root %s", root);
	snprintf(own, sizeof(own), "%s/containers/%s", root, rc->id);
	snprintf(vols, sizeof(vols), "%s/volumes", root);
	for (size_t i = 0; i < rc->nbinds; i++) {
		struct rbind *b = &rc->bind[i];
		char path[PATH_MAX];
		struct statx sx;
		bool same;
		int r;

		if ((r = policy_fd_path(b->fd, path, sizeof(path))) < 0 || (r = mnt_id_of(b->fd, &sx)) < 0)
			return eci_fail(e, -r, "mount source %s", b->src);
		same = rootfd >= 0 && sx.stx_mnt_id == rx.stx_mnt_id;
		if (same && S_ISREG(sx.stx_mode) && engine_file(path, own))
			b->kind = RBIND_STORAGE;
		else if (same && S_ISDIR(sx.stx_mode) && one_below(path, vols, "_data"))
			b->kind = RBIND_STORAGE;
		else if (shared_owner(&s->policy, path, &sx, b))
			b->kind = RBIND_SHARED;
		else
			b->kind = RBIND_HOST;
	}
	return 0;
}

/* --- the parent ------------------------------------------------------------ */

/*
 * --console-socket: a host path, connected while still in the host's mount
 * namespace (an exec connects before it joins the container's).
 */
int runc_console_connect(const char *path, struct eci_err *e)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	_cleanup_close_ int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (strlen(path) >= sizeof(sa.sun_path))
		return eci_fail(e, ENAMETOOLONG, "--console-socket %s", path);
	strcpy(sa.sun_path, path);
	if (fd < 0 || connect(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return eci_fail(e, errno, "--console-socket %s", path);
	return steal_fd(fd);
}

/* The pty's master to the engine, named as the engine expects. */
int runc_console_send(int sock, int master, struct eci_err *e)
{
	static const char name[] = "/dev/ptmx";

	if (fd_send(sock, name, sizeof(name), master) < 0)
		return eci_fail(e, errno, "send the pty to --console-socket");
	return 0;
}

int runc_send_console(const char *path, int master, struct eci_err *e)
{
	_cleanup_close_ int fd = runc_console_connect(path, e);

	return fd < 0 ? -1 : runc_console_send(fd, master, e);
}

/* OCI hooks: each gets the state on stdin and must exit 0. */
static int run_hooks(const struct rconfig *rc, const char *kind, pid_t pid, struct eci_err *e)
{
	json_t *list = json_object_get(rc->hooks, kind), *h;
	size_t i;

	json_array_foreach(list, i, h) {
		json_t *args = json_object_get(h, "args"), *a;
		const char *path = json_string_value(json_object_get(h, "path"));
		char *argv[64] = { 0 }, state[8192];
		int in[2], status;
		size_t k;
		pid_t p;

		if (!path)
			continue;
		json_array_foreach(args, k, a)
			if (k < 63)
				argv[k] = (char *)json_string_value(a);
		if (!argv[0])
			argv[0] = (char *)path;
		snprintf(state, sizeof(state), "{\"ociVersion\":\"1.0.2\",\"id\":\"%s\",\"status\":"
			 "\"created\",\"pid\":%d,\"bundle\":\"%s\"}", rc->id, (int)pid, rc->bundle);
		if (pipe2(in, O_CLOEXEC) < 0)
			return eci_fail(e, errno, "hook %s", path);
		p = fork();
		if (p == 0) {
			dup2(in[0], 0);
			execv(path, argv);
			_exit(127);
		}
		close(in[0]);
		if (write(in[1], state, strlen(state)) < 0) { /* the hook may not read it */ }
		close(in[1]);
		waitpid(p, &status, 0);
		if (!WIFEXITED(status) || WEXITSTATUS(status))
			return eci_fail(e, 0, "%s hook %s failed", kind, path);
	}
	return 0;
}

static int prepare_state(struct rconfig *rc, const struct layers *L, struct eci_err *e)
{
	size_t nlayers = L->n;
	char p[PATH_MAX + 64];

	snprintf(p, sizeof(p), "%s/exec.fifo", rc->state);
	if (mkfifo(p, 0600) < 0)
		return eci_fail(e, errno, "%s", p);
	snprintf(p, sizeof(p), "%s/rootfs", rc->state);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/rw", rc->state);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/u", rc->state);
	mkdir(p, 0755);
	/* overlayfs's work directory beside the engine's upper one: the
	 * engine's own overlay, mounted meanwhile, uses work/. */
	snprintf(p, sizeof(p), "%s/" ENGINE_WORKDIR, L->dir);
	if (L->upper[0] && mkdir(p, 0700) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "%s", p);
	for (size_t i = 0; i < nlayers; i++) {
		snprintf(p, sizeof(p), "%s/l%zu", rc->state, i);
		mkdir(p, 0755);
	}
	for (size_t i = 0; i < rc->nbinds; i++) {
		snprintf(p, sizeof(p), "%s/b%zu", rc->state, i);
		if (rc->bind[i].dir)
			mkdir(p, 0755);
		else
			close(open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0644));
	}
	if (L->inner_fd >= 0) {
		snprintf(p, sizeof(p), "%s/b%zu", rc->state, rc->nbinds);
		mkdir(p, 0755);
	}
	return 0;
}

/*
 * CAP_SYS_ADMIN granted: the inner engines' storage (mounts/system.c) is
 * ENGINE_INNERDIR beside the engine's upper directory, on its file system
 * and idmapped as the upper is, so that it keeps its ids from one start to
 * the next whatever the slot, and goes when the engine removes the
 * container's directory.  None for a plain-directory root.
 */
static int inner_dir(const struct spec *s, struct layers *L, struct eci_err *e)
{
	_cleanup_close_ int dir = -1;

	L->inner_fd = -1;
	if (!((s->caps >> CAP_SYS_ADMIN) & 1) || !L->upper[0])
		return 0;
	dir = open(L->dir, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (dir < 0 || (mkdirat(dir, ENGINE_INNERDIR, 0700) < 0 && errno != EEXIST))
		return eci_fail(e, errno, "%s/%s", L->dir, ENGINE_INNERDIR);
	L->inner_fd = openat(dir, ENGINE_INNERDIR, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (L->inner_fd < 0)
		return eci_fail(e, errno, "%s/%s", L->dir, ENGINE_INNERDIR);
	return 0;
}


/* The layers, the upper directory and the binds, into pid 1's mount
 * namespace (mounts/idmap.c), where core/child.c finds them. */
static int place_all(pid_t pid, const struct rconfig *rc, const struct layers *L, uid_t uid0,
		     gid_t gid0, struct eci_err *e)
{
	static const enum mnt_ids as[] = { [RBIND_HOST] = MNT_IDS_HOST,
					   [RBIND_STORAGE] = MNT_IDS_CONTAINER,
					   [RBIND_SHARED] = MNT_IDS_OWNER };
	struct mnt_placed_src binds[RUNC_MAX_BINDS + 1];
	const char *layers[IMG_MAX_LAYERS];
	size_t n = rc->nbinds;

	for (size_t i = 0; i < L->n; i++)
		layers[i] = L->path[i];
	for (size_t i = 0; i < rc->nbinds; i++)
		binds[i] = (struct mnt_placed_src){ .fd = rc->bind[i].fd, .name = rc->bind[i].src,
						    .ids = as[rc->bind[i].kind],
						    .owner = rc->bind[i].owner,
						    .group = rc->bind[i].group };
	if (L->inner_fd >= 0)
		binds[n++] = (struct mnt_placed_src){ .fd = L->inner_fd, .name = ENGINE_INNERDIR,
						      .ids = MNT_IDS_CONTAINER };
	return mnt_place(pid, rc->state, layers, L->n, L->dir, binds, n, uid0, gid0, e);
}

/* What pid 1 finds placed in its mount namespace (core/child.c). */
static void plan(const struct rconfig *rc, const struct layers *L, struct spec *s)
{
	s->mnt.statedir = rc->state;
	s->engine.on = true;
	s->engine.nlayers = L->n;
	snprintf(s->engine.upper, sizeof(s->engine.upper), "%s", L->upper);
	s->engine.nbinds = rc->nbinds;
	s->engine.inner = L->inner_fd >= 0;
	for (size_t i = 0; i < rc->nbinds; i++) {
		s->engine.bind_dst[i] = rc->bind[i].dst;
		s->engine.bind_ro[i] = rc->bind[i].ro;
		s->engine.bind_noexec[i] = rc->bind[i].noexec;
		s->engine.bind_device[i] = rc->bind[i].device;
	}
}

int runc_create(struct rconfig *rc, struct spec *s)
{
	struct sync_msg pending = { 0 };
	struct eci_err e = { 0 };
	static struct layers L;
	int drop[RUNC_MAX_BINDS + 1], sock = -1, master;
	unsigned slot = 0, gslot = 0;
	pid_t pid = -1;
	char root[sizeof(rc->state)];

	/* First what killed creates left behind (their lock is free). */
	snprintf(root, sizeof(root), "%s", rc->state);
	*strrchr(root, '/') = '\0';
	runc_gc(root);
	if (runc_join_judge(rc, &e) < 0 || engine_layers(rc->rootfs, &L, &e) < 0 ||
	    (rc->setid_guard |= reachable(L.dir), classify(rc, s, &L, &e) < 0) ||
	    runc_check_host(rc, s, &e) < 0 ||
	    cgroup_plan(rc->cgroups_path, rc->id, rc->systemd_cgroup, &rc->cg, &e) < 0 ||
	    runc_state_begin(rc, &e) < 0) {
		runc_err("%s", e.msg);
		return 1;
	}
	if (inner_dir(s, &L, &e) < 0 || prepare_state(rc, &L, &e) < 0)
		goto fail;
	plan(rc, &L, s);
	/* its cgroups are its root's (cgroup_delegate()): pid 1 leaves the v2
	 * one to the workload, unless it is in another's cgroup namespace */
	for (size_t i = 0; i < rc->cg.n && rc->join.fd[RNS_CGROUP] < 0; i++)
		if (!rc->cg.d[i].ctrls[0])
			s->cg_v2_dir = rc->cg.d[i].path;
	/* pid 1 keeps none of the sources (the parent mounts them); it keeps
	 * the state directory's lock, by which runc_gc() knows a create
	 * killed half-way from one still running (state.c) */
	for (size_t i = 0; i < rc->nbinds; i++)
		drop[i] = rc->bind[i].fd;
	drop[rc->nbinds] = L.inner_fd;
	pid = clone_pid1(rc, s, &sock, drop, rc->nbinds + 1);
	if (pid < 0) {
		eci_fail(&e, errno, "create the container's namespaces");
		goto fail;
	}
	if ((rc->join.user >= 0 ? joined_slot(rc, &slot, &gslot, &e)
				: lease_slot(pid, &slot, &gslot, &e)) < 0 ||
	    place_all(pid, rc, &L, slot, gslot, &e) < 0 ||
	    (rc->join.net_fresh && sysctl_apply_given(s, rc->join.fd[RNS_NET], gslot, &e) < 0) ||
	    cgroup_enter(&rc->cg, pid, &rc->limits, &e) < 0 ||
	    cgroup_delegate(&rc->cg, slot, gslot, &e) < 0 || rlimit_apply(pid, &s->oci, &e) < 0)
		goto fail;
	if (container_go(sock, slot) < 0)
		goto child_failed;
	if (s->tty) {
		master = tty_master(sock, &pending);
		if (master < 0)
			goto child_failed;
		if (runc_send_console(rc->console, master, &e) < 0) {
			close(master);
			goto fail;
		}
		close(master);
	}
	if (container_await(sock, SYNC_READY, &pending) < 0)
		goto child_failed;
	/* Alive until now: its lease held the slot; from now on our processes
	 * hold it too (subid/'s scan sees them). */
	if (!runc_join_alive(rc)) {
		eci_fail(&e, 0, "container %s, whose namespaces this one joins, has exited",
			 rc->join.target);
		goto fail;
	}
	if (run_hooks(rc, "prestart", pid, &e) < 0 || run_hooks(rc, "createRuntime", pid, &e) < 0 ||
	    runc_save_state(rc, pid, slot) < 0 || runc_write_pidfile(rc->pidfile, pid) < 0 ||
	    runc_state_done(rc) < 0) {
		if (!e.msg[0])
			eci_fail(&e, errno, "record the container");
		goto fail;
	}
	close(sock);
	return 0;
child_failed:
	if (container_outcome(sock, EXIT_ECI, &pending, &e) == EXIT_ECI && !e.msg[0])
		eci_fail(&e, 0, "the container's first process died while starting");
fail:
	runc_err("%s", e.msg);
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	if (sock >= 0)
		close(sock);
	cgroup_remove(&rc->cg);
	rm_rf_at(AT_FDCWD, rc->state);
	return 1;
}
