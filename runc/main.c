// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eci-runc - a runc-compatible OCI runtime that enforces eci's isolation on
 * every container the engine runs; see runc.h.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "runc.h"
#include "util.h"

#define VERSION "0.1.0"

static const char *root = "/run/eci-runc";
static bool systemd_cgroup;	/* --systemd-cgroup: cgroupsPath is slice:prefix:name */

static int usage(void)
{
	runc_err("usage: eci-runc [--root DIR] [--log FILE] [--log-format text|json] "
		 "create|start|state|kill|delete|run|list|ps|exec|pause|resume|update|features|spec ...");
	return 1;
}

/* What `eci-runc --help` and `eci-runc VERB --help` print, on stdout. */
static const struct verb {
	const char *name, *args, *brief, *what, *opts;
} verbs[] = {
	{ "create", "[OPTIONS] ID", "create a container, its process waiting for start",
	  "Create a container from the bundle's config.json; its first process waits\n"
	  "for 'eci-runc start'.",
	  "  -b, --bundle DIR          the bundle (default: the current directory)\n"
	  "      --pid-file FILE       write the first process's pid to FILE\n"
	  "      --console-socket SOCKET  send the pty master there (process.terminal)\n"
	  "      --no-pivot, --no-new-keyring, --preserve-fds N   accepted, ignored\n" },
	{ "start", "ID", "start a created container's process",
	  "Let a created container's first process run its command.", NULL },
	{ "run", "[OPTIONS] ID", "create and start a container and wait for it",
	  "Create and start a container, wait for it and exit with its status.",
	  "  -b, --bundle DIR          the bundle (default: the current directory)\n"
	  "      --pid-file FILE       write the first process's pid to FILE\n"
	  "      --console-socket SOCKET  send the pty master there (process.terminal)\n"
	  "  -d, --detach              accepted, ignored (run always waits)\n" },
	{ "state", "ID", "print a container's state as JSON",
	  "Print the container's state (id, pid, status, bundle) as JSON.", NULL },
	{ "kill", "[--all] ID [SIGNAL]", "send a signal to a container's first process",
	  "Send SIGNAL (default TERM; a number, or a name with or without SIG) to the\n"
	  "container's first process.",
	  "  -a, --all                 every process ends with the first; a stopped\n"
	  "                            container is then no error\n" },
	{ "delete", "[--force] ID", "remove a stopped container",
	  "Remove a stopped container: its state and its cgroups.",
	  "  -f, --force               kill the container first if it still runs\n" },
	{ "exec", "--process FILE [OPTIONS] ID", "run a new process in a running container",
	  "Run the process described in FILE (an OCI process object) in a running\n"
	  "container's namespaces, under eci's seccomp filter and no_new_privs, with\n"
	  "no capability the container does not have.",
	  "  -p, --process FILE        the process: args, env, cwd, user, terminal, ...\n"
	  "  -d, --detach              do not wait for it (its pid goes to --pid-file)\n"
	  "      --pid-file FILE       write its pid to FILE\n"
	  "      --console-socket SOCKET  send the pty master there (process.terminal)\n"
	  "  -t, --tty, --cwd, --env, --user   accepted, ignored (FILE says)\n" },
	{ "pause", "ID", "freeze every process of a container",
	  "Freeze the container's processes (cgroup v1 freezer, or cgroup v2's\n"
	  "cgroup.freeze); waits for them to stop, five seconds at most.", NULL },
	{ "resume", "ID", "thaw a paused container",
	  "Thaw the processes of a container that pause froze.", NULL },
	{ "update", "[OPTIONS] ID", "change a running container's resource limits",
	  "Change the container's cgroup limits: memory, swap, reservation, pids,\n"
	  "cpu shares, quota and period, cpuset, block I/O weight.",
	  "  -r, --resources FILE      linux.resources as JSON; '-' reads standard input\n"
	  "      --memory N, --memory-swap N, --memory-reservation N   bytes (k, m, g)\n"
	  "      --pids-limit N, --cpu-share N, --cpu-quota N, --cpu-period N\n"
	  "      --cpuset-cpus LIST, --cpuset-mems LIST, --blkio-weight N\n" },
	{ "list", "", "list the containers",
	  "List the containers under --root: ID, PID, STATUS, BUNDLE.", NULL },
	{ "ps", "[--format table|json] ID", "list the pids of a container's processes",
	  "List the pids of the container's processes.",
	  "  -f, --format json         a JSON array of pids\n" },
	{ "features", "", "print what this runtime supports, as JSON",
	  "Print what this runtime supports, as JSON.", NULL },
	{ "spec", "", "write a starting config.json",
	  "Write a starting config.json in the current directory (never over one).", NULL },
};

