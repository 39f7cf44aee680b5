// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_images.c - images from outside: OCI layouts, oci-archives, docker
 * save archives and root file system directories, run and imported into
 * the per-user store; what they hold as seen from inside (owners, setuid
 * bits, whiteouts); the store's names, garbage collection and verification;
 * hostile layers; a killed import; layers unpacked once per slot.
 *
 * t/images/mkimage.sh builds every image once per test case, in the parent
 * (an unchecked fixture); each test then imports into a store of its own
 * ($XDG_DATA_HOME in a fresh directory: each test is a forked process, so
 * the setenv() stays its own).  Layers unpacked in slots/ belong to the
 * slots' container roots, which the test account cannot remove: the
 * teardown has one container per slot empty its own.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cleanup.h"
#include "ns.h"
#include "run.h"
#include "subid.h"
#include "tap.h"
#include "util.h"



/* Some line of @err names @entry and says it was skipped. */
static void warned(const char *err, const char *entry)
{
	for (const char *l = err; *l;) {
		const char *end = strchrnul(l, '\n');
		char line[1024];

		snprintf(line, sizeof(line), "%.*s", (int)(end - l), l);
		if (strstr(line, entry) && strstr(line, "skipped"))
			return;
		l = *end ? end + 1 : end;
	}
	ck_abort_msg("no warning that '%s' was skipped in:\n%s", entry, err);
}

/* --- the images and the stores ------------------------------------------ */

static char scratch[64];	/* images in img/, stores in stores/ */
static char tag[32];		/* in the canaries' names: this run's own */

static void images_make(void)
{
	char dir[128];

	snprintf(scratch, sizeof(scratch), "/tmp/eci-t-images.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(scratch));
	snprintf(tag, sizeof(tag), "%d", (int)getpid());
	snprintf(dir, sizeof(dir), "%s/stores", scratch);
	ck_assert_int_eq(mkdir(dir, 0755), 0);
	snprintf(dir, sizeof(dir), "%s/img", scratch);
	t_mkimage(dir, tag, NULL);
}

/* The path of image NAME (a ring of buffers: a few may be held at once). */
static const char *img(const char *name)
{
	static char ring[8][256];
	static unsigned n;
	char *p = ring[n++ % 8];

	snprintf(p, sizeof(ring[0]), "%s/img/%s", scratch, name);
	return p;
}

/* The hex digest @key ("manifest", "config", "layerN", "diffN") of image
 * @name, from the NAME.info that mkimage.sh wrote beside it. */
static const char *info(const char *name, const char *key)
{
	static char ring[8][65];
	static unsigned n;
	char path[300], k[32], *text = NULL, *hex = ring[n++ % 8];
	bool found = false;

	snprintf(path, sizeof(path), "%s.info", img(name));
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 1 << 16, &text, NULL), 0);
	for (char *l = text; l && *l && !found; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		found = sscanf(l, "%31s %64[0-9a-f]", k, hex) == 2 && !strcmp(k, key);
	free(text);
	ck_assert_msg(found, "%s: no %s", path, key);
	ck_assert_uint_eq(strlen(hex), 64);
	return hex;
}

/* A new, empty store for this test: returns its path ($XDG_DATA_HOME/eci). */
static const char *fresh_store(void)
{
	static char store[160];
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/stores/s.XXXXXX", scratch);
	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(setenv("XDG_DATA_HOME", dir, 1), 0);
	snprintf(store, sizeof(store), "%s/eci", dir);
	return store;
}

static bool exists(const char *fmt, ...)
{
	char path[4096];
	struct stat st;
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	return lstat(path, &st) == 0;
}

static bool has_blob(const char *store, const char *hex)
{
	return exists("%s/blobs/sha256/%s", store, hex);
}

/* Entries of a directory but . and ..; -1 if it cannot be read. */
static int entries(const char *fmt, ...)
{
	char path[4096];
	struct dirent *de;
	int n = 0;
	va_list ap;
	DIR *d;

	va_start(ap, fmt);
	vsnprintf(path, sizeof(path), fmt, ap);
	va_end(ap);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d)))
		if (strcmp(de->d_name, ".") && strcmp(de->d_name, ".."))
			n++;
	closedir(d);
	return n;
}

/* Every blob of the store hashes to its name. */
static void blobs_whole(const char *store)
{
	char cmd[4200];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "cd '%s/blobs/sha256' && for f in *; do [ -e \"$f\" ] || continue; "
		 "[ \"$(sha256sum < \"$f\" | cut -d' ' -f1)\" = \"$f\" ] || echo \"bad blob $f\"; done",
		 store);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
}

/* The sha256 of a host file, as 64 hex digits. */
static void file_sha(const char *path, char hex[65])
{
	char cmd[4200];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "sha256sum < '%s'", path);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	ck_assert_int_eq(sscanf(r.out, "%64[0-9a-f]", hex), 1);
	ck_assert_uint_eq(strlen(hex), 64);
	t_run_free(&r);
}

/* The row `image ls` prints for NAME:TAG at @digest (hex). */
static void ls_row(char *buf, size_t size, const char *name, const char *itag, const char *hex)
{
	snprintf(buf, size, "\n%-30s %-12s %.19s ", name, itag, hex);
}

/* --- removing what container roots unpacked ------------------------------ */

/*
 * slots/SLOT/ of every store is container root's of SLOT, and so is all it
 * holds: the test account cannot remove it, but a container of that slot
 * can (subids.c).  The stores are opened up (0711) for it to get there.
 */
static void slots_remove(void)
{
	char cmd[256], src[128];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "chmod 0711 %s/stores/*/ %s/stores/*/eci 2>/dev/null", scratch,
		 scratch);
	if (t_run((char *[]){ (char *)"/bin/sh", (char *)"-c", cmd, NULL }, &r) == 0)
		t_run_free(&r);
	snprintf(src, sizeof(src), "%s/stores", scratch);
	if (ns_slots_clear(src, "*/eci/slots/*", 10) > 0)
		fprintf(stderr, "images: slot directories left in %s/stores\n", scratch);
}

static void images_remove(void)
{
	char cmd[128];

	slots_remove();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s' 2>/dev/null", scratch);
	if (system(cmd) != 0)
		fprintf(stderr, "images: could not remove all of %s\n", scratch);
}

