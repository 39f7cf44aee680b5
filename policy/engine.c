// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * engine.c - the container engines of this host, known by what they are;
 * see engine.h
 *
 * Theory of Operation: one pass over /proc finds the engine processes and
 * keeps each one's command line and, where its fd table can be read, the
 * inodes of the sockets it holds.  Their sockets are then recorded in
 * three rounds, the first entry of a (device, inode) winning:
 *   1. what they really listen on: the listening unix sockets of the whole
 *      network namespace, dumped once through NETLINK_SOCK_DIAG, that one
 *      of their fds is (the process holding it is the listener);
 *   2. what their command lines (and containerd's config.toml) tell them
 *      to listen on, and each program's default;
 *   3. what their command lines name as another engine's socket (dockerd
 *      --containerd, a shim's -address): kept only when round 1 and 2 did
 *      not find the listener, under the pid of the process that names it.
 * A file only counts when it is a socket now: stat() of the path.
 *
 * A process is an engine when the base name of its executable, or of its
 * argv[0], is in programs[]: the executable catches a renamed command
 * line, argv[0] an executable this process may not read (another user's),
 * and a false match only makes eci refuse more.
 *
 * Which dockerd runs a given eci-runc, measured under dockerd 20.10 and
 * containerd 1.6: for create and start, eci-runc's parent is
 * containerd-shim-runc-v2, which has left its parent (its ppid is 1) and
 * whose "-address" is containerd's socket; containerd is dockerd's child
 * ("containerd --config EXEC_ROOT/containerd/containerd.toml"), or, with a
 * system containerd, dockerd names its socket with --containerd.  For
 * "shim delete" the chain eci-runc -> shim -> containerd -> dockerd is
 * unbroken.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <libmnl/libmnl.h>
#include <linux/inet_diag.h>
#include <linux/sock_diag.h>
#include <linux/unix_diag.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "engine.h"
#include "policy.h"
#include "util.h"

/* A command line longer than this is no engine's. */
#define CMDLINE_MAX (256 * 1024)
/* Ancestors looked at above a caller before giving up. */
#define MAX_DEPTH 64
/* dockerds that may run one caller (several may share a containerd). */
#define MAX_SERVERS 16

enum kind { K_NONE = -1, K_DOCKERD, K_CONTAINERD, K_SHIM, K_PODMAN, K_BUILDKITD, K_CRIO };

/*
 * The programs that serve a container API, by executable (or argv[0])
 * base name.  conmon and docker-proxy are left out: they hold no socket
 * that can ask for a container.  The shims are in: each listens on a
 * ttrpc socket that starts and execs tasks.
 */
static const struct {
	const char *name;
	enum kind kind;
} programs[] = {
	{ "dockerd", K_DOCKERD },
	{ "containerd", K_CONTAINERD },
	{ "docker-containerd", K_CONTAINERD },	/* Docker's own copy, before 18.09 */
	{ "containerd-shim", K_SHIM },
	{ "containerd-shim-runc-v1", K_SHIM },
	{ "containerd-shim-runc-v2", K_SHIM },
	{ "docker-containerd-shim", K_SHIM },
	{ "podman", K_PODMAN },
	{ "buildkitd", K_BUILDKITD },
	{ "crio", K_CRIO },
};

struct proc {
	pid_t pid;
	enum kind kind;
	const char *name;	/* programs[].name */
	char *cmd;		/* /proc/PID/cmdline */
	char **argv;
	int argc;
	ino_t *socks;		/* its socket fds' inodes, sorted (none: unreadable) */
	size_t nsocks;
};

/* A TCP listener of this network namespace that a dockerd holds. */
struct listener {
	ino_t ino;
	char addr[80];
};

struct scan {
	struct engines *en;
	struct proc *p;
	size_t n;
	struct listener *tcp;	/* from sock_diag, when tcp_dump > 0 */
	size_t ntcp;
	int tcp_dump;		/* 0: not yet, 1: done, -1: failed */
};

/* --- processes ----------------------------------------------------------- */

static enum kind kind_of(const char *path, const char **name)
{
	const char *b = strrchr(path, '/');

	b = b ? b + 1 : path;
	for (size_t i = 0; i < ARRAY_SIZE(programs); i++)
		if (!strcmp(b, programs[i].name)) {
			*name = programs[i].name;
			return programs[i].kind;
		}
	return K_NONE;
}

/* The kind of /proc/PID/exe: readable for root and the process's owner. */
static enum kind exe_kind(pid_t pid, const char **name)
{
	char path[64], exe[PATH_MAX];
	const char *del = " (deleted)";	/* replaced by a package upgrade */
	ssize_t n;
	size_t d = strlen(del);

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return K_NONE;
	exe[n] = '\0';
	if ((size_t)n > d && !strcmp(exe + n - d, del))
		exe[n - d] = '\0';
	return kind_of(exe, name);
}

static void proc_free(struct proc *p)
{
	free(p->cmd);
	free(p->argv);
	free(p->socks);
	memset(p, 0, sizeof(*p));
}

/* @p->cmd cut into @p->argv at its NULs. */
static int split_args(struct proc *p, size_t len)
{
	size_t n = 1;

	for (size_t i = 0; i + 1 < len; i++)
		n += !p->cmd[i];
	p->argv = calloc(n + 1, sizeof(*p->argv));
	if (!p->argv)
		return -1;
	for (size_t i = 0; i < len; i += strlen(p->cmd + i) + 1)
		p->argv[p->argc++] = p->cmd + i;
	return 0;
}

/*
 * Fill @p if @pid is an engine process.  Return: 0, or -1 when it is
 * none, has gone, or is a zombie or kernel thread (no command line).
 */
static int proc_load(pid_t pid, struct proc *p)
{
	char path[64];
	size_t len;

	memset(p, 0, sizeof(*p));
	p->pid = pid;
	snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)pid);
	if (read_all_at(AT_FDCWD, path, CMDLINE_MAX, &p->cmd, &len) < 0 || !len) {
		proc_free(p);
		return -1;
	}
	p->kind = exe_kind(pid, &p->name);
	if (p->kind == K_NONE)
		p->kind = kind_of(p->cmd, &p->name);
	if (p->kind == K_NONE || split_args(p, len) < 0) {
		proc_free(p);
		return -1;
	}
	return 0;
}

