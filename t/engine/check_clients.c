// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_clients.c - one scenario list through three engines: dockerd,
 * containerd through ctr, and podman, each started by t/engine/clients.sh
 * with its configuration snippet of README.md as written
 *
 * The scenarios: run (output and exit codes), a bridge network with a
 * server answering the host, exec with a pty, pause and resume, a pod of
 * two containers sharing the network, IPC and pid namespaces, limits and
 * ulimits seen inside, a root that is a plain directory, and a delete that
 * leaves nothing.  Every scenario ends with a trace check: the containers'
 * processes are gone, no lease of theirs holds a slot, eci-runc's state
 * directory of each is gone, no mount names them, and no cgroup directory
 * made since the scenario began does (find /sys/fs/cgroup -newer MARKER).
 * ECI_CLIENTS_RUNC=1 runs the same under plain runc, which the assertions
 * must pass too; ECI_CLIENTS="ctr podman" picks the clients.
 */
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <unistd.h>

#include "clients.h"
#include "subid.h"
#include "tap.h"
#include "util.h"

/* --- what a scenario leaves behind ----------------------------------------- */

#define TRACE_MAX 8

static struct {
	char marker[PATH_MAX];
	int n;
	struct {
		char id[128];
		pid_t pid;		/* 0: not known (ran in the foreground) */
		unsigned long long start;
	} c[TRACE_MAX];
} tr;

static char *text_of(const char *path, size_t max)
{
	char *s = NULL;

	return read_all_at(AT_FDCWD, path, max, &s, NULL) == 0 ? s : NULL;
}

static unsigned long long starttime(pid_t pid)
{
	char path[64], *stat;
	unsigned long long t = 0;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	stat = text_of(path, 4096);
	if (!stat || lease_stat_dead(stat) || lease_stat_starttime(stat, &t) < 0)
		t = 0;
	free(stat);
	return t;
}