/* The only slot directory of the store; its name in @slot. */
static void only_slot(const char *store, char *slot, size_t size)
{
	char path[300];
	struct dirent *de;
	DIR *d;

	int n = 0;

	snprintf(path, sizeof(path), "%s/slots", store);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.' && ++n)	/* .live is the store's list */
			snprintf(slot, size, "%.63s", de->d_name);
	closedir(d);
	ck_assert_int_eq(n, 1);
}

/* --- what the test image holds -------------------------------------------- */

/* Run by the image's entrypoint (sh -c) as app: owners, modes, whiteouts. */
static const char content_sh[] =
	"stat -c '%n %u:%g %a' /bin/busybox /home/app /home/app/owned /work /work/file /opt/suid "
	"/etc/motd; cat /etc/motd /home/app/owned; ls -A /data; cat /data/c; "
	"ls -A / | grep -c '^\\.wh\\.'; test -e /gone || echo no-gone";
static const char content_out[] =
	"/bin/busybox 0:0 755\n"
	"/home/app 1234:2345 750\n"
	"/home/app/owned 1234:2345 640\n"
	"/work 1234:2345 755\n"
	"/work/file 1234:2345 644\n"
	"/opt/suid 0:0 4755\n"
	"/etc/motd 0:0 644\n"
	"two\n"		/* layer 2's over layer 1's */
	"mine\n"
	"c\n"		/* data/ is opaque in layer 3: a and b are gone */
	"c\n"
	"0\n"
	"no-gone\n";

/* --- running the three forms of the image ---------------------------------- */

START_TEST(layout_config)
{
	struct run_result r;

	fresh_store();
	T_ECI(&r, img("oci"));
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "cmd-ran\n1234\n");
	t_run_free(&r);
	T_ECI(&r, img("oci"), "echo $FOO; pwd; id -u; id -g; id -un");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "from-image\n/work\n1234\n2345\napp\n");
	t_run_free(&r);
	T_ECI(&r, "-u", "0", "-w", "/", "-e", "FOO=x", img("oci"), "echo $FOO; pwd; id -u");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "x\n/\n0\n");
	t_run_free(&r);
}
END_TEST

/*
 * --entrypoint against an image with one (["/bin/sh", "-c"], Cmd "echo
 * cmd-ran; id -u"): CMD replaces it and the image's command is dropped, as
 * docker's; "" clears it, the command staying the user's or the image's;
 * --env-host: the image's Env over the caller's.
 */
START_TEST(entrypoint_flag)
{
	struct run_result r;

	fresh_store();
	T_ECI(&r, "--entrypoint", "/bin/echo", img("oci"));
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "\n");
	t_run_free(&r);
	T_ECI(&r, "--entrypoint", "/bin/echo", img("oci"), "given", "words");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "given words\n");
	t_run_free(&r);
	/* without sh -c in front, "echo plain" is two words of echo's */
	T_ECI(&r, "--entrypoint", "", img("oci"), "echo", "plain");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "plain\n");
	t_run_free(&r);
	/* the image's Cmd, now run without sh -c: one word, no such program */
	T_ECI(&r, "--entrypoint", "", img("oci"));
	t_want(&r, 127);
	t_has(r.err, "echo cmd-ran; id -u: executable file not found");
	t_run_free(&r);
	T_ECI(&r, "--entrypoint");
	t_want(&r, 125);
	t_has(r.err, "flag --entrypoint needs a value");
	t_run_free(&r);
	ck_assert_int_eq(setenv("FOO", "from-host", 1), 0);
	ck_assert_int_eq(setenv("ECI_T_ONLY_HOST", "yes", 1), 0);
	T_ECI(&r, "--env-host", img("oci"), "echo $FOO $ECI_T_ONLY_HOST");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "from-image yes\n");
	t_run_free(&r);
}
END_TEST

START_TEST(layout_content)
{
	struct run_result r;

	fresh_store();
	T_ECI(&r, img("oci"), content_sh);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, content_out);
	t_run_free(&r);
}
END_TEST

START_TEST(layout_tag)
{
	char ref[300], row[200];
	struct run_result r;

	fresh_store();
	snprintf(ref, sizeof(ref), "%s:v1", img("oci"));
	T_ECI(&r, ref);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "cmd-ran\n1234\n");
	t_run_free(&r);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	ls_row(row, sizeof(row), "oci", "v1", info("oci", "manifest"));
	t_has(r.out, row);
	t_run_free(&r);
	snprintf(ref, sizeof(ref), "%s:nope", img("oci"));
	T_ECI(&r, ref, "true");
	t_want(&r, 125);
	t_has(r.err, "eci-run: ");
	t_has(r.err, "no manifest tagged 'nope'");
	t_run_free(&r);
}
END_TEST

START_TEST(oci_archive)
{
	char digest[80];
	struct run_result r;

	fresh_store();
	snprintf(digest, sizeof(digest), "sha256:%s\n", info("oci", "manifest"));
	T_ECI(&r, "image", "import", img("oci.tar"));
	t_want(&r, 0);
	ck_assert_str_eq(r.out, digest);	/* the very manifest of the layout */
	t_run_free(&r);
	T_ECI(&r, img("oci.tar"));
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "cmd-ran\n1234\n");
	t_run_free(&r);
	T_ECI(&r, img("oci.tar"), content_sh);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, content_out);
	t_run_free(&r);
}
END_TEST

START_TEST(docker_archive)
{
	const char *store = fresh_store();
	char row[200], hex[65] = "";
	struct run_result r;

	T_ECI(&r, "image", "import", img("docker.tar"));
	t_want(&r, 0);
	ck_assert_int_eq(sscanf(r.out, "sha256:%64[0-9a-f]\n", hex), 1);
	ck_assert_uint_eq(strlen(hex), 64);
	t_run_free(&r);
	/* the same config blob as the layout's: the same image */
	ck_assert(has_blob(store, info("oci", "config")));
	ck_assert(has_blob(store, info("oci", "diff2")));	/* uncompressed here */
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	ls_row(row, sizeof(row), "testimg", "v1", hex);
	t_has(r.out, row);
	t_run_free(&r);
	T_ECI(&r, "testimg:v1", content_sh);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, content_out);
	t_run_free(&r);
	T_ECI(&r, img("docker.tar"));
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "cmd-ran\n1234\n");
	t_run_free(&r);
}
END_TEST

