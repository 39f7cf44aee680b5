// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_engine_id.c - engines known by what they are (policy/engine.c)
 *
 * Stand-ins for engines are children of this test exec'd with an engine's
 * argv[0] ("containerd", "dockerd", "containerd-shim-runc-v2") and its
 * options: /bin/sleep, or /bin/sh running "sleep 60 & wait", whose
 * background sleep is a child to ask about.  A child that is to listen
 * inherits a listening socket across exec, so only its fd table, read
 * through sock_diag, tells where it listens: the device and inode reported
 * there must be the file's.  None of this needs privileges: a user's own
 * children's fd tables are readable.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "engine.h"
#include "policy.h"
#include "unit.h"
#include "util.h"

#define SH_WAIT "sleep 60 & wait"

static char *const clean_env[] = { "PATH=/usr/bin:/bin", NULL };

/* A listening unix socket at @path, not close-on-exec: for a child. */
static int listen_unix(const char *path)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int fd = socket(AF_UNIX, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	snprintf(a.sun_path, sizeof(a.sun_path), "%s", path);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	return fd;
}

/* A listening TCP socket on 127.0.0.1, port chosen by the kernel. */
static int listen_tcp(unsigned *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	*port = ntohs(a.sin_port);
	return fd;
}

/*
 * @prog with @argv, in a process group of its own, killed with this test,
 * holding @fd (-1: none; closed here).  Returns once the exec is done (the
 * close-on-exec pipe reads end of file).
 */
static pid_t spawn(const char *prog, char *const argv[], int fd)
{
	int p[2], err = 0;
	ssize_t n;
	pid_t pid;

	ck_assert_int_eq(pipe2(p, O_CLOEXEC), 0);
	pid = fork();
	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		close(p[0]);
		setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		execve(prog, argv, clean_env);
		err = errno;
		n = write(p[1], &err, sizeof(err));
		_exit(127);
	}
	if (fd >= 0)
		close(fd);
	close(p[1]);
	n = read(p[0], &err, sizeof(err));
	close(p[0]);
	ck_assert_msg(n == 0, "%s (%s): %s", prog, argv[0], strerror(err));
	return pid;
}

