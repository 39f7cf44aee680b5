// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * manage.c - eci-run logs | rm | gc: what a container leaves behind
 *
 * Theory of Operation: a detached container (eci-run -d) writes its output
 * to BASE/ID/log, and its directory stays after it exited, marked
 * "finished" in meta.json (state.c).  `logs` copies the log; with -f it
 * goes on as the log grows (inotify on the directory: writes to the log and
 * the rename of meta.json at the end) until the container has finished or
 * its launcher is gone.  `rm` removes an exited container's directory; a
 * running one only with -f, which stops it at once first (ops_kill(), as
 * `stop -t 0`).  `gc` removes what dead launchers left (the sweep every
 * eci-run does anyway, here with a report) and keeps exited containers,
 * which are `rm`'s.  Unpacked per-slot layer copies are not gc's: only the
 * container root of a slot may remove them, and each container prunes its
 * own slot of the copies no image names (image/cache.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/file.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

static bool want_help(int argc, char **argv, const char *usage)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			fputs(usage, stdout);
			return true;
		}
	return false;
}

/* --- logs ---------------------------------------------------------------- */

static const char logs_usage[] =
	"usage: eci-run logs [-f|--follow] NAME|ID\n"
	"Print the output (stdout and stderr) of a container started with -d.\n"
	"  -f, --follow   go on printing until the container exits\n";

/* Copy what the log has beyond where we are; -1 on a write error. */
static int drain(int fd)
{
	char buf[65536];
	ssize_t n;

	while ((n = read(fd, buf, sizeof(buf))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 || write_all(1, buf, (size_t)n) < 0)
			return -1;
	}
	return 0;
}

static bool ended(int base, const char *id)
{
	_cleanup_close_ int fd = openat(base, id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);

	return fd < 0 || state_finished(fd) || !ops_running(base, id);
}

static int follow(int base, const struct ops_find *f, int log)
{
	char base_path[4096], dir[4200];
	_cleanup_close_ int in = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);

	state_base(base_path, sizeof(base_path));
	snprintf(dir, sizeof(dir), "%s/%s", base_path, f->id);
	/* Without inotify the timeout below still brings the news, slower. */
	if (in >= 0)
		inotify_add_watch(in, dir, IN_MODIFY | IN_MOVED_TO | IN_DELETE_SELF);
	for (;;) {
		struct pollfd p = { .fd = in, .events = POLLIN };
		char ev[4096];
		bool done = ended(base, f->id);

		if (drain(log) < 0)
			return -1;
		if (done)	/* known before the drain: nothing comes after it */
			return 0;
		if (poll(&p, 1, 250) > 0)
			while (read(in, ev, sizeof(ev)) > 0)
				;
	}
}

int logs_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct ops_find f = { 0 };
	_cleanup_close_ int base = -1, log = -1;
	bool fol = false;
	char path[128];

	if (want_help(argc, argv, logs_usage))
		return 0;
	for (int i = 1; i < argc - 1; i++) {
		if (strcmp(argv[i], "-f") && strcmp(argv[i], "--follow")) {
			fprintf(stderr, "eci-run: logs: unknown flag %s\n%s", argv[i], logs_usage);
			return EXIT_ECI;
		}
		fol = true;
	}
	if (argc < 2 || argv[argc - 1][0] == '-') {
		fputs(logs_usage, stderr);
		return EXIT_ECI;
	}
	f.what = argv[argc - 1];
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (!ops_find(base, true, &f)) {
		fprintf(stderr, "eci-run: logs %s: no such container\n", f.what);
		return EXIT_ECI;
	}
	snprintf(path, sizeof(path), "%s/log", f.id);
	log = openat(base, path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (log < 0) {
		fprintf(stderr, "eci-run: logs %s: %s\n", f.what, errno == ENOENT ?
			"no log: its output goes where eci-run's went (it was not started with -d)" :
			strerror(errno));
		return EXIT_ECI;
	}
	if ((fol ? follow(base, &f, log) : drain(log)) < 0) {
		fprintf(stderr, "eci-run: logs %s: %s\n", f.what, strerror(errno));
		return EXIT_ECI;
	}
	return 0;
}

/* --- rm ------------------------------------------------------------------ */