/* --- the store: names, removal, garbage ------------------------------------- */

START_TEST(import_ls_rm)
{
	const char *store = fresh_store();
	char digest[80], row[200];
	struct run_result r;

	snprintf(digest, sizeof(digest), "sha256:%s\n", info("oci", "manifest"));
	T_ECI(&r, "image", "import", img("oci"), "--name", "x:y");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, digest);
	t_run_free(&r);
	T_ECI(&r, "image", "import", img("base"), "--name", "keep:1");	/* shares layer 1 */
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	ck_assert_int_eq(strncmp(r.out, "NAME ", 5), 0);
	ls_row(row, sizeof(row), "x", "y", info("oci", "manifest"));
	t_has(r.out, row);
	ls_row(row, sizeof(row), "keep", "1", info("base", "manifest"));
	t_has(r.out, row);
	t_run_free(&r);
	ck_assert(exists("%s/refs/x:y", store));
	T_ECI(&r, "x:y");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "cmd-ran\n1234\n");
	t_run_free(&r);
	T_ECI(&r, "image", "rm", "x:y");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "--pull=never", "x:y", "true");
	t_want(&r, 125);
	t_has(r.err, "eci-run: ");
	t_has(r.err, "no such image");
	t_run_free(&r);
	T_ECI(&r, "image", "rm", "x:y");
	t_want(&r, 125);
	t_has(r.err, "no such image");
	t_run_free(&r);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	ls_row(row, sizeof(row), "x", "y", info("oci", "manifest"));
	t_lacks(r.out, row);
	t_run_free(&r);
	/* what only x:y used is gone; what keep:1 uses stays */
	ck_assert(!has_blob(store, info("oci", "manifest")));
	ck_assert(!has_blob(store, info("oci", "config")));
	ck_assert(!has_blob(store, info("oci", "layer2")));
	ck_assert(!has_blob(store, info("oci", "layer3")));
	ck_assert(has_blob(store, info("oci", "layer1")));
	ck_assert(has_blob(store, info("base", "manifest")));
	ck_assert(has_blob(store, info("base", "config")));
	ck_assert_int_eq(entries("%s/blobs/sha256", store), 3);
	T_ECI(&r, "keep:1", "/bin/sh", "-c", "echo still");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "still\n");
	t_run_free(&r);
}
END_TEST

/*
 * store_remove() leaves unpacked copies in slots/ "to go with their next
 * user": the next container of that slot (keep:1, which shares layer 1 and
 * so is given the same slot) must leave only what it uses.
 */
START_TEST(rm_frees_slot_copies)
{
	const char *store = fresh_store();
	char slot[64];
	struct run_result r;

	T_ECI(&r, "image", "import", img("oci"), "--name", "x:y");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "image", "import", img("base"), "--name", "keep:1");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "x:y", "true");
	t_want(&r, 0);
	t_run_free(&r);
	only_slot(store, slot, sizeof(slot));
	ck_assert(exists("%s/slots/%s/layers/%s", store, slot, info("oci", "diff2")));
	T_ECI(&r, "image", "rm", "x:y");
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "keep:1", "/bin/sh", "-c", "echo kept");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "kept\n");
	t_run_free(&r);
	only_slot(store, slot, sizeof(slot));
	ck_assert(exists("%s/slots/%s/layers/%s", store, slot, info("oci", "diff1")));
	ck_assert_msg(entries("%s/slots/%s/layers", store, slot) == 1,
		      "layers of the removed image x:y are still unpacked in slot %s", slot);
}
END_TEST

/*
 * A slot directory that is not container root's (the user made it before
 * the slot's first container, in a store of the user's own): refused,
 * named, before anything of it is used; no state left behind.
 */
START_TEST(slot_dir_not_own_refused)
{
	const char *store = fresh_store();
	struct subid_range rg[SUBID_MAX_RANGES];
	size_t n = ns_my_ranges(rg);
	char path[300];
	struct run_result r;
	uint32_t start;

	T_ECI(&r, "image", "ls");	/* makes the store, slots/ with it */
	t_want(&r, 0);
	t_run_free(&r);
	for (size_t i = 0; subid_slot(rg, n, i, &start, NULL) == 0; i++) {
		snprintf(path, sizeof(path), "%s/slots/%u", store, (unsigned)start);
		ck_assert_msg(mkdir(path, 0755) == 0, "mkdir %s: %s", path, strerror(errno));
	}
	T_ECI(&r, "--network", "none", "default", "true");
	ck_assert_int_eq(r.status, 125);
	ck_assert_msg(strstr(r.err, "the store's slot directory (") &&
			      strstr(r.err, ") is not this container's own: refusing it"),
		      "%s", r.err);
	t_run_free(&r);
	T_ECI(&r, "ps", "-a", "-q");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
	/* the user's own, in sticky slots/: not for a container root to remove */
	for (size_t i = 0; subid_slot(rg, n, i, &start, NULL) == 0; i++) {
		snprintf(path, sizeof(path), "%s/slots/%u", store, (unsigned)start);
		ck_assert_msg(rmdir(path) == 0, "%s: %s (used after all?)", path, strerror(errno));
	}
}
END_TEST

/* --- verification ------------------------------------------------------------ */

/* A copy of the layout with layer @n changed by @how: "flip" or "grow". */
static void spoil(char *dir, size_t size, int n, const char *how)
{
	char cmd[4200], key[16], path[4200];
	unsigned char c;
	off_t len;
	int fd;

	snprintf(dir, size, "%s/img/spoilt-%s", scratch, how);
	snprintf(cmd, sizeof(cmd), "cp -R '%s' '%s' && chmod -R u+w '%s'", img("oci"), dir, dir);
	ck_assert_int_eq(system(cmd), 0);
	snprintf(key, sizeof(key), "layer%d", n);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, info("oci", key));
	fd = open(path, O_RDWR | O_CLOEXEC);
	ck_assert_int_ge(fd, 0);
	len = lseek(fd, 0, SEEK_END);
	ck_assert_int_gt(len, 0);
	if (!strcmp(how, "flip")) {
		ck_assert_int_eq(pread(fd, &c, 1, len / 2), 1);
		c ^= 0x01;
		ck_assert_int_eq(pwrite(fd, &c, 1, len / 2), 1);
	} else {
		ck_assert_int_eq(write(fd, "x", 1), 1);
	}
	close(fd);
}

