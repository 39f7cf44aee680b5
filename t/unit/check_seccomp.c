// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_seccomp.c - the default filters prebuilt at build time
 * (core/scdefault.c) are, instruction for instruction, the ones
 * libseccomp builds at run time for the same capabilities; what the
 * filters decide on arguments, tried in a child that loads them.
 */
#include <errno.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core.h"
#include "scprebuilt.h"
#include "unit.h"

#define CAP(c) (1ULL << (c))

static void same_filter(uint64_t caps)
{
	struct eci_err e = { 0 };
	struct sc_filter fast = { 0 }, built = { 0 };

	ck_assert_int_eq(sc_default(caps, &fast, &e), 0);
	ck_assert_int_eq(sc_build_default(caps, &built, &e), 0);
	ck_assert_uint_gt(built.len, 100);
	ck_assert_uint_eq(fast.len, built.len);
	ck_assert_int_eq(memcmp(fast.insns, built.insns, built.len * sizeof(struct sock_filter)), 0);
	free(fast.insns);
	free(built.insns);
}

static bool prebuilt_for(uint64_t caps)
{
	for (size_t i = 0; i < sc_nprebuilt; i++)
		if ((sc_prebuilt[i].caps & sc_caps_that_matter()) == (caps & sc_caps_that_matter()))
			return true;
	return false;
}

START_TEST(prebuilt_match)
{
	/* every set without CAP_SYS_ADMIN, and all */
	ck_assert_uint_eq(sc_nprebuilt, 17);
	for (size_t i = 0; i < sc_nprebuilt; i++)
		same_filter(sc_prebuilt[i].caps);
	same_filter(caps_default());
	same_filter(caps_all());
	/* A capability that opens no system call: the default one still. */
	same_filter(caps_default() & ~CAP(CAP_CHOWN));
	ck_assert_uint_eq(sc_caps_that_matter() & CAP(CAP_CHOWN), 0);
	/* One that does (process_vm_*, kcmp), and runc's own default set
	 * (no CAP_SYS_CHROOT): prebuilt as well. */
	ck_assert_uint_ne(sc_caps_that_matter() & CAP(CAP_SYS_PTRACE), 0);
	ck_assert(prebuilt_for(caps_default() | CAP(CAP_SYS_PTRACE)));
	ck_assert(prebuilt_for(CAP(CAP_AUDIT_WRITE) | CAP(CAP_KILL) | CAP(CAP_NET_BIND_SERVICE)));
	/* CAP_SYS_ADMIN without all the rest: built at run time, the same */
	ck_assert(!prebuilt_for(caps_default() | CAP(CAP_SYS_ADMIN)));
	same_filter(caps_default() | CAP(CAP_SYS_ADMIN));
}
END_TEST

/* Different capabilities, different programs: the lookup is by set. */
START_TEST(prebuilt_differ)
{
	struct eci_err e = { 0 };
	struct sc_filter a = { 0 }, b = { 0 };

	ck_assert_int_eq(sc_default(caps_default(), &a, &e), 0);
	ck_assert_int_eq(sc_default(caps_all(), &b, &e), 0);
	ck_assert(a.len != b.len ||
		  memcmp(a.insns, b.insns, a.len * sizeof(struct sock_filter)) != 0);
	free(a.insns);
	free(b.insns);
}
END_TEST

/* One call, made under @f in a child: 0 if it got through, else its errno. */
struct call {
	long nr, a0, a1, a2;
};

static int under(const struct sc_filter *f, const struct call *c)
{
	struct eci_err e = { 0 };
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		long r;

		if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || sc_load(f, &e) < 0)
			_exit(255);
		r = syscall(c->nr, c->a0, c->a1, c->a2);
		_exit(r < 0 ? errno : 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert(WIFEXITED(st) && WEXITSTATUS(st) != 255);
	return WEXITSTATUS(st);
}

/*
 * The kernel reads 32 bits of an int argument: bits above them change
 * nothing of the filter's answer (ioctl's command, socket's family), and
 * the values around a refused one stay allowed (a bad fd answers EBADF, an
 * unknown family EAFNOSUPPORT).  A command sign-extended from an int (musl)
 * is the same command.
 */
