// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * cli.c - eci-run's command line
 *
 * Options end at the first non-option, which is the image; everything after
 * it is the command, passed on untouched (as with docker run).
 */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "launcher.h"

#ifndef ECI_VERSION
#define ECI_VERSION "0.1.0"
#endif

void cli_usage(FILE *f)
{
	fputs("usage: eci-run [OPTIONS] [IMAGE [COMMAND [ARG...]]]\n", f);
}

static void help(void)
{
	cli_usage(stdout);
	fputs("\nRun COMMAND in a new rootless container of IMAGE, its root mapped to a\n"
	      "subordinate id range of yours (see /etc/subuid).\n\n"
	      "IMAGE    'default' (or omitted): the embedded busybox image;\n"
	      "         a directory holding an OCI image layout\n"
	      "COMMAND  defaults to the image's entrypoint and command\n\n"
	      "Options:\n"
	      "  -h, --help     show this help and exit\n"
	      "      --version  show the version and exit\n\n"
	      "Exit status: the command's; 128+N if it was killed by signal N;\n"
	      "125 if eci-run failed; 126 if the command cannot be invoked;\n"
	      "127 if it was not found.\n",
	      stdout);
}

int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e)
{
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, 'V' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+h", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			exit(0);
		case 'V':
			printf("eci-run %s\n", ECI_VERSION);
			exit(0);
		default:
			if (optopt && optopt != '?')
				return eci_fail(e, 0, "unknown flag: -%c", optopt);
			return eci_fail(e, 0, "unknown flag: %s", argv[optind - 1]);
		}
	}
	if (optind < argc)
		o->image = argv[optind++];
	if (optind < argc)
		o->cmd = argv + optind;
	return 0;
}
