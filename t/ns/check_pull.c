// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_pull.c - images by name from a registry (eci-run image pull,
 * eci-run REF, --pull), and root file system tarballs (image import FILE
 * and -)
 *
 * The registry is Debian's docker-registry, started by the fixture as this
 * account on 127.0.0.1 with a configuration and storage of its own under
 * a fresh directory, and stopped and removed after; skopeo fills it from
 * the staged default image (--preserve-digests: the registry then serves
 * the default image's own manifest, which the policy scenario "pin"
 * names).  Every eci-run here gets a $HOME of its test, whose
 * .config/containers/registries.conf marks that registry insecure (it
 * speaks plain HTTP): that the pull works at all shows registries.conf is
 * honoured.  Its access log (stderr) shows whether a request reached it.
 *
 * The stores of the containers that ran hold slot directories of container
 * roots, which this account cannot remove: one store serves every test
 * that runs a container (each with tags of its own), and the teardown has
 * one container per slot empty it.
 */
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"

#define REGISTRY "/usr/bin/docker-registry"

static char scratch[64];	/* registry/, homes/, shared/ (the runs' store) */
static int port;
static pid_t registry = -1;
static char manifest[72];	/* the default image's, which the registry serves */

static void host_sh_ok(const char *fmt, ...)
{
	char cmd[8192];
	struct run_result r;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	t_host_sh(cmd, &r);
	ck_assert_msg(r.status == 0, "%s: exit %d: %s%s", cmd, r.status, r.out, r.err);
	t_run_free(&r);
}

static int free_port(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	close(fd);
	return ntohs(a.sin_port);
}

static bool answers(int p)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)p),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bool ok = fd >= 0 && connect(fd, (struct sockaddr *)&a, sizeof(a)) == 0;

	if (fd >= 0)
		close(fd);
	return ok;
}

/* docker-registry serve, its log in registry/log; true once it answers. */
static bool start_registry(void)
{
	char cfg[128], log[128];
	FILE *f;

	port = free_port();
	snprintf(cfg, sizeof(cfg), "%s/registry/config.yml", scratch);
	snprintf(log, sizeof(log), "%s/registry/log", scratch);
	f = fopen(cfg, "we");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "version: 0.1\nlog:\n  level: warn\nstorage:\n  filesystem:\n"
		"    rootdirectory: %s/registry/data\nhttp:\n  addr: 127.0.0.1:%d\n", scratch, port);
	fclose(f);
	registry = fork();
	if (registry == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0600);

		dup2(fd, 1);
		dup2(fd, 2);
		execl(REGISTRY, REGISTRY, "serve", cfg, (char *)NULL);
		_exit(127);
	}
	/* not a timed assertion: the registry either comes up or has exited */
	for (int i = 0; i < 200; i++) {
		if (answers(port))
			return true;
		if (waitpid(registry, NULL, WNOHANG) == registry)
			break;
		usleep(50000);
	}
	kill(registry, SIGKILL);
	waitpid(registry, NULL, 0);
	registry = -1;
	return false;
}

/* The manifest digest index.json of @layout names (its only one). */
static void layout_digest(const char *layout, char out[72])
{
	char path[4300], *text = NULL, *p;

	snprintf(path, sizeof(path), "%s/index.json", layout);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &text, NULL), 0);
	p = strstr(text, "\"digest\":\"sha256:");
	ck_assert_ptr_nonnull(p);
	snprintf(out, 72, "%.71s", p + 10);
	free(text);
}