static const char rm_usage[] =
	"usage: eci-run rm [-f|--force] NAME|ID...\n"
	"Remove exited containers of eci-run -d (their log and status).\n"
	"  -f, --force   stop a running one at once (SIGKILL) and remove it\n";

static int rm_one(int base, const char *what, bool force)
{
	struct ops_find f = { .what = what };
	_cleanup_close_ int fd = -1;
	int r;

	if (!ops_find(base, true, &f)) {
		fprintf(stderr, "eci-run: rm %s: no such container\n", what);
		return -1;
	}
	if (!f.finished && ops_running(base, f.id)) {
		if (!force) {
			fprintf(stderr, "eci-run: rm %s: the container is running: stop it first "
				"(eci-run stop %s) or use rm -f\n", what, what);
			return -1;
		}
		ops_kill(base, &f, 0);
	}
	/* Locked while it goes, so that no launcher is still in it (one that
	 * has just recorded the exit may take a moment to end). */
	fd = openat(base, f.id, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	for (int k = 0; fd >= 0 && k < 100 && flock(fd, LOCK_EX | LOCK_NB) < 0; k++)
		usleep(20000);
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) < 0) {
		fprintf(stderr, "eci-run: rm %s: its launcher (pid %d) does not end\n", what,
			(int)f.launcher);
		return -1;
	}
	r = fd >= 0 ? rm_rf_at(base, f.id) : 0;
	if (r < 0 && r != -ENOENT) {
		fprintf(stderr, "eci-run: rm %s: %s\n", what, strerror(-r));
		return -1;
	}
	printf("%s\n", what);
	return 0;
}

int rm_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	bool force = false;
	int i = 1, code = 0;

	if (want_help(argc, argv, rm_usage))
		return 0;
	for (; i < argc && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") && strcmp(argv[i], "--force")) {
			fprintf(stderr, "eci-run: rm: unknown flag %s\n%s", argv[i], rm_usage);
			return EXIT_ECI;
		}
		force = true;
	}
	if (i == argc) {
		fputs(rm_usage, stderr);
		return EXIT_ECI;
	}
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	for (; i < argc; i++)
		if (rm_one(base, argv[i], force) < 0)
			code = EXIT_ECI;
	return code;
}

/* --- gc ------------------------------------------------------------------ */

static const char gc_usage[] =
	"usage: eci-run gc\n"
	"Remove the state that containers whose launcher died (killed) left behind,\n"
	"and their limits' cgroups (eci-ID, see --memory), and say what was removed.\n"
	"Exited containers of -d stay: see eci-run rm.\n";

static void said(const char *name, const char *why)
{
	printf("removed %s (%s)\n", name, why);
}

/* A container of ours still has its state directory (after the sweep). */
static bool has_state(const char *id, void *ctx)
{
	struct stat st;

	return fstatat(*(int *)ctx, id, &st, AT_SYMLINK_NOFOLLOW) == 0;
}

static void said_cgroup(const char *path)
{
	printf("removed cgroup %s (its container is gone)\n", path);
}

/* As the slot's root (slotroot.c): what the container made below it. */
static int clear_below(void *path)
{
	struct cgroups cg = { .n = 1 };

	snprintf(cg.d[0].path, sizeof(cg.d[0].path), "%s", (const char *)path);
	return cgroup_clear_below(&cg) ? 0 : -1;
}

/* A --privileged container's cgroup whose launcher was killed: the cgroups
 * it made are its root's, removed as that slot's root. */
static bool clear_cgroup(const char *path, uid_t owner)
{
	struct eci_err e = { 0 };
	char what[CG_PATH_MAX + 32];

	snprintf(what, sizeof(what), "gc: cgroup %s", path);
	if (slot_root_run(owner, clear_below, (void *)path, what, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return false;
	}
	return true;
}

int gc_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	char path[4096];

	if (want_help(argc, argv, gc_usage))
		return 0;
	if (argc != 1) {
		fputs(gc_usage, stderr);
		return EXIT_ECI;
	}
	state_base(path, sizeof(path));
	base = state_open_base(path, &e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	state_sweep(base, said);
	cgroup_delegated_sweep(has_state, &base, said_cgroup, clear_cgroup);
	return 0;
}
