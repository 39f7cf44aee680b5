// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_flagparse.c - the values of --device, --dns, --add-host and
 * --ulimit, parsed before any namespace exists (mounts/parse.c,
 * core/rlimit.c): what each becomes, and the words of each refusal; and
 * which command lines start the helper before they are parsed (cli_plain())
 */
#include <string.h>
#include <sys/resource.h>

#include "core.h"
#include "launcher.h"
#include "mounts.h"
#include "unit.h"

static void device_is(const char *spec, const char *src, const char *dst)
{
	struct mnt_plan p = { 0 };
	struct eci_err e = { 0 };

	p.ndev = 1;
	ck_assert_msg(mnt_parse_device(&p.dev[0], spec, &e) == 0, "%s: %s", spec, e.msg);
	ck_assert_str_eq(p.dev[0].src, src);
	ck_assert_str_eq(p.dev[0].dst, dst);
	mnt_plan_free(&p);
}

static void device_refused(const char *spec, const char *words)
{
	struct mnt_plan p = { 0 };
	struct eci_err e = { 0 };

	p.ndev = 1;
	ck_assert_int_lt(mnt_parse_device(&p.dev[0], spec, &e), 0);
	ck_assert_str_eq(e.msg, words);
	mnt_plan_free(&p);
}

START_TEST(device_values)
{
	device_is("/dev/fuse", "/dev/fuse", "/dev/fuse");
	device_is("/dev/fuse:rwm", "/dev/fuse", "/dev/fuse");	/* docker's HOST:PERMS */
	device_is("/dev/sdc:/dev/xvdc", "/dev/sdc", "/dev/xvdc");
	device_is("/dev/sdc:/dev//./xvdc:rw", "/dev/sdc", "/dev/xvdc");
	device_refused("fuse", "--device fuse: the host device 'fuse' must be an absolute path");
	device_refused("/dev/fuse:r", "--device /dev/fuse:r: permissions 'r': eci gives a device as "
		       "it is, read and write (rw or rwm); it cannot narrow it to less");
	device_refused("/dev/fuse:/dev/f:wx", "--device /dev/fuse:/dev/f:wx: permissions 'wx': eci "
		       "gives a device as it is, read and write (rw or rwm); it cannot narrow it to "
		       "less");
	device_refused("/dev/fuse:/../f", "--device /dev/fuse:/../f: destination '/../f' must be "
		       "an absolute path without '..'");
}
END_TEST

START_TEST(dns_and_hosts)
{
	struct mnt_plan p = { 0 };
	struct eci_err e = { 0 };

	ck_assert_int_eq(mnt_add_dns(&p, "192.0.2.1", &e), 0);
	ck_assert_int_eq(mnt_add_dns(&p, "fe80::1", &e), 0);
	ck_assert_str_eq(p.dns, "nameserver 192.0.2.1\nnameserver fe80::1\n");
	ck_assert_int_lt(mnt_add_dns(&p, "192.0.2", &e), 0);
	ck_assert_str_eq(e.msg, "--dns 192.0.2: not an IPv4 or IPv6 address");
	ck_assert_int_eq(mnt_add_host(&p, "db:192.0.2.7", NULL, &e), 0);
	ck_assert_int_eq(mnt_add_host(&p, "v6=2001:db8::7", NULL, &e), 0);
	ck_assert_int_eq(mnt_add_host(&p, "b6:[::1]", NULL, &e), 0);
	ck_assert_int_eq(mnt_add_host(&p, "gw:host-gateway", "10.0.2.2", &e), 0);
	ck_assert_str_eq(p.hosts, "192.0.2.7\tdb\n2001:db8::7\tv6\n::1\tb6\n10.0.2.2\tgw\n");
	ck_assert_int_lt(mnt_add_host(&p, "gw:host-gateway", NULL, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "--add-host gw:host-gateway: host-gateway is the "
				       "host's address on the container's network"));
	ck_assert_int_lt(mnt_add_host(&p, ":192.0.2.1", NULL, &e), 0);
	ck_assert_str_eq(e.msg, "--add-host :192.0.2.1: expected NAME:IP");
	ck_assert_int_lt(mnt_add_host(&p, "a b:192.0.2.1", NULL, &e), 0);
	ck_assert_str_eq(e.msg, "--add-host a b:192.0.2.1: 'a b' is not a host name");
	ck_assert_int_lt(mnt_add_host(&p, "db:host", NULL, &e), 0);
	ck_assert_str_eq(e.msg, "--add-host db:host: 'host' is not an IPv4 or IPv6 address");
	mnt_plan_free(&p);
	ck_assert_ptr_null(p.dns);
	ck_assert_ptr_null(p.hosts);
}
END_TEST

