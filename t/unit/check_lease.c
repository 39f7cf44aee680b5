// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_lease.c - lease records and the liveness rule, on text held in memory
 *
 * A lease names a slot of subordinate ids and the process holding it.  The
 * allocation trusts what it reads back from LEASE_DIR only as far as
 * lease_parse() does, so the parser is held to the one canonical form that
 * lease_format() writes: every deviation, however harmless it looks, must be
 * refused.  The /proc readers are fed lines shaped like the kernel's (see
 * fs/proc/array.c) and, once each, the real files of the test process.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "subid.h"
#include "tap.h"
#include "unit.h"

#define BOOT  "0f3e2d1c-4b5a-4789-9abc-def012345678"
#define BOOT2 "0f3e2d1c-4b5a-4789-9abc-def012345679"

/* The record of sample(), as lease_format() must write it. */
#define REC "eci-lease 1 uid=100000 gid=200000 owner=1000 pid=4242 start=123456 boot=" BOOT "\n"

static struct lease sample(void)
{
	struct lease l = {
		.uid_start = 100000,
		.gid_start = 200000,
		.owner = 1000,
		.pid = 4242,
		.starttime = 123456,
		.boot_id = BOOT,
	};

	return l;
}

static int parse(const char *s, struct lease *l)
{
	return lease_parse(s, strlen(s), l);
}

static void ck_lease_eq(const struct lease *a, const struct lease *b)
{
	ck_assert_uint_eq(a->uid_start, b->uid_start);
	ck_assert_uint_eq(a->gid_start, b->gid_start);
	ck_assert_uint_eq(a->owner, b->owner);
	ck_assert_int_eq(a->pid, b->pid);
	ck_assert_uint_eq(a->starttime, b->starttime);
	ck_assert_str_eq(a->boot_id, b->boot_id);
}

/* --- lease_format() / lease_parse() round trip ---------------------------- */

START_TEST(test_format_exact)
{
	struct lease l = sample();
	char buf[LEASE_MAX];

	ck_assert_int_eq(lease_format(&l, buf, sizeof(buf)), (int)strlen(REC));
	ck_assert_str_eq(buf, REC);
}
END_TEST

START_TEST(test_parse_exact)
{
	struct lease want = sample(), got;

	memset(&got, 0xa5, sizeof(got));
	ck_assert_int_eq(parse(REC, &got), 0);
	ck_lease_eq(&got, &want);
}
END_TEST

static const struct lease trips[] = {
	{ 100000, 100000, 1000, 4242, 123456, BOOT },
	{ 0, 0, 0, 1, 0, BOOT },
	{ 4294967295u, 4294967295u, 4294967295u, 4194304, ULLONG_MAX, BOOT },
	{ 1, 4294967294u, 65534, 2, 1, "00000000-0000-0000-0000-000000000000" },
	{ 4294901760u, 65536, 1000, 4194303, 18446744073709551614ull,
	  "ffffffff-ffff-ffff-ffff-ffffffffffff" },
	{ 165536, 231072, 60000, INT_MAX, 4294967296ull, "abcdef01-2345-6789-abcd-ef0123456789" },
};

START_TEST(test_round_trip)
{
	const struct lease *l = &trips[_i];
	struct lease got;
	char buf[LEASE_MAX + 1];
	int n = lease_format(l, buf, sizeof(buf));

	ck_assert_int_gt(n, 0);
	ck_assert_uint_eq((size_t)n, strlen(buf));
	ck_assert_int_le(n, LEASE_MAX);
	memset(&got, 0x5a, sizeof(got));
	ck_assert_int_eq(lease_parse(buf, (size_t)n, &got), 0);
	ck_lease_eq(&got, l);
}
END_TEST

START_TEST(test_format_enospc)
{
	struct lease l = sample();
	size_t len = strlen(REC);
	char buf[LEASE_MAX];

	/* The NUL needs a byte too. */
	ck_assert_int_eq(lease_format(&l, buf, len), -ENOSPC);
	ck_assert_int_eq(lease_format(&l, buf, len - 1), -ENOSPC);
	ck_assert_int_eq(lease_format(&l, buf, 1), -ENOSPC);
	ck_assert_int_eq(lease_format(&l, NULL, 0), -ENOSPC);
	ck_assert_int_eq(lease_format(&l, buf, len + 1), (int)len);
	ck_assert_str_eq(buf, REC);
}
END_TEST

/* Only @len bytes are the record; what follows them is not read. */
START_TEST(test_parse_len_bounds)
{
	struct lease want = sample(), got;
	char buf[sizeof(REC) + 16];

	snprintf(buf, sizeof(buf), "%sgarbage", REC);
	ck_assert_int_eq(lease_parse(buf, strlen(REC), &got), 0);
	ck_lease_eq(&got, &want);
	/* One byte short loses the newline. */
	ck_assert_int_eq(lease_parse(buf, strlen(REC) - 1, &got), -EINVAL);
	ck_assert_int_eq(lease_parse(buf, strlen(REC) + 1, &got), -EINVAL);
}
END_TEST

/* --- lease_parse() refusals ----------------------------------------------- */

#define P "eci-lease 1 "
#define U "uid=100000 "
#define G "gid=200000 "
#define O "owner=1000 "
#define I "pid=4242 "
#define S "start=123456 "
#define B "boot=" BOOT

