// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * lease_fmt.c - lease records and the liveness rule; see subid.h
 */
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subid.h"

int lease_format(const struct lease *l, char *buf, size_t size)
{
	int n = snprintf(buf, size, "eci-lease 1 uid=%" PRIu32 " gid=%" PRIu32
			 " owner=%u pid=%d start=%llu boot=%s\n",
			 l->uid_start, l->gid_start, (unsigned)l->owner, (int)l->pid,
			 l->starttime, l->boot_id);

	return n < 0 || (size_t)n >= size ? -ENOSPC : n;
}

static bool valid_boot_id(const char *s)
{
	if (strlen(s) != BOOT_ID_LEN)
		return false;
	for (int i = 0; i < BOOT_ID_LEN; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;

		if (dash ? s[i] != '-' : !((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	}
	return true;
}

int lease_parse(const char *buf, size_t len, struct lease *l)
{
	char copy[LEASE_MAX + 1], again[LEASE_MAX + 1];
	unsigned owner;
	int pid, n = 0;

	if (len == 0 || len > LEASE_MAX || memchr(buf, '\0', len))
		return -EINVAL;
	memcpy(copy, buf, len);
	copy[len] = '\0';
	memset(l, 0, sizeof(*l));
	if (sscanf(copy, "eci-lease 1 uid=%" SCNu32 " gid=%" SCNu32 " owner=%u pid=%d start=%llu boot=%36s\n%n",
		   &l->uid_start, &l->gid_start, &owner, &pid, &l->starttime, l->boot_id, &n) != 6 ||
	    n != (int)len || pid < 1 || !valid_boot_id(l->boot_id))
		return -EINVAL;
	l->owner = owner;
	l->pid = pid;
	/* Only the exact form this code writes is accepted. */
	if (lease_format(l, again, sizeof(again)) != (int)len || memcmp(again, copy, len))
		return -EINVAL;
	return 0;
}

/* Numeric field @n (counted from 1, as proc(5) does, n >= 3) of a stat. */
static int stat_field(const char *stat, int n, unsigned long long *out)
{
	const char *p = strrchr(stat, ')');
	char *end;

	if (!p)
		return -EINVAL;
	p++;
	/* After ") " come fields 3 (state) and on. */
	for (int field = 2; field < n; field++) {
		p = strchr(p, ' ');
		if (!p)
			return -EINVAL;
		p++;
	}
	if (*p < '0' || *p > '9')
		return -EINVAL;
	errno = 0;
	*out = strtoull(p, &end, 10);
	if (errno || (*end != ' ' && *end != '\n' && *end != '\0'))
		return -EINVAL;
	return 0;
}

int lease_stat_starttime(const char *stat, unsigned long long *out)
{
	return stat_field(stat, 22, out);
}

/* PF_EXITING, include/linux/sched.h: set as do_exit() begins. */
#define PF_EXITING 0x00000004ULL

bool lease_stat_exiting(const char *stat)
{
	unsigned long long flags;

	return stat_field(stat, 9, &flags) == 0 && (flags & PF_EXITING);
}

bool lease_stat_ending(const char *stat)
{
	const char *open = strchr(stat, '('), *close = strrchr(stat, ')');
	size_t n = sizeof(LEASE_ENDING_COMM) - 1;

	if (lease_stat_exiting(stat))
		return true;
	return open && close && close - open - 1 == (ptrdiff_t)n &&
	       !memcmp(open + 1, LEASE_ENDING_COMM, n);
}

bool lease_stat_dead(const char *stat)
{
	const char *p = strrchr(stat, ')');

	return !p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X' || p[2] == 'x';
}

bool lease_alive(const struct lease *l, const struct lease_probe *p)
{
	if (strcmp(l->boot_id, p->boot_id))
		return false;
	return p->pid_exists && p->starttime == l->starttime;
}

/* Up to 4 ids after @key at the start of a line; the rest ULLONG_MAX. */
static void parse_ids(const char *status, const char *key, unsigned long long ids[4])
{
	const char *line = status;
	size_t kl = strlen(key);

	for (int i = 0; i < 4; i++)
		ids[i] = ULLONG_MAX;
	while (line && strncmp(line, key, kl))
		line = (line = strchr(line, '\n')) ? line + 1 : NULL;
	if (!line)
		return;
	line += kl;
	for (int i = 0; i < 4; i++) {
		char *end;
		unsigned long long id = strtoull(line, &end, 10);

		if (end == line)
			break;
		ids[i] = id;
		line = end;
	}
}

bool lease_status_ids(const char *status, unsigned long long ids[8])
{
	const char *state = strstr(status, "\nState:\t");

	if (state && (state[8] == 'Z' || state[8] == 'X' || state[8] == 'x'))
		return false;
	parse_ids(status, "Uid:", ids);
	parse_ids(status, "Gid:", ids + 4);
	return true;
}

bool lease_ids_in_slot(const char *status, const char *key, uint32_t start, uint32_t count)
{
	const char *state = strstr(status, "\nState:\t");
	unsigned long long ids[4];

	if (state && (state[8] == 'Z' || state[8] == 'X' || state[8] == 'x'))
		return false;
	parse_ids(status, key, ids);
	for (int i = 0; i < 4; i++)
		if (ids[i] >= start && ids[i] < (unsigned long long)start + count)
			return true;
	return false;
}

static bool in_slot(unsigned long long id, uint32_t start)
{
	return id >= start && id < (unsigned long long)start + SUBID_SLOT;
}

bool lease_ids_hit(const unsigned long long ids[8], const struct lease_slots *s, bool *busy,
		   bool mark)
{
	bool any = false;

	for (size_t i = 0; i < s->n; i++) {
		bool hit = false;

		if (busy[i])
			continue;
		for (int k = 0; k < 4; k++)
			hit |= in_slot(ids[k], s->uid[i]) || in_slot(ids[4 + k], s->gid[i]);
		if (hit && !mark)
			return true;
		busy[i] = hit;
		any |= hit;
	}
	return any;
}