/* The scratch directory alone (the tarball tests need no registry). */
static void scratch_make(void)
{
	snprintf(scratch, sizeof(scratch), "/tmp/eci-t-pull.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	host_sh_ok("mkdir -p %s/registry %s/homes %s/shared", scratch, scratch, scratch);
	registry = -1;
}

static void pull_make(void)
{
	char layout[4200];
	bool up = false;

	scratch_make();
	for (int i = 0; i < 3 && !up; i++)	/* another may take the port first */
		up = start_registry();
	ck_assert_msg(up, "the registry did not come up: %s/registry/log", scratch);
	snprintf(layout, sizeof(layout), "%s/share/eci/images/default", t_prefix());
	layout_digest(layout, manifest);
	for (int i = 1; i <= 4; i++)
		host_sh_ok("skopeo copy --quiet --preserve-digests --dest-tls-verify=false "
			   "oci:%s docker://127.0.0.1:%d/eci/busybox:%d", layout, port, i);
	host_sh_ok("skopeo copy --quiet --preserve-digests --dest-tls-verify=false "
		   "oci:%s docker://127.0.0.1:%d/eci/pinned:1", layout, port);
}

static void pull_remove(void)
{
	char cmd[128];

	if (registry > 0) {
		kill(registry, SIGTERM);
		waitpid(registry, NULL, 0);
		registry = -1;
	}
	/* each slot's copies in the shared store, by a container of that
	 * slot (subids.c); then the rest */
	snprintf(cmd, sizeof(cmd), "%s/shared/eci/slots", scratch);
	ns_slots_clear(cmd, "*", 5);
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "pull: could not remove all of %s\n", scratch);
}

/* --- each test's own home, store and names -------------------------------- */

/*
 * A $HOME of its own with a registries.conf that lets skopeo speak HTTP to
 * the test registry, and a store: the shared one (@shared) or a new one.
 * Returns the store's path.
 */
static const char *home(bool shared)
{
	static char store[160];
	char dir[128], conf[256];
	FILE *f;

	snprintf(dir, sizeof(dir), "%s/homes/h.XXXXXX", scratch);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	host_sh_ok("mkdir -p %s/.config/containers", dir);
	snprintf(conf, sizeof(conf), "%s/.config/containers/registries.conf", dir);
	f = fopen(conf, "we");
	ck_assert_ptr_nonnull(f);
	fprintf(f, "[[registry]]\nlocation = \"127.0.0.1:%d\"\ninsecure = true\n", port);
	fclose(f);
	ck_assert_int_eq(setenv("HOME", dir, 1), 0);
	if (shared)
		snprintf(dir, sizeof(dir), "%s/shared", scratch);
	ck_assert_int_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(store, sizeof(store), "%s/eci", dir);
	return store;
}

/* "127.0.0.1:PORT/@path" */
static const char *ref(const char *path)
{
	static char ring[4][256];
	static unsigned n;
	char *p = ring[n++ % 4];

	snprintf(p, sizeof(ring[0]), "127.0.0.1:%d/%s", port, path);
	return p;
}

/* The requests the registry has logged so far. */
static int requests(void)
{
	char cmd[256];
	struct run_result r;
	int n;

	snprintf(cmd, sizeof(cmd), "grep -c '\" [0-9][0-9][0-9] ' %s/registry/log || true", scratch);
	t_host_sh(cmd, &r);
	n = atoi(r.out);
	t_run_free(&r);
	return n;
}

/* Did the registry log a GET of a path that starts with @path (the
 * fixture's pushes are PUTs)? */
static bool requested(const char *path)
{
	char cmd[512];
	struct run_result r;
	bool yes;

	snprintf(cmd, sizeof(cmd), "grep -F -c '\"GET %s' %s/registry/log || true", path, scratch);
	t_host_sh(cmd, &r);
	yes = atoi(r.out) > 0;
	t_run_free(&r);
	return yes;
}

static int entries(const char *store, const char *sub)
{
	char cmd[512];
	struct run_result r;
	int n;

	snprintf(cmd, sizeof(cmd), "ls -A '%s/%s' | wc -l", store, sub);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	n = atoi(r.out);
	t_run_free(&r);
	return n;
}

/* Nothing of a failed pull is left: no name, no half-fetched files. */
static void nothing_left(const char *store)
{
	ck_assert_int_eq(entries(store, "refs"), 0);
	ck_assert_int_eq(entries(store, "tmp"), 0);
	ck_assert_int_eq(entries(store, "blobs/sha256"), 0);
}

