// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_isolation.c - under the engine, container root never reaches host
 * root: binds and volumes keep host ownership, no set-id file is left on
 * the host, engine sockets are refused by what they are, bind sources
 * cannot be swapped between check and mount, docker exec cannot be
 * hijacked and lands in the container's cgroup, the cgroup namespace is
 * the container's own, a killed create leaves nothing, kill checks the
 * process's identity, an engine on TCP without TLS is refused,
 * filesharingAllowedDirectories shares a user's directory as that user,
 * and the policy's capability ceiling and allowedImages hold.
 *
 * Every test builds its host fixture itself and registers with undo() how
 * to remove it, so that it goes even when the test fails.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "engine.h"
#include "util.h"

#define RUN "run --rm --runtime eci --network none "

/* The three ways of asking for more than the default. */
static const char *const flags[] = { "", "--privileged", "--cap-add ALL" };

#define NFLAGS (sizeof(flags) / sizeof(flags[0]))

static const char *shown(size_t i)
{
	return flags[i][0] ? flags[i] : "default";
}

/* --- undone afterwards ------------------------------------------------------ */

/*
 * Shell commands that undo what a test made on the host, kept in a file:
 * Check ends a test whose assertion failed with _exit(), so nothing of the
 * test's own process can be relied on then.  They run, last registered
 * first, when a test ends normally, else before the next test starts, and
 * at the latest when the test case is over.  The helpers a test forks die
 * with it (PR_SET_PDEATHSIG).
 */
static char undo_file[64];

/* Run the file's commands, last first, and empty it. */
static void undo_now(void)
{
	char *text = NULL, *lines[256];
	size_t n = 0;

	if (!undo_file[0] || read_all_at(AT_FDCWD, undo_file, 1 << 20, &text, NULL) < 0)
		return;
	for (char *save = NULL, *l = strtok_r(text, "\n", &save); l && n < 256;
	     l = strtok_r(NULL, "\n", &save))
		lines[n++] = l;
	while (n > 0)
		if (system(lines[--n]) != 0) { /* best effort: the others may still help */ }
	free(text);
	if (truncate(undo_file, 0) < 0) { /* then they run again: harmless */ }
}

/* Kill and reap this process's children: the helpers a test forked, and
 * whatever a killed runtime left to it as subreaper. */
static void kill_children(void)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char path[300], *stat = NULL, *p;
		int ppid;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0)
			continue;
		p = strrchr(stat, ')');
		if (p && sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == getpid())
			kill(atoi(de->d_name), SIGKILL);
		free(stat);
	}
	if (d)
		closedir(d);
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
}

static void at_end(void)
{
	kill_children();
	undo_now();
}

/* Unchecked: once per test case, in the runner. */
static void undo_open(void)
{
	int fd;

	snprintf(undo_file, sizeof(undo_file), "/tmp/eci-engine-undo.XXXXXX");
	fd = mkstemp(undo_file);
	if (fd < 0)
		undo_file[0] = '\0';
	else
		close(fd);
}

static void undo_close(void)
{
	undo_now();
	if (undo_file[0])
		unlink(undo_file);
}

/* Checked: in each test's own process. */
static void test_begin(void)
{
	undo_now();
	atexit(at_end);
}

/* Run the shell command (one line) once the test is over. */
__attribute__((format(printf, 1, 2))) static void undo(const char *fmt, ...)
{
	va_list ap;
	char *c;
	int fd;

	ck_assert_msg(undo_file[0], "no undo file");
	va_start(ap, fmt);
	ck_assert_int_ge(vasprintf(&c, fmt, ap), 0);
	va_end(ap);
	fd = open(undo_file, O_WRONLY | O_APPEND | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, c, strlen(c)), 0);
	ck_assert_int_eq(write_all(fd, "\n", 1), 0);
	close(fd);
	free(c);
}

/* fork(), the child dying with this process. */
static pid_t fork_helper(void)
{
	pid_t parent = getpid(), pid = fork();

	if (pid == 0) {
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(1);
	}
	return pid;
}

/* --- small helpers --------------------------------------------------------- */

/* A fresh directory of root's from @tmpl ("/var/tmp/eci-x.XXXXXX"), removed afterwards. */
static void fixture_dir(char *buf, size_t size, const char *tmpl, mode_t mode)
{
	snprintf(buf, size, "%s", tmpl);
	ck_assert_msg(mkdtemp(buf), "mkdtemp %s: %s", tmpl, strerror(errno));
	undo("rm -rf '%s'", buf);
	ck_assert_int_eq(chmod(buf, mode), 0);
}

static void put_file(const char *dir, const char *name, const char *text, mode_t mode)
{
	char path[4096];
	int fd;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write_all(fd, text, strlen(text)), 0);
	ck_assert_int_eq(fchmod(fd, mode), 0);
	close(fd);
}

/* The value of the line "KEY=N" the container printed, or -1000 if none. */
static int value_of(const char *out, const char *key)
{
	size_t n = strlen(key);

	for (const char *p = out; p && *p; p = strchr(p, '\n'), p = p ? p + 1 : NULL)
		if (!strncmp(p, key, n) && p[n] == '=')
			return atoi(p + n + 1);
	return -1000;
}

/* Each KEY (NULL-terminated list) was printed as "KEY=N" with N != 0: the
 * operation it stands for failed inside the container. */
static void all_failed(const char *what, const char *out, const char *const keys[])
{
	for (size_t i = 0; keys[i]; i++) {
		int v = value_of(out, keys[i]);

		ck_assert_msg(v != -1000, "%s: no '%s=' line in the output:\n%s", what, keys[i], out);
		ck_assert_msg(v != 0, "%s: '%s' succeeded inside the container:\n%s", what, keys[i],
			      out);
	}
}

static int count_of(const char *hay, const char *needle)
{
	int n = 0;

	for (const char *p = hay; (p = strstr(p, needle)); p += strlen(needle))
		n++;
	return n;
}

static int entries(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	int n = 0;

	ck_assert_msg(d, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d)))
		n += strcmp(de->d_name, ".") && strcmp(de->d_name, "..");
	closedir(d);
	return n;
}

/* A host file as it was: content, owner, mode, modification time. */
struct snap {
	char path[4096];
	char *data;
	size_t len;
	struct stat st;
};

static void take_snap(struct snap *s, const char *path)
{
	snprintf(s->path, sizeof(s->path), "%s", path);
	ck_assert_msg(lstat(path, &s->st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 22, &s->data, &s->len), 0);
}

/* Unchanged since take_snap(); the content is not printed (/etc/shadow). */
static void same_as(const struct snap *s, const char *when)
{
	struct stat st;
	char *data = NULL;
	size_t len = 0;

	ck_assert_msg(lstat(s->path, &st) == 0, "%s: %s is gone", when, s->path);
	ck_assert_msg(st.st_uid == s->st.st_uid && st.st_gid == s->st.st_gid,
		      "%s: %s is now owned by %u:%u, was %u:%u", when, s->path, st.st_uid, st.st_gid,
		      s->st.st_uid, s->st.st_gid);
	ck_assert_msg(st.st_mode == s->st.st_mode, "%s: %s has mode %o, had %o", when, s->path,
		      st.st_mode, s->st.st_mode);
	ck_assert_msg(st.st_mtim.tv_sec == s->st.st_mtim.tv_sec &&
		      st.st_mtim.tv_nsec == s->st.st_mtim.tv_nsec, "%s: %s was modified", when, s->path);
	ck_assert_int_eq(read_all_at(AT_FDCWD, s->path, 1 << 22, &data, &len), 0);
	ck_assert_msg(len == s->len && !memcmp(data, s->data, len), "%s: %s has other content",
		      when, s->path);
	free(data);
}

static void probe_path(char *buf, size_t size)
{
	char rel[4096], *abs;

	snprintf(rel, sizeof(rel), "%s/t/probe", t_prefix());
	abs = realpath(rel, NULL);
	ck_assert_msg(abs, "%s: %s", rel, strerror(errno));
	snprintf(buf, size, "%s", abs);
	free(abs);
}

/* $ENV/NAME in @buf: a file of the harness's directories (t/engine/run.sh). */
static const char *harness_path(char *buf, size_t size, const char *env, const char *name)
{
	const char *dir = getenv(env);

	ck_assert_msg(dir && *dir, "%s is not set: run t/engine/run.sh", env);
	snprintf(buf, size, "%s/%s", dir, name);
	return buf;
}

/* @path (mode 0644, root's) holds @text until the test is over. */
static void put_for_test(const char *path, const char *text)
{
	int fd;

	undo("rm -f '%s'", path);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	ck_assert_msg(fd >= 0, "%s: %s", path, strerror(errno));
	ck_assert_int_eq(write_all(fd, text, strlen(text)), 0);
	ck_assert_int_eq(fchmod(fd, 0644), 0);
	close(fd);
}

/* The policy of the runtime "eci-pol" gets FILE with @json, removed at exit. */
static void set_policy(const char *json)
{
	char path[4096];

	put_for_test(harness_path(path, sizeof(path), "ECI_ENGINE_POLICY", "90-eci-test.json"),
		     json);
}

/* --- host paths keep host ownership --------------------------------------- */

/* What container root tries on /x, a bind of root's fixture_root(). */
static const char bind_ops[] =
	"stat -c u=%u /x /x/file /x/secret; "
	"echo changed >> /x/file; echo write=$?; "
	"touch /x/new; echo touch=$?; "
	"mkdir /x/newdir; echo mkdir=$?; "
	"chmod 666 /x/file; echo chmod=$?; "
	"chown 0:0 /x/file; echo chown=$?; "
	"cat /x/secret; echo cat=$?; "
	"mv /x/file /x/moved; echo mv=$?; "
	"rm /x/secret; echo rm=$?";
static const char *const bind_keys[] = { "write", "touch", "mkdir", "chmod", "chown", "cat",
					 "mv", "rm", NULL };

/* Root's directory (0755) with root's file (0644) and a root-only one (0600). */
static void fixture_root(char *dir, size_t size)
{
	fixture_dir(dir, size, "/var/tmp/eci-hostdir.XXXXXX", 0755);
	put_file(dir, "file", "host-file\n", 0644);
	put_file(dir, "secret", "host-secret\n", 0600);
}

static void fixture_intact(const char *dir, const char *when)
{
	struct {
		const char *name, *text;
		mode_t mode;
	} f[] = { { "file", "host-file\n", 0644 }, { "secret", "host-secret\n", 0600 } };
	struct stat st;

	ck_assert_int_eq(stat(dir, &st), 0);
	ck_assert_msg(st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == 0755,
		      "%s: %s is now %u:%u %o", when, dir, st.st_uid, st.st_gid, st.st_mode & 07777);
	ck_assert_msg(entries(dir) == 2, "%s: %s has %d entries, not 2", when, dir, entries(dir));
	for (size_t i = 0; i < 2; i++) {
		char path[4096], *text = NULL;

		snprintf(path, sizeof(path), "%s/%s", dir, f[i].name);
		ck_assert_msg(lstat(path, &st) == 0, "%s: %s is gone", when, path);
		ck_assert_msg(st.st_uid == 0 && st.st_gid == 0 && (st.st_mode & 07777) == f[i].mode,
			      "%s: %s is now %u:%u %o", when, path, st.st_uid, st.st_gid,
			      st.st_mode & 07777);
		ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &text, NULL), 0);
		ck_assert_msg(!strcmp(text, f[i].text), "%s: %s now holds '%s'", when, path, text);
		free(text);
	}
}

static void bind_attempts(const char *what, const char *dir, const char *mountflags)
{
	struct run_result r;

	dockerf(&r, RUN "%s " IMG " sh -c 'exec 2>&1; %s' 2>&1", mountflags, bind_ops);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", what, r.status, r.out);
	ck_assert_msg(count_of(r.out, "u=65534\n") == 3,
		      "%s: root's files do not appear as nobody (65534):\n%s", what, r.out);
	ck_assert_msg(!strstr(r.out, "host-secret"), "%s: the root-only file was read:\n%s", what,
		      r.out);
	all_failed(what, r.out, bind_keys);
	t_run_free(&r);
	fixture_intact(dir, what);
}

START_TEST(binds_keep_host_ownership)
{
	char dir[64], what[256], mountflags[512];

	fixture_root(dir, sizeof(dir));
	for (size_t i = 0; i < NFLAGS; i++) {
		snprintf(what, sizeof(what), "-v %s:/x %s", dir, flags[i]);
		snprintf(mountflags, sizeof(mountflags), "%s -v %s:/x", flags[i], dir);
		bind_attempts(what, dir, mountflags);
		snprintf(what, sizeof(what), "--mount type=bind %s", flags[i]);
		snprintf(mountflags, sizeof(mountflags), "%s --mount type=bind,source=%s,target=/x",
			 flags[i], dir);
		bind_attempts(what, dir, mountflags);
	}
}
END_TEST

