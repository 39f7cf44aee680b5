// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * verbs.c - eci-run kill | wait | top | port
 *
 * Theory of Operation: each finds its containers as the other verbs do
 * (ops_find(), by name or id prefix, in the user's state directory).
 *   - kill signals the workload, the container's main process, through a
 *     pidfd held after pid 1 was checked to be its launcher's child and the
 *     workload pid 1's (ops_open_target()): no pid read from /proc is
 *     signalled after it may have been reused.  The user owns the
 *     container's user namespace, and so the nested one below it, and may
 *     send it any signal; pid 1 passes on only a few (core/signals.c).  The
 *     workload, pid 1 of its own pid namespace unless --init, gets only
 *     those it has a handler for, and SIGKILL and SIGSTOP (core/init.c).  A
 *     workload killed this way ends the container as any exit does: its
 *     launcher records 128+N.
 *   - wait blocks on the lock each launcher holds on its container's
 *     directory for its life (state.c), so it needs no polling, then reads
 *     the exit status the launcher recorded before it let go.
 *   - top runs the host's ps(1) on pid 1 and every process below it, as
 *     the host sees them (host pids, and uids of the container's slot).
 *   - port reads the -p mappings recorded in meta.json.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/file.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

static bool wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc && strcmp(argv[i], "--"); i++)
		if (cli_is_help(argv[i]))
			return true;
	return false;
}

static void help(const char *usage, const char *what, const char *opts)
{
	printf("usage: eci-run %s\n\n%s\nOptions:\n%s  -h, --help                show this help "
	       "and exit\n", usage, what, opts);
}

/* --- kill ------------------------------------------------------------------ */

static int kill_one(const char *what, int sig)
{
	struct eci_err e = { 0 };
	struct join_target t = { .init_fd = -1, .workload_fd = -1 };
	_cleanup_close_ int dir = -1;
	json_t *meta = NULL;
	int r = -1;

	dir = ops_find_meta(what, &meta, &e);
	if (dir >= 0 && ops_open_target(meta, &t, &e) == 0) {
		r = (int)syscall(SYS_pidfd_send_signal, t.workload_fd, sig, NULL, 0);
		if (r < 0)
			eci_fail(&e, errno, "signal %s", sigabbrev_np(sig) ?: "?");
	}
	if (r < 0)
		fprintf(stderr, "eci-run: kill %s: %s\n", what, e.msg);
	else
		printf("%s\n", what);
	join_close(&t);
	json_decref(meta);
	return r;
}

int kill_main(int argc, char **argv)
{
	const char *name = "KILL";
	int i = 1, sig, code = 0;

	if (wants_help(argc, argv)) {
		help("kill [-s SIGNAL] NAME|ID...",
		     "Send a signal to the main process of running containers (default: KILL,\n"
		     "which ends the container; its status is then 137).  The main process is\n"
		     "pid 1 of its pid namespace, as with docker: a signal it has no handler\n"
		     "for, other than KILL and STOP, does not reach it (with eci-run --init it\n"
		     "does).  Prints each NAME|ID signalled.\n",
		     "  -s, --signal SIGNAL       a name (TERM, SIGTERM, any case) or a number\n");
		return 0;
	}
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (!strcmp(argv[i], "--")) {
			i++;
			break;
		}
		if ((!strcmp(argv[i], "-s") || !strcmp(argv[i], "--signal")) && i + 1 < argc)
			name = argv[++i];
		else if (!strncmp(argv[i], "--signal=", 9))
			name = argv[i] + 9;
		else if (!strncmp(argv[i], "-s", 2) && argv[i][2])
			name = argv[i] + 2;
		else {
			fprintf(stderr, "eci-run: kill: %s %s\nusage: eci-run kill [-s SIGNAL] NAME|ID...\n",
				!strcmp(argv[i], "-s") || !strcmp(argv[i], "--signal") ?
				"flag needs a value:" : "unknown flag", argv[i]);
			return EXIT_ECI;
		}
	}
	sig = signal_parse(name);
	if (!sig) {
		fprintf(stderr, "eci-run: kill: invalid signal '%s' (a name such as TERM or SIGHUP, "
			"or a number from 1 to %d)\n", name, NSIG - 1);
		return EXIT_ECI;
	}
	if (i == argc) {
		fputs("usage: eci-run kill [-s SIGNAL] NAME|ID...\n", stderr);
		return EXIT_ECI;
	}
	for (; i < argc; i++)
		if (kill_one(argv[i], sig) < 0)
			code = EXIT_ECI;
	return code;
}