static const char *const bad[] = {
	"",
	"\n",
	REC "\n",
	REC "x",
	REC REC,
	REC " ",
	/* line endings */
	P U G O I S B,
	P U G O I S B "\r\n",
	P U G O I S B " \n",
	P U G O I S B "\n\n",
	P U G O I S B " x\n",
	/* magic and version */
	"eci-lease 2 " U G O I S B "\n",
	"eci-lease 0 " U G O I S B "\n",
	"eci-lease 11 " U G O I S B "\n",
	"eci-lease1 " U G O I S B "\n",
	"ECI-lease 1 " U G O I S B "\n",
	"eci-leases 1 " U G O I S B "\n",
	U G O I S B "\n",
	/* missing fields */
	P G O I S B "\n",
	P U O I S B "\n",
	P U G I S B "\n",
	P U G O S B "\n",
	P U G O I B "\n",
	P U G O I S "\n",
	P U G O I "start=123456\n",
	P U G O I S "boot=\n",
	P "uid= " G O I S B "\n",
	P "uid=" G O I S B "\n",
	P "uid100000 " G O I S B "\n",
	P "uid:100000 " G O I S B "\n",
	/* fields reordered, doubled */
	P G U O I S B "\n",
	P U G I O S B "\n",
	P U G O S I B "\n",
	P U G O I B " start=123456\n",
	P U U G O I S B "\n",
	/* extra spaces, other blanks */
	" " REC,
	"eci-lease  1 " U G O I S B "\n",
	"eci-lease 1  " U G O I S B "\n",
	P "uid=100000  " G O I S B "\n",
	P "uid= 100000 " G O I S B "\n",
	P "uid =100000 " G O I S B "\n",
	P "uid=100000\t" G O I S B "\n",
	P U G O I S "boot= " BOOT "\n",
	/* non-canonical numbers */
	P "uid=0100000 " G O I S B "\n",
	P "uid=+100000 " G O I S B "\n",
	P U "gid=0200000 " O I S B "\n",
	P U "gid=+200000 " O I S B "\n",
	P U G "owner=01000 " I S B "\n",
	P U G "owner=+1000 " I S B "\n",
	P U G O "pid=04242 " S B "\n",
	P U G O "pid=+4242 " S B "\n",
	P U G O I "start=0123456 " B "\n",
	P U G O I "start=+123456 " B "\n",
	P U G O I "start=00 " B "\n",
	P "uid=00 " G O I S B "\n",
	P "uid=0x186a0 " G O I S B "\n",
	P "uid=1e5 " G O I S B "\n",
	P "uid=100000x " G O I S B "\n",
	/* pid */
	P U G O "pid=0 " S B "\n",
	P U G O "pid=-1 " S B "\n",
	P U G O "pid=-4242 " S B "\n",
	P U G O "pid=2147483648 " S B "\n",
	P U G O "pid=4294967297 " S B "\n",
	P U G O "pid=-2147483648 " S B "\n",
	/* 32-bit and 64-bit overflow, negative ids */
	P "uid=4294967296 " G O I S B "\n",
	P "uid=4294967396 " G O I S B "\n",
	P "uid=99999999999999999999 " G O I S B "\n",
	P "uid=-1 " G O I S B "\n",
	P U "gid=4294967296 " O I S B "\n",
	P U "gid=-1 " O I S B "\n",
	P U G "owner=4294967296 " I S B "\n",
	P U G "owner=-1 " I S B "\n",
	P U G O I "start=18446744073709551616 " B "\n",
	P U G O I "start=-1 " B "\n",
	/* boot id */
	P U G O I S "boot=0F3E2D1C-4B5A-4789-9ABC-DEF012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-Def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def01234567\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def0123456789\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def012345678a\n",
	P U G O I S "boot=0f3e2d1c4b5a47899abcdef012345678\n",
	P U G O I S "boot=0f3e2d1c4b5a47899abcdef0123456789999\n",
	P U G O I S "boot=0f3e2d1-c4b5a-4789-9abc-def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a4-789-9abc-def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-47899-abc-def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abcd-ef012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def01234567-\n",
	P U G O I S "boot=-0f3e2d1c4b5a-4789-9abc-def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def01234567g\n",
	P U G O I S "boot=0f3e2d1c_4b5a_4789_9abc_def012345678\n",
	P U G O I S "boot=0f3e2d1c-4b5a-4789-9abc-def0123 5678\n",
	P U G O I S "boot={0f3e2d1c-4b5a-4789-9abc-def01234}\n",
};

START_TEST(test_parse_bad)
{
	struct lease l;

	ck_assert_msg(parse(bad[_i], &l) == -EINVAL, "accepted bad[%d]: \"%s\"", _i, bad[_i]);
}
END_TEST

/* Each of the fields above is otherwise fine: the controls must pass. */
START_TEST(test_parse_controls)
{
	struct lease l;

	ck_assert_int_eq(parse(P U G O I S B "\n", &l), 0);
	ck_assert_int_eq(parse(P "uid=0 " G O I S B "\n", &l), 0);
	ck_assert_uint_eq(l.uid_start, 0);
	ck_assert_int_eq(parse(P U G O "pid=1 " S B "\n", &l), 0);
	ck_assert_int_eq(l.pid, 1);
	ck_assert_int_eq(parse(P U G O "pid=2147483647 " S B "\n", &l), 0);
	ck_assert_int_eq(l.pid, INT_MAX);
	ck_assert_int_eq(parse(P "uid=4294967295 " G O I S B "\n", &l), 0);
	ck_assert_uint_eq(l.uid_start, 4294967295u);
	ck_assert_int_eq(parse(P U G O I "start=18446744073709551615 " B "\n", &l), 0);
	ck_assert_uint_eq(l.starttime, ULLONG_MAX);
}
END_TEST

START_TEST(test_parse_nul)
{
	char buf[sizeof(REC)];
	struct lease l;
	size_t len = strlen(REC);

	memcpy(buf, REC, len + 1);
	buf[20] = '\0';
	ck_assert_int_eq(lease_parse(buf, len, &l), -EINVAL);
	memcpy(buf, REC, len + 1);
	buf[len - 1] = '\0';
	ck_assert_int_eq(lease_parse(buf, len, &l), -EINVAL);
	/* The string's own terminator, counted in @len. */
	memcpy(buf, REC, len + 1);
	ck_assert_int_eq(lease_parse(buf, len + 1, &l), -EINVAL);
}
END_TEST

START_TEST(test_parse_too_long)
{
	char buf[2 * LEASE_MAX];
	struct lease l;
	size_t len = strlen(REC);

	/* A valid record padded with blanks that the parser would skip. */
	memset(buf, ' ', sizeof(buf));
	memcpy(buf, REC, len - 1);
	buf[LEASE_MAX] = '\n';
	ck_assert_int_eq(lease_parse(buf, LEASE_MAX + 1, &l), -EINVAL);
	ck_assert_int_eq(lease_parse(buf, sizeof(buf), &l), -EINVAL);
	buf[LEASE_MAX - 1] = '\n';
	ck_assert_int_eq(lease_parse(buf, LEASE_MAX, &l), -EINVAL);
}
END_TEST

