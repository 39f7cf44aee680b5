// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_help.c - --help of eci-run, its sub-commands, eci-runc and its verbs
 *
 * Theory of Operation: --help needs no namespace, no account and no store,
 * so these run the programs of the build as whoever runs the unit tests:
 * $ECI_PREFIX/bin when set, else the bin/ beside this test program's t/
 * (build/ or build-san/).  Each case must exit 0, print its usage on stdout
 * with the case's key words, and say nothing on stderr.  Every case runs
 * in an empty directory of its own, so that a --help that fell through to
 * the command itself ("eci-runc spec" writes config.json) is seen.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "tap.h"
#include "unit.h"
#include "util.h"

static const struct help_case {
	const char *bin;
	const char *args[4];
	const char *words;	/* on stdout */
} cases[] = {
	{ "eci-run", { "--help" }, "usage: eci-run [OPTIONS] [IMAGE" },
	{ "eci-run", { "--help" }, "--userns keep-id" },
	{ "eci-run", { "--help" }, "-h, --hostname NAME" },
	{ "eci-run", { "image", "--help" }, "usage: eci-run image COMMAND" },
	{ "eci-run", { "image", "-h" }, "import" },
	{ "eci-run", { "image", "import", "--help" }, "usage: eci-run image import [--name" },
	{ "eci-run", { "image", "pull", "--help" }, "usage: eci-run image pull REF" },
	{ "eci-run", { "--help" }, "--pull WHEN" },
	{ "eci-run", { "image", "ls", "--help" }, "usage: eci-run image ls" },
	{ "eci-run", { "image", "rm", "--help" }, "usage: eci-run image rm NAME[:TAG]" },
	{ "eci-run", { "volume", "--help" }, "usage: eci-run volume COMMAND" },
	{ "eci-run", { "volume", "create", "--help" }, "usage: eci-run volume create [NAME]" },
	{ "eci-run", { "volume", "ls", "-h" }, "usage: eci-run volume ls [-q]" },
	{ "eci-run", { "volume", "inspect", "--help" }, "usage: eci-run volume inspect NAME..." },
	{ "eci-run", { "volume", "rm", "--help" }, "usage: eci-run volume rm [-f] NAME..." },
	{ "eci-run", { "policy", "--help" }, "usage: eci-run policy show [--json]" },
	{ "eci-run", { "policy", "show", "--help" }, "--json" },
	{ "eci-run", { "ps", "--help" }, "USERNS (private, or keep-id" },
	{ "eci-run", { "ps", "--help" }, "usage: eci-run ps [-a|--all] [-q|--quiet] [-f|--filter" },
	{ "eci-run", { "start", "--help" }, "usage: eci-run start NAME|ID..." },
	{ "eci-run", { "restart", "-h" }, "usage: eci-run restart [-t SECONDS] NAME|ID..." },
	{ "eci-run", { "kill", "--help" }, "usage: eci-run kill [-s SIGNAL] NAME|ID..." },
	{ "eci-run", { "wait", "--help" }, "usage: eci-run wait NAME|ID..." },
	{ "eci-run", { "cp", "--help" }, "usage: eci-run cp CONTAINER:PATH HOSTPATH" },
	{ "eci-run", { "inspect", "--help" }, "{{json .Field.Path}}" },
	{ "eci-run", { "port", "--help" }, "usage: eci-run port NAME|ID [PORT[/PROTO]]" },
	{ "eci-run", { "top", "--help" }, "usage: eci-run top NAME|ID [ps OPTIONS]" },
	{ "eci-run", { "stop", "--help" }, "usage: eci-run stop [-t SECONDS] NAME|ID" },
	{ "eci-run", { "stop", "-h" }, "SIGKILL" },
	{ "eci-run", { "doctor", "--help" }, "usage: eci-run doctor" },
	{ "eci-runc", { "--help" }, "usage: eci-runc [GLOBAL OPTIONS] COMMAND" },
	{ "eci-runc", { "-h" }, "--log-format text|json" },
	{ "eci-runc", { "help" }, "Commands:" },
	{ "eci-runc", { "help", "kill" }, "usage: eci-runc kill [--all] ID [SIGNAL]" },
	{ "eci-runc", { "--root", "/nonexistent", "create", "--help" }, "--bundle DIR" },
	{ "eci-runc", { "create", "--bundle", "/nonexistent", "-h" }, "usage: eci-runc create" },
	{ "eci-runc", { "run", "--help" }, "usage: eci-runc run [OPTIONS] ID" },
	{ "eci-runc", { "start", "--help" }, "usage: eci-runc start ID" },
	{ "eci-runc", { "state", "--help" }, "usage: eci-runc state ID" },
	{ "eci-runc", { "kill", "--help" }, "SIGNAL" },
	{ "eci-runc", { "delete", "--help" }, "--force" },
	{ "eci-runc", { "exec", "--help" }, "--process FILE" },
	{ "eci-runc", { "list", "--help" }, "usage: eci-runc list" },
	{ "eci-runc", { "ps", "--help" }, "--format" },
	{ "eci-runc", { "features", "--help" }, "usage: eci-runc features" },
	{ "eci-runc", { "spec", "--help" }, "usage: eci-runc spec" },
};