/* Start a scenario: MARKER is older than anything it makes. */
static void trace_begin(void)
{
	const char *tmp = getenv("ECI_CLIENTS_TMP");
	int fd;

	memset(&tr, 0, sizeof(tr));
	snprintf(tr.marker, sizeof(tr.marker), "%s/marker-%d", tmp && *tmp ? tmp : "/tmp",
		 (int)getpid());
	fd = open(tr.marker, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	ck_assert_msg(fd >= 0, "%s: %s", tr.marker, strerror(errno));
	close(fd);
	usleep(20 * 1000);
}

static void trace_id(const char *id)
{
	ck_assert_int_lt(tr.n, TRACE_MAX);
	snprintf(tr.c[tr.n++].id, sizeof(tr.c[0].id), "%s", id);
}

/* The pool account's first subordinate range. */
static struct subid_range pool(void)
{
	struct subid_range rr[SUBID_MAX_RANGES];
	struct passwd *pw = getpwnam("eci-engine");
	char *buf = text_of("/etc/subuid", 1 << 20);
	size_t n;

	ck_assert_ptr_nonnull(pw);
	ck_assert_ptr_nonnull(buf);
	n = subid_parse(buf, strlen(buf), pw->pw_name, pw->pw_uid, pw->pw_uid, rr, NULL, NULL);
	free(buf);
	ck_assert_uint_gt(n, 0);
	return rr[0];
}

/* The lease of LEASE_DIR naming @pid started at @start: found, and alive? */
static bool lease_of(pid_t pid, unsigned long long start, bool *alive)
{
	DIR *d = opendir(LEASE_DIR);
	struct dirent *de;
	char *boot = text_of("/proc/sys/kernel/random/boot_id", 64);
	bool found = false;

	ck_assert_ptr_nonnull(d);
	ck_assert_ptr_nonnull(boot);
	boot[strcspn(boot, "\n")] = '\0';
	while (!found && (de = readdir(d))) {
		char path[PATH_MAX], *rec;
		struct lease l;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", LEASE_DIR, de->d_name);
		rec = text_of(path, LEASE_MAX);
		if (rec && lease_parse(rec, strlen(rec), &l) == 0 && l.pid == pid &&
		    l.starttime == start) {
			unsigned long long now = starttime(pid);
			struct lease_probe p = { boot, now != 0, now };

			found = true;
			*alive = lease_alive(&l, &p);
		}
		free(rec);
	}
	closedir(d);
	free(boot);
	return found;
}

/* The live lease of the slot starting at host uid @host (a pod member's
 * slot is the pod's, leased by the container whose namespaces it joined). */
static bool slot_leased(unsigned host)
{
	char path[PATH_MAX], *rec, *boot = text_of("/proc/sys/kernel/random/boot_id", 64);
	struct lease l;
	bool alive = false;

	ck_assert_ptr_nonnull(boot);
	boot[strcspn(boot, "\n")] = '\0';
	snprintf(path, sizeof(path), "%s/%u", LEASE_DIR, host);
	rec = text_of(path, LEASE_MAX);
	if (rec && lease_parse(rec, strlen(rec), &l) == 0 && l.uid_start == host) {
		unsigned long long now = starttime(l.pid);
		struct lease_probe p = { boot, now != 0, now };

		alive = lease_alive(&l, &p);
	}
	free(rec);
	free(boot);
	return alive;
}

/* Running container @name: its id and first process; under eci-runc, that
 * process is root of a slot of the pool, held by a lease naming it (or, a
 * pod member, by the live lease of the pod's slot). */
static void trace_add(const char *name)
{
	char id[128], path[PATH_MAX], *map;
	pid_t pid = cl_pid(name);
	unsigned long long start = starttime(pid);
	unsigned in = 1, host = 1, count = 0;
	bool alive = false;

	cl_id(name, id, sizeof(id));
	trace_id(id);
	tr.c[tr.n - 1].pid = pid;
	tr.c[tr.n - 1].start = start;
	/* where trace_check() will look for what is left of it */
	snprintf(path, sizeof(path), "%s/%s", cl_state_root(), id);
	ck_assert_msg(access(path, F_OK) == 0, "%s %s: no state directory %s while it runs",
		      cl()->name, name, path);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	map = text_of(path, 4096);
	ck_assert_ptr_nonnull(map);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &in, &host, &count), 3);
	if (cl()->runc) {
		ck_assert_msg(in == 0 && host == 0 && count == 4294967295u, "%s under runc: %s", name, map);
	} else {
		struct subid_range p = pool();

		ck_assert_msg(in == 0 && count == 65536 && host >= p.start &&
			      host + 65536 <= p.start + p.count,
			      "%s (pid %d): uid map %s, not a slot of the pool (%u, %u ids)", name,
			      (int)pid, map, p.start, p.count);
		ck_assert_msg((lease_of(pid, start, &alive) && alive) || slot_leased(host),
			      "%s: no live lease in %s names its pid 1 (%d) or holds its slot %u", name,
			      LEASE_DIR, (int)pid, host);
	}
	free(map);
}

/* Lines of @text holding one of the traced ids, into @buf ("" if none). */
static void naming(const char *text, char *buf, size_t size)
{
	size_t used = 0;

	buf[0] = '\0';
	for (const char *p = text; p && *p;) {
		size_t len = strcspn(p, "\n");

		for (int i = 0; i < tr.n; i++)
			if (memmem(p, len, tr.c[i].id, strlen(tr.c[i].id)) && used + len + 2 < size) {
				used += (size_t)snprintf(buf + used, size - used, "%.*s\n", (int)len, p);
				break;
			}
		p += len + (p[len] == '\n');
	}
}