/* --- wait ------------------------------------------------------------------ */

static int wait_one(int base, const char *what)
{
	struct ops_find f = { .what = what };
	_cleanup_close_ int dir = -1;
	_cleanup_free_ char *buf = NULL;
	json_t *m;

	if (!*what || !ops_find(base, true, &f)) {
		fprintf(stderr, "eci-run: wait %s: no such container\n", what);
		return -1;
	}
	dir = openat(base, f.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	/* Its launcher holds this lock until it has recorded the status. */
	while (dir >= 0 && flock(dir, LOCK_SH) < 0 && errno == EINTR)
		;
	m = dir >= 0 && read_all_at(dir, "meta.json", 1 << 20, &buf, NULL) == 0 ?
		    json_loads(buf, 0, NULL) : NULL;
	if (!m || !json_object_get(m, "finished")) {
		fprintf(stderr, "eci-run: wait %s: it ended, and its status went with it (only a "
			"container of eci-run -d keeps one)\n", what);
		json_decref(m);
		return -1;
	}
	printf("%d\n", (int)json_integer_value(json_object_get(m, "exit_code")));
	fflush(stdout);
	json_decref(m);
	return 0;
}

int wait_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	int code = 0;

	if (wants_help(argc, argv)) {
		help("wait NAME|ID...",
		     "Wait until each container has exited, and print its exit status, one\n"
		     "line each, in order.\n", "");
		return 0;
	}
	if (argc < 2 || argv[1][0] == '-') {
		if (argc >= 2)
			fprintf(stderr, "eci-run: wait: unknown flag %s\n", argv[1]);
		fputs("usage: eci-run wait NAME|ID...\n", stderr);
		return EXIT_ECI;
	}
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	for (int i = 1; i < argc; i++)
		if (wait_one(base, argv[i]) < 0)
			code = EXIT_ECI;
	return code;
}

/* --- top ------------------------------------------------------------------- */

/* Append to @list (a ps -p list) every process below @pid, and @pid. */
static void descendants(pid_t pid, char *list, size_t size, int depth)
{
	char path[64], *p;
	_cleanup_free_ char *kids = NULL;
	size_t o = strlen(list);

	if (o + 16 < size)
		snprintf(list + o, size - o, "%s%d", o ? "," : "", (int)pid);
	if (depth > 64)
		return;
	/* every thread's children: a child's parent is the thread that forked it */
	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	_cleanup_close_ int tasks = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tasks >= 0 ? fdopendir(tasks) : NULL;
	struct dirent *de;

	if (!d)
		return;
	tasks = -1;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%.16s/children", (int)pid, de->d_name);
		free(kids);
		kids = NULL;
		if (read_all_at(AT_FDCWD, path, 1 << 16, &kids, NULL) < 0)
			continue;
		for (p = kids; *p;) {
			char *end;
			long k = strtol(p, &end, 10);

			if (end == p)
				break;
			descendants((pid_t)k, list, size, depth + 1);
			p = end;
		}
	}
	closedir(d);
}