/* The issue's own attack: a set-user-ID-root shell left in /usr/local/bin. */
START_TEST(no_setuid_shell_in_usr_local_bin)
{
	static const char rsh[] = "/usr/local/bin/rsh";
	struct stat st;

	ck_assert_msg(lstat(rsh, &st) < 0 && errno == ENOENT,
		      "%s exists before the test: not ours to remove", rsh);
	undo("rm -f %s", rsh);
	for (size_t i = 0; i < NFLAGS; i++) {
		struct run_result r;

		dockerf(&r, RUN "%s -v /usr/local/bin:/x " IMG
			" sh -c 'cp /bin/sh /x/rsh; chmod 4755 /x/rsh' 2>&1", flags[i]);
		if (lstat(rsh, &st) == 0) {
			unlink(rsh);
			ck_abort_msg("%s: the container left %s on the host, mode %o owner %u: %s",
				     shown(i), rsh, st.st_mode & 07777, st.st_uid, r.out);
		}
		ck_assert_msg(r.status == 1, "%s: exit %d, want 1: %s", shown(i), r.status, r.out);
		t_run_free(&r);
	}
}
END_TEST

/*
 * A world-writable directory of root's (0777, and sticky 1777): container
 * root creates files there, owned on the host by an id of the pool, but
 * cannot give them a set-user-ID or set-group-ID bit.
 */
START_TEST(no_setid_file_on_host)
{
	static const mode_t modes[] = { 0777, 01777 };
	static const char ops[] =
		"echo data > /w/f; echo create=$?; "
		"chmod 4755 /w/f; echo suid=$?; "
		"chmod g+s /w/f; echo sgid=$?; "
		"chmod u+s /w/f; echo usid=$?; "
		"/probe creat /w/p 4755; /probe creat /w/q 2755; "
		"if command -v install >/dev/null; then install -m 4755 /bin/busybox /w/i; "
		"echo install=$?; fi";
	static const char *const keys[] = { "suid", "sgid", "usid", NULL };
	struct subid_range p = pool();
	char probe[4096];

	probe_path(probe, sizeof(probe));
	for (size_t m = 0; m < 2; m++) {
		char dir[64];

		fixture_dir(dir, sizeof(dir), "/var/tmp/eci-wdir.XXXXXX", modes[m]);
		for (size_t i = 0; i < NFLAGS; i++) {
			char what[128];
			struct run_result r;
			struct dirent *de;
			DIR *d;
			int fd;

			snprintf(what, sizeof(what), "dir %o %s", modes[m], flags[i]);
			dockerf(&r, RUN "%s -v %s:/probe:ro -v %s:/w " IMG " sh -c 'exec 2>&1; %s' 2>&1", flags[i],
				probe, dir, ops);
			ck_assert_msg(r.status == 0, "%s: exit %d: %s", what, r.status, r.out);
			ck_assert_msg(value_of(r.out, "create") == 0, "%s: cannot create a file:\n%s",
				      what, r.out);
			all_failed(what, r.out, keys);
			ck_assert_msg(strstr(r.out, "Operation not permitted"),
				      "%s: no 'Operation not permitted':\n%s", what, r.out);
			/* What the host has: pool-owned files without set-id bits. */
			d = opendir(dir);
			ck_assert_ptr_nonnull(d);
			while ((de = readdir(d))) {
				struct stat st;

				if (de->d_name[0] == '.')
					continue;
				ck_assert_int_eq(fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW), 0);
				ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)),
					      "%s: %s/%s has mode %o on the host:\n%s", what, dir,
					      de->d_name, st.st_mode & 07777, r.out);
				ck_assert_msg(st.st_uid >= p.start && st.st_uid < p.start + p.count,
					      "%s: %s/%s is owned by uid %u, outside the pool %u-%u",
					      what, dir, de->d_name, st.st_uid, p.start,
					      p.start + p.count - 1);
			}
			closedir(d);
			t_run_free(&r);
			fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
			ck_assert_int_ge(fd, 0);
			ck_assert_int_eq(rm_dir_contents_at(fd), 0);
			close(fd);
		}
	}
}
END_TEST

/* --- engine sockets ---------------------------------------------------------- */

static void refused_socket(const char *flagsfmt, const char *path)
{
	static const char *const words[] = { "is not allowed under enhanced container isolation",
					     "engine socket", NULL };
	struct run_result r;
	char mount[4200];

	snprintf(mount, sizeof(mount), flagsfmt, path);
	dockerf(&r, RUN "%s " IMG " true", mount);
	ck_assert_msg(r.status == 125, "%s: exit %d, want 125: %s", mount, r.status, r.err);
	for (size_t i = 0; words[i]; i++)
		ck_assert_msg(strstr(r.err, words[i]), "%s: the refusal lacks '%s': %s", mount,
			      words[i], r.err);
	ck_assert_msg(strstr(r.err, path), "%s: the refusal does not name %s: %s", mount, path, r.err);
	t_run_free(&r);
}

START_TEST(engine_sockets_refused_by_identity)
{
	const char *host = getenv("DOCKER_HOST"), *xroot = getenv("ECI_ENGINE_EXEC_ROOT");
	char sock[1024], rundir[1024], ctrd[1200], ctrdir[1100], dir[64], own[80];
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct stat st;
	int fd;

	ck_assert_msg(host && !strncmp(host, "unix://", 7), "DOCKER_HOST=%s", host ? host : "");
	ck_assert_msg(xroot && *xroot, "ECI_ENGINE_EXEC_ROOT is not set: run t/engine/run.sh");
	snprintf(sock, sizeof(sock), "%s", host + 7);
	snprintf(rundir, sizeof(rundir), "%s", sock);
	*strrchr(rundir, '/') = '\0';
	snprintf(ctrdir, sizeof(ctrdir), "%s/containerd", xroot);
	snprintf(ctrd, sizeof(ctrd), "%s/containerd.sock", ctrdir);
	ck_assert_msg(stat(sock, &st) == 0 && S_ISSOCK(st.st_mode), "%s is not a socket", sock);
	ck_assert_msg(stat(ctrd, &st) == 0 && S_ISSOCK(st.st_mode), "%s is not a socket", ctrd);

	refused_socket("-v %s:/s", sock);				/* dockerd's own, at its path */
	refused_socket("--privileged --mount type=bind,source=%s,target=/s", sock);
	refused_socket("-v %s:/run/docker.sock", sock);	/* under the name a client expects */
	refused_socket("-v %s:/s", rundir);			/* the directory that holds it */
	refused_socket("--cap-add ALL -v %s:/s", ctrd);		/* containerd's */
	refused_socket("-v %s:/s", ctrdir);

	/* A socket no engine listens on is an ordinary file to share. */
	fixture_dir(dir, sizeof(dir), "/var/tmp/eci-sock.XXXXXX", 0755);
	snprintf(own, sizeof(own), "%s/s", dir);
	snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", own);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&sa, sizeof(sa)), 0);
	ck_assert_int_eq(listen(fd, 4), 0);
	expectf(0, "is-a-socket", NULL, RUN "-v %s:/s " IMG " sh -c 'test -S /s && echo is-a-socket'",
		own);
	close(fd);
}
END_TEST

/* --- volumes ------------------------------------------------------------------ */

/* A named volume is the engine's storage: container root owns what it writes. */
START_TEST(named_volume_shared_between_containers)
{
	char vol[64];

	snprintf(vol, sizeof(vol), "eci-t-vol-%d", (int)getpid());
	expectf(0, vol, NULL, "volume create %s", vol);
	undo("docker volume rm -f %s >/dev/null 2>&1", vol);
	expectf(0, "owner=0", NULL, RUN "-v %s:/data " IMG " sh -c 'echo hi > /data/f && "
		"chown 0:0 /data/f && stat -c owner=%%u /data/f'", vol);
	expectf(0, "hi", NULL, RUN "-v %s:/data " IMG " cat /data/f", vol);
	expectf(0, "hi\nagain", NULL, RUN "-v %s:/data " IMG
		" sh -c 'echo again >> /data/f && cat /data/f'", vol);
	/*
	 * On a volume, container root is root on disk: no set-id bit and no
	 * file capability (CAP_SETFCAP is out of the bounding set) may be
	 * left there, by default or --privileged; read-only, no such limit.
	 */
	expectf(0, "u=1 g=1 CapBnd:\t00000000280425fb", "Operation not permitted", RUN "-v %s:/data "
		IMG " sh -c 'chmod 4755 /data/f; u=$?; chmod 2755 /data/f; g=$?; "
		"echo \"u=$u g=$g $(grep CapBnd /proc/self/status)\"'", vol);
	expectf(0, "u=1", NULL, RUN "--privileged -v %s:/data " IMG
		" sh -c 'chmod 4755 /data/f; echo u=$?'", vol);
	expectf(0, "CapBnd:\t00000000a80425fb", NULL, RUN "-v %s:/data:ro " IMG
		" grep CapBnd /proc/self/status", vol);
	expectf(0, vol, NULL, "volume rm %s", vol);
}
END_TEST

/*
 * A local-driver volume that is really a bind of /etc is a host path, not
 * storage: root's files there appear as nobody and cannot be read (if
 * root-only), written, created, chmod-ed or chown-ed.  What is tried
 * changes nothing even where it works (opens for appending without
 * writing, the mode and owner the file has), and is checked on the host.
 */
START_TEST(etc_volume_keeps_host_ownership)
{
	static const char *const keys[] = { "cat", "write", "write2", "touch", "chmod", "chown",
					    NULL };
	static const char *const files[] = { "/etc/passwd", "/etc/shadow", "/etc/group" };
	struct snap s[3];
	char vol[64], newf[64], newpath[80], ops[1024];

	snprintf(vol, sizeof(vol), "eci-t-etc-%d", (int)getpid());
	snprintf(newf, sizeof(newf), "eci-new-%d", (int)getpid());
	snprintf(newpath, sizeof(newpath), "/etc/%s", newf);
	for (size_t i = 0; i < 3; i++)
		take_snap(&s[i], files[i]);
	undo("rm -f /etc/%s", newf);
	expectf(0, vol, NULL, "volume create --driver local -o type=none -o o=bind -o device=/etc %s",
		vol);
	undo("docker volume rm -f %s >/dev/null 2>&1", vol);
	snprintf(ops, sizeof(ops),
		 "stat -c u=%%u /v/passwd /v/shadow; "
		 "cat /v/shadow > /dev/null; echo cat=$?; "
		 "(: >> /v/group); echo write=$?; "
		 "(: >> /v/passwd); echo write2=$?; "
		 "touch /v/%s; echo touch=$?; "
		 "chmod %o /v/passwd; echo chmod=$?; "
		 "chown 0:0 /v/passwd; echo chown=$?",
		 newf, s[0].st.st_mode & 07777);
	for (size_t i = 0; i < NFLAGS; i++) {
		struct run_result r;

		dockerf(&r, RUN "%s -v %s:/v " IMG " sh -c 'exec 2>&1; %s' 2>&1", flags[i], vol, ops);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s", shown(i), r.status, r.out);
		ck_assert_msg(count_of(r.out, "u=65534\n") == 2,
			      "%s: /etc's files do not appear as nobody:\n%s", shown(i), r.out);
		all_failed(shown(i), r.out, keys);
		t_run_free(&r);
		for (size_t j = 0; j < 3; j++)
			same_as(&s[j], shown(i));
		ck_assert_msg(access(newpath, F_OK) < 0, "%s: the container created %s", shown(i),
			      newpath);
	}
	for (size_t i = 0; i < 3; i++)
		free(s[i].data);
	expectf(0, vol, NULL, "volume rm %s", vol);
}
END_TEST

/* --- everyday use ---------------------------------------------------------------- */

START_TEST(everyday_use_keeps_working)
{
	char name[64], dir[64], path[128], *text = NULL;

	expect(RUN IMG " sh -c 'echo 1.2.3.4 eci-x >> /etc/hosts && echo lines=$(grep -c eci-x "
	       "/etc/hosts)'", 0, "lines=1", NULL);
	expect(RUN "-v /etc/localtime:/etc/localtime:ro " IMG " head -c 4 /etc/localtime", 0,
	       "TZif", NULL);
	/* docker cp, both ways, into and out of a running container */
	snprintf(name, sizeof(name), "eci-t-cp-%d", (int)getpid());
	fixture_dir(dir, sizeof(dir), "/var/tmp/eci-cp.XXXXXX", 0755);
	put_file(dir, "in", "to-the-container\n", 0644);
	expectf(0, NULL, NULL, "run -d --name %s --runtime eci --network none " IMG " sleep 120",
		name);
	undo("docker rm -f %s >/dev/null 2>&1", name);
	expectf(0, NULL, NULL, "cp %s/in %s:/tmp/in", dir, name);
	expectf(0, "to-the-container", NULL, "exec %s cat /tmp/in", name);
	expectf(0, NULL, NULL, "exec %s sh -c 'echo from-the-container > /tmp/out'", name);
	expectf(0, NULL, NULL, "cp %s:/tmp/out %s/out", name, dir);
	snprintf(path, sizeof(path), "%s/out", dir);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &text, NULL), 0);
	ck_assert_str_eq(text, "from-the-container\n");
	free(text);
	expectf(0, NULL, NULL, "rm -f %s", name);
}
END_TEST

/* --- the check-then-mount race --------------------------------------------------- */

/*
 * D/src keeps changing between a directory holding a marker and a symlink
 * to /etc (renameat2 RENAME_EXCHANGE: D/src always exists).  Each bind of
 * D/src is refused or shows the marker; /etc is never mounted.
 */