/* --- lease_stat_starttime() ----------------------------------------------- */

/*
 * A /proc/PID/stat line as do_task_stat() writes it, with field 22 set to
 * @start (given as text, so that malformed values can be tried).  Its
 * neighbours, 21 and 23, differ from any start time used here.
 */
static char stat_buf[1024];

static const char *mkstat(const char *comm, char state, const char *start)
{
	snprintf(stat_buf, sizeof(stat_buf),
		 "4242 (%s) %c 4200 4242 4242 34816 4242 4194560 1234 0 5 0 "
		 "17 9 0 0 20 0 1 0 %s 8478720 1024 18446744073709551615 "
		 "94846564397056 94846565312421 140726466010320 0 0 0 65536 "
		 "3686404 1266761467 1 0 0 17 3 0 0 0 0 0 94846565544496 "
		 "94846565591172 94846574473216 140726466017283 140726466017293 "
		 "140726466017293 140726466023406 0\n",
		 comm, state, start);
	return stat_buf;
}

static int starttime(const char *stat, unsigned long long *out)
{
	*out = 0xdeadbeef;
	return lease_stat_starttime(stat, out);
}

START_TEST(test_start_plain)
{
	unsigned long long t;

	ck_assert_int_eq(starttime(mkstat("bash", 'S', "987654"), &t), 0);
	ck_assert_uint_eq(t, 987654);
	ck_assert_int_eq(starttime(mkstat("init", 'R', "1"), &t), 0);
	ck_assert_uint_eq(t, 1);
}
END_TEST

START_TEST(test_start_extremes)
{
	unsigned long long t;

	ck_assert_int_eq(starttime(mkstat("sh", 'S', "0"), &t), 0);
	ck_assert_uint_eq(t, 0);
	ck_assert_int_eq(starttime(mkstat("sh", 'S', "18446744073709551615"), &t), 0);
	ck_assert_uint_eq(t, ULLONG_MAX);
	ck_assert_int_eq(starttime(mkstat("sh", 'S', "18446744073709551616"), &t), -EINVAL);
	ck_assert_int_eq(starttime(mkstat("sh", 'S', "99999999999999999999999"), &t), -EINVAL);
}
END_TEST

START_TEST(test_start_comm)
{
	static const char *const comms[] = {
		"a b c", "(a) b) (c)", ")", "(", "))", ") S 1 2 3 4 5 6", "a) 7 8 9 (", "", " ",
		"x 1 2 3 4 5 6 7", "0123456789abcde",
	};
	unsigned long long t;

	for (size_t i = 0; i < sizeof(comms) / sizeof(comms[0]); i++) {
		ck_assert_msg(starttime(mkstat(comms[i], 'S', "555123"), &t) == 0,
			      "comm \"%s\" refused", comms[i]);
		ck_assert_msg(t == 555123, "comm \"%s\": %llu", comms[i], t);
	}
}
END_TEST

START_TEST(test_start_field_22_only)
{
	unsigned long long t;

	/* Nothing after field 22, with and without the newline. */
	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 777\n", &t), 0);
	ck_assert_uint_eq(t, 777);
	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 778", &t), 0);
	ck_assert_uint_eq(t, 778);
	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 779 1", &t), 0);
	ck_assert_uint_eq(t, 779);
}
END_TEST

START_TEST(test_start_truncated)
{
	unsigned long long t;

	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0", &t), -EINVAL);
	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0 ", &t), -EINVAL);
	ck_assert_int_eq(starttime("1 (x) S 0 1 1 0 -1 4194560 1 2 3 4 5 6 7 8 20 0 1 0\n", &t), -EINVAL);
	ck_assert_int_eq(starttime("1 (x) S 0 1", &t), -EINVAL);
	ck_assert_int_eq(starttime("1 (x) S", &t), -EINVAL);
	ck_assert_int_eq(starttime("1 (x)", &t), -EINVAL);
	/* A truncated line whose comm alone has enough blanks. */
	ck_assert_int_eq(starttime("1 (1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20 21 22)", &t),
			 -EINVAL);
}
END_TEST

START_TEST(test_start_not_digits)
{
	static const char *const vals[] = {
		"abc", "-1", "+1", "12x", "0x10", "", "1.5", "1,2", "\t12",
	};
	unsigned long long t;

	for (size_t i = 0; i < sizeof(vals) / sizeof(vals[0]); i++)
		ck_assert_msg(starttime(mkstat("sh", 'S', vals[i]), &t) == -EINVAL,
			      "field 22 \"%s\" accepted", vals[i]);
}
END_TEST

START_TEST(test_start_no_paren)
{
	unsigned long long t;

	ck_assert_int_eq(starttime("", &t), -EINVAL);
	ck_assert_int_eq(starttime("4242 (bash S 4200 4242 4242 34816 4242 4194560 1234 0 5 0 "
				   "17 9 0 0 20 0 1 0 987654 8478720 1024\n", &t), -EINVAL);
	ck_assert_int_eq(starttime("4242 bash S 4200 4242 4242 34816 4242 4194560 1234 0 5 0 "
				   "17 9 0 0 20 0 1 0 987654 8478720 1024\n", &t), -EINVAL);
}
END_TEST

static char *read_proc(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "re");
	size_t n;

	ck_assert_msg(f != NULL, "%s: %s", path, strerror(errno));
	n = fread(buf, 1, size - 1, f);
	ck_assert_uint_gt(n, 0);
	ck_assert_uint_lt(n, size - 1);
	buf[n] = '\0';
	fclose(f);
	return buf;
}

/* Field 22 counted independently: tokens after the last ')' are 3, 4, ... */
START_TEST(test_start_self)
{
	char buf[4096], copy[4096], *tok, *save = NULL;
	unsigned long long t, want = 0;
	int field = 3;

	read_proc("/proc/self/stat", buf, sizeof(buf));
	memcpy(copy, buf, sizeof(copy));
	tok = strtok_r(strrchr(copy, ')') + 1, " \n", &save);
	for (; tok && field < 22; field++)
		tok = strtok_r(NULL, " \n", &save);
	ck_assert_ptr_nonnull(tok);
	want = strtoull(tok, NULL, 10);
	ck_assert_int_eq(starttime(buf, &t), 0);
	ck_assert_uint_gt(t, 0);
	ck_assert_uint_eq(t, want);
	ck_assert(!lease_stat_dead(buf));
}
END_TEST