/* After the scenario's containers are removed: nothing of them is left. */
static void trace_check(void)
{
	char left[4096], path[PATH_MAX];
	struct run_result r;
	bool alive;

	for (int i = 0; i < tr.n; i++) {
		if (!tr.c[i].pid)
			continue;
		for (int t = 0; t < 50 && starttime(tr.c[i].pid) == tr.c[i].start; t++)
			usleep(100 * 1000);
		ck_assert_msg(starttime(tr.c[i].pid) != tr.c[i].start, "%s %s: pid %d still runs",
			      cl()->name, tr.c[i].id, (int)tr.c[i].pid);
		ck_assert_msg(!lease_of(tr.c[i].pid, tr.c[i].start, &alive) || !alive,
			      "%s %s: the lease of pid %d is alive", cl()->name, tr.c[i].id,
			      (int)tr.c[i].pid);
	}
	for (int i = 0; i < tr.n; i++) {
		snprintf(path, sizeof(path), "%s/%s", cl_state_root(), tr.c[i].id);
		ck_assert_msg(access(path, F_OK) != 0, "%s: state directory %s is left", cl()->name,
			      path);
	}
	/* the engines' own unmounts and rmdirs may lag their answer a little */
	for (int t = 0; t < 30; t++) {
		char *mounts = text_of("/proc/self/mountinfo", 1 << 22);

		ck_assert_ptr_nonnull(mounts);
		naming(mounts, left, sizeof(left));
		free(mounts);
		if (!*left) {
			cl_sh(&r, "find /sys/fs/cgroup -newer '%s' -type d", tr.marker);
			naming(r.out, left, sizeof(left));
			t_run_free(&r);
		}
		if (!*left)
			break;
		usleep(100 * 1000);
	}
	ck_assert_msg(!*left, "%s: left behind (mounts, or cgroups made since the scenario "
		      "began):\n%s", cl()->name, left);
	unlink(tr.marker);
}

/* --- helpers ----------------------------------------------------------------- */

static void want(struct run_result *r, int code, const char *out, const char *what)
{
	ck_assert_msg(r->status == code, "%s %s: exit %d, want %d: %s%s", cl()->name, what,
		      r->status, code, r->out, r->err);
	if (out)
		ck_assert_msg(strstr(r->out, out), "%s %s: stdout lacks '%s': %s%s", cl()->name,
			      what, out, r->out, r->err);
	t_run_free(r);
}

static bool is(enum cl_kind k)
{
	return cl()->kind == k;
}

/* --- the scenarios ------------------------------------------------------------- */

/* The snippets of README.md are eci-runc(8)'s, word for word. */
START_TEST(snippets_documented_alike)
{
	static const char *const names[] = { "daemon.json", "config.toml", "containers.conf" };
	const char *dir = getenv("ECI_SNIPPETS");

	ck_assert_msg(dir && *dir, "ECI_SNIPPETS is not set (t/engine/clients.sh sets it)");
	for (size_t i = 0; i < 3; i++) {
		char a[PATH_MAX], b[PATH_MAX], *ra, *rb;

		snprintf(a, sizeof(a), "%s/readme.%s", dir, names[i]);
		snprintf(b, sizeof(b), "%s/man.%s", dir, names[i]);
		ra = text_of(a, 1 << 16);
		rb = text_of(b, 1 << 16);
		ck_assert_msg(ra && *ra, "README.md has no snippet %s", names[i]);
		ck_assert_msg(rb && *rb, "eci-runc(8) has no snippet %s", names[i]);
		ck_assert_msg(!strcmp(ra, rb), "snippet %s: README.md says\n%s\neci-runc(8) says\n%s",
			      names[i], ra, rb);
		free(ra);
		free(rb);
	}
}
END_TEST

/* ctr plugins ls says "io.containerd.grpc.v1 cri PLATFORMS ok". */
static bool cri_ok(const char *list)
{
	for (const char *l = list; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char type[64], id[64], plat[64], status[64];

		if (sscanf(l, "%63s %63s %63s %63s", type, id, plat, status) == 4 &&
		    !strcmp(type, "io.containerd.grpc.v1") && !strcmp(id, "cri"))
			return !strcmp(status, "ok");
	}
	return false;
}

/* The engine took eci-runc from its snippet. */
START_TEST(configured_by_snippet)
{
	char bin[PATH_MAX], *v;
	struct run_result r;

	cl_pick(_i);
	t_bin("eci-runc", bin, sizeof(bin));
	switch (cl()->kind) {
	case CL_DOCKER:
		cl_do(&r, 30, "info -f '{{.DefaultRuntime}} {{json .Runtimes}}'");
		want(&r, 0, "eci {", "info");
		cl_do(&r, 30, "info -f '{{json .Runtimes.eci}}'");
		want(&r, 0, bin, "info (the runtime eci)");
		break;
	case CL_PODMAN:
		cl_do(&r, 30, "info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'");
		want(&r, 0, "eci ", "info");
		cl_do(&r, 30, "info --format '{{.Host.OCIRuntime.Path}}'");
		want(&r, 0, bin, "info (the default runtime's path)");
		break;
	default:
		/* containerd's CRI plugin loaded the file (with eci alone in its
		 * runtimes it refuses: no default runtime), and said it read eci
		 * as the runc shim running eci-runc */
		cl_do(&r, 30, "plugins ls");
		ck_assert_msg(r.status == 0, "ctr plugins ls: %s", r.err);
		ck_assert_msg(cri_ok(r.out), "containerd's CRI plugin did not load:\n%s", r.out);
		t_run_free(&r);
		v = getenv("ECI_CTR_ECI");
		ck_assert_ptr_nonnull(v);
		ck_assert_msg(strstr(v, "--runtime io.containerd.runc.v2 --runc-binary ") &&
			      strstr(v, bin), "ctr's runtime flags, as containerd read them: %s", v);
	}
}
END_TEST

