// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * policycmd.c - eci-run policy show [--json]: every effective setting with
 * its value, source and lock, and whether the policy files and the helper
 * passed their integrity checks.
 */
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"
#include "policy.h"

/* eci-run policy --help, eci-run policy show --help: on stdout, exit 0. */
static int help(void)
{
	puts("usage: eci-run policy show [--json]\n\n"
	     "Show every effective setting of eci's policy with its value, the file it\n"
	     "comes from and whether the administrator locked it, and whether the policy\n"
	     "files and eci-newidmap passed their integrity checks (exit status 125 when\n"
	     "they did not: no container would run).  See eci-policy(5).\n\n"
	     "Options:\n"
	     "      --json                one JSON object: settings and integrity\n"
	     "  -h, --help                show this help and exit");
	return 0;
}

void policy_integrity(struct policy *p, struct integrity *in)
{
	char user[4096];

	memset(in, 0, sizeof(*in));
	in->policy_ok = policy_load(p, policy_dir(), &in->policy) == 0;
	if (in->policy_ok && policy_user_path(user, sizeof(user)) == 0)
		in->policy_ok = policy_load_user(p, user, &in->policy) == 0;
	in->helper_ok = helper_find(in->helper_path, sizeof(in->helper_path), &in->helper) == 0 &&
			policy_check_helper(in->helper_path, &in->helper) == 0;
}

int policy_main(int argc, char **argv)
{
	bool json = argc == 3 && !strcmp(argv[2], "--json");
	struct integrity in;
	struct policy p;
	int ok, hok;

	if ((argc == 2 && cli_is_help(argv[1])) ||
	    (argc == 3 && !strcmp(argv[1], "show") && cli_is_help(argv[2])))
		return help();
	if (argc < 2 || strcmp(argv[1], "show") || (argc == 3 && !json) || argc > 3) {
		fputs("usage: eci-run policy show [--json]\n", stderr);
		return EXIT_ECI;
	}
	policy_integrity(&p, &in);
	ok = in.policy_ok;
	hok = in.helper_ok;
	if (json) {
		json_t *j = json_pack("{s:o, s:{s:b, s:s?, s:b, s:s?}}", "settings", policy_json(&p),
				      "integrity", "policyIntact", ok, "policyProblem",
				      ok ? NULL : in.policy.msg, "helperIntact", hok, "helperProblem",
				      hok ? NULL : in.helper.msg);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		printf("%s\n", text ? text : "{}");
		free(text);
		json_decref(j);
	} else {
		if (!ok)
			printf("THE POLICY COULD NOT BE READ: %s\nno container will run; the "
			       "defaults below are not in force\n\n", in.policy.msg);
		policy_show(&p, stdout);
		printf("\nPolicy files (%s): %s\n", policy_dir(), ok ? "intact" : in.policy.msg);
		printf("Helper: %s\n", hok ? "intact" : in.helper.msg);
	}
	policy_free(&p);
	return ok && hok ? 0 : EXIT_ECI;
}