/* --- pulls --------------------------------------------------------------- */

START_TEST(pull_by_tag_then_run)
{
	const char *store = home(true);
	struct run_result r;
	char want[80];
	int before;

	T_ECI(&r, "image", "pull", ref("eci/busybox:1"));
	t_want(&r, 0);
	snprintf(want, sizeof(want), "%s\n", manifest);
	ck_assert_str_eq(r.out, want);
	t_run_free(&r);
	ck_assert_int_eq(entries(store, "tmp"), 0);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	t_has(r.out, ref("eci/busybox"));
	t_run_free(&r);
	before = requests();
	T_ECI(&r, ref("eci/busybox:1"), "sh", "-c", "echo ran; id -u");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "ran\n0\n");
	t_run_free(&r);
	ck_assert_int_eq(requests(), before);	/* in the store: not fetched again */
}
END_TEST

START_TEST(pull_by_digest_and_run)
{
	char by_digest[256];
	struct run_result r;

	home(true);
	snprintf(by_digest, sizeof(by_digest), "%s@%s", ref("eci/busybox"), manifest);
	T_ECI(&r, by_digest, "sh", "-c", "echo by-digest");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "by-digest\n");
	t_run_free(&r);
	ck_assert(requested("/v2/eci/busybox/manifests/sha256:"));
	T_ECI(&r, "image", "pull", by_digest);
	t_want(&r, 0);
	t_has(r.out, manifest);
	t_run_free(&r);
}
END_TEST

/* eci-run REF pulls what is missing; --pull=always asks again. */
START_TEST(run_pulls_missing)
{
	const char *store = home(true);
	struct run_result r;
	int before = requests();

	T_ECI(&r, ref("eci/busybox:2"), "true");
	t_want(&r, 0);
	t_run_free(&r);
	ck_assert(requested("/v2/eci/busybox/manifests/2 "));
	ck_assert_int_gt(requests(), before);
	ck_assert_int_eq(entries(store, "tmp"), 0);
	before = requests();
	T_ECI(&r, "--pull=always", ref("eci/busybox:2"), "true");
	t_want(&r, 0);
	t_run_free(&r);
	ck_assert_int_gt(requests(), before);
}
END_TEST

START_TEST(pull_never_refuses_missing)
{
	const char *store = home(false);
	struct run_result r;
	int before = requests();

	T_ECI(&r, "--pull=never", ref("eci/busybox:3"), "true");
	t_want(&r, 125);
	t_has(r.err, "eci-run: image '");
	t_has(r.err, "busybox:3': no such image in");
	t_has(r.err, "--pull=never");
	t_run_free(&r);
	T_ECI(&r, "--pull", "sometimes", ref("eci/busybox:3"), "true");
	t_want(&r, 125);
	t_has(r.err, "--pull sometimes: expected missing, always or never");
	t_run_free(&r);
	ck_assert_int_eq(requests(), before);
	nothing_left(store);
}
END_TEST

START_TEST(unknown_reference)
{
	const char *store = home(false);
	struct run_result r;
	char want[300];

	T_ECI(&r, "image", "pull", ref("eci/nope:1"));
	t_want(&r, 125);
	snprintf(want, sizeof(want), "eci-run: image pull %s: ", ref("eci/nope:1"));
	t_has(r.err, want);
	t_has(r.err, "manifest unknown");	/* the registry's words */
	t_run_free(&r);
	T_ECI(&r, ref("eci/nope:1"), "true");
	t_want(&r, 125);
	t_has(r.err, want);
	t_has(r.err, "manifest unknown");
	t_run_free(&r);
	nothing_left(store);
}
END_TEST