/* Output and exit codes in the foreground; a detached container root in a
 * slot of the pool, an exec's status; all gone after the delete. */
START_TEST(run_output_and_exit)
{
	char name[64];
	struct run_result r;

	cl_pick(_i);
	trace_begin();
	cl_run(&r, NULL, "", "id -u; echo out-line; exit 42");
	want(&r, 42, "0\nout-line\n", "run (exit 42)");
	cl_run(&r, NULL, "", "true");
	want(&r, 0, NULL, "run true");
	cl_start(cl_name("run", name, sizeof(name)), "", "sleep 300");
	trace_add(name);
	cl_exec(&r, name, "id -u; echo in-exec; exit 3");
	want(&r, 3, "0\nin-exec\n", "exec (exit 3)");
	cl_rm(name);
	trace_check();
}
END_TEST

/* GET / from http://@addr:@port/ into @buf; false when nothing answers. */
static bool http_get(const char *addr, int port, char *buf, size_t size)
{
	static const char req[] = "GET / HTTP/1.0\r\n\r\n";
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	struct timeval tv = { .tv_sec = 2 };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	size_t n = 0;
	ssize_t k;

	buf[0] = '\0';
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(inet_pton(AF_INET, addr, &a.sin_addr), 1);
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
	if (connect(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    write_all(fd, req, sizeof(req) - 1) < 0) {
		close(fd);
		return false;
	}
	while (n + 1 < size && (k = read(fd, buf + n, size - 1 - n)) > 0)
		n += (size_t)k;
	buf[n] = '\0';
	close(fd);
	return n > 0;
}

/* http://@addr:@port/ answers @words to the host, within five seconds. */
static void answers(const char *addr, int port, const char *words)
{
	char buf[4096] = "";

	for (int t = 0; t < 20 && !(http_get(addr, port, buf, sizeof(buf)) && strstr(buf, words));
	     t++)
		usleep(250 * 1000);
	ck_assert_msg(strstr(buf, words), "%s: http://%s:%d/ does not answer the host with %s: %s",
		      cl()->name, addr, port, words, buf);
}

/* A server on port 80 as container root, on the client's bridge network,
 * answering the host: on a published port (docker, podman), on the
 * container's address (ctr run --cni). */
START_TEST(network_server_answers_host)
{
	int port = 20000 + (int)(getpid() % 20000);
	char name[64], net[64], flags[256], addr[64] = "";
	struct run_result r;
	char *p;

	cl_pick(_i);
	trace_begin();
	cl_name("web", name, sizeof(name));
	if (is(CL_DOCKER)) {
		cl_name("net", net, sizeof(net));
		cl_ok("network create --subnet 10.%d.%d.0/24 %s", 100 + (int)(getpid() % 100),
		      (int)(getpid() / 100 % 250), net);
		snprintf(flags, sizeof(flags), "--network %s -p 127.0.0.1:%d:80", net, port);
	} else if (is(CL_PODMAN)) {
		snprintf(flags, sizeof(flags), "--network bridge -p 127.0.0.1:%d:80", port);
	} else {
		snprintf(flags, sizeof(flags), "--cni");
	}
	cl_start(name, flags, "mkdir -p /w && echo served-from-the-container > /w/index.html && "
		 "exec httpd -f -p 80 -h /w");
	trace_add(name);
	cl_exec(&r, name, "ip -4 -o addr show eth0");
	ck_assert_msg(r.status == 0 && (p = strstr(r.out, "inet ")), "%s: no address on eth0: %s%s",
		      cl()->name, r.out, r.err);
	snprintf(addr, sizeof(addr), "%.*s", (int)strcspn(p + 5, "/"), p + 5);
	t_run_free(&r);
	if (is(CL_CTR))
		answers(addr, 80, "served-from-the-container");
	else
		answers("127.0.0.1", port, "served-from-the-container");
	cl_rm(name);
	if (is(CL_DOCKER))
		cl_ok("network rm %s", net);
	trace_check();
}
END_TEST

/* exec -t: the pty is the process's terminal, of the client's terminal's
 * size (the client sends it once the process runs), and the status comes
 * back. */
START_TEST(exec_tty)
{
	char name[64], buf[4096];
	int code;

	cl_pick(_i);
	trace_begin();
	cl_start(cl_name("tty", name, sizeof(name)), "", "sleep 300");
	trace_add(name);
	code = cl_exec_tty(name, "tty; i=0; s=$(stty size); while [ \"$s\" != \"33 101\" ] && "
			   "[ $i -lt 30 ]; do sleep 0.1; i=$((i+1)); s=$(stty size); done; "
			   "echo size=$s; exit 7", buf, sizeof(buf));
	ck_assert_msg(code == 7, "%s exec -t: exit %d (124: no answer in 30 s), want 7: %s",
		      cl()->name, code, buf);
	ck_assert_msg(strstr(buf, "/dev/pts/") && strstr(buf, "size=33 101"),
		      "%s exec -t: %s", cl()->name, buf);
	cl_rm(name);
	trace_check();
}
END_TEST

/* The counter container @pid writes every 0.1 s, as the host reads it. */
static long counter(pid_t pid)
{
	char path[64], *s;
	long n = -1;

	snprintf(path, sizeof(path), "/proc/%d/root/tmp/n", (int)pid);
	s = text_of(path, 64);
	if (s)
		n = atol(s);
	free(s);
	return n;
}

/* pause stops every process of the container until resume; a paused
 * container can be removed. */
START_TEST(pause_resume)
{
	char name[64];
	pid_t pid;
	long a, b;
	int t;

	cl_pick(_i);
	trace_begin();
	cl_start(cl_name("pause", name, sizeof(name)), "",
		 "i=0; while :; do i=$((i+1)); echo $i > /tmp/n; sleep 0.1; done");
	trace_add(name);
	pid = cl_pid(name);
	for (t = 0; t < 50 && counter(pid) < 2; t++)
		usleep(100 * 1000);
	ck_assert_msg(counter(pid) >= 2, "%s: the counter does not run", cl()->name);
	cl_pause(name, true);
	ck_assert_msg(cl_paused(name), "%s: %s is not paused after pause", cl()->name, name);
	a = counter(pid);
	usleep(700 * 1000);
	b = counter(pid);
	ck_assert_msg(a == b, "%s: the counter went on while paused (%ld, then %ld)", cl()->name, a, b);
	cl_pause(name, false);
	ck_assert_msg(!cl_paused(name), "%s: %s is still paused after resume", cl()->name, name);
	for (t = 0; t < 30 && counter(pid) <= b; t++)
		usleep(100 * 1000);
	ck_assert_msg(counter(pid) > b, "%s: the counter stays at %ld after resume", cl()->name, b);
	/* paused, then removed: the kill reaches frozen processes */
	cl_pause(name, true);
	cl_rm(name);
	trace_check();
}
END_TEST

/* Two containers of one pod: the second in the first's network, IPC and
 * pid namespaces (the same namespaces, a server of the first on its
 * loopback, the first's processes in its ps). */
START_TEST(pod_shares_net_ipc_pid)
{
	static const char ns[] = "for n in net ipc pid; do readlink /proc/self/ns/$n; done";
	char a[64], b[64], pod[64], flags[512], id[128], script[512];
	struct run_result r, first;
	pid_t pid;

	cl_pick(_i);
	trace_begin();
	cl_name("pod-a", a, sizeof(a));
	cl_name("pod-b", b, sizeof(b));
	cl_name("pod", pod, sizeof(pod));
	if (is(CL_PODMAN)) {
		cl_ok("%s pod create --name %s --share net,ipc,pid,uts", cl()->runc ? "--runtime runc" : "",
		      pod);
		snprintf(flags, sizeof(flags), "--pod %s", pod);
	}
	cl_start(a, is(CL_DOCKER) ? "--ipc shareable" : is(CL_PODMAN) ? flags : "",
		 "mkdir -p /w && echo pod-served > /w/index.html && httpd -p 127.0.0.1:8080 -h /w && "
		 "exec sleep 300");
	trace_add(a);
	pid = cl_pid(a);
	if (is(CL_DOCKER))
		snprintf(flags, sizeof(flags), "--network container:%s --ipc container:%s "
			 "--pid container:%s", a, a, a);
	else if (is(CL_CTR))
		snprintf(flags, sizeof(flags), "--with-ns network:/proc/%d/ns/net --with-ns "
			 "ipc:/proc/%d/ns/ipc --with-ns pid:/proc/%d/ns/pid", (int)pid, (int)pid,
			 (int)pid);
	if (is(CL_PODMAN)) {
		cl_do(&r, 30, "pod inspect -f '{{.InfraContainerID}}' %s", pod);
		ck_assert_msg(r.status == 0, "pod inspect: %s", r.err);
		r.out[strcspn(r.out, "\n")] = '\0';
		snprintf(id, sizeof(id), "%s", r.out);
		t_run_free(&r);
		/* the infra container; the pod's own cgroup is podman's, which
		 * podman leaves in the unified and name=systemd hierarchies
		 * whatever the runtime */
		trace_add(id);
	}
	cl_exec(&first, a, ns);
	ck_assert_msg(first.status == 0, "%s exec %s: %s", cl()->name, ns, first.err);
	/* (busybox 1.35's wget -T crashes) */
	snprintf(script, sizeof(script), "%s; timeout 5 wget -q -O- http://127.0.0.1:8080/; ps", ns);
	cl_run(&r, b, flags, script);
	ck_assert_msg(r.status == 0, "%s: the pod's second container: exit %d: %s%s", cl()->name,
		      r.status, r.out, r.err);
	ck_assert_msg(!strncmp(r.out, first.out, strlen(first.out)),
		      "%s: the second container's namespaces\n%sare not the first's\n%s",
		      cl()->name, r.out, first.out);
	ck_assert_msg(strstr(r.out, "pod-served"), "%s: the first's server is not on the second's "
		      "loopback: %s", cl()->name, r.out);
	ck_assert_msg(strstr(r.out, "sleep 300"), "%s: the first's processes are not in the "
		      "second's ps: %s", cl()->name, r.out);
	t_run_free(&first);
	t_run_free(&r);
	cl_rm(a);
	if (is(CL_PODMAN))
		cl_ok("pod rm -f -t 0 %s", pod);
	trace_check();
}
END_TEST

/* One cgroup file of @pid's cgroups as the host holds them: the v1
 * hierarchy of @ctrl, else the v2 one. */
static void host_cg(pid_t pid, const char *ctrl, const char *v1, const char *v2, char *buf,
		    size_t size)
{
	char path[PATH_MAX], *cg, *s;
	const char *dir = NULL, *file = v2, *hier = "";
	size_t n = strlen(ctrl);

	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)pid);
	cg = text_of(path, 1 << 16);
	ck_assert_ptr_nonnull(cg);
	for (char *l = cg; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		char *c = strchr(l, ':'), *e = c ? strchr(c + 1, ':') : NULL;

		if (!e)
			continue;
		if (!strncmp(c + 1, ctrl, n) && (c[1 + n] == ':' || c[1 + n] == ',')) {
			dir = e + 1, file = v1, hier = ctrl;
			break;
		}
		if (e == c + 1)
			dir = e + 1;
	}
	ck_assert_msg(dir, "%s", cg);
	snprintf(path, sizeof(path), "/sys/fs/cgroup/%s%s%.*s/%s", hier, *hier ? "" : "unified",
		 (int)strcspn(dir, "\n"), dir, file);
	if (!*hier && access("/sys/fs/cgroup/unified", F_OK) != 0)
		snprintf(path, sizeof(path), "/sys/fs/cgroup%.*s/%s", (int)strcspn(dir, "\n"), dir,
			 file);
	s = text_of(path, 4096);
	ck_assert_msg(s, "%s: unreadable", path);
	snprintf(buf, size, "%.*s", (int)strcspn(s, " \n"), s);
	free(s);
	free(cg);
}

