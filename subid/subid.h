/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subid.h - subordinate ids: /etc/subuid, /etc/subgid, and which container
 * holds which slot of them
 *
 * Theory of Operation: the administrator grants a user ranges of host ids
 * in /etc/subuid and /etc/subgid; they are cut into slots of SUBID_SLOT ids,
 * and one running container holds one slot, alone.  subid_take() gives a
 * container's first process a slot from start to end: it reads both files
 * of the user (trusted only if root's), asks every process on the host for
 * its ids (a slot whose ids a process uses is not free), picks the first
 * free slot under the lease directory's locks (the preferred ones first,
 * within maxContainersPerUser), and publishes the lease that ties the slot
 * to the process (lease.c).  Writing the maps is left to the caller, with
 * idmap_write(): eci-newidmap with its capabilities, eci-runc as root.
 *
 * The parser and the lease records (the first two parts of this header)
 * touch nothing of the system, so that they can be unit-tested and fuzzed
 * on their own.  The functions of the third part return 0 or a negative
 * value and fill a struct eci_err (common/err.h); SUBID_DENIED and
 * SUBID_LIMIT tell a refusal from a failure.  They never print: a line of
 * /etc/subuid they skip is reported through eci_warn().
 */
#ifndef ECI_SUBID_H
#define ECI_SUBID_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* --- /etc/subuid and /etc/subgid: parsing and range validation ----------- */

/*
 * The files hold lines "OWNER:START:COUNT", OWNER being a user name or a
 * numeric uid.  subid_parse() walks a whole file held in memory and returns
 * the caller's ranges that are safe to hand out; every line it cannot use is
 * reported through a callback with its line number and the reason, and
 * skipped.
 *
 * A range is usable only if it is well formed, non-empty, does not wrap past
 * the last valid id (4294967294; -1 is "no id"), does not contain id 0 (host
 * root) nor the caller's own id, and does not overlap a range already
 * accepted for the same caller.
 */
#define SUBID_SLOT 65536u		/* ids given to one container */
#define SUBID_MAX_LINE 1024		/* longer lines are malformed */
#define SUBID_MAX_FILE (16u << 20)	/* subid_file_load() refuses bigger ones */
#define SUBID_MAX_RANGES 64		/* per user; later lines are ignored */

struct subid_range {
	uint32_t start;
	uint32_t count;
	unsigned line;		/* 1-based line number in the file */
};

/* Called for each line of the caller's that is skipped. */
typedef void (*subid_warn_fn)(void *ctx, unsigned line, const char *why);

/**
 * subid_parse() - find a user's usable ranges in a subordinate id file
 * @buf:    the file's contents (need not be NUL-terminated)
 * @len:    its length
 * @user:   the caller's user name (may be NULL)
 * @id:     the caller's numeric uid (for subgid: still the uid, as shadow
 *          does; @self is the id that must not be mapped)
 * @self:   the caller's own id in this file's id space (uid or gid)
 * @out:    array of at least SUBID_MAX_RANGES entries
 * @warn:   called for every malformed or unsafe line (may be NULL); lines
 *          that belong to other users are not checked beyond their shape
 * @ctx:    passed to @warn
 *
 * Return: the number of usable ranges found (0 or more).
 */
size_t subid_parse(const char *buf, size_t len, const char *user, uid_t id,
		   uint32_t self, struct subid_range *out, subid_warn_fn warn,
		   void *ctx);

/**
 * subid_check_range() - is a range safe to map for a caller?
 * @r:    the range
 * @self: the caller's own id
 *
 * Return: NULL if it is, else a static string saying why not.
 */
const char *subid_check_range(const struct subid_range *r, uint32_t self);

/**
 * subid_passwd_name() - a uid's user name in an /etc/passwd held in memory
 * @buf, @len: the file's contents (need not be NUL-terminated)
 * @uid:       the uid looked for: the first line "NAME:PASSWORD:UID:..." of it
 * @name:      set to NAME, which must fit in @size with its NUL
 *
 * The name the helper finds for its caller: it reads /etc/passwd and runs
 * no NSS module.  Comment lines and NIS's "+" and "-" lines name no user.
 * Return: true if found.
 */
bool subid_passwd_name(const char *buf, size_t len, uid_t uid, char *name, size_t size);

