// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * die.c - how the helper speaks: one line on stderr, prefixed with its name
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helper.h"

pid_t die_quiet_without;

void die(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (!die_quiet_without || getppid() == die_quiet_without)
		fprintf(stderr, "eci-newidmap: %s\n", msg);
	exit(code);
}
