// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * ops.c - eci-run ps | stop, and the help texts of ps, stop and doctor
 * (doctor.c)
 *
 * Running containers are the entries of the state directory whose
 * launcher still holds their lock (see state.c); `ps` removes those of dead
 * launchers as a side effect.  Exited detached containers (-d) keep their
 * entry, marked "finished" in meta.json, until `eci-run rm` (manage.c);
 * `ps -a` shows them too.  `stop` signals the launcher, which passes the
 * signal to pid 1 and the workload (pid 1 of its own pid namespace, it
 * ignores a signal it has no handler for: core/init.c, as under docker
 * stop); after the timeout it kills pid 1 (the
 * user owns the container's user namespace, so may), and the launcher
 * records the status as for any exit; a launcher that still does not end
 * is killed, and pid 1 (its parent-death signal set) would go with it.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

int ops_open_state(struct eci_err *e)
{
	char base[4096];
	int fd;

	state_base(base, sizeof(base));
	fd = state_open_base(base, e);
	if (fd >= 0)
		state_remove_stale(fd);
	return fd;
}

/* Call @fn with each running (@all: or exited) container's meta.json. */
int ops_each(int base, bool all, int (*fn)(json_t *m, void *ctx), void *ctx)
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
		if (all || !json_object_get(m, "finished"))
			r = fn(m, ctx);
		json_decref(m);
	}
	closedir(d);
	return r;
}

/*
 * ps --filter KEY=VALUE, as docker: values of one key are alternatives,
 * keys must all match; label= filters must all match.
 */
#define PS_FILTERS 32
struct ps_opts {
	json_t *arr;		/* --format json: the records */
	bool quiet;		/* -q: ids only */
	const char *filter[PS_FILTERS];
	size_t nfilters;
};

static bool match_one(json_t *m, const char *key, const char *v)
{
	const char *id = json_string_value(json_object_get(m, "id")) ?: "";
	const char *name = json_string_value(json_object_get(m, "name")) ?: "";
	const char *eq;
	json_t *label;

	if (!strcmp(key, "id"))
		return !strncmp(id, v, strlen(v));
	if (!strcmp(key, "name"))
		return strstr(name, v) != NULL;
	if (!strcmp(key, "status"))
		return !strcmp(v, json_object_get(m, "finished") ? "exited" : "running");
	eq = strchr(v, '=');
	label = json_object_get(json_object_get(m, "labels"), eq ? strndupa(v, (size_t)(eq - v)) : v);
	return label && (!eq || !strcmp(json_string_value(label) ?: "", eq + 1));
}

static bool wanted(json_t *m, const struct ps_opts *po)
{
	static const char *const keys[] = { "id", "name", "status", "label" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		bool any = false, hit = !strcmp(keys[k], "label");
		size_t n = strlen(keys[k]);

		for (size_t i = 0; i < po->nfilters; i++) {
			if (strncmp(po->filter[i], keys[k], n) || po->filter[i][n] != '=')
				continue;
			any = true;
			if (!strcmp(keys[k], "label"))
				hit = hit && match_one(m, keys[k], po->filter[i] + n + 1);
			else
				hit = hit || match_one(m, keys[k], po->filter[i] + n + 1);
		}
		if (any && !hit)
			return false;
	}
	return true;
}

/* A filter ps knows, with a value it can match? */
static bool known_filter(const char *f)
{
	if (!strncmp(f, "status=", 7))
		return !strcmp(f + 7, "running") || !strcmp(f + 7, "exited") ||
		       !strcmp(f + 7, "created") || !strcmp(f + 7, "restarting") ||
		       !strcmp(f + 7, "removing") || !strcmp(f + 7, "paused") ||
		       !strcmp(f + 7, "dead");
	return !strncmp(f, "id=", 3) || !strncmp(f, "name=", 5) ||
	       (!strncmp(f, "label=", 6) && f[6] && f[6] != '=');
}

