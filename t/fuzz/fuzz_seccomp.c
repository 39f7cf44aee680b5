// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_seccomp.c - seccomp profiles in Docker's format (the JSON eci-run
 * takes with --security-opt seccomp=FILE): any input is refused with a
 * message or compiled into a loadable filter, never a crash.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sc_filter f = { 0 };
	struct eci_err e = { 0 };
	char path[64];
	int fd = memfd_create("profile", MFD_CLOEXEC);

	if (fd < 0 || write(fd, data, size) != (ssize_t)size)
		abort();
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	if (sc_build_file(path, caps_default(), &f, &e) == 0) {
		if (!f.insns || f.len == 0)
			abort();
	} else if (!memchr(e.msg, '\0', sizeof(e.msg))) {
		abort();
	}
	free(f.insns);
	close(fd);
	return 0;
}
