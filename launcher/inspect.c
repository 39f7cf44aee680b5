// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * inspect.c - eci-run inspect [-f FORMAT] NAME|ID...
 *
 * Theory of Operation: the record is built from what the launcher wrote
 * in the container's state directory (meta.json, and the environment kept
 * in BASE/ID/env), in the shape of docker inspect's (a JSON array of
 * objects with Id, Name, State, Config, Mounts, HostConfig and
 * NetworkSettings), plus an "Eci" object with what only eci has: the
 * container's slot of subordinate ids and its launcher.  Times are RFC 3339
 * in UTC, to the second.
 *
 * -f takes the part of Go's templates that scripts use: text with
 * {{.Field.Path}} (a string as it is, a number or a boolean as its text, an
 * object or array as JSON) and {{json .Field.Path}}; anything else between
 * braces is refused, named, rather than printed wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "launcher.h"
#include "util.h"

static json_t *when(json_t *secs)
{
	char buf[32];
	time_t t = (time_t)json_integer_value(secs);
	struct tm tm;

	if (!secs || !gmtime_r(&t, &tm))
		return json_string("0001-01-01T00:00:00Z");
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return json_string(buf);
}

/* BASE/ID/env as an array of strings (those JSON can hold). */
static json_t *env_of(int base, const char *id)
{
	_cleanup_free_ char *buf = NULL;
	char path[128];
	size_t len = 0;
	json_t *a = json_array();

	snprintf(path, sizeof(path), "%s/" STATE_ENV, id);
	if (read_all_at(base, path, 1 << 24, &buf, &len) < 0)
		return a;
	for (size_t i = 0; i < len; i += strlen(buf + i) + 1)
		json_array_append_new(a, json_string(buf + i));	/* NULL: skipped */
	return a;
}

/* -p as docker keys them: {"80/tcp": [{"HostIp": …, "HostPort": "8080"}]} */
static json_t *ports(json_t *m)
{
	json_t *o = json_object(), *p;
	size_t i;

	json_array_foreach(json_object_get(m, "ports"), i, p) {
		char key[32], host[16];
		json_t *list;

		snprintf(key, sizeof(key), "%d/%s", (int)json_integer_value(json_object_get(p, "port")),
			 json_string_value(json_object_get(p, "proto")) ?: "tcp");
		snprintf(host, sizeof(host), "%d", (int)json_integer_value(json_object_get(p, "host_port")));
		if (!(list = json_object_get(o, key))) {
			list = json_array();
			json_object_set_new(o, key, list);
		}
		json_array_append_new(list, json_pack("{s:s, s:s}", "HostIp", json_string_value(
						       json_object_get(p, "host_ip")) ?: "", "HostPort", host));
	}
	return o;
}

static json_t *mounts(json_t *m, json_t **binds)
{
	json_t *a = json_array(), *v;
	size_t i;

	*binds = json_array();
	json_array_foreach(json_object_get(m, "mounts"), i, v) {
		const char *type = json_string_value(json_object_get(v, "type")) ?: "";
		const char *src = json_string_value(json_object_get(v, "source")) ?: "";
		const char *dst = json_string_value(json_object_get(v, "destination")) ?: "";
		bool rw = json_is_true(json_object_get(v, "rw"));
		char bind[8300];

		json_array_append_new(a, json_pack("{s:s, s:s, s:s, s:s, s:b}", "Type", type, "Source",
						   src, "Destination", dst, "Mode", rw ? "" : "ro",
						   "RW", rw));
		if (!strcmp(type, "bind")) {
			snprintf(bind, sizeof(bind), "%s:%s%s", src, dst, rw ? "" : ":ro");
			json_array_append_new(*binds, json_string(bind));
		}
	}
	return a;
}

static json_t *get(json_t *m, const char *key)
{
	json_t *v = json_object_get(m, key);

	return v ? json_incref(v) : json_null();
}