/**
 * subid_slot_count() - how many SUBID_SLOT-sized slots the ranges hold
 */
size_t subid_slot_count(const struct subid_range *r, size_t n);

/**
 * subid_slot() - start of the i-th slot, counting range by range in file order
 * @r:     ranges as returned by subid_parse()
 * @n:     their number
 * @i:     slot index, below subid_slot_count()
 * @start: set to the first host id of the slot
 * @line:  set to the line the slot comes from (may be NULL)
 *
 * Return: 0, or -ERANGE when @i is out of range.
 */
int subid_slot(const struct subid_range *r, size_t n, size_t i, uint32_t *start,
	       unsigned *line);

/*
 * A container's map, as written to its uid_map or gid_map: "0 START 65536"
 * (container id k is host id START+k), or with --userns keep-id the user's
 * own id SELF as itself, podman's meaning:
 *     0       START        SELF         (container ids below SELF)
 *     SELF    SELF         1            (the user, unchanged)
 *     SELF+1  START+SELF+1 65535-SELF   (the rest of the slot)
 * Host id START+SELF is left unmapped, so that every other container id is
 * the same host id as without keep-id: the layers unpacked for a slot
 * (image/cache.c) serve both, and the slot's ids stay the slot's alone.  A
 * SELF beyond the slot's 65536 ids adds the one line "SELF SELF 1".  With
 * START 0 it is the nested namespace's map (core/nest.c), which keeps the
 * container's ids as they are.
 */
#define SUBID_MAP_MAX 128	/* bytes of the longest map text */

/**
 * subid_map_text() - the text of one id map
 * @buf:   at least SUBID_MAP_MAX bytes
 * @start: first host id of the slot (0: the identity of a nested namespace)
 * @self:  the user's own id, kept as itself; -1 for none
 *
 * Container root is never @self: an id of 0, of (uid_t)-1 or beyond, or
 * one inside [@start, @start + SUBID_SLOT) when @start is not 0 (a range
 * holding the user's own id is refused by subid_check_range()) is refused.
 * Return: the text's length, or -EINVAL.
 */
int subid_map_text(char *buf, size_t size, uint32_t start, long long self);

/**
 * subid_keep_id() - check a keep-id request "UID:GID" against the caller
 * @arg:      the request, hostile
 * @uid, @gid: the caller's real ids, as the kernel gave them (getuid(),
 *            getgid()), never what the request claims
 *
 * Only the caller's own ids may be kept, and never root's (container
 * root would be host root).
 * Return: NULL if @arg names exactly @uid and @gid, else why not (static).
 */
const char *subid_keep_id(const char *arg, uid_t uid, gid_t gid);

/* --- lease records and the liveness rule ---------------------------------- */

/*
 * A lease, LEASE_DIR/UIDSTART, ties a slot to the process holding it (see
 * lease.c for the mechanism).  Its record and the rule of when it is alive
 * are kept free of system calls.
 */
#define LEASE_DIR "/run/eci/leases"
/* eci-run's state: one directory per user, USERS/UID (newidmap/statedir.c) */
#define STATE_USERS_DIR "/run/eci/users"

#define LEASE_MAX 512		/* bytes in one record */
#define BOOT_ID_LEN 36

struct lease {
	uint32_t uid_start;	/* first host uid of the slot; names the file */
	uint32_t gid_start;
	uid_t owner;		/* the user who asked for it */
	pid_t pid;		/* the container's first process (its pid 1) */
	unsigned long long starttime; /* of that process, clock ticks after boot */
	char boot_id[BOOT_ID_LEN + 1];
};

/**
 * lease_format() - the record written to LEASE_DIR/UIDSTART
 *
 * Return: its length, or -ENOSPC if @size is too small.
 */
int lease_format(const struct lease *l, char *buf, size_t size);

/**
 * lease_parse() - read a record back; strict, any deviation is refused
 *
 * Return: 0, or -EINVAL.
 */
int lease_parse(const char *buf, size_t len, struct lease *l);

/**
 * lease_stat_starttime() - field 22 of /proc/PID/stat
 * @stat: the file's contents, NUL-terminated
 * @out:  the process's start time in clock ticks since boot
 *
 * The command name (field 2) may hold spaces and parentheses: parsing
 * starts after its last ')'.
 * Return: 0, or -EINVAL.
 */
