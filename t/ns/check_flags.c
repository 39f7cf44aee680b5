// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_flags.c - docker run's flags that lines copied from READMEs use:
 * each one's effect seen from inside the container, and each bad value
 * refused with exit 125 and words naming the flag.  (--entrypoint against
 * an image with an entrypoint is in check_images.c, --device under the
 * policy in check_policy.c.)
 */
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "tap.h"
#include "util.h"

/* eci-run FLAGS default /bin/sh -c SCRIPT */
static void eci(const char *flags, const char *script, struct run_result *r)
{
	char bin[4096];

	t_eci_sh(t_bin("eci-run", bin, sizeof(bin)), flags, "default", script, r);
}

static void expect_out(const char *flags, const char *script, const char *want)
{
	struct run_result r;

	eci(flags, script, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(!strcmp(r.out, want), "%s: got '%s', want '%s'", flags, r.out, want);
	t_run_free(&r);
}

/* refused before anything ran: 125, @words on stderr */
static void refused(const char *flags, const char *words)
{
	struct run_result r;

	eci(flags, "echo started", &r);
	ck_assert_msg(r.status == 125, "%s: exit %d: %s", flags, r.status, r.err);
	ck_assert_msg(strstr(r.err, words), "%s: stderr lacks '%s': %s", flags, words, r.err);
	ck_assert_ptr_null(strstr(r.out, "started"));
	t_run_free(&r);
}

START_TEST(short_h_is_hostname)
{
	struct run_result r;

	expect_out("-h myhost", "hostname; cat /etc/hostname; echo $HOSTNAME",
		   "myhost\nmyhost\nmyhost\n");
	expect_out("--hostname other", "hostname", "other\n");
	refused("-h bad_name", "--hostname bad_name: not a valid host name");
	/* -h no longer prints the help: it wants a name */
	t_ecif(&r, "-h");
	t_want(&r, 125);
	t_has(r.err, "flag -h needs a value");
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
	t_ecif(&r, "--help");
	t_want(&r, 0);
	t_has(r.out, "-h, --hostname NAME");
	t_run_free(&r);
}
END_TEST

START_TEST(init_accepted)
{
	expect_out("--init", "cat /proc/1/comm; echo $$", "eci-init\n2\n");
	refused("--init=yes", "flag --init takes no value");
}
END_TEST

START_TEST(dns_servers)
{
	expect_out("--dns 192.0.2.53 --dns 2001:db8::53", "cat /etc/resolv.conf",
		   "nameserver 192.0.2.53\nnameserver 2001:db8::53\n");
	/* without it, eci's own words (no network here) */
	expect_out("--network none", "grep -c nameserver /etc/resolv.conf || true", "0\n");
	refused("--dns 300.1.1.1", "--dns 300.1.1.1: not an IPv4 or IPv6 address");
	refused("--dns resolver.example", "--dns resolver.example: not an IPv4 or IPv6");
}
END_TEST

START_TEST(add_host_lines)
{
	expect_out("--add-host db:192.0.2.7 --add-host v6=2001:db8::7 --add-host b6:[::1]",
		   "tail -n 3 /etc/hosts; grep -c localhost /etc/hosts",
		   "192.0.2.7\tdb\n2001:db8::7\tv6\n::1\tb6\n2\n");
	refused("--add-host nocolon", "--add-host nocolon: expected NAME:IP");
	refused("--add-host db:notanip", "--add-host db:notanip: 'notanip' is not an IPv4 or IPv6");
	refused("--add-host 'bad name:192.0.2.1'", "'bad name' is not a host name");
	/* host-gateway needs a network that has the host on it */
	refused("--network none --add-host gw:host-gateway", "host-gateway is the host's address on the "
		"container's network, and this network has none (use --network pasta");
}
END_TEST

/* host-gateway: what eci calls host.eci.internal on pasta's network */
START_TEST(add_host_gateway)
{
	struct run_result r;

	eci("--network pasta --add-host gw:host-gateway",
	    "a=$(grep -w host.eci.internal /etc/hosts | cut -f1); "
	    "b=$(grep -w gw /etc/hosts | cut -f1); test -n \"$a\" && test \"$a\" = \"$b\" && echo same",
	    &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "same\n");
	t_run_free(&r);
}
END_TEST

START_TEST(ulimits)
{
	expect_out("--ulimit nofile=100:200 --ulimit core=0", "ulimit -n; ulimit -Hn; ulimit -c",
		   "100\n200\n0\n");
	/* SOFT alone is both; the last one given wins */
	expect_out("--ulimit nofile=300 --ulimit nofile=50:60", "ulimit -n; ulimit -Hn", "50\n60\n");
	expect_out("--ulimit nproc=500", "ulimit -u; ulimit -Hu", "500\n500\n");
	refused("--ulimit nofile", "--ulimit nofile: expected NAME=SOFT[:HARD]");
	refused("--ulimit bogus=1", "--ulimit bogus=1: unknown limit 'bogus'");
	refused("--ulimit nofile=ten", "--ulimit nofile=ten: a limit is a number, or -1");
	refused("--ulimit nofile=200:100", "--ulimit nofile=200:100: the soft limit is above the "
		"hard one");
	/* an exec gets the container's limits too, as docker's does */
	{
		struct run_result r;
		char name[64];

		snprintf(name, sizeof(name), "eci-t-ul-%d", (int)getpid());
		t_ecif(&r, "-d --rm --name %s --network none --ulimit nofile=70:80 default sleep 60",
			 name);
		ck_assert_msg(r.status == 0, "-d: exit %d: %s", r.status, r.err);
		t_run_free(&r);
		t_ecif(&r, "exec %s sh -c 'ulimit -n; ulimit -Hn'", name);
		ck_assert_msg(r.status == 0 && !strcmp(r.out, "70\n80\n"), "exec: exit %d: %s%s",
			      r.status, r.out, r.err);
		t_run_free(&r);
		t_ecif(&r, "stop %s", name);
		t_run_free(&r);
	}
}
END_TEST

/* Only when the caller's own hard limit is not unlimited (else nothing is above it). */
START_TEST(ulimit_above_own)
{
	struct rlimit mine;
	char flags[128], words[320];

	ck_assert_int_eq(getrlimit(RLIMIT_NOFILE, &mine), 0);
	snprintf(flags, sizeof(flags), "--ulimit nofile=100:%llu",
		 (unsigned long long)mine.rlim_max + 1);
	snprintf(words, sizeof(words), "%s: the hard limit is above your own (%llu): raising it "
		 "needs privileges on the host", flags, (unsigned long long)mine.rlim_max);
	refused(flags, words);
	refused("--ulimit nofile=-1", "--ulimit nofile=-1: the hard limit is above your own");
}
END_TEST

START_TEST(shm_size)
{
	const char *df = "df -k /dev/shm | tail -n 1 | awk \"{ print \\$2 }\"";

	expect_out("--shm-size 1536k", df, "1536\n");
	expect_out("--shm-size 2m", df, "2048\n");
	expect_out("--shm-size 1048576", df, "1024\n");
	expect_out("--shm-size 3MB", df, "3072\n");
	expect_out("", df, "65536\n");
	refused("--shm-size 0", "--shm-size 0: the size must be above 0");
	refused("--shm-size 12x", "--shm-size 12x: expected a size such as 64m");
	refused("--shm-size -5m", "--shm-size -5m: expected a size");
	refused("--shm-size m", "--shm-size m: expected a size");
}
END_TEST

START_TEST(env_host)
{
	ck_assert_int_eq(setenv("ECI_T_HOSTVAR", "from-host", 1), 0);
	ck_assert_int_eq(setenv("ECI_T_OVER", "host-value", 1), 0);
	expect_out("--env-host -e ECI_T_OVER=flag", "echo \"$ECI_T_HOSTVAR/$ECI_T_OVER\"",
		   "from-host/flag\n");
	/* not without it */
	expect_out("", "echo \"[$ECI_T_HOSTVAR]\"", "[]\n");
	refused("--env-host=1", "flag --env-host takes no value");
}
END_TEST

START_TEST(volume_selinux_suffixes)
{
	char dir[] = "/tmp/eci-t-z.XXXXXX", flags[256];

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);
	snprintf(flags, sizeof(flags), "-v %s:/x:z -v %s:/y:ro,Z -v %s:/w:Z,rw", dir, dir, dir);
	expect_out(flags, "touch /x/a && touch /w/b && ls /y && touch /y/c 2>/dev/null || echo ro",
		   "a\nb\nro\n");
	snprintf(flags, sizeof(flags), "-v %s:/x:q", dir);
	refused(flags, "unknown option 'q' (ro, rw, z or Z)");
	snprintf(flags, sizeof(flags), "-v %s:/x:", dir);
	refused(flags, "empty option (ro, rw, z or Z)");
	t_rm_rf(dir);
}
END_TEST