/* The docker-shaped record of the container in BASE/@id. */
static json_t *record(int base, const struct ops_find *f, json_t *m)
{
	bool running = !f->finished && ops_running(base, f->id);
	json_t *proc = json_object_get(m, "process"), *binds, *mnts = mounts(m, &binds);
	json_t *cmd = json_object_get(m, "cmd"), *ep = json_object_get(m, "entrypoint");
	json_t *all = json_array(), *r;
	char name[80];

	json_array_extend(all, ep);
	json_array_extend(all, cmd);
	snprintf(name, sizeof(name), "/%s", json_string_value(json_object_get(m, "name")) ?: "");
	r = json_pack("{s:s, s:o, s:o, s:o, s:o, s:s, s:s, s:i}", "Id", f->id, "Created",
		      when(json_object_get(m, "created")), "Path",
		      json_array_size(all) ? json_incref(json_array_get(all, 0)) : json_string(""),
		      "Args", json_array(), "State",
		      json_pack("{s:s, s:b, s:b, s:b, s:b, s:b, s:i, s:i, s:s, s:o, s:o}", "Status",
				running ? "running" : "exited", "Running", running, "Paused", 0,
				"Restarting", 0, "OOMKilled", 0, "Dead", 0, "Pid",
				running ? (int)f->init : 0, "ExitCode",
				running ? 0 : (int)json_integer_value(json_object_get(m, "exit_code")),
				"Error", "", "StartedAt", when(json_object_get(m, "started")),
				"FinishedAt", when(running ? NULL : json_object_get(m, "finished"))),
		      "Image", json_string_value(json_object_get(m, "image")) ?: "", "Name", name,
		      "RestartCount", 0);
	for (size_t i = 1; i < json_array_size(all); i++)
		json_array_append(json_object_get(r, "Args"), json_array_get(all, i));
	json_decref(all);
	json_object_set_new(r, "Config", json_pack(
		"{s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:o, s:o, s:o}", "Hostname",
		get(m, "hostname"), "User", get(proc, "user"), "Env", env_of(base, f->id), "Cmd",
		get(m, "cmd"), "Entrypoint", get(m, "entrypoint"), "WorkingDir", get(proc, "workdir"),
		"Image", json_string_value(json_object_get(m, "image")) ?: "", "Labels",
		json_object_get(m, "labels") ? get(m, "labels") : json_object(), "Tty",
		json_boolean(json_is_true(json_object_get(m, "tty"))), "OpenStdin",
		json_boolean(json_is_true(json_object_get(m, "interactive")))));
	json_object_set_new(r, "HostConfig", json_pack(
		"{s:o, s:o, s:o, s:o, s:o}", "Binds", binds, "NetworkMode", get(m, "network"),
		"PortBindings", ports(m), "ReadonlyRootfs",
		json_boolean(json_is_true(json_object_get(m, "read_only"))), "AutoRemove",
		json_boolean(json_is_true(json_object_get(m, "auto_remove")))));
	json_object_set_new(r, "Mounts", mnts);
	json_object_set_new(r, "NetworkSettings", json_pack("{s:o}", "Ports", ports(m)));
	json_object_set_new(r, "Eci", json_pack(
		"{s:{s:o, s:i}, s:i}", "Slot", "UidStart", get(m, "uid_start"), "Count", 65536,
		"LauncherPid", running ? (int)f->launcher : 0));
	return r;
}

/* Write @v as -f prints it: strings bare, numbers and booleans as text. */
static void print_value(FILE *out, json_t *v, bool as_json)
{
	if (!as_json && json_is_string(v))
		fputs(json_string_value(v), out);
	else if (!as_json && json_is_null(v))
		fputs("<no value>", out);
	else
		json_dumpf(v, out, JSON_COMPACT | JSON_ENCODE_ANY);
}

/* One {{…}} of -f, @expr its inside; -1 with @e naming what is wrong. */
static int expand(FILE *out, json_t *r, const char *expr, size_t len, struct eci_err *e)
{
	char buf[512], path[512], *p, *save = NULL, *key;
	bool as_json = false;
	json_t *v = r;

	snprintf(buf, sizeof(buf), "%.*s", (int)(len < sizeof(buf) ? len : sizeof(buf) - 1), expr);
	p = buf + strspn(buf, " ");
	for (size_t n = strlen(p); n && p[n - 1] == ' '; n--)
		p[n - 1] = '\0';
	if (!strncmp(p, "json ", 5)) {
		as_json = true;
		p += 5 + strspn(p + 5, " ");
	}
	if (p[0] != '.' || strpbrk(p, " |()$\"")) {
		return eci_fail(e, 0, "inspect -f: '{{%s}}' is not supported: only {{.Field.Path}} "
				"and {{json .Field.Path}}", buf);
	}
	snprintf(path, sizeof(path), "%s", p);
	for (key = strtok_r(path + 1, ".", &save); key; key = strtok_r(NULL, ".", &save)) {
		if (!json_is_object(v) || !(v = json_object_get(v, key)))
			return eci_fail(e, 0, "inspect -f: '{{%s}}': no field %s", buf, key);
	}
	print_value(out, v, as_json);
	return 0;
}