static bool is_help(const char *arg)
{
	return !strcmp(arg, "--help") || !strcmp(arg, "-h");
}

static int help(void)
{
	puts("usage: eci-runc [GLOBAL OPTIONS] COMMAND [OPTIONS] [ID]\n\n"
	     "A runc-compatible OCI runtime for dockerd and containerd: every container\n"
	     "gets enhanced container isolation, whatever config.json asks for.\n\n"
	     "Commands:");
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++)
		printf("  %-9s %s\n", verbs[i].name, verbs[i].brief);
	puts("\nGlobal options:\n"
	     "      --root DIR            container state (default: /run/eci-runc)\n"
	     "      --log FILE            append errors to FILE\n"
	     "      --log-format text|json   the format of --log (default: text)\n"
	     "      --systemd-cgroup      cgroupsPath is systemd's slice:prefix:name\n"
	     "      --debug               accepted, ignored\n"
	     "  -h, --help                show this help and exit\n"
	     "  -v, --version             show the version and exit\n\n"
	     "Run 'eci-runc COMMAND --help' (or 'eci-runc help COMMAND') for a command's\n"
	     "options; see eci-runc(8).");
	return 0;
}

static int verb_help(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(verbs); i++) {
		const struct verb *v = &verbs[i];

		if (strcmp(v->name, name))
			continue;
		printf("usage: eci-runc %s%s%s\n\n%s\n", v->name, v->args[0] ? " " : "", v->args,
		       v->what);
		printf("%s%s  -h, --help                show this help and exit\n",
		       "\nOptions:\n", v->opts ? v->opts : "");
		return 0;
	}
	runc_err("unknown or unsupported command '%s'", name);
	return 1;
}

static int do_create(int argc, char **argv, bool run)
{
	static const struct option lo[] = {
		{ "bundle", required_argument, NULL, 'b' }, { "pid-file", required_argument, NULL, 'p' },
		{ "console-socket", required_argument, NULL, 'c' },
		{ "no-pivot", no_argument, NULL, 'n' }, { "no-new-keyring", no_argument, NULL, 'k' },
		{ "preserve-fds", required_argument, NULL, 'f' }, { "detach", no_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' }, { NULL, 0, NULL, 0 },
	};
	static struct rconfig rc;
	static struct spec s;
	struct eci_err e = { 0 };
	int c, r;

	optind = 1;
	snprintf(rc.bundle, sizeof(rc.bundle), ".");
	rc.systemd_cgroup = systemd_cgroup;
	runc_join_init(&rc);
	while ((c = getopt_long(argc, argv, "b:dh", lo, NULL)) != -1)
		switch (c) {
		case 'h': return verb_help(argv[0]);
		case 'b': snprintf(rc.bundle, sizeof(rc.bundle), "%s", optarg); break;
		case 'p': snprintf(rc.pidfile, sizeof(rc.pidfile), "%s", optarg); break;
		case 'c': snprintf(rc.console, sizeof(rc.console), "%s", optarg); break;
		case 'n': case 'k': case 'f': case 'd': break;
		default: return usage();
		}
	if (optind != argc - 1)
		return usage();
	snprintf(rc.id, sizeof(rc.id), "%s", argv[optind]);
	if (runc_state_dir(root, rc.id, rc.state, sizeof(rc.state)) < 0) {
		runc_err("invalid container id '%s'", rc.id);
		return 1;
	}
	if (rc.bundle[0] != '/') {
		char *abs = realpath(rc.bundle, NULL);

		snprintf(rc.bundle, sizeof(rc.bundle), "%s", abs ? abs : rc.bundle);
		free(abs);
	}
	memset(&s, 0, sizeof(s));
	spec_init(&s);
	s.mnt.hostname = s.hostname;
	snprintf(s.id, sizeof(s.id), "%.32s", rc.id);
	if (policy_load(&s.policy, policy_dir(), &e) < 0 ||
	    (s.no_new_privs = s.policy.v[POL_NNP].b, runc_load_config(&rc, &s, &e) < 0)) {
		runc_err("%s", e.msg);
		return 1;
	}
	mkdir_p(root, 0711, 0711);
	r = runc_create(&rc, &s);
	if (r || !run)
		return r;
	return 0;
}

static int do_start(const char *id)
{
	static struct rstate st;
	char dir[4200], fifo[4300];
	const char *status;
	int fd;

	if (runc_read_state(root, id, &st) < 0) {
		runc_err("container %s does not exist", id);
		return 1;
	}
	status = runc_status(root, id, &st);
	if (strcmp(status, "created")) {
		runc_err("container %s is not created (%s)", id, status);
		return 1;
	}
	runc_state_dir(root, id, dir, sizeof(dir));
	snprintf(fifo, sizeof(fifo), "%s/exec.fifo", dir);
	fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0) {
		runc_err("container %s is not created (%s)", id, strerror(errno));
		return 1;
	}
	if (write(fd, "s", 1) != 1) {
		runc_err("start %s: %s", id, strerror(errno));
		close(fd);
		return 1;
	}
	close(fd);
	unlink(fifo);
	return 0;
}

