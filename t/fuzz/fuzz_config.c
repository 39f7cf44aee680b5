// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_config.c - eci-runc's reading of an OCI config.json: any input is
 * refused with a message or turned into a spec, never a crash or a leak.
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runc.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char bundle[64];

/* libFuzzer ends with exit(): the scratch bundle goes with it */
static void bundle_remove(void)
{
	char path[128];

	snprintf(path, sizeof(path), "%s/config.json", bundle);
	unlink(path);
	rmdir(bundle);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct rconfig rc;
	static struct spec s;
	struct eci_err e = { 0 };
	char path[128];
	FILE *f;

	if (!bundle[0]) {
		snprintf(bundle, sizeof(bundle), "/tmp/eci-fuzz-bundle.XXXXXX");
		if (!mkdtemp(bundle))
			abort();
		atexit(bundle_remove);
	}
	snprintf(path, sizeof(path), "%s/config.json", bundle);
	f = fopen(path, "w");
	if (!f || fwrite(data, 1, size, f) != size || fclose(f))
		abort();
	memset(&rc, 0, sizeof(rc));
	memset(&s, 0, sizeof(s));
	s.statedir_fd = s.lock_fd = s.slots_fd = s.tty_fd = s.mnt.procsys_fd = -1;
	s.oci.umask = -1;
	snprintf(rc.bundle, sizeof(rc.bundle), "%s", bundle);
	if (runc_load_config(&rc, &s, &e) < 0 && !memchr(e.msg, '\0', sizeof(e.msg)))
		abort();
	runc_free_config(&rc, &s);
	return 0;
}
