/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * helper.h - the pieces of eci-newidmap that touch the system
 *
 * Exit codes follow the skalibs convention: EXIT_DENIED (100) when the
 * request is refused (usage, /etc/subuid says no, the target is not the
 * caller's), EXIT_SYSERR (111) when something failed that should not have.
 * The helper's functions return as the subid library's do: 0 (or an fd),
 * SUBID_DENIED for a refusal, another negative value for a failure, and
 * leave the message in a struct eci_err for main() to print.
 */
#ifndef ECI_HELPER_H
#define ECI_HELPER_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "err.h"
#include "subid.h"

#define EXIT_DENIED 100
#define EXIT_SYSERR 111

/* --stdin: the launcher waiting for the answer; once it is gone (^C), die()
 * says nothing: nobody waits for the message any more. */
extern pid_t die_quiet_without;
/* --stdin, until the request is read: die() first waits for it, and says
 * nothing if the launcher closes stdin instead (it gave up, and told the
 * user why: eci-run's own check of /etc/subuid runs while this starts). */
extern bool die_await_request;
void die(int code, const char *fmt, ...) __attribute__((noreturn, format(printf, 2, 3)));

/* caps.c: raise one capability into the effective set, or drop them all;
 * file-system ids (root's for the leases, the caller's for the maps). */
void caps_minimum(void);
void caps_raise(int cap);
void caps_lower(void);
void caps_fsids(uid_t uid, gid_t gid);

/* target.c: open /proc/PID and check that it is the caller's fresh child;
 * the fd, or a negative value. */
int target_open(pid_t pid, const struct subid_user *c, struct eci_err *e);

/* statedir.c: --state-dir: make STATE_USERS_DIR/UID the caller's (0700), or
 * find it so; SUBID_DENIED if it is someone else's. */
int statedir_make(const struct subid_user *c, struct eci_err *e);

/* --keep-id UID:GID, as subid_keep_id() checked it */
struct keep_id {
	uid_t uid;
	gid_t gid;
};

/* maps.c: write the slot's map (SUBID_SLOT ids from each start), with the
 * caller's own ids kept as themselves if @k, into uid_map and gid_map of
 * the target. */
int maps_write(int procfd, uint32_t uid_start, uint32_t gid_start, const struct keep_id *k,
	       struct eci_err *e);

/* cgroups.c: the request's cgroup directory fds, checked (each a cgroup
 * directory of @uid's; SUBID_DENIED if not), then given with their
 * delegation files to the group @gid (the file-system ids @uid:@gid). */
int cgroups_check(const int *fd, size_t n, uid_t uid, struct eci_err *e);
int cgroups_give(const int *fd, size_t n, uid_t uid, gid_t gid, struct eci_err *e);

#endif
