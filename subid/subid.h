/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * subid.h - /etc/subuid and /etc/subgid: parsing and range validation
 *
 * Theory of Operation: the files hold lines "OWNER:START:COUNT", OWNER being
 * a user name or a numeric uid.  subid_parse() walks a whole file held in
 * memory and returns the caller's ranges that are safe to hand out; every
 * line it cannot use is reported through a callback with its line number and
 * the reason, and skipped.  Nothing here touches the system: the helper reads
 * the file and decides what to trust, so that this code can be unit-tested
 * and fuzzed on its own.
 *
 * A range is usable only if it is well formed, non-empty, does not wrap past
 * the last valid id (4294967294; -1 is "no id"), does not contain id 0 (host
 * root) nor the caller's own id, and does not overlap a range already
 * accepted for the same caller.
 */
#ifndef ECI_SUBID_H
#define ECI_SUBID_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define SUBID_SLOT 65536u		/* ids given to one container */
#define SUBID_MAX_LINE 1024		/* longer lines are malformed */
#define SUBID_MAX_FILE (16u << 20)	/* the helper refuses bigger files */
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

#endif