/* Nothing of the spoilt image is recorded, nor the bad layer's content. */
static void nothing_recorded(const char *store, const char *dir, int n)
{
	char key[16], path[4200], hex[65];

	snprintf(key, sizeof(key), "layer%d", n);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, info("oci", key));
	file_sha(path, hex);
	ck_assert(!has_blob(store, hex));
	ck_assert(!has_blob(store, info("oci", key)));
	ck_assert_int_eq(entries("%s/refs", store), 0);
	ck_assert_int_eq(entries("%s/tmp", store), 0);
	blobs_whole(store);
}

/* libcrypto and libarchive are loaded when first needed: without them an
 * import says which library is missing, and the store is as it was. */
START_TEST(library_missing)
{
	const char *store = fresh_store();
	char lib[128], dir[256], file[300];
	struct run_result r;

	snprintf(lib, sizeof(lib), "%s/nolib", scratch);
	ck_assert_int_eq(mkdir(lib, 0755), 0);
	snprintf(file, sizeof(file), "%s/libcrypto.so.3", lib);
	ck_assert_int_eq(close(open(file, O_WRONLY | O_CREAT | O_EXCL, 0644)), 0);
	snprintf(dir, sizeof(dir), "%s/share/eci/images/default", t_prefix());
	ck_assert_int_eq(setenv("LD_LIBRARY_PATH", lib, 1), 0);
	T_ECI(&r, "image", "import", dir, "--name", "nolib");
	unsetenv("LD_LIBRARY_PATH");
	t_want(&r, 125);
	t_has(r.err, "load libcrypto.so.3 (Debian package libssl3)");
	t_run_free(&r);
	ck_assert_int_eq(entries("%s/refs", store) > 0 ? 1 : 0, 0);
}
END_TEST

START_TEST(digest_mismatch)
{
	const char *store = fresh_store();
	char dir[256];
	struct run_result r;

	spoil(dir, sizeof(dir), 1, "flip");
	T_ECI(&r, "image", "import", dir, "--name", "bad:1");
	t_want(&r, 125);
	t_has(r.err, "eci-run: ");
	t_has(r.err, "layer 1");
	t_has(r.err, "digest mismatch (got sha256:");
	t_run_free(&r);
	nothing_recorded(store, dir, 1);
	T_ECI(&r, dir, "true");
	t_want(&r, 125);
	t_has(r.err, "digest mismatch (got sha256:");
	t_run_free(&r);
	nothing_recorded(store, dir, 1);
}
END_TEST

START_TEST(size_mismatch)
{
	const char *store = fresh_store();
	char dir[256];
	struct run_result r;

	spoil(dir, sizeof(dir), 3, "grow");
	T_ECI(&r, "image", "import", dir, "--name", "bad:3");
	t_want(&r, 125);
	t_has(r.err, "eci-run: ");
	t_has(r.err, "layer 3");
	t_has(r.err, "size mismatch");
	t_run_free(&r);
	nothing_recorded(store, dir, 3);
}
END_TEST

/* A docker archive's layer is named by the config's diff_id alone. */
START_TEST(docker_layer_mismatch)
{
	const char *store = fresh_store();
	struct run_result r;

	T_ECI(&r, "image", "import", img("docker-bad.tar"));
	t_want(&r, 125);
	t_has(r.err, "eci-run: ");
	t_has(r.err, "digest mismatch");
	t_run_free(&r);
	ck_assert(!has_blob(store, info("docker-bad", "badlayer")));
	ck_assert_int_eq(entries("%s/refs", store), 0);
	blobs_whole(store);
}
END_TEST

/*
 * Unpacked layers are shared by diff_id: an image whose config claims
 * another layer's diff_id must not put its own content in that layer's
 * place (poison/ holds layer 1 plus /poisoned, and claims layer 1's).
 */
START_TEST(diff_id_checked)
{
	struct run_result r;

	fresh_store();
	T_ECI(&r, img("poison"), "/bin/sh", "-c", "echo ran");
	ck_assert_msg(r.status == 0 || r.status == 125, "exit %d: %s", r.status, r.err);
	t_run_free(&r);
	T_ECI(&r, img("base"), "/bin/sh", "-c", "cat /poisoned 2>/dev/null; echo base");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "base\n");
	t_run_free(&r);
}
END_TEST

/* --- hostile layers ---------------------------------------------------------- */

/* The canaries there are: in /tmp, in the stores, beside the stores. */
static char *canaries(void)
{
	char cmd[4200], *out;
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "ls -d /tmp/eci-canary-*-%s 2>/dev/null; "
		 "find '%s' -name 'eci-canary*' 2>/dev/null; true", tag, scratch);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	out = steal_ptr(r.out);
	t_run_free(&r);
	return out;
}

/* No canary anywhere, or none but what an earlier test left (@before). */
static void no_canary(const char *before)
{
	char *now = canaries();

	ck_assert_msg(!strcmp(now, before), "canaries: %s", now);
	ck_assert_msg(!strcmp(now, ""), "canaries left by an earlier test: %s", now);
	free(now);
}

/*
 * Run @image (layer 1 and a hostile layer) with @script: it must run and
 * print @out, warn about every one of @skipped (printf formats of the
 * entries' names, %s this run's tag), plant nothing outside its layer and
 * leave the host's /etc/passwd as it was.
 */
static void run_hostile(const char *image, const char *script, const char *out,
			const char *const *skipped)
{
	char before[65], after[65], entry[300], *planted = canaries();
	struct run_result r;

	fresh_store();
	file_sha("/etc/passwd", before);
	T_ECI(&r, img(image), "/bin/sh", "-c", script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, out);
	for (const char *const *s = skipped; *s; s++) {
		snprintf(entry, sizeof(entry), *s, tag);
		warned(r.err, entry);
	}
	t_run_free(&r);
	/* a second container reuses the layer as it was unpacked */
	T_ECI(&r, img(image), "/bin/sh", "-c", script);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, out);
	t_run_free(&r);
	no_canary(planted);
	free(planted);
	file_sha("/etc/passwd", after);
	ck_assert_str_eq(after, before);
}

