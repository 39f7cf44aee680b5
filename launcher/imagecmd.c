// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * imagecmd.c - eci-run image pull|import|ls|rm, and their --help
 *
 * pull, and eci-run REF for an image not in the store, fetch through
 * image_fetch(): allowedImages is judged on the reference first
 * (policy_gate_fetch(), policy/gate.c), so that a refused image costs no
 * request to any registry; skopeo then fetches it (image/pull.c).
 */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "launcher.h"
#include "store.h"

static int usage(void)
{
	fputs("usage: eci-run image pull REF\n"
	      "       eci-run image import SRC [--name NAME[:TAG]]\n"
	      "       eci-run image ls [-q|--quiet]\n"
	      "       eci-run image rm NAME[:TAG]|ID...\n", stderr);
	return EXIT_ECI;
}

static const struct cli_sub subs[] = {
	{ "pull", "pull REF",
	  "Fetch REF, [HOST[:PORT]/]NAME[:TAG] or [HOST[:PORT]/]NAME@sha256:DIGEST, from\n"
	  "its registry with skopeo, import it into your image store under that name,\n"
	  "and print its manifest digest.  A NAME without HOST is docker.io's (library/\n"
	  "for a one-word NAME), as skopeo reads it; TAG: latest.  allowedImages is\n"
	  "applied to REF before any request is made.  skopeo honours registries.conf\n"
	  "(mirrors, insecure and blocked registries), policy.json and your logins\n"
	  "(skopeo login).  Every blob is checked against its sha256.\n",
	  NULL },
	{ "import", "import [--name NAME[:TAG]] SRC",
	  "Import SRC into your image store and print its manifest digest.  SRC is an\n"
	  "OCI image layout directory (DIR[:TAG]), an OCI or docker save archive, a\n"
	  "root file system directory, or a root file system tarball (plain, gzip, xz\n"
	  "or zstd: its one layer, as docker import takes it); '-' reads an archive or\n"
	  "tarball from standard input.  Every blob is checked against its sha256.\n",
	  "  -n, --name NAME[:TAG]     the name in the store (default: the archive's own,\n"
	  "                            or SRC's base name; TAG: latest; needed for '-')\n" },
	{ "ls", "ls [-q|--quiet]", "List the images of your store: NAME, TAG, DIGEST, SIZE, CREATED.\n",
	  "  -q, --quiet               only the image ids (the digest's first 12 hex\n"
	  "                            digits), one for each NAME:TAG\n" },
	{ "rm", "rm NAME[:TAG]|ID...",
	  "Remove each NAME[:TAG] (TAG: latest), or every name of the image ID (12 or\n"
	  "more hex digits of its digest, as ls -q prints), from your store, and every\n"
	  "blob that no other image uses.  One that fails does not stop the others;\n"
	  "the exit status is then 125.\n", NULL },
};

/* eci-run image --help, or eci-run image SUB --help: on stdout, exit 0. */
static int help(const char *name)
{
	if (name)
		return cli_sub_help("image", subs, sizeof(subs) / sizeof(subs[0]), name) ? usage() : 0;
	puts("usage: eci-run image COMMAND\n\n"
	     "Manage the images of your store ($XDG_DATA_HOME/eci, else\n"
	     "~/.local/share/eci; /var/lib/eci for root).\n\n"
	     "Commands:\n"
	     "  pull      fetch an image from its registry (skopeo)\n"
	     "  import    import an OCI layout, an archive or a root file system\n"
	     "  ls        list the images\n"
	     "  rm        remove an image\n\n"
	     "Run 'eci-run image COMMAND --help' for more.");
	return 0;
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

int image_fetch(const struct policy *p, struct store *st, const struct img_ref *ref,
		char digest[72], struct eci_err *e)
{
	if (policy_gate_fetch(p, ref->full, ref->digest, e) < 0)
		return -1;
	return img_pull(st, ref, digest, e);
}

static int pull(struct store *st, int argc, char **argv, struct eci_err *e)
{
	struct policy p;
	struct img_ref ref;
	char digest[72], user[4096];
	int r;

	if (argc != 2 || argv[1][0] == '-')
		return argc == 2 ? eci_fail(e, 0, "image pull: unknown flag %s", argv[1])
				 : eci_fail(e, 0, "image pull: expected one REF");
	if (img_ref_parse(argv[1], &ref, e) < 0)
		return -1;
	r = policy_load(&p, policy_dir(), e);
	if (r == 0 && policy_user_path(user, sizeof(user)) == 0)
		r = policy_load_user(&p, user, e);
	if (r == 0)
		r = image_fetch(&p, st, &ref, digest, e);
	policy_free(&p);
	if (r == 0)
		printf("%s\n", digest);
	return r;
}

/* image rm A B …: each in turn, whatever the others did; -3 if one failed */
static int remove_each(struct store *st, int n, char **refs)
{
	int r = 0;

	for (int i = 0; i < n; i++) {
		struct eci_err e = { 0 };

		if (store_remove(st, refs[i], &e) < 0) {
			fprintf(stderr, "eci-run: %s\n", e.msg);
			r = -3;
		} else {
			printf("%s\n", refs[i]);
		}
	}
	return r;
}

int image_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	struct store st;
	int r;

	if (argc < 2)
		return usage();
	if (cli_is_help(argv[1]))
		return help(NULL);
	for (int i = 2; i < argc; i++)
		if (cli_is_help(argv[i]))
			return help(argv[1]);
	if (store_open(&st, &e) < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	if (!strcmp(argv[1], "import"))
		r = import(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "pull"))
		r = pull(&st, argc - 1, argv + 1, &e);
	else if (!strcmp(argv[1], "ls") && argc == 2)
		r = store_list(&st, stdout, &e);
	else if (!strcmp(argv[1], "ls") && argc == 3 && (!strcmp(argv[2], "-q") ||
							 !strcmp(argv[2], "--quiet")))
		r = store_list_ids(&st, stdout, &e);
	else if (!strcmp(argv[1], "rm") && argc >= 3)
		r = remove_each(&st, argc - 2, argv + 2);
	else
		r = -2;
	store_close(&st);
	if (r == -2)
		return usage();
	if (r == -3)
		return EXIT_ECI;
	if (r < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		return EXIT_ECI;
	}
	return 0;
}
