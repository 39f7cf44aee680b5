// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eci-run - run a command in a rootless container with an exclusive
 * subordinate id range; see launcher.h for the exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "launcher.h"
#include "util.h"

int main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct opts o;
	struct spec s;
	struct helper_proc hp;
	char helper[4096];
	int code, ready = -1;

	eci_program = "eci-run";	/* also as its test build, eci-run-policytest */
	title_init(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "image"))
		return image_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "policy"))
		return policy_main(argc - 1, argv + 1);
	if (argc > 1 && (!strcmp(argv[1], "ps") || !strcmp(argv[1], "stop") ||
			 !strcmp(argv[1], "logs") || !strcmp(argv[1], "rm") ||
			 !strcmp(argv[1], "gc") || !strcmp(argv[1], "doctor")))
		return ops_main(argc - 1, argv + 1);
	if (argc > 1 && !strcmp(argv[1], "exec"))
		return exec_main(argc - 1, argv + 1);
	if (cli_parse(argc, argv, &o, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		cli_usage(stderr);
		return EXIT_ECI;
	}
	/* -d: from here on this is the launcher in the background (detach.c) */
	if (o.detach && (ready = detach_start(&e)) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	/* The helper first: it reads its files and /proc while the spec is
	 * built and the child cloned (helper.c). */
	if (helper_find(helper, sizeof(helper), &e) < 0 || policy_check_helper(helper, &e) < 0 ||
	    helper_check_subids(&e) < 0 || helper_start(&hp, helper, o.userns != NULL, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (spec_build(&s, &o, &e) < 0 || state_create(&s, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		helper_abandon(&hp);
		state_remove(&s);
		spec_free(&s);
		return EXIT_ECI;
	}
	s.ready_fd = ready;
	code = container_run(&s, &hp);
	limits_remove(&s);
	state_exit(&s, code);
	spec_free(&s);
	return code;
}
