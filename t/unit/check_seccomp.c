// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_seccomp.c - the default filters prebuilt at build time
 * (core/scdefault.c) are, instruction for instruction, the ones
 * libseccomp builds at run time for the same capabilities.
 */
#include <linux/capability.h>
#include <linux/filter.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"
#include "scprebuilt.h"
#include "unit.h"

#define CAP(c) (1ULL << (c))

static void same_filter(uint64_t caps)
{
	struct eci_err e = { 0 };
	struct sc_filter fast = { 0 }, built = { 0 };

	ck_assert_int_eq(sc_default(caps, &fast, &e), 0);
	ck_assert_int_eq(sc_build_default(caps, &built, &e), 0);
	ck_assert_uint_gt(built.len, 100);
	ck_assert_uint_eq(fast.len, built.len);
	ck_assert_int_eq(memcmp(fast.insns, built.insns, built.len * sizeof(struct sock_filter)), 0);
	free(fast.insns);
	free(built.insns);
}

START_TEST(prebuilt_match)
{
	ck_assert_uint_ge(sc_nprebuilt, 2);
	same_filter(caps_default());
	same_filter(caps_all());
	/* A capability that opens no system call: the default one still. */
	same_filter(caps_default() & ~CAP(CAP_CHOWN));
	ck_assert_uint_eq(sc_caps_that_matter() & CAP(CAP_CHOWN), 0);
	/* One that does (process_vm_*, kcmp): built at run time. */
	same_filter(caps_default() | CAP(CAP_SYS_PTRACE));
	ck_assert_uint_ne(sc_caps_that_matter() & CAP(CAP_SYS_PTRACE), 0);
}
END_TEST

/* Different capabilities, different programs: the lookup is by set. */
START_TEST(prebuilt_differ)
{
	struct eci_err e = { 0 };
	struct sc_filter a = { 0 }, b = { 0 };

	ck_assert_int_eq(sc_default(caps_default(), &a, &e), 0);
	ck_assert_int_eq(sc_default(caps_all(), &b, &e), 0);
	ck_assert(a.len != b.len ||
		  memcmp(a.insns, b.insns, a.len * sizeof(struct sock_filter)) != 0);
	free(a.insns);
	free(b.insns);
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("prebuilt default filters");

	tcase_add_test(tc, prebuilt_match);
	tcase_add_test(tc, prebuilt_differ);
	suite_add_tcase(s, tc);
	return s;
}