int top_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct join_target t = { .init_fd = -1, .workload_fd = -1 };
	_cleanup_close_ int dir = -1;
	char list[16384] = "";
	char *args[64];
	json_t *meta = NULL;
	int n = 0;

	if (wants_help(argc, argv)) {
		help("top NAME|ID [ps OPTIONS]",
		     "Show the container's processes as the host's ps(1) sees them: host pids,\n"
		     "and the host uids of the container's slot.  ps OPTIONS default to -f.\n", "");
		return 0;
	}
	if (argc < 2 || argc > 50) {
		fputs("usage: eci-run top NAME|ID [ps OPTIONS]\n", stderr);
		return EXIT_ECI;
	}
	dir = ops_find_meta(argv[1], &meta, &e);
	if (dir < 0 || ops_open_target(meta, &t, &e) < 0) {
		fprintf(stderr, "eci-run: top %s: %s\n", argv[1], e.msg);
		join_close(&t);
		json_decref(meta);
		return EXIT_ECI;
	}
	descendants(t.init, list, sizeof(list), 0);
	join_close(&t);
	json_decref(meta);
	args[n++] = (char *)"ps";
	if (argc == 2)
		args[n++] = (char *)"-f";
	for (int i = 2; i < argc; i++)
		args[n++] = argv[i];
	args[n++] = (char *)"-p";
	args[n++] = list;
	args[n] = NULL;
	fflush(stdout);
	execvp("ps", args);
	fprintf(stderr, "eci-run: top: run ps: %s (Debian package procps)\n", strerror(errno));
	return EXIT_ECI;
}

/* --- port ------------------------------------------------------------------ */

int port_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct ops_find f = { 0 };
	_cleanup_close_ int base = -1;
	_cleanup_free_ char *buf = NULL;
	char path[128], want[32] = "";
	json_t *m, *p;
	size_t i;
	int shown = 0;

	if (wants_help(argc, argv)) {
		help("port NAME|ID [PORT[/PROTO]]",
		     "List the container's published ports (-p) as CTR/PROTO -> IP:HOST, or\n"
		     "only IP:HOST for PORT (PROTO: tcp unless given).\n", "");
		return 0;
	}
	if (argc < 2 || argc > 3 || argv[1][0] == '-') {
		fputs("usage: eci-run port NAME|ID [PORT[/PROTO]]\n", stderr);
		return EXIT_ECI;
	}
	if (argc == 3) {
		unsigned n;
		char proto[8] = "tcp";
		int used = 0;

		if (sscanf(argv[2], "%5u%n/%7[a-z]%n", &n, &used, proto, &used) < 1 ||
		    argv[2][used] || n == 0 || n > 65535 || (strcmp(proto, "tcp") &&
							      strcmp(proto, "udp"))) {
			fprintf(stderr, "eci-run: port %s: '%s' is not PORT[/tcp|udp]\n", argv[1],
				argv[2]);
			return EXIT_ECI;
		}
		snprintf(want, sizeof(want), "%u/%s", n, proto);
	}
	base = ops_open_state(&e);
	f.what = argv[1];
	if (base < 0 || !*f.what || !ops_find(base, true, &f)) {
		fprintf(stderr, "eci-run: port %s: %s\n", argv[1], base < 0 ? e.msg : "no such container");
		return EXIT_ECI;
	}
	snprintf(path, sizeof(path), "%s/meta.json", f.id);
	m = read_all_at(base, path, 1 << 20, &buf, NULL) == 0 ? json_loads(buf, 0, NULL) : NULL;
	json_array_foreach(json_object_get(m, "ports"), i, p) {
		char ctr[32];

		snprintf(ctr, sizeof(ctr), "%d/%s", (int)json_integer_value(json_object_get(p, "port")),
			 json_string_value(json_object_get(p, "proto")) ?: "tcp");
		if (want[0] && strcmp(want, ctr))
			continue;
		printf("%s%s%s:%d\n", want[0] ? "" : ctr, want[0] ? "" : " -> ",
		       json_string_value(json_object_get(p, "host_ip")) ?: "",
		       (int)json_integer_value(json_object_get(p, "host_port")));
		shown++;
	}
	json_decref(m);
	if (want[0] && !shown) {
		fprintf(stderr, "eci-run: port %s: no public port '%s' published\n", argv[1], want);
		return EXIT_ECI;
	}
	return 0;
}