static int cmp_ino(const void *a, const void *b)
{
	ino_t x = *(const ino_t *)a, y = *(const ino_t *)b;

	return x < y ? -1 : x > y;
}

/* The inodes of @p's socket fds ("socket:[INO]"); none when unreadable. */
static void proc_sockets(struct proc *p)
{
	char path[64], link[64];
	size_t cap = 0;
	struct dirent *d;
	DIR *dir;

	snprintf(path, sizeof(path), "/proc/%d/fd", (int)p->pid);
	dir = opendir(path);
	if (!dir)
		return;
	while ((d = readdir(dir))) {
		unsigned long long ino;
		ssize_t n = readlinkat(dirfd(dir), d->d_name, link, sizeof(link) - 1);

		if (n <= 0)
			continue;
		link[n] = '\0';
		if (sscanf(link, "socket:[%llu]", &ino) != 1)
			continue;
		if (p->nsocks == cap) {
			ino_t *ns = realloc(p->socks, (cap = cap ? 2 * cap : 32) * sizeof(*ns));

			if (!ns)
				break;
			p->socks = ns;
		}
		p->socks[p->nsocks++] = (ino_t)ino;
	}
	closedir(dir);
	if (p->nsocks)
		qsort(p->socks, p->nsocks, sizeof(*p->socks), cmp_ino);
}

static bool holds_socket(const struct proc *p, ino_t ino)
{
	return p->nsocks && bsearch(&ino, p->socks, p->nsocks, sizeof(ino), cmp_ino);
}

/* Every engine process in /proc into @s->p. */
static int find_procs(struct scan *s, struct eci_err *e)
{
	size_t cap = 0;
	struct dirent *d;
	DIR *dir = opendir("/proc");

	if (!dir)
		return eci_fail(e, errno, "open /proc");
	while ((d = readdir(dir))) {
		char *end;
		long pid = strtol(d->d_name, &end, 10);
		struct proc p;

		if (*end || pid <= 0 || proc_load((pid_t)pid, &p) < 0)
			continue;
		if (s->n == cap) {
			struct proc *np = realloc(s->p, (cap = cap ? 2 * cap : 16) * sizeof(*np));

			if (!np) {
				proc_free(&p);
				closedir(dir);
				return eci_fail(e, ENOMEM, "list the engine processes");
			}
			s->p = np;
		}
		proc_sockets(&p);
		s->p[s->n++] = p;
	}
	closedir(dir);
	return 0;
}

static pid_t parent_of(pid_t pid)
{
	pid_t ppid;

	return proc_stat(pid, &ppid, NULL) < 0 ? 0 : ppid;
}

/* --- command lines ------------------------------------------------------- */

/*
 * The value of option @name at argv[*i]: "NAME VALUE" (moves *i on) or
 * "NAME=VALUE"; with @glued, also "-HVALUE" for a one-letter -H (Go's
 * pflag, dockerd's parser, allows it).
 */
static const char *opt(const struct proc *p, int *i, const char *name, bool glued)
{
	const char *a = p->argv[*i];
	size_t n = strlen(name);

	if (strncmp(a, name, n))
		return NULL;
	if (!a[n])
		return *i + 1 < p->argc ? p->argv[++*i] : NULL;
	if (a[n] == '=')
		return a + n + 1;
	return glued && n == 2 ? a + n : NULL;
}

/* The last value of options @a or @b ("--address", "-a"), or NULL. */
static const char *opt_last(const struct proc *p, const char *a, const char *b)
{
	const char *v = NULL, *x;

	for (int i = 1; i < p->argc && strcmp(p->argv[i], "--"); i++)
		if ((x = opt(p, &i, a, false)) || (b && (x = opt(p, &i, b, false))))
			v = x;
	return v;
}