/* The start time read twice is the same: it names the process, not a moment. */
START_TEST(test_start_self_stable)
{
	char buf[4096];
	unsigned long long a, b;

	ck_assert_int_eq(starttime(read_proc("/proc/self/stat", buf, sizeof(buf)), &a), 0);
	usleep(20000);
	ck_assert_int_eq(starttime(read_proc("/proc/self/stat", buf, sizeof(buf)), &b), 0);
	ck_assert_uint_eq(a, b);
}
END_TEST

/* --- lease_stat_dead() ---------------------------------------------------- */

START_TEST(test_dead_states)
{
	static const char alive[] = "RSDTtIWPK";
	static const char dead[] = "ZXx";

	for (const char *c = alive; *c; c++)
		ck_assert_msg(!lease_stat_dead(mkstat("sh", *c, "1")), "state %c counted dead", *c);
	for (const char *c = dead; *c; c++)
		ck_assert_msg(lease_stat_dead(mkstat("sh", *c, "1")), "state %c counted alive", *c);
}
END_TEST

/* The command name is the process's to choose; it must not decide. */
START_TEST(test_dead_comm)
{
	ck_assert(!lease_stat_dead(mkstat(") Z 1", 'S', "1")));
	ck_assert(!lease_stat_dead(mkstat("x) X (", 'R', "1")));
	ck_assert(lease_stat_dead(mkstat(") S 1", 'Z', "1")));
	ck_assert(lease_stat_dead(mkstat("(a) b) (c)", 'Z', "1")));
	ck_assert(!lease_stat_dead(mkstat("(a) b) (c)", 'S', "1")));
}
END_TEST

START_TEST(test_dead_malformed)
{
	ck_assert(lease_stat_dead(""));
	ck_assert(lease_stat_dead("4242 bash S 4200 4242\n"));
	ck_assert(lease_stat_dead("4242 (bash S 4200 4242\n"));
	ck_assert(lease_stat_dead("4242 (bash)"));
	ck_assert(lease_stat_dead("4242 (bash)S 4200 4242\n"));
	ck_assert(lease_stat_dead("4242 (bash)\nS 4200 4242\n"));
}
END_TEST

/* --- lease_stat_exiting() ------------------------------------------------- */

/* mkstat()'s line with field 9, the flags, as given. */
static const char *stat_flags(const char *comm, const char *flags)
{
	snprintf(stat_buf, sizeof(stat_buf),
		 "4242 (%s) R 4200 4242 4242 34816 4242 %s 1234 0 5 0 17 9 0 0 20 0 1 0 "
		 "987654 8478720 1024\n", comm, flags);
	return stat_buf;
}

START_TEST(test_exiting_flag)
{
	ck_assert(!lease_stat_exiting(stat_flags("sh", "4194560")));	/* 0x400100 */
	ck_assert(lease_stat_exiting(stat_flags("sh", "4194564")));	/* | PF_EXITING */
	ck_assert(lease_stat_exiting(stat_flags("sh", "4")));
	ck_assert(!lease_stat_exiting(stat_flags("sh", "0")));
	ck_assert(!lease_stat_exiting(stat_flags("sh", "8")));
	/* the command name is the process's to choose */
	ck_assert(!lease_stat_exiting(stat_flags(") R 1 1 1 1 1 4", "0")));
	ck_assert(lease_stat_exiting(stat_flags("(a) 4 4) 4", "4")));
	ck_assert(!lease_stat_exiting(stat_flags("sh", "x")));
	ck_assert(!lease_stat_exiting("4242 (sh) R 4200 4242\n"));
	ck_assert(!lease_stat_exiting("4242 sh R 4200 4242 4242 34816 4242 4\n"));
	ck_assert(!lease_stat_exiting(""));
}
END_TEST

/* Ending: exiting, or a pid 1 that has said its code and taken the name. */
START_TEST(test_ending)
{
	ck_assert(lease_stat_ending(stat_flags(LEASE_ENDING_COMM, "4194560")));
	ck_assert(lease_stat_ending(stat_flags("sh", "4194564")));	/* PF_EXITING */
	ck_assert(!lease_stat_ending(stat_flags("sh", "4194560")));
	ck_assert(!lease_stat_ending(stat_flags("eci-init", "4194560")));
	/* the whole name, not a part of it */
	ck_assert(!lease_stat_ending(stat_flags("eci-ending2", "0")));
	ck_assert(!lease_stat_ending(stat_flags("xeci-ending", "0")));
	ck_assert(!lease_stat_ending(stat_flags("eci-endin", "0")));
	/* the name ends at the last ')', as the kernel writes it */
	ck_assert(!lease_stat_ending(stat_flags("eci-ending) R (x", "0")));
	ck_assert(!lease_stat_ending("4242 eci-ending R 4200\n"));
	ck_assert(!lease_stat_ending("4242 (eci-ending R 4200\n"));
	ck_assert(!lease_stat_ending(""));
}
END_TEST

/*
 * The flag where the kernel puts it: a child that frees 512 MiB of small
 * pages as it exits (some milliseconds; huge pages would go at once) is
 * seen exiting for a while before it is a zombie; this process is not.
 */
START_TEST(test_exiting_real)
{
	char path[64], buf[4096];
	bool seen = false;
	pid_t pid = fork();
	int st;

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		size_t size = (size_t)512 << 20;
		char *p = mmap(NULL, size, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

		if (p == MAP_FAILED || madvise(p, size, MADV_NOHUGEPAGE) < 0)
			_exit(1);
		memset(p, 1, size);
		_exit(0);
	}
	ck_assert(!lease_stat_exiting(read_proc("/proc/self/stat", buf, sizeof(buf))));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	for (int i = 0; i < 2000000 && !seen; i++) {
		read_proc(path, buf, sizeof(buf));
		if (lease_stat_dead(buf))
			break;
		seen = lease_stat_exiting(buf);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "the child could not take 512 MiB");
	ck_assert_msg(seen, "the child was never seen exiting");
}
END_TEST

