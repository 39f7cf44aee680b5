// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * env.c - the workload's environment: KEY=VALUE entries, later ones
 * replacing earlier ones of the same name (the front ends decide the order)
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core.h"

#define MAX_ENV 4096

int env_find(char **env, size_t n, const char *kv)
{
	size_t kl = strcspn(kv, "=");

	for (size_t i = 0; i < n; i++)
		if (!strncmp(env[i], kv, kl) && env[i][kl] == '=')
			return (int)i;
	return -1;
}

int env_set(struct spec *s, const char *kv, bool replace)
{
	int i = env_find(s->env, s->nenv, kv);
	char *copy;

	if (i >= 0 && !replace)
		return 0;
	copy = strdup(kv);
	if (!copy)
		return -ENOMEM;
	if (i >= 0) {
		free(s->env[i]);
		s->env[i] = copy;
		return 0;
	}
	if (s->nenv + 1 >= MAX_ENV) {
		free(copy);
		return -E2BIG;
	}
	if (s->nenv + 2 > s->envcap) {
		size_t cap = s->envcap ? s->envcap * 2 : 32;
		char **nv = realloc(s->env, cap * sizeof(char *));

		if (!nv) {
			free(copy);
			return -ENOMEM;
		}
		s->env = nv;
		s->envcap = cap;
	}
	s->env[s->nenv++] = copy;
	s->env[s->nenv] = NULL;
	return 0;
}

void env_free(struct spec *s)
{
	for (size_t i = 0; i < s->nenv; i++)
		free(s->env[i]);
	free(s->env);
	s->env = NULL;
	s->nenv = s->envcap = 0;
}
