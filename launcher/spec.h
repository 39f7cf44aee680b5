/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * spec.h - one container, fully decided before any namespace exists
 *
 * Theory of Operation: main() turns flags and the image into a spec; after
 * that nothing is parsed, looked up or refused, and the child only carries
 * it out.  Everything the child needs is already open (layer fds, the
 * rootfs mount point) or already built (argv, env), so the child does not
 * have to resolve host paths it may no longer be allowed to traverse once it
 * runs as container root.
 */
#ifndef ECI_SPEC_H
#define ECI_SPEC_H

#include <sys/types.h>

#include "image.h"
#include "mounts.h"

#define ECI_ID_LEN 32

struct spec {
	char id[ECI_ID_LEN + 1];	/* hex uuid */
	char hostname[65];		/* --hostname, or 12 hex of the id */
	struct img img;
	char **argv;			/* entrypoint + command */
	char **env;			/* the workload's environment */
	const char *workdir;
	char helper[4096];		/* eci-newidmap to run */
	char statedir[4096];		/* $XDG_RUNTIME_DIR/eci/ID */
	int statedir_fd;		/* its base directory */
	struct mnt_plan mnt;		/* rootfs, volumes, tmpfs, read-only */
	int lock_fd;			/* statedir, flock()ed while we live */
};

#endif