/* --- lease_alive() -------------------------------------------------------- */

static bool alive(const char *boot, bool exists, unsigned long long start)
{
	struct lease l = sample();
	struct lease_probe p = { .boot_id = boot, .pid_exists = exists, .starttime = start };

	return lease_alive(&l, &p);
}

START_TEST(test_alive_same)
{
	ck_assert(alive(BOOT, true, 123456));
}
END_TEST

START_TEST(test_alive_other_boot)
{
	ck_assert(!alive(BOOT2, true, 123456));
	ck_assert(!alive("", true, 123456));
	ck_assert(!alive("0F3E2D1C-4B5A-4789-9ABC-DEF012345678", true, 123456));
	ck_assert(!alive(BOOT "0", true, 123456));
	ck_assert(!alive("0f3e2d1c-4b5a-4789-9abc-def01234567", true, 123456));
}
END_TEST

START_TEST(test_alive_pid_gone)
{
	ck_assert(!alive(BOOT, false, 123456));
	ck_assert(!alive(BOOT, false, 0));
}
END_TEST

START_TEST(test_alive_pid_reused)
{
	ck_assert(!alive(BOOT, true, 123457));
	ck_assert(!alive(BOOT, true, 123455));
	ck_assert(!alive(BOOT, true, 0));
	ck_assert(!alive(BOOT, true, ULLONG_MAX));
	/* Only the low 32 bits agree. */
	ck_assert(!alive(BOOT, true, 123456 + (1ull << 32)));
}
END_TEST

/* A record read back from disk and a probe of the same process. */
START_TEST(test_alive_after_parse)
{
	struct lease l;
	struct lease_probe p = { .boot_id = BOOT, .pid_exists = true, .starttime = 123456 };

	ck_assert_int_eq(parse(REC, &l), 0);
	ck_assert(lease_alive(&l, &p));
	p.boot_id = BOOT2;
	ck_assert(!lease_alive(&l, &p));
}
END_TEST

/* --- lease_ids_in_slot() -------------------------------------------------- */

/* The shape of a real /proc/PID/status (fs/proc/array.c), trimmed. */
static char status_buf[2048];

static const char *mkstatus(const char *state, const unsigned uid[4], const unsigned gid[4])
{
	snprintf(status_buf, sizeof(status_buf),
		 "Name:\tsleep\n"
		 "Umask:\t0022\n"
		 "State:\t%s\n"
		 "Tgid:\t100001\n"
		 "Ngid:\t0\n"
		 "Pid:\t100001\n"
		 "PPid:\t100002\n"
		 "TracerPid:\t0\n"
		 "Uid:\t%u\t%u\t%u\t%u\n"
		 "Gid:\t%u\t%u\t%u\t%u\n"
		 "FDSize:\t64\n"
		 "Groups:\t4 24 27 30 46 100 \n"
		 "NStgid:\t100001\t1\n"
		 "NSpid:\t100001\t1\n"
		 "NSpgid:\t100001\t1\n"
		 "NSsid:\t100001\t1\n"
		 "Kthread:\t0\n"
		 "VmPeak:\t    8272 kB\n"
		 "VmSize:\t    8272 kB\n"
		 "Threads:\t1\n"
		 "SigQ:\t0/62811\n"
		 "SigPnd:\t0000000000000000\n"
		 "CapInh:\t0000000000000000\n"
		 "CapPrm:\t0000000000000000\n"
		 "CapEff:\t0000000000000000\n"
		 "CapBnd:\t000001ffffffffff\n"
		 "NoNewPrivs:\t0\n"
		 "Seccomp:\t0\n"
		 "Cpus_allowed_list:\t0-3\n"
		 "voluntary_ctxt_switches:\t1\n"
		 "nonvoluntary_ctxt_switches:\t0\n",
		 state, uid[0], uid[1], uid[2], uid[3], gid[0], gid[1], gid[2], gid[3]);
	return status_buf;
}

#define SLOT 100000u
#define SLOT_N 65536u

/* All eight ids at once, as the scan of /proc reads them. */
START_TEST(test_status_ids)
{
	static const unsigned uid[4] = { 1, 2, 3, 4 }, gid[4] = { 5, 6, 7, 4294967295u };
	unsigned long long ids[8];

	ck_assert(lease_status_ids(mkstatus("S (sleeping)", uid, gid), ids));
	for (int i = 0; i < 4; i++) {
		ck_assert_uint_eq(ids[i], uid[i]);
		ck_assert_uint_eq(ids[4 + i], gid[i]);
	}
	ck_assert(!lease_status_ids(mkstatus("Z (zombie)", uid, gid), ids));
	ck_assert(!lease_status_ids(mkstatus("X (dead)", uid, gid), ids));
	/* missing or short lines: what is not there matches no slot */
	ck_assert(lease_status_ids("Name:\tx\nUid:\t7\t8\n", ids));
	ck_assert_uint_eq(ids[0], 7);
	ck_assert_uint_eq(ids[1], 8);
	ck_assert_uint_eq(ids[2], ULLONG_MAX);
	ck_assert_uint_eq(ids[4], ULLONG_MAX);
}
END_TEST

static const unsigned outside[4] = { 1000, 1000, 1000, 1000 };

START_TEST(test_slot_none)
{
	const char *s = mkstatus("S (sleeping)", outside, outside);

	/* Tgid, Pid and NSpid are in the slot but are not ids. */
	ck_assert(!lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot(s, "Gid:", SLOT, SLOT_N));
	ck_assert(lease_ids_in_slot(s, "Uid:", 1000, 1));
	ck_assert(lease_ids_in_slot(s, "Gid:", 1000, 1));
}
END_TEST

/* Real, effective, saved and filesystem id, one at a time. */
START_TEST(test_slot_each_column)
{
	unsigned ids[4] = { 1000, 1000, 1000, 1000 };
	const char *s;

	ids[_i] = SLOT + 5;
	s = mkstatus("S (sleeping)", ids, outside);
	ck_assert_msg(lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N), "uid column %d missed", _i);
	ck_assert_msg(!lease_ids_in_slot(s, "Gid:", SLOT, SLOT_N), "uid column %d seen as gid", _i);
	s = mkstatus("S (sleeping)", outside, ids);
	ck_assert_msg(lease_ids_in_slot(s, "Gid:", SLOT, SLOT_N), "gid column %d missed", _i);
	ck_assert_msg(!lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N), "gid column %d seen as uid", _i);
}
END_TEST

