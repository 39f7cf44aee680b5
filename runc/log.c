// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - errors for the engine: a line on stderr and, with --log, a JSON
 * line {"level":"error","msg":…,"time":…}, the last of which the shim shows.
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

#include "runc.h"

const char *runc_log_path;
bool runc_log_json;

void runc_err(const char *fmt, ...)
{
	char msg[1024], when[40];
	time_t now = time(NULL);
	va_list ap;
	int fd;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	fprintf(stderr, "eci-runc: %s\n", msg);
	if (!runc_log_path)
		return;
	fd = open(runc_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (runc_log_json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", "error", "msg", msg, "time", when);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (text)
			dprintf(fd, "%s\n", text);
		free(text);
		json_decref(j);
	} else {
		dprintf(fd, "time=\"%s\" level=error msg=\"%s\"\n", when, msg);
	}
	close(fd);
}
