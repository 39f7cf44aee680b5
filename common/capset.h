/* SPDX-License-Identifier: GPL-2.0-or-later */
/*
 * capset.h - capability sets as bit masks, and their names
 *
 * Theory of Operation: a set of capabilities is a uint64_t, bit N for
 * capability N, limited to those the running kernel knows.  The names are
 * libcap's, accepted with or without "CAP_" and in any case, "ALL" being
 * every capability.  The core applies such sets to the workload (core/
 * caps.c); the policy judges them against the administrator's ceiling
 * (policy/gate.c); both front ends parse their input into them.  So the
 * vocabulary lives here, below both.
 */
#ifndef ECI_CAPSET_H
#define ECI_CAPSET_H

#include <stddef.h>
#include <stdint.h>

#include "err.h"

/* Docker's default 14 capabilities. */
uint64_t caps_default(void);

/* Every capability the running kernel knows. */
uint64_t caps_all(void);

/* The highest capability number the running kernel knows. */
unsigned caps_last(void);

/**
 * caps_parse() - one capability name, or ALL, as a set
 * @flag: what gave the name, for the message ("--cap-add", "allowedCapabilities")
 *
 * Return: 0, or -1 with @e saying "FLAG NAME: unknown capability".
 */
int caps_parse(const char *flag, const char *name, uint64_t *mask, struct eci_err *e);

/* The name of capability @cap as users write it: "CAP_SYS_ADMIN". */
const char *caps_name(unsigned cap, char *buf, size_t size);

#endif