START_TEST(test_slot_boundaries)
{
	static const struct {
		unsigned id;
		bool hit;
	} b[] = {
		{ SLOT - 1, false },
		{ SLOT, true },
		{ SLOT + SLOT_N - 1, true },
		{ SLOT + SLOT_N, false },
	};
	unsigned ids[4] = { 1000, 1000, 1000, 1000 };

	for (size_t i = 0; i < sizeof(b) / sizeof(b[0]); i++) {
		ids[_i] = b[i].id;
		ck_assert_msg(lease_ids_in_slot(mkstatus("R (running)", ids, outside), "Uid:",
						SLOT, SLOT_N) == b[i].hit,
			      "uid %u in column %d", b[i].id, _i);
		ck_assert_msg(lease_ids_in_slot(mkstatus("R (running)", outside, ids), "Gid:",
						SLOT, SLOT_N) == b[i].hit,
			      "gid %u in column %d", b[i].id, _i);
	}
}
END_TEST

/* start + count must not be computed in 32 bits. */
START_TEST(test_slot_top)
{
	unsigned ids[4] = { 4294967295u, 4294967295u, 4294967295u, 4294967295u };
	const char *s = mkstatus("S (sleeping)", ids, outside);

	ck_assert(lease_ids_in_slot(s, "Uid:", 4294901760u, 65536));
	ck_assert(lease_ids_in_slot(s, "Uid:", 4294967295u, 1));
	ck_assert(lease_ids_in_slot(s, "Uid:", 1, 4294967295u));
	ck_assert(!lease_ids_in_slot(s, "Uid:", 0, 4294967295u));
	ck_assert(!lease_ids_in_slot(s, "Uid:", 4294901760u, 65535));
	ids[0] = ids[1] = ids[2] = ids[3] = 0;
	s = mkstatus("S (sleeping)", ids, outside);
	ck_assert(lease_ids_in_slot(s, "Uid:", 0, 1));
	ck_assert(!lease_ids_in_slot(s, "Uid:", 4294967295u, 1));
	ck_assert(!lease_ids_in_slot(s, "Uid:", 4294901760u, 65536));
}
END_TEST

START_TEST(test_slot_count_zero)
{
	unsigned ids[4] = { SLOT, SLOT, SLOT, SLOT };
	const char *s = mkstatus("S (sleeping)", ids, ids);

	ck_assert(lease_ids_in_slot(s, "Uid:", SLOT, 1));
	ck_assert(!lease_ids_in_slot(s, "Uid:", SLOT, 0));
	ck_assert(!lease_ids_in_slot(s, "Gid:", SLOT, 0));
}
END_TEST

START_TEST(test_slot_key_missing)
{
	const char *s = "Name:\tsleep\nState:\tS (sleeping)\nTgid:\t100001\nPid:\t100001\n"
			"Gid:\t100000\t100000\t100000\t100000\n";

	ck_assert(!lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N));
	ck_assert(lease_ids_in_slot(s, "Gid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot("", "Uid:", 0, 4294967295u));
	ck_assert(!lease_ids_in_slot("Name:\tx\n", "Uid:", 0, 4294967295u));
	/* A name is escaped by the kernel, but "Uid:" must start a line anyway. */
	ck_assert(!lease_ids_in_slot("Name:\tUid:\t100000\nState:\tS (sleeping)\n", "Uid:",
				     SLOT, SLOT_N));
}
END_TEST

/* A short Uid line must not run on into the next one. */
START_TEST(test_slot_short_line)
{
	const char *s = "Name:\tx\nState:\tS (sleeping)\nUid:\t1000\n"
			"Gid:\t100000\t100000\t100000\t100000\n";

	ck_assert(!lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N));
	ck_assert(lease_ids_in_slot(s, "Uid:", 1000, 1));
	ck_assert(!lease_ids_in_slot("Name:\tx\nUid:\n", "Uid:", 0, 4294967295u));
}
END_TEST

/* Only the four ids of the line count, not whatever a longer one would add. */
START_TEST(test_slot_four_only)
{
	const char *s = "Name:\tx\nState:\tS (sleeping)\nUid:\t1\t2\t3\t4\t100000\n";

	ck_assert(lease_ids_in_slot(s, "Uid:", 4, 1));
	ck_assert(!lease_ids_in_slot(s, "Uid:", SLOT, SLOT_N));
}
END_TEST

