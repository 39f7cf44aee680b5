// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * subid.c - /etc/subuid and /etc/subgid parsing; see subid.h
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "subid.h"

/* Strict unsigned decimal: digits only, no sign, no spaces, fits 32 bits. */
static bool parse_u32(const char *s, size_t len, uint32_t *out)
{
	uint64_t v = 0;

	if (len == 0 || len > 10)
		return false;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (v > UINT32_MAX)
		return false;
	*out = (uint32_t)v;
	return true;
}

static bool owner_matches(const char *owner, size_t len, const char *user, uid_t id)
{
	uint32_t n;

	if (user && strlen(user) == len && !memcmp(owner, user, len))
		return true;
	return parse_u32(owner, len, &n) && n == id;
}

const char *subid_check_range(const struct subid_range *r, uint32_t self)
{
	uint64_t end = (uint64_t)r->start + r->count; /* one past the last id */

	if (r->count == 0)
		return "empty range";
	if (end > UINT32_MAX)	/* 4294967295 is (uid_t)-1, never an id */
		return "range runs past the last valid id 4294967294";
	if (r->start == 0)
		return "range contains id 0 (host root)";
	if (self >= r->start && self < end)
		return "range contains the user's own id";
	return NULL;
}

static bool overlaps(const struct subid_range *a, const struct subid_range *b)
{
	uint64_t ae = (uint64_t)a->start + a->count;
	uint64_t be = (uint64_t)b->start + b->count;

	return a->start < be && b->start < ae;
}

/*
 * Split one line into its three fields.  Returns false for anything but
 * exactly "OWNER:START:COUNT" with a non-empty owner.
 */
static bool split_line(const char *s, size_t len, const char **owner,
		       size_t *olen, uint32_t *start, uint32_t *count)
{
	const char *c1 = memchr(s, ':', len), *c2;

	if (!c1 || c1 == s)
		return false;
	c2 = memchr(c1 + 1, ':', len - (size_t)(c1 + 1 - s));
	if (!c2)
		return false;
	*owner = s;
	*olen = (size_t)(c1 - s);
	return parse_u32(c1 + 1, (size_t)(c2 - c1 - 1), start) &&
	       parse_u32(c2 + 1, len - (size_t)(c2 + 1 - s), count);
}

static void warn_line(subid_warn_fn warn, void *ctx, unsigned line, const char *why)
{
	if (warn)
		warn(ctx, line, why);
}

/* Accept one of the caller's ranges into @out, or say why not. */
static size_t take_range(struct subid_range *out, size_t n, struct subid_range r,
			 uint32_t self, subid_warn_fn warn, void *ctx)
{
	const char *why = subid_check_range(&r, self);

	for (size_t i = 0; !why && i < n; i++)
		if (overlaps(&out[i], &r))
			why = "range overlaps an earlier line of the same user";
	if (!why && n == SUBID_MAX_RANGES)
		why = "too many ranges for one user";
	if (why) {
		warn_line(warn, ctx, r.line, why);
		return n;
	}
	out[n] = r;
	return n + 1;
}

size_t subid_parse(const char *buf, size_t len, const char *user, uid_t id,
		   uint32_t self, struct subid_range *out, subid_warn_fn warn,
		   void *ctx)
{
	size_t n = 0, pos = 0;
	unsigned line = 0;

	while (pos < len) {
		const char *s = buf + pos, *nl = memchr(s, '\n', len - pos);
		size_t l = nl ? (size_t)(nl - s) : len - pos;
		const char *owner;
		size_t olen;
		struct subid_range r;

		pos += l + 1;
		line++;
		if (l > 0 && s[l - 1] == '\r')
			l--;
		if (l == 0 || s[0] == '#')
			continue;
		if (l > SUBID_MAX_LINE || memchr(s, '\0', l)) {
			warn_line(warn, ctx, line, "malformed line (too long or binary)");
			continue;
		}
		if (!split_line(s, l, &owner, &olen, &r.start, &r.count)) {
			/* Only the owner's own lines are its business, but a
			 * line that cannot be attributed may be meant for it. */
			if (!memchr(s, ':', l) ||
			    owner_matches(s, (size_t)((const char *)memchr(s, ':', l) - s), user, id))
				warn_line(warn, ctx, line,
					  "malformed line (expected NAME:START:COUNT)");
			continue;
		}
		if (!owner_matches(owner, olen, user, id))
			continue;
		r.line = line;
		n = take_range(out, n, r, self, warn, ctx);
	}
	return n;
}

