/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subid-int.h - the steps of subid_take(), shared by the module's files and
 * its tests; other modules use subid.h
 */
#ifndef ECI_SUBID_INT_H
#define ECI_SUBID_INT_H

#include "err.h"
#include "subid.h"

/* lease.c: the lease directory; the user's lock (.lock-UID) and the picked
 * slot's (.slot-START), held until leases_close(). */
struct leases {
	int dirfd;
	int lockfd;
	int slotfd;
	char boot_id[BOOT_ID_LEN + 1];
};

int leases_open(struct leases *ls, uid_t owner, struct eci_err *e);
void leases_close(struct leases *ls);
/* The first free slot, its lock taken; @out is all but pid and start time. */
int lease_pick(struct leases *ls, const struct subid_user *u, const struct subid_pool *p,
	       const struct subid_request *rq, struct lease *out, struct eci_err *e);
int lease_commit(struct leases *ls, const struct lease *l, struct eci_err *e);

/* scan.c: which slots a process on the host uses an id of (busy[i] for slot
 * i); @pidfds false leaves the pidfd path off, as on a kernel before 6.13
 * (for the tests). */
size_t lease_slot_count(const struct subid_file *u, const struct subid_file *g);
int lease_scan(const struct subid_file *u, const struct subid_file *g, bool *busy, bool pidfds,
	       struct eci_err *e);

/* What PIDFD_GET_INFO says of one process (see scan.c). */
enum lease_pidfd {
	LEASE_PIDFD_IDS,	/* the eight ids are read */
	LEASE_PIDFD_GONE,	/* no such process */
	LEASE_PIDFD_ASK_PROC,	/* no answer for this one: read /proc/PID/status */
	LEASE_PIDFD_NONE,	/* the kernel has no PIDFD_GET_INFO */
};
/* With @s (and its @busy flags): a process whose ids fall in none of the
 * slots @busy does not hold yet is not asked whether it is a zombie, which
 * would change nothing (one poll() less for almost every process). */
enum lease_pidfd lease_pidfd_ids(pid_t pid, unsigned long long ids[8], const struct lease_slots *s,
				 bool *busy);

#endif