static int do_state(const char *id)
{
	static struct rstate st;
	const char *status;
	json_t *j;

	if (runc_read_state(root, id, &st) < 0) {
		runc_err("container \"%s\" does not exist", id);
		return 1;
	}
	/* runc reports pid 0 for a stopped container: the recorded pid may
	 * name another process by now */
	status = runc_status(root, id, &st);
	j = json_pack("{s:s, s:s, s:i, s:s, s:s}", "ociVersion", "1.0.2", "id", id, "pid",
		      strcmp(status, "stopped") ? (int)st.pid : 0, "status", status, "bundle",
		      st.bundle);
	json_dumpf(j, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(j);
	return 0;
}

/* A paused container's processes get a SIGKILL only once thawed. */
static void thaw_for_kill(const char *id)
{
	static struct cgroups cg;
	struct eci_err e;

	if (runc_load_cgroups(root, id, &cg) == 0 && cgroup_frozen(&cg))
		cgroup_freeze(&cg, false, &e);
}

/*
 * Every process of container @id's cgroups gets @sig: what --all asks,
 * and what SIGKILL means for a container in another one's pid namespace
 * (a pod member), where pid 1's death leaves its other processes to the
 * namespace's init.  SIGKILL through cgroup_kill() (thawed too).
 */
static bool signal_all(const char *id, int sig)
{
	static struct cgroups cg;

	if (runc_load_cgroups(root, id, &cg) < 0 || !cg.n)
		return false;
	if (sig == SIGKILL)
		cgroup_kill(&cg);
	else	/* the cgroups it made too (systemd's, an inner engine's) */
		cgroup_signal(&cg, sig);
	return true;
}

static int do_kill(int argc, char **argv)
{
	static struct rstate st;
	int i = 1, sig = SIGTERM, fd;
	bool all = false, signalled = false;

	if (i < argc && (!strcmp(argv[i], "--all") || !strcmp(argv[i], "-a")))
		all = true, i++;
	if (i >= argc || i + 2 < argc)
		return usage();
	if (i + 1 < argc && (sig = signal_parse(argv[i + 1])) <= 0) {
		runc_err("unknown signal '%s'", argv[i + 1]);
		return 1;
	}
	if (runc_read_state(root, argv[i], &st) < 0) {
		runc_err("container %s does not exist", argv[i]);
		return 1;
	}
	/* Through a pidfd checked to be pid 1: never to a reused pid.  The
	 * shim takes "container not running" for "already gone"; with --all
	 * there is nothing left to signal, as runc answers. */
	fd = runc_open_init(&st);
	/* pid 1's death takes its own pid namespace with it, not a pod's */
	if ((all || sig == SIGKILL) && st.pid_shared)
		signalled = signal_all(argv[i], sig);
	if (fd < 0) {
		if (all)
			return 0;
		runc_err("container not running");
		return 1;
	}
	if (syscall(SYS_pidfd_send_signal, fd, sig, NULL, 0) < 0) {
		int err = errno;

		close(fd);
		/* Gone: with --all, nothing is left to signal; after the
		 * cgroup's SIGKILL, pid 1 died of it and its parent (the
		 * shim) reaped it before this signal.  Either way the kill is
		 * done, and "not running" would make podman rm -f fail
		 * ("container state improper"). */
		if (err == ESRCH && (all || signalled))
			return 0;
		if (err == ESRCH)
			runc_err("container not running");
		else
			runc_err("kill %s: %s", argv[i], strerror(err));
		return 1;
	}
	close(fd);
	if (sig == SIGKILL)
		thaw_for_kill(argv[i]);
	return 0;
}

/* SIGKILL pid 1 (@fd) and the rest of @cg, thawed, and wait a second at
 * most for pid 1 to be gone. */
static void kill_and_wait(int fd, const struct cgroups *cg)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };

	if (syscall(SYS_pidfd_send_signal, fd, SIGKILL, NULL, 0) == 0) {
		cgroup_kill(cg);
		while (poll(&p, 1, 1000) < 0 && errno == EINTR)
			;
	}
}