static int print_row(json_t *m, void *ctx)
{
	struct ps_opts *po = ctx;
	json_t *arr = po->arr, *fin = json_object_get(m, "finished");
	long now = (long)time(NULL);
	char pid[16], status[48];

	if (!wanted(m, po))
		return 0;
	if (po->quiet) {
		printf("%.12s\n", json_string_value(json_object_get(m, "id")) ?: "");
		return 0;
	}
	if (arr) {
		json_object_del(m, "process");	/* exec's, environment included */
		json_object_del(m, "args");	/* start's: -e VALUES too */
		return json_array_append(arr, m);
	}
	snprintf(pid, sizeof(pid), "%d", (int)json_integer_value(json_object_get(m, "init")));
	snprintf(status, sizeof(status), "Up %lds",
		 now - (long)json_integer_value(json_object_get(m, "started")));
	if (fin) {
		strcpy(pid, "-");
		snprintf(status, sizeof(status), "Exited (%d) %lds ago",
			 (int)json_integer_value(json_object_get(m, "exit_code")),
			 now - (long)json_integer_value(fin));
	}
	printf("%-12.12s  %-16.16s  %-20.20s  %-24.24s  %7s  %10lld  %-11s  %-7s  %s\n",
	       json_string_value(json_object_get(m, "id")), json_string_value(json_object_get(m, "name")),
	       json_string_value(json_object_get(m, "image")),
	       json_string_value(json_object_get(m, "command")), pid,
	       json_integer_value(json_object_get(m, "uid_start")),
	       json_string_value(json_object_get(m, "network")),
	       json_string_value(json_object_get(m, "userns")) ?: "private", status);
	return 0;
}

static const char ps_usage[] =
	"usage: eci-run ps [-a|--all] [-q|--quiet] [-f|--filter KEY=VALUE]... [--format json]\n"
	"  -a, --all   also exited containers of eci-run -d\n";

static int ps(int argc, char **argv)
{
	bool json = false, all = false;
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	struct ps_opts po = { 0 };

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "-a") || !strcmp(argv[i], "--all")) {
			all = true;
		} else if (!strcmp(argv[i], "-q") || !strcmp(argv[i], "--quiet")) {
			po.quiet = true;
		} else if (!strcmp(argv[i], "-aq") || !strcmp(argv[i], "-qa")) {
			all = po.quiet = true;
		} else if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--filter")) && i + 1 < argc) {
			if (!known_filter(argv[++i])) {
				fprintf(stderr, "eci-run: ps: --filter %s: not one of id=ID, name=NAME, "
					"status=running|exited, label=KEY[=VALUE]\n", argv[i]);
				return EXIT_ECI;
			}
			if (po.nfilters == PS_FILTERS) {
				fputs("eci-run: ps: --filter: given too many times\n", stderr);
				return EXIT_ECI;
			}
			po.filter[po.nfilters++] = argv[i];
			/* a status other than running is docker's -a */
			all |= !strncmp(argv[i], "status=", 7) && strcmp(argv[i], "status=running");
		} else if (!strcmp(argv[i], "--format") && i + 1 < argc &&
			   !strcmp(argv[i + 1], "json")) {
			json = true;
			i++;
		} else if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(ps_usage, stdout);
			return 0;
		} else {
			fprintf(stderr, "eci-run: ps: unknown argument %s\n%s", argv[i], ps_usage);
			return EXIT_ECI;
		}
	}
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	po.arr = json && !po.quiet ? json_array() : NULL;
	if (!po.arr && !po.quiet)
		printf("%-12s  %-16s  %-20s  %-24s  %7s  %10s  %-11s  %-7s  %s\n", "ID", "NAME",
		       "IMAGE", "COMMAND", "PID", "UIDS FROM", "NETWORK", "USERNS", "STATUS");
	ops_each(base, all, print_row, &po);
	if (po.arr) {
		json_dumpf(po.arr, stdout, JSON_COMPACT);
		putchar('\n');
		json_decref(po.arr);
	}
	return 0;
}

