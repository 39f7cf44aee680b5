// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops.c - eci-run ps | stop | doctor: the everyday commands around eci-run
 *
 * Running containers are the entries of the state directory whose
 * launcher still holds their lock (see state.c); `ps` removes the others as
 * a side effect.  `stop` and `exec` (execcmd.c) find theirs among them by
 * name or id prefix (ops_find).  `stop` signals the launcher, which passes
 * the signal to pid 1 and the workload; after the timeout it kills the
 * launcher, and pid 1 (its parent-death signal set) takes the container
 * with it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "subid.h"
#include "util.h"

static int open_state(struct eci_err *e)
{
	char base[4096];
	int fd;

	state_base(base, sizeof(base));
	fd = state_open_base(base, e);
	if (fd >= 0)
		state_remove_stale(fd);
	return fd;
}

/* Call @fn with each running container's meta.json. */
static int each(int base, int (*fn)(json_t *m, void *ctx), void *ctx)
{
	_cleanup_close_ int dup_fd = dup(base);
	DIR *d = dup_fd >= 0 ? fdopendir(dup_fd) : NULL;
	struct dirent *de;
	int r = 0;

	if (!d)
		return -1;
	dup_fd = -1;
	rewinddir(d);	/* a dup shares the offset another scan left at the end */
	while (!r && (de = readdir(d))) {
		char path[300];
		_cleanup_free_ char *buf = NULL;
		json_t *m;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/meta.json", de->d_name);
		if (read_all_at(base, path, 1 << 16, &buf, NULL) < 0 ||
		    !(m = json_loads(buf, 0, NULL)))
			continue;
		r = fn(m, ctx);
		json_decref(m);
	}
	closedir(d);
	return r;
}

static int print_row(json_t *m, void *ctx)
{
	json_t *arr = ctx;
	long up = (long)(time(NULL) - json_integer_value(json_object_get(m, "started")));

	if (arr) {
		json_object_del(m, "process");	/* exec's, environment included */
		return json_array_append(arr, m);
	}
	printf("%-12.12s  %-16.16s  %-20.20s  %-24.24s  %7d  %10lld  %-11s  %lds\n",
	       json_string_value(json_object_get(m, "id")), json_string_value(json_object_get(m, "name")),
	       json_string_value(json_object_get(m, "image")),
	       json_string_value(json_object_get(m, "command")),
	       (int)json_integer_value(json_object_get(m, "init")),
	       json_integer_value(json_object_get(m, "uid_start")),
	       json_string_value(json_object_get(m, "network")), up);
	return 0;
}

