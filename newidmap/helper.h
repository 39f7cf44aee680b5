/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * helper.h - the pieces of eci-newidmap that touch the system
 *
 * Exit codes follow the skalibs convention: EXIT_DENIED (100) when the
 * request is refused (usage, /etc/subuid says no, the target is not the
 * caller's), EXIT_SYSERR (111) when something failed that should not have.
 */
#ifndef ECI_HELPER_H
#define ECI_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "lease.h"
#include "subid.h"

#define EXIT_DENIED 100
#define EXIT_SYSERR 111

#define SUBUID_PATH "/etc/subuid"
#define SUBGID_PATH "/etc/subgid"

struct caller {
	uid_t uid;
	gid_t gid;
	char name[256];
};

struct idfile {
	const char *path;
	struct subid_range r[SUBID_MAX_RANGES];
	size_t n;
	unsigned first_line;	/* first usable line, for messages */
};

/* Called with the message before die() exits (eci-runc logs it). */
extern void (*die_hook)(const char *msg);
/* --stdin: the launcher waiting for the answer; once it is gone (^C), die()
 * says nothing: nobody waits for the message any more. */
extern pid_t die_quiet_without;
void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));
void warnx(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* caps.c: raise one capability into the effective set, or drop them all. */
void caps_minimum(void);
void caps_raise(int cap);
void caps_lower(void);

/* target.c: open /proc/PID and check that it is the caller's fresh child. */
int target_open(pid_t pid, const struct caller *c);

/* idfile.c: read and parse a trusted subordinate id file; @kind is 'u' for
 * /etc/subuid, 'g' for /etc/subgid. */
void idfile_load(struct idfile *f, const char *path, char kind, const struct caller *c,
		 uint32_t self);

/* lease.c: the lease directory; the caller's lock (.lock-UID) and the
 * picked slot's (.slot-START), held until leases_close(). */
struct leases {
	int dirfd;
	int lockfd;
	int slotfd;
	char boot_id[BOOT_ID_LEN + 1];
};

#define PREFER_MAX 64
struct prefer {
	uint32_t start[PREFER_MAX];	/* hints only: checked like anything else */
	size_t n;
};

void leases_as_root(void);
void leases_as_caller(const struct caller *c);
void leases_open(struct leases *ls, uid_t owner);
void leases_close(struct leases *ls);
/* maxContainersPerUser, from the administrator's policy (0: no limit). */
struct limit {
	long long max;
	char source[1100];
	void (*audit)(const struct limit *, const char *detail);	/* for refusals */
	void *policy;
};

size_t lease_slot_count(const struct idfile *u, const struct idfile *g);
void lease_scan(const struct idfile *u, const struct idfile *g, bool *busy);
/* lease_scan() with the pidfd path off (@pidfds false): the /proc path
 * alone, as on a kernel before 6.13; for the tests. */
void lease_scan_with(const struct idfile *u, const struct idfile *g, bool *busy, bool pidfds);

/* What PIDFD_GET_INFO says of one process (see lease.c). */
enum lease_pidfd {
	LEASE_PIDFD_IDS,	/* the eight ids are read */
	LEASE_PIDFD_GONE,	/* no such process */
	LEASE_PIDFD_ASK_PROC,	/* no answer for this one: read /proc/PID/status */
	LEASE_PIDFD_NONE,	/* the kernel has no PIDFD_GET_INFO */
};
enum lease_pidfd lease_pidfd_ids(pid_t pid, unsigned long long ids[8]);
size_t lease_pick(struct leases *ls, const struct caller *c, const struct idfile *u,
		  const struct idfile *g, const struct prefer *prefer, const struct limit *lim,
		  const bool *busy, struct lease *out);
void lease_commit(struct leases *ls, const struct lease *l);

/* target.c: the start time of the target, read through its /proc fd. */
unsigned long long target_starttime(int procfd, pid_t pid);

/* maps.c: write "0 START COUNT" into uid_map and gid_map of the target. */
void maps_write(int procfd, uint32_t uid_start, uint32_t gid_start, uint32_t count);

#endif