START_TEST(hostile_absolute)
{
	static const char *const skipped[] = { "'/tmp/eci-canary-abs-%s'", NULL };

	run_hostile("evil-abs", "cat /ok; ls -A /tmp", "ok\n", skipped);
}
END_TEST

START_TEST(hostile_dotdot)
{
	static const char *const skipped[] = {
		"'../../eci-canary-dotdot-%s'",
		"'../../../../../../../../../../../../../../tmp/eci-canary-deep-%s'",
		NULL,
	};

	run_hostile("evil-dotdot", "cat /ok", "ok\n", skipped);
}
END_TEST

START_TEST(hostile_symlink)
{
	static const char *const skipped[] = {
		"'link/eci-canary-sym-%s'", "'up/eci-canary-up-%s'", "'link/eci-canary-dir-%s",
		NULL,
	};

	run_hostile("evil-symlink", "cat /ok; readlink /link; ls -A /tmp",
		    "ok\n/tmp\n", skipped);
}
END_TEST

/*
 * Hardlinks to /etc/passwd (absolute and by '..') and to a host file that
 * container root could link (0666, so protected_hardlinks allows it), by
 * its path and through a symlink to /tmp planted by the layer: none is
 * made, the host file keeps one link and its text; a hardlink within the
 * layer is made.
 */
START_TEST(hostile_hardlink)
{
	static const char *const skipped[] = { "h1'", "h2'", "h3'", "h4'", NULL };
	char target[128], *text = NULL;
	struct stat st;
	int fd;

	snprintf(target, sizeof(target), "/tmp/eci-hltarget-%s", tag);
	fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	ck_assert_int_ge(fd, 0);
	ck_assert_int_eq(write_all(fd, "host\n", 5), 0);
	close(fd);
	ck_assert_int_eq(chmod(target, 0666), 0);
	run_hostile("evil-hardlink",
		    "cat /ok; stat -c %h /ok; for f in /h1 /h2 /h3 /h4; do test -e $f && echo $f; "
		    "done; echo end", "ok\n2\nend\n", skipped);
	ck_assert_int_eq(stat(target, &st), 0);
	ck_assert_uint_eq(st.st_nlink, 1);
	ck_assert_int_eq(read_all_at(AT_FDCWD, target, 4096, &text, NULL), 0);
	ck_assert_str_eq(text, "host\n");
	free(text);
	unlink(target);
}
END_TEST

START_TEST(hostile_device)
{
	static const char *const skipped[] = { "'evil/null'", "'evil/zero'", NULL };

	run_hostile("evil-device", "cat /ok; ls -A /evil; echo end", "ok\nend\n", skipped);
}
END_TEST

/* Set-id entries anywhere under @dir (not descending where it may not), as "PATH MODE" lines. */
static void setid_left(const char *dir, char *out, size_t size)
{
	char cmd[512];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "find '%s' -type f -perm /6000 -printf '%%p %%m\\n' 2>/dev/null", dir);
	t_host_sh(cmd, &r);
	snprintf(out, size, "%s", r.out);
	t_run_free(&r);
}

/*
 * The image's own set-user-ID file (/opt/suid, container root's) and a
 * host directory anyone may write: no way of copying it there keeps the
 * bit — cp -p and tar, which chmod, and an overlay whose upper layer is
 * the host directory, which the kernel copies up into, mode and all, as
 * soon as the file is touched.  Container root may mount one with
 * --privileged, or in a user namespace of its own where the profile lets
 * it make one (seccomp=unconfined): not with such a directory mounted.
 */
START_TEST(hostile_setid_copy)
{
	static const char *const flags[] = { "--privileged", "--security-opt" };
	static const char script[] =
		"cp -p /opt/suid /w/cp; echo cp=$?; "
		"tar cf /tmp/t.tar -C /opt suid && mkdir -m 777 /w/tar && tar xpf /tmp/t.tar -C /w/tar; "
		"echo tar=$?; mkdir -m 777 /w/u /w/k /tmp/o; o=lowerdir=/opt,upperdir=/w/u,workdir=/w/k; "
		"mount -t overlay o -o $o /tmp/o && touch /tmp/o/suid; echo overlay=$?; "
		"unshare -Urm sh -c \"mount -t overlay o -o $o /tmp/o && touch /tmp/o/suid\"; "
		"echo userns=$?; ls -ln /w/u; stat -c %a /opt/suid";
	char dir[] = "/tmp/eci-t-setid.XXXXXX", vol[64], left[4096];
	struct run_result r;

	ck_assert_ptr_nonnull(mkdtemp(dir));
	ck_assert_int_eq(chmod(dir, 0777), 0);
	snprintf(vol, sizeof(vol), "%s:/w", dir);
	fresh_store();
	for (size_t i = 0; i < 2; i++) {
		T_ECI(&r, flags[i], i ? "seccomp=unconfined" : "--privileged", "-u", "0", "-v", vol,
		      img("oci"), script);
		t_want(&r, 0);
		t_has(r.out, "cp=1\ntar=1\noverlay=1\nuserns=1\n");
		t_has(r.out, "4755\n");	/* the image's file is as it was */
		t_has(r.err, "Operation not permitted");
		setid_left(dir, left, sizeof(left));
		ck_assert_msg(!left[0], "%s: set-id files on the host:\n%s\n%s", flags[i], left, r.out);
		t_run_free(&r);
		T_ECI(&r, "-u", "0", "-v", vol, img("oci"), "rm -rf /w/*");
		t_want(&r, 0);
		t_run_free(&r);
	}
	ck_assert_int_eq(rmdir(dir), 0);
}
END_TEST

/* An oci-archive whose tar aims out of the directory it is unpacked in. */
START_TEST(hostile_archive)
{
	const char *store = fresh_store();
	char *planted = canaries();
	struct run_result r;

	T_ECI(&r, "image", "import", img("evil-archive.tar"), "--name", "evil:archive");
	if (r.status == 125) {	/* refused: then nothing is recorded */
		t_has(r.err, "eci-run: ");
		ck_assert_int_eq(entries("%s/refs", store), 0);
	} else {		/* or neutralised: then it is base/ */
		t_want(&r, 0);
		t_run_free(&r);
		T_ECI(&r, "evil:archive", "/bin/sh", "-c", "echo ran");
		t_want(&r, 0);
		ck_assert_str_eq(r.out, "ran\n");
	}
	t_run_free(&r);
	ck_assert_int_eq(entries("%s/tmp", store), 0);
	no_canary(planted);
	free(planted);
}
END_TEST

