// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * profile.c - seccomp profiles in Docker's JSON format
 *
 * Understood: defaultAction and defaultErrnoRet; syscalls[] with names,
 * action, errnoRet, args (index, value, valueTwo, op) and includes/excludes
 * by caps, arches and minKernel, with Docker's meaning: a rule applies when
 * every included capability is granted, none of the excluded ones is, the
 * native architecture is listed (if arches are given) and the kernel is at
 * least minKernel.  Several conditions on the same argument cannot share a
 * libseccomp rule; as Docker does, each then becomes a rule of its own.
 * Every error names the file and the place in it.
 */
#include <errno.h>
#include <jansson.h>
#include <seccomp.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>

#include "core.h"
#include "util.h"

static int parse_action(json_t *j, json_t *errno_ret, int dflt_errno, uint32_t *out)
{
	const char *s = json_string_value(j);
	int err = json_is_integer(errno_ret) ? (int)json_integer_value(errno_ret) : dflt_errno;

	if (!s)
		return -1;
	if (!strcmp(s, "SCMP_ACT_ALLOW"))
		*out = SCMP_ACT_ALLOW;
	else if (!strcmp(s, "SCMP_ACT_ERRNO"))
		*out = SCMP_ACT_ERRNO((uint16_t)err);
	else if (!strcmp(s, "SCMP_ACT_KILL") || !strcmp(s, "SCMP_ACT_KILL_THREAD"))
		*out = SCMP_ACT_KILL;
	else if (!strcmp(s, "SCMP_ACT_KILL_PROCESS"))
		*out = SCMP_ACT_KILL_PROCESS;
	else if (!strcmp(s, "SCMP_ACT_TRAP"))
		*out = SCMP_ACT_TRAP;
	else if (!strcmp(s, "SCMP_ACT_LOG"))
		*out = SCMP_ACT_LOG;
	else
		return -1;
	return 0;
}