/* -d NAME: the id it printed */
static void detached(const char *flags, const char *script)
{
	struct run_result r;

	t_ecif(&r, "-d %s default sh -c '%s'", flags, script);
	ck_assert_msg(r.status == 0, "-d %s: exit %d: %s", flags, r.status, r.err);
	ck_assert_uint_eq(strlen(r.out), 33);
	t_run_free(&r);
}

static long lines_of(const char *path)
{
	char *buf = NULL;
	long n = 0;

	if (read_all_at(AT_FDCWD, path, 1 << 16, &buf, NULL) < 0)
		return -1;
	for (char *p = buf; *p; p++)
		n += *p == '\n';
	free(buf);
	return n;
}

START_TEST(restart_on_failure)
{
	char dir[] = "/tmp/eci-t-restart.XXXXXX", flags[256], count[64];
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);
	snprintf(count, sizeof(count), "%s/n", dir);

	/* fails twice, then succeeds: run three times, no fourth */
	snprintf(flags, sizeof(flags), "--restart on-failure:5 --name eci-t-rs1 -v %s:/rs", dir);
	detached(flags, "echo run >> /rs/n; test $(wc -l < /rs/n) -ge 3 || exit 7");
	t_ecif(&r, "logs -f eci-t-rs1");
	t_want(&r, 0);
	t_has(r.out, "eci-run: exit code 7: restarting (1 of 5)\n"
		     "eci-run: exit code 7: restarting (2 of 5)\n");
	t_lacks(r.out, "(3 of 5)");
	t_run_free(&r);
	ck_assert_int_eq(lines_of(count), 3);
	t_ecif(&r, "ps -a --format json");
	t_has(r.out, "\"name\":\"eci-t-rs1\"");
	t_has(r.out, "\"exit_code\":0");
	t_run_free(&r);
	t_ecif(&r, "rm eci-t-rs1");
	t_want(&r, 0);
	t_run_free(&r);

	/* at most N restarts: 1 + 2 runs, and the last code stays */
	unlink(count);
	snprintf(flags, sizeof(flags), "--restart on-failure:2 --name eci-t-rs2 -v %s:/rs", dir);
	detached(flags, "echo run >> /rs/n; exit 3");
	t_ecif(&r, "logs -f eci-t-rs2");
	t_has(r.out, "restarting (2 of 2)");
	t_run_free(&r);
	ck_assert_int_eq(lines_of(count), 3);
	t_ecif(&r, "ps -a --format json");
	t_has(r.out, "\"exit_code\":3");
	t_run_free(&r);
	t_ecif(&r, "rm eci-t-rs2");
	t_run_free(&r);

	/* stopped by the user: not restarted */
	unlink(count);
	snprintf(flags, sizeof(flags), "--restart on-failure --name eci-t-rs3 -v %s:/rs", dir);
	detached(flags, "echo run >> /rs/n; exec sleep 1000");
	for (int i = 0; i < 300 && lines_of(count) < 1; i++)
		usleep(100000);	/* until it has run (no time is asserted) */
	t_ecif(&r, "stop -t 1 eci-t-rs3");
	t_want(&r, 0);
	t_run_free(&r);
	t_ecif(&r, "logs eci-t-rs3");
	t_lacks(r.out, "restarting");
	t_run_free(&r);
	ck_assert_int_eq(lines_of(count), 1);
	t_ecif(&r, "rm eci-t-rs3");
	t_run_free(&r);
	t_rm_rf(dir);
}
END_TEST

