// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * clients.c - docker, ctr and podman command lines for one scenario
 *
 * Each client's command comes from t/engine/clients.sh (ECI_CLIENT_DOCKER,
 * ECI_CLIENT_CTR, ECI_CLIENT_PODMAN); an empty one means the harness could
 * not start that engine, and every test of it fails saying so.  docker and
 * podman run eci-runc as their default runtime (their snippets say so), so
 * the eci runs pass no --runtime; ctr has no such default and is given the
 * runtime type and BinaryName containerd read from its snippet
 * (ECI_CTR_ECI).  Containers get no network unless the scenario asks:
 * dockerd's bridge is off (run.sh), podman's default is its bridge.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <check.h>

#include "clients.h"

static const struct client clients[CL_KINDS * 2] = {
	{ CL_DOCKER, "docker", false }, { CL_DOCKER, "docker", true },
	{ CL_CTR, "ctr", false },	{ CL_CTR, "ctr", true },
	{ CL_PODMAN, "podman", false }, { CL_PODMAN, "podman", true },
};

static const struct client *picked;
static unsigned seq;

const struct client *cl_pick(int i)
{
	picked = &clients[i];
	return picked;
}

const struct client *cl(void)
{
	return picked;
}

const char *cl_name(const char *what, char *buf, size_t size)
{
	snprintf(buf, size, "eci-t-%d-%s", (int)getpid(), what);
	return buf;
}

static const char *command(void)
{
	static const char *const vars[CL_KINDS] = { "ECI_CLIENT_DOCKER", "ECI_CLIENT_CTR",
						    "ECI_CLIENT_PODMAN" };
	const char *c = getenv(vars[picked->kind]);

	ck_assert_msg(c && *c, "%s: the harness did not start it (%s is empty; see "
		      "t/engine/clients.sh's output)", picked->name, vars[picked->kind]);
	return c;
}

/* The flags that choose the runtime, and ctr's FIFO directory. */
static const char *runtime(void)
{
	static char buf[4096];
	const char *v;

	if (picked->kind != CL_CTR)
		return picked->runc ? "--runtime runc" : "";
	v = getenv(picked->runc ? "ECI_CTR_RUNC" : "ECI_CTR_ECI");
	ck_assert_msg(v && *v, "ctr: no runtime from containerd's configuration");
	snprintf(buf, sizeof(buf), "%s --fifo-dir %s", v, getenv("ECI_CTR_FIFO"));
	return buf;
}

static void vsh(struct run_result *r, const char *fmt, va_list ap)
{
	char cmd[16384];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	ck_assert_int_eq(t_run(argv, r), 0);
}

void cl_sh(struct run_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsh(r, fmt, ap);
	va_end(ap);
}

static void vdo(struct run_result *r, int secs, const char *fmt, va_list ap)
{
	char args[12288];

	vsnprintf(args, sizeof(args), fmt, ap);
	cl_sh(r, "exec timeout -k 5 %d %s %s", secs, command(), args);
}

void cl_do(struct run_result *r, int secs, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vdo(r, secs, fmt, ap);
	va_end(ap);
}

void cl_ok(const char *fmt, ...)
{
	char args[12288];
	struct run_result r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(args, sizeof(args), fmt, ap);
	va_end(ap);
	cl_do(&r, 60, "%s", args);
	ck_assert_msg(r.status == 0, "%s %s: exit %d (124: no answer in 60 s): %s%s",
		      picked->name, args, r.status, r.out, r.err);
	t_run_free(&r);
}

const char *cl_image(void)
{
	return picked->kind == CL_CTR ? "docker.io/library/eci-default:latest" : "eci-default";
}

/* No network unless @flags choose one (a pod's member has its pod's). */
static const char *net(const char *flags)
{
	if (picked->kind == CL_CTR || strstr(flags, "--network") || strstr(flags, "--pod"))
		return "";
	return "--network none";
}

void cl_run(struct run_result *r, const char *name, const char *flags, const char *script)
{
	char what[32], made[96];

	if (picked->kind != CL_CTR) {
		cl_do(r, 90, "run --rm %s %s %s %s /bin/sh -c '%s'", runtime(), net(flags), flags,
		      strstr(flags, "--rootfs") ? "" : cl_image(), script);
		return;
	}
	if (!name) {
		snprintf(what, sizeof(what), "fg%u", seq++);
		name = cl_name(what, made, sizeof(made));
	}
	cl_do(r, 90, "run --rm %s %s %s %s /bin/sh -c '%s'", runtime(), flags,
	      strstr(flags, "--rootfs") ? "" : cl_image(), name, script);
}

void cl_start(const char *name, const char *flags, const char *script)
{
	if (picked->kind == CL_CTR)
		cl_ok("run -d --null-io %s %s %s %s /bin/sh -c '%s'", runtime(), flags, cl_image(), name,
		      script);
	else
		cl_ok("run -d --name %s %s %s %s %s /bin/sh -c '%s'", name, runtime(), net(flags), flags,
		      cl_image(), script);
}

