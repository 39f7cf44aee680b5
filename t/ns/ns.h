/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ECI_T_NS_H
#define ECI_T_NS_H

#include <check.h>

#include "subid.h"

Suite *run_suite(void);
Suite *refuse_suite(void);
Suite *slots_suite(void);
Suite *oneslot_suite(void);
Suite *load_suite(void);
Suite *mounts_suite(void);
Suite *volumes_suite(void);
Suite *process_suite(void);
Suite *images_suite(void);
Suite *policy_suite(void);
Suite *network_suite(void);
Suite *ops_suite(void);
Suite *detach_suite(void);
Suite *exec_suite(void);
Suite *keepid_suite(void);
Suite *pull_suite(void);
Suite *flags_suite(void);
Suite *verbs_suite(void);
Suite *netlimits_suite(void);
/* check_sys.c: systemd and Docker-in-Docker, --privileged (issue 24); run
 * alone, with ECI_NS_SYS set */
Suite *sys_suite(void);

/* subids.c: the test account's subordinate uid ranges (0 if none) */
size_t ns_my_ranges(struct subid_range *r);
/* its first one; the test fails if it has none */
struct subid_range ns_my_range(void);
/* how many slots they hold */
size_t ns_my_slots(void);
/* What container roots left in a store: @glob under @src, a host
 * directory, removed (subids.c); how many entries are left */
int ns_slots_clear(const char *src, const char *glob, int rounds);

#endif