/* A unix socket's path from "unix:///P", "unix:P" or "/P", or NULL. */
static const char *unix_path(const char *v)
{
	if (!strncmp(v, "unix://", 7))
		return v + 7;
	if (!strncmp(v, "unix:", 5))
		return v + 5;
	return v[0] == '/' ? v : NULL;
}

/* Is @v a true value of a Go bool flag? */
static bool go_true(const char *v)
{
	static const char *const t[] = { "1", "t", "T", "true", "TRUE", "True" };

	for (size_t i = 0; i < ARRAY_SIZE(t); i++)
		if (!strcmp(v, t[i]))
			return true;
	return false;
}

/* --- recording ----------------------------------------------------------- */

static bool same_file(const struct eng_sock *s, const struct stat *st)
{
	/* unix_diag gives the low 32 bits of an inode number only: such an
	 * entry matches every inode with those bits (more refusals, never
	 * fewer). */
	return s->dev == st->st_dev &&
	       (s->ino == st->st_ino || (s->ino <= UINT32_MAX && (uint32_t)st->st_ino == s->ino));
}

static void add_sock(struct scan *s, const struct proc *p, dev_t dev, ino_t ino,
		     const char *path)
{
	struct engines *en = s->en;
	struct eng_sock *k;

	for (size_t i = 0; i < en->nsock; i++)
		if (en->sock[i].dev == dev && en->sock[i].ino == ino)
			return;
	if (en->nsock == ENG_MAX_SOCKS)
		return;
	k = &en->sock[en->nsock++];
	k->dev = dev;
	k->ino = ino;
	snprintf(k->path, sizeof(k->path), "%s", path);
	k->pid = p->pid;
	snprintf(k->proc, sizeof(k->proc), "%s", p->name);
}

/*
 * @path, when it is a socket now.  It is kept resolved (realpath), so that
 * a directory above it is recognised by the name the kernel gives it:
 * /var/run/docker.sock is /run/docker.sock on Debian.
 */
static void add_path(struct scan *s, const struct proc *p, const char *path)
{
	char real[PATH_MAX];
	struct stat st;

	if (!path || path[0] != '/' || !realpath(path, real) || stat(real, &st) < 0 ||
	    !S_ISSOCK(st.st_mode))
		return;
	add_sock(s, p, st.st_dev, st.st_ino, real);
}

/* @base with @suffix, when it is a socket now. */
static void add_path2(struct scan *s, const struct proc *p, const char *base, const char *suffix)
{
	char path[PATH_MAX];

	if (base && snprintf(path, sizeof(path), "%s%s", base, suffix) < (int)sizeof(path))
		add_path(s, p, path);
}

static void add_tcp(struct scan *s, pid_t pid, const char *addr, bool tls)
{
	struct engines *en = s->en;
	struct eng_tcp *t;

	for (size_t i = 0; i < en->ntcp; i++)
		if (en->tcp[i].pid == pid && !strcmp(en->tcp[i].addr, addr))
			return;
	if (en->ntcp == ENG_MAX_TCP)
		return;
	t = &en->tcp[en->ntcp++];
	t->pid = pid;
	snprintf(t->addr, sizeof(t->addr), "%s", addr);
	t->tls_verify = tls;
}

/* --- round 1: the listening unix sockets, from sock_diag ----------------- */

struct diag {
	struct scan *s;
};

static int diag_attr(const struct nlattr *a, void *data)
{
	const struct nlattr **tb = data;

	if (mnl_attr_type_valid(a, UNIX_DIAG_MAX) > 0)
		tb[mnl_attr_get_type(a)] = a;
	return MNL_CB_OK;
}

static const struct proc *owner(const struct scan *s, ino_t ino)
{
	for (size_t i = 0; i < s->n; i++)
		if (holds_socket(&s->p[i], ino))
			return &s->p[i];
	return NULL;
}

/*
 * One listening socket.  UNIX_DIAG_VFS holds the bound file's inode and
 * its superblock's s_dev in the kernel's own dev_t encoding (major << 20 |
 * minor; net/unix/diag.c), not the one stat() returns.  Where the bound
 * name leads to a socket now, that file's stat() is kept as well: on
 * overlayfs or btrfs a file's st_dev is not its superblock's s_dev.
 */