static int match(json_t *m, void *ctx)
{
	struct ops_find *f = ctx;
	const char *id = json_string_value(json_object_get(m, "id")) ?: "";
	const char *name = json_string_value(json_object_get(m, "name")) ?: "";

	if (!f->what[0] || (strcmp(name, f->what) && strncmp(id, f->what, strlen(f->what))))
		return 0;
	f->launcher = (pid_t)json_integer_value(json_object_get(m, "pid"));
	f->init = (pid_t)json_integer_value(json_object_get(m, "init"));
	f->finished = json_object_get(m, "finished") != NULL;
	snprintf(f->id, sizeof(f->id), "%s", id);
	return 1;
}

bool ops_find(int base, bool all, struct ops_find *f)
{
	return ops_each(base, all, match, f) == 1;
}

int ops_find_meta(const char *what, json_t **meta, struct eci_err *e)
{
	_cleanup_close_ int base = ops_open_state(e);
	_cleanup_free_ char *buf = NULL;
	struct ops_find f = { .what = what };
	int fd;

	*meta = NULL;
	if (base < 0)
		return -1;
	if (!*what || !ops_find(base, false, &f) || strlen(f.id) != ECI_ID_LEN ||
	    !ops_running(base, f.id))
		return eci_fail(e, 0, "no such running container");
	fd = openat(base, f.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return eci_fail(e, errno, "its state directory");
	if (read_all_at(fd, "meta.json", 1 << 20, &buf, NULL) < 0 ||
	    !(*meta = json_loads(buf, 0, NULL))) {
		close(fd);
		return eci_fail(e, 0, "its state (meta.json) is unreadable");
	}
	return fd;
}

/* Is the container still there (its launcher holds the lock)? */
bool ops_running(int base, const char *id)
{
	_cleanup_close_ int fd = openat(base, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0;
}

static bool wait_gone(int base, const char *id, int ms)
{
	for (int k = 0; k < ms / 20 && ops_running(base, id); k++)
		usleep(20000);
	return !ops_running(base, id);
}

/* Pid 1 still is the launcher's child (its pid not taken by another)? */
static bool is_child(pid_t pid, pid_t parent)
{
	char path[64], *p;
	_cleanup_free_ char *buf = NULL;
	int ppid = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (pid <= 0 || read_all_at(AT_FDCWD, path, 4096, &buf, NULL) < 0 || !(p = strrchr(buf, ')')))
		return false;
	return sscanf(p + 2, "%*c %d", &ppid) == 1 && ppid == parent;
}

void ops_kill(int base, const struct ops_find *f, int secs)
{
	kill(f->launcher, SIGTERM);
	if (wait_gone(base, f->id, secs * 1000))
		return;
	if (is_child(f->init, f->launcher))
		kill(f->init, SIGKILL);	/* the launcher sees it die and ends as usual */
	if (wait_gone(base, f->id, 2000))
		return;
	kill(f->launcher, SIGKILL);	/* pid 1 follows (parent-death signal) */
	wait_gone(base, f->id, 2000);
}

/* -t, --time SECONDS: how long the workload has to end on SIGTERM. */
static int stop_secs(const char *arg)
{
	char *end;
	long n = strtol(arg, &end, 10);

	return *arg && !*end && n >= 0 && n <= INT_MAX / 1000 ? (int)n : -1;
}

static int stop(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	int secs = 10, i = 1, code = 0;

	if (argc > 2 && (!strcmp(argv[1], "-t") || !strcmp(argv[1], "--time"))) {
		secs = stop_secs(argv[2]);
		i = 3;
	} else if (argc > 1 && !strncmp(argv[1], "--time=", 7)) {
		secs = stop_secs(argv[1] + 7);
		i = 2;
	}
	if (i >= argc || secs < 0 || argv[i][0] == '-') {
		fputs("usage: eci-run stop [-t SECONDS] NAME|ID...\n", stderr);
		return EXIT_ECI;
	}
	base = ops_open_state(&e);
	for (; i < argc; i++) {
		struct ops_find f = { .what = argv[i] };

		if (base < 0 || !ops_find(base, false, &f)) {
			fprintf(stderr, "eci-run: stop %s: no such running container\n", argv[i]);
			code = EXIT_ECI;
			continue;
		}
		ops_kill(base, &f, secs);
		printf("%s\n", argv[i]);
	}
	return code;
}

/* --- --help ---------------------------------------------------------------- */

static const struct op_help {
	const char *name, *usage, *what;
} helps[] = {
	{ "ps", "ps [-a|--all] [-q|--quiet] [-f|--filter KEY=VALUE]... [--format json]",
	  "List your running containers: ID, NAME, IMAGE, COMMAND, PID (the launcher's\n"
	  "child, pid 1), UIDS FROM (the first host uid of the container's range),\n"
	  "NETWORK, USERNS (private, or keep-id: your own ids kept inside) and STATUS.\n\n"
	  "Options:\n"
	  "  -a, --all                 also the exited containers of eci-run -d\n"
	  "  -f, --filter KEY=VALUE    only those that match: id=ID (a prefix),\n"
	  "                            name=NAME (a part), status=running|exited,\n"
	  "                            label=KEY or label=KEY=VALUE; several values of\n"
	  "                            one key: any, several keys and labels: all\n"
	  "  -q, --quiet               only the ids (12 digits), one a line\n"
	  "      --format json         a JSON array of the containers' records\n" },
	{ "stop", "stop [-t SECONDS] NAME|ID...",
	  "Stop running containers, by name or id prefix: SIGTERM to the launcher,\n"
	  "which passes it on to the workload, then SIGKILL after SECONDS (default\n"
	  "10), which ends the container (status 137).  The workload is pid 1 of its\n"
	  "pid namespace, as with docker: without a handler of its own it ignores\n"
	  "SIGTERM and runs until the SIGKILL (with eci-run --init, it is ended by\n"
	  "SIGTERM).  Prints each NAME|ID once the container is gone.\n\n"
	  "Options:\n"
	  "  -t, --time SECONDS        how long to wait before SIGKILL (default 10)\n" },
	{ "doctor", "doctor",
	  "Check whether eci can run here, and say how to fix what is missing.  Each\n"
	  "check prints OK, FAIL, WARN or -- and, after FAIL or WARN, the fix.\n\n"
	  "Required (FAIL: exit status 1): Linux 6.6 or later; user namespaces\n"
	  "enabled (user.max_user_namespaces, kernel.unprivileged_userns_clone,\n"
	  "AppArmor's kernel.apparmor_restrict_unprivileged_userns); a user namespace\n"
	  "with a tmpfs and an overlay (userxattr) on it, really tried; your ranges\n"
	  "in /etc/subuid and /etc/subgid, as slots of 65536 ids (one per container\n"
	  "at a time); eci-newidmap owned by root, writable by root only, with exactly\n"
	  "its file capabilities; the policy files intact.\n\n"
	  "Optional (WARN or --, exit status unchanged): /dev/net/tun, pasta or\n"
	  "slirp4netns (--network), a delegated cgroup v2 subtree (--memory,\n"
	  "--pids-limit, --cpus), and as root idmapped mounts (really tried) and\n"
	  "eci-runc's pool account.\n\n"
	  "Exit status 0 when every required check passed, else 1.\n\n"
	  "Options:\n" },
};

/* eci-run OP --help, on stdout; -1 for an operation without a help text. */
static int help(const char *name)
{
	for (size_t i = 0; i < sizeof(helps) / sizeof(helps[0]); i++)
		if (!strcmp(name, helps[i].name)) {
			printf("usage: eci-run %s\n\n%s  -h, --help                show this help "
			       "and exit\n", helps[i].usage, helps[i].what);
			return 0;
		}
	return -1;
}

int ops_main(int argc, char **argv)
{
	if (argc > 1 && cli_is_help(argv[1]) && help(argv[0]) == 0)
		return 0;
	if (!strcmp(argv[0], "ps"))
		return ps(argc, argv);
	if (!strcmp(argv[0], "stop"))
		return stop(argc, argv);
	if (!strcmp(argv[0], "logs"))
		return logs_main(argc, argv);
	if (!strcmp(argv[0], "rm"))
		return rm_main(argc, argv);
	if (!strcmp(argv[0], "gc"))
		return gc_main(argc, argv);
	return doctor_main(argc, argv);
}