/* --- a killed import ----------------------------------------------------------- */

static pid_t spawn_quiet(char *const argv[])
{
	pid_t pid = fork();

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);

		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		execv(argv[0], argv);
		_exit(99);
	}
	return pid;
}

/* The size of the biggest file in the store's tmp/ (0 if none). */
static long long tmp_bytes(const char *store)
{
	char path[300];
	long long most = 0;
	struct dirent *de;
	struct stat st;
	DIR *d;

	snprintf(path, sizeof(path), "%s/tmp", store);
	d = opendir(path);
	while (d && (de = readdir(d)))
		if (fstatat(dirfd(d), de->d_name, &st, AT_SYMLINK_NOFOLLOW) == 0 &&
		    S_ISREG(st.st_mode) && st.st_size > most)
			most = st.st_size;
	if (d)
		closedir(d);
	return most;
}

/*
 * Start importing @big and kill it with SIGKILL as soon as tmp/ holds more
 * than layer 1 (2 MB) could: the big layer is being copied in.  True if it
 * died with that half-copied blob in tmp/ (else it was too quick for us:
 * the caller tries again with another store).
 */
static bool kill_import(const char *store, const char *big)
{
	char bin[4096];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"image",
			 (char *)"import", (char *)big, (char *)"--name", (char *)"big", NULL };
	pid_t pid = spawn_quiet(argv);
	int st = 0;

	ck_assert_int_gt(pid, 0);
	for (int i = 0; i < 1000000; i++) {
		if (waitpid(pid, &st, WNOHANG) == pid)
			return false;	/* done before we saw it at work */
		if (tmp_bytes(store) > (4 << 20)) {
			kill(pid, SIGKILL);
			break;
		}
		usleep(20);
	}
	ck_assert_int_eq(waitpid(pid, &st, 0), pid);
	return WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && tmp_bytes(store) > (4 << 20) &&
	       !has_blob(store, info("big", "layer2"));
}

START_TEST(interrupted_import)
{
	char dir[128], big[160], digest[80];
	const char *store = NULL;
	struct run_result r;
	bool killed = false;

	snprintf(dir, sizeof(dir), "%s/img", scratch);
	t_mkimage("--big", dir, "100");
	snprintf(big, sizeof(big), "%s/big", dir);
	for (int attempt = 0; attempt < 10 && !killed; attempt++) {
		store = fresh_store();
		killed = kill_import(store, big);
	}
	ck_assert_msg(killed, "the import always ended before it could be killed");
	blobs_whole(store);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	ck_assert_int_eq(strncmp(r.out, "NAME ", 5), 0);
	t_lacks(r.out, "\nbig ");
	t_run_free(&r);
	ck_assert(!exists("%s/refs/big:latest", store));
	snprintf(digest, sizeof(digest), "sha256:%s\n", info("big", "manifest"));
	T_ECI(&r, "image", "import", big, "--name", "big");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, digest);
	t_run_free(&r);
	ck_assert_int_eq(entries("%s/tmp", store), 0);	/* cleared */
	ck_assert(has_blob(store, info("big", "layer2")));
	blobs_whole(store);
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	t_has(r.out, "\nbig ");
	t_run_free(&r);
}
END_TEST

/* --- layers per slot ------------------------------------------------------------ */

static unsigned map_start(pid_t pid, const char *file)
{
	char path[64], *map = NULL;
	unsigned inside = 1, start = 0, count = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
	ck_assert_int_eq(read_all_at(AT_FDCWD, path, 4096, &map, NULL), 0);
	ck_assert_int_eq(sscanf(map, "%u %u %u", &inside, &start, &count), 3);
	ck_assert_uint_eq(inside, 0);
	free(map);
	return start;
}

struct box {
	pid_t launcher;
	int in, out;
	unsigned uid_start, gid_start;
};

/* A container of the test image, as app, that waits for a line on stdin. */
static void box_start(struct box *b)
{
	char bin[4096], line[64];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i", (char *)img("oci"),
			 (char *)"stat -c %u:%g /home/app/owned /work/file; echo ready; read x",
			 NULL };
	pid_t init;

	b->launcher = t_spawn(argv, &b->in, &b->out);
	ck_assert_int_gt(b->launcher, 0);
	for (int i = 0; i < 2; i++) {
		ck_assert_int_eq(t_read_line(b->out, line, sizeof(line)), 0);
		ck_assert_str_eq(line, "1234:2345");
	}
	ck_assert_int_eq(t_read_line(b->out, line, sizeof(line)), 0);
	ck_assert_str_eq(line, "ready");
	init = t_child_of(b->launcher);
	ck_assert_int_gt(init, 0);
	b->uid_start = map_start(init, "uid_map");
	b->gid_start = map_start(init, "gid_map");
}