static int diag_msg(const struct nlmsghdr *nlh, void *data)
{
	struct diag *d = data;
	const struct unix_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	const struct nlattr *tb[UNIX_DIAG_MAX + 1] = { 0 };
	const struct unix_diag_vfs *v;
	const struct proc *p;
	char name[PATH_MAX] = "", real[PATH_MAX];
	struct stat st;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || !(p = owner(d->s, m->udiag_ino)) ||
	    mnl_attr_parse(nlh, sizeof(*m), diag_attr, tb) < 0 || !tb[UNIX_DIAG_VFS] ||
	    mnl_attr_get_payload_len(tb[UNIX_DIAG_VFS]) < sizeof(*v))
		return MNL_CB_OK;	/* not an engine's, or abstract (no file) */
	v = mnl_attr_get_payload(tb[UNIX_DIAG_VFS]);
	if (tb[UNIX_DIAG_NAME]) {
		size_t n = mnl_attr_get_payload_len(tb[UNIX_DIAG_NAME]);

		n = n < sizeof(name) - 1 ? n : sizeof(name) - 1;
		memcpy(name, mnl_attr_get_payload(tb[UNIX_DIAG_NAME]), n);
		name[n] = '\0';
	}
	if (name[0] == '/' && realpath(name, real))
		snprintf(name, sizeof(name), "%s", real);
	add_sock(d->s, p, makedev(v->udiag_vfs_dev >> 20, v->udiag_vfs_dev & 0xfffff),
		 v->udiag_vfs_ino, name);
	if (name[0] == '/' && stat(name, &st) == 0 && S_ISSOCK(st.st_mode))
		add_sock(d->s, p, st.st_dev, st.st_ino, name);
	return MNL_CB_OK;
}

/* The header of a sock_diag dump request in @buf. */
static struct nlmsghdr *diag_header(void *buf, unsigned seq)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf);

	nlh->nlmsg_type = SOCK_DIAG_BY_FAMILY;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/*
 * Send the dump request @nlh (in @buf, DIAG_BUF bytes) and run @cb on
 * every answer.  Return: 0 or -errno.
 */
#define DIAG_BUF 32768	/* a dump's messages come in up to 32 KiB */
static int diag_dump(char *buf, const struct nlmsghdr *nlh, mnl_cb_t cb, void *data)
{
	struct mnl_socket *nl = mnl_socket_open2(NETLINK_SOCK_DIAG, SOCK_CLOEXEC);
	unsigned seq = nlh->nlmsg_seq, portid;
	int r = MNL_CB_OK;
	ssize_t n = 0;

	if (!nl)
		return -errno;
	if (mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID) < 0 ||
	    mnl_socket_sendto(nl, buf, nlh->nlmsg_len) < 0) {
		r = -errno;
	} else {
		portid = mnl_socket_get_portid(nl);
		while (r > MNL_CB_STOP && (n = mnl_socket_recvfrom(nl, buf, DIAG_BUF)) > 0)
			r = mnl_cb_run(buf, (size_t)n, seq, portid, cb, data);
		r = r < 0 || n < 0 ? -errno : 0;
	}
	mnl_socket_close(nl);
	return r;
}

/*
 * Dump the listening unix sockets of this network namespace and keep those
 * an engine process holds.  Skipped when no engine's fd table could be
 * read: nothing could be matched.
 */
static int diag_unix(struct scan *s, struct eci_err *e)
{
	char buf[DIAG_BUF];
	struct nlmsghdr *nlh = diag_header(buf, (unsigned)time(NULL));
	struct unix_diag_req *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
	struct diag d = { .s = s };
	bool any = false;
	int r;

	for (size_t i = 0; i < s->n; i++)
		any = any || s->p[i].nsocks;
	if (!any)
		return 0;
	req->sdiag_family = AF_UNIX;
	req->udiag_states = 1u << TCP_LISTEN;
	req->udiag_show = UDIAG_SHOW_NAME | UDIAG_SHOW_VFS;
	r = diag_dump(buf, nlh, diag_msg, &d);
	return r < 0 ? eci_fail(e, -r, "list the listening unix sockets (sock_diag)") : 0;
}

/* --- round 2: what the command lines say --------------------------------- */

/*
 * containerd's config.toml, the lines 'address = "P"' of its [grpc],
 * [ttrpc] and [debug] tables; read line by line, not as TOML.  Return:
 * whether a [grpc] address was found.
 */
