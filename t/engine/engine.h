/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * engine.h - what the engine suites share: docker as a test sees it
 *
 * t/engine/run.sh starts a private dockerd and exports DOCKER_HOST, so
 * "docker ARGS" here always talks to it.
 */
#ifndef ECI_T_ENGINE_H
#define ECI_T_ENGINE_H

#include <check.h>

#include "run.h"
#include "subid.h"

#define IMG "eci-default"

/* docker ARGS (a shell string); fills @r. */
void docker(const char *args, struct run_result *r);

/* docker ARGS must exit with @code, and say @out / @err (when not NULL). */
void expect(const char *args, int code, const char *out, const char *err);

/* The same, ARGS formatted; sh -c COMMAND on the host, formatted. */
__attribute__((format(printf, 2, 3))) void dockerf(struct run_result *r, const char *fmt, ...);
__attribute__((format(printf, 4, 5))) void expectf(int code, const char *out, const char *err,
						   const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void shf(struct run_result *r, const char *fmt, ...);

/* The pool account's first subordinate uid range, from /etc/subuid. */
struct subid_range pool(void);

/* Host start of a running container's uid map, through docker inspect. */
unsigned map_of(const char *name);

/* check_isolation.c: container root never reaches host root (issue 18). */
Suite *isolation_suite(void);

/* check_network.c: the engine's network is the container's (issue 21). */
Suite *network_suite(void);
/* check_spec.c: config.json applied as runc applies it. */
Suite *spec_suite(void);
/* check_sys.c: systemd and Docker-in-Docker, --privileged (issue 24); run
 * alone, by t/engine/run.sh's part "sys", which sets ECI_SYS_IMAGE. */
Suite *sys_suite(void);

#endif