START_TEST(test_slot_zombie)
{
	unsigned ids[4] = { SLOT, SLOT, SLOT, SLOT };

	ck_assert(lease_ids_in_slot(mkstatus("S (sleeping)", ids, ids), "Uid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot(mkstatus("Z (zombie)", ids, ids), "Uid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot(mkstatus("Z (zombie)", ids, ids), "Gid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot(mkstatus("X (dead)", ids, ids), "Uid:", SLOT, SLOT_N));
	ck_assert(!lease_ids_in_slot(mkstatus("X (dead)", ids, ids), "Gid:", SLOT, SLOT_N));
}
END_TEST

START_TEST(test_slot_live_states)
{
	static const char *const states[] = {
		"R (running)", "S (sleeping)", "D (disk sleep)", "T (stopped)",
		"t (tracing stop)", "I (idle)",
	};
	unsigned ids[4] = { 1000, SLOT, 1000, 1000 };

	for (size_t i = 0; i < sizeof(states) / sizeof(states[0]); i++) {
		ck_assert_msg(lease_ids_in_slot(mkstatus(states[i], ids, outside), "Uid:",
						SLOT, SLOT_N), "state %s", states[i]);
		ck_assert_msg(lease_ids_in_slot(mkstatus(states[i], outside, ids), "Gid:",
						SLOT, SLOT_N), "state %s", states[i]);
	}
}
END_TEST

START_TEST(test_slot_self)
{
	char buf[8192];
	const char *s = read_proc("/proc/self/status", buf, sizeof(buf));
	uid_t uid = getuid();
	gid_t gid = getgid();

	ck_assert(lease_ids_in_slot(s, "Uid:", uid, 1));
	ck_assert(lease_ids_in_slot(s, "Gid:", gid, 1));
	if (uid > 0)
		ck_assert(!lease_ids_in_slot(s, "Uid:", 0, uid));
	if (uid < 4294967295u - 1)
		ck_assert(!lease_ids_in_slot(s, "Uid:", uid + 1, 4294967295u - uid - 1));
}
END_TEST

/* --- lease_ids_hit() ----------------------------------------------------- */

/* Slots 0 and 1 adjoin, slot 2 stands apart; the gids lie elsewhere. */
static const uint32_t hit_uid[] = { 100000, 165536, 400000 };
static const uint32_t hit_gid[] = { 1000000, 1065536, 2000000 };
static const struct lease_slots hit_slots = { hit_uid, hit_gid, 3 };

/*
 * The slots (bit i for slot i) that a process hits whose id in column @col
 * is @id and whose other seven ids are 1000.  Asked without @mark, the
 * answer must be the same and leave busy[] alone.
 */
static unsigned hits(int col, unsigned long long id)
{
	unsigned long long ids[8];
	bool busy[3] = { false, false, false }, peek[3] = { false, false, false }, any;
	unsigned mask = 0;

	for (int k = 0; k < 8; k++)
		ids[k] = 1000;
	ids[col] = id;
	any = lease_ids_hit(ids, &hit_slots, busy, true);
	for (int i = 0; i < 3; i++)
		mask |= (unsigned)busy[i] << i;
	ck_assert_msg(any == (mask != 0), "column %d, id %llu: returned %d, marked %#x", col, id,
		      any, mask);
	ck_assert_msg(lease_ids_hit(ids, &hit_slots, peek, false) == any,
		      "column %d, id %llu: a peek disagrees", col, id);
	ck_assert(!peek[0] && !peek[1] && !peek[2]);
	return mask;
}

/* Each uid column at the edges of each slot: first id, last id, one past. */
START_TEST(test_hit_uid_edges)
{
	ck_assert_uint_eq(hits(_i, 99999), 0);
	ck_assert_uint_eq(hits(_i, 100000), 1);
	ck_assert_uint_eq(hits(_i, 165535), 1);
	ck_assert_uint_eq(hits(_i, 165536), 2);
	ck_assert_uint_eq(hits(_i, 231071), 2);
	ck_assert_uint_eq(hits(_i, 231072), 0);
	ck_assert_uint_eq(hits(_i, 399999), 0);
	ck_assert_uint_eq(hits(_i, 400000), 4);
	ck_assert_uint_eq(hits(_i, 465535), 4);
	ck_assert_uint_eq(hits(_i, 465536), 0);
	/* A uid counts against the slots' uids only. */
	ck_assert_uint_eq(hits(_i, 1000000), 0);
	ck_assert_uint_eq(hits(_i, 1065536), 0);
	ck_assert_uint_eq(hits(_i, 2000000), 0);
	ck_assert_uint_eq(hits(_i, ULLONG_MAX), 0);
}
END_TEST

START_TEST(test_hit_gid_edges)
{
	int col = 4 + _i;

	ck_assert_uint_eq(hits(col, 999999), 0);
	ck_assert_uint_eq(hits(col, 1000000), 1);
	ck_assert_uint_eq(hits(col, 1065535), 1);
	ck_assert_uint_eq(hits(col, 1065536), 2);
	ck_assert_uint_eq(hits(col, 1131071), 2);
	ck_assert_uint_eq(hits(col, 1131072), 0);
	ck_assert_uint_eq(hits(col, 1999999), 0);
	ck_assert_uint_eq(hits(col, 2000000), 4);
	ck_assert_uint_eq(hits(col, 2065535), 4);
	ck_assert_uint_eq(hits(col, 2065536), 0);
	/* A gid counts against the slots' gids only. */
	ck_assert_uint_eq(hits(col, 100000), 0);
	ck_assert_uint_eq(hits(col, 165536), 0);
	ck_assert_uint_eq(hits(col, 400000), 0);
	ck_assert_uint_eq(hits(col, ULLONG_MAX), 0);
}
END_TEST

/* Container id @k through the map text @map: the host id, or -1 if unmapped. */
static long long through(const char *map, unsigned long long k)
{
	unsigned long long in, out, count;
	int used;

	for (const char *p = map; sscanf(p, "%llu %llu %llu\n%n", &in, &out, &count, &used) == 3;
	     p += used)
		if (k >= in && k < in + count)
			return (long long)(out + k - in);
	return -1;
}

/*
 * --userns keep-id in slot 0, the user being uid 1000 (as the other seven
 * ids of hits()): the container's processes that run as the user hit no
 * slot, so that they can neither hold a slot nor make one look busy; every
 * other container id hits slot 0 and only it, so that the slot stays
 * busy while container root or any other id of it lives, and slot 1 next
 * to it is left alone.
 */
START_TEST(test_hit_keep_id)
{
	char map[SUBID_MAP_MAX];
	static const unsigned long long ids[] = { 0, 1, 999, 1001, 65534, 65535 };

	ck_assert_int_gt(subid_map_text(map, sizeof(map), hit_uid[0], 1000), 0);
	ck_assert_uint_eq(hits(_i, (unsigned long long)through(map, 1000)), 0);
	for (size_t i = 0; i < sizeof(ids) / sizeof(ids[0]); i++) {
		long long host = through(map, ids[i]);

		ck_assert_msg(host >= 0, "container id %llu unmapped: %s", ids[i], map);
		ck_assert_msg(hits(_i, (unsigned long long)host) == 1, "container id %llu (host %lld)",
			      ids[i], host);
	}
	/* host id 101000 (slot 0's container 1000 without keep-id) is nobody's */
	for (unsigned long long k = 0; k < SUBID_SLOT; k++)
		ck_assert(through(map, k) != 101000);
}
END_TEST

/* Several slots at once; slots already busy are no news. */
START_TEST(test_hit_several)
{
	unsigned long long ids[8] = { 1000, 100005, 1000, 1000, 1000, 1000, 1000, 2000005 };
	bool busy[3] = { false, false, false };

	ck_assert(lease_ids_hit(ids, &hit_slots, busy, false));
	ck_assert(!busy[0] && !busy[1] && !busy[2]);
	ck_assert(lease_ids_hit(ids, &hit_slots, busy, true));
	ck_assert(busy[0] && !busy[1] && busy[2]);
	ck_assert(!lease_ids_hit(ids, &hit_slots, busy, false));
	ck_assert(!lease_ids_hit(ids, &hit_slots, busy, true));
	ck_assert(busy[0] && !busy[1] && busy[2]);
	/* One slot still free among them: news again, and only it is marked. */
	busy[2] = false;
	ck_assert(lease_ids_hit(ids, &hit_slots, busy, true));
	ck_assert(busy[0] && !busy[1] && busy[2]);
}
END_TEST

/* A slot at the top of the id space: start + SUBID_SLOT needs 33 bits. */
START_TEST(test_hit_top)
{
	static const uint32_t uid[] = { 4294901760u }, gid[] = { 4294901760u };
	const struct lease_slots top = { uid, gid, 1 };
	unsigned long long ids[8];
	bool busy[1] = { false };

	for (int k = 0; k < 8; k++)
		ids[k] = 0;
	ck_assert(!lease_ids_hit(ids, &top, busy, false));
	ids[2] = 4294967295u;
	ck_assert(lease_ids_hit(ids, &top, busy, false));
	ids[2] = 4294967296ull;
	ck_assert(!lease_ids_hit(ids, &top, busy, false));
	ids[6] = 4294901760u;
	ck_assert(lease_ids_hit(ids, &top, busy, false));
	ids[6] = 4294901759u;
	ck_assert(!lease_ids_hit(ids, &top, busy, false));
	/* No slots, nothing to hit. */
	ids[0] = 4294901760u;
	ck_assert(!lease_ids_hit(ids, &(struct lease_slots){ uid, gid, 0 }, busy, true));
	ck_assert(!busy[0]);
}
END_TEST

/* The ids of a status text, fed on: the two readers line up column by column. */
START_TEST(test_hit_from_status)
{
	unsigned u[4] = { 1000, 1000, 1000, 1000 }, g[4] = { 1000, 1000, 1000, 1000 };
	unsigned long long ids[8];
	bool busy[3] = { false, false, false };

	u[_i] = 165536;
	g[_i] = 2065535;
	ck_assert(lease_status_ids(mkstatus("S (sleeping)", u, g), ids));
	ck_assert(lease_ids_hit(ids, &hit_slots, busy, true));
	ck_assert(!busy[0] && busy[1] && busy[2]);
}
END_TEST

/* --- the suite ------------------------------------------------------------ */

static TCase *record_tcase(void)
{
	TCase *tc = tcase_create("record");

	tcase_add_test(tc, test_format_exact);
	tcase_add_test(tc, test_parse_exact);
	tcase_add_loop_test(tc, test_round_trip, 0, (int)(sizeof(trips) / sizeof(trips[0])));
	tcase_add_test(tc, test_format_enospc);
	tcase_add_test(tc, test_parse_len_bounds);
	tcase_add_test(tc, test_parse_controls);
	tcase_add_loop_test(tc, test_parse_bad, 0, (int)(sizeof(bad) / sizeof(bad[0])));
	tcase_add_test(tc, test_parse_nul);
	tcase_add_test(tc, test_parse_too_long);
	return tc;
}

static TCase *stat_tcase(void)
{
	TCase *tc = tcase_create("stat");

	tcase_add_test(tc, test_start_plain);
	tcase_add_test(tc, test_start_extremes);
	tcase_add_test(tc, test_start_comm);
	tcase_add_test(tc, test_start_field_22_only);
	tcase_add_test(tc, test_start_truncated);
	tcase_add_test(tc, test_start_not_digits);
	tcase_add_test(tc, test_start_no_paren);
	tcase_add_test(tc, test_start_self);
	tcase_add_test(tc, test_start_self_stable);
	tcase_add_test(tc, test_dead_states);
	tcase_add_test(tc, test_dead_comm);
	tcase_add_test(tc, test_dead_malformed);
	tcase_add_test(tc, test_exiting_flag);
	tcase_add_test(tc, test_exiting_real);
	tcase_add_test(tc, test_ending);
	return tc;
}

static TCase *alive_tcase(void)
{
	TCase *tc = tcase_create("alive");

	tcase_add_test(tc, test_alive_same);
	tcase_add_test(tc, test_alive_other_boot);
	tcase_add_test(tc, test_alive_pid_gone);
	tcase_add_test(tc, test_alive_pid_reused);
	tcase_add_test(tc, test_alive_after_parse);
	return tc;
}

static TCase *slot_tcase(void)
{
	TCase *tc = tcase_create("slot");

	tcase_add_test(tc, test_slot_none);
	tcase_add_loop_test(tc, test_slot_each_column, 0, 4);
	tcase_add_loop_test(tc, test_slot_boundaries, 0, 4);
	tcase_add_test(tc, test_slot_top);
	tcase_add_test(tc, test_slot_count_zero);
	tcase_add_test(tc, test_slot_key_missing);
	tcase_add_test(tc, test_slot_short_line);
	tcase_add_test(tc, test_slot_four_only);
	tcase_add_test(tc, test_slot_zombie);
	tcase_add_test(tc, test_slot_live_states);
	tcase_add_test(tc, test_slot_self);
	tcase_add_test(tc, test_status_ids);
	return tc;
}

static TCase *hit_tcase(void)
{
	TCase *tc = tcase_create("hit");

	tcase_add_loop_test(tc, test_hit_uid_edges, 0, 4);
	tcase_add_loop_test(tc, test_hit_gid_edges, 0, 4);
	tcase_add_test(tc, test_hit_several);
	tcase_add_loop_test(tc, test_hit_keep_id, 0, 4);
	tcase_add_test(tc, test_hit_top);
	tcase_add_loop_test(tc, test_hit_from_status, 0, 4);
	return tc;
}

Suite *lease_suite(void)
{
	Suite *s = suite_create("lease");

	suite_add_tcase(s, record_tcase());
	suite_add_tcase(s, stat_tcase());
	suite_add_tcase(s, alive_tcase());
	suite_add_tcase(s, slot_tcase());
	suite_add_tcase(s, hit_tcase());
	return s;
}