static int ps(int argc, char **argv)
{
	bool json = argc == 3 && !strcmp(argv[1], "--format") && !strcmp(argv[2], "json");
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	json_t *arr = json ? json_array() : NULL;

	if (argc != 1 && !json) {
		fputs("usage: eci-run ps [--format json]\n", stderr);
		return EXIT_ECI;
	}
	base = open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (!json)
		printf("%-12s  %-16s  %-20s  %-24s  %7s  %10s  %-11s  %s\n", "ID", "NAME", "IMAGE",
		       "COMMAND", "PID", "UIDS FROM", "NETWORK", "UP");
	each(base, print_row, arr);
	if (json) {
		json_dumpf(arr, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(arr);
	}
	return 0;
}

struct find {
	const char *what;
	json_t *meta;
};

static int match(json_t *m, void *ctx)
{
	struct find *f = ctx;
	const char *id = json_string_value(json_object_get(m, "id")) ?: "";
	const char *name = json_string_value(json_object_get(m, "name")) ?: "";

	if (strcmp(name, f->what) && strncmp(id, f->what, strlen(f->what)))
		return 0;
	f->meta = json_incref(m);
	return 1;
}

/* Is the container still there (its launcher holds the lock)? */
static bool running(int base, const char *id)
{
	_cleanup_close_ int fd = openat(base, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0;
}

static const char *id_of(json_t *meta)
{
	return json_string_value(json_object_get(meta, "id")) ?: "";
}

/* The running container called @what (its name or a prefix of its id). */
static json_t *find(int base, const char *what)
{
	struct find f = { .what = what };

	if (!*what || each(base, match, &f) != 1)
		return NULL;
	if (strlen(id_of(f.meta)) != ECI_ID_LEN || !running(base, id_of(f.meta))) {
		json_decref(f.meta);
		return NULL;
	}
	return f.meta;
}

int ops_find(const char *what, json_t **meta, struct eci_err *e)
{
	_cleanup_close_ int base = open_state(e);
	int fd;

	*meta = NULL;
	if (base < 0)
		return -1;
	*meta = find(base, what);
	if (!*meta)
		return eci_fail(e, 0, "no such running container");
	fd = openat(base, id_of(*meta), O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		json_decref(steal_ptr(*meta));
		return eci_fail(e, errno, "its state directory");
	}
	return fd;
}

static int stop(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	json_t *m = NULL;
	pid_t launcher;
	char id[ECI_ID_LEN + 1];
	int secs = 10, i = 1;

	if (argc >= 3 && !strcmp(argv[1], "-t")) {
		secs = atoi(argv[2]);
		i = 3;
	}
	if (argc != i + 1 || secs < 0) {
		fputs("usage: eci-run stop [-t SECONDS] NAME|ID\n", stderr);
		return EXIT_ECI;
	}
	base = open_state(&e);
	if (base < 0 || !(m = find(base, argv[i]))) {
		fprintf(stderr, "eci-run: stop %s: no such running container\n", argv[i]);
		return EXIT_ECI;
	}
	launcher = (pid_t)json_integer_value(json_object_get(m, "pid"));
	snprintf(id, sizeof(id), "%s", id_of(m));
	json_decref(m);
	kill(launcher, SIGTERM);
	for (int k = 0; k < secs * 20 && running(base, id); k++)
		usleep(50000);
	if (running(base, id))
		kill(launcher, SIGKILL);	/* pid 1 follows (parent-death signal) */
	for (int k = 0; k < 100 && running(base, id); k++)
		usleep(20000);
	printf("%s\n", argv[i]);
	return 0;
}

/* --- doctor ------------------------------------------------------------------ */

static int failures;

static void check(bool ok, const char *what, const char *fix)
{
	printf("%-4s %s\n", ok ? "OK" : "FAIL", what);
	if (!ok) {
		printf("     fix: %s\n", fix);
		failures++;
	}
}

static long read_long(const char *path, long dflt)
{
	_cleanup_free_ char *buf = NULL;

	return read_all_at(AT_FDCWD, path, 64, &buf, NULL) == 0 ? atol(buf) : dflt;
}

static bool has_range(const char *file, const char *name, uid_t uid, uint32_t self)
{
	struct subid_range r[SUBID_MAX_RANGES];
	_cleanup_free_ char *buf = NULL;
	size_t len;

	if (read_all_at(AT_FDCWD, file, SUBID_MAX_FILE, &buf, &len) < 0)
		return false;
	return subid_slot_count(r, subid_parse(buf, len, name, uid, self, r, NULL, NULL)) > 0;
}

static int doctor(void)
{
	struct passwd *pw = getpwuid(getuid());
	const char *me = pw ? pw->pw_name : "you";
	struct eci_err e = { 0 };
	char helper[4096], fix[512], cg[4096] = "";
	_cleanup_free_ char *fs = NULL, *self = NULL;
	struct utsname u;
	int major = 0, minor = 0;

	uname(&u);
	sscanf(u.release, "%d.%d", &major, &minor);
	check(major > 6 || (major == 6 && minor >= 6), "Linux 6.6 or later (overlayfs userxattr on tmpfs)",
	      "upgrade the kernel");
	check(read_long("/proc/sys/user/max_user_namespaces", 0) > 0, "user namespaces enabled",
	      "sysctl -w user.max_user_namespaces=15000");
	check(read_long("/proc/sys/kernel/unprivileged_userns_clone", 1) == 1,
	      "unprivileged user namespaces allowed", "sysctl -w kernel.unprivileged_userns_clone=1");
	check(read_long("/proc/sys/kernel/apparmor_restrict_unprivileged_userns", 0) == 0,
	      "AppArmor does not restrict unprivileged user namespaces",
	      "sysctl -w kernel.apparmor_restrict_unprivileged_userns=0, or an AppArmor profile for eci-run");
	read_all_at(AT_FDCWD, "/proc/filesystems", 1 << 16, &fs, NULL);
	check(fs && strstr(fs, "overlay"), "overlayfs available", "modprobe overlay");
	snprintf(fix, sizeof(fix), "usermod --add-subuids 100000-165535 --add-subgids 100000-165535 %s", me);
	check(has_range("/etc/subuid", me, getuid(), getuid()), "a range of >= 65536 ids in /etc/subuid", fix);
	check(has_range("/etc/subgid", me, getuid(), getgid()), "a range of >= 65536 ids in /etc/subgid", fix);
	check(helper_find(helper, sizeof(helper), &e) == 0 && policy_check_helper(helper, &e) == 0,
	      e.msg[0] ? e.msg : "eci-newidmap installed with its file capabilities",
	      "make install && make install-privileged (as root)");
	check(access("/dev/net/tun", R_OK | W_OK) == 0, "/dev/net/tun usable (--network pasta|slirp4netns)",
	      "chmod 0666 /dev/net/tun (Debian's udev rules do)");
	read_all_at(AT_FDCWD, "/proc/self/cgroup", 4096, &self, NULL);
	if (self && strstr(self, "0::"))
		snprintf(cg, sizeof(cg), "/sys/fs/cgroup%.*s/cgroup.subtree_control",
			 (int)strcspn(strstr(self, "0::") + 3, "\n"), strstr(self, "0::") + 3);
	check(cg[0] && access(cg, W_OK) == 0, "a delegated cgroup v2 subtree (--memory, --pids-limit)",
	      "systemd: Delegate=yes in user@.service (systemctl edit user@.service)");
	printf("%s\n", failures ? "Some checks failed: see the fixes above." : "Everything eci needs is here.");
	return failures ? 1 : 0;
}

int ops_main(int argc, char **argv)
{
	if (!strcmp(argv[0], "ps"))
		return ps(argc, argv);
	if (!strcmp(argv[0], "stop"))
		return stop(argc, argv);
	return doctor();
}
