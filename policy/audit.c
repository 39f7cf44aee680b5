// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * audit.c - one JSON line per refusal or policy-driven downgrade
 *
 * Fields: time (UTC, RFC 3339), uid, user, action, setting, source (the
 * file that set it), image, detail.  Destination: auditLog — "syslog"
 * (LOG_AUTHPRIV, the default), "stderr", or an absolute path, appended to;
 * a path that cannot be opened falls back to syslog.
 */
#include <fcntl.h>
#include <jansson.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <time.h>
#include <unistd.h>

#include "policy.h"
#include "util.h"

void policy_audit(const struct policy *p, const char *action, enum pol_key key,
		  const char *image, const char *detail)
{
	const char *dest = p->v[POL_AUDIT_LOG].s ? p->v[POL_AUDIT_LOG].s : "syslog";
	struct passwd *pw = getpwuid(getuid());
	char when[40], *line;
	time_t now = time(NULL);
	json_t *j;

	strftime(when, sizeof(when), "%Y-%m-%dT%H:%M:%SZ", gmtime(&now));
	j = json_pack("{s:s, s:I, s:s, s:s, s:s?, s:s?, s:s?, s:s}", "time", when, "uid",
		      (json_int_t)getuid(), "user", pw ? pw->pw_name : "", "action", action,
		      "setting", key < POL_NKEYS ? pol_names[key] : NULL, "source",
		      key < POL_NKEYS ? p->v[key].source : NULL, "image", image, "detail", detail);
	line = j ? json_dumps(j, JSON_COMPACT) : NULL;
	json_decref(j);
	if (!line)
		return;
	if (!strcmp(dest, "stderr")) {
		fprintf(stderr, "%s\n", line);
	} else if (dest[0] == '/') {
		int fd = open(dest, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);

		if (fd >= 0) {
			dprintf(fd, "%s\n", line);
			close(fd);
		} else {
			dest = "syslog";
		}
	}
	if (!strcmp(dest, "syslog")) {
		openlog("eci", LOG_PID, LOG_AUTHPRIV);
		syslog(LOG_WARNING, "%s", line);
		closelog();
	}
	free(line);
}