static int box_stop(struct box *b)
{
	int st;

	t_let_go(b->in);
	close(b->out);
	waitpid(b->launcher, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

/* Layer 2's /work as unpacked for slot @b: owned by the slot's 1234:2345. */
static void slot_copy_owned(const char *store, const struct box *b)
{
	char path[4096];
	struct stat st;

	snprintf(path, sizeof(path), "%s/slots/%u/layers/%s/work", store, b->uid_start,
		 info("oci", "diff2"));
	ck_assert_msg(stat(path, &st) == 0, "%s: %s", path, strerror(errno));
	ck_assert_uint_eq(st.st_uid, b->uid_start + 1234);
	ck_assert_uint_eq(st.st_gid, b->gid_start + 2345);
}

START_TEST(two_at_once)
{
	const char *store = fresh_store();
	struct box a, b;

	box_start(&a);
	box_start(&b);
	ck_assert_uint_ne(a.uid_start, b.uid_start);
	ck_assert_uint_ne(a.gid_start, b.gid_start);
	slot_copy_owned(store, &a);
	slot_copy_owned(store, &b);
	ck_assert_int_eq(box_stop(&a), 0);
	ck_assert_int_eq(box_stop(&b), 0);
}
END_TEST

/*
 * Run the image twice in a fresh store: false if the second run was given
 * another slot (one that someone else's container held at that moment).
 */
static bool reused(void)
{
	const char *store = fresh_store();
	char slot[64], path[4096];
	struct stat st1, st2;
	struct run_result r;
	int blobs;

	T_ECI(&r, img("oci"), "echo one");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "one\n");
	t_run_free(&r);
	blobs = entries("%s/blobs/sha256", store);
	ck_assert_int_eq(blobs, 5);	/* manifest, config, 3 layers */
	only_slot(store, slot, sizeof(slot));
	ck_assert_int_eq(entries("%s/slots/%s/layers", store, slot), 3);
	for (int i = 1; i <= 3; i++) {
		char key[8];

		snprintf(key, sizeof(key), "diff%d", i);
		ck_assert(exists("%s/slots/%s/layers/%s", store, slot, info("oci", key)));
	}
	snprintf(path, sizeof(path), "%s/slots/%s/layers/%s", store, slot, info("oci", "diff2"));
	ck_assert_int_eq(stat(path, &st1), 0);
	T_ECI(&r, img("oci"), "echo two");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "two\n");
	t_run_free(&r);
	ck_assert_int_eq(entries("%s/blobs/sha256", store), blobs);
	ck_assert_int_eq(stat(path, &st2), 0);
	ck_assert_uint_eq(st2.st_ino, st1.st_ino);	/* that copy is never unpacked again */
	if (entries("%s/slots", store) != 2)	/* the slot and .live */
		return false;
	ck_assert_int_eq(entries("%s/slots/%s/layers", store, slot), 3);
	return true;
}

START_TEST(second_run_reuses)
{
	bool ok = false;

	for (int attempt = 0; attempt < 3 && !ok; attempt++)
		ok = reused();
	ck_assert_msg(ok, "the second run never reused the first one's slot");
}
END_TEST

/* --- images of many layers -------------------------------------------------------- */

/* What stack/ shows: whiteouts and an opaque directory across layers, and
 * layer 4's /big, as sha256sum prints it. */
static const char stack_sh[] = "ls /stack; ls /opq; ls /keep; sha256sum < /big";

static const char *stack_out(void)
{
	static char out[128];
	char cmd[4200];
	struct run_result r;

	snprintf(cmd, sizeof(cmd), "tar -xOf '%s/blobs/sha256/%s' ./big | sha256sum", img("stack"),
		 info("stack", "layer4"));
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	snprintf(out, sizeof(out), "6\nc\ny\n%s", r.out);
	t_run_free(&r);
	return out;
}

/* Every entry of the slot's layers/ is a whole layer of @image, named by
 * its diff_id, none of @bad (0: none): nothing half-made, no .tmp-*. */
static void layers_whole(const char *store, const char *slot, const char *image, int bad)
{
	char path[300], key[16];
	struct dirent *de;
	DIR *d;

	snprintf(path, sizeof(path), "%s/slots/%s/layers", store, slot);
	d = opendir(path);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d))) {
		bool known = false;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		for (int i = 1; i <= 6 && !known; i++) {
			snprintf(key, sizeof(key), "diff%d", i);
			known = i != bad && !strcmp(de->d_name, info(image, key));
		}
		ck_assert_msg(known, "%s: %s is no whole layer of %s", path, de->d_name, image);
	}
	closedir(d);
}

/* Six layers, more than there are CPUs (most machines): each unpacked
 * once, whiteouts and opaque directories applied across them. */
START_TEST(many_layers)
{
	const char *store = fresh_store();
	char slot[64];
	struct run_result r;

	T_ECI(&r, img("stack"), "/bin/sh", "-c", stack_sh);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, stack_out());
	t_run_free(&r);
	only_slot(store, slot, sizeof(slot));
	ck_assert_int_eq(entries("%s/slots/%s/layers", store, slot), 6);
	layers_whole(store, slot, "stack", 0);
}
END_TEST

/*
 * Layer 3's diff_id is wrong: the start is refused and names it, whatever
 * the layers unpacked beside it were doing then; none is left half-made,
 * and those left whole serve the right image as they are.
 */
START_TEST(many_layers_one_bad)
{
	const char *store = fresh_store();
	char slot[64];
	struct run_result r;

	T_ECI(&r, img("stackbad"), "/bin/sh", "-c", "echo ran");
	t_want(&r, 125);
	t_has(r.err, "layer 3: digest mismatch");
	t_has(r.err, info("stackbad", "diff3"));	/* what it really is */
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
	only_slot(store, slot, sizeof(slot));
	layers_whole(store, slot, "stackbad", 3);
	T_ECI(&r, img("stack"), "/bin/sh", "-c", stack_sh);
	t_want(&r, 0);
	ck_assert_str_eq(r.out, stack_out());
	t_run_free(&r);
}
END_TEST

/* A container of stack/ that prints what it sees, then waits for a line. */
static pid_t stack_box(int *in, int *out)
{
	char bin[4096], script[256];
	char *argv[] = { (char *)t_bin("eci-run", bin, sizeof(bin)), (char *)"-i",
			 (char *)img("stack"), (char *)"/bin/sh", (char *)"-c", script, NULL };

	snprintf(script, sizeof(script), "%s; echo ready; read x", stack_sh);
	return t_spawn(argv, in, out);
}