static int do_delete(int argc, char **argv)
{
	static struct cgroups cg;
	static struct rstate st;
	bool force = false;
	char dir[4200];
	int i = 1, fd;

	if (i < argc && (!strcmp(argv[i], "--force") || !strcmp(argv[i], "-f")))
		force = true, i++;
	if (i >= argc)
		return usage();
	runc_gc(root);
	if (runc_read_state(root, argv[i], &st) < 0) {
		/* as runc: --force of one that is not there is done (an engine
		 * cleans up after a create that failed) */
		if (force)
			return 0;
		runc_err("container %s does not exist", argv[i]);
		return 1;
	}
	if (runc_load_cgroups(root, argv[i], &cg) < 0)
		cg.n = 0;
	/* A pid that is no longer pid 1 is a stopped container's. */
	fd = runc_open_init(&st);
	if (fd >= 0) {
		if (!force) {
			close(fd);
			runc_err("cannot delete container %s that is not stopped", argv[i]);
			return 1;
		}
		kill_and_wait(fd, &cg);
		close(fd);
	}
	runc_state_dir(root, argv[i], dir, sizeof(dir));
	/* what pid 1's death left of a pod member (its pid namespace is the
	 * pod's): runc's delete kills those too */
	if (st.pid_shared)
		cgroup_kill(&cg);
	cgroup_remove(&cg);
	runc_state_remove(root, dir);
	return 0;
}

/* pause (@freeze) and resume: the container's freezer cgroup. */
static int do_pause(const char *id, bool freeze)
{
	static struct cgroups cg;
	static struct rstate st;
	struct eci_err e = { 0 };
	const char *status;

	if (runc_read_state(root, id, &st) < 0) {
		runc_err("container %s does not exist", id);
		return 1;
	}
	status = runc_status(root, id, &st);
	if (freeze && strcmp(status, "running") && strcmp(status, "created")) {
		runc_err(strcmp(status, "paused") ? "container not running" : "container already paused");
		return 1;
	}
	if (!freeze && strcmp(status, "paused")) {
		runc_err("container not paused");
		return 1;
	}
	if (runc_load_cgroups(root, id, &cg) < 0 || cgroup_freeze(&cg, freeze, &e) < 0) {
		runc_err("%s", e.msg[0] ? e.msg : "the container's cgroups are not recorded");
		return 1;
	}
	return 0;
}