/* --memory, --cpus, --pids-limit and --ulimit (ctr: --memory-limit, --cpus
 * and containerd's default of 1024 open files), in the container's cgroups
 * on the host and seen from inside: its /sys/fs/cgroup (the v2 files, else
 * the v1 hierarchies') and ulimit. */
START_TEST(limits_seen_inside)
{
	static const char script[] =
		"r() { for f in \"$@\"; do [ -r /sys/fs/cgroup/$f ] && { cut -d\" \" -f1 "
		"/sys/fs/cgroup/$f; return; }; done; echo none; }; echo mem=$(r memory.max "
		"memory/memory.limit_in_bytes) pids=$(r pids.max pids/pids.max) cpu=$(r cpu.max "
		"cpu/cpu.cfs_quota_us) nofile=$(ulimit -n):$(ulimit -Hn) nproc=$(ulimit -u):$(ulimit -Hu)";
	const char *flags, *inside[5] = { "mem=67108864 ", "cpu=50000 ", NULL, NULL, NULL };
	char name[64], v[64];
	struct run_result r;
	pid_t pid;

	cl_pick(_i);
	trace_begin();
	if (is(CL_CTR)) {
		/* containerd's default spec mounts no cgroup file system: runc's
		 * containers see no limit inside either, only their ulimits */
		flags = "--memory-limit 67108864 --cpus 0.5";
		inside[0] = "nofile=1024:1024 ";
		inside[1] = NULL;
	} else {
		flags = "--memory 64m --pids-limit 50 --cpus 0.5 --ulimit nofile=512:1024 "
			"--ulimit nproc=1000:2000";
		inside[2] = "pids=50 ";
		inside[3] = "nofile=512:1024 ";
		inside[4] = "nproc=1000:2000";
	}
	cl_run(&r, NULL, flags, script);
	ck_assert_msg(r.status == 0, "%s run %s: exit %d: %s%s", cl()->name, flags, r.status, r.out,
		      r.err);
	for (int i = 0; i < 5 && inside[i]; i++)
		ck_assert_msg(strstr(r.out, inside[i]), "%s %s: inside, want %s: %s", cl()->name,
			      flags, inside[i], r.out);
	t_run_free(&r);
	cl_start(cl_name("lim", name, sizeof(name)), flags, "sleep 300");
	trace_add(name);
	pid = cl_pid(name);
	host_cg(pid, "memory", "memory.limit_in_bytes", "memory.max", v, sizeof(v));
	ck_assert_msg(!strcmp(v, "67108864"), "%s: the host's memory limit is %s", cl()->name, v);
	host_cg(pid, "cpu", "cpu.cfs_quota_us", "cpu.max", v, sizeof(v));
	ck_assert_msg(!strcmp(v, "50000"), "%s: the host's cpu quota is %s", cl()->name, v);
	if (!is(CL_CTR)) {
		host_cg(pid, "pids", "pids.max", "pids.max", v, sizeof(v));
		ck_assert_msg(!strcmp(v, "50"), "%s: the host's pids limit is %s", cl()->name, v);
	}
	cl_rm(name);
	trace_check();
}
END_TEST

