// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * startcmd.c - a container's run, and eci-run start | restart
 *
 * Theory of Operation: a container kept after its exit (eci-run -d without
 * --rm) can run again, as docker's start does: same id, name, log and
 * settings, and the same writable layer.  The launcher records its command
 * line and working directory in meta.json (state.c), and start runs exactly
 * that again, in a child of its own whose stdout is /dev/null (the -d
 * parent prints the id; start prints what it was given, as docker does),
 * with two things given that no flag can say: the container's id, so that
 * its state directory is taken again (state_reopen()) rather than made,
 * and its slot of subordinate ids.
 *
 * The writable layer of a -d container is no tmpfs, which would go with its
 * mount namespace, but a directory of its slot in the store, made by its
 * container root (image/cache.c): its files have that slot's ids, so start
 * asks the helper for that slot only and refuses, naming it, when another
 * container holds it.  A start that fails leaves the container as it was,
 * exited (with the failure's status).  The image is looked up again by the
 * name it was given, the flags are checked against today's policy, and an
 * --env-file is read again: start is a run, with every check of one.
 * restart stops a running container first (as stop does, -t seconds).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

/*
 * The helper first: it reads its files and /proc while the spec is built
 * and the child cloned (helper.c), and it is what the start waits for
 * then.  So eci-run's run starts it before it has even parsed its command
 * line (launch_early(), from main): when that surely asks for a plain run,
 * one whose helper takes no --keep-id and is the child of this process,
 * not of the launcher in the background (-d, detach.c).  It starts 0.3 ms
 * sooner (title_init() and cli_parse() take that here), and the start
 * ends 0.1-0.2 ms sooner, measured in turn.  What fails is said by
 * launch(), which tries again after the parse.
 */
static struct helper_proc early_helper = { .pid = -1, .in = -1, .out = -1 };

void launch_early(int argc, char **argv)
{
	struct eci_err e = { 0 };
	char helper[4096];

	if (cli_plain(argc, argv) && helper_find(helper, sizeof(helper), &e) == 0 &&
	    policy_check_helper(helper, &e) == 0)
		(void)helper_start(&early_helper, helper, false, &e);
}

/* eci-run's own check of /etc/subuid runs while the helper starts. */
static int start_helper(struct helper_proc *hp, bool keep_id, struct eci_err *e)
{
	char helper[4096];

	if (early_helper.pid > 0 && !keep_id) {
		*hp = early_helper;
		early_helper.pid = early_helper.in = early_helper.out = -1;
	} else if (helper_find(helper, sizeof(helper), e) < 0 ||
		   policy_check_helper(helper, e) < 0 || helper_start(hp, helper, keep_id, e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e->msg);
		return -1;
	}
	/* While it starts: the plain message for a user without subordinate
	 * ids.  The helper, which refuses too, hears EOF and says nothing. */
	if (helper_check_subids(e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e->msg);
		helper_abandon(hp);
		return -1;
	}
	return 0;
}

/*
 * Called once in a process.  The options and the spec (70 KiB) are in the
 * program's zero pages, not in this frame: zero already, as cli_parse()
 * and spec_build() take them, and the spec's parts are cleared with
 * mem_clear() where they are loaded, so only the pages that a start sets
 * fields in are ever written.  In a frame every page of them would be,
 * and would stay resident in eci-run and, shared, in pid 1 for as long as
 * the container runs.
 */
int launch(int argc, char **argv, const char *id, unsigned slot)
{
	static struct opts o;
	static struct spec s;
	struct eci_err e = { 0 };
	struct helper_proc hp;
	int code, ready = -1;

	if (cli_parse(argc, argv, &o, &e) < 0) {
		helper_abandon(&early_helper);	/* a value refused: gone before we are */
		fprintf(stderr, "eci-run: %s\n", e.msg);
		cli_usage(stderr);
		return EXIT_ECI;
	}
	o.args = argv + 1;
	o.id = id;
	o.slot = slot;
	/* what cli_plain() should have kept it from starting */
	if (o.detach || o.userns)
		helper_abandon(&early_helper);
	/* -d: from here on this is the launcher in the background (detach.c) */
	if (o.detach && (ready = detach_start(&e)) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	tl_mark("parsed");
	if (start_helper(&hp, o.userns != NULL, &e) < 0)
		return EXIT_ECI;
	tl_mark("helper started");
	if (spec_build(&s, &o, &e) < 0 || (id ? state_reopen(&s, &e) : state_create(&s, &e)) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		helper_abandon(&hp);
		if (id) {	/* the exited container stays as it was */
			if (s.lock_fd >= 0)
				close(steal_fd(s.lock_fd));
			if (s.statedir_fd >= 0)
				close(steal_fd(s.statedir_fd));
		}
		state_remove(&s);
		spec_free(&s);
		return EXIT_ECI;
	}
	s.ready_fd = ready;
	tl_mark("spec and state");
	code = container_run(&s, &hp);
	limits_remove(&s);
	/* -d --restart on-failure: the launcher in the background again */
	while (detach_restart_due(&s, code)) {
		code = start_helper(&hp, o.userns != NULL, &e) < 0 ? EXIT_ECI : container_run(&s, &hp);
		limits_remove(&s);
	}
	state_exit(&s, code);
	/* pasta or slirp4netns, stopped as the container ended, while the
	 * state was put away: nothing of it runs once eci-run returns */
	net_release(&s.net);
	/*
	 * Not spec_free(): the process ends next, and its memory with it.
	 * Freeing wrote to some twenty pages of the spec and the heap that
	 * pid 1, ending too, may still share: a copy-on-write fault each, 0.3
	 * ms of the run's end here.  What the spec holds stays reachable from
	 * it (static): no leak to LeakSanitizer.
	 */
	tl_mark("launcher done");
	return code;
}

/* --- start, restart ---------------------------------------------------------- */

static const char start_usage[] =
	"usage: eci-run start NAME|ID...\n"
	"       eci-run restart [-t SECONDS] NAME|ID...\n";

static void start_help(bool restart)
{
	printf("usage: eci-run %s\n\n", restart ? "restart [-t SECONDS] NAME|ID..." :
	       "start NAME|ID...");
	fputs(restart ? "Stop each container if it runs (SIGTERM, then SIGKILL after SECONDS,\n"
			"default 10), then start it again as start does.\n\n"
		      : "Run exited containers of eci-run -d again, in the background: the same\n"
			"id, name, command, settings and log, and the same writable layer (what\n"
			"the container wrote to its root file system is there again).  Prints\n"
			"each NAME|ID once it runs; one already running is left as it is.\n\n",
	      stdout);
	fputs("Options:\n", stdout);
	if (restart)
		fputs("  -t, --time SECONDS        how long to wait before SIGKILL (default 10)\n",
		      stdout);
	fputs("  -h, --help                show this help and exit\n\n"
	      "Exit status: 0 when every container runs; else 125, or the status of\n"
	      "the first that could not start (126, 127 as eci-run -d).\n",
	      stdout);
}

/* The command line recorded in @m, as argv ("eci-run" first), or NULL. */
static char **recorded(json_t *m, int *argc)
{
	json_t *args = json_object_get(m, "args");
	size_t n = json_array_size(args);
	char **v = json_is_array(args) && n ? calloc(n + 2, sizeof(char *)) : NULL;

	if (!v)
		return NULL;
	v[0] = (char *)"eci-run";
	for (size_t i = 0; i < n; i++)
		if (!(v[i + 1] = (char *)json_string_value(json_array_get(args, i)))) {
			free(v);
			return NULL;
		}
	*argc = (int)n + 1;
	return v;
}

static int load_meta(int base, const char *id, json_t **m)
{
	_cleanup_free_ char *buf = NULL;
	char path[128];

	snprintf(path, sizeof(path), "%s/meta.json", id);
	*m = read_all_at(base, path, 1 << 20, &buf, NULL) == 0 ? json_loads(buf, 0, NULL) : NULL;
	return *m ? 0 : -1;
}

/* Run it again in a child; its status (0: it runs). */
static int run_again(const struct ops_find *f, json_t *m)
{
	const char *cwd = json_string_value(json_object_get(m, "cwd"));
	_cleanup_free_ char **argv = NULL;
	int argc = 0;
	pid_t pid;

	argv = recorded(m, &argc);
	if (!argv) {
		fprintf(stderr, "eci-run: start %s: it has no record of its command line "
			"(started by an older eci-run?)\n", f->what);
		return EXIT_ECI;
	}
	fflush(stdout);
	pid = fork();
	if (pid < 0) {
		fprintf(stderr, "eci-run: start %s: fork: %s\n", f->what, strerror(errno));
		return EXIT_ECI;
	}
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

		if (null < 0 || dup2(null, 1) < 0)
			_exit(EXIT_ECI);
		if (cwd && chdir(cwd) < 0) {
			fprintf(stderr, "eci-run: start %s: the directory it was run in, %s: %s\n",
				f->what, cwd, strerror(errno));
			_exit(EXIT_ECI);
		}
		optind = 0;	/* getopt from scratch for cli_parse() */
		_exit(launch(argc, argv, f->id,
			     (unsigned)json_integer_value(json_object_get(m, "uid_start"))));
	}
	return container_wait(pid);
}

static int start_one(int base, const char *what, bool restart, int secs)
{
	struct ops_find f = { .what = what };
	json_t *m = NULL;
	int code;

	if (!*what || !ops_find(base, true, &f)) {
		fprintf(stderr, "eci-run: %s %s: no such container\n", restart ? "restart" : "start",
			what);
		return EXIT_ECI;
	}
	if (!f.finished && ops_running(base, f.id)) {
		if (!restart) {
			printf("%s\n", what);	/* docker: running already, nothing to do */
			return 0;
		}
		ops_kill(base, &f, secs);
	}
	if (load_meta(base, f.id, &m) < 0 || !json_object_get(m, "finished")) {
		json_decref(m);
		fprintf(stderr, "eci-run: %s %s: it did not stop\n", restart ? "restart" : "start",
			what);
		return EXIT_ECI;
	}
	code = run_again(&f, m);
	json_decref(m);
	if (code == 0)
		printf("%s\n", what);
	return code;
}

int start_main(int argc, char **argv)
{
	static const struct option longopts[] = { { "time", required_argument, NULL, 't' },
						  { "help", no_argument, NULL, 'h' },
						  { NULL, 0, NULL, 0 } };
	bool restart = !strcmp(argv[0], "restart");
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	int c, secs = 10, code = 0;
	char *end;

	opterr = 0;
	while ((c = getopt_long(argc, argv, restart ? "+ht:" : "+h", longopts, NULL)) != -1) {
		if (c == 'h') {
			start_help(restart);
			return 0;
		}
		if (c == 't' && restart) {
			secs = (int)strtol(optarg, &end, 10);
			if (*end || !*optarg || secs < 0) {
				fprintf(stderr, "eci-run: restart -t %s: not a number of seconds\n",
					optarg);
				return EXIT_ECI;
			}
			continue;
		}
		fprintf(stderr, "eci-run: %s: unknown flag %s\n%s", argv[0], argv[optind - 1],
			start_usage);
		return EXIT_ECI;
	}
	if (optind == argc) {
		fputs(start_usage, stderr);
		return EXIT_ECI;
	}
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	for (int i = optind; i < argc; i++) {
		int r = start_one(base, argv[i], restart, secs);

		if (r && !code)
			code = r;
	}
	return code;
}
