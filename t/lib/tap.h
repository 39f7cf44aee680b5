/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * tap.h - what every eci test suite shares
 *
 * Suites are plain Check suites.  A test that cannot run here is not added
 * to its suite at all: test_skip() prints the reason and counts it, and the
 * runner reports the count beside Check's own, so a skip is never a pass.
 */
#ifndef ECI_T_TAP_H
#define ECI_T_TAP_H

#include <check.h>
#include <stdbool.h>

/* Print "SKIP name: why" and count it; the test is not added. */
void test_skip(const char *name, const char *why);

/* Run the suites, print Check's summary and the skip line; exit status. */
int test_main(Suite *(*const suites[])(void));

#endif