START_TEST(restart_refused)
{
	refused("--restart on-failure", "--restart on-failure: only for a container run in the "
		"background (-d)");
	refused("-d --restart always", "--restart always: not supported");
	refused("-d --restart unless-stopped", "--restart unless-stopped: not supported");
	refused("-d --restart on-failure:x", "--restart on-failure:x: N must be a number");
	refused("-d --restart sometimes", "--restart sometimes: expected no or on-failure[:N]");
	expect_out("--restart no", "echo once", "once\n");
}
END_TEST

Suite *flags_suite(void)
{
	Suite *s = suite_create("flags");
	TCase *tc = tcase_create("docker run flags");
	struct rlimit mine;

	tcase_set_timeout(tc, 120);
	tcase_add_test(tc, short_h_is_hostname);
	tcase_add_test(tc, init_accepted);
	tcase_add_test(tc, dns_servers);
	tcase_add_test(tc, add_host_lines);
	if (access("/dev/net/tun", R_OK | W_OK) < 0)
		test_skip("add_host_gateway", "/dev/net/tun is not usable by this account (pasta)");
	else
		tcase_add_test(tc, add_host_gateway);
	tcase_add_test(tc, ulimits);
	if (getrlimit(RLIMIT_NOFILE, &mine) == 0 && mine.rlim_max == RLIM_INFINITY)
		test_skip("ulimit_above_own", "this account's nofile hard limit is unlimited");
	else
		tcase_add_test(tc, ulimit_above_own);
	tcase_add_test(tc, shm_size);
	tcase_add_test(tc, env_host);
	tcase_add_test(tc, volume_selinux_suffixes);
	tcase_add_test(tc, restart_on_failure);
	tcase_add_test(tc, restart_refused);
	suite_add_tcase(s, tc);
	return s;
}
