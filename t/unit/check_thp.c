// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_thp.c - eci-thp.so (net/thp.c): a program started with it
 * preloaded has its zero-filled static data advised for huge pages (the
 * "hg" of its mapping's VmFlags), and one started without has not; and
 * its stack grown ahead of it, advised and resident before it is used.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "netmode.h"
#include "run.h"
#include "tap.h"
#include "unit.h"

/* thp-probe's VmFlags line, started with LD_PRELOAD=@preload if given;
 * with @what "stack", the lines of its stack 3 MB down. */
static char *probe_flags(const char *preload, const char *what)
{
	char probe[4096], env[4200];
	char *argv[] = { (char *)"/usr/bin/env", env, probe, (char *)what, NULL };
	struct run_result r;
	char *flags;

	snprintf(probe, sizeof(probe), "%s/t/thp-probe", t_prefix());
	snprintf(env, sizeof(env), "LD_PRELOAD=%s", preload ? preload : "");
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", probe, r.status, r.err);
	ck_assert_msg(!strstr(r.err, "cannot be preloaded"), "%s", r.err);
	ck_assert_msg(strstr(r.out, "VmFlags:") || (what && !strcmp(r.out, "unmapped\n")), "%s",
		      r.out);
	flags = strdup(r.out);
	t_run_free(&r);
	return flags;
}

/* The built eci-thp.so, in @buf. */
static const char *preload_path(char *buf, size_t size)
{
	snprintf(buf, size, "%s/lib/eci/" NET_PRELOAD, t_prefix());
	return buf;
}

static bool has_flag(const char *flags, const char *flag)
{
	char want[8];

	snprintf(want, sizeof(want), " %s", flag);
	for (const char *p = strstr(flags, want); p; p = strstr(p + 1, want))
		if (p[strlen(want)] == ' ' || p[strlen(want)] == '\n' || !p[strlen(want)])
			return true;
	return false;
}

START_TEST(bss_advised)
{
	char lib[4200];
	char *with, *without;

	preload_path(lib, sizeof(lib));
	ck_assert_msg(access(lib, R_OK) == 0, "%s: not built", lib);
	with = probe_flags(lib, NULL);
	without = probe_flags(NULL, NULL);
	ck_assert_msg(has_flag(with, "hg"), "with %s: %s", lib, with);
	ck_assert_msg(!has_flag(without, "hg"), "without: %s", without);
	/* nothing else of the mapping changed: still readable and writable */
	ck_assert(has_flag(with, "rd") && has_flag(with, "wr"));
	free(with);
	free(without);
}
END_TEST

/* Where pasta's main() keeps its context, on its stack: the stack is there
 * before main(), on huge pages, filled; without the library it is not. */
START_TEST(stack_ahead)
{
	char lib[4200];
	char *with, *without, *rss;
	long kb;

	preload_path(lib, sizeof(lib));
	with = probe_flags(lib, "stack");
	without = probe_flags(NULL, "stack");
	ck_assert_msg(!strcmp(without, "unmapped\n"), "without: %s", without);
	ck_assert_msg(has_flag(with, "hg") && has_flag(with, "gd"), "with %s: %s", lib, with);
	rss = strstr(with, "Rss:");
	ck_assert_msg(rss && sscanf(rss, "Rss: %ld kB", &kb) == 1, "%s", with);
	/* resident before used: MADV_POPULATE_WRITE (Linux 5.14) */
	ck_assert_msg(kb >= 3072, "with %s: %ld kB resident 3 MB down the stack", lib, kb);
	free(with);
	free(without);
}
END_TEST

/* Under a stack limit the stack cannot grow by 4 MB: the constructor's
 * write fails (EFAULT) where the program's own would have died of SIGSEGV,
 * and it does nothing more; the program runs. */
START_TEST(stack_ahead_within_limit)
{
	char lib[4200], probe[4096], cmd[9000];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;

	snprintf(probe, sizeof(probe), "%s/t/thp-probe", t_prefix());
	snprintf(cmd, sizeof(cmd), "ulimit -s 2048 && exec env LD_PRELOAD='%s' '%s' stack",
		 preload_path(lib, sizeof(lib)), probe);
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "exit %d: %s%s", r.status, r.out, r.err);
	ck_assert_str_eq(r.out, "unmapped\n");
	t_run_free(&r);
}
END_TEST

Suite *thp_suite(void)
{
	Suite *s = suite_create("thp");
	TCase *tc = tcase_create("preload");

	/* without THP the kernel refuses the advice, and pasta runs as before */
	if (access("/sys/kernel/mm/transparent_hugepage/enabled", F_OK) < 0) {
		test_skip("bss_advised", "this kernel has no transparent huge pages");
		test_skip("stack_ahead", "this kernel has no transparent huge pages");
	} else {
		tcase_add_test(tc, bss_advised);
		tcase_add_test(tc, stack_ahead);
	}
	tcase_add_test(tc, stack_ahead_within_limit);
	suite_add_tcase(s, tc);
	return s;
}
