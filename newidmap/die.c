// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * die.c - how the helper speaks: one line on stderr, prefixed with its name
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "helper.h"

void (*die_hook)(const char *msg);

void die(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "eci-newidmap: %s\n", msg);
	if (die_hook)
		die_hook(msg);
	exit(code);
}

void warnx(const char *fmt, ...)
{
	va_list ap;

	fputs("eci-newidmap: warning: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}