START_TEST(bind_source_swap_race)
{
	char dir[64], src[128], alt[128];
	int refused = 0, marked = 0, escaped = 0, other = 0;
	pid_t swapper;

	fixture_dir(dir, sizeof(dir), "/var/tmp/eci-race.XXXXXX", 0755);
	snprintf(src, sizeof(src), "%s/src", dir);
	snprintf(alt, sizeof(alt), "%s/alt", dir);
	ck_assert_int_eq(mkdir(src, 0755), 0);
	put_file(src, "eci-race-mark", "mark\n", 0644);
	ck_assert_int_eq(symlink("/etc", alt), 0);
	swapper = fork_helper();
	ck_assert_int_ge(swapper, 0);
	if (swapper == 0) {
		for (;;)
			if (renameat2(AT_FDCWD, src, AT_FDCWD, alt, RENAME_EXCHANGE) < 0)
				_exit(1);
	}
	for (int i = 0; i < 40; i++) {
		struct run_result r;

		dockerf(&r, RUN "-v %s:/m " IMG " ls /m", src);
		if (strstr(r.out, "passwd") || strstr(r.out, "shadow") || strstr(r.out, "group") ||
		    strstr(r.out, "hostname"))
			escaped++;
		else if (r.status == 0 && strstr(r.out, "eci-race-mark"))
			marked++;
		else if (r.status == 125)
			refused++;
		else if (++other)
			fprintf(stderr, "race try %d: exit %d: %s%s", i, r.status, r.out, r.err);
		t_run_free(&r);
	}
	kill(swapper, SIGKILL);
	waitpid(swapper, NULL, 0);
	printf("bind source swap race, 40 tries: %d showed the marker, %d refused, %d other, "
	       "%d mounted /etc\n", marked, refused, other, escaped);
	fflush(stdout);
	ck_assert_msg(escaped == 0, "/etc was mounted in %d of 40 tries", escaped);
	ck_assert_msg(other == 0, "%d tries neither refused (125) nor showed the marker", other);
}
END_TEST

/* --- docker exec ------------------------------------------------------------------- */

static bool logs_say(const char *name, const char *what, char **out)
{
	struct run_result r;
	bool yes;

	dockerf(&r, "logs %s", name);
	yes = strstr(r.out, what) != NULL;
	if (out)
		*out = strdup(r.out);
	t_run_free(&r);
	return yes;
}

/*
 * The probe, as a --privileged (or --cap-add ALL) container's root, tries to
 * ptrace every process that appears while docker exec runs 40 times: none
 * may be caught holding ids of the host (the uid this namespace cannot map,
 * 65534).
 */
START_TEST(exec_cannot_be_hijacked)
{
	char probe[4096];

	probe_path(probe, sizeof(probe));
	for (size_t i = 1; i < NFLAGS; i++) {
		char name[64], *logs = NULL, *summary;
		int tries;
		struct run_result r;

		snprintf(name, sizeof(name), "eci-t-hj-%d-%zu", (int)getpid(), i);
		expectf(0, NULL, NULL, "run -d --name %s --runtime eci --network none %s "
			"-v %s:/probe:ro " IMG " /probe hijack 120 /tmp/eci-stop", name, flags[i], probe);
		undo("docker rm -f %s >/dev/null 2>&1", name);
		for (tries = 0; tries < 100 && !logs_say(name, "READY", NULL); tries++)
			usleep(100 * 1000);
		ck_assert_msg(tries < 100, "%s: the probe did not start", shown(i));
		for (int n = 0; n < 30; n++)
			expectf(0, NULL, NULL, "exec %s true", name);
		for (int n = 0; n < 5; n++)
			expectf(0, NULL, NULL, "exec --privileged %s true", name);
		for (int n = 0; n < 5; n++)
			expectf(0, NULL, NULL, "exec -u 1000:1000 %s true", name);
		/* detached: the probe ends, and the container with it, as soon as
		 * the file is there, possibly before touch has exited */
		expectf(0, NULL, NULL, "exec -d %s touch /tmp/eci-stop", name);
		dockerf(&r, "wait %s", name);
		logs_say(name, "SUMMARY", &logs);
		summary = strstr(logs, "SUMMARY");
		printf("exec hijack %s: %.*s\n", shown(i), summary ? (int)strcspn(summary, "\n") : 4,
		       summary ?: "none");
		fflush(stdout);
		ck_assert_msg(!strstr(logs, "HIJACK"), "%s: an exec'd process was taken over while "
			      "it held host ids:\n%s", shown(i), logs);
		ck_assert_msg(summary, "%s: the probe did not finish:\n%s", shown(i), logs);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "0\n"), "%s: probe exit %s", shown(i),
			      r.out);
		t_run_free(&r);
		free(logs);
		expectf(0, NULL, NULL, "rm -f %s", name);
	}
}
END_TEST

static void ns_of(pid_t pid, const char *ns, char *buf, size_t size)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	n = readlink(path, buf, size - 1);
	buf[n > 0 ? n : 0] = '\0';
}

/* The host pid of "sleep 1234" in the pid namespace @pidns, or 0. */
static pid_t find_sleep(const char *pidns)
{
	static const char cmdline[] = "sleep\0" "1234";
	DIR *d = opendir("/proc");
	struct dirent *de;
	pid_t found = 0;

	while (d && (de = readdir(d)) && !found) {
		char path[300], *c = NULL, ns[128];
		size_t len = 0;

		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		if (atoi(de->d_name) <= 0 || read_all_at(AT_FDCWD, path, 4096, &c, &len) < 0)
			continue;
		if (len == sizeof(cmdline) && !memcmp(c, cmdline, len)) {
			ns_of(atoi(de->d_name), "pid", ns, sizeof(ns));
			if (!strcmp(ns, pidns))
				found = atoi(de->d_name);
		}
		free(c);
	}
	if (d)
		closedir(d);
	return found;
}

/* An exec'd process is the container's: its cgroup, ids of its slot, and
 * the workload's pid namespace (its own, below pid 1's). */
START_TEST(exec_lands_in_container_cgroup)
{
	char name[64], pidns[128], init_ns[128], path[64], *cg1 = NULL, *cg2 = NULL,
	     *status = NULL;
	struct run_result r;
	pid_t pid1, pid = 0;
	unsigned uid = 0, slot;

	snprintf(name, sizeof(name), "eci-t-cg-%d", (int)getpid());
	expectf(0, NULL, NULL, "run -d --name %s --runtime eci --network none " IMG " sleep 300",
		name);
	undo("docker rm -f %s >/dev/null 2>&1", name);
	dockerf(&r, "inspect -f '{{.State.Pid}}' %s", name);
	ck_assert_int_eq(r.status, 0);
	pid1 = atoi(r.out);
	t_run_free(&r);
	ck_assert_int_gt(pid1, 0);
	slot = map_of(name);
	ns_of(pid1, "pid", init_ns, sizeof(init_ns));
	ns_of(t_child_of(pid1), "pid", pidns, sizeof(pidns));
	ck_assert_msg(pidns[0] && strcmp(pidns, init_ns), "workload: %s, pid 1: %s", pidns,
		      init_ns);
	expectf(0, NULL, NULL, "exec -d %s sleep 1234", name);
	for (int i = 0; i < 50 && !(pid = find_sleep(pidns)); i++)
		usleep(100 * 1000);
	ck_assert_msg(pid > 0, "the exec'd sleep 1234 is not in the container's pid namespace %s",
		      pidns);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid1);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &cg1, NULL), 0);
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &cg2, NULL), 0);
	ck_assert_msg(!strcmp(cg1, cg2), "the exec'd process (pid %d) is in\n%sthe container's "
		      "pid 1 (pid %d) in\n%s", (int)pid, cg2, (int)pid1, cg1);
	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &status, NULL), 0);
	ck_assert_int_eq(sscanf(strstr(status, "Uid:") ?: "", "Uid: %u", &uid), 1);
	ck_assert_msg(uid == slot, "the exec'd process runs as host uid %u, not %u (container root)",
		      uid, slot);
	free(cg1);
	free(cg2);
	free(status);
	expectf(0, NULL, NULL, "rm -f %s", name);
}
END_TEST

/* --- the cgroup namespace ---------------------------------------------------------- */

START_TEST(cgroup_namespace_is_the_containers)
{
	for (size_t i = 0; i < NFLAGS; i++) {
		struct run_result r;
		char *save = NULL, *line;

		dockerf(&r, RUN "%s " IMG " cat /proc/self/cgroup", flags[i]);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s", shown(i), r.status, r.err);
		ck_assert_msg(!strstr(r.out, "docker"), "%s: host cgroup names are visible:\n%s",
			      shown(i), r.out);
		ck_assert_msg(r.out[0], "%s: /proc/self/cgroup is empty", shown(i));
		for (line = strtok_r(r.out, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			char *path = strchr(line, ':');

			path = path ? strchr(path + 1, ':') : NULL;
			ck_assert_msg(path && !strcmp(path, ":/"),
				      "%s: '%s' is not rooted at the container's cgroup", shown(i),
				      line);
		}
		t_run_free(&r);
	}
}
END_TEST

/* --- eci-runc by hand: killed creates, kill by identity ------------------------------ */

/*
 * A bundle as the engine makes one: rootfs an overlay whose upper is
 * TOP/overlay2/C/diff over the default image's layer, and --root TOP/root.
 */
struct bundle {
	char top[64], bundle[128], rootfs[160], root[128];
	char runc[4096];	/* runc_bin() */
};

/*
 * The runtime these tests call by hand: the policy test build, allowed an
 * engine on TCP.  Called without a dockerd above it, eci-runc counts every
 * dockerd of the host, and on a shared machine some other test's may be
 * listening on TCP just then; what these tests are about is the same in
 * both builds.
 */
static void runc_bin(char *buf, size_t size)
{
	const char *pol = getenv("ECI_ENGINE_POLICY");

	ck_assert_msg(pol && *pol, "ECI_ENGINE_POLICY is not set: run t/engine/run.sh");
	ck_assert_int_eq(setenv("ECI_POLICY_DIR", pol, 1), 0);
	set_policy("{\"exposeDockerAPIOnTCP2375\": {\"value\": true, \"locked\": true}}\n");
	snprintf(buf, size, "%s/t/eci-runc-policytest", t_prefix());
}

static void largest_layer(char *buf, size_t size)
{
	char dir[1024];
	struct dirent *de;
	off_t best = -1;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/share/eci/images/default/blobs/sha256", t_prefix());
	d = opendir(dir);
	ck_assert_msg(d, "%s: %s", dir, strerror(errno));
	while ((de = readdir(d))) {
		struct stat st;

		if (de->d_name[0] != '.' && fstatat(dirfd(d), de->d_name, &st, 0) == 0 &&
		    st.st_size > best) {
			best = st.st_size;
			snprintf(buf, size, "%s/%s", dir, de->d_name);
		}
	}
	closedir(d);
	ck_assert_int_gt(best, 0);
}

static void make_bundle(struct bundle *b)
{
	char layer[4200];
	struct run_result r;

	fixture_dir(b->top, sizeof(b->top), "/var/tmp/eci-bundle.XXXXXX", 0700);
	snprintf(b->bundle, sizeof(b->bundle), "%s/bundle", b->top);
	snprintf(b->rootfs, sizeof(b->rootfs), "%s/rootfs", b->bundle);
	snprintf(b->root, sizeof(b->root), "%s/root", b->top);
	runc_bin(b->runc, sizeof(b->runc));
	largest_layer(layer, sizeof(layer));
	shf(&r, "cd '%s' && mkdir -p overlay2/L/diff overlay2/C/diff overlay2/C/work bundle/rootfs "
		"root && tar -xf '%s' -C overlay2/L/diff && mount -t overlay overlay -o "
		"lowerdir=%s/overlay2/L/diff,upperdir=%s/overlay2/C/diff,workdir=%s/overlay2/C/work "
		"bundle/rootfs", b->top, layer, b->top, b->top, b->top);
	ck_assert_msg(r.status == 0, "bundle: %s", r.err);
	t_run_free(&r);
	undo("umount -l '%s' 2>/dev/null", b->rootfs);
}

/* sleep 300 as root with CAP_KILL in cgroupsPath @cgroups (and /proc, which
 * runc needs): a config.json to change. */
static json_t *base_config(const char *cgroups)
{
	json_t *j = json_pack(
		"{s:s, s:{s:b, s:{s:i, s:i}, s:[s,s], s:[s], s:s, s:{s:[s], s:[s], s:[s]}, s:b}, "
		"s:{s:s}, s:s, s:[{s:s, s:s, s:s}], s:{s:s, s:[{s:s}, {s:s}, {s:s}, {s:s}, {s:s}]}}",
		"ociVersion", "1.0.2", "process", "terminal", 0, "user", "uid", 0, "gid", 0, "args",
		"sleep", "300", "env", "PATH=/usr/sbin:/usr/bin:/sbin:/bin", "cwd", "/",
		"capabilities", "bounding", "CAP_KILL", "effective", "CAP_KILL", "permitted",
		"CAP_KILL", "noNewPrivileges", 1, "root", "path", "rootfs", "hostname", "eci",
		"mounts", "destination", "/proc", "type", "proc", "source", "proc", "linux",
		"cgroupsPath", cgroups, "namespaces", "type", "pid", "type",
		"network", "type", "ipc", "type", "uts", "type", "mount");

	ck_assert_ptr_nonnull(j);
	return j;
}

/* @cfg (its reference taken) as the bundle's config.json. */
static void put_config(const struct bundle *b, json_t *cfg)
{
	char path[256];

	snprintf(path, sizeof(path), "%s/config.json", b->bundle);
	unlink(path);
	ck_assert_int_eq(json_dump_file(cfg, path, JSON_INDENT(1)), 0);
	json_decref(cfg);
}

static void write_config(const struct bundle *b, const char *cgroups)
{
	put_config(b, base_config(cgroups));
}

/* @cfg's member at the dotted @where ("linux.sysctl"), made from @json. */
static void set_member(json_t *cfg, const char *where, const char *json)
{
	char copy[256], *save = NULL, *key = strtok_r(strcpy(copy, where), ".", &save), *next;
	json_error_t je;
	json_t *o = cfg, *v = json_loads(json, JSON_DECODE_ANY, &je);

	ck_assert_msg(v, "%s: %s", json, je.text);
	while ((next = strtok_r(NULL, ".", &save))) {
		if (!json_object_get(o, key))
			json_object_set_new(o, key, json_object());
		o = json_object_get(o, key);
		key = next;
	}
	json_object_set_new(o, key, v);
}

/* eci-runc --root ROOT ARGS (or runc itself, @real, on the same bundle,
 * with --root TOP/runc-root); fills @r. */
__attribute__((format(printf, 4, 5))) static void either(struct run_result *r,
							  const struct bundle *b, bool real,
							  const char *fmt, ...);
#define runc(r, b, ...) either(r, b, false, __VA_ARGS__)

/* Live (not zombie) children of this process, after reaping the dead. */
static int live_children(void)
{
	DIR *d;
	struct dirent *de;
	int n = 0;

	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	d = opendir("/proc");
	while (d && (de = readdir(d))) {
		char path[300], *stat = NULL, *p, state;
		int ppid;

		snprintf(path, sizeof(path), "/proc/%s/stat", de->d_name);
		if (read_all_at(AT_FDCWD, path, 4096, &stat, NULL) < 0)
			continue;
		p = strrchr(stat, ')');
		if (p && sscanf(p + 2, "%c %d", &state, &ppid) == 2 && ppid == getpid() &&
		    state != 'Z' && state != 'X')
			n++;
		free(stat);
	}
	if (d)
		closedir(d);
	return n;
}

/* What is left of container @id: "" when nothing, else what (static). */
static const char *leftovers(const struct bundle *b, const char *id)
{
	static char what[2048];
	char path[400], *info = NULL;
	struct dirent *de;
	DIR *d;

	what[0] = '\0';
	snprintf(path, sizeof(path), "%s/%s", b->root, id);
	if (access(path, F_OK) == 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " state dir %s;", path);
	if (live_children() > 0)
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " %d process(es);",
			 live_children());
	d = opendir("/sys/fs/cgroup");
	while (d && (de = readdir(d))) {
		snprintf(path, sizeof(path), "/sys/fs/cgroup/%s/%s", de->d_name, id);
		if (de->d_name[0] != '.' && access(path, F_OK) == 0)
			snprintf(what + strlen(what), sizeof(what) - strlen(what), " cgroup %s;", path);
	}
	if (d)
		closedir(d);
	snprintf(path, sizeof(path), "%s/%s", b->root, id);
	if (read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &info, NULL) == 0 &&
	    strstr(info, path))
		snprintf(what + strlen(what), sizeof(what) - strlen(what), " a mount under %s;", path);
	free(info);
	return what;
}

