// SPDX-License-Identifier: GPL-2.0-or-later
/* Unit tests: pure functions, no namespaces, run as any user. */
#include "tap.h"
#include "unit.h"

int main(void)
{
	static Suite *(*const suites[])(void) = {
		subid_suite,
		net_suite,
		image_suite,
		lease_suite,
		scan_suite,
		idfile_suite,
		help_suite,
		seccomp_suite,
		trim_suite,
		engine_id_suite,
		gate_suite,
		cgroup_suite,
		flagparse_suite,
		readall_suite,
		thp_suite,
		NULL,
	};

	return test_main(suites);
}