size_t subid_slot_count(const struct subid_range *r, size_t n)
{
	size_t total = 0;

	for (size_t i = 0; i < n; i++)
		total += r[i].count / SUBID_SLOT;
	return total;
}

int subid_slot(const struct subid_range *r, size_t n, size_t i, uint32_t *start,
	       unsigned *line)
{
	for (size_t k = 0; k < n; k++) {
		size_t here = r[k].count / SUBID_SLOT;

		if (i < here) {
			*start = r[k].start + (uint32_t)(i * SUBID_SLOT);
			if (line)
				*line = r[k].line;
			return 0;
		}
		i -= here;
	}
	return -ERANGE;
}

int subid_map_text(char *buf, size_t size, uint32_t start, long long self)
{
	uint64_t end = (uint64_t)start + SUBID_SLOT;
	int n;

	if (size < SUBID_MAP_MAX || end > UINT32_MAX)
		return -EINVAL;
	if (self < 0)
		return snprintf(buf, size, "0 %u %u\n", start, SUBID_SLOT);
	if (self == 0 || self >= UINT32_MAX ||
	    (start && (uint64_t)self >= start && (uint64_t)self < end))
		return -EINVAL;
	if (self >= SUBID_SLOT)
		return snprintf(buf, size, "0 %u %u\n%lld %lld 1\n", start, SUBID_SLOT, self, self);
	n = snprintf(buf, size, "0 %u %lld\n%lld %lld 1\n", start, self, self, self);
	if (self + 1 < SUBID_SLOT)
		n += snprintf(buf + n, size - (size_t)n, "%lld %llu %lld\n", self + 1,
			      (unsigned long long)start + (unsigned long long)self + 1,
			      SUBID_SLOT - 1 - self);
	return n;
}

bool subid_passwd_name(const char *buf, size_t len, uid_t uid, char *name, size_t size)
{
	const char *end = buf + len;

	for (const char *line = buf; line < end;) {
		const char *nl = memchr(line, '\n', (size_t)(end - line));
		const char *eol = nl ? nl : end;
		const char *f[3] = { NULL };	/* the first three colons */
		const char *at = line;
		uint32_t v;

		for (int i = 0; i < 3 && at < eol; i++) {
			f[i] = memchr(at, ':', (size_t)(eol - at));
			if (!f[i])
				break;
			at = f[i] + 1;
		}
		if (f[2] && f[0] > line && !memchr(line, '\0', (size_t)(f[0] - line)) &&
		    line[0] != '#' && line[0] != '+' && line[0] != '-' &&
		    parse_u32(f[1] + 1, (size_t)(f[2] - f[1] - 1), &v) && v == uid) {
			/* the first line of the uid is its name, or none */
			if ((size_t)(f[0] - line) >= size)
				return false;
			memcpy(name, line, (size_t)(f[0] - line));
			name[f[0] - line] = '\0';
			return true;
		}
		line = eol + 1;
	}
	return false;
}

const char *subid_keep_id(const char *arg, uid_t uid, gid_t gid)
{
	const char *colon = strchr(arg, ':');
	uint32_t u, g;

	if (!colon || !parse_u32(arg, (size_t)(colon - arg), &u) ||
	    !parse_u32(colon + 1, strlen(colon + 1), &g))
		return "expected UID:GID";
	if (u != uid || g != gid)
		return "keep-id maps only your own uid and gid";
	if (u == 0 || g == 0)
		return "not for root: container ids would be host root's";
	if (u == UINT32_MAX || g == UINT32_MAX)
		return "not an id";
	return NULL;
}