static bool containerd_toml(struct scan *s, const struct proc *p, const char *file)
{
	_cleanup_free_ char *buf = NULL;
	char sect[32] = "", path[PATH_MAX];
	bool grpc = false;

	if (read_all_at(AT_FDCWD, file, 1 << 20, &buf, NULL) < 0)
		return false;
	for (char *save = NULL, *l = strtok_r(buf, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		l += strspn(l, " \t");
		if (*l == '[') {
			sscanf(l, "[ %31[^] \t]", sect);
			continue;
		}
		if ((strcmp(sect, "grpc") && strcmp(sect, "ttrpc") && strcmp(sect, "debug")) ||
		    sscanf(l, "address = \"%4095[^\"]\"", path) != 1)
			continue;
		add_path(s, p, path);
		if (!strcmp(sect, "grpc")) {
			add_path2(s, p, path, ".ttrpc");
			grpc = true;
		}
	}
	return grpc;
}

/* containerd: --address/-a, else its config's, else the default; and
 * the ttrpc socket beside it. */
static void containerd_paths(struct scan *s, const struct proc *p)
{
	const char *addr = opt_last(p, "--address", "-a");
	const char *conf = opt_last(p, "--config", "-c");

	if (!conf)
		conf = "/etc/containerd/config.toml";
	if (containerd_toml(s, p, conf) && !addr)
		return;
	if (!addr)
		addr = "/run/containerd/containerd.sock";
	add_path(s, p, addr);
	add_path2(s, p, addr, ".ttrpc");
}

/* podman system service [URI]: the URI, or the default of its user. */
static void podman_paths(struct scan *s, const struct proc *p)
{
	char path[PATH_MAX], dir[64];
	bool found = false;
	struct stat st;
	int i = 1;

	while (i + 1 < p->argc && (strcmp(p->argv[i], "system") || strcmp(p->argv[i + 1], "service")))
		i++;
	if (i + 1 >= p->argc)
		return;		/* not serving the API */
	for (i += 2; i < p->argc; i++)
		if (p->argv[i][0] != '-' && unix_path(p->argv[i])) {
			add_path(s, p, unix_path(p->argv[i]));
			found = true;
		}
	snprintf(dir, sizeof(dir), "/proc/%d", (int)p->pid);
	if (found || stat(dir, &st) < 0)
		return;
	if (st.st_uid == 0)
		snprintf(path, sizeof(path), "/run/podman/podman.sock");
	else
		snprintf(path, sizeof(path), "/run/user/%u/podman/podman.sock", (unsigned)st.st_uid);
	add_path(s, p, path);
}

/* buildkitd --addr unix://P (repeatable), crio --listen P. */
static void listen_paths(struct scan *s, const struct proc *p, const char *flag,
			 const char *dflt)
{
	bool found = false;
	const char *v;

	for (int i = 1; i < p->argc && strcmp(p->argv[i], "--"); i++)
		if ((v = opt(p, &i, flag, false)) && unix_path(v)) {
			add_path(s, p, unix_path(v));
			found = true;
		}
	if (!found)
		add_path(s, p, dflt);
}

/* --- dockerd ------------------------------------------------------------- */

/* Its daemon.json (--config-file, else /etc/docker/daemon.json), or NULL. */
static json_t *daemon_json(const struct proc *p)
{
	const char *file = opt_last(p, "--config-file", NULL);

	return json_load_file(file ? file : "/etc/docker/daemon.json", 0, NULL);
}

/* DOCKER_TLS_VERIFY in its environment turns --tlsverify's default on
 * (readable for root and the process's owner only). */
static bool env_tls(pid_t pid)
{
	_cleanup_free_ char *buf = NULL;
	char path[64];
	size_t len;

	snprintf(path, sizeof(path), "/proc/%d/environ", (int)pid);
	if (read_all_at(AT_FDCWD, path, CMDLINE_MAX, &buf, &len) < 0)
		return false;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		if (!strncmp(buf + i, "DOCKER_TLS_VERIFY=", 18) && buf[i + 18])
			return true;
	return false;
}

/* --tlsverify[=BOOL] (the last one wins), else daemon.json, else env. */
static bool tls_verify(const struct proc *p, json_t *cfg)
{
	json_t *j = cfg ? json_object_get(cfg, "tlsverify") : NULL;
	int set = -1;

	for (int i = 1; i < p->argc && strcmp(p->argv[i], "--"); i++) {
		const char *a = p->argv[i];

		if (!strcmp(a, "--tlsverify"))
			set = 1;
		else if (!strncmp(a, "--tlsverify=", 12))
			set = go_true(a + 12);
	}
	if (set >= 0)
		return set;
	if (json_is_boolean(j))
		return json_is_true(j);
	return env_tls(p->pid);
}

/* One -H value: a unix socket, or a TCP address ("tcp://A", or a bare A,
 * which dockerd takes as TCP).  fd:// sockets are found by round 1. */
static void docker_host(struct scan *s, const struct proc *p, const char *v, bool tls)
{
	if (!strncmp(v, "fd://", 5))
		return;
	if (!strncmp(v, "unix://", 7)) {
		add_path(s, p, v[7] ? v + 7 : "/var/run/docker.sock");
		return;
	}
	if (!strncmp(v, "tcp://", 6))
		v += 6;
	else if (strstr(v, "://"))
		return;		/* npipe:// and the like: not on Linux */
	add_tcp(s, p->pid, v[0] ? v : "127.0.0.1:2375", tls);
}

/* "1.2.3.4:P" or "[::1]:P" of an address in network byte order. */
static void ip_port(int family, const void *ip, unsigned port, char *out, size_t size)
{
	char a[INET6_ADDRSTRLEN] = "?";

	inet_ntop(family, ip, a, sizeof(a));
	snprintf(out, size, family == AF_INET6 ? "[%s]:%u" : "%s:%u", a, port);
}

/*
 * @p's listening TCP sockets from /proc/PID/net/tcp{,6}, the tables of its
 * own network namespace (the kernel prints each 32-bit word of an address
 * in host order).  Slow where there are many connections: the kernel walks
 * them all to print the file.
 */
static void proc_net_tcp(struct scan *s, const struct proc *p, bool tls)
{
	for (int v6 = 0; v6 < 2; v6++) {
		_cleanup_fclose_ FILE *f = NULL;
		char path[64], line[512], hex[33], addr[80];
		unsigned port, st;
		unsigned long long ino;

		snprintf(path, sizeof(path), "/proc/%d/net/tcp%s", (int)p->pid, v6 ? "6" : "");
		if (!(f = fopen(path, "re")))
			continue;
		while (fgets(line, sizeof(line), f)) {
			uint32_t w[4] = { 0 };

			if (sscanf(line, " %*u: %32[0-9A-Fa-f]:%x %*s %x %*s %*s %*s %*u %*d %llu",
				   hex, &port, &st, &ino) != 4 || st != TCP_LISTEN ||
			    strlen(hex) != (v6 ? 32u : 8u) || !holds_socket(p, (ino_t)ino))
				continue;
			for (int k = 0; k < (v6 ? 4 : 1); k++) {
				char part[9];

				snprintf(part, sizeof(part), "%.8s", hex + 8 * k);
				w[k] = (uint32_t)strtoul(part, NULL, 16);
			}
			ip_port(v6 ? AF_INET6 : AF_INET, w, port, addr, sizeof(addr));
			add_tcp(s, p->pid, addr, tls);
		}
	}
}

static int inet_msg(const struct nlmsghdr *nlh, void *data)
{
	struct scan *s = data;
	const struct inet_diag_msg *m = mnl_nlmsg_get_payload(nlh);
	const struct proc *p;
	struct listener *l;

	if (nlh->nlmsg_len < NLMSG_LENGTH(sizeof(*m)) || !(p = owner(s, m->idiag_inode)) ||
	    p->kind != K_DOCKERD)
		return MNL_CB_OK;
	l = realloc(s->tcp, (s->ntcp + 1) * sizeof(*l));
	if (!l)
		return MNL_CB_ERROR;
	s->tcp = l;
	l += s->ntcp++;
	l->ino = m->idiag_inode;
	ip_port(m->idiag_family, m->id.idiag_src, ntohs(m->id.idiag_sport), l->addr,
		sizeof(l->addr));
	return MNL_CB_OK;
}

/* The TCP listeners of this network namespace that a dockerd holds,
 * through sock_diag, which walks the listening sockets only. */
static int inet_dump(struct scan *s)
{
	static const int family[] = { AF_INET, AF_INET6 };
	char buf[DIAG_BUF];

	for (size_t i = 0; i < ARRAY_SIZE(family); i++) {
		struct nlmsghdr *nlh = diag_header(buf, (unsigned)time(NULL) + (unsigned)i);
		struct inet_diag_req_v2 *req = mnl_nlmsg_put_extra_header(nlh, sizeof(*req));
		int r;

		req->sdiag_family = (uint8_t)family[i];
		req->sdiag_protocol = IPPROTO_TCP;
		req->idiag_states = 1u << TCP_LISTEN;
		if ((r = diag_dump(buf, nlh, inet_msg, s)) < 0)
			return r;
	}
	return 0;
}

static bool same_netns(pid_t pid)
{
	struct stat a, b;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)pid);
	return stat(path, &a) == 0 && stat("/proc/self/ns/net", &b) == 0 &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* @p's listening TCP sockets: sock_diag's in this network namespace
 * (dumped once per scan), /proc/PID/net/tcp{,6} in another one. */