/* "64m", "1G", "1024" as runc reads sizes (k, m, g, t, p; b optional): 0 or -1 */
static int parse_size(const char *s, long long *v)
{
	static const char units[] = "kmgtp";
	char *end;
	long long n;
	const char *u;

	if (!strcmp(s, "-1")) {
		*v = -1;
		return 0;
	}
	errno = 0;
	n = strtoll(s, &end, 10);
	if (errno || end == s || n < 0)
		return -1;
	if (*end && (u = strchr(units, *end | 0x20))) {
		for (long i = 0; i <= u - units; i++)
			n *= 1024;
		end++;
	}
	if (*end == 'b' || *end == 'B')
		end++;
	if (*end)
		return -1;
	*v = n;
	return 0;
}

/* update's flags, as runc names them: into @res, a linux.resources object. */
static int update_flag(json_t *res, int c, const char *arg, struct eci_err *e)
{
	static const struct { int c; const char *part, *field; bool size; } map[] = {
		{ 'm', "memory", "limit", true },	{ 's', "memory", "swap", true },
		{ 'R', "memory", "reservation", true }, { 'P', "pids", "limit", false },
		{ 'S', "cpu", "shares", false },	{ 'Q', "cpu", "quota", false },
		{ 'T', "cpu", "period", false },	{ 'W', "blockIO", "weight", false },
		{ 'C', "cpu", "cpus", false },		{ 'M', "cpu", "mems", false },
	};
	json_t *part;
	long long v;

	for (size_t i = 0; i < ARRAY_SIZE(map); i++) {
		if (map[i].c != c)
			continue;
		if (!(part = json_object_get(res, map[i].part)))
			json_object_set_new(res, map[i].part, part = json_object());
		if (c == 'C' || c == 'M')
			return json_object_set_new(part, map[i].field, json_string(arg));
		if (parse_size(arg, &v) < 0 || (!map[i].size && strpbrk(arg, "kKmMgGtTpPbB")))
			return eci_fail(e, 0, "update: invalid value for %s.%s: %s", map[i].part,
					map[i].field, arg);
		return json_object_set_new(part, map[i].field, json_integer(v));
	}
	return eci_fail(e, 0, "update: unknown flag");
}

/* --resources FILE, or - for standard input, as runc reads it */
static json_t *update_file(const char *path, struct eci_err *e)
{
	json_error_t je;
	json_t *j = !strcmp(path, "-") ? json_loadf(stdin, 0, &je) : json_load_file(path, 0, &je);

	if (!j)
		eci_fail(e, 0, "update --resources %s: line %d column %d: %s", path, je.line,
			 je.column, je.text);
	return j;
}

static int do_update(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "resources", required_argument, NULL, 'r' }, { "memory", required_argument, NULL, 'm' },
		{ "memory-swap", required_argument, NULL, 's' },
		{ "memory-reservation", required_argument, NULL, 'R' },
		{ "pids-limit", required_argument, NULL, 'P' }, { "cpu-share", required_argument, NULL, 'S' },
		{ "cpu-quota", required_argument, NULL, 'Q' }, { "cpu-period", required_argument, NULL, 'T' },
		{ "cpuset-cpus", required_argument, NULL, 'C' },
		{ "cpuset-mems", required_argument, NULL, 'M' },
		{ "blkio-weight", required_argument, NULL, 'W' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct cgroups cg;
	static struct rstate st;
	struct eci_err e = { 0 };
	struct cg_limits l;
	json_t *res = json_object(), *file = NULL;
	const char *status;
	int c, r = 1;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+r:h", lo, NULL)) != -1 && !e.msg[0]) {
		if (c == 'h') {
			json_decref(res);
			json_decref(file);
			return verb_help("update");
		}
		if (c == '?') {
			eci_fail(&e, 0, "update: %s: not supported by eci-runc", argv[optind - 1]);
		} else if (c == 'r') {
			json_decref(file);
			file = update_file(optarg, &e);
		} else {
			update_flag(res, c, optarg, &e);
		}
	}
	opterr = 1;
	if (!e.msg[0] && optind != argc - 1)
		eci_fail(&e, 0, "update: one container id is needed");
	if (!e.msg[0] && runc_read_state(root, argv[optind], &st) < 0)
		eci_fail(&e, 0, "container %s does not exist", argv[optind]);
	if (!e.msg[0] && !strcmp(status = runc_status(root, argv[optind], &st), "stopped"))
		eci_fail(&e, 0, "container not running");
	/* The file, when given, is all of it (runc ignores the flags then). */
	if (!e.msg[0] && runc_resources(file ? file : res, &l, "update --resources", &e) == 0 &&
	    runc_load_cgroups(root, argv[optind], &cg) == 0 && cgroup_limit(&cg, &l, &e) == 0)
		r = 0;
	if (r)
		runc_err("%s", e.msg[0] ? e.msg : "update: the container's cgroups are not recorded");
	json_decref(res);
	json_decref(file);
	return r;
}

