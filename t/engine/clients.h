/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * clients.h - one scenario, three engines' command lines: docker, ctr and
 * podman as t/engine/clients.sh set them up (its environment names each
 * one's command and directories)
 *
 * A test picks its client and runtime once (cl_pick()); every call after
 * that speaks that client's language and runs under a timeout, so that no
 * engine can hang the suite.  The runtime is eci-runc as the client's
 * snippet configured it (dockerd's and podman's default runtime, ctr's
 * --runc-binary as containerd read it), or plain runc for comparison.
 */
#ifndef ECI_T_CLIENTS_H
#define ECI_T_CLIENTS_H

#include <stdbool.h>
#include <sys/types.h>

#include "run.h"

enum cl_kind { CL_DOCKER, CL_CTR, CL_PODMAN, CL_KINDS };

struct client {
	enum cl_kind kind;
	const char *name;	/* docker, ctr, podman */
	bool runc;		/* the comparison runtime, not eci-runc */
};

/* The client of loop index @i (client * 2 + runc); its name in @name. */
const struct client *cl_pick(int i);
/* The client this test runs (cl_pick()'s). */
const struct client *cl(void);

/* "eci-t-TAG-@what" for this test's containers (ctr's ids are their names). */
const char *cl_name(const char *what, char *buf, size_t size);

/* CLIENT ARGS (a shell string) under a timeout of @secs; fills @r. */
__attribute__((format(printf, 3, 4))) void cl_do(struct run_result *r, int secs,
						  const char *fmt, ...);
/* The same, which must exit 0. */
__attribute__((format(printf, 1, 2))) void cl_ok(const char *fmt, ...);
/* sh -c COMMAND on the host, formatted; fills @r. */
__attribute__((format(printf, 2, 3))) void cl_sh(struct run_result *r, const char *fmt, ...);

/* A container run in the foreground with FLAGS, sh -c SCRIPT (no single
 * quotes in it), removed afterwards; @name is ctr's id (NULL: made up). */
void cl_run(struct run_result *r, const char *name, const char *flags, const char *script);
/* A container left running (detached, no stdio), which must start. */
void cl_start(const char *name, const char *flags, const char *script);
/* sh -c SCRIPT in running container @name. */
void cl_exec(struct run_result *r, const char *name, const char *script);
/* The same with a pty: the client itself runs on a new terminal of 33 rows
 * and 101 columns, -t (and -i) given; its output in @buf; exit status. */
int cl_exec_tty(const char *name, const char *script, char *buf, size_t size);
/* Pause, or resume, container @name: within 20 seconds. */
void cl_pause(const char *name, bool pause);
/* Is @name paused, as the client shows it? */
bool cl_paused(const char *name);
/* Remove @name, running or not (ctr: its task, then it). */
void cl_rm(const char *name);

/* The engine's id of @name (docker's and podman's full id; ctr: the name). */
void cl_id(const char *name, char *id, size_t size);
/* The host pid of @name's first process (eci-runc's: its pid 1). */
pid_t cl_pid(const char *name);

/* eci-runc's (or runc's) --root for this client's containers. */
const char *cl_state_root(void);
/* The image as this client names it. */
const char *cl_image(void);

#endif