/* Print @r through the template @fmt, ended by a newline. */
static int format(const char *fmt, json_t *r, struct eci_err *e)
{
	char *text = NULL;
	size_t size = 0;
	FILE *out = open_memstream(&text, &size);
	const char *p = fmt, *open, *close;
	int rc = 0;

	if (!out)
		return eci_fail(e, errno, "inspect -f");
	while (!rc && (open = strstr(p, "{{"))) {
		fwrite(p, 1, (size_t)(open - p), out);
		close = strstr(open + 2, "}}");
		if (!close) {
			rc = eci_fail(e, 0, "inspect -f: '{{' without '}}'");
			break;
		}
		rc = expand(out, r, open + 2, (size_t)(close - open - 2), e);
		p = close + 2;
	}
	if (!rc)
		fprintf(out, "%s\n", p);
	fclose(out);
	if (!rc)
		fputs(text, stdout);
	free(text);
	return rc;
}

static const char usage[] = "usage: eci-run inspect [-f FORMAT] NAME|ID...\n";

int inspect_main(int argc, char **argv)
{
	struct eci_err e = { 0 };
	_cleanup_close_ int base = -1;
	const char *fmt = NULL;
	json_t *all = json_array();
	int i = 1, code = 0;

	for (; i < argc && argv[i][0] == '-'; i++) {
		if (cli_is_help(argv[i])) {
			printf("%s\nShow containers' records as JSON in docker's shape: Id, Name, "
			       "State, Config,\nMounts, HostConfig, NetworkSettings, and Eci (the "
			       "slot of subordinate\nids, the launcher).\n\nOptions:\n"
			       "  -f, --format FORMAT       print FORMAT for each: text with "
			       "{{.Field.Path}}\n"
			       "                            and {{json .Field.Path}} (no other "
			       "template\n"
			       "                            functions)\n"
			       "  -h, --help                show this help and exit\n", usage);
			json_decref(all);
			return 0;
		}
		if ((!strcmp(argv[i], "-f") || !strcmp(argv[i], "--format")) && i + 1 < argc) {
			fmt = argv[++i];
		} else if (!strncmp(argv[i], "--format=", 9)) {
			fmt = argv[i] + 9;
		} else {
			fprintf(stderr, "eci-run: inspect: unknown flag %s\n%s", argv[i], usage);
			json_decref(all);
			return EXIT_ECI;
		}
	}
	if (i == argc) {
		fputs(usage, stderr);
		json_decref(all);
		return EXIT_ECI;
	}
	base = ops_open_state(&e);
	if (base < 0) {
		fprintf(stderr, "eci-run: %s\n", e.msg);
		json_decref(all);
		return EXIT_ECI;
	}
	for (; i < argc; i++) {
		struct ops_find f = { .what = argv[i] };
		_cleanup_free_ char *buf = NULL;
		char path[128];
		json_t *m = NULL, *r;

		if (*argv[i] && ops_find(base, true, &f)) {
			snprintf(path, sizeof(path), "%s/meta.json", f.id);
			if (read_all_at(base, path, 1 << 20, &buf, NULL) == 0)
				m = json_loads(buf, 0, NULL);
		}
		if (!m) {
			fprintf(stderr, "eci-run: inspect %s: no such container\n", argv[i]);
			code = EXIT_ECI;
			continue;
		}
		r = record(base, &f, m);
		json_decref(m);
		if (fmt && format(fmt, r, &e) < 0) {
			fprintf(stderr, "eci-run: %s\n", e.msg);
			json_decref(r);
			json_decref(all);
			return EXIT_ECI;
		}
		json_array_append_new(all, r);
	}
	if (!fmt) {
		json_dumpf(all, stdout, JSON_INDENT(4));
		putchar('\n');
	}
	json_decref(all);
	return code;
}