static int do_list(void)
{
	static struct rstate st;
	DIR *d;
	struct dirent *de;

	runc_gc(root);
	d = opendir(root);
	printf("ID\tPID\tSTATUS\tBUNDLE\n");
	while (d && (de = readdir(d))) {
		const char *status;

		if (de->d_name[0] == '.' || runc_read_state(root, de->d_name, &st) < 0)
			continue;
		status = runc_status(root, de->d_name, &st);
		printf("%s\t%d\t%s\t%s\n", de->d_name, strcmp(status, "stopped") ? (int)st.pid : 0,
		       status, st.bundle);
	}
	if (d)
		closedir(d);
	return 0;
}

/* Processes whose pid namespace is the container's. */
static int do_ps(int argc, char **argv)
{
	const char *id = argv[argc - 1];
	char path[300], want[64], got[64];
	static struct rstate st;
	bool json = false;
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0, fd;

	for (int i = 1; i < argc - 1; i++)	/* --format json, -f json, --format=json */
		json |= !strcmp(argv[i], "json") || !strcmp(argv[i], "--format=json");
	if (runc_read_state(root, id, &st) < 0) {
		runc_err("container %s does not exist", id);
		return 1;
	}
	/* Read while the pidfd shows pid 1 alive: the namespace is its own
	 * (a stopped container lists nothing). */
	snprintf(path, sizeof(path), "/proc/%d/ns/pid", (int)st.pid);
	fd = runc_open_init(&st);
	n = fd >= 0 ? (int)readlink(path, want, sizeof(want) - 1) : -1;
	want[n > 0 ? n : 0] = '\0';
	if (fd >= 0 && poll(&(struct pollfd){ .fd = fd, .events = POLLIN }, 1, 0) != 0)
		want[0] = '\0';	/* it exited meanwhile */
	if (fd >= 0)
		close(fd);
	n = 0;
	printf(json ? "[" : "PID\n");
	while (want[0] && d && (de = readdir(d))) {
		ssize_t l;

		if (de->d_name[0] < '1' || de->d_name[0] > '9')
			continue;	/* self, thread-self */
		snprintf(path, sizeof(path), "/proc/%s/ns/pid", de->d_name);
		if ((l = readlink(path, got, sizeof(got) - 1)) < 0)
			continue;
		got[l] = '\0';
		if (!strcmp(got, want))
			printf("%s%s%s", json && n++ ? "," : "", de->d_name, json ? "" : "\n");
	}
	if (json)
		printf("]\n");
	if (d)
		closedir(d);
	return 0;
}

static int do_exec(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "process", required_argument, NULL, 'p' }, { "detach", no_argument, NULL, 'd' },
		{ "pid-file", required_argument, NULL, 'f' },
		{ "console-socket", required_argument, NULL, 'c' }, { "tty", no_argument, NULL, 't' },
		{ "cwd", required_argument, NULL, 'w' }, { "env", required_argument, NULL, 'e' },
		{ "user", required_argument, NULL, 'u' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char process[4096] = "", pidfile[4096] = "", consock[4096] = "";
	bool detach = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+p:dth", lo, NULL)) != -1)
		switch (c) {
		case 'h': return verb_help("exec");
		case 'p': snprintf(process, sizeof(process), "%s", optarg); break;
		case 'd': detach = true; break;
		case 'f': snprintf(pidfile, sizeof(pidfile), "%s", optarg); break;
		case 'c': snprintf(consock, sizeof(consock), "%s", optarg); break;
		case 't': case 'w': case 'e': case 'u': break;
		default: return usage();
		}
	if (optind >= argc || !process[0]) {
		runc_err("exec: --process FILE and a container id are needed");
		return 1;
	}
	return runc_exec(root, argv[optind], process, pidfile, consock, detach, caps_all());
}