/* A root that is a plain directory (ctr run --rootfs, podman run
 * --rootfs): root's files are container root's, what it writes is root's
 * on the host. */
START_TEST(plain_directory_root)
{
	char name[64], dir[PATH_MAX], flags[PATH_MAX + 16], path[PATH_MAX + 8];
	const char *tmp = getenv("ECI_CLIENTS_TMP");
	struct run_result r;
	struct stat st;
	char *s;

	cl_pick(_i);
	trace_begin();
	cl_name("rootfs", name, sizeof(name));
	snprintf(dir, sizeof(dir), "%s/%s", tmp && *tmp ? tmp : "/tmp", name);
	cl_sh(&r, "mkdir -p '%s' && tar -xf '%s' -C '%s'", dir, getenv("ECI_LAYER"), dir);
	want(&r, 0, NULL, "unpacking the image's layer");
	if (is(CL_CTR))
		trace_id(name);
	snprintf(flags, sizeof(flags), "--rootfs %s", dir);
	cl_run(&r, name, flags, "id -u; stat -c %u:%g /bin/busybox; echo written > /new; cat /new");
	want(&r, 0, "0\n0:0\nwritten\n", "run --rootfs DIR");
	snprintf(path, sizeof(path), "%s/new", dir);
	ck_assert_msg(stat(path, &st) == 0, "%s: %s: %s", cl()->name, path, strerror(errno));
	ck_assert_msg(st.st_uid == 0 && st.st_gid == 0, "%s: %s is %u:%u on the host", cl()->name,
		      path, (unsigned)st.st_uid, (unsigned)st.st_gid);
	s = text_of(path, 64);
	ck_assert_msg(s && !strcmp(s, "written\n"), "%s: %s holds %s", cl()->name, path, s);
	free(s);
	t_rm_rf(dir);
	trace_check();
}
END_TEST

