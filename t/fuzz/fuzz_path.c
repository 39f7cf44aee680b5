// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_path.c - the two path sanitisers: a layer entry's name
 * (img_clean_path) and a container mount destination (mnt_clean_path).
 * Whatever they accept must be plain: no "..", no "." component, no empty
 * component; and cleaning it again changes nothing.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "image.h"
#include "mounts.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void plain(const char *p, int absolute)
{
	const char *c = p + (absolute ? 1 : 0);

	if (absolute && p[0] != '/')
		abort();
	if (!absolute && p[0] == '/')
		abort();
	if (!*c)
		return;
	for (;;) {
		const char *end = strchr(c, '/');
		size_t len = end ? (size_t)(end - c) : strlen(c);

		if (len == 0 || (len == 1 && c[0] == '.') || (len == 2 && !strncmp(c, "..", 2)))
			abort();
		if (!end)
			break;
		c = end + 1;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *in = malloc(size + 1), out[4096], again[4096], *abs;

	if (!in)
		return 0;
	memcpy(in, data, size);
	in[size] = '\0';
	if (img_clean_path(in, out, sizeof(out))) {
		plain(out, 0);
		if (!img_clean_path(out, again, sizeof(again)) || strcmp(out, again))
			abort();
	}
	abs = malloc(strlen(in) + 2);
	if (abs && mnt_clean_path(in, abs) == 0) {
		char *twice = malloc(strlen(abs) + 2);

		plain(abs, 1);
		if (!twice || mnt_clean_path(abs, twice) != 0 || strcmp(abs, twice))
			abort();
		free(twice);
	}
	free(abs);
	free(in);
	return 0;
}