static void tcp_listeners(struct scan *s, const struct proc *p, bool tls)
{
	if (!p->nsocks)
		return;
	if (same_netns(p->pid)) {
		if (!s->tcp_dump)
			s->tcp_dump = inet_dump(s) == 0 ? 1 : -1;
		if (s->tcp_dump > 0) {
			for (size_t i = 0; i < s->ntcp; i++)
				if (holds_socket(p, s->tcp[i].ino))
					add_tcp(s, p->pid, s->tcp[i].addr, tls);
			return;
		}
	}
	proc_net_tcp(s, p, tls);
}

static void dockerd_paths(struct scan *s, const struct proc *p)
{
	json_t *cfg = daemon_json(p), *h = cfg ? json_object_get(cfg, "hosts") : NULL, *x;
	bool tls = tls_verify(p, cfg), host = false;
	const char *v;
	size_t k;

	for (int i = 1; i < p->argc && strcmp(p->argv[i], "--"); i++)
		if ((v = opt(p, &i, "-H", true)) || (v = opt(p, &i, "--host", false))) {
			docker_host(s, p, v, tls);
			host = true;
		}
	json_array_foreach(h, k, x)
		if (json_is_string(x)) {
			docker_host(s, p, json_string_value(x), tls);
			host = true;
		}
	if (!host)
		add_path(s, p, "/var/run/docker.sock");
	tcp_listeners(s, p, tls);
	json_decref(cfg);
}

static void own_paths(struct scan *s, const struct proc *p)
{
	switch (p->kind) {
	case K_DOCKERD:
		dockerd_paths(s, p);
		break;
	case K_CONTAINERD:
		containerd_paths(s, p);
		break;
	case K_PODMAN:
		podman_paths(s, p);
		break;
	case K_BUILDKITD:
		listen_paths(s, p, "--addr", "/run/buildkit/buildkitd.sock");
		break;
	case K_CRIO:
		listen_paths(s, p, "--listen", "/var/run/crio/crio.sock");
		break;
	default:
		break;
	}
}