/* Did the create of @id get through its last step (runc_state_done())? */
static bool create_finished(const struct bundle *b, const char *id)
{
	char path[400], lock[420];

	snprintf(path, sizeof(path), "%s/%s/state.json", b->root, id);
	snprintf(lock, sizeof(lock), "%s/%s/create.lock", b->root, id);
	return access(path, F_OK) == 0 && access(lock, F_OK) < 0;
}

/*
 * eci-runc create, SIGKILLed after 0 to 50 ms (creating takes a few ms):
 * once the next eci-runc call has run, nothing of it is left — state
 * directory, cgroup (cgroupsPath /ID in every hierarchy), mount, process.
 * This process is a subreaper, as the shim is, so what the killed create
 * leaves running is found among its children.
 */
START_TEST(killed_create_leaves_nothing)
{
	static const int delays[] = { 0,    250,  500,  1000, 1500, 2000,  2500,  3000,  3500,
				      4000, 5000, 6000, 7000, 8000, 10000, 15000, 20000, 50000 };
	struct bundle b;
	int killed = 0, done = 0;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	make_bundle(&b);
	undo("for d in /sys/fs/cgroup/*/eci-t-kc-%d-*; do [ -d \"$d\" ] && rmdir \"$d\"; done "
	     "2>/dev/null; true", (int)getpid());
	for (size_t i = 0; i < sizeof(delays) / sizeof(delays[0]); i++) {
		char id[64], cg[80];
		const char *left = "";
		struct run_result r;
		int st;
		pid_t pid;

		snprintf(id, sizeof(id), "eci-t-kc-%d-%zu", (int)getpid(), i);
		snprintf(cg, sizeof(cg), "/%s", id);
		write_config(&b, cg);
		pid = fork();
		ck_assert_int_ge(pid, 0);
		if (pid == 0) {
			int null = open("/dev/null", O_RDWR);

			dup2(null, 0), dup2(null, 1), dup2(null, 2);
			execl(b.runc, b.runc, "--root", b.root, "create", "--bundle", b.bundle, id,
			      (char *)NULL);
			_exit(99);
		}
		usleep(delays[i]);
		kill(pid, SIGKILL);
		ck_assert_int_eq(waitpid(pid, &st, 0), pid);
		/* Done when it exited 0, or when the signal came after its last
		 * step (state.json written, create.lock removed) while it was
		 * still exiting (a sanitized build checks for leaks at exit). */
		if ((WIFEXITED(st) && WEXITSTATUS(st) == 0) || create_finished(&b, id)) {
			done++;	/* created before the signal: delete it as the engine would */
			runc(&r, &b, "delete --force %s", id);
			ck_assert_msg(r.status == 0, "delete --force %s: %s", id, r.err);
			t_run_free(&r);
		} else {
			killed++;
		}
		runc(&r, &b, "list");
		ck_assert_msg(r.status == 0, "list after a create killed at %d us: exit %d: %s",
			      delays[i], r.status, r.err);
		t_run_free(&r);
		for (int t = 0; t < 30 && *(left = leftovers(&b, id)); t++)
			usleep(100 * 1000);
		if (*left)
			kill_children();	/* now, as this process may not end normally */
		ck_assert_msg(!*left, "create %s (ended %s after %d us) left:%s", id,
			      WIFEXITED(st) ? "by itself" : "by SIGKILL", delays[i], left);
	}
	printf("killed create: %d killed half-way, %d finished first\n", killed, done);
	fflush(stdout);
	ck_assert_int_gt(killed, 0);
}
END_TEST

/*
 * kill and delete signal the container's process, not whatever now has the
 * pid state.json records: with the pid of another process written there
 * (its start time is not the recorded one), kill reports the container not
 * running (exit 1) and that process lives on.
 */