/* Made and removed by the runner (unchecked fixture), so that a failed
 * test, whose checked teardown Check skips, leaves nothing behind. */
static char top[] = "/tmp/eci-t-help.XXXXXX";

static void make_top(void)
{
	if (!mkdtemp(top))
		top[0] = '\0';
}

static void remove_top(void)
{
	if (top[0])
		rm_rf_at(AT_FDCWD, top);
}

/* In each test's own process: a fresh, empty directory of its own. */
static void enter_empty_dir(void)
{
	char dir[64];

	ck_assert_msg(top[0], "mkdtemp /tmp/eci-t-help.XXXXXX failed");
	snprintf(dir, sizeof(dir), "%s/XXXXXX", top);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chdir(dir), 0);
}

/* $ECI_PREFIX/bin/NAME, else DIR/../bin/NAME for this program's DIR. */
static const char *program(const char *name, char *buf, size_t size)
{
	char self[4096];

	if (getenv("ECI_PREFIX") || self_exe_dir(self, sizeof(self)) < 0)
		return t_bin(name, buf, size);
	snprintf(buf, size, "%s/../bin/%s", self, name);
	return buf;
}

static void run_case(const struct help_case *c, struct run_result *r)
{
	char bin[4200];
	char *argv[8] = { (char *)program(c->bin, bin, sizeof(bin)) };

	for (size_t i = 0; i < 4 && c->args[i]; i++)
		argv[i + 1] = (char *)c->args[i];
	ck_assert_int_eq(t_run(argv, r), 0);
	ck_assert_msg(r->status != 99, "cannot run %s", bin);
}

START_TEST(help_on_stdout)
{
	const struct help_case *c = &cases[_i];
	struct run_result r;

	run_case(c, &r);
	ck_assert_msg(r.status == 0, "%s %s %s: exit %d: %s", c->bin, c->args[0],
		      c->args[1] ?: "", r.status, r.err);
	ck_assert_msg(strstr(r.out, c->words), "%s %s %s: stdout lacks '%s': %s", c->bin,
		      c->args[0], c->args[1] ?: "", c->words, r.out);
	ck_assert_msg(!r.err[0], "%s %s: stderr: %s", c->bin, c->args[0], r.err);
	ck_assert_msg(access("config.json", F_OK) < 0, "%s %s %s wrote config.json", c->bin,
		      c->args[0], c->args[1] ?: "");
	t_run_free(&r);
}
END_TEST

/* --help of a sub-command that does not exist is still an error. */
START_TEST(help_of_unknown_command)
{
	static const struct help_case run = { "eci-run", { "image", "frob", "--help" }, NULL };
	static const struct help_case runc = { "eci-runc", { "frob", "--help" }, NULL };
	struct run_result r;

	run_case(&run, &r);
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "usage: eci-run image"), "%s", r.err);
	t_run_free(&r);
	run_case(&runc, &r);
	ck_assert_int_eq(r.status, 1);
	ck_assert_msg(strstr(r.err, "unknown or unsupported command 'frob'"), "%s", r.err);
	t_run_free(&r);
}
END_TEST

Suite *help_suite(void)
{
	Suite *s = suite_create("help");
	TCase *tc = tcase_create("--help");

	tcase_add_unchecked_fixture(tc, make_top, remove_top);
	tcase_add_checked_fixture(tc, enter_empty_dir, NULL);
	tcase_add_loop_test(tc, help_on_stdout, 0, (int)ARRAY_SIZE(cases));
	tcase_add_test(tc, help_of_unknown_command);
	suite_add_tcase(s, tc);
	return s;
}
