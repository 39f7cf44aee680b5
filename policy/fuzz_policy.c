// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_policy.c - libFuzzer target for the policy.d parser
 *
 * Invariants checked after every input: the parser returns 0 or a
 * negative value with a NUL-terminated message; each setting keeps its type
 * (a list stays NULL-terminated with n entries, strings are set where they
 * must be); locked settings name a source; nothing leaks (ASan).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "policy.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct policy *p)
{
	for (int k = 0; k < POL_NKEYS; k++) {
		const struct pol_value *v = &p->v[k];

		if (!v->source || !v->source[0])
			abort();
		if (v->type == POL_STRING && !v->s)
			abort();
		if (v->type == POL_LIST) {
			if (!v->list || v->list[v->n] != NULL)
				abort();
			for (size_t i = 0; i < v->n; i++)
				if (!v->list[i])
					abort();
		}
		if (v->type == POL_INT && v->i < 0)
			abort();
	}
	for (size_t i = 0; i < p->nsocket_images; i++)
		if (!p->socket_images[i])
			abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eci_err e = { 0 };
	struct policy p;
	int r;

	if (policy_defaults(&p) < 0)
		abort();
	r = policy_parse_buffer(&p, (const char *)data, size, "fuzz.json", &e);
	if (r < 0 && !memchr(e.msg, '\0', sizeof(e.msg)))
		abort();
	check(&p);
	policy_free(&p);
	return 0;
}