START_TEST(kill_checks_process_identity)
{
	struct bundle b;
	struct run_result r;
	char id[64], cg[80], state[256];
	json_t *j;
	json_error_t je;
	pid_t pid1, other;
	int st;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	make_bundle(&b);
	snprintf(id, sizeof(id), "eci-t-ki-%d", (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", id);
	snprintf(cg, sizeof(cg), "/%s", id);
	write_config(&b, cg);
	runc(&r, &b, "create --bundle '%s' %s", b.bundle, id);
	ck_assert_msg(r.status == 0, "create: exit %d: %s", r.status, r.err);
	t_run_free(&r);
	runc(&r, &b, "start %s", id);
	ck_assert_msg(r.status == 0, "start: exit %d: %s", r.status, r.err);
	t_run_free(&r);
	runc(&r, &b, "state %s", id);
	ck_assert_msg(r.status == 0 && strstr(r.out, "running"), "state: %s%s", r.out, r.err);
	t_run_free(&r);

	snprintf(state, sizeof(state), "%s/%s/state.json", b.root, id);
	j = json_load_file(state, 0, &je);
	ck_assert_msg(j, "%s: %s", state, je.text);
	pid1 = (pid_t)json_integer_value(json_object_get(j, "pid"));
	ck_assert_int_gt(pid1, 0);
	undo("kill -9 %d 2>/dev/null; sleep 0.3", (int)pid1);
	other = fork_helper();
	ck_assert_int_ge(other, 0);
	if (other == 0) {
		execl("/bin/sleep", "sleep", "300", (char *)NULL);
		_exit(99);
	}
	usleep(50 * 1000);	/* started later than pid 1, whatever the clock's grain */
	ck_assert_int_eq(json_object_set_new(j, "pid", json_integer(other)), 0);
	ck_assert_int_eq(json_dump_file(j, state, 0), 0);
	json_decref(j);

	runc(&r, &b, "kill %s 9", id);
	ck_assert_msg(r.status == 1, "kill with another process's pid in state.json: exit %d, want 1: "
		      "%s", r.status, r.err);
	ck_assert_msg(strstr(r.err, "not running"), "kill: the refusal lacks 'not running': %s",
		      r.err);
	t_run_free(&r);
	usleep(200 * 1000);
	ck_assert_msg(waitpid(other, &st, WNOHANG) == 0, "kill signalled pid %d, which is not the "
		      "container's", (int)other);
	runc(&r, &b, "delete --force %s", id);
	t_run_free(&r);
	usleep(200 * 1000);
	ck_assert_msg(waitpid(other, &st, WNOHANG) == 0, "delete --force signalled pid %d, which is "
		      "not the container's", (int)other);
	kill(other, SIGKILL);
	waitpid(other, NULL, 0);
	/* The real container, left alone by both: end it by hand. */
	kill(pid1, SIGKILL);
	waitpid(pid1, NULL, 0);
}
END_TEST

/* --- eci-runc by hand: config.json applied as runc applies it ------------------------ */

static void either(struct run_result *r, const struct bundle *b, bool real, const char *fmt, ...)
{
	char args[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	if (real)
		shf(r, "exec runc --root '%s/runc-root' %s", b->top, args);
	else
		shf(r, "exec '%s' --root '%s' %s", b->runc, b->root, args);
}

/* pid 1 of container @id, from `state` of eci-runc (@runc false) or runc. */
static pid_t pid_of(const struct bundle *b, bool runc_, const char *id)
{
	struct run_result r;
	json_error_t je;
	json_t *j;
	pid_t pid;

	either(&r, b, runc_, "state %s", id);
	ck_assert_msg(r.status == 0, "state %s: %s", id, r.err);
	j = json_loads(r.out, 0, &je);
	ck_assert_msg(j, "state %s: %s", id, r.out);
	pid = (pid_t)json_integer_value(json_object_get(j, "pid"));
	json_decref(j);
	t_run_free(&r);
	return pid;
}

/*
 * A cgroup /@name in every hierarchy this host mounts (cpuset's with its
 * parent's cpus and mems), removed afterwards; @enter: shell words that
 * move the shell there.
 */
static void base_cgroup(const char *name, char *enter, size_t size)
{
	char *info = NULL, *save = NULL;
	size_t n = 0;

	ck_assert_int_eq(read_all_at(AT_FDCWD, "/proc/self/mountinfo", 1 << 22, &info, NULL), 0);
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", name);
	enter[0] = '\0';
	for (char *l = strtok_r(info, "\n", &save); l; l = strtok_r(NULL, "\n", &save)) {
		char root[512], mp[512], fstype[32], dir[1100], val[256];
		const char *sep = strstr(l, " - ");

		if (!sep || sscanf(l, "%*s %*s %*s %511s %511s", root, mp) != 2 ||
		    sscanf(sep, " - %31s", fstype) != 1 || strcmp(root, "/") ||
		    (strcmp(fstype, "cgroup") && strcmp(fstype, "cgroup2")))
			continue;
		snprintf(dir, sizeof(dir), "%s/%s", mp, name);
		ck_assert_msg(mkdir(dir, 0755) == 0, "%s: %s", dir, strerror(errno));
		for (const char *const *f = (const char *const[]){ "cpuset.cpus", "cpuset.mems", NULL };
		     *f; f++) {
			char *text = NULL, from[1200];

			snprintf(from, sizeof(from), "%s/%s", mp, *f);
			if (read_all_at(AT_FDCWD, from, sizeof(val), &text, NULL) == 0) {
				put_file(dir, *f, text, 0644);
				free(text);
			}
		}
		n += (size_t)snprintf(enter + n, size - n, "echo $$ > %s/cgroup.procs; ", dir);
		ck_assert_uint_lt(n, size);
	}
	free(info);
}

/* Nothing "eci-t-" right under /sys/fs/cgroup: where a path joined without
 * its "/" would land ("cpueci-t-…"). */
static void no_stray_cgroups(const char *when)
{
	DIR *d = opendir("/sys/fs/cgroup");
	struct dirent *de;

	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		ck_assert_msg(!strstr(de->d_name, "eci-t-"), "%s: /sys/fs/cgroup/%s", when, de->d_name);
	closedir(d);
}

/* The memory and v2 cgroups of a /proc/PID/cgroup @text are gone. */
static void cgroups_gone(const char *text, const char *what)
{
	static const struct {
		const char *line, *mount;
	} h[] = { { ":memory:", "/sys/fs/cgroup/memory" }, { "0::", "/sys/fs/cgroup/unified" } };

	for (size_t i = 0; i < sizeof(h) / sizeof(h[0]); i++) {
		const char *at = strstr(text, h[i].line);
		char dir[600];

		if (!at)
			continue;
		at += strlen(h[i].line);
		snprintf(dir, sizeof(dir), "%s%.*s", h[i].mount, (int)strcspn(at, "\n"), at);
		ck_assert_msg(access(dir, F_OK) != 0, "cgroupsPath \"%s\": %s is left", what, dir);
	}
}

/*
 * cgroupsPath relative (to the runtime's own cgroup in each v1 hierarchy,
 * to its parent in v2), absolute, or empty (the id, relative): pid 1 in
 * the very cgroups runc puts it in, started from the same cgroup, and all
 * of them gone after delete.  With --systemd-cgroup, slice:prefix:name is
 * the scope's directory below the slice's.
 */
START_TEST(cgroups_path_as_runc)
{
	char enter[4096], base[64], id[64], paths[3][64], *text[2] = { NULL, NULL }, want[256];
	struct bundle b;
	struct run_result r;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	make_bundle(&b);
	snprintf(base, sizeof(base), "eci-t-base-%d", (int)getpid());
	snprintf(id, sizeof(id), "eci-t-cg-%d", (int)getpid());
	snprintf(paths[0], sizeof(paths[0]), "eci-t-rel-%d", (int)getpid());
	snprintf(paths[1], sizeof(paths[1]), "/eci-t-abs-%d", (int)getpid());
	paths[2][0] = '\0';
	base_cgroup(base, enter, sizeof(enter));
	undo("rmdir /sys/fs/cgroup/*/eci-t-*-%d /sys/fs/cgroup/*/%s/eci-t-*-%d 2>/dev/null; true",
	     (int)getpid(), base, (int)getpid());
	for (size_t p = 0; p < 3; p++) {
		write_config(&b, paths[p]);
		for (int rt = 0; rt < 2; rt++) {
			char proc[64];

			if (rt)
				shf(&r, "%s exec runc --root '%s/runc-root' run -d --bundle '%s' %s "
				    "</dev/null", enter, b.top, b.bundle, id);
			else
				shf(&r, "%s exec '%s' --root '%s' create --bundle '%s' %s", enter, b.runc,
				    b.root, b.bundle, id);
			ck_assert_msg(r.status == 0, "%s: cgroupsPath \"%s\": exit %d: %s",
				      rt ? "runc" : "eci-runc", paths[p], r.status, r.err);
			t_run_free(&r);
			/* eci-runc's: the workload's, where runc's process is (eci's
			 * init sets itself aside below the v2 one, cgroup_init_aside()) */
			snprintf(proc, sizeof(proc), "/proc/%d/cgroup",
				 rt ? (int)pid_of(&b, rt, id) : (int)t_child_of(pid_of(&b, rt, id)));
			ck_assert_msg(read_all_at(AT_FDCWD, proc, 1 << 16, &text[rt], NULL) == 0,
				      "%s: cgroupsPath \"%s\": %s: no such process", rt ? "runc" : "eci-runc",
				      paths[p], proc);
			either(&r, &b, rt, "delete --force %s", id);
			ck_assert_msg(r.status == 0, "delete: %s", r.err);
			t_run_free(&r);
		}
		ck_assert_msg(!strcmp(text[0], text[1]), "cgroupsPath \"%s\": eci-runc's pid 1 is in\n"
			      "%s\nrunc's in\n%s", paths[p], text[0], text[1]);
		snprintf(want, sizeof(want), ":cpu:%s%s/%s\n", paths[p][0] == '/' ? "" : "/",
			 paths[p][0] == '/' ? "" : base, paths[p][0] ? paths[p] + (paths[p][0] == '/')
								     : id);
		ck_assert_msg(strstr(text[0], want), "cgroupsPath \"%s\": not %s in\n%s", paths[p],
			      want, text[0]);
		cgroups_gone(text[0], paths[p]);
		free(text[0]);
		free(text[1]);
		no_stray_cgroups(paths[p]);
	}
	/* --systemd-cgroup: eci.slice/eci-t.slice/eci-sd-PID.scope */
	undo("rmdir /sys/fs/cgroup/*/eci.slice/eci-t.slice /sys/fs/cgroup/*/eci.slice 2>/dev/null; true");
	snprintf(want, sizeof(want), "eci-t.slice:eci:sd-%d", (int)getpid());
	write_config(&b, want);
	shf(&r, "exec '%s' --root '%s' --systemd-cgroup create --bundle '%s' %s", b.runc, b.root,
	    b.bundle, id);
	ck_assert_msg(r.status == 0, "--systemd-cgroup %s: %s", want, r.err);
	t_run_free(&r);
	snprintf(want, sizeof(want), "/proc/%d/cgroup", (int)pid_of(&b, false, id));
	ck_assert_int_eq(read_all_at(AT_FDCWD, want, 1 << 16, &text[0], NULL), 0);
	snprintf(want, sizeof(want), ":memory:/eci.slice/eci-t.slice/eci-sd-%d.scope\n", (int)getpid());
	ck_assert_msg(strstr(text[0], want), "--systemd-cgroup: not %s in\n%s", want, text[0]);
	free(text[0]);
	runc(&r, &b, "delete --force %s", id);
	t_run_free(&r);
	snprintf(want, sizeof(want), "/sys/fs/cgroup/memory/eci.slice/eci-t.slice/eci-sd-%d.scope",
		 (int)getpid());
	ck_assert_msg(access(want, F_OK) != 0, "--systemd-cgroup: %s is left", want);
	no_stray_cgroups("--systemd-cgroup");
}
END_TEST

/* A bundle for container @id ("eci-t-@tag-PID") whose config.json (to be
 * completed and put) runs sh -c @script. */
static json_t *script_bundle(struct bundle *b, char *id, size_t size, const char *tag,
			     const char *script)
{
	json_t *cfg;

	make_bundle(b);
	snprintf(id, size, "eci-t-%s-%d", tag, (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", id);
	cfg = base_config("");
	set_member(cfg, "process.args", "[\"sh\", \"-c\", \"\"]");
	json_array_set_new(json_object_get(json_object_get(cfg, "process"), "args"), 2,
			   json_string(script));
	return cfg;
}

/* The bundle run by eci-runc, then by runc, each deleted after: their
 * outputs into @out, which must be the same; @what names the case. */
static void run_both(const struct bundle *b, const char *id, const char *what, char *out[2])
{
	struct run_result r;

	for (int rt = 0; rt < 2; rt++) {
		either(&r, b, rt, "run --bundle '%s' %s", b->bundle, id);
		ck_assert_msg(r.status == 0, "%s run%s: exit %d: %s%s", rt ? "runc" : "eci-runc", what,
			      r.status, r.out, r.err);
		out[rt] = strdup(r.out);
		t_run_free(&r);
		either(&r, b, rt, "delete --force %s", id);
		t_run_free(&r);
	}
	ck_assert_msg(!strcmp(out[0], out[1]), "eci-runc says\n%s\nrunc says\n%s", out[0], out[1]);
}

/*
 * The process's fields as runc sets them, for a user other than root:
 * ambient capabilities (so that they survive exec), inheritable ones,
 * exactly the additional groups listed, rlimits, the OOM score, the umask.
 */
START_TEST(process_as_runc)
{
	static const char script[] = "grep -E \"^(Cap|NoNewPrivs)\" /proc/self/status; id; ulimit -n; "
				     "ulimit -Hn; cat /proc/self/oom_score_adj; umask";
	char id[64], *out[2];
	struct bundle b;
	json_t *cfg = script_bundle(&b, id, sizeof(id), "pr", script);

	set_member(cfg, "process.user", "{\"uid\": 1000, \"gid\": 1000, \"umask\": 63, "
		   "\"additionalGids\": [27, 5]}");
	set_member(cfg, "process.capabilities", "{\"bounding\": [\"CAP_KILL\", \"CAP_NET_RAW\", "
		   "\"CAP_NET_BIND_SERVICE\"], \"effective\": [\"CAP_NET_BIND_SERVICE\"], "
		   "\"permitted\": [\"CAP_NET_BIND_SERVICE\", \"CAP_KILL\"], \"inheritable\": "
		   "[\"CAP_NET_BIND_SERVICE\", \"CAP_NET_RAW\"], \"ambient\": [\"CAP_NET_BIND_SERVICE\"]}");
	set_member(cfg, "process.rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 1500, "
		   "\"hard\": 2500}]");
	set_member(cfg, "process.oomScoreAdj", "123");
	put_config(&b, cfg);
	run_both(&b, id, "", out);
	/* an ambient capability not in inheritable (`runc spec`'s default
	 * has them): not raised, the rest applied, as runc does */
	{
		json_t *c2 = base_config("");
		char *amb[2];

		set_member(c2, "process.args", "[\"sh\", \"-c\", \"grep -E '^Cap(Amb|Eff)' "
			   "/proc/self/status\"]");
		set_member(c2, "process.capabilities", "{\"bounding\": [\"CAP_KILL\"], \"effective\": "
			   "[\"CAP_KILL\"], \"permitted\": [\"CAP_KILL\"], \"ambient\": [\"CAP_KILL\"]}");
		put_config(&b, c2);
		run_both(&b, id, ", ambient not inheritable", amb);
		free(amb[0]);
		free(amb[1]);
	}
	ck_assert_msg(strstr(out[0], "CapAmb:\t0000000000000400") &&
		      strstr(out[0], "groups=5(tty),27") && strstr(out[0], "1500\n2500\n123\n0077"),
		      "%s", out[0]);
	free(out[0]);
	free(out[1]);
}
END_TEST

/*
 * The workload is pid 1 of its pid namespace, as runc's is, and a signal
 * it sends itself does not end it; a net.* sysctl of a network namespace
 * made for the container (none named in config.json) is written in it by
 * pid 1, which then sees the workload's /proc, not one of its own.
 */
START_TEST(pid1_and_net_sysctl_as_runc)
{
	static const char script[] = "echo $$; kill -TERM $$; echo $(cat /proc/1/comm); "
				     "cat /proc/sys/net/ipv4/ip_unprivileged_port_start";
	char id[64], *out[2];
	struct bundle b;
	json_t *cfg = script_bundle(&b, id, sizeof(id), "p1", script);

	set_member(cfg, "linux.sysctl", "{\"net.ipv4.ip_unprivileged_port_start\": \"80\"}");
	put_config(&b, cfg);
	run_both(&b, id, "", out);
	ck_assert_str_eq(out[0], "1\nsh\n80\n");
	free(out[0]);
	free(out[1]);
}
END_TEST

/*
 * Roots of every kind: a plain directory (containerd's native snapshotter,
 * podman's vfs, a hand-made bundle) is the root itself, idmapped — container
 * root owns what the image's root owns and what it writes lands there as
 * the image's root, as with runc; an overlay whose upper is not dockerd's
 * ID/diff (containerd's snapshots/N/fs) is the engine's overlay as well.
 * The host's own tree is refused as a root by what it is, and nothing is
 * left behind.
 */
START_TEST(roots_of_every_kind)
{
	static const char script[] = "id -u; stat -c %u /bin/busybox; echo hi > /written; "
				     "stat -c %u /written; touch /bin/x && echo wrote-bin";
	char id[64], snap[300], *out[2];
	struct bundle b;
	struct run_result r;
	struct stat st;
	json_t *cfg;

	make_bundle(&b);
	snprintf(id, sizeof(id), "eci-t-rk-%d", (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", id);
	/* the engine's overlay made into a plain directory of the same files */
	shf(&r, "cp -a '%s/.' '%s/plain' 2>/dev/null || { mkdir '%s/plain' && cp -a '%s/.' "
	    "'%s/plain'; }", b.rootfs, b.top, b.top, b.rootfs, b.top);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	cfg = base_config("");
	set_member(cfg, "process.args", "[\"sh\", \"-c\", \"exec 2>&1; true\"]");
	json_array_set_new(json_object_get(json_object_get(cfg, "process"), "args"), 2,
			   json_string(script));
	set_member(cfg, "root.path", "\"../plain\"");
	put_config(&b, cfg);
	for (int rt = 0; rt < 2; rt++) {
		char path[200];

		snprintf(path, sizeof(path), "%s/plain/written", b.top);
		unlink(path);
		either(&r, &b, rt, "run --bundle '%s' %s", b.bundle, id);
		ck_assert_msg(r.status == 0, "%s run: exit %d: %s%s", rt ? "runc" : "eci-runc",
			      r.status, r.out, r.err);
		out[rt] = strdup(r.out);
		t_run_free(&r);
		/* written by the container's root, stored as the image's root */
		ck_assert_msg(stat(path, &st) == 0 && st.st_uid == 0, "%s", path);
		either(&r, &b, rt, "delete --force %s", id);
		t_run_free(&r);
		snprintf(path, sizeof(path), "%s/plain/bin/x", b.top);
		unlink(path);
	}
	ck_assert_msg(!strcmp(out[0], out[1]), "eci-runc says\n%s\nrunc says\n%s", out[0], out[1]);
	ck_assert_str_eq(out[0], "0\n0\n0\nwrote-bin\n");
	free(out[0]);
	free(out[1]);
	ck_assert_str_eq(leftovers(&b, id), "");
	/* what container root writes there is host root's on disk: a set-user-ID
	 * file only where no other account reaches (TOP is 0700 root), never
	 * where one does */
	for (int open_to_all = 0; open_to_all < 2; open_to_all++) {
		char path[200];

		ck_assert_int_eq(chmod(b.top, open_to_all ? 0755 : 0700), 0);
		cfg = base_config("");
		set_member(cfg, "process.args", "[\"sh\", \"-c\", \"touch /su; chmod 4755 /su; "
			   "true\"]");
		set_member(cfg, "root.path", "\"../plain\"");
		put_config(&b, cfg);
		runc(&r, &b, "run --bundle '%s' %s", b.bundle, id);
		ck_assert_msg(r.status == 0, "exit %d: %s", r.status, r.err);
		t_run_free(&r);
		runc(&r, &b, "delete --force %s", id);
		t_run_free(&r);
		snprintf(path, sizeof(path), "%s/plain/su", b.top);
		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert_msg((bool)!(st.st_mode & S_ISUID) == (bool)open_to_all, "%s: mode %o with TOP %s",
			      path, st.st_mode, open_to_all ? "0755" : "0700");
		unlink(path);
	}
	ck_assert_int_eq(chmod(b.top, 0700), 0);

	/* containerd's overlay snapshotter: the upper is snapshots/N/fs */
	snprintf(snap, sizeof(snap), "%s/snapshots", b.top);
	shf(&r, "cd '%s' && mkdir -p snapshots/2/fs snapshots/2/work crootfs && mount -t overlay "
	    "overlay -o lowerdir=%s/plain,upperdir=%s/2/fs,workdir=%s/2/work crootfs",
	    b.top, b.top, snap, snap);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	undo("umount -l '%s/crootfs' 2>/dev/null", b.top);
	cfg = base_config("");
	set_member(cfg, "process.args", "[\"sh\", \"-c\", \"echo snap > /in-upper; id -u\"]");
	set_member(cfg, "root.path", "\"../crootfs\"");
	put_config(&b, cfg);
	runc(&r, &b, "run --bundle '%s' %s", b.bundle, id);
	ck_assert_msg(r.status == 0 && !strcmp(r.out, "0\n"), "exit %d: %s%s", r.status, r.out,
		      r.err);
	t_run_free(&r);
	runc(&r, &b, "delete --force %s", id);
	t_run_free(&r);
	snprintf(snap, sizeof(snap), "%s/snapshots/2/fs/in-upper", b.top);
	ck_assert_msg(stat(snap, &st) == 0 && st.st_uid == 0, "%s: not in the upper", snap);
	ck_assert_str_eq(leftovers(&b, id), "");

	/* the host's own tree: refused, by what it is */
	for (const char *const *bad = (const char *const[]){ "/", "/usr", "/etc", NULL }; *bad;
	     bad++) {
		char val[64];

		cfg = base_config("");
		snprintf(val, sizeof(val), "\"%s\"", *bad);
		set_member(cfg, "root.path", val);
		put_config(&b, cfg);
		runc(&r, &b, "run --bundle '%s' %s", b.bundle, id);
		ck_assert_msg(r.status == 1 && strstr(r.err, "config.json root.path") &&
			      strstr(r.err, "host's own tree cannot be a container's root"),
			      "%s: exit %d: %s", *bad, r.status, r.err);
		t_run_free(&r);
		ck_assert_str_eq(leftovers(&b, id), "");
	}
}
END_TEST

/* The inode of /proc/@pid/ns/@ns. */
static ino_t ns_ino(pid_t pid, const char *ns)
{
	char path[64];
	struct stat st;

	snprintf(path, sizeof(path), "/proc/%d/ns/%s", (int)pid, ns);
	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	return st.st_ino;
}

static unsigned uid_map_of(pid_t pid)
{
	char path[64], *map = NULL;
	unsigned in, start = 0, count;

	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &in, &start, &count), 3);
	free(map);
	return start;
}

/* config.json for a container whose @type namespace is @path. */
static void config_joining(const struct bundle *b, const char *const types[],
			   const char *const paths[])
{
	json_t *cfg = base_config(""), *list = json_array();

	for (const char *const *t = (const char *const[]){ "pid", "network", "ipc", "uts", "mount",
							   "cgroup", NULL }; *t; t++) {
		json_t *ns = json_pack("{s:s}", "type", *t);

		for (size_t i = 0; types[i]; i++)
			if (!strcmp(types[i], *t))
				json_object_set_new(ns, "path", json_string(paths[i]));
		json_array_append_new(list, ns);
	}
	json_object_set_new(json_object_get(cfg, "linux"), "namespaces", list);
	/* a process that outlives pid 1 where pid 1 is no pid namespace's init */
	set_member(cfg, "process.args", "[\"sh\", \"-c\", \"sleep 1000 & exec sleep 1000\"]");
	put_config(b, cfg);
}

/*
 * Namespaces named by path, judged by what they are: another eci
 * container's (a pod: its network, IPC and pid namespaces, and its user
 * namespace and slot with them), a fresh network namespace the engine made
 * (podman's, CNI's), and nothing else — not the host's, not one a process
 * of the host already runs in, not one of some other user namespace, never
 * a mount namespace — each refusal naming the field and leaving nothing.
 */
START_TEST(namespace_paths_judged)
{
	char x[64], y[64], p[4][64], netns[64], path[128];
	struct bundle b;
	struct run_result r;
	pid_t xp, yp;

	make_bundle(&b);
	snprintf(x, sizeof(x), "eci-t-nsx-%d", (int)getpid());
	snprintf(y, sizeof(y), "eci-t-nsy-%d", (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s /sys/fs/cgroup/*/%s 2>/dev/null; true", x, y);
	write_config(&b, "");
	runc(&r, &b, "create --bundle '%s' %s", b.bundle, x);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	runc(&r, &b, "start %s", x);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	xp = pid_of(&b, false, x);

	/* a pod member */
	snprintf(p[0], sizeof(p[0]), "/proc/%d/ns/net", (int)xp);
	snprintf(p[1], sizeof(p[1]), "/proc/%d/ns/ipc", (int)xp);
	snprintf(p[2], sizeof(p[2]), "/proc/%d/ns/pid", (int)xp);
	snprintf(p[3], sizeof(p[3]), "/proc/%d/ns/cgroup", (int)xp);
	config_joining(&b, (const char *const[]){ "network", "ipc", "pid", "cgroup", NULL },
		       (const char *const[]){ p[0], p[1], p[2], p[3] });
	runc(&r, &b, "create --bundle '%s' %s", b.bundle, y);
	ck_assert_msg(r.status == 0, "pod member: %s", r.err);
	t_run_free(&r);
	yp = pid_of(&b, false, y);
	/* x's pid namespace named, y runs in x's workload's own, below it,
	 * where x's processes are (as with runc, where x's workload is pid 1) */
	ck_assert(ns_ino(yp, "net") == ns_ino(xp, "net") && ns_ino(yp, "ipc") == ns_ino(xp, "ipc") &&
		  ns_ino(yp, "pid") == ns_ino(t_child_of(xp), "pid") &&
		  ns_ino(yp, "pid") != ns_ino(xp, "pid") && ns_ino(yp, "user") == ns_ino(xp, "user") &&
		  ns_ino(yp, "cgroup") == ns_ino(xp, "cgroup"));
	ck_assert(ns_ino(yp, "mnt") != ns_ino(xp, "mnt") && ns_ino(yp, "uts") != ns_ino(xp, "uts"));
	ck_assert_uint_eq(uid_map_of(yp), uid_map_of(xp));
	/* started, then killed as an engine stops it: none of its processes
	 * is left to the pod's init, and delete leaves nothing */
	runc(&r, &b, "start %s", y);
	ck_assert_msg(r.status == 0, "start: %s", r.err);
	t_run_free(&r);
	usleep(300 * 1000);
	runc(&r, &b, "kill %s KILL", y);
	ck_assert_msg(r.status == 0, "kill: %s", r.err);
	t_run_free(&r);
	for (int i = 0; i < 50 && kill(yp, 0) == 0; i++)
		usleep(100 * 1000);
	runc(&r, &b, "delete %s", y);
	t_run_free(&r);
	ck_assert_str_eq(leftovers(&b, y), "");

	/* a fresh network namespace of the engine's: its own slot */
	snprintf(netns, sizeof(netns), "eci-t-ns-%d", (int)getpid());
	shf(&r, "ip netns add %s", netns);
	ck_assert_msg(r.status == 0, "%s", r.err);
	t_run_free(&r);
	undo("ip netns del %s 2>/dev/null", netns);
	snprintf(path, sizeof(path), "/run/netns/%s", netns);
	config_joining(&b, (const char *const[]){ "network", NULL }, (const char *const[]){ path });
	runc(&r, &b, "create --bundle '%s' %s", b.bundle, y);
	ck_assert_msg(r.status == 0, "fresh network namespace: %s", r.err);
	t_run_free(&r);
	yp = pid_of(&b, false, y);
	{
		struct stat st;

		ck_assert_int_eq(stat(path, &st), 0);
		ck_assert(ns_ino(yp, "net") == st.st_ino);
	}
	ck_assert_uint_ne(uid_map_of(yp), uid_map_of(xp));
	/* written for the container by its create: Docker's defaults there */
	shf(&r, "ip netns exec %s cat /proc/sys/net/ipv4/ip_unprivileged_port_start", netns);
	ck_assert_msg(r.status == 0 && !strcmp(r.out, "0\n"), "%s%s", r.out, r.err);
	t_run_free(&r);
	/* the same path again, now in use by y: a pod member of y (podman's
	 * pod, whose infra container got the engine's namespace) */
	{
		char z[64];
		pid_t zp;

		snprintf(z, sizeof(z), "eci-t-nsz-%d", (int)getpid());
		undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", z);
		runc(&r, &b, "create --bundle '%s' %s", b.bundle, z);
		ck_assert_msg(r.status == 0, "member of the engine's network namespace: %s", r.err);
		t_run_free(&r);
		zp = pid_of(&b, false, z);
		ck_assert(ns_ino(zp, "net") == ns_ino(yp, "net") &&
			  ns_ino(zp, "user") == ns_ino(yp, "user"));
		ck_assert_uint_eq(uid_map_of(zp), uid_map_of(yp));
		runc(&r, &b, "delete --force %s", z);
		t_run_free(&r);
		ck_assert_str_eq(leftovers(&b, z), "");
	}
	runc(&r, &b, "delete --force %s", y);
	t_run_free(&r);
	ck_assert_str_eq(leftovers(&b, y), "");

	/* refused, by what each is */
	shf(&r, "unshare -n sleep 60 >/dev/null 2>&1 & echo $!; unshare -U -r -n sleep 60 "
	    ">/dev/null 2>&1 & echo $!; sleep 0.3");
	ck_assert_int_eq(r.status, 0);
	{
		int used = 0, other = 0;

		ck_assert_int_eq(sscanf(r.out, "%d %d", &used, &other), 2);
		undo("kill %d %d 2>/dev/null", used, other);
		snprintf(p[0], sizeof(p[0]), "/proc/%d/ns/net", used);
		snprintf(p[1], sizeof(p[1]), "/proc/%d/ns/net", other);
	}
	t_run_free(&r);
	snprintf(p[2], sizeof(p[2]), "/proc/%d/ns/mnt", (int)xp);
	snprintf(path, sizeof(path), "/proc/%d/ns/net", (int)getpid());
	{
		static const char *const words[] = {
			"the host network namespace is not allowed",
			"runs in it, and it is not an eci container's",
			"not a namespace of an eci container",
			"joining a mount namespace is not supported",
			"not a namespace of that type",
		};
		const char *types[] = { "network", "network", "network", "mount", "ipc" };
		const char *paths[] = { path, p[0], p[1], p[2], p[0] };

		for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
			config_joining(&b, (const char *const[]){ types[i], NULL },
				       (const char *const[]){ paths[i] });
			runc(&r, &b, "create --bundle '%s' %s", b.bundle, y);
			ck_assert_msg(r.status == 1 && strstr(r.err, "config.json linux.namespaces") &&
				      strstr(r.err, words[i]), "%s %s: exit %d: %s", types[i],
				      paths[i], r.status, r.err);
			t_run_free(&r);
			ck_assert_str_eq(leftovers(&b, y), "");
		}
	}
	runc(&r, &b, "delete --force %s", x);
	t_run_free(&r);
	ck_assert_str_eq(leftovers(&b, x), "");
}
END_TEST

/*
 * docker run --device: the host node config.json's linux.devices names is
 * judged by what it is against allowedDevices (empty by default: refused,
 * naming the setting), and given as it is where allowed; --privileged asks
 * for every host device, and gets eci's own /dev (privileged inside its
 * user namespace only).
 */
START_TEST(engine_devices_judged)
{
	char want[512];

	snprintf(want, sizeof(want), "config.json linux.devices /dev/net/tun (c 10:200): "
		 "\"allowedDevices\" is managed by your administrator");
	expect("run --rm --runtime eci-pol --network none --device /dev/net/tun " IMG " true", 125,
	       NULL, want);
	set_policy("{\"allowedDevices\": {\"value\": [\"/dev/net/tun\"], \"locked\": true}}\n");
	expect("run --rm --runtime eci-pol --network none --device /dev/net/tun " IMG " sh -c "
	       "'stat -c \"%F %t:%T\" /dev/net/tun; exec 3<>/dev/net/tun && echo opened'", 0,
	       "character special file a:c8\nopened", NULL);
	/* another device at an allowed path's name is still another device */
	expect("run --rm --runtime eci-pol --network none --device /dev/fuse " IMG " true", 125,
	       NULL, "config.json linux.devices /dev/fuse (c 10:229): \"allowedDevices\" is "
	       "managed by your administrator");
	expect("run --rm --runtime eci --network none --privileged " IMG " sh -c 'ls /dev/fuse "
	       "/dev/net/tun 2>&1; ls /dev | wc -l'", 0, "No such file or directory", NULL);
}
END_TEST

/*
 * A nested runtime's mounts (docker in the container): a new pid
 * namespace's procfs and a new network namespace's sysfs, which pid 1
 * mounts with the container's masks (core/mountsup.c), locked as those
 * are.  Without --privileged the mount is refused as before.
 */
START_TEST(new_proc_and_sysfs_privileged)
{
	expect(RUN "--privileged " IMG " sh -c 'mkdir -p /mnt/p /mnt/s; "
	       "unshare -pf sh -c \"mount -t proc proc /mnt/p && cat /mnt/p/1/comm && "
	       "umount /mnt/p/sys 2>&1\"; "
	       "unshare -n sh -c \"mount -t sysfs sysfs /mnt/s && ls /mnt/s/class/net && "
	       "umount /mnt/s/firmware 2>&1\"; true'",
	       0, "sh\numount: can't unmount /mnt/p/sys: Invalid argument\nlo\n"
	       "umount: can't unmount /mnt/s/firmware: Invalid argument\n", NULL);
	expect(RUN IMG " sh -c 'mkdir -p /mnt/p; mount -t proc proc /mnt/p'", 1, NULL,
	       "mount: permission denied (are you root?)");
}
END_TEST

/*
 * A field eci-runc does not apply fails the create at once, naming it, and
 * leaves nothing; so does a refused update or a flag update does not know.
 */
START_TEST(unapplied_fields_refused_by_name)
{
	static const struct {
		const char *where, *json, *words;
	} cases[] = {
		{ "linux.sysctl", "{\"vm.swappiness\": \"10\"}",
		  "linux.sysctl vm.swappiness: not a sysctl of the container's own namespaces" },
		{ "linux.sysctl", "{\"kernel.hostname\": \"x\"}", "linux.sysctl kernel.hostname" },
		{ "linux.sysctl", "{\"net.ipv4.../../x\": \"1\"}", "not a sysctl name" },
		{ "linux.resources.cpu", "{\"realtimeRuntime\": 1000}",
		  "linux.resources.cpu.realtimeRuntime: not supported" },
		{ "linux.resources.hugepageLimits", "[{\"pageSize\": \"2MB\", \"limit\": 1}]",
		  "linux.resources.hugepageLimits: not supported" },
		{ "linux.resources.memory", "{\"kernel\": 1048576}", "linux.resources.memory.kernel" },
		{ "linux.resources.blockIO", "{\"throttleReadBpsDevice\": [{\"major\": 8, \"minor\": 0, "
		  "\"rate\": 1}]}", "linux.resources.blockIO.throttleReadBpsDevice" },
		{ "linux.resources.pids", "{\"limit\": \"many\"}", "linux.resources.pids.limit: invalid" },
		{ "linux.intelRdt", "{\"closID\": \"x\"}", "linux.intelRdt: not supported" },
		{ "linux.rootfsPropagation", "\"rshared\"", "linux.rootfsPropagation rshared" },
		{ "hooks.poststart", "[{\"path\": \"/bin/true\"}]", "hooks.poststart: not supported" },
		{ "process.apparmorProfile", "\"docker-default\"", "process.apparmorProfile" },
		{ "process.selinuxLabel", "\"system_u:system_r:container_t:s0\"", "process.selinuxLabel" },
		{ "process.rlimits", "[{\"type\": \"RLIMIT_FOO\", \"soft\": 1, \"hard\": 1}]",
		  "process.rlimits: unknown type \"RLIMIT_FOO\"" },
		{ "process.rlimits", "[{\"type\": \"RLIMIT_NOFILE\", \"soft\": 9, \"hard\": 1}]",
		  "soft at most hard" },
		{ "process.oomScoreAdj", "5000", "process.oomScoreAdj: not from -1000 to 1000" },
		{ "process.user.additionalGids", "[70000]", "outside the container's ids" },
		{ "mounts", "[{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
		  "\"options\": [\"tmpcopyup\"]}]", "mounts /t (tmpfs): unknown option 'tmpcopyup'" },
		{ "mounts", "[{\"destination\": \"/t\", \"type\": \"tmpfs\", \"source\": \"tmpfs\", "
		  "\"options\": [\"nr_blocks=1\"]}]", "mounts /t (tmpfs): unknown option 'nr_blocks=1'" },
		{ "mounts", "[{\"destination\": \"/v\", \"type\": \"bind\", \"source\": \"/var/tmp\", "
		  "\"options\": [\"rbind\", \"rshared\"]}]", "mounts /v: bind option \"rshared\"" },
		/* under the sysfs, mounted last, it would be hidden without a word */
		{ "mounts", "[{\"destination\": \"/sys/kernel/x\", \"type\": \"bind\", \"source\": "
		  "\"/var/tmp\", \"options\": [\"rbind\"]}]",
		  "mounts /sys/kernel/x: nothing is mounted on or below /sys" },
		{ "mounts", "[{\"destination\": \"/proc/x\", \"type\": \"tmpfs\", \"source\": \"tmpfs\"}]",
		  "mounts /proc/x: nothing is mounted on or below /proc" },
		{ "linux.cgroupsPath", "\"../../x\"", "cgroupsPath \"../../x\": not a plain cgroup path" },
	};
	char id[64];
	struct bundle b;
	struct run_result r;

	make_bundle(&b);
	snprintf(id, sizeof(id), "eci-t-uf-%d", (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", id);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		json_t *cfg = base_config(id);

		set_member(cfg, cases[i].where, cases[i].json);
		put_config(&b, cfg);
		shf(&r, "exec timeout 20 '%s' --root '%s' create --bundle '%s' %s", b.runc, b.root,
		    b.bundle, id);
		ck_assert_msg(r.status == 1, "%s %s: exit %d, want 1: %s", cases[i].where,
			      cases[i].json, r.status, r.err);
		ck_assert_msg(strstr(r.err, cases[i].words), "%s %s: the refusal lacks '%s': %s",
			      cases[i].where, cases[i].json, cases[i].words, r.err);
		t_run_free(&r);
		ck_assert_msg(!*leftovers(&b, id), "%s: left %s", cases[i].where, leftovers(&b, id));
	}
	/* update: a flag it does not know, a field it does not apply */
	write_config(&b, id);
	runc(&r, &b, "create --bundle '%s' %s", b.bundle, id);
	ck_assert_msg(r.status == 0, "create: %s", r.err);
	t_run_free(&r);
	runc(&r, &b, "update --kernel-memory 1m %s", id);
	ck_assert_msg(r.status == 1 && strstr(r.err, "--kernel-memory: not supported"), "%s", r.err);
	t_run_free(&r);
	shf(&r, "echo '{\"cpu\": {\"realtimePeriod\": 5}}' | '%s' --root '%s' update -r - %s", b.runc,
	    b.root, id);
	ck_assert_msg(r.status == 1 && strstr(r.err, "update --resources.cpu.realtimePeriod: not "
					      "supported"), "%s", r.err);
	t_run_free(&r);
	runc(&r, &b, "delete --force %s", id);
	t_run_free(&r);
}
END_TEST

/*
 * The verbs on a stopped container answer as runc's: kill fails ("container
 * not running", 1) but kill --all succeeds, pause and update fail, resume
 * says not paused; docker kill of a stopped container is refused too.
 */
START_TEST(verbs_on_stopped_as_runc)
{
	static const struct {
		const char *args;
		int code;
		const char *words;
	} verbs[] = {
		{ "kill %s 9", 1, "container not running" }, { "kill --all %s 9", 0, NULL },
		{ "pause %s", 1, "container not running" },  { "resume %s", 1, "container not paused" },
		{ "update --memory 8m %s", 1, "container not running" },
	};
	char id[64], args[128];
	struct bundle b;
	struct run_result r;
	json_t *cfg;

	ck_assert_int_eq(prctl(PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0), 0);
	make_bundle(&b);
	snprintf(id, sizeof(id), "eci-t-st-%d", (int)getpid());
	undo("rmdir /sys/fs/cgroup/*/%s 2>/dev/null; true", id);
	cfg = base_config(id);
	set_member(cfg, "process.args", "[\"true\"]");
	put_config(&b, cfg);
	for (int rt = 0; rt < 2; rt++) {
		either(&r, &b, rt, "run -d --bundle '%s' %s </dev/null", b.bundle, id);
		ck_assert_msg(r.status == 0, "run: %s", r.err);
		t_run_free(&r);
		usleep(300 * 1000);	/* runc's -d does not wait */
		while (waitpid(-1, NULL, WNOHANG) > 0)
			;
		for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
			snprintf(args, sizeof(args), verbs[i].args, id);
			either(&r, &b, rt, "%s", args);
			ck_assert_msg(r.status == verbs[i].code, "%s %s: exit %d, want %d: %s",
				      rt ? "runc" : "eci-runc", args, r.status, verbs[i].code, r.err);
			if (verbs[i].words)
				ck_assert_msg(strstr(r.err, verbs[i].words), "%s %s: %s",
					      rt ? "runc" : "eci-runc", args, r.err);
			t_run_free(&r);
		}
		either(&r, &b, rt, "delete %s", id);
		ck_assert_msg(r.status == 0, "delete: %s", r.err);
		t_run_free(&r);
	}
	expect("rm -f st-eci", 0, NULL, NULL);
	expect("run --name st-eci --runtime eci --network none " IMG " true", 0, NULL, NULL);
	expect("kill st-eci", 1, NULL, "is not running");
	expect("rm st-eci", 0, NULL, NULL);
}
END_TEST

/* --- policy: exposeDockerAPIOnTCP2375, filesharingAllowedDirectories ---------------- */

/*
 * A second dockerd that also listens on tcp://127.0.0.1:PORT without TLS
 * (t/engine/tcp-engine.sh): eci-runc creates nothing for it, naming the
 * setting; with the setting true (the policy test build, "eci-pol") it
 * does.  The first dockerd, on its unix socket only, is not affected.
 */
START_TEST(tcp_exposed_engine_refused)
{
	const char *start = getenv("ECI_ENGINE_TCP"), *stop = getenv("ECI_ENGINE_TCP_STOP");
	char unix_host[4096];
	struct run_result r;

	ck_assert_msg(start && stop, "ECI_ENGINE_TCP(_STOP) are not set: run t/engine/run.sh");
	undo("%s", stop);
	shf(&r, "%s", start);
	ck_assert_msg(r.status == 0, "the second dockerd did not start: %s%s", r.out, r.err);
	ck_assert_int_eq(sscanf(r.out, "%4095s", unix_host), 1);
	ck_assert_msg(strstr(r.out, "tcp://127.0.0.1:"), "%s", r.out);
	t_run_free(&r);

	dockerf(&r, "-H %s run --rm --runtime eci --network none " IMG " true", unix_host);
	ck_assert_msg(r.status == 125, "an engine on TCP without TLS: exit %d, want 125: %s", r.status,
		      r.err);
	ck_assert_msg(strstr(r.err, "exposeDockerAPIOnTCP2375") && strstr(r.err, "TLS"),
		      "the refusal lacks 'exposeDockerAPIOnTCP2375' or 'TLS': %s", r.err);
	t_run_free(&r);
	expect(RUN IMG " true", 0, NULL, NULL);	/* the first dockerd, meanwhile */

	set_policy("{\"exposeDockerAPIOnTCP2375\": {\"value\": true, \"locked\": true}}\n");
	expectf(0, "allowed", NULL, "-H %s run --rm --runtime eci-pol --network none " IMG
		" echo allowed", unix_host);
	shf(&r, "%s", stop);
	t_run_free(&r);
}
END_TEST

/*
 * A regular user's directory (ecitest's, 0755), listed in
 * filesharingAllowedDirectories: the container writes there as that user,
 * never leaves a set-id bit, and root's file there stays out of reach.
 * Not listed: the user's files appear as nobody and the directory is not
 * writable.
 */
/* --- policy: the capability ceiling, allowedImages ------------------------ */

/* The audit log the next set_policy() names: "auditLog" JSON in @json, the file in @path. */
static void audit_to(char *path, size_t size, char *json, size_t jsize)
{
	harness_path(path, size, "ECI_ENGINE_RUN", "audit.log");
	undo("rm -f '%s'", path);
	unlink(path);
	snprintf(json, jsize, "\"auditLog\": {\"value\": \"%s\"}", path);
}

/* The audit log holds a line with each of @words. */
static void audited(const char *path, const char *const *words)
{
	char *log = NULL;

	ck_assert_msg(read_all_at(AT_FDCWD, path, 1 << 20, &log, NULL) == 0, "no audit log %s",
		      path);
	for (const char *const *w = words; *w; w++)
		ck_assert_msg(strstr(log, *w), "the audit log lacks '%s': %s", *w, log);
	free(log);
}

/*
 * allowPrivileged false: nothing beyond Docker's default set, whichever
 * flag asks: --privileged, --cap-add ALL with a drop (which passed when
 * only SYS_ADMIN and SYS_MODULE together counted as privileged), one
 * --cap-add.  Each refusal names the capability, the setting and the file
 * that locks it, and is audited; the default set runs.  With privileges
 * allowed (the default policy), the same --cap-add ALL still runs.
 */
START_TEST(capability_ceiling)
{
	static const char *const words[] = { "\"action\":\"refused\"",
					     "\"setting\":\"allowPrivileged\"", "CAP_NET_ADMIN",
					     NULL };
	char audit[4200], alog[4300], json[8800], file[4200], want[8400];

	audit_to(audit, sizeof(audit), alog, sizeof(alog));
	snprintf(json, sizeof(json), "{\"allowPrivileged\": {\"value\": false, \"locked\": true}, "
		 "%s}\n", alog);
	set_policy(json);
	snprintf(file, sizeof(file), "in config.json process.capabilities.bounding: "
		 "\"allowPrivileged\" is managed by your administrator (%s/90-eci-test.json)",
		 getenv("ECI_ENGINE_POLICY"));
	snprintf(want, sizeof(want), "capability CAP_DAC_READ_SEARCH %s", file);
	expect("run --rm --runtime eci-pol --network none --cap-add ALL --cap-drop SYS_MODULE "
	       IMG " true", 125, NULL, want);
	expect("run --rm --runtime eci-pol --network none --privileged " IMG " true", 125, NULL,
	       want);
	snprintf(want, sizeof(want), "capability CAP_NET_ADMIN %s", file);
	expect("run --rm --runtime eci-pol --network none --cap-add NET_ADMIN " IMG " true", 125,
	       NULL, want);
	audited(audit, words);
	expect("run --rm --runtime eci-pol --network none " IMG " grep CapBnd /proc/self/status",
	       0, "00000000a80425fb", NULL);
	expect("run --rm --runtime eci-pol --network none --cap-drop ALL --cap-add CHOWN " IMG
	       " grep CapBnd /proc/self/status", 0, "0000000000000001", NULL);
	set_policy("{}\n");
	expect("run --rm --runtime eci-pol --network none --cap-add ALL --cap-drop SYS_MODULE "
	       IMG " true", 0, NULL, NULL);
}
END_TEST

/* "eci-img" puts @name in config.json's annotations, as containerd would. */
static void engine_names_image(const char *name)
{
	char path[4200];

	put_for_test(harness_path(path, sizeof(path), "ECI_ENGINE_RUN", "image-annotation"), name);
}

#define PIN "sha256:d16e5700d16e5700d16e5700d16e5700d16e5700d16e5700d16e5700d16e5700"

/*
 * allowedImages, where the engine names the image (annotations): a name
 * against the patterns, a pin only against a digest the engine gives.  An
 * engine that names nothing (dockerd 20.10) cannot be judged: the
 * container runs, and the audit log says allowedImages was not applied.
 */
START_TEST(allowed_images_by_engine_identity)
{
	static const char *const unchecked[] = { "\"action\":\"unchecked\"",
						 "\"setting\":\"allowedImages\"", NULL };
	char audit[4200], alog[4300], json[8800], want[8400];

	audit_to(audit, sizeof(audit), alog, sizeof(alog));
	snprintf(json, sizeof(json), "{\"allowedImages\": {\"value\": [\"eci-default:*\"], "
		 "\"locked\": true}, %s}\n", alog);
	set_policy(json);
	engine_names_image("docker.io/library/alpine:3");
	snprintf(want, sizeof(want), "image docker.io/library/alpine:3: \"allowedImages\" is "
		 "managed by your administrator (%s/90-eci-test.json)", getenv("ECI_ENGINE_POLICY"));
	expect("run --rm --runtime eci-img --network none " IMG " true", 125, NULL, want);
	engine_names_image("eci-default");	/* eci-default:latest */
	expect("run --rm --runtime eci-img --network none " IMG " echo ran", 0, "ran", NULL);
	snprintf(json, sizeof(json), "{\"allowedImages\": {\"value\": [\"eci-default@" PIN "\"], "
		 "\"locked\": true}, %s}\n", alog);
	set_policy(json);
	expect("run --rm --runtime eci-img --network none " IMG " true", 125, NULL,
	       "image eci-default: \"allowedImages\" is managed by your administrator");
	engine_names_image("another-name@" PIN);
	expect("run --rm --runtime eci-img --network none " IMG " echo ran", 0, "ran", NULL);
	expect("run --rm --runtime eci-pol --network none " IMG " echo ran", 0, "ran", NULL);
	audited(audit, unchecked);
}
END_TEST

/*
 * Host namespaces: refused under enhanced container isolation, naming the
 * setting (check_engine.c); with it off and allowHostNamespaces on, the
 * policy would allow one, but eci-runc still gives its own and says so.
 */
START_TEST(host_namespace_without_eci)
{
	set_policy("{\"enhancedContainerIsolation\": {\"value\": false}, "
		   "\"allowHostNamespaces\": {\"value\": true}}\n");
	expect("run --rm --runtime eci-pol --network none --pid host " IMG " true", 125, NULL,
	       "config.json: the host pid namespace: eci-runc always gives a container its own");
	set_policy("{\"enhancedContainerIsolation\": {\"value\": false}}\n");
	expect("run --rm --runtime eci-pol --network none --pid host " IMG " true", 125, NULL,
	       "the host pid namespace is not allowed (\"allowHostNamespaces\"");
	expect("run --rm --runtime eci-pol --network none " IMG " true", 0, NULL, NULL);
}
END_TEST

START_TEST(filesharing_allowed_directories)
{
	static const char ops[] =
		"echo w > /s/f; echo create=$?; stat -c u=%u /s/f; stat -c r=%u /s/rootfile; "
		"(: >> /s/rootfile); echo rootw=$?; chmod 4755 /s/f; echo suid=$?; "
		"chmod g+s /s/f; echo sgid=$?";
	static const char *const keys[] = { "rootw", "suid", "sgid", NULL };
	static const char *const unlisted_keys[] = { "touch", "write", NULL };
	struct passwd *pw = getpwnam("ecitest");
	char dir[64], json[512], path[128], *text = NULL;
	struct snap rootfile;
	struct run_result r;
	struct stat st;

	ck_assert_msg(pw, "no account ecitest (t/engine/run.sh makes it with tools/account.sh)");
	ck_assert_uint_ge(pw->pw_uid, 1000);
	fixture_dir(dir, sizeof(dir), "/var/tmp/eci-share.XXXXXX", 0755);
	put_file(dir, "rootfile", "root-data\n", 0644);
	ck_assert_int_eq(chown(dir, pw->pw_uid, pw->pw_gid), 0);
	snprintf(path, sizeof(path), "%s/rootfile", dir);
	take_snap(&rootfile, path);
	snprintf(json, sizeof(json), "{\"filesharingAllowedDirectories\": {\"value\": [{\"path\": "
		 "\"%s\"}], \"locked\": true}}\n", dir);
	set_policy(json);
	snprintf(path, sizeof(path), "%s/f", dir);

	for (size_t i = 0; i < NFLAGS; i++) {
		dockerf(&r, "run --rm --runtime eci-pol --network none %s -v %s:/s " IMG
			" sh -c 'exec 2>&1; %s' 2>&1", flags[i], dir, ops);
		ck_assert_msg(r.status == 0, "%s: exit %d: %s", shown(i), r.status, r.out);
		ck_assert_msg(value_of(r.out, "create") == 0 && strstr(r.out, "u=0\n"),
			      "%s: the container cannot write the shared directory as its owner:\n%s",
			      shown(i), r.out);
		ck_assert_msg(strstr(r.out, "r=65534\n"), "%s: root's file does not appear as "
			      "nobody:\n%s", shown(i), r.out);
		all_failed(shown(i), r.out, keys);
		ck_assert_int_eq(lstat(path, &st), 0);
		ck_assert_msg(st.st_uid == pw->pw_uid, "%s: %s is owned by %u on the host, not by "
			      "ecitest (%u)", shown(i), path, st.st_uid, pw->pw_uid);
		ck_assert_msg(!(st.st_mode & (S_ISUID | S_ISGID)), "%s: %s has mode %o on the host",
			      shown(i), path, st.st_mode & 07777);
		ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &text, NULL), 0);
		ck_assert_str_eq(text, "w\n");
		free(text);
		text = NULL;
		same_as(&rootfile, shown(i));
		t_run_free(&r);
		ck_assert_int_eq(unlink(path), 0);
	}

	/* Not listed (the runtime "eci", built-in policy): a stranger's directory. */
	put_file(dir, "f", "users-file\n", 0644);
	ck_assert_int_eq(chown(path, pw->pw_uid, pw->pw_gid), 0);
	for (size_t i = 0; i < NFLAGS; i++) {
		dockerf(&r, RUN "%s -v %s:/s " IMG " sh -c 'exec 2>&1; stat -c u=%%u /s/f; touch /s/g; "
			"echo touch=$?; echo x >> /s/f; echo write=$?' 2>&1", flags[i], dir);
		ck_assert_msg(r.status == 0, "unlisted %s: exit %d: %s", shown(i), r.status, r.out);
		ck_assert_msg(strstr(r.out, "u=65534\n"), "unlisted %s: the user's file does not "
			      "appear as nobody:\n%s", shown(i), r.out);
		all_failed(shown(i), r.out, unlisted_keys);
		t_run_free(&r);
		ck_assert_msg(entries(dir) == 2, "unlisted %s: %s has new entries", shown(i), dir);
		ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &text, NULL), 0);
		ck_assert_str_eq(text, "users-file\n");
		free(text);
		text = NULL;
	}

	/* Listed only through a symlink (which its owner could have planted):
	 * the path is compared as written, so the directory is not shared. */
	snprintf(path, sizeof(path), "%s.link", dir);
	ck_assert_int_eq(symlink(dir, path), 0);
	undo("rm -f '%s'", path);
	snprintf(json, sizeof(json), "{\"filesharingAllowedDirectories\": {\"value\": [{\"path\": "
		 "\"%s\"}], \"locked\": true}}\n", path);
	set_policy(json);
	dockerf(&r, "run --rm --runtime eci-pol --network none -v %s:/s " IMG
		" sh -c 'exec 2>&1; stat -c u=%%u /s/f; touch /s/g; echo touch=$?' 2>&1", dir);
	ck_assert_msg(r.status == 0, "through a symlink: exit %d: %s", r.status, r.out);
	ck_assert_msg(strstr(r.out, "u=65534\n") && value_of(r.out, "touch") != 0,
		      "a directory listed through a symlink is shared:\n%s", r.out);
	t_run_free(&r);
	free(rootfile.data);
}
END_TEST

Suite *isolation_suite(void)
{
	Suite *s = suite_create("engine isolation");
	TCase *tc = tcase_create("container root is not host root");

	tcase_set_timeout(tc, 600);
	tcase_add_unchecked_fixture(tc, undo_open, undo_close);
	tcase_add_checked_fixture(tc, test_begin, NULL);
	tcase_add_test(tc, binds_keep_host_ownership);
	tcase_add_test(tc, no_setuid_shell_in_usr_local_bin);
	tcase_add_test(tc, no_setid_file_on_host);
	tcase_add_test(tc, engine_sockets_refused_by_identity);
	tcase_add_test(tc, named_volume_shared_between_containers);
	tcase_add_test(tc, etc_volume_keeps_host_ownership);
	tcase_add_test(tc, everyday_use_keeps_working);
	tcase_add_test(tc, bind_source_swap_race);
	tcase_add_test(tc, exec_cannot_be_hijacked);
	tcase_add_test(tc, exec_lands_in_container_cgroup);
	tcase_add_test(tc, cgroup_namespace_is_the_containers);
	tcase_add_test(tc, killed_create_leaves_nothing);
	tcase_add_test(tc, kill_checks_process_identity);
	tcase_add_test(tc, cgroups_path_as_runc);
	tcase_add_test(tc, process_as_runc);
	tcase_add_test(tc, roots_of_every_kind);
	tcase_add_test(tc, pid1_and_net_sysctl_as_runc);
	tcase_add_test(tc, namespace_paths_judged);
	tcase_add_test(tc, engine_devices_judged);
	tcase_add_test(tc, new_proc_and_sysfs_privileged);
	tcase_add_test(tc, unapplied_fields_refused_by_name);
	tcase_add_test(tc, verbs_on_stopped_as_runc);
	tcase_add_test(tc, tcp_exposed_engine_refused);
	tcase_add_test(tc, filesharing_allowed_directories);
	tcase_add_test(tc, host_namespace_without_eci);
	tcase_add_test(tc, capability_ceiling);
	tcase_add_test(tc, allowed_images_by_engine_identity);
	suite_add_tcase(s, tc);
	return s;
}
