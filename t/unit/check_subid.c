// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_subid.c - subid_parse() and friends, on files held in memory
 *
 * The caller is "ecitest", uid 1000, and its own id (the one that must never
 * be mapped) is 1000 too.  Every skipped line of the caller's is recorded
 * through the warn callback so that tests can say which lines were refused
 * and why; lines of other users must never show up there.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "subid.h"
#include "tap.h"
#include "unit.h"

#define USER "ecitest"
#define UID 1000
#define SELF 1000u
#define MAX_WARNS 16

struct warns {
	unsigned n;
	unsigned line[MAX_WARNS];
	const char *why[MAX_WARNS];
};

static struct subid_range out[SUBID_MAX_RANGES];
static struct warns w;

static void record(void *ctx, unsigned line, const char *why)
{
	struct warns *ws = ctx;

	if (ws->n < MAX_WARNS) {
		ws->line[ws->n] = line;
		ws->why[ws->n] = why;
	}
	ws->n++;
}

static size_t parse_as(const char *buf, size_t len, const char *user, uid_t id)
{
	memset(&w, 0, sizeof(w));
	memset(out, 0xa5, sizeof(out));
	return subid_parse(buf, len, user, id, SELF, out, record, &w);
}

static size_t parse(const char *s)
{
	return parse_as(s, strlen(s), USER, UID);
}

/* Assert that warning @i is for @line and its reason mentions @word. */
static void ck_warn(unsigned i, unsigned line, const char *word)
{
	ck_assert_uint_lt(i, w.n);
	ck_assert_uint_eq(w.line[i], line);
	ck_assert_ptr_nonnull(w.why[i]);
	ck_assert_ptr_nonnull(strstr(w.why[i], word));
}

static void ck_range(size_t i, uint32_t start, uint32_t count, unsigned line)
{
	ck_assert_uint_eq(out[i].start, start);
	ck_assert_uint_eq(out[i].count, count);
	ck_assert_uint_eq(out[i].line, line);
}

/* --- well-formed files ---------------------------------------------------- */

