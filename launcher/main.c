// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * eci-run - run a command in a rootless container with an exclusive
 * subordinate id range; see launcher.h for the exit codes.
 */
#include <stdio.h>
#include <string.h>

#include "launcher.h"
#include "util.h"

static const struct verb {
	const char *name;
	int (*main)(int argc, char **argv);
} verbs[] = {
	{ "image", image_main },   { "policy", policy_main },	{ "ps", ops_main },
	{ "stop", ops_main },	   { "logs", ops_main },	{ "rm", ops_main },
	{ "gc", ops_main },	   { "doctor", ops_main },	{ "exec", exec_main },
	{ "start", start_main },   { "restart", start_main },	{ "kill", kill_main },
	{ "wait", wait_main },	   { "top", top_main },		{ "port", port_main },
	{ "inspect", inspect_main }, { "cp", cp_main }, { "volume", volume_main },
};

int main(int argc, char **argv)
{
	const struct verb *v = NULL;

	eci_program = "eci-run";	/* also as its test build, eci-run-policytest */
	tl_init();
	tl_mark("main");
	for (size_t i = 0; argc > 1 && i < sizeof(verbs) / sizeof(verbs[0]); i++)
		if (!strcmp(argv[1], verbs[i].name))
			v = &verbs[i];
	if (!v)
		launch_early(argc, argv);	/* before anything else (startcmd.c) */
	title_init(argc, argv);
	return v ? v->main(argc - 1, argv + 1) : launch(argc, argv, NULL, 0);
}