int lease_stat_starttime(const char *stat, unsigned long long *out);

/**
 * lease_stat_dead() - is the process of this /proc/PID/stat gone in all but
 * name?  A zombie ('Z') or dying ('X') process holds no ids any more; a
 * zombie pid 1 also means that everything else in its pid namespace has
 * exited (the kernel waits for them before init can die).
 */
bool lease_stat_dead(const char *stat);

/**
 * lease_stat_exiting() - has the process of this /proc/PID/stat begun to
 * exit (PF_EXITING in field 9)?  Only a hint: the flag is the thread's, and
 * a leader that left by pthread_exit() carries it while its other threads
 * run.  What counts is that its pidfd turns readable.
 */
bool lease_stat_exiting(const char *stat);

/*
 * The command name a container's pid 1 takes once its workload's code is
 * known, right before it tells eci-run (core/init.c): eci-run returns
 * then, before pid 1 has begun its exit, and a start that comes right
 * after may find it still running.
 */
#define LEASE_ENDING_COMM "eci-ending"

/**
 * lease_stat_ending() - is the process of this /proc/PID/stat ending: has
 * it begun to exit (lease_stat_exiting()), or is it a pid 1 that has said
 * its code (named LEASE_ENDING_COMM)?  Only a hint, that a start may wait
 * for its pidfd a bounded while: a process that takes the name is waited
 * for in vain, and no slot is given or refused on it.
 */
bool lease_stat_ending(const char *stat);

/* What is known now about the process a lease names. */
struct lease_probe {
	const char *boot_id;		/* this boot's */
	bool pid_exists;		/* and is not a zombie */
	unsigned long long starttime;	/* valid if pid_exists */
};

/**
 * lease_alive() - does the lease still hold its slot?
 *
 * A lease dies with its process: after a reboot (other boot id), when the
 * pid is gone, or when the pid now names a process started at another time
 * (the pid was reused).
 */
bool lease_alive(const struct lease *l, const struct lease_probe *p);

/**
 * lease_ids_in_slot() - does any of the ids fall in [start, start+count)?
 * @status: contents of a /proc/PID/status file
 *
 * Checks the four uids or gids of the "Uid:"/"Gid:" line (@key).  A zombie
 * ("State:\tZ") holds no ids.
 */
bool lease_ids_in_slot(const char *status, const char *key, uint32_t start, uint32_t count);

/*
 * lease_status_ids() - the real, effective, saved and file system uids
 * (ids[0..3]) and gids (ids[4..7]) in /proc/PID/status text, ULLONG_MAX
 * where one is missing; false for a zombie or dead task (ids unset).
 */
bool lease_status_ids(const char *status, unsigned long long ids[8]);

/* A caller's slots: slot i is uids [uid[i], uid[i] + SUBID_SLOT) together
 * with gids [gid[i], gid[i] + SUBID_SLOT). */
struct lease_slots {
	const uint32_t *uid;
	const uint32_t *gid;
	size_t n;
};

/**
 * lease_ids_hit() - does a process with these ids use a slot not known busy?
 * @ids:  its real, effective, saved and file-system uids (ids[0..3]) and
 *        gids (ids[4..7]), as lease_status_ids() gives them
 * @s:    the caller's slots
 * @busy: @s->n flags, the slots known to be in use so far
 * @mark: whether to set @busy for the slots the ids fall in
 *
 * A uid counts only against a slot's uids and a gid only against its gids.
 * Return: true if an id falls in a slot that @busy did not hold yet.
 */
bool lease_ids_hit(const unsigned long long ids[8], const struct lease_slots *s, bool *busy,
		   bool mark);

/* --- the system side: trusted files, the scan, the leases ------------------ */

struct eci_err;

/*
 * What the functions below return besides 0 and -errno (or -1): the request
 * is refused, not failed (eci-newidmap exits 100 rather than 111).  Both lie
 * below -4095, the lowest -errno.  SUBID_LIMIT is the one refusal of
 * maxContainersPerUser, which the administrator's audit log records.
 */
#define SUBID_DENIED (-4096)
#define SUBID_LIMIT  (-4097)