/*
 * What eci-runc carries out, in the runtime-spec's features format; the
 * io.eci annotations list the fields of config.json it applies (any other
 * one that asks for something is refused, naming it).
 */
static int do_features(void)
{
	static const char *const annotations[][2] = {
		{ "io.eci.enhancedContainerIsolation", "always" },
		{ "io.eci.process", "args,env,cwd,terminal,consoleSize,user.uid,user.gid,user.umask,"
		  "user.additionalGids,capabilities.bounding,capabilities.effective,"
		  "capabilities.inheritable,capabilities.permitted,capabilities.ambient,rlimits,"
		  "noNewPrivileges,oomScoreAdj" },
		{ "io.eci.linux.resources", "memory.limit,memory.reservation,memory.swap,"
		  "memory.swappiness,memory.disableOOMKiller,cpu.shares,cpu.quota,cpu.period,"
		  "cpu.cpus,cpu.mems,pids.limit,blockIO.weight" },
		{ "io.eci.linux.sysctl", "net.*,kernel.shmall,kernel.shmmax,kernel.shmmni,"
		  "kernel.shm_rmid_forced,kernel.msgmax,kernel.msgmnb,kernel.msgmni,kernel.sem,"
		  "fs.mqueue.*" },
		{ "io.eci.linux.cgroupsPath", "absolute,relative,systemd slice:prefix:name" },
		{ "io.eci.linux.namespaces.path", "network,ipc,pid,uts,cgroup: another eci "
		  "container's (its user namespace and slot shared), or a fresh network namespace "
		  "of the engine's" },
		{ "io.eci.linux.devices", "host nodes allowedDevices names; none for a container "
		  "that asks for all devices (privileged)" },
		{ "io.eci.root.path", "an overlay (any upper), or a plain directory, idmapped" },
		{ "io.eci.commands", "create,start,run,state,kill,delete,list,ps,exec,pause,resume,"
		  "update,features,spec" },
	};
	json_t *caps = json_array(), *ann = json_object(), *f;
	char name[64];

	for (unsigned c = 0; c <= caps_last(); c++)
		json_array_append_new(caps, json_string(caps_name(c, name, sizeof(name))));
	for (size_t i = 0; i < ARRAY_SIZE(annotations); i++)
		json_object_set_new(ann, annotations[i][0], json_string(annotations[i][1]));
	f = json_pack("{s:s, s:s, s:[s,s], s:[s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s,s], "
		      "s:{s:[s,s,s,s,s,s,s], s:o, s:{s:b, s:b, s:b, s:b, s:b}, s:{s:b}, s:{s:b}, "
		      "s:{s:b}}, s:o}",
		      "ociVersionMin", "1.0.0", "ociVersionMax", "1.0.2",
		      "hooks", "prestart", "createRuntime",
		      "mountOptions", "bind", "rbind", "ro", "rw", "nosuid", "nodev", "noexec", "exec",
		      "suid", "dev", "private", "rprivate", "defaults", "noatime", "strictatime",
		      "relatime", "atime", "nodiratime", "diratime",
		      "linux", "namespaces", "cgroup", "ipc", "mount", "network", "pid", "user", "uts",
		      "capabilities", caps,
		      "cgroup", "v1", 1, "v2", 1, "systemd", 0, "systemdUser", 0, "rdma", 0,
		      "seccomp", "enabled", 1, "apparmor", "enabled", 0, "selinux", "enabled", 0,
		      "annotations", ann);
	if (!f) {
		runc_err("features: %s", strerror(ENOMEM));
		return 1;
	}
	json_dumpf(f, stdout, JSON_INDENT(2));
	putchar('\n');
	json_decref(f);
	return 0;
}