/* A digest the registry does not hold; one that is not a digest at all. */
START_TEST(bad_digest)
{
	const char *store = home(false);
	struct run_result r;
	char by_digest[256];
	int before;

	snprintf(by_digest, sizeof(by_digest), "%s@sha256:%064d", ref("eci/busybox"), 0);
	T_ECI(&r, "image", "pull", by_digest);
	t_want(&r, 125);
	t_has(r.err, "eci-run: image pull 127.0.0.1:");
	t_has(r.err, "manifest unknown");
	t_run_free(&r);
	before = requests();
	snprintf(by_digest, sizeof(by_digest), "%s@sha256:0123", ref("eci/busybox"));
	T_ECI(&r, "image", "pull", by_digest);
	t_want(&r, 125);
	t_has(r.err, "the digest must be sha256: and 64 lowercase hex digits");
	t_run_free(&r);
	T_ECI(&r, "image", "pull", "127.0.0.1:1/Eci/BusyBox:1");
	t_want(&r, 125);
	t_has(r.err, "'Eci' is not a valid name component");
	t_run_free(&r);
	ck_assert_int_eq(requests(), before);
	nothing_left(store);
}
END_TEST

/*
 * A layer the registry serves with other bytes than its digest says: the
 * pull is refused and nothing is kept.  An image of its own (one small
 * layer, pushed uncompressed), so that the others stay whole.
 */
static const char corrupt_sh[] =
	"set -e; d=$1/corrupt; mkdir -p $d/root/x $d/oci/blobs/sha256; cd $d\n"
	"echo original > root/x/f; tar -C root -cf layer.tar x\n"
	"put() { h=$(sha256sum < $1 | cut -d' ' -f1); cp $1 oci/blobs/sha256/$h; echo $h $(stat -c %s $1); }\n"
	"L=$(put layer.tar)\n"
	"printf '{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{},\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"sha256:%s\"]}}' ${L% *} > config\n"
	"C=$(put config)\n"
	"printf '{\"schemaVersion\":2,\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"config\":{\"mediaType\":\"application/vnd.oci.image.config.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s},\"layers\":[{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar\",\"digest\":\"sha256:%s\",\"size\":%s}]}' ${C% *} ${C#* } ${L% *} ${L#* } > manifest\n"
	"M=$(put manifest)\n"
	"printf '{\"schemaVersion\":2,\"manifests\":[{\"mediaType\":\"application/vnd.oci.image.manifest.v1+json\",\"digest\":\"sha256:%s\",\"size\":%s}]}' ${M% *} ${M#* } > oci/index.json\n"
	"echo '{\"imageLayoutVersion\":\"1.0.0\"}' > oci/oci-layout\n"
	"skopeo copy --quiet --preserve-digests --dest-tls-verify=false oci:oci docker://127.0.0.1:$2/eci/corrupt:1\n"
	"l=${L% *}; b=$1/registry/data/docker/registry/v2/blobs/sha256/$(echo $l | cut -c1-2)/$l/data\n"
	"test -f $b; printf tampered | dd of=$b bs=1 seek=600 conv=notrunc 2>/dev/null\n";

START_TEST(corrupt_blob_refused)
{
	const char *store = home(false);
	char p[16];
	struct run_result r;
	char *argv[] = { (char *)"/bin/sh", (char *)"-c", (char *)corrupt_sh, (char *)"sh",
			 scratch, p, NULL };

	snprintf(p, sizeof(p), "%d", port);
	ck_assert_int_eq(t_run(argv, &r), 0);
	ck_assert_msg(r.status == 0, "making the corrupt image: %s%s", r.out, r.err);
	t_run_free(&r);
	T_ECI(&r, "image", "pull", ref("eci/corrupt:1"));
	t_want(&r, 125);
	t_has(r.err, "eci-run: image pull ");
	ck_assert_msg(strstr(r.err, "did not match") || strstr(r.err, "digest mismatch"),
		      "no digest mismatch in: %s", r.err);
	t_run_free(&r);
	nothing_left(store);
}
END_TEST