static inline bool subid_refused(int r)
{
	return r == SUBID_DENIED || r == SUBID_LIMIT;
}

/* A refusal: the message in @e (err 0), and SUBID_DENIED to return.  For
 * this module and for callers that answer as it does (eci-newidmap). */
int subid_deny(struct eci_err *e, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* lease.c: @name under @at (@path, for messages), made with @mode if missing:
 * opened (O_DIRECTORY, O_NOFOLLOW) and its *@st; the fd, or a negative
 * value with @e filled. */
struct stat;
int subid_make_dir(int at, const char *name, const char *path, mode_t mode, struct stat *st,
		   struct eci_err *e);

#define SUBUID_PATH "/etc/subuid"
#define SUBGID_PATH "/etc/subgid"

/* The user whose ranges are used: eci-newidmap's caller, eci-runc's pool. */
struct subid_user {
	uid_t uid;
	gid_t gid;
	char name[256];
};

/* One file's usable ranges of the user. */
struct subid_file {
	const char *path;
	struct subid_range r[SUBID_MAX_RANGES];
	size_t n;
	unsigned first_line;	/* first usable line, for messages */
};

/**
 * subid_file_load() - read and parse a subordinate id file, trusting it only
 * if it is a regular file of root's that nobody else can write
 * @kind: 'u' for /etc/subuid, 'g' for /etc/subgid (the id not to map is
 *        then the user's uid, or gid)
 *
 * A file anyone else could write could grant any ids, those of other users'
 * containers too.  Skipped lines are warned about (eci_warn()).
 * Return: 0; SUBID_DENIED when the file is missing, untrusted, too large or
 * holds no slot of the user's; another negative value on a system error.
 */
int subid_file_load(struct subid_file *f, const char *path, char kind,
		    const struct subid_user *u, struct eci_err *e);

/* Both files of a user, and which of the slots a process on the host uses. */
struct subid_pool {
	struct subid_file uids, gids;
	size_t n;		/* slots: slot i is uids' i-th with gids' i-th */
	bool *busy;		/* n flags: a process uses one of the slot's ids */
};

/**
 * subid_pool_load() - subid_file_load() of both files, then one pass over
 * every process on the host
 *
 * Return: as subid_file_load(); nothing to free unless it returns 0.
 */
int subid_pool_load(struct subid_pool *p, const struct subid_user *u, struct eci_err *e);

/* The scan's pidfds stay open until the process exits (scan.c says why):
 * for a short-lived caller that answers before it ends, the helper. */
void subid_scan_keep_pidfds(void);
void subid_pool_free(struct subid_pool *p);

#define SUBID_PREFER_MAX 64

/* One container's request. */
struct subid_request {
	pid_t pid;			/* its first process (its pid 1) */
	int procfd;			/* /proc/PID of that process, opened once */
	struct {
		uint32_t start[SUBID_PREFER_MAX];	/* hints only: checked like any slot */
		size_t n;
	} prefer;			/* slots to try first (they hold the image) */
	long long max;			/* maxContainersPerUser; 0: no limit */
	const char *max_source;		/* the policy file that set it */
	/* If set, called under the locks once a slot is picked, right before
	 * its lease is published: a negative return gives the slot up. */
	int (*recheck)(void *ctx, struct eci_err *e);
	void *ctx;
};

/**
 * subid_take() - give a container's first process a slot of the user's
 * @u:     the user whose ranges are used
 * @pool:  subid_pool_load() of @u, done when the request could be foreseen
 *         (a process that appears later could as well appear after the
 *         pick); NULL to load it now
 * @rq:    the process, and what it asks for
 * @out:   the lease published, slot and all
 *
 * The lease is published before the maps are written, so that no mapped
 * process ever stands without one; a caller that then fails to write them
 * kills the process, and the lease dies with it.  The lease directory's
 * locks are given up before the return.
 * Return: 0; SUBID_LIMIT when the user already runs @rq->max containers;
 * SUBID_DENIED when the files say no, every slot is in use or the process
 * is gone; another negative value on a system error or from @rq->recheck.
 */
int subid_take(const struct subid_user *u, const struct subid_pool *pool,
	       const struct subid_request *rq, struct lease *out, struct eci_err *e);

#endif
