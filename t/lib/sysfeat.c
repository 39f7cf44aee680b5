// SPDX-License-Identifier: GPL-2.0-or-later
#include <ctype.h>
#include <dirent.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run.h"
#include "sysfeat.h"
#include "tap.h"

static const char *const keys[SYS_NFEATURES] = { "pid1", "proc", "sysfs", "cgroups", "sdcgroup" };

int sys_features_parse(const char *out, struct sys_features *f)
{
	const char *p;

	memset(f, 0, sizeof(*f));
	if (!strstr(out, "features=done"))
		return -1;
	for (p = strstr(out, "missing="); p; p = strstr(p + 1, "missing=")) {
		p += strlen("missing=");
		for (size_t i = 0; i < SYS_NFEATURES; i++) {
			size_t n = strlen(keys[i]);

			if (!strncmp(p, keys[i], n) && p[n] == ' ')
				snprintf(f->why[i], sizeof(f->why[i]), "%.*s", (int)strcspn(p + n + 1, "\n"),
					 p + n + 1);
		}
	}
	return 0;
}

void sys_features_probe(struct sys_features *f, const char *fmt, ...)
{
	char cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	memset(f, 0, sizeof(*f));
	if (t_run(argv, &r) != 0) {
		printf("sys: cannot run the features probe, every test runs\n");
		return;
	}
	if (sys_features_parse(r.out, f) < 0)
		printf("sys: the features probe did not finish (exit %d), every test runs: %s%s\n",
		       r.status, r.out, r.err);
	t_run_free(&r);
}

void sys_add(TCase *tc, const TTest *test, const struct sys_features *f, unsigned needs)
{
	char why[SYS_NFEATURES * 260] = "";

	for (size_t i = 0; i < SYS_NFEATURES; i++) {
		if (!(needs & 1U << i) || !f->why[i][0])
			continue;
		if (why[0])
			strncat(why, "; ", sizeof(why) - strlen(why) - 1);
		strncat(why, f->why[i], sizeof(why) - strlen(why) - 1);
	}
	if (why[0] && !getenv("ECI_SYS_FORCE"))
		test_skip(test->name, why);
	else
		tcase_add_test(tc, test);
}

/* Whether @out holds each line of @want. */
static bool has_lines(const char *out, const char *want)
{
	char line[256];

	for (const char *p = want; *p; p += strcspn(p, "\n"), p += *p == '\n') {
		snprintf(line, sizeof(line), "%.*s", (int)strcspn(p, "\n"), p);
		if (!strstr(out, line))
			return false;
	}
	return true;
}

void sys_step(const char *front, const char *name, const char *step, const char *want)
{
	char cmd[4600];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };
	struct run_result r, logs;

	snprintf(cmd, sizeof(cmd), "exec '%s' exec %s sh /eci-sys/check.sh %s", front, name, step);
	ck_assert_int_eq(t_run(argv, &r), 0);
	if (r.status == 0 && has_lines(r.out, want)) {
		t_run_free(&r);
		return;
	}
	snprintf(cmd, sizeof(cmd), "'%s' logs %s 2>&1 | tail -n 5", front, name);
	ck_assert_int_eq(t_run(argv, &logs), 0);
	ck_abort_msg("%s: check.sh %s: exit %d, want '%s': %s%s\nthe container's log: %s", name, step,
		     r.status, want, r.out, r.err, logs.out);
}

int sys_pid_with(const char *word)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int found = 0;

	if (!d)
		return 0;
	while (!found && (de = readdir(d))) {
		char path[300], buf[4096];
		ssize_t n;
		int fd;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		for (ssize_t i = 0; i < n; i++)
			buf[i] = buf[i] ? buf[i] : ' ';
		buf[n] = '\0';
		/* The web server itself, not a shell or grep naming it. */
		if (strstr(buf, word) && !strncmp(buf, "httpd ", 6))
			found = atoi(de->d_name);
	}
	closedir(d);
	return found;
}

long sys_host_uid(int pid)
{
	char path[64], line[256];
	long uid = -1;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", pid);
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Uid: %ld", &uid) == 1)
			break;
	fclose(f);
	return uid;
}
