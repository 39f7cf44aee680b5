// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * die.c - how the helper speaks: one line on stderr, prefixed with its name
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "helper.h"

pid_t die_quiet_without;
bool die_await_request;

void die(int code, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	ssize_t n;
	char c;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	/* --stdin, before the request: a launcher that gives up (EOF) has
	 * said why itself, and hears nothing from here. */
	if (die_await_request) {
		do
			n = read(0, &c, 1);
		while (n < 0 && errno == EINTR);
		if (n <= 0)
			exit(code);
	}
	if (!die_quiet_without || getppid() == die_quiet_without)
		fprintf(stderr, "eci-newidmap: %s\n", msg);
	exit(code);
}
