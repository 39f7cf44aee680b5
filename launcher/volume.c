// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * volume.c - named volumes: -v NAME:DST, --mount type=volume, and
 * eci-run volume create|ls|inspect|rm
 *
 * Theory of Operation: a volume is a directory of the user's store,
 * STORE/volumes/NAME, whose data is NAME/_data, as docker lays them out.
 * The store is the user's and closed to others, and so is volumes/ (0700):
 * no other host user reaches a volume.  Inside it, NAME/ is the user's,
 * mode 0733, so that the root of a container — a subordinate id, "other"
 * to the user's files — may create _data there through a directory fd the
 * child opened with the user's ids (mnt_open()), never by a path.
 *
 * Who owns the data.  A container's root is the first id of its slot, and
 * an unprivileged user cannot change whose ids a file carries: chown needs
 * a namespace that maps both ids, and an idmapped mount of an ext4 tree
 * needs CAP_SYS_ADMIN over that file system (measured: EPERM), which only
 * host root holds; eci-newidmap is given no such capability.  So _data is
 * made by the root of the first container that uses the volume, inside its
 * user namespace (mnt_named_tree()), and belongs to that slot's ids from
 * then on, with every file written in it: the volume's slot.  A later
 * container that mounts the volume asks the helper for that slot only (the
 * helper's preference); when it gets it — the usual case, since a slot is
 * free as soon as its container has ended — the files are owned by its own
 * root and users exactly as they were written, across runs.  When another
 * container holds the slot, a container may still mount the volume
 * read-only and sees the same data, the owners shown as nobody (ids of
 * another slot); writing it from another slot is refused before anything
 * runs, naming the container that holds the slot, because files of two
 * slots' ids in one volume would leave each container unable to change
 * the other's.  The alternatives are worse: sharing a slot between two
 * running containers would let each one's root reach the other's
 * processes and files, and a helper that rewrites owners (or a
 * world-writable volume) hands ids to whoever can reach the files.
 *
 * Removal: the user cannot delete files owned by a slot's ids, so
 * `volume rm` starts a process in a user namespace of its own, asks
 * eci-newidmap for the volume's slot, and removes _data as that slot's
 * root (reap()); then the user removes NAME/.  A volume that a container,
 * running or kept after its exit (ps -a), names in its meta.json is not
 * removed (docker's "volume is in use").
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <uuid.h>

#include "cleanup.h"
#include "launcher.h"
#include "store.h"
#include "util.h"

/* STORE/volumes, the user's alone. */
static int vols_open(struct store *st, struct eci_err *e)
{
	struct stat sb;
	int fd;

	if (mkdirat(st->fd, "volumes", 0700) < 0 && errno != EEXIST)
		return eci_fail(e, errno, "create %s/volumes", st->path);
	fd = openat(st->fd, "volumes", O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &sb) < 0)
		return eci_fail(e, errno, "open %s/volumes", st->path);
	if (sb.st_uid != getuid() || (sb.st_mode & 077)) {
		close(fd);
		return eci_fail(e, 0, "%s/volumes is not safe: it must be yours and closed to "
				"others (chmod 700)", st->path);
	}
	return fd;
}

/* NAME/ in @vols: made (0733, see above) with its creation time if new. */
static int vol_make(int vols, const char *name, struct eci_err *e)
{
	char when[64];
	struct tm tm;
	time_t now = time(NULL);
	int fd, r;

	if (mkdirat(vols, name, 0700) < 0)
		return errno == EEXIST ? 0 : eci_fail(e, errno, "create volume %s", name);
	fd = openat(vols, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || fchmod(fd, 0733) < 0) {
		r = errno;
		if (fd >= 0)
			close(fd);
		unlinkat(vols, name, AT_REMOVEDIR);
		return eci_fail(e, r, "create volume %s", name);
	}
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ\n", gmtime_r(&now, &tm));
	r = openat(fd, "created", O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (r >= 0) {
		write_all(r, when, strlen(when));
		close(r);
	}
	close(fd);
	return 0;
}

/* The host uid that owns NAME/_data, 0 if there is none yet. */
static uid_t vol_owner(int vols, const char *name)
{
	char p[200];
	struct stat st;

	snprintf(p, sizeof(p), "%s/_data", name);
	return fstatat(vols, p, &st, AT_SYMLINK_NOFOLLOW) == 0 && S_ISDIR(st.st_mode) ? st.st_uid : 0;
}

int volume_resolve(struct spec *s, struct eci_err *e)
{
	const struct mnt_volume *w = NULL;
	_cleanup_close_ int vols = -1;

	for (size_t i = 0; i < s->mnt.nvol; i++) {
		struct mnt_volume *v = &s->mnt.vol[i];
		struct stat st;

		if (!v->name)
			continue;
		if (vols < 0 && (vols = vols_open(&s->store, e)) < 0)
			return -1;
		if (vol_make(vols, v->name, e) < 0)
			return -1;
		if (fstatat(vols, v->name, &st, AT_SYMLINK_NOFOLLOW) < 0 || !S_ISDIR(st.st_mode))
			return eci_fail(e, errno ? errno : ENOTDIR, "%s %s: volume %s", v->flag,
					v->spec, v->name);
		v->dev = st.st_dev;
		v->ino = st.st_ino;
		v->owner = vol_owner(vols, v->name);
		if (asprintf(&v->src, "%s/volumes/%s", s->store.path, v->name) < 0) {
			v->src = NULL;
			return eci_fail(e, ENOMEM, "%s %s", v->flag, v->spec);
		}
		if (v->ro || !v->owner)
			continue;
		if (w && w->owner != v->owner)
			return eci_fail(e, 0, "%s %s: volumes %s and %s belong to different slots (host "
					"uids %u and %u): a container writes the volumes of one slot "
					"only; mount one read-only (ro)", v->flag, v->spec, w->name,
					v->name, (unsigned)w->owner, (unsigned)v->owner);
		w = v;
	}
	return 0;
}

void volume_prefer(struct spec *s)
{
	uid_t owner = 0;

	/* The helper tries preferred slots in its own order: only one may be
	 * named, the one that owns the data written (else one that is read). */
	for (size_t i = 0; i < s->mnt.nvol; i++) {
		const struct mnt_volume *v = &s->mnt.vol[i];

		if (v->name && v->owner && (!owner || !v->ro))
			owner = v->owner;
		if (owner && v->name && !v->ro)
			break;
	}
	if (owner)
		snprintf(s->prefer, sizeof(s->prefer), "%u", (unsigned)owner);
}

struct holder {
	unsigned slot;
	const char *volume;	/* or NULL: any container of the slot */
	char name[128];
	bool finished;
};

static int find_holder(json_t *m, void *ctx)
{
	struct holder *h = ctx;
	json_t *vols = json_object_get(m, "volumes"), *it;
	size_t i;

	if (h->volume) {
		json_array_foreach(vols, i, it)
			if (!strcmp(json_string_value(it) ?: "", h->volume))
				break;
		if (i == json_array_size(vols))
			return 0;
	} else if (json_integer_value(json_object_get(m, "uid_start")) != h->slot) {
		return 0;
	}
	snprintf(h->name, sizeof(h->name), "%s",
		 json_string_value(json_object_get(m, "name")) ?: "?");
	h->finished = json_object_get(m, "finished") != NULL;
	return 1;
}

/* The container that holds slot @slot, or uses @volume; false if none. */
static bool holder(struct holder *h, bool all)
{
	struct eci_err e;
	_cleanup_close_ int base = ops_open_state(&e);

	return base >= 0 && ops_each(base, all, find_holder, h) == 1;
}

int volume_check_slot(const struct spec *s, unsigned slot, struct eci_err *e)
{
	for (size_t i = 0; i < s->mnt.nvol; i++) {
		const struct mnt_volume *v = &s->mnt.vol[i];
		struct holder h = { .slot = v->owner };

		if (!v->name || v->ro || !v->owner || v->owner == slot)
			continue;
		if (holder(&h, false))
			return eci_fail(e, 0, "%s %s: volume %s belongs to the ids of slot %u, which "
					"container %s holds now: each running container has ids of "
					"its own, and a volume is written from its slot only; mount it "
					"read-only (ro), or run this once %s has ended", v->flag,
					v->spec, v->name, (unsigned)v->owner, h.name, h.name);
		return eci_fail(e, 0, "%s %s: volume %s belongs to the ids of slot %u, which eci-newidmap "
				"did not give (another process of yours uses its ids, or it is no "
				"longer in /etc/subuid): mount it read-only (ro)", v->flag, v->spec,
				v->name, (unsigned)v->owner);
	}
	return 0;
}

json_t *volume_names(const struct spec *s)
{
	json_t *a = json_array();

	for (size_t i = 0; a && i < s->mnt.nvol; i++)
		if (s->mnt.vol[i].name)
			json_array_append_new(a, json_string(s->mnt.vol[i].name));
	return a;
}

/* --- eci-run volume ... ---------------------------------------------------- */

static const struct cli_sub subs[] = {
	{ "create", "create [NAME]",
	  "Create the volume NAME (" MNT_VOLUME_NAME_RULE "; default: a random\n"
	  "name) in your store and print its name.  An existing one is kept as it is.\n"
	  "A volume is also created by its first use: -v NAME:DST.\n",
	  "  -d, --driver local        the only driver\n" },
	{ "ls", "ls [-q]", "List the volumes of your store: DRIVER, VOLUME NAME.\n",
	  "  -q, --quiet               only the names\n" },
	{ "inspect", "inspect NAME...",
	  "Print the volumes as a JSON array, in docker's shape (UidStart: the first host\n"
	  "id of the slot that owns its data, null until a container has used it).\n", NULL },
	{ "rm", "rm [-f] NAME...",
	  "Remove the volumes and their data.  A volume that a container uses (running,\n"
	  "or exited and kept: ps -a) is not removed.  Its files belong to the ids of\n"
	  "the slot that wrote them: they are removed as that slot's root, which needs\n"
	  "the slot free.\n",
	  "  -f, --force               a missing volume is no error\n" },
};

static int usage(void)
{
	fputs("usage: eci-run volume create [NAME]\n"
	      "       eci-run volume ls [-q]\n"
	      "       eci-run volume inspect NAME...\n"
	      "       eci-run volume rm [-f] NAME...\n", stderr);
	return EXIT_ECI;
}

static int help(const char *name)
{
	if (name)
		return cli_sub_help("volume", subs, sizeof(subs) / sizeof(subs[0]), name) ? usage() : 0;
	puts("usage: eci-run volume COMMAND\n\n"
	     "Manage the named volumes of your store ($XDG_DATA_HOME/eci/volumes, else\n"
	     "~/.local/share/eci/volumes), which -v NAME:DST and --mount type=volume\n"
	     "mount.  A volume's data belongs to the id slot of the container that first\n"
	     "used it; a container that writes it runs in that slot, one at a time;\n"
	     "others may mount it read-only meanwhile.\n\n"
	     "Commands:\n"
	     "  create    create a volume\n"
	     "  ls        list the volumes\n"
	     "  inspect   show volumes as JSON\n"
	     "  rm        remove volumes\n\n"
	     "Run 'eci-run volume COMMAND --help' for more.");
	return 0;
}

/* Options of a sub-command: the letters it takes, the rest refused. */
static int flags(int argc, char **argv, const char *sub, const char *letters, bool *q, bool *f,
		 struct eci_err *e)
{
	static const struct option longopts[] = {
		{ "quiet", no_argument, NULL, 'q' }, { "force", no_argument, NULL, 'f' },
		{ "driver", required_argument, NULL, 'd' }, { NULL, 0, NULL, 0 },
	};
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+qfd:", longopts, NULL)) != -1) {
		if (c == '?' || c == ':' || !strchr(letters, c))
			return eci_fail(e, 0, "volume %s: unknown flag %s", sub, argv[optind - 1]);
		if (c == 'q')
			*q = true;
		else if (c == 'f')
			*f = true;
		else if (strcmp(optarg, "local"))
			return eci_fail(e, 0, "volume %s: --driver %s: only the local driver is "
					"supported", sub, optarg);
	}
	return optind;
}

static int name_check(const char *sub, const char *name, struct eci_err *e)
{
	if (!mnt_volume_name_ok(name))
		return eci_fail(e, 0, "volume %s %s: not a valid volume name (%s)", sub, name,
				MNT_VOLUME_NAME_RULE);
	return 0;
}

static int create(struct store *st, int argc, char **argv, struct eci_err *e)
{
	char name[72];
	uuid_t u[2];
	bool q = false, f = false;
	int i = flags(argc, argv, "create", "d", &q, &f, e), vols;

	if (i < 0)
		return -1;
	if (argc - i > 1)
		return eci_fail(e, 0, "volume create: expected at most one NAME");
	if (i == argc) {
		uuid_generate_random(u[0]);
		uuid_generate_random(u[1]);
		for (int k = 0; k < 32; k++)
			sprintf(name + 2 * k, "%02x", u[k / 16][k % 16]);
	} else if (name_check("create", argv[i], e) < 0) {
		return -1;
	} else {
		snprintf(name, sizeof(name), "%s", argv[i]);
	}
	if ((vols = vols_open(st, e)) < 0)
		return -1;
	i = vol_make(vols, name, e);
	close(vols);
	if (i < 0)
		return -1;
	printf("%s\n", name);
	return 0;
}

static int visible(const struct dirent *de)
{
	return de->d_name[0] != '.';
}

static int list(struct store *st, int argc, char **argv, struct eci_err *e)
{
	struct dirent **names = NULL;
	bool q = false, f = false;
	int i = flags(argc, argv, "ls", "q", &q, &f, e), vols, n;

	if (i < 0)
		return -1;
	if (i != argc)
		return eci_fail(e, 0, "volume ls: takes no arguments");
	if ((vols = vols_open(st, e)) < 0)
		return -1;
	n = scandirat(vols, ".", &names, visible, alphasort);
	close(vols);
	if (n < 0)
		return eci_fail(e, errno, "list %s/volumes", st->path);
	if (!q)
		printf("%-10s%s\n", "DRIVER", "VOLUME NAME");
	for (int k = 0; k < n; k++) {
		printf(q ? "%s%s\n" : "%-10s%s\n", q ? "" : "local", names[k]->d_name);
		free(names[k]);
	}
	free(names);
	return 0;
}

/* One volume as docker inspect shows it, or NULL if there is none. */
static json_t *describe(struct store *st, int vols, const char *name)
{
	_cleanup_free_ char *created = NULL;
	char p[200], mp[4400];
	struct stat sb;
	uid_t owner;

	if (!mnt_volume_name_ok(name) || fstatat(vols, name, &sb, AT_SYMLINK_NOFOLLOW) < 0 ||
	    !S_ISDIR(sb.st_mode))
		return NULL;
	snprintf(p, sizeof(p), "%s/created", name);
	if (read_all_at(vols, p, 64, &created, NULL) == 0)
		created[strcspn(created, "\n")] = '\0';
	snprintf(mp, sizeof(mp), "%s/volumes/%s/_data", st->path, name);
	owner = vol_owner(vols, name);
	return json_pack("{s:s, s:s, s:{}, s:s, s:s, s:{}, s:s, s:o}", "CreatedAt",
			 created ? created : "", "Driver", "local", "Labels", "Mountpoint", mp,
			 "Name", name, "Options", "Scope", "local", "UidStart",
			 owner ? json_integer(owner) : json_null());
}

static int inspect(struct store *st, int argc, char **argv, struct eci_err *e)
{
	bool q = false, f = false;
	int i = flags(argc, argv, "inspect", "", &q, &f, e), vols, code = 0;
	json_t *arr;

	if (i < 0)
		return -1;
	if (i == argc)
		return eci_fail(e, 0, "volume inspect: expected NAME...");
	if ((vols = vols_open(st, e)) < 0)
		return -1;
	arr = json_array();
	for (; i < argc; i++) {
		json_t *one = describe(st, vols, argv[i]);

		if (one)
			json_array_append_new(arr, one);
		else
			code = eci_fail(e, 0, "volume inspect %s: no such volume", argv[i]);
		if (!one)
			fprintf(stderr, "eci-run: %s\n", e->msg);
	}
	close(vols);
	json_dumpf(arr, stdout, JSON_INDENT(4) | JSON_PRESERVE_ORDER);
	putchar('\n');
	json_decref(arr);
	e->msg[0] = '\0';	/* each said already */
	return code;
}

/* As the root of the volume's slot (slotroot.c): its _data removed. */
static int rm_data(void *dir)
{
	return rm_rf_at(*(int *)dir, "_data");
}

/* Remove NAME/_data (owned by @owner's slot) as that slot's root. */
static int reap(int dir, uid_t owner, const char *name, struct eci_err *e)
{
	char what[300];

	snprintf(what, sizeof(what), "volume rm %s", name);
	return slot_root_run(owner, rm_data, &dir, what, e);
}

static int remove_one(int vols, const char *name, bool force, struct eci_err *e)
{
	struct holder h = { .volume = name };
	_cleanup_close_ int dir = -1;
	uid_t owner;

	if (!mnt_volume_name_ok(name) ||
	    (dir = openat(vols, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)) < 0)
		return force ? 0 : eci_fail(e, 0, "volume rm %s: no such volume", name);
	if (holder(&h, true))
		return eci_fail(e, 0, "volume rm %s: the volume is in use by container %s (%s)%s",
				name, h.name, h.finished ? "exited" : "running",
				h.finished ? ": remove it first (eci-run rm)" : "");
	owner = vol_owner(vols, name);
	if (owner && reap(dir, owner, name, e) < 0)
		return -1;
	unlinkat(dir, "created", 0);
	if (unlinkat(vols, name, AT_REMOVEDIR) < 0)
		return eci_fail(e, errno, "volume rm %s", name);
	return 0;
}

static int remove_all(struct store *st, int argc, char **argv, struct eci_err *e)
{
	bool q = false, f = false;
	int i = flags(argc, argv, "rm", "f", &q, &f, e), vols, code = 0;

	if (i < 0)
		return -1;
	if (i == argc)
		return eci_fail(e, 0, "volume rm: expected NAME...");
	if ((vols = vols_open(st, e)) < 0)
		return -1;
	for (; i < argc; i++) {
		e->msg[0] = '\0';
		if (remove_one(vols, argv[i], f, e) < 0) {
			fprintf(stderr, "eci-run: %s\n", e->msg);
			code = -1;
		} else {
			printf("%s\n", argv[i]);
		}
	}
	close(vols);
	e->msg[0] = '\0';
	return code;
}

int volume_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct store st;
	int r;

	if (argc < 2)
		return usage();
	if (cli_is_help(argv[1]))
		return help(NULL);
	if (argc > 2 && cli_is_help(argv[2]))
		return help(argv[1]);
	if (store_open(&st, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (!strcmp(argv[1], "create"))
		r = create(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "ls"))
		r = list(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "inspect"))
		r = inspect(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "rm"))
		r = remove_all(&st, argc - 1, argv + 1, &e);
	else
		r = eci_fail(&e, 0, "volume: unknown command '%s' (create, ls, inspect, rm)", argv[1]);
	store_close(&st);
	if (r < 0 && e.msg[0])
		fprintf(stderr, "eci-run: %s\n", e.msg);
	return r < 0 ? EXIT_ECI : 0;
}