/* --- round 3: another engine's socket, as a command line names it -------- */

static const char *containerd_ref(const struct proc *p)
{
	if (p->kind == K_DOCKERD)
		return opt_last(p, "--containerd", NULL);
	if (p->kind == K_SHIM)
		return opt_last(p, "-address", "--address");
	return NULL;
}

int policy_engines_scan(struct engines *en, struct eci_err *e)
{
	struct scan s = { .en = en };
	int r;

	en->nsock = en->ntcp = 0;
	r = find_procs(&s, e);
	if (r == 0)
		r = diag_unix(&s, e);
	for (size_t i = 0; r == 0 && i < s.n; i++)
		own_paths(&s, &s.p[i]);
	for (size_t i = 0; r == 0 && i < s.n; i++)
		add_path(&s, &s.p[i], containerd_ref(&s.p[i]));
	for (size_t i = 0; i < s.n; i++)
		proc_free(&s.p[i]);
	free(s.p);
	free(s.tcp);
	return r;
}

/* --- a mount source ------------------------------------------------------ */

/*
 * Does the directory @dir (named @dirpath) hold @s?  Its path must still
 * lead to it, and lie beneath @dirpath or beneath a directory that is @dir
 * under another name (a bind mount of it shows the same device and inode).
 */
static bool dir_holds(const struct stat *dir, const char *dirpath, const struct eng_sock *s)
{
	char up[PATH_MAX];
	struct stat st;
	char *slash;

	if (s->path[0] != '/' || stat(s->path, &st) < 0 || !S_ISSOCK(st.st_mode) ||
	    !same_file(s, &st))
		return false;
	if (dirpath && policy_path_under(s->path, dirpath))
		return true;
	snprintf(up, sizeof(up), "%s", s->path);
	while ((slash = strrchr(up, '/'))) {
		slash[slash == up] = '\0';	/* keep "/" itself */
		if (stat(up, &st) == 0 && st.st_dev == dir->st_dev && st.st_ino == dir->st_ino)
			return true;
		if (slash == up)
			break;
	}
	return false;
}

/*
 * A socket with more than one name (a hard link, made by whoever may write
 * to it and to a directory of its file system) may sit anywhere on its
 * device: look for it beneath @at, on that device only (what lies on
 * other mounts cannot be a link of it), depth and entries bounded.  A
 * search cut short by its bounds counts as found: refused, never let by.
 */
#define LINK_MAX_DEPTH 16
#define LINK_MAX_ENTRIES 20000

static bool holds_link(int at, const struct eng_sock *s, int depth, size_t *budget)
{
	DIR *d;
	struct dirent *de;
	bool found = false;
	int fd = openat(at, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0 || !(d = fdopendir(fd))) {
		if (fd >= 0)
			close(fd);
		return false;	/* a directory we cannot read, the container cannot either */
	}
	while (!found && (de = readdir(d))) {
		struct stat st;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		if (!(*budget)-- || depth >= LINK_MAX_DEPTH) {
			found = true;
			break;
		}
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || st.st_dev != s->dev)
			continue;
		if (S_ISSOCK(st.st_mode))
			found = same_file(s, &st);
		else if (S_ISDIR(st.st_mode)) {
			int sub = openat(dirfd(d), de->d_name, O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

			if (sub >= 0) {
				found = holds_link(sub, s, depth + 1, budget);
				close(sub);
			}
		}
	}
	closedir(d);
	return found;
}

