// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imagecmd.c - eci-run image import|ls|rm
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "launcher.h"
#include "store.h"

static int usage(void)
{
	fputs("usage: eci-run image import SRC [--name NAME[:TAG]]\n"
	      "       eci-run image ls\n"
	      "       eci-run image rm NAME[:TAG]\n", stderr);
	return EXIT_ECI;
}

static int import(struct store *st, int argc, char **argv, struct eci_err *e)
{
	static const struct option longopts[] = { { "name", required_argument, NULL, 'n' },
						  { NULL, 0, NULL, 0 } };
	const char *name = NULL;
	char digest[72];
	int c;

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, "n:", longopts, NULL)) != -1) {
		if (c != 'n')
			return eci_fail(e, 0, "image import: unknown flag %s", argv[optind - 1]);
		name = optarg;
	}
	if (optind != argc - 1)
		return eci_fail(e, 0, "image import: expected one SRC");
	if (img_import(st, argv[optind], name, digest, e) < 0)
		return -1;
	printf("%s\n", digest);
	return 0;
}

int image_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct store st;
	int r;

	if (argc < 2)
		return usage();
	if (store_open(&st, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (!strcmp(argv[1], "import"))
		r = import(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "ls") && argc == 2)
		r = store_list(&st, stdout, &e);
	else if (!strcmp(argv[1], "rm") && argc == 3)
		r = store_remove(&st, argv[2], &e);
	else
		r = -2;
	store_close(&st);
	if (r == -2)
		return usage();
	if (r < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	return 0;
}