/* ^C (SIGINT to eci-run) while skopeo waits on a server that never answers. */
START_TEST(interrupted_pull)
{
	const char *store = home(false);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(a);
	int lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int err = memfd_create("err", MFD_CLOEXEC), status, n = 0;
	char bin[4096], target[128], *msg = NULL;
	struct run_result r;
	pid_t pid;

	ck_assert_int_eq(bind(lfd, (struct sockaddr *)&a, sizeof(a)), 0);
	ck_assert_int_eq(listen(lfd, 8), 0);
	ck_assert_int_eq(getsockname(lfd, (struct sockaddr *)&a, &len), 0);
	snprintf(target, sizeof(target), "127.0.0.1:%d/eci/stalled:1", ntohs(a.sin_port));
	pid = fork();
	if (pid == 0) {
		dup2(err, 2);
		execl(t_bin("eci-run", bin, sizeof(bin)), "eci-run", "image", "pull", target,
		      (char *)NULL);
		_exit(99);
	}
	/* skopeo is connected once the listener has a connection queued */
	for (struct run_result q; n < 400; n++) {
		char cmd[256];

		snprintf(cmd, sizeof(cmd), "ss -Htn state established '( dport = :%d )' | wc -l",
			 ntohs(a.sin_port));
		t_host_sh(cmd, &q);
		bool connected = atoi(q.out) > 0;

		t_run_free(&q);
		if (connected)
			break;
		usleep(50000);
	}
	ck_assert_msg(n < 400, "skopeo never connected to %s", target);
	ck_assert_int_eq(kill(pid, SIGINT), 0);
	ck_assert_int_eq(waitpid(pid, &status, 0), pid);
	close(lfd);
	ck_assert(WIFEXITED(status));
	ck_assert_int_eq(WEXITSTATUS(status), 125);
	lseek(err, 0, SEEK_SET);
	ck_assert_int_eq(read_fd_all(err, 1 << 16, &msg, NULL), 0);
	t_has(msg, "eci-run: image pull ");
	t_has(msg, "interrupted by Interrupt, nothing kept");
	free(msg);
	nothing_left(store);
	/* [d]: not the shell that runs pgrep, whose command line holds it */
	snprintf(bin, sizeof(bin), "pgrep -u %d -f '[d]ocker://%s' || true", (int)getuid(), target);
	t_host_sh(bin, &r);
	ck_assert_str_eq(r.out, "");	/* skopeo went with it */
	t_run_free(&r);
}
END_TEST

/* --- allowedImages, before any request ------------------------------------- */

static bool policy_staged(char *bin, size_t size)
{
	const char *root = getenv("ECI_POLICY_ROOT");
	char dir[4096];
	struct stat st;

	snprintf(bin, size, "%s/t/eci-run-policytest", t_prefix());
	snprintf(dir, sizeof(dir), "%s/images", root ? root : "/nonexistent");
	return root && stat(dir, &st) == 0 && access(bin, X_OK) == 0;
}

static void policy(const char *scenario)
{
	char dir[4096];

	snprintf(dir, sizeof(dir), "%s/%s", getenv("ECI_POLICY_ROOT"), scenario);
	ck_assert_int_eq(setenv("ECI_POLICY_DIR", dir, 1), 0);
	ck_assert_int_eq(setenv("XDG_CONFIG_HOME", "/nonexistent/eci-t-config", 1), 0);
}

static void run_policytest(struct run_result *r, const char *a1, const char *a2, const char *a3)
{
	char bin[4096];
	char *argv[] = { bin, (char *)a1, (char *)a2, (char *)a3, NULL };

	ck_assert(policy_staged(bin, sizeof(bin)));
	ck_assert_int_eq(t_run(argv, r), 0);
}