void cl_exec(struct run_result *r, const char *name, const char *script)
{
	if (picked->kind == CL_CTR)
		cl_do(r, 60, "tasks exec --exec-id x%d-%u --fifo-dir %s %s /bin/sh -c '%s'", (int)getpid(),
		      seq++, getenv("ECI_CTR_FIFO"), name, script);
	else
		cl_do(r, 60, "exec %s /bin/sh -c '%s'", name, script);
}

int cl_exec_tty(const char *name, const char *script, char *buf, size_t size)
{
	char cmd[8192];
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", cmd, NULL };

	/* --foreground: the client stays in the terminal's foreground
	 * process group, where it may read it */
	if (picked->kind == CL_CTR)
		snprintf(cmd, sizeof(cmd), "exec timeout --foreground -k 5 30 %s tasks exec -t "
			 "--exec-id t%d-%u --fifo-dir %s %s /bin/sh -c '%s'", command(), (int)getpid(),
			 seq++, getenv("ECI_CTR_FIFO"), name, script);
	else
		snprintf(cmd, sizeof(cmd), "exec timeout --foreground -k 5 30 %s exec -it %s /bin/sh -c '%s'",
			 command(), name, script);
	return t_pty_run(argv, buf, size);
}

void cl_pause(const char *name, bool pause)
{
	static const char *const verbs[CL_KINDS][2] = {
		{ "unpause", "pause" }, { "tasks resume", "tasks pause" }, { "unpause", "pause" },
	};
	struct run_result r;

	cl_do(&r, 20, "%s %s", verbs[picked->kind][pause], name);
	ck_assert_msg(r.status == 0, "%s %s %s: exit %d (124: no answer in 20 seconds): %s",
		      picked->name, verbs[picked->kind][pause], name, r.status, r.err);
	t_run_free(&r);
}

/* ctr tasks ls: the line of task @name ("NAME PID STATUS"), in @line. */
static void task_line(const char *name, char *line, size_t size)
{
	struct run_result r;
	char *p;
	size_t n = strlen(name);

	cl_do(&r, 30, "tasks ls");
	ck_assert_msg(r.status == 0, "ctr tasks ls: %s", r.err);
	for (p = r.out; p && *p; p = strchr(p, '\n') ? strchr(p, '\n') + 1 : NULL)
		if (!strncmp(p, name, n) && p[n] == ' ')
			break;
	ck_assert_msg(p && *p, "ctr tasks ls has no task %s: %s", name, r.out);
	snprintf(line, size, "%.*s", (int)strcspn(p, "\n"), p);
	t_run_free(&r);
}

static void inspect(const char *name, const char *format, char *out, size_t size)
{
	struct run_result r;

	cl_do(&r, 30, "inspect -f '%s' %s", format, name);
	ck_assert_msg(r.status == 0, "%s inspect %s: %s", picked->name, name, r.err);
	snprintf(out, size, "%.*s", (int)strcspn(r.out, "\n"), r.out);
	t_run_free(&r);
}

bool cl_paused(const char *name)
{
	char s[256];

	switch (picked->kind) {
	case CL_DOCKER:
		inspect(name, "{{.State.Paused}}", s, sizeof(s));
		return !strcmp(s, "true");
	case CL_PODMAN:
		inspect(name, "{{.State.Status}}", s, sizeof(s));
		return !strcmp(s, "paused");
	default:
		task_line(name, s, sizeof(s));
		return strstr(s, "PAUSED") != NULL;
	}
}

void cl_rm(const char *name)
{
	struct run_result r;

	switch (picked->kind) {
	case CL_DOCKER:
		cl_ok("rm -f %s", name);
		break;
	case CL_PODMAN:
		cl_ok("rm -f -t 0 %s", name);
		break;
	default:
		/* a task that is gone already is no failure; the container must go */
		cl_do(&r, 60, "tasks rm -f %s", name);
		t_run_free(&r);
		cl_ok("containers rm %s", name);
	}
}

void cl_id(const char *name, char *id, size_t size)
{
	if (picked->kind == CL_CTR)
		snprintf(id, size, "%s", name);
	else
		inspect(name, "{{.Id}}", id, size);
}

pid_t cl_pid(const char *name)
{
	char s[256], task[256];
	int pid = 0;

	if (picked->kind == CL_CTR) {
		task_line(name, s, sizeof(s));
		ck_assert_int_eq(sscanf(s, "%255s %d", task, &pid), 2);
	} else {
		inspect(name, "{{.State.Pid}}", s, sizeof(s));
		pid = atoi(s);
	}
	ck_assert_msg(pid > 0, "%s: no pid for %s (%s)", picked->name, name, s);
	return pid;
}

const char *cl_state_root(void)
{
	static const char *const vars[CL_KINDS][2] = {
		{ "ECI_DOCKER_ROOT", "ECI_DOCKER_ROOT" },
		{ "ECI_CTR_ECI_ROOT", "ECI_CTR_RUNC_ROOT" },
		{ "ECI_PODMAN_ROOT", NULL },
	};
	const char *v = vars[picked->kind][picked->runc];

	if (!v)
		return "/run/runc";	/* podman's runc: runc's own default */
	v = getenv(v);
	return v && *v ? v : "/nonexistent";
}
