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
	      "      --hostname NAME       the container's host name (default: its short id)\n"
	      "      --read-only           mount the root file system read-only\n"
	      "      --tmpfs PATH[:OPTS]   mount a tmpfs (OPTS: size=, mode=, ro, exec, suid, dev)\n"
	      "  -v, --volume SRC:DST[:ro] bind-mount the host path SRC at DST (nosuid, nodev)\n"
	      "  -h, --help                show this help and exit\n"
	      "      --version             show the version and exit\n\n"
	      "Exit status: the command's; 128+N if it was killed by signal N;\n"
	      "125 if eci-run failed; 126 if the command cannot be invoked;\n"
	      "127 if it was not found.\n",
	      stdout);
}

int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e)
{
	enum { OPT_VERSION = 256, OPT_HOSTNAME, OPT_READ_ONLY, OPT_TMPFS };
	static const struct option longopts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "hostname", required_argument, NULL, OPT_HOSTNAME },
		{ "read-only", no_argument, NULL, OPT_READ_ONLY },
		{ "tmpfs", required_argument, NULL, OPT_TMPFS },
		{ "volume", required_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	memset(o, 0, sizeof(*o));
	opterr = 0;
	while ((c = getopt_long(argc, argv, "+:hv:", longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			help();
			exit(0);
		case OPT_VERSION:
			printf("eci-run %s\n", ECI_VERSION);
			exit(0);
		case OPT_HOSTNAME:
			o->hostname = optarg;
			break;
		case OPT_READ_ONLY:
			o->read_only = true;
			break;
		case OPT_TMPFS:
			if (o->ntmpfs == MNT_MAX_TMPFS)
				return eci_fail(e, 0, "--tmpfs: at most %d", MNT_MAX_TMPFS);
			o->tmpfs[o->ntmpfs++] = optarg;
			break;
		case 'v':
			if (o->nvolumes == MNT_MAX_VOLUMES)
				return eci_fail(e, 0, "-v: at most %d volumes", MNT_MAX_VOLUMES);
			o->volumes[o->nvolumes++] = optarg;
			break;
		case ':':
			return eci_fail(e, 0, "flag %s needs a value", argv[optind - 1]);
		default:
			if (optopt && optopt < 256 && optopt != '?')
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
