/* SPDX-License-Identifier: GPL-2.0-or-later */
#ifndef ECI_T_UNIT_H
#define ECI_T_UNIT_H

#include <check.h>

Suite *subid_suite(void);
Suite *net_suite(void);
Suite *image_suite(void);
Suite *lease_suite(void);
Suite *idfile_suite(void);
Suite *help_suite(void);
Suite *seccomp_suite(void);
Suite *trim_suite(void);
Suite *scan_suite(void);
Suite *engine_id_suite(void);
Suite *gate_suite(void);
Suite *cgroup_suite(void);
Suite *flagparse_suite(void);
Suite *readall_suite(void);
Suite *thp_suite(void);

#endif
