// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * check_image.c - the OCI layout reader on the default image and on
 * copies of it broken in the ways a hostile or damaged image would be
 */
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "image.h"
#include "image-int.h"
#include "run.h"
#include "tap.h"
#include "unit.h"

static char dir[64];

static void copy_default(void)
{
	char cmd[8192];

	snprintf(dir, sizeof(dir), "/tmp/eci-t-layout.XXXXXX");
	ck_assert_ptr_nonnull(mkdtemp(dir));
	snprintf(cmd, sizeof(cmd), "cp -R %s/share/eci/images/default/. %s && chmod -R u+w %s",
		 t_prefix(), dir, dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void sh(const char *fmt)
{
	char cmd[8192];

	snprintf(cmd, sizeof(cmd), "cd %s && %s", dir, fmt);
	ck_assert_msg(system(cmd) == 0, "%s", cmd);
}

static void teardown(void)
{
	char cmd[128];

	snprintf(cmd, sizeof(cmd), "rm -rf %s", dir);
	ck_assert_int_eq(system(cmd), 0);
}

static void expect_refusal(const char *words)
{
	struct eci_err e = { 0 };
	struct img img;

	ck_assert_int_lt(img_load(dir, NULL, &img, &e), 0);
	ck_assert_msg(strstr(e.msg, words), "message lacks '%s': %s", words, e.msg);
	ck_assert_ptr_nonnull(strstr(e.msg, dir));	/* names the image */
}

START_TEST(default_image_loads)
{
	struct eci_err e = { 0 };
	struct img img;

	copy_default();
	ck_assert_msg(img_load(dir, NULL, &img, &e) == 0, "%s", e.msg);
	ck_assert_uint_eq(img.nlayers, 1);
	ck_assert_ptr_nonnull(img.cmd);
	ck_assert_str_eq(img.cmd[0], "/bin/sh");
	ck_assert_ptr_null(img.cmd[1]);
	ck_assert_ptr_nonnull(img.env);
	ck_assert_int_eq(strncmp(img.env[0], "PATH=", 5), 0);
	ck_assert_int_eq(strncmp(img.digest, "sha256:", 7), 0);
	ck_assert_uint_eq(strlen(img.digest), 71);
	img_free(&img);
	ck_assert_int_eq(img_load(dir, "latest", &img, &e), 0);
	img_free(&img);
	ck_assert_int_lt(img_load(dir, "nosuchtag", &img, &e), 0);
	ck_assert_ptr_nonnull(strstr(e.msg, "no manifest tagged 'nosuchtag'"));
	teardown();
}
END_TEST

START_TEST(corrupt_layer)
{
	copy_default();
	sh("f=$(ls -S blobs/sha256 | head -n1) && "
	   "printf X | dd of=blobs/sha256/$f bs=1 seek=4000 conv=notrunc 2>/dev/null");
	expect_refusal("is corrupt (its content hashes to sha256:");
	teardown();
}
END_TEST

START_TEST(truncated_layer)
{
	copy_default();
	sh("f=$(ls -S blobs/sha256 | head -n1) && truncate -s 100 blobs/sha256/$f");
	expect_refusal("has size 100, descriptor says");
	teardown();
}
END_TEST

START_TEST(missing_index)
{
	copy_default();
	sh("rm index.json");
	expect_refusal("index.json: No such file or directory");
	teardown();
}
END_TEST

START_TEST(bad_json)
{
	copy_default();
	sh("printf '{\"manifests\": [' > index.json");
	expect_refusal("index.json: invalid JSON at line 1");
	teardown();
}
END_TEST

/* A digest is a name in the store, never a path. */
START_TEST(digest_path_traversal)
{
	copy_default();
	sh("sed -i 's/\"digest\":\"sha256:[0-9a-f]*\"/\"digest\":\"sha256:..\\/..\\/..\\/etc\\/passwd\"/' index.json");
	expect_refusal("missing or unsupported digest");
	teardown();
}
END_TEST

/* A blob that is a symlink is not followed, even to a file that matches. */
START_TEST(symlinked_blob)
{
	copy_default();
	sh("f=$(ls -S blobs/sha256 | head -n1) && mv blobs/sha256/$f layer && "
	   "ln -s ../../layer blobs/sha256/$f");
	expect_refusal("open blob");
	teardown();
}
END_TEST

/* References as skopeo's docker transport reads them, and what is refused. */
static const struct ref_case {
	const char *in, *full, *err;	/* full: what it stands for; err: or the refusal */
} ref_cases[] = {
	{ "alpine", "docker.io/library/alpine:latest", NULL },
	{ "alpine:3.19", "docker.io/library/alpine:3.19", NULL },
	{ "user/app", "docker.io/user/app:latest", NULL },
	{ "docker.io/alpine", "docker.io/library/alpine:latest", NULL },
	{ "localhost/app:1", "localhost/app:1", NULL },
	{ "127.0.0.1:5000/eci/busybox:1", "127.0.0.1:5000/eci/busybox:1", NULL },
	{ "quay.io/a/b-c_d.e:v1.2-3",  "quay.io/a/b-c_d.e:v1.2-3", NULL },
	{ "r.io/a:1@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
	  "r.io/a@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", NULL },
	{ "Alpine", NULL, "'Alpine' is not a valid name component" },
	{ "r.io/a@sha256:01", NULL, "the digest must be sha256: and 64 lowercase hex digits" },
	{ "r.io/a@md5:0123", NULL, "the digest must be sha256:" },
	{ "r.io/a:-x", NULL, "'-x' is not a valid tag" },
	{ "r.io//a", NULL, "'' is not a valid name component" },
	{ "r.io/a/", NULL, "'' is not a valid name component" },
	{ "-v", NULL, "'-v' is not a valid name component" },
	{ "bad_host:x/a", NULL, "'bad_host:x' is not a registry host[:port]" },
	{ "r.io:123456/a", NULL, "'r.io:123456' is not a registry host[:port]" },
	{ "a/../b", NULL, "'..' is not a valid name component" },
};

START_TEST(ref_parse)
{
	const struct ref_case *c = &ref_cases[_i];
	struct eci_err e = { 0 };
	struct img_ref r;
	int ret = img_ref_parse(c->in, &r, &e);

	if (c->full) {
		ck_assert_msg(ret == 0, "%s: %s", c->in, e.msg);
		ck_assert_str_eq(r.full, c->full);
		ck_assert(r.short_name == (!strncmp(c->full, "docker.io/", 10) &&
					   strncmp(c->in, "docker.io/", 10)));
	} else {
		ck_assert_int_lt(ret, 0);
		ck_assert_msg(strstr(e.msg, c->err), "%s: message lacks '%s': %s", c->in, c->err,
			      e.msg);
		ck_assert_msg(strstr(e.msg, c->in), "%s: the message names no reference: %s",
			      c->in, e.msg);
	}
}
END_TEST

/* Whether the mapping holding @p has the flag @flag in /proc/self/smaps. */
static bool vma_flag(const void *p, const char *flag)
{
	FILE *f = fopen("/proc/self/smaps", "re");
	char line[512];
	bool in = false, found = false;

	ck_assert_ptr_nonnull(f);
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		char *v = line + 8;

		if (sscanf(line, "%lx-%lx ", &lo, &hi) == 2)	/* a mapping's first line */
			in = (uintptr_t)p >= lo && (uintptr_t)p < hi;
		else if (in && !strncmp(line, "VmFlags:", 8))
			for (char *t; !found && (t = strsep(&v, " \n"));)
				found = !strcmp(t, flag);
	}
	fclose(f);
	return found;
}

/* The feed's slots are in one mapping aligned to 2 MiB and advised for
 * huge pages (VM_HUGEPAGE, "hg" in smaps): the first block the tar reader
 * gets is the mapping's first slot.  A malloc()ed ring is neither. */
START_TEST(feed_ring_huge)
{
	struct eci_err e = { 0 };
	const void *p;
	char blob[] = "/tmp/eci-t-feed.XXXXXX";
	int fd = mkostemp(blob, O_CLOEXEC);
	struct img_feed *f;

	ck_assert_int_ge(fd, 0);
	unlink(blob);
	ck_assert_int_eq(ftruncate(fd, 3 << 20), 0);
	ck_assert_msg(arc_load(&e) == 0 && crypto_load(&e) == 0, "%s", e.msg);
	f = img_feed_open(fd, &e);
	ck_assert_msg(f, "%s", e.msg);
	ck_assert_int_eq(img_feed_read(NULL, f, &p), 1 << 20);
	ck_assert_uint_eq((uintptr_t)p % (2u << 20), 0);
	ck_assert_msg(vma_flag(p, "hg"), "the slots are not advised for huge pages");
	ck_assert_int_eq(((const char *)p)[12345], 0);
	img_feed_free(f);
	close(fd);
}
END_TEST

/* Whether this kernel takes MADV_HUGEPAGE (transparent huge pages). */
static bool thp_advisable(void)
{
	size_t len = 4u << 20;
	void *m = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	bool ok;

	if (m == MAP_FAILED)
		return false;
	ok = madvise(m, len, MADV_HUGEPAGE) == 0;
	munmap(m, len);
	return ok;
}

Suite *image_suite(void)
{
	Suite *s = suite_create("image");
	TCase *tc = tcase_create("oci layout");

	tcase_add_test(tc, default_image_loads);
	tcase_add_test(tc, corrupt_layer);
	tcase_add_test(tc, truncated_layer);
	tcase_add_test(tc, missing_index);
	tcase_add_test(tc, bad_json);
	tcase_add_test(tc, digest_path_traversal);
	tcase_add_test(tc, symlinked_blob);
	tcase_add_loop_test(tc, ref_parse, 0, sizeof(ref_cases) / sizeof(ref_cases[0]));
	suite_add_tcase(s, tc);
	tc = tcase_create("feed");
	if (thp_advisable())
		tcase_add_test(tc, feed_ring_huge);
	else
		test_skip("feed_ring_huge", "this kernel refuses MADV_HUGEPAGE (no transparent huge pages)");
	suite_add_tcase(s, tc);
	return s;
}