START_TEST(test_basic)
{
	ck_assert_uint_eq(parse("ecitest:100000:65536\n"), 1);
	ck_range(0, 100000, 65536, 1);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

START_TEST(test_empty_file)
{
	ck_assert_uint_eq(parse(""), 0);
	ck_assert_uint_eq(parse("\n\n\n"), 0);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

START_TEST(test_no_final_newline)
{
	ck_assert_uint_eq(parse("other:1:1\necitest:100000:65536"), 1);
	ck_range(0, 100000, 65536, 2);
}
END_TEST

START_TEST(test_comments_blank)
{
	const char *f = "# subuid\n\n#ecitest:200000:65536\n"
			"ecitest:100000:65536\n\n# end\n";

	ck_assert_uint_eq(parse(f), 1);
	ck_range(0, 100000, 65536, 4);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

START_TEST(test_crlf)
{
	const char *f = "# dos\r\n\r\necitest:100000:65536\r\n"
			"ecitest:200000:65536\r\n";

	ck_assert_uint_eq(parse(f), 2);
	ck_range(0, 100000, 65536, 3);
	ck_range(1, 200000, 65536, 4);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

/* Only one CR is line ending; a second one is part of the count. */
START_TEST(test_double_cr)
{
	ck_assert_uint_eq(parse("ecitest:100000:65536\r\r\n"), 0);
	ck_warn(0, 1, "malformed");
}
END_TEST

START_TEST(test_match_uid)
{
	ck_assert_uint_eq(parse("1000:100000:65536\n"), 1);
	ck_range(0, 100000, 65536, 1);
	ck_assert_uint_eq(parse_as("1000:100000:65536\n", 18, NULL, 1000), 1);
	ck_assert_uint_eq(out[0].start, 100000);
}
END_TEST

START_TEST(test_name_and_uid_mixed)
{
	const char *f = "ecitest:100000:65536\n1000:200000:65536\n";

	ck_assert_uint_eq(parse(f), 2);
	ck_range(0, 100000, 65536, 1);
	ck_range(1, 200000, 65536, 2);
}
END_TEST

/* "ecitest" must not take the ranges of "ecitest1", nor the reverse. */
START_TEST(test_name_prefix)
{
	const char *f = "ecitest1:100000:65536\necites:200000:65536\n"
			"ECITEST:300000:65536\necitestecitest:400000:65536\n";

	ck_assert_uint_eq(parse(f), 0);
	ck_assert_uint_eq(w.n, 0);
	ck_assert_uint_eq(parse_as(f, strlen(f), "ecitest1", 1001), 1);
	ck_range(0, 100000, 65536, 1);
}
END_TEST

START_TEST(test_uid_prefix)
{
	const char *f = "10000:100000:65536\n100:200000:65536\n1001:300000:65536\n";

	ck_assert_uint_eq(parse(f), 0);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

START_TEST(test_file_order)
{
	const char *f = "ecitest:300000:65536\nother:100000:65536\n\n"
			"ecitest:100000:65536\n# x\necitest:500000:10\n";

	ck_assert_uint_eq(parse(f), 3);
	ck_range(0, 300000, 65536, 1);
	ck_range(1, 100000, 65536, 4);
	ck_range(2, 500000, 10, 6);
}
END_TEST

/* Another user's unsafe or malformed lines are not the caller's business. */
START_TEST(test_other_users_ignored)
{
	const char *f = "other:0:65536\nother:1:0\nother:4294967295:1\n"
			"root:1000:1\nother:x:1\nother:1\nother:1:2:3\n"
			"ecitest:100000:65536\nother:100000:65536\n";

	ck_assert_uint_eq(parse(f), 1);
	ck_range(0, 100000, 65536, 8);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

/* --- ranges that are refused ---------------------------------------------- */

START_TEST(test_overflow_one)
{
	ck_assert_uint_eq(parse("ecitest:4294967295:1\n"), 0);
	ck_warn(0, 1, "last valid id");
}
END_TEST

/* 32-bit start + count would wrap round to a small, innocent-looking end. */
START_TEST(test_overflow_wrap)
{
	ck_assert_uint_eq(parse("ecitest:4294967295:4294967295\n"), 0);
	ck_assert_uint_eq(parse("ecitest:2:4294967295\n"), 0);
	ck_assert_uint_eq(parse("ecitest:65536:4294901760\n"), 0);
	ck_warn(0, 1, "last valid id");
}
END_TEST

/* The last id may be 4294967294, never 4294967295 ((uid_t)-1). */
START_TEST(test_overflow_boundary)
{
	ck_assert_uint_eq(parse("ecitest:4294901759:65536\n"), 1);
	ck_range(0, 4294901759u, 65536, 1);
	ck_assert_uint_eq(parse("ecitest:4294967294:1\n"), 1);
	ck_assert_uint_eq(parse("ecitest:4294901760:65536\n"), 0);
	ck_warn(0, 1, "last valid id");
	ck_assert_uint_eq(parse("ecitest:4294967294:2\n"), 0);
}
END_TEST

START_TEST(test_count_zero)
{
	ck_assert_uint_eq(parse("ecitest:100000:0\n"), 0);
	ck_warn(0, 1, "empty");
}
END_TEST

START_TEST(test_start_zero)
{
	ck_assert_uint_eq(parse("ecitest:0:65536\n"), 0);
	ck_warn(0, 1, "id 0");
	ck_assert_uint_eq(parse("ecitest:0:1\n"), 0);
	ck_assert_uint_eq(parse("ecitest:1:1\n"), 1);
}
END_TEST

START_TEST(test_self)
{
	const char *f = "ecitest:1000:1\necitest:900:200\necitest:1:1000\n"
			"ecitest:1001:65536\necitest:1:999\n";

	ck_assert_uint_eq(parse(f), 2);
	ck_range(0, 1001, 65536, 4);
	ck_range(1, 1, 999, 5);
	ck_assert_uint_eq(w.n, 3);
	ck_warn(0, 1, "own id");
	ck_warn(1, 2, "own id");
	ck_warn(2, 3, "own id");
}
END_TEST

START_TEST(test_overlap)
{
	const char *f = "ecitest:100000:65536\necitest:165535:10\n"
			"ecitest:165536:65536\necitest:50000:50001\n"
			"ecitest:100000:65536\necitest:50000:50000\n";

	ck_assert_uint_eq(parse(f), 3);
	ck_range(0, 100000, 65536, 1);
	ck_range(1, 165536, 65536, 3);
	ck_range(2, 50000, 50000, 6);
	ck_assert_uint_eq(w.n, 3);
	ck_warn(0, 2, "overlap");
	ck_warn(1, 4, "overlap");
	ck_warn(2, 5, "overlap");
}
END_TEST

/* A range that contains a later one but was refused must not hide it. */
START_TEST(test_refused_does_not_shadow)
{
	ck_assert_uint_eq(parse("ecitest:0:300000\necitest:100000:65536\n"), 1);
	ck_range(0, 100000, 65536, 2);
	ck_assert_uint_eq(w.n, 1);
	ck_warn(0, 1, "id 0");
}
END_TEST

/* Another user's range may overlap the caller's: not this parser's call. */
START_TEST(test_overlap_other_user)
{
	ck_assert_uint_eq(parse("other:100000:65536\necitest:100000:65536\n"), 1);
	ck_assert_uint_eq(w.n, 0);
}
END_TEST

/* --- malformed lines ------------------------------------------------------ */

static const char *const malformed[] = {
	"ecitest",
	"ecitest:100000",
	"ecitest:100000:",
	"ecitest::65536",
	"ecitest::",
	"ecitest:+100000:65536",
	"ecitest:-1:65536",
	"ecitest:100000:+65536",
	"ecitest:100000:-65536",
	"ecitest: 100000:65536",
	"ecitest:100000 :65536",
	"ecitest:100000: 65536",
	"ecitest:100000:65536 ",
	"ecitest:100000:65536\t",
	"ecitest:0x186a0:65536",
	"ecitest:100000:0x10000",
	"ecitest:1e5:65536",
	"ecitest:01000000000:1",	/* 11 digits, even if the value fits */
	"ecitest:1:00000065536",
	"ecitest:4294967296:1",
	"ecitest:1:4294967296",
	"ecitest:99999999999:1",
	"ecitest:100000:65536x",
	"ecitest:100000:65536:",
	"ecitest:100000:65536:1",
	"ecitest:100000:65536 # comment",
	"ecitest:100000;65536",
	"1000:abc:1",
};

START_TEST(test_malformed)
{
	const char *l = malformed[_i];

	ck_assert_msg(parse(l) == 0, "accepted \"%s\"", l);
	ck_assert_msg(w.n == 1, "%u warnings for \"%s\"", w.n, l);
	ck_warn(0, 1, "malformed");
}
END_TEST

/* Ten digits with leading zeros are still a number. */
START_TEST(test_leading_zeros)
{
	ck_assert_uint_eq(parse("ecitest:0000100000:0000065536\n"), 1);
	ck_range(0, 100000, 65536, 1);
}
END_TEST

/* A line without a colon cannot be attributed and might be ours: warn. */
START_TEST(test_no_colon)
{
	ck_assert_uint_eq(parse("garbage\necitest:100000:65536\n"), 1);
	ck_assert_uint_eq(w.n, 1);
	ck_warn(0, 1, "malformed");
}
END_TEST

START_TEST(test_owner_spaces)
{
	const char *f = " ecitest:100000:65536\necitest :200000:65536\n";

	ck_assert_uint_eq(parse(f), 0);
	ck_assert_uint_eq(parse_as(f, strlen(f), " ecitest", 1), 1);
	ck_range(0, 100000, 65536, 1);
}
END_TEST

START_TEST(test_empty_owner)
{
	ck_assert_uint_eq(parse(":100000:65536\necitest:200000:65536\n"), 1);
	ck_range(0, 200000, 65536, 2);
	ck_assert_uint_eq(parse_as(":100000:65536\n", 14, NULL, 0), 0);
}
END_TEST

START_TEST(test_nul_byte)
{
	static const char f[] = "ecitest:100000:65536\n"
				"ecitest:2" "\0" "00000:65536\n"
				"ecitest:300000:65536\n";

	ck_assert_uint_eq(parse_as(f, sizeof(f) - 1, USER, UID), 2);
	ck_range(0, 100000, 65536, 1);
	ck_range(1, 300000, 65536, 3);
	ck_assert_uint_eq(w.n, 1);
	ck_warn(0, 2, "binary");
}
END_TEST

/* "ecitest\0evil" must not be read as "ecitest" by a str* function. */
START_TEST(test_nul_in_owner)
{
	static const char f[] = "ecitest" "\0" "x:100000:65536\n";

	ck_assert_uint_eq(parse_as(f, sizeof(f) - 1, USER, UID), 0);
	ck_warn(0, 1, "binary");
}
END_TEST

/* A line of @len bytes, owner padded with 'a', for user @name. */
static char *long_line(size_t len, const char *tail, char **name)
{
	size_t olen = len - strlen(tail);
	char *s = malloc(len + 2);

	ck_assert_ptr_nonnull(s);
	memset(s, 'a', olen);
	strcpy(s + olen, tail);
	*name = strndup(s, olen);
	ck_assert_ptr_nonnull(*name);
	return s;
}

START_TEST(test_line_max)
{
	char *name, *s = long_line(SUBID_MAX_LINE, ":100000:65536", &name);

	ck_assert_uint_eq(strlen(s), SUBID_MAX_LINE);
	ck_assert_uint_eq(parse_as(s, strlen(s), name, 1), 1);
	strcat(s, "\r");	/* the CR is not part of the line */
	ck_assert_uint_eq(parse_as(s, strlen(s), name, 1), 1);
	free(name);
	free(s);
}
END_TEST

START_TEST(test_line_too_long)
{
	char *name, *s = long_line(SUBID_MAX_LINE + 1, ":100000:65536", &name);

	ck_assert_uint_eq(parse_as(s, strlen(s), name, 1), 0);
	ck_assert_uint_eq(w.n, 1);
	ck_warn(0, 1, "too long");
	free(name);
	free(s);
}
END_TEST

/* The parser must stop at @len and never look for a NUL. */
static size_t parse_exact(const char *s, size_t len)
{
	char *b = malloc(len ? len : 1);
	size_t n;

	ck_assert_ptr_nonnull(b);
	memcpy(b, s, len);
	n = parse_as(b, len, USER, UID);
	free(b);
	return n;
}

START_TEST(test_not_nul_terminated)
{
	const char *f = "ecitest:100000:65536\necitest:200000:65536\n";

	ck_assert_uint_eq(parse_exact(f, strlen("ecitest:100000:655")), 1);
	ck_range(0, 100000, 655, 1);
	ck_assert_uint_eq(parse_exact(f, strlen("ecitest:100000:65536\necitest:200000:6")), 2);
	ck_range(1, 200000, 6, 2);
	ck_assert_uint_eq(parse_exact(f, strlen("ecitest:100000:65536\necitest:200000:")), 1);
	ck_warn(0, 2, "malformed");
	ck_assert_uint_eq(parse_exact(f, 0), 0);
}
END_TEST

/* A length shorter than the owner makes it another user's line. */
START_TEST(test_len_cuts_owner)
{
	ck_assert_uint_eq(parse_exact("ecitest:100000:65536\n", 3), 0);
	ck_assert_uint_eq(w.n, 1);	/* "eci": no colon, may be ours */
	ck_warn(0, 1, "malformed");
}
END_TEST

/* Write @lines ranges of 10 ids, 20 apart, for the caller. */
static char *many_ranges(unsigned lines)
{
	char *f = malloc((size_t)lines * 32 + 1), *p = f;

	ck_assert_ptr_nonnull(f);
	for (unsigned i = 0; i < lines; i++)
		p += sprintf(p, "ecitest:%u:10\n", 100000 + 20 * i);
	return f;
}

START_TEST(test_max_ranges)
{
	char *f = many_ranges(SUBID_MAX_RANGES);

	ck_assert_uint_eq(parse(f), SUBID_MAX_RANGES);
	ck_range(SUBID_MAX_RANGES - 1, 100000 + 20 * (SUBID_MAX_RANGES - 1), 10,
		 SUBID_MAX_RANGES);
	ck_assert_uint_eq(w.n, 0);
	free(f);
}
END_TEST

START_TEST(test_too_many_ranges)
{
	char *f = many_ranges(SUBID_MAX_RANGES + 3);

	ck_assert_uint_eq(parse(f), SUBID_MAX_RANGES);
	ck_range(0, 100000, 10, 1);
	ck_range(SUBID_MAX_RANGES - 1, 100000 + 20 * (SUBID_MAX_RANGES - 1), 10,
		 SUBID_MAX_RANGES);
	ck_assert_uint_eq(w.n, 3);
	ck_warn(0, SUBID_MAX_RANGES + 1, "too many");
	ck_warn(2, SUBID_MAX_RANGES + 3, "too many");
	free(f);
}
END_TEST

/* --- the warn callback ---------------------------------------------------- */

START_TEST(test_warn_each_line)
{
	const char *f = "# header\n"		/* 1 */
			"ecitest:100000:65536\n"	/* 2 ok */
			"ecitest:0:10\n"		/* 3 root */
			"other:0:10\n"		/* 4 not ours */
			"ecitest:100000:1\n"	/* 5 overlap */
			"ecitest:x:1\n"		/* 6 malformed */
			"\n"			/* 7 */
			"ecitest:1:0\r\n"		/* 8 empty */
			"1000:4294967295:1\n"	/* 9 past the end */
			"ecitest:500:1000\n"	/* 10 own id */
			"ecitest:300000:65536";	/* 11 ok */

	ck_assert_uint_eq(parse(f), 2);
	ck_assert_uint_eq(w.n, 6);
	ck_warn(0, 3, "id 0");
	ck_warn(1, 5, "overlap");
	ck_warn(2, 6, "malformed");
	ck_warn(3, 8, "empty");
	ck_warn(4, 9, "last valid id");
	ck_warn(5, 10, "own id");
}
END_TEST

START_TEST(test_warn_null)
{
	const char *f = "ecitest:0:10\necitest:x\ngarbage\necitest:100000:65536\n";

	ck_assert_uint_eq(subid_parse(f, strlen(f), USER, UID, SELF, out, NULL, NULL), 1);
	ck_assert_uint_eq(out[0].line, 4);
}
END_TEST

/* --- subid_check_range() -------------------------------------------------- */

static const char *check(uint32_t start, uint32_t count, uint32_t self)
{
	struct subid_range r = { .start = start, .count = count, .line = 1 };

	return subid_check_range(&r, self);
}

START_TEST(test_check_ok)
{
	ck_assert_ptr_null(check(100000, 65536, 1000));
	ck_assert_ptr_null(check(1, 1, 1000));
	ck_assert_ptr_null(check(4294967294u, 1, 1000));
	ck_assert_ptr_null(check(4294901759u, 65536, 1000));
	ck_assert_ptr_null(check(1, 4294967294u, 0));
}
END_TEST

START_TEST(test_check_bad)
{
	ck_assert_ptr_nonnull(check(100000, 0, 1000));
	ck_assert_ptr_nonnull(check(0, 1, 1000));
	ck_assert_ptr_nonnull(check(0, 0, 1000));
	ck_assert_ptr_nonnull(check(4294967295u, 1, 1000));
	ck_assert_ptr_nonnull(check(4294901760u, 65536, 1000));
	ck_assert_ptr_nonnull(check(4294967294u, 2, 1000));
	ck_assert_ptr_nonnull(check(1, 4294967295u, 0));
}
END_TEST

START_TEST(test_check_wrap)
{
	ck_assert_ptr_nonnull(check(4294967295u, 4294967295u, 1000));
	ck_assert_ptr_nonnull(check(2, 4294967295u, 1000));
	ck_assert_ptr_nonnull(check(65536, 4294901760u, 1000));
}
END_TEST

START_TEST(test_check_self)
{
	ck_assert_ptr_nonnull(check(1000, 1, 1000));
	ck_assert_ptr_nonnull(check(999, 2, 1000));
	ck_assert_ptr_nonnull(check(1, 1000, 1000));
	ck_assert_ptr_null(check(1, 999, 1000));
	ck_assert_ptr_null(check(1001, 65536, 1000));
	ck_assert_ptr_nonnull(check(4294901759u, 65536, 4294967294u));
}
END_TEST

/* --- slots ---------------------------------------------------------------- */

START_TEST(test_slot_count)
{
	struct subid_range r[] = {
		{ .start = 100000, .count = 3 * SUBID_SLOT + 100, .line = 1 },
		{ .start = 900000, .count = SUBID_SLOT - 1, .line = 2 },
		{ .start = 1000000, .count = SUBID_SLOT, .line = 3 },
	};

	ck_assert_uint_eq(subid_slot_count(r, 1), 3);
	ck_assert_uint_eq(subid_slot_count(r + 1, 1), 0);
	ck_assert_uint_eq(subid_slot_count(r, 3), 4);
	ck_assert_uint_eq(subid_slot_count(r, 0), 0);
}
END_TEST

START_TEST(test_slot_starts)
{
	struct subid_range r[] = {
		{ .start = 100000, .count = 2 * SUBID_SLOT + 7, .line = 3 },
		{ .start = 500000, .count = 100, .line = 5 },
		{ .start = 1000000, .count = SUBID_SLOT, .line = 9 },
	};
	static const uint32_t want[] = { 100000, 165536, 1000000 };
	static const unsigned lines[] = { 3, 3, 9 };
	uint32_t start;
	unsigned line;

	ck_assert_uint_eq(subid_slot_count(r, 3), 3);
	for (size_t i = 0; i < 3; i++) {
		ck_assert_int_eq(subid_slot(r, 3, i, &start, &line), 0);
		ck_assert_uint_eq(start, want[i]);
		ck_assert_uint_eq(line, lines[i]);
	}
}
END_TEST

START_TEST(test_slot_out_of_range)
{
	struct subid_range r[] = {
		{ .start = 100000, .count = 3 * SUBID_SLOT + 100, .line = 1 },
		{ .start = 900000, .count = SUBID_SLOT, .line = 2 },
	};
	uint32_t start;

	ck_assert_int_eq(subid_slot(r, 2, 3, &start, NULL), 0);
	ck_assert_uint_eq(start, 900000);
	ck_assert_int_eq(subid_slot(r, 2, 4, &start, NULL), -ERANGE);
	ck_assert_int_eq(subid_slot(r, 2, (size_t)-1, &start, NULL), -ERANGE);
	ck_assert_int_eq(subid_slot(r, 0, 0, &start, NULL), -ERANGE);
}
END_TEST

START_TEST(test_slot_top)
{
	struct subid_range r = { .start = 4294901759u, .count = SUBID_SLOT, .line = 1 };
	uint32_t start;

	ck_assert_uint_eq(subid_slot_count(&r, 1), 1);
	ck_assert_int_eq(subid_slot(&r, 1, 0, &start, NULL), 0);
	ck_assert_uint_eq(start, 4294901759u);
	ck_assert_int_eq(subid_slot(&r, 1, 1, &start, NULL), -ERANGE);
}
END_TEST

/* From the file to the slots, as the helper does it. */
START_TEST(test_slot_from_file)
{
	const char *f = "ecitest:100000:196708\nother:300000:65536\n"
			"ecitest:1000000:65536\n";
	uint32_t start;
	unsigned line;
	size_t n = parse(f);

	ck_assert_uint_eq(n, 2);
	ck_assert_uint_eq(subid_slot_count(out, n), 4);
	ck_assert_int_eq(subid_slot(out, n, 2, &start, &line), 0);
	ck_assert_uint_eq(start, 231072);
	ck_assert_uint_eq(line, 1);
	ck_assert_int_eq(subid_slot(out, n, 3, &start, &line), 0);
	ck_assert_uint_eq(start, 1000000);
	ck_assert_uint_eq(line, 3);
}
END_TEST

/* --- keep-id: the map's text and the request's check ------------------------ */

static void map_is(uint32_t start, long long self, const char *want)
{
	char buf[SUBID_MAP_MAX];
	int n = subid_map_text(buf, sizeof(buf), start, self);

	ck_assert_int_eq(n, (int)strlen(want));
	ck_assert_str_eq(buf, want);
}

START_TEST(test_map_plain)
{
	map_is(100000, -1, "0 100000 65536\n");
	map_is(0, -1, "0 0 65536\n");
}
END_TEST

/* The user's id as itself; every other container id is the host id it
 * has without keep-id (START+k), and START+SELF is nobody's. */
START_TEST(test_map_keep)
{
	map_is(100000, 1000, "0 100000 1000\n1000 1000 1\n1001 101001 64535\n");
	map_is(0, 1000, "0 0 1000\n1000 1000 1\n1001 1001 64535\n");
	map_is(100000, 1, "0 100000 1\n1 1 1\n2 100002 65534\n");
	map_is(100000, 65535, "0 100000 65535\n65535 65535 1\n");
	/* beyond the container's 65536 ids: one more line */
	map_is(300000, 70000, "0 300000 65536\n70000 70000 1\n");
	map_is(0, 4294967294LL, "0 0 65536\n4294967294 4294967294 1\n");
}
END_TEST

/* Container root is never the user's id, nor host root; a slot that holds
 * the user's id is no slot (subid_check_range() refuses such a range). */
START_TEST(test_map_refused)
{
	char buf[SUBID_MAP_MAX];

	ck_assert_int_eq(subid_map_text(buf, sizeof(buf), 100000, 0), -EINVAL);
	ck_assert_int_eq(subid_map_text(buf, sizeof(buf), 100000, 4294967295LL), -EINVAL);
	ck_assert_int_eq(subid_map_text(buf, sizeof(buf), 100000, 100000), -EINVAL);
	ck_assert_int_eq(subid_map_text(buf, sizeof(buf), 100000, 165535), -EINVAL);
	ck_assert_int_gt(subid_map_text(buf, sizeof(buf), 100000, 165536), 0);
	ck_assert_int_eq(subid_map_text(buf, sizeof(buf), 4294901760u, 1000), -EINVAL);
	ck_assert_int_eq(subid_map_text(buf, 16, 100000, 1000), -EINVAL);
}
END_TEST

/*
 * The slot stays exclusive: apart from the user's own id, every host id a
 * keep-id map names lies in its slot, for every id the user may have.
 */
START_TEST(test_map_within_slot)
{
	static const long long selves[] = { 1, 2, 1000, 65534, 65535, 65536, 99999 };
	const uint32_t start = 100000;

	for (size_t i = 0; i < sizeof(selves) / sizeof(selves[0]); i++) {
		char buf[SUBID_MAP_MAX];
		unsigned long long in, host, count, total = 0;
		const char *p = buf;
		int used;

		ck_assert_int_gt(subid_map_text(buf, sizeof(buf), start, selves[i]), 0);
		while (sscanf(p, "%llu %llu %llu\n%n", &in, &host, &count, &used) == 3) {
			if (host == (unsigned long long)selves[i])
				ck_assert_msg(in == host && count == 1, "%s", buf);
			else
				ck_assert_msg(host >= start && host + count <= start + SUBID_SLOT &&
					      host - start == in, "%s", buf);
			total += count;
			p += used;
		}
		ck_assert_msg(*p == '\0', "%s", buf);
		ck_assert_uint_eq(total, selves[i] < SUBID_SLOT ? SUBID_SLOT : SUBID_SLOT + 1);
	}
}
END_TEST

/* The helper's check of "UID:GID" against the caller's real ids. */
START_TEST(test_keep_id_request)
{
	ck_assert_ptr_null(subid_keep_id("1000:1000", 1000, 1000));
	ck_assert_ptr_null(subid_keep_id("1000:50", 1000, 50));
	ck_assert_str_eq(subid_keep_id("1001:1000", 1000, 1000),
			 "keep-id maps only your own uid and gid");
	ck_assert_str_eq(subid_keep_id("1000:0", 1000, 1000),
			 "keep-id maps only your own uid and gid");
	ck_assert_str_eq(subid_keep_id("0:0", 0, 0),
			 "not for root: container ids would be host root's");
	ck_assert_str_eq(subid_keep_id("1000:0", 1000, 0),
			 "not for root: container ids would be host root's");
	ck_assert_str_eq(subid_keep_id("4294967295:5", 4294967295u, 5), "not an id");
	for (const char *const *bad = (const char *const[]){ "", "1000", ":1000", "1000:", "-1:1000",
							   "1000:+1000", " 1000:1000", "1000:1000 ",
							   "10000000000:1000", "1000:1000:1000",
							   "0x3e8:1000", NULL };
	     *bad; bad++)
		ck_assert_msg(subid_keep_id(*bad, 1000, 1000) &&
			      !strcmp(subid_keep_id(*bad, 1000, 1000), "expected UID:GID"),
			      "'%s' was taken", *bad);
}
END_TEST

static TCase *keepid_tcase(void)
{
	TCase *tc = tcase_create("keep-id");

	tcase_add_test(tc, test_map_plain);
	tcase_add_test(tc, test_map_keep);
	tcase_add_test(tc, test_map_refused);
	tcase_add_test(tc, test_map_within_slot);
	tcase_add_test(tc, test_keep_id_request);
	return tc;
}

static TCase *parse_tcase(void)
{
	TCase *tc = tcase_create("parse");

	tcase_add_test(tc, test_basic);
	tcase_add_test(tc, test_empty_file);
	tcase_add_test(tc, test_no_final_newline);
	tcase_add_test(tc, test_comments_blank);
	tcase_add_test(tc, test_crlf);
	tcase_add_test(tc, test_double_cr);
	tcase_add_test(tc, test_match_uid);
	tcase_add_test(tc, test_name_and_uid_mixed);
	tcase_add_test(tc, test_name_prefix);
	tcase_add_test(tc, test_uid_prefix);
	tcase_add_test(tc, test_file_order);
	tcase_add_test(tc, test_other_users_ignored);
	tcase_add_test(tc, test_leading_zeros);
	return tc;
}

static TCase *refuse_tcase(void)
{
	TCase *tc = tcase_create("refuse");

	tcase_add_test(tc, test_overflow_one);
	tcase_add_test(tc, test_overflow_wrap);
	tcase_add_test(tc, test_overflow_boundary);
	tcase_add_test(tc, test_count_zero);
	tcase_add_test(tc, test_start_zero);
	tcase_add_test(tc, test_self);
	tcase_add_test(tc, test_overlap);
	tcase_add_test(tc, test_refused_does_not_shadow);
	tcase_add_test(tc, test_overlap_other_user);
	tcase_add_test(tc, test_max_ranges);
	tcase_add_test(tc, test_too_many_ranges);
	tcase_add_test(tc, test_warn_each_line);
	tcase_add_test(tc, test_warn_null);
	return tc;
}

static TCase *malformed_tcase(void)
{
	TCase *tc = tcase_create("malformed");

	tcase_add_loop_test(tc, test_malformed, 0,
			    (int)(sizeof(malformed) / sizeof(malformed[0])));
	tcase_add_test(tc, test_no_colon);
	tcase_add_test(tc, test_owner_spaces);
	tcase_add_test(tc, test_empty_owner);
	tcase_add_test(tc, test_nul_byte);
	tcase_add_test(tc, test_nul_in_owner);
	tcase_add_test(tc, test_line_max);
	tcase_add_test(tc, test_line_too_long);
	tcase_add_test(tc, test_not_nul_terminated);
	tcase_add_test(tc, test_len_cuts_owner);
	return tc;
}

static TCase *range_tcase(void)
{
	TCase *tc = tcase_create("range");

	tcase_add_test(tc, test_check_ok);
	tcase_add_test(tc, test_check_bad);
	tcase_add_test(tc, test_check_wrap);
	tcase_add_test(tc, test_check_self);
	tcase_add_test(tc, test_slot_count);
	tcase_add_test(tc, test_slot_starts);
	tcase_add_test(tc, test_slot_out_of_range);
	tcase_add_test(tc, test_slot_top);
	tcase_add_test(tc, test_slot_from_file);
	return tc;
}

Suite *subid_suite(void)
{
	Suite *s = suite_create("subid");

	suite_add_tcase(s, parse_tcase());
	suite_add_tcase(s, refuse_tcase());
	suite_add_tcase(s, malformed_tcase());
	suite_add_tcase(s, range_tcase());
	suite_add_tcase(s, keepid_tcase());
	return s;
}