static int do_spec(void)
{
	FILE *f = fopen("config.json", "wx");

	if (!f) {
		runc_err("config.json: %s", strerror(errno));
		return 1;
	}
	fputs("{\"ociVersion\":\"1.0.2\",\"process\":{\"terminal\":true,\"user\":{\"uid\":0,"
	      "\"gid\":0},\"args\":[\"sh\"],\"env\":[\"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:"
	      "/usr/bin:/sbin:/bin\",\"TERM=xterm\"],\"cwd\":\"/\",\"capabilities\":{\"bounding\":"
	      "[\"CAP_KILL\",\"CAP_NET_BIND_SERVICE\",\"CAP_AUDIT_WRITE\"]},\"noNewPrivileges\":true},"
	      "\"root\":{\"path\":\"rootfs\",\"readonly\":true},\"hostname\":\"eci\",\"mounts\":[],"
	      "\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"network\"},{\"type\":\"ipc\"},"
	      "{\"type\":\"uts\"},{\"type\":\"mount\"}]}}\n", f);
	return fclose(f) == 0 ? 0 : 1;
}

int main(int argc, char **argv)
{
	int i = 1;

	title_init(argc, argv);	/* pid 1, a clone of eci-runc, shows "eci-init" */
	eci_program = "eci-runc";
	eci_warn_hook = runc_warn;
	tl_init();
	umask(022);
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--root") && i + 1 < argc)
			root = argv[++i];
		else if (!strcmp(argv[i], "--log") && i + 1 < argc)
			runc_log_path = argv[++i];
		else if (!strcmp(argv[i], "--log-format") && i + 1 < argc)
			runc_log_json = !strcmp(argv[++i], "json");
		else if (!strcmp(argv[i], "--systemd-cgroup"))
			systemd_cgroup = true;
		else if (!strcmp(argv[i], "--debug"))
			continue;
		else if (is_help(argv[i]))
			return help();
		else if (!strcmp(argv[i], "--version") || !strcmp(argv[i], "-v")) {
			printf("eci-runc version %s\nspec: 1.0.2\n", VERSION);
			return 0;
		} else
			return usage();
	}
	if (i >= argc)
		return usage();
	argc -= i;
	argv += i;
	if (!strcmp(argv[0], "help"))
		return argc > 1 ? verb_help(argv[1]) : help();
	if (argc > 1 && is_help(argv[1]))
		return verb_help(argv[0]);
	if (!strcmp(argv[0], "create"))
		return do_create(argc, argv, false);
	if (!strcmp(argv[0], "start") && argc == 2)
		return do_start(argv[1]);
	if (!strcmp(argv[0], "run")) {
		static struct rstate rs;
		int r = do_create(argc, argv, true);
		int st;

		/* pid 1 is our child: its pid is ours to wait for */
		if (r || do_start(argv[argc - 1]) || runc_read_state(root, argv[argc - 1], &rs) < 0)
			return r ? r : 1;
		while (waitpid(rs.pid, &st, 0) < 0 && errno == EINTR)
			;
		return exit_code(st);
	}
	if (!strcmp(argv[0], "state") && argc == 2)
		return do_state(argv[1]);
	if (!strcmp(argv[0], "kill"))
		return do_kill(argc, argv);
	if (!strcmp(argv[0], "delete"))
		return do_delete(argc, argv);
	if (!strcmp(argv[0], "list"))
		return do_list();
	if (!strcmp(argv[0], "ps") && argc >= 2)
		return do_ps(argc, argv);
	if (!strcmp(argv[0], "exec"))
		return do_exec(argc, argv);
	if (!strcmp(argv[0], "pause") && argc == 2)
		return do_pause(argv[1], true);
	if (!strcmp(argv[0], "resume") && argc == 2)
		return do_pause(argv[1], false);
	if (!strcmp(argv[0], "update"))
		return do_update(argc, argv);
	if (!strcmp(argv[0], "features"))
		return do_features();
	if (!strcmp(argv[0], "spec"))
		return do_spec();
	runc_err("unknown or unsupported command '%s'", argv[0]);
	return 1;
}
