/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * lease.h - who holds which subordinate slot: the pure part
 *
 * See lease.c for the mechanism.  The record format and the liveness rule
 * are kept free of system calls so that they can be unit-tested.
 */
#ifndef ECI_LEASE_H
#define ECI_LEASE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define LEASE_DIR "/run/eci/leases"
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

#endif
