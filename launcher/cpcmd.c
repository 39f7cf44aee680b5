// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cpcmd.c - eci-run cp CONTAINER:PATH HOSTPATH | HOSTPATH CONTAINER:PATH
 *
 * Theory of Operation: files cross as a tar stream (libarchive) between two
 * processes, each acting with the ids of its side, as docker's cp does:
 *   - eci-run cp itself stays on the host, with the user's ids: it reads
 *     what is copied in, and writes what is copied out, so files copied out
 *     are the user's, made where the user may write, as cp(1) would;
 *   - its child joins the running container as exec does (join_enter():
 *     non-dumpable, the workload's user and mount namespaces) and becomes
 *     container root: it reads what is copied out and writes what is copied
 *     in, so those files are container root's (ids of the slot), where
 *     container root may write.  Its root directory is the container's, so
 *     no path it resolves, symlinks included, leads out of the container;
 *     its paths are resolved besides with openat2(RESOLVE_IN_ROOT).
 * libarchive is loaded before the join (a library must come from the
 * host), the child keeps no fd but the stream and its error socket, and the
 * stream it writes is hostile input to the host side: names are made
 * relative to the destination, '..' and absolute names are refused,
 * nothing is extracted through a symlink, set-id bits, devices and hard
 * links are dropped, and owners are never taken from the stream.
 *
 * Names follow docker cp: a destination that is a directory receives the
 * source under its own name; one that is not is the new name; SRC/. copies
 * the contents of a directory.  A final symlink is copied as a symlink.
 */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <linux/openat2.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "image-int.h"
#include "launcher.h"
#include "util.h"

static const char usage[] = "usage: eci-run cp CONTAINER:PATH HOSTPATH\n"
			    "       eci-run cp HOSTPATH CONTAINER:PATH\n";

/* A path split for the tar stream: the directory it is in, and its name in
 * the stream ("." for DIR/.). */
struct where {
	char dir[4096], name[256];
};

static int split(const char *path, struct where *w, struct eci_err *e)
{
	char copy[4096], *slash;
	size_t n;

	if (snprintf(copy, sizeof(copy), "%s", path) >= (int)sizeof(copy))
		return eci_fail(e, ENAMETOOLONG, "%s", path);
	n = strlen(copy);
	if (n >= 2 && !strcmp(copy + n - 2, "/.")) {
		snprintf(w->dir, sizeof(w->dir), "%s", copy);
		strcpy(w->name, ".");
		return 0;
	}
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = '\0';
	slash = strrchr(copy, '/');
	if (!slash) {
		strcpy(w->dir, ".");
		snprintf(w->name, sizeof(w->name), "%s", copy);
	} else {
		*slash = '\0';
		snprintf(w->dir, sizeof(w->dir), "%s", slash == copy ? "/" : copy);
		snprintf(w->name, sizeof(w->name), "%s", slash + 1);
	}
	if (!w->name[0] || !strcmp(w->name, ".."))
		return eci_fail(e, 0, "%s: name a file or directory", path);
	return 0;
}

/* Open @path as a directory: in the container's root, resolved in it. */
static int open_dir(const char *path, bool in_root)
{
	struct open_how how = { .flags = O_RDONLY | O_DIRECTORY | O_CLOEXEC,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	_cleanup_close_ int root = -1;

	if (!in_root)
		return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	root = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (root < 0)
		return -1;
	return (int)syscall(SYS_openat2, root, path, &how, sizeof(how));
}

/* --- the stream ------------------------------------------------------------ */

static int copy_data(struct archive *in, struct archive *out)
{
	const void *buf;
	size_t len;
	la_int64_t off;
	int r;

	while ((r = archive_read_data_block(in, &buf, &len, &off)) == ARCHIVE_OK)
		if (archive_write_data(out, buf, len) < 0)
			return -1;
	return r == ARCHIVE_EOF ? 0 : -1;
}

/* Write the tree @w (physical: symlinks as they are) to @fd as pax. */
static int pack(const char *path, int fd, struct eci_err *e, bool in_root)
{
	struct where w;
	struct stat st;
	_cleanup_close_ int dir = -1;
	struct archive *disk, *out;
	struct archive_entry *ent;
	int r, ret = 0;

	if (split(path, &w, e) < 0)
		return -1;
	dir = open_dir(w.dir, in_root);
	if (dir < 0 || fchdir(dir) < 0)
		return eci_fail(e, errno, "%s", w.dir);
	if (fstatat(dir, w.name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return eci_fail(e, errno, "%s", path);
	disk = archive_read_disk_new();
	out = archive_write_new();
	ent = archive_entry_new();
	if (!disk || !out || !ent) {
		ret = eci_fail(e, ENOMEM, "%s", path);
		goto done;
	}
	archive_read_disk_set_symlink_physical(disk);
	archive_write_set_format_pax_restricted(out);
	if (archive_read_disk_open(disk, w.name) != ARCHIVE_OK ||
	    archive_write_open_fd(out, fd) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "%s: %s", path, archive_error_string(disk));
		goto done;
	}
	while ((r = archive_read_next_header2(disk, ent)) == ARCHIVE_OK) {
		archive_read_disk_descend(disk);
		archive_entry_set_uname(ent, NULL);
		archive_entry_set_gname(ent, NULL);
		if (archive_write_header(out, ent) != ARCHIVE_OK ||
		    (archive_entry_filetype(ent) == AE_IFREG && archive_entry_size(ent) > 0 &&
		     copy_data(disk, out) < 0)) {
			ret = eci_fail(e, 0, "%s: %s", archive_entry_pathname(ent),
				       archive_error_string(out) ?: archive_error_string(disk));
			goto done;
		}
	}
	if (r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "%s: %s", path, archive_error_string(disk) ?: "read failed");
done:
	if (ent)
		archive_entry_free(ent);
	if (out) {
		archive_write_close(out);
		archive_write_free(out);
	}
	if (disk)
		archive_read_free(disk);
	return ret;
}

/*
 * @name with its first component replaced by @top (NULL: kept), into @buf;
 * -1 for a name that is not relative, has "..", or starts elsewhere.
 */
static int rename_entry(const char *name, const char *first, const char *top, char *buf,
			size_t size)
{
	size_t n = strlen(first);
	const char *rest;

	if (strncmp(name, first, n) || (name[n] && name[n] != '/'))
		return -1;
	for (const char *p = name; *p; p = strchr(p, '/') ? strchr(p, '/') + 1 : p + strlen(p))
		if (!strncmp(p, "..", 2) && (p[2] == '/' || !p[2]))
			return -1;
	rest = name + n;
	return snprintf(buf, size, "%s%s", top ? top : first, rest) < (int)size ? 0 : -1;
}

/*
 * Extract the stream on @fd at @dest: into it when it is a directory, else
 * as it, in its directory.  @in_root: resolved in the container's root.
 */
static int unpack(int fd, const char *dest, bool in_root, struct eci_err *e)
{
	const int flags = ARCHIVE_EXTRACT_PERM | ARCHIVE_EXTRACT_TIME |
			  ARCHIVE_EXTRACT_SECURE_SYMLINKS | ARCHIVE_EXTRACT_SECURE_NODOTDOT |
			  ARCHIVE_EXTRACT_SECURE_NOABSOLUTEPATHS;
	struct where w;
	_cleanup_close_ int dir = open_dir(dest, in_root);
	struct archive *in = NULL, *disk = NULL;
	struct archive_entry *ent;
	const char *top = NULL;
	char first[256] = "";
	int r, ret = 0;

	if (dir < 0) {
		if (errno != ENOENT && errno != ENOTDIR)
			return eci_fail(e, errno, "%s", dest);
		if (split(dest, &w, e) < 0)
			return -1;
		dir = open_dir(w.dir, in_root);
		if (dir < 0)
			return eci_fail(e, errno, "%s", w.dir);
		top = w.name;
	}
	if (fchdir(dir) < 0)
		return eci_fail(e, errno, "%s", dest);
	in = archive_read_new();
	disk = archive_write_disk_new();
	if (!in || !disk) {
		ret = eci_fail(e, ENOMEM, "%s", dest);
		goto done;
	}
	archive_read_support_format_tar(in);
	archive_write_disk_set_options(disk, flags);
	if (archive_read_open_fd(in, fd, 65536) != ARCHIVE_OK) {
		ret = eci_fail(e, 0, "%s: %s", dest, archive_error_string(in));
		goto done;
	}
	while ((r = archive_read_next_header(in, &ent)) == ARCHIVE_OK) {
		const char *name = archive_entry_pathname(ent);
		mode_t type = archive_entry_filetype(ent);
		char path[8192];

		if (!first[0] && name)	/* the source's own name comes first */
			snprintf(first, sizeof(first), "%.*s", (int)strcspn(name, "/"), name);
		if (!name || rename_entry(name, first, top, path, sizeof(path)) < 0) {
			ret = eci_fail(e, 0, "%s: refused a name in the copy: %s", dest, name ?: "");
			break;
		}
		if (archive_entry_hardlink(ent) || (type != AE_IFREG && type != AE_IFDIR &&
						    type != AE_IFLNK)) {
			fprintf(stderr, "eci-run: cp: %s: not copied (not a file, directory or "
				"symlink)\n", path);
			continue;
		}
		archive_entry_copy_pathname(ent, path);
		archive_entry_set_perm(ent, archive_entry_perm(ent) & 01777);
		if (archive_read_extract2(in, ent, disk) != ARCHIVE_OK) {
			ret = eci_fail(e, 0, "%s: %s", path, archive_error_string(disk) ?:
				       archive_error_string(in));
			break;
		}
	}
	if (!ret && r != ARCHIVE_EOF)
		ret = eci_fail(e, 0, "%s: %s", dest, archive_error_string(in) ?: "a broken copy");
done:
	if (in)
		archive_read_free(in);
	if (disk)
		archive_write_free(disk);
	return ret;
}

/* --- the container's side -------------------------------------------------- */

/*
 * The child: into the container as its root, with only @data and @sock,
 * then its half of the copy.  Exits 0, or sends the error and exits 1.
 */
static void inside(const struct join_target *t, bool out, const char *path, int data, int sock)
	__attribute__((noreturn));
static void inside(const struct join_target *t, bool out, const char *path, int data, int sock)
{
	struct join_target w = *t;
	struct eci_err e = { 0 };
	int null = open("/dev/null", O_RDWR | O_CLOEXEC);
	int d = fcntl(data, F_DUPFD_CLOEXEC, 100), s = fcntl(sock, F_DUPFD_CLOEXEC, 100);
	int wl = fcntl(t->workload_fd, F_DUPFD_CLOEXEC, 100);

	/* nothing of the user's terminal or of eci-run's reaches the container:
	 * fds 0-2 are /dev/null, 3 the stream, 4 the error socket, 5 the
	 * workload's pidfd (to join) */
	if (null < 0 || d < 0 || s < 0 || wl < 0 || dup2(null, 0) < 0 || dup2(null, 1) < 0 ||
	    dup2(null, 2) < 0 || dup2(d, 3) < 0 || dup2(s, 4) < 0 || dup2(wl, 5) < 0 ||
	    close_range(6, ~0U, 0) < 0) {
		eci_fail(&e, errno, "prepare the copy");
		send(s >= 0 ? s : sock, &e, sizeof(e), MSG_NOSIGNAL);
		_exit(1);
	}
	data = 3;
	sock = 4;
	w.workload_fd = 5;
	w.init_fd = -1;
	if (join_enter(&w, true, &e) < 0 || child_become_root(&e) < 0)
		goto fail;
	close(5);
	if (chdir("/") < 0 || (out ? pack(path, data, &e, true) : unpack(data, path, true, &e)) < 0)
		goto fail;
	_exit(0);
fail:
	if (!e.msg[0])
		eci_fail(&e, errno, "copy");
	send(sock, &e, sizeof(e), MSG_NOSIGNAL);
	_exit(1);
}

/* --- eci-run cp ---------------------------------------------------------- */

/* CONTAINER:PATH?  (A host path with a colon is given as ./a:b or /a:b.) */
static bool container_arg(const char *arg, char *name, size_t size, const char **path)
{
	const char *colon = strchr(arg, ':');

	if (!colon || arg[0] == '/' || arg[0] == '.' || colon == arg ||
	    (size_t)(colon - arg) >= size)
		return false;
	snprintf(name, size, "%.*s", (int)(colon - arg), arg);
	*path = colon[1] ? colon + 1 : "/";
	return true;
}

/* Where copying out goes, checked before anything is copied. */
static int dest_ok(const char *dest, struct eci_err *e)
{
	_cleanup_close_ int dir = open_dir(dest, false);
	struct where w;

	if (dir >= 0)
		return 0;
	if (errno != ENOENT && errno != ENOTDIR)
		return eci_fail(e, errno, "%s", dest);
	if (split(dest, &w, e) < 0)
		return -1;
	dir = open_dir(w.dir, false);
	return dir < 0 ? eci_fail(e, errno, "%s", w.dir) : 0;
}

static int copy(const char *what, const json_t *meta, bool out, const char *cpath,
		const char *hpath, struct eci_err *e)
{
	struct join_target t = { .init_fd = -1, .workload_fd = -1, .only_workload = true };
	struct eci_err ce = { 0 };
	int p[2] = { -1, -1 }, sv[2] = { -1, -1 }, r = -1, status;
	pid_t pid;

	if (ops_open_target(meta, &t, e) < 0 || arc_load(e) < 0 || (out && dest_ok(hpath, e) < 0))
		goto out;
	if (pipe2(p, O_CLOEXEC) < 0 || socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0) {
		eci_fail(e, errno, "pipe");
		goto out;
	}
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0) {
		eci_fail(e, errno, "fork");
		goto out;
	}
	if (pid == 0)
		inside(&t, out, cpath, out ? p[1] : p[0], sv[1]);
	close(steal_fd(sv[1]));
	close(steal_fd(p[out ? 1 : 0]));
	r = out ? unpack(p[0], hpath, false, e) : pack(hpath, p[1], e, false);
	close(steal_fd(p[out ? 0 : 1]));	/* EOF or EPIPE for the child */
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	/* Of two errors, the producer's: the consumer's only says the stream
	 * ended early. */
	if ((out || r == 0) && recv(sv[0], &ce, sizeof(ce), MSG_DONTWAIT) == (ssize_t)sizeof(ce)) {
		ce.msg[sizeof(ce.msg) - 1] = '\0';
		r = eci_fail(e, 0, "%s:%s: %s", what, cpath, ce.msg);
	} else if (r < 0) {
		;	/* the host side's own error says it */
	} else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		r = eci_fail(e, 0, "%s:%s: the copy in the container failed", what, cpath);
	}
out:
	for (int i = 0; i < 2; i++) {
		if (p[i] >= 0)
			close(p[i]);
		if (sv[i] >= 0)
			close(sv[i]);
	}
	join_close(&t);
	return r;
}

int cp_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	char name[256];
	const char *cpath, *hpath;
	_cleanup_close_ int dir = -1;
	json_t *meta = NULL;
	bool out;
	int r;

	if (argc > 1 && cli_is_help(argv[1])) {
		printf("%s\nCopy files between a running container and the host, as docker cp: a\n"
		       "directory is copied whole, a symlink as a symlink; a DEST that is a\n"
		       "directory receives SRC under its own name, else SRC becomes DEST;\n"
		       "SRC/. copies a directory's contents.  PATH in the container is taken\n"
		       "from its root, and resolved there: no symlink leads out of it.  Files\n"
		       "copied in are container root's; files copied out are yours.  Set-id\n"
		       "bits, devices and hard links are not copied.\n\nOptions:\n"
		       "  -h, --help                show this help and exit\n", usage);
		return 0;
	}
	if (argc != 3) {
		fputs(usage, stderr);
		return EXIT_ECI;
	}
	out = container_arg(argv[1], name, sizeof(name), &cpath);
	if (out == container_arg(argv[2], name, sizeof(name), out ? &hpath : &cpath)) {
		fprintf(stderr, "eci-run: cp: %s\n%s", out ? "copying between containers is not "
			"supported" : "one of SRC and DEST must be CONTAINER:PATH", usage);
		return EXIT_ECI;
	}
	hpath = out ? argv[2] : argv[1];
	signal(SIGPIPE, SIG_IGN);	/* a side that stops early: EPIPE, said as an error */
	dir = ops_find_meta(name, &meta, &e);
	if (dir < 0) {
		struct ops_find f = { .what = name };
		_cleanup_close_ int base = ops_open_state(&e);

		if (base >= 0 && *name && ops_find(base, true, &f))
			fprintf(stderr, "eci-run: cp %s: the container is not running (start it "
				"with eci-run start %s, then copy)\n", name, name);
		else
			fprintf(stderr, "eci-run: cp %s: no such container\n", name);
		return EXIT_ECI;
	}
	r = copy(name, meta, out, cpath, hpath, &e);
	json_decref(meta);
	if (r < 0) {
		fprintf(stderr, "eci-run: cp: %s\n", e.msg);
		return EXIT_ECI;
	}
	return 0;
}
