// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * Namespace tests: real containers, run as an unprivileged account with
 * subordinate ranges (t/run-checks.sh arranges that when run as root).
 */
#include <stdlib.h>

#include "ns.h"
#include "tap.h"

int main(void)
{
	static Suite *(*const suites[])(void) = {
		run_suite,
		refuse_suite,
		slots_suite,
		mounts_suite,
		volumes_suite,
		process_suite,
		images_suite,
		policy_suite,
		network_suite,
		ops_suite,
		detach_suite,
		exec_suite,
		keepid_suite,
		pull_suite,
		flags_suite,
		verbs_suite,
		netlimits_suite,
		NULL,
	};
	/* Run as an account with exactly one slot of subordinate ids. */
	static Suite *(*const oneslot[])(void) = { oneslot_suite, NULL };

	/* Run as an account with 24 slots. */
	static Suite *(*const load[])(void) = { load_suite, NULL };

	/* The system image's suite, after root built the image (ECI_SYS_IMAGE). */
	static Suite *(*const sys[])(void) = { sys_suite, NULL };

	if (getenv("ECI_NS_LOAD"))
		return test_main(load);
	if (getenv("ECI_NS_SYS"))
		return test_main(sys);
	return test_main(getenv("ECI_NS_ONESLOT") ? oneslot : suites);
}