START_TEST(ulimit_values)
{
	struct spec_rlimit l;
	struct eci_err e = { 0 };

	ck_assert_int_eq(rlimit_parse_flag("nofile=10:20", &l, &e), 0);
	ck_assert_int_eq(l.resource, RLIMIT_NOFILE);
	ck_assert_uint_eq(l.soft, 10);
	ck_assert_uint_eq(l.hard, 20);
	ck_assert_int_eq(rlimit_parse_flag("core=0", &l, &e), 0);
	ck_assert_int_eq(l.resource, RLIMIT_CORE);
	ck_assert_uint_eq(l.soft, 0);
	ck_assert_uint_eq(l.hard, 0);
	ck_assert_int_lt(rlimit_parse_flag("NOFILE=1", &l, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "--ulimit NOFILE=1: unknown limit 'NOFILE'"));
	ck_assert_int_lt(rlimit_parse_flag("=1", &l, &e), 0);
	ck_assert_str_eq(e.msg, "--ulimit =1: expected NAME=SOFT[:HARD] (nofile=1024:4096)");
	ck_assert_int_lt(rlimit_parse_flag("nofile=1:", &l, &e), 0);
	ck_assert_str_eq(e.msg, "--ulimit nofile=1:: a limit is a number, or -1 for none");
	ck_assert_int_lt(rlimit_parse_flag("nofile=+1", &l, &e), 0);
	ck_assert_str_eq(e.msg, "--ulimit nofile=+1: a limit is a number, or -1 for none");
}
END_TEST

/* cli_plain() of "eci-run" and @words (NULL-ended) */
static bool plain(const char *const *words)
{
	char *argv[16] = { (char *)"eci-run" };
	int argc = 1;

	for (; words[argc - 1]; argc++)
		argv[argc] = (char *)words[argc - 1];
	return cli_plain(argc, argv);
}

/*
 * A plain run: its helper takes no --keep-id and is this process's child.
 * -d (its helper is the background launcher's), --userns, --help,
 * --version and what fails to parse are not, however written; a -d of the
 * command after the image is the command's.  And the parse after it starts
 * from scratch.
 */
START_TEST(plain_runs)
{
	static const char *const yes[][10] = {
		{ NULL },
		{ "default", "/bin/true", NULL },
		{ "--rm", "-e", "A=-d", "-v", "/tmp:/t", "default", "ls", "-d", NULL },
		{ "-it", "--network", "none", "default", "sh", NULL },
		{ "--user", "1000", "-u", "0", "default", "--userns", NULL },
		{ "default", "--help", "--version", NULL },
	};
	static const char *const no[][8] = {
		{ "-d", "default", NULL },
		{ "-itd", "default", NULL },
		{ "--detach", "default", NULL },
		{ "--det", "default", NULL },
		{ "--userns", "keep-id", "default", NULL },
		{ "--userns=keep-id", "default", NULL },
		{ "--usern=keep-id", "default", NULL },
		{ "--help", NULL },
		{ "--version", NULL },
		{ "--bogus", "default", NULL },
		{ "-e", NULL },
		{ "--rm=1", "default", NULL },
	};
	char *argv[] = { (char *)"eci-run", (char *)"-e", (char *)"K=V", (char *)"img", NULL };
	struct eci_err e = { 0 };
	struct opts o = { 0 };

	for (size_t i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		ck_assert_msg(plain(yes[i]), "line %zu: not plain", i);
	for (size_t i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		ck_assert_msg(!plain(no[i]), "line %zu: plain", i);
	ck_assert(plain((const char *const[]){ "-e", "K=V", "img", NULL }));
	ck_assert_int_eq(cli_parse(4, argv, &o, &e), 0);
	ck_assert_uint_eq(o.nenv, 1);
	ck_assert_str_eq(o.env[0], "K=V");
	ck_assert_str_eq(o.image, "img");
}
END_TEST

Suite *flagparse_suite(void)
{
	Suite *s = suite_create("flagparse");
	TCase *tc = tcase_create("flag values");

	tcase_add_test(tc, device_values);
	tcase_add_test(tc, dns_and_hosts);
	tcase_add_test(tc, ulimit_values);
	tcase_add_test(tc, plain_runs);
	suite_add_tcase(s, tc);
	return s;
}
