// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_subid.c - libFuzzer target for subid_parse(); built by "make fuzz"
 *
 * A first byte below NCALLERS, which no real file starts with, picks the
 * caller (name, uid and own id) from a small table and is not part of the
 * file; otherwise the caller is ecitest, uid 1000, and the seeds are plain
 * /etc/subuid files.  Beyond the memory errors the sanitizers catch, every
 * result is checked against what subid.h promises, and each accepted range
 * is parsed again from its line by a second, naive reader: a range the helper
 * would map must come from a line that really says so, for this caller.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "subid.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

struct caller {
	const char *name;
	uid_t uid;
	uint32_t self;
};

static const struct caller callers[] = {
	{ "ecitest", 1000, 1000 },
	{ "ecitest", 1000, 100000 },
	{ NULL, 1000, 1000 },
	{ "1000", 2000, 2000 },
	{ "a", 0, 0 },
	{ "", 4294967295u, 4294967294u },
	{ "ecitest1", 1, 4294967294u },
	{ NULL, 0, 65536 },
};

#define NCALLERS (sizeof(callers) / sizeof(callers[0]))

struct seen {
	const uint8_t *buf;
	size_t len;
	unsigned last;		/* last line warned about */
	bool *warned;		/* indexed by line number */
	unsigned lines;
};

static void check(bool ok)
{
	if (!ok)
		abort();
}

static void on_warn(void *ctx, unsigned line, const char *why)
{
	struct seen *s = ctx;

	/* At most one warning per line, in file order, with a reason. */
	check(line > s->last && line <= s->lines);
	check(why && *why);
	s->last = line;
	s->warned[line] = true;
}

/* Find line @n (1-based), without its LF and one trailing CR. */
static const char *find_line(const uint8_t *buf, size_t len, unsigned n, size_t *l)
{
	const char *p = (const char *)buf, *end = p + len, *nl;

	while (--n) {
		nl = memchr(p, '\n', (size_t)(end - p));
		check(nl != NULL);
		p = nl + 1;
	}
	nl = memchr(p, '\n', (size_t)(end - p));
	*l = nl ? (size_t)(nl - p) : (size_t)(end - p);
	if (*l && p[*l - 1] == '\r')
		(*l)--;
	return p;
}

/* Digits only, at most ten, as the file format says; value in @v. */
static bool naive_num(const char *s, size_t l, uint64_t *v)
{
	*v = 0;
	if (l == 0 || l > 10)
		return false;
	for (size_t i = 0; i < l; i++) {
		if (s[i] < '0' || s[i] > '9')
			return false;
		*v = *v * 10 + (uint64_t)(s[i] - '0');
	}
	return true;
}

/* Does line r->line say "OWNER:START:COUNT" for this caller and range? */
static void recheck_line(const struct seen *s, const struct caller *c,
			 const struct subid_range *r)
{
	size_t l, c1, c2;
	const char *p = find_line(s->buf, s->len, r->line, &l);
	uint64_t v;

	check(l > 0 && l <= SUBID_MAX_LINE && p[0] != '#' && !memchr(p, '\0', l));
	for (c1 = 0; c1 < l && p[c1] != ':'; c1++)
		;
	for (c2 = c1 + 1; c2 < l && p[c2] != ':'; c2++)
		;
	check(c1 > 0 && c2 < l);
	check((c->name && strlen(c->name) == c1 && !memcmp(p, c->name, c1)) ||
	      (naive_num(p, c1, &v) && v == c->uid));
	check(naive_num(p + c1 + 1, c2 - c1 - 1, &v) && v == r->start);
	check(naive_num(p + c2 + 1, l - c2 - 1, &v) && v == r->count);
}

/* subid.h's rules restated, so that a bug in subid_check_range() shows. */
static bool naive_safe(const struct subid_range *r, uint32_t self)
{
	uint64_t last = (uint64_t)r->start + r->count - 1;

	return r->count > 0 && r->start > 0 && last <= 4294967294u &&
	       (self < r->start || self > last);
}

static void check_ranges(const struct seen *s, const struct caller *c,
			 const struct subid_range *r, size_t n)
{
	check(n <= SUBID_MAX_RANGES);
	for (size_t i = 0; i < n; i++) {
		uint64_t ie = (uint64_t)r[i].start + r[i].count;

		check(subid_check_range(&r[i], c->self) == NULL);
		check(naive_safe(&r[i], c->self));
		check(r[i].line >= 1 && r[i].line <= s->lines);
		check(!s->warned[r[i].line]);
		check(i == 0 || r[i].line > r[i - 1].line);
		recheck_line(s, c, &r[i]);
		for (size_t j = 0; j < i; j++) {
			uint64_t je = (uint64_t)r[j].start + r[j].count;

			check(r[i].start >= je || r[j].start >= ie);
		}
	}
}

/* Every slot lies whole inside the range of the line it claims. */
static void check_slots(const struct subid_range *r, size_t n)
{
	size_t total = subid_slot_count(r, n), i;
	uint32_t start;
	unsigned line;

	for (i = 0; i < total; i++) {
		size_t k;

		check(subid_slot(r, n, i, &start, &line) == 0);
		for (k = 0; k < n && r[k].line != line; k++)
			;
		check(k < n && start >= r[k].start &&
		      (uint64_t)start + SUBID_SLOT <=
		      (uint64_t)r[k].start + r[k].count);
	}
	check(subid_slot(r, n, total, &start, &line) == -ERANGE);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const struct caller *c;
	struct subid_range *r;
	struct seen s = { 0 };
	size_t n;

	c = &callers[0];
	s.buf = data;
	s.len = size;
	if (size && data[0] < NCALLERS) {
		c = &callers[data[0]];
		s.buf++;
		s.len--;
	}
	s.lines = 1;
	for (size_t i = 0; i < s.len; i++)
		s.lines += s.buf[i] == '\n';
	s.warned = calloc(s.lines + 1, sizeof(*s.warned));
	/* Exactly SUBID_MAX_RANGES entries, so that ASan sees any overrun. */
	r = malloc(SUBID_MAX_RANGES * sizeof(*r));
	check(s.warned && r);
	n = subid_parse((const char *)s.buf, s.len, c->name, c->uid, c->self, r,
			on_warn, &s);
	check_ranges(&s, c, r, n);
	check_slots(r, n);
	free(r);
	free(s.warned);
	return 0;
}