START_TEST(refused_before_any_request)
{
	const char *store = home(false);
	struct run_result r;
	char want[300];
	int before = requests();

	policy("images");	/* ["alpine:*", "default:stable"] */
	snprintf(want, sizeof(want), "eci-run: image %s: not fetched: \"allowedImages\" is managed "
		 "by your administrator (", ref("eci/busybox:4"));
	run_policytest(&r, "image", "pull", ref("eci/busybox:4"));
	t_want(&r, 125);
	t_has(r.err, want);
	t_run_free(&r);
	run_policytest(&r, ref("eci/busybox:4"), "true", NULL);
	t_want(&r, 125);
	t_has(r.err, want);
	t_has(r.err, "\"refused\"");	/* and audited */
	t_run_free(&r);
	ck_assert_int_eq(requests(), before);
	ck_assert(!requested("/v2/eci/busybox/manifests/4 "));
	nothing_left(store);
}
END_TEST

/* A pinned digest admits a pull by that digest, and only that. */
START_TEST(pinned_digest_admits_pull)
{
	struct run_result r;
	char by_digest[256];
	int before = requests();

	home(true);
	policy("pin");	/* [the default image's manifest digest] */
	run_policytest(&r, "image", "pull", ref("eci/pinned:1"));
	t_want(&r, 125);
	t_has(r.err, "not fetched: \"allowedImages\" is managed by your administrator");
	t_run_free(&r);
	ck_assert_int_eq(requests(), before);
	snprintf(by_digest, sizeof(by_digest), "%s@%s", ref("eci/pinned"), manifest);
	run_policytest(&r, by_digest, "echo", "pinned-ran");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "pinned-ran\n");
	t_run_free(&r);
	ck_assert(requested("/v2/eci/pinned/manifests/sha256:"));
}
END_TEST

/* --- root file system tarballs ---------------------------------------------- */

/* A root file system tarball in @dir/rootfs.tar.gz: busybox, a symlink,
 * files of root and of 1234, a setuid file. */
static void make_rootfs_tar(const char *dir)
{
	host_sh_ok("set -e; r=%s/rootfs; mkdir -p $r/bin $r/etc; cp /bin/busybox $r/bin/; "
		   "ln -s busybox $r/bin/sh; echo secret > $r/etc/f; chmod 640 $r/etc/f; "
		   "echo mine > $r/etc/app; cp /bin/busybox $r/bin/su2; chmod 4755 $r/bin/su2; "
		   "tar -C $r --owner=0 --group=0 --numeric-owner -cf %s/rootfs.tar "
		   "--exclude=./etc/app .; "
		   "tar -C $r --owner=1234 --group=2345 --numeric-owner -rf %s/rootfs.tar ./etc/app; "
		   "gzip -k %s/rootfs.tar", dir, dir, dir, dir);
}

static const char rootfs_script[] =
	"readlink /bin/sh; stat -c '%n %u:%g %a' /etc/f /etc/app /bin/su2; cat /etc/app";
static const char rootfs_out[] =
	"busybox\n/etc/f 0:0 640\n/etc/app 1234:2345 644\n/bin/su2 0:0 4755\nmine\n";

START_TEST(import_rootfs_tarball)
{
	char dir[160], tarball[200];
	struct run_result r;

	home(true);
	snprintf(dir, sizeof(dir), "%s/homes/rootfs-file", scratch);
	host_sh_ok("mkdir -p %s", dir);
	make_rootfs_tar(dir);
	snprintf(tarball, sizeof(tarball), "%s/rootfs.tar.gz", dir);
	T_ECI(&r, "image", "import", "--name", "eci-t-rootfs:gz", tarball);
	t_want(&r, 0);
	ck_assert_uint_eq(strlen(r.out), 72);	/* sha256:HEX\n */
	t_run_free(&r);
	T_ECI(&r, "eci-t-rootfs:gz", "/bin/sh", "-c", rootfs_script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, rootfs_out);
	t_run_free(&r);
	T_ECI(&r, "eci-t-rootfs:gz");	/* the config's /bin/sh, reading /dev/null */
	t_want(&r, 0);
	t_run_free(&r);
}
END_TEST