const struct eng_sock *policy_engine_socket(const struct engines *en, int fd,
					     const char *fdpath)
{
	struct stat st;

	if (!en || fstat(fd, &st) < 0)
		return NULL;
	for (size_t i = 0; i < en->nsock; i++) {
		const struct eng_sock *s = &en->sock[i];
		struct stat ss;
		size_t budget = LINK_MAX_ENTRIES;
		int dir;

		if (S_ISSOCK(st.st_mode) && same_file(s, &st))
			return s;
		if (!S_ISDIR(st.st_mode))
			continue;
		if (dir_holds(&st, fdpath, s))
			return s;
		if (s->dev != st.st_dev || s->path[0] != '/' || stat(s->path, &ss) < 0 ||
		    !same_file(s, &ss) || ss.st_nlink < 2)
			continue;
		dir = openat(fd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		if (dir >= 0 && holds_link(dir, s, 0, &budget)) {
			close(dir);
			return s;
		}
		if (dir >= 0)
			close(dir);
	}
	return NULL;
}

/* --- which dockerd runs a caller ----------------------------------------- */

struct servers {
	pid_t pid[MAX_SERVERS];
	size_t n;
	bool known;	/* the engine above was found (maybe no dockerd at all) */
};

static void add_server(struct servers *sv, pid_t pid)
{
	for (size_t i = 0; i < sv->n; i++)
		if (sv->pid[i] == pid)
			return;
	if (sv->n < MAX_SERVERS)
		sv->pid[sv->n++] = pid;
}

/* Load @pid into @p if it is a dockerd (free it after); else false. */
static bool is_dockerd(pid_t pid, struct proc *p)
{
	memset(p, 0, sizeof(*p));
	if (pid <= 0 || proc_load(pid, p) < 0)
		return false;
	if (p->kind == K_DOCKERD)
		return true;
	proc_free(p);
	return false;
}

/* Does @path lead to the same socket as @ref (or, unresolved, equal it)? */
static bool same_socket(const char *path, const char *ref, const struct stat *rst)
{
	struct stat st;

	if (!path)
		return false;
	if (rst && stat(path, &st) == 0)
		return st.st_dev == rst->st_dev && st.st_ino == rst->st_ino;
	return !strcmp(path, ref);
}

/* Every dockerd the scan saw: those it has an entry of. */
static void all_dockerds(const struct engines *en, struct servers *all)
{
	for (size_t i = 0; i < en->nsock; i++)
		if (!strcmp(en->sock[i].proc, "dockerd"))
			add_server(all, en->sock[i].pid);
	for (size_t i = 0; i < en->ntcp; i++)
		add_server(all, en->tcp[i].pid);
}

/*
 * The dockerds behind containerd socket @addr: the parent of the
 * containerd that listens on it, a dockerd whose entry it is (named by
 * --containerd), and every dockerd seen whose --containerd leads to it.
 */
static void behind_containerd(const struct engines *en, const char *addr, struct servers *sv)
{
	struct stat ast, *rst = stat(addr, &ast) == 0 ? &ast : NULL;
	struct servers all = { .n = 0 };
	const char *name;
	struct proc p;

	for (size_t i = 0; i < en->nsock; i++) {
		const struct eng_sock *s = &en->sock[i];

		if (rst ? !same_file(s, rst) : strcmp(s->path, addr))
			continue;
		sv->known = true;	/* the shim's containerd (or dockerd) listens there */
		if (!strcmp(s->proc, "dockerd"))
			add_server(sv, s->pid);
		else if (kind_of(s->proc, &name) == K_CONTAINERD && is_dockerd(parent_of(s->pid), &p)) {
			add_server(sv, p.pid);
			proc_free(&p);
		}
	}
	all_dockerds(en, &all);
	for (size_t i = 0; i < all.n; i++) {
		if (!is_dockerd(all.pid[i], &p))
			continue;
		/* without --containerd, a dockerd uses the system's containerd
		 * when it finds one there: such a dockerd counts for it too */
		if (same_socket(opt_last(&p, "--containerd", NULL) ?: "/run/containerd/containerd.sock",
				addr, rst))
			add_server(sv, p.pid);
		proc_free(&p);
	}
}

/* podman's monitor, by its executable's name (it serves no API of its own:
 * not in programs[]) */
static bool is_conmon(pid_t pid)
{
	char path[64], exe[PATH_MAX];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/exe", (int)pid);
	n = readlink(path, exe, sizeof(exe) - 1);
	if (n <= 0)
		return false;
	exe[n] = '\0';
	return !strcmp(strrchr(exe, '/') ? strrchr(exe, '/') + 1 : exe, "conmon");
}

/*
 * The dockerds that run @caller: an ancestor, else through the -address
 * of the nearest shim above it (see the Theory of Operation).
 */
static void servers_of(const struct engines *en, pid_t caller, struct servers *sv)
{
	char addr[PATH_MAX] = "";
	pid_t pid = caller;
	struct proc p;

	for (int depth = 0; pid > 1 && depth < MAX_DEPTH; depth++, pid = parent_of(pid)) {
		const char *a;

		if (proc_load(pid, &p) < 0) {
			if (is_conmon(pid)) {	/* podman's: its exec, its container's life */
				sv->known = true;
				return;
			}
			continue;
		}
		if (p.kind == K_DOCKERD) {
			add_server(sv, pid);
			proc_free(&p);
			return;
		}
		if (p.kind == K_PODMAN || p.kind == K_CRIO || p.kind == K_BUILDKITD) {
			sv->known = true;	/* an engine that is not a dockerd */
			proc_free(&p);
			return;
		}
		if (p.kind == K_SHIM && !addr[0] && (a = containerd_ref(&p)))
			snprintf(addr, sizeof(addr), "%s", a);
		proc_free(&p);
	}
	if (addr[0])
		behind_containerd(en, addr, sv);
}

const struct eng_tcp *policy_engine_exposed(const struct engines *en, pid_t caller)
{
	struct servers sv = { .n = 0 };

	if (caller > 0)
		servers_of(en, caller, &sv);
	for (size_t i = 0; i < en->ntcp; i++) {
		const struct eng_tcp *t = &en->tcp[i];
		/* no engine found above: every dockerd of the host counts */
		bool counts = !sv.n && !sv.known;

		for (size_t k = 0; k < sv.n; k++)
			counts = counts || sv.pid[k] == t->pid;
		if (counts && !t->tls_verify)
			return t;
	}
	return NULL;
}