/* Two first starts at once: each unpacks the image in its own slot. */
START_TEST(many_layers_at_once)
{
	const char *store = fresh_store(), *want = stack_out();
	char got[2][256], line[128], slots[300];
	pid_t pid[2];
	int in[2], out[2], st;
	struct dirent *de;
	DIR *d;

	for (int i = 0; i < 2; i++) {
		pid[i] = stack_box(&in[i], &out[i]);
		ck_assert_int_gt(pid[i], 0);
	}
	for (int i = 0; i < 2; i++) {
		got[i][0] = '\0';
		while (t_read_line(out[i], line, sizeof(line)) == 0 && strcmp(line, "ready"))
			snprintf(got[i] + strlen(got[i]), sizeof(got[i]) - strlen(got[i]), "%s\n", line);
	}
	for (int i = 0; i < 2; i++) {
		t_let_go(in[i]);
		close(out[i]);
		ck_assert_int_eq(waitpid(pid[i], &st, 0), pid[i]);
		ck_assert_msg(WIFEXITED(st) && WEXITSTATUS(st) == 0, "container %d: status %d", i, st);
		ck_assert_str_eq(got[i], want);
	}
	snprintf(slots, sizeof(slots), "%s/slots", store);
	d = opendir(slots);
	ck_assert_ptr_nonnull(d);
	while ((de = readdir(d)))
		if (de->d_name[0] != '.') {
			ck_assert_int_eq(entries("%s/%s/layers", slots, de->d_name), 6);
			layers_whole(store, de->d_name, "stack", 0);
		}
	closedir(d);
	ck_assert_int_eq(entries("%s", slots), 3);	/* two slots and .live */
}
END_TEST

/* --- a root file system directory ------------------------------------------------- */

START_TEST(rootfs_dir)
{
	const char *store = fresh_store();
	char path[300];
	struct run_result r;
	struct stat st;

	snprintf(path, sizeof(path), "%s/bin/busybox", img("rootfs"));
	ck_assert_int_eq(stat(path, &st), 0);
	ck_assert_uint_eq(st.st_uid, getuid());
	T_ECI(&r, img("rootfs"), "/bin/busybox", "sh", "-c",
	    "/bin/busybox stat -c '%n %u:%g %a' /bin/busybox /bin /etc/f; "
	    "/bin/busybox readlink /bin/sh; /bin/busybox id -u");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "/bin/busybox 0:0 755\n/bin 0:0 755\n/etc/f 0:0 640\nbusybox\n0\n");
	t_run_free(&r);
	ck_assert_int_eq(entries("%s/blobs/sha256", store), 3);	/* layer, config, manifest */
	T_ECI(&r, "image", "ls");
	t_want(&r, 0);
	t_has(r.out, "\nrootfs ");
	t_run_free(&r);
	T_ECI(&r, img("rootfs"));	/* the config's /bin/sh, reading /dev/null */
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "");
	t_run_free(&r);
}
END_TEST

/*
 * A name in UTF-8, as a pax record holds it (Go's archive/tar writes one
 * for every non-ASCII name: Debian's ca-certificates has two): imported
 * and unpacked as its bytes, whatever the locale.
 */
START_TEST(utf8_names)
{
	char cmd[1024], tarball[300];
	struct run_result r;

	fresh_store();
	snprintf(tarball, sizeof(tarball), "%s/utf8.tar", scratch);
	snprintf(cmd, sizeof(cmd),
		 "set -e; d=%s/utf8; mkdir -p $d/bin; cp %s/bin/busybox $d/bin/ 2>/dev/null || "
		 "cp /bin/busybox $d/bin/; ln -sf busybox $d/bin/sh; ln -sf busybox $d/bin/ls; "
		 "echo hi > \"$d/F\305\221tan\303\272s\303\255tv\303\241ny.pem\"; "
		 "LC_ALL=C.UTF-8 tar --format=pax -C $d -cf %s . && "
		 "LC_ALL=C.UTF-8 tar -tvf %s | grep -c pem",
		 scratch, img("rootfs"), tarball, tarball);
	t_host_sh(cmd, &r);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "image", "import", "--name", "utf8-names", tarball);
	t_want(&r, 0);
	t_run_free(&r);
	T_ECI(&r, "--network", "none", "utf8-names", "sh", "-c", "for f in /F*; do echo $f; done");
	t_want(&r, 0);
	ck_assert_str_eq(r.out, "/F\305\221tan\303\272s\303\255tv\303\241ny.pem\n");
	t_run_free(&r);
}
END_TEST

Suite *images_suite(void)
{
	Suite *s = suite_create("images");
	TCase *tr = tcase_create("run"), *ts = tcase_create("store"), *th = tcase_create("hostile"),
	      *tl = tcase_create("slots");

	tcase_set_timeout(tr, 120);
	tcase_add_unchecked_fixture(tr, images_make, images_remove);
	tcase_add_test(tr, layout_config);
	tcase_add_test(tr, layout_content);
	tcase_add_test(tr, entrypoint_flag);
	tcase_add_test(tr, layout_tag);
	tcase_add_test(tr, oci_archive);
	tcase_add_test(tr, docker_archive);
	tcase_add_test(tr, rootfs_dir);
	tcase_add_test(tr, utf8_names);
	tcase_add_test(tr, many_layers);
	suite_add_tcase(s, tr);
	tcase_set_timeout(ts, 120);
	tcase_add_unchecked_fixture(ts, images_make, images_remove);
	tcase_add_test(ts, import_ls_rm);
	tcase_add_test(ts, rm_frees_slot_copies);
	tcase_add_test(ts, slot_dir_not_own_refused);
	tcase_add_test(ts, library_missing);
	tcase_add_test(ts, digest_mismatch);
	tcase_add_test(ts, size_mismatch);
	tcase_add_test(ts, docker_layer_mismatch);
	tcase_add_test(ts, diff_id_checked);
	tcase_add_test(ts, many_layers_one_bad);
	tcase_add_test(ts, interrupted_import);
	suite_add_tcase(s, ts);
	tcase_set_timeout(th, 120);
	tcase_add_unchecked_fixture(th, images_make, images_remove);
	tcase_add_test(th, hostile_absolute);
	tcase_add_test(th, hostile_dotdot);
	tcase_add_test(th, hostile_symlink);
	tcase_add_test(th, hostile_hardlink);
	tcase_add_test(th, hostile_device);
	tcase_add_test(th, hostile_archive);
	tcase_add_test(th, hostile_setid_copy);
	suite_add_tcase(s, th);
	tcase_set_timeout(tl, 120);
	tcase_add_unchecked_fixture(tl, images_make, images_remove);
	if (ns_my_slots() < 2) {
		test_skip("two_at_once", "the account has fewer than 2 slots");
		test_skip("many_layers_at_once", "the account has fewer than 2 slots");
	} else {
		tcase_add_test(tl, two_at_once);
		tcase_add_test(tl, many_layers_at_once);
	}
	tcase_add_test(tl, second_run_reuses);
	suite_add_tcase(s, tl);
	return s;
}
