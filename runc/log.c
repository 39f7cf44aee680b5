// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * log.c - errors and warnings for the engine: an error's line on stderr (a
 * warning's only without --log) and, with --log, a JSON line {"level":"error","msg":…,"time":…}, the last error of
 * which the shim shows.  Library code's warnings (eci_warn()) come here too,
 * at level "warning".
 */
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runc.h"

const char *runc_log_path;
bool runc_log_json;

static void log_line(const char *level, const char *msg)
{
	char when[40];
	time_t now = time(NULL);
	int fd;

	/* A warning goes to --log alone when there is one, as runc's: an
	 * engine may have given create the container's own stdio (ctr). */
	if (!strcmp(level, "error") || !runc_log_path)
		fprintf(stderr, "eci-runc: %s%s%s\n", strcmp(level, "error") ? level : "",
			strcmp(level, "error") ? ": " : "", msg);
	if (!runc_log_path)
		return;
	fd = open(runc_log_path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
	if (fd < 0)
		return;
	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	if (runc_log_json) {
		json_t *j = json_pack("{s:s, s:s, s:s}", "level", level, "msg", msg, "time", when);
		char *text = j ? json_dumps(j, JSON_COMPACT) : NULL;

		if (text)
			dprintf(fd, "%s\n", text);
		free(text);
		json_decref(j);
	} else {
		dprintf(fd, "time=\"%s\" level=%s msg=\"%s\"\n", when, level, msg);
	}
	close(fd);
}

void runc_err(const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_line("error", msg);
}

void runc_warn(const char *msg)
{
	log_line("warning", msg);
}