START_TEST(import_rootfs_stdin)
{
	const char *store;
	char dir[160], bin[4096], cmd[8192];
	struct run_result r;

	store = home(false);
	snprintf(dir, sizeof(dir), "%s/homes/rootfs-stdin", scratch);
	host_sh_ok("mkdir -p %s", dir);
	make_rootfs_tar(dir);
	/* no name: refused once read, and nothing kept */
	snprintf(cmd, sizeof(cmd), "'%s' image import - < %s/rootfs.tar",
		 t_bin("eci-run", bin, sizeof(bin)), dir);
	t_host_sh(cmd, &r);
	t_want(&r, 125);
	t_has(r.err, "eci-run: image -: an image from standard input needs a name: --name");
	t_run_free(&r);
	nothing_left(store);
	/* not a tar at all */
	snprintf(cmd, sizeof(cmd), "echo hello | '%s' image import --name x -",
		 t_bin("eci-run", bin, sizeof(bin)));
	t_host_sh(cmd, &r);
	t_want(&r, 125);
	t_has(r.err, "standard input: neither an image archive nor a root file system tar");
	t_run_free(&r);
	nothing_left(store);
	home(true);
	snprintf(cmd, sizeof(cmd), "'%s' image import --name eci-t-rootfs:stdin - < %s/rootfs.tar",
		 t_bin("eci-run", bin, sizeof(bin)), dir);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "eci-t-rootfs:stdin", "/bin/sh", "-c", rootfs_script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, rootfs_out);
	t_run_free(&r);
}
END_TEST

Suite *pull_suite(void)
{
	static const char *const pulls[] = {
		"pull_by_tag_then_run", "pull_by_digest_and_run", "run_pulls_missing",
		"pull_never_refuses_missing", "unknown_reference", "bad_digest",
		"corrupt_blob_refused", "interrupted_pull",
	};
	Suite *s = suite_create("pull");
	TCase *tp = tcase_create("registry"), *tpol = tcase_create("policy");
	TCase *tr = tcase_create("tarballs");
	char bin[4096];
	bool tools = access(REGISTRY, X_OK) == 0;

	tools = tools && (system("command -v skopeo >/dev/null") == 0);
	tcase_set_timeout(tp, 300);
	tcase_add_unchecked_fixture(tp, pull_make, pull_remove);
	if (!tools) {
		for (size_t i = 0; i < sizeof(pulls) / sizeof(pulls[0]); i++)
			test_skip(pulls[i], "no docker-registry or skopeo (Debian packages "
				  "docker-registry, skopeo: tools/deps.sh)");
	} else {
		tcase_add_test(tp, pull_by_tag_then_run);
		tcase_add_test(tp, pull_by_digest_and_run);
		tcase_add_test(tp, run_pulls_missing);
		tcase_add_test(tp, pull_never_refuses_missing);
		tcase_add_test(tp, unknown_reference);
		tcase_add_test(tp, bad_digest);
		tcase_add_test(tp, corrupt_blob_refused);
		tcase_add_test(tp, interrupted_pull);
	}
	suite_add_tcase(s, tp);
	tcase_set_timeout(tr, 300);
	tcase_add_unchecked_fixture(tr, scratch_make, pull_remove);
	tcase_add_test(tr, import_rootfs_tarball);
	tcase_add_test(tr, import_rootfs_stdin);
	suite_add_tcase(s, tr);
	tcase_set_timeout(tpol, 300);
	tcase_add_unchecked_fixture(tpol, pull_make, pull_remove);
	if (!tools || !policy_staged(bin, sizeof(bin))) {
		test_skip("refused_before_any_request", "no registry tools, or no policy scenarios "
			  "($ECI_POLICY_ROOT, made when root stages the build)");
		test_skip("pinned_digest_admits_pull", "the same");
	} else {
		tcase_add_test(tpol, refused_before_any_request);
		tcase_add_test(tpol, pinned_digest_admits_pull);
		suite_add_tcase(s, tpol);
	}
	return s;
}