static int parse_op(const char *s, enum scmp_compare *op)
{
	static const struct {
		const char *name;
		enum scmp_compare op;
	} ops[] = {
		{ "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
		{ "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
		{ "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
		{ "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
	};

	for (size_t i = 0; s && i < ARRAY_SIZE(ops); i++)
		if (!strcmp(s, ops[i].name)) {
			*op = ops[i].op;
			return 0;
		}
	return -1;
}

static const char *native_arch(void)
{
	switch (seccomp_arch_native()) {
	case SCMP_ARCH_X86_64: return "amd64";
	case SCMP_ARCH_AARCH64: return "arm64";
	case SCMP_ARCH_X86: return "386";
	default: return "";
	}
}

static int kernel_at_least(const char *v)
{
	struct utsname u;
	int a = 0, b = 0, x = 0, y = 0;

	if (!v || uname(&u) < 0 || sscanf(v, "%d.%d", &a, &b) < 1)
		return 1;
	sscanf(u.release, "%d.%d", &x, &y);
	return x > a || (x == a && y >= b);
}

static int has_cap_name(json_t *list, uint64_t caps, int want_all)
{
	size_t i;
	json_t *c;

	json_array_foreach(list, i, c) {
		uint64_t m = 0;
		struct eci_err e;
		int have = json_is_string(c) &&
			   caps_parse("", json_string_value(c), &m, &e) == 0 && (caps & m);

		if (want_all && !have)
			return 0;
		if (!want_all && have)
			return 1;
	}
	return want_all;
}

static int applies(json_t *sc, uint64_t caps)
{
	json_t *inc = json_object_get(sc, "includes"), *exc = json_object_get(sc, "excludes");
	json_t *arches = json_object_get(inc, "arches"), *a;
	size_t i;
	int arch_ok = !json_array_size(arches);

	json_array_foreach(arches, i, a)
		if (json_is_string(a) && !strcmp(json_string_value(a), native_arch()))
			arch_ok = 1;
	if (!arch_ok || !kernel_at_least(json_string_value(json_object_get(inc, "minKernel"))))
		return 0;
	if (json_array_size(json_object_get(inc, "caps")) &&
	    !has_cap_name(json_object_get(inc, "caps"), caps, 1))
		return 0;
	return !has_cap_name(json_object_get(exc, "caps"), caps, 0);
}

static int parse_args(json_t *args, struct scmp_arg_cmp *cmp, unsigned *n, int *same_arg)
{
	size_t i;
	json_t *a;
	unsigned seen = 0;

	*n = 0;
	*same_arg = 0;
	if (json_array_size(args) > 6)
		return -1;
	json_array_foreach(args, i, a) {
		json_t *idx = json_object_get(a, "index");
		enum scmp_compare op;

		if (!json_is_integer(idx) || json_integer_value(idx) < 0 ||
		    json_integer_value(idx) > 5 ||
		    parse_op(json_string_value(json_object_get(a, "op")), &op) < 0)
			return -1;
		cmp[*n].arg = (unsigned)json_integer_value(idx);
		cmp[*n].op = op;
		cmp[*n].datum_a = (scmp_datum_t)json_integer_value(json_object_get(a, "value"));
		cmp[*n].datum_b = (scmp_datum_t)json_integer_value(json_object_get(a, "valueTwo"));
		if (seen & (1u << cmp[*n].arg))
			*same_arg = 1;
		seen |= 1u << cmp[*n].arg;
		(*n)++;
	}
	return 0;
}

static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, struct scmp_arg_cmp *cmp,
		    unsigned n, int same_arg)
{
	int r;

	if (!same_arg)
		return seccomp_rule_add_array(ctx, act, nr, n, cmp);
	for (unsigned k = 0; k < n; k++)
		if ((r = seccomp_rule_add_array(ctx, act, nr, 1, &cmp[k])) < 0 && r != -EEXIST)
			return r;
	return 0;
}

static int add_syscalls(scmp_filter_ctx ctx, json_t *sc, size_t idx, uint32_t dflt,
			int dflt_errno, const char *path, struct eci_err *e)
{
	struct scmp_arg_cmp cmp[6];
	unsigned n;
	int same;
	uint32_t act;
	json_t *names = json_object_get(sc, "names"), *nm;
	size_t i;

	if (json_is_string(json_object_get(sc, "name")) && !names)
		names = json_pack("[O]", json_object_get(sc, "name"));
	else
		json_incref(names);
	if (!json_is_array(names)) {
		json_decref(names);
		return eci_fail(e, 0, "seccomp profile %s: syscalls[%zu]: no names", path, idx);
	}
	if (parse_action(json_object_get(sc, "action"), json_object_get(sc, "errnoRet"),
			 dflt_errno, &act) < 0 ||
	    parse_args(json_object_get(sc, "args"), cmp, &n, &same) < 0) {
		json_decref(names);
		return eci_fail(e, 0, "seccomp profile %s: syscalls[%zu]: bad action or args",
				path, idx);
	}
	json_array_foreach(names, i, nm) {
		int nr = json_is_string(nm) ? seccomp_syscall_resolve_name(json_string_value(nm))
					     : __NR_SCMP_ERROR;
		int r;

		if (nr == __NR_SCMP_ERROR || act == dflt)
			continue;	/* unknown here, or nothing to add */
		r = add_rule(ctx, act, nr, cmp, n, same);
		if (r < 0 && r != -EEXIST) {
			json_decref(names);
			return eci_fail(e, -r, "seccomp profile %s: syscalls[%zu]: %s", path, idx,
					json_string_value(nm));
		}
	}
	json_decref(names);
	return 0;
}

static int build(json_t *root, const char *path, uint64_t caps, scmp_filter_ctx *out,
		 struct eci_err *e)
{
	json_t *syscalls = json_object_get(root, "syscalls"), *sc;
	json_t *dre = json_object_get(root, "defaultErrnoRet");
	int dflt_errno = json_is_integer(dre) ? (int)json_integer_value(dre) : EPERM;
	uint32_t dflt;
	size_t i;

	if (parse_action(json_object_get(root, "defaultAction"), dre, EPERM, &dflt) < 0)
		return eci_fail(e, 0, "seccomp profile %s: defaultAction missing or unknown", path);
	if (syscalls && !json_is_array(syscalls))
		return eci_fail(e, 0, "seccomp profile %s: syscalls is not an array", path);
	*out = seccomp_init(dflt);
	if (!*out)
		return eci_fail(e, ENOMEM, "seccomp profile %s", path);
	seccomp_attr_set(*out, SCMP_FLTATR_CTL_OPTIMIZE, 2);
	json_array_foreach(syscalls, i, sc) {
		if (!json_is_object(sc))
			return eci_fail(e, 0, "seccomp profile %s: syscalls[%zu] is not an object",
					path, i);
		if (applies(sc, caps) &&
		    add_syscalls(*out, sc, i, dflt, dflt_errno, path, e) < 0)
			return -1;
	}
	return 0;
}

int sc_build_file(const char *path, uint64_t caps, struct sc_filter *f, struct eci_err *e)
{
	json_error_t je;
	json_t *root = json_load_file(path, JSON_REJECT_DUPLICATES, &je);
	scmp_filter_ctx ctx = NULL;
	int r;

	if (!root)
		return eci_fail(e, 0, "seccomp profile %s: line %d column %d: %s", path, je.line,
				je.column, je.text);
	r = json_is_object(root) ? build(root, path, caps, &ctx, e)
				 : eci_fail(e, 0, "seccomp profile %s: not a JSON object", path);
	json_decref(root);
	if (r == 0)
		r = sc_export(ctx, f, e);
	if (ctx)
		seccomp_release(ctx);
	return r;
}