static void reap(pid_t pid)
{
	kill(-pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static pid_t ppid_of(pid_t pid)
{
	char path[64], buf[512], *p;
	int ppid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return 0;
	if (fgets(buf, sizeof(buf), f) && (p = strrchr(buf, ')')))
		sscanf(p + 1, " %*c %d", &ppid);
	fclose(f);
	return ppid;
}

/* The background sleep of a "sleep 60 & wait" shell. */
static pid_t child_of(pid_t parent)
{
	for (int tries = 0; tries < 300; tries++) {
		DIR *d = opendir("/proc");
		struct dirent *e;
		pid_t found = 0;

		ck_assert_ptr_nonnull(d);
		while (!found && (e = readdir(d)))
			if (atoi(e->d_name) > 0 && ppid_of(atoi(e->d_name)) == parent)
				found = atoi(e->d_name);
		closedir(d);
		if (found)
			return found;
		usleep(10000);
	}
	ck_abort_msg("process %d started no child", (int)parent);
	return 0;
}

static struct engines *scan(void)
{
	struct engines *en = calloc(1, sizeof(*en));
	struct eci_err e = { 0 };

	ck_assert_ptr_nonnull(en);
	ck_assert_msg(policy_engines_scan(en, &e) == 0, "scan: %s", e.msg);
	return en;
}

/* policy_engine_socket() of @path opened O_PATH, named @name (NULL: by
 * the kernel's name for it). */
static const struct eng_sock *socket_of(const struct engines *en, const char *path,
					const char *name)
{
	char real[PATH_MAX];
	const struct eng_sock *s;
	int fd = open(path, O_PATH | O_NOFOLLOW | O_CLOEXEC);

	ck_assert_msg(fd >= 0, "open %s: %s", path, strerror(errno));
	ck_assert_int_eq(policy_fd_path(fd, real, sizeof(real)), 0);
	s = policy_engine_socket(en, fd, name ? name : real);
	close(fd);
	return s;
}

static char tmp[64];

static void join(char *buf, const char *name)
{
	snprintf(buf, PATH_MAX, "%s/%s", tmp, name);
}

static void make_tree(void)
{
	char p[PATH_MAX];
	int fd;

	snprintf(tmp, sizeof(tmp), "/tmp/eci-engine-XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(tmp));
	join(p, "run");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	join(p, "run/other");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	join(p, "user");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	join(p, "run/plain");
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	ck_assert_int_ge(fd, 0);
	close(fd);
}

static void remove_tree(void)
{
	char *slash = strrchr(tmp, '/');
	int fd;

	*slash = '\0';
	fd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(rm_rf_at(fd, slash + 1), 0);
	close(fd);
}

/*
 * (a) An engine's socket, found from its fd table: by the socket itself,
 * by its directory (by name and by another name), and by every directory
 * above it up to "/"; neither a file nor a directory beside it, nor the
 * socket of a process that is no engine.
 */
START_TEST(test_socket_by_fd)
{
	char sock[PATH_MAX], other[PATH_MAX], p[PATH_MAX];
	char *ctd[] = { "containerd", "60", NULL }, *slp[] = { "sleep", "60", NULL };
	const struct eng_sock *s;
	struct engines *en;
	struct stat st;
	pid_t c, u;
	size_t n = 0;

	make_tree();
	join(sock, "run/engine.sock");
	join(other, "user/user.sock");
	c = spawn("/bin/sleep", ctd, listen_unix(sock));
	u = spawn("/bin/sleep", slp, listen_unix(other));
	en = scan();

	/* The one entry of the file is the file: sock_diag's s_dev, in the
	 * kernel's encoding, was turned into the st_dev that stat() gives. */
	ck_assert_int_eq(stat(sock, &st), 0);
	for (size_t i = 0; i < en->nsock; i++)
		if (en->sock[i].pid == c) {
			n++;
			ck_assert_str_eq(en->sock[i].path, sock);
			ck_assert_msg(en->sock[i].dev == st.st_dev, "device %#llx, stat() says %#llx",
				      (unsigned long long)en->sock[i].dev,
				      (unsigned long long)st.st_dev);
			ck_assert_uint_eq(en->sock[i].ino, st.st_ino);
			ck_assert_str_eq(en->sock[i].proc, "containerd");
		}
	ck_assert_uint_eq(n, 1);

	ck_assert_ptr_nonnull((s = socket_of(en, sock, NULL)));
	ck_assert_int_eq(s->pid, c);
	join(p, "run");
	ck_assert_ptr_nonnull((s = socket_of(en, p, NULL)));
	ck_assert_int_eq(s->pid, c);
	/* the same directory under a name that is not above the socket's
	 * path, as a bind mount of it would be */
	ck_assert_ptr_nonnull((s = socket_of(en, p, "/elsewhere/run")));
	ck_assert_int_eq(s->pid, c);
	ck_assert_ptr_nonnull(socket_of(en, tmp, NULL));
	ck_assert_ptr_nonnull(socket_of(en, "/", NULL));

	join(p, "run/plain");
	ck_assert_ptr_null(socket_of(en, p, NULL));
	join(p, "run/other");
	ck_assert_ptr_null(socket_of(en, p, NULL));
	ck_assert_ptr_null(socket_of(en, other, NULL));
	join(p, "user");
	ck_assert_ptr_null(socket_of(en, p, NULL));
	/* "/x/run" does not hold "/x/run2/s": components, not prefixes */
	join(p, "run2");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	ck_assert_ptr_null(socket_of(en, p, NULL));

	reap(c);
	reap(u);
	/* gone: its socket file is no engine's any more */
	free(en);
	en = scan();
	ck_assert_ptr_null(socket_of(en, sock, NULL));
	free(en);
	remove_tree();
}
END_TEST

/*
 * A hard link of an engine's socket in another directory: that directory
 * holds the socket too (found beneath it), a directory beside it does not.
 */
START_TEST(test_socket_hard_link)
{
	char sock[PATH_MAX], link_[PATH_MAX], p[PATH_MAX];
	char *ctd[] = { "containerd", "60", NULL };
	const struct eng_sock *s;
	struct engines *en;
	pid_t c;

	make_tree();
	join(sock, "run/engine.sock");
	join(p, "user/deep");
	ck_assert_int_eq(mkdir(p, 0755), 0);
	join(link_, "user/deep/hidden");
	c = spawn("/bin/sleep", ctd, listen_unix(sock));
	ck_assert_int_eq(link(sock, link_), 0);
	en = scan();
	join(p, "user");
	ck_assert_ptr_nonnull((s = socket_of(en, p, NULL)));
	ck_assert_int_eq(s->pid, c);
	ck_assert_ptr_nonnull(socket_of(en, link_, NULL));
	join(p, "run/other");
	ck_assert_ptr_null(socket_of(en, p, NULL));
	/* without the link, the directory holds nothing */
	ck_assert_int_eq(unlink(link_), 0);
	join(p, "user");
	ck_assert_ptr_null(socket_of(en, p, NULL));
	reap(c);
	free(en);
	remove_tree();
}
END_TEST

/*
 * A socket that an engine's command line names (containerd --address) is
 * the engine's, although the process listening on it is none.
 */
START_TEST(test_socket_by_cmdline)
{
	char sock[PATH_MAX];
	char *slp[] = { "sleep", "60", NULL };
	char *ctd[] = { "containerd", "-c", SH_WAIT, "containerd", "--address", sock, NULL };
	const struct eng_sock *s;
	struct engines *en;
	pid_t c, u;

	make_tree();
	join(sock, "user/api.sock");
	u = spawn("/bin/sleep", slp, listen_unix(sock));
	c = spawn("/bin/sh", ctd, -1);
	en = scan();
	ck_assert_ptr_nonnull((s = socket_of(en, sock, NULL)));
	ck_assert_int_eq(s->pid, c);
	ck_assert_str_eq(s->proc, "containerd");
	reap(c);
	reap(u);
	free(en);
	remove_tree();
}
END_TEST

static const struct eng_tcp *tcp_of(const struct engines *en, pid_t pid)
{
	for (size_t i = 0; i < en->ntcp; i++)
		if (en->tcp[i].pid == pid)
			return &en->tcp[i];
	return NULL;
}

/*
 * (b) A dockerd with -H tcp:// is exposed, to itself and to a process it
 * runs; with --tlsverify it is not, although another one is.
 */
START_TEST(test_exposed)
{
	char *open_d[] = { "dockerd", "-c", SH_WAIT, "dockerd", "-H", "tcp://127.0.0.1:1",
			   "--config-file", "/nonexistent", NULL };
	char *tls_d[] = { "dockerd", "-c", SH_WAIT, "dockerd", "--config-file=/nonexistent",
			  "--host=tcp://127.0.0.1:2", "--tlsverify", NULL };
	const struct eng_tcp *t;
	struct engines *en;
	pid_t d1, d2, k1, k2;

	d1 = spawn("/bin/sh", open_d, -1);
	d2 = spawn("/bin/sh", tls_d, -1);
	k1 = child_of(d1);
	k2 = child_of(d2);
	en = scan();

	ck_assert_ptr_nonnull((t = tcp_of(en, d1)));
	ck_assert_str_eq(t->addr, "127.0.0.1:1");
	ck_assert(!t->tls_verify);
	ck_assert_ptr_nonnull((t = tcp_of(en, d2)));
	ck_assert_str_eq(t->addr, "127.0.0.1:2");
	ck_assert(t->tls_verify);

	ck_assert_ptr_nonnull(policy_engine_exposed(en, 0));
	ck_assert_ptr_nonnull((t = policy_engine_exposed(en, d1)));
	ck_assert_int_eq(t->pid, d1);
	ck_assert_ptr_nonnull((t = policy_engine_exposed(en, k1)));
	ck_assert_int_eq(t->pid, d1);
	ck_assert_ptr_null(policy_engine_exposed(en, d2));
	ck_assert_ptr_null(policy_engine_exposed(en, k2));
	reap(d1);
	reap(d2);
	free(en);
}
END_TEST

/*
 * A dockerd that holds a listening TCP socket (here from systemd, -H fd://)
 * is exposed on that socket's address, found from its fd table.
 */
START_TEST(test_exposed_by_fd)
{
	char *d_argv[] = { "dockerd", "60", NULL };
	char want[64];
	const struct eng_tcp *t;
	struct engines *en;
	unsigned port;
	pid_t d;

	d = spawn("/bin/sleep", d_argv, listen_tcp(&port));
	snprintf(want, sizeof(want), "127.0.0.1:%u", port);
	en = scan();
	ck_assert_ptr_nonnull((t = policy_engine_exposed(en, d)));
	ck_assert_int_eq(t->pid, d);
	ck_assert_str_eq(t->addr, want);
	reap(d);
	free(en);
}
END_TEST

/*
 * The chain eci-runc meets under dockerd: its parent is a shim that has
 * left its own parent, whose -address is containerd's socket, which a
 * dockerd names with --containerd.  Only that dockerd counts: exposed when
 * it is (_i == 0), not when it verifies TLS clients (_i == 1), whatever an
 * unrelated dockerd does.
 */
START_TEST(test_exposed_through_shim)
{
	char sock[PATH_MAX];
	char *ctd[] = { "containerd", "-c", SH_WAIT, "containerd", "--address", sock, NULL };
	char *dkr[] = { "dockerd", "-c", SH_WAIT, "dockerd", "-Htcp://127.0.0.1:3",
			"--containerd", sock, "--config-file", "/nonexistent",
			_i ? "--tlsverify=true" : "--tlsverify=false", NULL };
	char *other[] = { "dockerd", "-c", SH_WAIT, "dockerd", "-H", "tcp://127.0.0.1:4",
			  "--config-file", "/nonexistent", NULL };
	char *shim[] = { "/usr/bin/containerd-shim-runc-v2", "-c", SH_WAIT, "shim", "-namespace",
			 "moby", "-address", sock, NULL };
	const struct eng_tcp *t;
	struct engines *en;
	pid_t c, d, o, s, k;

	make_tree();
	join(sock, "run/containerd.sock");
	o = spawn("/bin/sh", other, -1);
	c = spawn("/bin/sh", ctd, listen_unix(sock));
	d = spawn("/bin/sh", dkr, -1);
	s = spawn("/bin/sh", shim, -1);
	k = child_of(s);
	en = scan();

	ck_assert_ptr_nonnull((t = tcp_of(en, o)));
	ck_assert(!t->tls_verify);
	t = policy_engine_exposed(en, k);
	if (_i) {
		ck_assert_ptr_null(t);
	} else {
		ck_assert_ptr_nonnull(t);
		ck_assert_int_eq(t->pid, d);
		ck_assert_str_eq(t->addr, "127.0.0.1:3");
	}
	reap(s);
	reap(d);
	reap(c);
	reap(o);
	free(en);
	remove_tree();
}
END_TEST

Suite *engine_id_suite(void)
{
	Suite *s = suite_create("engine_id");
	TCase *tc = tcase_create("engines by what they are");

	tcase_set_timeout(tc, 30);
	tcase_add_test(tc, test_socket_by_fd);
	tcase_add_test(tc, test_socket_hard_link);
	tcase_add_test(tc, test_socket_by_cmdline);
	tcase_add_test(tc, test_exposed);
	tcase_add_test(tc, test_exposed_by_fd);
	tcase_add_loop_test(tc, test_exposed_through_shim, 0, 2);
	suite_add_tcase(s, tc);
	return s;
}