START_TEST(default_int_arguments)
{
	static const struct {
		struct call c;
		int want;
	} cases[] = {
		{ { SYS_ioctl, -1, TIOCSTI, 0 }, EPERM },
		{ { SYS_ioctl, -1, 1L << 32 | TIOCSTI, 0 }, EPERM },
		{ { SYS_ioctl, -1, (long)(0xffffffff00000000UL | TIOCSTI), 0 }, EPERM },
		{ { SYS_ioctl, -1, TIOCLINUX, 0 }, EPERM },
		{ { SYS_ioctl, -1, 1L << 40 | TIOCLINUX, 0 }, EPERM },
		{ { SYS_ioctl, -1, TIOCSTI - 1, 0 }, EBADF },
		{ { SYS_ioctl, -1, TIOCSTI + 1, 0 }, EBADF },
		{ { SYS_ioctl, -1, TIOCLINUX - 1, 0 }, EBADF },
		{ { SYS_ioctl, -1, TIOCLINUX + 1, 0 }, EBADF },
		{ { SYS_ioctl, -1, 1L << 16 | TIOCSTI, 0 }, EBADF },
		{ { SYS_ioctl, -1, (long)(int)TIOCGPTN, 0 }, EBADF },
		{ { SYS_socket, AF_VSOCK, SOCK_STREAM, 0 }, EPERM },
		{ { SYS_socket, 1L << 32 | AF_VSOCK, SOCK_STREAM, 0 }, EPERM },
		{ { SYS_socket, 1234, SOCK_STREAM, 0 }, EAFNOSUPPORT },
		{ { SYS_personality, 1L << 32 | 0xffffffff, 0, 0 }, 0 },
		{ { SYS_personality, 0x40000, 0, 0 }, EPERM },	/* ADDR_NO_RANDOMIZE */
	};
	struct eci_err e = { 0 };
	struct sc_filter f[2] = { { 0 } };

	ck_assert_int_eq(sc_default(caps_default(), &f[0], &e), 0);
	ck_assert_int_eq(sc_build_default(caps_all(), &f[1], &e), 0);
	for (size_t k = 0; k < 2; k++) {
		for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
			int got = under(&f[k], &cases[i].c);

			ck_assert_msg(got == cases[i].want, "filter %zu, case %zu (%ld %#lx): %s, want %s",
				      k, i, cases[i].c.nr, (unsigned long)cases[i].c.a1,
				      strerrorname_np(got), strerrorname_np(cases[i].want));
		}
		free(f[k].insns);
	}
}
END_TEST

/*
 * The one namespace the default filter lets a workload without
 * CAP_SYS_ADMIN ask for: a mount namespace alone (the workload's own last
 * step under it, core/init.c), all 64 bits of the flags compared.  Tried
 * in a user namespace of the child's own, where the kernel would make
 * any of them: what fails is the filter's doing.
 */
static int under_in_userns(const struct sc_filter *f, unsigned long flags)
{
	struct eci_err e = { 0 };
	int st;
	pid_t pid = fork();

	ck_assert_int_ge(pid, 0);
	if (pid == 0) {
		if (unshare(CLONE_NEWUSER) < 0 || prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
		    sc_load(f, &e) < 0)
			_exit(255);
		_exit(syscall(SYS_unshare, flags) < 0 ? errno : 0);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) != 255, "no user namespace to try in");
	return WEXITSTATUS(st);
}

START_TEST(default_mount_namespace_alone)
{
	struct eci_err e = { 0 };
	struct sc_filter f = { 0 };

	ck_assert_int_eq(sc_default(caps_default(), &f, &e), 0);
	ck_assert(f.setup_ok);
	ck_assert_int_eq(under_in_userns(&f, CLONE_NEWNS), 0);
	ck_assert_int_eq(under_in_userns(&f, CLONE_NEWNS | CLONE_NEWIPC), EPERM);
	ck_assert_int_eq(under_in_userns(&f, CLONE_NEWNS | CLONE_NEWUSER), EPERM);
	ck_assert_int_eq(under_in_userns(&f, CLONE_NEWUTS), EPERM);
	ck_assert_int_eq(under_in_userns(&f, 1UL << 32 | CLONE_NEWNS), EPERM);
	/* no namespace at all: let through, for the kernel to judge */
	ck_assert_int_eq(under_in_userns(&f, CLONE_FS), 0);
	free(f.insns);
}
END_TEST

Suite *seccomp_suite(void)
{
	Suite *s = suite_create("seccomp");
	TCase *tc = tcase_create("prebuilt default filters");
	TCase *args = tcase_create("arguments");

	tcase_add_test(tc, prebuilt_match);
	tcase_add_test(tc, prebuilt_differ);
	suite_add_tcase(s, tc);
	tcase_add_test(args, default_int_arguments);
	tcase_add_test(args, default_mount_namespace_alone);
	suite_add_tcase(s, args);
	return s;
}
