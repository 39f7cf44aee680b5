/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * launcher.h - eci-run's internal interfaces
 *
 * Exit codes, as docker run's: the workload's own status; 128+N when it was
 * killed by signal N; EXIT_ECI (125) when eci-run itself fails or refuses;
 * EXIT_CANNOT_INVOKE (126); EXIT_NOT_FOUND (127).
 */
#ifndef ECI_LAUNCHER_H
#define ECI_LAUNCHER_H

#include <stdbool.h>
#include <stdio.h>
#include <sys/types.h>

#include "err.h"
#include "spec.h"

#define EXIT_ECI 125
#define EXIT_CANNOT_INVOKE 126
#define EXIT_NOT_FOUND 127

/* Sync socket messages, child -> parent and parent -> child. */
enum sync_type {
	SYNC_GO = 1,		/* parent: maps written, carry on */
	SYNC_FAIL,		/* child: setup failed, see err */
	SYNC_EXEC_FAIL,		/* workload: exec failed, exit with code */
};

struct sync_msg {
	int type;
	int code;
	struct eci_err err;
};

struct opts {
	const char *image;	/* NULL: default */
	char **cmd;		/* NULL: the image's */
	const char *hostname;	/* --hostname */
	bool read_only;		/* --read-only */
	const char *volumes[MNT_MAX_VOLUMES];	/* -v */
	size_t nvolumes;
	const char *tmpfs[MNT_MAX_TMPFS];	/* --tmpfs */
	size_t ntmpfs;
};

/* cli.c */
int cli_parse(int argc, char **argv, struct opts *o, struct eci_err *e);
void cli_usage(FILE *f);

/* helper.c */
int helper_find(char *buf, size_t size, struct eci_err *e);
int helper_check_subids(struct eci_err *e);
int helper_run(const char *helper, pid_t pid, char *range, size_t size, struct eci_err *e);

/* state.c */
int state_create(struct spec *s, struct eci_err *e);
void state_remove(struct spec *s);

/* spec.c */
int spec_build(struct spec *s, const struct opts *o, struct eci_err *e);
void spec_free(struct spec *s);

/* container.c: parent side; returns the exit code for eci-run */
int container_run(struct spec *s);

/* child.c: never returns */
void child_main(struct spec *s, int sock) __attribute__((noreturn));

/* init.c: pid 1; never returns */
void init_main(struct spec *s, int sock) __attribute__((noreturn));

/* nest.c: the workload side (after fork) and pid 1's side of the handshake
 * over @sync, a socketpair between them. */
int nest_enter(int sync, struct eci_err *e);
int nest_map(pid_t pid, int sync, struct eci_err *e);

/* sync helpers (container.c) */
void sync_send_fail(int sock, int type, int code, const struct eci_err *e);

#endif
