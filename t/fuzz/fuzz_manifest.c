// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * fuzz_manifest.c - the image manifest and config readers: the input is
 * stored as a blob of a scratch layout and read both as a manifest and as
 * the config of a generated manifest, with digests verified.
 */
#include <fcntl.h>
#include <openssl/evp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "image-int.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char dir[64];
static int dirfd_ = -1;

/* The scratch layout holds at most the two blobs of one input. */
static void drop(const char *digest)
{
	char path[160];

	snprintf(path, sizeof(path), "blobs/sha256/%s", digest + 7);
	unlinkat(dirfd_, path, 0);
}

static void remove_layout(void)
{
	unlinkat(dirfd_, "blobs/sha256", AT_REMOVEDIR);
	unlinkat(dirfd_, "blobs", AT_REMOVEDIR);
	rmdir(dir);
}

static void put(const void *buf, size_t len, char digest[72])
{
	unsigned char md[32];
	unsigned int n = 0;
	char path[160];
	FILE *f;

	EVP_Digest(buf, len, md, &n, EVP_sha256(), NULL);
	strcpy(digest, "sha256:");
	for (unsigned i = 0; i < n; i++)
		sprintf(digest + 7 + 2 * i, "%02x", md[i]);
	snprintf(path, sizeof(path), "%s/blobs/sha256/%s", dir, digest + 7);
	f = fopen(path, "w");
	if (!f || (len && fwrite(buf, 1, len, f) != len) || fclose(f))
		abort();
}

static void load(const char *digest, long long size)
{
	struct eci_err e = { 0 };
	struct img img = { 0 };
	json_t *desc = json_pack("{s:s, s:I}", "digest", digest, "size", (json_int_t)size);

	img.name = strdup("fuzz");
	if (img_load_manifest(dirfd_, desc, IMG_VERIFY_ALL, &img, &e) < 0 && !memchr(e.msg, '\0', sizeof(e.msg)))
		abort();
	img_free(&img);
	json_decref(desc);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char d[72], m[72], man[512];
	int n;

	if (!dir[0]) {
		char p[128];

		if (crypto_load(&(struct eci_err){ 0 }) < 0)	/* for put()'s own hashing */
			abort();

		snprintf(dir, sizeof(dir), "/tmp/eci-fuzz-layout.XXXXXX");
		if (!mkdtemp(dir))
			abort();
		snprintf(p, sizeof(p), "%s/blobs", dir);
		mkdir(p, 0700);
		snprintf(p, sizeof(p), "%s/blobs/sha256", dir);
		mkdir(p, 0700);
		dirfd_ = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
		atexit(remove_layout);
	}
	put(data, size, d);
	load(d, (long long)size);		/* as a manifest */
	n = snprintf(man, sizeof(man), "{\"schemaVersion\":2,\"config\":{\"digest\":\"%s\",\"size\":%zu},"
		     "\"layers\":[]}", d, size);
	put(man, (size_t)n, m);
	load(m, n);				/* as a config */
	drop(m);
	drop(d);
	return 0;
}