/* A container that ended by itself, then deleted; one deleted running. */
START_TEST(delete_leaves_nothing)
{
	char a[64], b[64];
	int t;

	cl_pick(_i);
	trace_begin();
	cl_start(cl_name("ends", a, sizeof(a)), "", "sleep 2");
	trace_add(a);
	cl_start(cl_name("runs", b, sizeof(b)), "", "sleep 300");
	trace_add(b);
	for (t = 0; t < 100 && starttime(tr.c[0].pid) == tr.c[0].start; t++)
		usleep(100 * 1000);
	ck_assert_msg(starttime(tr.c[0].pid) != tr.c[0].start, "%s: %s did not end", cl()->name, a);
	usleep(500 * 1000);
	cl_rm(a);
	cl_rm(b);
	trace_check();
}
END_TEST

/* --- the suite ----------------------------------------------------------------- */

static bool wanted(const char *name)
{
	const char *only = getenv("ECI_CLIENTS");

	return !only || !*only || strstr(only, name);
}

static Suite *clients_suite(void)
{
	static const char *const kinds[CL_KINDS] = { "docker", "ctr", "podman" };
	/* Check keeps each case's name, as given, for as long as it runs */
	static char names[CL_KINDS * 2][64];
	Suite *s = suite_create("clients");
	TCase *tc = tcase_create("snippets");
	bool runc = getenv("ECI_CLIENTS_RUNC") && *getenv("ECI_CLIENTS_RUNC") == '1';

	tcase_add_test(tc, snippets_documented_alike);
	suite_add_tcase(s, tc);
	for (int k = 0; k < CL_KINDS; k++) {
		for (int rt = 0; rt <= (int)runc; rt++) {
			int i = k * 2 + rt;

			if (!wanted(kinds[k]))
				continue;
			snprintf(names[i], sizeof(names[i]), "%s %s", kinds[k], rt ? "runc" : "eci");
			tc = tcase_create(names[i]);
			tcase_set_timeout(tc, 300);
			if (!rt)
				tcase_add_loop_test(tc, configured_by_snippet, i, i + 1);
			tcase_add_loop_test(tc, run_output_and_exit, i, i + 1);
			tcase_add_loop_test(tc, network_server_answers_host, i, i + 1);
			tcase_add_loop_test(tc, exec_tty, i, i + 1);
			tcase_add_loop_test(tc, pause_resume, i, i + 1);
			tcase_add_loop_test(tc, pod_shares_net_ipc_pid, i, i + 1);
			tcase_add_loop_test(tc, limits_seen_inside, i, i + 1);
			if (k != CL_DOCKER)
				tcase_add_loop_test(tc, plain_directory_root, i, i + 1);
			else
				test_skip(rt ? "clients docker runc plain_directory_root"
					     : "clients docker eci plain_directory_root",
					  "dockerd's overlay2 driver always gives an overlay root");
			tcase_add_loop_test(tc, delete_leaves_nothing, i, i + 1);
			suite_add_tcase(s, tc);
		}
	}
	return s;
}

int main(void)
{
	static Suite *(*const suites[])(void) = { clients_suite, NULL };

	return test_main(suites);
}
